"""A one-line form field whose new value repaints the field alone (intake's person form)."""

from __future__ import annotations

from typing import Self

from textual.geometry import Region
from textual.widgets import Input

__all__ = ["FieldInput"]


class FieldInput(Input):
    """A one-line form field of fixed size whose new value repaints the field, not the screen.

    Textual's Input keeps its virtual size at the width of its text (for horizontal
    scrolling), and a virtual size that changes asks for a layout of the whole screen:
    about 11 ms on the van's laptop, for every field a card fills in. A field whose size
    is fixed by CSS needs only a repaint; its virtual size is still kept up to date, so
    scrolling inside the field works as before.
    """

    _value_changing = False

    def _watch_value(self, value: str) -> None:
        self._value_changing = True
        try:
            super()._watch_value(value)
        finally:
            self._value_changing = False

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        if self._value_changing and not self.styles.auto_dimensions:
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
