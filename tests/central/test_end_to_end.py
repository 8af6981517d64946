"""A van's day reaches the centre: exactly once, files checked, and the back office's word comes back."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from sqlite_utils import Database

import db
from db import outbox, report_export, uplink
from db import report as trip_report
from tests.db.support import at, id_number
from tests.support.centre import capture, linked, make_store, until, van_config

PHOTO = b"\xff\xd8 a real enough jpeg \x00\x01" * 100


def serve(store: Database, trip: int) -> int:
    ticket = db.issue_ticket(store, trip, category="A", now=at(1))
    db.call_next(store, trip, "1", now=at(2))
    db.start_service(store, ticket.id, now=at(2))
    return ticket.id


def rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()  # type: ignore[arg-type]


async def test_a_day_at_the_van_arrives_once_with_its_files_and_the_receipts_come_back(
    tmp_path: Path, central_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("central.service.STATUS_EVERY_S", 0.5)  # ask the back office often, not every 30 s
    config = van_config(tmp_path, central_db)
    store = make_store(config)
    trip = next(store.query("SELECT id FROM trips"))["id"]
    s1 = next(store.query("SELECT id FROM staff WHERE login = 's1'"))["id"]
    person = db.find_or_create_citizen(store, id_number("19800101"), name="张三", phone="13800000000", now=at(0))
    ticket = serve(store, trip)
    case = db.open_case(store, "residence_permit", s1, ticket_id=ticket, citizen_id=person.id, now=at(3))
    path, sha = capture(config, "photo.jpg", PHOTO)
    db.add_attachment(store, case.id, path=path, sha256=sha, kind="id_photo", material="近期照片", now=at(4))
    db.record_outcome(
        store, case.id, "accepted_forwarded", delivery="post", delivery_address="龙港市某路1号", now=at(5)
    )
    db.finish(store, ticket, now=at(6))
    db.rate(store, ticket, 5, now=at(7))
    db.add_suggestion(store, "希望周末也来", trip_id=trip, now=at(8))
    store.close()

    async with linked(config) as pair:
        await until(
            lambda: outbox.backlog(pair.link.db).pending == 0 and pair.link.acknowledged >= 3,
            what="every outbox entry acknowledged",
        )
        got = rows(central_db, "SELECT van_id, case_id, outcome, item_code, applicant->>'name' FROM cases")
        assert got == [("lg-01", case.id, "accepted_forwarded", "residence_permit", "张三")]
        (stored,) = rows(central_db, "SELECT sha256, stored FROM attachments")
        assert stored == (sha, True)
        assert pair.centre.blobs.get(sha) == PHOTO and PHOTO not in Path(path).read_bytes()  # sealed on the van
        assert rows(central_db, "SELECT score FROM ratings") == [(5,)]
        assert rows(central_db, "SELECT text FROM suggestions") == [("希望周末也来",)]
        # Nothing on the van's path or capture folder reached the centre's inbox.
        bodies = json.dumps([row[0] for row in rows(central_db, "SELECT body FROM inbox")], ensure_ascii=False)
        assert str(tmp_path) not in bodies

        # filedrop: the case folder, with its manifest and the checked file.
        folder = config.data_path / "central" / "spool" / f"lg-01-{case.id}"
        await until(lambda: (folder / "manifest.json").exists(), what="the case in the spool")
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["applicant"]["id_number"] == id_number("19800101")
        assert (folder / manifest["attachments"][0]["file"]).read_bytes() == PHOTO

        # 已送达后台, then 后台已受理 once the back office writes its receipt.
        await until(
            lambda: (
                (uplink.case_central(pair.link.db, case.id) or None)
                and uplink.case_central(pair.link.db, case.id).backoffice == "delivered"
            ),
            what="已送达后台 on the van",
        )
        (folder / "receipt.json").write_text('{"state": "accepted", "reference": "ZJ-2026-000123"}', encoding="utf-8")
        await until(
            lambda: uplink.case_central(pair.link.db, case.id).backoffice == "accepted",
            timeout=60,
            what="后台已受理 on the van",
        )
        assert db.get_case(pair.link.db, case.id).backoffice_ref == "ZJ-2026-000123"
        # The captain's summary counts it: forwarded, at the centre, accepted by the back office.
        report = trip_report.build(pair.link.db, trip)
        assert report.backoffice == uplink.BackofficeCounts(cases=1, at_centre=1, delivered=0, accepted=1, rejected=0)
        assert report_export.to_dict(report)["backoffice"]["accepted"] == 1
        await until(lambda: not rows(central_db, "SELECT 1 FROM down_outbox"), what="the van's acks of the receipts")
        assert rows(central_db, "SELECT count(*) FROM inbox")[0][0] == 3
