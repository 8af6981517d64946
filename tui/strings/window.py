"""The window (叫号/办理)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "window.key.call_next": ("叫下一位", "Call next"),
    "window.key.recall": ("重呼", "Recall"),
    "window.key.no_show": ("过号", "No-show"),
    "window.key.transfer": ("转窗口/类别", "Transfer"),
    "window.key.start": ("开始办理", "Start service"),
    "window.key.finish": ("办结离开", "Finish"),
    "window.title": ("{window}号窗口 · 服务类别 {categories}", "Window {window} · serving {categories}"),
    "window.current": ("当前号", "Now serving"),
    "window.idle": ("空闲：按 N 叫下一位", "Free: press N to call the next number"),
    "window.ticket_item": ("事项：{item}", "Item: {item}"),
    "window.ticket_status": ("状态：{status} · 已叫 {calls} 次", "Status: {status} · called {calls}×"),
    "window.waited": ("等候了 {minutes} 分钟", "waited {minutes} min"),
    "window.waiting": ("等候人数", "Waiting"),
    "window.nobody_waiting": ("暂无等候", "Nobody is waiting"),
    "window.recent": ("最近叫号", "Last called"),
    "window.recent_line": ("{number} → {window}号窗口 {time}", "{number} → window {window} {time}"),
    "window.cannot": ("操作未完成", "Not done"),
    "window.transfer_title": ("把 {number} 转到：", "Transfer {number} to:"),
    "window.to_window": ("{window}号窗口（{name}）", "window {window} ({name})"),
    "window.to_category": ("{letter}类 {name}（重新取号）", "queue {letter} {name} (new number)"),
    "window.nowhere_to_transfer": ("没有其他窗口或类别可转", "No other window or queue to transfer to"),
    "window.transfer_printed": ("新号 {number} 已打印", "New number {number} printed"),
}
