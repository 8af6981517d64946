"""The exported shift summary in the language asked for: Markdown for people, the CSV's names.

The trip is the hand-worked shift of tests/db/test_metrics (its docstring has the table): 办成率
6/8 = 75.0% (queue A 80.0%), 满意率 5/7 = 71.4%, waits median 6.0 min; A004's anonymous 差评
is open, due 2026-11-27. The printer ran out of paper at 09:10 (the daemon's code) and the
scanner sent a garbled frame (free text, no code: data).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from core.problems import Code, Problem
from db import incidents, report
from flows.summary import TripReport, to_dict
from tests.db.support import at, build_van, open_van
from tests.db.test_metrics import run_shift
from tests.tui.test_language_walk import _data_texts, leaks
from tui.i18n import language
from tui.summary_export import csv_text, markdown, render


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("export") / "govan.db"
    build_van(path)
    van = open_van(path)
    run_shift(van)
    opened = van.db
    paper_out = Problem(Code.PRINTER_PAPER_OUT)
    incidents.record(opened, "printer", "state", state="error", problem=paper_out, at=at(10).isoformat())
    incidents.record(opened, "printer", "state", state="ready", at=at(12).isoformat())
    incidents.record(opened, "scanner", "error", detail="frame 0x1f", at=at(15).isoformat())
    report.set_notes(opened, 1, "一切正常", staff_id=van.captain)
    yield opened
    opened.close()


def built(store: Database, minute: int = 60) -> TripReport:
    return report.build(store, 1, now=at(minute))


def line_starting(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


def test_markdown_in_chinese_has_the_figures_and_no_english(store: Database) -> None:
    text = markdown(built(store), language("zh_CN"))
    assert text.startswith("# 出车工作汇总：新城社区党群服务中心 · 2026-11-20\n")
    assert line_starting(text, "| 办成率 |").split(" | ")[1:3] == ["75.0%", "80.0%"]  # overall, then queue A
    assert line_starting(text, "| 等候中位 |").split(" | ")[1] == "6.0 分"
    assert "| 满意率 | 71.4% |" in text
    assert "| 指标 | 全部 | A 公安 | F 人力社保 |" in text
    assert "| A004 | 1 非常不满意 | 否 | 员工s3 | — | 2026-11-27 | 待回访 |" in text
    assert "- 希望增加周末服务" in text
    assert "| 09:10 | 打印机 | 故障 | 打印机缺纸 |" in text
    assert text.endswith("## 车长备注\n\n一切正常\n")
    # The garbled frame's free text is data; nothing else is in Latin letters.
    assert leaks(text.replace("frame 0x1f", ""), "zh_CN", []) == []


def test_markdown_in_english_has_no_chinese_but_names_and_data(store: Database) -> None:
    text = markdown(built(store), language("en"))
    assert text.startswith("# Trip summary: 新城社区党群服务中心 · 2026-11-20\n")
    assert line_starting(text, "| Completion |").split(" | ")[1:3] == ["75.0%", "80.0%"]
    assert line_starting(text, "| Wait median |").split(" | ")[1] == "6.0 min"
    assert "| A004 | 1 Very dissatisfied | no | 员工s3 | — | 2026-11-27 | open |" in text
    assert "| 09:10 | Printer | error | the printer is out of paper |" in text
    assert "| Figure | All | A Public Security | F HR and Social Security |" in text  # the catalogue's English names
    assert leaks(text, "en", _data_texts(store)) == []
    # The check would see a Chinese word of ours.
    assert leaks(text + "\n| 办成率 | 75.0% |", "en", _data_texts(store)) != []


def test_overdue_follow_ups_are_marked_in_either_language(store: Database) -> None:
    late = built(store, 8 * 24 * 60)  # Saturday 28 November
    assert markdown(late, language("zh_CN")).count("2026-11-27 **逾期**") == 2
    assert markdown(late, language("en")).count("2026-11-27 **overdue**") == 2


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_csv_parses_back_to_the_json_whatever_the_language(store: Database, locale: str) -> None:
    trip = built(store)
    rows = list(csv.DictReader(io.StringIO(csv_text(trip, language(locale)))))
    data = to_dict(trip)
    overall = {row["metric"]: row["value"] for row in rows if row["section"] == "overall"}
    assert set(overall) == set(data["overall"])
    for metric, value in data["overall"].items():
        assert overall[metric] == ("" if value is None else str(value)), metric
    incident = {row["metric"]: row["value"] for row in rows if row["section"] == "incident" and row["key"] == "1"}
    assert (incident["problem"], incident["params"], incident["state"]) == ("printer.paper_out", "{}", "error")
    names = {(row["section"], row["key"]): row["name"] for row in rows if row["section"] in ("ratings", "incident")}
    category = {row["key"]: row["name"] for row in rows if row["section"] == "category"}
    if locale == "zh_CN":
        assert (names["ratings", "5"], names["ratings", "1"], names["incident", "1"]) == (
            "非常满意",
            "非常不满意",
            "打印机",
        )
        assert category["A"] == "公安"
    else:
        assert (names["ratings", "5"], names["incident", "3"]) == ("Very satisfied", "Scanner")
        assert category["A"] == "Public Security"


def test_the_csvs_codes_are_the_same_in_both_languages(store: Database) -> None:
    """Only the `name` column changes with the language: section, key, metric and value stay put."""
    trip = built(store)

    def codes(locale: str) -> list[tuple[str, ...]]:
        rows = csv.DictReader(io.StringIO(csv_text(trip, language(locale))))
        return [(row["section"], row["key"], row["metric"], row["value"]) for row in rows]

    assert codes("zh_CN") == codes("en")


def test_json_has_no_words_of_either_language(store: Database) -> None:
    trip = built(store)
    assert render(trip, "json", language("en")) == render(trip, "json", language("zh_CN"))
    with pytest.raises(ValueError, match="one of md, csv, json"):
        render(trip, "pdf", language("en"))  # type: ignore[arg-type]


def test_the_module_loads_no_textual(tmp_path: Path) -> None:
    """`govan summary` words the export without starting an app."""
    import subprocess
    import sys

    probe = "import sys, tui.summary_export; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "False"
