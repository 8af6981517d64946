"""`filedrop`: a spool folder the province's side picks up. One folder per case, named by its key:

    {spool}/{van_id}-{case_id}/manifest.json      what the case is (Bundle.manifest)
    {spool}/{van_id}-{case_id}/{id}-{kind}.jpg    each attachment, checked against its sha256
    {spool}/{van_id}-{case_id}/receipt.json       written by the back office: {"state": "accepted"|"rejected",
                                                  "reference": "…"}

A folder appears whole (it is written beside the spool and renamed in), so a reader never
sees half a case; a case already there is not written again.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from central.connectors.base import STATES, Bundle, Receipt, file_name

__all__ = ["FileDrop"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class FileDrop:
    name = "filedrop"

    def __init__(self, spool: Path) -> None:
        self.spool = spool

    def submit(self, bundle: Bundle) -> Receipt:
        self.spool.mkdir(parents=True, exist_ok=True)
        target = self.spool / bundle.key
        if (target / "manifest.json").exists():
            return Receipt("delivered", bundle.key, _now())
        staging = Path(tempfile.mkdtemp(prefix=f".{bundle.key}-", dir=self.spool))
        try:
            for attachment in bundle.attachments:
                if attachment.content is not None:
                    _write(staging / file_name(attachment), attachment.content)
            _write(staging / "manifest.json", json.dumps(bundle.manifest(), ensure_ascii=False, indent=2).encode())
            staging.chmod(0o750)
            staging.rename(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return Receipt("delivered", bundle.key, _now())

    def status(self, van_id: str, case_id: int) -> Receipt | None:
        path = self.spool / f"{van_id}-{case_id}" / "receipt.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
            return None
        state = data.get("state") if isinstance(data, dict) else None
        if state not in STATES[1:]:
            return None
        reference = data.get("reference")
        return Receipt(state, str(reference) if reference else None, str(data.get("at") or _now()))


def _write(path: Path, content: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
