"""`govan rig` as a test rig or support engineer runs it: a real process, real exit codes, real XML."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from pathlib import Path

from devices.fonts import FONT_PACKAGES, default_cjk_font
from govan import config as config_module
from tests.govan.test_cli import govan
from tests.support.net import free_port
from tests.support.van import DaemonProcess, connected_client, write_config

# Without a Chinese font the certify stamp cannot be drawn: the rig must fail that one check and say why.
FONT_FAILURES = set() if default_cjk_font() else {"govan.rig.camera.capture"}


def _cases(junit: Path) -> dict[str, ET.Element]:
    root = ET.parse(junit).getroot()
    suite = root.find("testsuite")
    assert suite is not None
    return {f"{case.get('classname')}.{case.get('name')}": case for case in suite.iter("testcase")}


def test_rig_sim_passes_headless_and_writes_junit(tmp_path: Path) -> None:
    junit = tmp_path / "rig.xml"
    window_reader = {"devices": {"idreaders": {"w2": {"window": "2"}}}}  # emulated too, with --sim
    result = govan(
        "rig", "--sim", "--junit", str(junit), "--config", str(write_config(tmp_path, window_reader)), timeout=120
    )
    assert result.returncode == (1 if FONT_FAILURES else 0), result.stdout + result.stderr
    assert f"{len(FONT_FAILURES)} failed" in result.stdout
    cases = _cases(junit)
    assert {name for name, case in cases.items() if case.find("failure") is not None} == FONT_FAILURES
    if FONT_FAILURES:
        capture_line = next(line for line in result.stdout.splitlines() if "camera.capture" in line)
        assert "no Chinese font" in capture_line and FONT_PACKAGES in capture_line
    for device in ("idreader", "idreader-w2", "scanner", "printer", "camera"):
        for check in ("ready", "selftest"):
            case = cases[f"govan.rig.{device}.{check}"]
            assert case.find("failure") is None and case.find("skipped") is None
    assert "govan.rig.printer.print" in cases
    assert "govan.rig.scanner.scan" in cases
    assert "govan.rig.idreader.card" in cases
    assert cases["govan.rig.idreader-w2.card"].find("failure") is None
    assert "govan.rig.camera.capture" in cases


def test_only_the_printer_fails_when_it_points_at_a_closed_port(tmp_path: Path) -> None:
    settings = {
        "devices": {
            "idreader": {"driver": "sim"},
            "scanner": {"driver": "sim"},
            "camera": {"driver": "sim"},
            "printer": {"driver": "tcp", "host": "127.0.0.1", "port": free_port(), "timeout_s": 2.0},
        }
    }
    config_path = write_config(tmp_path, settings)
    daemon = DaemonProcess(config_path)
    try:

        async def online() -> None:
            for _ in range(100):
                try:
                    async with connected_client(config_module.load(config_path)):
                        return
                except Exception:  # noqa: BLE001 - not up yet, for whatever reason; bounded to 20 s
                    await asyncio.sleep(0.2)

        asyncio.run(online())
        junit = tmp_path / "rig.xml"
        result = govan("rig", "--junit", str(junit), "--config", str(config_path), timeout=120)
    finally:
        daemon.stop()
    assert result.returncode == 1, result.stdout
    failed = {name for name, case in _cases(junit).items() if case.find("failure") is not None}
    assert failed == {
        "govan.rig.printer.ready",
        "govan.rig.printer.selftest",
        "govan.rig.printer.print",
        *FONT_FAILURES,
    }
    printer_line = next(line for line in result.stdout.splitlines() if "printer.ready" in line)
    assert "FAIL" in printer_line
    assert "127.0.0.1" in printer_line  # the reason names what it could not reach


def test_rig_without_a_broker_fails_with_the_reason(tmp_path: Path) -> None:
    secret = tmp_path / "p.pass"
    secret.write_text("x\n")
    secret.chmod(0o600)
    config = tmp_path / "govan.toml"
    config.write_text(f'[mqtt]\nurl = "mqtt://127.0.0.1:{free_port()}"\npassword_file = "{secret}"\n')
    result = govan("rig", "--config", str(config))
    assert result.returncode == 1
    assert "FAIL  broker" in result.stdout
    assert "cannot connect to the MQTT broker" in result.stdout
