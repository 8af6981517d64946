"""The ID reader end to end: emulator on a pty → daemon (real driver) → real broker → subscriber.

The subscriber is a plain MQTT client reading the raw JSON, so every contract field
is checked as another program would see it.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from daemon.messages import SelfTestCommand
from devices.idcard import commands
from devices.idcard.emulator import Fault, PtyReaderEmulator
from devices.idcard.frames import Command, Reply
from devices.idcard.presets import PRESETS
from govan import config as config_module
from tests.support.mosquitto import MosquittoBroker
from tests.support.subscriber import subscriber

WAIT = 10.0  # liveness bound only
CONTRACT_FIELDS = {
    "event_id",
    "at",
    "card_type",
    "name",
    "sex",
    "nation",
    "nation_name",
    "birth_date",
    "address",
    "id_number",
    "issuer",
    "valid_from",
    "valid_to",
    "id_number_valid",
    "expired",
    "photo_wlt",
}
# What each preset must arrive as, written out by hand (expired is judged against today).
EXPECTED: dict[str, dict[str, Any]] = {
    "resident": {
        "card_type": "resident",
        "name": "陈志远",
        "sex": "1",
        "nation": "01",
        "nation_name": "汉",
        "birth_date": "1990-05-17",
        "address": "浙江省温州市龙港市世纪大道888号",
        "id_number": "330327199005170011",
        "issuer": "苍南县公安局",
        "valid_from": "2016-08-20",
        "valid_to": "2036-08-20",
        "id_number_valid": True,
    },
    "resident_expired": {
        "card_type": "resident",
        "name": "林小燕",
        "sex": "2",
        "nation": "01",
        "nation_name": "汉",
        "birth_date": "1986-09-11",
        "address": "浙江省温州市龙港市龙跃路16号",
        "id_number": "330327198609110023",
        "issuer": "苍南县公安局",
        "valid_from": "2008-03-03",
        "valid_to": "2018-03-03",
        "id_number_valid": True,
    },
    "resident_bad_check_digit": {
        "card_type": "resident",
        "name": "王建国",
        "sex": "1",
        "nation": "01",
        "nation_name": "汉",
        "birth_date": "1978-02-14",
        "address": "浙江省温州市龙港市华中路202号",
        "id_number": "330383197802140037",
        "issuer": "龙港市公安局",
        "valid_from": "2019-11-05",
        "valid_to": "2039-11-05",
        "id_number_valid": False,
    },
    "resident_long_term": {
        "card_type": "resident",
        "name": "雷秀英",
        "sex": "2",
        "nation": "22",
        "nation_name": "畲",
        "birth_date": "1952-07-01",
        "address": "浙江省温州市龙港市舥艚镇渔港路5号",
        "id_number": "330327195207010042",
        "issuer": "苍南县公安局",
        "valid_from": "2012-06-15",
        "valid_to": "长期",
        "id_number_valid": True,
        "expired": False,
    },
    "hk_mo_tw": {
        "card_type": "hk_mo_tw",
        "name": "黄嘉欣",
        "sex": "2",
        "nation": "",
        "nation_name": "",
        "birth_date": "1995-12-03",
        "address": "",
        "id_number": "81000019951203002X",
        "issuer": "温州市公安局",
        "valid_from": "2024-04-01",
        "valid_to": "2029-04-01",
        "id_number_valid": True,
        "permit_number": "H12345678",
        "issue_count": "01",
    },
    "foreign_2017": {
        "card_type": "foreign_2017",
        "name": "约翰·史密斯",
        "sex": "1",
        "nation": "",
        "nation_name": "",
        "birth_date": "1986-05-01",
        "address": "",
        "id_number": "USA330086050101",
        "issuer": "",
        "valid_from": "2018-05-10",
        "valid_to": "2028-05-10",
        "id_number_valid": True,
        "name_en": "SMITH, JOHN MICHAEL",
        "nationality": "USA",
        "card_version": "02",
        "authority_code": "3300",
    },
    "foreign_2023": {
        "card_type": "foreign_2023",
        "name": "玛丽亚·加西亚",
        "sex": "2",
        "nation": "",
        "nation_name": "",
        "birth_date": "1992-08-21",
        "address": "",
        "id_number": "933724199208210025",
        "issuer": "",
        "valid_from": "2024-01-15",
        "valid_to": "2034-01-15",
        "id_number_valid": True,
        "name_en": "GARCIA LOPEZ, MARIA FERNANDA DE LOS ANGELES",
        "nationality": "ESP",
        "renewal_count": "00",
        "previous_card": "",
    },
}


def expected_card(name: str, tz: ZoneInfo) -> dict[str, Any]:
    expected = dict(EXPECTED[name])
    if expected["valid_to"] != "长期":
        expected["expired"] = datetime.now(tz).date() > date.fromisoformat(expected["valid_to"])
    expected["photo_wlt"] = base64.b64encode(PRESETS[name].photo).decode()
    return expected


class Polls:
    """Counts the emulator's replies, to know the daemon polled, without timing anything."""

    def __init__(self, emulator: PtyReaderEmulator) -> None:
        self.finds = 0
        self.changed = asyncio.Event()
        emulator.on_reply_sent = self.sent

    def sent(self, command: Command, reply: Reply, at: float) -> None:
        if command == commands.FIND:
            self.finds += 1
            self.changed.set()

    async def more_finds(self, count: int) -> None:
        target = self.finds + count
        async with asyncio.timeout(WAIT):
            while self.finds < target:
                self.changed.clear()
                await self.changed.wait()


def is_ready(state: dict[str, Any]) -> bool:
    return state["state"] == "ready"


@pytest.fixture
async def emulator(tmp_path: Path) -> AsyncIterator[PtyReaderEmulator]:
    async with PtyReaderEmulator(tmp_path / "reader") as emulator:
        yield emulator


def sam_settings(emulator: PtyReaderEmulator) -> dict[str, Any]:
    return {"devices": {"idreader": {"driver": "sam", "port": emulator.path}}}


@pytest.mark.parametrize("broker_kind", ["embedded", "mosquitto"])
async def test_every_preset_arrives_with_every_contract_field_and_is_sent_once(
    van_factory,  # noqa: ANN001
    emulator: PtyReaderEmulator,
    broker_kind: str,
    tmp_path: Path,
) -> None:
    broker = None
    if broker_kind == "mosquitto":
        broker = MosquittoBroker(tmp_path / "mosquitto", config_module.Config())
        broker.start()
    polls = Polls(emulator)
    try:
        async with van_factory(sam_settings(emulator), broker=broker) as van, subscriber(van.config, "idreader") as sub:
            state = await sub.state(is_ready)
            assert (state["driver"], state["detail"]) == ("sam", "")
            for name in PRESETS:
                emulator.place_preset(name)
                card = await sub.next("card")
                assert set(card) >= CONTRACT_FIELDS
                assert {key: card.get(key) for key in expected_card(name, van.config.tz)} == expected_card(
                    name, van.config.tz
                )
                assert datetime.fromisoformat(card["at"]).utcoffset() is not None
                await polls.more_finds(2)  # the card keeps lying on the reader (2 polls, at a person's pace)
                assert sub.pending("card") == []
            emulator.remove()
            emulator.place_preset("foreign_2023")  # taken off and put back
            again = await sub.next("card")
            assert again["id_number"] == card["id_number"] and again["event_id"] != card["event_id"]
            assert sub.pending("error") == []
    finally:
        if broker is not None:
            broker.stop()


async def test_noise_and_a_bad_checksum_still_deliver_the_card_and_publish_errors(
    van_factory,  # noqa: ANN001
    emulator: PtyReaderEmulator,
) -> None:
    async with van_factory(sam_settings(emulator)) as van, subscriber(van.config, "idreader") as sub:
        await sub.state(is_ready)
        emulator.inject(Fault.NOISE, on=commands.READ)
        emulator.inject(Fault.BAD_CHECKSUM, on=commands.READ)
        emulator.place_preset("hk_mo_tw")
        card = await sub.next("card")
        assert card["id_number"] == EXPECTED["hk_mo_tw"]["id_number"]
        noise, checksum = await sub.next("error"), await sub.next("error")
        assert noise["detail"].endswith("bytes of noise from the reader skipped")
        assert checksum["detail"] == "frame with a bad checksum dropped (1295 bytes)"
        for error in (noise, checksum):
            assert datetime.fromisoformat(error["at"]).utcoffset() is not None
        assert [state["state"] for state in sub.pending("state")] in ([], ["ready"])  # no change of state


async def test_unplugged_reader_goes_offline_within_2_s_and_comes_back_ready(
    van_factory,  # noqa: ANN001
    emulator: PtyReaderEmulator,
) -> None:
    async with van_factory(sam_settings(emulator)) as van, subscriber(van.config, "idreader") as sub:
        await sub.state(is_ready)
        emulator.unplug()
        offline = await sub.state(lambda state: state["state"] == "offline", timeout=2.0)
        assert offline["detail"] in (f"{emulator.path}: disconnected", f"{emulator.path}: no such device")
        emulator.plug()
        await sub.state(is_ready)
        emulator.place_preset("resident")
        assert (await sub.next("card"))["name"] == "陈志远"


async def test_a_failing_sam_and_an_unreadable_card_say_which(van_factory, emulator: PtyReaderEmulator) -> None:  # noqa: ANN001
    emulator.inject(Fault.SAM_FAILURE, times=None)
    async with van_factory(sam_settings(emulator)) as van, subscriber(van.config, "idreader") as sub:
        error = await sub.state(lambda state: state["state"] == "error")
        assert error["detail"] == f"{emulator.path}: SAM self-test failed (60 SAM自检失败)"
        emulator.clear_faults()
        await sub.state(is_ready)
        emulator.inject(Fault.READ_FAILURE, times=None)
        emulator.place_preset("resident")
        problem = await sub.next("error")
        assert problem["detail"] == (
            "read card: the card could not be read (41 读证/卡操作失败); take the card off and place it again"
        )


async def test_self_test_reports_what_it_checked(van_factory, emulator: PtyReaderEmulator) -> None:  # noqa: ANN001
    async with van_factory(sam_settings(emulator)) as van, subscriber(van.config, "idreader") as sub:
        await sub.state(is_ready)
        result = await van.client.command("idreader", "test", SelfTestCommand(job_id="id-test"), timeout=WAIT)
        assert (result.state, result.detail) == (
            "done",
            f"SAM status OK (90); SAM id 05.01-20240424-000330383-000000001; reader at {emulator.path}",
        )


async def test_sim_driver_places_presets_and_cards_from_fields(van_factory) -> None:  # noqa: ANN001
    async with (
        van_factory({"devices": {"idreader": {"driver": "sim"}}}) as van,
        subscriber(van.config, "idreader") as sub,
    ):
        state = await sub.state(is_ready)
        assert state["driver"] == "sim"
        place, remove = van.topics.sim("idreader", "place"), van.topics.sim("idreader", "remove")
        van.client.publish(place, {"preset": "foreign_2017"})
        card = await sub.next("card")
        assert card["name_en"] == "SMITH, JOHN MICHAEL"

        # A card event published back as a place payload, with one field changed.
        van.client.publish(remove, {})
        van.client.publish(place, {**card, "name": "史密斯", "valid_to": "长期"})
        changed = await sub.next("card")
        assert (changed["name"], changed["valid_to"], changed["expired"]) == ("史密斯", "长期", False)
        assert changed["photo_wlt"] == card["photo_wlt"]

        van.client.publish(place, {"preset": "resident", "id_number": "330327199005170012"})
        assert (await sub.next("card"))["id_number_valid"] is False

        for payload, detail in (
            ({"preset": "nobody"}, "sim/idreader/place: unknown preset 'nobody'; use one of resident"),
            ({"preset": "resident", "name": "长" * 16}, "sim/idreader/place: invalid card: name is longer than 15"),
            ({"name": "x"}, "sim/idreader/place: invalid card: Object missing required field"),
            ({"preset": "resident", "photo_wlt": "abc"}, "sim/idreader/place: photo_wlt is not base64"),
        ):
            van.client.publish(place, payload)
            assert (await sub.next("error"))["detail"].startswith(detail)
        van.client.publish(place, {"preset": "resident_long_term"})
        assert (await sub.next("card"))["valid_to"] == "长期"
