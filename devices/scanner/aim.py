"""AIM symbology identifiers (ISO/IEC 15424): the "]Cm" prefix a scanner may put before a code.

`]` is the flag, `C` the code character (which symbology), `m` the modifier (options, e.g.
GS1 data). We turn known identifiers into short readable names; a code character we do not
know is not treated as a prefix at all, so a code that merely starts with "]" stays intact.
"""

from __future__ import annotations

from dataclasses import dataclass

# Code character → symbology name, as scanners document them.
SYMBOLOGIES: dict[str, str] = {
    "A": "code39",
    "B": "telepen",
    "C": "code128",
    "D": "code-one",
    "E": "ean-upc",
    "F": "codabar",
    "G": "code93",
    "H": "code11",
    "I": "itf",
    "K": "code16k",
    "L": "pdf417",
    "M": "msi",
    "N": "anker",
    "O": "codablock",
    "P": "plessey",
    "Q": "qr",
    "R": "straight-2of5",
    "S": "industrial-2of5",
    "T": "code49",
    "U": "maxicode",
    "X": "other",
    "Z": "no-barcode",
    "d": "datamatrix",
    "e": "gs1-databar",
    "g": "grid-matrix",
    "h": "han-xin",
    "z": "aztec",
}

# Full identifiers whose modifier changes what the code is (EAN sizes, GS1 payloads).
VARIANTS: dict[str, str] = {
    "]E0": "ean13",
    "]E1": "ean-addon2",
    "]E2": "ean-addon5",
    "]E3": "ean13-addon",
    "]E4": "ean8",
    "]C1": "gs1-128",
    "]d2": "gs1-datamatrix",
    "]d5": "gs1-datamatrix",
    "]Q3": "gs1-qr",
    "]Q4": "gs1-qr",
}


@dataclass(frozen=True)
class Identified:
    code: str
    symbology: str | None
    aim: str | None


def identify(line: str) -> Identified:
    """Split an optional AIM identifier off a decoded line."""
    if len(line) >= 3 and line[0] == "]" and line[1] in SYMBOLOGIES and line[2].isascii() and line[2].isalnum():
        aim = line[:3]
        return Identified(code=line[3:], symbology=VARIANTS.get(aim, SYMBOLOGIES[line[1]]), aim=aim)
    return Identified(code=line, symbology=None, aim=None)
