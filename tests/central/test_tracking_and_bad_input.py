"""A mailed result tracked to the door, or back; and what the centre does with bad input."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import psycopg
import pytest

import db
from central import store
from central.service import Centre
from central.tracking import SimTracking
from core.centre import UP_KINDS, Envelope, EnvelopeError, new_msg_id, parse
from core.waybill import TrackingState
from db import uplink
from govan.config import Config
from tests.db.support import at, id_number
from tests.support.centre import linked, make_store, until, van_config

WAYBILL = "EA123456785CN"


async def test_a_returned_result_reaches_the_van_and_opens_a_follow_up_at_the_centre(
    tmp_path: Path, central_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("central.service.TRACK_POLL_S", 0.2)
    monkeypatch.setattr("central.service.TRACK_EVERY_S", 0.0)
    config = van_config(tmp_path, central_db, connector="none")
    store_ = make_store(config)
    trip = next(store_.query("SELECT id FROM trips"))["id"]
    s1 = next(store_.query("SELECT id FROM staff WHERE login = 's1'"))["id"]
    person = db.find_or_create_citizen(store_, id_number("19800101"), name="张三", now=at(0))
    case = db.open_case(store_, "residence_permit", s1, trip_id=trip, citizen_id=person.id, now=at(1))
    db.record_outcome(
        store_, case.id, "accepted_forwarded", delivery="post", delivery_address="龙港市某路1号", now=at(2)
    )
    db.confirm_delivery(store_, case.id, waybill=WAYBILL, now=at(3))
    store_.close()
    script = {WAYBILL: [TrackingState.COLLECTED, TrackingState.IN_TRANSIT, TrackingState.RETURNED]}

    def centre(cfg: Config, url: str) -> Centre:
        return Centre(cfg, url, tracking=SimTracking(script=script))

    async with linked(config, centre_factory=centre) as pair:
        await until(
            lambda: (
                (uplink.case_central(pair.link.db, case.id) or None)
                and uplink.case_central(pair.link.db, case.id).tracking == "returned"
            ),
            what="退回 on the van",
        )
        with psycopg.connect(central_db) as conn:
            assert conn.execute("SELECT carrier, state FROM deliveries").fetchall() == [("s10", "returned")]
            assert conn.execute("SELECT van_id, case_id, state FROM delivery_followups").fetchall() == [
                ("lg-01", case.id, "returned")
            ]


def test_malformed_envelopes_are_named_never_crash() -> None:
    good = Envelope(new_msg_id(), "rating", "2026-11-20T01:00:00+00:00", {}).encode()
    assert parse(good, UP_KINDS).kind == "rating"
    for payload, problem in (
        (b"\xff\xfe", "not UTF-8"),
        (b"{", "not JSON"),
        (b"[]", "not a JSON object"),
        (
            b'{"msg_id": "x", "kind": "rating", "at": "2026-11-20T01:00:00+00:00", "body": {}}',
            "msg_id is not a lower-case UUID",
        ),
        (good.replace(b'"rating"', b'"launch"'), "unknown kind"),
        (good.replace(b"+00:00", b""), "at has no UTC offset"),
        (good.replace(b'"body":{}', b'"body":[]'), "body is not a JSON object"),
    ):
        with pytest.raises(EnvelopeError, match=problem):
            parse(payload, UP_KINDS)


async def test_a_file_that_does_not_match_its_sha256_is_rejected_and_not_acknowledged(
    tmp_path: Path, central_db: str
) -> None:
    await store.migrate(central_db)
    content = b"the real capture"
    wrong = {
        "case_id": 1,
        "item_code": "residence_permit",
        "materials": [],
        "attachments": [
            {
                "id": 1,
                "kind": "document",
                "sha256": hashlib.sha256(b"other").hexdigest(),
                "content": base64.b64encode(content).decode(),
            }
        ],
    }
    fine = {"rating_id": 1, "score": 5, "rated_at": "2026-11-20T01:00:00+00:00"}
    broken = {"rating_id": "not a number", "score": 5, "rated_at": "2026-11-20T01:00:00+00:00"}
    at_ = "2026-11-20T01:00:00+00:00"
    messages = [
        ("lg-01", Envelope(new_msg_id(), "case.accepted", at_, wrong)),
        ("lg-01", Envelope(new_msg_id(), "rating", at_, fine)),
        ("lg-01", Envelope(new_msg_id(), "rating", at_, broken)),
    ]
    conn = await store.connect(central_db)
    try:
        blobs = store.Blobs(tmp_path / "blobs")
        first = await store.take_in(conn, messages, blobs, connector="none")
        again = await store.take_in(conn, messages, blobs, connector="none")
        rejects = await (await conn.execute("SELECT kind, reason FROM rejects ORDER BY id")).fetchall()
        ratings = await (await conn.execute("SELECT count(*) FROM ratings")).fetchone()
    finally:
        await conn.close()
    assert first.acks == {"lg-01": [messages[1][1].msg_id]} and (first.new, first.rejected) == (1, 2)
    assert again.acks == first.acks and (again.new, again.repeated) == (0, 1)
    assert ratings == (1,)
    assert rejects[0] == ("case.accepted", "attachment 1: its bytes do not match its sha256")
    assert rejects[1][0] == "rating" and rejects[1][1].startswith("ValueError")
    assert [path for path in (tmp_path / "blobs").rglob("*") if path.is_file()] == []  # no unchecked file kept
