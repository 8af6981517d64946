"""Who may publish where: one rule set for the embedded broker and mosquitto's ACL file.

Topic filters are relative to the base `{topic_prefix}/{van_id}`.
"""

from __future__ import annotations

from collections.abc import Iterable

from daemon.credentials import CENTRAL_USER, DAEMON_USER, SUPPORT_USER, SYNC_USER

# The daemon reports: availability, device states, events (on the contract's topics and, for the
# terminal holding the device, on that terminal's own), command results and who holds what.
DAEMON_WRITES = (
    "daemon/state",
    "+/state",
    "+/error",
    "+/card",
    "+/scan",
    "terminal/+/+/card",
    "terminal/+/+/scan",
    "+/result",
    "+/holder",
)
# Staff programs command devices, claim readers and scanners, drive emulators and announce the queue.
TUI_WRITES = ("printer/print", "camera/capture", "speaker/say", "+/test", "+/claim", "+/release", "sim/#", "queue/#")
# The daemon, and support tools (govan rig), read everything under the base.
DAEMON_READS = ("#",)
# Staff programs read states, results, errors, holders and the queue; a card read or a scan only
# on their own terminal's topic (least privilege: another terminal's card is not theirs to see).
# The contract's B/{device}/card and B/{device}/scan are for the daemon's user alone.
STAFF_READS = ("+/state", "+/result", "+/error", "+/holder", "queue/#")
# `govan sync` sends up and reads what comes down; `govan central` (on this broker only in the demo) the reverse.
CENTRAL_UP = "central/up"
CENTRAL_DOWN = "central/down"


def presence_of(user: str) -> str:
    """The one presence topic a staff user may write: its own (mosquitto's %u, spelt out per user,
    since the embedded broker's ACL has no patterns)."""
    return f"terminal/{user}/state"


def events_of(user: str) -> str:
    """The card reads and scans a staff user may read: those for its own terminal."""
    return f"terminal/{user}/+/+"


def publish_rules(base: str, staff_users: Iterable[str]) -> dict[str, list[str]]:
    rules = {
        DAEMON_USER: [f"{base}/{topic}" for topic in DAEMON_WRITES],
        SYNC_USER: [f"{base}/{CENTRAL_UP}"],
        CENTRAL_USER: [f"{base.rpartition('/')[0]}/+/{CENTRAL_DOWN}"],
    }
    for user in staff_users:
        rules[user] = [f"{base}/{topic}" for topic in (*TUI_WRITES, presence_of(user))]
    rules[SUPPORT_USER] = [f"{base}/{topic}" for topic in TUI_WRITES]
    return rules


def read_rules(base: str, staff_users: Iterable[str]) -> dict[str, list[str]]:
    rules = {user: [f"{base}/{topic}" for topic in DAEMON_READS] for user in (DAEMON_USER, SUPPORT_USER)}
    for user in staff_users:
        rules[user] = [f"{base}/{topic}" for topic in (*STAFF_READS, events_of(user))]
    rules[SYNC_USER] = [f"{base}/{CENTRAL_DOWN}"]
    # The centre subscribes to every van's up topic with one filter ({prefix}/+/central/up).
    rules[CENTRAL_USER] = [f"{base.rpartition('/')[0]}/+/{CENTRAL_UP}"]
    return rules
