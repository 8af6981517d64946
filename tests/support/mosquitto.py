"""A real mosquitto process, configured with the files `govan init --mosquitto` ships.

As on the van, the shipped file is read through a main configuration like Debian's own
(persistence on, `include_dir` of the folder), so sessions survive a clean restart.
"""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from govan.config import Config
from govan.mosquitto import BrokerFiles, write_broker_files
from tests.support.net import free_port, wait_for_port

BINARY = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None)


def require_mosquitto() -> str:
    """The mosquitto binary; skip the test without it, unless CI demands it."""
    if BINARY is None:
        reason = "mosquitto is not installed (apt-get install mosquitto); .ci/run installs it"
        if os.environ.get("GOVAN_REQUIRE_MOSQUITTO"):
            pytest.fail(reason)
        pytest.skip(reason)
    return BINARY


class MosquittoBroker:
    def __init__(self, directory: Path, config: Config) -> None:
        self.binary = require_mosquitto()
        self.port = free_port()
        self.files: BrokerFiles = write_broker_files(
            config, directory, config_path=directory / "govan.toml", port=self.port, run_as=getpass.getuser()
        )
        self.log = directory / "mosquitto.log"
        self.main_conf = directory / "debian" / "mosquitto.conf"
        (directory / "debian" / "persistence").mkdir(parents=True, exist_ok=True)
        self.main_conf.write_text(
            "# Debian's /etc/mosquitto/mosquitto.conf, pointed at this test's folder.\n"
            "persistence true\n"
            f"persistence_location {self.main_conf.parent / 'persistence'}/\n"
            f"include_dir {directory}\n",
            encoding="utf-8",
        )
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([self.binary, "-c", str(self.main_conf)], stdout=log, stderr=log)
        try:
            wait_for_port(self.port)
        except TimeoutError:
            self.stop()
            raise RuntimeError(f"mosquitto did not start: {self.log.read_text(errors='replace')}") from None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()
