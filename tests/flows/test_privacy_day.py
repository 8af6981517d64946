"""After a day at a window (a card read, its number shown, an ID photo and a document captured,
the result posted home with a mailing label printed), nothing in the data directory holds the
citizen's ID number, name or address in the clear: store, WAL, SHM, captures, receipts, logs."""

from __future__ import annotations

from pathlib import Path

from core import sealing
from core.keys import load_keys
from devices.idcard.presets import PRESETS
from flows.intake import Captured, OutcomeDetails, Recorded
from flows.printing import Printed
from flows.rating import RatingFlow
from tests.flows.support import devices_ready, flow_van, heard
from tests.flows.test_intake import read_and_file, serve

CARD = PRESETS["resident"].card
ADDRESS = "浙江省温州市龙港市人民路99号"  # where the result is posted, typed by the clerk


def in_the_clear(folder: Path) -> dict[str, list[str]]:
    """Each file under `folder` that holds one of the citizen's values as text (UTF-8 or GB18030)."""
    values = {"id number": CARD.id_number, "name": CARD.name, "card address": CARD.address, "address": ADDRESS}
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            hits = [
                what
                for what, value in values.items()
                if value.encode("utf-8") in data or value.encode("gb18030") in data
            ]
            if hits:
                found[str(path.relative_to(folder))] = hits
    return found


async def test_nothing_personal_in_the_clear_in_the_data_directory_after_a_day_at_a_window(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv, heard(fv.client) as events:
        await devices_ready(fv, "idreader", "printer", "camera")
        flow = serve(fv, "s01", "id_card_renewal")
        await flow.hold_devices()
        filed = await read_and_file(flow, fv, events, "resident")
        assert filed.person.name == CARD.name
        assert flow.reveal_id() == CARD.id_number
        flow.next()  # to the materials
        photo = await flow.capture("身份证数字相片", photo=True)
        copy = await flow.capture("居民户口簿", photo=False)
        assert isinstance(photo, Captured) and isinstance(copy, Captured)
        flow.mark("原居民身份证", "original_seen")
        flow.next()
        flow.choose_outcome("accepted_forwarded")
        flow.choose_delivery("post")
        recorded = flow.record(OutcomeDetails(address=ADDRESS, waybill="1190123456789"))
        assert isinstance(recorded, Recorded)
        printed = await flow.print_receipts()
        assert [(r.kind, isinstance(r.result, Printed)) for r in printed] == [("receipt", True), ("label", True)]
        assert f"收件人：{CARD.name}" in fv.receipts[-1].lines  # the label did carry the name
        assert isinstance(flow.finish_visit(), RatingFlow)
        await flow.holding.release_all()
        data = fv.van.config.data_path
        # The pictures are there, and open with the van's key.
        key = load_keys(data).files
        for captured in (photo, copy):
            assert sealing.open_file(key, Path(captured.attachment.path or "")).startswith(b"\xff\xd8")
        assert (data / "govan.db-wal").stat().st_size > 0  # the day is in the WAL, encrypted
        checked = {path.relative_to(data).parts[0] for path in data.rglob("*") if path.is_file()}
        assert {"govan.db", "govan.db-wal", "govan.db-shm", "captures"} <= checked, checked
        assert in_the_clear(data) == {}
    # Once everything has closed: the daemon has drawn the receipt and the label (training pictures).
    data = fv.van.config.data_path
    assert sorted(path.name for path in (data / "training" / "receipts").iterdir()) == [
        "receipt-0001.png",
        "receipt-0002.png",
    ]
    assert in_the_clear(data) == {}
