"""The person's details read from a card, independent of the byte layout they came in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from core import idnumber
from devices.idcard import codes

LONG_TERM: Literal["长期"] = "长期"
"""The end date of a card that does not expire, as the card itself writes it."""

ValidTo = date | Literal["长期"]


class CardDataError(ValueError):
    """Card text that does not follow its layout. The message names the field, never its value."""


class CardType(StrEnum):
    RESIDENT = "resident"
    HK_MO_TW = "hk_mo_tw"
    FOREIGN_2017 = "foreign_2017"
    FOREIGN_2023 = "foreign_2023"


@dataclass(frozen=True, slots=True, kw_only=True)
class Card:
    """One card's text fields, trimmed of padding.

    `name` is the Chinese name on every card type; `id_number` is the citizen ID,
    permit or residence-card number. Fields a layout does not carry are "" (common
    fields) or None (the extra fields of HK/Macao/Taiwan and foreigners' cards).
    """

    card_type: CardType
    name: str
    sex: str
    nation: str
    birth_date: date
    address: str
    id_number: str
    issuer: str
    valid_from: date
    valid_to: ValidTo
    name_en: str | None = None
    nationality: str | None = None
    permit_number: str | None = None
    issue_count: str | None = None
    card_version: str | None = None
    authority_code: str | None = None
    renewal_count: str | None = None
    previous_card: str | None = None

    @property
    def nation_name(self) -> str:
        return codes.nation_name(self.nation)

    @property
    def id_number_valid(self) -> bool:
        if self.card_type is CardType.FOREIGN_2017:
            return idnumber.is_valid_foreign_2017(self.id_number)
        # The chip holds the number as printed: a lower-case x or a space in it is bad card data, not a typo.
        return self.id_number == idnumber.normalize(self.id_number) and idnumber.is_valid(self.id_number)

    def expired(self, today: date) -> bool:
        """True once `today` (in the van's time zone) is past the last valid day."""
        return isinstance(self.valid_to, date) and today > self.valid_to

    @property
    def valid_to_text(self) -> str:
        """ISO date, or 长期."""
        return self.valid_to if isinstance(self.valid_to, str) else self.valid_to.isoformat()
