"""MQTT credentials and the broker address each govan program connects to.

The embedded broker never allows anonymous access: its users and random passwords
live in `data_dir/mqtt/` (mode 0700, files 0600). An external broker's passwords
come from the files named in the configuration.

Every authenticated client connects with its username as its client id: mosquitto's
`use_username_as_clientid` forces it, and the embedded broker refuses anything else.
Otherwise a staff credential could take over the daemon's session by reusing its
client id. Staff programs (terminals, `govan status`, `govan rig`) therefore need a
username each while they are connected: `{staff user}-1` … `{staff user}-N`, N being
`mqtt.staff_slots`, all with the one staff password. A program claims the first free
slot with an exclusive lock on `data_dir/run/staff-slot-N.lock`, released when it
disconnects or dies, so two programs never share a slot.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from govan.config import Config

DAEMON_USER = "govan-daemon"
TUI_USER = "govan-tui"
# `govan sync` sends up and takes in on central/…; `govan central` is its far end, on this broker only in
# `govan demo` (in production the centre has a broker of its own, bridged from the van's).
SYNC_USER = "govan-sync"
CENTRAL_USER = "govan-central"
# `govan rig` and a support engineer's tools: they read every device event, cards included, which
# staff terminals may not (daemon/access.py). One connection at a time: its client id is its name.
SUPPORT_USER = "govan-support"
# The users with a password of their own (every staff slot shares TUI_USER's).
SERVICE_USERS = (DAEMON_USER, SYNC_USER, CENTRAL_USER, SUPPORT_USER)
Role = Literal["daemon", "tui", "sync", "support"]
# The embedded broker's password records (see password_digest).
DIGEST_SCHEME = "sha256:"


class CredentialsError(Exception):
    """A password file is missing, unreadable or too open, or no staff slot is free; the message says which."""


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None
    ca_file: str | None = None

    @property
    def client_id(self) -> str | None:
        """The username, as every authenticated client's id; None lets an anonymous client pick its own."""
        return self.username

    def __str__(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def credentials_dir(config: Config) -> Path:
    return config.data_path / "mqtt"


def embedded_password_file(config: Config, username: str) -> Path:
    return credentials_dir(config) / f"{username}.pass"


def embedded_passwd_file(config: Config) -> Path:
    """The embedded broker's own user database: `user:sha256:<hex digest of the password>` lines."""
    return credentials_dir(config) / "passwd"


def staff_usernames(staff_user: str, slots: int) -> list[str]:
    return [f"{staff_user}-{slot}" for slot in range(1, slots + 1)]


def password_digest(password: str) -> str:
    """How the embedded broker records a password: one SHA-256, not a slow password hash.

    Its passwords are 24 random bytes that nobody types, so a slow hash adds nothing against
    guessing; it only costs time on the broker's event loop, which is the daemon's. amqtt's
    argon2 check took 0.1-2 s per connection there, and terminals reconnecting at a stop kept
    the daemon from stopping for more than 30 s on a loaded machine.
    """
    return DIGEST_SCHEME + hashlib.sha256(password.encode()).hexdigest()


def read_embedded_passwd(passwd: Path) -> dict[str, str]:
    """The users and password digests of the embedded broker's passwd file."""
    users = {}
    for line in passwd.read_text(encoding="utf-8").splitlines():
        user, _, digest = line.partition(":")
        users[user] = digest
    return users


def ensure_embedded_credentials(config: Config) -> Path:
    """Create the embedded broker's users once (again when staff_slots changes); returns its passwd file."""
    directory = credentials_dir(config)
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    passwd = embedded_passwd_file(config)
    staff = staff_usernames(TUI_USER, config.mqtt.staff_slots)
    owners = (*SERVICE_USERS, TUI_USER)
    password_files = [embedded_password_file(config, user) for user in owners]
    if passwd.exists() and all(path.exists() for path in password_files):
        known = read_embedded_passwd(passwd)
        # A data folder from before the digests holds argon2 hashes: written again, same passwords.
        if set(known) == {*SERVICE_USERS, *staff} and all(v.startswith(DIGEST_SCHEME) for v in known.values()):
            return passwd
    digests = {}
    for user, path in zip(owners, password_files, strict=True):
        if not path.exists():
            write_secret(path, secrets.token_urlsafe(24) + "\n")
        digests[user] = password_digest(read_password_file(path, "embedded broker password"))
    # Every staff slot shares the staff password.
    lines = [
        *(f"{user}:{digests[user]}\n" for user in SERVICE_USERS),
        *(f"{user}:{digests[TUI_USER]}\n" for user in staff),
    ]
    write_secret(passwd, "".join(lines))
    return passwd


def write_secret(path: Path, text: str) -> None:
    """Write a file that only its owner may read, without a window where it is readable."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    path.chmod(0o600)


def read_password_file(path: Path, key: str) -> str:
    """Read a password file named by config key `key`, refusing one that others can read."""
    try:
        mode = path.stat().st_mode
        password = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise CredentialsError(f"{key} = {str(path)!r}: no such file") from None
    except OSError as error:
        raise CredentialsError(f"{key} = {str(path)!r}: cannot read it ({error.strerror})") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialsError(
            f"{key} = {str(path)!r}: readable by others (mode {stat.filemode(mode)}); run chmod 600 on it"
        )
    if not password:
        raise CredentialsError(f"{key} = {str(path)!r}: the file is empty")
    return password


def broker_address(config: Config, role: Role) -> BrokerAddress:
    """Where and as whom `role` connects. A staff address still needs a slot: see StaffSlot."""
    if config.embedded_broker:
        username = {"daemon": DAEMON_USER, "sync": SYNC_USER, "support": SUPPORT_USER}.get(role, TUI_USER)
        path = embedded_password_file(config, username)
        if not path.exists():
            raise CredentialsError(
                f"no credentials for the embedded broker in {path.parent}; start `govan daemon` or run `govan init` first"
            )
        password = read_password_file(path, "embedded broker password")
        return BrokerAddress("127.0.0.1", config.mqtt.embedded_port, False, username, password)
    url = urlsplit(config.mqtt.url)
    tls = url.scheme == "mqtts"
    port = url.port or (8883 if tls else 1883)
    mqtt = config.mqtt
    username, password_file, key = mqtt.username, mqtt.password_file, "mqtt.password_file"
    if role == "sync" and config.sync.username is not None:
        username, password_file, key = config.sync.username, config.sync.password_file, "sync.password_file"
    elif role in ("tui", "support") and mqtt.username is not None:
        section = mqtt.tui if role == "tui" else mqtt.support
        who = "staff programs" if role == "tui" else "support tools (govan rig)"
        if not (section.username and section.password_file):
            raise CredentialsError(
                f"{who} need their own broker user: set [mqtt.{role}] username and password_file "
                "(`govan init --mosquitto` writes them); they may not share the daemon's"
            )
        username, password_file, key = section.username, section.password_file, f"mqtt.{role}.password_file"
    password = read_password_file(Path(password_file), key) if password_file else None
    return BrokerAddress(url.hostname or "127.0.0.1", port, tls, username, password, mqtt.ca_file)


class StaffSlot:
    """One of the `mqtt.staff_slots` staff broker users, held by this program until `release()`."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._lock: int | None = None
        self.address: BrokerAddress | None = None

    def claim(self) -> BrokerAddress:
        address = broker_address(self._config, "tui")
        if address.username is None:
            return address  # an anonymous broker: nothing to claim, nothing to protect
        folder = self._config.data_path / "run"
        for slot, username in enumerate(staff_usernames(address.username, self._config.mqtt.staff_slots), 1):
            path = folder / f"staff-slot-{slot}.lock"
            try:
                folder.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o660)
            except OSError as error:
                raise CredentialsError(f"cannot claim a staff connection: {path}: {error.strerror}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self._lock = fd
            self.address = replace(address, username=username)
            return self.address
        raise CredentialsError(
            f"all {self._config.mqtt.staff_slots} staff connections are in use (mqtt.staff_slots); "
            "close a terminal or raise the setting"
        )

    def __enter__(self) -> BrokerAddress:
        return self.claim()

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    def release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor drops the lock
            self._lock = None
