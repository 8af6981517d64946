"""The job journal: so that a replayed job_id is answered again, never done twice.

An append-only JSON-lines file in the data directory, fsynced at the start and the
end of every job. A job that started but never finished (the daemon was killed)
is answered as failed "interrupted" and is not redone by itself; it stays a started
job in the file until the daemon has published that answer (`finish`).

Retention, the rule behind "never done twice": a result is kept for RETENTION after
its finish time (its `at`), however many jobs ran since. A job_id sent again within
that time is answered with the same result; after it, the job_id may be forgotten and
would run as a new job. Only age drops a result, at compaction: when the journal is
opened, and when a job finishes more than COMPACT_AFTER past the oldest result's
expiry (about hourly on a busy van). So the file holds about RETENTION of results,
plus the start records of the jobs since the last compaction. Compaction writes the
kept records to a temporary file, fsyncs it and renames it over the journal, so a
crash leaves the old file or the new one, never half of one.

Ages are told by the van's clock: a clock set back keeps results longer, one set
forward forgets them sooner.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Literal

import msgspec

from core.problems import Code, Problem
from daemon.messages import JobResult

log = logging.getLogger(__name__)
INTERRUPTED = "interrupted: the daemon stopped during this job; it was not redone, send a new job"
RETENTION = timedelta(hours=48)
# Expired results may linger this long, so that compaction runs about hourly, not after every job.
COMPACT_AFTER = timedelta(hours=1)
Key = tuple[str, str]  # (device, job_id): job ids are per device


class _Record(msgspec.Struct, omit_defaults=True):
    """One line of the file: a job started, or a job finished with its result."""

    event: Literal["start", "finish"]
    device: str
    job_id: str
    result: JobResult | None = None


_decoder = msgspec.json.Decoder(_Record)
_encoder = msgspec.json.Encoder()


def finished_at(result: JobResult) -> datetime:
    """The result's finish time; ValueError unless it is ISO-8601 with an offset."""
    at = datetime.fromisoformat(result.at)
    if at.tzinfo is None:
        raise ValueError(f"finish time {result.at!r} has no UTC offset")
    return at


class JobJournal:
    def __init__(self, path: Path, *, now: datetime, retention: timedelta = RETENTION) -> None:
        """Open (or create) the journal and compact it as of `now`, which also stamps interrupted jobs."""
        self.path = path
        self.retention = retention
        self._results: dict[Key, JobResult] = {}
        # Found started but not finished at open; answered as interrupted until `finish` records that.
        self._interrupted: dict[Key, JobResult] = {}
        self._oldest: datetime | None = None  # the oldest finish time among the results kept
        self._load(now)
        self._file = self._rewrite(now)

    def _load(self, now: datetime) -> None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        lines = data.split(b"\n")
        if lines[-1] == b"":
            lines.pop()  # every complete record ends with a newline
        unterminated = not data.endswith(b"\n")
        started: dict[Key, None] = {}
        for number, line in enumerate(lines, 1):
            try:
                record = _decoder.decode(line)
                key = (record.device, record.job_id)
                if record.event == "start":
                    self._results.pop(key, None)  # the job_id was forgotten and ran anew
                    started[key] = None
                elif record.result is None or record.result.job_id != record.job_id:
                    raise ValueError("a finish record without its own result")
                else:
                    finished_at(record.result)  # a result whose age cannot be told is unusable
                    self._results[key] = record.result
                    started.pop(key, None)
            except (msgspec.DecodeError, msgspec.ValidationError, ValueError) as error:
                if unterminated and number == len(lines):
                    # The daemon was killed while writing it; that job's other record says enough.
                    log.info("job journal %s: last line torn by a crash; dropped", self.path)
                else:
                    log.warning("job journal %s line %d unreadable (%s); skipped", self.path, number, error)
        stamp = now.isoformat(timespec="milliseconds")
        for device, job_id in started:
            result = JobResult(
                job_id=job_id, state="failed", detail=INTERRUPTED, at=stamp, problem=Problem(Code.JOB_INTERRUPTED)
            )
            self._interrupted[(device, job_id)] = result
        if started:
            log.warning(
                "job journal %s: %d job(s) cut off by a stop; they will be answered as interrupted",
                self.path,
                len(started),
            )

    def compact(self, now: datetime) -> None:
        """Drop the results older than the retention period, as of `now`; atomic."""
        self._file.close()
        self._file = self._rewrite(now)

    def _rewrite(self, now: datetime) -> BinaryIO:
        expiry = now - self.retention
        finished = {key: finished_at(result) for key, result in self._results.items()}
        self._results = {key: result for key, result in self._results.items() if finished[key] >= expiry}
        self._oldest = min((finished[key] for key in self._results), default=None)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with open(temporary, "wb") as handle:
            handle.writelines(self._line("finish", *key, result) for key, result in self._results.items())
            handle.writelines(self._line("start", *key) for key in self._interrupted)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
        _fsync_directory(self.path.parent)  # the rename itself must survive a power cut
        return open(self.path, "ab")  # kept open for appends

    @staticmethod
    def _line(event: Literal["start", "finish"], device: str, job_id: str, result: JobResult | None = None) -> bytes:
        return _encoder.encode(_Record(event=event, device=device, job_id=job_id, result=result)) + b"\n"

    def _append(self, line: bytes) -> None:
        self._file.write(line)
        self._file.flush()
        os.fsync(self._file.fileno())

    def result(self, device: str, job_id: str) -> JobResult | None:
        """The result to answer a job_id with, if that job ran (or was cut off) within the retention period."""
        key = (device, job_id)
        return self._results.get(key) or self._interrupted.get(key)

    def interrupted(self, device: str) -> list[JobResult]:
        """The device's jobs found cut off at open, not yet answered."""
        return [result for (owner, _), result in self._interrupted.items() if owner == device]

    def begin(self, device: str, job_id: str) -> None:
        self._append(self._line("start", device, job_id))

    def finish(self, device: str, result: JobResult) -> None:
        """Record a job's result; the journal's clock for compaction is the result's finish time."""
        at = finished_at(result)
        key = (device, result.job_id)
        self._interrupted.pop(key, None)
        self._results[key] = result
        self._append(self._line("finish", device, result.job_id, result))
        if self._oldest is None or at < self._oldest:
            self._oldest = at
        if at - self._oldest > self.retention + COMPACT_AFTER:
            self.compact(at)

    def close(self) -> None:
        self._file.close()


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
