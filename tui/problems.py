"""Problems in words: the one way a view turns a core.problems.Problem into text for staff.

The words are in tui/strings/problems.py, keyed "problem.<code>", with the problem's
params as placeholders; a test checks every code has them in both languages.
"""

from __future__ import annotations

import logging

from core.problems import Param, Problem
from tui.i18n import t

__all__ = ["describe"]
log = logging.getLogger(__name__)


class _Params(dict[str, Param]):
    """A param the words need but the problem lacks (a daemon of another version) shows as "…", not a crash."""

    def __missing__(self, key: str) -> str:
        log.warning("problem words need a param the problem does not carry: %s", key)
        return "…"


def describe(problem: Problem) -> str:
    """The problem in the staff's language, e.g. 行程 #2 不在进行中."""
    return t(f"problem.{problem.code.value}").format_map(_Params(problem.params))
