"""The hall's voice for every call and recall: one `B/speaker/say` per call, sent by the flow that calls.

The text is `[devices.speaker] template` with the ticket's number and window ("请A012号到3号窗口
办理"); the daemon's speaker turns the number into "A 零一二", rings the chime and says it
`repeat` times. Nothing waits for it: a call is never held up by the voice. The command expires
after SAY_EXPIRES_S, so a call queued behind others (or at the broker while the daemon was away)
is not said long after the person was called.
"""

from __future__ import annotations

from datetime import timedelta

from daemon.messages import SayCommand
from db.tickets import Ticket
from flows.van import Van

__all__ = ["SAY_EXPIRES_S", "call_text", "say_call"]

SAY_EXPIRES_S = 60.0


def call_text(van: Van, ticket: Ticket) -> str:
    return van.config.devices.speaker.template.format(number=ticket.label, window=ticket.window or "")


def say_call(van: Van, ticket: Ticket) -> SayCommand | None:
    """Send the call of a ticket at its window to the speaker; None (nothing sent) when there is none."""
    speaker = van.config.devices.speaker
    if speaker.driver == "none" or ticket.window is None:
        return None
    command = SayCommand(
        job_id=f"call-{ticket.id}-{ticket.call_count}",
        text=call_text(van, ticket),
        repeat=speaker.repeat,
        chime=speaker.chime,
        expires_at=van.now() + timedelta(seconds=SAY_EXPIRES_S),
    )
    van.bus.publish(van.bus.topics.command("speaker", "say"), command)
    return command
