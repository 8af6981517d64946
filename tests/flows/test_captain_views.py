"""What the captain's views need from below: the live figures, a summary printed and exported, the evaluation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from core.problems import Code, Problem
from daemon.messages import CutBlock, Document, TextBlock
from db import staff, tickets
from flows.captain import TripWatch
from flows.evaluation import EvaluationFlow, parse_period
from flows.printing import Printed
from flows.summary import TripSummary, exports_dir
from tests.flows.support import flow_van


def test_periods_read_as_people_type_them() -> None:
    assert parse_period("2026-11-01 2026-11-30") == (date(2026, 11, 1), date(2026, 11, 30))
    assert parse_period("2026-11-05") == (date(2026, 11, 5),) * 2
    assert parse_period("2026-11-01~2026-11-02") is not None
    assert parse_period("yesterday") is None and parse_period("2026-11-02 2026-11-01") is None


async def test_the_live_trip_the_summary_and_the_evaluation(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        captain = staff.get_staff(fv.van.store, fv.staff_id("c01"))
        tickets.issue_ticket(fv.van.store, fv.demo.trip_id, category="A")
        watch = TripWatch(fv.van, captain)
        live = watch.live()
        assert live is not None and live.trip.id == fv.demo.trip_id and live.summary.overall.tickets == 1
        assert watch.add_suggestion(fv.demo.trip_id, "希望周末也来") is None
        assert watch.live().summary.suggestions == 1  # type: ignore[union-attr]
        assert watch.add_suggestion(fv.demo.trip_id, " ") == Problem(Code.SUGGESTION_EMPTY)

        summary = TripSummary(fv.van, fv.demo.trip_id)
        printed = await summary.print(Document(blocks=[TextBlock(text="出车工作汇总"), CutBlock()]))
        assert isinstance(printed, Printed) and len(fv.receipts) == 1
        # The words are the view's: the flow writes what it is given, one file per format.
        paths = summary.export(("md", "json"), lambda report, fmt: f"{fmt} of trip {report.trip_id}")
        assert not isinstance(paths, Problem) and [path.parent for path in paths] == [exports_dir(fv.van)] * 2
        assert [path.read_text(encoding="utf-8") for path in paths] == [
            f"md of trip {fv.demo.trip_id}",
            f"json of trip {fv.demo.trip_id}",
        ]
        # Where the exports should go stands a file: the problem names the folder, never a traceback.
        for path in exports_dir(fv.van).iterdir():
            path.unlink()
        exports_dir(fv.van).rmdir()
        exports_dir(fv.van).write_text("")
        refused = summary.export(("csv",), lambda report, fmt: "")
        assert isinstance(refused, Problem) and refused.code is Code.EXPORT_FAILED
        assert refused.params["folder"] == str(exports_dir(fv.van))

        evaluation = EvaluationFlow(fv.van)
        assert evaluation.refresh() is None and evaluation.by == "staff"
        assert evaluation.set_period("2026-12-31 2026-12-01") == Problem(Code.EVALUATION_PERIOD)
        assert evaluation.switch() is None and evaluation.by == "department"
        assert isinstance(evaluation.export(lambda e: e.name), Problem)  # the same file in the way
