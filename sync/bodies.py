"""What one outbox entry carries up: the store's body, and for an accepted case its files.

A file travels as base64 beside the sha256 the van recorded when it was captured, so the
centre checks the bytes it stores against what the camera made, not against what was read
today. A file already gone (it cannot be, before the centre acknowledged the case, unless
someone deleted it by hand) travels as `"content": null` and the centre records it missing.
Captures are sealed on the van (core.sealing): each is unsealed in memory, only to send it,
so the sha256 the centre checks is the picture's own.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from core import sealing
from core.centre import Envelope
from db import connection, outbox, uplink

log = logging.getLogger(__name__)

__all__ = ["envelope"]


def envelope(db: Database, message: outbox.OutboxMessage) -> Envelope:
    body = uplink.body(db, message)
    if message.kind == "case.accepted":
        key = connection.files_key(db)
        body["attachments"] = [_with_content(item, key) for item in body.get("attachments", [])]
        for line in body.get("materials", []):
            if line.get("attachment"):
                line["attachment"] = {key: value for key, value in line["attachment"].items() if key != "path"}
    return Envelope(message.msg_id, message.kind, message.created_at, body)


def _with_content(item: dict[str, Any], key: bytes) -> dict[str, Any]:
    path = item.get("path")
    content = None
    if path:
        try:
            content = base64.b64encode(sealing.open_capture(key, Path(path))).decode("ascii")
        except OSError:
            content = None
        except sealing.SealError as error:
            # Another key or a damaged file: the centre records it missing, the log says which.
            log.warning("attachment %s not sent: %s", item.get("id"), error)
            content = None
    # The van's path means nothing at the centre, and names the capture folder: leave it out.
    return {key: value for key, value in item.items() if key != "path"} | {"content": content}
