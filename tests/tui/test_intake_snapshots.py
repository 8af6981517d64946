"""SVG snapshots of intake at 80×24 and 120×40 (`pytest --snapshot-update` after an intended change).

Everything on screen is fixed: the store's data and the flows' clock (FIXED_NOW), the
header clock, the Input cursor (not blinking), the card, and the capture picture. The
app has no daemon link, so the device bar says so, and a card is handed to the screen as
if this terminal held the reader.
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from pathlib import Path

import msgspec
import pytest
from PIL import Image
from rich.text import Text
from textual.widgets import Input

from core import sealing
from core.keys import load_keys
from db import cases
from tests.support.cards import preset_card
from tests.tui.harness import call_ticket, prepare, screen_text, sign_in_and_open, until
from tui.app import GovanApp
from tui.key_list import key_entries
from tui.messages import CardRead
from tui.screens.intake import IntakeScreen
from tui.widgets.outcome_form import OutcomeChoice

FIXED_NOW = datetime.fromisoformat("2026-11-20T10:05:00+08:00")
EXPIRED_CARD = preset_card("resident_expired", FIXED_NOW, event_id="snapshot")


@pytest.fixture(autouse=True)
def still(monkeypatch: pytest.MonkeyPatch) -> None:
    """No blinking cursor, no ticking clock."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr("tui.widgets.van_header.VanClock.render", lambda self: Text("10:05:00"))


def intake_app(tmp_path: Path, item_code: str, locale: str = "zh_CN") -> GovanApp:
    desk = prepare(tmp_path, {"locale": locale}, now=FIXED_NOW)
    app = GovanApp(desk.config, connect=False, clock=lambda: FIXED_NOW)
    app.snapshot_desk = desk  # type: ignore[attr-defined]
    app.snapshot_item = item_code  # type: ignore[attr-defined]
    return app


async def open_with_card(pilot) -> IntakeScreen:  # noqa: ANN001
    app = pilot.app
    ticket_id = call_ticket(app, app.snapshot_desk, app.snapshot_item, now=FIXED_NOW)
    sign_in_and_open(app, app.snapshot_desk, ticket_id)
    screen = await until(pilot, lambda: app.screen if isinstance(app.screen, IntakeScreen) else None)
    screen.post_message(CardRead(msgspec.structs.replace(EXPIRED_CARD, terminal=app.van.terminal)))
    await until(pilot, lambda: screen.intake.person is not None, what="the card holder filed")
    await pilot.pause()
    return screen


def capture_file(directory: Path) -> tuple[str, str, int]:
    """A fixed picture where a capture would be, sealed with the van's key: path, sha256, size."""
    path = directory / "captures" / "case-1-copy.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (120, 170), (245, 245, 240))
    for y in range(20, 150, 12):
        image.paste((60, 60, 70), (15, y, 105, y + 4))
    image.paste((200, 40, 40), (70, 120, 110, 160))
    picture = io.BytesIO()
    image.save(picture, "JPEG", quality=90)
    data = picture.getvalue()
    sealing.write_sealed(load_keys(directory).files, path, data)  # as the camera leaves it: sealed
    return str(path), hashlib.sha256(data).hexdigest(), len(data)


async def to_materials(pilot) -> IntakeScreen:  # noqa: ANN001
    screen = await open_with_card(pilot)
    await pilot.press("f5")
    await until(pilot, lambda: "居民户口簿" in screen_text(pilot.app), what="the materials")
    path, sha256, size = capture_file(pilot.app.config.data_path)
    cases.add_attachment(
        pilot.app.store,
        screen.intake.case.id,
        path=path,
        sha256=sha256,
        kind="certified_copy",
        size_bytes=size,
        material="居民户口簿",
        certified_by=pilot.app.session.staff.id,
        certified_at=FIXED_NOW,
        now=FIXED_NOW,
    )
    await pilot.press("o")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_person_from_an_expired_card(snap_compare, tmp_path: Path, size: tuple[int, int], locale: str) -> None:  # noqa: ANN001
    assert snap_compare(
        intake_app(tmp_path, "hukou_certificate", locale), terminal_size=size, run_before=open_with_card
    )


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_materials_with_a_certified_copy(snap_compare, tmp_path: Path, size: tuple[int, int], locale: str) -> None:  # noqa: ANN001
    assert snap_compare(intake_app(tmp_path, "hukou_certificate", locale), terminal_size=size, run_before=to_materials)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_outcome_by_post(snap_compare, tmp_path: Path, size: tuple[int, int], locale: str) -> None:  # noqa: ANN001
    async def run_before(pilot) -> None:  # noqa: ANN001
        screen = await open_with_card(pilot)
        await pilot.press("f5")
        await until(pilot, lambda: "身份证数字相片" in screen_text(pilot.app), what="the materials")  # data: a material
        await pilot.press("f5", "2", "f7")
        screen.query_one(OutcomeChoice).focus()  # its keys join the footer: all must fit in 80 columns
        await pilot.pause()

    assert snap_compare(intake_app(tmp_path, "id_card_renewal", locale), terminal_size=size, run_before=run_before)


async def to_rating(pilot) -> None:  # noqa: ANN001
    await open_with_card(pilot)
    await pilot.press("f5")
    await until(pilot, lambda: "居民户口簿" in screen_text(pilot.app), what="the materials")
    await pilot.press("f5", "4", "f9")
    await until(
        pilot,
        lambda: any(entry.keys == "f10" and entry.enabled for entry in key_entries(pilot.app.screen)),
        what="the consult recorded",
    )
    await pilot.press("f10")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "RatingScreen")


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_rating_suggests_no_score(snap_compare, tmp_path: Path, size: tuple[int, int], locale: str) -> None:  # noqa: ANN001
    assert snap_compare(intake_app(tmp_path, "hukou_certificate", locale), terminal_size=size, run_before=to_rating)


def test_a_bad_rating_asks_why_and_names_its_follow_up(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    async def run_before(pilot) -> None:  # noqa: ANN001
        await to_rating(pilot)
        await pilot.press("2", *"等了很久")

    assert snap_compare(intake_app(tmp_path, "hukou_certificate"), terminal_size=(80, 24), run_before=run_before)


def test_leaving_with_an_open_case_asks_why(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    async def run_before(pilot) -> None:  # noqa: ANN001
        await open_with_card(pilot)
        await pilot.press("f5")
        await until(pilot, lambda: "居民户口簿" in screen_text(pilot.app), what="the materials")
        await pilot.press("escape", "escape")
        await until(pilot, lambda: "尚未记录办理结果" in screen_text(pilot.app), what="the question")

    assert snap_compare(intake_app(tmp_path, "hukou_certificate"), terminal_size=(80, 24), run_before=run_before)
