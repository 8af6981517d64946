"""SVG snapshots of the desk, the window and the board, at 80×24 and 120×40.

Deterministic: fixed data and times, a fixed header clock, and device states given
directly (a live daemon's timing would make the pictures flicker).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.text import Text

from core.problems import Code, Problem
from daemon.client import Status
from daemon.messages import BoardCall, DaemonState, DeviceState, QueueBoard
from db import demo, staff, tickets
from db.connection import open_store
from govan import config as config_module
from tests.support.van import write_config
from tui.app import GovanApp
from tui.board_app import BoardApp
from tui.messages import BoardChanged
from tui.widgets.van_header import VanClock

NOW = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 09:30 in Longgang
SIZES = [(80, 24), (120, 40)]
LOCALES = ["zh_CN", "en"]
READY = Status(
    broker_connected=True,
    daemon=DaemonState(state="online", version="0.1.0", since="2026-11-20T09:00:00+08:00"),
    devices={
        "idreader": DeviceState(state="ready", detail="", driver="sam", since=""),
        "scanner": DeviceState(state="ready", detail="", driver="serial", since=""),
        "printer": DeviceState(
            state="error", detail="paper near end", driver="usb", since="", problem=Problem(Code.PRINTER_PAPER_NEAR_END)
        ),
        "camera": DeviceState(
            state="offline",
            detail="/dev/video0: no such device",
            driver="v4l2",
            since="",
            problem=Problem(Code.DEVICE_UNPLUGGED, {"port": "/dev/video0"}),
        ),
    },
)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(VanClock, "render", lambda self: Text("09:30:00"))


def _van_app(tmp_path: Path, locale: str = "zh_CN") -> GovanApp:
    config = config_module.load(write_config(tmp_path, {"locale": locale}))
    config.data_path.mkdir(parents=True, exist_ok=True)
    store = open_store(config.database_path)
    data = demo.load(store, now=NOW - timedelta(minutes=30))
    for minute, item in enumerate(
        ["residence_permit", "hukou_certificate", "social_insurance_enrol", "residence_permit", "id_card_renewal"]
    ):
        tickets.issue_ticket(store, data.trip_id, item_code=item, now=NOW + timedelta(minutes=minute))
    first = tickets.list_tickets(store, data.trip_id)[0]
    tickets.set_print_state(store, first.id, "printed")
    store.close()
    app = GovanApp(config, connect=False)
    app.link.status = READY
    return app


def _sign_in(login: str):  # noqa: ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        app = pilot.app
        app.sign_in(next(person for person in staff.list_staff(app.store) if person.login == login))
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_login(snap_compare, tmp_path: Path, size: tuple[int, int], locale: str) -> None:  # noqa: ANN001
    assert snap_compare(_van_app(tmp_path, locale), terminal_size=size)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_desk(snap_compare, tmp_path: Path, size: tuple[int, int], locale: str) -> None:  # noqa: ANN001
    assert snap_compare(_van_app(tmp_path, locale), terminal_size=size, run_before=_sign_in("d01"))


@pytest.mark.parametrize("locale", LOCALES)
def test_desk_keys(snap_compare, tmp_path: Path, locale: str) -> None:  # noqa: ANN001
    """F1 lists every key of the screen, those the key bar has no room for too."""
    sign_in = _sign_in("d01")

    async def run_before(pilot) -> None:  # noqa: ANN001
        await sign_in(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(_van_app(tmp_path, locale), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_window(snap_compare, tmp_path: Path, size: tuple[int, int], locale: str) -> None:  # noqa: ANN001
    app = _van_app(tmp_path, locale)
    store = open_store(app.config.database_path)
    tickets.call_next(store, 1, "1", now=NOW + timedelta(minutes=10))
    store.close()
    assert snap_compare(app, terminal_size=size, run_before=_sign_in("s01"))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_board(snap_compare, tmp_path: Path, size: tuple[int, int], locale: str) -> None:  # noqa: ANN001
    """The hall's board is citizens' matter: Chinese whatever the staff's locale ([service] citizen_locale)."""
    board = QueueBoard(
        calling=[
            BoardCall(number="A003", window="1", at="2026-11-20T09:41:00+08:00"),
            BoardCall(number="F001", window="2", at="2026-11-20T09:39:00+08:00"),
            BoardCall(number="B002", window="3", at="2026-11-20T09:35:00+08:00"),
            BoardCall(number="K001", window="4", at="2026-11-20T09:30:00+08:00"),
        ],
        waiting={"A": 4, "B": 1, "F": 2, "K": 0},
        recent=[
            BoardCall(number="A003", window="1", at="2026-11-20T09:41:00+08:00"),
            BoardCall(number="A002", window="1", at="2026-11-20T09:40:00+08:00"),
            BoardCall(number="F001", window="2", at="2026-11-20T09:39:00+08:00"),
            BoardCall(number="C001", window="3", at="2026-11-20T09:37:00+08:00"),
        ],
    )

    async def run_before(pilot) -> None:  # noqa: ANN001
        pilot.app.screen.post_message(BoardChanged(board))
        await pilot.pause()

    config = config_module.load(write_config(tmp_path, {"locale": locale}))
    app = BoardApp(config, connect=False)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
    # The board is driven by MQTT alone: it never opened (or made) a database.
    assert not config.database_path.exists()
