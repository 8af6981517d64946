"""An ID-card reader emulated on a pty pair, speaking the SAM protocol byte for byte.

The driver opens `emulator.path` like any tty. That path is a symlink to the pty's
slave, the way udev links /dev/serial/by-id/...: `unplug()` closes the pty and
removes the link (the driver sees the device vanish), `plug()` makes a new pty and
points the link at it again.

Cards are placed and removed; faults are injected for the next replies:
noise before a frame, a bad checksum, a frame split into pieces with delays,
silence, a SAM that fails its self-test (60), a card that cannot be read (41).
With `paced=True` replies leave at the real speed of an 8N1 line at `baudrate`.
"""

from __future__ import annotations

import asyncio
import enum
import os
import random
import shutil
import tempfile
import time
import tty
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devices.idcard import commands, layouts
from devices.idcard.card import Card
from devices.idcard.commands import CardFiles, SamId
from devices.idcard.frames import BadChecksum, Command, Reply, command_decoder
from devices.idcard.presets import PRESETS
from devices.idcard.sam import DEFAULT_SAM_ID, CardOnReader, SamModel

READ_COMMANDS = (commands.READ.code, commands.READ_WITH_FINGERPRINT.code, commands.READ_NEW_ADDRESS.code)
PACING_CHUNK = 16  # bytes written at once when pacing: about 1.4 ms of line time at 115200


class Fault(enum.StrEnum):
    NOISE = "noise"  # random bytes before the reply
    BAD_CHECKSUM = "bad_checksum"  # the reply's checksum byte is wrong
    SPLIT = "split"  # the reply arrives in pieces, with pauses between them
    SILENCE = "silence"  # no reply at all
    SAM_FAILURE = "sam_failure"  # the SAM answers 60 (self-test failed) to everything
    READ_FAILURE = "read_failure"  # a read answers 41 (card could not be read)


@dataclass
class _Injection:
    fault: Fault
    remaining: int | None  # None: until cleared
    on: tuple[int, int] | None  # only replies to this command


ReplySent = Callable[[Command, Reply, float], None]


class UnknownPreset(ValueError):
    pass


class PtyReaderEmulator:
    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        *,
        paced: bool = False,
        baudrate: int = 115200,
        seed: int = 0,
        sam_id: SamId = DEFAULT_SAM_ID,
    ) -> None:
        self._own_directory = directory is None
        self.directory = Path(directory) if directory is not None else Path(tempfile.mkdtemp(prefix="govan-idreader-"))
        self.path = str(self.directory / "idreader")
        self.paced = paced
        self.baudrate = baudrate
        self.model = SamModel(sam_id)
        self.on_reply_sent: ReplySent | None = None
        self._random = random.Random(seed)
        self._injections: list[_Injection] = []
        self._master: int | None = None
        self._slave: int | None = None
        self._decoder = command_decoder()
        self._outbox: asyncio.Queue[tuple[Command | BadChecksum, Reply, list[tuple[float, bytes]]]] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None

    # Plugging.

    @property
    def plugged(self) -> bool:
        return self._master is not None

    def plug(self) -> None:
        """Connect the reader: a fresh pty pair behind `path`. Needs a running event loop."""
        if self.plugged:
            return
        loop = asyncio.get_running_loop()
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        self._master, self._slave = master, slave
        self._decoder = command_decoder()
        self._outbox = asyncio.Queue()
        self.directory.mkdir(parents=True, exist_ok=True)
        link = self.directory / "idreader.new"
        link.unlink(missing_ok=True)
        os.symlink(os.ttyname(slave), link)
        os.replace(link, self.path)
        loop.add_reader(master, self._on_readable)
        self._writer = loop.create_task(self._write_replies(), name="idreader emulator writer")

    def unplug(self) -> None:
        """Pull the cable: the pty closes and `path` disappears."""
        if self._master is None or self._slave is None:
            return
        loop = asyncio.get_running_loop()
        loop.remove_reader(self._master)
        loop.remove_writer(self._master)
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None
        Path(self.path).unlink(missing_ok=True)
        os.close(self._master)
        os.close(self._slave)
        self._master = self._slave = None
        self.model.power_cycle()

    async def aclose(self) -> None:
        writer = self._writer
        self.unplug()
        if writer is not None:
            await asyncio.gather(writer, return_exceptions=True)
        if self._own_directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    async def __aenter__(self) -> PtyReaderEmulator:
        self.plug()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # Cards.

    def place(self, card: Card, photo: bytes, *, fingerprint: bytes = b"", new_address: str | None = None) -> None:
        """Put a card on the reader (replacing any). Raises CardDataError if the card does not fit its layout."""
        if len(photo) != commands.PHOTO_SIZE:
            raise ValueError(f"a WLT photo is {commands.PHOTO_SIZE} bytes, not {len(photo)}")
        if len(fingerprint) not in commands.FINGERPRINT_SIZES:
            raise ValueError("fingerprint data is 0, 512 or 1024 bytes")
        text = layouts.encode_text(card)
        self.model.place(CardOnReader(CardFiles(text, photo, fingerprint), new_address))

    def place_preset(self, name: str) -> None:
        preset = PRESETS.get(name)
        if preset is None:
            raise UnknownPreset(f"unknown preset {name!r}; use one of {', '.join(PRESETS)}")
        self.place(preset.card, preset.photo)

    def remove(self) -> None:
        self.model.remove()

    # Faults.

    def inject(self, fault: Fault, *, times: int | None = 1, on: Command | None = None) -> None:
        """Spoil the next `times` replies (to `on` only, if given); times=None until cleared.

        read_failure counts read commands only; the others count every reply they touch.
        """
        self._injections.append(_Injection(Fault(fault), times, on.code if on is not None else None))

    def clear_faults(self) -> None:
        self._injections.clear()

    def _take_faults(self, frame: Command | BadChecksum) -> set[Fault]:
        code = frame.code if isinstance(frame, Command) else None
        taken: set[Fault] = set()
        for injection in self._injections:
            if injection.on is not None and injection.on != code:
                continue
            if injection.fault is Fault.READ_FAILURE and code not in READ_COMMANDS:
                continue
            taken.add(injection.fault)
            if injection.remaining is not None:
                injection.remaining -= 1
        self._injections = [i for i in self._injections if i.remaining is None or i.remaining > 0]
        return taken

    # Bytes in, replies out.

    def _on_readable(self) -> None:
        assert self._master is not None
        try:
            data = os.read(self._master, 4096)
        except BlockingIOError:
            return
        except OSError:  # EIO while no one has the slave open
            return
        for event in self._decoder.feed(data):
            if isinstance(event, Command | BadChecksum):
                self._respond(event)

    def _respond(self, frame: Command | BadChecksum) -> None:
        faults = self._take_faults(frame)
        reply = self.model.answer(
            frame, sam_failure=Fault.SAM_FAILURE in faults, read_failure=Fault.READ_FAILURE in faults
        )
        if Fault.SILENCE in faults:
            return
        data = reply.encode()
        if Fault.BAD_CHECKSUM in faults:
            data = data[:-1] + bytes((data[-1] ^ 0x5A,))
        pieces: list[tuple[float, bytes]] = []
        if Fault.NOISE in faults:
            # 0xAA never appears, so noise cannot fake a preamble and swallow the frame after it.
            noise = bytes(self._random.choice(range(0xAA)) for _ in range(self._random.randint(8, 40)))
            pieces.append((0.0, noise))
        if Fault.SPLIT in faults:
            cuts = sorted(self._random.sample(range(1, len(data)), min(3, len(data) - 1)))
            for start, end in zip([0, *cuts], [*cuts, len(data)], strict=True):
                pieces.append((self._random.uniform(0.005, 0.03) if start else 0.0, data[start:end]))
        else:
            pieces.append((0.0, data))
        self._outbox.put_nowait((frame, reply, pieces))

    async def _write_replies(self) -> None:
        while True:
            frame, reply, pieces = await self._outbox.get()
            for delay, data in pieces:
                if delay:
                    await asyncio.sleep(delay)
                await self._write(data)
            sent = time.perf_counter()
            if self.on_reply_sent is not None and isinstance(frame, Command):
                self.on_reply_sent(frame, reply, sent)

    async def _write(self, data: bytes) -> None:
        loop = asyncio.get_running_loop()
        byte_time = commands.BITS_PER_BYTE / self.baudrate
        chunk = PACING_CHUNK if self.paced else len(data)
        start = loop.time()
        for offset in range(0, len(data), chunk):
            if self.paced:
                await asyncio.sleep(max(0.0, start + (offset + chunk) * byte_time - loop.time()))
            await self._write_all(data[offset : offset + chunk])

    async def _write_all(self, data: bytes) -> None:
        while data and self._master is not None:
            try:
                written = os.write(self._master, data)
            except BlockingIOError:
                await self._writable()
                continue
            data = data[written:]

    async def _writable(self) -> None:
        assert self._master is not None
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        master = self._master
        loop.add_writer(master, lambda: ready.done() or ready.set_result(None))
        try:
            await ready
        finally:
            if self._master == master:
                loop.remove_writer(master)
