"""Themed sessions: set up in the week, 点单 before the deadline into staffing, and the announcement from the
same data — A4 poster and A5 leaflet PDFs looked at as PNG (pdftoppm), WeChat text and HTML, an ICS event."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from icalendar import Calendar
from PIL import Image

from planning import announce, sessions, week
from planning.errors import PlanCode, PlanningError
from tests.planning.support import MONDAY, WEEK, booking_store
from tests.support.fonts import require_cjk_font, require_pdftoppm

ARTEFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artefacts" / "planning"
SATURDAY = MONDAY + timedelta(days=5)


def session_setup(conn: psycopg.Connection[Any]) -> sessions.Session:
    stop = next(s.stop_id for s in week.stops(conn) if s.kind == "commercial")
    return sessions.create(
        conn,
        "企业开办与社保 #专场*",
        ["sole_trader_registration", "social_insurance_enrol", "social_security_card"],
        "lg-01",
        SATURDAY,
        "am",
        stop,
        SATURDAY - timedelta(days=2),
    )


def test_a_session_takes_its_half_day_and_orders_set_the_staff(central_db: str) -> None:
    conn = booking_store(central_db)
    session = session_setup(conn)
    assert session.departments == ["market", "social"] and session.hours == ("09:30", "12:30")
    (slot,) = [
        s
        for van in week.week_plan(conn, WEEK)
        if van.van_id == "lg-01"
        for s in van.slots
        if s.day == SATURDAY and s.half == "am"
    ]
    assert (slot.kind, slot.session, slot.source) == ("themed", "企业开办与社保 #专场*", "dispatcher")
    week.draft(conn, WEEK, today=date(2026, 12, 2))  # a new draft keeps it
    assert [
        s.kind
        for van in week.week_plan(conn, WEEK)
        if van.van_id == "lg-01"
        for s in van.slots
        if s.day == SATURDAY and s.half == "am"
    ] == ["themed"]
    sessions.order(
        conn, session.session_id, ["social_insurance_enrol"], today=SATURDAY - timedelta(days=3), head_count=12
    )
    sessions.order(
        conn,
        session.session_id,
        ["sole_trader_registration", "social_security_card"],
        today=SATURDAY - timedelta(days=2),
    )
    staffing = {line.department: line for line in sessions.staffing(conn, session.session_id)}
    # 12 × 15 + 1 × 20 = 200 social minutes in a 180-minute half-day: two people; market one.
    assert (staffing["social"].minutes, staffing["social"].staff) == (200, 2)
    assert (staffing["market"].orders, staffing["market"].staff) == (1, 1)
    with pytest.raises(PlanningError) as error:
        sessions.order(conn, session.session_id, ["social_security_card"], today=SATURDAY - timedelta(days=1))
    assert error.value.code == PlanCode.DEADLINE_AFTER
    with pytest.raises(PlanningError) as error:
        sessions.create(conn, "x", ["id_card_renewal"], "lg-01", SATURDAY, "pm", slot.stop_id or 0, SATURDAY)
    assert error.value.code == PlanCode.DEADLINE_AFTER
    # On the crew's day off nothing is stored: no session without its half-day.
    week.set_day_off(conn, "lg-02", SATURDAY)
    with pytest.raises(PlanningError) as error:
        sessions.create(
            conn, "y", ["id_card_renewal"], "lg-02", SATURDAY, "am", slot.stop_id or 0, SATURDAY - timedelta(days=1)
        )
    assert error.value.code == PlanCode.DAY_OFF
    assert conn.execute("SELECT count(*) FROM sessions").fetchone() == (1,)


def test_the_announcement_poster_leaflet_wechat_and_ics(central_db: str) -> None:
    font = require_cjk_font()
    require_pdftoppm()
    conn = booking_store(central_db)
    session = session_setup(conn)
    item = announce.announcement(session, "https://mp.weixin.qq.com/s/longgang-zhuanchang")
    assert item.when == "2026年12月12日（周六）09:30–12:30" and item.deadline == "12月10日"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for paper in ("a4", "a5"):
        data = announce.pdf(item, paper, [font.path])
        assert data.startswith(b"%PDF-")
        (ARTEFACTS / f"session-{paper}.pdf").write_bytes(data)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-singlefile",
                str(ARTEFACTS / f"session-{paper}.pdf"),
                str(ARTEFACTS / f"session-{paper}"),
            ],
            check=True,
            timeout=60,
        )
        text = subprocess.run(
            ["pdftotext", str(ARTEFACTS / f"session-{paper}.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        # The theme prints as written (not read as markup), with the items, time and place, on one page
        # (spaces left out: typst spaces Latin from Chinese, and pdftotext reads that space back).
        flat = text.replace("\n", "").replace(" ", "")
        for words in (
            "企业开办与社保#专场*",
            "个体工商户设立登记",
            "灵活就业人员社保参保登记",
            "09:30–12:30",
            "龙港万达商圈",
        ):
            assert words in flat
        with Image.open(ARTEFACTS / f"session-{paper}.png") as page:
            sizes[paper] = page.size
            # Not a blank page: a good part of it is ink.
            dark = sum(page.convert("L").histogram()[:128])
            assert dark > page.size[0] * page.size[1] * 0.02
    # A4 is 210 × 297 mm and A5 148 × 210 mm: at 60 dpi about 496 × 702 and 350 × 496 pixels.
    assert sizes["a4"] == pytest.approx((496, 702), abs=2) and sizes["a5"] == pytest.approx((350, 496), abs=2)
    text = announce.wechat_text(item)
    assert text.splitlines()[0] == "【龙港市流动政务客厅 · 企业开办与社保 #专场*】" and "请于12月10日前点单" in text
    page = announce.wechat_html(announce.announcement(session, 'https://x.example/"><script>'))
    assert "<script>" not in page and "&lt;script&gt;" in page
    event = Calendar.from_ical(announce.ics_event(item, "session-1@govan")).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2026, 12, 12, 1, 30, tzinfo=UTC)
    assert str(event["location"]).startswith("龙港万达商圈")
