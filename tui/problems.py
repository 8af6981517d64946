"""Problems in words: the one way a view turns a core.problems.Problem into text for staff.

The words are in tui/strings/problems.py, keyed "problem.<code>", with the problem's
params as placeholders; a test checks every code has them in both languages.
"""

from __future__ import annotations

from core.problems import Problem
from tui.i18n import t

__all__ = ["describe"]


def describe(problem: Problem) -> str:
    """The problem in the staff's language, e.g. 行程 #2 不在进行中."""
    return t(f"problem.{problem.code.value}", **problem.params)
