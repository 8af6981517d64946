"""Logging for govan's processes: a rotating file in the data directory, and stderr for the daemon.

Personal data (names, ID numbers, addresses, photos) is never passed to a logger;
the tests check that a whole intake leaves none behind.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup(data_dir: Path, process: str, *, to_stderr: bool, level: int = logging.INFO) -> Path:
    """Send log records to data_dir/logs/<process>.log (and stderr if asked); returns the file."""
    directory = data_dir / "logs"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{process}.log"
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    ]
    if to_stderr:
        handlers.append(logging.StreamHandler())
    logging.basicConfig(level=level, format=FORMAT, handlers=handlers, force=True)
    for noisy in ("amqtt", "transitions", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path
