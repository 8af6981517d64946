"""Updating a shown widget only when what it shows changed.

A Static's update lays the screen out again and redraws the widget. A terminal hears several queue
events per ticket and most leave a given panel as it was: redrawing it anyway cost every terminal
work on every event all day (issue 17).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

__all__ = ["update_changed"]


def update_changed(widget: Static, content: Text | str) -> bool:
    """Show `content` unless the widget shows it already (same words, same styles); True if it changed."""
    if widget.content == content:
        return False
    widget.update(content)
    return True
