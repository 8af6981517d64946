"""The speaker under the daemon: B/speaker/say over a real broker, one result each, WAV files from the sim,
espeak-ng through ALSA where installed, and a clear state when there is no audio output."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path

import pytest

from core.problems import Code
from daemon.messages import SayCommand, SelfTestCommand, new_id
from db import tickets
from flows.announce import Announcer
from tests.flows.support import flow_van
from tests.support.hall import require_aplay, require_espeak

CALL = "请A012号到3号窗口办理"
SYLLABLES = 13
# What a call of 13 syllables should last: the chime (0.9 s) and its gap, then the saying twice at the
# pace of a calm announcer (about three syllables a second, espeak-ng's default speed) with a pause between.
EXPECTED_S = 0.9 + 0.3 + 2 * SYLLABLES / 3.0 + 0.7
WAIT = 30.0  # liveness bound only


async def _state(van, device: str, wanted: str) -> None:  # noqa: ANN001
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while van.client.status.devices[device].state != wanted:
        assert loop.time() < deadline, f"{device} never {wanted}: {van.client.status.devices[device]}"
        await asyncio.sleep(0.05)


def _seconds(path: Path) -> float:
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


async def test_the_sim_speaker_writes_each_call_as_a_wav_of_the_expected_length(van_factory) -> None:  # noqa: ANN001
    async with van_factory({"devices": {"speaker": {"driver": "sim"}}}) as van:
        await _state(van, "speaker", "ready")
        command = SayCommand(job_id=new_id(), text=CALL, repeat=2, chime=True)
        result = await van.client.command("speaker", "say", command, timeout=WAIT)
        assert result.state == "done", result.detail
        path = Path(result.path)
        assert path.parent == van.config.data_path / "speaker-sim" and path.stat().st_size == result.bytes
        assert _seconds(path) == pytest.approx(EXPECTED_S, rel=0.2)
        assert f"{SYLLABLES} syllables twice" in result.detail
        again = await van.client.command("speaker", "say", command, timeout=WAIT)
        assert again.path == result.path, "a replayed job is answered again, not said twice"
        once = await van.client.command("speaker", "say", SayCommand(job_id=new_id(), text=CALL), timeout=WAIT)
        assert _seconds(Path(once.path)) < _seconds(path) / 2, "no chime, said once"


async def test_a_bad_say_gets_one_failed_result_naming_the_problem(van_factory) -> None:  # noqa: ANN001
    async with van_factory({"devices": {"speaker": {"driver": "sim"}}}) as van:
        await _state(van, "speaker", "ready")
        result = await van.client.command(
            "speaker", "say", {"job_id": new_id(), "text": CALL, "repeat": 5}, timeout=WAIT
        )
        assert result.state == "failed" and result.problem.code is Code.COMMAND_REJECTED
        result = await van.client.command("speaker", "say", SayCommand(job_id=new_id(), text="😀"), timeout=WAIT)
        assert result.state == "failed" and result.problem.code is Code.SPEAKER_NOTHING_TO_SAY
        test = await van.client.command("speaker", "test", SelfTestCommand(job_id=new_id()), timeout=WAIT)
        assert test.state == "done" and test.detail.startswith("self-test: said a chime")


async def test_a_call_from_the_flows_is_said_once_per_call_and_recall(tmp_path: Path) -> None:
    devices = {name: {"driver": "sim"} for name in ("idreader", "scanner", "printer", "camera", "speaker")}
    async with flow_van(tmp_path, {"devices": devices}) as fv:
        store, trip_id = fv.van.store, fv.demo.trip_id
        ticket = tickets.issue_ticket(store, trip_id, item_code="hukou_certificate", tz=fv.van.config.tz)
        called = tickets.call_next(store, trip_id, "1")
        Announcer(fv.van).ticket(called, "called")
        recalled = tickets.recall(store, ticket.id)
        Announcer(fv.van).ticket(recalled, "recalled")
        folder = fv.van.config.data_path / "speaker-sim"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while len(list(folder.glob("*.wav"))) < 2:
            assert loop.time() < deadline, f"calls not said: {list(folder.glob('*'))}"
            await asyncio.sleep(0.05)
        names = sorted(path.name.split("-", 1)[1] for path in folder.glob("*.wav"))
        assert names == [f"call-{ticket.id}-1.wav", f"call-{ticket.id}-2.wav"]


async def test_no_audio_output_is_the_speakers_state_with_a_clear_detail(van_factory) -> None:  # noqa: ANN001
    require_espeak()
    require_aplay()
    async with van_factory({"devices": {"speaker": {"driver": "espeak", "output": "hw:99,0"}}}) as van:
        await _state(van, "speaker", "offline")
        state = van.client.status.devices["speaker"]
        assert state.detail.startswith("no audio output: ALSA cannot open 'hw:99,0'")
        assert state.problem.code is Code.SPEAKER_NO_AUDIO_DEVICE
        result = await van.client.command("speaker", "say", SayCommand(job_id=new_id(), text=CALL), timeout=WAIT)
        assert result.state == "failed" and result.problem.code is Code.SPEAKER_NO_AUDIO_DEVICE


async def test_espeak_plays_a_call_through_alsa(van_factory) -> None:  # noqa: ANN001
    require_espeak()
    require_aplay()
    # ALSA's null output: the real aplay path, with no sound card needed.
    async with van_factory({"devices": {"speaker": {"driver": "espeak", "output": "null"}}}) as van:
        await _state(van, "speaker", "ready")
        result = await van.client.command(
            "speaker", "say", SayCommand(job_id=new_id(), text=CALL, repeat=2, chime=True), timeout=WAIT
        )
        assert result.state == "done", result.detail
        assert f"{SYLLABLES} syllables twice" in result.detail and "played on ALSA null" in result.detail
