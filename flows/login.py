"""Signing in: staff choose themselves and type a PIN; wrong PINs in a row lock the login for a while.

The lock is kept in the store (db.staff), so every terminal agrees on it, and it counts every
login typed, known or not: to the person typing, an unknown login and a wrong PIN look the
same, locks included. The captain can unlock a staff member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.problems import Code, Problem
from db import staff
from db.errors import BadCredentials, StoreError
from db.staff import Staff
from flows.van import Van

__all__ = ["Lock", "LoginFlow", "Staff", "locks", "unlock"]


@dataclass(frozen=True)
class Lock:
    """A staff member who cannot sign in now, and until when."""

    staff: Staff
    until: datetime  # local time


class LoginFlow:
    def __init__(self, van: Van) -> None:
        self.van = van

    def people(self) -> list[Staff]:
        """Whom the login screen offers: every active staff member. Empty in a fresh store."""
        return staff.list_staff(self.van.store)

    def sign_in(self, login: str, pin: str) -> Staff | Problem:
        """The staff member, or why not: `staff.bad_credentials`, or `staff.locked` with the minutes left."""
        service = self.van.config.service
        try:
            return staff.authenticate(
                self.van.store,
                login,
                pin,
                attempts=service.pin_attempts,
                lockout_minutes=service.pin_lockout_minutes,
                now=self.van.now(),
            )
        except BadCredentials as error:
            return error.problem


def locks(van: Van) -> list[Lock]:
    """Staff locked out now, for the captain to unlock."""
    locked = staff.locks(van.store, now=van.now())
    return [
        Lock(person, locked[person.login].astimezone(van.config.tz))
        for person in staff.list_staff(van.store)
        if person.login in locked
    ]


def unlock(van: Van, by: Staff, staff_id: int) -> Problem | None:
    """The captain lets a locked-out staff member try again at once."""
    if by.role != "captain":
        return Problem(Code.CAPTAIN_ONLY)
    try:
        staff.unlock(van.store, staff_id, by=by.id, now=van.now())
    except StoreError as error:
        return error.problem
    return None
