"""The command line as people and scripts meet it: real subprocesses, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.net import free_port
from tests.support.van import DaemonProcess, write_config


def govan(*args: str, cwd: Path | None = None, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govan", *args], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )


def test_bad_config_value_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "govan.toml"
    bad.write_text('[devices.printer]\ndriver = "laser"\n')
    for command in ("daemon", "status"):
        result = govan(command, "--config", str(bad))
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert str(bad) in lines[0]
        assert "devices.printer.driver" in lines[0]
        assert "Traceback" not in result.stderr


def test_unknown_key_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "govan.toml"
    bad.write_text('[mqtt]\nhost = "x"\n')
    result = govan("--config", str(bad), "daemon")
    assert result.returncode == 2
    assert result.stderr.strip() == f"govan daemon: {bad}: unknown key 'mqtt.host'"


# Every command that reads the configuration; the summary's trip need not exist.
COMMANDS = (["daemon"], ["tui"], ["init"], ["status"], ["summary", "--trip", "1"])


def test_a_data_dir_that_is_a_file_is_one_line_and_exit_2_for_every_command(tmp_path: Path) -> None:
    in_the_way = tmp_path / "data"
    in_the_way.write_text("not a directory\n")
    config = tmp_path / "govan.toml"
    config.write_text(f'data_dir = "{in_the_way}"\n')
    for command in COMMANDS:
        result = govan(*command, "--config", str(config))
        assert result.returncode == 2, (command, result.stderr)
        expected = f"{config}: key 'data_dir': {in_the_way} is a file, not a directory; point data_dir at a directory"
        assert result.stderr.splitlines() == [f"govan {command[0]}: {expected}"]
        assert result.stdout == ""


def _unwritable(tmp_path: Path) -> list[tuple[str, str]]:
    """Data directories this user cannot write, each with the start of the problem."""
    places = []
    if os.geteuid() != 0:  # root writes through any mode bits
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        places += [
            (str(locked), f"cannot write in {locked} ("),
            (str(locked / "data"), f"cannot create {locked / 'data'} in {locked} ("),
        ]
    if os.path.ismount("/sys"):  # nobody creates files in sysfs
        places += [("/sys", "cannot write in /sys ("), ("/sys/govan", "cannot create /sys/govan in /sys (")]
    if not places:
        pytest.skip("no directory here that this user cannot write")
    return places


def test_a_data_dir_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "govan.toml"
    for data_dir, problem in _unwritable(tmp_path):
        config.write_text(f'data_dir = "{data_dir}"\n')
        for command in ("daemon", "tui", "init"):  # the ones that write there
            result = govan(command, "--config", str(config))
            assert result.returncode == 2, (command, result.stderr)
            lines = result.stderr.splitlines()
            assert len(lines) == 1, result.stderr
            assert lines[0].startswith(f"govan {command}: {config}: key 'data_dir': {problem}"), lines[0]
            assert lines[0].endswith("); let this user write there, or point data_dir elsewhere")


def test_bad_arguments_are_one_line_and_exit_2() -> None:
    result = govan("status", "--colour")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--colour" in result.stderr


def test_status_with_unreachable_broker_exits_2_with_one_line(tmp_path: Path) -> None:
    secret = tmp_path / "tui.pass"
    secret.write_text("x\n")
    secret.chmod(0o600)
    config = tmp_path / "govan.toml"
    config.write_text(f'[mqtt]\nurl = "mqtt://127.0.0.1:{free_port()}"\n')
    result = govan("status", "--config", str(config))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "cannot connect to the MQTT broker at mqtt://127.0.0.1:" in lines[0]


def test_status_online_and_then_offline(tmp_path: Path) -> None:
    config_path = write_config(tmp_path, {"mqtt": {"keepalive": 4}})
    daemon = DaemonProcess(config_path)
    try:
        for _ in range(100):
            result = govan("status", "--config", str(config_path))
            if result.returncode == 0:
                break
        assert result.returncode == 0, result.stderr
        lines = result.stdout.strip().splitlines()
        assert lines[0].startswith("daemon") and "online" in lines[0]
        assert [line.split()[0] for line in lines[1:]] == ["idreader", "scanner", "printer", "camera", "speaker"]
        assert all("disabled" in line for line in lines[1:])

        as_json = govan("status", "--json", "--config", str(config_path))
        assert as_json.returncode == 0
        parsed = json.loads(as_json.stdout)
        assert parsed["online"] is True
        assert parsed["devices"]["printer"]["state"] == "disabled"
    finally:
        daemon.stop()
    # The embedded broker stopped with the daemon: nothing to connect to.
    assert govan("status", "--config", str(config_path)).returncode == 2


def test_status_lists_a_window_reader_and_who_holds_each_reader(tmp_path: Path) -> None:
    settings = {"devices": {"idreader": {"driver": "sim"}, "idreaders": {"w2": {"driver": "sim", "window": "2"}}}}
    config_path = write_config(tmp_path, settings)
    daemon = DaemonProcess(config_path)
    try:
        for _ in range(100):
            as_json = govan("status", "--json", "--config", str(config_path))
            if as_json.returncode == 0 and json.loads(as_json.stdout)["devices"]["idreader-w2"]["state"] == "ready":
                break
        assert as_json.returncode == 0, as_json.stderr
        parsed = json.loads(as_json.stdout)
        assert list(parsed["devices"]) == ["idreader", "scanner", "printer", "camera", "speaker", "idreader-w2"]
        assert parsed["devices"]["idreader-w2"]["driver"] == "sim"
        assert parsed["holders"]["idreader-w2"] == {"terminal": None, "label": None, "since": None}
        lines = govan("status", "--config", str(config_path)).stdout.strip().splitlines()
        assert lines[-1].split()[:3] == ["idreader-w2", "ready", "sim"]
    finally:
        daemon.stop()


def test_version() -> None:
    result = govan("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("govan ")
