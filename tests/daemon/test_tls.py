"""mqtts:// to a real mosquitto whose certificate is signed by a CA of our own, named by mqtt.ca_file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from daemon.client import BrokerUnreachable, DaemonClient
from daemon.credentials import DAEMON_USER, TUI_USER
from govan import config as config_module
from tests.support.mosquitto import MosquittoBroker
from tests.support.net import free_port, wait_for_port


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a server certificate for 127.0.0.1 signed by it: (ca, cert, key)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder.mkdir()
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=govan test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        cwd=folder,
    )
    _openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        cwd=folder,
    )
    (folder / "san.ext").write_text("subjectAltName = IP:127.0.0.1\n", encoding="utf-8")
    _openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.crt",
        cwd=folder,
    )
    for name in ("server.key", "server.crt", "ca.crt"):
        (folder / name).chmod(0o644)  # mosquitto may drop to another user before reading them
    return folder / "ca.crt", folder / "server.crt", folder / "server.key"


def tls_config(tmp_path: Path, broker: MosquittoBroker, port: int, ca_file: Path | None) -> config_module.Config:
    files = broker.files
    lines = [
        f'data_dir = "{tmp_path / "data"}"',
        "[mqtt]",
        f'url = "mqtts://127.0.0.1:{port}"',
        f'username = "{DAEMON_USER}"',
        f'password_file = "{files.password_file(DAEMON_USER)}"',
        *([f'ca_file = "{ca_file}"'] if ca_file else []),
        "[mqtt.tui]",
        f'username = "{TUI_USER}"',
        f'password_file = "{files.password_file(TUI_USER)}"',
    ]
    return config_module.parse("\n".join(lines) + "\n", "test")


async def test_mqtts_with_the_ca_file_connects_and_without_it_says_why(tmp_path: Path) -> None:
    ca, cert, key = make_certificates(tmp_path / "tls")
    broker = MosquittoBroker(tmp_path / "mosquitto", config_module.Config())
    port = free_port()
    # A TLS listener beside the shipped one, as docs/deploy.md describes.
    (broker.files.directory / "tls.conf").write_text(
        f"listener {port} 127.0.0.1\nuse_username_as_clientid true\ncafile {ca}\ncertfile {cert}\nkeyfile {key}\n",
        encoding="utf-8",
    )
    broker.start()
    try:
        wait_for_port(port)
        async with DaemonClient(tls_config(tmp_path, broker, port, ca)) as client:
            assert client.status.broker_connected
        with pytest.raises(BrokerUnreachable, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
            async with DaemonClient(tls_config(tmp_path, broker, port, None)):
                pass
    finally:
        broker.stop()


def test_ca_file_is_only_for_mqtts(tmp_path: Path) -> None:
    with pytest.raises(config_module.ConfigError, match="mqtt.ca_file.*only applies to an mqtts:// url"):
        config_module.parse('[mqtt]\nurl = "mqtt://127.0.0.1:1883"\nca_file = "/etc/ssl/ca.crt"\n', "govan.toml")
