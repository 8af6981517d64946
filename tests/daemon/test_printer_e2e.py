"""The printer end to end: MQTT command → daemon → real driver → virtual printer, and back."""

from __future__ import annotations

import asyncio
import io
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from core.problems import Code, Problem
from daemon.client import DaemonClient
from daemon.journal import INTERRUPTED
from daemon.messages import PaperControl, PrintCommand, ScanControl, ScanEvent, SelfTestCommand
from devices.printer.decoder import RasterImage, decode, text_lines
from devices.printer.document import (
    BarcodeBlock,
    CutBlock,
    Document,
    FeedBlock,
    ImageBlock,
    QrBlock,
    RuleBlock,
    TextBlock,
)
from devices.printer.emulator import VirtualPrinter
from govan import config as config_module
from tests.support.aio import within
from tests.support.mosquitto import MosquittoBroker
from tests.support.net import free_port
from tests.support.pngs import png_bomb
from tests.support.van import DaemonProcess, child_daemon, connected_client, running_daemon, write_config

SIM = {"devices": {"printer": {"driver": "sim", "paper_width_mm": 58}}}
TICKET = Document(
    blocks=[
        TextBlock(text="龙港市流动政务客厅", align="center", bold=True),
        TextBlock(text="A012", align="center", size=(4, 4)),
        RuleBlock(),
        TextBlock(text="请到3号窗口 ¥5"),
        QrBlock(data="https://example.gov.cn/q/A012"),
        BarcodeBlock(data="A012"),
        FeedBlock(lines=2),
        CutBlock(),
    ]
)
TICKET_LINES = ["龙港市流动政务客厅", "A012", "请到3号窗口 ￥5"]


async def printer_state(
    client: DaemonClient, accept: Callable[[str, str], bool], timeout: float = 10
) -> tuple[str, str]:
    """Wait until the printer's published (state, detail) satisfies `accept`."""

    async def watch() -> tuple[str, str]:
        async for status in client.watch():
            printer = status.devices["printer"]
            if accept(printer.state, printer.detail):
                return printer.state, printer.detail
        raise AssertionError("status stream ended")

    return await within(timeout, watch())


def ready(state: str, _detail: str) -> bool:
    return state == "ready"


@pytest.mark.parametrize("broker_kind", ["embedded", "mosquitto"])
async def test_print_command_over_a_real_broker_reaches_the_virtual_printer(van_factory, broker_kind, tmp_path) -> None:  # noqa: ANN001
    broker = None
    if broker_kind == "mosquitto":
        broker = MosquittoBroker(tmp_path / "mosquitto", config_module.Config())
        broker.start()
    try:
        async with van_factory(SIM, broker=broker) as van:
            await printer_state(van.client, ready)
            result = await van.client.command(
                "printer", "print", PrintCommand(job_id="t-1", document=TICKET), timeout=10
            )
            assert (result.state, result.detail) == ("done", "printed 1 copy")
            (receipt,) = await van.runtime("printer").unit.emulator.wait_for_receipts(1)
            assert receipt.lines == TICKET_LINES
            assert receipt.qr_data == ["https://example.gov.cn/q/A012"]
            assert receipt.barcodes == ["A012"]
            assert receipt.cut
    finally:
        if broker is not None:
            broker.stop()


async def test_copies_print_the_document_that_many_times(van_factory) -> None:  # noqa: ANN001
    async with van_factory(SIM) as van:
        await printer_state(van.client, ready)
        result = await van.client.command(
            "printer", "print", PrintCommand(job_id="c", document=TICKET, copies=3), timeout=10
        )
        assert result.detail == "printed 3 copies"
        receipts = await van.runtime("printer").unit.emulator.wait_for_receipts(3)
        assert [receipt.lines for receipt in receipts] == [TICKET_LINES] * 3


async def test_replayed_job_id_prints_once(van_factory) -> None:  # noqa: ANN001
    async with van_factory(SIM) as van:
        await printer_state(van.client, ready)
        emulator = van.runtime("printer").unit.emulator
        command = PrintCommand(job_id="once", document=TICKET)
        together = await asyncio.gather(
            *(van.client.command("printer", "print", command, timeout=10) for _ in range(3))
        )
        later = await van.client.command("printer", "print", command, timeout=10)
        assert all(result == together[0] for result in [*together, later])
        assert together[0].state == "done"
        await asyncio.sleep(0.3)  # room for a wrongly repeated job to arrive
        assert emulator.printed == 1


async def test_replay_after_a_restart_is_answered_not_reprinted(tmp_path: Path) -> None:
    config = config_module.load(write_config(tmp_path, SIM))
    async with running_daemon(config) as daemon, connected_client(config) as client:
        await printer_state(client, ready)
        first = await client.command("printer", "print", PrintCommand(job_id="keep", document=TICKET), timeout=10)
        assert daemon.runtimes["printer"].unit.emulator.printed == 1
    async with running_daemon(config) as daemon, connected_client(config) as client:
        await printer_state(client, ready)
        again = await client.command("printer", "print", PrintCommand(job_id="keep", document=TICKET), timeout=10)
        assert again == first
        assert daemon.runtimes["printer"].unit.emulator.printed == 0  # a fresh virtual printer: nothing reprinted


async def test_daemon_killed_mid_job_answers_it_at_restart_and_the_replay_alike(tmp_path: Path) -> None:
    # mosquitto outlives the killed daemon, so the client sees the restart on the same broker.
    broker = MosquittoBroker(tmp_path / "mosquitto", config_module.Config())
    broker.start()
    printer = VirtualPrinter()
    await printer.start("127.0.0.1", 0)
    # Print the job, then fall silent: the daemon waits for the status after the job until it is killed.
    printer.on_receipt = lambda _receipt: setattr(printer, "silent", True)
    settings = {"devices": {"printer": {"driver": "tcp", "port": printer.port, "timeout_s": 60}}}
    path = write_config(tmp_path, settings, broker=broker)
    config = config_module.load(path)
    process = DaemonProcess(path)
    try:
        async with connected_client(config) as client:
            await printer_state(client, ready)
            command = PrintCommand(job_id="cut-off", document=TICKET)
            job = asyncio.create_task(client.command("printer", "print", command, timeout=30))
            await printer.wait_for_receipts(1, timeout=10)
            process.signal(signal.SIGKILL)
            process.wait()
            printer.silent = False
            async with running_daemon(config):
                answer = await job  # the command sent before the kill, answered without a resend
                assert (answer.state, answer.detail) == ("failed", INTERRUPTED)
                await printer_state(client, ready)
                replay = await client.command("printer", "print", command, timeout=10)
                assert replay == answer
                await asyncio.sleep(0.3)
                assert printer.printed == 1  # not redone by itself, nor by the replay
    finally:
        process.stop()
        await printer.stop()
        broker.stop()


async def test_paper_out_fails_the_job_and_prints_nothing(van_factory) -> None:  # noqa: ANN001
    async with van_factory(SIM) as van:
        await printer_state(van.client, ready)
        emulator = van.runtime("printer").unit.emulator
        van.client.publish(van.topics.sim("printer", "paper"), PaperControl(state="out"))
        assert await printer_state(van.client, lambda state, _: state == "error") == ("error", "paper out")
        assert van.client.status.devices["printer"].problem == Problem(Code.PRINTER_PAPER_OUT)
        result = await van.client.command(
            "printer", "print", PrintCommand(job_id="no-paper", document=TICKET), timeout=10
        )
        assert result.state == "failed"
        assert "paper out" in result.detail
        # Views translate the code; the detail stays the contract's English.
        assert result.problem == Problem(Code.PRINTER_PAPER_OUT)
        assert emulator.printed == 0 and emulator.lost_events == 0

        van.client.publish(van.topics.sim("printer", "paper"), PaperControl(state="ok"))
        await printer_state(van.client, ready)
        result = await van.client.command(
            "printer", "print", PrintCommand(job_id="paper-back", document=TICKET), timeout=10
        )
        assert result.state == "done"
        assert emulator.printed == 1


async def test_paper_out_between_polls_is_caught_before_printing(van_factory) -> None:  # noqa: ANN001
    async with van_factory(SIM) as van:
        await printer_state(van.client, ready)
        emulator = van.runtime("printer").unit.emulator
        emulator.paper = "out"  # the sensor changes; no poll has seen it yet
        result = await van.client.command("printer", "print", PrintCommand(job_id="late", document=TICKET), timeout=10)
        assert (result.state, result.detail, result.problem) == ("failed", "paper out", Problem(Code.PRINTER_PAPER_OUT))
        assert emulator.printed == 0
        assert await printer_state(van.client, lambda state, _: state == "error") == ("error", "paper out")


async def test_paper_near_end_prints_and_says_so(van_factory) -> None:  # noqa: ANN001
    async with van_factory(SIM) as van:
        await printer_state(van.client, ready)
        van.client.publish(van.topics.sim("printer", "paper"), PaperControl(state="near_end"))
        assert await printer_state(van.client, lambda _, detail: detail != "") == ("ready", "paper near end")
        assert van.client.status.devices["printer"].problem == Problem(Code.PRINTER_PAPER_NEAR_END)  # a warning
        result = await van.client.command("printer", "print", PrintCommand(job_id="low", document=TICKET), timeout=10)
        assert (result.state, result.detail, result.problem) == ("done", "printed 1 copy; paper near end", None)


async def test_unprintable_character_fails_the_job_and_prints_nothing(van_factory) -> None:  # noqa: ANN001
    async with van_factory(SIM) as van:
        await printer_state(van.client, ready)
        document = Document(blocks=[TextBlock(text="A012"), TextBlock(text="好评😀"), CutBlock()])
        result = await van.client.command(
            "printer", "print", PrintCommand(job_id="emoji", document=document), timeout=10
        )
        assert result.state == "failed"
        assert "U+1F600" in result.detail and "block 2" in result.detail
        assert result.problem == Problem(
            Code.PRINTER_UNPRINTABLE_CHARACTER, {"block": 2, "character": "😀", "codepoint": "U+1F600"}
        )
        assert van.runtime("printer").unit.emulator.bytes_received % 12 == 0  # status queries only
        assert van.client.status.devices["printer"].state == "ready"


async def test_self_test_prints_profile_time_chinese_and_qr(van_factory) -> None:  # noqa: ANN001
    async with van_factory(SIM) as van:
        await printer_state(van.client, ready)
        result = await van.client.command("printer", "test", SelfTestCommand(job_id="self"), timeout=10)
        assert result.state == "done"
        assert "58 mm paper, 384 dots, 32 columns, gb18030" in result.detail
        (receipt,) = await van.runtime("printer").unit.emulator.wait_for_receipts(1)
        assert receipt.lines[1:3] == ["paper 58 mm, 384 dots", "32 columns, gb18030"]
        assert receipt.lines[3].startswith("20")  # the time, ISO 8601
        assert any("请到3号窗口" in line for line in receipt.lines)
        (qr,) = receipt.qr_data
        assert qr.startswith("govan self-test 20")


async def test_unreachable_tcp_printer_is_an_error_and_jobs_fail_in_time(van_factory) -> None:  # noqa: ANN001
    port = free_port()  # nothing listens here
    settings = {"devices": {"printer": {"driver": "tcp", "port": port, "timeout_s": 2}}}
    async with van_factory(settings) as van:
        _, detail = await printer_state(van.client, lambda state, _: state == "error")
        assert detail == f"127.0.0.1:{port}: connection refused (is the printer on?)"
        result = await van.client.command(
            "printer", "print", PrintCommand(job_id="nowhere", document=TICKET), timeout=5
        )
        assert result.state == "failed"
        assert "connection refused" in result.detail


async def test_a_printer_that_never_answers_is_an_error_not_paper_ok(van_factory) -> None:  # noqa: ANN001
    printer = VirtualPrinter()
    printer.silent = True
    await printer.start("127.0.0.1", 0)
    try:
        settings = {"devices": {"printer": {"driver": "tcp", "port": printer.port, "timeout_s": 1}}}
        async with van_factory(settings) as van:
            _, detail = await printer_state(van.client, lambda state, _: state == "error")
            assert detail == "no answer to status request within 1 s"
            result = await van.client.command(
                "printer", "print", PrintCommand(job_id="silent", document=TICKET), timeout=5
            )
            assert result.state == "failed" and "no answer" in result.detail
            assert printer.printed == 0
    finally:
        await printer.stop()


async def test_file_printer_prints_and_says_its_status_is_unknown(van_factory, tmp_path) -> None:  # noqa: ANN001
    device = tmp_path / "lp0"
    device.touch()
    async with van_factory({"devices": {"printer": {"driver": "file", "path": str(device)}}}) as van:
        _, detail = await printer_state(van.client, ready)
        assert detail == f"status unknown: {device} is write-only"
        result = await van.client.command("printer", "print", PrintCommand(job_id="lp", document=TICKET), timeout=10)
        assert result.state == "done" and "status unknown" in result.detail
    assert text_lines(decode(device.read_bytes())) == TICKET_LINES


# Bad input: pictures, text and payloads no receipt needs must fail clearly and cost the daemon nothing.


def transparent_logo(side: int = 2000) -> bytes:
    """The largest picture the encoder takes (4 million pixels), with an alpha channel: slow to scale."""
    grey = Image.linear_gradient("L").resize((side, side))
    buffer = io.BytesIO()
    Image.merge("RGBA", [grey, grey.rotate(90), grey.rotate(180), grey.rotate(270)]).save(buffer, "PNG")
    return buffer.getvalue()


async def test_a_png_bomb_fails_naming_it_and_the_daemon_stays_small(tmp_path: Path) -> None:
    settings = {"devices": {"printer": {"driver": "sim"}}}
    async with child_daemon(tmp_path, settings) as (daemon, client):
        await printer_state(client, ready)
        document = Document(blocks=[TextBlock(text="A012"), ImageBlock(png=png_bomb(9000, 9000)), CutBlock()])
        result = await client.command("printer", "print", PrintCommand(job_id="bomb", document=document), timeout=30)
        assert result.state == "failed"
        assert result.detail.startswith("block 2 (image): picture is 9,000×9,000 pixels; at most 4,000,000 pixels")
        # Decoded and converted as before, the bomb took the daemon past 1.1 GB; start-up itself peaks near 100 MB.
        assert daemon.peak_rss_mb() < 200
        after = await client.command("printer", "print", PrintCommand(job_id="ticket", document=TICKET), timeout=10)
        assert (after.state, after.detail) == ("done", "printed 1 copy")


async def test_a_megabyte_text_block_fails_naming_it_and_prints_nothing(van_factory) -> None:  # noqa: ANN001
    async with van_factory(SIM) as van:
        await printer_state(van.client, ready)
        document = Document(blocks=[TextBlock(text="A012"), RuleBlock(), TextBlock(text="a" * 1_048_576), CutBlock()])
        result = await van.client.command(
            "printer", "print", PrintCommand(job_id="long", document=document), timeout=10
        )
        assert (result.state, result.detail) == (
            "failed",
            "block 3 (text): 1,048,576 characters; at most 4,000 in one text block",
        )
        assert van.runtime("printer").unit.emulator.bytes_received % 12 == 0  # status queries only


async def test_a_print_command_larger_than_any_document_is_answered_failed(van_factory) -> None:  # noqa: ANN001
    async with van_factory(SIM) as van:
        await printer_state(van.client, ready)
        command = {"job_id": "huge", "document": {"blocks": [{"type": "text", "text": "a" * 3_000_000}]}}
        result = await van.client.command("printer", "print", command, timeout=10)
        assert result.state == "failed"
        assert result.detail.startswith("rejected printer/print: payload is 3,000,")
        assert result.detail.endswith("bytes; at most 2,097,152")


async def test_scans_arrive_while_a_large_document_is_encoded(van_factory) -> None:  # noqa: ANN001
    async with van_factory({"devices": {"printer": {"driver": "sim"}, "scanner": {"driver": "sim"}}}) as van:
        await printer_state(van.client, ready)
        emulator = van.runtime("printer").unit.emulator
        # 13 logos at 72 mm each: legal, just under a metre of paper, and seconds of Pillow work.
        document = Document(blocks=[ImageBlock(png=transparent_logo())] * 13 + [CutBlock()])
        assert (await van.client.claim("scanner", "测试")).state == "done"  # scans come to the holder
        scans = van.client.events()
        job = asyncio.create_task(
            van.client.command("printer", "print", PrintCommand(job_id="logos", document=document), timeout=60)
        )
        await printer_state(van.client, lambda state, _: state == "busy")
        van.client.publish(van.topics.sim("scanner", "scan"), ScanControl(code="A012"))
        scan = await within(30, anext(event async for event in scans if isinstance(event, ScanEvent)))
        assert scan.code == "A012"
        # The scan came while the document was still being encoded: not a byte of it has reached the printer.
        assert emulator.bytes_received % 12 == 0 and emulator.printed == 0
        assert not job.done()
        result = await job
        assert result.state == "done", result.detail
        (receipt,) = await emulator.wait_for_receipts(1)
        assert sum(event.height for event in receipt.events if isinstance(event, RasterImage)) == 13 * 576
