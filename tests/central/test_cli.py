"""The command line of the centre and the bridge: files written, bad input named, exit statuses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def govan(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govan", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_init_writes_the_vans_bridge_with_tls_and_its_own_credentials(tmp_path: Path) -> None:
    (tmp_path / "govan.toml").write_text(f'van_id = "lg-02"\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    result = govan("init", "--mosquitto", "broker", "--bridge", "mqtts://centre.example:8883", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    bridge = (tmp_path / "broker" / "bridge-centre.conf").read_text(encoding="utf-8")
    password = (tmp_path / "broker" / "centre.pass").read_text(encoding="utf-8").strip()
    for line in (
        "address centre.example:8883",
        "remote_username lg-02",
        "remote_clientid lg-02",
        f"remote_password {password}",
        "topic central/up out 1 govan/lg-02/ govan/lg-02/",
        "topic central/down in 1 govan/lg-02/ govan/lg-02/",
        "cleansession false",
        f"bridge_cafile {tmp_path / 'broker' / 'centre-ca.crt'}",
        "bridge_insecure false",
    ):
        assert line in bridge.splitlines()
    assert (tmp_path / "broker" / "bridge-centre.conf").stat().st_mode & 0o007 == 0
    acl = (tmp_path / "broker" / "acl").read_text(encoding="utf-8")
    assert "user govan-sync\ntopic read govan/lg-02/central/down\ntopic write govan/lg-02/central/up" in acl
    again = govan("init", "--mosquitto", "broker", "--bridge", "mqtts://centre.example:8883", cwd=tmp_path)
    assert again.returncode == 0 and (tmp_path / "broker" / "centre.pass").read_text().strip() == password


def test_bridge_options_are_checked(tmp_path: Path) -> None:
    alone = govan("init", "--bridge", "mqtts://centre:8883", cwd=tmp_path)
    assert alone.returncode == 2 and "--bridge needs --mosquitto" in alone.stderr
    (tmp_path / "govan.toml").write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    wrong = govan("init", "--mosquitto", "broker", "--bridge", "http://centre", cwd=tmp_path)
    assert wrong.returncode == 2 and "use mqtt://host:port or mqtts://host:port" in wrong.stderr


def test_central_init_broker_writes_a_user_per_van_and_names_a_bad_id(tmp_path: Path) -> None:
    done = govan("central", "init-broker", "centre", "--vans", "lg-01,lg-02", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    users = [line.split(":")[0] for line in (tmp_path / "centre" / "passwd").read_text().splitlines()]
    assert users == ["govan-central", "lg-01", "lg-02"]
    assert all((tmp_path / "centre" / f"{user}.pass").stat().st_mode & 0o077 == 0 for user in users)
    bad = govan("central", "init-broker", "centre", "--vans", "lg-01,Van 2", cwd=tmp_path)
    assert bad.returncode == 2 and "Van 2" in bad.stderr and "Traceback" not in bad.stderr
    missing = govan("central", "init-broker", cwd=tmp_path)
    assert missing.returncode == 2 and "--vans" in missing.stderr


def test_central_status_without_a_running_centre_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "govan.toml").write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    result = govan("central", "status", cwd=tmp_path)
    assert result.returncode == 2 and "start `govan central` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_central_setting_is_named(tmp_path: Path) -> None:
    (tmp_path / "govan.toml").write_text('[central]\ndatabase_url = "mysql://x"\n', encoding="utf-8")
    result = govan("central", "status", cwd=tmp_path)
    assert result.returncode == 2 and "central.database_url" in result.stderr
