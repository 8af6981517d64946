"""`govan demo`: the whole van on embedded defaults, in a fresh data directory.

It writes a config with emulated devices and a free loopback port, loads the demo
catalogue, staff and today's trip, starts the daemon as a child process, waits for
it to come online, starts `govan web` (the hall's board and the phone pages) and prints
the board's address, starts `govan sync` and `govan central` beside it (the centre on an
embedded PostgreSQL, reached through the van's own broker: one laptop plays both), runs
the TUI, and stops them all when the TUI quits. Once the centre's store answers, the demo's
plan is made there (planning/demo.py: stops, the van, this week and next published), so the
dispatcher's screens (`govan tui --central`, 7–9) and the captain's P show something.
"""

from __future__ import annotations

import asyncio
import ctypes
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

import msgspec

from govan import config as config_module
from govan.config import Config

ONLINE_TIMEOUT_S = 30.0
CENTRAL_DEMO_USER = "govan-central"  # daemon.credentials.CENTRAL_USER, named here so the demo imports no daemon
PR_SET_PDEATHSIG = 1


class DemoError(Exception):
    """The demo could not start; the message says why and where to look."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_config(base: Config, data_dir: Path) -> Config:
    mqtt = msgspec.structs.replace(base.mqtt, url="embedded", embedded_port=_free_port())
    port = _free_port()
    web = msgspec.structs.replace(base.web, listen=f"127.0.0.1:{port}", public_url=f"http://127.0.0.1:{port}")
    # The centre listens to the van's own broker, as its central user (daemon.credentials makes it).
    central = msgspec.structs.replace(
        base.central,
        database_url="embedded",
        mqtt_url=f"mqtt://127.0.0.1:{mqtt.embedded_port}",
        username=CENTRAL_DEMO_USER,
        password_file=str(data_dir / "mqtt" / f"{CENTRAL_DEMO_USER}.pass"),
        tracking="sim",
    )
    configured = msgspec.structs.replace(base, data_dir=str(data_dir), mqtt=mqtt, web=web, central=central)
    return config_module.with_sim_devices(configured)


def _die_with_parent() -> None:
    """Runs in the child: if `govan demo` is killed, the daemon gets SIGTERM too."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_daemon(config_path: Path, log_path: Path, command: str = "daemon") -> subprocess.Popen[bytes]:
    """`govan daemon` (or another long-running command: web, sync, central) as a child that dies with the demo."""
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "govan", command, "--config", str(config_path)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            preexec_fn=_die_with_parent,
        )


def stop_daemon(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def wait_online(config: Config, process: subprocess.Popen[bytes]) -> None:
    from daemon.client import BrokerUnreachable, CredentialsError, DaemonClient

    loop = asyncio.get_running_loop()
    deadline = loop.time() + ONLINE_TIMEOUT_S
    while loop.time() < deadline:
        if process.poll() is not None:
            raise DemoError(f"the daemon exited with status {process.returncode}")
        try:
            async with DaemonClient(config) as client:
                if await client.wait_for_daemon(max(0.1, deadline - loop.time())):
                    return
        except (BrokerUnreachable, CredentialsError):
            await asyncio.sleep(0.2)
    raise DemoError(f"the daemon did not come online within {ONLINE_TIMEOUT_S:g} s")


def prepare(explicit_config: str | None) -> tuple[Config, Path, list[str]]:
    """Fresh data directory, config file and demo data; returns the login lines to print."""
    from db import demo as demo_data
    from db.connection import open_store

    base = config_module.load(explicit_config)
    data_dir = Path(tempfile.mkdtemp(prefix="govan-demo-"))
    config = demo_config(base, data_dir)
    config_path = data_dir / "govan.toml"
    config_path.write_text(config_module.to_toml(config), encoding="utf-8")
    store = open_store(config.database_path)
    try:
        data = demo_data.load(store, tz=config.tz)
    finally:
        store.close()
    lines = [
        f"  {_pad(login.name, 8)}{login.role:<11} PIN {login.pin}  "
        + (f"window {login.window}" if login.window else "ticket desk")
        for login in data.logins
    ]
    if data.checkin_codes:
        lines.append(f"  appointment check-in codes (预约签到码): {', '.join(data.checkin_codes)}")
    return config, config_path, lines


def _say_if_no_chinese_font() -> None:
    from devices.fonts import FONT_PACKAGES, default_cjk_font

    if default_cjk_font() is None:
        print(
            "govan demo: no Chinese font on this machine, so certified copies cannot be stamped "
            f"and the virtual printer keeps no receipt pictures; install {FONT_PACKAGES} "
            "(sudo apt-get install fonts-wqy-microhei)"
        )


def _pad(text: str, width: int) -> str:
    """Left-justify by display width: a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(1, width - used)


def _seed_planning(config: Config) -> None:
    """Once govan central's embedded PostgreSQL answers, give the dispatcher the demo's fleet, stops and weeks
    (planning/demo.py); in a thread, so the TUI starts at once. A demo quit before then just has no plan."""
    import logging
    from datetime import datetime
    from importlib import resources

    import psycopg

    from central import views
    from central.errors import CentralError
    from central.store import connect_sync, migrate_sync
    from planning.demo import seed

    catalogue = resources.files("db").joinpath("default_catalogue.toml").read_text(encoding="utf-8")
    for _ in range(60):
        try:
            with connect_sync(views.store_url(config)) as conn:
                migrate_sync(conn)
                seed(conn, config.van_id, datetime.now(config.tz).date(), catalogue)
            return
        except (CentralError, psycopg.OperationalError):
            time.sleep(1)
        except Exception:
            logging.getLogger(__name__).exception("the demo's plan could not be made")
            return


def run_demo(explicit_config: str | None) -> int:
    from govan import logs

    config, config_path, logins = prepare(explicit_config)
    data_dir = config.data_path
    logs.setup(data_dir, "tui", to_stderr=False)  # before the first connection attempt, which may log a retry
    print(f"govan demo: data directory {data_dir}")
    print(f"govan demo: configuration {config_path} (try: govan status --config {config_path})")
    print("govan demo: demo logins (员工登录):")
    print("\n".join(logins))
    _say_if_no_chinese_font()
    daemon_log = data_dir / "logs" / "daemon-console.log"
    daemon_log.parent.mkdir(parents=True, exist_ok=True)
    process = start_daemon(config_path, daemon_log)
    beside: list[subprocess.Popen[bytes]] = []
    try:
        asyncio.run(wait_online(config, process))
        # The daemon has made the broker's users; the hall, the van's link and its centre can connect now.
        for command in ("web", "sync", "central"):
            beside.append(start_daemon(config_path, data_dir / "logs" / f"{command}-console.log", command))
        threading.Thread(target=_seed_planning, args=(config,), name="demo-plan", daemon=True).start()
        print(f"govan demo: display board {config.web.public_url}/board (citizens' pages: the QR code on each ticket)")
        print(
            f"govan demo: govan sync and govan central are running; the centre's screens: "
            f"govan tui --central --config {config_path}"
        )
        from tui.app import run_app

        status = run_app(config)
    except DemoError as error:
        print(f"govan demo: {error}; see {daemon_log}", file=sys.stderr)
        return 1
    finally:
        for child in reversed(beside):
            stop_daemon(child)
        stop_daemon(process)
    print(f"govan demo: daemon stopped, and govan web, govan sync and govan central; the demo data stays in {data_dir}")
    return status
