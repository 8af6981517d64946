"""Every read of personal data on the van reaches the centre's audit, and exports without the values."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

import db
from central import views
from central.status import run_reveals
from db import outbox
from tests.db.support import at, id_number
from tests.support.centre import linked, make_store, until, van_config

NUMBER = id_number("19661010", "338")


async def test_who_read_an_id_number_goes_up_once_and_is_exported_without_it(
    tmp_path: Path, central_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = van_config(tmp_path, central_db)
    store = make_store(config)
    s1 = next(store.query("SELECT id FROM staff WHERE login = 's1'"))["id"]
    person = db.find_or_create_citizen(store, NUMBER, name="王五", phone="13700000000", now=at(0))
    db.get_citizen(store, person.id, staff_id=s1, purpose="核对邮寄地址", now=at(1))
    views_on_van = [entry for entry in db.audit.entries(store, subject="citizen") if entry.action == "view"]
    assert len(views_on_van) == 1
    store.close()

    async with linked(config) as pair:
        await until(
            lambda: outbox.backlog(pair.link.db).pending == 0 and pair.link.acknowledged >= 1,
            what="the reveal acknowledged",
        )
    with psycopg.connect(central_db) as conn:
        got = conn.execute("SELECT van_id, audit_id, staff_login, subject, subject_id, detail FROM reveals").fetchall()
        assert got == [("lg-01", views_on_van[0].id, "s1", "citizen", person.id, views_on_van[0].detail)]
        lines = views.reveals(conn, at(0).date(), at(0).date())
    assert [(line.van_id, line.staff_login, line.staff_name) for line in lines] == [
        ("lg-01", "s1", lines[0].staff_name)
    ]
    assert "核对邮寄地址" in lines[0].detail

    exported = views.export(lines, "csv")
    assert exported.splitlines()[0] == "van_id,at,staff_login,staff_name,subject,subject_id,detail"
    assert "s1" in exported and NUMBER not in exported and "王五" not in exported
    # The command the centre runs; nothing of that day falls in the last 30 days of another year.
    assert run_reveals(config, days=100_000, fmt="json", van_id="lg-01") == 0
    records = json.loads(capsys.readouterr().out)
    assert [record["staff_login"] for record in records] == ["s1"]
    assert NUMBER not in json.dumps(records, ensure_ascii=False)
