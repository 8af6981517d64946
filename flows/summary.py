"""A trip's summary (汇总工作情况): built from the store, printed short, exported in full.

While the trip is open, the figures so far; after the close, the trip as it ended (follow-ups
keep moving). The view builds the receipt's and the export files' words (in the language it
chooses); printing and writing the files are here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.problems import Code, Problem
from daemon.messages import Document
from db import report, report_export
from db.report import CrewLine, TripReport
from db.report_export import FORMATS, CsvNames, Format, to_csv, to_dict, to_json
from flows.printing import Printed, print_document
from flows.van import Van

__all__ = [
    "FORMATS",
    "CrewLine",
    "CsvNames",
    "Format",
    "Printed",
    "Renderer",
    "TripReport",
    "TripSummary",
    "exports_dir",
    "to_csv",
    "to_dict",
    "to_json",
]
# The view's words for one export format: the report as the text of that file.
Renderer = Callable[[TripReport, Format], str]


def exports_dir(van: Van) -> Path:
    """Where summaries and evaluations are written: data_dir/exports/."""
    return van.config.data_path / "exports"


class TripSummary:
    def __init__(self, van: Van, trip_id: int) -> None:
        self.van = van
        self.trip_id = trip_id
        self.report: TripReport = report.build(van.store, trip_id, tz=van.config.tz, now=van.now())

    async def print(self, document: Document) -> Printed | Problem:
        """The short version on the receipt printer."""
        return await print_document(self.van, document)

    def export(self, formats: tuple[Format, ...], render: Renderer) -> list[Path] | Problem:
        """Write the chosen formats, as `render` words them, under data_dir/exports/."""
        directory = exports_dir(self.van)
        try:
            return [report_export.write(self.report, directory, fmt, render(self.report, fmt)) for fmt in formats]
        except OSError as error:  # the report is built already: only writing the files can fail
            return Problem(Code.EXPORT_FAILED, {"folder": str(directory), "reason": error.strerror or ""})
