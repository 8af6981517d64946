"""The print document: what the TUI wants on paper, independent of any printer.

The daemon renders it late, for the configured printer profile (see encoder).
JSON in and out, validated by msgspec.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Multiplier = Annotated[int, msgspec.Meta(ge=1, le=8)]
Align = Literal["left", "center", "right"]


class DocumentError(ValueError):
    """A print document that cannot be accepted; the message says which part is wrong."""


class _Block(msgspec.Struct, tag_field="type", forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    pass


class TextBlock(_Block, tag="text"):
    text: str
    align: Align = "left"
    size: tuple[Multiplier, Multiplier] = (1, 1)
    bold: bool = False


class RuleBlock(_Block, tag="rule"):
    pass


class QrBlock(_Block, tag="qr"):
    data: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    size: Annotated[int, msgspec.Meta(ge=1, le=16)] = 6
    error_correction: Literal["L", "M", "Q", "H"] = "M"
    align: Align = "center"


class BarcodeBlock(_Block, tag="barcode"):
    data: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    symbology: Literal["code128"] = "code128"
    height: Annotated[int, msgspec.Meta(ge=16, le=255)] = 80
    align: Align = "center"


class ImageBlock(_Block, tag="image"):
    """A small raster picture such as a logo: PNG bytes, base64 in JSON."""

    png: bytes
    align: Align = "center"


class FeedBlock(_Block, tag="feed"):
    lines: Annotated[int, msgspec.Meta(ge=1, le=20)] = 1


class CutBlock(_Block, tag="cut"):
    partial: bool = False


Block = TextBlock | RuleBlock | QrBlock | BarcodeBlock | ImageBlock | FeedBlock | CutBlock


class Document(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    blocks: Annotated[list[Block], msgspec.Meta(min_length=1, max_length=500)]
    width: Literal["full"] = "full"


def document_to_json(document: Document) -> bytes:
    return msgspec.json.encode(document)


def document_from_json(data: bytes | str) -> Document:
    try:
        return msgspec.json.decode(data, type=Document)
    except msgspec.ValidationError as error:
        raise DocumentError(f"invalid print document: {error}") from None
    except msgspec.DecodeError as error:
        raise DocumentError(f"print document is not JSON: {error}") from None
