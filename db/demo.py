"""Demo data for `govan demo`: the default catalogue, a crew with known PINs, a stop,
today's trip open, and a few appointments ready to check in. All people are invented."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from core import idnumber
from core.problems import Code
from db import appointments, catalogue, citizens, clock, staff, trips
from db.connection import immediate
from db.errors import WrongState


@dataclass(frozen=True)
class DemoLogin:
    login: str
    name: str
    role: str
    pin: str
    window: str | None


@dataclass(frozen=True)
class DemoData:
    trip_id: int
    logins: list[DemoLogin]
    checkin_codes: list[str]


# login, name, role, department, PIN, window, queue categories
_CREW = [
    ("c01", "陈建国", "captain", "agency", "1111", "5", ("D", "Z")),
    ("s01", "林晓燕", "staff", "police", "2222", "1", ("A",)),
    ("s02", "郑海波", "staff", "social", "3333", "2", ("F", "H")),
    ("s03", "黄丽君", "staff", "property", "4444", "3", ("B", "C")),
    ("s04", "周志强", "staff", "market", "5555", "4", ("E", "J", "K")),
    ("d01", "吴敏", "dispatcher", "agency", "6666", None, ()),
]


def demo_id_number(area: str, birth: str, sequence: str) -> str:
    """A well-formed but invented ID number (valid check character)."""
    first17 = area + birth + sequence
    return first17 + idnumber.check_character(first17)


def load(db: Database, *, now: datetime | None = None, tz: ZoneInfo = clock.SHANGHAI) -> DemoData:
    """Fill an empty store with demo data (refuses a store that already has staff)."""
    moment = clock.resolve(now)
    today = clock.local_date(moment, tz)
    with immediate(db):
        if list(db.query("SELECT 1 FROM staff LIMIT 1")):
            raise WrongState(Code.DEMO_STORE_NOT_EMPTY)
        catalogue.load_default(db, now=moment)
        people = {
            login: staff.add_staff(db, login, name, role, pin, department=department, now=moment)  # type: ignore[arg-type]
            for login, name, role, department, pin, _, _ in _CREW
        }
        stop = trips.add_stop(
            db,
            "龙港市新城社区党群服务中心",
            "community",
            address="龙港市新城社区（示例地址）",
            contact="社区服务中心值班电话",
        )
        trip = trips.plan_trip(db, today, stop.id, people["c01"].id, "fixed", now=moment)
        for login, _, _, _, _, window, categories in _CREW:
            if window is not None:
                trips.set_crew(db, trip.id, people[login].id, window, categories)
        trips.open_trip(db, trip.id, now=moment)

        dispatcher = people["d01"].id
        wang = citizens.find_or_create(
            db,
            demo_id_number("330383", "19860911", "446"),
            name="王美娜",
            phone="13800000001",
            staff_id=dispatcher,
            now=moment,
        )
        li = citizens.find_or_create(
            db,
            demo_id_number("330327", "19480302", "215"),
            name="李阿公",
            phone="13800000002",
            address="龙港市新城社区（示例地址）",
            disabled=True,
            staff_id=dispatcher,
            now=moment,
        )
        morning = datetime.combine(today, time(9, 30), tz)
        booked = [
            appointments.book(
                db,
                "individual",
                morning,
                ["residence_permit"],
                citizen_id=wang.id,
                trip_id=trip.id,
                booked_by=dispatcher,
                now=moment,
            ),
            appointments.book(
                db,
                "home_visit",
                morning + timedelta(hours=5),
                ["pension_certification"],
                citizen_id=li.id,
                special_needs="行动不便，需上门认证",
                trip_id=trip.id,
                booked_by=dispatcher,
                now=moment,
            ),
            appointments.book(
                db,
                "group",
                morning + timedelta(hours=1),
                ["social_insurance_enrol"],
                group_name="新城工业园某企业新入职员工",
                head_count=12,
                trip_id=trip.id,
                booked_by=dispatcher,
                now=moment,
            ),
        ]
    return DemoData(
        trip_id=trip.id,
        logins=[DemoLogin(login, name, role, pin, window) for login, name, role, _, pin, window, _ in _CREW],
        checkin_codes=[appointment.checkin_code for appointment in booked],
    )
