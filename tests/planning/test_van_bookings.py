"""Bookings reach the van and are checked in there: a walk-in's home-visit request goes up, is confirmed down
onto its appointment; a booking made at the centre becomes an appointment whose code checks in by scan."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import db
from db import appointments, plans
from planning import bookings
from tests.db.support import id_number
from tests.planning.support import booking_store, free_half_day
from tests.planning.test_to_the_van import centre_running, van_online
from tests.support.centre import make_store, until, van_config

NOW = datetime(2026, 12, 3, 2, tzinfo=UTC)


async def test_a_walk_in_home_visit_goes_up_is_confirmed_down_and_a_centre_booking_checks_in(
    tmp_path: Path, central_db: str
) -> None:
    config = van_config(tmp_path, central_db)
    store = make_store(config)
    trip = next(store.query("SELECT id FROM trips"))["id"]
    person = db.find_or_create_citizen(store, id_number("19400101"), name="孙奶奶", phone="13900000009", now=NOW)
    walk_in = appointments.book(
        store, "home_visit", NOW, ["pension_certification"], citizen_id=person.id, special_needs="卧床", now=NOW
    )
    store.close()
    conn = booking_store(central_db)
    day, half = free_half_day(conn, "lg-01")
    async with centre_running(config), van_online(config) as link:
        requests = await until(lambda: bookings.requests_waiting(conn), what="the request at the centre")
        assert [(r.van_id, r.appointment_id, r.kind, r.name) for r in requests] == [
            ("lg-01", walk_in.id, "home_visit", "孙奶奶")
        ]
        confirmed = bookings.confirm_request(
            conn,
            "lg-01",
            walk_in.id,
            day,
            half,
            now=NOW,
            address="龙港市某路9号",
            lat=27.57,
            lon=120.56,
            needs=("bedridden",),
        )
        assert bookings.requests_waiting(conn) == []

        def at_van() -> list[plans.DayBooking]:
            return [b for b in plans.day_bookings(link.db, day) if b.booking_id == confirmed.booking_id]

        (seen,) = await until(at_van, what="the confirmation at the van")
        assert seen.appointment_id == walk_in.id and seen.address == "龙港市某路9号" and seen.needs == ["bedridden"]
        assert seen.who == "孙*奶" and "13900000009" not in seen.phone  # the crew's list is masked
        # A booking made at the centre for this van: an appointment with the code the person got by SMS.
        made = bookings.book(
            conn, "individual", "lg-01", day, half, ["hukou_certificate"], name="周先生", phone="13900000010", now=NOW
        )
        (arrived,) = await until(
            lambda: [b for b in plans.day_bookings(link.db, day) if b.booking_id == made.booking_id],
            what="the booking at the van",
        )
        assert arrived.items == ["hukou_certificate"] and arrived.status == "booked"
        ticket = appointments.check_in(link.db, appointments.QR_PREFIX + made.checkin_code, trip, now=NOW)
        assert ticket.appointment_id == arrived.appointment_id and ticket.priority == 1
        # Cancelled at the centre: cancelled at the van.
        bookings.cancel(conn, confirmed.booking_id, now=NOW)
        await until(
            lambda: appointments.get(link.db, walk_in.id).status == "cancelled", what="the cancellation at the van"
        )
