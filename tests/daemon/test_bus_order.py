"""The order a connection sends in: a command someone waits for goes ahead of queued news (issue 17).

A ticket's print command was third in line behind the ticket's announcement and the board, each
waiting for its PUBACK on a terminal whose loop also draws the screen.
"""

from __future__ import annotations

from daemon.bus import Connection
from daemon.credentials import BrokerAddress


def _waiting(connection: Connection) -> list[str]:
    return [message.topic for message in connection._outbox]


def test_commands_go_ahead_of_queued_news_in_their_own_order() -> None:
    connection = Connection(BrokerAddress("127.0.0.1", 1, tls=False, username=None, password=None))
    connection.publish("queue/event", b"issued")
    connection.publish("queue/board", b"board", retain=True)
    connection.publish("printer/print", b"job 1", first=True)
    connection.publish("queue/event", b"printed")
    connection.publish("printer/print", b"job 2", first=True)
    assert _waiting(connection) == ["printer/print", "printer/print", "queue/event", "queue/board", "queue/event"]
    assert [message.payload for message in connection._outbox][:2] == [b"job 1", b"job 2"]


def test_a_command_never_overtakes_the_message_already_on_its_way() -> None:
    connection = Connection(BrokerAddress("127.0.0.1", 1, tls=False, username=None, password=None))
    connection.publish("queue/event", b"issued")
    connection._sending = connection._outbox[0]  # _send took it and awaits its PUBACK
    connection.publish("printer/print", b"job", first=True)
    assert _waiting(connection) == ["queue/event", "printer/print"]
