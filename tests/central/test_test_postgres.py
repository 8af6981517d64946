"""The test suite's own PostgreSQL: a server left by a killed test session is stopped by the next one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.postgres import reap_orphaned_servers, server_bin_dir

# A stand-in for a pytest that starts its server and is then killed with -9.
HOLDER = """
import sys
from pathlib import Path
from tests.support.postgres import running_server
with running_server(Path(sys.argv[1])) as (server, url):
    print(server.data.parent, server.pid, flush=True)
    sys.stdin.read()
"""


def test_a_server_left_by_a_killed_session_is_reaped() -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(server_bin_dir())],
        stdout=subprocess.PIPE,
        stdin=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    assert holder.stdout is not None
    folder_name, pid_text = holder.stdout.readline().split()
    folder, postmaster = Path(folder_name), int(pid_text)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    os.kill(postmaster, 0)  # the orphan: still running after its session died

    reap_orphaned_servers()

    deadline = time.monotonic() + 30
    while _running(postmaster) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(postmaster)
    assert not folder.exists()


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    # A zombie has exited; only its parent (init, for an orphan) has not read its status yet.
    return stat.rsplit(") ", 1)[1][0] != "Z"
