"""The connector `[central] connector` names."""

from __future__ import annotations

from pathlib import Path

from central.connectors.base import Connector
from central.connectors.filedrop import FileDrop
from central.connectors.webhook import Webhook

__all__ = ["make_connector"]


def make_connector(
    kind: str, *, spool: Path, webhook_url: str | None = None, webhook_secret: bytes | None = None
) -> Connector | None:
    if kind == "filedrop":
        return FileDrop(spool)
    if kind == "webhook":
        assert webhook_url is not None and webhook_secret is not None
        return Webhook(webhook_url, webhook_secret)
    return None
