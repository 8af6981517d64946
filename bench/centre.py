"""The centre at fleet scale: 20 vans, each a day of 5,000 tickets and 1,500 cases, on loopback.

A van's day, as it travels up: 1,500 cases (a third accepted and forwarded, each with a 4 KB
capture; the rest done on site or not done), a rating for 60 % of its 5,000 tickets, a
follow-up for each 差评 (3 %), a dozen suggestions, a few device incidents and the trip
summary: about 4,600 messages a van, 92,000 for the fleet.

1. Ingest rate: the whole fleet's day published at once by 20 van clients into mosquitto,
   taken in by `govan central` (the Centre, as the service runs it) until every message is
   acknowledged back to its van. Floor: the same envelopes stored by the same take_in, in
   the same batches, with no broker in between.
2. Lag p99: messages sent at half the measured ingest rate; the time from a van's publish
   to the centre's ack reaching that van. Floor: a publish → echo round trip through the
   same mosquitto at the same pace.
3. PostgreSQL per month: the database's growth over the day, × 30. Floor: the day's
   payloads themselves (JSON bytes), × 30.
4. A year at that size (250 trips a van), made in SQL: `govan central status` (the fleet
   query) and the staff evaluation over the year. Floor: a bare count(*) over the same rows.

    python bench/centre.py [cases_per_van_per_day]    # default 1500; tickets scale with it
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import getpass
import hashlib
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiomqtt
import msgspec
import psycopg

from bench.figures import Figure, percentile, report
from central import store, views
from central.postgres import LocalPostgres, debian_bin_dir, embedded_bin_dir
from central.service import Centre
from core.centre import Envelope, new_msg_id
from core.tasks import cancel_and_wait
from govan import config as config_module
from govan.config import Config
from govan.mosquitto import CENTRAL_USER_AT_CENTRE, write_centre_broker_files

VANS = 20
CASES = 1_500
TICKETS_PER_CASE = 5_000 / 1_500
TRIPS_A_YEAR = 250
WINDOW = 200  # sync.in_flight's default
GOAL_STATUS_MS = 500.0
GOAL_EVALUATION_MS = 2_000.0
CAPTURE = b"\xff\xd8" + bytes(random.Random(1).randrange(256) for _ in range(4094))


def day_of(van: str, cases: int, day: date, rng: random.Random) -> list[Envelope]:
    """One van's day as envelopes, in the order a van sends them."""
    at = datetime.combine(day, datetime.min.time(), UTC).isoformat()
    sha = hashlib.sha256(CAPTURE).hexdigest()
    content = base64.b64encode(CAPTURE).decode()
    staff = [{"login": f"{van}-s{n}", "name": f"专员{van}{n}", "department": "police"} for n in range(1, 6)]
    out: list[Envelope] = []
    trip = day.toordinal()
    for case_id in range(1, cases + 1):
        person = staff[case_id % 5]
        accepted = case_id % 3 == 0
        body: dict[str, Any] = {
            "case_id": case_id,
            "trip_id": trip,
            "trip_date": day.isoformat(),
            "item_code": "residence_permit",
            "item_name": "居住证",
            "department": "police",
            "staff": person,
            "opened_at": at,
            "outcome_at": at,
            "closed_at": at,
            "delivery": "on_site",
            "materials": [],
            "outcome": "accepted_forwarded" if accepted else ("not_done" if case_id % 10 == 1 else "completed_on_site"),
            "reason": "材料不全" if case_id % 10 == 1 and not accepted else None,
        }
        if accepted:
            body["applicant"] = {"name": "张三", "id_number": "330383198001011234", "phone": "13800000000"}
            body["attachments"] = [{"id": case_id, "kind": "document", "sha256": sha, "content": content}]
        out.append(Envelope(new_msg_id(), "case.accepted" if accepted else "case.outcome", at, body))
    tickets = round(cases * TICKETS_PER_CASE)
    for rating_id in range(1, int(tickets * 0.6) + 1):
        score = rng.choices([5, 4, 3, 2, 1], [70, 20, 7, 2, 1])[0]
        out.append(
            Envelope(
                new_msg_id(),
                "rating",
                at,
                {
                    "rating_id": rating_id,
                    "trip_id": trip,
                    "score": score,
                    "named": score <= 2,
                    "staff": staff[rating_id % 5],
                    "comment": "",
                    "rated_at": at,
                    "ticket": f"A{rating_id:03d}",
                },
            )
        )
        if score <= 2 and rng.random() < 1.0:
            out.append(
                Envelope(
                    new_msg_id(),
                    "followup",
                    at,
                    {
                        "followup_id": rating_id,
                        "rating_id": rating_id,
                        "trip_id": trip,
                        "status": "open",
                        "opened_at": at,
                        "deadline": (day + timedelta(days=7)).isoformat(),
                    },
                )
            )
    for suggestion_id in range(1, 13):
        out.append(
            Envelope(
                new_msg_id(),
                "suggestion",
                at,
                {"suggestion_id": suggestion_id, "trip_id": trip, "text": "希望周末也来", "received_at": at},
            )
        )
    for incident_id in range(1, 4):
        out.append(
            Envelope(
                new_msg_id(),
                "incident",
                at,
                {
                    "incident_id": incident_id,
                    "device": "printer",
                    "kind": "state",
                    "state": "error",
                    "detail": "paper out",
                    "at": at,
                },
            )
        )
    out.append(
        Envelope(
            new_msg_id(),
            "trip.summary",
            at,
            {
                "trip": {"id": trip, "date": day.isoformat(), "stop": "新城社区", "mode": "fixed", "captain": "陈车长"},
                "overall": {
                    "tickets": tickets,
                    "cases": cases,
                    "completion_rate": 0.9,
                    "satisfaction_rate": 0.97,
                    "praise_rate": 0.9,
                    "wait_median_s": 600,
                    "wait_p90_s": 1500,
                },
                "crew": [
                    {"staff_id": n, "name": person["name"], "cooperation": 4 + n % 2} for n, person in enumerate(staff)
                ],
                "by_staff": [
                    {
                        "key": n,
                        "name": person["name"],
                        "cases": cases // 5,
                        "completed_on_site": cases // 8,
                        "accepted_forwarded": cases // 15,
                        "not_done": cases // 50,
                        "ratings": tickets // 8,
                        "satisfied": tickets // 9,
                        "praised": tickets // 10,
                    }
                    for n, person in enumerate(staff)
                ],
                "staff": {str(n): person for n, person in enumerate(staff)},
            },
        )
    )
    return out


class Mosquitto:
    def __init__(self, folder: Path, vans: list[str]) -> None:
        port = _free_port()
        self.files = write_centre_broker_files(
            Config(), folder, vans, port=port, bind="127.0.0.1", run_as=getpass.getuser()
        )
        self.process = subprocess.Popen(
            ["mosquitto", "-c", str(self.files.conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(0.5)

    def client(self, user: str) -> aiomqtt.Client:
        return aiomqtt.Client(
            "127.0.0.1",
            self.files.port,
            username=user,
            identifier=user,
            password=self.files.password_file(user).read_text().strip(),
            protocol=aiomqtt.ProtocolVersion.V311,
            max_inflight_messages=200,
        )

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(5)


def _free_port() -> int:
    from bench.figures import free_port

    return free_port()


class VanClient:
    """One van: publishes its envelopes on central/up and times each msg_id until its ack comes down."""

    def __init__(self, broker: Mosquitto, van: str) -> None:
        self.van = van
        self.client = broker.client(van)
        self.sent: dict[str, float] = {}
        self.lags: list[float] = []
        self.acked = 0
        # As govan sync: at most WINDOW messages unacknowledged at once.
        self.window = asyncio.Semaphore(WINDOW)
        self.all_acked = asyncio.Event()
        self.expected = 0

    async def listen(self) -> None:
        with contextlib.suppress(aiomqtt.MqttError):
            await self._listen()

    async def _listen(self) -> None:
        async for message in self.client.messages:
            now = time.perf_counter()
            data = msgspec.json.decode(bytes(message.payload))  # type: ignore[arg-type]
            if data["kind"] == "ack":
                for msg_id in data["body"]["acks"]:
                    started = self.sent.pop(msg_id, None)
                    if started is not None:
                        self.lags.append((now - started) * 1000)
                        self.acked += 1
                        self.window.release()
                        if self.acked >= self.expected:
                            self.all_acked.set()


async def fleet_run(
    broker: Mosquitto, days: dict[str, list[Envelope]], rate: float | None
) -> tuple[float, list[float]]:
    """Send every van's envelopes (all at once, or at `rate` msg/s for the fleet); seconds until all are acked."""
    vans = [VanClient(broker, van) for van in days]
    async with asyncio.TaskGroup() as group:
        for van in vans:
            await van.client.__aenter__()
            await van.client.subscribe(f"govan/{van.van}/central/down", qos=1)
        listeners = [group.create_task(van.listen()) for van in vans]
        started = time.perf_counter()

        async def send(van: VanClient, envelopes: list[Envelope]) -> None:
            interval = len(days) / rate if rate else 0.0
            next_at = time.perf_counter()
            for envelope in envelopes:
                await van.window.acquire()
                van.sent[envelope.msg_id] = time.perf_counter()
                await van.client.publish(f"govan/{van.van}/central/up", envelope.encode(), qos=1)
                if interval:
                    next_at += interval
                    await asyncio.sleep(max(0.0, next_at - time.perf_counter()))

        for van in vans:
            van.expected = len(days[van.van])
            group.create_task(send(van, days[van.van]))
        for van in vans:
            await van.all_acked.wait()
        took = time.perf_counter() - started
        for task in listeners:
            task.cancel()
    for van in vans:
        await van.client.__aexit__(None, None, None)
    return took, [lag for van in vans for lag in van.lags]


async def echo_floor(broker: Mosquitto, rate: float, count: int) -> list[float]:
    """A publish → echo round trip through the same broker at the same pace: the lag's floor."""
    users = list(broker.files.directory.glob("lg-*.pass"))
    van = users[0].stem
    samples: list[float] = []
    async with broker.client(CENTRAL_USER_AT_CENTRE) as centre, broker.client(van) as client:
        await centre.subscribe("govan/+/central/up", qos=1)
        await client.subscribe(f"govan/{van}/central/down", qos=1)
        sent: dict[bytes, float] = {}
        returned = asyncio.Event()

        async def echo() -> None:
            with contextlib.suppress(aiomqtt.MqttError):
                async for message in centre.messages:
                    await centre.publish(f"govan/{van}/central/down", message.payload, qos=1)

        async def back() -> None:
            with contextlib.suppress(aiomqtt.MqttError):
                async for message in client.messages:
                    started = sent.pop(bytes(message.payload), None)  # type: ignore[arg-type]
                    if started is not None:
                        samples.append((time.perf_counter() - started) * 1000)
                        if len(samples) == count:
                            returned.set()

        tasks = [asyncio.create_task(echo()), asyncio.create_task(back())]
        for n in range(count):
            payload = str(n).encode()
            sent[payload] = time.perf_counter()
            await client.publish(f"govan/{van}/central/up", payload, qos=1)
            await asyncio.sleep(1 / rate)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(10):
                await returned.wait()
        await cancel_and_wait(*tasks)
    return samples


def database_size(url: str) -> int:
    with psycopg.connect(url) as conn:
        return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])  # type: ignore[index]


async def floor_take_in(url: str, days: dict[str, list[Envelope]], blobs: store.Blobs) -> float:
    conn = await store.connect(url)
    messages = [(van, envelope) for van, envelopes in days.items() for envelope in envelopes]
    started = time.perf_counter()
    for start in range(0, len(messages), 500):
        await store.take_in(conn, messages[start : start + 500], blobs, connector="none")
    took = time.perf_counter() - started
    await conn.close()
    return len(messages) / took


def make_year(url: str, vans: list[str], cases: int) -> int:
    """A year of the fleet at this size, in SQL; returns the case rows made."""
    tickets = round(cases * TICKETS_PER_CASE)
    with psycopg.connect(url, autocommit=True) as conn:
        for n, van in enumerate(vans):
            conn.execute(
                """INSERT INTO vans (van_id, first_seen_at, last_seen_at) VALUES (%s, now(), now())
                            ON CONFLICT DO NOTHING""",
                [van],
            )
            conn.execute(
                """INSERT INTO trips (van_id, trip_id, trip_date, stop, tickets, cases, completion_rate,
                                      satisfaction_rate, praise_rate, wait_median_s, summary)
                   SELECT %s, d, DATE '2025-01-01' + d, '新城社区', %s, %s, 0.9, 0.97, 0.9, 600, '{}'::jsonb
                   FROM generate_series(1, %s) d ON CONFLICT DO NOTHING""",
                [van, tickets, cases, TRIPS_A_YEAR],
            )
            conn.execute(
                """INSERT INTO trip_staff (van_id, trip_id, staff_key, name, department, trip_date, cooperation, cases,
                                           completed, forwarded, not_done, ratings, satisfied, praised)
                   SELECT %s, d, %s || '-s' || s, '专员' || s, 'police', DATE '2025-01-01' + d, 3 + (d + s) %% 3,
                          %s / 5, %s / 8, %s / 15, %s / 50, %s / 8, %s / 9, %s / 10
                   FROM generate_series(1, %s) d, generate_series(1, 5) s ON CONFLICT DO NOTHING""",
                [van, van, cases, cases, cases, cases, tickets, tickets, tickets, TRIPS_A_YEAR],
            )
            conn.execute(
                """INSERT INTO cases (van_id, case_id, trip_id, trip_date, item_code, outcome, staff_login, outcome_at)
                   SELECT %s, 1000000 + g, 1 + g / %s, DATE '2025-01-01' + 1 + g / %s, 'residence_permit',
                          CASE WHEN g %% 3 = 0 THEN 'accepted_forwarded' ELSE 'completed_on_site' END,
                          %s || '-s' || (1 + g %% 5), now()
                   FROM generate_series(0, %s - 1) g ON CONFLICT DO NOTHING""",
                [van, cases, cases, van, cases * TRIPS_A_YEAR],
            )
            conn.execute(
                """INSERT INTO ratings (van_id, rating_id, trip_id, score, named, staff_login, rated_at)
                   SELECT %s, 1000000 + g, 1 + g / %s, 5 - (g %% 100 = 0)::int * 4, g %% 100 = 0, %s || '-s' || (1 + g %% 5),
                          now() FROM generate_series(0, %s - 1) g ON CONFLICT DO NOTHING""",
                [van, int(tickets * 0.6), van, int(tickets * 0.6) * TRIPS_A_YEAR],
            )
            print(f"  year: {n + 1}/{len(vans)} vans", flush=True)
        # What ingest keeps: the running counts per van.
        conn.execute("""UPDATE vans v SET cases = (SELECT count(*) FROM cases c WHERE c.van_id = v.van_id),
                                          trips = (SELECT count(*) FROM trips t WHERE t.van_id = v.van_id),
                                          ratings = (SELECT count(*) FROM ratings r WHERE r.van_id = v.van_id)""")
        conn.execute("ANALYZE")
        return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])  # type: ignore[index]


def timed(run: Any, repeats: int = 3) -> float:
    run()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main(size: int | None = None) -> None:
    cases = size or CASES
    vans = [f"lg-{n:02d}" for n in range(1, VANS + 1)]
    rng = random.Random(7)
    bin_dir = debian_bin_dir() or embedded_bin_dir()
    folder = Path(tempfile.mkdtemp(prefix="govan-bench-centre-"))
    server = LocalPostgres(folder / "pgdata", bin_dir)
    url = server.start()
    broker = Mosquitto(folder / "broker", vans)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE floor")
            conn.execute("CREATE DATABASE fleet")
        floor_url, fleet_url = url.replace("/postgres?", "/floor?"), url.replace("/postgres?", "/fleet?")
        asyncio.run(store.migrate(floor_url))
        asyncio.run(store.migrate(fleet_url))
        today = date(2026, 11, 20)
        days = {van: day_of(van, cases, today, rng) for van in vans}
        messages = sum(len(day) for day in days.values())
        payload_bytes = sum(len(envelope.encode()) for day in days.values() for envelope in day)
        floor_rate = asyncio.run(floor_take_in(floor_url, days, store.Blobs(folder / "floor-blobs")))

        config = config_module.validate(
            msgspec.convert(
                {
                    "data_dir": str(folder / "centre"),
                    "central": {
                        "database_url": fleet_url,
                        "mqtt_url": f"mqtt://127.0.0.1:{broker.files.port}",
                        "username": CENTRAL_USER_AT_CENTRE,
                        "password_file": str(broker.files.password_file(CENTRAL_USER_AT_CENTRE)),
                        "connector": "none",
                    },
                },
                Config,
            ),
            "bench",
        )
        before = database_size(fleet_url)

        async def with_centre() -> tuple[float, list[float], float, list[float]]:
            centre = Centre(config, fleet_url)
            stop = asyncio.Event()
            task = asyncio.create_task(centre.run(stop))
            async with asyncio.timeout(30):
                await centre.connected.wait()
            took, _ = await fleet_run(broker, days, None)
            rate = messages / took
            paced_days = {
                van: day_of(van, max(1, cases // 10), today + timedelta(days=1), rng)[: max(20, cases // 5)]
                for van in vans
            }
            _, lags = await fleet_run(broker, paced_days, rate / 2)
            stop.set()
            await task
            # Without the centre: the echo takes the centre's broker user, which would cut the centre off.
            floor = await echo_floor(broker, rate / 2, min(2000, max(50, len(lags))))
            return took, lags, rate, floor

        took, lags, rate, echo = asyncio.run(with_centre())
        day_bytes = database_size(fleet_url) - before
        rows = make_year(fleet_url, vans, cases)
        weights = views.Weights()
        with views.open_store(fleet_url) as conn:
            status_ms = timed(lambda: views.fleet(conn, online_minutes=3))
            evaluation_ms = timed(lambda: views.evaluation(conn, date(2025, 1, 1), date(2025, 12, 31), weights))
            floor_status_ms = timed(lambda: conn.execute("SELECT count(*) FROM vans").fetchone())
            floor_evaluation_ms = timed(
                lambda: conn.execute(
                    "SELECT count(*) FROM trip_staff WHERE trip_date BETWEEN '2025-01-01' AND '2025-12-31'"
                ).fetchone()
            )
        print(
            f"centre benchmark: {VANS} vans × {cases} cases and {round(cases * TICKETS_PER_CASE)} tickets a day: "
            f"{messages} messages ({payload_bytes / 1e6:.1f} MB) in {took:.1f} s; a year: {rows} cases"
        )
        report(
            Figure(
                "centre_ingest_rate",
                f"centre: ingest, {VANS} vans' day via mosquitto, stored and acked",
                rate,
                "msg/s",
                floor_rate,
                "the same take_in with no broker, same batches",
            ),
            Figure(
                "centre_lag_p99",
                "centre: van publish → ack back at the van, p99, at half that rate",
                percentile(lags, 0.99),
                "ms",
                percentile(echo, 0.99),
                "publish → echo via the same mosquitto",
            ),
            Figure(
                "centre_pg_month",
                "centre: PostgreSQL growth per 30 days at this size",
                day_bytes * 30 / 1e6,
                "MB",
                payload_bytes * 30 / 1e6,
                "the payloads themselves",
            ),
            Figure(
                "centre_status_year",
                f"centre: `govan central status` over a year ({rows} cases)",
                status_ms,
                "ms",
                floor_status_ms,
                "bare count(*) of the vans",
                goal=f"≤ {GOAL_STATUS_MS:g} ms",
                met=status_ms <= GOAL_STATUS_MS,
                note=""
                if status_ms <= GOAL_STATUS_MS
                else "the open follow-ups are still counted per van; keep them as a running count too",
            ),
            Figure(
                "centre_evaluation_year",
                "centre: staff evaluation across the fleet over a year",
                evaluation_ms,
                "ms",
                floor_evaluation_ms,
                "bare count(*) of the year's staff-trip rows",
                goal=f"≤ {GOAL_EVALUATION_MS:g} ms",
                met=evaluation_ms <= GOAL_EVALUATION_MS,
                note="" if evaluation_ms <= GOAL_EVALUATION_MS else "aggregate trip_staff per month ahead",
            ),
        )
    finally:
        broker.close()
        server.stop()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
