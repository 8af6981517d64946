"""Words and styles the desk and the window share for tickets: their status, print state, priority,
and who else holds a reader or scanner. Keys are written out (no key is built by concatenation)."""

from __future__ import annotations

from flows.holding import Hold
from tui.i18n import N_, t

STATUS_WORDS = {
    "waiting": N_("waiting"),
    "called": N_("called"),
    "serving": N_("serving"),
    "done": N_("done"),
    "no_show": N_("no-show"),
    "transferred": N_("transferred"),
    "cancelled": N_("cancelled"),
}
PRINT_WORDS = {
    "pending": N_("printing"),
    "printed": N_("printed"),
    "reprinted": N_("reprinted"),
    "failed": N_("NOT printed"),
    "written": N_("in writing"),
}
PRINT_STYLE = {"pending": "yellow", "printed": "green", "reprinted": "green", "failed": "bold red", "written": "green"}
PRIORITY_WORDS = {"appointment": N_("appointment"), "age": N_("age"), "disabled": N_("special needs")}
DEVICE_WORDS = {"idreader": N_("ID reader"), "scanner": N_("Scanner")}


def held_line(hold: Hold, devices: dict[str, str]) -> str:
    """ "读卡器正由2号窗口 郑海波 使用 · F12 取用": a device another terminal holds, and how to take it."""
    kind = hold.device.split("-")[0]  # a window's own reader, idreader-w2, is a reader too
    where = t("window {window}", window=hold.held.window) if hold.held.window else t("the desk")
    return t(
        "{device} is in use at {where} by {name} · F12 to take it",
        device=t(devices[kind]),
        where=where,
        name=hold.held.name or "",
    )
