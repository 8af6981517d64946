"""The device bar: the daemon and every device, always visible, honest about trouble."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from core.devices import DEVICES, OPTIONAL
from daemon.messages import Status
from tui.i18n import t

STYLE = {
    "online": "green", "ready": "green", "busy": "yellow",
    "offline": "red", "error": "bold red", "disabled": "dim",
}


class DeviceBar(Static):
    DEFAULT_CSS = """
    DeviceBar {
        height: auto;
        max-height: 3;
        padding: 0 1;
        background: $panel;
    }
    """

    def __init__(self, status: Status, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.status = status

    def on_mount(self) -> None:
        self.show(self.status)

    def show(self, status: Status) -> None:
        self.status = status
        self.update(render_status(status))


def render_status(status: Status) -> Text:
    """One line of states, then one short line per device that is not fine."""
    line = Text()
    daemon_state = "online" if status.daemon_online else "offline"
    line.append(f"{t('device.daemon')} ").append(t("state." + daemon_state), STYLE[daemon_state])
    troubles: list[str] = []
    for device in DEVICES:
        state = status.devices.get(device)
        if state is None or (device in OPTIONAL and (state.state == "disabled" or state.driver in ("", "none"))):
            continue  # a van without a speaker is not in trouble; one is shown once the daemon has said it has it
        line.append(f"  {t('device.' + device)} ").append(t("state." + state.state), STYLE[state.state])
        if state.state in ("offline", "error") and status.daemon_online and state.detail:
            troubles.append(f"{t('device.' + device)}: {state.detail}")
    if not status.broker_connected:
        why = status.devices[DEVICES[0]].detail
        troubles.insert(0, f"{t('state.no_broker')}: {why}" if why else t("state.no_broker"))
    elif not status.daemon_online:
        troubles.insert(0, t("state.daemon_offline"))
    if troubles:
        line.append("\n").append("; ".join(troubles), "red")
    return line
