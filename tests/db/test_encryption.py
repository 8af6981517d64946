"""The store is encrypted at rest (SQLCipher), opened only by db.open_store, and a plain
store from before is encrypted once, with a sealed backup and every row kept."""

from __future__ import annotations

import ast
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import db
from core import sealing
from core.keys import KEY_FILE_NAME, load_keys, write_key
from core.problems import Code
from db import cases
from db.connection import is_plain
from tests.db.support import Van, at, id_number
from tests.db.test_metrics import run_shift

ROOT = Path(__file__).resolve().parents[2]
# A citizen as the desk records one: these must never appear in the clear in the data directory.
NUMBER = id_number("19580314", "517")
NAME = "欧阳明珠"
ADDRESS = "深圳市龙岗区坂田街道五和大道南168号"
PHONE = "13912345678"


def secrets_in(folder: Path) -> dict[str, list[str]]:
    """For each file in the folder (db, -wal, -shm, key, backups), the personal values found in it."""
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            hits = [value for value in (NUMBER, NAME, ADDRESS, PHONE) if value.encode("utf-8") in data]
            found[path.name] = hits
    return found


def full_day(van: Van) -> None:
    """A shift's queue, then a citizen with a case posted home, a reveal and a second visit."""
    run_shift(van)
    citizen = db.find_or_create_citizen(
        van.db, NUMBER, name=NAME, phone=PHONE, address=ADDRESS, staff_id=van.s1, now=at(50)
    )
    ticket = db.issue_ticket(van.db, van.trip_id, category="A", citizen_id=citizen.id, now=at(50))
    leftover = db.call_next(van.db, van.trip_id, "1", now=at(51))  # A007, still waiting from the shift
    assert leftover is not None and leftover.id != ticket.id
    db.mark_no_show(van.db, leftover.id, now=at(51))
    assert db.call_next(van.db, van.trip_id, "1", now=at(51)).id == ticket.id  # type: ignore[union-attr]
    db.start_service(van.db, ticket.id, now=at(51))
    case = db.open_case(van.db, "residence_permit", van.s1, ticket_id=ticket.id, now=at(51))
    cases.set_citizen(van.db, case.id, citizen.id)
    db.record_outcome(van.db, case.id, "accepted_forwarded", delivery="post", delivery_address=ADDRESS, now=at(55))
    db.finish(van.db, ticket.id, now=at(56))
    assert db.get_citizen(van.db, citizen.id, staff_id=van.captain, purpose="回访核对", now=at(60)).name == NAME


def test_a_new_store_is_encrypted_and_private(tmp_path: Path) -> None:
    path = tmp_path / "govan.db"
    store = db.open_store(path)
    store.execute("CREATE TABLE probe (x TEXT)")
    store.execute("INSERT INTO probe VALUES (?)", [NUMBER])
    assert store.conn.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
    files = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    assert files == {"govan.db": 0o600, "govan.db-wal": 0o600, "govan.db-shm": 0o600, KEY_FILE_NAME: 0o600}
    assert not is_plain(path)
    store.close()
    assert NUMBER.encode() not in path.read_bytes()


def test_nothing_personal_in_the_clear_anywhere_in_the_data_directory_after_a_full_day(van: Van) -> None:
    full_day(van)
    # While open: the day's pages sit in the WAL (encrypted frames); the SHM holds only the index.
    assert (van.path.parent / "govan.db-wal").stat().st_size > 0
    assert secrets_in(van.path.parent) == {name: [] for name in secrets_in(van.path.parent)}
    van.db.close()
    # Closed (checkpointed): everything in the main file.
    assert secrets_in(van.path.parent) == {name: [] for name in secrets_in(van.path.parent)}
    again = db.open_store(van.path)
    assert next(again.query("SELECT COUNT(*) AS n FROM citizens WHERE id_number = ?", [NUMBER]))["n"] == 1
    again.close()


def test_the_check_itself_finds_a_plain_store(tmp_path: Path) -> None:
    """The grep above can fail: on a plain SQLite file it finds the same day's values."""
    import sqlite3

    with sqlite3.connect(tmp_path / "plain.db") as conn:  # noqa: TID251 - the unencrypted store an old van has
        conn.execute("CREATE TABLE citizens (id_number TEXT, name TEXT, address TEXT, phone TEXT)")
        conn.execute("INSERT INTO citizens VALUES (?, ?, ?, ?)", [NUMBER, NAME, ADDRESS, PHONE])
    conn.close()
    assert secrets_in(tmp_path) == {"plain.db": [NUMBER, NAME, ADDRESS, PHONE]}


@pytest.fixture
def plain_van(tmp_path: Path) -> Iterator[Path]:
    """A store as a van had it before encryption: plain SQLite, migrated, with a day in it."""
    import sqlite3

    import sqlite_utils

    from db import catalogue, migrations

    path = tmp_path / "govan.db"
    conn = sqlite3.connect(path, isolation_level=None)  # noqa: TID251 - the unencrypted store an old van has
    conn.execute("PRAGMA journal_mode = WAL")
    store = sqlite_utils.Database(conn)
    migrations.migrate(store)
    catalogue.load_default(store, now=at(0))
    db.find_or_create_citizen(store, NUMBER, name=NAME, address=ADDRESS, phone=PHONE, now=at(1))
    yield path
    conn.close()


def test_a_plain_store_is_encrypted_once_with_a_sealed_backup_and_every_row_kept(plain_van: Path) -> None:
    path = plain_van
    assert is_plain(path) and not (path.parent / KEY_FILE_NAME).exists()
    before = secrets_in(path.parent)
    assert NUMBER in before["govan.db"] + before.get("govan.db-wal", [])
    plain_bytes = path.read_bytes()  # not checkpointed yet: the migration checkpoints first

    store = db.open_store(path)
    assert not is_plain(path)
    assert {p.name for p in path.parent.iterdir() if p.name.endswith(".sealed")} != set()
    citizen = next(store.query("SELECT * FROM citizens"))
    assert (citizen["id_number"], citizen["name"], citizen["address"]) == (NUMBER, NAME, ADDRESS)
    assert db.list_items(store) != []
    store.close()
    assert all(hits == [] for hits in secrets_in(path.parent).values())

    # The backup is the plain file as it was (checkpointed), sealed with the van's key.
    (backup,) = path.parent.glob("govan.db.plain-*.sealed")
    restored = sealing.open_file(load_keys(path.parent).files, backup)
    assert restored.startswith(b"SQLite format 3\x00") and len(restored) >= len(plain_bytes)
    assert NUMBER.encode() in restored

    # Only once: opening again migrates nothing and makes no second backup.
    db.open_store(path).close()
    assert len(list(path.parent.glob("govan.db.plain-*.sealed"))) == 1


def test_an_encrypted_store_without_its_key_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "govan.db"
    db.open_store(path).close()
    (tmp_path / KEY_FILE_NAME).rename(tmp_path / "elsewhere.key")
    with pytest.raises(db.StoreError) as raised:
        db.open_store(path)
    assert raised.value.code is Code.KEY_MISSING


def test_another_key_does_not_open_the_store(tmp_path: Path) -> None:
    path = tmp_path / "govan.db"
    db.open_store(path).close()
    (tmp_path / KEY_FILE_NAME).unlink()
    write_key(tmp_path)
    with pytest.raises(db.StoreError) as raised:
        db.open_store(path)
    assert raised.value.code is Code.STORE_NOT_USABLE


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    db.open_store(tmp_path / "govan.db").close()
    (tmp_path / KEY_FILE_NAME).chmod(0o644)
    with pytest.raises(db.StoreError) as raised:
        db.open_store(tmp_path / "govan.db")
    assert raised.value.problem.params == {"path": str(tmp_path / KEY_FILE_NAME), "mode": "0644"}


def test_the_key_comes_from_systemd_credentials_when_the_unit_has_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = tmp_path / "credentials"
    data = tmp_path / "data"
    credentials.mkdir()
    data.mkdir()
    write_key(credentials)  # what `systemd-creds decrypt` hands the unit
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    db.open_store(data / "govan.db").close()
    assert not (data / KEY_FILE_NAME).exists()  # no key is written beside the store
    monkeypatch.delenv("CREDENTIALS_DIRECTORY")
    write_key(data)  # another key: the store does not open with it
    with pytest.raises(db.StoreError):
        db.open_store(data / "govan.db")


def test_only_the_opener_wraps_a_connection_in_a_database() -> None:
    """`sqlite_utils.Database(path)` would create a plain file; ruff bans sqlite3.connect, this finds the rest."""
    callers = []
    for folder in (
        "core",
        "db",
        "flows",
        "sync",
        "central",
        "daemon",
        "devices",
        "govan",
        "tui",
        "web",
        "bench",
        "tests",
    ):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                    if name == "Database":
                        callers.append(str(path.relative_to(ROOT)))
    # The opener, the plain floor of the encryption benchmark, and the plain store an old van had
    # (test_a_plain_store_is_encrypted_once…).
    assert sorted(callers) == ["bench/encryption.py", "db/connection.py", "tests/db/test_encryption.py"]


def test_a_store_others_could_read_is_made_private_when_opened(tmp_path: Path) -> None:
    """main's govan.db was 0644: the next open leaves it 0600."""
    path = tmp_path / "govan.db"
    db.open_store(path).close()
    path.chmod(0o644)
    store = db.open_store(path)
    store.execute("CREATE TABLE probe (x TEXT)")
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir() if p.name.startswith("govan.db")} == {
        "govan.db": 0o600,
        "govan.db-wal": 0o600,
        "govan.db-shm": 0o600,
    }
    store.close()
