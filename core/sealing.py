"""Files sealed with AES-256-GCM: captures, ID photos and the backup of a migrated store.

A sealed file is `GOVANSEAL1`, a 12-byte random nonce, then the ciphertext with its tag.
The file's name is the associated data, so a sealed capture moved under another case's
name does not open. Sealed files are opened only to show or to send them, in memory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.problems import Code, ProblemError

__all__ = ["MAGIC", "SealError", "is_sealed", "open_capture", "open_file", "seal", "unseal", "write_sealed"]

MAGIC = b"GOVANSEAL1"
_NONCE = 12


class SealError(ProblemError):
    """A sealed file does not open: another key, another name, or damaged."""


def seal(key: bytes, data: bytes, *, name: str) -> bytes:
    nonce = secrets.token_bytes(_NONCE)
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, data, name.encode("utf-8"))


def unseal(key: bytes, sealed: bytes, *, name: str) -> bytes:
    if not sealed.startswith(MAGIC):
        raise SealError(Code.SEAL_NOT_SEALED, name=name)
    nonce = sealed[len(MAGIC) : len(MAGIC) + _NONCE]
    try:
        return AESGCM(key).decrypt(nonce, sealed[len(MAGIC) + _NONCE :], name.encode("utf-8"))
    except InvalidTag:
        raise SealError(Code.SEAL_DOES_NOT_OPEN, name=name) from None


def is_sealed(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(MAGIC)) == MAGIC


def write_sealed(key: bytes, path: Path, data: bytes) -> None:
    """Seal `data` into `path` (0600), whole or not at all."""
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    with os.fdopen(os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
        file.write(seal(key, data, name=path.name))
        file.flush()
        os.fsync(file.fileno())
    scratch.replace(path)


def open_file(key: bytes, path: Path) -> bytes:
    """A sealed file's contents, in memory only."""
    return unseal(key, path.read_bytes(), name=path.name)


def open_capture(key: bytes, path: Path) -> bytes:
    """A capture's picture: unsealed, or as it is for a file written before captures were sealed."""
    content = path.read_bytes()
    return unseal(key, content, name=path.name) if content.startswith(MAGIC) else content
