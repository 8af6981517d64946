"""Login, roles, and what a terminal without an open trip says."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "login.title": ("员工登录：选择本人，输入密码后回车", "Sign in: choose yourself, type your PIN, press Enter"),
    "login.pin": ("密码（PIN）", "PIN"),
    "login.no_staff": ("还没有员工：请运行 `govan staff add 登录名 姓名 --role captain`",
                       "No staff yet: run `govan staff add LOGIN NAME --role captain`"),
    "login.choose_first": ("请先选择员工", "Choose a staff member first"),
    "role.staff": ("专员", "staff"),
    "role.captain": ("车长", "captain"),
    "role.dispatcher": ("代办员", "dispatcher"),
    "key.sign_out": ("注销", "Sign out"),
    "key.refresh": ("刷新", "Refresh"),
    "key.desk": ("取号", "Tickets"),
    "key.window": ("叫号", "Window"),
    "key.captain": ("车长", "Captain"),
    "key.open_trip": ("开启出车", "Open trip"),
    "notrip.title": ("今天还没有开启的出车", "No trip is open today"),
    "notrip.staff": ("请车长登录并开启今天的出车，然后按 F5 刷新。", "Ask the captain to sign in and open today's trip, then press F5."),
    "notrip.captain": ("按 O 开启今天的出车：选择站点、模式和每位专员的窗口与类别。",
                       "Press O to open today's trip: the stop, the mode, and each person's window and categories."),
    "session.window": ("{name} · {window}号窗口 · {stop}", "{name} · window {window} · {stop}"),
    "session.desk": ("{name} · {stop}", "{name} · {stop}"),
    "session.no_trip": ("{name} · 未开启出车", "{name} · no open trip"),
}
