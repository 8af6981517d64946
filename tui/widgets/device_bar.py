"""The device bar: the daemon and every device, always visible, honest about trouble, and saying
which reader or scanner another terminal holds (a card placed here would be read there)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import Static

from core.devices import CLAIMABLE, DEVICES, OPTIONAL
from daemon.messages import Status
from flows.claims import parse_label
from tui.i18n import N_, pt, t
from tui.problems import describe
from tui.terms import DEVICE_NAMES, STATE_WORDS

STYLE = {
    "online": "green",
    "ready": "green",
    "busy": "yellow",
    "offline": "red",
    "error": "bold red",
    "disabled": "dim",
}


class DeviceBar(Static):
    DEFAULT_CSS = """
    DeviceBar {
        height: auto;
        max-height: 4; /* states, troubles (which may take two lines at 80 columns), who holds what */
        padding: 0 1;
        background: $panel;
    }
    """

    def __init__(self, status: Status, *, terminal: Callable[[], str] = str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.status = status
        self.terminal = terminal  # this terminal's id on the bus, once connected
        self.shown = Text()

    def on_mount(self) -> None:
        self.show(self.status)

    def on_resize(self) -> None:
        # After this refresh: a layout asked for while one is under way is lost, keeping the height of the old text.
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        self.show(self.status)  # the newest status: another may have come since the resize

    def show(self, status: Status) -> None:
        self.status = status
        text = render_status(status, self.terminal(), self.content_size.width or None)
        # The daemon says its states again and again: the same words need no repaint, and no layout (a card's
        # read shows its name sooner when no layout of the screen comes with it, bench/intake_fill.py).
        if text != self.shown:
            self.shown = text
            self.update(text)


HELD_WORDS = {
    "idreader": N_("ID reader in use at {where} by {name}"),
    "scanner": N_("scanner in use at {where} by {name}"),
}


def render_status(status: Status, terminal: str = "", width: int | None = None) -> Text:
    """One line of states, then one short line of the devices that are not fine, then who else holds what.

    The states stay on one line of `width`: when each with its own word is too wide (English, every
    device offline), neighbours in the same state share the word ("ID reader, Scanner offline")."""
    daemon_state = "online" if status.daemon_online else "offline"
    daemon = DEVICE_NAMES["daemon"]  # apart from t(): pybabel would take the key for a message
    states = [(t(daemon), daemon_state)]
    troubles: list[str] = []
    for device in DEVICES:
        state = status.devices.get(device)
        if state is None or (device in OPTIONAL and (state.state == "disabled" or state.driver in ("", "none"))):
            continue  # a van without a speaker is not in trouble; one is shown once the daemon has said it has it
        states.append((t(DEVICE_NAMES[device]), state.state))
        if state.state in ("offline", "error") and status.daemon_online and (state.problem or state.detail):
            why = describe(state.problem) if state.problem is not None else state.detail
            troubles.append(t("{what}: {detail}", what=t(DEVICE_NAMES[device]), detail=why))
    line = _states_line([([name], state) for name, state in states])
    if width is not None and line.cell_len > width:
        shared: list[tuple[list[str], str]] = []
        for name, state in states:
            if shared and shared[-1][1] == state:
                shared[-1][0].append(name)
            else:
                shared.append(([name], state))
        line = _states_line(shared)
    if not status.broker_connected:
        # The client's detail ("no answer from the MQTT broker at …") is English for the log, not for staff.
        troubles.insert(0, t("no connection to the MQTT broker"))
    elif not status.daemon_online:
        troubles.insert(0, t("the device daemon is not running"))
    if troubles:
        line.append("\n").append(pt("clause separator", "; ").join(troubles), "red")
    held = [_held_elsewhere(device, status, terminal) for device in CLAIMABLE]
    if any(held):
        line.append("\n").append("  ".join(words for words in held if words), "yellow")
    return line


def _states_line(states: list[tuple[list[str], str]]) -> Text:
    """Devices and their state, two spaces apart; names sharing one state listed before it."""
    line = Text()
    for index, (names, state) in enumerate(states):
        line.append(("  " if index else "") + pt("list separator", ", ").join(names) + " ")
        line.append(t(STATE_WORDS[state]), STYLE[state])
    return line


def _held_elsewhere(device: str, status: Status, terminal: str) -> str:
    holder = status.holders.get(device)
    if holder is None or holder.terminal is None or holder.terminal == terminal:
        return ""
    window, name = parse_label(holder.label)
    where = t("window {window}", window=window) if window else t("the desk")
    return t(HELD_WORDS[device], where=where, name=name or "")
