"""A card event as the daemon sends it for one of the emulator's cards, for tests that post it to a screen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from daemon.messages import CardEvent
from daemon.units.idreader import card_event
from devices.idcard.driver import CardRead
from devices.idcard.presets import PRESETS

__all__ = ["preset_card"]


def preset_card(preset: str, at: datetime, **changes: Any) -> CardEvent:
    """The daemon's event for the preset read at `at`, without its photo (a still picture for snapshots),
    with `changes` to its fields."""
    card = PRESETS[preset]
    event = card_event(CardRead(card.card, card.photo), at)
    return msgspec.structs.replace(event, photo_wlt="", **changes)
