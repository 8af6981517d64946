"""The booking line in a real PostgreSQL: staff-minutes per department, all-or-nothing across departments,
the tailored plan, history kept through moves and cancels, reminders that fit one SMS."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from planning import bookings, reminders
from planning.errors import PlanCode, PlanningError
from tests.planning.support import booking_store, free_half_day

NOW = datetime(2026, 12, 3, 2, tzinfo=UTC)


def test_capacity_runs_out_and_cancelling_frees_it(central_db: str) -> None:
    conn = booking_store(central_db)
    day, half = free_half_day(conn, "lg-01")
    # One police officer on a free weekday half-day: 180 staff-minutes; an ID renewal takes 20.
    assert bookings.capacity(conn, "lg-01", day, half)["police"].offered == 180
    firm = bookings.book(
        conn,
        "group",
        "lg-01",
        day,
        half,
        ["id_card_renewal"],
        head_count=8,
        group_name="浙江某印刷集团",
        name="李经理",
        phone="13900000001",
        now=NOW,
    )
    assert [(load.department, load.minutes, load.staff) for load in firm.plan] == [("police", 160, 1)]
    with pytest.raises(PlanningError) as error:
        bookings.book(conn, "individual", "lg-01", day, half, ["id_card_renewal", "residence_permit"], now=NOW)
    assert error.value.code == PlanCode.CAPACITY and error.value.params == {"departments": "police", "short": 20}
    assert bookings.capacity(conn, "lg-01", day, half)["police"].left == 20
    one = bookings.book(conn, "individual", "lg-01", day, half, ["id_card_renewal"], name="王五", now=NOW)
    assert bookings.capacity(conn, "lg-01", day, half)["police"].left == 0
    bookings.cancel(conn, firm.booking_id, now=NOW)
    assert bookings.capacity(conn, "lg-01", day, half)["police"].left == 160
    assert [b.status for b in bookings.bookings_on(conn, "lg-01", day)] == ["cancelled", "booked"]
    assert one.checkin_code != firm.checkin_code


def test_a_booking_needing_two_departments_books_only_when_both_can(central_db: str) -> None:
    conn = booking_store(central_db)
    day, half = free_half_day(conn, "lg-01")
    # Social insurance is fully booked by a firm's enrolment; police is free.
    bookings.book(
        conn, "group", "lg-01", day, half, ["social_insurance_enrol"], head_count=12, group_name="新城小区交房", now=NOW
    )
    assert bookings.capacity(conn, "lg-01", day, half)["social"].left == 0
    before = conn.execute("SELECT count(*) FROM bookings").fetchone()
    with pytest.raises(PlanningError) as error:
        bookings.book(
            conn,
            "home_visit",
            "lg-01",
            day,
            half,
            ["id_card_renewal", "social_security_card"],
            name="赵奶奶",
            address="龙港市某路2号",
            needs=("bedridden",),
            now=NOW,
        )
    assert error.value.code == PlanCode.CAPACITY and error.value.params["departments"] == "social"
    assert conn.execute("SELECT count(*) FROM bookings").fetchone() == before  # nothing booked, nothing held
    assert bookings.capacity(conn, "lg-01", day, half)["police"].left == 180
    # A department the van does not carry at all is short too.
    with pytest.raises(PlanningError) as error:
        bookings.book(conn, "individual", "lg-01", day, half, ["housing_fund_statement"], now=NOW)
    assert error.value.params["departments"] == "housing_fund"
    # On another free half-day both have room: the tailored plan names both departments.
    other = conn.execute("""SELECT day, half FROM plan_slots WHERE van_id = 'lg-02' AND kind = 'free'
                            AND extract(isodow FROM day) < 6 ORDER BY day DESC LIMIT 1""").fetchone()
    visit = bookings.book(
        conn,
        "home_visit",
        "lg-02",
        other[0],
        other[1],
        ["id_card_renewal", "social_security_card"],
        name="赵奶奶",
        phone="13900000002",
        address="龙港市某路2号",
        needs=("bedridden", "hearing"),
        now=NOW,
    )
    assert [(load.department, load.minutes, load.staff) for load in visit.plan] == [
        ("police", 20, 1),
        ("social", 20, 1),
    ]
    (down,) = conn.execute("SELECT body FROM down_outbox WHERE kind = 'booking.confirmed' AND van_id = 'lg-02'")
    assert down[0]["address"] == "龙港市某路2号" and down[0]["needs"] == ["卧床", "听障"]
    assert down[0]["need_codes"] == ["bedridden", "hearing"]  # worded by the van in its staff's language


def test_moving_and_cancelling_keep_the_history(central_db: str) -> None:
    conn = booking_store(central_db)
    day, half = free_half_day(conn, "lg-01")
    booking = bookings.book(
        conn, "individual", "lg-01", day, half, ["residence_permit"], name="钱六", phone="13900000003", now=NOW
    )
    later = day + timedelta(days=1) if day.weekday() < 4 else day
    conn.execute(
        "UPDATE plan_slots SET kind = 'free', source = 'dispatcher' WHERE van_id = 'lg-01' AND day = %s "
        "AND half = 'pm'",
        [later],
    )
    moved = bookings.reschedule(conn, booking.booking_id, later, "pm", now=NOW)
    assert (moved.day, moved.half) == (later, "pm")
    bookings.cancel(conn, booking.booking_id, now=NOW)
    with pytest.raises(PlanningError) as error:
        bookings.cancel(conn, booking.booking_id, now=NOW)
    assert error.value.code == PlanCode.BOOKING_NOT_BOOKED
    steps = bookings.history(conn, booking.booking_id)
    assert [step[1] for step in steps] == ["booked", "rescheduled", "cancelled"]
    assert steps[1][2]["day"] == day.isoformat() and steps[1][3]["day"] == later.isoformat()
    kinds = [row[0] for row in conn.execute("SELECT kind FROM down_outbox WHERE van_id = 'lg-01' ORDER BY id")]
    assert kinds == ["booking.confirmed", "booking.confirmed", "booking.cancelled"]
    states = dict(
        conn.execute(
            "SELECT template, status FROM reminders WHERE booking_id = %s ORDER BY id", [booking.booking_id]
        ).fetchall()
    )
    assert states["booking_cancelled"] == "queued" and states["booking_reminder"] == "void"


def test_reminders_fit_one_sms_carry_no_links_and_go_through_the_default_sender(
    central_db: str, caplog: pytest.LogCaptureFixture
) -> None:
    conn = booking_store(central_db)
    day, half = free_half_day(conn, "lg-01")
    bookings.book(
        conn,
        "home_visit",
        "lg-01",
        day,
        half,
        ["hukou_certificate"],
        name="欧阳某某某某某某",
        phone="13900000004",
        address="龙港市某路3号",
        now=NOW,
    )
    for template in reminders.TEMPLATES:
        longest = {
            "name": "欧阳某某某某某某",
            "when": "12月31日下午",
            "place": "龙港市世纪新城社区服务中",
            "item": "不动产抵押权注销登记等等",
            "code": "ABCDEFGH",
        }
        assert len(reminders.render(template, longest)) <= reminders.MAX_SMS_CHARS
    with pytest.raises(PlanningError) as error:
        reminders.render("booking_reminder", {"name": "http://x.cn", "when": "", "place": "", "item": "", "code": ""})
    assert error.value.code == PlanCode.SMS_LINK
    sender = reminders.LogSender()
    with caplog.at_level(logging.INFO, logger="planning.reminders"):
        assert reminders.send_due(conn, sender, now=NOW) == 0  # the evening before, not yet
        assert reminders.send_due(conn, sender, now=datetime.combine(day, datetime.min.time(), UTC)) == 1
    assert sender.sent == 1 and "13900000004" not in caplog.text and "欧阳" not in caplog.text
    # The day passes with nobody checked in: the booking stays booked (never an automatic no-show).
    assert conn.execute("SELECT status FROM bookings").fetchall() == [("booked",)]


def test_bad_bookings_are_named_and_change_nothing(central_db: str) -> None:
    conn = booking_store(central_db)
    day, half = free_half_day(conn, "lg-01")
    cases = [
        ({"kind": "individual", "items": []}, PlanCode.NO_ITEMS),
        ({"kind": "individual", "items": ["no_such_item"]}, PlanCode.UNKNOWN_ITEM),
        ({"kind": "group", "items": ["id_card_renewal"], "head_count": 3}, PlanCode.GROUP_NAME),
        ({"kind": "individual", "items": ["id_card_renewal"], "head_count": 3}, PlanCode.HEAD_COUNT),
        ({"kind": "home_visit", "items": ["id_card_renewal"]}, PlanCode.ADDRESS_MISSING),
        (
            {"kind": "home_visit", "items": ["id_card_renewal"], "address": "某路", "needs": ("flying",)},
            PlanCode.NEED_UNKNOWN,
        ),
        ({"kind": "individual", "items": ["id_card_renewal"], "lat": 120.5, "lon": 27.5 + 200}, PlanCode.COORDINATES),
    ]
    for arguments, code in cases:
        kind, items = arguments.pop("kind"), arguments.pop("items")
        with pytest.raises(PlanningError) as error:
            bookings.book(conn, kind, "lg-01", day, half, items, now=NOW, **arguments)  # type: ignore[arg-type]
        assert error.value.code == code
    with pytest.raises(PlanningError) as error:
        bookings.book(conn, "individual", "lg-01", day + timedelta(days=30), "am", ["id_card_renewal"], now=NOW)
    assert error.value.code == PlanCode.NO_SLOT
    assert conn.execute("SELECT count(*) FROM bookings").fetchone() == (0,)
