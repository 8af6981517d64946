"""The barcode/QR scanner inside the daemon: one B/scanner/scan event per code read.

Drivers: `serial` opens the configured tty path; `hid` grabs the evdev keyboard device
(`device`) and decodes it in the configured layout; `sim` starts the pty emulator in
start() and runs the real serial driver on its slave path, serving B/sim/scanner/scan.
Bad input (over 4 KB, not UTF-8, never terminated) becomes B/scanner/error; a scanner
that is unplugged goes offline with its path and comes back by itself when replugged.
Codes can carry personal data, so they go into the scan event only, never a log or detail.
"""

from __future__ import annotations

import msgspec

from core.problems import Code, Problem
from daemon.messages import ScanControl, ScanEvent, decode, new_id
from daemon.unit import DeviceFault, DeviceUnit, JobFailed, JobOutcome, UnitContext
from devices.scanner.driver import ScannerDriver, ScannerUnavailable
from devices.scanner.emulator import EmulatorError, ScannerEmulator
from devices.scanner.protocol import Scan
from devices.scanner.serial_driver import SerialScanner


class ScannerUnit(DeviceUnit):
    command_timeout_s = 5.0

    def __init__(self, ctx: UnitContext) -> None:
        super().__init__(ctx)
        self.settings = ctx.config.devices.scanner
        self._driver: ScannerDriver | None = None

    def make_driver(self) -> ScannerDriver:
        settings = self.settings
        timeout_s = settings.code_timeout_ms / 1000
        if self.ctx.driver == "hid":
            from devices.scanner.hid import HidScanner  # linuxpy's evdev only for keyboard-wedge scanners

            assert settings.device is not None  # the config requires it for hid
            return HidScanner(settings.device, layout=settings.layout, timeout_s=timeout_s)
        return SerialScanner(self.port, baudrate=settings.baudrate, terminator=settings.terminator, timeout_s=timeout_s)

    @property
    def port(self) -> str:
        return self.settings.port

    async def run(self) -> None:
        driver = self.make_driver()
        try:
            await driver.open()
            self._driver = driver
            self.ctx.set_state("ready", driver.description)
            while True:
                for event in await driver.read():
                    if isinstance(event, Scan):
                        at = self.ctx.now().isoformat(timespec="milliseconds")
                        self.ctx.event(
                            "scan", ScanEvent(event_id=new_id(), at=at, code=event.code, symbology=event.symbology)
                        )
                    else:
                        self.ctx.error(event.detail, event.problem)
        except ScannerUnavailable as problem:
            raise DeviceFault(problem.state, problem.detail, problem.problem) from None
        finally:
            self._driver = None
            await driver.close()

    async def execute(self, command: str, message: msgspec.Struct) -> JobOutcome:
        if command != "test":
            raise JobFailed(
                f"the scanner does not support '{command}'",
                Problem(Code.COMMAND_UNSUPPORTED, {"device": self.ctx.device, "command": command}),
            )
        driver = self._driver
        if driver is None:
            raise JobFailed("the scanner is not open", Problem(Code.DEVICE_NOT_OPEN, {"port": self.port}))
        try:
            return JobOutcome(detail=driver.self_test())
        except ScannerUnavailable as problem:
            raise DeviceFault(problem.state, problem.detail, problem.problem) from None


class SimScannerUnit(ScannerUnit):
    """The emulated scanner on a pty, read by the real serial driver."""

    def __init__(self, ctx: UnitContext) -> None:
        super().__init__(ctx)
        self.emulator = ScannerEmulator(self.settings.terminator)

    @property
    def port(self) -> str:
        return self.emulator.path

    async def start(self) -> None:
        self.emulator.plug()

    async def stop(self) -> None:
        self.emulator.close()

    async def sim(self, action: str, payload: bytes) -> None:
        if action != "scan":
            raise self.sim_rejected(action, f"unknown scanner sim action '{action}'; use 'scan'")
        control = decode(payload, ScanControl)
        try:
            await self.emulator.scan(control.code, aim=control.aim, fault=control.fault)
        except EmulatorError as error:
            raise self.sim_rejected(action, str(error)) from None


def create(ctx: UnitContext) -> DeviceUnit:
    if ctx.driver in ("serial", "hid"):
        return ScannerUnit(ctx)
    if ctx.driver == "sim":
        return SimScannerUnit(ctx)
    raise ValueError(f"unknown scanner driver {ctx.driver!r}; use serial, hid, sim or none")
