"""govan web's HTTP side (CONTRACT.md v2, "HTTP"): Starlette routes over the hall's live state.

Pages render a flow's state and forward a citizen's choice; every rule is in flows.hall.
Live updates are server-sent events (sse-starlette): the state on connecting, then on every
change, and a `ping` at least every HEARTBEAT_S so that a page can tell a dead line from a
quiet queue. Everything is served from here: no CDN, the van is often offline.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Annotated, Any

import msgspec
from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from core.problems import Code, Problem
from daemon.messages import QueueBoard
from flows.hall import Place, RatedVisit, WindowVisit, find_ticket, rate_at_window, rate_visit, window_visit
from web import pages
from web.live import HEARTBEAT_S, Hall
from web.words import describe

__all__ = ["create_app"]

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY = 16 * 1024
WINDOW = re.compile(r"[A-Za-z0-9-]{1,16}")
NO_STORE = {"Cache-Control": "no-store"}
RETRY_MS = 2000  # how soon a browser reconnects a dropped event stream

_encoder = msgspec.json.Encoder()


class RatingRequest(msgspec.Struct, forbid_unknown_fields=True):
    score: int
    comment: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    number: str | None = None  # the visit the tablet showed (POST /api/rate/{window})


def _json(value: object, status: int = 200) -> Response:
    return Response(_encoder.encode(value), status_code=status, media_type="application/json", headers=NO_STORE)


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=NO_STORE)


def place_json(where: Place) -> dict[str, Any]:
    return {
        "number": where.number,
        "status": where.status,
        "ahead": where.ahead,
        "wait_minutes": where.wait_minutes,
        "window": where.window,
        "rating": where.rating,
        "transferred_from": where.transferred_from,
    }


def visit_json(visit: WindowVisit) -> dict[str, Any]:
    return {"window": visit.window, "state": visit.state, "number": visit.number}


def create_app(hall: Hall, *, run_hall: bool = True) -> Starlette:
    """The app; with `run_hall`, its lifespan also runs the hall (MQTT and the store poll)."""

    def board_state() -> dict[str, Any]:
        view = hall.view
        board = hall.board if hall.board is not None and hall.board.trip_id == view.trip_id else None
        return {
            "board": board,
            "live": hall.live,
            "trip_open": view.trip is not None,
            "stop": view.stop_name,
            "categories": view.categories,
            "now": hall.now().isoformat(timespec="seconds"),
        }

    async def stream(event: str, render: Callable[[], object]) -> AsyncIterator[dict[str, Any]]:
        loop_time = time.monotonic
        last: bytes | None = None
        sent = loop_time()
        while not hall.stopping.is_set():
            data = _encoder.encode(render())
            if data != last:
                last, sent = data, loop_time()
                yield {"event": event, "data": data.decode(), "retry": RETRY_MS}
            elif loop_time() - sent >= HEARTBEAT_S:
                sent = loop_time()
                yield {"event": "ping", "data": hall.now().isoformat(timespec="seconds")}
            await hall.changed(max(0.1, HEARTBEAT_S - (loop_time() - sent)))

    def events(event: str, render: Callable[[], object]) -> EventSourceResponse:
        return EventSourceResponse(stream(event, render), headers=NO_STORE)

    # The board ------------------------------------------------------------------------------

    async def index(request: Request) -> Response:
        return RedirectResponse("/board")

    async def board(request: Request) -> Response:
        return _html(pages.board_page())

    async def api_board(request: Request) -> Response:
        if hall.board is None:
            return _json({"error": "no board heard from MQTT yet", "mqtt": _mqtt(hall)}, 503)
        board: QueueBoard = hall.board
        return _json(board)

    async def api_board_state(request: Request) -> Response:
        return _json(board_state())

    async def board_events(request: Request) -> Response:
        return events("board", board_state)

    # A citizen's ticket ---------------------------------------------------------------------

    async def ticket(request: Request) -> Response:
        token = request.path_params["token"]
        found = find_ticket(hall.store, token)
        if found is None:
            return _html(pages.message_page("没有找到这张号票", describe(Problem(Code.HALL_TOKEN_UNKNOWN))), 404)
        where = hall.place_of(found)
        if where.status == "expired":
            detail = describe(Problem(Code.HALL_TOKEN_EXPIRED, {"ticket": found.label}))
            return _html(pages.message_page("号票已过期", detail), 410)
        return _html(pages.ticket_page(token, where, hall.view.stop_name))

    async def api_ticket(request: Request) -> Response:
        found = find_ticket(hall.store, request.path_params["token"])
        if found is None:
            return _json({"error": "unknown ticket"}, 404)
        return _json(place_json(hall.place_of(found)))

    async def ticket_events(request: Request) -> Response:
        found = find_ticket(hall.store, request.path_params["token"])
        if found is None:
            return _json({"error": "unknown ticket"}, 404)
        return events("place", lambda: place_json(hall.place_of(found)))

    async def ticket_rating(request: Request) -> Response:
        found = find_ticket(hall.store, request.path_params["token"])
        if found is None:
            return _json({"message": describe(Problem(Code.HALL_TOKEN_UNKNOWN))}, 404)
        asked = await _rating_request(request)
        if isinstance(asked, Response):
            return asked
        return _rated(rate_visit(hall.van, found, asked.score, asked.comment))

    # The window's tablet ----------------------------------------------------------------------

    def window_of(request: Request) -> str | None:
        window: str = request.path_params["window"]
        return window if WINDOW.fullmatch(window) else None

    async def rate(request: Request) -> Response:
        window = window_of(request)
        if window is None:
            return _html(pages.message_page("没有这个窗口", "请核对地址中的窗口号。"), 404)
        return _html(pages.rate_page(window))

    async def api_rate(request: Request) -> Response:
        window = window_of(request)
        if window is None:
            return _json({"error": "no such window"}, 404)
        return _json(visit_json(window_visit(hall.view, window, hall.now())))

    async def rate_events(request: Request) -> Response:
        window = window_of(request)
        if window is None:
            return _json({"error": "no such window"}, 404)
        return events("visit", lambda: visit_json(window_visit(hall.view, window, hall.now())))

    async def rate_post(request: Request) -> Response:
        window = window_of(request)
        if window is None:
            return _json({"message": "没有这个窗口"}, 404)
        asked = await _rating_request(request)
        if isinstance(asked, Response):
            return asked
        return _rated(rate_at_window(hall.van, window, asked.number or "", asked.score, asked.comment))

    def _rated(outcome: RatedVisit | Problem) -> Response:
        if isinstance(outcome, Problem):
            status = 404 if outcome.code is Code.HALL_TOKEN_UNKNOWN else 409
            if outcome.code in (Code.STORE_NOT_IN_RANGE, Code.STORE_TEXT_TOO_LONG):
                status = 400
            return _json({"message": describe(outcome), "problem": outcome.code.value}, status)
        hall.refresh()
        message = "感谢您的评价"
        if outcome.follow_up:
            days = hall.config.service.followup_working_days
            message = f"感谢您的评价。我们会跟进您反映的问题，在 {days} 个工作日内处理并答复。"
        return _json({"message": message, "number": outcome.number, "follow_up": outcome.follow_up})

    async def healthz(request: Request) -> Response:
        return _json({"status": "ok" if hall.mqtt_connected else "degraded", "mqtt": _mqtt(hall)})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not run_hall:
            yield
            return
        task = asyncio.create_task(hall.run(), name="hall")
        try:
            yield
        finally:
            hall.stop()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    routes = [
        Route("/", index),
        Route("/board", board),
        Route("/api/board", api_board),
        Route("/api/board/state", api_board_state),
        Route("/events", board_events),
        Route("/t/{token}", ticket),
        Route("/api/ticket/{token}", api_ticket),
        Route("/api/ticket/{token}/events", ticket_events),
        Route("/api/ticket/{token}/rating", ticket_rating, methods=["POST"]),
        Route("/rate/{window}", rate),
        Route("/api/rate/{window}", api_rate),
        Route("/api/rate/{window}", rate_post, methods=["POST"]),
        Route("/api/rate/{window}/events", rate_events),
        Route("/healthz", healthz),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _mqtt(hall: Hall) -> str:
    return "connected" if hall.mqtt_connected else "disconnected"


async def _rating_request(request: Request) -> RatingRequest | Response:
    """A rating as JSON, small; anything else is refused with words for the page."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return _json({"message": "请求格式不对"}, 415)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return _json({"message": "内容过长"}, 413)
    try:
        return msgspec.json.decode(body, type=RatingRequest)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return _json({"message": "请选择一个评价等级后再提交"}, 400)
