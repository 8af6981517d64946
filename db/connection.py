"""Opening the store: the key, pragmas, then the schema brought up to date.

The store is a SQLCipher 4 file (AES-256 pages, HMAC per page, the WAL encrypted too),
opened through the `sqlcipher3` driver. This module is the only place that opens a
database: plain `sqlite3.connect` and `sqlite_utils.Database(path)` are banned elsewhere
(pyproject.toml, ruff TID251), because opening a new path with them silently creates an
unencrypted file. The key comes from core.keys (systemd credential or 0600 key file).

Several `govan tui` processes share one file, so every connection uses WAL, a
busy timeout, foreign keys and synchronous=FULL (every commit here is a ticket,
a case or something hanging off one, and each must survive a power cut).

A plain file from before encryption is encrypted once, on first open: a sealed backup of
it first (core.sealing, with the same key), then an encrypted copy whose every table must
count the same rows, then the copy takes the file's place.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2
from sqlite_utils import Database

from core import sealing
from core.keys import KEY_FILE_NAME, KeyFileError, VanKeys, key_path, load_keys, write_key
from core.problems import Code
from db.errors import StoreError
from db.migrations import migrate as apply_migrations

# Re-exported: the domain modules take `immediate` from here; it lives in db.transactions so
# that the migrations can use it without importing this module, which runs them.
from db.transactions import immediate as immediate

__all__ = [
    "DEFAULT_BUSY_TIMEOUT_S",
    "DatabaseError",
    "DriverError",
    "IntegrityError",
    "OperationalError",
    "files_key",
    "immediate",
    "is_plain",
    "open_store",
    "store_keys",
]

DEFAULT_BUSY_TIMEOUT_S = 10.0
_PLAIN_HEADER = b"SQLite format 3\x00"

# The driver's exceptions (not the standard library's: sqlcipher3 has classes of its own).
DriverError: Any = dbapi2.Error
DatabaseError: Any = dbapi2.DatabaseError
IntegrityError: Any = dbapi2.IntegrityError
OperationalError: Any = dbapi2.OperationalError


def open_store(
    path: str | os.PathLike[str],
    *,
    busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
    migrate: bool = True,
) -> Database:
    """Open (creating if needed) the encrypted store file and bring its schema up to date."""
    path = Path(path)
    if not path.parent.is_dir():
        raise StoreError(Code.STORE_NO_DIRECTORY, path=str(path.parent))
    keys = store_keys(path)
    if is_plain(path):
        _encrypt_plain(path, keys)
    _create_private(path)
    # isolation_level=None: the driver never opens transactions behind our back;
    # sqlite-utils and immediate() open them explicitly.
    try:
        conn = dbapi2.connect(str(path), timeout=busy_timeout_s, isolation_level=None)
    except DriverError as error:
        raise StoreError(Code.STORE_CANNOT_OPEN, path=str(path), detail=str(error)) from None
    try:
        conn.execute(f"PRAGMA key = {keys.sqlcipher_pragma}")
        db = Database(conn)
        _set_pragmas(db, busy_timeout_s)
        if migrate:
            apply_migrations(db)
    except DatabaseError as error:
        conn.close()
        raise StoreError(Code.STORE_NOT_USABLE, path=str(path), detail=str(error)) from None
    return db


def store_keys(path: Path) -> VanKeys:
    """The keys for the store at `path`; a new store (or a plain one) without a key gets one."""
    data_dir = path.parent
    new_or_plain = not path.exists() or path.stat().st_size == 0 or is_plain(path)
    if new_or_plain and key_path(data_dir) == data_dir / KEY_FILE_NAME:
        try:
            write_key(data_dir)
        except OSError as error:
            raise StoreError(Code.STORE_CANNOT_OPEN, path=str(path), detail=f"cannot write its key: {error}") from None
    try:
        return load_keys(data_dir)
    except KeyFileError as error:
        raise StoreError(error.code, **error.problem.params) from None


def files_key(db: Database) -> bytes:
    """The key that seals this store's captures: the one beside it (or its credential)."""
    main = next(row for row in db.conn.execute("PRAGMA database_list") if row[1] == "main")
    return store_keys(Path(main[2])).files


def is_plain(path: Path) -> bool:
    """True for an unencrypted SQLite file (its header is readable text)."""
    try:
        with path.open("rb") as file:
            return file.read(len(_PLAIN_HEADER)) == _PLAIN_HEADER
    except FileNotFoundError:
        return False


def _create_private(path: Path) -> None:
    """The file exists and only its owner can read it; SQLite gives the WAL and SHM the same mode."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            # Another owner's file keeps its mode: SQLCipher still protects its contents.
            with contextlib.suppress(PermissionError):
                path.chmod(0o600)


def _encrypt_plain(path: Path, keys: VanKeys) -> None:
    # One process encrypts; the others wait here, then find the file encrypted.
    with (path.parent / f".{path.name}.encrypting.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not is_plain(path):
            return
        target = path.with_name(f"{path.name}.encrypting")
        target.unlink(missing_ok=True)
        plain = dbapi2.connect(str(path), isolation_level=None)
        try:
            plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            sealing.write_sealed(keys.files, path.with_name(f"{path.name}.plain-{stamp}.sealed"), path.read_bytes())
            tables = [
                row[0]
                for row in plain.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            counts = {table: _count(plain, table) for table in tables}
            version = plain.execute("PRAGMA user_version").fetchone()[0]
            _create_private(target)
            plain.execute(f"ATTACH DATABASE ? AS encrypted KEY {keys.sqlcipher_pragma}", [str(target)])
            plain.execute("SELECT sqlcipher_export('encrypted')")
            plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
            plain.execute("DETACH DATABASE encrypted")
        finally:
            plain.close()
        encrypted = dbapi2.connect(str(target), isolation_level=None)
        try:
            encrypted.execute(f"PRAGMA key = {keys.sqlcipher_pragma}")
            for table, count in counts.items():
                if _count(encrypted, table) != count:
                    raise StoreError(Code.STORE_MIGRATION_LOST_ROWS, path=str(path), table=table)
        finally:
            encrypted.close()
        target.replace(path)
        for leftover in ("-wal", "-shm"):
            path.with_name(path.name + leftover).unlink(missing_ok=True)


def _count(conn: Any, table: str) -> int:
    quoted = table.replace('"', '""')
    return int(conn.execute(f'SELECT COUNT(*) FROM "{quoted}"').fetchone()[0])


def _set_pragmas(db: Database, busy_timeout_s: float) -> None:
    conn = db.conn
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    # journal_mode is persistent in the file; only the first opener switches it.
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
