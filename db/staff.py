"""Staff on board: roles, departments and PINs (hashed with scrypt, never stored plain).

Signing in locks a login after a number of wrong PINs in a row, for a time that grows with
each lock (1, 5, 15 minutes by default). The count lives in the store, so every terminal
agrees, and it is kept for every login typed, known or not: a lock says nothing about which
logins exist. A right PIN clears it; so does the captain (`unlock`).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Literal

from sqlite_utils import Database

from core.problems import Code
from db import audit, clock
from db.connection import IntegrityError, immediate
from db.errors import BadCredentials, InvalidValue, LoginLocked, NotFound

Role = Literal["staff", "captain", "dispatcher"]
ROLES: tuple[Role, ...] = ("staff", "captain", "dispatcher")
# scrypt cost: about 50 ms and 16 MiB per check, which makes guessing a 6-digit PIN slow.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_PIN = re.compile(r"[0-9]{4,8}")
_LOGIN = re.compile(r"[A-Za-z0-9_.-]{1,32}")
DEFAULT_ATTEMPTS = 5
DEFAULT_LOCKOUT_MINUTES = (1, 5, 15)


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
        candidate = hashlib.scrypt(
            pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2
        )
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
        except IntegrityError:
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


def authenticate(
    db: Database,
    login: str,
    pin: str,
    *,
    attempts: int = DEFAULT_ATTEMPTS,
    lockout_minutes: Sequence[int] = DEFAULT_LOCKOUT_MINUTES,
    now: datetime | None = None,
) -> Staff:
    """The active staff member with this login and PIN, else BadCredentials, or LoginLocked.

    The `attempts`-th wrong PIN in a row locks the login for `lockout_minutes[0]`, the next
    lock for `[1]`, and so on up to the last; while locked, no PIN is checked at all.
    """
    moment = clock.resolve(now)
    _refuse_while_locked(db, login, moment)
    rows = list(db.query("SELECT * FROM staff WHERE login = ?", [login]))
    # An unknown login costs one scrypt too, so timing does not tell which logins exist.
    stored = rows[0]["pin_hash"] if rows else _unknown_login_hash()
    signed_in = pin_matches(pin, stored) and bool(rows) and bool(rows[0]["active"])
    with immediate(db):
        # Another terminal may have locked it while the PIN was being checked.
        _refuse_while_locked(db, login, moment)
        if signed_in:
            db.execute("DELETE FROM login_failures WHERE login = ?", [login])
            return _staff(rows[0])
        locked_for = _count_failure(db, login, moment, attempts, lockout_minutes)
    if locked_for is not None:
        raise LoginLocked(Code.STAFF_LOCKED, minutes=locked_for)
    raise BadCredentials(Code.STAFF_BAD_CREDENTIALS)


def locks(db: Database, *, now: datetime | None = None) -> dict[str, datetime]:
    """Logins locked now, with when each lock ends."""
    stamp = clock.to_text(clock.resolve(now))
    return {
        row["login"]: clock.from_text(row["locked_until"])
        for row in db.query(
            "SELECT login, locked_until FROM login_failures WHERE locked_until > ? ORDER BY login", [stamp]
        )
    }


def unlock(db: Database, staff_id: int, *, by: int | None = None, now: datetime | None = None) -> bool:
    """Clear a staff member's wrong PINs and lock; True if the login was locked or counting.
    An unlock that cleared something is audited, with who did it (`by`, None for the command line)."""
    with immediate(db):
        login = get_staff(db, staff_id).login
        cleared = db.execute("DELETE FROM login_failures WHERE login = ?", [login]).rowcount > 0
        if cleared:
            audit.record(db, "update", "staff", staff_id, "wrong PINs and lock cleared", staff_id=by, now=now)
        return cleared


def _refuse_while_locked(db: Database, login: str, moment: datetime) -> None:
    rows = list(
        db.query(
            "SELECT locked_until FROM login_failures WHERE login = ? AND locked_until > ?",
            [login, clock.to_text(moment)],
        )
    )
    if rows:
        raise LoginLocked(Code.STAFF_LOCKED, minutes=_minutes_until(clock.from_text(rows[0]["locked_until"]), moment))


def _count_failure(
    db: Database, login: str, moment: datetime, attempts: int, lockout_minutes: Sequence[int]
) -> int | None:
    """One more wrong PIN for `login`; the minutes of the lock it earns, if it earns one."""
    if not _LOGIN.fullmatch(login or ""):
        return None  # never a login: nothing to count it against
    rows = list(db.query("SELECT failures, lockouts FROM login_failures WHERE login = ?", [login]))
    failures = (rows[0]["failures"] if rows else 0) + 1
    lockouts = rows[0]["lockouts"] if rows else 0
    stamp = clock.to_text(moment)
    if failures < attempts:
        db.execute(
            """INSERT INTO login_failures (login, failures, lockouts, last_at) VALUES (?, ?, ?, ?)
                      ON CONFLICT (login) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at""",
            [login, failures, lockouts, stamp],
        )
        return None
    minutes = lockout_minutes[min(lockouts, len(lockout_minutes) - 1)]
    until = clock.to_text(moment + timedelta(minutes=minutes))
    db.execute(
        """INSERT INTO login_failures (login, failures, lockouts, locked_until, last_at) VALUES (?, 0, ?, ?, ?)
                  ON CONFLICT (login) DO UPDATE SET failures = 0, lockouts = excluded.lockouts,
                                                    locked_until = excluded.locked_until, last_at = excluded.last_at""",
        [login, lockouts + 1, until, stamp],
    )
    return minutes


def _minutes_until(until: datetime, moment: datetime) -> int:
    """Whole minutes left, rounded up: a lock with 10 s to go still says 1 minute."""
    return max(1, math.ceil((until - moment).total_seconds() / 60))


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
    return Staff(
        id=row["id"],
        login=row["login"],
        name=row["name"],
        role=row["role"],
        department=row["department"],
        active=bool(row["active"]),
    )
