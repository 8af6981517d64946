"""The job journal: so that a replayed job_id is answered again, never done twice.

An append-only JSON-lines file in the data directory, fsynced at the start and the
end of every job. A job that started but never finished (the daemon was killed)
is answered as failed "interrupted" and is not redone by itself.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import msgspec

from daemon.messages import JobResult

log = logging.getLogger(__name__)
INTERRUPTED = "interrupted: the daemon stopped during this job; it was not redone, send a new job"


class JobJournal:
    def __init__(self, path: Path, *, now: str, keep: int = 2000) -> None:
        """Open (or create) the journal; `now` stamps jobs found interrupted."""
        self.path = path
        self.keep = keep
        self._results: dict[tuple[str, str], JobResult] = {}
        self._started: set[tuple[str, str]] = set()
        self._load(now)
        self._rewrite()
        self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for appends

    def _load(self, now: str) -> None:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return
        for number, line in enumerate(lines, 1):
            try:
                record = json.loads(line)
                key = (record["device"], record["job_id"])
                if record["event"] == "start":
                    self._started.add(key)
                else:
                    self._results[key] = msgspec.convert(record["result"], JobResult)
                    self._started.discard(key)
            except (ValueError, KeyError, TypeError, msgspec.ValidationError):
                # A torn last line after a crash is expected; anything else is worth a word.
                log.warning("job journal %s line %d unreadable; skipped", self.path, number)
        for device, job_id in self._started:
            self._results[(device, job_id)] = JobResult(job_id=job_id, state="failed", detail=INTERRUPTED, at=now)
        self._started.clear()

    def _rewrite(self) -> None:
        """Compact to the newest `keep` results, atomically."""
        newest = list(self._results.items())[-self.keep :]
        self._results = dict(newest)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            for (device, _), result in newest:
                handle.write(self._line("finish", device, result.job_id, result))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)

    @staticmethod
    def _line(event: str, device: str, job_id: str, result: JobResult | None = None) -> str:
        record: dict[str, object] = {"event": event, "device": device, "job_id": job_id}
        if result is not None:
            record["result"] = msgspec.to_builtins(result)
        return json.dumps(record, ensure_ascii=False) + "\n"

    def _append(self, line: str) -> None:
        self._file.write(line)
        self._file.flush()
        os.fsync(self._file.fileno())

    def result(self, device: str, job_id: str) -> JobResult | None:
        return self._results.get((device, job_id))

    def begin(self, device: str, job_id: str) -> None:
        self._append(self._line("start", device, job_id))

    def finish(self, device: str, result: JobResult) -> None:
        self._results[(device, result.job_id)] = result
        self._append(self._line("finish", device, result.job_id, result))
        if len(self._results) > 2 * self.keep:
            self._file.close()
            self._rewrite()
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115

    def close(self) -> None:
        self._file.close()
