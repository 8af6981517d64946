"""The embedded broker: amqtt in the daemon's own process, on loopback, with passwords.

amqtt's default configuration binds 0.0.0.0 and admits anonymous clients, so the
configuration is always given in full here.

govan owns the listening socket (amqtt's "external" listener) rather than letting amqtt
bind it. amqtt's shutdown cleans up sessions before it closes its listener, so clients
that reconnect in between keep live sockets that asyncio's `Server.wait_closed()` waits
for forever: the daemon hung after "daemon stopped" and kept its port. Owning the socket
lets a stop refuse new connections and abort every client first.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import dataclass
from pathlib import Path

import aiomqtt
from amqtt.adapters import StreamReaderAdapter, StreamWriterAdapter
from amqtt.broker import Broker, BrokerContext
from amqtt.plugins.base import BaseAuthPlugin, BasePlugin
from amqtt.session import Session

from daemon.access import publish_rules, read_rules
from daemon.credentials import TUI_USER, password_digest, read_embedded_passwd, staff_usernames

LOOPBACK = "127.0.0.1"
LISTENER = "default"  # amqtt requires a listener of this name
# More than a van ever runs (daemon, a dozen terminals, support); a runaway client cannot exhaust the laptop.
MAX_CONNECTIONS = 64
log = logging.getLogger(__name__)


class BrokerError(Exception):
    """The embedded broker cannot start; the message says what to change."""


class AdmitClient(BaseAuthPlugin):
    """Admit a client whose password is its user's, whose id is its username (as mosquitto's
    `use_username_as_clientid` forces), and whose last will is on a topic it may publish (as
    mosquitto's ACL check of the will does).

    So a staff credential cannot take over the daemon's session by reusing its client id, and
    cannot forge a card event, or another terminal's "offline", as its will: amqtt publishes a
    will without asking the publish ACL. The password check is a digest compare, not amqtt's
    FileAuthPlugin, whose argon2 ran on the daemon's loop (credentials.password_digest).
    """

    @dataclass
    class Config:
        digests: dict[str, str]
        publish_rules: dict[str, list[str]]

    async def authenticate(self, *, session: Session) -> bool:
        expected = self.config.digests.get(session.username or "")
        if (
            expected is None
            or session.password is None
            or not hmac.compare_digest(password_digest(session.password), expected)
        ):
            log.warning("refused MQTT client %r: unknown user or wrong password", session.username)
            return False
        if session.client_id != session.username:
            log.warning("refused MQTT client %r: its client id must be its username", session.username)
            return False
        if session.will_flag and not self._may_publish(session.username or "", session.will_topic or ""):
            log.warning(
                "refused MQTT client %r: its last will is on %s, which it may not publish",
                session.username,
                session.will_topic,
            )
            return False
        return True

    def _may_publish(self, username: str, topic: str) -> bool:
        rules = self.config.publish_rules.get(username, [])
        return bool(topic) and any(aiomqtt.Topic(topic).matches(rule) for rule in rules)


class Subscriptions:
    """The topic filters clients have subscribed to since the broker started.

    A message published while nobody subscribes to it is lost, and this broker starts
    with the daemon, so a message the daemon owes someone at start-up must wait for them.
    The daemon's own subscriptions count too; it subscribes to commands, never to results.
    """

    def __init__(self) -> None:
        self._filters: set[str] = set()
        self._waiters: list[tuple[aiomqtt.Topic, asyncio.Future[None]]] = []

    def add(self, topic_filter: str) -> None:
        self._filters.add(topic_filter)
        for topic, waiter in self._waiters:
            if not waiter.done() and topic.matches(topic_filter):
                waiter.set_result(None)

    async def wait_for(self, topic: str) -> None:
        """Return once some client has subscribed to a filter that takes `topic`."""
        entry = (aiomqtt.Topic(topic), asyncio.get_running_loop().create_future())
        if any(entry[0].matches(topic_filter) for topic_filter in self._filters):
            return
        self._waiters.append(entry)
        try:
            await entry[1]
        finally:
            self._waiters.remove(entry)


class SubscriptionPlugin(BasePlugin[BrokerContext]):
    """Tells `Subscriptions` of every subscription the broker granted."""

    @dataclass
    class Config:
        subscriptions: Subscriptions

    async def on_broker_client_subscribed(self, *, client_id: str, topic: str, qos: int) -> None:
        self.config.subscriptions.add(topic)


def broker_config(passwd: Path, base: str, staff_slots: int) -> dict:
    staff = staff_usernames(TUI_USER, staff_slots)
    publishing = publish_rules(base, staff)
    return {
        # amqtt skips a listener without "bind"; the external listener never binds it.
        "listeners": {LISTENER: {"type": "external", "bind": f"{LOOPBACK}:0"}},
        "plugins": {
            f"{__name__}.{AdmitClient.__name__}": {
                "digests": read_embedded_passwd(passwd),
                "publish_rules": publishing,
            },
            "amqtt.plugins.topic_checking.TopicAccessControlListPlugin": {
                "acl": read_rules(base, staff),
                "publish_acl": publishing,
            },
        },
    }


class EmbeddedBroker:
    """`async with EmbeddedBroker(...)`: listening on return; on exit every client is cut off, then amqtt stops."""

    def __init__(self, port: int, passwd: Path, base: str, staff_slots: int) -> None:
        self.port = port
        self.subscriptions = Subscriptions()
        config = broker_config(passwd, base, staff_slots)
        config["plugins"][f"{__name__}.{SubscriptionPlugin.__name__}"] = {"subscriptions": self.subscriptions}
        self._broker = Broker(config)
        self._server: asyncio.Server | None = None
        self._clients: set[asyncio.StreamWriter] = set()

    async def __aenter__(self) -> EmbeddedBroker:
        for name in ("amqtt", "transitions"):
            logging.getLogger(name).setLevel(logging.WARNING)
        await self._broker.start()
        try:
            self._server = await asyncio.start_server(self._serve_client, LOOPBACK, self.port)
        except OSError as error:
            await self._broker.shutdown()
            raise BrokerError(
                f"embedded broker cannot listen on {LOOPBACK}:{self.port} ({error.strerror}); "
                "stop what uses that port or set mqtt.embedded_port"
            ) from None
        log.info("embedded broker listening on %s:%d", LOOPBACK, self.port)
        return self

    async def _serve_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self._clients) >= MAX_CONNECTIONS:
            log.warning("refused an MQTT connection: %d clients already connected", MAX_CONNECTIONS)
            writer.transport.abort()
            return
        self._clients.add(writer)
        try:
            await self._broker.external_connected(StreamReaderAdapter(reader), StreamWriterAdapter(writer), LISTENER)
        finally:
            self._clients.discard(writer)
            writer.transport.abort()

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()  # no new connections from here on
        for writer in list(self._clients):
            writer.transport.abort()
        await self._broker.shutdown()
        await self._server.wait_closed()
