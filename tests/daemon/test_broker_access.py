"""The shipped broker configurations: no anonymous access, and the ACL keeps roles apart."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiomqtt
import pytest

from daemon.broker import EmbeddedBroker
from daemon.credentials import DAEMON_USER, SUPPORT_USER, TUI_USER, BrokerAddress, ensure_embedded_credentials
from daemon.topics import Topics
from govan import config as config_module
from tests.support.aio import within
from tests.support.mosquitto import MosquittoBroker
from tests.support.net import free_port

TOPICS = Topics.for_van("govan", "lg-01")
STAFF_1, STAFF_2 = f"{TUI_USER}-1", f"{TUI_USER}-2"
SLOTS = config_module.Config().mqtt.staff_slots
USERS = (DAEMON_USER, TUI_USER, SUPPORT_USER)


@contextlib.asynccontextmanager
async def broker_with_users(kind: str, tmp_path: Path) -> AsyncIterator[tuple[int, dict[str, str]]]:
    """A running broker of `kind` and the passwords of its users (the daemon's, staff's, support's)."""
    if kind == "mosquitto":
        broker = MosquittoBroker(tmp_path / "mosquitto", config_module.Config())
        broker.start()
        try:
            yield broker.port, {u: broker.files.password_file(u).read_text().strip() for u in USERS}
        finally:
            broker.stop()
        return
    config = config_module.parse(f'data_dir = "{tmp_path}"\n', "test")
    passwd = ensure_embedded_credentials(config)
    port = free_port()
    async with EmbeddedBroker(port, passwd, TOPICS.base, SLOTS):
        yield port, {u: (passwd.parent / f"{u}.pass").read_text().strip() for u in USERS}


def _client(port: int, user: str | None = None, password: str | None = None) -> aiomqtt.Client:
    """A client whose id is its username, as both brokers require."""
    return aiomqtt.Client(
        "127.0.0.1",
        port,
        username=user,
        password=password,
        identifier=user,
        protocol=aiomqtt.ProtocolVersion.V311,
        timeout=5,
    )


async def _delivered(listener: aiomqtt.Client, topic: str, wait: float) -> list[bytes]:
    seen: list[bytes] = []

    async def collect() -> None:
        async for message in listener.messages:
            if message.topic.value == topic:
                seen.append(message.payload)

    task = asyncio.create_task(collect())
    await asyncio.sleep(wait)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return seen


@pytest.mark.parametrize("kind", ["embedded", "mosquitto"])
async def test_anonymous_and_wrong_password_are_refused(kind: str, tmp_path: Path) -> None:
    async with broker_with_users(kind, tmp_path) as (port, _):
        with pytest.raises(aiomqtt.MqttError):
            async with _client(port):
                pass
        with pytest.raises(aiomqtt.MqttError):
            async with _client(port, STAFF_1, "wrong"):
                pass


@pytest.mark.parametrize("kind", ["embedded", "mosquitto"])
async def test_tui_cannot_publish_card_events_but_the_daemon_can(kind: str, tmp_path: Path) -> None:
    async with (
        broker_with_users(kind, tmp_path) as (port, passwords),
        _client(port, DAEMON_USER, passwords[DAEMON_USER]) as daemon,
        _client(port, STAFF_1, passwords[TUI_USER]) as tui,
        _client(port, SUPPORT_USER, passwords[SUPPORT_USER]) as listener,
    ):
        await listener.subscribe(TOPICS.card, qos=1)
        await tui.publish(TOPICS.card, b'{"forged": true}', qos=1)
        assert await _delivered(listener, TOPICS.card, 0.7) == []
        await daemon.publish(TOPICS.card, b'{"genuine": true}', qos=1)
        assert await _delivered(listener, TOPICS.card, 0.7) == [b'{"genuine": true}']
        # and the other way round: commands are the TUI's to send
        await listener.subscribe(TOPICS.command("printer", "print"), qos=1)
        await tui.publish(TOPICS.command("printer", "print"), b"{}", qos=1)
        assert await _delivered(listener, TOPICS.command("printer", "print"), 0.7) == [b"{}"]


@pytest.mark.parametrize("kind", ["embedded", "mosquitto"])
async def test_a_terminal_reads_its_own_card_reads_and_no_one_elses(kind: str, tmp_path: Path) -> None:
    """Least privilege: a card read goes to B/terminal/<holder>/<device>/card, and to the contract's
    B/idreader/card for the support user; another staff user reads neither, whatever it subscribes to."""
    mine = TOPICS.terminal_event(STAFF_1, "idreader", "card")
    async with (
        broker_with_users(kind, tmp_path) as (port, passwords),
        _client(port, DAEMON_USER, passwords[DAEMON_USER]) as daemon,
        _client(port, STAFF_1, passwords[TUI_USER]) as holder,
        _client(port, STAFF_2, passwords[TUI_USER]) as other,
    ):
        await holder.subscribe(TOPICS.terminal_events(STAFF_1), qos=1)
        for snoop in (TOPICS.card, TOPICS.terminal_events(STAFF_1), f"{TOPICS.base}/terminal/#", f"{TOPICS.base}/#"):
            with contextlib.suppress(aiomqtt.MqttError):  # the embedded broker refuses these outright
                await other.subscribe(snoop, qos=1)
        await other.subscribe(TOPICS.holder("idreader"), qos=1)  # what a terminal may read, to show it hears
        card, held = b'{"name": "\xe9\xbb\x84\xe5\x98\x89\xe6\xac\xa3"}', b'{"terminal": "govan-tui-1"}'
        await daemon.publish(mine, card, qos=1)
        await daemon.publish(TOPICS.card, card, qos=1)
        await daemon.publish(TOPICS.holder("idreader"), held, qos=1)
        got_mine, seen_by_other = await asyncio.gather(_delivered(holder, mine, 0.7), _delivered_all(other, 0.7))
        assert got_mine == [card]
        assert seen_by_other == [(TOPICS.holder("idreader"), held)]


@pytest.mark.parametrize("kind", ["embedded", "mosquitto"])
async def test_a_terminal_may_say_only_its_own_presence_and_only_the_daemon_names_holders(
    kind: str, tmp_path: Path
) -> None:
    # Forging another terminal's "offline" would free what it holds; forging a holder would send
    # it another terminal's cards.
    mine, theirs = TOPICS.terminal_state(STAFF_1), TOPICS.terminal_state(STAFF_2)
    async with (
        broker_with_users(kind, tmp_path) as (port, passwords),
        _client(port, DAEMON_USER, passwords[DAEMON_USER]) as daemon,
        _client(port, STAFF_1, passwords[TUI_USER]) as tui,
        _client(port, SUPPORT_USER, passwords[SUPPORT_USER]) as listener,
    ):
        await listener.subscribe(f"{TOPICS.base}/#", qos=1)
        await tui.publish(theirs, b'{"state": "offline"}', qos=1)
        await tui.publish(TOPICS.holder("idreader"), b'{"terminal": "govan-tui-1"}', qos=1)
        await tui.publish(mine, b'{"state": "online"}', qos=1)
        await tui.publish(TOPICS.command("idreader", "claim"), b"{}", qos=1)
        await daemon.publish(TOPICS.holder("idreader"), b'{"terminal": null}', qos=1)
        seen = await _delivered_all(listener, 0.7)
        assert (theirs, b'{"state": "offline"}') not in seen
        assert (TOPICS.holder("idreader"), b'{"terminal": "govan-tui-1"}') not in seen
        assert {
            (mine, b'{"state": "online"}'),
            (TOPICS.command("idreader", "claim"), b"{}"),
            (TOPICS.holder("idreader"), b'{"terminal": null}'),
        } <= set(seen)


@pytest.mark.parametrize("kind", ["embedded", "mosquitto"])
async def test_a_last_will_on_another_terminals_presence_is_never_delivered(kind: str, tmp_path: Path) -> None:
    theirs = TOPICS.terminal_state(STAFF_2)
    forger = [sys.executable, "-c", FORGER]
    async with (
        broker_with_users(kind, tmp_path) as (port, passwords),
        _client(port, SUPPORT_USER, passwords[SUPPORT_USER]) as listener,
    ):
        await listener.subscribe(theirs, qos=1)
        # A process that dies without a clean disconnect, so the broker would send its will.
        child = await asyncio.create_subprocess_exec(
            *forger, str(port), STAFF_1, passwords[TUI_USER], theirs, stdout=asyncio.subprocess.PIPE
        )
        # The embedded broker refuses it at once; mosquitto lets it in and drops the will.
        said = await within(10, child.stdout.readline())  # type: ignore[union-attr]
        assert said == (b"refused\n" if kind == "embedded" else b"connected\n")
        child.kill()
        await child.wait()
        assert await _delivered(listener, theirs, 0.7) == []


FORGER = """
import asyncio, sys
import aiomqtt

async def main(port, user, password, topic):
    will = aiomqtt.Will(topic, b'{"state": "offline"}', 1, True)
    try:
        async with aiomqtt.Client("127.0.0.1", int(port), username=user, password=password, identifier=user,
                                  protocol=aiomqtt.ProtocolVersion.V311, will=will, timeout=5):
            print("connected", flush=True)
            await asyncio.Event().wait()
    except aiomqtt.MqttError:
        print("refused", flush=True)
        await asyncio.Event().wait()

asyncio.run(main(*sys.argv[1:]))
"""


async def _delivered_all(listener: aiomqtt.Client, wait: float) -> list[tuple[str, bytes]]:
    seen: list[tuple[str, bytes]] = []

    async def collect() -> None:
        async for message in listener.messages:
            seen.append((message.topic.value, message.payload))

    task = asyncio.create_task(collect())
    await asyncio.sleep(wait)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return seen


def test_embedded_broker_listens_on_loopback_only(tmp_path: Path) -> None:
    from daemon.broker import broker_config

    passwd = ensure_embedded_credentials(config_module.parse(f'data_dir = "{tmp_path}"\n', "test"))
    config = broker_config(passwd, TOPICS.base, SLOTS)
    assert config["listeners"]["default"]["type"] == "external"  # govan binds it, on loopback
    assert not any("Anonymous" in plugin for plugin in config["plugins"])


async def test_a_data_folder_with_argon2_hashes_gets_digests_and_keeps_its_passwords(tmp_path: Path) -> None:
    """Before the digests, amqtt's FileAuthPlugin read argon2 hashes; clients' .pass files must still work."""
    from argon2 import PasswordHasher

    from daemon.credentials import embedded_password_file

    config = config_module.parse(f'data_dir = "{tmp_path}"\n', "test")
    passwd = ensure_embedded_credentials(config)
    password = embedded_password_file(config, DAEMON_USER).read_text().strip()
    old_style = PasswordHasher().hash(password)
    passwd.write_text("".join(f"{line.partition(':')[0]}:{old_style}\n" for line in passwd.read_text().splitlines()))
    assert ensure_embedded_credentials(config) == passwd
    assert "argon2" not in passwd.read_text()
    port = free_port()
    async with EmbeddedBroker(port, passwd, TOPICS.base, SLOTS), _client(port, DAEMON_USER, password) as client:
        await client.publish(TOPICS.daemon_state, b"{}", qos=1)


async def test_embedded_broker_refuses_to_start_on_a_taken_port(tmp_path: Path) -> None:
    from daemon.broker import BrokerError

    config = config_module.parse(f'data_dir = "{tmp_path}"\n', "test")
    passwd = ensure_embedded_credentials(config)
    port = free_port()
    async with EmbeddedBroker(port, passwd, TOPICS.base, SLOTS):
        with pytest.raises(BrokerError, match=f"127.0.0.1:{port}"):
            async with EmbeddedBroker(port, passwd, TOPICS.base, SLOTS):
                pass


def test_credentials_are_private(tmp_path: Path) -> None:
    config = config_module.parse(f'data_dir = "{tmp_path}"\n', "test")
    passwd = ensure_embedded_credentials(config)
    assert passwd.parent.stat().st_mode & 0o077 == 0
    for path in passwd.parent.iterdir():
        assert path.stat().st_mode & 0o077 == 0, path


def test_password_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    from daemon.credentials import CredentialsError, broker_address

    secret = tmp_path / "daemon.pass"
    secret.write_text("s3cret\n")
    secret.chmod(0o644)
    config = config_module.parse(
        f'data_dir = "{tmp_path}"\n[mqtt]\nurl = "mqtt://127.0.0.1:1883"\nusername = "d"\npassword_file = "{secret}"\n',
        "t",
    )
    with pytest.raises(CredentialsError, match="chmod 600"):
        broker_address(config, "daemon")
    secret.chmod(0o600)
    assert broker_address(config, "daemon") == BrokerAddress("127.0.0.1", 1883, False, "d", "s3cret")
