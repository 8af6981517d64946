"""The board after a daemon restart (defect 10): it showed a retained board from the closed trip until the
next call. Now every terminal rebuilds it from the store when it connects, with the last calls."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import msgspec

from daemon.messages import QueueBoard
from db import demo, tickets, trips
from db.connection import open_store
from flows.announce import RECENT_CALLS
from govan import config as config_module
from tests.support.subscriber import subscriber
from tests.support.van import running_daemon, write_config
from tests.tui.harness import SIM_DEVICES, until
from tui.app import GovanApp


async def retained_board(config: config_module.Config) -> QueueBoard:
    """The board as a display that connects now reads it: the retained message."""
    async with subscriber(config, "queue") as queue:
        return msgspec.convert(await queue.next("board"), QueueBoard)


async def test_a_terminal_that_connects_again_rebuilds_the_board_from_the_store(tmp_path: Path) -> None:
    config = config_module.load(write_config(tmp_path, SIM_DEVICES))
    config.data_path.mkdir(parents=True, exist_ok=True)
    store = open_store(config.database_path)
    data = demo.load(store, tz=config.tz)
    called = []
    start = trips.get_trip(store, data.trip_id).opened_at
    assert start is not None
    for minute in range(RECENT_CALLS + 1):
        tickets.issue_ticket(store, data.trip_id, item_code="residence_permit")
        at = tickets.clock.from_text(start) + timedelta(minutes=minute + 1)
        ticket = tickets.call_next(store, data.trip_id, "1", now=at)
        assert ticket is not None
        called.append(ticket.label)
        tickets.finish(store, tickets.start_service(store, ticket.id, now=at).id, now=at)
    app = GovanApp(config)
    try:
        first = running_daemon(config)
        await first.__aenter__()
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.link.status.daemon_online, what="the daemon")
            board = await retained_board(config)
            assert [call.number for call in board.recent] == called[::-1][:RECENT_CALLS]
            assert board.trip_id == data.trip_id and board.calling == []

            # The daemon stops, and its embedded broker with it: no retained board is left anywhere.
            await first.__aexit__(None, None, None)
            await until(pilot, lambda: not app.link.status.broker_connected, what="the broker gone")
            # The trip closes meanwhile (on a terminal whose board never reached a broker).
            trips.close_trip(store, data.trip_id, closed_by=trips.get_trip(store, data.trip_id).captain_id)
            async with running_daemon(config):
                await until(pilot, lambda: app.link.status.daemon_online, timeout=20, what="the daemon again")
                board = await retained_board(config)
                # Not the board this terminal last published: the closed trip's is empty.
                assert (board.calling, board.recent, board.waiting) == ([], [], {})
    finally:
        store.close()
