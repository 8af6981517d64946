"""The job journal on a real file: results outlive restarts, crashes and busy days, and expire by age only."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from core.problems import Code, Problem
from daemon.journal import COMPACT_AFTER, INTERRUPTED, RETENTION, JobJournal
from daemon.messages import JobResult

SHANGHAI = timezone(timedelta(hours=8))
MORNING = datetime(2026, 11, 26, 8, 0, tzinfo=SHANGHAI)


def stamp(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds")


def done(job_id: str, at: datetime) -> JobResult:
    return JobResult(job_id=job_id, state="done", detail="printed 1 copy", at=stamp(at))


def run_job(journal: JobJournal, job_id: str, at: datetime) -> JobResult:
    """As the daemon does: a start record, then the finish record with the result."""
    result = done(job_id, at)
    journal.begin("printer", job_id)
    journal.finish("printer", result)
    return result


def test_journal_survives_restart_and_marks_interrupted_jobs(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl"
    journal = JobJournal(path, now=MORNING)
    finished = run_job(journal, "done-job", MORNING)
    journal.begin("printer", "cut-off")  # the daemon is killed here
    journal.close()

    restart = MORNING + timedelta(minutes=5)
    reopened = JobJournal(path, now=restart)
    assert reopened.result("printer", "done-job") == finished
    interrupted = JobResult(
        job_id="cut-off", state="failed", detail=INTERRUPTED, at=stamp(restart), problem=Problem(Code.JOB_INTERRUPTED)
    )
    assert reopened.result("printer", "cut-off") == interrupted
    assert reopened.interrupted("printer") == [interrupted]
    assert reopened.interrupted("camera") == []
    assert reopened.result("camera", "done-job") is None  # job ids are per device
    reopened.close()


def test_an_interrupted_job_stays_owed_until_its_answer_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl"
    journal = JobJournal(path, now=MORNING)
    journal.begin("printer", "cut-off")
    journal.close()

    # Killed again before the answer went out: the next start still owes it.
    JobJournal(path, now=MORNING + timedelta(minutes=1)).close()
    owed = JobJournal(path, now=MORNING + timedelta(minutes=2))
    (answer,) = owed.interrupted("printer")
    assert answer.detail == INTERRUPTED
    owed.finish("printer", answer)  # the daemon published it
    assert owed.interrupted("printer") == []
    owed.close()

    reopened = JobJournal(path, now=MORNING + timedelta(minutes=3))
    assert reopened.interrupted("printer") == []
    assert reopened.result("printer", "cut-off") == answer
    reopened.close()


def test_journal_tolerates_a_torn_last_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "jobs.jsonl"
    journal = JobJournal(path, now=MORNING)
    finished = run_job(journal, "a", MORNING)
    journal.close()
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"event": "finish", "device": "printer", "job_')
    with caplog.at_level(logging.INFO, logger="daemon.journal"):
        reopened = JobJournal(path, now=MORNING)
    assert reopened.result("printer", "a") == finished
    assert [record.levelno for record in caplog.records] == [logging.INFO]
    assert "torn" in caplog.records[0].getMessage()
    run_job(reopened, "b", MORNING)  # appends after the torn line was dropped are whole
    reopened.close()
    again = JobJournal(path, now=MORNING)
    assert again.result("printer", "b") is not None
    again.close()


def test_journal_logs_and_skips_a_corrupt_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "jobs.jsonl"
    journal = JobJournal(path, now=MORNING)
    first = run_job(journal, "first", MORNING)
    journal.close()
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("this is not a record\n")
        handle.write(
            '{"event": "finish", "device": "printer", "job_id": "no-time", '
            '"result": {"job_id": "no-time", "state": "done", "detail": "", "at": "yesterday"}}\n'
        )
    journal = JobJournal(path, now=MORNING)
    last = run_job(journal, "last", MORNING)
    journal.close()

    with caplog.at_level(logging.WARNING, logger="daemon.journal"):
        reopened = JobJournal(path, now=MORNING)
    assert reopened.result("printer", "first") == first
    assert reopened.result("printer", "last") == last
    assert reopened.result("printer", "no-time") is None
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 2
    assert all("unreadable" in warning for warning in warnings)
    reopened.close()


def test_an_old_job_is_still_answered_after_thousands_of_others_and_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl"
    journal = JobJournal(path, now=MORNING)
    old = run_job(journal, "old", MORNING)
    for number in range(2_100):  # a busy day: a job every 30 s
        run_job(journal, f"job-{number}", MORNING + timedelta(seconds=30 * (number + 1)))
    journal.close()

    reopened = JobJournal(path, now=MORNING + timedelta(hours=24))
    assert reopened.result("printer", "old") == old
    assert reopened.result("printer", "job-2099") is not None
    reopened.close()
    # The file holds each result once: compaction dropped the start records, nothing else.
    assert len(path.read_bytes().splitlines()) == 2_101


def test_compaction_drops_results_older_than_the_retention_period(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl"
    journal = JobJournal(path, now=MORNING)
    old = run_job(journal, "old", MORNING)
    later = MORNING + timedelta(hours=30)
    recent = run_job(journal, "recent", later)

    journal.compact(MORNING + RETENTION - timedelta(minutes=1))
    assert journal.result("printer", "old") == old  # not yet expired
    journal.compact(MORNING + RETENTION + timedelta(minutes=1))
    assert journal.result("printer", "old") is None
    assert journal.result("printer", "recent") == recent
    journal.close()

    reopened = JobJournal(path, now=later + RETENTION - timedelta(minutes=1))
    assert reopened.result("printer", "old") is None
    assert reopened.result("printer", "recent") == recent
    reopened.close()
    reopened = JobJournal(path, now=later + RETENTION + timedelta(minutes=1))  # compacted at open
    assert reopened.result("printer", "recent") is None
    reopened.close()
    assert path.read_bytes() == b""


def test_a_running_journal_compacts_itself_as_results_expire(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl"
    journal = JobJournal(path, now=MORNING)
    run_job(journal, "old", MORNING)
    run_job(journal, "day-two", MORNING + timedelta(hours=26))
    assert journal.result("printer", "old") is not None  # lingering is allowed, but only briefly

    after = MORNING + RETENTION + COMPACT_AFTER + timedelta(seconds=1)
    newest = run_job(journal, "day-three", after)
    assert journal.result("printer", "old") is None
    journal.close()
    lines = path.read_bytes().splitlines()
    assert len(lines) == 2  # day-two and day-three, one finish record each
    reopened = JobJournal(path, now=after)
    assert reopened.result("printer", "day-three") == newest
    reopened.close()
