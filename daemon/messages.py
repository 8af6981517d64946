"""The message contract (CONTRACT.md, "MQTT"): typed payloads with validation.

Payloads are UTF-8 JSON objects. Decoding never raises anything but MessageError,
so a bad payload becomes an error result or a log line, never a crash.

Device states, error events and failed results carry, beside the contract's English
`detail`, an optional `problem`: a `core.problems.Problem` (code and params) for the views
to translate (docs/contract-additions.md).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Annotated, Any, Literal, TypeVar

import msgspec

from core.devices import DEVICES, DeviceStateName
from core.problems import Code, Problem
from devices.printer.document import (
    BarcodeBlock,
    Block,
    CutBlock,
    Document,
    FeedBlock,
    ImageBlock,
    QrBlock,
    RuleBlock,
    TextBlock,
)

__all__ = [
    "BarcodeBlock",
    "Block",
    "CaptureCommand",
    "CardEvent",
    "Certify",
    "ClaimCommand",
    "CutBlock",
    "DaemonState",
    "DeviceError",
    "DeviceState",
    "Document",
    "ErrorEvent",
    "FeedBlock",
    "Holder",
    "ImageBlock",
    "JobResult",
    "MessageError",
    "PaperControl",
    "PrintCommand",
    "QrBlock",
    "QueueBoard",
    "QueueEvent",
    "QueueTicket",
    "QueueTrip",
    "ReleaseCommand",
    "RuleBlock",
    "ScanControl",
    "SayCommand",
    "ScanEvent",
    "SelfTestCommand",
    "Status",
    "TerminalState",
    "TextBlock",
    "decode",
    "encode",
    "new_id",
    "now_iso",
]

# The largest message the contract needs is a print document with a logo, some 100 KB; a
# ticket is 1 KB. A larger payload is refused before it is parsed, so that what a publisher
# sends by mistake costs the daemon no more than this in decoded strings. (The printer's
# own limits, per text block and per metre of paper, are in devices.printer.encoder.)
MAX_PAYLOAD_BYTES = 2 * 1024 * 1024

JobId = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
# A terminal is its broker client id (a staff user such as "govan-tui-3"); a label is what other staff see.
TerminalId = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[^/+#]+$")]
Label = Annotated[str, msgspec.Meta(max_length=64)]


class MessageError(ValueError):
    """A payload that does not follow the contract; the message says how."""


class _Message(msgspec.Struct, kw_only=True, omit_defaults=True):
    pass


class DaemonState(_Message):
    state: Literal["online", "offline"]
    version: str | None = None
    since: str | None = None


class DeviceState(_Message):
    state: DeviceStateName
    detail: str
    driver: str
    since: str
    # The detail's code: always when the state is neither ready nor busy; then only for a warning.
    problem: Problem | None = None


class ErrorEvent(_Message):
    at: str
    detail: str
    problem: Problem | None = None


class CardEvent(_Message):
    """One card placed on the reader. Fields are trimmed of padding."""

    event_id: str
    at: str
    card_type: Literal["resident", "hk_mo_tw", "foreign_2017", "foreign_2023"]
    name: str
    sex: Literal["0", "1", "2", "9"]
    nation: str
    nation_name: str
    birth_date: str
    address: str
    id_number: str
    issuer: str
    valid_from: str
    valid_to: str
    id_number_valid: bool
    expired: bool
    photo_wlt: str
    # Fields of the HK/Macao/Taiwan and foreigners' cards keep their own names.
    name_en: str | None = None
    nationality: str | None = None
    permit_number: str | None = None
    issue_count: str | None = None
    card_version: str | None = None
    authority_code: str | None = None
    renewal_count: str | None = None
    previous_card: str | None = None
    # The terminal that held the reader when the card was read; absent (None) when nobody did.
    terminal: str | None = None


class ScanEvent(_Message):
    event_id: str
    at: str
    code: str
    symbology: str | None
    # The terminal that held the scanner when the code was read; absent (None) when nobody did.
    terminal: str | None = None


class TerminalState(_Message):
    """B/terminal/{terminal}/state, retained: a staff program's presence; its last will says offline."""

    state: Literal["online", "offline"]
    label: Label | None = None
    since: str | None = None


class Holder(msgspec.Struct, kw_only=True):
    """B/{device}/holder, retained: who holds a reader or scanner; every field null when nobody does."""

    terminal: str | None = None
    label: str | None = None
    since: str | None = None


class _Command(_Message):
    job_id: JobId
    # When the sender stops waiting for the result. A command still queued then (say, at the broker
    # for an offline daemon) is answered "expired" and not carried out: nobody would see its paper.
    expires_at: datetime | None = None


class PrintCommand(_Command, kw_only=True):
    document: Document
    copies: Annotated[int, msgspec.Meta(ge=1, le=10)] = 1


class Certify(_Message):
    staff: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    at: str


class CaptureCommand(_Command, kw_only=True):
    mode: Literal["document", "id_photo"]
    certify: Certify | None = None


class SelfTestCommand(_Command):
    pass


# A call is one sentence; a longer text is refused before it is synthesised.
MAX_SAY_CHARS = 200


class SayCommand(_Command, kw_only=True):
    """B/speaker/say: say `text` `repeat` times, after a chime if `chime` (CONTRACT.md v2)."""

    text: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_SAY_CHARS)]
    repeat: Annotated[int, msgspec.Meta(ge=1, le=3)] = 1
    chime: bool = False


# How long a terminal waits for the daemon to answer a claim or a release.
CLAIM_TIMEOUT_S = 5.0


class ClaimCommand(_Command, kw_only=True):
    """B/{device}/claim: `terminal` wants the device's events; `take` takes it from another holder."""

    terminal: TerminalId
    label: Label
    take: bool = False


class ReleaseCommand(_Command, kw_only=True):
    terminal: TerminalId


class JobResult(_Message):
    """The one result of a command. Capture results also carry the file."""

    job_id: str
    state: Literal["done", "failed"]
    detail: str
    at: str
    # Why it failed, as a code; None when it is done.
    problem: Problem | None = None
    path: str | None = None
    sha256: str | None = None
    width: int | None = None
    height: int | None = None
    bytes: int | None = None
    warnings: list[str] | None = None


class JobIdOnly(msgspec.Struct):
    """Enough of a bad command to answer it."""

    job_id: JobId


class PaperControl(_Message):
    state: Literal["ok", "near_end", "out"]


class ScanControl(_Message):
    code: Annotated[str, msgspec.Meta(min_length=1)]
    # Optional extras for training and rigs: an AIM identifier typed before the code
    # (e.g. "]Q1"), and a fault the emulated scanner puts on the line instead of a clean code.
    aim: Annotated[str, msgspec.Meta(pattern=r"^\][A-Za-z][0-9A-Za-z]$")] | None = None
    fault: Literal["overlong", "invalid_utf8", "unterminated"] | None = None


class CameraFaultControl(_Message):
    fault: Literal["none", "fail", "hang"]


class QueueTicket(_Message):
    number: str
    category: str
    window: str | None


class QueueTrip(_Message):
    id: int
    status: Literal["planned", "open", "closed"]
    stop: str


class QueueEvent(_Message):
    """`ticket.*` events carry the ticket; `trip.opened`, `trip.closed` and `trip.crew_changed` the trip."""

    type: str
    at: str
    ticket: QueueTicket | None = None
    trip: QueueTrip | None = None


class BoardCall(_Message):
    number: str
    window: str
    at: str


class QueueBoard(_Message):
    calling: list[BoardCall]
    waiting: dict[str, int]
    # The last calls, done or not, newest first, so a person who missed a call can check.
    recent: list[BoardCall] = msgspec.field(default_factory=list)
    # The trip it belongs to; a board from a closed trip is not shown as today's.
    trip_id: int | None = None


@dataclass(frozen=True)
class DeviceError:
    """A B/{device}/error event, as a client hands it on."""

    device: str
    error: ErrorEvent


@dataclass(frozen=True)
class Status:
    """What a person should believe about the van's devices right now."""

    broker_connected: bool
    daemon: DaemonState | None
    devices: dict[str, DeviceState] = field(default_factory=dict)
    # Who holds each reader and scanner; a device nobody holds (or that is offline) has Holder().
    holders: dict[str, Holder] = field(default_factory=dict)

    @property
    def daemon_online(self) -> bool:
        return self.broker_connected and self.daemon is not None and self.daemon.state == "online"

    @classmethod
    def unreachable(cls, reason: str) -> Status:
        """No connection at all: every device offline, for `reason`."""
        offline = DeviceState(
            state="offline",
            detail=reason,
            driver="",
            since="",
            problem=Problem(Code.DAEMON_NO_BROKER, {"reason": reason}),
        )
        return cls(broker_connected=False, daemon=None, devices=dict.fromkeys(DEVICES, offline))


COMMAND_TYPES: dict[str, type[msgspec.Struct]] = {
    "print": PrintCommand,
    "capture": CaptureCommand,
    "test": SelfTestCommand,
    "say": SayCommand,
    "claim": ClaimCommand,
    "release": ReleaseCommand,
}

T = TypeVar("T")

_encoder = msgspec.json.Encoder()


def encode(message: msgspec.Struct | dict[str, Any]) -> bytes:
    return _encoder.encode(message)


def decode(payload: bytes | str, type_: type[T]) -> T:
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise MessageError(f"payload is {len(payload):,} bytes; at most {MAX_PAYLOAD_BYTES:,}")
    try:
        return msgspec.json.decode(payload, type=type_)
    except msgspec.ValidationError as error:
        if "at `$.problem" in str(error):
            return _without_problem(payload, type_)
        raise MessageError(f"invalid {type_.__name__}: {error}") from None
    except msgspec.DecodeError as error:
        raise MessageError(f"payload is not a JSON object: {error}") from None


def _without_problem(payload: bytes | str, type_: type[T]) -> T:
    """A problem this version cannot read (a code from a newer daemon) is dropped, not the whole
    message: its English detail still says what is wrong."""
    fields = msgspec.json.decode(payload)
    fields.pop("problem", None)
    try:
        return msgspec.convert(fields, type_)
    except msgspec.ValidationError as error:
        raise MessageError(f"invalid {type_.__name__}: {error}") from None


def job_id_of(payload: bytes) -> str | None:
    """The job_id of a command that failed to decode, if it has a usable one."""
    try:
        return msgspec.json.decode(payload, type=JobIdOnly).job_id
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None


def now_iso(tz: tzinfo) -> str:
    return datetime.now(tz).isoformat(timespec="milliseconds")


def new_id() -> str:
    return str(uuid.uuid4())
