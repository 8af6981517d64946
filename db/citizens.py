"""Citizens: personal data stored once, found again by ID number, every access audited.

Other tables refer to a citizen by id only. A Citizen's repr shows masked values,
so one that slips into a log line leaks nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from core import contact, idnumber
from core.masking import mask_id_number, mask_name
from core.problems import Code
from db import audit, clock
from db.connection import immediate
from db.errors import InvalidIdNumber, InvalidValue, NotFound

_SEXES = ("0", "1", "2", "9")


@dataclass(frozen=True)
class Citizen:
    id: int
    id_number: str | None = field(repr=False)
    name: str | None = field(repr=False)
    sex: str | None = field(repr=False)
    birth_date: date | None = field(repr=False)
    phone: str | None = field(repr=False)
    address: str | None = field(repr=False)
    disabled: bool = field(repr=False)
    purged: bool = False
    masked_id_number: str = ""
    masked_name: str = ""

    def age_on(self, day: date) -> int | None:
        return clock.age_on(self.birth_date, day) if self.birth_date else None


@dataclass(frozen=True)
class CitizenRef:
    """What a list may show: masked, so showing it needs no audit entry."""

    id: int
    masked_id_number: str
    masked_name: str


def find_or_create(
    db: Database,
    id_number: str,
    *,
    name: str | None = None,
    sex: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    disabled: bool | None = None,
    staff_id: int | None = None,
    now: datetime | None = None,
) -> Citizen:
    """The one citizen with this ID number, created or updated with the values given.

    Birth date (and sex, unless given) come from the number. Values left as None (or
    blank) are kept as stored. Name, phone and address are checked as a clerk would
    (core.contact) and refused, never cut short. Creation, a change, or finding the
    record unchanged (a view) is audited.
    """
    moment = clock.resolve(now)
    number = validate_id_number(id_number, today=clock.local_date(moment))
    if sex is not None and sex not in _SEXES:
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="citizen.sex", allowed=", ".join(_SEXES))
    name, address = (name or "").strip() or None, (address or "").strip() or None
    phone = contact.normalize_phone(phone or "") or None
    problems = (
        contact.name_problem(name) if name else None,
        contact.phone_problem(phone) if phone else None,
        contact.address_problem(address, required=False) if address else None,
    )
    for problem in problems:
        if problem is not None:
            raise InvalidValue(problem.code, **problem.params)
    stamp = clock.to_text(moment)
    wanted: dict[str, object] = {
        "name": name,
        "sex": sex or idnumber.sex(number),
        "birth_date": idnumber.birth_date(number).isoformat(),
        "phone": phone,
        "address": address,
        "disabled": None if disabled is None else int(disabled),
    }
    with immediate(db):
        rows = list(db.query("SELECT * FROM citizens WHERE id_number = ?", [number]))
        if not rows:
            values = {key: value for key, value in wanted.items() if value is not None}
            columns = ["id_number", *values, "created_at", "updated_at"]
            cursor = db.execute(
                f"INSERT INTO citizens ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [number, *values.values(), stamp, stamp],
            )
            citizen_id = cursor.lastrowid
            assert citizen_id is not None
            audit.record(
                db,
                "create",
                "citizen",
                citizen_id,
                "fields: id_number, " + ", ".join(values),
                staff_id=staff_id,
                now=moment,
            )
        else:
            citizen_id = rows[0]["id"]
            changed = {key: value for key, value in wanted.items() if value is not None and rows[0][key] != value}
            if changed:
                assignments = ", ".join(f"{key} = ?" for key in changed)
                db.execute(
                    f"UPDATE citizens SET {assignments}, updated_at = ? WHERE id = ?",
                    [*changed.values(), stamp, citizen_id],
                )
                audit.record(
                    db, "update", "citizen", citizen_id, "fields: " + ", ".join(changed), staff_id=staff_id, now=moment
                )
            else:
                # The caller now holds whatever was on file (phone, address…): that is a view.
                audit.record(db, "view", "citizen", citizen_id, "found by ID number", staff_id=staff_id, now=moment)
        return _citizen(next(db.query("SELECT * FROM citizens WHERE id = ?", [citizen_id])))


def get(db: Database, citizen_id: int, *, staff_id: int | None, purpose: str, now: datetime | None = None) -> Citizen:
    """Full personal data for the person being served; the view is audited with its purpose."""
    if not (purpose or "").strip():
        raise InvalidValue(Code.STORE_PURPOSE_MISSING)
    with immediate(db):
        rows = list(db.query("SELECT * FROM citizens WHERE id = ?", [citizen_id]))
        if not rows:
            raise NotFound(Code.CITIZEN_NOT_FOUND, citizen=citizen_id)
        audit.record(db, "view", "citizen", citizen_id, purpose.strip(), staff_id=staff_id, now=now)
        return _citizen(rows[0])


def ref(db: Database, citizen_id: int) -> CitizenRef:
    rows = list(db.query("SELECT id, id_number, name FROM citizens WHERE id = ?", [citizen_id]))
    if not rows:
        raise NotFound(Code.CITIZEN_NOT_FOUND, citizen=citizen_id)
    return CitizenRef(citizen_id, mask_id_number(rows[0]["id_number"]), mask_name(rows[0]["name"]))


def set_disabled(
    db: Database, citizen_id: int, disabled: bool, *, staff_id: int | None, now: datetime | None = None
) -> None:
    with immediate(db):
        cursor = db.execute(
            "UPDATE citizens SET disabled = ?, updated_at = ? WHERE id = ? AND purged_at IS NULL",
            [int(disabled), clock.to_text(clock.resolve(now)), citizen_id],
        )
        if cursor.rowcount == 0:
            raise NotFound(Code.CITIZEN_GONE, citizen=citizen_id)
        audit.record(db, "update", "citizen", citizen_id, "fields: disabled", staff_id=staff_id, now=now)


def _citizen(row: Mapping[str, Any]) -> Citizen:
    return Citizen(
        id=row["id"],
        id_number=row["id_number"],
        name=row["name"],
        sex=row["sex"],
        birth_date=date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
        phone=row["phone"],
        address=row["address"],
        disabled=bool(row["disabled"]),
        purged=row["purged_at"] is not None,
        masked_id_number=mask_id_number(row["id_number"]),
        masked_name=mask_name(row["name"]),
    )


def validate_id_number(id_number: str, *, today: date | None = None) -> str:
    """The normalized number, or InvalidIdNumber carrying what core.idnumber found wrong."""
    found = idnumber.problem(id_number, today=today)
    if found is not None:
        raise InvalidIdNumber(found.code, **found.params)
    return idnumber.normalize(id_number)
