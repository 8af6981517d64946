"""Card text layouts, code tables and how a card's ID number is checked (GB 11643 itself: tests/core)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.idcard import codes, layouts, status
from devices.idcard.card import LONG_TERM, Card, CardDataError, CardType
from devices.idcard.presets import PRESETS


def ucs2(text: str, size: int) -> bytes:
    return text.ljust(size // 2).encode("utf-16-le")


def resident_text(**overrides: str) -> bytes:
    """A resident card's text built by hand at the offsets GA/T 490 gives, not by our encoder."""
    fields = {
        "name": "王美娜",
        "sex": "2",
        "nation": "01",
        "birth": "19860911",
        "address": "河北省邢台市",
        "id": "13032319860911446X",
        "issuer": "邢台县公安局",
        "from": "20110303",
        "to": "20210303",
    }
    fields.update(overrides)
    text = (
        ucs2(fields["name"], 30)
        + ucs2(fields["sex"], 2)
        + ucs2(fields["nation"], 4)
        + ucs2(fields["birth"], 16)
        + ucs2(fields["address"], 70)
        + ucs2(fields["id"], 36)
        + ucs2(fields["issuer"], 30)
        + ucs2(fields["from"], 16)
        + ucs2(fields["to"], 16)
        + ucs2("", 36)
    )
    assert len(text) == 256
    return text


def test_resident_text_parses_field_by_field() -> None:
    card = layouts.parse_text(resident_text())
    assert card == Card(
        card_type=CardType.RESIDENT,
        name="王美娜",
        sex="2",
        nation="01",
        birth_date=date(1986, 9, 11),
        address="河北省邢台市",
        id_number="13032319860911446X",
        issuer="邢台县公安局",
        valid_from=date(2011, 3, 3),
        valid_to=date(2021, 3, 3),
    )
    assert card.nation_name == "汉"
    assert card.id_number_valid
    assert card.expired(date(2021, 3, 4))
    assert not card.expired(date(2021, 3, 3))  # valid through its last day


def test_long_term_card_never_expires() -> None:
    card = layouts.parse_text(resident_text(to="长期"))
    assert card.valid_to == LONG_TERM
    assert card.valid_to_text == "长期"
    assert not card.expired(date(2200, 1, 1))


def test_card_type_comes_from_byte_248() -> None:
    text = bytearray(resident_text())
    for marker, card_type in ((b"J", CardType.HK_MO_TW), (b"I", CardType.FOREIGN_2017), (b"Y", CardType.FOREIGN_2023)):
        text[248:250] = marker + b"\x00"
        assert layouts.card_type_of(bytes(text)) is card_type
    text[248:250] = b"J\x01"  # byte 249 must be 0
    assert layouts.card_type_of(bytes(text)) is CardType.RESIDENT


def test_foreign_2017_layout_offsets() -> None:
    text = (
        ucs2("SMITH, JOHN", 120)
        + ucs2("1", 2)
        + ucs2("USA330086050101", 30)
        + ucs2("USA", 6)
        + ucs2("约翰", 30)
        + ucs2("20180510", 16)
        + ucs2("20280510", 16)
        + ucs2("19860501", 16)
        + ucs2("02", 4)
        + ucs2("3300", 8)
        + b"I\x00"
        + ucs2("", 6)
    )
    card = layouts.parse_text(text)
    assert (card.card_type, card.name_en, card.sex, card.id_number, card.nationality, card.name) == (
        CardType.FOREIGN_2017,
        "SMITH, JOHN",
        "1",
        "USA330086050101",
        "USA",
        "约翰",
    )
    assert (card.valid_from, card.valid_to, card.birth_date) == (date(2018, 5, 10), date(2028, 5, 10), date(1986, 5, 1))
    assert (card.card_version, card.authority_code, card.address, card.nation) == ("02", "3300", "", "")
    assert card.id_number_valid


def test_foreign_2023_english_name_continues_at_220() -> None:
    name = "ABCDEFGHIJ" * 4 + "XYZ"  # 43 characters: 35 at offset 52, the rest at 220
    text = (
        ucs2("玛丽亚", 30)
        + ucs2("2", 2)
        + ucs2("00", 4)
        + ucs2("19920821", 16)
        + ucs2(name[:35], 70)
        + ucs2("933724199208210025", 36)
        + ucs2("", 30)
        + ucs2("20240115", 16)
        + ucs2("20340115", 16)
        + ucs2(name[35:], 22)
        + ucs2("ESP", 6)
        + b"Y\x00"
        + ucs2("", 6)
    )
    card = layouts.parse_text(text)
    assert card.card_type is CardType.FOREIGN_2023
    assert card.name_en == name
    assert (card.renewal_count, card.nationality, card.id_number) == ("00", "ESP", "933724199208210025")
    assert card.id_number_valid


def test_hk_mo_tw_layout_offsets() -> None:
    text = bytearray(resident_text(nation="", id="81000019951203002X"))
    text[220:238] = ucs2("H12345678", 18)
    text[238:242] = ucs2("03", 4)
    text[248:250] = b"J\x00"
    card = layouts.parse_text(bytes(text))
    assert (card.card_type, card.permit_number, card.issue_count, card.nation) == (
        CardType.HK_MO_TW,
        "H12345678",
        "03",
        "",
    )
    assert card.id_number_valid


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_survives_the_bytes(name: str) -> None:
    preset = PRESETS[name]
    text = layouts.encode_text(preset.card)
    assert len(text) == 256
    assert layouts.parse_text(text) == preset.card


def test_presets_show_the_cases_they_are_named_for() -> None:
    today = date(2026, 11, 26)
    assert not PRESETS["resident"].card.expired(today) and PRESETS["resident"].card.id_number_valid
    assert PRESETS["resident_expired"].card.expired(today)
    assert not PRESETS["resident_bad_check_digit"].card.id_number_valid
    assert PRESETS["resident_long_term"].card.valid_to == LONG_TERM
    assert all(len(preset.photo) == 1024 for preset in PRESETS.values())
    assert {PRESETS[n].card.card_type for n in ("hk_mo_tw", "foreign_2017", "foreign_2023")} == {
        CardType.HK_MO_TW,
        CardType.FOREIGN_2017,
        CardType.FOREIGN_2023,
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sex": "3"}, "sex code is not one of 0, 1, 2, 9"),
        ({"birth": "19861311"}, "birth date is not a date"),
        ({"to": "forever"}, "end of validity is not a date"),
        ({"from": ""}, "start of validity is not a date"),
    ],
)
def test_bad_fields_are_named_without_their_value(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(CardDataError, match=message):
        layouts.parse_text(resident_text(**overrides))


def test_wrong_size_and_bad_text_are_card_data_errors() -> None:
    with pytest.raises(CardDataError, match="255 bytes, not 256"):
        layouts.parse_text(bytes(255))
    text = bytearray(resident_text())
    text[0:2] = b"\x00\xd8"  # a lone high surrogate
    with pytest.raises(CardDataError, match="name is not UCS-2 text"):
        layouts.parse_text(bytes(text))


def test_encoding_refuses_what_does_not_fit() -> None:
    card = PRESETS["resident"].card
    with pytest.raises(CardDataError, match="name is longer than 15 characters"):
        layouts.encode_text(Card(**{**_fields(card), "name": "长" * 16}))
    with pytest.raises(CardDataError, match="a foreign_2017 card has no address"):
        layouts.encode_text(Card(**{**_fields(PRESETS["foreign_2017"].card), "address": "somewhere"}))
    with pytest.raises(CardDataError, match="sex code"):
        layouts.encode_text(Card(**{**_fields(card), "sex": "x"}))


def _fields(card: Card) -> dict[str, object]:
    return {name: getattr(card, name) for name in Card.__dataclass_fields__}


@given(st.binary(min_size=256, max_size=256))
def test_any_256_bytes_give_a_card_or_a_card_data_error(text: bytes) -> None:
    try:
        card = layouts.parse_text(text)
    except CardDataError:
        return
    assert isinstance(card, Card)


field_text = st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=15).map(
    lambda s: s.strip(" \x00")
)
dates = st.dates(date(1900, 1, 1), date(2099, 12, 31))


@given(
    field_text,
    st.sampled_from(sorted(codes.SEXES)),
    st.sampled_from(sorted(codes.NATIONS)),
    dates,
    dates,
    st.one_of(dates, st.just(LONG_TERM)),
)
def test_resident_round_trip(name: str, sex: str, nation: str, birth: date, start: date, end: date | str) -> None:
    card = Card(
        card_type=CardType.RESIDENT,
        name=name,
        sex=sex,
        nation=nation,
        birth_date=birth,
        address="地址",
        id_number="330327199005170011",
        issuer="公安局",
        valid_from=start,
        valid_to=end,
    )
    assert layouts.parse_text(layouts.encode_text(card)) == card


def test_code_tables_are_complete() -> None:
    assert len(codes.NATIONS) == 58
    assert [f"{n:02}" for n in range(1, 57)] + ["97", "98"] == list(codes.NATIONS)
    assert codes.NATIONS["46"] == "德昂"
    assert codes.nation_name("99") == ""
    assert set(codes.SEXES) == {"0", "1", "2", "9"}


def test_status_table_has_every_code_in_both_languages() -> None:
    assert sorted(status.STATUSES) == sorted(
        [0x90, 0x9F, 0x91, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x40, 0x41, 0x47, 0x60, 0x66, 0x80, 0x81]
    )
    assert all(s.zh and s.en for s in status.STATUSES.values())
    assert str(status.describe(0x60)) == "SAM self-test failed (60 SAM自检失败)"
    assert status.describe(0x55).en == "unknown status"


@pytest.mark.parametrize(
    ("preset", "number", "valid"),
    [
        ("resident", "13032319860911446X", True),
        ("resident", "11010519491231002X", True),
        ("resident", "330327199005170011", True),
        ("resident", "330327199005170012", False),  # wrong check character
        ("resident", "330327199013170011", False),  # month 13
        ("resident", "33032719900517001", False),  # 17 characters
        ("resident", "3303271990051700x1", False),
        ("resident", "33032719900517001x", False),
        ("resident", "11010519491231002x", False),  # the right check character, but the chip holds an upper-case X
        ("resident", "110105 19491231002X", False),  # nor spaces
        ("hk_mo_tw", "810000199408230021", True),  # GB 11643 serves the permits too
        ("foreign_2017", "USA330086050101", True),  # 3 letters, 12 digits: the form only
        ("foreign_2017", "US3330086050101", False),
        ("foreign_2017", "usa330086050101", False),
    ],
)
def test_a_cards_number_is_checked_by_the_rule_of_its_card_type(preset: str, number: str, valid: bool) -> None:
    card = Card(**{**_fields(PRESETS[preset].card), "id_number": number})
    assert card.id_number_valid is valid
