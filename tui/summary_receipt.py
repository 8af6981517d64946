"""The short shift summary on the receipt printer: the key figures, on one slip.

The full summary is on screen and in the export files; paper gets what the captain
hands over or pins up: the stop, date and hours, the queue, cases and 办成率, the
ratings with 满意率 and 好评率, 差评 and their follow-ups, waits, incidents.
"""

from __future__ import annotations

from daemon.messages import Block, CutBlock, Document, FeedBlock, RuleBlock, TextBlock
from flows.summary import TripReport
from tui import figure_format as fmt
from tui.i18n import N_, Language


def summary_document(report: TripReport, words: Language) -> Document:
    """The slip in `words`: the citizens' language ([service] citizen_locale), as all paper is."""
    overall = report.summary.overall

    def line(key: str, **values: object) -> TextBlock:
        return TextBlock(text=words.t(key, **values))

    blocks: list[Block] = [
        TextBlock(text=words.t("Trip summary"), align="center", size=(2, 2), bold=True),
        TextBlock(text=report.stop_name, align="center"),
        TextBlock(
            text=words.t(
                "{date} {start}-{end}",
                date=report.trip_date.isoformat(),
                start=fmt.clock_time(report.opened_at),
                end=fmt.clock_time(report.closed_at),
            ),
            align="center",
        ),
        line(N_("Captain {captain}, crew {crew}"), captain=report.captain, crew=len(report.crew)),
        RuleBlock(),
        line(
            N_("Tickets {tickets} served {served} no-show {no_shows}"),
            tickets=overall.tickets,
            served=overall.served,
            no_shows=overall.no_shows,
        ),
        line(N_("Cases {cases} completion {rate}"), cases=overall.cases, rate=fmt.rate(overall.completion_rate)),
        line(
            N_("On site {on_site} fwd {forwarded} not done {not_done} consult {consult}"),
            on_site=overall.completed_on_site,
            forwarded=overall.accepted_forwarded,
            not_done=overall.not_done,
            consult=overall.consult_only,
        ),
        line(
            N_("Ratings {ratings} satisfaction {satisfaction}"),
            ratings=overall.ratings,
            satisfaction=fmt.rate(overall.satisfaction_rate),
        ),
        line(N_("Praise {praise}"), praise=fmt.rate(overall.praise_rate)),
        line(N_("Bad reviews {bad}, open {open}"), bad=overall.bad_reviews, open=report.summary.follow_ups_open),
        line(
            N_("Named bad reviews called back {called}/{named}"),
            called=overall.named_bad_called_back,
            named=overall.named_bad_reviews,
        ),
        line(
            N_("Wait median {median} p90 {p90}"),
            median=fmt.minutes(overall.wait_median_s),
            p90=fmt.minutes(overall.wait_p90_s),
        ),
        line(
            N_("Service median {median} p90 {p90}"),
            median=fmt.minutes(overall.service_median_s),
            p90=fmt.minutes(overall.service_p90_s),
        ),
        line(N_("Suggestions {count}"), count=report.summary.suggestions),
        line(N_("Device trouble {count}"), count=sum(1 for i in report.incidents if not i.recovered)),
        RuleBlock(),
        line(N_("Printed {time}"), time=report.generated_at.strftime("%Y-%m-%d %H:%M")),
        FeedBlock(lines=2),
        CutBlock(),
    ]
    return Document(blocks=blocks)
