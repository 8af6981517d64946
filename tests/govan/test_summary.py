"""`govan summary --trip ID --format md|csv|json` on the hand-worked shift of tests/db/test_metrics.

By hand: tickets 10, served 8; 办成率 6/8; 满意率 5/7; 好评率 4/7; wait median 6 min,
p90 16.2 min; service median 6.5 min, p90 10.3 min; one named 差评, called back.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from govan import config as config_module
from govan.cli import main
from tests.db.support import build_van, open_van
from tests.db.test_metrics import run_shift
from tests.support.van import write_config

MIN = 60.0


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config whose data directory holds a store with the shift done."""
    directory = tmp_path_factory.mktemp("summary")
    path = write_config(directory)
    data = config_module.load(path).data_path
    data.mkdir(parents=True)
    build_van(data / "govan.db")
    van = open_van(data / "govan.db")
    run_shift(van)
    van.db.close()
    return path


def govan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govan", *args], capture_output=True, text=True, timeout=60)


def test_json_from_the_real_command_has_the_hand_computed_figures(config_path: Path) -> None:
    result = govan("summary", "--config", str(config_path), "--trip", "1", "--format", "json")
    assert (result.returncode, result.stderr) == (0, "")
    overall = json.loads(result.stdout)["overall"]
    assert (overall["tickets"], overall["served"], overall["cases"]) == (10, 8, 9)
    assert overall["completion_rate"] == pytest.approx(6 / 8)
    assert overall["satisfaction_rate"] == pytest.approx(5 / 7)
    assert overall["praise_rate"] == pytest.approx(4 / 7)
    assert overall["named_bad_callback_rate"] == 1.0
    assert (overall["wait_median_s"], overall["wait_p90_s"]) == (pytest.approx(6 * MIN), pytest.approx(16.2 * MIN))
    assert overall["service_median_s"] == pytest.approx(6.5 * MIN)
    assert overall["service_p90_s"] == pytest.approx(10.3 * MIN)


def test_csv_parses_back_with_the_csv_module(config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", "--config", str(config_path), "--trip", "1", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    overall = {row["metric"]: row["value"] for row in rows if row["section"] == "overall"}
    assert (overall["tickets"], overall["served"], overall["not_done"]) == ("10", "8", "2")
    assert float(overall["completion_rate"]) == pytest.approx(0.75)
    assert float(overall["wait_p90_s"]) == pytest.approx(16.2 * MIN)
    trip = {row["metric"]: row["value"] for row in rows if row["section"] == "trip"}
    assert (trip["stop"], trip["date"], trip["status"]) == ("新城社区党群服务中心", "2026-11-20", "open")


def test_markdown_is_the_default_in_the_configured_language(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summary", "--config", str(config_path), "--trip", "1"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# 出车工作汇总：")
    assert "| 办成率 | 75.0% |" in text
    assert "| 好评率 | 57.1% |" in text
    assert "Trip summary" not in text and "rate" not in text


def test_lang_chooses_the_language_of_the_words(config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", "--config", str(config_path), "--trip", "1", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# Trip summary: 新城社区党群服务中心 · 2026-11-20")
    assert "| Completion | 75.0% |" in text and "办成率" not in text
    assert main(["summary", "--config", str(config_path), "--trip", "1", "--format", "csv", "--lang", "en"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {row["key"]: row["name"] for row in rows if row["section"] == "ratings"}["5"] == "Very satisfied"
    english = config_path.parent / "english.toml"
    configured = config_path.read_text(encoding="utf-8")
    assert '\nlocale = "zh_CN"\n' in configured
    english.write_text(configured.replace('\nlocale = "zh_CN"\n', '\nlocale = "en"\n'), encoding="utf-8")
    assert main(["summary", "--config", str(english), "--trip", "1"]) == 0
    assert capsys.readouterr().out.startswith("# Trip summary:")
    bad = govan("summary", "--config", str(config_path), "--trip", "1", "--lang", "fr")
    assert bad.returncode == 2 and "fr" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_problems_are_one_line_and_exit_non_zero(config_path: Path, tmp_path: Path) -> None:
    missing = govan("summary", "--config", str(config_path), "--trip", "99")
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr == "govan summary: trip.not_found (trip=99)\n"
    bad_format = govan("summary", "--config", str(config_path), "--trip", "1", "--format", "pdf")
    assert bad_format.returncode == 2 and len(bad_format.stderr.strip().splitlines()) == 1
    assert "pdf" in bad_format.stderr
    no_trip = govan("summary", "--config", str(config_path))
    assert no_trip.returncode == 2 and "--trip" in no_trip.stderr
    empty = write_config(tmp_path)
    no_store = govan("summary", "--config", str(empty), "--trip", "1")
    assert no_store.returncode == 2 and len(no_store.stderr.strip().splitlines()) == 1
    assert "run `govan init` first" in no_store.stderr
