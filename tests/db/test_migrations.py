"""The schema comes from migrations: from empty, re-runnable, and safe to race."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from sqlite_utils import Database

import db
from core.keys import write_key
from core.problems import Code, Problem
from db import migrations
from db.connection import IntegrityError

TABLES = {
    "departments",
    "service_items",
    "staff",
    "stops",
    "trips",
    "trip_items",
    "trip_crew",
    "crew_categories",
    "citizens",
    "appointments",
    "appointment_items",
    "tickets",
    "cases",
    "attachments",
    "case_materials",
    "ratings",
    "follow_ups",
    "suggestions",
    "audit_log",
    "outbox",
    "trip_reports",
    "device_incidents",
    "login_failures",
    "trip_desk_keys",
    "ticket_tokens",
    "central_marks",
    "case_central",
    "sync_state",
    "plan_weeks",
    "central_bookings",
}
MIGRATIONS = [
    "m001_initial_schema",
    "m002_trip_reports_and_device_incidents",
    "m003_login_lockout",
    "m004_queue_print_outcomes_deferral_and_desk_keys",
    "m005_ticket_tokens_and_speaker_incidents",
    "m006_central_sync",
    "m009_plans_and_bookings",
    "m010_incident_problems_and_english_names",
    "m011_ticket_state_and_call_indexes",
]


def schema(path: Path) -> list[tuple[str, str]]:
    store = db.open_store(path, migrate=False)
    try:
        return store.conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name").fetchall()
    finally:
        store.close()


def test_migrations_build_every_table_from_empty(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    store = db.open_store(path)
    assert TABLES <= set(store.table_names())
    assert migrations.applied(store) == MIGRATIONS
    store.close()


def test_running_migrations_again_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    db.open_store(path).close()
    before = schema(path)
    store = db.open_store(path)
    migrations.migrate(store)
    assert migrations.applied(store) == MIGRATIONS
    assert next(store.query("SELECT COUNT(*) AS n FROM _sqlite_migrations"))["n"] == len(MIGRATIONS)
    store.close()
    assert schema(path) == before


def test_every_connection_gets_the_rules_of_design_md(tmp_path: Path) -> None:
    store = db.open_store(tmp_path / "pragmas.db", busy_timeout_s=7)
    pragma = {
        name: store.conn.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
    }
    assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2, "busy_timeout": 7000}
    with pytest.raises(IntegrityError):
        store.execute(
            "INSERT INTO service_items (code, name, department, completion, added_at, changed_at)"
            " VALUES ('x', 'x', 'no-such-department', 'on_site', '', '')"
        )
    store.close()


def test_several_processes_creating_the_store_at_once_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "raced.db"
    code = "import sys, db; db.open_store(sys.argv[1]).close(); print('ok')"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    results = [process.communicate(timeout=60) for process in processes]
    assert [out.strip() for out, _ in results] == ["ok"] * 4, [err for _, err in results]
    store = db.open_store(path, migrate=False)
    assert store.conn.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0] == len(MIGRATIONS)
    store.close()


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    write_key(tmp_path)  # with a key: the file itself is what fails
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(db.StoreError) as raised:
        db.open_store(path)
    assert raised.value.code is Code.STORE_NOT_USABLE
    assert raised.value.problem.params["path"] == str(path)


def test_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(db.StoreError) as raised:
        db.open_store(tmp_path / "nowhere" / "govan.db")
    assert raised.value.problem == Problem(Code.STORE_NO_DIRECTORY, {"path": str(tmp_path / "nowhere")})


def _load_catalogue_as_before_m010(store: Database, catalogue: ModuleType) -> None:
    """The default catalogue as the code before m010 stored it: no English names."""
    text = (Path(catalogue.__file__).parent / "default_catalogue.toml").read_text(encoding="utf-8")
    parsed = catalogue.parse_toml(text)
    for department in parsed.departments:
        store.execute(
            "INSERT INTO departments (code, name, queue_letter) VALUES (?, ?, ?)",
            [department.code, department.name, department.queue_letter],
        )
    for item in parsed.items:
        store.execute(
            "INSERT INTO service_items (code, name, department, materials, completion, mailable, fee_fen, "
            "time_limit_days, needs_id_photo, enabled, added_at, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                item.code,
                item.name,
                item.department,
                json.dumps(list(item.materials), ensure_ascii=False),
                item.completion,
                int(item.mailable),
                item.fee_fen,
                item.time_limit_days,
                int(item.needs_id_photo),
                int(item.enabled),
                "2026-11-20T00:00:00.000+00:00",
                "2026-11-20T00:00:00.000+00:00",
            ],
        )


def test_the_tickets_table_is_rebuilt_with_its_rows_and_what_points_at_them(tmp_path: Path) -> None:
    """m004 rebuilds tickets (new states and columns); cases, ratings and transfers still point at their rows."""
    from db import cases, catalogue, ratings, tickets
    from tests.db.support import at

    store = db.open_store(tmp_path / "old.db", migrate=False)
    migrations.migrations.apply(store, stop_before="m004_queue_print_outcomes_deferral_and_desk_keys")
    assert "let_pass" not in {column.name for column in store.table("tickets").columns}
    _load_catalogue_as_before_m010(store, catalogue)
    captain = db.add_staff(store, "c1", "车长", "captain", "1111", department="agency", now=at(0)).id
    stop = db.add_stop(store, "站点", "community")
    trip = db.plan_trip(store, at(0).date(), stop.id, captain, "fixed", now=at(0))
    db.set_crew(store, trip.id, captain, "1", ["A", "F"])
    db.open_trip(store, trip.id, now=at(0))
    # As m003's code did it (calling reads columns m004 adds, so the calls are written out here).
    first = tickets.issue_ticket(store, trip.id, category="A", now=at(1))
    store.execute("UPDATE tickets SET status = 'called', window = '1', call_count = 1 WHERE id = ?", [first.id])
    moved = tickets.transfer_to_category(store, first.id, "F", now=at(3))
    store.execute("UPDATE tickets SET status = 'called', window = '1', call_count = 1 WHERE id = ?", [moved.id])
    tickets.start_service(store, moved.id, now=at(5))
    # The case as open_case stored it then (it reads the catalogue, whose English names come with m010).
    case_id = store.execute(
        "INSERT INTO cases (trip_id, ticket_id, item_code, citizen_id, staff_id, opened_at) VALUES (?, ?, ?, ?, ?, ?)",
        [trip.id, moved.id, "social_insurance_enrol", None, captain, "2026-11-20T01:05:00.000+00:00"],
    ).lastrowid
    tickets.finish(store, moved.id, now=at(6))
    ratings.rate(store, moved.id, 5, now=at(7))
    before = [dict(row) for row in store.query("SELECT * FROM tickets ORDER BY id")]
    migrations.migrate(store)

    after = [dict(row) for row in store.query("SELECT * FROM tickets ORDER BY id")]
    assert [{key: row[key] for key in before[0]} for row in after] == before
    assert all((row["let_pass"], row["deferrals"]) == (0, 0) for row in after)
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert store.conn.execute("PRAGMA defer_foreign_keys").fetchone()[0] == 0
    assert cases.get_case(store, case_id).ticket_id == moved.id
    assert {index.name for index in store.table("tickets").indexes} >= {"tickets_queue", "tickets_by_staff"}
    with pytest.raises(IntegrityError):  # foreign keys are checked again
        store.execute("UPDATE cases SET ticket_id = 999 WHERE id = ?", [case_id])
    store.close()


def test_m010_gives_the_default_catalogue_its_english_names_and_leaves_a_renamed_one_chinese(tmp_path: Path) -> None:
    from db import catalogue

    store = db.open_store(tmp_path / "old.db", migrate=False)
    migrations.migrations.apply(store, stop_before="m010_incident_problems_and_english_names")
    _load_catalogue_as_before_m010(store, catalogue)
    store.execute("UPDATE departments SET name = '公安分局' WHERE code = 'police'")  # the van renamed it
    migrations.migrate(store)
    names = {d.code: (d.name, d.name_en) for d in catalogue.list_departments(store)}
    assert names["social"] == ("人力社保", "HR and Social Security")
    assert names["police"] == ("公安分局", "")  # not the default's department any more: no English name guessed
    assert catalogue.get_item(store, "hukou_certificate").name_en == "Household registration certificate"
    assert catalogue.get_item(store, "hukou_certificate").name == "户籍证明开具"
    store.close()
