"""`govan rig`: headless device checks against the running daemon, each explained.

Over MQTT only, like any other client: broker, daemon, then for every enabled device
(a window's own ID readers too) its state, its self-test and a real use (print a page,
capture a document, read a card, scan a code). Emulated devices are driven through their
sim topics; real ones need a person at the van, so those checks run only interactively.
The rig connects as the support user, so it sees card reads and scans whichever terminal holds
the reader or scanner (a staff user sees only its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import secrets
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from core import sealing
from core.devices import kind_of
from core.keys import KeyFileError, load_keys
from daemon.client import CommandTimeout, DaemonClient, Status
from daemon.messages import (
    BarcodeBlock,
    CaptureCommand,
    CardEvent,
    Certify,
    CutBlock,
    Document,
    PrintCommand,
    QrBlock,
    SayCommand,
    ScanEvent,
    SelfTestCommand,
    TextBlock,
    new_id,
    now_iso,
)
from govan.config import Config
from govan.rig_report import Check, table, write_junit

COMMAND_TIMEOUT_S = 40.0
PERSON_TIMEOUT_S = 30.0
EVENT_TIMEOUT_S = 10.0
# The printer comes before the scanner: a person scans the code on the page it printed.
RIG_ORDER = ("idreader", "printer", "scanner", "camera", "speaker")


class Rig:
    def __init__(
        self,
        config: Config,
        client: DaemonClient,
        *,
        interactive: bool,
        prompt: Callable[[str], None],
        virtual_printer: object | None = None,
    ) -> None:
        self.config = config
        self.client = client
        self.interactive = interactive
        self.prompt = prompt
        self.virtual_printer = virtual_printer
        self.token = f"GOVAN-RIG-{secrets.token_hex(4).upper()}"
        self.checks: list[Check] = []

    def _record(self, name: str, passed: bool | None, detail: str, started: float) -> bool | None:
        self.checks.append(Check(name, passed, detail, time.monotonic() - started))
        return passed

    async def run(self) -> list[Check]:
        started = time.monotonic()
        self._record("broker", True, f"connected to {self.client.connection.address}", started)
        started = time.monotonic()
        if not await self.client.wait_for_daemon(5):
            self._record("daemon", False, "no online daemon state within 5 s: is `govan daemon` running?", started)
            return self.checks
        status = self.client.status
        version = status.daemon.version if status.daemon else "?"
        self._record("daemon", True, f"online, version {version}", started)
        async with self._listening() as events:
            for device in sorted(self.client.devices, key=lambda name: RIG_ORDER.index(kind_of(name))):
                await self._check_device(device, status, events)
        return self.checks

    @contextlib.asynccontextmanager
    async def _listening(self) -> AsyncIterator[asyncio.Queue]:
        """Collect card and scan events from now on, so none is missed while a check runs."""
        queue: asyncio.Queue = asyncio.Queue()

        async def pump() -> None:
            async for event in self.client.events():
                if isinstance(event, CardEvent | ScanEvent):
                    queue.put_nowait(event)

        task = asyncio.create_task(pump())
        await asyncio.sleep(0)
        try:
            yield queue
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _check_device(self, device: str, status: Status, events: asyncio.Queue) -> None:
        state = status.devices[device]
        started = time.monotonic()
        if state.state == "disabled":
            self._record(f"{device}.ready", None, f"disabled in the configuration ({state.detail})", started)
            return
        ready = state.state in ("ready", "busy")
        detail = f"{state.state} ({state.driver})" + (f": {state.detail}" if state.detail else "")
        self._record(f"{device}.ready", ready, detail, started)
        await self._self_test(device)
        if kind_of(device) == "idreader":
            await self._read_card(device, state.driver == "sim", events)
            return
        use = {"printer": self._print_page, "camera": self._capture, "scanner": self._scan, "speaker": self._say}[
            device
        ]
        await use(state.driver == "sim", events)

    async def _command(self, device: str, name: str, message: object):  # noqa: ANN202
        try:
            return await self.client.command(device, name, message, timeout=COMMAND_TIMEOUT_S)
        except CommandTimeout as error:
            return error

    async def _self_test(self, device: str) -> None:
        started = time.monotonic()
        result = await self._command(device, "test", SelfTestCommand(job_id=f"rig-{new_id()}"))
        if isinstance(result, CommandTimeout):
            self._record(f"{device}.selftest", False, str(result), started)
        else:
            self._record(f"{device}.selftest", result.state == "done", result.detail, started)

    def rig_page(self) -> Document:
        return Document(
            blocks=[
                TextBlock(text="govan 设备检测 / rig check", align="center", size=(2, 2), bold=True),
                TextBlock(text=f"{self.config.van_id} {now_iso(self.config.tz)}", align="center"),
                TextBlock(text="请用扫码枪扫描下方二维码 / scan this code"),
                QrBlock(data=self.token, size=6),
                BarcodeBlock(data=self.token),
                CutBlock(),
            ]
        )

    async def _print_page(self, emulated: bool, events: asyncio.Queue) -> None:
        started = time.monotonic()
        result = await self._command(
            "printer", "print", PrintCommand(job_id=f"rig-{new_id()}", document=self.rig_page())
        )
        if isinstance(result, CommandTimeout) or result.state != "done":
            self._record(
                "printer.print", False, str(result) if isinstance(result, CommandTimeout) else result.detail, started
            )
            return
        detail = f"printed the rig page with code {self.token}: {result.detail}"
        receipts = getattr(self.virtual_printer, "receipts", None)
        if receipts:
            decoded = receipts[-1]
            if self.token not in decoded.qr_data:
                self._record("printer.print", False, f"the virtual printer decoded no QR {self.token}", started)
                return
            detail += "; the virtual printer decoded its text and QR code"
        self._record("printer.print", True, detail, started)

    async def _capture(self, emulated: bool, events: asyncio.Queue) -> None:
        started = time.monotonic()
        command = CaptureCommand(
            job_id=f"rig-{new_id()}", mode="document", certify=Certify(staff="rig", at=now_iso(self.config.tz))
        )
        result = await self._command("camera", "capture", command)
        if isinstance(result, CommandTimeout) or result.state != "done":
            self._record(
                "camera.capture", False, str(result) if isinstance(result, CommandTimeout) else result.detail, started
            )
            return
        path = Path(result.path or "")
        detail = f"certified document {result.width}×{result.height}, {result.bytes} bytes"
        # A capture is megabytes: hash it off the event loop, which still hears the daemon.
        digest = await asyncio.to_thread(_sha256_of, path, self.config.data_path)
        if digest is not None:
            if digest != result.sha256:
                self._record("camera.capture", False, f"{path}: sha256 differs from the result", started)
                return
            detail += f", {path} sha256 verified"
        self._record("camera.capture", True, detail, started)

    async def _say(self, emulated: bool, events: asyncio.Queue) -> None:
        """A call as the terminals send it: the template, a chime, said as many times as configured."""
        started = time.monotonic()
        speaker = self.config.devices.speaker
        text = speaker.template.format(number="A012", window="3")
        command = SayCommand(job_id=f"rig-{new_id()}", text=text, repeat=speaker.repeat, chime=speaker.chime)
        result = await self._command("speaker", "say", command)
        if isinstance(result, CommandTimeout) or result.state != "done":
            self._record(
                "speaker.say", False, str(result) if isinstance(result, CommandTimeout) else result.detail, started
            )
            return
        detail = f"“{text}”: {result.detail}"
        size = await asyncio.to_thread(_size_of, Path(result.path)) if emulated and result.path else None
        if size is not None:
            if size != result.bytes:
                self._record(
                    "speaker.say", False, f"{result.path}: {size} bytes, the result says {result.bytes}", started
                )
                return
            detail += f"; {result.path} is there"
        elif not emulated and self.interactive:
            detail += "; listen: the call should have been heard in the hall"
        self._record("speaker.say", True, detail, started)

    async def _wait_for(
        self, events: asyncio.Queue, kind: type, timeout: float, match: Callable[[object], bool]
    ) -> object | None:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                async with asyncio.timeout(remaining):
                    event = await events.get()
            except TimeoutError:
                return None
            if isinstance(event, kind) and match(event):
                return event
        return None

    async def _read_card(self, reader: str, emulated: bool, events: asyncio.Queue) -> None:
        started = time.monotonic()
        name = f"{reader}.card"
        if emulated:
            self.client.publish(self.client.topics.sim(reader, "place"), {"preset": "resident"})
        elif self.interactive:
            self.prompt(
                f"请在{PERSON_TIMEOUT_S:g}秒内把身份证放到读卡器 {reader} 上 / place an ID card on {reader} now"
            )
        else:
            self._record(name, None, "a real reader needs a person with a card: run `govan rig` in a terminal", started)
            return
        card = await self._wait_for(
            events, CardEvent, EVENT_TIMEOUT_S if emulated else PERSON_TIMEOUT_S, lambda _: True
        )
        if emulated:
            self.client.publish(self.client.topics.sim(reader, "remove"), {})
        if card is None:
            self._record(name, False, "no card event arrived", started)
            return
        validity = "check digit valid" if card.id_number_valid else "CHECK DIGIT WRONG"
        self._record(name, True, f"read a {card.card_type} card, all fields present, {validity}", started)

    async def _scan(self, emulated: bool, events: asyncio.Queue) -> None:
        started = time.monotonic()
        if emulated:
            self.client.publish(self.client.topics.sim("scanner", "scan"), {"code": self.token})
        elif self.interactive:
            self.prompt(f"请扫描检测页上的二维码 {self.token} / scan the code on the rig page")
        else:
            self._record("scanner.scan", None, "a real scanner needs a person: run `govan rig` in a terminal", started)
            return
        scan = await self._wait_for(
            events, ScanEvent, EVENT_TIMEOUT_S if emulated else PERSON_TIMEOUT_S, lambda event: event.code == self.token
        )
        if scan is None:
            self._record("scanner.scan", False, f"the code {self.token} did not arrive as a scan event", started)
            return
        self._record("scanner.scan", True, f"scanned {self.token} (symbology {scan.symbology or 'not sent'})", started)


def _size_of(path: Path) -> int | None:
    """The file's size, or None when it is not on this machine (the daemon's data directory is elsewhere)."""
    return path.stat().st_size if path.is_file() else None


def _sha256_of(path: Path, data_dir: Path) -> str | None:
    """The sealed capture's picture's sha256, or None when this user cannot check it (the capture is
    on another machine, or the van's key is not this user's to read)."""
    if not path.is_file():
        return None
    try:
        picture = sealing.open_capture(load_keys(data_dir).files, path)
    except (KeyFileError, PermissionError):
        return None
    except sealing.SealError:
        return "sealed with another key"
    return hashlib.sha256(picture).hexdigest()


async def _checks(
    config: Config, *, interactive: bool, prompt: Callable[[str], None], virtual_printer: object | None = None
) -> list[Check]:
    from daemon.client import BrokerUnreachable, CredentialsError

    started = time.monotonic()
    try:
        async with DaemonClient(config, support=True) as client:  # it reads every card and scan
            rig = Rig(config, client, interactive=interactive, prompt=prompt, virtual_printer=virtual_printer)
            return await rig.run()
    except (BrokerUnreachable, CredentialsError) as error:
        return [Check("broker", False, str(error), time.monotonic() - started)]


async def _checks_on_own_daemon(base: Config, *, prompt: Callable[[str], None]) -> tuple[list[Check], Path]:
    """--sim: a daemon with every device emulated, in this process, on a fresh data directory."""
    import tempfile

    from daemon.service import Daemon
    from govan.demo import demo_config

    data_dir = Path(tempfile.mkdtemp(prefix="govan-rig-"))
    config = demo_config(base, data_dir)
    stop = asyncio.Event()
    daemon = Daemon(config)
    task = asyncio.create_task(daemon.run(stop))
    try:
        await daemon.ready.wait()
        printer = daemon.runtimes["printer"].unit
        return await _checks(
            config, interactive=False, prompt=prompt, virtual_printer=getattr(printer, "emulator", None)
        ), data_dir
    finally:
        stop.set()
        await task


def run_rig(config: Config, *, junit: str | None, sim: bool, interactive: bool) -> int:
    def prompt(text: str) -> None:
        print(f">>> {text}", flush=True)

    if sim:
        checks, data_dir = asyncio.run(_checks_on_own_daemon(config, prompt=prompt))
        heading = f"govan rig --sim: van {config.van_id}, emulated devices, data in {data_dir}"
    else:
        checks = asyncio.run(_checks(config, interactive=interactive, prompt=prompt))
        heading = f"govan rig: van {config.van_id}"
    print(table(checks, heading))
    if junit:
        write_junit(checks, Path(junit), suite=f"govan rig {config.van_id}")
    return 1 if any(check.passed is False for check in checks) else 0
