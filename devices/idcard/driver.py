"""The reader's driver: an async poll loop that moves frames between a link and the protocol.

At start and every `status_interval_s` it asks the SAM for its status; every
`find_interval_s` it looks for a card, and selects and reads every card that
answers `find` (9F). Readers answer 80 to `find` while a card that has been read is
still lying there, so a card is reported once and again only after it was taken
off and put back. For readers that keep answering 9F, a re-read that finds the very
card already reported settles it: nothing more is read until `find` misses it.
A failed read is reported once and tried again a few times while the card stays.

Every command has a timeout. A reply spoilt on the way (bad checksum, or none in
time) is retried; noise and bad checksums are reported as problems that do not
change the reader's state. A reader that goes away, stops answering, or whose SAM
fails raises ReaderFault, with a detail that names the device and says which.

Nothing here logs or raises personal data: details name fields and codes only.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from typing import Literal, NoReturn, Protocol

from core.devices import DeviceTrouble
from core.problems import Code, Problem
from devices.idcard import commands, layouts, status
from devices.idcard.card import Card, CardDataError
from devices.idcard.commands import ReplyError, SamId
from devices.idcard.frames import BadChecksum, Command, Garbage, Reply, reply_decoder
from devices.idcard.link import Link, LinkError, LinkLost

log = logging.getLogger(__name__)

# SW3 codes meaning the SAM itself cannot work: the reader needs service, not a retry.
SAM_BROKEN = (status.SAM_SELF_TEST_FAILED, status.SAM_NOT_AUTHORISED)


class ReaderFault(DeviceTrouble):
    """The reader cannot work now: "offline" (gone or silent) or "error" (there, but failing)."""

    def __init__(self, state: Literal["offline", "error"], detail: str, problem: Problem) -> None:
        super().__init__(detail, problem)
        self.state = state


class SelfTestFailed(DeviceTrouble):
    """The self-test found the reader or its SAM failing; the detail says what was checked."""


def _sw3(code: int) -> str:
    """A status byte as the reader's manual writes it, for a problem's params."""
    return f"{code:02X}"


@dataclass(frozen=True, slots=True)
class CardRead:
    card: Card
    photo: bytes


class ReaderEvents(Protocol):
    """Where the driver reports; called from the event loop, must not block."""

    def ready(self) -> None: ...

    def card(self, read: CardRead) -> None: ...

    def problem(self, detail: str, problem: Problem) -> None: ...


@dataclass(frozen=True, slots=True)
class PollTimings:
    find_interval_s: float = 0.3
    status_interval_s: float = 30.0
    # Extra attempts for a command whose reply was spoilt or did not come.
    retries: int = 2
    # Select-and-read attempts for one card before waiting for it to be put back.
    read_attempts: int = 3


class _Spoilt(Exception):
    def __init__(self, reason: Literal["timeout", "checksum"]) -> None:
        self.reason = reason


class ReaderDriver:
    def __init__(self, link: Link, *, baudrate: int = 115200, timings: PollTimings | None = None) -> None:
        self.link = link
        self.baudrate = baudrate
        self.timings = timings or PollTimings()
        self._decoder = reply_decoder()
        self._replies: asyncio.Queue[Reply | BadChecksum | LinkLost] = asyncio.Queue()
        self._lock = asyncio.Lock()
        self._lost: LinkLost | None = None
        self._lost_event = asyncio.Event()
        self._noise = 0
        self._events: ReaderEvents | None = None

    async def run(self, events: ReaderEvents) -> NoReturn:
        """Open the link and serve the reader until it fails (ReaderFault) or is cancelled."""
        self._events = events
        self._decoder = reply_decoder()
        self._replies = asyncio.Queue()
        self._lost = None
        self._lost_event = asyncio.Event()
        self._noise = 0
        try:
            await self.link.open()
        except LinkError as error:
            raise ReaderFault("offline", error.detail, error.problem) from None
        pump = asyncio.create_task(self._pump(), name=f"idreader pump {self.link.name}")
        try:
            async with self._lock:
                await self._check_sam()
            events.ready()
            await self._poll(events)
        finally:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
            self.link.close()

    async def self_test(self) -> str:
        """Ask the SAM for its status and its id; say what was checked."""
        try:
            async with self._lock:
                sam_status = await self._exchange(commands.SAM_STATUS)
                if sam_status.sw3 != status.OK:
                    raise SelfTestFailed(
                        f"SAM status: {status.describe(sam_status.sw3)}",
                        Problem(Code.IDREADER_SAM_FAILED, {"port": self.link.name, "sw3": _sw3(sam_status.sw3)}),
                    )
                sam_id_reply = await self._exchange(commands.SAM_ID)
        except ReaderFault as fault:
            raise SelfTestFailed(fault.detail, fault.problem) from None
        if sam_id_reply.sw3 != status.OK:
            raise SelfTestFailed(
                f"SAM status OK; SAM id: {status.describe(sam_id_reply.sw3)}",
                Problem(Code.IDREADER_SAM_ID_FAILED, {"sw3": _sw3(sam_id_reply.sw3)}),
            )
        try:
            sam_id: SamId = commands.parse_sam_id(sam_id_reply)
        except ReplyError as error:
            raise SelfTestFailed(
                f"SAM status OK; {error}", Problem(Code.IDREADER_REPLY_INVALID, {"reason": str(error)})
            ) from None
        return f"SAM status OK (90); SAM id {sam_id}; reader at {self.link.name}"

    # The byte pump: link -> decoder -> replies.

    async def _pump(self) -> None:
        while True:
            try:
                chunk = await self.link.read()
            except LinkLost as lost:
                self._lost = lost
                self._lost_event.set()
                self._replies.put_nowait(lost)
                return
            for event in self._decoder.feed(chunk):
                if isinstance(event, Garbage):
                    self._noise += len(event.data)
                    continue
                self._report_noise()
                if isinstance(event, BadChecksum):
                    self._problem(
                        f"frame with a bad checksum dropped ({event.size} bytes)",
                        Problem(Code.IDREADER_BAD_CHECKSUM, {"bytes": event.size}),
                    )
                self._replies.put_nowait(event)

    def _report_noise(self) -> None:
        if self._noise:
            self._problem(
                f"{self._noise} bytes of noise from the reader skipped",
                Problem(Code.IDREADER_NOISE, {"bytes": self._noise}),
            )
            self._noise = 0

    def _problem(self, detail: str, problem: Problem) -> None:
        log.info("%s: %s", self.link.name, detail)
        if self._events is not None:
            self._events.problem(detail, problem)

    # Commands.

    def _raise_if_lost(self) -> None:
        if self._lost is not None:
            raise ReaderFault("offline", self._lost.detail, self._lost.problem)

    async def _attempt(self, command: Command, timeout: float) -> Reply:
        while not self._replies.empty():  # a late reply to an earlier, timed-out command
            if isinstance(self._replies.get_nowait(), LinkLost):
                self._raise_if_lost()
        self._raise_if_lost()
        try:
            await self.link.write(command.encode())
        except LinkLost as lost:
            raise ReaderFault("offline", lost.detail, lost.problem) from None
        try:
            async with asyncio.timeout(timeout):
                item = await self._replies.get()
        except TimeoutError:
            self._decoder.reset()
            self._report_noise()
            raise _Spoilt("timeout") from None
        if isinstance(item, LinkLost):
            raise ReaderFault("offline", item.detail, item.problem)
        if isinstance(item, BadChecksum) or item.sw3 == status.CHECKSUM_ERROR:
            raise _Spoilt("checksum")
        return item

    async def _exchange(self, command: Command) -> Reply:
        """Send one command and return its reply, retrying spoilt replies. Caller holds the lock."""
        spec = commands.spec(command)
        timeout = spec.timeout(self.baudrate)
        reason: Literal["timeout", "checksum"] = "timeout"
        for _ in range(self.timings.retries + 1):
            try:
                reply = await self._attempt(command, timeout)
            except _Spoilt as spoilt:
                reason = spoilt.reason
                continue
            if reply.sw3 in SAM_BROKEN:
                raise ReaderFault("error", f"{self.link.name}: {status.describe(reply.sw3)}", self._sam_failed(reply))
            return reply
        where = {"port": self.link.name, "command": spec.name}
        if reason == "timeout":
            raise ReaderFault(
                "offline",
                f"{self.link.name}: the reader does not answer ({spec.name})",
                Problem(Code.IDREADER_NO_ANSWER, where),
            )
        raise ReaderFault(
            "error",
            f"{self.link.name}: replies to {spec.name} keep failing their checksum",
            Problem(Code.IDREADER_BAD_REPLIES, where),
        )

    def _sam_failed(self, reply: Reply) -> Problem:
        return Problem(Code.IDREADER_SAM_FAILED, {"port": self.link.name, "sw3": _sw3(reply.sw3)})

    async def _check_sam(self) -> None:
        reply = await self._exchange(commands.SAM_STATUS)
        if reply.sw3 != status.OK:
            raise ReaderFault(
                "error", f"{self.link.name}: SAM status: {status.describe(reply.sw3)}", self._sam_failed(reply)
            )

    # The poll loop.

    async def _pause(self, seconds: float) -> None:
        try:
            async with asyncio.timeout(seconds):
                await self._lost_event.wait()
        except TimeoutError:
            return
        self._raise_if_lost()

    async def _poll(self, events: ReaderEvents) -> NoReturn:
        loop = asyncio.get_running_loop()
        next_status = loop.time() + self.timings.status_interval_s
        reported: bytes | None = None  # digest of the card reported since find last saw nothing
        settled = False  # leave the card in the field alone until find stops seeing it
        failed_reads = 0
        while True:
            async with self._lock:
                if loop.time() >= next_status:
                    await self._check_sam()
                    next_status = loop.time() + self.timings.status_interval_s
                if not await self._find():
                    reported, settled, failed_reads = None, False, 0
                elif not settled:
                    outcome = await self._select_and_read(report_failure=failed_reads == 0)
                    if isinstance(outcome, tuple):
                        read, digest = outcome
                        # 9F again with the same card: this reader keeps answering for a card left lying.
                        settled = digest == reported
                        if not settled:
                            reported = digest
                            events.card(read)
                    elif outcome == "failed":
                        failed_reads += 1
                        settled = failed_reads >= self.timings.read_attempts
                    else:
                        settled = True
            await self._pause(self.timings.find_interval_s)

    async def _find(self) -> bool:
        reply = await self._exchange(commands.FIND)
        if reply.sw3 == status.CARD_FOUND:
            return True
        if reply.sw3 != status.FIND_FAILED:
            self._problem(
                f"find card: {status.describe(reply.sw3)}", Problem(Code.IDREADER_FIND_FAILED, {"sw3": _sw3(reply.sw3)})
            )
        return False

    async def _select_and_read(
        self, *, report_failure: bool
    ) -> tuple[CardRead, bytes] | Literal["failed", "unreadable"]:
        """Read the card in the field, with a digest of its files (kept in memory only, to compare).

        A failed attempt is reported once per card and tried again.
        """
        again = "; take the card off and place it again"

        def failed(step: str, sw3: int | None, reason: str | None = None) -> Problem:
            return Problem(
                Code.IDREADER_READ_FAILED, {"step": step, "sw3": None if sw3 is None else _sw3(sw3), "reason": reason}
            )

        selected = await self._exchange(commands.SELECT)
        if selected.sw3 != status.OK:
            if report_failure:
                self._problem(f"select card: {status.describe(selected.sw3)}{again}", failed("select", selected.sw3))
            return "failed"
        reply = await self._exchange(commands.READ)
        if reply.sw3 != status.OK:
            if report_failure:
                self._problem(f"read card: {status.describe(reply.sw3)}{again}", failed("read", reply.sw3))
            return "failed"
        try:
            files = commands.parse_read(reply)
            read = CardRead(layouts.parse_text(files.text), files.photo)
            return read, hashlib.blake2b(files.text + files.photo).digest()
        except ReplyError as error:
            self._problem(f"read card: {error}{again}", failed("read", None, str(error)))
        except CardDataError as error:
            self._problem(
                f"card data not understood: {error}", Problem(Code.IDREADER_CARD_NOT_UNDERSTOOD, {"reason": str(error)})
            )
        return "unreadable"
