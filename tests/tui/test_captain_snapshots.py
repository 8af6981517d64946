"""SVG snapshots of the captain's live view, the summary and the follow-ups, at 80×24 and 120×40.

Deterministic: the hand-worked shift of tests/db/test_metrics, two recorded printer
incidents, the clock stopped at 10:00 on the trip's day, a fixed header clock, and
device states given directly rather than by a live daemon.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text

import db
from daemon.client import Status
from daemon.messages import DaemonState, DeviceState
from db import incidents, report, staff
from tests.db.support import at
from tests.tui.test_captain import make_van, shift_template  # noqa: F401 - the fixture
from tui.app import GovanApp
from tui.widgets.van_header import VanClock

SIZES = [(80, 24), (120, 40)]
LOCALES = ["zh_CN", "en"]
SINCE = "2026-11-20T09:00:00+08:00"
READY = Status(
    broker_connected=True,
    daemon=DaemonState(state="online", version="0.1.0", since=SINCE),
    devices={
        name: DeviceState(state="ready", detail="", driver="sim", since=SINCE)
        for name in ("idreader", "scanner", "printer", "camera")
    },
)


@pytest.fixture(autouse=True)
def stopped_header_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(VanClock, "render", lambda self: Text("10:00:00"))


def captain_app(tmp_path: Path, template: Path, minutes: float = 60, locale: str = "zh_CN") -> GovanApp:
    """The captain's terminal with its clock stopped `minutes` after the van opened."""
    fixture = make_van(tmp_path, template, {"locale": locale})
    store = db.open_store(fixture.config.database_path)
    incidents.record(store, "printer", "state", state="error", detail="paper out", at=at(10).isoformat())
    incidents.record(store, "printer", "state", state="ready", at=at(12).isoformat())
    report.set_notes(store, 1, "下午雨大，人少；打印机缺纸一次，已换纸。", staff_id=fixture.ids["c1"])
    store.close()
    app = GovanApp(fixture.config, connect=False, clock=lambda: at(minutes))
    app.link.status = READY
    return app


def keys(*pressed: str):  # noqa: ANN201
    async def run_before(pilot) -> None:  # noqa: ANN001
        app = pilot.app
        app.sign_in(next(person for person in staff.list_staff(app.store) if person.login == "c1"))
        await pilot.pause()
        await pilot.press("f4", *pressed)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_live_view(snap_compare, tmp_path: Path, shift_template: Path, size: tuple[int, int], locale: str) -> None:  # noqa: ANN001, F811 - the fixture imported above
    assert snap_compare(captain_app(tmp_path, shift_template, locale=locale), terminal_size=size, run_before=keys())


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_summary(snap_compare, tmp_path: Path, shift_template: Path, size: tuple[int, int], locale: str) -> None:  # noqa: ANN001, F811 - the fixture imported above
    assert snap_compare(captain_app(tmp_path, shift_template, locale=locale), terminal_size=size, run_before=keys("s"))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_follow_ups(snap_compare, tmp_path: Path, shift_template: Path, size: tuple[int, int], locale: str) -> None:  # noqa: ANN001, F811 - the fixture imported above
    # Saturday 28th: both 差评 are overdue.
    assert snap_compare(
        captain_app(tmp_path, shift_template, 8 * 24 * 60, locale), terminal_size=size, run_before=keys("u")
    )


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_evaluation(snap_compare, tmp_path: Path, shift_template: Path, size: tuple[int, int], locale: str) -> None:  # noqa: ANN001, F811 - the fixture imported above
    assert snap_compare(captain_app(tmp_path, shift_template, locale=locale), terminal_size=size, run_before=keys("e"))
