"""Keeping captures: data_dir/captures/YYYY/MM/DD/<job_id>.jpg, written atomically, with their sha256.

Captures are personal data (ID photos, copies of documents): each file is sealed with
AES-256-GCM under the van's key (core.sealing), created 0600 in folders 0700. The sha256
and size describe the picture itself (the JPEG), which the centre checks after the upload.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.keys import ensure_keys
from core.sealing import is_sealed, write_sealed

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


def seal_plain_captures(data_dir: Path) -> int:
    """Seal, in place, the captures written before captures were sealed; how many. Run by `govan init`."""
    key = ensure_keys(data_dir).files
    sealed = 0
    for path in sorted((data_dir / "captures").rglob("*.jpg")):
        if path.is_file() and not is_sealed(path):
            write_sealed(key, path, path.read_bytes())
            sealed += 1
    return sealed


def store_capture(data_dir: Path, when: datetime, job_id: str, jpeg: bytes) -> StoredCapture:
    path = capture_path(data_dir, when, job_id)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_sealed(ensure_keys(data_dir).files, path, jpeg)
    return StoredCapture(path=path.resolve(), sha256=hashlib.sha256(jpeg).hexdigest(), size=len(jpeg))
