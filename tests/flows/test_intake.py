"""Intake as a flow: a real SQLite file, a real daemon with the emulated reader, scanner, camera and
virtual printer, two terminals where the defect needs them; no Textual."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.case_numbers import case_number
from core.problems import Code, Problem
from db import audit, cases, followups, ratings, tickets, trips
from db import staff as staff_store
from flows import claims
from flows.intake import (
    Abandoned,
    CardRead,
    CaseFound,
    Filed,
    IntakeFlow,
    MissingMaterials,
    NotDone,
    OutcomeDetails,
    PersonDetails,
    Recorded,
    ReplaceAsked,
    Step,
    VisitAbandoned,
    Waybill,
)
from flows.intake import Action as IntakeAction
from flows.printing import Printed
from flows.rating import Action as RatingAction
from flows.rating import Rated, RatingFlow
from flows.van import Van
from tests.flows.support import Events, FlowVan, devices_ready, flow_van, heard, sim, until
from tests.support.van import connected_client

LI_AGONG = "李阿公"


def serve(fv: FlowVan, login: str, item_code: str | None, *, citizen_id: int | None = None) -> IntakeFlow:
    """A ticket called to `login`'s window, and intake started on it there."""
    store = fv.van.store
    trip = trips.current_trip(store)
    assert trip is not None
    staff = staff_store.get_staff(store, fv.staff_id(login))
    window = trip.window_of(staff.id)
    assert window is not None
    ticket = tickets.issue_ticket(
        store, trip.id, item_code=item_code, category=None if item_code else "A", citizen_id=citizen_id
    )
    called = tickets.call_next(store, trip.id, window)
    assert called is not None and called.id == ticket.id
    flow = IntakeFlow.start(fv.van, ticket.id, staff=staff, trip=trip, window=window)
    assert isinstance(flow, IntakeFlow)
    return flow


def citizen_named(fv: FlowVan, name: str) -> int:
    return next(row["id"] for row in fv.van.store.query("SELECT id FROM citizens WHERE name = ?", [name]))


async def card_for(
    flow: IntakeFlow, fv: FlowVan, events: Events, preset: str
) -> CardRead | ReplaceAsked | Problem | None:
    """Place a card on the reader; what intake makes of it."""
    before = len(events.cards)
    # Each card differs from the one before: the same card put back at once is taken for one left lying.
    sim(fv, claims.reader_for(fv.van, flow.window), "place", {"preset": preset})
    card = (await until(lambda: events.cards[before:], f"the {preset} card"))[0]
    return flow.read_card(card, flow.person)


async def read_and_file(flow: IntakeFlow, fv: FlowVan, events: Events, preset: str) -> Filed:
    read = await card_for(flow, fv, events, preset)
    assert isinstance(read, CardRead)
    filed = flow.file_card_holder(read.card)
    assert isinstance(filed, Filed)
    return filed


async def test_a_card_placed_for_the_desk_never_replaces_the_person_in_intake(tmp_path: Path) -> None:
    """Window 2 served 李阿公 from his appointment; a card placed for the desk put 林小燕 beside his phone."""
    async with (
        flow_van(tmp_path) as fv,
        connected_client(fv.van.config) as desk_client,
        heard(fv.client) as events,
        heard(desk_client) as desk_events,
    ):
        await devices_ready(fv, "idreader")
        desk = Van(fv.van.store, fv.van.config, desk_client, clock=fv.van.clock)
        li = citizen_named(fv, LI_AGONG)
        flow = serve(fv, "s02", "pension_certification", citizen_id=li)
        assert (flow.person.name, flow.person.phone) == (LI_AGONG, "13800000002")

        # The desk holds the shared reader: intake says who, and a card for the desk is not intake's.
        assert await claims.claim(desk, "idreader", None, "吴敏") is None
        await until(lambda: claims.holder(fv.van, "idreader").name == "吴敏", "the desk's claim")
        [hold] = await flow.hold_devices()
        assert hold.elsewhere and (hold.held.window, hold.held.name) == (None, "吴敏")
        # Window 2's terminal never hears that card (the broker gives it only its own); were it
        # handed to intake, intake would still not take it.
        assert await card_for(flow, fv, desk_events, "resident_long_term") is None
        assert events.cards == []
        assert (flow.person.name, flow.person.phone, flow.citizen and flow.citizen.id) == (LI_AGONG, "13800000002", li)

        # The window takes the reader; another person's card then asks before anyone is replaced.
        assert await flow.holding.take("idreader") is None
        await until(lambda: claims.holder(desk, "idreader").window == "2", "the window's claim")
        asked = await card_for(flow, fv, events, "hk_mo_tw")
        assert asked == ReplaceAsked(card_name="黄*欣", current_name="李*公")
        flow.keep_person()
        assert flow.person.name == LI_AGONG
        asked = await card_for(flow, fv, events, "resident_expired")
        assert isinstance(asked, ReplaceAsked)
        read = flow.replace_person(flow.person)
        assert read is not None and (read.person.name, read.person.phone) == ("林小燕", "")  # nothing of his kept
        filed = flow.file_card_holder(read.card)
        assert isinstance(filed, Filed) and filed.outcome == "created"

        # The audit log names the clerk who served, never the desk.
        window_clerk = fv.staff_id("s02")
        for person in (li, citizen_named(fv, "林小燕")):
            entry = audit.entries(fv.van.store, subject="citizen", subject_id=person)[-1]
            assert entry.staff_id == window_clerk
        await flow.holding.release_all()
        await until(lambda: claims.holder(desk, "idreader").nobody, "the reader let go")


async def test_a_window_with_its_own_reader_holds_that_one(tmp_path: Path) -> None:
    settings = {"devices": {"idreaders": {"w2": {"driver": "sim", "window": "2"}}}}
    async with flow_van(tmp_path, settings) as fv, heard(fv.client) as events:
        await devices_ready(fv, "idreader-w2")
        flow = serve(fv, "s02", "pension_certification")
        assert flow.devices_wanted() == ("idreader-w2",)
        [hold] = await flow.hold_devices()
        assert hold.held.mine and claims.holder(fv.van, "idreader").nobody
        filed = await read_and_file(flow, fv, events, "resident")
        assert filed.person.name == "陈志远"


async def test_every_step_goes_back_and_a_case_ends_only_with_an_outcome_or_an_abandon(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv, heard(fv.client) as events:
        flow = serve(fv, "s01", "hukou_certificate")
        assert flow.next(PersonDetails(name="张三")) is Step.MATERIALS
        case_id = flow.case.id if flow.case else 0
        assert flow.next() is Step.OUTCOME
        assert flow.back() is Step.MATERIALS and flow.back() is Step.PERSON
        assert flow.case is not None and flow.case.id == case_id  # back at the person: the case stays open
        # A typo fixed: the case is the same, intake cannot be left with it open, only abandoned.
        assert flow.next(PersonDetails(name="张山")) is Step.MATERIALS and flow.case.id == case_id
        flow.back()
        assert not flow.allowed(IntakeAction.LEAVE) and flow.allowed(IntakeAction.ABANDON)
        assert not flow.allowed(IntakeAction.FINISH_VISIT)
        assert flow.leave() == Problem(Code.INTAKE_NOT_NOW, {"action": "leave", "step": "person"})
        assert flow.abandon(Abandoned.OTHER) == Problem(Code.INTAKE_REASON_DETAIL_MISSING)

        # Resumed at the window, the visit comes back where it was: the open case's materials.
        again = IntakeFlow.start(fv.van, flow.ticket.id, staff=flow.staff, trip=flow.trip, window=flow.window)
        assert isinstance(again, IntakeFlow) and again.step is Step.MATERIALS and again.case.id == case_id

        abandoned = flow.abandon(Abandoned.PERSON_LEFT)
        assert isinstance(abandoned, VisitAbandoned) and flow.step is Step.ENDED
        case = cases.get_case(fv.van.store, case_id)
        assert (case.outcome, case.reason, case.status) == ("not_done", "abandoned.person_left", "closed")
        assert tickets.get_ticket(fv.van.store, flow.ticket.id).status == "done"
        await until(lambda: any(e.type == "ticket.done" for e in events.queue), "ticket.done announced")
        assert not flow.allowed(IntakeAction.ABANDON) and not flow.allowed(IntakeAction.NEXT)


async def test_leaving_with_no_case_open_keeps_the_ticket_served_and_a_visit_ends_with_its_rating(
    tmp_path: Path,
) -> None:
    async with flow_van(tmp_path) as fv:
        flow = serve(fv, "s01", None)
        assert flow.next(PersonDetails()) is Step.MATERIALS and flow.case is None  # no item yet: choose one
        flow.back()
        assert flow.leave() is None
        assert tickets.get_ticket(fv.van.store, flow.ticket.id).status == "serving"
        again = IntakeFlow.start(fv.van, flow.ticket.id, staff=flow.staff, trip=flow.trip, window=flow.window)
        assert isinstance(again, IntakeFlow) and again.step is Step.PERSON
        again.next(PersonDetails())
        opened = again.choose_item("hukou_certificate")
        assert not isinstance(opened, Problem)
        assert again.choose_item("hukou_move_in") == Problem(
            Code.INTAKE_CASE_OPEN, {"item": "户籍证明开具", "item_en": "Household registration certificate"}
        )
        again.next()
        assert again.choose_outcome("consult_only") is None
        assert isinstance(again.record(OutcomeDetails()), Recorded) and again.step is Step.RECORDED
        assert not again.allowed(IntakeAction.ABANDON)  # something was recorded: the visit ends with a rating
        rating = again.finish_visit()
        assert isinstance(rating, RatingFlow) and not rating.named
        assert tickets.get_ticket(fv.van.store, flow.ticket.id).status == "done"


async def test_a_bad_ratings_comment_stays_with_it_and_a_suggestion_is_apart(tmp_path: Path) -> None:
    """The comment typed on the rating screen became a suggestion; the follow-up showed 意见：—."""
    async with flow_van(tmp_path) as fv, heard(fv.client) as events:
        flow = serve(fv, "s01", "hukou_certificate")
        await devices_ready(fv, "idreader")
        await flow.hold_devices()
        await until(lambda: claims.holder(fv.van, "idreader").mine, "the reader")
        await read_and_file(flow, fv, events, "resident")
        flow.next()
        flow.next()
        flow.choose_outcome("consult_only")
        flow.record(OutcomeDetails())
        rating = flow.finish_visit()
        assert isinstance(rating, RatingFlow) and rating.named
        assert rating.choose(4) is None and rating.follow_up_deadline() is None
        assert rating.choose(1) is None  # corrected before it is stored
        deadline = rating.follow_up_deadline()
        rated = rating.finish(comment="  等了很久，窗口没人 ", suggestion="希望增加周末服务")
        assert isinstance(rated, Rated) and rated.rating is not None and rated.follow_up is not None
        assert rated.follow_up.deadline == deadline
        line = followups.get_line(fv.van.store, rated.follow_up.id)
        assert (line.score, line.named, line.comment) == (1, True, "等了很久，窗口没人")
        assert [s.text for s in ratings.list_suggestions(fv.van.store)] == ["希望增加周末服务"]
        assert rating.finish("again", "again") == rated and not rating.allowed(RatingAction.RATE)

        # Not rating at all still keeps a suggestion, and stores no rating.
        other = serve(fv, "s01", "hukou_certificate")
        other.next(PersonDetails())
        other.next()
        other.choose_outcome("consult_only")
        other.record(OutcomeDetails())
        declined = other.finish_visit()
        assert isinstance(declined, RatingFlow)
        declined.decline()
        done = declined.finish(comment="ignored: no rating", suggestion="门口加把椅子")
        assert isinstance(done, Rated) and done.rating is None
        assert len(ratings.list_suggestions(fv.van.store)) == 2
        assert list(fv.van.store.query("SELECT COUNT(*) AS n FROM ratings")) == [{"n": 1}]


async def test_intake_checks_what_a_clerk_would(tmp_path: Path) -> None:
    """An empty applicant was 办结 with 送证上门 and no address; 138abc, emoji and 300 characters got through."""
    async with flow_van(tmp_path) as fv:
        flow = serve(fv, "s01", "hukou_certificate")
        assert flow.next(PersonDetails(name="张三", phone="138abc")) == Problem(Code.PHONE_INVALID)
        assert flow.next(PersonDetails(name="张三😀")) == Problem(Code.NAME_CHARACTERS)
        assert flow.next(PersonDetails(name="张三", address="路" * 300)) == Problem(
            Code.ADDRESS_TOO_LONG, {"limit": 200, "length": 300}
        )
        assert flow.step is Step.PERSON and flow.case is None
        assert flow.next(PersonDetails()) is Step.MATERIALS  # nobody named yet: a consult needs no one
        for line in ("身份证原件", "居民户口簿"):
            flow.mark(line, "original_seen")
        flow.next()
        flow.choose_outcome("completed_on_site")
        assert flow.record(OutcomeDetails()) == Problem(Code.INTAKE_APPLICANT_MISSING)
        assert cases.get_case(fv.van.store, flow.case.id).outcome is None

        # Back to the person to give the name; then 受理转办 with a required material missing asks first.
        flow.back()
        flow.back()
        flow.next(PersonDetails(name="张三", phone="0577-6888 1234"))
        assert flow.person.phone == "057768881234"
        flow.mark("居民户口簿", "missing")
        flow.next()
        flow.choose_outcome("completed_on_site")
        assert flow.record(OutcomeDetails()) == MissingMaterials(("居民户口簿",))
        recorded = flow.record(OutcomeDetails(), missing_confirmed=True)
        assert isinstance(recorded, Recorded) and recorded.case.outcome == "completed_on_site"

        # Door delivery needs the door's address, whole, and a date from today on.
        flow.another_item()
        flow.choose_item("social_security_card")
        for line in ("身份证原件", "近期一寸免冠照片"):
            flow.mark(line, "original_seen")
        flow.next()
        flow.choose_outcome("accepted_forwarded")
        assert flow.choose_delivery("door") is None
        assert flow.record(OutcomeDetails(door_date="2030-01-20")) == Problem(Code.ADDRESS_MISSING)
        assert flow.record(OutcomeDetails(address="路" * 300, door_date="2030-01-20")) == Problem(
            Code.ADDRESS_TOO_LONG, {"limit": 200, "length": 300}
        )
        assert flow.record(OutcomeDetails(address="龙港市某路1号", door_date="2001-01-01")) == Problem(
            Code.INTAKE_DOOR_DATE_PAST
        )
        assert flow.record(OutcomeDetails(address="龙港市某路1号", door_date="soon")) == Problem(
            Code.INTAKE_DOOR_DATE_FORM
        )
        recorded = flow.record(OutcomeDetails(address="龙港市某路1号", door_date="2030-01-20"))
        assert isinstance(recorded, Recorded) and recorded.case.has_delivery_address

        # Not done says why; "other" says it in words; missing materials name what is missing.
        flow.another_item()
        flow.choose_item("hukou_certificate")
        flow.next()
        flow.choose_outcome("not_done")
        assert flow.record(OutcomeDetails()) == Problem(Code.CASE_REASON_MISSING)
        assert flow.record(OutcomeDetails(reason=NotDone.OTHER)) == Problem(Code.INTAKE_REASON_DETAIL_MISSING)
        recorded = flow.record(OutcomeDetails(reason=NotDone.MISSING_MATERIALS))
        assert isinstance(recorded, Recorded) and recorded.offer_return_visit
        assert recorded.case.reason == "missing_materials: 身份证原件、居民户口簿"


async def test_a_card_read_ticks_the_id_cards_original(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv, heard(fv.client) as events:
        await devices_ready(fv, "idreader")
        flow = serve(fv, "s01", "hukou_certificate")
        await flow.hold_devices()
        await until(lambda: claims.holder(fv.van, "idreader").mine, "the reader")
        await read_and_file(flow, fv, events, "resident")
        flow.next()
        assert flow.case is not None
        assert [(line.material, line.state) for line in flow.case.materials] == [
            ("身份证原件", "original_seen"),
            ("居民户口簿", "missing"),
        ]
        # Come back to the visit (say, after a restart): the case's person is there again.
        again = IntakeFlow.start(fv.van, flow.ticket.id, staff=flow.staff, trip=flow.trip, window=flow.window)
        assert isinstance(again, IntakeFlow) and (again.step, again.person.name) == (Step.MATERIALS, "陈志远")
        assert isinstance(flow.abandon(Abandoned.PERSON_LEFT), VisitAbandoned)
        await flow.holding.release_all()

        # An expired card identifies the person, but is no valid original.
        other = serve(fv, "s01", "hukou_certificate")
        await other.hold_devices()
        await until(lambda: claims.holder(fv.van, "idreader").mine, "the reader again")
        await read_and_file(other, fv, events, "resident_expired")
        other.next()
        assert other.case is not None and other.case.materials[0].state == "missing"


async def test_a_scan_goes_where_a_clerk_expects_it(tmp_path: Path) -> None:
    """A case number was refused unless its field had focus: now it is looked up at the materials step,
    and a waybill at the outcome step goes into the waybill."""
    async with (
        flow_van(tmp_path) as fv,
        heard(fv.client) as events,
        connected_client(fv.van.config, support=True) as support,
        heard(support) as every,
    ):
        await devices_ready(fv, "scanner", "printer")
        earlier = serve(fv, "s01", "hukou_certificate")
        earlier.next(PersonDetails())
        earlier.next()
        earlier.choose_outcome("not_done")
        earlier.record(OutcomeDetails(reason=NotDone.MISSING_MATERIALS))
        assert isinstance(earlier.finish_visit(), RatingFlow)
        number = case_number(fv.van.config.van_id, earlier.recorded[-1].id)

        async def scan(flow: IntakeFlow, code: str, heard_by: Events = events) -> CaseFound | Waybill | Problem | None:
            before = len(heard_by.scans)
            sim(fv, "scanner", "scan", {"code": code})
            event = (await until(lambda: heard_by.scans[before:], f"the scan of {code}"))[0]
            return flow.scan(event)

        flow = serve(fv, "s01", None)
        flow.next(PersonDetails())
        # Nobody held the scanner: no terminal hears it (support does), and intake would not take it.
        assert await scan(flow, "GOVAN-CASE:LG-01-000001", every) is None
        assert events.scans == []
        await flow.hold_devices()
        await until(lambda: claims.holder(fv.van, "scanner").mine, "the scanner")
        found = await scan(flow, f"GOVAN-CASE:{number}")
        assert isinstance(found, CaseFound) and (found.outcome, found.reason) == (
            "not_done",
            "missing_materials: 身份证原件、居民户口簿",
        )
        assert found.opened is not None and found.opened.item_code == "hukou_certificate"
        assert await scan(flow, "XX-99-000001") == Problem(Code.INTAKE_NOT_A_CASE_NUMBER)
        assert isinstance(flow.abandon(Abandoned.WRONG_PLACE), VisitAbandoned)
        await flow.holding.release_all()

        posted = serve(fv, "s01", "id_card_renewal")
        posted.next(PersonDetails(name="张三", address="龙港市某路1号"))
        for line in ("原居民身份证", "居民户口簿", "身份证数字相片"):
            posted.mark(line, "original_seen")
        posted.next()
        await posted.hold_devices()
        await until(lambda: claims.holder(fv.van, "scanner").mine, "the scanner at the outcome")
        assert await scan(posted, "1190123456789") == Problem(Code.CASE_POST_DETAILS_NOT_POST)
        posted.choose_outcome("accepted_forwarded")
        assert await scan(posted, "1190123456789") == Waybill("1190123456789") and posted.delivery == "post"
        recorded = posted.record(OutcomeDetails(address=posted.delivery_address(), waybill="1190123456789"))
        assert isinstance(recorded, Recorded) and recorded.case.waybill == "1190123456789"
        results = await posted.print_receipts()
        assert [(r.kind, isinstance(r.result, Printed)) for r in results] == [("receipt", True), ("label", True)]
        receipt, label = fv.receipts[-2:]
        assert "受理回执" in receipt.lines and "1190123456789" in "".join(receipt.lines)
        assert label.barcodes == ["1190123456789"] and "收件人：张三" in label.lines


async def test_print_and_capture_failures_are_problems_with_codes(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        await devices_ready(fv, "printer", "camera")
        flow = serve(fv, "s01", "hukou_certificate")
        flow.next(PersonDetails(name="张三"))
        sim(fv, "camera", "fault", {"fault": "fail"})
        failed = await flow.capture("居民户口簿", photo=False)
        assert isinstance(failed, Problem) and failed.code is Code.CAMERA_UNREADABLE_PICTURE
        assert flow.case is not None and flow.case.materials[1].state == "missing"
        flow.mark("身份证原件", "original_seen")
        flow.mark("居民户口簿", "original_seen")
        flow.next()
        flow.choose_outcome("completed_on_site")
        assert isinstance(flow.record(OutcomeDetails()), Recorded)
        sim(fv, "printer", "paper", {"state": "out"})
        await until(lambda: fv.client.status.devices["printer"].state == "error", "paper out")
        [result] = await flow.print_receipts()
        assert result.result == Problem(Code.PRINTER_PAPER_OUT)
        sim(fv, "printer", "paper", {"state": "ok"})
        await until(lambda: fv.client.status.devices["printer"].state == "ready", "paper back")
        [again] = await flow.reprint()
        assert isinstance(again.result, Printed) and "办结回执" in fv.receipts[-1].lines


async def test_a_return_visit_is_booked_for_the_missing_materials(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        await devices_ready(fv, "printer")
        flow = serve(fv, "s01", "hukou_certificate", citizen_id=citizen_named(fv, LI_AGONG))
        flow.next()
        flow.mark("身份证原件", "original_seen")
        flow.next()
        flow.choose_outcome("not_done")
        recorded = flow.record(OutcomeDetails(reason=NotDone.MISSING_MATERIALS))
        assert isinstance(recorded, Recorded) and recorded.missing == ("居民户口簿",)
        assert flow.book_return_visit("tomorrow") == Problem(Code.INTAKE_APPOINTMENT_TIME_FORM)
        assert flow.book_return_visit("2001-01-01 09:30") == Problem(Code.INTAKE_APPOINTMENT_PAST)
        when = (fv.van.now() + timedelta(days=3)).replace(hour=9, minute=30, second=0, microsecond=0)
        visit = flow.book_return_visit(when.strftime("%Y-%m-%d %H:%M"))
        assert not isinstance(visit, Problem) and visit.at == when
        [result] = await flow.print_receipts(visit)
        assert result.kind == "missing_list" and isinstance(result.result, Printed)
        printed = "\n".join(fv.receipts[-1].lines)
        assert "1. 居民户口簿" in printed and "已核验：身份证原件" in printed
        assert f"预约时间：{when:%Y-%m-%d %H:%M}" in printed and visit.qr_payload in fv.receipts[-1].qr_data
