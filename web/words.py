"""The words of govan web's pages. Citizens' pages are always Chinese (DESIGN.md, "Language").

Problems the web can meet are translated here, as tui/problems.py does for staff:
in a citizen's terms, with what to do.
"""

from __future__ import annotations

from core.problems import Code, Problem

__all__ = ["LEVELS", "TITLE", "describe"]

TITLE = "龙港市流动政务客厅"
# 好差评 levels as GB/T 39735 names them, best first (flows.rating.SCORES).
LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}

_PROBLEMS: dict[Code, str] = {
    Code.HALL_TOKEN_UNKNOWN: "没有找到这张号票。请核对号票上的二维码，或向工作人员咨询。",
    Code.HALL_TOKEN_EXPIRED: "号票 {ticket} 已过期：本站服务已结束。",
    Code.HALL_RATING_NOT_OFFERED: "{ticket} 办理结束后才能评价。",
    Code.HALL_RATING_GIVEN: "{ticket} 已经评价过了，感谢您的评价。",
    Code.HALL_NO_VISIT_AT_WINDOW: "{window}号窗口当前没有可以评价的办理。",
    Code.RATING_ALREADY_RATED: "{ticket} 已经评价过了，感谢您的评价。",
    Code.STORE_NOT_IN_RANGE: "请选择一个评价等级。",
    Code.STORE_TEXT_TOO_LONG: "意见最多 {limit} 个字。",
}
_OTHERWISE = "暂时无法提交，请稍后再试，或向工作人员反映。"


def describe(problem: Problem) -> str:
    """A problem in a citizen's words; one the pages do not expect gets a plain "try again"."""
    text = _PROBLEMS.get(problem.code)
    if text is None:
        return _OTHERWISE
    try:
        return text.format(**problem.params)
    except (KeyError, IndexError):
        return _OTHERWISE
