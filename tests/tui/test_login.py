"""The login screen as staff meet it: who is named in the header and the time it shows, a locked login, and a
van with nobody yet."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from textual.widgets import Label
from textual.widgets._header import HeaderTitle

from db.connection import open_store
from govan import config as config_module
from tests.support.van import write_config
from tests.tui.harness import prepare, until
from tui.app import GovanApp
from tui.widgets.van_header import VanClock

START = datetime.fromisoformat("2026-11-20T09:00:00+08:00")


def header(app: GovanApp) -> str:
    title = app.screen.query_one(HeaderTitle)
    return "".join(segment.text for segment in title.render_line(0)).strip()


def said(app: GovanApp) -> str:
    return str(app.screen.query_one("#login-error", Label).render())


async def type_pin(pilot, login: str, pin: str) -> None:  # noqa: ANN001
    options = pilot.app.screen.query_one("#login-staff")
    options.highlighted = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == login)
    await pilot.press("enter", *pin, "enter")


async def test_after_sign_out_the_header_names_nobody(tmp_path: Path) -> None:
    desk = prepare(tmp_path)
    app = GovanApp(desk.config, connect=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "LoginScreen")
        await type_pin(pilot, "s01", "2222")
        await until(pilot, lambda: "林晓燕" in header(app), what="the clerk named in the header")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: type(app.screen).__name__ == "LoginScreen")
        assert "林晓燕" not in header(app) and header(app) == "龙港市流动政务客厅"
        await type_pin(pilot, "s02", "3333")
        await until(pilot, lambda: "郑海波" in header(app), what="the next person named")
        assert "林晓燕" not in header(app)


async def test_wrong_pins_lock_the_login_and_the_screen_says_how_long(tmp_path: Path) -> None:
    desk = prepare(tmp_path)
    now = [START]
    app = GovanApp(desk.config, connect=False, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "LoginScreen")
        for _ in range(4):
            await type_pin(pilot, "s01", "0000")
            assert said(app) == "登录名或密码错误"
        await type_pin(pilot, "s01", "0000")
        assert said(app) == "密码错误次数过多，已锁定，请 1 分钟后再试，或请车长解锁"
        await type_pin(pilot, "s01", "2222")  # the right PIN waits too
        assert type(app.screen).__name__ == "LoginScreen" and "1 分钟" in said(app)
        now[0] = START + timedelta(minutes=1, seconds=1)
        await type_pin(pilot, "s01", "2222")
        await until(pilot, lambda: type(app.screen).__name__ != "LoginScreen", what="signed in after the lock")


async def test_a_fresh_van_says_how_to_add_staff(tmp_path: Path) -> None:
    config = config_module.load(write_config(tmp_path))
    config.data_path.mkdir(parents=True)
    open_store(config.database_path).close()  # what `govan init` leaves: a catalogue, nobody to sign in
    app = GovanApp(config, connect=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "LoginScreen")
        hint = str(app.screen.query_one("#login-empty", Label).render())
        assert hint == "还没有员工：请运行 `govan staff add 登录名 姓名 --role captain`"


async def test_the_header_clock_tells_the_vans_time_not_the_machines(tmp_path: Path) -> None:
    """Defect 11: the header clock showed UTC while the screens used Asia/Shanghai."""
    desk = prepare(tmp_path)
    app = GovanApp(desk.config, connect=False, clock=lambda: datetime.fromisoformat("2026-11-20T01:30:05+00:00"))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "LoginScreen")
        clock = app.screen.query_one(VanClock)
        assert "".join(segment.text for segment in clock.render_line(0)).strip() == "09:30:05"
