"""`govan init` on a new van writes the key (0600) and an encrypted store; on a van from
before encryption it encrypts the store and seals the captures, keeping everything."""

from __future__ import annotations

import hashlib
import stat
import subprocess
import sys
from pathlib import Path

import db
from core import sealing
from core.keys import KEY_FILE_NAME, load_keys
from db.connection import is_plain
from tests.db.support import id_number
from tests.support.van import write_config

NUMBER = id_number("19700101", "215")


def init(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govan", "init", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_a_new_van_gets_a_private_key_and_an_encrypted_store(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    out = init(config).stdout
    data = tmp_path / "data"
    assert f"wrote the store's key {data / KEY_FILE_NAME}" in out
    assert stat.S_IMODE((data / KEY_FILE_NAME).stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "govan.db").stat().st_mode) == 0o600
    assert not is_plain(data / "govan.db")
    assert "wrote the store's key" not in init(config).stdout  # kept, never replaced


def test_an_old_van_is_encrypted_once_and_loses_nothing(tmp_path: Path) -> None:
    import sqlite3

    config = write_config(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(data / "govan.db") as conn:  # noqa: TID251 - the plain store of a van from before
        conn.execute("CREATE TABLE notes (id_number TEXT)")
        conn.execute("INSERT INTO notes VALUES (?)", [NUMBER])
    conn.close()
    picture = b"\xff\xd8 an ID photo from last week \xff\xd9" * 50
    old = data / "captures" / "2026" / "12" / "01" / "job-1.jpg"
    old.parent.mkdir(parents=True)
    old.write_bytes(picture)

    out = init(config).stdout
    assert "sealed 1 captures" in out and f"encrypted the plain database {data / 'govan.db'}" in out
    assert not is_plain(data / "govan.db") and old.read_bytes().startswith(sealing.MAGIC)
    key = load_keys(data).files
    assert hashlib.sha256(sealing.open_capture(key, old)).hexdigest() == hashlib.sha256(picture).hexdigest()
    store = db.open_store(data / "govan.db")
    assert [row["id_number"] for row in store.query("SELECT id_number FROM notes")] == [NUMBER]
    assert "service_items" in store.table_names()
    store.close()
    assert "sealed" not in init(config).stdout.replace("sealed backup", "")  # nothing left to seal
    for path in data.rglob("*"):
        if path.is_file():
            assert NUMBER.encode() not in path.read_bytes() and picture not in path.read_bytes(), path
