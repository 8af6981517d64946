"""The ESC/POS encoder: golden bytes for a Chinese ticket, failures, and round trips through the decoder."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from devices.printer.decoder import Barcode, Cut, QrCode, RasterImage, Rule, TextLine, decode
from devices.printer.document import (
    BarcodeBlock,
    CutBlock,
    Document,
    FeedBlock,
    ImageBlock,
    QrBlock,
    RuleBlock,
    TextBlock,
)
from devices.printer.encoder import MAX_TEXT_CHARACTERS, EncodeError, barcode_width_dots, encode, line_columns
from devices.printer.profile import Profile
from devices.printer.text import STAND_INS, paragraphs
from tests.support.pngs import png_bomb, png_header_only

PROFILES = [Profile.for_paper(58), Profile.for_paper(80), Profile.for_paper(58, "gbk")]
TICKET_URL = "https://example.gov.cn/q/A012"


def test_golden_bytes_of_a_chinese_ticket():
    ticket = Document(
        blocks=[
            TextBlock(text="请到3号窗口"),
            QrBlock(data=TICKET_URL, size=6, error_correction="M"),
            CutBlock(),
        ]
    )
    url = TICKET_URL.encode()
    expected = b"".join(
        [
            bytes.fromhex("1b 40"),  # ESC @
            bytes.fromhex("1c 26"),  # FS &: Chinese mode, before any GB byte
            bytes.fromhex("1b 61 00  1b 45 00  1d 21 00"),  # left, not bold, size 1×1
            bytes.fromhex("c7 eb b5 bd 33 ba c5 b4 b0 bf da 0a"),  # 请到3号窗口 LF
            bytes.fromhex("1b 61 01"),  # centre the QR
            bytes.fromhex("1d 28 6b 04 00 31 41 32 00"),  # QR model 2
            bytes.fromhex("1d 28 6b 03 00 31 43 06"),  # module size 6
            bytes.fromhex("1d 28 6b 03 00 31 45 31"),  # error correction M
            bytes.fromhex("1d 28 6b") + bytes((len(url) + 3, 0)) + bytes.fromhex("31 50 30") + url,  # store
            bytes.fromhex("1d 28 6b 03 00 31 51 30"),  # print
            bytes.fromhex("1d 56 41 00"),  # feed to the cutter and cut
        ]
    )
    assert encode(ticket, Profile.for_paper(80)) == expected


def test_kanji_mode_comes_before_the_first_gb_byte():
    job = encode(Document(blocks=[TextBlock(text="龙港")]), Profile.for_paper(58))
    assert job.index(b"\x1c&") < job.index("龙".encode("gb18030"))


def test_size_is_sent_as_gs_exclamation():
    job = encode(Document(blocks=[TextBlock(text="A012", size=(4, 3))]), Profile.for_paper(80))
    assert b"\x1d!\x32" in job


def test_an_unprintable_character_fails_the_whole_job_naming_it():
    document = Document(blocks=[TextBlock(text="请到3号窗口"), QrBlock(data="x"), TextBlock(text="好评 😀")])
    with pytest.raises(EncodeError) as caught:
        encode(document, Profile.for_paper(80))
    assert "block 3 (text)" in str(caught.value)
    assert "U+1F600" in str(caught.value)
    assert "好评" not in str(caught.value)  # the message names the character, not the text


def test_barcode_too_long_for_the_paper_says_how_long_it_may_be():
    limit = max(n for n in range(1, 81) if barcode_width_dots(n) <= 384)
    with pytest.raises(EncodeError, match=f"at most {limit}"):
        encode(Document(blocks=[BarcodeBlock(data="X" * (limit + 1))]), Profile.for_paper(58))
    encode(Document(blocks=[BarcodeBlock(data="X" * limit)]), Profile.for_paper(58))


def test_barcode_refuses_non_ascii():
    with pytest.raises(EncodeError, match=r"U\+53F7"):
        encode(Document(blocks=[BarcodeBlock(data="A号")]), Profile.for_paper(80))


def test_qr_data_over_capacity_fails():
    with pytest.raises(EncodeError, match="at most 1273"):
        encode(Document(blocks=[QrBlock(data="窗" * 500, error_correction="H")]), Profile.for_paper(80))


def test_largest_size_still_fits_a_chinese_character_on_58mm():
    # 384 dots hold 32 columns; at 8× there are 4: two Chinese characters per line.
    events = decode(encode(Document(blocks=[TextBlock(text="号码窗", size=(8, 8))]), Profile.for_paper(58)))
    assert [event.text for event in events if isinstance(event, TextLine)] == ["号码", "窗"]


def test_size_too_wide_for_a_narrow_printer_is_refused():
    narrow = Profile(paper_width_mm=58, dots=96)  # 8 columns: 1 at 8×, less than a Chinese character
    with pytest.raises(EncodeError, match="too wide"):
        encode(Document(blocks=[TextBlock(text="A", size=(8, 1))]), narrow)


def _png(width: int, height: int) -> bytes:
    picture = Image.new("L", (width, height), 255)
    picture.paste(0, (0, 0, width // 2, height))  # left half black
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def test_image_is_scaled_to_the_paper_and_printed_as_raster():
    job = encode(Document(blocks=[ImageBlock(png=_png(800, 100))]), Profile.for_paper(58))
    images = [event for event in decode(job) if isinstance(event, RasterImage)]
    assert sum(image.height for image in images) == 48  # 100 × 384/800
    assert {image.width for image in images} == {384}
    first_row = images[0].rows[:48]
    assert first_row[:24] == b"\xff" * 24 and first_row[24:] == bytes(24)  # black left half is ink


def test_broken_png_fails_naming_the_block():
    with pytest.raises(EncodeError, match="block 1 \\(image\\): not a readable PNG"):
        encode(Document(blocks=[ImageBlock(png=b"\x89PNG not really")]), Profile.for_paper(58))


def test_a_png_bomb_is_refused_from_its_header_before_a_pixel_is_decoded():
    # The pixel data is not even zlib: decoding it would fail as "not a readable PNG".
    document = Document(blocks=[TextBlock(text="A012"), ImageBlock(png=png_header_only(9000, 9000))])
    with pytest.raises(EncodeError, match=r"^block 2 \(image\): picture is 9,000×9,000 pixels; at most 4,000,000 "):
        encode(document, Profile.for_paper(80))


def test_a_real_png_bomb_is_refused():
    bomb = png_bomb(9000, 9000)
    assert len(bomb) < 50_000
    with pytest.raises(EncodeError, match=r"^block 1 \(image\): picture is 9,000×9,000 pixels"):
        encode(Document(blocks=[ImageBlock(png=bomb)]), Profile.for_paper(58))


def test_a_picture_too_tall_for_a_receipt_is_refused_from_its_header():
    with pytest.raises(EncodeError, match=r"picture is 5,000 dots tall at paper width; at most 1,200"):
        encode(Document(blocks=[ImageBlock(png=png_header_only(100, 5000))]), Profile.for_paper(58))
    # 1000×3000 is 1152 dots tall once scaled to 384 dots: it passes the check and fails only when decoded.
    with pytest.raises(EncodeError, match="not a readable PNG"):
        encode(Document(blocks=[ImageBlock(png=png_header_only(1000, 3000))]), Profile.for_paper(58))


def test_the_largest_picture_is_scaled_to_the_paper_and_its_transparency_is_paper():
    picture = Image.new("RGBA", (2000, 2000), (0, 0, 0, 0))  # transparent black
    picture.paste((0, 0, 0, 255), (1000, 0, 2000, 2000))  # the right half opaque black
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    job = encode(Document(blocks=[ImageBlock(png=buffer.getvalue())]), Profile.for_paper(80))
    images = [event for event in decode(job) if isinstance(event, RasterImage)]
    assert {image.width for image in images} == {576}
    assert sum(image.height for image in images) == 576
    first_row = images[0].rows[:72]
    assert first_row[:36] == bytes(36) and first_row[36:] == b"\xff" * 36


def test_a_text_block_longer_than_any_receipt_is_refused_naming_it():
    document = Document(blocks=[TextBlock(text="A012"), RuleBlock(), TextBlock(text="a" * 1_048_576)])
    with pytest.raises(EncodeError) as refused:
        encode(document, Profile.for_paper(80))
    assert str(refused.value) == "block 3 (text): 1,048,576 characters; at most 4,000 in one text block"
    assert encode(Document(blocks=[TextBlock(text="a" * MAX_TEXT_CHARACTERS)]), Profile.for_paper(80))


def test_a_document_longer_than_a_metre_of_paper_is_refused():
    eleven = [FeedBlock(lines=20)] * 11  # 11 × 20 lines of 1/6 inch: 935 mm
    assert encode(Document(blocks=eleven), Profile.for_paper(80))
    with pytest.raises(EncodeError) as refused:
        encode(Document(blocks=[*eleven, FeedBlock(lines=20)]), Profile.for_paper(80))
    assert (
        str(refused.value)
        == "block 12 (feed): by this block the document takes 1,020 mm of paper; at most 1,000 mm per copy"
    )
    chinese = [TextBlock(text="龙港市流动政务客厅受理回执")] * 300  # one line each
    with pytest.raises(EncodeError, match=r"^block 236 \(text\): by this block the document takes 1,003 mm"):
        encode(Document(blocks=chinese), Profile.for_paper(80))


@pytest.mark.parametrize(("paper", "characters"), [(80, 24), (58, 16)])
def test_a_rule_is_a_full_line_of_the_printers_own_rule_characters(paper: int, characters: int) -> None:
    """A rule sent as a picture cost 864 bytes; as characters of the font it costs a line of text."""
    job = encode(
        Document(blocks=[TextBlock(text="A012", size=(4, 4), bold=True), RuleBlock()]), Profile.for_paper(paper)
    )
    events = decode(job)
    assert events[-1] == Rule("left")
    assert "─".encode("gb18030") * characters in job
    assert not [event for event in events if isinstance(event, RasterImage)]
    # The rule is drawn at the plain size, whatever the block before it set.
    assert job.rindex(b"\x1d!\x00") > job.index(b"A012")


# Property tests: decode(encode(document)) gives back what the document says.

_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_SAMPLED = st.sampled_from(list("请到号窗口龙港市流动政务客厅，。：（）￥·—") + list(STAND_INS) + [" ", " ", "\n"])
_ASCII = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
_TEXT = st.text(st.one_of(_CJK, _SAMPLED, _ASCII), max_size=120)

_text_blocks = st.builds(
    TextBlock,
    text=_TEXT,
    align=st.sampled_from(["left", "center", "right"]),
    size=st.tuples(st.integers(1, 8), st.integers(1, 8)),
    bold=st.booleans(),
)
_qr_blocks = st.builds(QrBlock, data=st.text(st.one_of(_CJK, _ASCII), min_size=1, max_size=60), size=st.integers(1, 16))
_barcode_blocks = st.builds(BarcodeBlock, data=st.text(_ASCII, min_size=1, max_size=14))
_documents = st.builds(
    Document,
    blocks=st.lists(
        st.one_of(
            _text_blocks,
            _qr_blocks,
            _barcode_blocks,
            st.builds(RuleBlock),
            st.builds(FeedBlock, lines=st.integers(1, 5)),
            st.builds(CutBlock, partial=st.booleans()),
        ),
        min_size=1,
        max_size=12,
    ),
)


def _as_printed(text: str) -> str:
    return "".join(STAND_INS.get(character, character) for character in text)


def _consume_paragraph(paragraph: str, lines: list[TextLine], start: int) -> int:
    """Match the lines one paragraph was wrapped into; exactly one space may vanish at a break."""
    position, index = 0, start
    while True:
        line = lines[index].text
        index += 1
        assert paragraph[position : position + len(line)] == line
        position += len(line)
        if position < len(paragraph) and paragraph[position] == " ":
            position += 1
        if position >= len(paragraph):
            return index


@settings(max_examples=150, deadline=None)
@given(document=_documents, profile=st.sampled_from(PROFILES))
def test_decode_of_encode_gives_back_lines_codes_and_cuts(document, profile):
    events = decode(encode(document, profile))
    lines = [event for event in events if isinstance(event, TextLine)]
    index = 0
    for block in document.blocks:
        if isinstance(block, TextBlock):
            for paragraph in paragraphs(_as_printed(block.text)):
                end = _consume_paragraph(paragraph, lines, index)
                assert all((line.width, line.height) == block.size for line in lines[index:end])
                assert all((line.align, line.bold) == (block.align, block.bold) for line in lines[index:end])
                index = end
    assert index == len(lines)
    assert [e.data for e in events if isinstance(e, QrCode)] == [
        b.data for b in document.blocks if isinstance(b, QrBlock)
    ]
    assert [e.data for e in events if isinstance(e, Barcode)] == [
        b.data for b in document.blocks if isinstance(b, BarcodeBlock)
    ]
    assert [e.partial for e in events if isinstance(e, Cut)] == [
        b.partial for b in document.blocks if isinstance(b, CutBlock)
    ]


@settings(max_examples=150, deadline=None)
@given(block=_text_blocks, profile=st.sampled_from(PROFILES))
def test_wrapped_lines_never_exceed_the_paper(block, profile):
    events = decode(encode(Document(blocks=[block]), profile))
    limit = line_columns(profile, block.size[0])
    for event in events:
        if isinstance(event, TextLine):
            assert len(event.text.encode(profile.chinese)) <= limit
            assert len(event.text.encode(profile.chinese)) * event.width * 12 <= profile.dots


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40))
def test_any_text_encodes_or_fails_with_a_named_character(text):
    try:
        job = encode(Document(blocks=[TextBlock(text=text)]), Profile.for_paper(58))
    except EncodeError as error:
        assert "U+" in str(error)
    else:
        decode(job)
