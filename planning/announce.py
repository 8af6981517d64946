"""A themed session's announcement, all from the same data: an A4 poster and an A5 leaflet (PDF, typst
with a CJK font), WeChat-ready text and HTML, and an ICS event.

Citizens' paper is always Chinese. The QR code carries what the dispatcher gives (the WeChat
article or the page where people 点单); it is drawn as SVG, so it stays sharp at any print size.
The typst source never has the data spliced in: the data travels as JSON through `sys.inputs`,
so a theme with `#`, `*` or quotes prints as written and cannot run as markup.
"""

from __future__ import annotations

import html
import io
import json
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

import qrcode  # type: ignore[import-untyped]  # no stubs published
import qrcode.image.svg  # type: ignore[import-untyped]
import typst
from icalendar import Calendar, Event

from core.plan import SHANGHAI, WEEKDAY_NAMES
from planning.sessions import Session

__all__ = ["Announcement", "announcement", "ics_event", "pdf", "wechat_html", "wechat_text"]

FONT_FAMILY = "WenQuanYi Micro Hei"

_TEMPLATE = r"""
#let d = json(bytes(sys.inputs.at("data")))
#let small = d.paper == "a5"
#set page(paper: d.paper, margin: if small { 12mm } else { 18mm })
#set text(font: d.font, lang: "zh", size: if small { 11pt } else { 15pt })
#set par(leading: 0.8em)
#align(center)[
  #text(size: if small { 12pt } else { 18pt }, fill: rgb("#b71c1c"), weight: "bold")[龙港市流动政务客厅 · 菜单式专场]
  #v(if small { 2mm } else { 6mm })
  #text(size: if small { 24pt } else { 40pt }, weight: "bold")[#d.theme]
]
#v(if small { 3mm } else { 8mm })
#block(fill: rgb("#fdecea"), inset: if small { 8pt } else { 14pt }, radius: 4pt, width: 100%)[
  #strong[时间：]#d.when \
  #strong[地点：]#d.place \
  #strong[点单截止：]#d.deadline
]
#v(if small { 3mm } else { 6mm })
#text(weight: "bold", size: if small { 13pt } else { 20pt })[可办事项]
#for item in d.items [
  - #item
]
#v(1fr)
#grid(columns: (1fr, auto), column-gutter: 8mm, align: (left + bottom, right + bottom),
  [#d.footer],
  image(bytes(sys.inputs.at("qr")), format: "svg", width: if small { 30mm } else { 45mm }))
"""


@dataclass(frozen=True)
class Announcement:
    theme: str
    items: list[str]
    when: str  # 2026年12月12日（周六）09:30–12:30
    place: str  # the stop, and its address
    deadline: str  # 12月10日
    qr: str  # what the QR code carries
    starts: datetime
    ends: datetime
    location: str
    footer: str = "提前点单，对应部门工作人员随车到场；请携带身份证原件及相关材料。"


def announcement(session: Session, qr: str) -> Announcement:
    start, end = session.hours
    day = session.day
    when = f"{day.year}年{day.month}月{day.day}日（周{WEEKDAY_NAMES[day.weekday()]}）{start}–{end}"
    place = session.stop if session.address in ("", session.stop) else f"{session.stop}（{session.address}）"
    deadline = session.order_deadline
    return Announcement(
        session.theme,
        [name for _, name in session.items],
        when,
        place,
        f"{deadline.month}月{deadline.day}日",
        qr,
        datetime.combine(day, time.fromisoformat(start), SHANGHAI),
        datetime.combine(day, time.fromisoformat(end), SHANGHAI),
        session.address or session.stop,
    )


def _qr_svg(text: str) -> bytes:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def pdf(item: Announcement, paper: str, font_paths: list[Path]) -> bytes:
    """The poster (paper "a4") or leaflet ("a5") as PDF. `font_paths`: folders or files of a CJK font."""
    if paper not in ("a4", "a5"):
        raise ValueError(f"paper {paper!r} is not a4 or a5")
    data = {
        "paper": paper,
        "font": FONT_FAMILY,
        "theme": item.theme,
        "when": item.when,
        "place": item.place,
        "deadline": item.deadline,
        "items": item.items,
        "footer": item.footer,
    }
    # The stubs tie font_paths' type to the input's (bytes here), though the font paths are paths.
    result = typst.compile(
        _TEMPLATE.encode(),
        format="pdf",  # type: ignore[call-overload]
        font_paths=[str(path) for path in font_paths],
        sys_inputs={"data": json.dumps(data, ensure_ascii=False), "qr": _qr_svg(item.qr).decode()},
    )
    assert isinstance(result, bytes)
    return result


def wechat_text(item: Announcement) -> str:
    """Plain text for a WeChat group or a 公众号 summary."""
    lines = [
        f"【龙港市流动政务客厅 · {item.theme}】",
        f"时间：{item.when}",
        f"地点：{item.place}",
        f"可办事项：{'、'.join(item.items)}",
        f"请于{item.deadline}前点单，对应部门工作人员随车到场。",
        f"点单：{item.qr}",
    ]
    return "\n".join(lines)


def wechat_html(item: Announcement) -> str:
    """A fragment for the 公众号 editor: inline styles only (the editor drops style sheets)."""
    items = "".join(f'<li style="margin:4px 0">{html.escape(name)}</li>' for name in item.items)
    return (
        f'<section style="font-size:16px;line-height:1.7">'
        f'<h2 style="color:#b71c1c;text-align:center">{html.escape(item.theme)}</h2>'
        f"<p><strong>时间：</strong>{html.escape(item.when)}<br><strong>地点：</strong>{html.escape(item.place)}<br>"
        f"<strong>点单截止：</strong>{html.escape(item.deadline)}</p>"
        f"<p><strong>可办事项</strong></p><ul>{items}</ul>"
        f'<p><a href="{html.escape(item.qr, quote=True)}">点此点单</a></p></section>'
    )


def ics_event(item: Announcement, uid: str, *, stamp: datetime | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//govan//planning//ZH")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", uid)
    event.add("summary", f"流动政务客厅专场：{item.theme}")
    event.add("dtstart", item.starts)
    event.add("dtend", item.ends)
    event.add("dtstamp", stamp or datetime.now(SHANGHAI))
    event.add("location", item.location)
    event.add("description", f"可办事项：{'、'.join(item.items)}。请于{item.deadline}前点单。")
    event.add("url", item.qr)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
