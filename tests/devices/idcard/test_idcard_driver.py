"""The real driver against the emulator on a real pty pair (and a socket:// link)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from core.problems import Code, Problem
from devices.idcard import commands
from devices.idcard.commands import CardFiles
from devices.idcard.driver import PollTimings, ReaderDriver, ReaderEvents, ReaderFault, SelfTestFailed
from devices.idcard.emulator import Fault, PtyReaderEmulator, UnknownPreset
from devices.idcard.frames import BadChecksum, Command, command_decoder
from devices.idcard.layouts import encode_text
from devices.idcard.link import SerialLink
from devices.idcard.presets import PRESETS
from devices.idcard.sam import CardOnReader, SamModel
from tests.support.aio import within

FAST = PollTimings(find_interval_s=0.02, status_interval_s=0.2)
WAIT = 10.0  # liveness bound only; never a timing assertion


def start(url: str, events: ReaderEvents, timings: PollTimings = FAST) -> tuple[ReaderDriver, asyncio.Task[Any]]:
    driver = ReaderDriver(SerialLink(url), timings=timings)
    return driver, asyncio.create_task(driver.run(events))


async def fault_of(task: asyncio.Task[Any]) -> ReaderFault:
    with pytest.raises(ReaderFault) as caught:
        await within(WAIT, task)
    return caught.value


async def stop(task: asyncio.Task[Any]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


@contextlib.asynccontextmanager
async def driving(url: str, events: Any) -> AsyncIterator[Any]:
    """The driver running against `url` and ready; stopped on the way out."""
    _, task = start(url, events)
    try:
        await events.next("ready")
        yield events
    finally:
        await stop(task)


async def test_a_stop_that_comes_just_as_a_reply_arrives_is_not_lost(
    emulator: PtyReaderEmulator, recorder: Callable[[], Any]
) -> None:
    """With asyncio.wait_for (Python 3.11, CPython gh-86296) this cancellation was lost, and a
    stopping daemon's reader polled on for good: `govan daemon` hung after SIGTERM."""
    events = recorder()
    driver, task = start(emulator.path, events)
    await events.next("ready")

    def reply_and_stop(command: Command, reply: object, at: float) -> None:
        if not task.done() and not task.cancelling():
            # The driver awaits this reply: it arrives, and the stop with it, in one instant.
            driver._replies.put_nowait(BadChecksum(expected=0, received=1, size=3))
            task.cancel()

    emulator.on_reply_sent = reply_and_stop
    done, _ = await asyncio.wait({task}, timeout=WAIT)
    try:
        assert done and task.cancelled(), "the driver went on polling after it was stopped"
    finally:
        await stop(task)


async def test_every_preset_is_read_once_and_again_after_it_is_put_back(
    emulator: PtyReaderEmulator, recorder: Callable[[], Any], replies: Any
) -> None:
    async with driving(emulator.path, recorder()) as events:
        for name, preset in PRESETS.items():
            emulator.place_preset(name)
            read = await events.next("card")
            assert read.card == preset.card
            assert read.photo == preset.photo
            await replies.wait_for(commands.FIND, 5)  # the card lies there for 5 more polls
            assert [kind for kind, _ in events.drain()] == []
        emulator.remove()
        emulator.place_preset("resident")  # off and on again, faster than a poll
        assert (await events.next("card")).card == PRESETS["resident"].card
        assert [kind for kind, _ in events.seen if kind == "problem"] == []


async def test_a_card_swapped_for_another_within_one_poll_is_read(
    emulator: PtyReaderEmulator, recorder: Callable[[], Any]
) -> None:
    async with driving(emulator.path, recorder()) as events:
        emulator.place_preset("resident")
        await events.next("card")
        emulator.place_preset("resident_expired")  # before the driver's next find
        assert (await events.next("card")).card == PRESETS["resident_expired"].card


async def test_a_reader_that_keeps_finding_a_read_card_still_reports_it_once(
    emulator: PtyReaderEmulator, recorder: Callable[[], Any], replies: Any
) -> None:
    emulator.model.finds_read_cards = True
    async with driving(emulator.path, recorder()) as events:
        emulator.place_preset("foreign_2023")
        await events.next("card")
        await replies.wait_for(commands.FIND, 6)
        assert replies.counts[commands.READ.code] == 2  # one read, one re-read that found the same card
        assert [kind for kind, _ in events.drain()] == []
        emulator.remove()
        await replies.wait_for(commands.FIND, 2)
        emulator.place_preset("foreign_2023")
        assert (await events.next("card")).card == PRESETS["foreign_2023"].card


async def test_noise_bad_checksum_and_split_frames_still_deliver_the_card(
    emulator: PtyReaderEmulator, recorder: Callable[[], Any]
) -> None:
    async with driving(emulator.path, recorder()) as events:
        emulator.inject(Fault.NOISE, on=commands.READ)
        emulator.inject(Fault.BAD_CHECKSUM, on=commands.READ)
        emulator.inject(Fault.SPLIT, times=2, on=commands.READ)
        emulator.place_preset("resident_long_term")
        noise = await events.next("problem")
        assert noise.endswith("bytes of noise from the reader skipped")
        assert await events.next("problem") == "frame with a bad checksum dropped (1295 bytes)"
        assert (await events.next("card")).card == PRESETS["resident_long_term"].card
        noise_code, checksum_code = events.codes[:2]
        assert noise_code.code is Code.IDREADER_NOISE and noise_code.params["bytes"] == int(noise.split()[0])
        assert checksum_code == Problem(Code.IDREADER_BAD_CHECKSUM, {"bytes": 1295})


async def test_noise_and_split_replies_between_polls(emulator: PtyReaderEmulator, recorder: Callable[[], Any]) -> None:
    async with driving(emulator.path, recorder()) as events:
        emulator.inject(Fault.NOISE, times=3)
        emulator.inject(Fault.SPLIT, times=5)
        emulator.place_preset("foreign_2017")
        assert (await events.next("card")).card == PRESETS["foreign_2017"].card
        problems = [detail for kind, detail in events.seen if kind == "problem"]
        assert problems and all("noise" in detail for detail in problems)


async def test_a_failed_read_is_reported_once_and_tried_again(
    emulator: PtyReaderEmulator, recorder: Callable[[], Any]
) -> None:
    async with driving(emulator.path, recorder()) as events:
        emulator.inject(Fault.READ_FAILURE)
        emulator.place_preset("hk_mo_tw")
        assert await events.next("problem") == (
            "read card: the card could not be read (41 读证/卡操作失败); take the card off and place it again"
        )
        assert events.codes == [Problem(Code.IDREADER_READ_FAILED, {"step": "read", "sw3": "41", "reason": None})]
        assert (await events.next("card")).card == PRESETS["hk_mo_tw"].card


async def test_an_unreadable_card_is_left_alone_until_put_back(
    emulator: PtyReaderEmulator, recorder: Callable[[], Any], replies: Any
) -> None:
    async with driving(emulator.path, recorder()) as events:
        emulator.inject(Fault.READ_FAILURE, times=None)
        emulator.place_preset("resident")
        await replies.wait_for(commands.READ, 3)
        await replies.wait_for(commands.FIND, 5)
        assert replies.counts[commands.READ.code] == 3
        assert [kind for kind, _ in events.drain()] == ["problem"]
        emulator.clear_faults()
        emulator.remove()
        await replies.wait_for(commands.FIND, 2)
        emulator.place_preset("resident")
        assert (await events.next("card")).card == PRESETS["resident"].card


async def test_a_failing_sam_is_an_error_that_names_it(
    emulator: PtyReaderEmulator, recorder: Callable[[], Any]
) -> None:
    emulator.inject(Fault.SAM_FAILURE, times=None)
    _, task = start(emulator.path, recorder())
    fault = await fault_of(task)
    assert (fault.state, fault.detail) == ("error", f"{emulator.path}: SAM self-test failed (60 SAM自检失败)")
    assert fault.problem == Problem(Code.IDREADER_SAM_FAILED, {"port": emulator.path, "sw3": "60"})
    emulator.clear_faults()
    events = recorder()
    _, task = start(emulator.path, events)
    try:
        await events.next("ready")
        emulator.inject(Fault.SAM_FAILURE)  # fails the next periodic status check (or a find)
        fault = await fault_of(task)
        assert fault.state == "error" and "SAM self-test failed" in fault.detail
    finally:
        await stop(task)


async def test_silence_is_retried_then_the_reader_goes_offline(
    emulator: PtyReaderEmulator, recorder: Callable[[], Any]
) -> None:
    emulator.inject(Fault.SILENCE, on=commands.SAM_STATUS)
    events = recorder()
    _, task = start(emulator.path, events)
    try:
        await events.next("ready")  # one lost reply is retried
        emulator.inject(Fault.SILENCE, times=None)
        fault = await fault_of(task)
        assert fault.state == "offline"
        assert fault.detail.startswith(f"{emulator.path}: the reader does not answer (")
        assert fault.problem.code is Code.IDREADER_NO_ANSWER and fault.problem.params["port"] == emulator.path
    finally:
        await stop(task)


async def test_unplug_goes_offline_naming_the_path_and_replug_comes_back(
    emulator: PtyReaderEmulator, recorder: Callable[[], Any]
) -> None:
    events = recorder()
    _, task = start(emulator.path, events)
    await events.next("ready")
    emulator.place_preset("resident")
    await events.next("card")
    emulator.unplug()
    fault = await fault_of(task)
    assert (fault.state, fault.detail) == ("offline", f"{emulator.path}: disconnected")
    assert fault.problem == Problem(Code.DEVICE_UNPLUGGED, {"port": emulator.path})
    _, task = start(emulator.path, recorder())
    fault = await fault_of(task)
    assert (fault.state, fault.detail) == ("offline", f"{emulator.path}: no such device")
    assert fault.problem == Problem(Code.DEVICE_PORT_MISSING, {"port": emulator.path})
    emulator.plug()
    async with driving(emulator.path, recorder()) as events:
        # The reader lost power, so the card still lying on it is read again.
        assert (await events.next("card")).card == PRESETS["resident"].card


async def test_self_test_checks_sam_status_and_id(emulator: PtyReaderEmulator, recorder: Callable[[], Any]) -> None:
    events = recorder()
    driver, task = start(emulator.path, events, PollTimings())
    try:
        await events.next("ready")
        detail = await driver.self_test()
        assert detail == f"SAM status OK (90); SAM id 05.01-20240424-000330383-000000001; reader at {emulator.path}"
        emulator.inject(Fault.SAM_FAILURE)
        with pytest.raises(SelfTestFailed, match=r"SAM self-test failed \(60"):
            await driver.self_test()
    finally:
        await stop(task)


async def test_paced_at_115200_baud(tmp_path: Any, recorder: Callable[[], Any]) -> None:
    async with PtyReaderEmulator(tmp_path, paced=True) as emulator:
        events = recorder()
        _, task = start(emulator.path, events)
        try:
            await events.next("ready")
            emulator.place_preset("foreign_2023")
            assert (await events.next("card")).card == PRESETS["foreign_2023"].card
        finally:
            await stop(task)


async def test_emulator_refuses_bad_cards(emulator: PtyReaderEmulator) -> None:
    with pytest.raises(UnknownPreset, match="unknown preset 'nobody'; use one of resident"):
        emulator.place_preset("nobody")
    with pytest.raises(ValueError, match="1024 bytes, not 3"):
        emulator.place(PRESETS["resident"].card, b"abc")


async def test_socket_url_link(recorder: Callable[[], Any]) -> None:
    """socket://host:port reaches a reader behind a serial-to-TCP bridge (ser2net)."""
    model = SamModel()
    model.place(CardOnReader(CardFiles(encode_text(PRESETS["resident"].card), PRESETS["resident"].photo)))

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        decoder = command_decoder()
        while data := await reader.read(4096):
            for frame in decoder.feed(data):
                if isinstance(frame, Command):
                    writer.write(model.answer(frame).encode())

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    url = f"socket://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    events = recorder()
    _, task = start(url, events)
    try:
        await events.next("ready")
        assert (await events.next("card")).card == PRESETS["resident"].card
    finally:
        await stop(task)
        server.close()
        await server.wait_closed()
    _, task = start(url, recorder())
    fault = await fault_of(task)
    assert (fault.state, fault.detail) == ("offline", f"{url}: connection refused")
    assert fault.problem == Problem(Code.DEVICE_CONNECTION_REFUSED, {"port": url})
