"""Problems: what went wrong, as a code and its parameters, never as words.

Everything below the views (core, devices, daemon, db, flows) reports a problem as a
`Problem(code, params)`; only the views (tui, web) turn it into words, in the staff's
language. `str(problem)` is for logs: English, and the params never carry personal
data (ID numbers, names, addresses, phones), since logs must not.

A layer that raises does so with a `ProblemError` subclass of its own (db.errors,
flows); the code tells the views what to say, the class tells callers how to react.
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

    # The store (db): codes start with the module they come from, e.g. "ticket.wrong_state".
    # -- store codes below --

    # Flows: what a workflow refuses, e.g. "intake.missing_materials".
    # -- flow codes below --

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
