"""Textual messages that carry daemon news into the app."""

from __future__ import annotations

from textual.message import Message

from daemon.messages import CardEvent, DeviceError, QueueBoard, QueueEvent, ScanEvent, Status


class DevicesChanged(Message):
    def __init__(self, status: Status) -> None:
        super().__init__()
        self.status = status


class CardRead(Message):
    def __init__(self, card: CardEvent) -> None:
        super().__init__()
        self.card = card


class CodeScanned(Message):
    def __init__(self, scan: ScanEvent) -> None:
        super().__init__()
        self.scan = scan


class DeviceFaulted(Message):
    def __init__(self, error: DeviceError) -> None:
        super().__init__()
        self.error = error


class QueueChanged(Message):
    """Another terminal changed the queue; refresh from the store."""

    def __init__(self, event: QueueEvent) -> None:
        super().__init__()
        self.event = event


class BoardChanged(Message):
    def __init__(self, board: QueueBoard) -> None:
        super().__init__()
        self.board = board
