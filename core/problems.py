"""Problems: what went wrong, as a code and its parameters, never as words.

Everything below the views (core, devices, daemon, db, flows) reports a problem as a
`Problem(code, params)`; only the views (tui, web) turn it into words, in the staff's
language. `str(problem)` is for logs: English, and the params never carry personal
data (ID numbers, names, addresses, phones), since logs must not.

A layer that raises does so with a `ProblemError` subclass of its own (db.errors,
flows); the code tells the views what to say, the class tells callers how to react.

A param that is a catalogue name (`item`) comes with its English name beside it (`item_en`,
'' where the catalogue has none); words in English use that one (tui.problems).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Code", "Param", "Problem", "ProblemError"]

Param = str | int | float | None


class Code(StrEnum):
    """Every problem govan can report. The views have words for each (a test checks it)."""

    # GB 11643 ID numbers (core.idnumber)
    ID_NOT_TEXT = "id.not_text"
    ID_FIFTEEN_DIGITS = "id.fifteen_digits"
    ID_LENGTH = "id.length"  # count
    ID_CHARACTERS = "id.characters"
    ID_BIRTH_DATE = "id.birth_date"
    ID_CHECK_CHARACTER = "id.check_character"
    # Contact details a clerk types (core.contact)
    NAME_MISSING = "contact.name_missing"
    NAME_CHARACTERS = "contact.name_characters"
    NAME_TOO_LONG = "contact.name_too_long"  # limit
    PHONE_INVALID = "contact.phone_invalid"
    ADDRESS_MISSING = "contact.address_missing"
    ADDRESS_TOO_LONG = "contact.address_too_long"  # limit, length

    # The store (db): codes start with their area, e.g. "trip.not_open".
    # -- store codes below --
    # The store as a whole, and checks shared by its modules
    STORE_NO_DIRECTORY = "store.no_directory"  # path
    STORE_MIGRATION_LOST_ROWS = "store.migration_lost_rows"  # path, table: encrypting a plain store
    # The van's key and the files it seals (core.keys, core.sealing)
    KEY_MISSING = "key.missing"  # path
    KEY_UNREADABLE = "key.unreadable"  # path, detail
    KEY_EXPOSED = "key.exposed"  # path, mode
    SEAL_NOT_SEALED = "seal.not_sealed"  # name
    SEAL_DOES_NOT_OPEN = "seal.does_not_open"  # name
    STORE_CANNOT_OPEN = "store.cannot_open"  # path, detail
    STORE_NOT_USABLE = "store.not_usable"  # path, detail
    STORE_NAIVE_TIME = "store.naive_time"
    STORE_NOT_A_CHOICE = "store.not_a_choice"  # field, allowed: a value the code passes, outside its fixed set
    STORE_NOT_IN_RANGE = "store.not_in_range"  # field, min, max
    STORE_TOO_SMALL = "store.too_small"  # field, min
    STORE_TEXT_TOO_LONG = "store.text_too_long"  # field, limit
    STORE_PURPOSE_MISSING = "store.purpose_missing"
    STORE_UNKNOWN_REFERENCE = "store.unknown_reference"  # record
    CALENDAR_BAD_DATE = "calendar.bad_date"  # value, what
    DEMO_STORE_NOT_EMPTY = "demo.store_not_empty"
    # Stops, trips and crews
    STOP_NAME_MISSING = "stop.name_missing"
    STOP_NOT_FOUND = "stop.not_found"  # stop
    TRIP_NOT_FOUND = "trip.not_found"  # trip
    TRIP_NOT_OPEN = "trip.not_open"  # trip, status
    TRIP_NOT_PLANNED = "trip.not_planned"  # trip, status
    TRIP_NOT_CLOSED = "trip.not_closed"  # trip, status
    TRIP_CLOSED = "trip.closed"  # trip
    TRIP_OTHER_OPEN = "trip.other_open"  # trip
    TRIP_NO_CREW = "trip.no_crew"  # trip
    TRIP_THEME_MISSING = "trip.theme_missing"
    TRIP_NOT_A_CAPTAIN = "trip.not_a_captain"  # staff
    TRIP_CREW_WINDOW_MISSING = "trip.crew_window_missing"
    TRIP_CREW_NO_CATEGORY = "trip.crew_no_category"
    TRIP_WINDOW_TAKEN = "trip.window_taken"  # window, trip
    TRIP_WINDOW_UNSTAFFED = "trip.window_unstaffed"  # window, trip
    TRIP_NOT_CREW = "trip.not_crew"  # staff, trip
    TRIP_ITEM_NOT_OFFERED = "trip.item_not_offered"  # item, trip
    TRIP_TICKETS_SERVING = "trip.tickets_serving"  # count
    TRIP_CASES_OPEN = "trip.cases_open"  # count
    TRIP_TICKETS_WAITING = "trip.tickets_waiting"  # count
    TRIP_DESK_KEYS_TOO_MANY = "trip.desk_keys_too_many"  # limit
    TRIP_DESK_KEY_TWICE = "trip.desk_key_twice"  # item
    REPORT_ALREADY_STORED = "report.already_stored"  # trip
    # The queue
    TICKET_NOT_FOUND = "ticket.not_found"  # ticket_id
    TICKET_NO_CATEGORY_OR_ITEM = "ticket.no_category_or_item"
    TICKET_ITEM_OTHER_QUEUE = "ticket.item_other_queue"  # item, letter, category
    TICKET_NO_WINDOW = "ticket.no_window"  # category, trip
    TICKET_WINDOW_BUSY = "ticket.window_busy"  # window, ticket
    TICKET_WINDOW_WRONG_QUEUE = "ticket.window_wrong_queue"  # window, category
    TICKET_ALREADY_AT_WINDOW = "ticket.already_at_window"  # ticket, window
    TICKET_ALREADY_IN_QUEUE = "ticket.already_in_queue"  # ticket, category
    TICKET_NEVER_PRINTED = "ticket.never_printed"  # ticket
    TICKET_NOT_CALLED = "ticket.not_called"  # ticket, action
    TICKET_NOT_SERVING = "ticket.not_serving"  # ticket, status, action (a queue step)
    TICKET_BEING_SERVED = "ticket.being_served"  # ticket, action
    TICKET_FINISHED = "ticket.finished"  # ticket, status, action
    TICKET_NOT_HELD = "ticket.not_held"  # ticket, action: only a ticket whose slip failed to print
    # Appointments
    APPOINTMENT_NOT_FOUND = "appointment.not_found"  # appointment
    APPOINTMENT_HEAD_COUNT = "appointment.head_count"
    APPOINTMENT_HEAD_COUNT_NOT_GROUP = "appointment.head_count_not_group"
    APPOINTMENT_GROUP_NAME_MISSING = "appointment.group_name_missing"
    APPOINTMENT_CITIZEN_MISSING = "appointment.citizen_missing"
    APPOINTMENT_NO_ITEMS = "appointment.no_items"
    APPOINTMENT_CODE_FORM = "appointment.code_form"  # length
    APPOINTMENT_UNKNOWN_CODE = "appointment.unknown_code"
    APPOINTMENT_CHECKED_IN = "appointment.checked_in"  # appointment
    APPOINTMENT_CANCELLED = "appointment.cancelled"  # appointment
    APPOINTMENT_OTHER_TRIP = "appointment.other_trip"  # appointment, trip
    APPOINTMENT_OTHER_ITEM = "appointment.other_item"  # appointment, item
    # Citizens (too long a name, address or phone is contact.*)
    CITIZEN_NOT_FOUND = "citizen.not_found"  # citizen
    CITIZEN_GONE = "citizen.gone"  # citizen: missing or purged
    # Cases, their materials and attachments
    CASE_NOT_FOUND = "case.not_found"  # case
    CASE_NO_TICKET_OR_TRIP = "case.no_ticket_or_trip"
    CASE_TICKET_OTHER_TRIP = "case.ticket_other_trip"  # ticket, ticket_trip, trip
    CASE_OUTCOME_RECORDED = "case.outcome_recorded"  # case, action
    CASE_MATERIAL_NOT_LISTED = "case.material_not_listed"  # case, material
    CASE_COPY_NEEDS_ATTACHMENT = "case.copy_needs_attachment"
    CASE_ATTACHMENT_NOT_A_COPY = "case.attachment_not_a_copy"
    CASE_REASON_MISSING = "case.reason_missing"
    CASE_DELIVERY_NOT_ALLOWED = "case.delivery_not_allowed"
    CASE_POST_DETAILS_NOT_POST = "case.post_details_not_post"  # a waybill, for a delivery not by post
    CASE_ADDRESS_NOT_DELIVERED = "case.address_not_delivered"  # an address, for neither post nor door
    CASE_ADDRESS_MISSING = "case.address_missing"  # by post or to the door
    CASE_DOOR_DATE_MISSING = "case.door_date_missing"
    CASE_DATE_NOT_DOOR = "case.date_not_door"
    CASE_BACK_OFFICE_ONLY = "case.back_office_only"  # item, item_en
    CASE_NOT_MAILABLE = "case.not_mailable"  # item, item_en
    CASE_NOT_AWAITING_DELIVERY = "case.not_awaiting_delivery"  # case, status
    CASE_WAYBILL_MISSING = "case.waybill_missing"
    CASE_WAYBILL_NOT_POST = "case.waybill_not_post"
    ATTACHMENT_NOT_FOUND = "attachment.not_found"  # attachment
    ATTACHMENT_PATH = "attachment.path"
    ATTACHMENT_SHA256 = "attachment.sha256"
    ATTACHMENT_CERTIFICATION = "attachment.certification"
    ATTACHMENT_SIZE = "attachment.size"
    ATTACHMENT_OTHER_CASE = "attachment.other_case"  # attachment, case
    # Ratings, follow-ups and suggestions
    RATING_NOT_FOUND = "rating.not_found"  # rating
    RATING_ALREADY_RATED = "rating.already_rated"  # ticket
    RATING_NOT_SERVED = "rating.not_served"  # ticket, status
    FOLLOW_UP_NOT_FOUND = "follow_up.not_found"  # follow_up
    FOLLOW_UP_NOTE_MISSING = "follow_up.note_missing"  # step
    FOLLOW_UP_CLOSED = "follow_up.closed"  # follow_up, step
    FOLLOW_UP_CALLBACK_PAST = "follow_up.callback_past"  # follow_up, status
    FOLLOW_UP_ALREADY_FIXED = "follow_up.already_fixed"  # follow_up
    FOLLOW_UP_NOT_FIXED = "follow_up.not_fixed"  # follow_up, status
    FOLLOW_UP_CALLBACK_FIRST = "follow_up.callback_first"  # follow_up: a named 差评 is called back before its fix
    FOLLOW_UP_ANONYMOUS = "follow_up.anonymous"  # follow_up: an anonymous rating has no number to call back
    FOLLOW_UP_NO_PHONE = "follow_up.no_phone"  # follow_up: no phone on file for the visit
    SUGGESTION_NOT_FOUND = "suggestion.not_found"  # suggestion
    SUGGESTION_EMPTY = "suggestion.empty"
    SUGGESTION_RESPONSE_EMPTY = "suggestion.response_empty"
    # Staff
    STAFF_NOT_FOUND = "staff.not_found"  # staff
    STAFF_LOGIN_FORM = "staff.login_form"
    STAFF_LOGIN_TAKEN = "staff.login_taken"
    STAFF_NAME_MISSING = "staff.name_missing"
    STAFF_PIN_FORM = "staff.pin_form"
    STAFF_BAD_CREDENTIALS = "staff.bad_credentials"
    STAFF_LOCKED = "staff.locked"  # minutes: too many wrong PINs in a row, for a known login or not
    # Figures, device incidents, the outbox
    METRICS_NO_SCOPE = "metrics.no_scope"
    METRICS_PERIOD_REVERSED = "metrics.period_reversed"
    METRICS_WEIGHTS = "metrics.weights"
    INCIDENT_STATE = "incident.state"
    INCIDENT_NOT_RECORDED = "incident.not_recorded"  # detail
    OUTBOX_NOT_FOUND = "outbox.not_found"  # message
    OUTBOX_ALREADY_SENT = "outbox.already_sent"  # message
    OUTBOX_ERROR_MISSING = "outbox.error_missing"
    # The catalogue and its files; `where` names the file and entry, e.g. "x.toml: items[3]: item 'abc'"
    CATALOGUE_UNKNOWN_ITEM = "catalogue.unknown_item"  # item
    CATALOGUE_UNKNOWN_CATEGORY = "catalogue.unknown_category"  # category
    CATALOGUE_UNKNOWN_DEPARTMENT = "catalogue.unknown_department"  # department
    CATALOGUE_ITEM_DISABLED = "catalogue.item_disabled"  # item
    CATALOGUE_ITEM_DEPARTMENT = "catalogue.item_department"  # item, department
    CATALOGUE_LETTER_TAKEN = "catalogue.letter_taken"  # department, letter
    CATALOGUE_FILE_TYPE = "catalogue.file_type"  # path
    CATALOGUE_FILE_UNREADABLE = "catalogue.file_unreadable"  # path, detail
    CATALOGUE_FILE_NOT_UTF8 = "catalogue.file_not_utf8"  # path
    CATALOGUE_NOT_TOML = "catalogue.not_toml"  # source, detail
    CATALOGUE_UNKNOWN_TABLE = "catalogue.unknown_table"  # source, table
    CATALOGUE_NOT_TABLES = "catalogue.not_tables"  # source, key
    CATALOGUE_MISSING_COLUMN = "catalogue.missing_column"  # source, column
    CATALOGUE_EXTRA_FIELDS = "catalogue.extra_fields"  # where
    CATALOGUE_DEPARTMENT_CONFLICT = "catalogue.department_conflict"  # where, department
    CATALOGUE_DUPLICATE_DEPARTMENT = "catalogue.duplicate_department"  # source, department
    CATALOGUE_DUPLICATE_ITEM = "catalogue.duplicate_item"  # source, item
    CATALOGUE_SHARED_LETTER = "catalogue.shared_letter"  # source
    CATALOGUE_UNKNOWN_KEY = "catalogue.unknown_key"  # where, key
    CATALOGUE_CODE_FORM = "catalogue.code_form"  # where
    CATALOGUE_TEXT = "catalogue.text"  # where, limit
    CATALOGUE_NOT_BOOL = "catalogue.not_bool"  # where
    CATALOGUE_QUEUE_LETTER = "catalogue.queue_letter"  # where, department
    CATALOGUE_MATERIALS = "catalogue.materials"  # where
    CATALOGUE_MATERIAL_TWICE = "catalogue.material_twice"  # where
    CATALOGUE_COMPLETION = "catalogue.completion"  # where
    CATALOGUE_TIME_LIMIT = "catalogue.time_limit"  # where
    CATALOGUE_FEE = "catalogue.fee"  # where

    # Flows: what a workflow refuses, e.g. "intake.missing_materials".
    # -- flow codes below --
    COMMAND_NO_RESULT = "command.no_result"  # device, seconds: the daemon gave no answer in time
    COMMAND_FAILED = "command.failed"  # device: failed, with no problem the terminal knows (another version)
    # Roles, the trip, follow-ups and the captain's views
    CAPTAIN_ONLY = "role.captain_only"  # only the captain does this
    COOPERATION_OWN = "cooperation.own"  # the captain does not mark their own cooperation (配合度)
    FOLLOW_UP_OWN_RATING = "follow_up.own_rating"  # follow_up: the rating is about the person recording the step
    SEAT_WINDOW_TAKEN = "seat.window_taken"  # window: someone else is seated there in this plan
    SEAT_WINDOW_FIRST = "seat.window_first"  # a person gets a window before their queue categories
    SEAT_CATEGORIES = "seat.categories"  # known: the letters a window may serve
    SETUP_NO_STOP = "setup.no_stop"
    SETUP_NO_CREW = "setup.no_crew"
    CREW_WINDOW_BUSY = (
        "crew.window_busy"  # window, ticket: a window that has a ticket called or served keeps its person
    )
    EXPORT_FAILED = "export.failed"  # folder, reason (the system's words)
    EVALUATION_PERIOD = "evaluation.period"  # a period that does not read as two dates, first not after last
    # The desk and the window (flows.desk, flows.window, flows.slips)
    DESK_KEY_UNSET = "desk.key_unset"  # key: a number key the captain gave no item
    DESK_NOT_NOW = "desk.not_now"  # action
    SLIP_STILL_PRINTING = "slip.still_printing"  # ticket: its slip is being printed now
    WINDOW_NOT_NOW = "window.not_now"  # action: nothing called, or not in the state for it
    TRANSFER_NOWHERE = "transfer.nowhere"  # no other window of its queue, no other queue served on the trip
    TRANSFER_NOT_A_TARGET = "transfer.not_a_target"  # the window or queue is not one the ticket may go to
    TRANSFER_ITEM_NEEDED = "transfer.item_needed"  # category: which of its items the person comes for
    TRANSFER_CASE_OPEN = "transfer.case_open"  # ticket: an open case moves only with its ticket, to a window
    # Intake (flows.intake)
    INTAKE_NOT_NOW = "intake.not_now"  # action, step: not at this step of the visit
    INTAKE_CARD_LATER = "intake.card_later"  # a card read away from the person step
    INTAKE_CASE_OPEN = "intake.case_open"  # item, item_en: its case is open; record its outcome first
    INTAKE_NOT_A_CASE_NUMBER = "intake.not_a_case_number"  # not a case number of this van
    INTAKE_SCAN_NOT_USED = "intake.scan_not_used"  # step: nothing at this step takes a scan
    INTAKE_OUTCOME_MISSING = "intake.outcome_missing"
    INTAKE_REASON_DETAIL_MISSING = "intake.reason_detail_missing"  # "other" needs a few words
    INTAKE_APPLICANT_MISSING = "intake.applicant_missing"  # a result is delivered to a named applicant
    INTAKE_DOOR_DATE_FORM = "intake.door_date_form"
    INTAKE_DOOR_DATE_PAST = "intake.door_date_past"
    INTAKE_APPOINTMENT_TIME_FORM = "intake.appointment_time_form"
    INTAKE_APPOINTMENT_PAST = "intake.appointment_past"

    # Devices and the daemon: what a device or a command reports, e.g. "printer.paper_out".
    # -- device codes below --
    # Params in the comments. `port` names a tty, a path, host:port or "usb VID:PID". Codes of
    # a device's state or error event, of a job's failure, and of the client's own view.
    DAEMON_OFFLINE = "daemon.offline"
    DAEMON_NO_BROKER = "daemon.no_broker"  # reason (may be "")
    DAEMON_WORKER_DIED = "daemon.worker_died"  # exit_code
    DEVICE_NO_STATE = "device.no_state"
    DEVICE_DISABLED = "device.disabled"  # device
    DEVICE_START_FAILED = "device.start_failed"  # driver, error
    DEVICE_DRIVER_STOPPED = "device.driver_stopped"
    DEVICE_DRIVER_FAILED = "device.driver_failed"  # error
    DEVICE_NOT_READY = "device.not_ready"  # device, state
    DEVICE_NOT_OPEN = "device.not_open"  # port
    DEVICE_PORT_MISSING = "device.port_missing"  # port
    DEVICE_UNPLUGGED = "device.unplugged"  # port
    DEVICE_PERMISSION_DENIED = "device.permission_denied"  # port, group (absent: a udev rule is missing)
    DEVICE_PORT_BUSY = "device.port_busy"  # port
    DEVICE_OPEN_FAILED = "device.open_failed"  # port, reason
    DEVICE_NOT_SERIAL = "device.not_serial"  # port
    DEVICE_CONNECTION_REFUSED = "device.connection_refused"  # port
    DEVICE_HOST_UNREACHABLE = "device.host_unreachable"  # port
    DEVICE_NO_ANSWER = "device.no_answer"  # port, seconds (None when the system timed out)
    DEVICE_CONNECTION_CLOSED = "device.connection_closed"  # port
    DEVICE_LIBUSB_MISSING = "device.libusb_missing"  # port
    DEVICE_HELD = "device.held"  # terminal, label: a claim refused, another terminal holds it
    COMMAND_REJECTED = "command.rejected"  # device, command, reason
    COMMAND_UNSUPPORTED = "command.unsupported"  # device, command
    JOB_EXPIRED = "job.expired"  # expires_at
    JOB_INTERRUPTED = "job.interrupted"
    JOB_TIMED_OUT = "job.timed_out"  # command, seconds
    JOB_INTERNAL_ERROR = "job.internal_error"  # error
    SIM_NOT_EMULATED = "sim.not_emulated"  # device, driver
    SIM_NOT_RUNNING = "sim.not_running"  # device
    SIM_REJECTED = "sim.rejected"  # action, reason
    SIM_PRINTER_UNREADABLE = "sim.printer_unreadable"  # reason: the virtual printer could not decode a job
    # Printer; a print that fails after some copies adds printed, copies to its code's params.
    PRINTER_PAPER_OUT = "printer.paper_out"
    PRINTER_PAPER_NEAR_END = "printer.paper_near_end"
    PRINTER_COVER_OPEN = "printer.cover_open"
    PRINTER_CUTTER_ERROR = "printer.cutter_error"
    PRINTER_UNRECOVERABLE_ERROR = "printer.unrecoverable_error"
    PRINTER_RECOVERABLE_ERROR = "printer.recoverable_error"
    PRINTER_OFFLINE = "printer.offline"
    PRINTER_NO_ANSWER = "printer.no_answer"  # seconds
    PRINTER_GARBLED_STATUS = "printer.garbled_status"  # reason
    PRINTER_STATUS_UNKNOWN = "printer.status_unknown"  # port: a write-only link
    PRINTER_STALLED = "printer.stalled"  # port, seconds (None when the printer stalled it)
    PRINTER_NOT_A_PRINTER = "printer.not_a_printer"  # port
    PRINTER_TIMED_OUT = "printer.timed_out"  # seconds
    PRINTER_UNPRINTABLE_CHARACTER = "printer.unprintable_character"  # block, character, codepoint
    PRINTER_DOCUMENT_INVALID = "printer.document_invalid"  # block, kind, reason
    # ID reader; sw3 is the SAM's status byte in hex ("41"), whose meaning the reader's manual gives.
    IDREADER_NO_ANSWER = "idreader.no_answer"  # port, command
    IDREADER_NOT_ACCEPTING = "idreader.not_accepting"  # port
    IDREADER_BAD_REPLIES = "idreader.bad_replies"  # port, command
    IDREADER_SAM_FAILED = "idreader.sam_failed"  # port, sw3
    IDREADER_SAM_ID_FAILED = "idreader.sam_id_failed"  # sw3
    IDREADER_REPLY_INVALID = "idreader.reply_invalid"  # reason
    IDREADER_NOISE = "idreader.noise"  # bytes
    IDREADER_BAD_CHECKSUM = "idreader.bad_checksum"  # bytes
    IDREADER_FIND_FAILED = "idreader.find_failed"  # sw3
    IDREADER_READ_FAILED = "idreader.read_failed"  # step ("select" or "read"), sw3, reason: place the card again
    IDREADER_CARD_NOT_UNDERSTOOD = "idreader.card_not_understood"  # reason
    # Scanner
    SCANNER_NOT_INPUT_DEVICE = "scanner.not_input_device"  # port, reason
    SCANNER_CODE_TOO_LONG = "scanner.code_too_long"  # limit (bytes)
    SCANNER_UNTERMINATED = "scanner.unterminated"  # timeout_ms, bytes: check the scanner's terminator
    SCANNER_NOT_UTF8 = "scanner.not_utf8"  # byte, offset
    SCANNER_EMPTY_CODE = "scanner.empty_code"  # aim
    SCANNER_KEYS_DROPPED = "scanner.keys_dropped"
    SCANNER_UNMAPPED_KEY = "scanner.unmapped_key"  # key, layout
    # Camera
    CAMERA_NOT_V4L2 = "camera.not_v4l2"  # port
    CAMERA_NOT_CAPTURE_DEVICE = "camera.not_capture_device"  # port
    CAMERA_NO_MJPG = "camera.no_mjpg"  # port
    CAMERA_STREAM_ENDED = "camera.stream_ended"  # port
    CAMERA_FOLDER_UNREADABLE = "camera.folder_unreadable"  # port, reason
    CAMERA_NO_PICTURE = "camera.no_picture"  # seconds
    CAMERA_UNREADABLE_PICTURE = "camera.unreadable_picture"  # error
    CAMERA_PICTURE_TOO_LARGE = "camera.picture_too_large"  # width, height
    CAMERA_CERTIFY_TIME_INVALID = "camera.certify_time_invalid"
    CAMERA_CERTIFY_ID_PHOTO = "camera.certify_id_photo"
    CAMERA_NO_FONT = "camera.no_font"  # packages
    CAMERA_UNKNOWN_MODE = "camera.unknown_mode"  # mode

    # The hall (issue 18): the speaker under the daemon, and govan web's citizen pages.
    # -- hall codes below --
    SPEAKER_NO_AUDIO_DEVICE = "speaker.no_audio_device"  # output, reason: ALSA cannot open the output
    SPEAKER_PROGRAM_MISSING = "speaker.program_missing"  # program, package: a Debian package to install
    SPEAKER_SYNTHESIS_FAILED = "speaker.synthesis_failed"  # reason
    SPEAKER_PLAYBACK_FAILED = "speaker.playback_failed"  # output, reason
    SPEAKER_NOTHING_TO_SAY = "speaker.nothing_to_say"  # text has nothing that can be read aloud
    SPEAKER_CLIPS_FOLDER = "speaker.clips_folder"  # folder, reason
    SPEAKER_CLIP_MISSING = "speaker.clip_missing"  # folder, piece: no recorded clip says it
    SPEAKER_CLIP_UNREADABLE = "speaker.clip_unreadable"  # clip, reason: not a PCM WAV file
    HALL_TOKEN_UNKNOWN = "hall.token_unknown"  # no ticket has this token
    HALL_TOKEN_EXPIRED = "hall.token_expired"  # ticket: its trip has closed
    HALL_RATING_NOT_OFFERED = "hall.rating_not_offered"  # ticket, status: the visit has not ended, or no service
    HALL_RATING_GIVEN = "hall.rating_given"  # ticket: rated already (一次一评)
    HALL_NO_VISIT_AT_WINDOW = "hall.no_visit_at_window"  # window: nothing there to rate now


@dataclass(frozen=True)
class Problem:
    code: Code
    params: Mapping[str, Param] = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.params:
            return self.code.value
        return f"{self.code.value} ({', '.join(f'{key}={value}' for key, value in self.params.items())})"


class ProblemError(Exception):
    """Raised with a problem; str() is the log line."""

    def __init__(self, code: Code, **params: Param) -> None:
        self.problem = Problem(code, params)
        super().__init__(str(self.problem))

    @property
    def code(self) -> Code:
        return self.problem.code
