"""The van's side of the link: what is queued and what travels, the retry schedule, `govan sync status`."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

import db
from core import sealing
from core.keys import load_keys, write_key
from db import audit, cases, outbox, uplink
from sync.bodies import envelope
from sync.link import HEARD_AT, LAST_ACK_AT, retry_delay
from sync.status import alarming, read_status
from tests.db.support import Van, at, id_number
from tests.support.centre import make_store, van_config


def test_everything_the_centre_needs_is_queued_once(van: Van) -> None:
    person = db.find_or_create_citizen(van.db, id_number("19800101"), name="张三", phone="13800000000", now=at(0))
    ticket = db.issue_ticket(van.db, van.trip_id, category="A", citizen_id=person.id, now=at(0))
    db.call_next(van.db, van.trip_id, "1", now=at(1))
    db.start_service(van.db, ticket.id, now=at(1))
    done = db.open_case(van.db, "hukou_certificate", van.s1, ticket_id=ticket.id, now=at(2))
    db.record_outcome(van.db, done.id, "completed_on_site", now=at(3))
    failed = db.open_case(van.db, "hukou_certificate", van.s1, ticket_id=ticket.id, now=at(3))
    db.record_outcome(van.db, failed.id, "not_done", reason="材料不全", now=at(4))
    db.finish(van.db, ticket.id, now=at(5))
    rating, _ = db.rate(van.db, ticket.id, 1, named=True, now=at(6))
    db.add_suggestion(van.db, "希望周末也来", trip_id=van.trip_id, now=at(7))

    first = uplink.collect(van.db, now=at(8))
    assert (first.cases, first.ratings, first.followups, first.suggestions) == (2, 1, 1, 1)
    assert uplink.collect(van.db, now=at(9)).total == 0  # nothing twice
    follow_up = next(van.db.query("SELECT id FROM follow_ups WHERE rating_id = ?", [rating.id]))["id"]
    db.record_callback(van.db, follow_up, van.captain, "已回访，说明情况", now=at(10))
    assert uplink.collect(van.db, now=at(11)).followups == 1  # a new step is a new version

    bodies = {m.kind + str(m.payload.get("case_id", "")): envelope(van.db, m).body for m in outbox.pending(van.db)}
    not_done = bodies[f"case.outcome{failed.id}"]
    assert (not_done["outcome"], not_done["reason"], not_done["staff"]["login"]) == ("not_done", "材料不全", "s1")
    assert "applicant" not in not_done  # only an accepted case names its applicant
    assert id_number("19800101") not in json.dumps(bodies, ensure_ascii=False)
    assert "13800000000" not in json.dumps(bodies, ensure_ascii=False)
    # Each version is queued, and each carries the follow-up as it is when sent: the newest state.
    steps = [envelope(van.db, m).body for m in outbox.pending(van.db) if m.kind == "followup"]
    assert [b["status"] for b in steps] == ["called_back", "called_back"]
    assert steps[0]["callback_by"]["login"] == "c1"


def test_an_accepted_case_carries_its_files_and_no_van_path(van: Van, tmp_path: Path) -> None:
    person = db.find_or_create_citizen(van.db, id_number("19800101"), name="张三", phone="13800000000", now=at(0))
    case = db.open_case(van.db, "residence_permit", van.s1, trip_id=van.trip_id, citizen_id=person.id, now=at(1))
    photo = tmp_path / "photo.jpg"
    sealing.write_sealed(load_keys(tmp_path).files, photo, b"jpeg bytes")  # as the camera leaves it
    db.add_attachment(
        van.db,
        case.id,
        path=str(photo),
        sha256=hashlib.sha256(b"jpeg bytes").hexdigest(),
        kind="id_photo",
        material="近期照片",
        now=at(2),
    )
    db.record_outcome(van.db, case.id, "accepted_forwarded", now=at(3))
    (message,) = outbox.pending(van.db)
    body = envelope(van.db, message).body
    assert body["applicant"] == {"name": "张三", "id_number": id_number("19800101"), "phone": "13800000000"}
    assert body["attachments"][0]["content"] == "anBlZyBieXRlcw=="
    assert str(tmp_path) not in json.dumps(body, ensure_ascii=False)


def test_a_capture_that_does_not_open_travels_as_missing_and_the_log_says_which(
    van: Van, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    case = db.open_case(van.db, "residence_permit", van.s1, trip_id=van.trip_id, now=at(1))
    other = tmp_path / "other"
    other.mkdir()
    write_key(other)
    photo = tmp_path / "photo.jpg"
    sealing.write_sealed(load_keys(other).files, photo, b"jpeg bytes")  # another van's key
    attachment = db.add_attachment(
        van.db,
        case.id,
        path=str(photo),
        sha256=hashlib.sha256(b"jpeg bytes").hexdigest(),
        kind="id_photo",
        material="近期照片",
        now=at(2),
    )
    db.record_outcome(van.db, case.id, "accepted_forwarded", now=at(3))
    (message,) = outbox.pending(van.db)
    assert envelope(van.db, message).body["attachments"][0]["content"] is None
    assert f"attachment {attachment.id} not sent: seal.does_not_open" in caplog.text


async def test_the_link_runs_retention_when_it_starts(tmp_path: Path) -> None:
    """Nothing else schedules the purge: govan sync runs it at start and hourly."""
    import asyncio

    from daemon.credentials import ensure_embedded_credentials
    from sync.link import Link
    from tests.db.test_retention import sync_all, visit

    config = van_config(tmp_path, "embedded")
    config = msgspec.structs.replace(config, service=msgspec.structs.replace(config.service, retention_days=1))
    store = make_store(config)
    ids = {row["login"]: row["id"] for row in store.query("SELECT id, login FROM staff")}
    trip = next(store.query("SELECT id FROM trips"))["id"]
    van = Van(config.database_path, store, trip, ids["c1"], ids["s1"], ids["s2"], ids["s3"], ids["d1"])
    _, case_id, capture = visit(van, tmp_path, "19800101", 0)
    sync_all(van)
    assert capture.exists()
    ensure_embedded_credentials(config)  # no broker runs: the link retries it, and purges meanwhile
    link = Link(config, store)
    stop = asyncio.Event()
    running = asyncio.create_task(link.run(stop))
    try:
        for _ in range(200):
            if not capture.exists():
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await running
    assert not capture.exists() and [a.path for a in cases.list_attachments(store, case_id)] == [None]
    assert [entry.action for entry in audit.entries(store, subject="retention")] == ["purge"]
    store.close()


def test_an_unacknowledged_message_is_sent_again_later_each_time() -> None:
    assert [retry_delay(attempts, 15, 600) for attempts in range(7)] == [15, 30, 60, 120, 240, 480, 600]


def test_sync_status_names_the_backlog_and_alarms_past_the_limit(tmp_path: Path) -> None:
    config = van_config(tmp_path, "embedded")
    store = make_store(config)
    now = datetime.now(UTC)
    status = read_status(store, config, now=now)
    assert (status.central, status.outbox_pending, status.oldest_pending_at) == ("unreachable", 0, None)
    outbox.enqueue(store, "rating", {"rating_id": 1}, now=now - timedelta(minutes=61))
    uplink.set_state(store, HEARD_AT, now.isoformat())
    uplink.set_state(store, LAST_ACK_AT, now.isoformat())
    status = read_status(store, config, now=now)
    assert (status.central, status.outbox_pending, status.last_ack_at) == ("connected", 1, now.isoformat())
    assert alarming(status, config, now=now)
    store.close()

    result = subprocess.run(
        [sys.executable, "-m", "govan", "sync", "status", "--json", "--config", str(tmp_path / "govan.toml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    printed = json.loads(result.stdout)
    assert set(printed) == {"central", "outbox_pending", "oldest_pending_at", "last_ack_at"}
    assert printed["outbox_pending"] == 1


@pytest.fixture
def van(tmp_path: Path) -> Van:
    from tests.db.support import build_van

    path = tmp_path / "govan.db"
    build_van(path)
    store = db.open_store(path)
    ids = {row["login"]: row["id"] for row in store.query("SELECT id, login FROM staff")}
    trip = next(store.query("SELECT id FROM trips"))["id"]
    return Van(path, store, trip, ids["c1"], ids["s1"], ids["s2"], ids["s3"], ids["d1"])
