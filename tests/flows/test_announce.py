"""Every change is announced once, and the board is rebuilt from the store with its last calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from daemon.messages import QueueBoard, QueueEvent
from db import tickets, trips
from flows.announce import RECENT_CALLS, Announcer
from tests.flows.support import flow_van
from tests.support.aio import within

WAIT = 10.0  # liveness bound only


async def _next(events, kind: type):  # noqa: ANN001, ANN202
    async def first():  # noqa: ANN202
        async for event in events:
            if isinstance(event, kind):
                return event
        return None

    return await within(WAIT, first())


async def test_a_ticket_change_is_one_event_then_the_board(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        store, trip_id = fv.van.store, fv.demo.trip_id
        events = fv.client.events()
        ticket = tickets.issue_ticket(store, trip_id, item_code="hukou_certificate", tz=fv.van.config.tz)
        Announcer(fv.van).ticket(ticket, "issued")
        event = await _next(events, QueueEvent)
        assert event.type == "ticket.issued" and event.ticket.number == ticket.label and event.trip is None
        board = await _next(events, QueueBoard)
        assert board.trip_id == trip_id and board.waiting == {ticket.category: 1}


async def test_the_board_keeps_the_last_calls_and_is_empty_for_a_closed_trip(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        store, trip_id = fv.van.store, fv.demo.trip_id
        for _ in range(RECENT_CALLS + 2):
            tickets.issue_ticket(store, trip_id, item_code="hukou_certificate", tz=fv.van.config.tz)
        labels = []
        start = datetime.now(UTC)
        for minute in range(RECENT_CALLS + 2):
            at = start + timedelta(minutes=minute)
            called = tickets.call_next(store, trip_id, "1", now=at)
            labels.append(called.label)
            tickets.finish(store, tickets.start_service(store, called.id, now=at).id, now=at)
        board = Announcer(fv.van).board_of(trip_id)
        assert [call.number for call in board.recent] == labels[::-1][:RECENT_CALLS]
        assert board.calling == []
        trip = trips.get_trip(store, trip_id)
        events = fv.client.events()
        closed = trips.close_trip(store, trip.id, closed_by=fv.staff_id("c01"))
        Announcer(fv.van).trip(closed, "closed")
        event = await _next(events, QueueEvent)
        assert event.type == "trip.closed" and event.trip.id == trip_id
        board = await _next(events, QueueBoard)
        assert board.trip_id == trip_id and board.calling == [] and board.recent == [] and board.waiting == {}
