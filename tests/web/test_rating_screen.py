"""The terminal's rating screen when the person rates on their phone: that it was rated, and whether a
follow-up opened; never the score."""

from __future__ import annotations

from pathlib import Path

from db import staff, tickets, trips
from flows import hall
from flows.rating import RatingFlow
from tests.tui.harness import daemon_ready, screen_text, tui_van, until
from tui.app import GovanApp
from tui.screens.rating import RatingScreen


async def test_a_rating_given_on_the_phone_shows_at_the_terminal_without_its_score(tmp_path: Path) -> None:
    async with tui_van(tmp_path) as van:
        app = GovanApp(van.config)
        async with app.run_test(size=(100, 30)) as pilot:
            await daemon_ready(app, pilot)
            store, trip_id = app.store, van.demo.trip_id
            ticket = tickets.issue_ticket(store, trip_id, category="A")
            called = tickets.call_next(store, trip_id, "1")
            done = tickets.finish(store, tickets.start_service(store, called.id).id)
            flow = RatingFlow(
                app.van,
                done,
                named=False,
                staff=staff.get_staff(store, done.staff_id),
                trip=trips.get_trip(store, trip_id),
            )
            app.push_screen(RatingScreen(flow))
            await until(pilot, lambda: isinstance(app.screen, RatingScreen), what="the rating screen")
            # The person taps 非常不满意 on their phone (govan web does the same through flows.hall).
            assert hall.rate_visit(app.van, ticket, 1, "太慢") == hall.RatedVisit("A001", follow_up=True)
            await until(pilot, lambda: "群众已在手机或评价器上评价" in screen_text(app), what="rated on the phone")
            result = str(app.screen.query_one("#rating-result").render())
            assert "已生成差评回访" in result and "非常不满意" not in result and "1" not in result
            await pilot.press("1")  # the keys rate no more
            assert list(store.query("SELECT score FROM ratings")) == [{"score": 1}]
            await pilot.press("f10")
            await until(pilot, lambda: not isinstance(app.screen, RatingScreen), what="F10 closes it")


def test_the_device_bar_shows_the_speaker_only_when_the_van_has_one() -> None:
    from daemon.messages import DaemonState, DeviceState, Status
    from tui.widgets.device_bar import render_status

    def bar(speaker: DeviceState) -> str:
        devices = {
            name: DeviceState(state="ready", detail="", driver="sim", since="")
            for name in ("idreader", "scanner", "printer", "camera")
        }
        return str(
            render_status(
                Status(
                    broker_connected=True, daemon=DaemonState(state="online"), devices={**devices, "speaker": speaker}
                )
            )
        )

    assert "扬声器" not in bar(DeviceState(state="disabled", detail="", driver="none", since=""))
    assert "扬声器 就绪" in bar(DeviceState(state="ready", detail="", driver="espeak", since=""))
    offline = bar(
        DeviceState(state="offline", detail="no audio output: ALSA cannot open 'default'", driver="espeak", since="")
    )
    assert "扬声器 离线" in offline and "no audio output" in offline
    assert "扬声器" not in str(render_status(Status.unreachable("gone")))  # unknown until the daemon says
