"""flows.hall without a browser: tokens, a ticket's place, the window's visit, the citizen's rating
through RatingFlow, and the printed QR code that leads to the page."""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path

import msgspec

from core.problems import Code, Problem
from daemon.messages import QueueEvent
from db import hall as hall_store
from db import ratings, staff, tickets, trips
from flows import hall
from flows.rating import RatingFlow, Step
from flows.slips import Slip, SlipOutcome, print_slip
from tests.flows.support import flow_van
from tests.support.aio import within
from tests.support.hall import get, get_until, hall_van, post

WAIT = 10.0  # liveness bound only


async def test_a_token_is_96_random_bits_kept_per_ticket_and_a_malformed_one_is_unknown(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        store, trip_id = fv.van.store, fv.demo.trip_id
        first, second = (tickets.issue_ticket(store, trip_id, category="A") for _ in range(2))
        token = hall_store.token_for(store, first.id)
        assert len(base64.urlsafe_b64decode(token)) * 8 == 96
        assert hall_store.token_for(store, first.id) == token != hall_store.token_for(store, second.id)
        assert hall_store.ticket_by_token(store, token).id == first.id
        for wrong in ("", "short", token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 65, "../../etc/passwd!"):
            assert hall_store.ticket_by_token(store, wrong) is None


async def test_a_place_counts_who_is_ahead_and_follows_the_person_to_another_queue(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        store, trip_id, now = fv.van.store, fv.demo.trip_id, fv.van.now()
        issued = [tickets.issue_ticket(store, trip_id, category="A") for _ in range(3)]
        view = hall.snapshot(store, now)
        assert [hall.place(view, ticket).ahead for ticket in issued] == [0, 1, 2]
        # One window serves A; before any service the median is assumed 5 minutes a person.
        assert [hall.place(view, ticket).wait_minutes for ticket in issued] == [0, 5, 10]
        called = tickets.call_next(store, trip_id, "1")
        where = hall.place(hall.snapshot(store, now), called)
        assert (where.status, where.window, where.ahead) == ("called", "1", 0)
        moved = tickets.transfer_to_category(store, called.id, "F")
        where = hall.place(hall.snapshot(store, now), issued[0])
        assert (where.number, where.transferred_from, where.status) == (moved.label, "A001", "waiting")


async def test_the_citizen_rates_once_through_the_rating_flow_and_the_terminal_learns_only_that(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        store, trip_id, van = fv.van.store, fv.demo.trip_id, fv.van
        ticket = tickets.issue_ticket(store, trip_id, category="A")
        assert hall.rate_visit(van, ticket, 5) == Problem(
            Code.HALL_RATING_NOT_OFFERED, {"ticket": "A001", "status": "waiting"}
        )
        called = tickets.call_next(store, trip_id, "1")
        serving = tickets.start_service(store, called.id)
        clerk = staff.get_staff(store, serving.staff_id)
        terminal = RatingFlow(
            van, tickets.finish(store, serving.id), named=False, staff=clerk, trip=trips.get_trip(store, trip_id)
        )
        events = fv.client.events()
        rated = hall.rate_visit(van, ticket, 1, "没人理我")
        assert rated == hall.RatedVisit(number="A001", follow_up=True)

        async def heard() -> QueueEvent:
            async for event in events:
                if isinstance(event, QueueEvent) and event.type == "ticket.rated":
                    return event
            raise AssertionError("no ticket.rated")

        event = await within(WAIT, heard())
        assert event.ticket.number == "A001"
        assert set(msgspec.structs.asdict(event.ticket)) == {"number", "category", "window"}  # never the score
        given = terminal.given_elsewhere()
        assert given == hall_store.RatingGiven(follow_up=True) and terminal.step is Step.ELSEWHERE
        assert terminal.score is None and terminal.choose(5) is not None  # nothing more to do at the terminal
        assert hall.rate_visit(van, ticket, 5) == Problem(Code.HALL_RATING_GIVEN, {"ticket": "A001"})
        (row,) = store.query("SELECT * FROM ratings")
        assert (row["score"], row["comment"], row["staff_id"]) == (1, "没人理我", clerk.id)
        assert ratings.list_follow_ups(store)[0].rating_id == row["id"]


async def test_the_window_tablet_follows_the_last_call_and_offers_a_rating_for_ten_minutes(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        store, trip_id, now = fv.van.store, fv.demo.trip_id, fv.van.now()
        assert hall.window_visit(hall.snapshot(store, now), "1", now).state == "idle"
        tickets.issue_ticket(store, trip_id, category="A")
        called = tickets.call_next(store, trip_id, "1")
        assert hall.window_visit(hall.snapshot(store, now), "1", now) == hall.WindowVisit("1", "serving", "A001")
        tickets.finish(store, tickets.start_service(store, called.id).id)
        view = hall.snapshot(store, now)
        assert hall.window_visit(view, "1", now).state == "offered"
        assert hall.window_visit(view, "2", now).state == "idle"
        later = now + timedelta(minutes=hall.RATE_AT_WINDOW_MINUTES + 1)
        assert hall.window_visit(view, "1", later).state == "idle"
        assert hall.rate_at_window(fv.van, "1", "A002", 4) == Problem(Code.HALL_NO_VISIT_AT_WINDOW, {"window": "1"})
        assert hall.rate_at_window(fv.van, "1", "A001", 4) == hall.RatedVisit("A001", follow_up=False)
        assert hall.window_visit(hall.snapshot(store, now), "1", now).state == "given"


async def test_the_printed_ticket_carries_the_page_and_the_page_answers(tmp_path: Path) -> None:
    async with hall_van(tmp_path) as hv:
        ticket = hv.issue()
        url = hall.ticket_page_url(hv.store, hv.fv.van.config, ticket.id)
        assert url.startswith(hv.web.url + "/t/")
        slip = await print_slip(hv.fv.van, ticket.id, "新城社区")  # as the desk prints it
        assert isinstance(slip, Slip) and slip.outcome is SlipOutcome.PRINTED, slip
        assert hv.fv.receipts[-1].qr_data == [url]  # what a phone's camera reads off the paper
        status, page = get(url)
        assert status == 200 and ticket.label in page and "下一位就是您" in page
        status, place = get(url.replace("/t/", "/api/ticket/"))
        assert status == 200 and place == {
            "number": "A001",
            "status": "waiting",
            "ahead": 0,
            "wait_minutes": 0,
            "window": None,
            "rating": None,
            "transferred_from": None,
        }


async def test_the_http_side_refuses_what_is_not_a_rating(tmp_path: Path) -> None:
    async with hall_van(tmp_path) as hv:
        token = hv.page_url(hv.issue()).rsplit("/", 1)[1]
        rating = f"{hv.web.url}/api/ticket/{token}/rating"
        assert post(rating, {"score": 3}, content_type="text/plain")[0] == 415
        assert post(rating, {"score": "five"})[0] == 400
        assert post(rating, {"score": 3, "comment": "x" * 3000})[0] == 400
        status, answer = post(rating, {"score": 3})
        assert status == 409 and answer["problem"] == "hall.rating_not_offered" and "办理结束后" in answer["message"]
        assert post(f"{hv.web.url}/api/ticket/NoSuchTicketToken1/rating", {"score": 3})[0] == 404
        assert get(f"{hv.web.url}/rate/..%2F..")[0] == 404
        status, health = get(f"{hv.web.url}/healthz")
        assert (status, health) == (200, {"status": "ok", "mqtt": "connected"})
        board = await get_until(f"{hv.web.url}/api/board", lambda status, _: status == 200, "the board from MQTT")
        assert board["waiting"] == {"A": 1} and board["trip_id"] == hv.trip_id
