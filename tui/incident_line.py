"""One heard device incident as a line of text, for the captain's live view and the trip summary.

Both screens show incidents, and the captain's view opens the summary; this sits below both,
so neither imports the other for it.
"""

from __future__ import annotations

from datetime import tzinfo

from rich.text import Text

from flows.captain import Incident
from tui import figure_format as fmt
from tui.i18n import Language, t
from tui.problems import describe
from tui.terms import DEVICE_NAMES, INCIDENT_WORDS

__all__ = ["incident_details", "incident_text", "incident_word"]


def incident_word(incident: Incident) -> str:
    """What happened, as a message of INCIDENT_WORDS: the state a device went to, or a fault (an error event)."""
    return INCIDENT_WORDS[incident.state if incident.kind == "state" else "fault"]


def incident_details(incident: Incident, words: Language | None = None) -> str:
    """What went wrong in the staff's language (or the one given): the problem's words, or the
    free text stored without a code (shown as data)."""
    if incident.problem is not None:
        return describe(incident.problem, words)
    return incident.detail


def incident_text(incident: Incident, tz: tzinfo) -> Text:
    """'10:05 打印机 故障 缺纸', red for trouble, green for a recovery."""
    line = f"{fmt.stored_time(incident.at, tz)} {t(DEVICE_NAMES[incident.device])} {t(incident_word(incident))}"
    if details := incident_details(incident):
        line += f" {details}"
    return Text(line, style="green" if incident.recovered else "red")
