"""Keyboard-wedge decoding, from evtest recordings of scanners typing codes in each layout."""

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.problems import Code, Problem
from devices.scanner.keymap import EV_KEY, KEYMAPS, KeyboardDecoder, KeyboardScanner, Typed, Unmapped
from devices.scanner.protocol import BadInput, Scan

RECORDINGS = Path(__file__).parent / "recordings"
EVENT = re.compile(
    r"Event: time (?P<time>[\d.]+), type (?P<type>\d+) \(\w+\), code (?P<code>\d+) \(\w+\), value (?P<value>-?[0-9a-f]+)"
)
SYN = re.compile(r"Event: time (?P<time>[\d.]+), -+ SYN_(?P<kind>REPORT|DROPPED) -+")


def recording(name: str) -> list[tuple[float, int, int, int]]:
    """(time, type, code, value) from an `evtest` log."""
    events = []
    for line in (RECORDINGS / name).read_text(encoding="utf-8").splitlines():
        if match := EVENT.fullmatch(line):
            value = int(match["value"], 16 if match["type"] == "4" else 10)
            events.append((float(match["time"]), int(match["type"]), int(match["code"]), value))
        elif match := SYN.fullmatch(line):
            events.append((float(match["time"]), 0, 0 if match["kind"] == "REPORT" else 3, 0))
    return events


def play(name: str, layout: str) -> list:
    scanner = KeyboardScanner(layout, timeout_s=0.5)
    events = []
    for time, event_type, code, value in recording(name):
        events += scanner.feed(event_type, code, value, time)
    return events


@pytest.mark.parametrize(
    ("name", "layout", "code"),
    [
        ("us_url.evtest", "us", "https://zwfw.zj.gov.cn/?id=A012&t=1"),
        ("de_waybill.evtest", "de", "YT-2024/Z9@Öl"),
        ("fr_azerty.evtest", "fr", "AB-123!@"),
        ("uk_order.evtest", "uk", 'order#42@uk"£'),
        ("us_capslock.evtest", "us", "ABc1d"),
        ("us_alt_gbk.evtest", "us", "中文港A"),
    ],
)
def test_recorded_scans_decode_in_their_layout(name: str, layout: str, code: str) -> None:
    assert play(name, layout) == [Scan(code=code, symbology=None, aim=None)]


def test_aim_prefix_and_gs1_separator_typed_as_ctrl_bracket() -> None:
    assert play("us_gs1_aim.evtest", "us") == [
        Scan(code="0109501101530003\x1d10ABC123", symbology="gs1-128", aim="]C1")
    ]


def test_the_wrong_layout_is_noticed() -> None:
    # A German scanner read as US: AltGr types nothing on US, so the code is refused, not garbled.
    assert play("de_waybill.evtest", "us") == [
        BadInput(
            "key code 16 with these modifiers types nothing in the us layout; code discarded",
            Problem(Code.SCANNER_UNMAPPED_KEY, {"key": "16", "layout": "us"}),
        )
    ]


def test_the_wrong_layout_without_altgr_garbles_the_code() -> None:
    # A UK scanner read as US: # @ " £ come out as \ " @ #, so devices.scanner.layout must match.
    [scan] = play("uk_order.evtest", "us")
    assert isinstance(scan, Scan) and scan.code == 'order\\42"uk@#'


def test_bad_input_in_recordings_is_reported_and_the_next_code_arrives() -> None:
    events = play("us_bad_input.evtest", "us")
    kinds = [(type(event).__name__, getattr(event, "code", None)) for event in events]
    assert kinds == [
        ("BadInput", None), ("Scan", "456"), ("BadInput", None), ("Scan", "99"), ("BadInput", None), ("Scan", "0"),
    ]  # fmt: skip
    details = [event.detail for event in events if isinstance(event, BadInput)]
    assert details[0].startswith("code not terminated within 500 ms")
    assert details[1] == "key code 63 types nothing in the us layout; code discarded"
    assert details[2] == "the kernel dropped key events; code discarded"
    codes = [event.problem.code for event in events if isinstance(event, BadInput)]
    assert codes == [Code.SCANNER_UNTERMINATED, Code.SCANNER_UNMAPPED_KEY, Code.SCANNER_KEYS_DROPPED]


def test_overlong_typed_code() -> None:
    scanner = KeyboardScanner("us", timeout_s=0.5)
    events = []
    for _ in range(4100):
        events += scanner.feed(EV_KEY, 2, 1, 0.0)  # "1"
        events += scanner.feed(EV_KEY, 2, 0, 0.0)
    events += scanner.feed(EV_KEY, 28, 1, 0.0)
    events += [*scanner.feed(EV_KEY, 3, 1, 0.0), *scanner.feed(EV_KEY, 28, 1, 0.0)]
    assert [type(event) for event in events] == [BadInput, Scan]
    assert events[1].code == "2"


def test_autorepeat_types_again_and_releases_type_nothing() -> None:
    decoder = KeyboardDecoder("us")
    assert decoder.key(30, 1) == Typed("a")
    assert decoder.key(30, 2) == Typed("a")
    assert decoder.key(30, 0) is None


def test_altgr_level_and_missing_levels() -> None:
    decoder = KeyboardDecoder("de")
    decoder.key(100, 1)  # AltGr
    assert decoder.key(18, 1) == Typed("€")
    assert isinstance(decoder.key(30, 1), Unmapped)  # AltGr+a types nothing on de


def test_alt_keypad_number_that_is_no_character() -> None:
    decoder = KeyboardDecoder("us")
    decoder.key(56, 1)
    for code in (79, 82, 82, 82, 82):  # 1 0 0 0 0: not a GBK code
        assert decoder.key(code, 1) is None
    assert isinstance(decoder.key(56, 0), Unmapped)


def test_unknown_layout_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="us, uk, de, fr"):
        KeyboardDecoder("jp")  # type: ignore[arg-type]


@pytest.mark.parametrize("layout", list(KEYMAPS))
def test_every_printable_ascii_character_can_be_typed_in_every_layout(layout: str) -> None:
    """A scanner in any of our layouts can send any ASCII code (dead-key characters included)."""
    keys = KEYMAPS[layout]
    typable = {char for levels in keys.values() for char in (levels.plain, levels.shifted, levels.altgr)}
    assert {chr(c) for c in range(32, 127)} - typable == set()


@given(
    st.sampled_from(list(KEYMAPS)),
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 300), st.integers(-1, 3), st.floats(0, 2)), max_size=200),
)
def test_any_key_events_give_only_scans_and_bad_input(layout: str, events: list[tuple[int, int, int, float]]) -> None:
    scanner = KeyboardScanner(layout, timeout_s=0.5)
    now, results = 0.0, []
    for event_type, code, value, pause in events:
        now += pause
        results += scanner.feed(event_type, code, value, now)
    results += scanner.expire(now + 1)
    assert all(isinstance(result, Scan | BadInput) for result in results)
    assert scanner.deadline() is None
