"""The embedded broker: amqtt in the daemon's own process, on loopback, with passwords.

amqtt's default configuration binds 0.0.0.0 and admits anonymous clients, so the
configuration is always given in full here.
"""

from __future__ import annotations

import logging
from pathlib import Path

from amqtt.broker import Broker

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


class EmbeddedBroker:
    """`async with EmbeddedBroker(...)`: listening on return, shut down on exit."""

    def __init__(self, port: int, passwd: Path, base: str) -> None:
        self.port = port
        self._broker = Broker(broker_config(port, passwd, base))

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
