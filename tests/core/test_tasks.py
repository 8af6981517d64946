"""Stopping tasks that await aiomqtt, whose `asyncio.wait_for` can lose a cancellation."""

from __future__ import annotations

import asyncio

from core.tasks import cancel_and_wait
from tests.support.aio import within

WAIT = 10.0  # liveness bound only


async def _consume_as_aiomqtt_awaits(queue: asyncio.Queue[int]) -> None:
    """aiomqtt 2.x waits for a PUBACK like this (its Client._wait_for)."""
    while True:
        await asyncio.wait_for(queue.get(), 60)  # noqa: TID251 - the pattern under test


async def test_a_task_that_lost_its_cancellation_is_cancelled_again() -> None:
    queue: asyncio.Queue[int] = asyncio.Queue()
    task = asyncio.create_task(_consume_as_aiomqtt_awaits(queue))
    await asyncio.sleep(0)  # it now awaits the queue
    queue.put_nowait(1)  # what it waits for arrives, and the stop in the same instant
    await within(WAIT, cancel_and_wait(task))
    assert task.cancelled()


async def test_results_and_errors_of_tasks_that_ended_are_left_to_the_caller() -> None:
    async def fail() -> None:
        raise ValueError("broken")

    failed = asyncio.create_task(fail())
    running = asyncio.create_task(asyncio.sleep(60))
    await asyncio.sleep(0)
    await within(WAIT, cancel_and_wait(failed, running))
    assert running.cancelled()
    assert isinstance(failed.exception(), ValueError)
