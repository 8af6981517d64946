"""The 256-byte card text: the resident layout and the 'J', 'I' and 'Y' layouts.

Text is UTF-16LE (UCS-2 on the card), padded with U+0020. Byte 248 tells the layouts
apart when byte 249 is 0: 'J' HK/Macao/Taiwan residence permit, 'I' the 2017
foreigners' permanent residence card, 'Y' the 2023 one; anything else is a resident ID.
`parse_text` reads a layout into a Card; `encode_text` writes one (the emulator uses it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from devices.idcard import codes
from devices.idcard.card import LONG_TERM, Card, CardDataError, CardType

TEXT_SIZE = 256
TYPE_OFFSET = 248
PADDING = " "

Kind = Literal["text", "date", "valid_to", "sex"]


@dataclass(frozen=True, slots=True)
class Field:
    attr: str
    offset: int
    size: int
    kind: Kind = "text"

    @property
    def chars(self) -> int:
        return self.size // 2


# Field names are Card attributes; "name_en_2" is the 2023 card's English-name continuation.
RESIDENT = (
    Field("name", 0, 30),
    Field("sex", 30, 2, "sex"),
    Field("nation", 32, 4),
    Field("birth_date", 36, 16, "date"),
    Field("address", 52, 70),
    Field("id_number", 122, 36),
    Field("issuer", 158, 30),
    Field("valid_from", 188, 16, "date"),
    Field("valid_to", 204, 16, "valid_to"),
)
HK_MO_TW = (
    Field("name", 0, 30),
    Field("sex", 30, 2, "sex"),
    Field("birth_date", 36, 16, "date"),
    Field("address", 52, 70),
    Field("id_number", 122, 36),
    Field("issuer", 158, 30),
    Field("valid_from", 188, 16, "date"),
    Field("valid_to", 204, 16, "valid_to"),
    Field("permit_number", 220, 18),
    Field("issue_count", 238, 4),
)
FOREIGN_2017 = (
    Field("name_en", 0, 120),
    Field("sex", 120, 2, "sex"),
    Field("id_number", 122, 30),
    Field("nationality", 152, 6),
    Field("name", 158, 30),
    Field("valid_from", 188, 16, "date"),
    Field("valid_to", 204, 16, "valid_to"),
    Field("birth_date", 220, 16, "date"),
    Field("card_version", 236, 4),
    Field("authority_code", 240, 8),
)
FOREIGN_2023 = (
    Field("name", 0, 30),
    Field("sex", 30, 2, "sex"),
    Field("renewal_count", 32, 4),
    Field("birth_date", 36, 16, "date"),
    Field("name_en", 52, 70),
    Field("id_number", 122, 36),
    Field("valid_from", 188, 16, "date"),
    Field("valid_to", 204, 16, "valid_to"),
    Field("name_en_2", 220, 22),
    Field("nationality", 242, 6),
    Field("previous_card", 250, 6),
)

LAYOUTS: dict[CardType, tuple[Field, ...]] = {
    CardType.RESIDENT: RESIDENT,
    CardType.HK_MO_TW: HK_MO_TW,
    CardType.FOREIGN_2017: FOREIGN_2017,
    CardType.FOREIGN_2023: FOREIGN_2023,
}
MARKERS: dict[CardType, bytes] = {
    CardType.HK_MO_TW: b"J\x00",
    CardType.FOREIGN_2017: b"I\x00",
    CardType.FOREIGN_2023: b"Y\x00",
}
_BY_MARKER = {marker: card_type for card_type, marker in MARKERS.items()}
# Optional Card fields that only some layouts carry; the common ones default to "".
_EXTRA = (
    "name_en",
    "nationality",
    "permit_number",
    "issue_count",
    "card_version",
    "authority_code",
    "renewal_count",
    "previous_card",
)
_COMMON = ("name", "sex", "nation", "address", "id_number", "issuer")
_LABELS = {
    "birth_date": "birth date",
    "valid_from": "start of validity",
    "valid_to": "end of validity",
    "id_number": "ID number",
    "name_en": "English name",
    "name_en_2": "English name",
}
_DATE = re.compile(r"[0-9]{8}")
_ENGLISH_NAME_FIRST = FOREIGN_2023[4].chars


def _label(attr: str) -> str:
    return _LABELS.get(attr, attr.replace("_", " "))


def card_type_of(text: bytes) -> CardType:
    return _BY_MARKER.get(bytes(text[TYPE_OFFSET : TYPE_OFFSET + 2]), CardType.RESIDENT)


def _decode(raw: bytes, attr: str) -> str:
    try:
        return raw.decode("utf-16-le")
    except UnicodeDecodeError:
        raise CardDataError(f"{_label(attr)} is not UCS-2 text") from None


def _trim(value: str) -> str:
    return value.strip(" \x00")


def _parse_date(value: str, attr: str) -> date:
    if _DATE.fullmatch(value):
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            pass
    raise CardDataError(f"{_label(attr)} is not a date (YYYYMMDD)")


def parse_text(text: bytes) -> Card:
    """Read the 256-byte text file of any card type. Raises CardDataError naming the bad field."""
    if len(text) != TEXT_SIZE:
        raise CardDataError(f"card text is {len(text)} bytes, not {TEXT_SIZE}")
    card_type = card_type_of(text)
    values: dict[str, object] = {name: "" for name in _COMMON}
    for field in LAYOUTS[card_type]:
        raw = _decode(text[field.offset : field.offset + field.size], field.attr)
        value = _trim(raw)
        if field.kind == "sex":
            if value not in codes.SEXES:
                raise CardDataError("sex code is not one of 0, 1, 2, 9")
            values[field.attr] = value
        elif field.kind == "date":
            values[field.attr] = _parse_date(value, field.attr)
        elif field.kind == "valid_to":
            values[field.attr] = LONG_TERM if value == LONG_TERM else _parse_date(value, field.attr)
        elif field.attr == "name_en":
            values["name_en"] = raw  # trimmed below, after the 2023 card's continuation
        elif field.attr == "name_en_2":
            values["name_en"] = str(values["name_en"]) + raw
        else:
            values[field.attr] = value
    if "name_en" in values:
        values["name_en"] = _trim(str(values["name_en"]))
    return Card(card_type=card_type, **values)  # type: ignore[arg-type]


def _encode_field(value: str, field: Field) -> bytes:
    try:
        encoded = value.encode("utf-16-le")
    except UnicodeEncodeError:
        raise CardDataError(f"{_label(field.attr)} is not UCS-2 text") from None
    if len(encoded) > field.size:
        raise CardDataError(f"{_label(field.attr)} is longer than {field.chars} characters")
    return encoded + PADDING.encode("utf-16-le") * ((field.size - len(encoded)) // 2)


def _field_text(card: Card, field: Field) -> str:
    if field.attr == "name_en_2":
        return (card.name_en or "")[_ENGLISH_NAME_FIRST:]
    value = getattr(card, field.attr)
    if isinstance(value, date):
        return f"{value.year:04}{value.month:02}{value.day:02}"
    if field.attr == "name_en" and card.card_type is CardType.FOREIGN_2023:
        return (value or "")[:_ENGLISH_NAME_FIRST]
    return value or ""


def encode_text(card: Card) -> bytes:
    """Write a card's text file. Raises CardDataError when a field does not fit or has no place."""
    layout = LAYOUTS[card.card_type]
    carried = {field.attr for field in layout}
    for attr in (*_COMMON, *_EXTRA):
        if attr not in carried and getattr(card, attr):
            raise CardDataError(f"a {card.card_type} card has no {_label(attr)}")
    if card.sex not in codes.SEXES:
        raise CardDataError("sex code is not one of 0, 1, 2, 9")
    text = bytearray(PADDING.encode("utf-16-le") * (TEXT_SIZE // 2))
    for field in layout:
        text[field.offset : field.offset + field.size] = _encode_field(_field_text(card, field), field)
    marker = MARKERS.get(card.card_type)
    if marker is not None:
        text[TYPE_OFFSET : TYPE_OFFSET + 2] = marker
    return bytes(text)
