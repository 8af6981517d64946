"""What one outbox entry carries up: the store's body, and for an accepted case its files.

A file travels as base64 beside the sha256 the van recorded when it was captured, so the
centre checks the bytes it stores against what the camera made, not against what was read
today. A file already gone (it cannot be, before the centre acknowledged the case, unless
someone deleted it by hand) travels as `"content": null` and the centre records it missing.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from core.centre import Envelope
from db import outbox, uplink

__all__ = ["envelope"]


def envelope(db: Database, message: outbox.OutboxMessage) -> Envelope:
    body = uplink.body(db, message)
    if message.kind == "case.accepted":
        body["attachments"] = [_with_content(item) for item in body.get("attachments", [])]
        for line in body.get("materials", []):
            if line.get("attachment"):
                line["attachment"] = {key: value for key, value in line["attachment"].items() if key != "path"}
    return Envelope(message.msg_id, message.kind, message.created_at, body)


def _with_content(item: dict[str, Any]) -> dict[str, Any]:
    path = item.get("path")
    content = None
    if path:
        try:
            content = base64.b64encode(Path(path).read_bytes()).decode("ascii")
        except OSError:
            content = None
    # The van's path means nothing at the centre, and names the capture folder: leave it out.
    return {key: value for key, value in item.items() if key != "path"} | {"content": content}
