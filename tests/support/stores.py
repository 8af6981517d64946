"""Copying a template store: the encrypted file goes with the key that opens it."""

from __future__ import annotations

import shutil
from pathlib import Path

from core.keys import KEY_FILE_NAME

__all__ = ["copy_store"]


def copy_store(template: Path, destination: Path) -> None:
    """Copy a closed store file and its key file (0600 kept) beside `destination`."""
    shutil.copyfile(template, destination)
    destination.chmod(0o600)
    shutil.copy2(template.parent / KEY_FILE_NAME, destination.parent / KEY_FILE_NAME)
