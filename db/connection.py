"""Opening the store: pragmas, then the schema brought up to date.

Several `govan tui` processes share one file, so every connection uses WAL, a
busy timeout, foreign keys and synchronous=FULL (every commit here is a ticket,
a case or something hanging off one, and each must survive a power cut).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from core.problems import Code
from db.errors import StoreError
from db.migrations import migrate as apply_migrations

# Re-exported: the domain modules take `immediate` from here; it lives in db.transactions so
# that the migrations can use it without importing this module, which runs them.
from db.transactions import immediate as immediate

DEFAULT_BUSY_TIMEOUT_S = 10.0


def open_store(
    path: str | os.PathLike[str],
    *,
    busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
    migrate: bool = True,
) -> Database:
    """Open (creating if needed) the store file and bring its schema up to date."""
    path = Path(path)
    if not path.parent.is_dir():
        raise StoreError(Code.STORE_NO_DIRECTORY, path=str(path.parent))
    # isolation_level=None: the driver never opens transactions behind our back;
    # sqlite-utils and immediate() open them explicitly.
    try:
        conn = sqlite3.connect(str(path), timeout=busy_timeout_s, isolation_level=None)
    except sqlite3.Error as error:
        raise StoreError(Code.STORE_CANNOT_OPEN, path=str(path), detail=str(error)) from None
    db = Database(conn)
    try:
        _set_pragmas(db, busy_timeout_s)
        if migrate:
            apply_migrations(db)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise StoreError(Code.STORE_NOT_USABLE, path=str(path), detail=str(error)) from None
    return db


def _set_pragmas(db: Database, busy_timeout_s: float) -> None:
    conn = db.conn
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    # journal_mode is persistent in the file; only the first opener switches it.
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
