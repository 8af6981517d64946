"""Every screen, walked in both languages at 80×24: no English in the Chinese UI, no Chinese in the
English UI except names and data (what the store holds), and what citizens read stays Chinese.
`govan tui --central`'s pages and the dispatcher's screens have their walk in
tests/planning/test_central_language_walk.py (it needs PostgreSQL).

The walk goes through what staff reach by keys: login, the desk with the item picker, the
window, intake (person, materials, outcome, the rating), the captain's live view, summary,
follow-ups, evaluation, the centre's plan, notes, crew and closing, and the key help of each. The rendered
terminal is read as text (tests/tui/harness.screen_text).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import msgspec
import pytest
from sqlite_utils import Database
from textual.pilot import Pilot

from db import staff
from db.connection import open_store
from tests.db.support import at
from tests.support.cards import preset_card
from tests.tui.harness import call_ticket, prepare, screen_text, sign_in_and_open, until
from tests.tui.test_captain import make_van, shift_template  # noqa: F401 - the fixture
from tui.app import GovanApp
from tui.key_list import key_entries
from tui.messages import CardRead
from tui.screens.intake import IntakeScreen
from tui.screens.key_help import KeyHelp

NOW = datetime.fromisoformat("2026-11-20T10:05:00+08:00")
# 林小燕's card, still valid
CARD = preset_card("resident_expired", NOW, event_id="walk", valid_to="2038-03-03", expired=False)
SIZE = (80, 24)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
WORD = re.compile(r"[A-Za-z][A-Za-z'.-]*[A-Za-z]")
# What a Chinese screen may show in Latin letters: key names on the key bar and the help screen,
# and the abbreviations Chinese staff use as such.
LATIN_IN_CHINESE = {
    "esc",
    "enter",
    "tab",
    "space",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "pageup",
    "pagedown",
    "delete",
    "del",
    "backspace",
    "ctrl",
    "shift",
    "csv",
    "json",
    "markdown",
}


# Catalogue names with an English name beside them are words in English mode, not data: a
# department or item shown by its Chinese name there is a leak (tui.names.name_of).
NAMED_IN_ENGLISH = {"departments", "service_items"}


def _data_texts(store: Database) -> list[str]:
    """Every text the store holds: names, items, departments, materials, notes… shown as they are
    (a department's or an item's Chinese name only where the catalogue gives no English one)."""
    texts: set[str] = set()
    for table in store.table_names():
        columns = [column.name for column in store[table].columns if column.type.upper() == "TEXT"]
        for column in columns:
            only = "AND name_en = ''" if table in NAMED_IN_ENGLISH and column == "name" else ""
            sql = f'SELECT DISTINCT "{column}" AS value FROM "{table}" WHERE "{column}" IS NOT NULL {only}'
            for row in store.query(sql):
                value = str(row["value"])
                if CJK.search(value):
                    texts.add(value)
                    texts.update(part for part in re.split(r"[\s,;:|·、/()（）\[\]\"'{}]+", value) if part)
    return sorted(texts, key=len, reverse=True)


def leaks(text: str, locale: str, data: list[str]) -> list[str]:
    """The lines of `text` with words of the other language, each with what leaked."""
    found = []
    for line in text.splitlines():
        if locale == "en":
            rest = line
            for value in data:
                rest = rest.replace(value, " ")
            # A masked name (王*娜) is a name, and so is one cut short for the width (新城社区党群服 …).
            rest = re.sub(r"\S*\*\S*", " ", rest)
            rest = re.sub(
                r"(\S+) ?…", lambda cut: " " if any(value.startswith(cut[1]) for value in data) else cut[0], rest
            )
            wrong = CJK.findall(rest)
        else:
            # Key names and file formats, and short capitals: queue letters (AB), case numbers (LG-01-…).
            wrong = [
                word
                for word in WORD.findall(line)
                if word.lower() not in LATIN_IN_CHINESE and not re.fullmatch(r"[a-z]{1,2}|[A-Z]{1,3}", word)
            ]
        if wrong:
            found.append(f"{wrong} in {line.strip()!r}")
    return found


class Walk:
    def __init__(self, app: GovanApp, pilot: Pilot, locale: str, data: list[str]) -> None:
        self.app, self.pilot, self.locale, self.data = app, pilot, locale, data
        self.problems: list[str] = []
        self.seen: list[str] = []

    async def look(self, where: str, *, with_help: bool = True) -> None:
        await self.pilot.pause()
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()
        self.seen.append(where)
        self.problems += [f"{where}: {leak}" for leak in leaks(screen_text(self.app), self.locale, self.data)]
        if with_help:
            await self.pilot.press("f1")
            await until(self.pilot, lambda: isinstance(self.app.screen, KeyHelp), what=f"the keys of {where}")
            self.problems += [f"{where} keys: {leak}" for leak in leaks(screen_text(self.app), self.locale, self.data)]
            await self.pilot.press("escape")
            await self.pilot.pause()


async def walk(
    app: GovanApp, locale: str, steps: Callable[[Walk], Awaitable[None]], more_data: tuple[str, ...] = ()
) -> Walk:
    data = sorted({*_data_texts(app.store), *more_data}, key=len, reverse=True)
    async with app.run_test(size=SIZE) as pilot:
        found = Walk(app, pilot, locale, data)
        await steps(found)
    return found


async def captains_walk(walk: Walk) -> None:
    app, pilot = walk.app, walk.pilot
    await walk.look("login", with_help=False)  # the PIN field takes every key
    app.sign_in(next(person for person in staff.list_staff(app.store) if person.login == "c1"))
    await walk.look("the captain's first screen")
    await pilot.press("f4")
    await walk.look("live view")
    for key, where in (("s", "summary"), ("u", "follow-ups"), ("e", "evaluation"), ("p", "the centre's plan")):
        await pilot.press(key)
        await walk.look(where)
        await pilot.press("escape")
        await pilot.pause()
    for key, where in (("n", "notes"), ("w", "crew"), ("c", "closing the trip")):
        await pilot.press(key)
        await walk.look(where, with_help=False)
        await pilot.press("escape")
        await pilot.pause()
    await pilot.press("f2")
    await walk.look("desk")
    await pilot.press("ctrl+p")
    await walk.look("item picker", with_help=False)
    await pilot.press(*"hj")
    await walk.look("item picker, searched", with_help=False)
    await pilot.press("escape")


async def clerks_walk(walk: Walk) -> None:
    app, pilot = walk.app, walk.pilot
    desk = app.walk_desk  # type: ignore[attr-defined]
    ticket_id = call_ticket(app, desk, "hukou_certificate", now=NOW)
    sign_in_and_open(app, desk, ticket_id)
    screen = await until(pilot, lambda: app.screen if isinstance(app.screen, IntakeScreen) else None)
    await walk.look("intake, waiting for the card")
    screen.post_message(CardRead(msgspec.structs.replace(CARD, terminal=app.van.terminal)))
    await until(pilot, lambda: screen.intake.person is not None, what="the card holder")
    await walk.look("intake, person")
    await pilot.press("f5")
    await walk.look("intake, materials")
    await pilot.press("f5")
    await walk.look("intake, outcome")
    await pilot.press("4", "f9")
    await until(
        pilot,
        lambda: any(entry.keys == "f10" and entry.enabled for entry in key_entries(app.screen)),
        what="the consult recorded",
    )
    await walk.look("intake, recorded")
    await pilot.press("f10")
    await until(pilot, lambda: type(app.screen).__name__ == "RatingScreen", what="the rating")
    await walk.look("rating")
    await pilot.press("2")
    await walk.look("rating, a bad one", with_help=False)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_the_captain_sees_one_language(tmp_path: Path, shift_template: Path, locale: str) -> None:  # noqa: F811 - the fixture imported above
    fixture = make_van(tmp_path, shift_template, {"locale": locale})
    app = GovanApp(fixture.config, connect=False, clock=lambda: at(60))
    walked = await walk(app, locale, captains_walk)
    assert len(walked.seen) >= 13
    assert not walked.problems, "\n".join(walked.problems)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_a_clerk_sees_one_language(tmp_path: Path, locale: str) -> None:
    desk = prepare(tmp_path, {"locale": locale}, now=NOW)
    app = GovanApp(desk.config, connect=False, clock=lambda: NOW)
    app.walk_desk = desk  # type: ignore[attr-defined]
    card = (CARD.name, CARD.nation_name, CARD.address, CARD.issuer)  # what the card says is data too
    walked = await walk(app, locale, clerks_walk, card)
    assert len(walked.seen) >= 7
    assert not walked.problems, "\n".join(walked.problems)


def test_a_chinese_department_or_item_name_in_english_is_caught(tmp_path: Path) -> None:
    """The walk's data leaves out catalogue names that have an English one, so showing the Chinese is a leak;
    a name with no English one (an imported catalogue's) is data."""
    desk = prepare(tmp_path, {"locale": "en"}, now=NOW)
    store = open_store(desk.config.database_path)
    data = _data_texts(store)
    assert leaks("Queue A 公安  户籍证明开具", "en", data) == [
        "['公安', '户籍证明开具'] in 'Queue A 公安  户籍证明开具'"
    ]
    store.execute("UPDATE departments SET name_en = '' WHERE code = 'police'")
    assert leaks("Queue A 公安", "en", _data_texts(store)) == []
    store.close()


def test_the_check_finds_either_language() -> None:
    assert leaks("取号 f5 下一步  Reprint", "zh_CN", []) == ["['Reprint'] in '取号 f5 下一步  Reprint'"]
    assert leaks("Call next  Window 1  王*娜 林晓燕", "en", ["林晓燕"]) == []
    assert leaks("Next 下一步", "en", []) == ["['下一步'] in 'Next 下一步'"]
