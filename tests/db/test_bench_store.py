"""bench/store.py runs end to end at a tiny size and prints its machine-readable figures.

No timing is asserted: the figures are for docs/benchmarks.md, not for pass or fail.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "store.py"


def test_the_store_benchmark_prints_every_figure_with_its_floor(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("bench_store", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(400)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("FIGURE ")]
    figures = {figure["name"]: figure for figure in (json.loads(line[len("FIGURE "):]) for line in lines)}
    assert set(figures) == {"store_issue_ticket_p50", "store_issue_ticket_p99", "store_shift_summary",
                            "store_evaluation_year"}
    for figure in figures.values():
        assert figure["unit"] == "ms" and figure["value"] > 0 and figure["floor"] > 0
    assert figures["store_shift_summary"]["goal"] == "≤ 50 ms"
    assert figures["store_evaluation_year"]["goal"] == "≤ 500 ms"
