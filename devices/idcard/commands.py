"""The commands a host sends to the SAM, how long each may take, and their reply payloads.

Byte order is mixed on purpose of the protocol: length fields are big-endian,
card text is UTF-16LE and the SAM id integers are little-endian.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.idcard import status
from devices.idcard.frames import Command, Reply

RESET = Command(0x10, 0xFF)
SAM_STATUS = Command(0x11, 0xFF)
SAM_ID = Command(0x12, 0xFF)
FIND = Command(0x20, 0x01)
SELECT = Command(0x20, 0x02)
READ = Command(0x30, 0x01)
READ_WITH_FINGERPRINT = Command(0x30, 0x10)
READ_NEW_ADDRESS = Command(0x30, 0x03)

TEXT_SIZE = 256
PHOTO_SIZE = 1024
FINGERPRINT_SIZES = (0, 512, 1024)
NEW_ADDRESS_SIZE = 70
SAM_ID_SIZE = 16
BITS_PER_BYTE = 10  # 8N1 on the wire


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    # The SAM's own think time (card RF exchange included), before the reply is on the wire.
    think_s: float
    # The longest reply it can send, in bytes on the wire.
    reply_size: int

    def timeout(self, baudrate: int) -> float:
        return self.think_s + self.reply_size * BITS_PER_BYTE / baudrate


# Think times are generous versions of what public drivers wait (find/select 100-300 ms,
# read 1.1-2 s), so a loaded host does not mistake a slow reply for a dead reader.
SPECS: dict[tuple[int, int], CommandSpec] = {
    RESET.code: CommandSpec("reset SAM", 1.0, 11),
    SAM_STATUS.code: CommandSpec("SAM status", 0.5, 11),
    SAM_ID.code: CommandSpec("SAM id", 0.5, 27),
    FIND.code: CommandSpec("find card", 0.5, 15),
    SELECT.code: CommandSpec("select card", 0.5, 19),
    READ.code: CommandSpec("read card", 1.5, 1295),
    READ_WITH_FINGERPRINT.code: CommandSpec("read card with fingerprint", 2.5, 2321),
    READ_NEW_ADDRESS.code: CommandSpec("read newest address", 1.0, 81),
}


def spec(command: Command) -> CommandSpec:
    known = SPECS.get(command.code)
    return known if known is not None else CommandSpec(f"command {command.cmd:02X} {command.para:02X}", 1.0, 64)


class ReplyError(ValueError):
    """A reply whose data does not have the shape its command promises."""


@dataclass(frozen=True, slots=True)
class CardFiles:
    """What a read returns: the 256-byte text, the 1024-byte WLT photo, and any fingerprint."""

    text: bytes
    photo: bytes
    fingerprint: bytes = b""


def _lengths(data: bytes, count: int) -> list[int]:
    if len(data) < 2 * count:
        raise ReplyError(f"read reply of {len(data)} bytes is too short for its length fields")
    return [int.from_bytes(data[2 * i : 2 * i + 2], "big") for i in range(count)]


def parse_read(reply: Reply, *, with_fingerprint: bool = False) -> CardFiles:
    """Split the data of a 30 01 (or 30 10) reply by its own length fields, not by total size."""
    count = 3 if with_fingerprint else 2
    sizes = _lengths(reply.data, count)
    if sizes[0] != TEXT_SIZE:
        raise ReplyError(f"read reply says the text is {sizes[0]} bytes, not {TEXT_SIZE}")
    if len(reply.data) != 2 * count + sum(sizes):
        raise ReplyError(f"read reply has {len(reply.data)} data bytes, its length fields say {2 * count + sum(sizes)}")
    start = 2 * count
    text = reply.data[start : start + sizes[0]]
    photo = reply.data[start + sizes[0] : start + sizes[0] + sizes[1]]
    fingerprint = reply.data[start + sizes[0] + sizes[1] :] if with_fingerprint else b""
    return CardFiles(text, photo, fingerprint)


def read_reply(files: CardFiles, *, with_fingerprint: bool = False) -> Reply:
    """The SAM's successful answer to 30 01 (or 30 10)."""
    sizes = [len(files.text), len(files.photo)] + ([len(files.fingerprint)] if with_fingerprint else [])
    head = b"".join(size.to_bytes(2, "big") for size in sizes)
    body = files.text + files.photo + (files.fingerprint if with_fingerprint else b"")
    return Reply(0, 0, status.OK, head + body)


@dataclass(frozen=True, slots=True)
class SamId:
    """The SAM's management number. The display format follows HslCommunication; it is not confirmed."""

    major: int
    minor: int
    first: int
    second: int
    third: int

    def __str__(self) -> str:
        return f"{self.major:02}.{self.minor:02}-{self.first}-{self.second:09}-{self.third:09}"


def parse_sam_id(reply: Reply) -> SamId:
    data = reply.data
    if len(data) != SAM_ID_SIZE:
        raise ReplyError(f"SAM id reply has {len(data)} data bytes, not {SAM_ID_SIZE}")
    first, second, third = (int.from_bytes(data[i : i + 4], "little") for i in (4, 8, 12))
    return SamId(data[0], data[2], first, second, third)


def sam_id_reply(sam_id: SamId) -> Reply:
    data = bytes((sam_id.major, 0, sam_id.minor, 0)) + b"".join(
        value.to_bytes(4, "little") for value in (sam_id.first, sam_id.second, sam_id.third)
    )
    return Reply(0, 0, status.OK, data)


def parse_new_address(reply: Reply) -> str:
    """The newest appended address (30 03): 70 bytes of UTF-16LE, trimmed."""
    if len(reply.data) != NEW_ADDRESS_SIZE:
        raise ReplyError(f"new-address reply has {len(reply.data)} data bytes, not {NEW_ADDRESS_SIZE}")
    try:
        return reply.data.decode("utf-16-le").strip(" \x00")
    except UnicodeDecodeError:
        raise ReplyError("new-address reply is not UCS-2 text") from None


def new_address_reply(address: str) -> Reply:
    encoded = address.encode("utf-16-le")
    if len(encoded) > NEW_ADDRESS_SIZE:
        raise ReplyError(f"an appended address holds at most {NEW_ADDRESS_SIZE // 2} characters")
    return Reply(0, 0, status.OK, encoded + " ".encode("utf-16-le") * ((NEW_ADDRESS_SIZE - len(encoded)) // 2))
