"""The queue: numbering, priority, calling, transfers, print state, wait estimates."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import db
from core.problems import Code, Problem
from core.queue import MAX_DEFER_PLACES
from db import citizens, metrics, tickets
from tests.db.support import Van, at, count, id_number, raises_problem


def test_numbers_run_per_category_from_1_without_gaps(van: Van) -> None:
    labels = [db.issue_ticket(van.db, van.trip_id, category=c, now=at(i)).label for i, c in enumerate("AABAFA")]
    assert labels == ["A001", "A002", "B001", "A003", "F001", "A004"]


def test_an_item_queues_under_its_departments_letter(van: Van) -> None:
    ticket = db.issue_ticket(van.db, van.trip_id, item_code="social_insurance_enrol", now=at(1))
    assert (ticket.category, ticket.item_code) == ("F", "social_insurance_enrol")
    with raises_problem(
        db.InvalidValue, Code.TICKET_ITEM_OTHER_QUEUE, item="social_insurance_enrol", letter="F", category="A"
    ):
        db.issue_ticket(van.db, van.trip_id, category="A", item_code="social_insurance_enrol")


def test_age_priority_starts_on_the_70th_birthday(van: Van) -> None:
    # T0 is 2026-11-20 in Longgang.
    seventy_today = citizens.find_or_create(van.db, id_number("19561120"), now=at(0))
    seventy_tomorrow = citizens.find_or_create(van.db, id_number("19561121"), now=at(0))
    old = db.issue_ticket(van.db, van.trip_id, category="A", citizen_id=seventy_today.id, now=at(1))
    young = db.issue_ticket(van.db, van.trip_id, category="A", citizen_id=seventy_tomorrow.id, now=at(1))
    assert (old.priority, old.priority_reason) == (True, "age")
    assert (young.priority, young.priority_reason) == (False, None)
    assert (
        db.issue_ticket(
            van.db, van.trip_id, category="A", citizen_id=seventy_tomorrow.id, priority_age=65, now=at(2)
        ).priority_reason
        == "age"
    )


def test_disabled_people_get_priority_by_flag_or_by_their_record(van: Van) -> None:
    flagged = db.issue_ticket(van.db, van.trip_id, category="A", disabled=True, now=at(1))
    person = citizens.find_or_create(van.db, id_number("19900101"), disabled=True, now=at(0))
    recorded = db.issue_ticket(van.db, van.trip_id, category="A", citizen_id=person.id, now=at(2))
    assert flagged.priority_reason == recorded.priority_reason == "disabled"


def test_call_next_takes_priority_first_then_first_come_first_served(van: Van) -> None:
    first = db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    second = db.issue_ticket(van.db, van.trip_id, category="A", now=at(2))
    priority = db.issue_ticket(van.db, van.trip_id, category="A", disabled=True, now=at(3))
    order = []
    for minute in (10, 20, 30):
        called = db.call_next(van.db, van.trip_id, "1", now=at(minute))
        assert called is not None
        order.append(called.id)
        db.mark_no_show(van.db, called.id, now=at(minute + 1))
    assert order == [priority.id, first.id, second.id]
    assert db.call_next(van.db, van.trip_id, "1", now=at(40)) is None


def test_a_window_calls_only_its_own_categories(van: Van) -> None:
    db.issue_ticket(van.db, van.trip_id, category="B", now=at(1))
    assert db.call_next(van.db, van.trip_id, "1", now=at(2)) is None  # window 1 serves A only
    called = db.call_next(van.db, van.trip_id, "3", now=at(3))
    assert called is not None and (called.label, called.window, called.staff_id) == ("B001", "3", van.s3)


def test_a_call_records_window_staff_and_first_call_time(van: Van) -> None:
    ticket = db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    called = db.call_next(van.db, van.trip_id, "1", now=at(4))
    assert called is not None and called.status == "called" and called.call_count == 1
    recalled = db.recall(van.db, ticket.id, now=at(6))
    assert recalled.call_count == 2
    assert (recalled.called_at, recalled.last_called_at) == (
        "2026-11-20T01:04:00.000+00:00",
        "2026-11-20T01:06:00.000+00:00",
    )
    served = db.start_service(van.db, ticket.id, now=at(7))
    done = db.finish(van.db, served.id, now=at(9))
    assert (done.status, done.serving_at, done.done_at) == (
        "done",
        "2026-11-20T01:07:00.000+00:00",
        "2026-11-20T01:09:00.000+00:00",
    )


def test_a_window_must_settle_its_ticket_before_calling_the_next(van: Van) -> None:
    db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    db.issue_ticket(van.db, van.trip_id, category="A", now=at(2))
    db.call_next(van.db, van.trip_id, "1", now=at(3))
    with raises_problem(db.WrongState, Code.TICKET_WINDOW_BUSY, window="1", ticket="A001"):
        db.call_next(van.db, van.trip_id, "1", now=at(4))


def test_state_changes_out_of_order_are_refused(van: Van) -> None:
    ticket = db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    for change, action in (
        (db.recall, "recall"),
        (db.mark_no_show, "mark no-show"),
        (db.start_service, "start serving"),
        (db.finish, "finish"),
    ):
        with raises_problem(db.WrongState, Code.TICKET_NOT_CALLED, ticket="A001", action=action):
            change(van.db, ticket.id)
    with raises_problem(db.NotFound, Code.TRIP_WINDOW_UNSTAFFED, window="9", trip=van.trip_id):
        db.call_next(van.db, van.trip_id, "9")
    with raises_problem(db.NotFound, Code.TICKET_NOT_FOUND, ticket_id=999):
        db.get_ticket(van.db, 999)


def test_transfer_to_another_window_is_called_there_next(van: Van) -> None:
    early = db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    late = db.issue_ticket(van.db, van.trip_id, category="A", now=at(2))
    db.issue_ticket(van.db, van.trip_id, category="A", disabled=True, now=at(3))
    called = db.call_next(van.db, van.trip_id, "1", now=at(4))
    assert called is not None and called.priority
    moved = db.transfer_to_window(van.db, called.id, "3")
    assert (moved.status, moved.target_window, moved.window) == ("waiting", "3", None)
    assert db.call_next(van.db, van.trip_id, "1", now=at(5)).id == early.id  # type: ignore[union-attr]
    again = db.call_next(van.db, van.trip_id, "3", now=at(6))
    assert again is not None and again.id == called.id and again.called_at == called.called_at
    assert again.call_count == 2 and late.status == "waiting"
    with raises_problem(db.InvalidValue, Code.TICKET_WINDOW_WRONG_QUEUE, window="2", category="A"):
        db.transfer_to_window(van.db, again.id, "2")


def test_transfer_to_another_category_gives_a_new_number_and_keeps_priority(van: Van) -> None:
    ticket = db.issue_ticket(van.db, van.trip_id, category="A", disabled=True, now=at(1))
    db.call_next(van.db, van.trip_id, "1", now=at(2))
    new = db.transfer_to_category(van.db, ticket.id, "F", now=at(3))
    assert (new.label, new.priority_reason, new.transferred_from, new.status) == (
        "F001",
        "disabled",
        ticket.id,
        "waiting",
    )
    assert db.get_ticket(van.db, ticket.id).status == "transferred"
    assert db.call_next(van.db, van.trip_id, "2", now=at(4)).id == new.id  # type: ignore[union-attr]


def test_print_state_follows_the_printer(van: Van) -> None:
    ticket = db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    assert ticket.print_state == "pending"
    with raises_problem(db.WrongState, Code.TICKET_NEVER_PRINTED, ticket="A001"):
        db.set_print_state(van.db, ticket.id, "reprinted")
    assert db.set_print_state(van.db, ticket.id, "failed").print_state == "failed"
    assert db.set_print_state(van.db, ticket.id, "reprinted").print_state == "reprinted"
    with raises_problem(
        db.InvalidValue, Code.STORE_NOT_A_CHOICE, field="ticket.print_state", allowed="printed, failed, reprinted"
    ):
        db.set_print_state(van.db, ticket.id, "lost")  # type: ignore[arg-type]


def test_bad_ticket_requests_write_nothing(van: Van) -> None:
    cases = [
        ({"category": "Q"}, db.UnknownCategory, Problem(Code.CATALOGUE_UNKNOWN_CATEGORY, {"category": "Q"})),
        ({"item_code": "no_such_item"}, db.UnknownItem, Problem(Code.CATALOGUE_UNKNOWN_ITEM, {"item": "no_such_item"})),
        ({}, db.InvalidValue, Problem(Code.TICKET_NO_CATEGORY_OR_ITEM)),
        ({"category": "K"}, db.WrongState, Problem(Code.TICKET_NO_WINDOW, {"category": "K", "trip": van.trip_id})),
        ({"category": "A", "citizen_id": 999}, db.NotFound, Problem(Code.CITIZEN_NOT_FOUND, {"citizen": 999})),
        (
            {"category": "A", "priority_age": 0},
            db.InvalidValue,
            Problem(Code.STORE_NOT_IN_RANGE, {"field": "ticket.priority_age", "min": 1, "max": 120}),
        ),
    ]
    for kwargs, error, problem in cases:
        with pytest.raises(error) as raised:
            db.issue_ticket(van.db, van.trip_id, **kwargs)  # type: ignore[arg-type]
        assert raised.value.problem == problem
    assert count(van.db, "tickets") == 0
    assert db.issue_ticket(van.db, van.trip_id, category="A").label == "A001"


def test_a_switched_off_item_gets_no_ticket(van: Van) -> None:
    from db import catalogue

    catalogue.set_enabled(van.db, "hukou_certificate", False)
    with raises_problem(db.WrongState, Code.CATALOGUE_ITEM_DISABLED, item="hukou_certificate"):
        db.issue_ticket(van.db, van.trip_id, item_code="hukou_certificate")


def serve(van: Van, window: str, called_minute: float, outcome_minute: float, item: str = "hukou_certificate") -> None:
    """Call the next ticket at a window and record one outcome `outcome_minute` later."""
    ticket = db.call_next(van.db, van.trip_id, window, now=at(called_minute))
    assert ticket is not None
    db.start_service(van.db, ticket.id, now=at(called_minute))
    case = db.open_case(van.db, item, ticket.staff_id, ticket_id=ticket.id, now=at(called_minute))  # type: ignore[arg-type]
    db.record_outcome(van.db, case.id, "completed_on_site", now=at(outcome_minute))
    db.finish(van.db, ticket.id, now=at(outcome_minute))


def test_wait_estimate_is_people_ahead_times_median_service_over_windows(van: Van) -> None:
    for minute in range(6):
        db.issue_ticket(van.db, van.trip_id, category="A", now=at(minute))
    serve(van, "1", 10, 14)  # 4 minutes
    serve(van, "3", 10, 16)  # 6 minutes
    serve(van, "1", 20, 30)  # 10 minutes; median of 4, 6, 10 is 6 minutes
    waiting = db.list_tickets(van.db, van.trip_id, statuses=["waiting"])
    assert [t.label for t in waiting] == ["A004", "A005", "A006"]
    estimate = db.estimate_wait(van.db, van.trip_id, "A")
    assert (estimate.people_ahead, estimate.windows) == (3, 2)
    assert estimate.median_service_s == pytest.approx(360, abs=0.01)
    assert estimate.seconds == pytest.approx(3 * 360 / 2, abs=0.01)
    last = db.estimate_wait(van.db, van.trip_id, "A", ticket_id=waiting[-1].id)
    assert last.people_ahead == 2 and last.seconds == pytest.approx(360, abs=0.01)
    recent = db.estimate_wait(van.db, van.trip_id, "A", recent=1)  # only the 10-minute one
    assert recent.median_service_s == pytest.approx(600, abs=0.01)
    called = db.call_next(van.db, van.trip_id, "1", now=at(31))
    assert called is not None and db.estimate_wait(van.db, van.trip_id, "A", ticket_id=called.id).seconds == 0


def test_wait_estimate_without_history_uses_the_default_and_needs_a_window(van: Van) -> None:
    db.issue_ticket(van.db, van.trip_id, category="B", now=at(1))
    estimate = db.estimate_wait(van.db, van.trip_id, "B", default_service_s=240)
    assert (estimate.people_ahead, estimate.windows, estimate.seconds) == (1, 1, 240)
    assert db.estimate_wait(van.db, van.trip_id, "K").seconds is None


def test_the_board_shows_who_is_called_where_and_how_many_wait(van: Van) -> None:
    for minute, category in enumerate("AAB"):
        db.issue_ticket(van.db, van.trip_id, category=category, now=at(minute))
    db.call_next(van.db, van.trip_id, "1", now=at(5))
    board = tickets.queue_board(van.db, van.trip_id)
    assert board.calling == [("A001", "1", "2026-11-20T01:05:00.000+00:00")]
    assert board.waiting == {"A": 1, "B": 1}


def test_a_deferred_ticket_lets_its_places_go_first_at_windows_of_its_queue(van: Van) -> None:
    """过号顺延: A001 missed its call; three calls of queue A later it is called again, first call kept."""
    missed = db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    others = [db.issue_ticket(van.db, van.trip_id, category="A", now=at(2 + n)) for n in range(4)]
    called = db.call_next(van.db, van.trip_id, "1", now=at(10))
    assert called is not None and called.id == missed.id
    back = tickets.defer(van.db, missed.id, 3)
    assert (back.status, back.window, back.let_pass, back.deferrals) == ("waiting", None, 3, 1)
    order = []
    for minute, window in ((11, "3"), (12, "1"), (13, "3"), (14, "1")):  # windows 1 and 3 both serve A
        ticket = db.call_next(van.db, van.trip_id, window, now=at(minute))
        assert ticket is not None
        order.append(ticket.label)
        db.mark_no_show(van.db, ticket.id, now=at(minute))
    assert order == [others[0].label, others[1].label, others[2].label, missed.label]
    again = db.get_ticket(van.db, missed.id)
    assert (again.call_count, again.called_at, again.let_pass) == (2, called.called_at, 0)


def test_a_deferred_ticket_is_called_at_once_when_nobody_else_waits(van: Van) -> None:
    ticket = db.issue_ticket(van.db, van.trip_id, category="B", now=at(1))
    db.call_next(van.db, van.trip_id, "3", now=at(2))
    tickets.defer(van.db, ticket.id, 5)
    assert db.call_next(van.db, van.trip_id, "3", now=at(3)).id == ticket.id  # type: ignore[union-attr]
    with raises_problem(
        db.InvalidValue, Code.STORE_NOT_IN_RANGE, field="ticket.defer_places", min=1, max=MAX_DEFER_PLACES
    ):
        tickets.defer(van.db, ticket.id, 0)
    db.start_service(van.db, ticket.id, now=at(4))
    with raises_problem(db.WrongState, Code.TICKET_BEING_SERVED, ticket="B001", action="defer"):
        tickets.defer(van.db, ticket.id, 2)


def test_a_ticket_whose_slip_failed_waits_for_staff_and_is_neither_called_nor_counted(van: Van) -> None:
    unprinted = db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    later = db.issue_ticket(van.db, van.trip_id, category="A", now=at(2))
    tickets.set_print_state(van.db, unprinted.id, "failed")
    assert tickets.queue_board(van.db, van.trip_id).waiting == {"A": 1}
    assert db.estimate_wait(van.db, van.trip_id, "A").people_ahead == 1
    assert db.call_next(van.db, van.trip_id, "1", now=at(3)).id == later.id  # type: ignore[union-attr]
    written = tickets.hand_over_in_writing(van.db, unprinted.id)
    assert (written.print_state, written.status) == ("written", "waiting")
    assert tickets.queue_board(van.db, van.trip_id).waiting == {"A": 1}
    assert db.call_next(van.db, van.trip_id, "3", now=at(4)).id == unprinted.id  # type: ignore[union-attr]


def test_only_a_ticket_whose_slip_failed_can_be_cancelled_and_it_is_not_counted(van: Van) -> None:
    printed = db.issue_ticket(van.db, van.trip_id, category="A", now=at(1))
    tickets.set_print_state(van.db, printed.id, "printed")
    with raises_problem(db.WrongState, Code.TICKET_NOT_HELD, ticket="A001", action="cancel"):
        tickets.cancel(van.db, printed.id, now=at(2))
    with raises_problem(db.WrongState, Code.TICKET_NOT_HELD, ticket="A001", action="hand over in writing"):
        tickets.hand_over_in_writing(van.db, printed.id)
    unprinted = db.issue_ticket(van.db, van.trip_id, category="A", now=at(3))
    tickets.set_print_state(van.db, unprinted.id, "failed")
    cancelled = tickets.cancel(van.db, unprinted.id, now=at(4))
    assert (cancelled.status, cancelled.print_state) == ("cancelled", "failed")
    with raises_problem(
        db.WrongState, Code.TICKET_FINISHED, ticket="A002", status="cancelled", action="hand over in writing"
    ):
        tickets.hand_over_in_writing(van.db, unprinted.id)
    assert tickets.queue_board(van.db, van.trip_id).waiting == {"A": 1}
    # A cancelled number was never handed out: it is not a ticket of the trip's figures.
    assert metrics.shift_summary(van.db, van.trip_id).overall.tickets == 1


def test_the_desk_is_told_the_priority_a_ticket_would_get(van: Van) -> None:
    old = citizens.find_or_create(van.db, id_number("19401120"), now=at(0))
    young = citizens.find_or_create(van.db, id_number("19900101"), now=at(0))
    assert tickets.priority_for(van.db, citizen_id=old.id, now=at(1)) == "age"
    assert tickets.priority_for(van.db, citizen_id=young.id, now=at(1)) is None
    assert tickets.priority_for(van.db, citizen_id=young.id, disabled=True, now=at(1)) == "disabled"


def _plans(van: Van, ask: Callable[[], object]) -> list[str]:
    """How the store reads the tickets table for each statement `ask` runs (EXPLAIN QUERY PLAN)."""
    statements: list[str] = []
    van.db.conn.set_trace_callback(statements.append)
    try:
        ask()
    finally:
        van.db.conn.set_trace_callback(None)
    return [
        step[3]
        for statement in statements
        if statement.lstrip().upper().startswith("SELECT") and "tickets" in statement
        for step in van.db.conn.execute(f"EXPLAIN QUERY PLAN {statement}")
        if "tickets" in step[3]
    ]


def test_the_queues_frequent_questions_read_only_the_rows_they_are_about(van: Van) -> None:
    """Issue 17: every terminal asks these on every queue event; reading the whole trip made a ticket
    cost more the longer the day. Each search must narrow the trip by state or by call time."""
    for minute in range(40):
        db.issue_ticket(van.db, van.trip_id, category="AF"[minute % 2], now=at(minute))
    for minute in range(40, 50):
        called = db.call_next(van.db, van.trip_id, "1", now=at(minute))
        assert called is not None
        db.mark_no_show(van.db, called.id, now=at(minute))
    db.call_next(van.db, van.trip_id, "1", now=at(50))
    asked = {
        "the board": lambda: tickets.queue_board(van.db, van.trip_id, recent=6),
        "who is called": lambda: tickets.list_tickets(van.db, van.trip_id, statuses=("called", "serving")),
        "a ticket by label": lambda: tickets.find_ticket(van.db, van.trip_id, "A012"),
    }
    for what, ask in asked.items():
        plans = _plans(van, ask)
        assert plans, what
        for plan in plans:
            assert plan.startswith("SEARCH") and "(trip_id=?)" not in plan, f"{what} reads the whole trip: {plan}"
    board = tickets.queue_board(van.db, van.trip_id, recent=6)
    assert board.waiting == {"A": 9, "F": 20}
    assert [label for label, _, _ in board.calling] == ["A011"]
    assert [label for label, _, _ in board.recent] == ["A011", "A010", "A009", "A008", "A007", "A006"]
