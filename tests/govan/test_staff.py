"""`govan staff` and `govan stops` as a newcomer meets them after `govan init`: real processes, real exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import db
from db import staff
from tests.support.van import write_config


def govan(config: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govan", args[0], "--config", str(config), *args[1:]],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
    )


@pytest.fixture
def initialised(tmp_path: Path) -> Path:
    config = write_config(tmp_path)
    assert govan(config, "init").returncode == 0
    return config


def refused(result: subprocess.CompletedProcess[str], command: str) -> str:
    """The one line a refusal prints, exit status 2, nothing on stdout."""
    assert (result.returncode, result.stdout) == (2, ""), result
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"govan {command}: ") and "Traceback" not in result.stderr
    return line.removeprefix(f"govan {command}: ")


def test_a_fresh_van_gets_its_captain_and_staff_without_python(initialised: Path) -> None:
    assert govan(initialised, "staff", "list").stdout.startswith("no staff yet: add the captain with `govan staff add")
    added = govan(
        initialised, "staff", "add", "c01", "陈建国", "--role", "captain", "--department", "agency", stdin="1111\n"
    )
    assert (added.returncode, added.stdout, added.stderr) == (0, "added c01 (captain)\n", "")
    assert govan(initialised, "staff", "add", "s01", "林晓燕", "--department", "police", stdin="2222\n").returncode == 0
    listed = govan(initialised, "staff", "list").stdout.splitlines()
    assert [line.split() for line in listed] == [
        ["login", "name", "role", "department", "state"],
        ["c01", "陈建国", "captain", "agency", "active"],
        ["s01", "林晓燕", "staff", "police", "active"],
    ]
    assert listed[1].index("captain") == listed[2].index("staff")  # columns line up, Chinese counting two
    store = db.open_store(tmp_data(initialised))
    try:
        assert staff.authenticate(store, "c01", "1111").role == "captain"
    finally:
        store.close()


def test_pins_locks_and_leaving(initialised: Path) -> None:
    govan(initialised, "staff", "add", "s01", "林晓燕", stdin="2222\n")
    store = db.open_store(tmp_data(initialised))
    try:
        for _ in range(staff.DEFAULT_ATTEMPTS):
            with pytest.raises(db.BadCredentials):
                staff.authenticate(store, "s01", "0000")
        assert "locked until" in govan(initialised, "staff", "list").stdout
        assert govan(initialised, "staff", "unlock", "s01").stdout == "s01 may sign in again\n"
        assert govan(initialised, "staff", "unlock", "s01").stdout == "s01 was not locked\n"
        assert govan(initialised, "staff", "set-pin", "s01", stdin="7777\n").returncode == 0
        assert staff.authenticate(store, "s01", "7777").login == "s01"
        assert govan(initialised, "staff", "deactivate", "s01").stdout == "s01 can no longer sign in\n"
        with pytest.raises(db.BadCredentials):
            staff.authenticate(store, "s01", "7777")
        assert "inactive" in govan(initialised, "staff", "list").stdout
    finally:
        store.close()


def test_bad_input_is_one_line_and_exit_2(initialised: Path, tmp_path: Path) -> None:
    assert (
        refused(govan(initialised, "staff", "add", "s01", "林晓燕", stdin="12\n"), "staff") == "a PIN is 4 to 8 digits"
    )
    assert refused(govan(initialised, "staff", "add", "s 1", "林晓燕", stdin="1234\n"), "staff") == (
        "a login is 1-32 of letters, digits, _ . -"
    )
    govan(initialised, "staff", "add", "s01", "林晓燕", stdin="1234\n")
    assert refused(govan(initialised, "staff", "add", "s01", "别人", stdin="1234\n"), "staff") == (
        "that login is already taken"
    )
    assert (
        refused(govan(initialised, "staff", "add", "s02", "郑海波", "--department", "nowhere", stdin="1234\n"), "staff")
        == "department nowhere does not exist"
    )
    assert refused(govan(initialised, "staff", "unlock", "nobody"), "staff") == (
        "no staff member with login 'nobody' (`govan staff list` shows them)"
    )
    assert refused(govan(initialised, "stops", "add", "  "), "stops") == "a stop needs a name"
    bad_role = govan(initialised, "staff", "add", "s03", "黄丽君", "--role", "boss")
    assert bad_role.returncode == 2 and len(bad_role.stderr.splitlines()) == 1
    (tmp_path / "elsewhere").mkdir()
    without_init = write_config(tmp_path / "elsewhere")
    assert refused(govan(without_init, "stops", "list"), "stops").endswith("run `govan init` first")


def test_stops_are_listed_and_added(initialised: Path) -> None:
    assert govan(initialised, "stops", "list").stdout.startswith("no stops yet")
    added = govan(initialised, "stops", "add", "新城社区党群服务中心", "--kind", "community", "--address", "新城路1号")
    assert added.stdout == "added stop 1: 新城社区党群服务中心\n"
    assert [line.split() for line in govan(initialised, "stops", "list").stdout.splitlines()] == [
        ["id", "name", "kind", "address", "contact"],
        ["1", "新城社区党群服务中心", "community", "新城路1号", "-"],
    ]


def tmp_data(config: Path) -> Path:
    from govan import config as config_module

    return config_module.load(config).database_path
