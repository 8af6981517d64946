"""The short shift summary on the receipt printer: the key figures, on one slip.

The full summary is on screen and in the export files; paper gets what the captain
hands over or pins up: the stop, date and hours, the queue, cases and 办成率, the
ratings with 满意率 and 好评率, 差评 and their follow-ups, waits, incidents.
"""

from __future__ import annotations

from daemon.messages import Block, CutBlock, Document, FeedBlock, RuleBlock, TextBlock
from flows.summary import TripReport
from tui import figure_format as fmt
from tui.i18n import t


def summary_document(report: TripReport) -> Document:
    overall = report.summary.overall

    def line(key: str, **values: object) -> TextBlock:
        return TextBlock(text=t(key, **values))

    blocks: list[Block] = [
        TextBlock(text=t("receipt.title"), align="center", size=(2, 2), bold=True),
        TextBlock(text=report.stop_name, align="center"),
        TextBlock(text=t("receipt.when", date=report.trip_date.isoformat(), start=fmt.clock_time(report.opened_at),
                         end=fmt.clock_time(report.closed_at)), align="center"),
        line("receipt.crew", captain=report.captain, crew=len(report.crew)),
        RuleBlock(),
        line("receipt.tickets", tickets=overall.tickets, served=overall.served, no_shows=overall.no_shows),
        line("receipt.cases", cases=overall.cases, rate=fmt.rate(overall.completion_rate)),
        line("receipt.outcomes", on_site=overall.completed_on_site, forwarded=overall.accepted_forwarded,
             not_done=overall.not_done, consult=overall.consult_only),
        line("receipt.ratings", ratings=overall.ratings, satisfaction=fmt.rate(overall.satisfaction_rate)),
        line("receipt.praise", praise=fmt.rate(overall.praise_rate)),
        line("receipt.bad", bad=overall.bad_reviews, open=report.summary.follow_ups_open),
        line("receipt.named", called=overall.named_bad_called_back, named=overall.named_bad_reviews),
        line("receipt.wait", median=fmt.minutes(overall.wait_median_s), p90=fmt.minutes(overall.wait_p90_s)),
        line("receipt.service", median=fmt.minutes(overall.service_median_s),
             p90=fmt.minutes(overall.service_p90_s)),
        line("receipt.suggestions", count=report.summary.suggestions),
        line("receipt.incidents", count=sum(1 for i in report.incidents if not i.recovered)),
        RuleBlock(),
        line("receipt.printed", time=report.generated_at.strftime("%Y-%m-%d %H:%M")),
        FeedBlock(lines=2),
        CutBlock(),
    ]
    return Document(blocks=blocks)

