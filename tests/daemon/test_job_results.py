"""Every command gets exactly one result: for every copy of a repeated job_id.

A slow TCP virtual printer (confirm_delay_s) keeps a job running long enough to repeat
the command while its paper is in the printer. A raw subscriber sees
the results as any program would. To show that no further result follows, each test ends
with a barrier: a job sent last, through the same queue, whose result comes after any other.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from daemon.messages import PrintCommand, encode
from daemon.topics import Topics
from devices.printer.document import CutBlock, Document, TextBlock
from devices.printer.emulator import VirtualPrinter
from tests.support.subscriber import Subscriber, subscriber
from tests.support.van import Van

VanFactory = Callable[[dict[str, Any]], contextlib.AbstractAsyncContextManager[Van]]

TICKET = Document(blocks=[TextBlock(text="A012", align="center", size=(4, 4)), CutBlock()])
# Fails in the daemon before a byte is sent, but only when its turn in the queue comes.
BARRIER = PrintCommand(job_id="barrier", document=Document(blocks=[TextBlock(text="😀"), CutBlock()]))
REPEAT_CONFIRM_S = 2.0  # time to repeat a command while its job prints
REPEAT_GAP_S = 0.02  # a sender retrying in a hurry


@contextlib.asynccontextmanager
async def slow_printer(confirm_delay_s: float) -> AsyncIterator[VirtualPrinter]:
    printer = VirtualPrinter()
    printer.confirm_delay_s = confirm_delay_s
    await printer.start("127.0.0.1", 0)
    try:
        yield printer
    finally:
        await printer.stop()


def tcp_printer(printer: VirtualPrinter) -> dict[str, Any]:
    return {"devices": {"printer": {"driver": "tcp", "port": printer.port}}}


async def send(sub: Subscriber, command: PrintCommand) -> None:
    await sub.client.publish(Topics(sub.base).command("printer", "print"), encode(command), qos=1)


async def results_until(sub: Subscriber, job_id: str) -> list[dict[str, Any]]:
    """Every result from now up to and including the first one for `job_id`."""
    results = [await sub.next("result")]
    while results[-1]["job_id"] != job_id:
        results.append(await sub.next("result"))
    return results


async def test_every_copy_of_a_job_sent_while_it_prints_gets_the_result(van_factory: VanFactory) -> None:
    async with (
        slow_printer(REPEAT_CONFIRM_S) as printer,
        van_factory(tcp_printer(printer)) as van,
        subscriber(van.config, "printer") as sub,
    ):
        await sub.state(lambda state: state["state"] == "ready")
        command = PrintCommand(job_id="thrice", document=TICKET)
        for _ in range(3):
            await send(sub, command)
            await asyncio.sleep(REPEAT_GAP_S)
        results = [await sub.next("result") for _ in range(3)]
        await send(sub, BARRIER)
        after = await results_until(sub, BARRIER.job_id)

    assert [result["job_id"] for result in results] == ["thrice"] * 3
    assert results[0]["state"] == "done"
    assert results[1] == results[0] and results[2] == results[0]
    assert [result["job_id"] for result in after] == [BARRIER.job_id]
    assert printer.printed == 1


async def test_every_copy_of_a_job_waiting_in_the_queue_gets_the_result(van_factory: VanFactory) -> None:
    async with (
        slow_printer(REPEAT_CONFIRM_S) as printer,
        van_factory(tcp_printer(printer)) as van,
        subscriber(van.config, "printer") as sub,
    ):
        await sub.state(lambda state: state["state"] == "ready")
        await send(sub, PrintCommand(job_id="printing", document=TICKET))
        waiting = PrintCommand(job_id="waiting", document=TICKET)
        for _ in range(3):
            await send(sub, waiting)
            await asyncio.sleep(REPEAT_GAP_S)
        results = [await sub.next("result") for _ in range(4)]
        await send(sub, BARRIER)
        after = await results_until(sub, BARRIER.job_id)

    assert [result["job_id"] for result in results] == ["printing", "waiting", "waiting", "waiting"]
    assert results[1]["state"] == "done"
    assert results[2] == results[1] and results[3] == results[1]
    assert [result["job_id"] for result in after] == [BARRIER.job_id]
    assert printer.printed == 2  # one receipt each

