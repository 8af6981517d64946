"""Words and styles the desk and the window share for tickets: their status, print state, priority,
and who else holds a reader or scanner. Keys are written out (no key is built by concatenation)."""

from __future__ import annotations

from flows.holding import Hold
from tui.i18n import t

STATUS_WORDS = {
    "waiting": "status.waiting", "called": "status.called", "serving": "status.serving", "done": "status.done",
    "no_show": "status.no_show", "transferred": "status.transferred", "cancelled": "status.cancelled",
}
PRINT_WORDS = {
    "pending": "print.pending", "printed": "print.printed", "reprinted": "print.reprinted", "failed": "print.failed",
    "written": "print.written",
}
PRINT_STYLE = {"pending": "yellow", "printed": "green", "reprinted": "green", "failed": "bold red",
               "written": "green"}
PRIORITY_WORDS = {"appointment": "priority.appointment", "age": "priority.age", "disabled": "priority.disabled"}
DEVICE_WORDS = {"idreader": "device.idreader", "scanner": "device.scanner"}


def held_line(hold: Hold, devices: dict[str, str]) -> str:
    """"读卡器正由2号窗口 郑海波 使用 · F12 取用": a device another terminal holds, and how to take it."""
    kind = hold.device.split("-")[0]  # a window's own reader, idreader-w2, is a reader too
    where = t("bar.where.window", window=hold.held.window) if hold.held.window else t("bar.where.desk")
    return t("queue.device.held", device=t(devices[kind]), where=where, name=hold.held.name or "")
