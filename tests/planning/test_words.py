"""Every planning problem code has words in both languages, with the params its raisers pass."""

from __future__ import annotations

import string

from planning.errors import PlanCode
from tui.strings import STRINGS


def test_every_plan_code_has_words_in_both_languages() -> None:
    for code in PlanCode:
        chinese, english = STRINGS[f"plan.problem.{code.value}"]
        assert chinese and english
        fields = {name for _, name, _, _ in string.Formatter().parse(chinese) if name}
        assert fields == {name for _, name, _, _ in string.Formatter().parse(english) if name}, code
