"""Captures on disk: where they go, their sha256, and who may read them."""

import hashlib
import stat
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core import sealing
from core.keys import load_keys, write_key
from core.problems import Code
from devices.camera.store import file_stem, store_capture

WHEN = datetime(2026, 5, 1, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_path_sha256_and_size_match_the_picture_sealed_in_the_file(tmp_path: Path) -> None:
    jpeg = b"\xff\xd8jpeg bytes\xff\xd9"
    stored = store_capture(tmp_path, WHEN, "7c1e-job", jpeg)
    assert stored.path == (tmp_path / "captures/2026/05/01/7c1e-job.jpg").resolve()
    on_disk = stored.path.read_bytes()
    assert on_disk.startswith(sealing.MAGIC) and b"jpeg bytes" not in on_disk
    content = sealing.open_file(load_keys(tmp_path).files, stored.path)
    assert content == jpeg
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
    assert sealing.open_file(load_keys(tmp_path).files, stored.path) == b"second"


def test_a_sealed_capture_opens_only_with_its_key_under_its_own_name(tmp_path: Path) -> None:
    stored = store_capture(tmp_path, WHEN, "job", b"picture")
    key = load_keys(tmp_path).files
    other = tmp_path / "other"
    other.mkdir()
    write_key(other)
    with pytest.raises(sealing.SealError) as raised:
        sealing.open_file(load_keys(other).files, stored.path)
    assert raised.value.code is Code.SEAL_DOES_NOT_OPEN
    moved = stored.path.with_name("another-case.jpg")
    stored.path.rename(moved)
    with pytest.raises(sealing.SealError):
        sealing.open_file(key, moved)
    damaged = bytearray(moved.read_bytes())
    damaged[-1] ^= 1
    stored.path.write_bytes(bytes(damaged))
    with pytest.raises(sealing.SealError):
        sealing.open_file(key, stored.path)
