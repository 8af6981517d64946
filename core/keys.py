"""The van's secret: one 32-byte key that encrypts the store and the captures at rest.

It comes from systemd's credentials when the process runs under a unit that loads one
(`LoadCredentialEncrypted=govan.key:…`, so `$CREDENTIALS_DIRECTORY/govan.key`), else from
`govan.key` beside the database, mode 0600, written once by `govan init` (or by the first
opener of a new store). docs/privacy.md says what a stolen laptop exposes in each setup.

The store and the files get keys of their own, derived with HKDF, so neither cipher ever
sees the other's key. The store's key is raw (SQLCipher's `x'…'` form) with a fixed salt:
no PBKDF2 runs when a connection opens, and processes that create one new file at once all
agree on its header.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.problems import Code, ProblemError

__all__ = [
    "CREDENTIAL_NAME",
    "KEY_FILE_NAME",
    "KeyFileError",
    "VanKeys",
    "ensure_keys",
    "key_path",
    "load_keys",
    "write_key",
]

KEY_FILE_NAME = "govan.key"
CREDENTIAL_NAME = "govan.key"
_KEY_BYTES = 32


class KeyFileError(ProblemError):
    """The key is missing, malformed, or readable by others."""


@dataclass(frozen=True)
class VanKeys:
    """The keys derived from the van's secret; never logged, never in a repr."""

    store: bytes
    store_salt: bytes
    files: bytes

    def __repr__(self) -> str:
        return "VanKeys(…)"

    @property
    def sqlcipher_pragma(self) -> str:
        """`PRAGMA key = …`'s value: a raw 256-bit key and its 128-bit salt, so no KDF runs."""
        return f"\"x'{self.store.hex()}{self.store_salt.hex()}'\""


def key_path(data_dir: Path) -> Path:
    """Where the secret is read: systemd's credential when the unit provides one, else the key file."""
    credentials = os.environ.get("CREDENTIALS_DIRECTORY")
    if credentials and (Path(credentials) / CREDENTIAL_NAME).is_file():
        return Path(credentials) / CREDENTIAL_NAME
    return data_dir / KEY_FILE_NAME


def write_key(data_dir: Path) -> bool:
    """Write a new key file (0600) unless one exists; True when written. Safe against a race."""
    path = data_dir / KEY_FILE_NAME
    if path.exists():
        return False
    # Written whole under a private name, then linked: a racing process sees no key or a whole one.
    scratch = data_dir / f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
    with os.fdopen(os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="ascii") as file:
        file.write(secrets.token_bytes(_KEY_BYTES).hex() + "\n")
        file.flush()
        os.fsync(file.fileno())
    try:
        os.link(scratch, path)
    except FileExistsError:
        return False
    finally:
        scratch.unlink()
    return True


def ensure_keys(data_dir: Path) -> VanKeys:
    """The keys, writing the key file first if there is neither a credential nor a key file."""
    if key_path(data_dir) == data_dir / KEY_FILE_NAME:
        write_key(data_dir)
    return load_keys(data_dir)


def load_keys(data_dir: Path) -> VanKeys:
    """Read the secret (credential or key file) and derive the keys."""
    path = key_path(data_dir)
    try:
        status = path.stat()
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise KeyFileError(Code.KEY_MISSING, path=str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise KeyFileError(Code.KEY_UNREADABLE, path=str(path), detail=type(error).__name__) from None
    # systemd's credentials are private to the unit by construction; a key file must be made so.
    if path.name == KEY_FILE_NAME and path.parent == data_dir and status.st_mode & 0o077:
        raise KeyFileError(Code.KEY_EXPOSED, path=str(path), mode=f"{status.st_mode & 0o777:04o}")
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) != _KEY_BYTES:
        raise KeyFileError(Code.KEY_UNREADABLE, path=str(path), detail="not 64 hexadecimal digits")
    return VanKeys(
        store=_derive(secret, b"govan store key", 32),
        store_salt=_derive(secret, b"govan store salt", 16),
        files=_derive(secret, b"govan files key", 32),
    )


def _derive(secret: bytes, purpose: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose).derive(secret)
