"""The running link: collect, send what is due, take in acks and receipts, say we are here.

One MQTT session on the van's broker, as the sync user, persistent, so what comes down while
`govan sync` is stopped waits for it (and if it is lost anyway, the centre sends it again).
An entry sent and not acknowledged is sent again after `sync.retry_s`, doubling each try up
to `sync.retry_cap_s`; the centre stores by (van_id, msg_id), so a repeat takes effect once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from sqlite_utils import Database

from core.centre import (
    ACK,
    DOWN_KINDS,
    HEARTBEAT,
    Envelope,
    EnvelopeError,
    ack,
    down_topic,
    new_msg_id,
    parse,
    up_topic,
)
from core.tasks import cancel_and_wait
from daemon.bus import Connection
from daemon.credentials import broker_address
from db import outbox, plans, retention, uplink
from db.connection import open_store
from govan.config import Config
from sync.bodies import envelope

__all__ = ["HEARD_AT", "LAST_ACK_AT", "Link", "retry_delay"]

log = logging.getLogger(__name__)
HEARD_AT = "central_heard_at"  # the last time anything came down from the centre
LAST_ACK_AT = "last_ack_at"  # the last time the centre acknowledged an outbox entry
TICK_S = 0.25
COLLECT_EVERY_S = 2.0
PURGE_EVERY_S = 3600.0


def retry_delay(attempts: int, first_s: float, cap_s: float) -> float:
    """How long to wait for an ack after the (attempts+1)-th send."""
    return min(first_s * (2 ** min(attempts, 20)), cap_s)


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


class Link:
    def __init__(self, config: Config, db: Database | None = None) -> None:
        self.config = config
        self.db = db or open_store(config.database_path)
        prefix = config.mqtt.topic_prefix
        self.up = up_topic(prefix, config.van_id)
        self.down = down_topic(prefix, config.van_id)
        self.connection = Connection(
            broker_address(config, "sync"),
            persistent=True,
            keepalive=config.mqtt.keepalive,
            subscriptions=[self.down],
            on_message=self._on_message,
        )
        self.sent = 0
        self.acknowledged = 0

    async def run(self, stop: asyncio.Event) -> None:
        session = asyncio.create_task(self.connection.run())
        loop = asyncio.get_running_loop()
        next_collect = next_heartbeat = next_purge = 0.0
        try:
            while not stop.is_set():
                now = loop.time()
                if now >= next_collect:
                    collected = uplink.collect(self.db)
                    if collected.total:
                        log.info("queued %d messages for the centre", collected.total)
                    next_collect = now + COLLECT_EVERY_S
                if now >= next_purge:
                    self._purge()
                    next_purge = now + PURGE_EVERY_S
                if self.connection.connected.is_set():
                    if now >= next_heartbeat:
                        self._heartbeat()
                        next_heartbeat = now + self.config.sync.heartbeat_s
                    self._send_due()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(TICK_S):
                        await stop.wait()
            await self.connection.drain(2.0)
        finally:
            await cancel_and_wait(session)  # the MQTT session awaits aiomqtt

    def _purge(self) -> None:
        """Retention runs where the centre's acks arrive: what the centre holds is purged here after
        `[service] retention_days` (db.retention; one audit entry per run, by id, never by value)."""
        report = retention.purge(self.db, self.config.service.retention_days)
        if report.citizens or report.attachments or report.cases_with_address:
            log.info(
                "retention purged %d citizens, %d files, %d addresses (audit #%d)",
                len(report.citizens),
                report.files_deleted,
                len(report.cases_with_address),
                report.audit_id,
            )

    def _send_due(self) -> None:
        sync = self.config.sync
        # At most sync.in_flight unacknowledged at once, so a van catching up never floods the centre's queue
        # (mosquitto drops QoS 1 messages past max_queued_messages without a word: STACK.md).
        room = sync.in_flight - outbox.awaiting(self.db)
        if room <= 0:
            return
        messages = outbox.due(self.db, limit=room)
        if not messages:
            return
        for message in messages:
            self.connection.publish(self.up, envelope(self.db, message).encode())
        # Entries that were tried alike wait alike; group them to keep the update short.
        by_attempts: dict[int, list[int]] = {}
        for message in messages:
            by_attempts.setdefault(message.attempts, []).append(message.id)
        for attempts, ids in by_attempts.items():
            outbox.mark_tried(self.db, ids, retry_after_s=retry_delay(attempts, sync.retry_s, sync.retry_cap_s))
        self.sent += len(messages)

    def _heartbeat(self) -> None:
        backlog = outbox.backlog(self.db)
        body = {"outbox_pending": backlog.pending, "oldest_pending_at": backlog.oldest_at}
        self.connection.publish(self.up, Envelope(new_msg_id(), HEARTBEAT, _stamp(_now()), body).encode())

    async def _on_message(self, topic: str, payload: bytes) -> None:
        if topic != self.down:
            return
        try:
            message = parse(payload, DOWN_KINDS)
        except EnvelopeError as error:
            log.warning("ignored a message from the centre: %s", error)
            return
        stamp = _stamp(_now())
        uplink.set_state(self.db, HEARD_AT, stamp)
        if message.kind == ACK:
            done = outbox.acknowledge(self.db, message.body["acks"])
            if done:
                self.acknowledged += done
                uplink.set_state(self.db, LAST_ACK_AT, stamp)
            return
        self._apply(message)
        # Stored, or never storable (resending it would not make it better): acknowledged either way.
        self.connection.publish(self.up, ack([message.msg_id], stamp).encode())

    def _apply(self, message: Envelope) -> None:
        """Store what came down: the week's plan, a booking, a receipt of the back office, where a mailed result is."""
        body = message.body
        planned = {
            "plan.week": plans.apply_week,
            "booking.confirmed": plans.apply_booking,
            "booking.cancelled": plans.cancel_booking,
        }.get(message.kind)
        if planned is not None:
            if not planned(self.db, body):
                log.warning(
                    "ignored %s %s from the centre: malformed or older than what is kept", message.kind, message.msg_id
                )
            return
        case_id = body.get("case_id")
        if not isinstance(case_id, int):
            log.warning("ignored %s %s from the centre: no case_id", message.kind, message.msg_id)
            return
        if message.kind == "case.receipt":
            stored = uplink.apply_receipt(
                self.db, case_id, str(body.get("state")), body.get("reference"), str(body.get("at") or message.at)
            )
        else:
            stored = uplink.apply_tracking(self.db, case_id, str(body.get("state")), str(body.get("at") or message.at))
        if not stored:
            log.warning("ignored %s %s from the centre: unknown case or state", message.kind, message.msg_id)


def serve(config: Config) -> int:
    """`govan sync` in the foreground until SIGTERM or SIGINT; 0 on a clean stop."""
    import signal

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        link = Link(config)
        log.info("govan sync: %s → centre, %s ← centre", link.up, link.down)
        try:
            await link.run(stop)
        finally:
            link.db.close()
        log.info("govan sync stopped: %d sent, %d acknowledged", link.sent, link.acknowledged)

    asyncio.run(main())
    return 0
