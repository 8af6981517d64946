"""Faults between the vans and the centre, against real mosquitto bridges, `govan sync`, `govan central`
and PostgreSQL, each a process of its own: nothing is lost and nothing is doubled.

- WAN outage: cut the bridges, accept cases on two vans, restart the vans' processes in the middle,
  restore: every case arrives once, with its file intact.
- kill -9 the van's mosquitto right after it acknowledged publishes (it loses them: STACK.md);
- kill -9 `govan central` while it takes in;
- kill -9 PostgreSQL while the centre takes in.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import sealing
from core.keys import load_keys
from tests.support.fleet import Centre, FleetVan, make_centre, make_van

CASES = int(os.environ.get("GOVAN_FAULT_CASES", "250"))  # per van


def wait_for(check, timeout: float, what: str) -> float:  # noqa: ANN001 - any callable
    """Poll until `check()` is true; returns how long it took."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what} did not happen within {timeout:g} s")
        time.sleep(0.2)
    return time.monotonic() - started


@pytest.fixture
def fleet(tmp_path: Path, central_db: str) -> Iterator[tuple[Centre, list[FleetVan]]]:
    centre = make_centre(tmp_path / "centre", central_db, ["lg-01", "lg-02"], connector="none")
    vans: list[FleetVan] = []
    try:
        centre.start_service()
        vans = [make_van(tmp_path / van_id, van_id, centre) for van_id in ("lg-01", "lg-02")]
        for van in vans:
            van.start_sync()
        yield centre, vans
    finally:
        for van in vans:
            van.close()
        centre.close()


def assert_each_case_once_with_its_file(centre: Centre, vans: list[FleetVan]) -> None:
    expected = sorted((van.van_id, case, sha) for van in vans for case, _, sha in van.captures)
    got = centre.query(
        "SELECT c.van_id, c.case_id, a.sha256 FROM cases c JOIN attachments a USING (van_id, case_id) "
        "WHERE a.stored ORDER BY 1, 2"
    )
    assert sorted(got) == expected
    counts = centre.query("SELECT count(*), count(DISTINCT (van_id, msg_id)) FROM inbox WHERE kind = 'case.accepted'")
    assert counts == [(len(expected), len(expected))]
    blobs = centre.directory / "data" / "central" / "blobs"
    for van in vans:
        for _, path, sha in van.captures:
            assert (blobs / sha[:2] / sha).read_bytes() == sealing.open_file(
                load_keys(van.config.data_path).files, Path(path)
            )


def all_home(centre: Centre, vans: list[FleetVan], total: int) -> bool:
    return centre.query("SELECT count(*) FROM cases")[0][0] == total and all(van.pending() == 0 for van in vans)


def test_a_wan_outage_with_a_restart_in_the_middle_loses_nothing_and_doubles_nothing(
    fleet: tuple[Centre, list[FleetVan]],
) -> None:
    centre, vans = fleet
    for van in vans:
        van.wan.cut()
    half = CASES // 2
    for van in vans:
        van.accept_cases(half)
    time.sleep(3)  # sync has sent them into the van's broker, which holds them for the bridge
    for van in vans:  # the van laptop restarts: its broker and govan sync
        van.stop_sync()
        van.broker.restart()
        van.start_sync()
    for van in vans:
        van.accept_cases(CASES - half, start_at=half)
    time.sleep(3)
    assert centre.query("SELECT count(*) FROM cases") == [(0,)]
    for van in vans:
        van.wan.restore()
    catch_up = wait_for(lambda: all_home(centre, vans, 2 * CASES), 180, "the catch-up")
    print(f"\ncatch-up after the WAN came back: {2 * CASES} cases in {catch_up:.1f} s")
    assert_each_case_once_with_its_file(centre, vans)


def test_kill_9_of_the_vans_mosquitto_after_it_acknowledged_loses_nothing(fleet: tuple[Centre, list[FleetVan]]) -> None:
    centre, vans = fleet
    van = vans[0]
    van.wan.cut()
    van.accept_cases(50)
    wait_for(lambda: _tried(van) == 50, 30, "govan sync publishing every case into the van's broker")
    assert van.broker.process is not None
    van.broker.process.kill()  # kill -9: its PUBACKs promised what its disk does not have
    van.broker.process.wait()
    van.broker.process = None
    van.broker.start()
    van.wan.restore()
    wait_for(lambda: all_home(centre, [van], 50), 120, "every case at the centre")
    assert_each_case_once_with_its_file(centre, [van])


def test_kill_9_of_govan_central_mid_ingest_loses_nothing(fleet: tuple[Centre, list[FleetVan]]) -> None:
    centre, vans = fleet
    for van in vans:
        van.accept_cases(150)
    wait_for(lambda: centre.query("SELECT count(*) FROM cases")[0][0] > 0, 60, "the first cases at the centre")
    assert centre.service is not None
    centre.service.kill()
    centre.service.wait()
    stored_then = centre.query("SELECT count(*) FROM cases")[0][0]
    centre.start_service()
    wait_for(lambda: all_home(centre, vans, 300), 120, "every case at the centre")
    print(f"\ngovan central was killed with {stored_then} of 300 cases stored")
    assert_each_case_once_with_its_file(centre, vans)


def test_kill_9_of_postgresql_mid_ingest_loses_nothing(tmp_path: Path) -> None:
    from tests.support.postgres import fresh_database, running_server

    with running_server() as (server, url):
        database = fresh_database(url)
        centre = make_centre(tmp_path / "centre", database, ["lg-01"], connector="none")
        van = None
        try:
            centre.start_service()
            van = make_van(tmp_path / "lg-01", "lg-01", centre)
            van.start_sync()
            van.accept_cases(200)
            wait_for(lambda: centre.query("SELECT count(*) FROM cases")[0][0] > 0, 60, "the first cases")
            server.kill()
            time.sleep(2)  # the centre finds its store gone, and waits
            server.start()
            wait_for(lambda: all_home(centre, [van], 200), 120, "every case at the centre")
            assert_each_case_once_with_its_file(centre, [van])
        finally:
            if van is not None:
                van.close()
            centre.close()


def _tried(van: FleetVan) -> int:
    store = van.store()
    try:
        return int(next(store.query("SELECT count(*) AS n FROM outbox WHERE attempts > 0"))["n"])
    finally:
        store.close()
