"""Device trouble heard by a TUI goes into the store once, for the trip summary."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from core.problems import Code, Problem
from daemon.client import DeviceError, Status
from daemon.messages import DaemonState, DeviceState, ErrorEvent
from db import incidents, migrations
from db.connection import open_store
from flows.incidents import IncidentRecorder
from govan import config as config_module
from tests.support.van import write_config
from tui.app import GovanApp
from tui.messages import DeviceFaulted, DevicesChanged

ONLINE = DaemonState(state="online", version="0.1.0", since="2026-11-20T09:00:00+08:00")
START = "2026-11-20T00:00:00.000+00:00"


def status(
    printer: str = "ready",
    detail: str = "",
    since: str = "2026-11-20T09:00:00+08:00",
    *,
    daemon: DaemonState | None = ONLINE,
    connected: bool = True,
) -> Status:
    devices = {
        name: DeviceState(state="ready", detail="", driver="sim", since="2026-11-20T09:00:00+08:00")
        for name in ("idreader", "scanner", "camera")
    }
    devices["printer"] = DeviceState(state=printer, detail=detail, driver="sim", since=since)  # type: ignore[arg-type]
    return Status(broker_connected=connected, daemon=daemon, devices=devices)


def recorded(store) -> list[tuple[str, str, str, str, str]]:  # noqa: ANN001
    """(device, kind, state, what, at): what is the problem's code, or the free text sent without one."""
    return [
        (i.device, i.kind, i.state, i.problem.code.value if i.problem else i.detail, i.at)
        for i in incidents.between(store, START)
    ]


def test_trouble_and_recovery_are_recorded_once_per_change(tmp_path: Path) -> None:
    store = open_store(tmp_path / "govan.db")
    recorder = IncidentRecorder(store)
    recorder.status(status())  # all fine: nothing to record
    recorder.status(status("error", "paper out", "2026-11-20T09:10:00+08:00"))
    recorder.status(status("error", "paper out", "2026-11-20T09:10:00+08:00"))  # the same news again
    recorder.status(status("ready", "", "2026-11-20T09:12:00+08:00"))
    recorder.fault(DeviceError("scanner", ErrorEvent(at="2026-11-20T09:15:00+08:00", detail="bad frame")))
    # A second terminal hearing the same news adds nothing.
    other = IncidentRecorder(store)
    other.status(status("error", "paper out", "2026-11-20T09:10:00+08:00"))
    other.fault(DeviceError("scanner", ErrorEvent(at="2026-11-20T09:15:00+08:00", detail="bad frame")))
    assert recorded(store) == [
        ("printer", "state", "error", "paper out", "2026-11-20T01:10:00.000+00:00"),
        ("printer", "state", "ready", "", "2026-11-20T01:12:00.000+00:00"),
        ("scanner", "error", "", "bad frame", "2026-11-20T01:15:00.000+00:00"),
    ]
    store.close()


def test_the_daemon_going_away_is_one_incident_not_five(tmp_path: Path) -> None:
    store = open_store(tmp_path / "govan.db")
    recorder = IncidentRecorder(store)
    # Starting up before anything is heard is not an incident.
    recorder.status(Status.unreachable(""))
    recorder.status(status(daemon=None))
    assert recorded(store) == []
    recorder.status(status())
    offline = DaemonState(state="offline", since="2026-11-20T10:00:00+08:00")
    recorder.status(Status(broker_connected=True, daemon=offline, devices=status().devices))
    recorder.status(Status.unreachable("connection refused"))  # already known to be away
    assert [(device, state, detail, at) for device, _, state, detail, at in recorded(store)] == [
        ("daemon", "offline", "daemon.offline", "2026-11-20T02:00:00.000+00:00")
    ]
    # Online, then the broker is gone (the embedded broker lives in the daemon).
    other = IncidentRecorder(store)
    other.status(status())
    other.status(Status.unreachable("connection refused"))
    assert [(device, detail) for device, _, _, detail, _ in recorded(store)][-1] == (
        "daemon",
        "daemon.no_broker",
    )
    store.close()


def test_the_daemons_problem_is_kept_as_its_code_not_its_english(tmp_path: Path) -> None:
    store = open_store(tmp_path / "govan.db")
    recorder = IncidentRecorder(store)
    recorder.status(status())
    paper_out = DeviceState(
        state="error",
        detail="paper out",
        driver="sim",
        since="2026-11-20T09:10:00+08:00",
        problem=Problem(Code.PRINTER_PAPER_OUT),
    )
    recorder.status(Status(broker_connected=True, daemon=ONLINE, devices={**status().devices, "printer": paper_out}))
    refused = Problem(Code.DEVICE_CONNECTION_REFUSED, {"port": "tcp://10.0.0.5:9100"})
    recorder.fault(DeviceError("camera", ErrorEvent(at="2026-11-20T09:15:00+08:00", detail="refused", problem=refused)))
    found = incidents.between(store, START)
    assert [(i.device, i.problem, i.detail) for i in found] == [
        ("printer", Problem(Code.PRINTER_PAPER_OUT), ""),
        ("camera", refused, ""),
    ]
    store.close()


def test_old_free_text_stays_as_data_and_our_own_english_becomes_codes(tmp_path: Path) -> None:
    """m010 on a store with incidents written before codes were kept."""
    path = tmp_path / "govan.db"
    store = open_store(path, migrate=False)
    migrations.migrations.apply(store, stop_before="m010_incident_problems_and_english_names")
    old = "INSERT INTO device_incidents (device, kind, state, detail, at) VALUES (?, ?, ?, ?, ?)"
    store.execute(old, ["printer", "state", "error", "paper out", "2026-11-20T01:10:00.000+00:00"])
    store.execute(old, ["daemon", "state", "offline", "the daemon is offline", "2026-11-20T01:20:00.000+00:00"])
    store.execute(
        old, ["daemon", "state", "offline", "no connection to the MQTT broker", "2026-11-20T01:30:00.000+00:00"]
    )
    migrations.migrate(store)
    assert [(device, what) for device, _, _, what, _ in recorded(store)] == [
        ("printer", "paper out"),
        ("daemon", "daemon.offline"),
        ("daemon", "daemon.no_broker"),
    ]
    store.close()


async def test_the_app_records_what_the_link_posts(tmp_path: Path) -> None:
    config = config_module.load(write_config(tmp_path))
    config.data_path.mkdir(parents=True)
    app = GovanApp(config, connect=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.post_message(DevicesChanged(status()))
        app.screen.post_message(
            DevicesChanged(status("offline", "/dev/usb/lp0: no such device", "2026-11-20T09:20:00+08:00"))
        )
        app.screen.post_message(
            DeviceFaulted(
                DeviceError(
                    "camera",
                    ErrorEvent(at=datetime(2026, 11, 20, 1, 30, tzinfo=UTC).isoformat(), detail="capture timed out"),
                )
            )
        )
        await pilot.pause()
        assert [(device, state, detail) for device, _, state, detail, _ in recorded(app.store)] == [
            ("printer", "offline", "/dev/usb/lp0: no such device"),
            ("camera", "", "capture timed out"),
        ]
