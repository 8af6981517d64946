"""Keeping captures: data_dir/captures/YYYY/MM/DD/<job_id>.jpg, written atomically, with their sha256.

Captures are personal data (ID photos, copies of documents): files are created 0600 and
their folders 0700, so only the daemon's user can read them.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class StoredCapture:
    path: Path
    sha256: str
    size: int


def capture_path(data_dir: Path, when: datetime, job_id: str) -> Path:
    return data_dir / "captures" / f"{when:%Y}" / f"{when:%m}" / f"{when:%d}" / f"{file_stem(job_id)}.jpg"


def file_stem(job_id: str) -> str:
    """The job id as a file name; ids with other characters get a hash so they stay distinct."""
    safe = UNSAFE.sub("_", job_id)
    if safe == job_id:
        return safe
    return f"{safe}-{hashlib.sha256(job_id.encode()).hexdigest()[:12]}"


def store_capture(data_dir: Path, when: datetime, job_id: str, jpeg: bytes) -> StoredCapture:
    path = capture_path(data_dir, when, job_id)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(jpeg)
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, path)
    return StoredCapture(path=path.resolve(), sha256=hashlib.sha256(jpeg).hexdigest(), size=len(jpeg))
