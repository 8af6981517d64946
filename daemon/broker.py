"""The embedded broker: amqtt in the daemon's own process, on loopback, with passwords.

amqtt's default configuration binds 0.0.0.0 and admits anonymous clients, so the
configuration is always given in full here.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from amqtt.broker import Broker, BrokerContext
from amqtt.plugins.base import BasePlugin

from daemon.access import publish_rules, read_rules

LOOPBACK = "127.0.0.1"
log = logging.getLogger(__name__)


class BrokerError(Exception):
    """The embedded broker cannot start; the message says what to change."""


def broker_config(port: int, passwd: Path, base: str) -> dict:
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{LOOPBACK}:{port}", "max_connections": 64}},
        "plugins": {
            "amqtt.plugins.authentication.FileAuthPlugin": {"password_file": str(passwd)},
            "amqtt.plugins.topic_checking.TopicAccessControlListPlugin": {
                "acl": read_rules(base),
                "publish_acl": publish_rules(base),
            },
        },
    }


def topic_matches(topic_filter: str, topic: str) -> bool:
    """MQTT 3.1.1 (4.7): "+" stands for one level, a final "#" for this level and every one below."""
    levels = topic.split("/")
    for index, level in enumerate(topic_filter.split("/")):
        if level == "#":
            return True
        if index >= len(levels) or level not in ("+", levels[index]):
            return False
    return len(topic_filter.split("/")) == len(levels)


class Subscriptions:
    """The topic filters clients have subscribed to since the broker started.

    A message published while nobody subscribes to it is lost, and this broker starts
    with the daemon, so a message the daemon owes someone at start-up must wait for them.
    The daemon's own subscriptions count too; it subscribes to commands, never to results.
    """

    def __init__(self) -> None:
        self._filters: set[str] = set()
        self._waiters: list[tuple[str, asyncio.Future[None]]] = []

    def add(self, topic_filter: str) -> None:
        self._filters.add(topic_filter)
        for topic, waiter in self._waiters:
            if not waiter.done() and topic_matches(topic_filter, topic):
                waiter.set_result(None)

    async def wait_for(self, topic: str) -> None:
        """Return once some client has subscribed to a filter that takes `topic`."""
        if any(topic_matches(topic_filter, topic) for topic_filter in self._filters):
            return
        entry = (topic, asyncio.get_running_loop().create_future())
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


class EmbeddedBroker:
    """`async with EmbeddedBroker(...)`: listening on return, shut down on exit."""

    def __init__(self, port: int, passwd: Path, base: str) -> None:
        self.port = port
        self.subscriptions = Subscriptions()
        config = broker_config(port, passwd, base)
        config["plugins"][f"{__name__}.{SubscriptionPlugin.__name__}"] = {"subscriptions": self.subscriptions}
        self._broker = Broker(config)

    async def __aenter__(self) -> EmbeddedBroker:
        for name in ("amqtt", "transitions"):
            logging.getLogger(name).setLevel(logging.WARNING)
        try:
            await self._broker.start()
        except Exception as error:  # amqtt wraps bind errors in its own exception types
            cause = error.__cause__ or error
            raise BrokerError(
                f"embedded broker cannot listen on {LOOPBACK}:{self.port} ({cause}); "
                "stop what uses that port or set mqtt.embedded_port"
            ) from None
        log.info("embedded broker listening on %s:%d", LOOPBACK, self.port)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._broker.shutdown()
