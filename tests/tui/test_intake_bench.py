"""bench/intake_fill.py runs end to end at a tiny size (its daemon in a child process) and prints
its figures. No timing is asserted: the figures are for docs/benchmarks.md."""

from __future__ import annotations

import pytest

from bench.figures import parse


def test_the_intake_benchmark_prints_its_figures_beside_the_raw_card_event(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import intake_fill

    intake_fill.main(2)
    figures = {figure.name: figure for figure in parse(capsys.readouterr().out)}
    assert set(figures) == {"intake_fill_p50", "intake_fill_p99"}
    for figure in figures.values():
        assert figure.unit == "ms" and figure.value > 0 and figure.floor > 0
    assert figures["intake_fill_p99"].goal == "≤ floor + 30 ms" and figures["intake_fill_p99"].met is not None
