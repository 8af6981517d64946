"""Keyboard-wedge scanners, sans-I/O: evdev key events in, scans and bad input out.

A HID scanner "types" each code as key presses. What a key code means depends on the
keyboard layout the scanner was set up for (devices.scanner.layout): on a German scanner
the key labelled Y on a US keyboard types "z". The decoder follows Shift, AltGr, Caps Lock
and Ctrl; Enter ends a code. Dead keys (^ ´ ` ¨ on de/fr) type their own character, as
scanners send them as plain characters. The keypad assumes Num Lock on.

Alt held while digits are typed on the keypad enters a character by number, as scanners do
in their "Alt+keypad" mode: Alt+0nnn is Windows-1252, Alt+nnn below 256 is code page 437,
and larger numbers are GBK double-byte codes, which is how Chinese scanners type hanzi.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.problems import Code, Problem
from devices.scanner.protocol import DEFAULT_TIMEOUT_S, MAX_CODE_BYTES, BadInput, LineAssembler, ScannerEvent

Layout = Literal["us", "uk", "de", "fr"]
LAYOUTS: tuple[Layout, ...] = ("us", "uk", "de", "fr")

# Event types and key codes from linux/input-event-codes.h.
EV_SYN, EV_KEY = 0, 1
SYN_DROPPED = 3
KEY_TAB, KEY_ENTER, KEY_SPACE, KEY_KPENTER = 15, 28, 57, 96
KEY_LEFTSHIFT, KEY_RIGHTSHIFT = 42, 54
KEY_LEFTCTRL, KEY_RIGHTCTRL = 29, 97
KEY_LEFTALT, KEY_RIGHTALT = 56, 100
KEY_CAPSLOCK = 58
KEY_102ND = 86

# Physical key rows, left to right, as they are printed in the layout strings below.
NUMBER_ROW = (41, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)  # ` 1 … 0 - =
TOP_ROW = (16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27)  # q … p [ ]
HOME_ROW = (30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 43)  # a … ; ' and the key left of Enter
BOTTOM_ROW = (KEY_102ND, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53)  # the ISO key, z … /
KEYPAD = {71: "7", 72: "8", 73: "9", 74: "-", 75: "4", 76: "5", 77: "6", 78: "+", 79: "1", 80: "2",
          81: "3", 82: "0", 83: ".", 55: "*", 98: "/"}  # fmt: skip
KEYPAD_DIGITS = {code: char for code, char in KEYPAD.items() if char.isdigit()}
# A position with nothing on that level.
NONE = "\0"


@dataclass(frozen=True)
class KeyLevels:
    plain: str
    shifted: str
    altgr: str = NONE


def _rows(rows: list[tuple[tuple[int, ...], str, str]], altgr: dict[int, str]) -> dict[int, KeyLevels]:
    keys: dict[int, KeyLevels] = {}
    for codes, plain, shifted in rows:
        assert len(codes) == len(plain) == len(shifted), (codes, plain, shifted)
        for code, low, high in zip(codes, plain, shifted, strict=True):
            keys[code] = KeyLevels(low, high, altgr.get(code, NONE))
    keys[KEY_SPACE] = KeyLevels(" ", " ")
    keys[KEY_TAB] = KeyLevels("\t", "\t")
    return keys


KEYMAPS: dict[Layout, dict[int, KeyLevels]] = {
    "us": _rows(
        [
            (NUMBER_ROW, "`1234567890-=", "~!@#$%^&*()_+"),
            (TOP_ROW, "qwertyuiop[]", "QWERTYUIOP{}"),
            (HOME_ROW, "asdfghjkl;'\\", 'ASDFGHJKL:"|'),
            (BOTTOM_ROW, "<zxcvbnm,./", ">ZXCVBNM<>?"),
        ],
        {},
    ),
    "uk": _rows(
        [
            (NUMBER_ROW, "`1234567890-=", '¬!"£$%^&*()_+'),
            (TOP_ROW, "qwertyuiop[]", "QWERTYUIOP{}"),
            (HOME_ROW, "asdfghjkl;'#", "ASDFGHJKL:@~"),
            (BOTTOM_ROW, "\\zxcvbnm,./", "|ZXCVBNM<>?"),
        ],
        {41: "¦", 5: "€"},
    ),
    "de": _rows(
        [
            (NUMBER_ROW, "^1234567890ß´", '°!"§$%&/()=?`'),
            (TOP_ROW, "qwertzuiopü+", "QWERTZUIOPÜ*"),
            (HOME_ROW, "asdfghjklöä#", "ASDFGHJKLÖÄ'"),
            (BOTTOM_ROW, "<yxcvbnm,.-", ">YXCVBNM;:_"),
        ],
        {3: "²", 4: "³", 8: "{", 9: "[", 10: "]", 11: "}", 12: "\\", 16: "@", 18: "€", 27: "~", 86: "|", 50: "µ"},
    ),
    "fr": _rows(
        [
            (NUMBER_ROW, "²&é\"'(-è_çà)=", NONE + "1234567890°+"),
            (TOP_ROW, "azertyuiop^$", "AZERTYUIOP¨£"),
            (HOME_ROW, "qsdfghjklmù*", "QSDFGHJKLM%µ"),
            (BOTTOM_ROW, "<wxcvbn,;:!", ">WXCVBN?./§"),
        ],
        {3: "~", 4: "#", 5: "{", 6: "[", 7: "|", 8: "`", 9: "\\", 10: "^", 11: "@", 12: "]", 13: "}", 18: "€", 27: "¤"},
    ),
}


@dataclass(frozen=True)
class Typed:
    text: str


@dataclass(frozen=True)
class EndOfCode:
    pass


@dataclass(frozen=True)
class Unmapped:
    """A key (or Alt+keypad number) that types nothing in this layout; `key` names it, e.g. "Ctrl+30"."""

    detail: str
    key: str


KeyResult = Typed | EndOfCode | Unmapped | None


class KeyboardDecoder:
    """Key codes with their modifier state to characters, for one layout."""

    def __init__(self, layout: Layout = "us") -> None:
        if layout not in KEYMAPS:
            raise ValueError(f"unknown keyboard layout {layout!r}; use one of {', '.join(LAYOUTS)}")
        self.layout = layout
        self._keys = KEYMAPS[layout]
        self.reset()

    def reset(self) -> None:
        """Forget held modifiers, e.g. after the kernel dropped events."""
        self._held: set[int] = set()
        self._caps = False
        self._alt_digits = ""

    def key(self, code: int, value: int) -> KeyResult:
        """One EV_KEY event: value 1 is a press, 2 an auto-repeat, 0 a release."""
        if value == 0:
            self._held.discard(code)
            if code == KEY_LEFTALT and self._alt_digits:
                digits, self._alt_digits = self._alt_digits, ""
                return _alt_code(digits)
            return None
        if code in (KEY_LEFTSHIFT, KEY_RIGHTSHIFT, KEY_LEFTCTRL, KEY_RIGHTCTRL, KEY_LEFTALT, KEY_RIGHTALT):
            self._held.add(code)
            return None
        if code == KEY_CAPSLOCK:
            if value == 1:
                self._caps = not self._caps
            return None
        if code in (KEY_ENTER, KEY_KPENTER):
            return EndOfCode()
        if KEY_LEFTALT in self._held:
            if code in KEYPAD_DIGITS:
                self._alt_digits += KEYPAD_DIGITS[code]
                return None
            return Unmapped(f"Alt with key code {code} types nothing", f"Alt+{code}")
        if code in KEYPAD:
            return Typed(KEYPAD[code])
        levels = self._keys.get(code)
        if levels is None:
            return Unmapped(f"key code {code} types nothing in the {self.layout} layout", str(code))
        char = self._level(levels)
        if char == NONE:
            return Unmapped(
                f"key code {code} with these modifiers types nothing in the {self.layout} layout", str(code)
            )
        if self._held & {KEY_LEFTCTRL, KEY_RIGHTCTRL}:
            return _control(char, code)
        return Typed(char)

    def _level(self, levels: KeyLevels) -> str:
        if KEY_RIGHTALT in self._held:
            return levels.altgr
        shifted = bool(self._held & {KEY_LEFTSHIFT, KEY_RIGHTSHIFT})
        if self._caps and levels.plain.isalpha() and levels.plain.upper() == levels.shifted:
            shifted = not shifted
        return levels.shifted if shifted else levels.plain


def _control(char: str, code: int) -> KeyResult:
    """Ctrl+key types an ASCII control character, e.g. Ctrl+] is GS, the GS1 separator."""
    upper = char.upper()
    if len(upper) == 1 and "@" <= upper <= "_":
        return Typed(chr(ord(upper) & 0x1F))
    return Unmapped(f"Ctrl with key code {code} types nothing", f"Ctrl+{code}")


def _alt_code(digits: str) -> KeyResult:
    number = int(digits)
    try:
        if number < 256:
            return Typed(bytes([number]).decode("cp1252" if digits.startswith("0") else "cp437"))
        if 0x8140 <= number <= 0xFEFE:  # a GBK double-byte code: lead byte 0x81-0xFE
            text = number.to_bytes(2, "big").decode("gbk")
            if len(text) == 1:
                return Typed(text)
    except UnicodeDecodeError:
        pass
    return Unmapped(f"Alt+keypad {number} is not a character", f"Alt+keypad {number}")


class KeyboardScanner:
    """The whole keyboard-wedge protocol: key events to scans, with the serial line rules."""

    def __init__(
        self,
        layout: Layout = "us",
        *,
        max_bytes: int = MAX_CODE_BYTES,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.decoder = KeyboardDecoder(layout)
        # Codes are assembled as UTF-8 with CR for Enter, so length limits and timeouts
        # behave exactly as on a serial scanner.
        self.lines = LineAssembler(b"\r", max_bytes=max_bytes, timeout_s=timeout_s)

    def deadline(self) -> float | None:
        return self.lines.deadline()

    def expire(self, now: float) -> list[ScannerEvent]:
        return self.lines.expire(now)

    def feed(self, event_type: int, code: int, value: int, now: float) -> list[ScannerEvent]:
        if event_type == EV_SYN and code == SYN_DROPPED:
            self.decoder.reset()
            dropped = BadInput("the kernel dropped key events; code discarded", Problem(Code.SCANNER_KEYS_DROPPED))
            return self.lines.reject(dropped, now)
        if event_type != EV_KEY:
            return self.lines.expire(now)
        result = self.decoder.key(code, value)
        if isinstance(result, Typed):
            return self.lines.feed(result.text.encode("utf-8"), now)
        if isinstance(result, EndOfCode):
            return self.lines.feed(b"\r", now)
        if isinstance(result, Unmapped):
            problem = Problem(Code.SCANNER_UNMAPPED_KEY, {"key": result.key, "layout": self.decoder.layout})
            return self.lines.reject(BadInput(f"{result.detail}; code discarded", problem), now)
        return self.lines.expire(now)
