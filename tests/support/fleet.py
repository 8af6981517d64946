"""Vans and their centre as they are deployed: everything real, each program its own process.

- the centre: mosquitto from `govan central init-broker`, `govan central` (a child process) on
  a PostgreSQL database;
- each van: mosquitto from `govan init --mosquitto` with the bridge from `--bridge`, reaching
  the centre through a `Wan` that the test can cut; `govan sync` as a child process; the van's
  store, where the test makes cases as the TUI would.
"""

from __future__ import annotations

import getpass
import hashlib
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import psycopg
from sqlite_utils import Database

import db
from core import sealing
from core.keys import load_keys
from daemon.credentials import DAEMON_USER, SYNC_USER, TUI_USER
from govan import config as config_module
from govan.config import Config
from govan.mosquitto import (
    CENTRAL_USER_AT_CENTRE,
    CENTRE_PASSWORD,
    CentreBrokerFiles,
    write_bridge,
    write_centre_broker_files,
)
from tests.db.support import build_van
from tests.support.mosquitto import MosquittoBroker, require_mosquitto
from tests.support.net import free_port, wait_for_port
from tests.support.proxy import Wan


def _write(path: Path, settings: dict[str, Any]) -> Config:
    config = config_module.validate(msgspec.convert(settings, Config), str(path))
    path.write_text(config_module.to_toml(config), encoding="utf-8")
    return config


def start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "govan", *command], stdout=handle, stderr=handle, stdin=subprocess.DEVNULL
        )


def stop(process: subprocess.Popen[bytes] | None, *, kill: bool = False) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Centre:
    directory: Path
    files: CentreBrokerFiles
    config_path: Path
    database_url: str
    broker: subprocess.Popen[bytes] | None = None
    service: subprocess.Popen[bytes] | None = None

    def start_broker(self) -> None:
        with (self.directory / "mosquitto.log").open("ab") as log:
            self.broker = subprocess.Popen([require_mosquitto(), "-c", str(self.files.conf)], stdout=log, stderr=log)
        wait_for_port(self.files.port)

    def start_service(self) -> None:
        self.service = start(["central", "--config", str(self.config_path)], self.directory / "central.log")

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(sql, params or []).fetchall()  # type: ignore[arg-type]

    def close(self) -> None:
        stop(self.service)
        if self.broker is not None:
            self.broker.terminate()
            self.broker.wait(5)


@dataclass
class FleetVan:
    van_id: str
    directory: Path
    config: Config
    config_path: Path
    broker: MosquittoBroker
    wan: Wan
    sync: subprocess.Popen[bytes] | None = None
    captures: list[tuple[int, str, str]] = field(default_factory=list)  # case, path, sha256

    def store(self) -> Database:
        return db.open_store(self.config.database_path)

    def start_sync(self) -> None:
        self.sync = start(["sync", "--config", str(self.config_path)], self.directory / "sync.log")

    def stop_sync(self, *, kill: bool = False) -> None:
        stop(self.sync, kill=kill)
        self.sync = None

    def accept_cases(self, count: int, *, start_at: int = 0) -> list[int]:
        """Cases accepted and forwarded, each with a capture of its own, as intake records them."""
        store = self.store()
        try:
            trip = next(store.query("SELECT id FROM trips WHERE status = 'open'"))["id"]
            staff = next(store.query("SELECT id FROM staff WHERE login = 's1'"))["id"]
            folder = self.config.data_path / "captures"
            folder.mkdir(parents=True, exist_ok=True)
            made = []
            for number in range(start_at, start_at + count):
                content = f"{self.van_id} capture {number} ".encode() * 64
                path = folder / f"case-{number}.jpg"
                sealing.write_sealed(load_keys(self.config.data_path).files, path, content)
                sha = hashlib.sha256(content).hexdigest()
                case = db.open_case(store, "residence_permit", staff, trip_id=trip)
                db.add_attachment(store, case.id, path=str(path), sha256=sha, kind="document", material="近期照片")
                db.record_outcome(store, case.id, "accepted_forwarded")
                self.captures.append((case.id, str(path), sha))
                made.append(case.id)
            return made
        finally:
            store.close()

    def pending(self) -> int:
        store = self.store()
        try:
            return int(next(store.query("SELECT count(*) AS n FROM outbox"))["n"])
        finally:
            store.close()

    def close(self) -> None:
        self.stop_sync()
        self.broker.stop()
        self.wan.close()


def make_centre(directory: Path, database_url: str, vans: list[str], **central: Any) -> Centre:
    directory.mkdir(parents=True, exist_ok=True)
    files = write_centre_broker_files(
        Config(), directory / "broker", vans, port=free_port(), bind="127.0.0.1", run_as=getpass.getuser()
    )
    config_path = directory / "govan.toml"
    _write(
        config_path,
        {
            "data_dir": str(directory / "data"),
            "central": {
                "database_url": database_url,
                "mqtt_url": f"mqtt://127.0.0.1:{files.port}",
                "username": CENTRAL_USER_AT_CENTRE,
                "password_file": str(files.password_file(CENTRAL_USER_AT_CENTRE)),
                **central,
            },
        },
    )
    centre = Centre(directory, files, config_path, database_url)
    centre.start_broker()
    return centre


def make_van(directory: Path, van_id: str, centre: Centre) -> FleetVan:
    directory.mkdir(parents=True, exist_ok=True)
    wan = Wan(centre.files.port)
    base = config_module.validate(msgspec.convert({"van_id": van_id}, Config), "test")
    broker = MosquittoBroker(directory / "mosquitto", base)
    # The centre made this van's password; the van keeps a copy beside its broker files.
    shutil.copy(centre.files.password_file(van_id), broker.files.directory / CENTRE_PASSWORD)
    (broker.files.directory / CENTRE_PASSWORD).chmod(0o600)
    write_bridge(base, broker.files.directory, f"mqtt://127.0.0.1:{wan.port}", retry_max_s=3)
    config_path = directory / "govan.toml"
    config = _write(
        config_path,
        {
            "van_id": van_id,
            "data_dir": str(directory / "data"),
            "mqtt": {
                "url": broker.url,
                "username": DAEMON_USER,
                "password_file": str(broker.files.password_file(DAEMON_USER)),
                "tui": {"username": TUI_USER, "password_file": str(broker.files.password_file(TUI_USER))},
            },
            "sync": {
                "username": SYNC_USER,
                "password_file": str(broker.files.password_file(SYNC_USER)),
                "heartbeat_s": 5,
                "retry_s": 2.0,
                "retry_cap_s": 8.0,
                "in_flight": 200,
            },
        },
    )
    config.data_path.mkdir(parents=True, exist_ok=True)
    build_van(config.database_path)
    broker.start()
    return FleetVan(van_id, directory, config, config_path, broker, wan)
