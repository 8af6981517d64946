"""Every benchmark runs end to end at a tiny size, so none of them rots.

No timing is asserted here: the figures are for docs/benchmarks.md, where each is
set beside its floor and its goal.
"""

from __future__ import annotations

import importlib
import math

import pytest

from bench.__main__ import scripts
from bench.figures import Figure, parse, repeated
from devices.fonts import default_cjk_font
from tests.support.hall import require_chromium
from tests.support.mosquitto import require_mosquitto

# script → (tiny size, the figures it must print, needs mosquitto)
# Scripts that drive Debian's chromium, beside those that need mosquitto.
NEEDS_CHROMIUM = {"hall_board"}
EXPECTED = {
    "broker_throughput": (30, {"bus_throughput_mosquitto", "bus_throughput_embedded"}, True),
    # The certify-stamp figure needs a Chinese font; without one the script leaves it out.
    "camera_pipeline": (
        1,
        {"camera_document_ms", "camera_document_full_ms", "camera_id_photo_ms"}
        | ({"camera_document_certified_ms"} if default_cjk_font() else set()),
        False,
    ),
    "centre": (
        10,
        {"centre_ingest_rate", "centre_lag_p99", "centre_pg_month", "centre_status_year", "centre_evaluation_year"},
        True,
    ),
    "daemon_captures": (1, {"daemon_captures_rss"}, True),
    "daemon_rest": (1, {"daemon_rest_rss", "daemon_rest_cpu"}, True),
    "full_day": (
        6,
        {
            "full_day_key_printed_quiet_p50",
            "full_day_key_printed_peak_p50",
            "full_day_key_printed_peak_p99",
            "full_day_cpu_desk",
            "full_day_cpu_window_1",
            "full_day_rss_desk",
            "full_day_rss_window_1",
            "full_day_rss_window_2",
            "full_day_rss_daemon",
            "full_day_rss_mosquitto",
            "full_day_daemon_captures",
        },
        True,
    ),
    "hall_board": (2, {"hall_board_shown_p50", "hall_board_shown_p99"}, False),
    "hall_fanout": (5, {"hall_fanout_rss", "hall_fanout_cpu", "hall_fanout_p99"}, False),
    "hall_page_weight": (1, {"hall_page_weight_board", "hall_page_weight_phone", "hall_page_weight_tablet"}, False),
    "idreader_latency": (
        5,
        {
            "idreader_latency_p50",
            "idreader_latency_p99",
            "idreader_latency_p50_mosquitto",
            "idreader_latency_p99_mosquitto",
        },
        True,
    ),
    "intake_fill": (2, {"intake_fill_p50", "intake_fill_p99"}, False),
    "plan_draft": (2, {"plan_draft_2_vans", "plan_draft_4_vans"}, False),
    "print_latency": (
        5,
        {
            "print_latency_p50",
            "print_latency_p99",
            "print_result_p50",
            "print_result_p99",
            "print_latency_p50_mosquitto",
            "print_latency_p99_mosquitto",
            "print_result_p50_mosquitto",
            "print_result_p99_mosquitto",
        },
        True,
    ),
    "scan_burst": (
        20,
        {
            "scan_burst_delivered",
            "scan_burst_seconds",
            "scan_burst_delivered_mosquitto",
            "scan_burst_seconds_mosquitto",
        },
        True,
    ),
    "encryption": (
        400,
        {
            "encrypted_issue_ticket_p99",
            "encrypted_issue_ticket_p99_same_build",
            "encrypted_shift_summary",
            "encrypted_shift_summary_same_build",
        },
        False,
    ),
    "store": (
        400,
        {
            "store_issue_ticket_p50",
            "store_issue_ticket_p99",
            "store_shift_summary",
            "store_evaluation_year",
            "store_trips_page",
        },
        False,
    ),
    "ticket_bytes": (1, {"ticket_bytes", "ticket_serial_ms"}, False),
    "tui_start": (1, {"tui_start"}, False),
}


def test_every_script_is_covered() -> None:
    assert {path.stem for path in scripts()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_benchmark_prints_its_figures(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    size, names, needs_mosquitto = EXPECTED[name]
    if needs_mosquitto:
        require_mosquitto()
    if name in NEEDS_CHROMIUM:
        require_chromium()
    importlib.import_module(f"bench.{name}").main(size)
    figures = {figure.name: figure for figure in parse(capsys.readouterr().out)}
    assert set(figures) == names
    for figure in figures.values():
        assert math.isfinite(figure.value) and figure.value >= 0
        assert figure.floor is not None and figure.floor_label, f"{figure.name} has no floor"
        assert (figure.goal is None) == (figure.met is None), f"{figure.name}: a goal needs a verdict"
        if figure.met is False:
            assert figure.note, f"{figure.name} missed its goal without saying why"


def _figure(value: float, met: bool | None) -> Figure:
    return Figure("print_p99", "print p99", value, "ms", floor=1.0, floor_label="one hop", goal="≤ 30 ms", met=met)


def test_a_repeated_figure_is_its_median_and_range_and_unstable_when_it_crosses_its_goal() -> None:
    (stable,) = repeated([[_figure(3.0, True)], [_figure(10.0, True)], [_figure(4.0, True)]])
    assert (stable.value, stable.low, stable.high, stable.verdict) == (4.0, 3.0, 10.0, "met")
    (crossing,) = repeated([[_figure(20.0, True)], [_figure(40.0, False)], [_figure(25.0, True)]])
    assert crossing.verdict == "unstable"
    (missed,) = repeated([[_figure(40.0, False)], [_figure(50.0, False)]])
    assert missed.verdict == "missed"
    (no_goal,) = repeated([[_figure(1.0, None)]])
    assert no_goal.verdict is None
