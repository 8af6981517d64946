"""Words for the values of the store's and flows' Literals: statuses, kinds, modes, reasons, roles.

Written out one by one, never built by concatenation, so `pybabel extract` sees every message;
views show one with `t(WORDS[value])`.
"""

from __future__ import annotations

from tui.i18n import N_, NC_

__all__ = [
    "ABANDONED_WORDS",
    "BACKOFFICE_WORDS",
    "BOOKING_KIND_WORDS",
    "BOOKING_STATUS_WORDS",
    "CAPTURE_KIND_WORDS",
    "CARD_WORDS",
    "CENTRAL_DELIVERY_WORDS",
    "CENTRAL_FOLLOWUP_WORDS",
    "DELIVERY_WORDS",
    "DEVICE_NAMES",
    "EVALUATION_BY_WORDS",
    "FIGURE_WORDS",
    "FOLLOWUP_ASK_WORDS",
    "FOLLOWUP_DONE_WORDS",
    "FOLLOWUP_STATE_WORDS",
    "FORMAT_WORDS",
    "HALF_DAY_WORDS",
    "INCIDENT_WORDS",
    "MATERIAL_STATE_WORDS",
    "NEED_WORDS",
    "NOT_DONE_WORDS",
    "OUTCOME_WORDS",
    "PERSON_FILED_WORDS",
    "PLAN_KIND_WORDS",
    "PLAN_VIEW_KIND_WORDS",
    "PRINTOUT_WORDS",
    "RATING_LEVEL_WORDS",
    "ROLE_WORDS",
    "SEX_WORDS",
    "STATE_WORDS",
    "STEP_WORDS",
    "SUBJECT_WORDS",
    "TRACKING_WORDS",
    "TRIP_MODE_WORDS",
    "TRIP_STATUS_WORDS",
    "WEEKDAY_WORDS",
]

INCIDENT_WORDS: dict[str, str] = {
    "error": N_("error"),
    "fault": N_("fault"),
    "offline": N_("offline"),
    "ready": N_("recovered"),
}
TRIP_STATUS_WORDS: dict[str, str] = {
    "closed": NC_("captain.status.closed", "closed"),
    "open": NC_("captain.status.open", "open"),
    "planned": N_("planned"),
}
BACKOFFICE_WORDS: dict[str, str] = {
    "accepted": N_("accepted"),
    "delivered": N_("delivered"),
    "pending": N_("to send"),
    "rejected": N_("rejected"),
}
CENTRAL_DELIVERY_WORDS: dict[str, str] = {
    "door": N_("door"),
    "on_site": NC_("central.delivery.on_site", "on site"),
    "post": N_("post"),
}
CENTRAL_FOLLOWUP_WORDS: dict[str, str] = {
    "called_back": N_("called back"),
    "delivery": N_("delivery"),
    "fixed": N_("fixed"),
    "open": N_("to call"),
    "rating": N_("bad review"),
}
TRACKING_WORDS: dict[str, str] = {
    "collected": N_("collected"),
    "in_transit": N_("in transit"),
    "out_for_delivery": N_("out for delivery"),
    "refused": N_("refused"),
    "returned": N_("returned"),
    "signed": N_("signed"),
}
DEVICE_NAMES: dict[str, str] = {
    "daemon": N_("Daemon"),
    "idreader": N_("ID reader"),
    "scanner": N_("Scanner"),
    "printer": N_("Printer"),
    "camera": N_("Camera"),
    "speaker": N_("Speaker"),
}
FIGURE_WORDS: dict[str, str] = {  # every field of db.metrics.Figures, in its order
    "tickets": N_("Tickets"),
    "called": NC_("summary.row.called", "Called"),
    "served": N_("Served"),
    "no_shows": N_("No-shows"),
    "waiting": NC_("summary.row.waiting", "Waiting"),
    "transferred": NC_("summary.row.transferred", "Transferred"),
    "cases": N_("Cases"),
    "completed_on_site": N_("Done on site"),
    "accepted_forwarded": N_("Forwarded"),
    "not_done": NC_("summary.row.not_done", "Not done"),
    "consult_only": NC_("summary.row.consult_only", "Consult only"),
    "ratings": NC_("summary.row.ratings", "Ratings"),
    "satisfied": N_("Satisfied (3–5)"),
    "praised": N_("Praised (4–5)"),
    "bad_reviews": N_("Bad reviews"),
    "named_bad_reviews": N_("Named bad reviews"),
    "named_bad_called_back": N_("Named, called back"),
    "completion_rate": N_("Completion"),
    "satisfaction_rate": N_("Satisfaction"),
    "praise_rate": N_("Praise"),
    "named_bad_callback_rate": N_("Named callback"),
    "wait_median_s": N_("Wait median"),
    "wait_p90_s": N_("Wait p90"),
    "service_median_s": N_("Service median"),
    "service_p90_s": N_("Service p90"),
}
EVALUATION_BY_WORDS: dict[str, str] = {
    "department": N_("windows"),
    "staff": N_("staff"),
}
FOLLOWUP_ASK_WORDS: dict[str, str] = {
    "callback": N_("{ticket}: how did the callback go?"),
    "fix": N_("{ticket}: what was fixed?"),
    "report": N_("{ticket}: what was reported back? (closes it)"),
}
FOLLOWUP_DONE_WORDS: dict[str, str] = {
    "callback": N_("Callback {time} by {by}: {note}"),
    "fix": N_("Fix {time} by {by}: {note}"),
    "report": N_("Reported back {time} by {by}: {note}"),
}
FOLLOWUP_STATE_WORDS: dict[str, str] = {
    "called_back": N_("called back"),
    "closed": NC_("followups.state.closed", "closed"),
    "fixed": N_("fixed"),
    "open": NC_("followups.state.open", "open"),
}
CAPTURE_KIND_WORDS: dict[str, str] = {
    "certified_copy": N_("certified copy"),
    "document": N_("document"),
    "id_photo": NC_("intake.capture.kind.id_photo", "ID photo"),
    "photo": N_("photo"),
}
CARD_WORDS: dict[str, str] = {
    "foreign_2017": N_("foreign permanent residence ID card (2017)"),
    "foreign_2023": N_("foreign permanent residence ID card (2023)"),
    "hk_mo_tw": N_("HK/Macao/Taiwan residence permit"),
    "resident": N_("resident ID card"),
}
DELIVERY_WORDS: dict[str, str] = {
    "door": N_("to the door"),
    "on_site": NC_("intake.delivery.on_site", "on site"),
    "post": N_("by post"),
}
MATERIAL_STATE_WORDS: dict[str, str] = {
    "copy_captured": N_("copy captured"),
    "missing": N_("missing"),
    "original_seen": N_("original seen"),
}
OUTCOME_WORDS: dict[str, str] = {
    "accepted_forwarded": N_("Accepted, forwarded"),
    "completed_on_site": N_("Completed"),
    "consult_only": NC_("intake.outcome.consult_only", "Consult only"),
    "not_done": NC_("intake.outcome.not_done", "Not done"),
}
PERSON_FILED_WORDS: dict[str, str] = {
    "created": N_("New record created"),
    "found": N_("Already on file: record found again (no duplicate)"),
}
PRINTOUT_WORDS: dict[str, str] = {
    "label": N_("mailing label"),
    "missing_list": N_("missing-materials list"),
    "receipt": N_("receipt"),
}
RATING_LEVEL_WORDS: dict[str, str] = {
    "1": N_("Very dissatisfied"),
    "2": N_("Dissatisfied"),
    "3": N_("Fairly satisfied"),
    "4": N_("Satisfied"),
    "5": N_("Very satisfied"),
}
ABANDONED_WORDS: dict[str, str] = {
    "other": N_("Abandoned: another reason"),
    "person_left": N_("Abandoned: the person left"),
    "wrong_place": N_("Abandoned: came to the wrong place"),
}
NOT_DONE_WORDS: dict[str, str] = {
    "missing_materials": N_("Materials missing"),
    "not_eligible": N_("Not eligible"),
    "other": N_("Other"),
    "system_down": N_("System or network down"),
    "withdrawn": N_("The person withdrew"),
}
SEX_WORDS: dict[str, str] = {
    "0": N_("unknown"),
    "1": N_("male"),
    "2": N_("female"),
    "9": N_("not stated"),
}
STEP_WORDS: dict[str, str] = {
    "materials": N_("Materials"),
    "outcome": N_("Outcome"),
    "person": N_("Person"),
}
ROLE_WORDS: dict[str, str] = {
    "captain": N_("captain"),
    "dispatcher": N_("dispatcher"),
    "staff": N_("staff"),
}
STATE_WORDS: dict[str, str] = {
    "busy": N_("busy"),
    "disabled": N_("disabled"),
    "error": N_("error"),
    "offline": N_("offline"),
    "online": N_("online"),
    "ready": N_("ready"),
}
FORMAT_WORDS: dict[str, str] = {
    "csv": N_("CSV (.csv, opens in Excel)"),
    "json": N_("JSON (.json)"),
    "md": N_("Markdown (.md)"),
}
TRIP_MODE_WORDS: dict[str, str] = {
    "appointment": N_("Appointment"),
    "fixed": N_("Fixed stop"),
    "off_hours": N_("Off-hours"),
    "themed": N_("Themed session"),
}
SUBJECT_WORDS: dict[str, str] = {  # whose personal data was read (the centre's audit page)
    "case": NC_("central.subject", "case"),
    "citizen": NC_("central.subject", "citizen"),
}
HALF_DAY_WORDS: dict[str, str] = {
    "am": NC_("plan.half", "am"),
    "pm": NC_("plan.half", "pm"),
}
PLAN_KIND_WORDS: dict[str, str] = {  # a half-day in the dispatcher's week
    "free": NC_("plan.kind", "Free"),
    "home_visits": NC_("plan.kind", "Home visits"),
    "off": NC_("plan.kind", "Off"),
    "stop": NC_("plan.kind", "Stop"),
    "themed": NC_("plan.kind", "Session"),
}
PLAN_VIEW_KIND_WORDS: dict[str, str] = {  # the same, as the captain reads it
    **PLAN_KIND_WORDS,
    "free": NC_("plan.kind", "Kept for bookings"),
}
BOOKING_KIND_WORDS: dict[str, str] = {
    "group": NC_("plan.booking", "Group"),
    "home_visit": NC_("plan.booking", "Home visit"),
    "individual": NC_("plan.booking", "Individual"),
}
NEED_WORDS: dict[str, str] = {  # a booking's special needs (planning.bookings.NEEDS)
    "bedridden": NC_("plan.need", "bedridden"),
    "hearing": NC_("plan.need", "hearing"),
    "language": NC_("plan.need", "dialect"),
    "visual": NC_("plan.need", "sight"),
    "wheelchair": NC_("plan.need", "wheelchair"),
}
BOOKING_STATUS_WORDS: dict[str, str] = {
    "booked": NC_("plan.status", "Booked"),
    "cancelled": NC_("plan.status", "Cancelled"),
    "checked_in": NC_("plan.status", "Checked in"),
    "requested": NC_("plan.status", "Requested"),
}
WEEKDAY_WORDS: tuple[str, ...] = (  # Monday first, as date.weekday() counts (core.plan.WEEKDAY_NAMES is the citizens')
    NC_("weekday", "Mon"),
    NC_("weekday", "Tue"),
    NC_("weekday", "Wed"),
    NC_("weekday", "Thu"),
    NC_("weekday", "Fri"),
    NC_("weekday", "Sat"),
    NC_("weekday", "Sun"),
)
