"""What `govan rig` finds, as it prints it for a person over SSH and as the JUnit XML a CI system reads.

`Check` lives here rather than in govan.rig, which makes the checks: the report needs only
the result, and govan.rig imports the report.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool | None  # None: skipped
    detail: str
    seconds: float = 0.0

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "SKIP"}[self.passed]


def table(checks: Sequence[Check], heading: str) -> str:
    width = max((len(check.name) for check in checks), default=10)
    lines = [heading]
    lines += [f" {check.verdict}  {check.name:<{width}}  {check.detail}" for check in checks]
    passed = sum(check.passed is True for check in checks)
    failed = sum(check.passed is False for check in checks)
    skipped = sum(check.passed is None for check in checks)
    lines.append(f"{len(checks)} checks: {passed} passed, {failed} failed, {skipped} skipped")
    return "\n".join(lines)


def write_junit(checks: Sequence[Check], path: Path, *, suite: str) -> None:
    root = ET.Element("testsuites")
    element = ET.SubElement(
        root,
        "testsuite",
        name=suite,
        tests=str(len(checks)),
        failures=str(sum(check.passed is False for check in checks)),
        skipped=str(sum(check.passed is None for check in checks)),
        time=f"{sum(check.seconds for check in checks):.3f}",
    )
    for check in checks:
        device, _, name = check.name.rpartition(".")
        case = ET.SubElement(
            element, "testcase", classname=f"govan.rig.{device or 'van'}", name=name, time=f"{check.seconds:.3f}"
        )
        if check.passed is False:
            ET.SubElement(case, "failure", message=check.detail).text = check.detail
        elif check.passed is None:
            ET.SubElement(case, "skipped", message=check.detail)
        else:
            ET.SubElement(case, "system-out").text = check.detail
    ET.indent(root)
    path.write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n")
