"""Printing a document: printed (perhaps with a warning such as paper near end), or why not."""

from __future__ import annotations

from dataclasses import dataclass

from core.problems import Problem
from daemon.messages import Document, JobResult, PrintCommand, new_id
from flows.commands import send
from flows.van import Van

__all__ = ["Printed", "print_document"]

# Beyond the printer's own deadline per copy: the broker hop and the daemon's queue.
MARGIN_S = 10.0


@dataclass(frozen=True)
class Printed:
    job_id: str
    # Printed, but something to tell staff: e.g. the paper is nearly out.
    warning: Problem | None = None


async def print_document(
    van: Van, document: Document, *, job_id: str | None = None, copies: int = 1
) -> Printed | Problem:
    """Print `document`; give the same `job_id` to reprint nothing twice if a result was lost."""
    job = job_id or new_id()
    timeout = van.config.devices.printer.timeout_s * copies + MARGIN_S
    result = await send(
        van, "printer", "print", PrintCommand(job_id=job, document=document, copies=copies), timeout=timeout
    )
    if isinstance(result, JobResult):
        return Printed(job, warning=result.problem)
    return result
