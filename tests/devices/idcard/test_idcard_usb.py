"""The USB two-pipe link: frames split over endpoints 0x02/0x06 and 0x81/0x85.

No reader is attached to the test machine, so the four pipes are served by the
emulated SAM in a thread, the way pyusb would hand them over.
"""

from __future__ import annotations

import asyncio
import queue
from collections.abc import Callable
from typing import Any

import pytest

from devices.idcard.commands import CardFiles
from devices.idcard.driver import PollTimings, ReaderDriver, ReaderFault
from devices.idcard.frames import HEADER_SIZE, Command, command_decoder
from devices.idcard.layouts import encode_text
from devices.idcard.link import LinkError, disconnected
from devices.idcard.presets import PRESETS
from devices.idcard.sam import CardOnReader, SamModel
from devices.idcard.usb import IN_BODY, IN_HEADER, OUT_BODY, OUT_HEADER, UsbLink, open_pyusb
from tests.support.aio import within


class TwoPipeReader:
    """A reader behind four bulk pipes, answering with the SAM model."""

    def __init__(self) -> None:
        self.model = SamModel()
        self.pipes: dict[int, queue.Queue[bytes]] = {IN_HEADER: queue.Queue(), IN_BODY: queue.Queue()}
        self.written: list[tuple[int, bytes]] = []
        self.unplugged = False
        self._decoder = command_decoder()

    def write(self, endpoint: int, data: bytes, timeout_ms: int) -> None:
        if self.unplugged:
            raise disconnected("USB 0400:c35a", " (No such device)")
        self.written.append((endpoint, bytes(data)))
        for frame in self._decoder.feed(data):
            if isinstance(frame, Command):
                reply = self.model.answer(frame).encode()
                self.pipes[IN_HEADER].put(reply[:HEADER_SIZE])
                self.pipes[IN_BODY].put(reply[HEADER_SIZE:])

    def read(self, endpoint: int, size: int, timeout_ms: int) -> bytes:
        if self.unplugged:
            raise disconnected("USB 0400:c35a", " (No such device)")
        try:
            data = self.pipes[endpoint].get(timeout=timeout_ms / 1000)
        except queue.Empty:
            raise TimeoutError from None
        assert len(data) <= size
        return data

    def close(self) -> None:
        pass


async def test_a_card_read_over_two_pipes(recorder: Callable[[], Any]) -> None:
    reader = TwoPipeReader()
    files = CardFiles(encode_text(PRESETS["foreign_2017"].card), PRESETS["foreign_2017"].photo)
    reader.model.place(CardOnReader(files))
    link = UsbLink(open_pipes=lambda vid, pid: reader)
    assert link.name == "USB 0400:c35a"
    events = recorder()
    task = asyncio.create_task(ReaderDriver(link, timings=PollTimings(find_interval_s=0.02)).run(events))
    try:
        await events.next("ready")
        assert (await events.next("card")).card == PRESETS["foreign_2017"].card
        first = reader.written[:2]
        assert first == [(OUT_HEADER, bytes.fromhex("AAAAAA96690003")), (OUT_BODY, bytes.fromhex("11FFED"))]
        reader.unplugged = True
        with pytest.raises(ReaderFault) as caught:
            await within(10, task)
        assert (caught.value.state, caught.value.detail) == ("offline", "USB 0400:c35a: disconnected (No such device)")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def test_without_libusb_or_device_the_detail_says_which() -> None:
    try:
        pipes = open_pyusb(0x0400, 0xC35A)
    except LinkError as error:
        assert error.detail in (
            "USB 0400:c35a: libusb is not installed (apt install libusb-1.0-0)",
            "USB 0400:c35a: no such device",
        )
    else:
        pipes.close()
        pytest.skip("a real reader is attached to this machine")
