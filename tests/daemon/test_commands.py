"""Commands: exactly one result each, replays answered from the journal, bad payloads never crash."""

from __future__ import annotations

import asyncio

from daemon.client import DeviceError
from daemon.messages import SelfTestCommand
from tests.support.aio import within


async def _next_error(client, device: str) -> DeviceError:  # noqa: ANN001
    async for event in client.events():
        if isinstance(event, DeviceError) and event.device == device:
            return event
    raise AssertionError("event stream ended")


async def test_malformed_commands_get_an_error_and_the_daemon_carries_on(van_factory) -> None:  # noqa: ANN001
    async with van_factory() as van:
        client, topics = van.client, van.topics
        rejected = await client.command("printer", "print", {"job_id": "bad-doc", "document": 7}, timeout=5)
        assert rejected.state == "failed"
        assert "document" in rejected.detail

        waiter = asyncio.create_task(_next_error(client, "camera"))
        await asyncio.sleep(0.1)
        client.connection.publish(topics.command("camera", "capture"), b"\xff\xfe not json")
        error = await within(5, waiter)
        assert "not a JSON object" in error.error.detail
        assert "no job_id" in error.error.detail

        answer = await client.command("idreader", "test", SelfTestCommand(job_id="after-garbage"), timeout=5)
        assert answer.job_id == "after-garbage"
        assert van.daemon.connection.connected.is_set()


async def test_replayed_job_id_is_answered_from_the_journal(van_factory) -> None:  # noqa: ANN001
    async with van_factory() as van:
        first = await van.client.command("printer", "test", SelfTestCommand(job_id="job-1"), timeout=5)
        await asyncio.sleep(0.01)
        again = await van.client.command("printer", "test", SelfTestCommand(job_id="job-1"), timeout=5)
        assert first.state == "failed"  # the printer is disabled in this van
        assert "disabled" in first.detail
        assert again == first  # same time stamp: answered, not redone
