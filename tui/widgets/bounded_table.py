"""A DataTable whose render caches hold a few screens of rows, for a table that changes all day.

Textual's DataTable (8.2.8) caches rendered cells (10,000), rows and lines (1,000 each) under keys
that include its update count: every added row, changed cell or sort starts a new generation, and
the entries of the old ones are never read again. On the desk, which changes its table several
times a ticket, those caches filled within the first fifty tickets and held ~14 MB of dead
renders for the rest of the day (issue 17). Sized for a few generations of a screenful, a table
renders the same and holds little.
"""

from __future__ import annotations

from textual.cache import LRUCache
from textual.widgets import DataTable
from textual.widgets.data_table import CursorType

__all__ = ["BoundedTable"]

# Rows a screen shows (a 50-line terminal; a taller one draws the same, re-rendering more), times two
# generations (the one drawn, the one being drawn); columns at most.
_ROWS = 50 * 2
_COLUMNS = 8


class BoundedTable(DataTable[object]):
    def __init__(self, *, id: str, cursor_type: CursorType = "row", zebra_stripes: bool = False) -> None:
        super().__init__(id=id, cursor_type=cursor_type, zebra_stripes=zebra_stripes)
        # The same caches, smaller: these are DataTable's own attributes (its __init__ makes them).
        self._row_render_cache = LRUCache(_ROWS)
        self._cell_render_cache = LRUCache(_ROWS * _COLUMNS)
        self._row_renderable_cache = LRUCache(_ROWS)
        self._line_cache = LRUCache(_ROWS)
