"""One heard device incident as a line of text, for the captain's live view and the trip summary.

Both screens show incidents, and the captain's view opens the summary; this sits below both,
so neither imports the other for it.
"""

from __future__ import annotations

from datetime import tzinfo

from rich.text import Text

from flows.captain import Incident
from tui import figure_format as fmt
from tui.i18n import t
from tui.terms import DEVICE_NAMES, INCIDENT_WORDS


def incident_text(incident: Incident, tz: tzinfo) -> Text:
    """'10:05 打印机 故障 paper out', red for trouble, green for a recovery."""
    words = INCIDENT_WORDS[incident.state if incident.kind == "state" else "fault"]
    what = t(words)
    line = f"{fmt.stored_time(incident.at, tz)} {t(DEVICE_NAMES[incident.device])} {what}"
    if incident.detail:
        line += f" {incident.detail}"
    return Text(line, style="green" if incident.recovered else "red")
