"""A worker process for heavy Pillow work, so that its memory goes back when the work is done.

Processing a 5-12 megapixel capture takes Pillow 100-300 MB for a moment. Done in the
daemon process, glibc keeps most of it afterwards: measured with the emulated camera, the
daemon grew from 34 MB at rest to 170 MB after 100 captures and stayed there when idle.
`malloc_trim` after each capture brought it back to 51 MB; a worker process to 40 MB, and
it also keeps a crash or a runaway picture out of the daemon. So the camera's imaging runs
here:
- the process is a fresh interpreter (forking a threaded asyncio process is unsafe, and
  multiprocessing's spawn would leave a resource-tracker process behind for good), started
  for the first task, which costs about 0.15 s; it serves the tasks after it one at a time;
- it ends after `idle_s` without work, and after `tasks_per_process` tasks, so its memory
  returns to the system between bursts of captures;
- a task that is cancelled (a timeout, the daemon stopping) kills the process, so nothing
  is left running behind the caller's back.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from core.devices import DeviceTrouble
from core.problems import Code, Problem

T = TypeVar("T")

# A clerk copying a stack of documents takes one every few seconds: the process stays up
# between them, and ends soon after the last.
IDLE_S = 10.0
TASKS_PER_PROCESS = 50
STOP_WAIT_S = 2.0


class WorkerDied(DeviceTrouble):
    """The worker process ended in the middle of a task: killed, out of memory, or crashed."""


class RemoteTraceback(Exception):
    """Where an unexpected exception was raised inside the worker (set as its __cause__)."""

    def __str__(self) -> str:
        return f"\n{self.args[0]}"


class WorkerProcess:
    """Runs picklable functions in one child process, one at a time."""

    def __init__(self, name: str, *, idle_s: float = IDLE_S, tasks_per_process: int = TASKS_PER_PROCESS) -> None:
        self.name = name
        self.idle_s = idle_s
        self.tasks_per_process = tasks_per_process
        self._lock = asyncio.Lock()
        self._child: _Child | None = None
        self._idle: asyncio.TimerHandle | None = None
        self._ending: set[asyncio.Task[None]] = set()

    @property
    def pid(self) -> int | None:
        """The worker's process id while it runs."""
        return self._child.process.pid if self._child is not None else None

    async def run(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`function(*args, **kwargs)` in the worker; what it raises is raised here."""
        async with self._lock:
            if self._idle is not None:
                self._idle.cancel()
                self._idle = None
            if self._child is not None and self._child.process.poll() is not None:
                self._child.end()  # it died while idle (OOM killer, a signal): start afresh
                self._child = None
            child = self._child = self._child or _Child.start(self.name)
            try:
                outcome, value = await asyncio.to_thread(child.call, function, args, kwargs)
            except BaseException:
                # Cancelled or dead: the process is in an unknown state, so it goes. (The
                # thread waiting for its answer then sees the pipe close, and closes its end.)
                self._child = None
                child.kill()
                raise
            if child.tasks >= self.tasks_per_process:
                self._end_soon()
            else:
                self._idle = asyncio.get_running_loop().call_later(self.idle_s, self._end_soon)
        if outcome == "raised":
            raise value
        return value  # type: ignore[no-any-return]

    def _end_soon(self) -> None:
        self._idle = None
        child, self._child = self._child, None
        if child is not None:
            task = asyncio.get_running_loop().create_task(asyncio.to_thread(child.end))
            self._ending.add(task)
            task.add_done_callback(self._ending.discard)

    async def close(self) -> None:
        """End the worker (if one runs) and wait until it has gone."""
        async with self._lock:
            if self._idle is not None:
                self._idle.cancel()
            self._end_soon()
        await asyncio.gather(*self._ending, return_exceptions=True)


class _Child:
    def __init__(self, name: str, process: subprocess.Popen[bytes], connection: Connection) -> None:
        self.name = name
        self.process = process
        self.connection = connection
        self.tasks = 0

    @classmethod
    def start(cls, name: str) -> _Child:
        ours, theirs = multiprocessing.Pipe()
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", f"from daemon.worker import serve; serve({theirs.fileno()})"],
                stdin=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
            )
        finally:
            theirs.close()
        # The parent's import path, so that the worker finds every function the parent can.
        ours.send(sys.path)
        return cls(name, process, ours)

    def call(self, function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[str, Any]:
        """Send one task and wait for its outcome (blocking: run it in a thread)."""
        self.tasks += 1
        try:
            self.connection.send((function, args, kwargs))
            outcome, value, remote = self.connection.recv()
        except (EOFError, OSError):
            self.connection.close()
            status = self._wait()
            raise WorkerDied(
                f"the {self.name} worker process ended unexpectedly (exit code {status})",
                Problem(Code.DAEMON_WORKER_DIED, {"exit_code": status}),
            ) from None
        if remote:
            value.__cause__ = RemoteTraceback(remote)
        return outcome, value

    def end(self) -> None:
        """Let the process finish on its own (it stops when its pipe closes); kill it if it does not."""
        self.connection.close()
        if self._wait() is None:
            self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self._wait()

    def _wait(self) -> int | None:
        try:
            return self.process.wait(STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            return None


def serve(descriptor: int) -> None:
    """The worker's main loop: a task in, its outcome out, until the pipe closes."""
    # Ctrl-C in a terminal reaches the whole process group; the daemon ends its worker itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    connection = Connection(descriptor)
    sys.path[:] = connection.recv()
    while True:
        try:
            function, args, kwargs = connection.recv()
        except EOFError:
            return
        try:
            reply: tuple[str, Any, str] = ("returned", function(*args, **kwargs), "")
        except Exception as error:  # noqa: BLE001 - handed to the caller, who decides what it means
            reply = ("raised", error, "".join(traceback.format_exception(error)))
        try:
            connection.send(reply)
        except OSError:
            return  # the daemon has gone
        except Exception as error:  # noqa: BLE001 - e.g. an exception that cannot be pickled
            connection.send(("raised", RuntimeError(f"{type(error).__name__}: {error}"), ""))
