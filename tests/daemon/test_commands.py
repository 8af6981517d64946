"""Commands: exactly one result each, replays answered from the journal, bad payloads never crash."""

from __future__ import annotations

import asyncio
from pathlib import Path

from daemon.client import DeviceError
from daemon.journal import INTERRUPTED, JobJournal
from daemon.messages import JobResult, SelfTestCommand


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
        error = await asyncio.wait_for(waiter, 5)
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


def test_journal_survives_restart_and_marks_interrupted_jobs(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl"
    journal = JobJournal(path, now="2026-11-26T10:00:00+08:00")
    journal.begin("printer", "done-job")
    done = JobResult(job_id="done-job", state="done", detail="printed 1 copy", at="2026-11-26T10:00:01+08:00")
    journal.finish("printer", done)
    journal.begin("printer", "cut-off")  # the daemon is killed here
    journal.close()

    reopened = JobJournal(path, now="2026-11-26T10:05:00+08:00")
    assert reopened.result("printer", "done-job") == done
    interrupted = reopened.result("printer", "cut-off")
    assert interrupted is not None
    assert interrupted.state == "failed"
    assert interrupted.detail == INTERRUPTED
    assert reopened.result("camera", "done-job") is None  # job ids are per device
    reopened.close()


def test_journal_skips_a_torn_line_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl"
    journal = JobJournal(path, now="t0")
    journal.finish("camera", JobResult(job_id="a", state="done", detail="ok", at="t1"))
    journal.close()
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"event": "finish", "device": "camera", "job_')
    reopened = JobJournal(path, now="t2")
    assert reopened.result("camera", "a") is not None
    reopened.close()


def test_journal_keeps_only_the_newest_results(tmp_path: Path) -> None:
    journal = JobJournal(tmp_path / "jobs.jsonl", now="t", keep=10)
    for number in range(25):
        journal.finish("printer", JobResult(job_id=f"j{number}", state="done", detail="", at="t"))
    journal.close()
    reopened = JobJournal(tmp_path / "jobs.jsonl", now="t", keep=10)
    assert reopened.result("printer", "j24") is not None
    assert reopened.result("printer", "j0") is None
    assert len((tmp_path / "jobs.jsonl").read_text().splitlines()) == 10
    reopened.close()
