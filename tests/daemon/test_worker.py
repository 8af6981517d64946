"""The worker process: real child processes running functions of this module."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable

import pytest

from daemon.worker import RemoteTraceback, WorkerDied, WorkerProcess
from tests.support.aio import within

WAIT = 30.0  # liveness bound only


class Refused(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def process_id(_: object = None) -> int:
    return os.getpid()


def refuse(detail: str) -> None:
    raise Refused(detail)


def divide(number: int) -> float:
    return 1 / number


def exit_at_once(status: int) -> None:
    os._exit(status)


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


async def wait_until(condition: Callable[[], bool], timeout: float = WAIT) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)


async def test_runs_in_one_other_process_then_ends_when_idle() -> None:
    worker = WorkerProcess("test", idle_s=0.2)
    try:
        first = await worker.run(process_id)
        assert first != os.getpid()
        assert await worker.run(process_id, "with an argument") == first == worker.pid
        await wait_until(lambda: worker.pid is None)
        await wait_until(lambda: gone(first))
        assert await worker.run(process_id) not in (first, os.getpid())  # a fresh process for the next task
    finally:
        await worker.close()


async def test_a_new_process_after_so_many_tasks() -> None:
    worker = WorkerProcess("test", tasks_per_process=2)
    try:
        pids = [await worker.run(process_id) for _ in range(4)]
        assert pids[0] == pids[1] != pids[2] == pids[3]
    finally:
        await worker.close()


async def test_exceptions_come_back_with_the_remote_traceback() -> None:
    worker = WorkerProcess("test")
    try:
        with pytest.raises(Refused, match="not a readable picture") as refused:
            await worker.run(refuse, "not a readable picture")
        assert refused.value.detail == "not a readable picture"
        with pytest.raises(ZeroDivisionError) as error:
            await worker.run(divide, 0)
        assert isinstance(error.value.__cause__, RemoteTraceback)
        assert "in divide" in str(error.value.__cause__)
        assert await worker.run(divide, 4) == 0.25  # the same process serves on
    finally:
        await worker.close()


async def test_a_process_that_dies_fails_its_task_and_the_next_one_gets_a_new_process() -> None:
    worker = WorkerProcess("test")
    try:
        with pytest.raises(WorkerDied, match=r"the test worker process ended unexpectedly \(exit code 3\)"):
            await worker.run(exit_at_once, 3)
        pid = await worker.run(process_id)
        os.kill(pid, signal.SIGKILL)  # dies while idle: nobody's task is lost
        await wait_until(lambda: gone(pid) or _zombie(pid))
        assert await worker.run(process_id) != pid
    finally:
        await worker.close()


async def test_a_cancelled_task_kills_the_process() -> None:
    worker = WorkerProcess("test")
    try:
        pid = await worker.run(process_id)
        with pytest.raises(TimeoutError):
            await within(0.5, worker.run(sleep, 60))
        assert worker.pid is None
        await wait_until(lambda: gone(pid))
    finally:
        await worker.close()


async def test_close_ends_the_process() -> None:
    worker = WorkerProcess("test")
    pid = await worker.run(process_id)
    await worker.close()
    assert worker.pid is None and gone(pid)


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True
