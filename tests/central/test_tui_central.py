"""`govan tui --central`: the seven pages render the central store at 80×24, and export."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import msgspec

from central import store
from core.centre import Envelope, new_msg_id
from db.clock import SHANGHAI
from govan import config as config_module
from govan.config import Config
from tui.central.app import CentralApp


def config_for(tmp_path: Path, url: str) -> Config:
    return config_module.validate(
        msgspec.convert({"data_dir": str(tmp_path / "data"), "central": {"database_url": url}}, Config), "test"
    )


async def fill(url: str, tmp_path: Path) -> None:
    await store.migrate(url)
    # The centre's days are Asia/Shanghai's: from 16:00 UTC a UTC date is a day behind, and a
    # deadline made from it was one day more overdue (the test failed in the evening).
    now = datetime.now(SHANGHAI)
    old = (now - timedelta(days=20)).isoformat()
    summary = {
        "trip": {
            "id": 7,
            "date": now.date().isoformat(),
            "stop": "新城社区",
            "mode": "fixed",
            "captain": "陈车长",
            "opened_at": old,
            "closed_at": now.isoformat(),
        },
        "overall": {
            "tickets": 40,
            "cases": 30,
            "completion_rate": 0.9,
            "satisfaction_rate": 0.95,
            "praise_rate": 0.8,
            "wait_median_s": 420,
        },
        "crew": [{"staff_id": 2, "name": "林晓燕", "cooperation": 5}],
        "by_staff": [
            {
                "key": 2,
                "name": "林晓燕",
                "cases": 30,
                "completed_on_site": 20,
                "accepted_forwarded": 7,
                "not_done": 3,
                "ratings": 20,
                "satisfied": 19,
                "praised": 16,
            }
        ],
        "staff": {"2": {"login": "s1", "name": "林晓燕", "department": "police"}},
    }
    case = {
        "case_id": 5,
        "trip_id": 7,
        "item_code": "residence_permit",
        "item_name": "居住证",
        "outcome": "accepted_forwarded",
        "delivery": "post",
        "materials": [],
        "attachments": [],
        "staff": {"login": "s1", "name": "林晓燕"},
        "outcome_at": now.isoformat(),
    }
    followup = {
        "followup_id": 3,
        "rating_id": 9,
        "trip_id": 7,
        "status": "open",
        "opened_at": old,
        "deadline": (now - timedelta(days=10)).date().isoformat(),
    }
    messages = [
        ("lg-01", Envelope(new_msg_id(), kind, now.isoformat(), body))
        for kind, body in (
            ("trip.summary", summary),
            ("case.accepted", case),
            ("followup", followup),
            ("suggestion", {"suggestion_id": 1, "trip_id": 7, "text": "希望周末也来", "received_at": now.isoformat()}),
            (
                "audit.view",
                {
                    "audit_id": 12,
                    "at": now.isoformat(),
                    "staff_id": 2,
                    "subject": "citizen",
                    "subject_id": 31,
                    "detail": "full ID number shown at intake of ticket A003",
                    "staff": {"id": 2, "login": "s1", "name": "林晓燕", "department": "police"},
                },
            ),
        )
    ]
    conn = await store.connect(url)
    try:
        result = await store.take_in(conn, messages, store.Blobs(tmp_path / "blobs"), connector="filedrop")
        assert result.new == 5 and result.rejected == 0
    finally:
        await conn.close()


async def test_the_centre_screens_show_the_fleet_and_export(tmp_path: Path, central_db: str) -> None:
    await fill(central_db, tmp_path)
    config = config_for(tmp_path, central_db)
    app = CentralApp(config, url=central_db)
    async with app.run_test(size=(80, 24)) as pilot:
        seen = {}
        for key, name in (
            ("1", "fleet"),
            ("2", "trips"),
            ("3", "backoffice"),
            ("4", "followups"),
            ("5", "suggestions"),
            ("0", "reveals"),
            ("6", "evaluation"),
        ):  # the export: the last
            await pilot.press(key)
            for _ in range(50):
                await pilot.pause(0.05)
                if app.lines:
                    break
            seen[name] = [str(cell) for cell in app.screen.query_one("#central-table").get_row_at(0)]
        await pilot.press("j")
        await pilot.pause(0.1)
    assert seen["fleet"][:2] == ["lg-01", "在线"]
    assert seen["trips"][2:6] == ["新城社区", "40", "30", "90.0%"]
    assert seen["backoffice"][3] == "待送后台"
    assert seen["followups"][1] == "差评" and seen["followups"][5] == "10"
    assert seen["suggestions"][2] == "希望周末也来"
    assert seen["evaluation"][:2] == ["1", "林晓燕"]
    assert [seen["reveals"][i] for i in (0, 2, 3, 4, 5)] == [
        "lg-01",
        "林晓燕",
        "群众",
        "31",
        "full ID number shown at intake of ticket A003",
    ]
    (exported,) = (config.data_path / "exports").glob("central-evaluation-*.json")
    record = json.loads(exported.read_text(encoding="utf-8"))[0]
    assert (record["staff_key"], record["trips"], record["completion_rate"]) == ("s1", 1, 0.9)
