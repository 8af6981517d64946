"""The display board (`govan tui --board`)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "board.title": ("龙港市流动政务客厅 · 叫号", "Longgang Mobile Government Service · Now calling"),
    "board.window_suffix": ("号窗口", "window"),
    "board.call_line": ("{number} 请到 {window} 号窗口", "{number} to window {window}"),
    "board.nobody_called": ("暂无叫号", "Nobody called yet"),
    "board.waiting": ("等候", "Waiting"),
    "board.waiting_count": ("{letter}类 {count}人", "{letter}: {count}"),
    "board.nobody_waiting": ("暂无等候", "nobody"),
    "board.recent": ("刚才叫过", "Called before"),
    "board.recent_call": ("{number}→{window}号窗口", "{number}→window {window}"),
    "board.waiting_for_data": ("等待叫号数据…", "Waiting for queue data…"),
    "board.disconnected": ("与消息服务断开，显示的可能不是最新状态", "Disconnected: this may not be current"),
}
