"""core.devices: device kinds, window readers, and trouble that keeps its code across a process boundary."""

from __future__ import annotations

import pickle

from core.devices import DeviceTrouble, kind_of, window_reader
from core.problems import Code, Problem


class Unplugged(DeviceTrouble):
    """Like the devices' own trouble: more arguments than the detail."""

    def __init__(self, detail: str, problem: Problem, state: str = "offline") -> None:
        super().__init__(detail, problem)
        self.state = state


def test_a_window_reader_is_an_id_reader_and_unknown_names_are_no_kind() -> None:
    assert window_reader("w2") == "idreader-w2"
    assert [kind_of(name) for name in ("idreader", "idreader-w2", "printer", "idreader-", "speaker", "horn")] == [
        "idreader",
        "idreader",
        "printer",
        None,
        "speaker",
        None,
    ]


def test_trouble_keeps_detail_problem_and_its_own_fields_when_pickled() -> None:
    # The camera's imaging raises its trouble in a worker process, and it comes back pickled.
    gone = Unplugged("/dev/video0: device unplugged", Problem(Code.DEVICE_UNPLUGGED, {"port": "/dev/video0"}), "error")
    again = pickle.loads(pickle.dumps(gone))
    assert (type(again), str(again), again.detail, again.problem, again.state) == (
        Unplugged,
        gone.detail,
        gone.detail,
        gone.problem,
        "error",
    )
