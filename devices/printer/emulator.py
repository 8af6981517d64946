"""The virtual printer: a TCP port-9100 (or pty) ESC/POS printer that decodes what it gets.

It keeps each receipt (everything up to a cut) as decoded events, answers DLE EOT
from its paper and cover state, and prints nothing while the paper is out or the
cover is open, just like a real one. It can draw each receipt as a PNG. Staff train
on it, `govan demo` and `govan rig --sim` use it, and tests read its receipts.

What staff print while training is still real people's data (a mailing label has a name
and an address), so the PNGs are kept like captures: a private folder (0700), files 0600,
each marked as training data in its PNG text, and deleted after `keep_days`.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import time
import tty
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from devices.printer.decoder import (
    Barcode,
    Cut,
    DecodeError,
    Decoder,
    Event,
    Initialize,
    QrCode,
    StatusRequest,
    TextLine,
)
from devices.printer.status import PaperState, PrinterStatus, reply_bytes

# In every picture's PNG text: whoever finds one knows it came from training, not a citizen's paper.
TRAINING_RECEIPTS = Path("training") / "receipts"  # under data_dir
TRAINING_MARK = "govan training data: a receipt from the emulated printer, not a citizen's paper"


@dataclass
class Receipt:
    number: int
    events: list[Event] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return [event.text for event in self.events if isinstance(event, TextLine)]

    @property
    def qr_data(self) -> list[str]:
        return [event.data for event in self.events if isinstance(event, QrCode)]

    @property
    def barcodes(self) -> list[str]:
        return [event.data for event in self.events if isinstance(event, Barcode)]

    @property
    def cut(self) -> bool:
        return any(isinstance(event, Cut) for event in self.events)


class VirtualPrinter:
    def __init__(
        self, dots: int = 576, save_dir: Path | None = None, keep: int = 1000, keep_days: int | None = None
    ) -> None:
        self.dots = dots
        self.save_dir = save_dir
        self.keep_days = keep_days
        self.paper: PaperState = "ok"
        self.cover_open = False
        self.silent = False  # a fault: never answer status requests
        # A fault: a slow printer (TCP link). Each receipt takes this long after its cut, and a
        # status request meanwhile is answered only then, so a job is confirmed that much later.
        self.confirm_delay_s = 0.0
        self.receipts: deque[Receipt] = deque(maxlen=keep)
        self.errors: deque[str] = deque(maxlen=100)
        self.lost_events = 0  # what arrived while it could not print
        self.bytes_received = 0
        self.on_receipt: Callable[[Receipt], None] | None = None
        self.on_error: Callable[[str], None] | None = None
        self._printed = 0
        self._busy_until = 0.0  # time.monotonic() when the last receipt is out
        self._current = Receipt(number=1)
        self._arrived: asyncio.Event | None = None
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self._saving: set[asyncio.Task[None]] = set()
        self._ptys: list[tuple[int, int]] = []

    # The printer itself, independent of the link.

    @property
    def status(self) -> PrinterStatus:
        stopped = self.paper == "out"
        return PrinterStatus(
            offline=stopped or self.cover_open,
            cover_open=self.cover_open,
            paper=self.paper,
            stopped_by_paper_end=stopped,
        )

    @property
    def can_print(self) -> bool:
        return self.paper != "out" and not self.cover_open

    @property
    def unfinished(self) -> Receipt:
        """What has been printed since the last cut."""
        return self._current

    def receive(self, decoder: Decoder, data: bytes) -> bytes:
        """Take bytes from one link; return the status replies to send back."""
        self.bytes_received += len(data)
        try:
            events = decoder.feed(data)
        except DecodeError as error:
            decoder.reset()
            self._report(f"could not decode the print data: {error}")
            return b""
        replies = bytearray()
        answers = reply_bytes(self.status)
        for event in events:
            if isinstance(event, StatusRequest):
                if not self.silent:
                    replies.append(answers[event.kind])
            elif isinstance(event, Initialize):
                continue
            elif not self.can_print:
                self.lost_events += 1
            else:
                self._current.events.append(event)
                if isinstance(event, Cut):
                    self._finish()
        return bytes(replies)

    def _finish(self) -> None:
        receipt, self._printed = self._current, self._printed + 1
        self._busy_until = time.monotonic() + self.confirm_delay_s
        self._current = Receipt(number=receipt.number + 1)
        self.receipts.append(receipt)
        if self._arrived is not None:
            self._arrived.set()
        if self.save_dir is not None:
            task = asyncio.get_running_loop().create_task(self._save_in_background(receipt, self.save_dir))
            self._saving.add(task)
            task.add_done_callback(self._saving.discard)
        if self.on_receipt is not None:
            self.on_receipt(receipt)

    async def _save_in_background(self, receipt: Receipt, folder: Path) -> None:
        from devices.printer.render import NoCjkFont

        try:
            await asyncio.to_thread(self.save_png, receipt, folder)
        except (OSError, NoCjkFont) as error:
            self._report(f"could not save receipt {receipt.number} as PNG: {error}")

    def _report(self, problem: str) -> None:
        self.errors.append(problem)
        if self.on_error is not None:
            self.on_error(problem)

    def _reply_delay(self) -> float:
        """How long a status reply waits for the receipt being printed (confirm_delay_s)."""
        return max(0.0, self._busy_until - time.monotonic())

    @property
    def printed(self) -> int:
        """Receipts finished (cut) since the printer started."""
        return self._printed

    async def wait_for_receipts(self, count: int, timeout: float = 5.0) -> list[Receipt]:
        """The last `count` receipts once at least that many were printed since start."""
        if self._arrived is None:
            self._arrived = asyncio.Event()
        async with asyncio.timeout(timeout):
            while self._printed < count:
                self._arrived.clear()
                await self._arrived.wait()
        return list(self.receipts)[-count:]

    def save_png(self, receipt: Receipt, folder: Path) -> Path:
        """Draw a receipt into folder/receipt-0001.png. Raises render.NoCjkFont without a font."""
        # Pillow loads with the first picture: an idle virtual printer costs the daemon no memory for it.
        from PIL.PngImagePlugin import PngInfo

        from devices.printer import render

        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
        self.purge_old_pictures(folder)
        path = folder / f"receipt-{receipt.number:04d}.png"
        marks = PngInfo()
        marks.add_text("Comment", TRAINING_MARK)
        picture = io.BytesIO()
        render.draw(receipt.events, self.dots).save(picture, "PNG", optimize=True, pnginfo=marks)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as file:
            file.write(picture.getvalue())
        path.chmod(0o600)  # a picture left by an older version may have been world-readable
        return path

    def purge_old_pictures(self, folder: Path) -> int:
        """Delete the receipt pictures older than `keep_days` (retention, as for captures); how many."""
        if self.keep_days is None:
            return 0
        cutoff = time.time() - self.keep_days * 86400
        gone = 0
        for old in folder.glob("receipt-*.png"):
            with contextlib.suppress(FileNotFoundError):
                if old.stat().st_mtime < cutoff:
                    old.unlink()
                    gone += 1
        return gone

    # Links: a TCP port-9100 server, and pty pairs for the serial driver.

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (0 picks a free port; see .port)."""
        self._arrived = asyncio.Event()
        self._server = await asyncio.start_server(self._serve, host, port)

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the virtual printer is not listening")
        return int(self._server.sockets[0].getsockname()[1])

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        decoder = Decoder()
        try:
            while data := await reader.read(65536):
                reply = self.receive(decoder, data)
                if reply:
                    await asyncio.sleep(self._reply_delay())
                    writer.write(reply)
                    await writer.drain()
            if not decoder.idle:
                self._report("connection closed in the middle of a command")
        except ConnectionError:
            pass  # the driver went away; nothing to answer
        finally:
            self._connections.pop(task, None)
            writer.close()

    def open_pty(self) -> str:
        """Attach the printer to a new pty pair; returns the tty path a serial driver opens."""
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        decoder = Decoder()
        asyncio.get_running_loop().add_reader(master, self._pty_readable, master, decoder)
        self._ptys.append((master, slave))
        return os.ttyname(slave)

    def _pty_readable(self, master: int, decoder: Decoder) -> None:
        try:
            data = os.read(master, 65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            asyncio.get_running_loop().remove_reader(master)
            return
        reply = self.receive(decoder, data)
        if reply:
            os.write(master, reply)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        # Closing the links ends each connection's loop; cancelling the stream
        # handler tasks instead makes asyncio log a spurious traceback.
        connections = dict(self._connections)
        for writer in connections.values():
            writer.close()
        if connections:
            await asyncio.wait(connections, timeout=2)
        loop = asyncio.get_running_loop()
        for master, slave in self._ptys:
            loop.remove_reader(master)
            os.close(master)
            os.close(slave)
        self._ptys.clear()
        if self._saving:
            await asyncio.gather(*self._saving, return_exceptions=True)
