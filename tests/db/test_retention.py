"""Retention purge: exactly what is due goes, the rest stays, and the audit entry says which."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import db
from core.problems import Code
from db import audit, outbox, uplink
from tests.db.support import Van, at, id_number, raises_problem

DAY = 24 * 60
SHA = "cd" * 32


def visit(
    van: Van,
    tmp_path: Path,
    birth: str,
    minute: float,
    *,
    outcome: str = "accepted_forwarded",
    capture: bool = True,
    post: bool = False,
) -> tuple[int, int, Path]:
    """A person served at `minute`: (citizen id, case id, capture file)."""
    person = db.find_or_create_citizen(
        van.db, id_number(birth), name="张三", phone="13800000000", address="某路1号", now=at(minute)
    )
    ticket = db.issue_ticket(van.db, van.trip_id, category="A", citizen_id=person.id, now=at(minute))
    db.call_next(van.db, van.trip_id, "1", now=at(minute + 1))
    db.start_service(van.db, ticket.id, now=at(minute + 1))
    item = "residence_permit" if outcome == "accepted_forwarded" else "hukou_certificate"
    case = db.open_case(van.db, item, van.s1, ticket_id=ticket.id, now=at(minute + 1))
    capture_file = tmp_path / f"capture-{case.id}.jpg"
    if capture:
        capture_file.write_bytes(b"\xff\xd8 jpeg")
        db.add_attachment(van.db, case.id, path=str(capture_file), sha256=SHA, kind="document", now=at(minute + 2))
    delivery = {"delivery": "post", "delivery_address": "某路1号"} if post else {}
    db.record_outcome(van.db, case.id, outcome, now=at(minute + 3), **delivery)  # type: ignore[arg-type]
    if post:
        db.confirm_delivery(van.db, case.id, waybill="SF1", now=at(minute + 4))
    db.finish(van.db, ticket.id, now=at(minute + 5))
    return person.id, case.id, capture_file


def sync_all(van: Van, minute: float = 10) -> None:
    """What `govan sync` does once the centre has everything: queue it all, then take the centre's acks."""
    uplink.collect(van.db, now=at(minute))
    outbox.acknowledge(van.db, [message.msg_id for message in outbox.pending(van.db)], now=at(minute))


def acknowledge_case(van: Van, case_id: int, minute: float) -> None:
    uplink.collect(van.db, now=at(minute))
    outbox.acknowledge(van.db, [m.msg_id for m in outbox.pending(van.db) if m.case_id == case_id], now=at(minute))


def test_purge_removes_exactly_what_is_due_and_says_so(van: Van, tmp_path: Path) -> None:
    settled, settled_case, settled_file = visit(van, tmp_path, "19800101", 0, post=True)
    sync_all(van)
    unsynced, unsynced_case, unsynced_file = visit(van, tmp_path, "19800102", 10)
    recent, recent_case, recent_file = visit(van, tmp_path, "19800103", 25 * DAY, outcome="completed_on_site")
    unhappy, unhappy_case, unhappy_file = visit(van, tmp_path, "19800104", 20, outcome="completed_on_site")
    unhappy_ticket = db.get_case(van.db, unhappy_case).ticket_id
    assert unhappy_ticket is not None
    db.rate(van.db, unhappy_ticket, 1, named=True, now=at(30))  # its follow-up stays open
    acknowledge_case(van, unhappy_case, 31)
    acknowledge_case(van, recent_case, 25 * DAY + 10)
    unhappy_file.unlink()  # someone already deleted this capture by hand

    report = db.purge(van.db, 30, staff_id=van.captain, now=at(31 * DAY))

    assert report.citizens == [settled]
    assert report.cases_with_address == [settled_case]
    purged_attachments = [a.id for c in (settled_case, unhappy_case) for a in db.cases.list_attachments(van.db, c)]
    assert report.attachments == purged_attachments
    assert (report.files_deleted, report.files_already_gone) == (1, 1)
    assert not settled_file.exists() and unsynced_file.exists() and recent_file.exists()

    gone = db.get_citizen(van.db, settled, staff_id=van.captain, purpose="check the purge")
    assert gone.purged and (gone.id_number, gone.name, gone.phone, gone.address, gone.birth_date) == (None,) * 5
    for kept in (unsynced, recent, unhappy):
        person = db.get_citizen(van.db, kept, staff_id=van.captain, purpose="check the purge")
        assert not person.purged and person.name == "张三" and person.id_number
    assert [a.path for a in db.cases.list_attachments(van.db, settled_case)] == [None]
    assert [a.path for a in db.cases.list_attachments(van.db, unsynced_case)] == [str(unsynced_file)]
    assert [a.path for a in db.cases.list_attachments(van.db, recent_case)] == [str(recent_file)]
    assert db.get_case(van.db, settled_case).has_delivery_address is False
    assert db.get_case(van.db, settled_case).outcome == "accepted_forwarded"  # the figures keep adding up

    entry = audit.entries(van.db, subject="retention")[-1]
    assert (entry.id, entry.action, entry.staff_id) == (report.audit_id, "purge", van.captain)
    assert entry.detail == (
        f"retention 30 days (kept since {report.cutoff}): "
        f"citizens #{settled} lost id_number, name, sex, birth_date, phone, address, disabled; "
        f"cases #{settled_case} lost delivery_address; "
        f"attachments #{purged_attachments[0]}, #{purged_attachments[1]} lost their capture files "
        f"(1 deleted, 1 already gone)"
    )
    assert report.cutoff == (at(31 * DAY) - timedelta(days=30)).isoformat(timespec="milliseconds")


def test_a_second_purge_finds_nothing_more_and_still_leaves_a_record(van: Van, tmp_path: Path) -> None:
    visit(van, tmp_path, "19800101", 0, outcome="completed_on_site")
    sync_all(van)
    first = db.purge(van.db, 30, now=at(31 * DAY))
    second = db.purge(van.db, 30, now=at(32 * DAY))
    assert first.citizens and (second.citizens, second.attachments, second.cases_with_address) == ([], [], [])
    assert "citizens none" in audit.entries(van.db, subject="retention")[-1].detail


def test_a_purged_person_who_returns_is_a_new_record(van: Van, tmp_path: Path) -> None:
    old, _, _ = visit(van, tmp_path, "19800101", 0, outcome="completed_on_site", capture=False)
    sync_all(van)
    db.purge(van.db, 30, now=at(31 * DAY))
    again = db.find_or_create_citizen(van.db, id_number("19800101"), now=at(32 * DAY))
    assert again.id != old and not again.purged


def test_retention_days_are_checked(van: Van) -> None:
    with raises_problem(db.InvalidValue, Code.STORE_TOO_SMALL, field="retention_days", min=1):
        db.purge(van.db, 0)


def test_a_case_the_centre_has_not_acknowledged_keeps_its_personal_data(van: Van, tmp_path: Path) -> None:
    person, case_id, capture = visit(van, tmp_path, "19800101", 0, outcome="completed_on_site")
    uplink.collect(van.db, now=at(10))  # queued, even sent: not yet acknowledged
    assert [m.kind for m in outbox.pending(van.db) if m.case_id == case_id] == ["case.outcome"]
    report = db.purge(van.db, 30, now=at(31 * DAY))
    assert (report.citizens, report.attachments) == ([], []) and capture.exists()

    acknowledge_case(van, case_id, 31 * DAY)
    assert uplink.case_central(van.db, case_id).acked_at == at(31 * DAY).isoformat(timespec="milliseconds")
    report = db.purge(van.db, 30, now=at(31 * DAY + 1))
    assert report.citizens == [person] and not capture.exists()
