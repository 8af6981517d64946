"""Intake form fill latency: the emulator writes the last byte of the read reply → the intake
form shows the card holder's name; beside the raw card-event latency of the same reads.

Runs the real daemon in a child process, as on the van, on the embedded broker with the
ID reader on `sim` (the pty emulator answers the real driver over a real pty); it reports
when each read reply's last byte went out (perf_counter: CLOCK_MONOTONIC, one clock for
both processes). The real govan TUI runs headless in this process, on the intake screen
of a called ticket. For every read:

- raw: a DaemonClient subscriber (as `govan rig` or any consumer) receives B/idreader/card;
- form: the app's own link receives it, the intake screen fills the form, and the frame that
  repainted the name field with the new name has gone to the terminal driver (headless here,
  so the bytes are not written to a real terminal).

Goal: form p99 within 30 ms of the raw p99. Textual paints at most 60 times a second, so
up to ~17 ms of the gap is the frame clock. The store's write for the card holder (an
fsync) is made just after that repaint, so it is outside the span. The field's lines being
rendered is noted by wrapping its render_line, the frame by wrapping App._display: the
bench's only hooks, both outside the product code.

The daemon's find interval is cut from 300 ms to 50 ms so reads come quickly; it only
decides when a read starts, before the measured span.

    python -m bench.intake_fill [reads]     # default 200
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import msgspec
from textual.widgets import Input

from bench.figures import Figure, free_port, percentile, report
from daemon.client import DaemonClient
from daemon.messages import CardEvent
from daemon.service import Daemon
from daemon.units.idreader import IdReaderUnit
from db import demo, staff, tickets, trips
from db.connection import open_store
from devices.idcard import commands
from devices.idcard.driver import PollTimings
from devices.idcard.emulator import PtyReaderEmulator
from devices.idcard.frames import Command, Reply
from devices.idcard.presets import PRESETS
from flows import claims
from flows.session import Session
from govan import config as config_module
from tui.app import GovanApp
from tui.screens.intake import IntakeScreen

ROOT = Path(__file__).resolve().parents[1]
WARMUP = 10
GOAL_ABOVE_RAW_MS = 30.0
BENCH_TIMINGS = PollTimings(find_interval_s=0.05)


class FrameWatch:
    """Notes when a frame that repainted the name field with a given name reaches the terminal.

    The name field is an Input: its lines are rendered while Textual composes a frame, and
    the frame goes to the (headless) driver through App._display right after.
    """

    def __init__(self, app: GovanApp, field: Input) -> None:
        self.expected: str | None = None
        self.rendered = False
        self.shown: asyncio.Queue[tuple[str, float]] = asyncio.Queue()
        render_line, display = field.render_line, app._display

        def watched_render_line(y: int):  # noqa: ANN202
            if self.expected is not None and field.value == self.expected:
                self.rendered = True
            return render_line(y)

        def watched_display(screen, update) -> None:  # noqa: ANN001
            display(screen, update)
            if self.rendered and self.expected is not None:
                self.shown.put_nowait((self.expected, time.perf_counter()))
                self.expected, self.rendered = None, False

        field.render_line = watched_render_line  # type: ignore[method-assign]
        app._display = watched_display  # type: ignore[method-assign]


async def _daemon_process(config_path: str) -> None:
    """The daemon's side, in its own process as on the van: the sim ID reader, placing the
    cards the parent names on stdin, printing when each read reply's last byte went out."""
    config = config_module.load(config_path)
    IdReaderUnit.timings = BENCH_TIMINGS
    daemon = Daemon(config)
    stop = asyncio.Event()
    running = asyncio.create_task(daemon.run(stop))
    await daemon.ready.wait()
    emulator: PtyReaderEmulator = daemon.runtimes["idreader"].unit.emulator  # type: ignore[union-attr]

    def on_reply_sent(command: Command, reply: Reply, at: float) -> None:
        if command == commands.READ:
            print(f"sent {at!r}", flush=True)

    emulator.on_reply_sent = on_reply_sent
    loop = asyncio.get_running_loop()
    commands_in = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands_in), sys.stdin)
    print("ready", flush=True)
    while line := await commands_in.readline():
        emulator.place_preset(line.decode().split()[1])
    stop.set()
    await running


async def _measure(reads: int, data_dir: Path) -> dict[str, list[float]]:
    settings = {
        "data_dir": str(data_dir),
        "mqtt": {"embedded_port": free_port()},
        "devices": {"idreader": {"driver": "sim"}},
    }
    config = config_module.validate(msgspec.convert(settings, config_module.Config), "benchmark settings")
    config.data_path.mkdir(parents=True, exist_ok=True)
    config_path = data_dir / "govan.toml"
    config_path.write_text(config_module.to_toml(config), encoding="utf-8")
    store = open_store(config.database_path)
    data = demo.load(store, tz=config.tz)
    clerk = staff.authenticate(store, "s01", "2222")
    store.close()

    # perf_counter is CLOCK_MONOTONIC, one clock for both processes.
    daemon = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.intake_fill",
        "--daemon",
        str(config_path),
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert daemon.stdin is not None and daemon.stdout is not None
    async with asyncio.timeout(30):
        started = await daemon.stdout.readline()
    if started.strip() != b"ready":
        raise SystemExit("the daemon did not start")
    names = list(PRESETS)  # consecutive cards differ, so none is taken for the one left lying
    samples: dict[str, list[float]] = {"raw": [], "form": []}
    app = GovanApp(config)
    try:
        async with DaemonClient(config, support=True) as client, app.run_test(size=(80, 24)) as pilot:
            if not await client.wait_for_daemon(10) or client.status.devices["idreader"].state != "ready":
                raise SystemExit(f"ID reader not ready: {client.status.devices['idreader']}")
            # The app's link posts messages to screens; there is no event here to wait on.
            while not (app.link.status.daemon_online and app.link.status.devices["idreader"].state == "ready"):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            ticket = tickets.issue_ticket(app.store, data.trip_id, item_code="hukou_certificate")
            tickets.call_next(app.store, data.trip_id, "1")
            app.session = Session(clerk, trips.current_trip(app.store))
            app.open_intake(ticket.id)
            await pilot.pause()
            if not isinstance(app.screen, IntakeScreen):
                raise SystemExit(f"expected the intake screen, not {app.screen}")
            watch = FrameWatch(app, app.screen.query_one("#person-name", Input))
            # Intake takes cards only from the reader it holds (issue 14): wait for its claim.
            while not claims.holder(app.van, "idreader").mine:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            events = client.events()  # the support user, beside the TUI, watching its reads
            for number in range(1, WARMUP + reads + 1):
                name = names[number % len(names)]
                watch.expected = PRESETS[name].card.name
                daemon.stdin.write(f"place {name}\n".encode())
                async with asyncio.timeout(30):  # liveness bound for the three
                    card, received = await _next_card(events)
                    painted_name, painted = await watch.shown.get()
                    sent = await daemon.stdout.readline()
                if painted_name != card.name or not sent.startswith(b"sent "):
                    raise SystemExit(f"read {number}: the form shows another card, or no read reply was sent")
                last_byte = float(sent.split()[1])
                # F7 clears the person, so the next card fills in without asking to replace them.
                await pilot.press("f7")
                if number > WARMUP:
                    samples["raw"].append((received - last_byte) * 1000)
                    samples["form"].append((painted - last_byte) * 1000)
    finally:
        daemon.stdin.close()
        try:
            async with asyncio.timeout(10):
                await daemon.wait()
        except TimeoutError:
            daemon.kill()
            await daemon.wait()
    return samples


async def _next_card(events) -> tuple[CardEvent, float]:  # noqa: ANN001
    async for event in events:
        if isinstance(event, CardEvent):
            return event, time.perf_counter()
    raise SystemExit("the event stream ended")


def main(size: int | None = None) -> None:
    reads = size or 200
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="govan-bench-") as data_dir:
        samples = asyncio.run(_measure(reads, Path(data_dir)))
    raw, form = samples["raw"], samples["form"]
    raw_p99, p99 = percentile(raw, 0.99), percentile(form, 0.99)
    limit = raw_p99 + GOAL_ABOVE_RAW_MS
    floor_label = "the same card event to a plain subscriber"
    print(
        f"Intake form fill over {reads} reads (after warm-up): the daemon in its own process with the sim "
        f"ID reader, embedded broker; the TUI headless on the intake screen"
    )
    print(f"mean: form {statistics.fmean(form):.2f} ms, raw card event {statistics.fmean(raw):.2f} ms")
    report(
        Figure(
            "intake_fill_p50",
            "intake: last reply byte → name in the form, p50",
            percentile(form, 0.5),
            "ms",
            percentile(raw, 0.5),
            floor_label,
        ),
        Figure(
            "intake_fill_p99",
            "intake: last reply byte → name in the form, p99",
            p99,
            "ms",
            raw_p99,
            floor_label,
            goal=f"≤ floor + {GOAL_ABOVE_RAW_MS:g} ms",
            met=p99 <= limit,
            note=""
            if p99 <= limit
            else (
                "a card needs no layout of the screen and no whole-screen repaint (one field for the typed and "
                "the shown ID number; a focus change repaints only the widgets whose focus changed): 2 layouts "
                "and about 2 whole-screen repaints a card before issue 15's change. What is left in a card's "
                "frame, by cProfile: the partial repaint of the form's lines and style updates of the widgets "
                "whose focus changes; on a loaded machine the floor's own p99 moves by hundreds of ms"
            ),
        ),
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--daemon"]:
        asyncio.run(_daemon_process(sys.argv[2]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
