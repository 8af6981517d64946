"""The far end of the protocol, sans-I/O: what a SAM module and the card on it answer.

The emulators wrap this model in real I/O (a pty pair, USB pipes). It keeps the
card's life on the reader the way readers behave: `find` answers 9F for a card
placed and not yet read; after a successful read, `find` answers 80 until the card
is taken off and put back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from devices.idcard import commands, status
from devices.idcard.commands import CardFiles, SamId
from devices.idcard.frames import BadChecksum, Command, Reply

FIND_DATA = bytes(4)  # the "card IIN"; every public capture shows zeros
SELECT_DATA = bytes(8)
DEFAULT_SAM_ID = SamId(5, 1, 20240424, 330383, 1)


class CardState(enum.Enum):
    ABSENT = enum.auto()
    PLACED = enum.auto()  # in the field, not found yet
    FOUND = enum.auto()
    SELECTED = enum.auto()
    READ = enum.auto()  # read once; find fails until it is put back


@dataclass(frozen=True, slots=True)
class CardOnReader:
    files: CardFiles
    new_address: str | None = None


def _status(code: int, data: bytes = b"") -> Reply:
    return Reply(0, 0, code, data)


class SamModel:
    def __init__(self, sam_id: SamId = DEFAULT_SAM_ID, *, finds_read_cards: bool = False) -> None:
        self.sam_id = sam_id
        # Some readers may keep answering 9F for a card already read (YinanSoft hints at it;
        # unconfirmed). Drivers must cope with both kinds.
        self.finds_read_cards = finds_read_cards
        self.card: CardOnReader | None = None
        self.state = CardState.ABSENT

    def place(self, card: CardOnReader) -> None:
        self.card = card
        self.state = CardState.PLACED

    def remove(self) -> None:
        self.card = None
        self.state = CardState.ABSENT

    def power_cycle(self) -> None:
        """The reader lost power: a card still lying on it is fresh again."""
        if self.card is not None:
            self.state = CardState.PLACED

    def answer(self, frame: Command | BadChecksum, *, sam_failure: bool = False, read_failure: bool = False) -> Reply:
        """The reply to one host frame. Faults make the SAM answer as a failing one would."""
        if isinstance(frame, BadChecksum):
            return _status(status.CHECKSUM_ERROR)
        if sam_failure:
            return _status(status.SAM_SELF_TEST_FAILED)
        code = frame.code
        if code in (commands.SAM_STATUS.code, commands.RESET.code):
            return _status(status.OK)
        if code == commands.SAM_ID.code:
            return commands.sam_id_reply(self.sam_id)
        if code == commands.FIND.code:
            return self._find()
        if code == commands.SELECT.code:
            return self._select()
        if code in (commands.READ.code, commands.READ_WITH_FINGERPRINT.code, commands.READ_NEW_ADDRESS.code):
            return self._read(frame, read_failure)
        return _status(status.COMMAND_ERROR)

    def _find(self) -> Reply:
        findable = (CardState.PLACED, CardState.FOUND, CardState.SELECTED)
        if self.state in findable or (self.finds_read_cards and self.state is CardState.READ):
            self.state = CardState.FOUND
            return _status(status.CARD_FOUND, FIND_DATA)
        return _status(status.FIND_FAILED)

    def _select(self) -> Reply:
        if self.state in (CardState.FOUND, CardState.SELECTED):
            self.state = CardState.SELECTED
            return _status(status.OK, SELECT_DATA)
        return _status(status.SELECT_FAILED)

    def _read(self, frame: Command, read_failure: bool) -> Reply:
        card = self.card
        if card is None or self.state not in (CardState.SELECTED, CardState.READ) or read_failure:
            return _status(status.READ_FAILED)
        if frame.code == commands.READ_NEW_ADDRESS.code:
            if card.new_address is None:
                return _status(status.NO_CONTENT)
            return commands.new_address_reply(card.new_address)
        self.state = CardState.READ
        return commands.read_reply(card.files, with_fingerprint=frame.code == commands.READ_WITH_FINGERPRINT.code)
