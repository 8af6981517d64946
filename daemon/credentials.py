"""MQTT credentials and the broker address each govan program connects to.

The embedded broker never allows anonymous access: its users and random passwords
live in `data_dir/mqtt/` (mode 0700, files 0600). An external broker's passwords
come from the files named in the configuration.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from govan.config import Config

DAEMON_USER = "govan-daemon"
TUI_USER = "govan-tui"
Role = Literal["daemon", "tui"]


class CredentialsError(Exception):
    """A password file is missing, unreadable or too open; the message says which."""


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None

    def __str__(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def credentials_dir(config: Config) -> Path:
    return config.data_path / "mqtt"


def embedded_password_file(config: Config, username: str) -> Path:
    return credentials_dir(config) / f"{username}.pass"


def embedded_passwd_file(config: Config) -> Path:
    """The broker's own user database (argon2 hashes, amqtt's format)."""
    return credentials_dir(config) / "passwd"


def ensure_embedded_credentials(config: Config) -> Path:
    """Create the embedded broker's users once; returns its passwd file."""
    from argon2 import PasswordHasher  # amqtt's FileAuthPlugin reads argon2 hashes

    directory = credentials_dir(config)
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    passwd = embedded_passwd_file(config)
    users = (DAEMON_USER, TUI_USER)
    if passwd.exists() and all(embedded_password_file(config, user).exists() for user in users):
        return passwd
    hasher = PasswordHasher()
    lines = []
    for user in users:
        password = secrets.token_urlsafe(24)
        write_secret(embedded_password_file(config, user), password + "\n")
        lines.append(f"{user}:{hasher.hash(password)}\n")
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
        raise CredentialsError(f"{key} = {str(path)!r}: readable by others (mode {stat.filemode(mode)}); run chmod 600 on it")
    if not password:
        raise CredentialsError(f"{key} = {str(path)!r}: the file is empty")
    return password


def broker_address(config: Config, role: Role) -> BrokerAddress:
    """Where and as whom `role` connects: the daemon, or the programs staff run."""
    if config.embedded_broker:
        username = DAEMON_USER if role == "daemon" else TUI_USER
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
    if role == "tui" and (mqtt.tui.username or mqtt.tui.password_file):
        username, password_file, key = mqtt.tui.username, mqtt.tui.password_file, "mqtt.tui.password_file"
    password = read_password_file(Path(password_file), key) if password_file else None
    return BrokerAddress(url.hostname or "127.0.0.1", port, tls, username, password)
