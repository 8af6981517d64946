"""`govan demo` as a newcomer meets it: in a real terminal (tmux), started and quit by keys."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def _screen(session: str) -> str:
    return _tmux("capture-pane", "-t", session, "-p", "-S", "-100")


def _wait_for(session: str, text: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = _screen(session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear within {timeout} s:\n{_screen(session)}")


def _daemons(data_dir: str, command: str = "daemon") -> list[str]:
    found = subprocess.run(["pgrep", "-af", f"govan {command} --config {data_dir}"], capture_output=True, text=True)
    return [line for line in found.stdout.splitlines() if "pgrep" not in line]


def _answer(url: str, timeout: float = 30) -> str:
    """The page at `url`, once it answers (liveness bound only)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            assert time.monotonic() < deadline, f"{url} did not answer"
            time.sleep(0.2)


def _start_demo(tmp_path: Path) -> tuple[str, str, str]:
    """A demo in its own tmux session, signed-in screen up and devices ready: (session, data folder, screen)."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (apt-get install tmux); .ci/run installs it")
    session = f"govan-demo-test-{uuid.uuid4().hex[:8]}"
    command = f"cd {ROOT} && TMPDIR={tmp_path} {sys.executable} -m govan demo; echo EXIT=$?; sleep 60"
    _tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", command)
    try:
        screen = _wait_for(session, "员工登录", 60)
        assert "服务 在线" in _wait_for(session, "打印机 就绪", 30)
        named = re.search(r"data directory (\S+)", _screen(session) + screen)
        assert named, "the demo names its data directory"
    except BaseException:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        raise
    return session, named.group(1), screen


def _processes_of(data_dir: str) -> list[str]:
    """Every process whose command line names the demo's data folder (govan's, PostgreSQL's, mosquitto's)."""
    found = subprocess.run(["pgrep", "-af", data_dir], capture_output=True, text=True)
    return [line for line in found.stdout.splitlines() if "pgrep" not in line and "tmux" not in line]


def test_demo_starts_quits_cleanly_and_leaves_no_process(tmp_path: Path) -> None:
    session, data_dir, _ = _start_demo(tmp_path)
    try:
        running = _daemons(data_dir)
        assert running, "the demo's daemon runs while the TUI is open"
        config_path = Path(running[0].split("--config ", 1)[1].strip())  # the screen may wrap the path
        listen = re.search(r'listen = "([^"]+)"', config_path.read_text())
        assert listen, "the demo configures govan web"
        board = _answer(f"http://{listen.group(1)}/board")
        assert "叫号" in board, "govan web serves the board while the demo runs"
        for beside in ("sync", "central"):
            assert _daemons(data_dir, beside), f"govan {beside} runs beside the daemon"
        _tmux("send-keys", "-t", session, "C-q")
        final = _wait_for(session, "EXIT=", 30)
        assert "EXIT=0" in final
        assert f"display board http://{listen.group(1)}/board" in final
        assert "daemon stopped, and govan web, govan sync and govan central" in final
        assert "Traceback" not in final
        assert _daemons(data_dir) == []
        for beside in ("web", "sync", "central"):
            assert _daemons(data_dir, beside) == []
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def test_closing_the_terminal_stops_the_demo_and_everything_it_started(tmp_path: Path) -> None:
    """A newcomer closes the terminal window (SIGHUP) instead of pressing Ctrl+Q: the daemon, web, sync,
    the centre and the centre's embedded PostgreSQL all stop; none is left holding ports and memory."""
    session, data_dir, _ = _start_demo(tmp_path)
    try:
        deadline = time.monotonic() + 60  # the centre starts its PostgreSQL after the van is up
        while not any("postgres" in line for line in _processes_of(data_dir)):
            assert time.monotonic() < deadline, "the demo's centre did not start its PostgreSQL"
            time.sleep(0.2)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    deadline = time.monotonic() + 60
    while _processes_of(data_dir) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _processes_of(data_dir) == []
