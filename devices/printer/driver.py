"""The printer driver: status checks around every job, over any transport.

A job is refused before a byte is sent when the printer reports a problem (paper out,
cover open, ...), and confirmed by asking the status again afterwards. A printer that
does not answer is "no answer", never "OK". On a write-only transport the status is
unknown, and the job is sent without checks.
"""

from __future__ import annotations

import asyncio
import time

from core.devices import DeviceTrouble
from core.problems import Code, Problem
from devices.printer.status import STATUS_QUERY, PrinterStatus, StatusCollector, StatusError
from devices.printer.transport import Transport


class PrinterError(DeviceTrouble):
    """Printing did not happen or did not finish; `detail` is one line for staff."""


class NoAnswer(PrinterError):
    """The printer did not answer a status request in time."""


class NotReady(PrinterError):
    """The printer reported a problem; `status` says which."""

    def __init__(self, status: PrinterStatus) -> None:
        assert status.problem is not None  # only a status that is not ok
        super().__init__(status.detail, status.problem)
        self.status = status


class PrinterDriver:
    def __init__(self, transport: Transport, status_timeout: float = 2.0, job_timeout: float = 10.0) -> None:
        self.transport = transport
        self.status_timeout = status_timeout
        self.job_timeout = job_timeout
        # One conversation at a time: a status poll must not interleave with a job.
        self._lock = asyncio.Lock()

    @property
    def status_known(self) -> bool:
        return self.transport.can_read

    async def open(self) -> None:
        await self.transport.open()

    async def close(self) -> None:
        await self.transport.close()

    async def status(self) -> PrinterStatus:
        """Ask DLE EOT 1–4. Raises NoAnswer, or transport.TransportError when the link fails."""
        async with self._lock:
            return await self._status(self.status_timeout)

    async def _status(self, timeout: float) -> PrinterStatus:
        await self.transport.discard_input()
        await self.transport.write(STATUS_QUERY)
        collector = StatusCollector()
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            data = await self.transport.read(remaining)
            try:
                status = collector.feed(data)
            except StatusError as error:
                raise PrinterError(
                    f"garbled status reply: {error}", Problem(Code.PRINTER_GARBLED_STATUS, {"reason": str(error)})
                ) from None
            if status is not None:
                return status
        if collector.received:
            reason = f"incomplete status reply ({collector.received} of 4 bytes)"
            raise NoAnswer(reason, Problem(Code.PRINTER_GARBLED_STATUS, {"reason": reason}))
        raise NoAnswer(
            f"no answer to status request within {timeout:g} s", Problem(Code.PRINTER_NO_ANSWER, {"seconds": timeout})
        )

    async def print(self, job: bytes) -> PrinterStatus | None:
        """Print one job: check, send, confirm. Returns the status after (None if unknown).

        Raises NotReady (nothing was sent, or the printer stopped during the job),
        NoAnswer, PrinterError or transport.TransportError.
        """
        async with self._lock:
            if not self.status_known:
                await self.transport.write(job)
                return None
            before = await self._status(self.status_timeout)
            if not before.ok:
                raise NotReady(before)
            await self.transport.write(job)
            # The reply comes after the printer has taken in the whole job; a long job on
            # a slow printer may need the full job timeout.
            after = await self._status(self.job_timeout)
            if not after.ok:
                raise NotReady(after)
            return after
