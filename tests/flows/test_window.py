"""A window as a flow: calling, 过号顺延, transfers and the slip of a new number, against a real SQLite file
and a real daemon with the virtual printer; no Textual."""

from __future__ import annotations

from pathlib import Path

from core.problems import Code, Problem
from db import cases, staff, tickets, trips
from flows.intake import IntakeFlow, PersonDetails
from flows.slips import Slip, SlipOutcome
from flows.window import Action, ToQueue, ToWindow, Transferred, WindowFlow
from tests.flows.support import FlowVan, devices_ready, flow_van, sim, until
from tests.support.heard import listening

# The demo's windows: 1 serves A (林晓燕, s01), 2 serves F and H (s02), 3 serves B and C (s03).
LOGINS = {"1": "s01", "2": "s02", "3": "s03"}


def window_of(fv: FlowVan, window: str) -> WindowFlow:
    store = fv.van.store
    trip = trips.current_trip(store)
    assert trip is not None
    return WindowFlow(fv.van, staff.get_staff(store, fv.staff_id(LOGINS[window])), trip, window)


def issue(fv: FlowVan, item_code: str) -> tickets.Ticket:
    ticket = tickets.issue_ticket(fv.van.store, fv.demo.trip_id, item_code=item_code)
    return tickets.set_print_state(fv.van.store, ticket.id, "printed")


async def test_call_recall_and_no_show_each_announce_once_and_serve_leads_to_intake(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv, listening(fv.client) as queue:
        first, second = issue(fv, "residence_permit"), issue(fv, "residence_permit")
        window = window_of(fv, "1")
        assert window.allowed(Action.CALL_NEXT) and not window.allowed(Action.SERVE)
        assert window.recall() == Problem(Code.WINDOW_NOT_NOW, {"action": "recall"})
        called = window.call_next()
        assert isinstance(called, tickets.Ticket) and called.id == first.id and window.current == called
        assert window.call_next() == Problem(Code.WINDOW_NOT_NOW, {"action": "call_next"})
        recalled = window.recall()
        assert isinstance(recalled, tickets.Ticket) and recalled.call_count == 2
        assert isinstance(window.no_show(), tickets.Ticket) and window.current is None
        assert window.call_next() == tickets.get_ticket(fv.van.store, second.id)
        assert window.serve() == window.current and not window.allowed(Action.CALL_NEXT)
        item = window.item(window.current.item_code if window.current else None)
        assert item is not None and (item.name, item.name_en) == ("居住证申领", "Residence permit application")
        assert [(event.type, event.ticket.number) for event in await queue.since_last()] == [
            ("ticket.called", first.label),
            ("ticket.recalled", first.label),
            ("ticket.no_show", first.label),
            ("ticket.called", second.label),
        ]
        assert window.call_next() == Problem(Code.WINDOW_NOT_NOW, {"action": "call_next"})
        [call, *_] = window.side().recent
        assert (call.label, call.window) == (second.label, "1")


async def test_a_missed_number_goes_back_the_configured_places_beside_no_show(tmp_path: Path) -> None:
    """Defect 9: 过号顺延, as halls do: a late arrival is called again a few numbers later."""
    async with flow_van(tmp_path, {"service": {"defer_places": 2}}) as fv, listening(fv.client) as queue:
        late, *others = [issue(fv, "residence_permit") for _ in range(4)]
        window = window_of(fv, "1")
        assert window.call_next() == tickets.get_ticket(fv.van.store, late.id)
        assert window.allowed(Action.DEFER) and window.allowed(Action.NO_SHOW)
        deferred = window.defer()
        assert isinstance(deferred, tickets.Ticket) and (deferred.status, deferred.deferrals) == ("waiting", 1)
        assert window.current is None and window.side().waiting == {"A": 4}
        order = []
        for _ in range(3):
            called = window.call_next()
            assert isinstance(called, tickets.Ticket)
            order.append(called.label)
            window.no_show()
        assert order == [others[0].label, others[1].label, late.label]
        assert [event.type for event in await queue.since_last()][:2] == ["ticket.called", "ticket.deferred"]


async def test_a_ticket_transferred_to_another_queue_keeps_an_item_on_its_slip_and_at_the_window(
    tmp_path: Path,
) -> None:
    """Defect 5: the new slip showed D001 / D / 特殊群体优先, and the window 事项：—."""
    async with flow_van(tmp_path) as fv, listening(fv.client) as queue:
        await devices_ready(fv, "printer")
        ticket = issue(fv, "residence_permit")
        window = window_of(fv, "1")
        window.call_next()
        targets = window.transfer_targets()
        assert all(isinstance(target, ToQueue) for target in targets)  # nobody else serves queue A
        social = next(target for target in targets if isinstance(target, ToQueue) and target.category == "F")
        assert social.department is not None and social.department.name == "人力社保"
        assert "social_insurance_enrol" in {item.code for item in social.items}
        assert window.transfer(social) == Problem(Code.TRANSFER_ITEM_NEEDED, {"category": "F"})
        assert window.transfer(ToQueue("Q", None, ())) == Problem(Code.TRANSFER_NOT_A_TARGET)
        moved = window.transfer(social, "social_insurance_enrol")
        assert isinstance(moved, Transferred) and moved.new is not None and moved.ticket.status == "transferred"
        assert (moved.new.category, moved.new.item_code) == ("F", "social_insurance_enrol")
        slip = await window.print_slip(moved.new.id)
        assert isinstance(slip, Slip) and slip.outcome is SlipOutcome.PRINTED
        [receipt] = fv.receipts
        assert moved.new.label in receipt.lines and "灵活就业人员社保参保登记" in receipt.lines
        assert [(event.type, event.ticket.number) for event in await queue.since_last()] == [
            ("ticket.called", ticket.label),
            ("ticket.transferred", ticket.label),
            ("ticket.issued", moved.new.label),
            ("ticket.printed", moved.new.label),
        ]
        at_two = window_of(fv, "2")
        called = at_two.call_next()
        assert isinstance(called, tickets.Ticket) and called.id == moved.new.id
        assert getattr(at_two.item(called.item_code), "name", None) == "灵活就业人员社保参保登记"


async def test_a_ticket_with_an_open_case_goes_only_to_a_window_of_its_queue_and_keeps_it(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        store = fv.van.store
        clerk = fv.staff_id("s03")
        trips.set_crew(store, fv.demo.trip_id, clerk, "3", ["A", "B", "C"])  # window 3 serves A too
        ticket = issue(fv, "hukou_certificate")
        window = window_of(fv, "1")
        window.call_next()
        intake = IntakeFlow.start(fv.van, ticket.id, staff=window.staff, trip=window.trip, window="1")
        assert isinstance(intake, IntakeFlow) and intake.case is None
        intake.next(PersonDetails(name="张三"))  # the ticket's item: its case opens
        assert intake.case is not None
        window.refresh()
        assert window.transfer_targets() == [ToWindow("3", "黄丽君")]
        assert window.transfer(ToQueue("F", None, ())) == Problem(Code.TRANSFER_CASE_OPEN, {"ticket": ticket.label})
        moved = window.transfer(ToWindow("3", "黄丽君"))
        assert isinstance(moved, Transferred) and moved.new is None
        assert (moved.ticket.label, moved.ticket.item_code, moved.ticket.target_window) == (
            ticket.label,
            "hukou_certificate",
            "3",
        )
        at_three = window_of(fv, "3")
        assert at_three.call_next() == tickets.get_ticket(store, ticket.id)
        [case] = cases.list_cases(store, ticket_id=ticket.id)
        assert case.outcome is None  # the case went with its ticket


async def test_a_new_number_that_did_not_print_is_held_until_the_window_settles_it(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        await devices_ready(fv, "printer")
        sim(fv, "printer", "paper", {"state": "out"})
        await until(lambda: fv.client.status.devices["printer"].state == "error", "paper out")
        issue(fv, "residence_permit")
        window = window_of(fv, "1")
        window.call_next()
        social = next(
            target for target in window.transfer_targets() if isinstance(target, ToQueue) and target.category == "F"
        )
        moved = window.transfer(social, "social_insurance_enrol")
        assert isinstance(moved, Transferred) and moved.new is not None
        slip = await window.print_slip(moved.new.id)
        assert isinstance(slip, Slip) and slip.held and slip.problem == Problem(Code.PRINTER_PAPER_OUT)
        assert window.held == slip and window.allowed(Action.WRITE) and window.allowed(Action.CANCEL)
        assert window_of(fv, "2").call_next() is None  # held: not called at the other queue's window
        written = window.hand_over_in_writing()
        assert isinstance(written, Slip) and written.ticket.print_state == "written" and window.held is None
        assert not window.allowed(Action.WRITE)
        assert isinstance(window_of(fv, "2").call_next(), tickets.Ticket)
