"""Reminders by SMS: queued with the booking, sent centrally by a pluggable sender.

No SMS gateway is configured by default: `LogSender` logs that a reminder went (template and
booking, never the phone or the text, which name the person). A Chinese SMS is one segment up
to 70 characters, so every rendered text is checked against that; variables never carry a link
(carriers' rules for template SMS, and a link in a variable is how phishing gets in).
Nothing here marks a no-show: whether someone came is for the crew to record.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import psycopg

from planning.errors import PlanCode, PlanningError

__all__ = ["MAX_SMS_CHARS", "TEMPLATES", "LogSender", "SmsSender", "render", "send_due"]

log = logging.getLogger(__name__)
MAX_SMS_CHARS = 70
# The texts a carrier approves once; only the {variables} change.
TEMPLATES = {
    "booking_reminder": "【龙港政务】{name}您好，您预约{when}在{place}办理{item}，签到码{code}。",
    "home_visit_reminder": "【龙港政务】{name}您好，工作人员将于{when}上门为您办理{item}，签到码{code}。",
    "booking_cancelled": "【龙港政务】{name}您好，您{when}的预约已取消，如需重新预约请致电代办服务科。",
    "booking_moved": "【龙港政务】{name}您好，您的预约改为{when}在{place}，签到码{code}。",
}
_LINK = re.compile(r"(https?://|www\.|\.cn\b|\.com\b)", re.IGNORECASE)


def render(template: str, params: dict[str, str]) -> str:
    """The SMS text; PlanningError when a variable holds a link or the text runs past one SMS."""
    for key, value in params.items():
        if _LINK.search(value):
            raise PlanningError(PlanCode.SMS_LINK, field=key)
    text = TEMPLATES[template].format(**params)
    if len(text) > MAX_SMS_CHARS:
        raise PlanningError(PlanCode.SMS_TOO_LONG, length=len(text))
    return text


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Send one SMS; raise OSError (or a subclass) when the gateway refuses or is unreachable."""


@dataclass
class LogSender:
    """The default: no gateway; each reminder is logged (never its phone or text) and counts as sent."""

    sent: int = 0

    def send(self, phone: str, text: str) -> None:
        self.sent += 1
        log.info("SMS reminder of %d characters (no gateway configured: logged, not sent)", len(text))


def send_due(conn: psycopg.Connection[Any], sender: SmsSender, *, now: datetime, limit: int = 100) -> int:
    """Send the reminders whose time has come; returns how many went. A failure is retried three times."""
    rows = conn.execute(
        """SELECT r.id, r.template, r.params, b.phone FROM reminders r JOIN bookings b ON b.booking_id = r.booking_id
           WHERE r.status = 'queued' AND r.send_at <= %s ORDER BY r.send_at LIMIT %s""",
        [now, limit],
    ).fetchall()
    conn.commit()
    sent = 0
    for reminder_id, template, params, phone in rows:
        try:
            if not phone:
                raise OSError("no phone to send to")
            sender.send(phone, render(template, params))
        except (OSError, PlanningError) as error:
            log.warning("reminder %d not sent: %s", reminder_id, type(error).__name__)
            conn.execute(
                """UPDATE reminders SET attempts = attempts + 1,
                                status = CASE WHEN attempts + 1 >= 3 THEN 'failed' ELSE 'queued' END WHERE id = %s""",
                [reminder_id],
            )
        else:
            sent += 1
            conn.execute(
                "UPDATE reminders SET status = 'sent', sent_at = %s, attempts = attempts + 1 WHERE id = %s",
                [now, reminder_id],
            )
        conn.commit()
    return sent
