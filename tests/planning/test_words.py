"""Every planning problem code has words in both languages, with the same placeholders; describe_plan fills them."""

from __future__ import annotations

import string

from planning.errors import PlanCode, PlanningError
from tui.central.plan_problems import PLAN_PROBLEM_WORDS, describe_plan
from tui.i18n import language


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_plan_code_has_words_in_both_languages() -> None:
    chinese = language("zh_CN")
    for code in PlanCode:
        english = PLAN_PROBLEM_WORDS[code]
        translated = chinese.t(english)
        assert english and translated != english, code
        assert _fields(translated) == _fields(english), code


def test_a_planning_problem_reads_in_chinese_outside_an_app_and_a_missing_param_as_an_ellipsis() -> None:
    assert describe_plan(PlanningError(PlanCode.DAY_OFF, van="V1", day="2026-12-08")) == "V1 在 2026-12-08 休息"
    assert describe_plan(PlanningError(PlanCode.NOT_IN_WEEK, day="2026-12-20")) == "2026-12-20 不在 …"
