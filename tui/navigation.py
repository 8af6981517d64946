"""The keys that switch working screens: the app's F2 desk, F3 window, F4 captain, Ctrl+O sign out.

A screen that must not be left that way (intake and the rating: leaving would lose the
visit) binds them to a no-op. The constant has its own module so that intake and the rating
screen it opens both read it from below, instead of the rating importing intake.
"""

from __future__ import annotations

NAVIGATION_KEYS = ("f2", "f3", "f4", "ctrl+o")
