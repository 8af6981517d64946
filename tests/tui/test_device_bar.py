"""The device bar tells the truth, live: states from the daemon, offline when it goes away."""

from __future__ import annotations

import asyncio

from db.connection import open_store
from govan import config as config_module
from tests.support.van import running_daemon, write_config
from tui.app import GovanApp
from tui.widgets.device_bar import DeviceBar, render_status


def make_store(config) -> None:  # noqa: ANN001
    config.data_path.mkdir(parents=True, exist_ok=True)
    open_store(config.database_path).close()


async def _bar_text(app: GovanApp, pilot, contains: str, timeout: float = 10) -> str:  # noqa: ANN001
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await pilot.pause()
        text = str(app.screen.query_one(DeviceBar).render())
        if contains in text or loop.time() > deadline:
            return text
        await asyncio.sleep(0.05)


async def test_device_bar_follows_the_daemon_live(tmp_path) -> None:  # noqa: ANN001
    config = config_module.load(write_config(tmp_path))
    make_store(config)
    daemon_running = running_daemon(config)
    await daemon_running.__aenter__()
    app = GovanApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        text = await _bar_text(app, pilot, "服务 在线")
        assert "服务 在线" in text
        assert text.count("未启用") == 4  # all four devices have driver = "none"
        await daemon_running.__aexit__(None, None, None)  # the daemon, and its embedded broker, stop
        text = await _bar_text(app, pilot, "无法连接消息服务")
        assert "服务 离线" in text
        assert "无法连接消息服务" in text
        assert "未启用" not in text


async def test_device_bar_in_english(tmp_path) -> None:  # noqa: ANN001
    config = config_module.load(write_config(tmp_path, {"locale": "en"}))
    make_store(config)
    app = GovanApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        text = await _bar_text(app, pilot, "no connection")
        # Each with its own word is 83 columns: at 80, the devices in the same state share it, on one line.
        assert text.splitlines()[0] == "Daemon, ID reader, Scanner, Printer, Camera offline", text
        wide = render_status(app.screen.query_one(DeviceBar).status, width=118)
        assert str(wide).startswith("Daemon offline  ID reader offline  Scanner offline"), wide
