"""Problems on the wire: a code and params beside the contract's English detail."""

from __future__ import annotations

import pytest

from core.problems import Code, Problem
from daemon.messages import DeviceState, JobResult, MessageError, decode, encode


def test_a_failed_result_carries_its_problem_as_code_and_params() -> None:
    result = JobResult(
        job_id="j",
        state="failed",
        detail="/dev/ttyUSB0: no such device",
        at="2026-11-20T09:00:00+08:00",
        problem=Problem(Code.DEVICE_PORT_MISSING, {"port": "/dev/ttyUSB0"}),
    )
    assert b'"problem":{"code":"device.port_missing","params":{"port":"/dev/ttyUSB0"}}' in encode(result)
    assert decode(encode(result), JobResult) == result


def test_a_problem_this_version_does_not_know_is_dropped_not_the_message() -> None:
    # A newer daemon may send a code this terminal has no words for: the English detail still says it.
    payload = (
        b'{"state": "error", "detail": "lamp broken", "driver": "v4l2", "since": "2026-11-20T09:00:00+08:00",'
        b' "problem": {"code": "camera.lamp_broken", "params": {}}}'
    )
    assert decode(payload, DeviceState) == DeviceState(
        state="error", detail="lamp broken", driver="v4l2", since="2026-11-20T09:00:00+08:00"
    )
    with pytest.raises(MessageError):
        decode(b'{"state": "sleeping", "detail": "", "driver": "", "since": "", "problem": {"code": "x"}}', DeviceState)
