"""Ticket size: the bytes of a queue ticket's print job, and its transfer time on a 9600-baud serial printer.

The ticket is the desk's own (flows.slips.slip_document), encoded by the daemon's encoder for 80 mm
paper: the office in double size, the stop, two rules, the number four times the size, the item,
the wait, the time, the ticket page's QR code (with govan web's public address set, as on the van)
and the cut. At 9600 baud, 8N1, a byte takes 10 bits on the wire.

The floor is the ticket's words alone, in GB 18030 with one newline a line, and the QR code's
address: what any encoding has to send. Goal: ≤ 600 bytes (issue 17; it was 2,072 while the rules
were pictures).

    python -m bench.ticket_bytes
"""

from __future__ import annotations

import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from bench.figures import Figure, report
from devices.printer.document import QrBlock, TextBlock
from devices.printer.encoder import encode
from devices.printer.profile import Profile
from flows.slips import SlipText, slip_document

GOAL_BYTES = 600
BAUD = 9600
BITS_PER_BYTE = 10  # a start bit, 8 data bits, a stop bit
TICKET = SlipText(
    label="A012",
    item_name="居民身份证换领",
    stop_name="龙港市新城社区党群服务中心",
    people_ahead=37,
    wait_seconds=37 * 300.0,
    issued_at=datetime(2026, 12, 7, 9, 41, tzinfo=ZoneInfo("Asia/Shanghai")),
    qr_url="https://zw.longgang.gov.cn/t/{number}-k7Qx2mZp",
)


def serial_ms(size: int) -> float:
    return size * BITS_PER_BYTE / BAUD * 1000


def main(size: int | None = None) -> None:
    del size  # one ticket; nothing to scale
    document = slip_document(TICKET)
    job = encode(document, Profile.for_paper(80))
    words = b"".join(block.text.encode("gb18030") + b"\n" for block in document.blocks if isinstance(block, TextBlock))
    words += b"".join(block.data.encode() for block in document.blocks if isinstance(block, QrBlock))
    print(
        f"a queue ticket: {len(job)} bytes, {serial_ms(len(job)):.0f} ms at {BAUD} baud; "
        f"its words and QR address alone: {len(words)} bytes"
    )
    floor_label = "the ticket's words in GB 18030 and its QR address alone"
    report(
        Figure(
            "ticket_bytes",
            "printer: a queue ticket's print job",
            len(job),
            "bytes",
            len(words),
            floor_label,
            goal=f"≤ {GOAL_BYTES} bytes",
            met=len(job) <= GOAL_BYTES,
            note="" if len(job) <= GOAL_BYTES else "a block is sent as a picture where the font would do",
        ),
        Figure(
            "ticket_serial_ms",
            f"printer: a queue ticket's transfer at {BAUD} baud",
            serial_ms(len(job)),
            "ms",
            serial_ms(len(words)),
            f"{floor_label}, at {BAUD} baud",
        ),
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
