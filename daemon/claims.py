"""Who holds a reader or a scanner: the terminal its card reads and scans are meant for.

The daemon owns the hardware, so it arbitrates: terminals send `claim` and `release`
commands, and the daemon answers each on the device's result topic and publishes the
holder, retained, on B/{device}/holder. There is no race between two terminals: the
second claim finds the first holder and fails naming it, unless it says `take`.

A claim never touches the device, so it is answered at once, beside the device's
command queue, and is kept in memory only: after a restart nobody holds anything, and
`daemon.client` claims again what it held. A holder whose terminal goes offline (its
last will on B/terminal/{terminal}/state) loses the claim.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable

from core.problems import Code, Problem
from daemon.messages import ClaimCommand, Holder, JobResult, ReleaseCommand, encode
from daemon.topics import Topics

__all__ = ["Claim"]

log = logging.getLogger(__name__)
# Results kept to answer a copy of a claim (a QoS 1 redelivery) with the same result.
ANSWERED_KEPT = 256


class Claim:
    """The holder of one device, and the claims and releases that change it."""

    def __init__(self, device: str, topics: Topics, publish: Callable[..., None], now: Callable[[], str]) -> None:
        self.device = device
        self._topic = topics.holder(device)
        self._publish = publish
        self._now = now
        self.holder = Holder()
        self._answered: OrderedDict[str, JobResult] = OrderedDict()

    def announce(self) -> None:
        """Publish the holder (retained): at start, nobody."""
        self._publish(self._topic, encode(self.holder), retain=True)

    def command(self, message: ClaimCommand | ReleaseCommand) -> JobResult:
        """Answer a claim or a release; a copy of one already answered gets the same result."""
        done = self._answered.get(message.job_id)
        if done is not None:
            return done
        result = self._claim(message) if isinstance(message, ClaimCommand) else self._release(message)
        self._answered[message.job_id] = result
        if len(self._answered) > ANSWERED_KEPT:
            self._answered.popitem(last=False)
        return result

    def terminal_offline(self, terminal: str) -> None:
        """The terminal has gone (its last will, or a clean close): it holds nothing any more."""
        if self.holder.terminal == terminal:
            log.info("%s: released, its holder %s went offline", self.device, terminal)
            self._set(Holder())

    def _claim(self, claim: ClaimCommand) -> JobResult:
        held_by = self.holder.terminal
        if held_by not in (None, claim.terminal) and not claim.take:
            label = self.holder.label or held_by
            return self._result(
                claim.job_id,
                f"{self.device} is held by {label}",
                Problem(Code.DEVICE_HELD, {"terminal": held_by, "label": self.holder.label}),
            )
        if held_by == claim.terminal:
            detail = f"{self.device} is held by this terminal"
            if claim.label != self.holder.label:
                self._set(Holder(terminal=claim.terminal, label=claim.label, since=self.holder.since))
        else:
            detail = f"claimed {self.device}" + (f", taken from {self.holder.label or held_by}" if held_by else "")
            # Terminal ids only: a label names staff.
            log.info("%s: claimed by %s%s", self.device, claim.terminal, f", taken from {held_by}" if held_by else "")
            self._set(Holder(terminal=claim.terminal, label=claim.label, since=self._now()))
        return self._result(claim.job_id, detail)

    def _release(self, release: ReleaseCommand) -> JobResult:
        if self.holder.terminal != release.terminal:
            return self._result(release.job_id, f"{self.device} was not held by this terminal")
        log.info("%s: released by %s", self.device, release.terminal)
        self._set(Holder())
        return self._result(release.job_id, f"released {self.device}")

    def _set(self, holder: Holder) -> None:
        self.holder = holder
        self.announce()

    def _result(self, job_id: str, detail: str, problem: Problem | None = None) -> JobResult:
        state = "done" if problem is None else "failed"
        return JobResult(job_id=job_id, state=state, detail=detail, at=self._now(), problem=problem)
