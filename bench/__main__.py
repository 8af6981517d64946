"""`make bench` (python -m bench): run every benchmark and write docs/benchmarks.md.

Each script runs in its own process, one after another, so they do not disturb
each other; what they print goes to the terminal as it comes. A script that fails
is reported in the file, not hidden.

Every script runs REPEATS times (`python -m bench --repeat N`): a figure is reported as its
median with the range it moved in, and one that met its goal in some runs and missed it in
others is "unstable", not met.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.figures import Figure, Repeated, parse, repeated

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
NOT_SCRIPTS = {"__init__.py", "__main__.py", "figures.py", "van.py", "hall_van.py"}
SCRIPT_TIMEOUT_S = 300
# Scripts that build a large data set first (a year of a fleet) may take longer.
LONGER_TIMEOUT_S = {"centre.py": 900, "full_day.py": 900}
REPEATS = 3


def scripts() -> list[Path]:
    return sorted(path for path in BENCH.glob("*.py") if path.name not in NOT_SCRIPTS)


def run(script: Path) -> tuple[list[Figure], str | None, float]:
    """The script's figures, an error line if it failed, and how long it took."""
    started = time.monotonic()
    lines: list[str] = []
    try:
        process = subprocess.Popen(
            [sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert process.stdout is not None
        for line in process.stdout:
            print(f"  {line}", end="", flush=True)
            lines.append(line)
        process.wait(LONGER_TIMEOUT_S.get(script.name, SCRIPT_TIMEOUT_S))
    except subprocess.TimeoutExpired:
        process.kill()
        timeout = LONGER_TIMEOUT_S.get(script.name, SCRIPT_TIMEOUT_S)
        return parse("".join(lines)), f"timed out after {timeout} s", time.monotonic() - started
    error = (
        None
        if process.returncode == 0
        else f"exited with status {process.returncode}: {lines[-1].strip() if lines else ''}"
    )
    return parse("".join(lines)), error, time.monotonic() - started


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    return (
        f"{os.cpu_count()} cores, {model}; Python {platform.python_version()}; {platform.system()} {platform.release()}"
    )


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"


STATUS = {None: "—", "met": "met", "missed": "**MISSED**", "unstable": "**unstable**"}


def _measured(result: Repeated) -> str:
    unit = result.figure.unit
    if len(result.runs) == 1 or result.low == result.high:
        return f"{_number(result.value)} {unit}"
    return f"{_number(result.value)} {unit} ({_number(result.low)}–{_number(result.high)})"


def markdown(results: dict[str, tuple[list[Repeated], str | None, float]], total_s: float, repeats: int) -> str:
    rows, misses, notes, failures = [], [], [], []
    for script, (figures, error, _) in results.items():
        if error:
            failures.append(f"- `bench/{script}` {error}.")
        for result in figures:
            figure = result.figure
            floor = f"{_number(result.floor)} {figure.unit} ({figure.floor_label})" if result.floor is not None else "—"
            ratio = f"{result.ratio:.2f}×" if result.ratio is not None else "—"
            rows.append(
                f"| {figure.label} | {figure.goal or '—'} | {_measured(result)} | {floor} "
                f"| {ratio} | {STATUS[result.verdict]} |"
            )
            note = figure.note[:1].upper() + figure.note[1:]
            if result.verdict in ("missed", "unstable"):
                how = "against" if result.verdict == "missed" else "moving across"
                misses.append(f"- **{figure.label}**: {_measured(result)} {how} a goal of {figure.goal}. {note}")
            elif note:
                notes.append(f"- **{figure.label}**: {note}")
    parts = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`); do not edit by hand. Each figure is measured beside its "
        "floor: the best the same machine does in the same run without our code in the way. "
        "The ratio is measured ÷ floor.",
        "",
        f"- **Machine:** {machine()}",
        f"- **Run:** {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, {total_s / 60:.1f} minutes in all",
        f"- **Repeats:** every script ran {repeats} times; a figure is its median, with the range it moved in "
        "(min–max). One that met its goal in some runs and missed it in others is **unstable**, not met.",
        "",
        "| figure | goal | measured | floor (same run) | ratio | status |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
    ]
    if misses:
        parts += ["## Missed and unstable goals", "", *misses, ""]
    if notes:
        parts += ["## Notes", "", *notes, ""]
    if failures:
        parts += ["## Scripts that failed", "", *failures, ""]
    parts += ["## The scripts", "", *(f"- `bench/{name}`" for name in results), ""]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run every benchmark into docs/benchmarks.md.")
    parser.add_argument("--repeat", type=int, default=REPEATS, help=f"runs of each script (default {REPEATS})")
    parser.add_argument("only", nargs="*", help="script names to run (default: all)")
    args = parser.parse_args(argv)
    chosen = [script for script in scripts() if not args.only or script.stem in args.only]
    results: dict[str, tuple[list[Repeated], str | None, float]] = {}
    started = time.monotonic()
    for script in chosen:
        runs, errors, spent = [], [], 0.0
        for number in range(1, args.repeat + 1):
            print(f"== bench/{script.name} (run {number} of {args.repeat})", flush=True)
            figures, error, seconds = run(script)
            runs.append(figures)
            spent += seconds
            if error:
                errors.append(error)
        results[script.name] = (repeated(runs), errors[0] if errors else None, spent)
    total = time.monotonic() - started
    output = ROOT / "docs" / "benchmarks.md"
    output.write_text(markdown(results, total, args.repeat), encoding="utf-8")
    print(f"wrote {output.relative_to(ROOT)} in {total / 60:.1f} minutes")
    return 1 if any(error for _, error, _ in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
