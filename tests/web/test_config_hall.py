"""`[web]` and `[devices.speaker]` in govan.toml: defaults, and a clear line for each mistake."""

from __future__ import annotations

import pytest

from govan import config as config_module
from govan.config import DEFAULT_CALL_TEMPLATE, ConfigError


def test_the_defaults_serve_the_vans_wifi_and_leave_the_speaker_off() -> None:
    config = config_module.parse("", "govan.toml")
    assert (config.web.listen, config.web.public_url) == ("0.0.0.0:8080", None)
    speaker = config.devices.speaker
    assert (speaker.driver, speaker.template, speaker.repeat, speaker.chime) == ("none", DEFAULT_CALL_TEMPLATE, 2, True)
    assert "speaker" in config.devices.names()


def test_the_contracts_example_loads_and_round_trips() -> None:
    text = """
[web]
listen = "0.0.0.0:8080"
public_url = "http://192.168.8.1:8080"

[devices.speaker]
driver = "clips"
clips = "/var/lib/govan/voice"
"""
    config = config_module.parse(text, "govan.toml")
    assert config.web.public_url == "http://192.168.8.1:8080" and config.devices.speaker.clips == "/var/lib/govan/voice"
    assert config_module.parse(config_module.to_toml(config), "again") == config


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[web]\nlisten = "8080"', "govan.toml: key 'web.listen': '8080' must be host:port"),
        ('[web]\nlisten = "host:99999"', "key 'web.listen'"),
        (
            '[web]\npublic_url = "192.168.8.1:8080"',
            "key 'web.public_url': '192.168.8.1:8080' must be an http:// or https://",
        ),
        ("[web]\nport = 8080", "unknown key 'web.port'"),
        (
            '[devices.speaker]\ndriver = "festival"',
            "key 'devices.speaker.driver': Invalid enum value 'festival'; use one of",
        ),
        ('[devices.speaker]\ndriver = "clips"', "key 'devices.speaker.clips': is required when driver = \"clips\""),
        ("[devices.speaker]\nrepeat = 4", "key 'devices.speaker.repeat': must be 1, 2 or 3"),
        (
            '[devices.speaker]\ntemplate = "请{number}号"',
            "key 'devices.speaker.template': must say {number} and {window}",
        ),
        ('[devices.speaker]\ntemplate = "{number}{window}{name}"', "key 'devices.speaker.template'"),
        ('[devices.speaker]\ntemplate = "{number}{window"', "key 'devices.speaker.template'"),
        ("[devices.speaker]\nspeed = 20", "key 'devices.speaker.speed': must be between 80 and 450"),
    ],
)
def test_each_mistake_is_one_line_naming_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        config_module.parse(text, "govan.toml")
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_the_demo_runs_the_speaker_emulated_and_web_on_loopback(tmp_path) -> None:  # noqa: ANN001
    from govan.demo import demo_config

    config = demo_config(config_module.Config(), tmp_path)
    assert config.devices.speaker.driver == "sim"
    assert config.web.listen.startswith("127.0.0.1:") and config.web.public_url.endswith(config.web.listen)
