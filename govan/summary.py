"""`govan summary --trip ID --format md|csv|json [--lang zh_CN|en]`: the captain's shift summary, headless.

It reads the store as it stands: for an open trip the figures so far, for a closed
one the same summary the TUI shows (follow-ups keep moving after the close; the copy
sent to the back office at the close is in the outbox). No Textual, no MQTT. Markdown
and the CSV's names are in `--lang`, by default the configured `locale`; JSON has codes.
"""

from __future__ import annotations

import sys
from typing import Literal, TextIO

from db import report
from db.connection import open_store
from db.errors import StoreError
from govan.config import Config
from tui.i18n import language
from tui.summary_export import render

EXIT_PROBLEM = 2


def run_summary(
    config: Config, trip_id: int, fmt: str, *, lang: Literal["zh_CN", "en"] | None = None, out: TextIO | None = None
) -> int:
    out = out or sys.stdout
    words = language(lang or config.locale)
    if not config.database_path.exists():
        print(f"govan summary: no database at {config.database_path}; run `govan init` first", file=sys.stderr)
        return EXIT_PROBLEM
    try:
        store = open_store(config.database_path)
    except StoreError as error:
        print(f"govan summary: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    try:
        text = render(report.build(store, trip_id, tz=config.tz), fmt, words)  # type: ignore[arg-type]
    except StoreError as error:
        print(f"govan summary: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    finally:
        store.close()
    out.write(text)
    out.flush()
    return 0
