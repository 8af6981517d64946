"""The centre's mosquitto, as `govan central init-broker` writes it: each van only under its own prefix."""

from __future__ import annotations

import contextlib
import getpass
import subprocess
from pathlib import Path

import aiomqtt
import pytest

from govan.config import Config
from govan.mosquitto import CENTRAL_USER_AT_CENTRE, CentreBrokerFiles, write_centre_broker_files
from tests.support.aio import within
from tests.support.mosquitto import require_mosquitto
from tests.support.net import free_port, wait_for_port


def client(files: CentreBrokerFiles, user: str) -> aiomqtt.Client:
    return aiomqtt.Client(
        "127.0.0.1",
        files.port,
        username=user,
        identifier=user,
        password=files.password_file(user).read_text().strip(),
        protocol=aiomqtt.ProtocolVersion.V311,
    )


async def heard(messages: aiomqtt.client.MessagesIterator, seconds: float) -> list[tuple[str, bytes]]:
    got: list[tuple[str, bytes]] = []

    async def listen() -> None:
        async for message in messages:
            got.append((message.topic.value, bytes(message.payload)))  # type: ignore[arg-type]

    with contextlib.suppress(TimeoutError):
        await within(seconds, listen())
    return got


async def test_a_van_publishes_and_reads_only_under_its_own_prefix(tmp_path: Path) -> None:
    binary = require_mosquitto()
    files = write_centre_broker_files(
        Config(), tmp_path / "centre", ["lg-01", "lg-02"], port=free_port(), bind="127.0.0.1", run_as=getpass.getuser()
    )
    log = (tmp_path / "mosquitto.log").open("wb")
    broker = subprocess.Popen([binary, "-c", str(files.conf)], stdout=log, stderr=log)
    try:
        wait_for_port(files.port)
        async with (
            client(files, CENTRAL_USER_AT_CENTRE) as centre,
            client(files, "lg-02") as lg02,
            client(files, "lg-01") as lg01,
        ):
            await centre.subscribe("govan/+/central/up", qos=1)
            await lg02.subscribe("govan/lg-01/central/down", qos=1)  # mosquitto grants it, then delivers nothing
            await lg01.subscribe("govan/lg-01/central/down", qos=1)
            await lg02.publish("govan/lg-01/central/up", b'{"forged": true}', qos=1)  # as lg-01: dropped
            await lg02.publish("govan/lg-02/central/up", b'{"own": true}', qos=1)
            await centre.publish("govan/lg-01/central/down", b'{"for": "lg-01"}', qos=1)
            to_centre = await heard(centre.messages, 1.5)
            to_lg01 = await heard(lg01.messages, 0.5)
            to_lg02 = await heard(lg02.messages, 0.5)
        assert to_centre == [("govan/lg-02/central/up", b'{"own": true}')]
        assert to_lg01 == [("govan/lg-01/central/down", b'{"for": "lg-01"}')]
        assert to_lg02 == []
        with pytest.raises(aiomqtt.MqttError):  # a wrong password is refused outright
            async with aiomqtt.Client(
                "127.0.0.1",
                files.port,
                username="lg-01",
                password="guess",
                identifier="lg-01",
                protocol=aiomqtt.ProtocolVersion.V311,
            ):
                pass
    finally:
        broker.terminate()
        broker.wait(5)
        log.close()


def test_init_broker_refuses_a_bad_van_id(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="LG_01"):
        write_centre_broker_files(Config(), tmp_path, ["lg-01", "LG_01"])
