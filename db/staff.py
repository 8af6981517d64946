"""Staff on board: roles, departments and PINs (hashed with scrypt, never stored plain)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
from dataclasses import dataclass
from functools import cache
from datetime import datetime
from collections.abc import Mapping
from typing import Any, Literal

from sqlite_utils import Database

from core.problems import Code
from db import clock
from db.connection import immediate
from db.errors import BadCredentials, InvalidValue, NotFound

Role = Literal["staff", "captain", "dispatcher"]
ROLES: tuple[Role, ...] = ("staff", "captain", "dispatcher")
# scrypt cost: about 50 ms and 16 MiB per check, which makes guessing a 6-digit PIN slow.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_PIN = re.compile(r"[0-9]{4,8}")
_LOGIN = re.compile(r"[A-Za-z0-9_.-]{1,32}")


@dataclass(frozen=True)
class Staff:
    id: int
    login: str
    name: str
    role: Role
    department: str | None
    active: bool


def hash_pin(pin: str) -> str:
    """'scrypt$n$r$p$salt$hash', all hex; a fresh salt each time."""
    _check_pin(pin)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                                   dklen=len(digest) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def add_staff(
    db: Database,
    login: str,
    name: str,
    role: Role,
    pin: str,
    *,
    department: str | None = None,
    now: datetime | None = None,
) -> Staff:
    if not _LOGIN.fullmatch(login or ""):
        raise InvalidValue(Code.STAFF_LOGIN_FORM)
    if not (name or "").strip():
        raise InvalidValue(Code.STAFF_NAME_MISSING)
    if role not in ROLES:
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="staff.role", allowed=", ".join(ROLES))
    pin_hash = hash_pin(pin)
    with immediate(db):
        if department is not None and not list(db.query("SELECT 1 FROM departments WHERE code = ?", [department])):
            raise NotFound(Code.CATALOGUE_UNKNOWN_DEPARTMENT, department=department)
        try:
            cursor = db.execute(
                "INSERT INTO staff (login, name, role, department, pin_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [login, name.strip(), role, department, pin_hash, clock.to_text(clock.resolve(now))],
            )
        except sqlite3.IntegrityError:
            raise InvalidValue(Code.STAFF_LOGIN_TAKEN) from None  # the login may be a name: not in the log
        assert cursor.lastrowid is not None
        return get_staff(db, cursor.lastrowid)


def get_staff(db: Database, staff_id: int) -> Staff:
    rows = list(db.query("SELECT * FROM staff WHERE id = ?", [staff_id]))
    if not rows:
        raise NotFound(Code.STAFF_NOT_FOUND, staff=staff_id)
    return _staff(rows[0])


def list_staff(db: Database, *, active_only: bool = True) -> list[Staff]:
    sql = "SELECT * FROM staff" + (" WHERE active = 1" if active_only else "") + " ORDER BY login"
    return [_staff(row) for row in db.query(sql)]


def authenticate(db: Database, login: str, pin: str) -> Staff:
    """The active staff member with this login and PIN, else BadCredentials."""
    rows = list(db.query("SELECT * FROM staff WHERE login = ?", [login]))
    # An unknown login costs one scrypt too, so timing does not tell which logins exist.
    stored = rows[0]["pin_hash"] if rows else _unknown_login_hash()
    matches = pin_matches(pin, stored)
    if not rows or not rows[0]["active"] or not matches:
        raise BadCredentials(Code.STAFF_BAD_CREDENTIALS)
    return _staff(rows[0])


@cache
def _unknown_login_hash() -> str:
    return hash_pin("0000")


def set_pin(db: Database, staff_id: int, pin: str) -> None:
    pin_hash = hash_pin(pin)
    with immediate(db):
        get_staff(db, staff_id)
        db.execute("UPDATE staff SET pin_hash = ? WHERE id = ?", [pin_hash, staff_id])


def set_active(db: Database, staff_id: int, active: bool) -> Staff:
    with immediate(db):
        get_staff(db, staff_id)
        db.execute("UPDATE staff SET active = ? WHERE id = ?", [int(active), staff_id])
        return get_staff(db, staff_id)


def _check_pin(pin: str) -> None:
    if not isinstance(pin, str) or not _PIN.fullmatch(pin):
        raise InvalidValue(Code.STAFF_PIN_FORM)


def _staff(row: Mapping[str, Any]) -> Staff:
    return Staff(id=row["id"], login=row["login"], name=row["name"], role=row["role"],
                 department=row["department"], active=bool(row["active"]))
