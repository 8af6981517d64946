"""`govan central`: the centre's service, in one asyncio process.

- **Ingest**: one persistent MQTT session on the centre's broker, subscribed to
  `{prefix}/+/central/up`. Messages are taken in batches (up to BATCH, or what came within
  BATCH_WAIT_S), stored in one transaction (central.store.take_in), and only after the
  commit is each van sent one `ack` naming the batch's msg_ids. A crash before the commit
  loses nothing: the vans send again.
- **Down**: what waits in `down_outbox` (receipts, tracking) is sent, and sent again with
  backoff until the van acknowledges it.
- **Back office**: accepted cases are handed to the connector, retried with backoff; its
  receipts, and the back office's later word, go down to the van.
- **Tracking**: mailed results are looked up with the TrackingProvider; a result returned
  or refused opens a follow-up.
"""

from __future__ import annotations

import asyncio
import logging
import stat
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiomqtt
import psycopg

from central import store, views
from central.connectors import Attachment, Bundle, Connector, ConnectorError, Receipt, make_connector
from central.errors import CentralError
from central.postgres import LocalPostgres
from central.tracking import SimTracking, TrackingProvider
from core.centre import UP_KINDS, Envelope, EnvelopeError, ack, down_topic, parse, van_of
from core.tasks import cancel_and_wait
from core.waybill import PROBLEM_STATES
from govan.config import Config
from planning.reminders import LogSender, SmsSender, send_due

__all__ = ["Centre", "database_url", "serve"]

log = logging.getLogger(__name__)
BATCH = 500
BATCH_WAIT_S = 0.05
DOWN_RETRY_S = 15.0
DOWN_RETRY_CAP_S = 600.0
BACKOFFICE_RETRY_S = 10.0
BACKOFFICE_RETRY_CAP_S = 1800.0
STATUS_EVERY_S = 30.0  # how often the back office is asked about a delivered case
TRACK_EVERY_S = 60.0  # how often a waybill is looked up
# How often each worker looks for work.
DOWN_POLL_S = 0.5
BACKOFFICE_POLL_S = 1.0
TRACK_POLL_S = 5.0
REMINDER_POLL_S = 30.0


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime | None = None) -> str:
    return (moment or _now()).isoformat(timespec="milliseconds")


def central_dir(config: Config) -> Path:
    return config.data_path / "central"


def database_url(config: Config, *, start: bool = True) -> tuple[str, LocalPostgres | None]:
    """The store's URL; for "embedded", the local server (started when `start`, else only found running)."""
    url = config.central.database_url
    if url != "embedded":
        return url, None
    if not start:
        return views.store_url(config), None
    server = LocalPostgres(central_dir(config) / "pgdata")
    return server.start(), server


def read_secret(path: str, key: str) -> str:
    """A password or key file that only its owner may read."""
    file = Path(path)
    try:
        mode = file.stat().st_mode
        text = file.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise CentralError(f"{key} = {path!r}: cannot read it ({error.strerror})") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CentralError(f"{key} = {path!r}: readable by others; run chmod 600 on it")
    if not text:
        raise CentralError(f"{key} = {path!r}: the file is empty")
    return text


def mqtt_client(config: Config) -> aiomqtt.Client:
    central = config.central
    url = urlsplit(central.mqtt_url)
    tls = url.scheme == "mqtts"
    password = read_secret(central.password_file, "central.password_file") if central.password_file else None
    identifier = central.username or "govan-central"
    return aiomqtt.Client(
        url.hostname or "127.0.0.1",
        url.port or (8883 if tls else 1883),
        username=central.username,
        password=password,
        identifier=identifier,
        protocol=aiomqtt.ProtocolVersion.V311,
        clean_session=False,
        keepalive=config.mqtt.keepalive,
        timeout=10,
        tls_params=aiomqtt.TLSParameters(ca_certs=central.ca_file) if tls else None,
    )


def tracking_provider(config: Config) -> TrackingProvider | None:
    return SimTracking() if config.central.tracking == "sim" else None


class Centre:
    def __init__(
        self, config: Config, url: str, *, connector: Connector | None = None, tracking: TrackingProvider | None = None
    ) -> None:
        self.config = config
        self.url = url
        self.prefix = config.mqtt.topic_prefix
        self.blobs = store.Blobs(central_dir(config) / "blobs")
        self.connector = connector
        self.tracking = tracking
        # Booking reminders (planning/reminders.py): no SMS gateway is configured by default; it logs.
        self.sms: SmsSender = LogSender()
        self.incoming: asyncio.Queue[tuple[str, Envelope]] = asyncio.Queue()
        self.client: aiomqtt.Client | None = None
        self.connected = asyncio.Event()
        self.stored = 0
        self.repeated = 0

    @classmethod
    def from_config(cls, config: Config, url: str) -> Centre:
        central = config.central
        secret = (
            read_secret(central.webhook_secret_file, "central.webhook_secret_file").encode()
            if central.connector == "webhook" and central.webhook_secret_file
            else None
        )
        spool = Path(central.spool_dir) if central.spool_dir else central_dir(config) / "spool"
        connector = make_connector(
            central.connector, spool=spool, webhook_url=central.webhook_url, webhook_secret=secret
        )
        return cls(config, url, connector=connector, tracking=tracking_provider(config))

    async def run(self, stop: asyncio.Event) -> None:
        await store.migrate(self.url)
        conn = await store.connect(self.url)
        tasks = [
            asyncio.create_task(self._session(), name="mqtt"),
            asyncio.create_task(self._ingest(conn), name="ingest"),
            asyncio.create_task(self._worker(self._send_down, DOWN_POLL_S), name="down"),
            asyncio.create_task(self._worker(self._backoffice, BACKOFFICE_POLL_S), name="backoffice"),
            asyncio.create_task(self._worker(self._track, TRACK_POLL_S), name="tracking"),
            asyncio.create_task(self._worker(self._remind, REMINDER_POLL_S), name="reminders"),
        ]
        try:
            await stop.wait()
        finally:
            await cancel_and_wait(*tasks)  # the MQTT session awaits aiomqtt
            await conn.close()

    # MQTT ------------------------------------------------------------------------------------

    async def _session(self) -> None:
        delay = 0.25
        while True:
            try:
                async with mqtt_client(self.config) as client:
                    await client.subscribe(f"{self.prefix}/+/central/up", qos=1)
                    self.client = client
                    self.connected.set()
                    delay = 0.25
                    log.info("centre subscribed to %s/+/central/up at %s", self.prefix, self.config.central.mqtt_url)
                    async for message in client.messages:
                        self._receive(message.topic.value, message.payload)
            except aiomqtt.MqttError as error:
                log.warning("centre broker %s: %s; retrying", self.config.central.mqtt_url, error)
            finally:
                self.client = None
                self.connected.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    def _receive(self, topic: str, payload: Any) -> None:
        van_id = van_of(topic, self.prefix)
        if van_id is None or not topic.endswith("/up"):
            return
        data = payload if isinstance(payload, bytes) else str(payload).encode()
        try:
            self.incoming.put_nowait((van_id, parse(data, UP_KINDS)))
        except EnvelopeError as error:
            log.warning("ignored a message from %s: %s", van_id, error)

    async def _publish(self, van_id: str, message: Envelope) -> bool:
        client = self.client
        if client is None:
            return False
        try:
            await client.publish(down_topic(self.prefix, van_id), message.encode(), qos=1)
        except aiomqtt.MqttError:
            return False
        return True

    # Ingest ----------------------------------------------------------------------------------

    async def _ingest(self, conn: psycopg.AsyncConnection[Any]) -> None:
        while True:
            first = await self.incoming.get()
            batch = [first]
            deadline = asyncio.get_running_loop().time() + BATCH_WAIT_S
            while len(batch) < BATCH:
                timeout = deadline - asyncio.get_running_loop().time()
                if timeout <= 0:
                    break
                try:
                    async with asyncio.timeout(timeout):
                        batch.append(await self.incoming.get())
                except TimeoutError:
                    break
            conn = await self._store(conn, batch)

    async def _store(
        self, conn: psycopg.AsyncConnection[Any], batch: list[tuple[str, Envelope]]
    ) -> psycopg.AsyncConnection[Any]:
        """Store a batch until it is stored: a database that went away is waited for, never skipped."""
        delay = 0.25
        while True:
            try:
                if conn.closed:
                    conn = await store.connect(self.url)
                result = await store.take_in(
                    conn, batch, self.blobs, connector=self.connector.name if self.connector else "none"
                )
                break
            except psycopg.OperationalError as error:
                log.warning("central store unavailable (%s); retrying", str(error).strip()[:120])
                await conn.close()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        self.stored += result.new
        self.repeated += result.repeated
        stamp = _stamp()
        for van_id, msg_ids in result.acks.items():
            for start in range(0, len(msg_ids), 1000):
                await self._publish(van_id, ack(msg_ids[start : start + 1000], stamp))
        return conn

    # Workers ---------------------------------------------------------------------------------

    async def _worker(self, step: Any, every_s: float) -> None:
        conn: psycopg.AsyncConnection[Any] | None = None
        while True:
            try:
                if conn is None or conn.closed:
                    conn = await store.connect(self.url)
                await step(conn)
            except psycopg.OperationalError as error:
                log.warning("%s: central store unavailable (%s)", step.__name__, str(error).strip()[:120])
                if conn is not None:
                    await conn.close()
                conn = None
            except Exception:
                log.exception("%s failed; trying again", step.__name__)
                if conn is not None and not conn.closed:
                    await conn.rollback()
            await asyncio.sleep(every_s)

    async def _send_down(self, conn: psycopg.AsyncConnection[Any]) -> None:
        if self.client is None:
            return
        async with conn.transaction():
            cursor = await conn.execute(
                """SELECT id, van_id, msg_id::text, kind, body, created_at, attempts FROM down_outbox
                   WHERE next_attempt_at <= now() ORDER BY id LIMIT 200 FOR UPDATE SKIP LOCKED"""
            )
            rows = await cursor.fetchall()
            for row_id, van_id, msg_id, kind, body, created_at, attempts in rows:
                if await self._publish(van_id, Envelope(msg_id, kind, _stamp(created_at), body)):
                    delay = min(DOWN_RETRY_S * 2 ** min(attempts, 20), DOWN_RETRY_CAP_S)
                    await conn.execute(
                        "UPDATE down_outbox SET attempts = attempts + 1, "
                        "next_attempt_at = now() + make_interval(secs => %s) WHERE id = %s",
                        [delay, row_id],
                    )

    async def _backoffice(self, conn: psycopg.AsyncConnection[Any]) -> None:
        connector = self.connector
        if connector is None:
            return
        cursor = await conn.execute(
            """SELECT van_id, case_id, state, attempts FROM backoffice
               WHERE state IN ('pending', 'delivered') AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT 20"""
        )
        rows = await cursor.fetchall()
        await conn.commit()
        for van_id, case_id, state, attempts in rows:
            receipt: Receipt | None
            if state == "pending":
                bundle = await self._bundle(conn, van_id, case_id)
                try:
                    receipt = await asyncio.to_thread(connector.submit, bundle)
                except ConnectorError as error:
                    delay = min(BACKOFFICE_RETRY_S * 2 ** min(attempts, 20), BACKOFFICE_RETRY_CAP_S)
                    await conn.execute(
                        """UPDATE backoffice SET attempts = attempts + 1, last_error = %s,
                                          next_attempt_at = now() + make_interval(secs => %s), updated_at = now()
                                          WHERE van_id = %s AND case_id = %s""",
                        [str(error)[:300], delay, van_id, case_id],
                    )
                    await conn.commit()
                    continue
            else:
                receipt = await asyncio.to_thread(connector.status, van_id, case_id)
                if receipt is None:
                    await conn.execute(
                        """UPDATE backoffice SET next_attempt_at = now() + make_interval(secs => %s)
                                          WHERE van_id = %s AND case_id = %s""",
                        [STATUS_EVERY_S, van_id, case_id],
                    )
                    await conn.commit()
                    continue
            async with conn.transaction():
                await conn.execute(
                    """UPDATE backoffice SET state = %s, reference = COALESCE(%s, reference), attempts = attempts + 1,
                           last_error = NULL, delivered_at = COALESCE(delivered_at, now()), updated_at = now(),
                           next_attempt_at = now() + make_interval(secs => %s)
                       WHERE van_id = %s AND case_id = %s""",
                    [receipt.state, receipt.reference, STATUS_EVERY_S, van_id, case_id],
                )
                await store.send_down(
                    conn,
                    van_id,
                    "case.receipt",
                    {"case_id": case_id, "state": receipt.state, "reference": receipt.reference, "at": receipt.at},
                    str(uuid.uuid4()),
                )

    async def _remind(self, conn: psycopg.AsyncConnection[Any]) -> None:
        def send() -> int:
            with store.connect_sync(self.url) as sync_conn:
                return send_due(sync_conn, self.sms, now=_now())

        sent = await asyncio.to_thread(send)
        if sent:
            log.info("%d booking reminders sent", sent)

    async def _bundle(self, conn: psycopg.AsyncConnection[Any], van_id: str, case_id: int) -> Bundle:
        cursor = await conn.execute(
            """SELECT item_code, item_name, department, outcome_at, staff_name, applicant, delivery, delivery_address,
                      materials FROM cases WHERE van_id = %s AND case_id = %s""",
            [van_id, case_id],
        )
        row = await cursor.fetchone()
        assert row is not None
        cursor = await conn.execute(
            """SELECT attachment_id, kind, sha256, stored, certified_by, certified_at FROM attachments
               WHERE van_id = %s AND case_id = %s ORDER BY attachment_id""",
            [van_id, case_id],
        )
        attachments = [
            Attachment(
                attachment_id,
                kind,
                sha,
                self.blobs.get(sha) if stored else None,
                certified_by,
                _stamp(certified_at) if certified_at else None,
            )
            for attachment_id, kind, sha, stored, certified_by, certified_at in await cursor.fetchall()
        ]
        await conn.commit()
        item_code, item_name, department, outcome_at, staff_name, applicant, delivery, address, materials = row
        return Bundle(
            van_id,
            case_id,
            item_code,
            item_name,
            department,
            _stamp(outcome_at) if outcome_at else None,
            staff_name,
            applicant,
            delivery,
            address,
            materials,
            attachments,
        )

    async def _track(self, conn: psycopg.AsyncConnection[Any]) -> None:
        provider = self.tracking
        if provider is None:
            return
        cursor = await conn.execute(
            """SELECT van_id, case_id, waybill, state, delivered_at FROM deliveries
               WHERE waybill IS NOT NULL AND (state IS NULL OR state NOT IN ('signed', 'returned', 'refused'))
                 AND (checked_at IS NULL OR checked_at < now() - make_interval(secs => %s))
               ORDER BY checked_at NULLS FIRST LIMIT 100""",
            [TRACK_EVERY_S],
        )
        rows = await cursor.fetchall()
        await conn.commit()
        for van_id, case_id, waybill, state, delivered_at in rows:
            event = await asyncio.to_thread(provider.track, waybill, delivered_at)
            async with conn.transaction():
                await conn.execute(
                    "UPDATE deliveries SET checked_at = now() WHERE van_id = %s AND case_id = %s", [van_id, case_id]
                )
                if event is None or event.state == state:
                    continue
                await conn.execute(
                    "UPDATE deliveries SET state = %s, state_at = %s WHERE van_id = %s AND case_id = %s",
                    [event.state.value, event.at, van_id, case_id],
                )
                await store.send_down(
                    conn,
                    van_id,
                    "case.tracking",
                    {"case_id": case_id, "state": event.state.value, "at": event.at},
                    str(uuid.uuid4()),
                )
                if event.state in PROBLEM_STATES:
                    deadline = store.working_days_after(
                        _now().astimezone(self.config.tz).date(), self.config.central.followup_working_days
                    )
                    await conn.execute(
                        """INSERT INTO delivery_followups (van_id, case_id, state, opened_at, deadline)
                           VALUES (%s, %s, %s, now(), %s) ON CONFLICT DO NOTHING""",
                        [van_id, case_id, event.state.value, deadline],
                    )
                    log.info("case %s-%s: the result was %s; a follow-up is open", van_id, case_id, event.state.value)


def serve(config: Config) -> int:
    """`govan central` in the foreground until SIGTERM or SIGINT; 0 on a clean stop."""
    import signal

    url, server = database_url(config)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        centre = Centre.from_config(config, url)
        await centre.run(stop)
        log.info("govan central stopped: %d messages stored, %d repeats", centre.stored, centre.repeated)

    try:
        asyncio.run(main())
    finally:
        if server is not None:
            server.stop()
    return 0
