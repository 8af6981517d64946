"""Read-then-write transactions: BEGIN IMMEDIATE, nesting as savepoints.

Its own module, below both db.connection (which opens the store and runs the migrations)
and db.migrations (which applies them inside one of these transactions).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database


@contextmanager
def immediate(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception.

    Taking the write lock up front lets a read-then-write transaction wait on the
    busy timeout instead of failing with "database is locked" when it upgrades.
    Inside an open transaction this nests as a savepoint, so domain operations compose.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise
