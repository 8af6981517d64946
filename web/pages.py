"""The HTML pages: small templates in web/pages/, filled in with escaped values; the rest is static JS."""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from string import Template

from flows.hall import Place
from web.words import TITLE

__all__ = ["board_page", "message_page", "rate_page", "ticket_page"]

PAGES = Path(__file__).resolve().parent / "pages"


@cache
def _template(name: str) -> Template:
    return Template((PAGES / name).read_text(encoding="utf-8"))


def _fill(name: str, **values: str) -> str:
    return _template(name).substitute(title=TITLE, **{key: html.escape(value) for key, value in values.items()})


def board_page() -> str:
    return _fill("board.html")


def ticket_page(token: str, place: Place, stop: str) -> str:
    """The phone page, already showing the ticket's state, so it reads right before its script runs."""
    headline, detail = first_words(place)
    return _fill("ticket.html", token=token, number=place.number, stop=stop, headline=headline, detail=detail)


def rate_page(window: str) -> str:
    return _fill("rate.html", window=window)


def message_page(heading: str, detail: str) -> str:
    return _fill("message.html", heading=heading, detail=detail)


def first_words(place: Place) -> tuple[str, str]:
    """The state line the page shows before its script runs (ticket.js says the same)."""
    if place.status == "waiting":
        if place.ahead == 0:
            return "下一位就是您", "请留意叫号，到号后本页会提醒您"
        wait = (
            "暂无窗口办理此类业务，请咨询工作人员"
            if place.wait_minutes is None
            else f"预计等候约 {place.wait_minutes} 分钟"
        )
        return f"前面还有 {place.ahead} 人", wait
    if place.status == "called":
        return f"请到 {place.window} 号窗口", "正在叫您的号，请尽快前往"
    if place.status == "serving":
        return f"正在 {place.window} 号窗口办理", ""
    if place.status == "done":
        return "办理结束", "感谢您的评价" if place.rating == "given" else ""
    if place.status == "no_show":
        return "您的号已过号", "请到取号处咨询工作人员"
    if place.status == "cancelled":
        return "此号已作废", "请到取号处咨询工作人员"
    return "号票已过期", "本站服务已结束"
