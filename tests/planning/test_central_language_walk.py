"""`govan tui --central` walked in both languages at 80×24: the fleet's pages 1–6 and 0, and the
dispatcher's screens 7 周计划 (after a draft), 8 预约 and 9 专场, each with its key help — no English
in the Chinese UI, no Chinese in the English UI except what the central store holds (against a real
PostgreSQL). The same check as tests/tui/test_language_walk.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import psycopg
import pytest
from textual.widgets import Select

from govan import config as config_module
from planning import bookings
from tests.planning.support import CATALOGUE, planning_store
from tests.planning.test_tui_planning import note, until
from tests.tui.harness import screen_text
from tests.tui.test_language_walk import CJK, SIZE, leaks
from tui.central.app import CentralApp
from tui.screens.key_help import KeyHelp

# The choices of the forms, each opened, and the needs' boxes scrolled into sight: worded, though the
# form holds codes.
CHOICES = {"8": ["kind", "half"], "9": ["half"]}
TICKS = {"8": "needs"}
PAGES = [
    ("1", "fleet"),
    ("2", "trips"),
    ("3", "back office"),
    ("4", "overdue"),
    ("5", "suggestions"),
    ("6", "evaluation"),
    ("0", "reveals audit"),
    ("7", "week"),
    ("8", "bookings"),
    ("9", "sessions"),
]


def _data_texts(conn: psycopg.Connection[Any]) -> list[str]:
    """Every Chinese text the central store holds (stops, items, departments, addresses), shown as it is."""
    texts: set[str] = set()
    columns = conn.execute("""SELECT table_name, column_name FROM information_schema.columns
                              WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')""").fetchall()
    for table, column in columns:
        for (value,) in conn.execute(f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'):
            if CJK.search(value):
                texts.add(value)
    return sorted(texts, key=len, reverse=True)


def _in_the_box(text: str) -> str:
    """The key help's box alone: the page around it is cut by it, which splits its data into fragments."""
    return "\n".join(line[line.index("│") + 1 : line.rindex("│")] for line in text.splitlines() if line.count("│") >= 2)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_the_centre_sees_one_language(tmp_path: Path, central_db: str, locale: str) -> None:
    conn = planning_store(central_db)
    bookings.load_items(conn, CATALOGUE)
    config = config_module.validate(
        msgspec.convert(
            {"data_dir": str(tmp_path / "data"), "locale": locale, "central": {"database_url": central_db}},
            config_module.Config,
        ),
        "test",
    )
    app = CentralApp(config, url=central_db)
    app.week = "2026-W50"
    problems: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        for key, where in PAGES:
            await pilot.press(key)
            await until(pilot, lambda: note(app) not in ("", "加载中…", "Loading…"), f"page {where}")
            if key == "7":
                await pilot.press("d")
                await until(
                    pilot, lambda: CJK.search(note(app)) if locale == "zh_CN" else "Drafted" in note(app), "the draft"
                )
            await app.workers.wait_for_complete()
            await pilot.pause()
            data = _data_texts(conn)
            problems += [f"{where}: {leak}" for leak in leaks(screen_text(app), locale, data)]  # type: ignore[arg-type]
            for field in CHOICES.get(key, []):
                choice = app.screen.query_one(f"#form-{field}", Select)
                choice.focus()
                await pilot.press("enter")
                await until(pilot, lambda choice=choice: choice.expanded, f"the {field} choice of {where}")
                problems += [f"{where} {field}: {leak}" for leak in leaks(screen_text(app), locale, data)]  # type: ignore[arg-type]
                await pilot.press("escape")
                await until(pilot, lambda choice=choice: not choice.expanded, f"the {field} choice of {where} closed")
            if key in TICKS:
                app.screen.query_one(f"#form-{TICKS[key]} Checkbox").focus()
                word = "卧床" if locale == "zh_CN" else "bedridden"
                await until(pilot, lambda word=word: word in screen_text(app), f"the {TICKS[key]} of {where} in sight")
                text = screen_text(app)
                problems += [f"{where} {TICKS[key]}: {leak}" for leak in leaks(text, locale, data)]  # type: ignore[arg-type]
            await pilot.press("f1")
            await until(pilot, lambda: isinstance(app.screen, KeyHelp), f"the keys of {where}")
            problems += [f"{where} keys: {leak}" for leak in leaks(_in_the_box(screen_text(app)), locale, data)]  # type: ignore[arg-type]
            await pilot.press("escape")
            await pilot.pause()
    conn.close()
    assert not problems, "\n".join(problems)
