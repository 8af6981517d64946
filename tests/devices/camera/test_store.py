"""Captures on disk: where they go, their sha256, and who may read them."""

import hashlib
import stat
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from devices.camera.store import file_stem, store_capture

WHEN = datetime(2026, 5, 1, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_path_sha256_and_size_match_the_file(tmp_path: Path) -> None:
    stored = store_capture(tmp_path, WHEN, "7c1e-job", b"\xff\xd8jpeg bytes\xff\xd9")
    assert stored.path == (tmp_path / "captures/2026/05/01/7c1e-job.jpg").resolve()
    content = stored.path.read_bytes()
    assert stored.sha256 == hashlib.sha256(content).hexdigest() and stored.size == len(content)
    assert stat.S_IMODE(stored.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.path.parent.stat().st_mode) == 0o700
    assert list(stored.path.parent.iterdir()) == [stored.path]  # no .part left behind


def test_job_ids_cannot_escape_the_captures_folder(tmp_path: Path) -> None:
    stored = store_capture(tmp_path, WHEN, "../../etc/passwd", b"x")
    assert stored.path.parent == (tmp_path / "captures/2026/05/01").resolve()
    assert stored.path.name.startswith("______etc_passwd-")


def test_different_ids_never_share_a_file() -> None:
    assert file_stem("a/b") != file_stem("a_b") and file_stem("a_b") == "a_b"
    assert file_stem("任务1") != file_stem("任务2")


def test_a_repeated_job_replaces_its_file(tmp_path: Path) -> None:
    store_capture(tmp_path, WHEN, "job", b"first")
    stored = store_capture(tmp_path, WHEN, "job", b"second")
    assert stored.path.read_bytes() == b"second"
