"""Printing a queue ticket and recording the printer's honest answer in the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from daemon.client import CommandTimeout
from daemon.messages import PrintCommand, new_id
from db import catalogue, clock, tickets
from flows.hall import ticket_page_url
from tui.documents import TicketSlip, ticket_document
from tui.i18n import t
from tui.link import NotConnected

if TYPE_CHECKING:
    from tui.app import GovanApp


async def print_ticket(app: GovanApp, ticket_id: int, *, reprint: bool) -> tuple[bool, str]:
    """Print the ticket; the store says printed, reprinted or failed. Returns (printed, why not)."""
    store, config = app.store, app.config
    ticket = tickets.get_ticket(store, ticket_id)
    trip = app.session.trip if app.session else None
    item = catalogue.get_item(store, ticket.item_code).name if ticket.item_code else ticket.category
    estimate = tickets.estimate_wait(store, ticket.trip_id, ticket.category, ticket_id=ticket.id)
    slip = TicketSlip(
        label=ticket.label, item_name=item, stop_name=trip.stop_name if trip else "",
        people_ahead=estimate.people_ahead, wait_seconds=estimate.seconds,
        issued_at=clock.from_text(ticket.issued_at).astimezone(config.tz),
        priority_reason=ticket.priority_reason,
        qr_url=ticket_page_url(store, config, ticket.id) or config.service.ticket_qr_url,
    )
    command = PrintCommand(job_id=f"ticket-{ticket.id}-{new_id()[:8]}", document=ticket_document(slip))
    try:
        result = await app.link.command("printer", "print", command, timeout=config.devices.printer.timeout_s + 10)
        printed, detail = result.state == "done", result.detail
    except NotConnected as error:
        printed, detail = False, str(error) or t("state.no_broker")
    except CommandTimeout:
        printed, detail = False, t("desk.print_timeout")
    tickets.set_print_state(store, ticket.id, ("reprinted" if reprint else "printed") if printed else "failed")
    return printed, "" if printed else detail
