"""`govan sync status`: how far behind the van's link to the centre is, from the store alone.

`central` is "connected" when something came down from the centre within three heartbeats;
a `govan sync` that is not running hears nothing, so that reads "unreachable" too.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from db import outbox, uplink
from govan.config import Config
from sync.link import HEARD_AT, LAST_ACK_AT

__all__ = ["SyncStatus", "read_status", "run_status"]

EXIT_OK, EXIT_ALARM = 0, 1


@dataclass(frozen=True)
class SyncStatus:
    central: str  # "connected" | "unreachable"
    outbox_pending: int
    oldest_pending_at: str | None
    last_ack_at: str | None


def read_status(db: Database, config: Config, *, now: datetime | None = None) -> SyncStatus:
    moment = now or datetime.now(UTC)
    heard = uplink.get_state(db, HEARD_AT)
    fresh = heard is not None and moment - datetime.fromisoformat(heard) <= timedelta(
        seconds=3 * config.sync.heartbeat_s
    )
    backlog = outbox.backlog(db)
    return SyncStatus(
        "connected" if fresh else "unreachable", backlog.pending, backlog.oldest_at, uplink.get_state(db, LAST_ACK_AT)
    )


def alarming(status: SyncStatus, config: Config, *, now: datetime | None = None) -> bool:
    """Something has waited longer than sync.alarm_minutes."""
    if status.oldest_pending_at is None:
        return False
    moment = now or datetime.now(UTC)
    return moment - datetime.fromisoformat(status.oldest_pending_at) > timedelta(minutes=config.sync.alarm_minutes)


def format_status(status: SyncStatus) -> str:
    return "\n".join(
        [
            f"central            {status.central}",
            f"outbox pending     {status.outbox_pending}",
            f"oldest pending at  {status.oldest_pending_at or '-'}",
            f"last ack at        {status.last_ack_at or '-'}",
        ]
    )


def run_status(config: Config, *, as_json: bool) -> int:
    from db.connection import open_store

    db = open_store(config.database_path)
    try:
        status = read_status(db, config)
    finally:
        db.close()
    print(json.dumps(asdict(status), ensure_ascii=False) if as_json else format_status(status))
    return EXIT_ALARM if alarming(status, config) else EXIT_OK
