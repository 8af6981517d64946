"""The hall under test: a van (real SQLite, in-process daemon on its embedded broker, flows) and
`govan web` as a child process on a free port, and Debian's chromium driven by Playwright.

Without /usr/bin/chromium (or the playwright package) the browser tests skip, saying what to
install; CI sets GOVAN_REQUIRE_CHROMIUM=1, so there they fail instead. The same for espeak-ng
with GOVAN_REQUIRE_ESPEAK.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from db import tickets
from db.tickets import Ticket
from flows.announce import Announcer
from flows.hall import ticket_page_url
from tests.flows.support import FlowVan, flow_van
from tests.support.net import free_port

CHROMIUM = "/usr/bin/chromium"
ARTEFACTS = Path(__file__).resolve().parents[2] / "tests" / "artefacts"
LIVENESS_S = 15.0  # liveness bound only: how long a test waits before calling something missing
# As the workplace's probe starts it: no background traffic, which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


def _require(found: bool, reason: str, variable: str) -> None:
    if not found:
        if os.environ.get(variable):
            pytest.fail(reason)
        pytest.skip(reason)


def require_chromium() -> None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        _require(False, "the playwright package is missing (pip install -e '.[test]')", "GOVAN_REQUIRE_CHROMIUM")
    _require(
        Path(CHROMIUM).exists(),
        f"no {CHROMIUM} (apt-get install chromium); .ci/run installs it",
        "GOVAN_REQUIRE_CHROMIUM",
    )


def require_espeak() -> None:
    _require(
        shutil.which("espeak-ng") is not None,
        "espeak-ng is not installed (apt-get install espeak-ng); .ci/run installs it",
        "GOVAN_REQUIRE_ESPEAK",
    )


def require_aplay() -> None:
    _require(
        shutil.which("aplay") is not None,
        "aplay is not installed (apt-get install alsa-utils); .ci/run installs it",
        "GOVAN_REQUIRE_ESPEAK",
    )


class WebProcess:
    """`govan web --config PATH` as a child process, as systemd would run it."""

    def __init__(self, config_path: Path, port: int) -> None:
        self.config_path = config_path
        self.port = port
        self.log = config_path.parent / "web-process.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "govan", "web", "--config", str(self.config_path)], stdout=log, stderr=log
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LIVENESS_S
        while True:
            assert self.process.poll() is None, f"govan web exited: {self.log.read_text()}"
            try:
                status, health = await asyncio.to_thread(get, f"{self.url}/healthz")
                if status == 200 and health["mqtt"] == "connected":
                    return
            except OSError:
                pass
            assert loop.time() < deadline, f"govan web did not answer: {self.log.read_text()}"
            await asyncio.sleep(0.1)

    def stop(self) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.terminate()
        try:
            return self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def get(url: str) -> tuple[int, Any]:
    """(status, JSON or text) of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body, status, kind = response.read(), response.status, response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        body, status, kind = error.read(), error.code, error.headers.get_content_type()
    text = body.decode()
    return status, json.loads(text) if kind == "application/json" else text


async def get_until(url: str, wanted: Any, what: str) -> Any:
    """GET `url` (off the event loop, which must keep sending the van's announcements) until `wanted(status, body)`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LIVENESS_S
    while True:
        status, body = await asyncio.to_thread(get, url)
        if wanted(status, body):
            return body
        assert loop.time() < deadline, f"{what}: {url} answered {status} {body}"
        await asyncio.sleep(0.05)


def post(url: str, payload: object, content_type: str = "application/json") -> tuple[int, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@dataclass
class HallVan:
    fv: FlowVan
    web: WebProcess

    @property
    def store(self):  # noqa: ANN201
        return self.fv.van.store

    @property
    def trip_id(self) -> int:
        return self.fv.demo.trip_id

    def issue(self, item_code: str = "hukou_certificate") -> Ticket:
        ticket = tickets.issue_ticket(self.store, self.trip_id, item_code=item_code, tz=self.fv.van.config.tz)
        Announcer(self.fv.van).ticket(ticket, "issued")
        return ticket

    def page_url(self, ticket: Ticket) -> str:
        url = ticket_page_url(self.store, self.fv.van.config, ticket.id)
        assert url is not None
        return url

    def call(self, window: str) -> Ticket:
        """The window calls its next ticket, as flows do: the store, then the announcement (and the speaker)."""
        called = tickets.call_next(self.store, self.trip_id, window)
        assert called is not None, f"nobody waiting for window {window}"
        Announcer(self.fv.van).ticket(called, "called")
        return called

    def serve_and_finish(self, ticket: Ticket) -> Ticket:
        serving = tickets.start_service(self.store, ticket.id)
        Announcer(self.fv.van).ticket(serving, "serving")
        done = tickets.finish(self.store, ticket.id)
        Announcer(self.fv.van).ticket(done, "done")
        return done


@contextlib.asynccontextmanager
async def hall_van(directory: Path, settings: dict[str, Any] | None = None) -> AsyncIterator[HallVan]:
    port = free_port()
    devices = {name: {"driver": "sim"} for name in ("idreader", "scanner", "printer", "camera", "speaker")}
    web = {"web": {"listen": f"127.0.0.1:{port}", "public_url": f"http://127.0.0.1:{port}"}, "devices": devices}
    async with flow_van(directory, {**web, **(settings or {})}) as fv:
        process = WebProcess(directory / "govan.toml", port)
        await process.start()
        try:
            yield HallVan(fv, process)
        finally:
            process.stop()


@contextlib.asynccontextmanager
async def browser_page(width: int, height: int) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
            yield page
        finally:
            await browser.close()


def artefact(name: str) -> Path:
    """Where a test keeps what a person should look at (screenshots): tests/artefacts/, not committed."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / name
