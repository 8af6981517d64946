"""The virtual printer's own behaviour: paper states, receipts as PNG, and a missing CJK font."""

import os
import stat
import time

import pytest
from PIL import Image

from devices.printer import render
from devices.printer.decoder import Decoder
from devices.printer.document import CutBlock, Document, RuleBlock, TextBlock
from devices.printer.emulator import TRAINING_MARK, VirtualPrinter
from devices.printer.encoder import encode
from devices.printer.profile import Profile
from devices.printer.status import STATUS_QUERY
from tests.support.fonts import require_cjk_font

JOB = encode(
    Document(
        blocks=[TextBlock(text="龙港市流动政务客厅", size=(2, 2)), RuleBlock(), TextBlock(text="A012"), CutBlock()]
    ),
    Profile.for_paper(58),
)


@pytest.mark.parametrize(("paper", "paper_byte"), [("ok", 0x12), ("near_end", 0x1E), ("out", 0x72)])
def test_answers_dle_eot_from_its_paper_state(paper, paper_byte):
    printer = VirtualPrinter()
    printer.paper = paper
    replies = printer.receive(Decoder(), STATUS_QUERY)
    assert len(replies) == 4 and replies[3] == paper_byte


async def test_prints_nothing_while_the_paper_is_out():
    printer = VirtualPrinter()
    printer.paper = "out"
    printer.receive(Decoder(), JOB)
    assert printer.printed == 0 and printer.lost_events > 0


async def test_each_receipt_is_saved_as_png(tmp_path):
    require_cjk_font()
    printer = VirtualPrinter(dots=384, save_dir=tmp_path)
    await printer.start()
    try:
        printer.receive(Decoder(), JOB)
        printer.receive(Decoder(), JOB)
    finally:
        await printer.stop()  # waits for the pictures
    pictures = sorted(tmp_path.glob("receipt-*.png"))
    assert [path.name for path in pictures] == ["receipt-0001.png", "receipt-0002.png"]
    with Image.open(pictures[0]) as picture:
        assert picture.width == 384 + 2 * render.MARGIN
        assert picture.getextrema() == (0, 255)  # something was drawn
        assert picture.text["Comment"] == TRAINING_MARK
    assert {stat.S_IMODE(path.stat().st_mode) for path in pictures} == {0o600}
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700


async def test_receipt_pictures_older_than_the_retention_are_deleted(tmp_path):
    require_cjk_font()
    folder = tmp_path / "training" / "receipts"
    folder.mkdir(parents=True)
    old, recent = folder / "receipt-0007.png", folder / "receipt-0008.png"
    for path, age_days in ((old, 31), (recent, 29)):
        path.write_bytes(b"a label with a name and an address")
        stamp = time.time() - age_days * 86400
        os.utime(path, (stamp, stamp))
    printer = VirtualPrinter(dots=384, save_dir=folder, keep_days=30)
    await printer.start()
    try:
        printer.receive(Decoder(), JOB)
    finally:
        await printer.stop()
    assert sorted(path.name for path in folder.iterdir()) == ["receipt-0001.png", "receipt-0008.png"]


async def test_without_a_cjk_font_it_says_so_and_still_prints(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "default_cjk_font", lambda: None)
    printer = VirtualPrinter(save_dir=tmp_path / "receipts")
    await printer.start()
    printer.receive(Decoder(), JOB)
    await printer.stop()  # waits for the picture that could not be drawn
    assert list(printer.errors) == [
        "could not save receipt 1 as PNG: no CJK font: install fonts-wqy-microhei or fonts-noto-cjk to draw receipts"
    ]
    assert printer.printed == 1
    assert not list((tmp_path / "receipts").glob("*.png"))
