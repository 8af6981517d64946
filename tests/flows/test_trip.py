"""The trip: opening, changing its crew and closing each publish their trip event once, from the flow;
the captain marks everyone's cooperation but their own; the desk's keys are ordered for the trip."""

from __future__ import annotations

from pathlib import Path

from core.problems import Code, Problem
from db import report, staff, tickets, trips
from flows.trip import DESK_KEYS, Action, Seat, TripClose, TripSetup
from tests.flows.support import FlowVan, flow_van
from tests.support.heard import listening


def person(fv: FlowVan, login: str) -> staff.Staff:
    return staff.get_staff(fv.van.store, fv.staff_id(login))


async def test_closing_opening_and_changing_the_crew_each_announce_once(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv, listening(fv.client) as heard:
        store, captain, trip_id = fv.van.store, person(fv, "c01"), fv.demo.trip_id
        waiting = tickets.issue_ticket(store, trip_id, category="A")
        closing = TripClose(fv.van, captain, trip_id)
        assert closing.blockers.pending == 1 and closing.allowed(Action.CLOSE)
        summary = closing.close(abandon_waiting=True)
        assert not isinstance(summary, Problem) and summary.status == "closed"
        assert await heard.trip_events() == [("trip.closed", trip_id, "closed")]
        assert (
            trips.get_trip(store, trip_id).status == "closed"
            and tickets.get_ticket(store, waiting.id).status == "no_show"
        )
        assert report.stored_at(store, trip_id) is not None
        assert TripClose(fv.van, captain, trip_id).close(abandon_waiting=True) == Problem(
            Code.TRIP_NOT_OPEN, {"trip": trip_id, "status": "closed"}
        )
        assert await heard.since_last() == []  # a refused close tells nobody anything

        setup = TripSetup(fv.van, captain)
        assert setup.allowed(Action.OPEN) and setup.allowed(Action.DESK_KEYS)
        opened = setup.open(setup.stops[0].id, "fixed")
        assert not isinstance(opened, Problem) and opened.status == "open"
        assert await heard.trip_events() == [("trip.opened", opened.id, "open")]
        assert trips.current_trip(store) == opened

        change = TripSetup(fv.van, captain, opened)
        assert not change.allowed(Action.OPEN) and change.allowed(Action.CHANGE_CREW)
        assert change.change_crew() == opened  # nothing changed: nothing to announce
        first, second = (member.staff_id for member in opened.crew[:2])
        one, two = change.seats[first], change.seats[second]
        change.seats[first], change.seats[second] = Seat(two.window, one.categories), Seat(one.window, two.categories)
        changed = change.change_crew()
        assert not isinstance(changed, Problem)
        assert (changed.window_of(first), changed.window_of(second)) == (two.window, one.window)
        assert await heard.trip_events() == [("trip.crew_changed", opened.id, "open")]


async def test_a_window_with_a_ticket_at_it_keeps_its_person(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv, listening(fv.client) as heard:
        store, trip_id = fv.van.store, fv.demo.trip_id
        tickets.issue_ticket(store, trip_id, category="A")
        called = tickets.call_next(store, trip_id, "1")
        assert called is not None
        change = TripSetup(fv.van, person(fv, "c01"), trips.get_trip(store, trip_id))
        clerk = fv.staff_id("s01")
        assert change.seat_at(clerk, "9") is None
        assert change.change_crew() == Problem(Code.CREW_WINDOW_BUSY, {"window": "1", "ticket": called.label})
        change.seats[clerk] = Seat("1", ("A", "B"))  # serving one more queue at the same window is fine
        assert not isinstance(change.change_crew(), Problem)
        assert trips.get_trip(store, trip_id).categories_of_window("1") == ("A", "B")
        assert [event.type for event in await heard.since_last()] == ["trip.crew_changed"]


async def test_the_captain_marks_the_crew_but_not_themselves(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        store, captain, trip_id = fv.van.store, person(fv, "c01"), fv.demo.trip_id
        flow = TripClose(fv.van, captain, trip_id)
        flow.select(captain.id)  # 陈建国 sits at window 5 too
        assert not flow.allowed(Action.MARK)
        assert flow.mark(5) == Problem(Code.COOPERATION_OWN)
        assert trips.get_trip(store, trip_id).crew[-1].cooperation is None
        flow.select(fv.staff_id("s02"))
        assert flow.allowed(Action.MARK) and flow.mark(4) is None
        assert {m.staff_id: m.cooperation for m in trips.get_trip(store, trip_id).crew}[fv.staff_id("s02")] == 4
        # Staff who are not the captain mark nobody, and close nothing.
        clerk = TripClose(fv.van, person(fv, "s01"), trip_id)
        clerk.select(fv.staff_id("s02"))
        assert not clerk.allowed(Action.MARK) and not clerk.allowed(Action.CLOSE)
        assert clerk.mark(1) == Problem(Code.CAPTAIN_ONLY)
        assert clerk.close(abandon_waiting=True) == Problem(Code.CAPTAIN_ONLY)
        assert trips.get_trip(store, trip_id).status == "open"


async def test_the_desk_keys_start_in_catalogue_order_whatever_was_used_and_the_captain_orders_them(
    tmp_path: Path,
) -> None:
    async with flow_van(tmp_path) as fv:
        store, trip_id = fv.van.store, fv.demo.trip_id
        unused = TripSetup(fv.van, person(fv, "c01")).desk_keys
        for _ in range(3):
            tickets.issue_ticket(store, trip_id, item_code="residence_permit")
        trips.close_trip(store, trip_id, closed_by=fv.staff_id("c01"), abandon_waiting=True)
        setup = TripSetup(fv.van, person(fv, "c01"))
        # Staff press by memory: usage never reorders the keys.
        assert setup.desk_keys == unused and len(unused) == len(DESK_KEYS)
        assert setup.desk_keys[: len(DESK_KEYS)] == [item.code for item in list(setup.items.values())[: len(DESK_KEYS)]]
        first, second = setup.desk_keys[:2]
        assert setup.move_desk_key(0, 1) == 1
        assert setup.desk_keys[:2] == [second, first]
        assert setup.move_desk_key(0, -1) == 0  # the first key stays first
        setup.set_desk_key(9, second)  # an item has one key: it leaves key 1
        assert setup.desk_keys[0] is None and setup.desk_keys[9] == second
        assert not isinstance(setup.open(setup.stops[0].id, "fixed"), Problem)


async def test_seats_are_checked_as_the_captain_plans_and_a_refused_open_leaves_nothing(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv, listening(fv.client) as heard:
        store = fv.van.store
        setup = TripSetup(fv.van, person(fv, "c01"))
        captain, clerk, other = fv.staff_id("c01"), fv.staff_id("s01"), fv.staff_id("s02")
        # Everyone with a department sits at a window of their own, in login order.
        assert (setup.seats[captain], setup.seats[clerk]) == (Seat("1", ("D",)), Seat("2", ("A",)))
        assert setup.seat_at(other, "2") == Problem(Code.SEAT_WINDOW_TAKEN, {"window": "2"})
        assert setup.serve(clerk, "a z") is None and setup.seats[clerk].categories == ("A", "Z")
        assert setup.serve(clerk, "Q") == Problem(Code.SEAT_CATEGORIES, {"known": " ".join(setup.known_categories)})
        setup.unseat(clerk)
        assert setup.serve(clerk, "A") == Problem(Code.SEAT_WINDOW_FIRST)
        assert setup.open(None, "fixed") == Problem(Code.SETUP_NO_STOP)
        # The demo's trip is still open: planned and seated, the new one cannot open, and nothing of it stays.
        assert setup.open(setup.stops[0].id, "fixed") == Problem(Code.TRIP_OTHER_OPEN, {"trip": fv.demo.trip_id})
        assert [trip.id for trip in trips.list_trips(store)] == [fv.demo.trip_id]
        setup.seats.clear()
        assert setup.open(setup.stops[0].id, "fixed") == Problem(Code.SETUP_NO_CREW)
        assert await heard.since_last() == []
