"""Made-up cards for the emulator: one per case staff and tests need to see.

Every person here is invented. Photos are opaque WLT-sized bytes (no open WLT
decoder exists, so nothing here pretends to be a picture).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from devices.idcard.card import LONG_TERM, Card, CardType
from devices.idcard.commands import PHOTO_SIZE


@dataclass(frozen=True, slots=True)
class Preset:
    card: Card
    photo: bytes


def opaque_photo(seed: str) -> bytes:
    """1024 stable bytes standing in for a WLT photo."""
    return hashlib.shake_256(f"govan wlt {seed}".encode()).digest(PHOTO_SIZE)


_CARDS: dict[str, Card] = {
    "resident": Card(
        card_type=CardType.RESIDENT,
        name="陈志远",
        sex="1",
        nation="01",
        birth_date=date(1990, 5, 17),
        address="浙江省温州市龙港市世纪大道888号",
        id_number="330327199005170011",
        issuer="苍南县公安局",
        valid_from=date(2016, 8, 20),
        valid_to=date(2036, 8, 20),
    ),
    "resident_expired": Card(
        card_type=CardType.RESIDENT,
        name="林小燕",
        sex="2",
        nation="01",
        birth_date=date(1986, 9, 11),
        address="浙江省温州市龙港市龙跃路16号",
        id_number="330327198609110023",
        issuer="苍南县公安局",
        valid_from=date(2008, 3, 3),
        valid_to=date(2018, 3, 3),
    ),
    "resident_bad_check_digit": Card(
        card_type=CardType.RESIDENT,
        name="王建国",
        sex="1",
        nation="01",
        birth_date=date(1978, 2, 14),
        address="浙江省温州市龙港市华中路202号",
        id_number="330383197802140037",
        issuer="龙港市公安局",
        valid_from=date(2019, 11, 5),
        valid_to=date(2039, 11, 5),
    ),
    "resident_long_term": Card(
        card_type=CardType.RESIDENT,
        name="雷秀英",
        sex="2",
        nation="22",
        birth_date=date(1952, 7, 1),
        address="浙江省温州市龙港市舥艚镇渔港路5号",
        id_number="330327195207010042",
        issuer="苍南县公安局",
        valid_from=date(2012, 6, 15),
        valid_to=LONG_TERM,
    ),
    "hk_mo_tw": Card(
        card_type=CardType.HK_MO_TW,
        name="黄嘉欣",
        sex="2",
        nation="",
        birth_date=date(1995, 12, 3),
        address="",
        id_number="81000019951203002X",
        issuer="温州市公安局",
        valid_from=date(2024, 4, 1),
        valid_to=date(2029, 4, 1),
        permit_number="H12345678",
        issue_count="01",
    ),
    "foreign_2017": Card(
        card_type=CardType.FOREIGN_2017,
        name="约翰·史密斯",
        sex="1",
        nation="",
        birth_date=date(1986, 5, 1),
        address="",
        id_number="USA330086050101",
        issuer="",
        valid_from=date(2018, 5, 10),
        valid_to=date(2028, 5, 10),
        name_en="SMITH, JOHN MICHAEL",
        nationality="USA",
        card_version="02",
        authority_code="3300",
    ),
    "foreign_2023": Card(
        card_type=CardType.FOREIGN_2023,
        name="玛丽亚·加西亚",
        sex="2",
        nation="",
        birth_date=date(1992, 8, 21),
        address="",
        id_number="933724199208210025",
        issuer="",
        valid_from=date(2024, 1, 15),
        valid_to=date(2034, 1, 15),
        name_en="GARCIA LOPEZ, MARIA FERNANDA DE LOS ANGELES",
        nationality="ESP",
        renewal_count="00",
        previous_card="",
    ),
}

PRESETS: dict[str, Preset] = {name: Preset(card, opaque_photo(name)) for name, card in _CARDS.items()}
