from pathlib import Path

import pytest

from govan import config
from govan.config import ConfigError


def test_defaults_without_any_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(config.CONFIG_ENV, raising=False)
    loaded = config.load()
    assert loaded.van_id == "lg-01"
    assert loaded.mqtt.url == "embedded"
    assert loaded.locale == "zh_CN"
    assert {loaded.devices.idreader.driver, loaded.devices.printer.driver} == {"none"}


def test_lookup_order_explicit_then_env_then_local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "govan.toml").write_text('van_id = "local"\n')
    (tmp_path / "env.toml").write_text('van_id = "from-env"\n')
    (tmp_path / "explicit.toml").write_text('van_id = "explicit"\n')
    monkeypatch.delenv(config.CONFIG_ENV, raising=False)
    assert config.load().van_id == "local"
    monkeypatch.setenv(config.CONFIG_ENV, str(tmp_path / "env.toml"))
    assert config.load().van_id == "from-env"
    assert config.load(tmp_path / "explicit.toml").van_id == "explicit"


def test_contract_example_parses() -> None:
    text = """
van_id = "lg-01"
data_dir = "/var/lib/govan"
locale = "zh_CN"
timezone = "Asia/Shanghai"

[mqtt]
url = "embedded"
username = "govan-daemon"
password_file = "/etc/govan/mqtt-daemon.pass"
topic_prefix = "govan"

[devices.idreader]
driver = "sam"
port = "/dev/ttyUSB0"
baudrate = 115200

[devices.scanner]
driver = "serial"
port = "/dev/ttyACM0"

[devices.printer]
driver = "tcp"
host = "127.0.0.1"
port = 9100
paper_width_mm = 80
chinese = "gb18030"

[devices.camera]
driver = "v4l2"
device = "/dev/video0"
"""
    loaded = config.parse(text, "contract.toml")
    assert loaded.devices.printer.port == 9100
    assert loaded.devices.idreader.driver == "sam"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vanid = 'x'\n", "unknown key 'vanid'"),
        ("[devices.printer]\ncolour = 1\n", "unknown key 'devices.printer.colour'"),
        ("[mqtt.tui]\nuser = 'a'\n", "unknown key 'mqtt.tui.user'"),
        ("van_id = 'Van 1'\n", "key 'van_id'"),
        ("[devices.printer]\npaper_width_mm = 70\n", "key 'devices.printer.paper_width_mm'"),
        ("[devices.camera]\ndriver = 'usb'\n", '"v4l2", "folder", "sim", "none"'),
        ("[mqtt]\nurl = 'http://x'\n", "key 'mqtt.url'"),
        ("timezone = 'Mars/Olympus'\n", "key 'timezone'"),
        ("[devices.printer]\ndriver = 'usb'\n", "key 'devices.printer.usb'"),
        ("[devices.printer]\ndriver = 'tcp'\nport = '/dev/ttyS0'\n", "key 'devices.printer.port'"),
        ("[service]\nholidays = ['2026-13-01']\n", "key 'service.holidays'"),
        ("[service]\nworking_days = ['2026-10-12']\n", "key 'service.working_days': '2026-10-12' is a weekday"),
        ("[service]\nworking_days = ['10/11']\n", "key 'service.working_days': '10/11' is not a date"),
        ("[service]\nholidays = ['2026-10-11']\nworking_days = ['2026-10-11']\n", "is in service.holidays too"),
        ("[service]\npin_attempts = 0\n", "key 'service.pin_attempts'"),
        ("[service]\npin_lockout_minutes = []\n", "key 'service.pin_lockout_minutes'"),
        ("[service]\npin_lockout_minutes = [1, 0]\n", "key 'service.pin_lockout_minutes'"),
        ("[evaluation]\npraise = -1\n", "key 'evaluation.praise'"),
        ("van_id = \n", "not valid TOML"),
    ],
)
def test_bad_keys_and_values_name_the_key_and_the_file(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config.parse(text, "/etc/govan/govan.toml")
    message = str(caught.value)
    assert message.startswith("/etc/govan/govan.toml: ")
    assert expected in message
    assert "\n" not in message


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        config.load(tmp_path / "absent.toml")


def test_worked_weekends_are_read_beside_the_holidays() -> None:
    # National Day 2026: 1-7 October off, Sunday the 11th worked (调休).
    loaded = config.parse('[service]\nholidays = ["2026-10-01"]\nworking_days = ["2026-10-11"]\n', "x")
    assert (loaded.service.holidays, loaded.service.working_days) == (["2026-10-01"], ["2026-10-11"])
    assert config.Config().service.working_days == []


def test_written_config_reads_back_identically(tmp_path: Path) -> None:
    original = config.with_sim_devices(
        config.parse('van_id = "lg-02"\n[service]\nholidays = ["2026-10-01"]\nworking_days = ["2026-10-11"]\n', "x")
    )
    assert config.parse(config.to_toml(original), "round trip") == original


def test_a_data_dir_that_is_a_file_names_the_key_the_file_and_the_path(tmp_path: Path) -> None:
    in_the_way = tmp_path / "data"
    in_the_way.write_text("")
    path = tmp_path / "govan.toml"
    path.write_text(f'data_dir = "{in_the_way}"\n')
    with pytest.raises(ConfigError) as problem:
        config.load(path)
    assert str(problem.value) == (
        f"{path}: key 'data_dir': {in_the_way} is a file, not a directory; point data_dir at a directory"
    )
    path.write_text(f'data_dir = "{in_the_way / "govan"}"\n')
    with pytest.raises(ConfigError, match=f"govan cannot be created: {in_the_way} is a file, not a directory$"):
        config.load(path)


def test_checking_that_the_data_dir_is_writable_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "govan.toml"
    path.write_text(f'data_dir = "{tmp_path / "data"}"\n')
    assert config.load(path, writes_data=True).data_path == tmp_path / "data"
    assert [entry.name for entry in tmp_path.iterdir()] == ["govan.toml"]  # not even the directory
    (tmp_path / "data").mkdir()
    config.load(path, writes_data=True)
    assert list((tmp_path / "data").iterdir()) == []


def test_a_reader_per_window_is_a_device_of_its_own(tmp_path: Path) -> None:
    loaded = config.parse(
        '[devices.idreaders.w2]\ndriver = "sim"\nwindow = "2"\n'
        '[devices.idreaders.w5]\nport = "/dev/ttyUSB3"\nwindow = "5"\n',
        "govan.toml",
    )
    assert loaded.devices.names() == [
        "idreader",
        "scanner",
        "printer",
        "camera",
        "speaker",
        "idreader-w2",
        "idreader-w5",
    ]
    assert loaded.devices.settings("idreader-w5").port == "/dev/ttyUSB3"
    assert loaded.devices.table("idreader-w5") == "devices.idreaders.w5"
    assert config.parse(config.to_toml(loaded), "again") == loaded
    assert config.with_sim_devices(loaded).devices.idreaders["w5"].driver == "sim"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[devices.idreaders.w2]\ndriver = "sim"\n',
            "key 'devices.idreaders.w2': Object missing required field `window`",
        ),
        (
            '[devices.idreaders.w2]\nwindow = "2"\n[devices.idreaders.w3]\nwindow = "3"\ndriver = "x"\n',
            'key \'devices.idreaders.w3.driver\': Invalid enum value \'x\'; use one of "sam", "sim", "none"',
        ),
        ('[devices.idreaders.w2]\nwindow = "2"\nbogus = 1\n', "unknown key 'devices.idreaders.w2.bogus'"),
        (
            '[devices.idreaders.w2]\nwindow = "2"\n[devices.idreaders.w3]\nwindow = "2"\n',
            "key 'devices.idreaders.w3.window': window '2' already has the reader [devices.idreaders.w2]",
        ),
        ('[devices.idreaders."Window 2"]\nwindow = "2"\n', "table [devices.idreaders.Window 2]: the name must match"),
    ],
)
def test_a_bad_window_reader_is_named_by_its_table(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        config.parse(text, "govan.toml")
    assert str(raised.value).startswith(f"govan.toml: {message}")
