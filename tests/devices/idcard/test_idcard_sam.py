"""What the emulated SAM answers, and the reply payload parsers."""

from __future__ import annotations

import pytest

from devices.idcard import commands, status
from devices.idcard.commands import CardFiles, ReplyError, SamId
from devices.idcard.frames import BadChecksum, Command, Reply
from devices.idcard.sam import CardOnReader, SamModel

FILES = CardFiles(bytes(range(256)), bytes(1024), bytes(512))


def sw3(model: SamModel, command: Command, **faults: bool) -> int:
    return model.answer(command, **faults).sw3


def test_a_card_is_found_once_and_again_only_after_it_is_put_back() -> None:
    model = SamModel()
    assert sw3(model, commands.FIND) == status.FIND_FAILED
    model.place(CardOnReader(FILES))
    assert sw3(model, commands.READ) == status.READ_FAILED  # not selected yet
    assert sw3(model, commands.FIND) == status.CARD_FOUND
    assert sw3(model, commands.SELECT) == status.OK
    reply = model.answer(commands.READ)
    assert commands.parse_read(reply) == CardFiles(FILES.text, FILES.photo)
    assert sw3(model, commands.FIND) == status.FIND_FAILED  # lying on the reader, already read
    assert sw3(model, commands.READ) == status.OK  # a spoilt reply can be asked for again
    model.remove()
    assert sw3(model, commands.FIND) == status.FIND_FAILED
    model.place(CardOnReader(FILES))
    assert sw3(model, commands.FIND) == status.CARD_FOUND


def test_power_cycle_makes_a_lying_card_fresh() -> None:
    model = SamModel()
    model.place(CardOnReader(FILES))
    for command in (commands.FIND, commands.SELECT, commands.READ):
        model.answer(command)
    model.power_cycle()
    assert sw3(model, commands.FIND) == status.CARD_FOUND


def test_read_with_fingerprint_splits_by_its_length_fields() -> None:
    model = SamModel()
    model.place(CardOnReader(FILES))
    model.answer(commands.FIND)
    model.answer(commands.SELECT)
    reply = model.answer(commands.READ_WITH_FINGERPRINT)
    assert len(reply.encode()) == 1809
    assert commands.parse_read(reply, with_fingerprint=True) == FILES


def test_new_address_and_its_absence() -> None:
    model = SamModel()
    model.place(CardOnReader(FILES, new_address="浙江省温州市龙港市新城路9号"))
    model.answer(commands.FIND)
    model.answer(commands.SELECT)
    reply = model.answer(commands.READ_NEW_ADDRESS)
    assert len(reply.encode()) == 81
    assert commands.parse_new_address(reply) == "浙江省温州市龙港市新城路9号"
    model.place(CardOnReader(FILES))
    model.answer(commands.FIND)
    model.answer(commands.SELECT)
    assert sw3(model, commands.READ_NEW_ADDRESS) == status.NO_CONTENT


def test_sam_id_reply_is_27_bytes_and_reads_back() -> None:
    sam_id = SamId(5, 1, 20240424, 330383, 1)
    reply = SamModel(sam_id).answer(commands.SAM_ID)
    assert len(reply.encode()) == 27
    assert commands.parse_sam_id(reply) == sam_id
    assert str(sam_id) == "05.01-20240424-000330383-000000001"


def test_faults_and_unknown_frames() -> None:
    model = SamModel()
    model.place(CardOnReader(FILES))
    assert sw3(model, commands.SAM_STATUS, sam_failure=True) == status.SAM_SELF_TEST_FAILED
    assert sw3(model, commands.FIND, sam_failure=True) == status.SAM_SELF_TEST_FAILED
    model.answer(commands.FIND)
    model.answer(commands.SELECT)
    assert sw3(model, commands.READ, read_failure=True) == status.READ_FAILED
    assert sw3(model, commands.READ) == status.OK
    assert sw3(model, Command(0x55, 0x01)) == status.COMMAND_ERROR
    assert model.answer(BadChecksum(1, 2, 10)).sw3 == status.CHECKSUM_ERROR


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(0, 0, 0x90, b"\x01"), "too short for its length fields"),
        (Reply(0, 0, 0x90, b"\x00\x10\x04\x00" + bytes(16 + 1024)), "text is 16 bytes, not 256"),
        (Reply(0, 0, 0x90, b"\x01\x00\x04\x00" + bytes(100)), "length fields say 1284"),
    ],
)
def test_malformed_read_replies_say_what_is_wrong(reply: Reply, message: str) -> None:
    with pytest.raises(ReplyError, match=message):
        commands.parse_read(reply)


def test_malformed_small_replies() -> None:
    with pytest.raises(ReplyError, match="SAM id reply has 3 data bytes"):
        commands.parse_sam_id(Reply(0, 0, 0x90, b"abc"))
    with pytest.raises(ReplyError, match="not 70"):
        commands.parse_new_address(Reply(0, 0, 0x90, b"abc"))
    with pytest.raises(ReplyError, match="at most 35"):
        commands.new_address_reply("路" * 36)


def test_every_command_has_a_timeout_that_grows_with_slower_lines() -> None:
    for command in (
        commands.RESET,
        commands.SAM_STATUS,
        commands.SAM_ID,
        commands.FIND,
        commands.SELECT,
        commands.READ,
        commands.READ_WITH_FINGERPRINT,
        commands.READ_NEW_ADDRESS,
    ):
        spec = commands.spec(command)
        assert spec.timeout(9600) > spec.timeout(115200) > 0
    assert commands.spec(Command(0x60, 0x00)).name == "command 60 00"
