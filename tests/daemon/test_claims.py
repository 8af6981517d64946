"""A reader or scanner serves the terminal that claimed it (issue 14, defect 1).

Two DaemonClients are two terminals, on real brokers, with the real pty emulators behind the
daemon. Nothing here waits a fixed time to show that something did not arrive: events on one
topic arrive in order, so a terminal whose first card is the second one placed never had the first.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from core.problems import Code, Problem
from daemon.client import DaemonClient, Event
from daemon.messages import CardEvent, ClaimCommand, Holder, ScanEvent, SelfTestCommand
from govan import config as config_module
from tests.support.aio import within
from tests.support.mosquitto import MosquittoBroker
from tests.support.subscriber import subscriber
from tests.support.van import Van, connected_client, running_daemon, write_config

WAIT = 10.0  # liveness bound only; never a timing assertion
ROOT = Path(__file__).resolve().parents[2]
VanFactory = Callable[..., contextlib.AbstractAsyncContextManager[Van]]
READERS = {
    "devices": {
        "idreader": {"driver": "sim"},
        "scanner": {"driver": "sim"},
        "idreaders": {"w2": {"driver": "sim", "window": "2"}},
    }
}


@contextlib.asynccontextmanager
async def van_on(broker_kind: str, van_factory: VanFactory, tmp_path: Path) -> AsyncIterator[Van]:
    if broker_kind == "embedded":
        async with van_factory(READERS) as van:
            yield van
        return
    broker = MosquittoBroker(tmp_path / "mosquitto", config_module.Config())
    broker.start()
    try:
        async with van_factory(READERS, broker=broker) as van:
            yield van
    finally:
        broker.stop()


@contextlib.asynccontextmanager
async def collecting(client: DaemonClient) -> AsyncIterator[asyncio.Queue[Event]]:
    """The client's events from now on (the listener is in place on return), in a queue."""
    queue: asyncio.Queue[Event] = asyncio.Queue()

    async def pump() -> None:
        async for event in client.events():
            queue.put_nowait(event)

    task = asyncio.create_task(pump())
    await asyncio.sleep(0)  # the pump runs up to its first wait, with its listener registered
    try:
        yield queue
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def next_of(events: asyncio.Queue[Event], kind: type) -> Any:
    async def first() -> Any:
        while not isinstance(event := await events.get(), kind):
            pass
        return event

    return await within(WAIT, first())


async def holder_becomes(client: DaemonClient, device: str, accept: Callable[[Holder], bool]) -> Holder:
    async def watch() -> Holder:
        async for status in client.watch():
            holder = status.holders[device]
            if accept(holder):
                return holder
        raise AssertionError("status stream ended")

    return await within(WAIT, watch())


def place(client: DaemonClient, preset: str, reader: str = "idreader") -> None:
    client.publish(client.topics.sim(reader, "remove"), {})
    client.publish(client.topics.sim(reader, "place"), {"preset": preset})


@pytest.mark.parametrize("broker_kind", ["embedded", "mosquitto"])
async def test_a_card_goes_to_the_terminal_holding_the_reader_and_a_claim_names_the_holder(
    van_factory: VanFactory, broker_kind: str, tmp_path: Path
) -> None:
    async with (
        van_on(broker_kind, van_factory, tmp_path) as van,
        connected_client(van.config) as window5,
        connected_client(van.config) as desk,
        subscriber(van.config, "idreader") as raw,
        contextlib.AsyncExitStack() as stack,
    ):
        window5_events = await stack.enter_async_context(collecting(window5))
        desk_events = await stack.enter_async_context(collecting(desk))
        claimed = await window5.claim("idreader", "窗口5 黄工")
        assert (claimed.state, claimed.problem) == ("done", None)
        held = await holder_becomes(desk, "idreader", lambda holder: holder.terminal is not None)
        assert (held.terminal, held.label) == (window5.terminal, "窗口5 黄工")

        place(van.client, "hk_mo_tw")  # 黄嘉欣, at window 5
        card = await next_of(window5_events, CardEvent)
        assert (card.name, card.terminal) == ("黄嘉欣", window5.terminal)
        # On the contract's topic, for the support user (`govan rig`), stamped with its terminal.
        assert (await raw.next("card"))["terminal"] == window5.terminal

        refused = await desk.claim("idreader", "取号台 陈")
        assert (refused.state, refused.detail) == ("failed", "idreader is held by 窗口5 黄工")
        assert refused.problem == Problem(Code.DEVICE_HELD, {"terminal": window5.terminal, "label": "窗口5 黄工"})
        taken = await desk.claim("idreader", "取号台 陈", take=True)
        assert (taken.state, taken.detail) == ("done", "claimed idreader, taken from 窗口5 黄工")
        seen = await holder_becomes(window5, "idreader", lambda holder: holder.terminal == desk.terminal)
        assert seen.label == "取号台 陈"

        place(van.client, "resident")  # 陈志远, at the desk
        card = await next_of(desk_events, CardEvent)
        # The desk's first card is the second one placed: it never had 黄嘉欣's.
        assert (card.name, card.terminal) == ("陈志远", desk.terminal)
        released = await desk.release("idreader")
        assert released.state == "done"
        await holder_becomes(window5, "idreader", lambda holder: holder == Holder())

        # Nobody holds it: a card read now is nobody's (null on the wire), not everybody's.
        place(van.client, "resident_expired")
        assert (await raw.next("card"))["name"] == "陈志远"
        unheld = await raw.next("card")
        assert (unheld["name"], unheld.get("terminal")) == ("林小燕", None)
        await window5.claim("idreader", "窗口5 黄工")
        place(van.client, "foreign_2017")
        assert (await next_of(window5_events, CardEvent)).name == "约翰·史密斯"  # not 林小燕


async def test_scans_are_routed_like_cards(van_factory: VanFactory) -> None:
    async with (
        van_factory(READERS) as van,
        connected_client(van.config) as window,
        connected_client(van.config) as desk,
        collecting(window) as window_scans,
        collecting(desk) as desk_scans,
    ):
        assert (await desk.claim("scanner", "取号台")).state == "done"
        van.client.publish(van.topics.sim("scanner", "scan"), {"code": "APPT-0001"})
        scan = await next_of(desk_scans, ScanEvent)
        assert (scan.code, scan.terminal) == ("APPT-0001", desk.terminal)
        assert (await window.claim("scanner", "窗口3", take=True)).state == "done"
        van.client.publish(van.topics.sim("scanner", "scan"), {"code": "CASE-0002"})
        assert (await next_of(window_scans, ScanEvent)).code == "CASE-0002"  # not APPT-0001
        with pytest.raises(ValueError, match="printer cannot be claimed"):
            await window.claim("printer", "窗口3")


@pytest.mark.parametrize("broker_kind", ["embedded", "mosquitto"])
async def test_a_terminal_that_dies_frees_what_it_held(
    van_factory: VanFactory, broker_kind: str, tmp_path: Path
) -> None:
    async with van_on(broker_kind, van_factory, tmp_path) as van, connected_client(van.config) as desk:
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.support.terminal",
            str(van.config_path),
            "idreader",
            "窗口5 黄工",
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
        )
        try:
            line = await within(WAIT, child.stdout.readline())  # type: ignore[union-attr]
            terminal, state = line.decode().split()
            assert state == "done"
            held = await holder_becomes(desk, "idreader", lambda holder: holder.terminal == terminal)
            assert held.label == "窗口5 黄工"
            child.send_signal(signal.SIGKILL)  # no clean close: its last will says it is offline
        finally:
            with contextlib.suppress(ProcessLookupError):
                child.kill()
            await child.wait()
        await holder_becomes(desk, "idreader", lambda holder: holder == Holder())
        assert (await desk.claim("idreader", "取号台 陈")).state == "done"  # no take needed


async def test_a_clean_close_says_offline_and_frees_the_reader(van_factory: VanFactory) -> None:
    async with van_factory(READERS) as van, contextlib.AsyncExitStack() as stack:
        async with connected_client(van.config) as window:
            raw = await stack.enter_async_context(subscriber(van.config, f"terminal/{window.terminal}"))
            window.set_label("窗口2 林晓燕")
            assert (await window.claim("idreader", "窗口2 林晓燕")).state == "done"
            terminal = window.terminal
            await holder_becomes(van.client, "idreader", lambda holder: holder.terminal == terminal)
        await holder_becomes(van.client, "idreader", lambda holder: holder == Holder())
        presences = [await raw.next("state")]
        while presences[-1]["state"] != "offline":
            presence = await raw.next("state")
            if presence != presences[-1]:  # the embedded broker may hand a retained message over twice
                presences.append(presence)
        assert [(presence["state"], presence.get("label")) for presence in presences] == [
            ("online", None),
            ("online", "窗口2 林晓燕"),
            ("offline", None),
        ]
        assert presences[0]["since"] == presences[1]["since"]


async def test_a_window_reader_is_a_device_of_its_own(van_factory: VanFactory) -> None:
    async with (
        van_factory(READERS) as van,
        connected_client(van.config) as window2,
        connected_client(van.config) as desk,
        subscriber(van.config, "idreader-w2") as raw,
        collecting(window2) as window2_events,
        collecting(desk) as desk_events,
    ):
        assert van.client.status.devices["idreader-w2"].state == "ready"
        assert (await raw.state(lambda state: state["state"] == "ready"))["driver"] == "sim"
        assert (await window2.claim("idreader-w2", "窗口2")).state == "done"
        assert (await desk.claim("idreader", "取号台")).state == "done"  # the shared reader is not window 2's

        place(van.client, "resident", reader="idreader-w2")
        card = await next_of(window2_events, CardEvent)
        assert (card.name, card.terminal) == ("陈志远", window2.terminal)
        assert (await raw.next("card"))["terminal"] == window2.terminal
        place(van.client, "hk_mo_tw")
        assert (await next_of(desk_events, CardEvent)).name == "黄嘉欣"  # the desk never had 陈志远's
        test = await window2.command("idreader-w2", "test", SelfTestCommand(job_id="w2-test"), timeout=WAIT)
        assert test.state == "done" and "SAM status OK" in test.detail
        assert (
            van.daemon.runtimes["idreader-w2"].unit.emulator.path != van.daemon.runtimes["idreader"].unit.emulator.path
        )


async def test_a_claim_is_made_again_after_a_daemon_restart(tmp_path: Path) -> None:
    config = config_module.load(write_config(tmp_path, READERS))
    window: DaemonClient | None = None  # outlives the first daemon
    try:
        async with running_daemon(config):
            window = DaemonClient(config)
            await window.start()
            assert await window.wait_for_daemon(WAIT)
            assert (await window.claim("idreader", "窗口2")).state == "done"
        # The embedded broker stopped with the daemon; the terminal reconnects to the new one,
        # which holds nothing for anybody, and claims the reader again.
        async with running_daemon(config), connected_client(config) as desk:
            held = await holder_becomes(desk, "idreader", lambda holder: holder.terminal == window.terminal)
            assert held.label == "窗口2"
    finally:
        if window is not None:
            await window.close()


async def test_claims_answer_copies_once_and_expire_unseen(van_factory: VanFactory) -> None:
    async with van_factory(READERS) as van, connected_client(van.config) as window:
        claim = ClaimCommand(job_id="claim-1", terminal=window.terminal, label="窗口2")
        first = await window.command("idreader", "claim", claim, timeout=WAIT)
        await window.release("idreader")
        again = await window.command("idreader", "claim", claim, timeout=WAIT)
        assert again == first  # a copy is answered, not carried out again
        assert window.holder("idreader") == Holder()
        stale = {
            "job_id": "claim-2",
            "terminal": window.terminal,
            "label": "窗口2",
            "expires_at": "2020-01-01T00:00:00Z",
        }
        expired = await window.command("idreader", "claim", stale, timeout=WAIT)
        assert (expired.state, expired.problem.code) == ("failed", Code.JOB_EXPIRED)
