"""Who may publish where: one rule set for the embedded broker and mosquitto's ACL file.

Topic filters are relative to the base `{topic_prefix}/{van_id}`.
"""

from __future__ import annotations

from collections.abc import Iterable

from daemon.credentials import DAEMON_USER

# The daemon reports: availability, device states, events and command results.
DAEMON_WRITES = ("daemon/state", "+/state", "+/error", "idreader/card", "scanner/scan", "+/result")
# Staff programs command devices, drive emulators and announce the queue.
TUI_WRITES = ("printer/print", "camera/capture", "+/test", "sim/#", "queue/#")
# Both may read everything under the base.
READS = ("#",)


def publish_rules(base: str, staff_users: Iterable[str]) -> dict[str, list[str]]:
    staff = [f"{base}/{topic}" for topic in TUI_WRITES]
    return {DAEMON_USER: [f"{base}/{topic}" for topic in DAEMON_WRITES], **{user: staff for user in staff_users}}


def read_rules(base: str, staff_users: Iterable[str]) -> dict[str, list[str]]:
    return {user: [f"{base}/{topic}" for topic in READS] for user in (DAEMON_USER, *staff_users)}
