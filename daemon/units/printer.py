"""The receipt printer inside the daemon: render documents late, print them honestly.

Drivers: tcp | serial | usb | file | sim. Between jobs the unit polls the printer's
status, so "paper out" shows before the next ticket rather than after it. `sim`
starts the virtual printer on a free loopback port in start() and runs the real TCP
driver against it; its receipts are on `unit.emulator`.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from typing import ClassVar

import msgspec

from core.problems import Code, Param, Problem
from daemon.messages import PaperControl, PrintCommand, SelfTestCommand, decode
from daemon.unit import DeviceFault, DeviceUnit, JobFailed, JobOutcome, UnitContext
from devices.printer.document import BarcodeBlock, CutBlock, Document, FeedBlock, QrBlock, RuleBlock, TextBlock
from devices.printer.driver import NoAnswer, NotReady, PrinterDriver, PrinterError
from devices.printer.emulator import TRAINING_RECEIPTS, VirtualPrinter
from devices.printer.encoder import EncodeError, encode
from devices.printer.file_port import FileTransport
from devices.printer.profile import Profile
from devices.printer.serial_port import SerialTransport
from devices.printer.status import PrinterStatus
from devices.printer.tcp import TcpTransport
from devices.printer.transport import Transport, TransportError
from devices.printer.usb_port import UsbTransport

MAX_COPIES = 10  # PrintCommand allows 1..10


class PrinterUnit(DeviceUnit):
    # Idle status polling: often enough that paper out shows before the next ticket.
    poll_interval_s: ClassVar[float] = 2.0

    def __init__(self, ctx: UnitContext, make_transport: Callable[[], Transport]) -> None:
        super().__init__(ctx)
        settings = ctx.config.devices.printer
        self.profile = Profile.for_paper(settings.paper_width_mm, settings.chinese)
        self.timeout_s = settings.timeout_s
        # Each copy has its own deadline (timeout_s); this outer one only guards the unit itself.
        self.command_timeout_s = settings.timeout_s * MAX_COPIES + 5
        self._make_transport = make_transport
        self._driver: PrinterDriver | None = None
        self._wake = asyncio.Event()
        self._broken: tuple[str, Problem] | None = None

    @property
    def driver(self) -> PrinterDriver:
        if self._driver is None:
            raise DeviceFault("offline", "printer driver not started", Problem(Code.DEVICE_DRIVER_STOPPED))
        return self._driver

    async def start(self) -> None:
        self._driver = PrinterDriver(
            self._make_transport(), status_timeout=min(2.0, self.timeout_s), job_timeout=self.timeout_s
        )

    async def run(self) -> None:
        driver = self.driver
        try:
            try:
                async with asyncio.timeout(self.timeout_s):
                    await driver.open()
            except TransportError as error:
                raise DeviceFault("error", error.detail, error.problem) from None
            except TimeoutError:
                label = driver.transport.label
                raise DeviceFault(
                    "error",
                    f"{label}: no answer within {self.timeout_s:g} s",
                    Problem(Code.DEVICE_NO_ANSWER, {"port": label, "seconds": self.timeout_s}),
                ) from None
            self._broken = None
            while True:
                await self._check()
                try:
                    async with asyncio.timeout(self.poll_interval_s):
                        await self._wake.wait()
                except TimeoutError:
                    pass
                self._wake.clear()
                if self._broken is not None:
                    raise DeviceFault("error", *self._broken)
        finally:
            await driver.close()

    def check_soon(self) -> None:
        """Poll the status now rather than at the next interval."""
        self._wake.set()

    async def _check(self) -> None:
        if self.ctx.state == "busy":
            return  # the job checks the status itself
        driver = self.driver
        if not driver.status_known:
            label = driver.transport.label
            self.ctx.set_state(
                "ready", f"status unknown: {label} is write-only", Problem(Code.PRINTER_STATUS_UNKNOWN, {"port": label})
            )
            return
        try:
            status = await driver.status()
        except TransportError as error:
            raise DeviceFault("error", error.detail, error.problem) from None
        except PrinterError as error:  # no answer, or a garbled reply: keep asking
            if self.ctx.state != "busy":
                self.ctx.set_state("error", error.detail, error.problem)
            return
        if self.ctx.state != "busy":
            self.ctx.set_state("ready" if status.ok else "error", status.detail, status.problem)

    async def execute(self, command: str, message: msgspec.Struct) -> JobOutcome:
        if command == "print" and isinstance(message, PrintCommand):
            outcome = await self._print(message.document, message.copies)
            return JobOutcome(detail=outcome)
        if command == "test" and isinstance(message, SelfTestCommand):
            outcome = await self._print(
                self_test_document(self.profile, self.ctx.now().isoformat(timespec="seconds")), 1
            )
            return JobOutcome(detail=f"printed a test page ({self.profile.describe()}): {outcome}")
        return await super().execute(command, message)

    async def _print(self, document: Document, copies: int) -> str:
        try:
            # Pictures take Pillow tens of milliseconds or more: other devices are served meanwhile.
            job = await asyncio.to_thread(encode, document, self.profile)
        except EncodeError as error:
            raise JobFailed(error.detail, error.problem) from None
        status: PrinterStatus | None = None
        for printed in range(copies):
            try:
                async with asyncio.timeout(self.timeout_s):
                    status = await self.driver.print(job)
            except (NotReady, NoAnswer) as error:
                self.ctx.set_state("error", error.detail, error.problem)
                raise _failed_after(error.detail, error.problem, printed, copies) from None
            except (TransportError, PrinterError) as error:
                self._fail_link(error.detail, error.problem)
                raise _failed_after(error.detail, error.problem, printed, copies) from None
            except TimeoutError:
                detail = f"printer did not finish within {self.timeout_s:g} s"
                problem = Problem(Code.PRINTER_TIMED_OUT, {"seconds": self.timeout_s})
                self._fail_link(detail, problem)
                raise _failed_after(detail, problem, printed, copies) from None
        plural = "copy" if copies == 1 else "copies"
        if status is None:
            return f"sent {copies} {plural}; status unknown: {self.driver.transport.label} is write-only"
        if status.detail:  # e.g. paper near end: printed, but say so
            self.ctx.set_state("busy", status.detail, status.problem)
            return f"printed {copies} {plural}; {status.detail}"
        self.ctx.set_state("busy", "")
        return f"printed {copies} {plural}"

    def _fail_link(self, detail: str, problem: Problem) -> None:
        """The link is in an unknown state: report it and let run() reconnect."""
        self.ctx.set_state("error", detail, problem)
        self._broken = detail, problem
        self._wake.set()


def _failed_after(detail: str, problem: Problem, printed: int, copies: int) -> JobFailed:
    if printed == 0:
        return JobFailed(detail, problem)
    params: dict[str, Param] = {**problem.params, "printed": printed, "copies": copies}
    return JobFailed(f"{detail} after {printed} of {copies} copies", Problem(problem.code, params))


class SimPrinterUnit(PrinterUnit):
    """The virtual printer on a free loopback port, driven by the real TCP driver."""

    def __init__(self, ctx: UnitContext) -> None:
        super().__init__(ctx, self._transport)
        self.emulator = VirtualPrinter(
            dots=self.profile.dots,
            save_dir=ctx.data_dir / TRAINING_RECEIPTS,
            keep_days=ctx.config.service.retention_days,
        )
        self.emulator.on_error = lambda reason: ctx.error(
            f"virtual printer: {reason}", Problem(Code.SIM_PRINTER_UNREADABLE, {"reason": reason})
        )

    def _transport(self) -> Transport:
        return TcpTransport("127.0.0.1", self.emulator.port)

    async def start(self) -> None:
        # Before 0.1's privacy work the pictures went, world-readable and never purged, to printer-sim/.
        await asyncio.to_thread(shutil.rmtree, self.ctx.data_dir / "printer-sim", True)
        if self.emulator.save_dir is not None and self.emulator.save_dir.is_dir():
            await asyncio.to_thread(self.emulator.purge_old_pictures, self.emulator.save_dir)
        await self.emulator.start("127.0.0.1", 0)
        await super().start()

    async def stop(self) -> None:
        await self.emulator.stop()

    async def sim(self, action: str, payload: bytes) -> None:
        if action != "paper":
            raise self.sim_rejected(action, f"unknown action {action!r}; the virtual printer has 'paper'")
        self.emulator.paper = decode(payload, PaperControl).state
        self.check_soon()


def self_test_document(profile: Profile, now: str) -> Document:
    return Document(
        blocks=[
            TextBlock(text="打印机自检 Printer self-test", align="center", bold=True, size=(1, 2)),
            TextBlock(text=f"paper {profile.paper_width_mm} mm, {profile.dots} dots"),
            TextBlock(text=f"{profile.columns} columns, {profile.chinese}"),
            TextBlock(text=now),
            RuleBlock(),
            TextBlock(text="龙港市流动政务客厅：请到3号窗口办理。￥12.00"),
            TextBlock(text="A012", align="center", size=(3, 3)),
            QrBlock(data=f"govan self-test {now}", size=5),
            BarcodeBlock(data="A012", height=60),
            FeedBlock(lines=2),
            CutBlock(),
        ]
    )


def create(ctx: UnitContext) -> DeviceUnit:
    settings = ctx.config.devices.printer
    match ctx.driver:
        case "sim":
            return SimPrinterUnit(ctx)
        case "tcp":
            host, port = settings.host, int(settings.port)
            return PrinterUnit(ctx, lambda: TcpTransport(host, port, connect_timeout=min(3.0, settings.timeout_s)))
        case "serial":
            tty = str(settings.port)
            return PrinterUnit(ctx, lambda: SerialTransport(tty, settings.baudrate))
        case "usb" if settings.usb:
            usb_id = settings.usb
            return PrinterUnit(ctx, lambda: UsbTransport(usb_id, write_timeout=settings.timeout_s))
        case "file" if settings.path:
            path = settings.path
            return PrinterUnit(ctx, lambda: FileTransport(path))
    raise ValueError(f"printer driver {ctx.driver!r} needs its settings in [devices.printer]")
