"""Every command gets exactly one result: after a kill -9, and for every copy of a repeated job_id.

A slow TCP virtual printer (confirm_delay_s) keeps a job running long enough to kill the
daemon, or to repeat the command, while its paper is in the printer. A raw subscriber sees
the results as any program would. To show that no further result follows, each test ends
with a barrier: a job sent last, through the same queue, whose result comes after any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from daemon.broker import Subscriptions
from daemon.journal import INTERRUPTED
from daemon.messages import PrintCommand, encode
from daemon.topics import Topics
from devices.printer.document import CutBlock, Document, TextBlock
from devices.printer.emulator import VirtualPrinter
from govan import config as config_module
from tests.support.aio import within
from tests.support.subscriber import WAIT, Subscriber, subscriber
from tests.support.van import DaemonProcess, Van, write_config

VanFactory = Callable[[dict[str, Any]], contextlib.AbstractAsyncContextManager[Van]]

TICKET = Document(blocks=[TextBlock(text="A012", align="center", size=(4, 4)), CutBlock()])
# Fails in the daemon before a byte is sent, but only when its turn in the queue comes.
BARRIER = PrintCommand(job_id="barrier", document=Document(blocks=[TextBlock(text="😀"), CutBlock()]))
KILL_CONFIRM_S = 4.0  # time to kill the daemon while the job waits for its confirmation
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


async def test_a_job_cut_off_by_kill_9_is_answered_at_the_next_start_without_a_resend(tmp_path: Path) -> None:
    async with slow_printer(KILL_CONFIRM_S) as printer:
        path = write_config(tmp_path, tcp_printer(printer))
        config = config_module.load(path)
        first = DaemonProcess(path)
        try:
            async with subscriber(config, "printer") as sub:
                await sub.state(lambda state: state["state"] == "ready")
                await send(sub, PrintCommand(job_id="cut-off", document=TICKET))
                await printer.wait_for_receipts(1, timeout=WAIT)  # the paper is out; the confirmation is not
                first.signal(signal.SIGKILL)
                first.wait()
                assert sub.pending("result") == []
        finally:
            first.stop()

        # The embedded broker died with the daemon, so this is a new broker with nobody on it.
        # Like a TUI that reconnects after its backoff, listen for printer results only once
        # the new daemon has answered something else: the answer must still reach us.
        second = DaemonProcess(path)
        try:
            async with subscriber(config, "idreader") as probe:
                await probe.state(lambda _state: True)  # retained, so the daemon is connected and subscribed
                probe_topic = Topics(probe.base).command("idreader", "test")
                await probe.client.publish(probe_topic, b'{"job_id": "probe"}', qos=1)
                assert (await probe.next("result"))["job_id"] == "probe"
            async with subscriber(config, "printer") as sub:
                answer = await sub.next("result")
                await send(sub, BARRIER)
                after = await results_until(sub, BARRIER.job_id)
        finally:
            second.stop()

    assert answer["job_id"] == "cut-off"
    assert (answer["state"], answer["detail"]) == ("failed", INTERRUPTED)
    assert answer["detail"].startswith("interrupted")
    assert [result["job_id"] for result in after] == [BARRIER.job_id]  # exactly one answer
    assert printer.printed == 1  # and the job was not redone


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


async def test_the_embedded_broker_holds_an_answer_until_someone_subscribes_to_it() -> None:
    subscriptions = Subscriptions()
    owed = asyncio.create_task(subscriptions.wait_for("govan/lg-01/printer/result"))
    others = ("govan/lg-01/printer/print", "govan/lg-01/+/state", "govan/lg-01/sim/#", "govan/lg-01/printer/result/x")
    for other in others:
        subscriptions.add(other)
    await asyncio.sleep(0)
    assert not owed.done()
    subscriptions.add("govan/lg-01/+/result")  # as DaemonClient subscribes
    await within(WAIT, owed)
    # Someone already listens: an answer owed later goes out at once.
    await within(WAIT, subscriptions.wait_for("govan/lg-01/camera/result"))
