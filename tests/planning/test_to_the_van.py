"""The week reaches the van over central/down: published, changed and published again, and a van that
was offline while the plan changed. Real broker, real PostgreSQL, real SQLite, `govan sync`'s Link."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from central.service import Centre
from daemon.broker import EmbeddedBroker
from daemon.credentials import ensure_embedded_credentials
from daemon.topics import Topics
from db import plans
from govan.config import Config
from planning import week
from sync.link import Link
from tests.planning.support import MONDAY, TODAY, WEEK, planning_store
from tests.support.aio import within
from tests.support.centre import make_store, until, van_config

NOON = datetime(2026, 12, 3, 4, tzinfo=UTC)


@contextlib.asynccontextmanager
async def centre_running(config: Config) -> AsyncIterator[Centre]:
    """The broker and `govan central`; vans come and go with `van_online`."""
    passwd = ensure_embedded_credentials(config)
    topics = Topics.for_van(config.mqtt.topic_prefix, config.van_id)
    async with EmbeddedBroker(config.mqtt.embedded_port, passwd, topics.base, config.mqtt.staff_slots):
        centre = Centre.from_config(config, config.central.database_url)
        stop = asyncio.Event()
        task = asyncio.create_task(centre.run(stop))
        try:
            await until(centre.connected.is_set, what="the centre connected")
            yield centre
        finally:
            stop.set()
            await within(15, task)


@contextlib.asynccontextmanager
async def van_online(config: Config) -> AsyncIterator[Link]:
    link = Link(config)
    stop = asyncio.Event()
    task = asyncio.create_task(link.run(stop))
    try:
        yield link
    finally:
        stop.set()
        await within(15, task)
        link.db.close()


def version_at_van(link: Link) -> int | None:
    plan = plans.week(link.db, WEEK)
    return None if plan is None else plan.version


async def test_a_week_published_changed_and_published_again_reaches_the_captain(
    tmp_path: Path, central_db: str
) -> None:
    config = van_config(tmp_path, central_db)
    make_store(config).close()
    conn = planning_store(central_db, vans=("lg-01",))
    week.draft(conn, WEEK, today=TODAY)
    async with centre_running(config), van_online(config) as link:
        week.publish(conn, WEEK, now=NOON)
        await until(lambda: version_at_van(link) == 1, what="version 1 at the van")
        first = plans.week(link.db, WEEK)
        assert first is not None and len(first.slots) == 14 and first.changes == []
        assert [plan.week for plan in plans.unseen_weeks(link.db)] == [WEEK]  # a new week for the captain
        plans.mark_seen(link.db, WEEK)
        week.set_slot(conn, "lg-01", MONDAY + timedelta(days=1), "am", "home_visits", note="三户上门")
        week.publish(conn, WEEK, now=NOON + timedelta(hours=1))
        await until(lambda: version_at_van(link) == 2, what="version 2 at the van")
        second = plans.week(link.db, WEEK)
        assert second is not None
        (change,) = second.changes
        assert (change.day, change.half, change.after and change.after["kind"]) == ("2026-12-08", "am", "home_visits")
        assert second.slots_on(MONDAY + timedelta(days=1))[0]["note"] == "三户上门"
        # The centre's copy is gone once the van acknowledged it.
        await until(
            lambda: conn.execute("SELECT count(*) FROM down_outbox").fetchone() == (0,), what="the down outbox emptied"
        )


async def test_a_van_offline_while_the_plan_changed_gets_every_change_on_its_return(
    tmp_path: Path, central_db: str
) -> None:
    config = van_config(tmp_path, central_db)
    make_store(config).close()
    conn = planning_store(central_db, vans=("lg-01",))
    week.draft(conn, WEEK, today=TODAY)
    async with centre_running(config):
        async with van_online(config) as link:
            week.publish(conn, WEEK, now=NOON)
            await until(lambda: version_at_van(link) == 1, what="version 1 at the van")
            plans.mark_seen(link.db, WEEK)
            await until(
                lambda: conn.execute("SELECT count(*) FROM down_outbox").fetchone() == (0,),
                what="version 1 acknowledged",
            )
        # The van is offline: the dispatcher changes Tuesday, publishes, then changes Thursday and publishes again.
        week.set_slot(conn, "lg-01", MONDAY + timedelta(days=1), "pm", "free", note="留作预约")
        week.publish(conn, WEEK, now=NOON + timedelta(hours=1))
        week.set_day_off(conn, "lg-01", MONDAY + timedelta(days=3))
        week.publish(conn, WEEK, now=NOON + timedelta(hours=2))
        assert conn.execute("SELECT count(*) FROM down_outbox WHERE kind = 'plan.week'").fetchone() == (2,)
        async with van_online(config) as link:
            await until(lambda: version_at_van(link) == 3, what="version 3 at the van")
            latest = plans.week(link.db, WEEK)
            assert latest is not None
            changed = {(change.day, change.half) for change in latest.changes}
            # Both steps, measured against version 1, which the captain saw.
            assert ("2026-12-08", "pm") in changed
            assert {("2026-12-10", "am"), ("2026-12-10", "pm")} <= changed
            assert all(slot["kind"] == "off" for slot in latest.slots_on(MONDAY + timedelta(days=3)))
            await until(
                lambda: conn.execute("SELECT count(*) FROM down_outbox").fetchone() == (0,),
                what="the down outbox emptied",
            )
