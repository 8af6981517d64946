"""The ID-card reader inside the daemon: one B/idreader/card event per card placed.

Drivers: `sam` opens the configured tty path or socket:// URL (or, with `usb =
"VID:PID"`, the native two-pipe USB reader); `sim` starts the pty emulator in
start() and runs the same real driver on its slave path, and serves
B/sim/idreader/place and B/sim/idreader/remove. Noise and bad checksums become
B/idreader/error; a reader that vanishes, falls silent or whose SAM fails changes
the state. Personal data goes into the card event only, never into a log or detail.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ClassVar, Literal

import msgspec

from core.problems import Code, Problem
from daemon.messages import CardEvent, SelfTestCommand, new_id
from daemon.unit import DeviceFault, DeviceUnit, JobFailed, JobOutcome, UnitContext
from devices.idcard.card import LONG_TERM, Card, CardDataError, CardType
from devices.idcard.driver import CardRead, PollTimings, ReaderDriver, ReaderFault, SelfTestFailed
from devices.idcard.emulator import PtyReaderEmulator
from devices.idcard.link import Link, SerialLink
from devices.idcard.presets import PRESETS, opaque_photo
from devices.idcard.usb import UsbLink
from govan.config import IdReaderConfig

EXTRA_FIELDS = (
    "name_en",
    "nationality",
    "permit_number",
    "issue_count",
    "card_version",
    "authority_code",
    "renewal_count",
    "previous_card",
)


def card_event(read: CardRead, now: datetime) -> CardEvent:
    """The contract's card message; `expired` is judged against `now`'s date (the van's time zone)."""
    card = read.card
    return CardEvent(
        event_id=new_id(),
        at=now.isoformat(timespec="milliseconds"),
        card_type=card.card_type.value,  # type: ignore[arg-type]
        name=card.name,
        sex=card.sex,  # type: ignore[arg-type]
        nation=card.nation,
        nation_name=card.nation_name,
        birth_date=card.birth_date.isoformat(),
        address=card.address,
        id_number=card.id_number,
        issuer=card.issuer,
        valid_from=card.valid_from.isoformat(),
        valid_to=card.valid_to_text,
        id_number_valid=card.id_number_valid,
        expired=card.expired(now.date()),
        photo_wlt=base64.b64encode(read.photo).decode("ascii"),
        **{name: getattr(card, name) for name in EXTRA_FIELDS},
    )


class IdReaderUnit(DeviceUnit):
    command_timeout_s: ClassVar[float] = 10.0
    # Find about every 300 ms, SAM status about every 30 s.
    timings: ClassVar[PollTimings] = PollTimings()

    def __init__(self, ctx: UnitContext, make_link: Callable[[], Link]) -> None:
        super().__init__(ctx)
        self._make_link = make_link
        self._driver: ReaderDriver | None = None

    async def run(self) -> None:
        driver = ReaderDriver(self._make_link(), baudrate=reader_settings(self.ctx).baudrate, timings=self.timings)
        self._driver = driver
        try:
            await driver.run(self)
        except ReaderFault as fault:
            raise DeviceFault(fault.state, fault.detail, fault.problem) from None
        finally:
            self._driver = None

    # ReaderEvents: called by the driver in the event loop.

    def ready(self) -> None:
        self.ctx.set_state("ready", "")

    def card(self, read: CardRead) -> None:
        self.ctx.event("card", card_event(read, self.ctx.now()))

    def problem(self, detail: str, problem: Problem) -> None:
        self.ctx.error(detail, problem)

    async def execute(self, command: str, message: msgspec.Struct) -> JobOutcome:
        if command == "test" and isinstance(message, SelfTestCommand):
            driver = self._driver
            if driver is None:
                raise JobFailed("the reader is not open", Problem(Code.DEVICE_NOT_OPEN, {"port": None}))
            try:
                return JobOutcome(detail=await driver.self_test())
            except SelfTestFailed as failure:
                raise JobFailed(failure.detail, failure.problem) from None
        return await super().execute(command, message)


def _place_rejected(reason: str) -> JobFailed:
    return JobFailed(reason, Problem(Code.SIM_REJECTED, {"action": "place", "reason": reason}))


class PlacedCard(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """B/sim/idreader/place: the fields of a card event (derived ones are ignored)."""

    card_type: Literal["resident", "hk_mo_tw", "foreign_2017", "foreign_2023"] = "resident"
    name: str
    sex: Literal["0", "1", "2", "9"]
    nation: str = ""
    birth_date: date
    address: str = ""
    id_number: str
    issuer: str = ""
    valid_from: date
    valid_to: str
    photo_wlt: str | None = None
    name_en: str | None = None
    nationality: str | None = None
    permit_number: str | None = None
    issue_count: str | None = None
    card_version: str | None = None
    authority_code: str | None = None
    renewal_count: str | None = None
    previous_card: str | None = None

    def card(self) -> Card:
        if self.valid_to == LONG_TERM:
            valid_to: date | Literal["长期"] = LONG_TERM
        else:
            try:
                valid_to = date.fromisoformat(self.valid_to)
            except ValueError:
                raise _place_rejected('valid_to must be a date like 2036-08-20 or "长期"') from None
        fields = {
            name: getattr(self, name)
            for name in ("name", "sex", "nation", "address", "id_number", "issuer", *EXTRA_FIELDS)
        }
        return Card(
            card_type=CardType(self.card_type),
            birth_date=self.birth_date,
            valid_from=self.valid_from,
            valid_to=valid_to,
            **fields,
        )

    def photo(self) -> bytes:
        if self.photo_wlt is None:
            return opaque_photo(self.id_number)
        try:
            photo = base64.b64decode(self.photo_wlt, validate=True)
        except binascii.Error:
            raise _place_rejected("photo_wlt is not base64") from None
        if len(photo) != 1024:
            raise _place_rejected(f"photo_wlt holds {len(photo)} bytes; a WLT photo is 1024")
        return photo


def preset_fields(name: str) -> dict[str, Any]:
    """A preset card as the fields of a place payload."""
    preset = PRESETS.get(name)
    if preset is None:
        raise _place_rejected(f"unknown preset {name!r}; use one of {', '.join(PRESETS)}")
    event = card_event(CardRead(preset.card, preset.photo), datetime.now())
    return msgspec.to_builtins(event)


class SimIdReaderUnit(IdReaderUnit):
    """The pty emulator, driven by the real serial driver; cards come from B/sim/idreader/place."""

    def __init__(self, ctx: UnitContext) -> None:
        baudrate = reader_settings(ctx).baudrate
        super().__init__(ctx, lambda: SerialLink(self.emulator.path, baudrate))
        self.emulator = PtyReaderEmulator(baudrate=baudrate)

    async def start(self) -> None:
        self.emulator.plug()

    async def stop(self) -> None:
        await self.emulator.aclose()

    async def sim(self, action: str, payload: bytes) -> None:
        if action == "remove":
            self.emulator.remove()
            return
        if action != "place":
            raise self.sim_rejected(action, f"unknown action {action!r}; the emulated reader has 'place' and 'remove'")
        try:
            fields = msgspec.json.decode(payload, type=dict[str, Any])
        except (msgspec.DecodeError, msgspec.ValidationError):
            raise _place_rejected("payload is not a JSON object") from None
        preset = fields.pop("preset", None)
        if preset is not None:
            fields = {**preset_fields(str(preset)), **fields}
        try:
            placed = msgspec.convert(fields, PlacedCard)
        except msgspec.ValidationError as error:
            raise _place_rejected(f"invalid card: {error}") from None
        try:
            self.emulator.place(placed.card(), placed.photo())
        except CardDataError as error:
            raise _place_rejected(f"invalid card: {error}") from None


def reader_settings(ctx: UnitContext) -> IdReaderConfig:
    """This reader's section: [devices.idreader], or a window's [devices.idreaders.w2]."""
    settings = ctx.config.devices.settings(ctx.device)
    assert isinstance(settings, IdReaderConfig)
    return settings


def _usb_ids(value: str) -> tuple[int, int]:
    vid, pid = value.split(":")
    return int(vid, 16), int(pid, 16)


def create(ctx: UnitContext) -> DeviceUnit:
    settings = reader_settings(ctx)
    match ctx.driver:
        case "sim":
            return SimIdReaderUnit(ctx)
        case "sam" if settings.usb:
            vid, pid = _usb_ids(settings.usb)
            return IdReaderUnit(ctx, lambda: UsbLink(vid, pid))
        case "sam":
            return IdReaderUnit(ctx, lambda: SerialLink(settings.port, settings.baudrate))
    raise ValueError(f"idreader driver {ctx.driver!r} is not one of sam, sim, none")
