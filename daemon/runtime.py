"""The daemon's side of one device: its state, its supervisor and its command queue."""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import msgspec

from core.devices import CLAIMABLE, DeviceStateName, kind_of
from core.problems import Code, Problem
from daemon.claims import Claim
from daemon.journal import JobJournal
from daemon.messages import (
    COMMAND_TYPES,
    CardEvent,
    ClaimCommand,
    DeviceState,
    ErrorEvent,
    JobResult,
    MessageError,
    ReleaseCommand,
    ScanEvent,
    decode,
    encode,
    job_id_of,
)
from daemon.topics import Topics
from daemon.unit import DeviceFault, DeviceUnit, JobFailed, JobOutcome
from govan.config import Config

log = logging.getLogger(__name__)
Publish = Callable[..., None]
RETRY_FLOOR_S = 0.25
# A device that stayed up this long starts its backoff afresh when it fails.
STABLE_AFTER_S = 10.0


class DisabledUnit(DeviceUnit):
    """`driver = "none"`: the device is switched off in the configuration."""

    async def run(self) -> None:
        self.ctx.set_state(
            "disabled",
            f'driver = "none" in [{self.ctx.config.devices.table(self.ctx.device)}]',
            Problem(Code.DEVICE_DISABLED, {"device": self.ctx.device}),
        )
        await asyncio.Event().wait()


def load_unit(runtime: DeviceRuntime) -> DeviceUnit:
    if runtime.driver == "none":
        return DisabledUnit(runtime)
    module = importlib.import_module(f"daemon.units.{kind_of(runtime.device)}")  # a window's reader: idreader
    return module.create(runtime)


class DeviceRuntime:
    """Implements UnitContext for one device, and runs its unit and commands."""

    def __init__(self, device: str, config: Config, topics: Topics, publish: Publish, journal: JobJournal) -> None:
        self.device = device
        self.config = config
        self.driver: str = config.devices.settings(device).driver
        self.data_dir: Path = config.data_path
        self.tz = config.tz
        self.topics = topics
        self._publish = publish
        self._journal = journal
        self._state: DeviceStateName | None = None
        self._detail = ""
        self._problem: Problem | None = None
        self._since = ""
        # job_id → copies of the command received while it waits or runs; each copy gets the result.
        self._copies: dict[str, int] = {}
        self._commands: asyncio.Queue[tuple[str, msgspec.Struct]] = asyncio.Queue()
        self._sim_actions: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
        self.unit: DeviceUnit | None = None
        # Readers and scanners serve the terminal that claimed them.
        self.claim = Claim(device, topics, publish, self.now_iso) if kind_of(device) in CLAIMABLE else None

    # UnitContext
    @property
    def state(self) -> DeviceStateName:
        return self._state or "offline"

    @property
    def detail(self) -> str:
        return self._detail

    def now(self) -> datetime:
        return datetime.now(self.tz)

    def now_iso(self) -> str:
        return self.now().isoformat(timespec="milliseconds")

    def set_state(self, state: DeviceStateName, detail: str = "", problem: Problem | None = None) -> None:
        if (state, detail, problem) == (self._state, self._detail, self._problem):
            return
        if state != self._state:
            self._since = self.now_iso()
            log.info("%s: %s%s", self.device, state, f" ({detail})" if detail else "")
        self._state, self._detail, self._problem = state, detail, problem
        message = DeviceState(state=state, detail=detail, driver=self.driver, since=self._since, problem=problem)
        self._publish(self.topics.state(self.device), encode(message), retain=True)

    def event(self, kind: str, message: msgspec.Struct) -> None:
        payload = encode(message)
        if self.claim is not None and isinstance(message, CardEvent | ScanEvent):
            # Stamped as it is read: the holder then, not whoever claims it while the event travels.
            holder = self.claim.holder.terminal
            payload = encode(msgspec.structs.replace(message, terminal=holder))
            if holder is not None:
                # Least privilege: a staff user reads only its own terminal's events (daemon/access.py).
                self._publish(self.topics.terminal_event(holder, self.device, kind), payload)
        # The contract's topic, which only the daemon's and support's users may read.
        self._publish(self.topics.event(self.device, kind), payload)

    def error(self, detail: str, problem: Problem) -> None:
        log.warning("%s: %s", self.device, detail)
        message = ErrorEvent(at=self.now_iso(), detail=detail, problem=problem)
        self._publish(self.topics.error(self.device), encode(message))

    # Supervision
    async def supervise(self) -> None:
        """Run the unit forever: open → ready; on failure publish why and retry with capped backoff."""
        loop = asyncio.get_running_loop()
        try:
            self.unit = load_unit(self)
            await self.unit.start()
        except Exception as error:  # a unit that cannot even start must not stop the daemon
            log.exception("%s: cannot start the %s driver", self.device, self.driver)
            self.set_state(
                "error",
                f"cannot start driver {self.driver!r}: {error}",
                Problem(Code.DEVICE_START_FAILED, {"driver": self.driver, "error": str(error)}),
            )
            return
        delay = RETRY_FLOOR_S
        try:
            while True:
                started = loop.time()
                try:
                    await self.unit.run()
                    self.set_state("error", "driver stopped unexpectedly", Problem(Code.DEVICE_DRIVER_STOPPED))
                except DeviceFault as fault:
                    self.set_state(fault.state, fault.detail, fault.problem)
                except Exception as error:
                    log.exception("%s: driver failed", self.device)
                    reason = f"{type(error).__name__}: {error}"
                    self.set_state(
                        "error", f"driver failed: {reason}", Problem(Code.DEVICE_DRIVER_FAILED, {"error": reason})
                    )
                if loop.time() - started > STABLE_AFTER_S:
                    delay = RETRY_FLOOR_S
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.unit.retry_cap_s)
        finally:
            await asyncio.shield(self._stop_unit())

    async def _stop_unit(self) -> None:
        if self.unit is not None:
            try:
                await self.unit.stop()
            except Exception:
                log.exception("%s: error while stopping", self.device)

    # Commands
    def submit(self, command: str, payload: bytes) -> None:
        """Accept a command payload from the bus; every command gets exactly one result."""
        try:
            message = decode(payload, COMMAND_TYPES[command])
        except MessageError as error:
            job_id = job_id_of(payload)
            detail = f"rejected {self.device}/{command}: {error}"
            problem = Problem(Code.COMMAND_REJECTED, {"device": self.device, "command": command, "reason": str(error)})
            if job_id is None:
                self.error(f"{detail} (no job_id, so no result can be sent)", problem)
            else:
                log.warning("%s", detail)
                self._answer(
                    JobResult(job_id=job_id, state="failed", detail=detail, at=self.now_iso(), problem=problem)
                )
            return
        job_id: str = message.job_id  # type: ignore[attr-defined]
        if isinstance(message, ClaimCommand | ReleaseCommand):
            assert self.claim is not None  # the daemon subscribes to claims of claimable devices only
            self._answer(self._expired(message) or self.claim.command(message))
            return
        done = self._journal.result(self.device, job_id)
        if done is not None:
            self._answer(done)
        elif job_id in self._copies:
            self._copies[job_id] += 1  # done once, answered when it finishes
        else:
            self._copies[job_id] = 1
            self._commands.put_nowait((command, message))

    def _answer(self, result: JobResult) -> None:
        self._publish(self.topics.result(self.device), encode(result))

    def answer_interrupted(self) -> None:
        """Answer the jobs the journal found cut off by a stop: each gets its one result now."""
        for result in self._journal.interrupted(self.device):
            log.warning("%s: job %s was cut off by a stop; answered as interrupted", self.device, result.job_id)
            self._journal.finish(self.device, result)
            self._answer(result)

    async def serve_commands(self) -> None:
        while True:
            command, message = await self._commands.get()
            job_id: str = message.job_id  # type: ignore[attr-defined]
            result = await self._execute(command, message)
            self._journal.finish(self.device, result)
            for _ in range(self._copies.pop(job_id)):
                self._answer(result)

    async def _execute(self, command: str, message: msgspec.Struct) -> JobResult:
        job_id: str = message.job_id  # type: ignore[attr-defined]

        def failed(detail: str, problem: Problem) -> JobResult:
            return JobResult(job_id=job_id, state="failed", detail=detail, at=self.now_iso(), problem=problem)

        expired = self._expired(message)
        if expired is not None:
            return expired
        if self.state != "ready" or self.unit is None:
            reason = f": {self._detail}" if self._detail else ""
            # The device's own problem says most ("printer.paper_out"); a bare state says the rest.
            problem = self._problem or Problem(Code.DEVICE_NOT_READY, {"device": self.device, "state": self.state})
            return failed(f"{self.device} is {self.state}{reason}", problem)
        self._journal.begin(self.device, job_id)
        self.set_state("busy", self._detail, self._problem)
        try:
            async with asyncio.timeout(self.unit.command_timeout_s):
                outcome: JobOutcome = await self.unit.execute(command, message)
        except JobFailed as error:
            return failed(error.detail, error.problem)
        except DeviceFault as fault:
            self.set_state(fault.state, fault.detail, fault.problem)
            return failed(fault.detail, fault.problem)
        except TimeoutError:
            seconds = self.unit.command_timeout_s
            return failed(
                f"{command} timed out after {seconds:g} s",
                Problem(Code.JOB_TIMED_OUT, {"command": command, "seconds": seconds}),
            )
        except Exception as error:
            log.exception("%s: %s failed", self.device, command)
            return failed(
                f"internal error: {type(error).__name__}",
                Problem(Code.JOB_INTERNAL_ERROR, {"error": type(error).__name__}),
            )
        finally:
            if self.state == "busy":
                self.set_state("ready", self._detail, self._problem)
        return JobResult(
            job_id=job_id,
            state="done",
            detail=outcome.detail,
            at=self.now_iso(),
            path=outcome.path,
            sha256=outcome.sha256,
            width=outcome.width,
            height=outcome.height,
            bytes=outcome.bytes,
            warnings=outcome.warnings,
        )

    def _expired(self, message: msgspec.Struct) -> JobResult | None:
        """The answer to a command that reached us after its sender stopped waiting, else None."""
        expires_at: datetime | None = message.expires_at  # type: ignore[attr-defined]
        if expires_at is None or expires_at >= self.now():
            return None
        expired = expires_at.isoformat(timespec="seconds")
        return JobResult(
            job_id=message.job_id,
            state="failed",  # type: ignore[attr-defined]
            detail=f"expired at {expired}: the sender had stopped waiting, so it was not carried out",
            at=self.now_iso(),
            problem=Problem(Code.JOB_EXPIRED, {"expires_at": expired}),
        )

    # Emulator control
    def submit_sim(self, action: str, payload: bytes) -> None:
        if self.driver != "sim":
            self.error(
                f"ignored sim/{self.device}/{action}: the driver is {self.driver!r}, not 'sim'",
                Problem(Code.SIM_NOT_EMULATED, {"device": self.device, "driver": self.driver}),
            )
            return
        self._sim_actions.put_nowait((action, payload))

    async def serve_sim(self) -> None:
        while True:
            action, payload = await self._sim_actions.get()
            where = f"sim/{self.device}/{action}"
            if self.unit is None:
                self.error(
                    f"{where}: the emulator is not running", Problem(Code.SIM_NOT_RUNNING, {"device": self.device})
                )
                continue
            try:
                await self.unit.sim(action, payload)
            except JobFailed as error:
                self.error(f"{where}: {error.detail}", error.problem)
            except MessageError as error:
                self.error(f"{where}: {error}", Problem(Code.SIM_REJECTED, {"action": action, "reason": str(error)}))
            except Exception as error:
                log.exception("%s: sim action %s failed", self.device, action)
                self.error(
                    f"{where}: internal error: {type(error).__name__}",
                    Problem(Code.JOB_INTERNAL_ERROR, {"error": type(error).__name__}),
                )
