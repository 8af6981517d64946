"""Commands, printing and claims as every flow uses them: the true reason at once, and one terminal per reader."""

from __future__ import annotations

import asyncio
import signal
from datetime import datetime
from pathlib import Path

from core.problems import Code, Problem
from daemon.messages import CardEvent, CutBlock, Document, TextBlock
from db.connection import open_store
from flows import claims
from flows.printing import Printed, print_document
from flows.van import Van
from govan import config as config_module
from tests.flows.support import SIM_DEVICES, flow_van
from tests.support.aio import within
from tests.support.mosquitto import MosquittoBroker
from tests.support.van import DaemonProcess, connected_client, write_config

TICKET = Document(blocks=[TextBlock(text="A012", size=(4, 4)), CutBlock()])
WAIT = 10.0  # liveness bound only


async def _printer(fv, state: str) -> None:  # noqa: ANN001
    async def settled() -> None:
        while fv.client.status.devices["printer"].state != state:
            await asyncio.sleep(0.02)

    await within(WAIT, settled())


async def test_a_document_prints_and_paper_out_is_named_before_anything_is_sent(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        await _printer(fv, "ready")
        printed = await print_document(fv.van, TICKET)
        assert isinstance(printed, Printed) and printed.warning is None
        assert len(fv.receipts) == 1
        fv.client.publish(fv.client.topics.sim("printer", "paper"), {"state": "out"})
        await _printer(fv, "error")
        assert await print_document(fv.van, TICKET) == Problem(Code.PRINTER_PAPER_OUT)
        assert len(fv.receipts) == 1


async def test_with_the_daemon_stopped_the_cause_shows_at_once(tmp_path: Path) -> None:
    """It waited ~15 s for 打印机无应答; the true cause, 设备服务未运行, shows without sending anything."""
    broker = MosquittoBroker(tmp_path / "mosquitto", config_module.Config())
    broker.start()
    config_path = write_config(tmp_path, SIM_DEVICES, broker=broker)
    config = config_module.load(config_path)
    daemon = DaemonProcess(config_path)
    try:
        async with connected_client(config) as client:
            van = Van(open_store(config.database_path), config, client)
            daemon.signal(signal.SIGTERM)
            assert await asyncio.to_thread(daemon.wait, WAIT) == 0

            async def offline() -> None:
                while client.status.daemon_online:
                    await asyncio.sleep(0.02)

            await within(WAIT, offline())
            loop = asyncio.get_running_loop()
            started = loop.time()
            assert await print_document(van, TICKET) == Problem(Code.DAEMON_OFFLINE)
            # Not the printer's deadline: nothing was sent to wait for.
            assert loop.time() - started < config.devices.printer.timeout_s
            van.store.close()
    finally:
        daemon.stop()
        broker.stop()


async def test_a_card_serves_the_terminal_that_holds_the_reader_and_the_other_sees_who(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv, connected_client(fv.van.config) as other_client:
        window = Van(fv.van.store, fv.van.config, other_client, clock=lambda: datetime.now(fv.van.config.tz))
        reader = claims.reader_for(fv.van, "2")
        assert reader == "idreader"
        assert await claims.claim(fv.van, reader, None, "吴敏") is None
        refused = await claims.claim(window, reader, "2", "郑海波")
        assert refused is not None and refused.code is Code.DEVICE_HELD

        async def held_by_desk() -> claims.HeldBy:
            while (seen := claims.holder(window, reader)).nobody:
                await asyncio.sleep(0.02)
            return seen

        assert await within(WAIT, held_by_desk()) == claims.HeldBy(mine=False, window=None, name="吴敏")
        assert claims.holder(fv.van, reader).mine
        cards: list[CardEvent] = []

        async def collect() -> None:
            async for event in fv.client.events():
                if isinstance(event, CardEvent):
                    cards.append(event)

        collecting = asyncio.create_task(collect())
        await asyncio.sleep(0.1)
        fv.client.publish(fv.client.topics.sim("idreader", "place"), {"preset": "resident"})
        while not cards:
            await asyncio.sleep(0.02)
        collecting.cancel()
        assert claims.is_mine(fv.van, cards[0]) and not claims.is_mine(window, cards[0])
        assert await claims.claim(window, reader, "2", "郑海波", take=True) is None
        await claims.release(fv.van, reader)  # no longer the holder: nothing to release
        assert claims.holder(window, reader).mine


def test_a_label_is_data_a_view_unpacks() -> None:
    assert claims.parse_label(claims.label("2", "林晓燕")) == ("2", "林晓燕")
    assert claims.parse_label(claims.label(None, "吴敏")) == (None, "吴敏")
    assert claims.parse_label("rig") == (None, "rig")
    assert claims.parse_label(None) == (None, None)
