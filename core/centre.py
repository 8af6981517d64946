"""The van ↔ centre envelope (CONTRACT.md v2): what `govan sync` and `govan central` both speak.

Every message on `{prefix}/{van_id}/central/up` or `/central/down` is a UTF-8 JSON object
`{"msg_id": uuid, "kind": str, "at": time, "body": {...}}`. Each side acknowledges what it
has durably stored, by msg_id, with an `ack` message of its own; an `ack` is never
acknowledged (a lost one only makes the other side resend, and storing is idempotent).
The kinds and their bodies are in docs/contract-additions.md.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = [
    "ACK",
    "DOWN_KINDS",
    "HEARTBEAT",
    "UP_KINDS",
    "Envelope",
    "EnvelopeError",
    "ack",
    "down_topic",
    "new_msg_id",
    "parse",
    "up_topic",
    "van_of",
]

ACK = "ack"
HEARTBEAT = "heartbeat"
# What a van sends up. Case kinds carry their outcome; case.accepted carries the materials and files.
UP_KINDS = frozenset(
    {
        ACK,
        HEARTBEAT,
        "case.accepted",
        "case.outcome",
        "case.delivered",
        "trip.summary",
        "rating",
        "followup",
        "suggestion",
        "incident",
        "booking.request",
        "audit.view",
    }
)
# What the centre sends down: receipts of the back office and where a mailed result is; the van's week
# plan, and bookings made or confirmed by the dispatcher (planning/).
DOWN_KINDS = frozenset({ACK, "case.receipt", "case.tracking", "plan.week", "booking.confirmed", "booking.cancelled"})

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_VAN = re.compile(r"[a-z0-9-]{1,32}")
# A message carries at most this much (base64 attachments included); a broker must allow it.
MAX_BYTES = 64 * 1024 * 1024


class EnvelopeError(ValueError):
    """A payload that is not a well-formed envelope; the message names what is wrong (never its content)."""


@dataclass(frozen=True)
class Envelope:
    msg_id: str
    kind: str
    at: str
    body: dict[str, Any]

    def encode(self) -> bytes:
        return json.dumps(
            {"msg_id": self.msg_id, "kind": self.kind, "at": self.at, "body": self.body},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()


def new_msg_id() -> str:
    return str(uuid.uuid4())


def ack(msg_ids: list[str], at: str) -> Envelope:
    """One acknowledgement for several messages: `{"acks": [msg_id, …]}`."""
    return Envelope(new_msg_id(), ACK, at, {"acks": list(msg_ids)})


def parse(payload: bytes, kinds: frozenset[str]) -> Envelope:
    """The envelope in a payload, or EnvelopeError naming the first problem."""
    if len(payload) > MAX_BYTES:
        raise EnvelopeError(f"payload of {len(payload)} bytes is over the limit of {MAX_BYTES}")
    try:
        data = json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError:
        raise EnvelopeError("payload is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise EnvelopeError(f"payload is not JSON ({error.msg} at {error.pos})") from None
    if not isinstance(data, dict):
        raise EnvelopeError("payload is not a JSON object")
    missing = [key for key in ("msg_id", "kind", "at", "body") if key not in data]
    if missing:
        raise EnvelopeError(f"missing {', '.join(missing)}")
    msg_id, kind, at, body = data["msg_id"], data["kind"], data["at"], data["body"]
    if not isinstance(msg_id, str) or not _UUID.fullmatch(msg_id):
        raise EnvelopeError("msg_id is not a lower-case UUID")
    if kind not in kinds:
        raise EnvelopeError(f"unknown kind {str(kind)[:40]!r}")
    if not isinstance(at, str):
        raise EnvelopeError("at is not a time")
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        raise EnvelopeError("at is not an ISO-8601 time") from None
    if moment.utcoffset() is None:
        raise EnvelopeError("at has no UTC offset")
    if not isinstance(body, dict):
        raise EnvelopeError("body is not a JSON object")
    if kind == ACK:
        acks = body.get("acks")
        if not isinstance(acks, list) or not all(isinstance(item, str) and _UUID.fullmatch(item) for item in acks):
            raise EnvelopeError("an ack's body.acks is not a list of msg_ids")
    return Envelope(msg_id, kind, at, body)


def up_topic(prefix: str, van_id: str) -> str:
    return f"{prefix}/{van_id}/central/up"


def down_topic(prefix: str, van_id: str) -> str:
    return f"{prefix}/{van_id}/central/down"


def van_of(topic: str, prefix: str) -> str | None:
    """The van of a `{prefix}/{van_id}/central/up|down` topic, or None when it is no such topic."""
    head = prefix + "/"
    if not topic.startswith(head):
        return None
    parts = topic[len(head) :].split("/")
    if len(parts) != 3 or parts[1] != "central" or parts[2] not in ("up", "down") or not _VAN.fullmatch(parts[0]):
        return None
    return parts[0]
