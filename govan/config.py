"""The govan.toml configuration file, loaded into typed structs.

Every problem is a ConfigError whose message names the file and the key, so that
a support engineer can fix it without reading code.
"""

from __future__ import annotations

import os
import re
import stat
import string
import tempfile
import tomllib
import typing
from datetime import date
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from core.devices import DEVICES, READER_KEY_PATTERN, window_reader
from core.queue import MAX_DEFER_PLACES

CONFIG_ENV = "GOVAN_CONFIG"
LOCAL_CONFIG = Path("govan.toml")
VAN_ID_PATTERN = re.compile(r"[a-z0-9-]{1,32}")
TOPIC_PREFIX_PATTERN = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")


class ConfigError(Exception):
    """The configuration file cannot be used; the message names the file and the key."""


class _Section(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class MqttClientCredentials(_Section):
    """Credentials of a broker user other than the daemon's: staff programs', or support tools'."""

    username: str | None = None
    password_file: str | None = None


class MqttConfig(_Section):
    url: str = "embedded"
    username: str | None = None
    password_file: str | None = None
    topic_prefix: str = "govan"
    keepalive: int = 10
    embedded_port: int = 1883
    # The CA that signed an mqtts:// broker's certificate, when it is not in the system store.
    ca_file: str | None = None
    # Staff programs that may be connected at once; each takes one broker user of its own (see daemon.credentials).
    staff_slots: int = 16
    tui: MqttClientCredentials = msgspec.field(default_factory=MqttClientCredentials)
    # `govan rig`: it reads every card and scan, so it is not a staff user (daemon/access.py).
    support: MqttClientCredentials = msgspec.field(default_factory=MqttClientCredentials)


class IdReaderConfig(_Section):
    driver: Literal["sam", "sim", "none"] = "none"
    port: str = "/dev/ttyUSB0"
    baudrate: int = 115200
    usb: str | None = None


class WindowReaderConfig(IdReaderConfig, kw_only=True):
    """`[devices.idreaders.w2]`: a window's own ID reader, the device `idreader-w2` on the bus."""

    window: str


class ScannerConfig(_Section):
    driver: Literal["serial", "hid", "sim", "none"] = "none"
    port: str = "/dev/ttyACM0"
    baudrate: int = 9600
    terminator: Literal["CR", "LF", "CRLF", "TAB"] = "CR"
    device: str | None = None
    layout: Literal["us", "uk", "de", "fr"] = "us"
    code_timeout_ms: int = 500


class PrinterConfig(_Section):
    driver: Literal["usb", "serial", "tcp", "file", "sim", "none"] = "none"
    host: str = "127.0.0.1"
    port: int | str = 9100
    baudrate: int = 9600
    usb: str | None = None
    path: str | None = None
    paper_width_mm: Literal[58, 80] = 80
    chinese: Literal["gb18030", "gbk"] = "gb18030"
    timeout_s: float = 10.0


class CameraConfig(_Section):
    driver: Literal["v4l2", "folder", "sim", "none"] = "none"
    device: str = "/dev/video0"
    folder: str | None = None
    timeout_s: float = 20.0


# What a call says, with the ticket's number and the window (flows.speaker fills them in).
DEFAULT_CALL_TEMPLATE = "请{number}号到{window}号窗口办理"


class SpeakerConfig(_Section):
    """`[devices.speaker]`: the hall's voice (docs/hall.md)."""

    driver: Literal["espeak", "clips", "sim", "none"] = "none"
    clips: str | None = None  # a folder of recorded clips, for the clips driver
    output: str = "default"  # the ALSA output (aplay -D) for espeak and clips
    voice: str = "cmn-latn-pinyin"  # espeak-ng's voice, fed tone-numbered pinyin
    speed: int = 150  # espeak-ng's words per minute
    template: str = DEFAULT_CALL_TEMPLATE
    repeat: int = 2  # each call is said this many times
    chime: bool = True  # a chime before each call


class DevicesConfig(_Section):
    idreader: IdReaderConfig = msgspec.field(default_factory=IdReaderConfig)
    scanner: ScannerConfig = msgspec.field(default_factory=ScannerConfig)
    printer: PrinterConfig = msgspec.field(default_factory=PrinterConfig)
    camera: CameraConfig = msgspec.field(default_factory=CameraConfig)
    speaker: SpeakerConfig = msgspec.field(default_factory=SpeakerConfig)
    # Extra ID readers, one per window, beside the shared `idreader`; keyed as in [devices.idreaders.w2].
    idreaders: dict[str, WindowReaderConfig] = msgspec.field(default_factory=dict)

    def names(self) -> list[str]:
        """Every device the daemon serves: the contract's, then each window's reader."""
        return [*DEVICES, *(window_reader(key) for key in self.idreaders)]

    def settings(self, device: str) -> IdReaderConfig | ScannerConfig | PrinterConfig | CameraConfig | SpeakerConfig:
        """The section of one device, by its name on the bus ("printer", "idreader-w2")."""
        if device in DEVICES:
            section: IdReaderConfig | ScannerConfig | PrinterConfig | CameraConfig | SpeakerConfig = getattr(
                self, device
            )
            return section
        readers = {window_reader(key): reader for key, reader in self.idreaders.items()}
        return readers[device]

    def table(self, device: str) -> str:
        """Where a device is configured, for messages: "devices.printer", "devices.idreaders.w2"."""
        if device in DEVICES:
            return f"devices.{device}"
        return next(f"devices.idreaders.{key}" for key in self.idreaders if window_reader(key) == device)


class ServiceConfig(_Section):
    """Rules of the service that vary by place and are "set locally"."""

    ticket_qr_url: str | None = None
    priority_age: int = 70
    followup_working_days: int = 5
    holidays: list[str] = msgspec.field(default_factory=list)
    # Saturdays and Sundays that are worked (调休), e.g. the Sunday before National Day.
    working_days: list[str] = msgspec.field(default_factory=list)
    retention_days: int = 30
    # Wrong PINs in a row that lock a login, and how long each lock lasts (the last one repeats).
    pin_attempts: int = 5
    pin_lockout_minutes: list[int] = msgspec.field(default_factory=lambda: [1, 5, 15])
    # 过号顺延: how many calls go before a missed number put back.
    defer_places: int = 3
    # The language of what citizens read (slips, receipts, the hall's board), whatever the staff's
    # screen language (`locale`): the people served read Chinese.
    citizen_locale: Literal["zh_CN", "en"] = "zh_CN"


class WebConfig(_Section):
    """`[web]`: govan web, the hall's board and the citizens' pages."""

    listen: str = "0.0.0.0:8080"  # host:port; the van's Wi-Fi
    # What a ticket's QR code points at, e.g. "http://192.168.8.1:8080"; unset: tickets carry no page.
    public_url: str | None = None


class EvaluationConfig(_Section):
    """Weights of the staff evaluation (考评); the centre sets them separately."""

    trips: float = 0.15
    cases: float = 0.15
    completion: float = 0.2
    satisfaction: float = 0.2
    praise: float = 0.15
    cooperation: float = 0.15


class SyncConfig(_Section):
    """`govan sync`, the van's link to the centre (CONTRACT.md v2)."""

    alarm_minutes: int = 60  # `govan sync status` exits 1 when something waits longer
    # Its own user on an external van broker (`govan init --mosquitto` writes it); the embedded broker has one.
    username: str | None = None
    password_file: str | None = None
    heartbeat_s: int = 30  # how often the van says it is there, with its backlog
    retry_s: float = 15.0  # an unacknowledged message is sent again after this, doubling each time…
    retry_cap_s: float = 600.0  # …up to this
    in_flight: int = 200  # messages sent and not yet acknowledged, at most


class CentralConfig(_Section):
    """`govan central` and `govan tui --central`, at the service centre."""

    database_url: str = "embedded"  # or postgresql://user@host/db
    mqtt_url: str = "mqtt://127.0.0.1:1883"  # the centre's broker, which every van's bridge reaches
    username: str | None = None
    password_file: str | None = None
    ca_file: str | None = None
    connector: Literal["filedrop", "webhook", "none"] = "filedrop"
    spool_dir: str | None = None  # filedrop: where case folders go (default: data_dir/central/spool)
    webhook_url: str | None = None
    webhook_secret_file: str | None = None  # the HMAC key, mode 0600
    tracking: Literal["none", "sim"] = "none"  # where waybills are looked up; "sim" follows a scripted carrier
    online_minutes: int = 3  # a van with nothing heard for longer shows offline
    followup_working_days: int = 5  # a returned or refused result's follow-up deadline


class Config(_Section):
    van_id: str = "lg-01"
    data_dir: str = msgspec.field(default_factory=lambda: str(default_data_dir()))
    locale: Literal["zh_CN", "en"] = "zh_CN"
    timezone: str = "Asia/Shanghai"
    mqtt: MqttConfig = msgspec.field(default_factory=MqttConfig)
    devices: DevicesConfig = msgspec.field(default_factory=DevicesConfig)
    service: ServiceConfig = msgspec.field(default_factory=ServiceConfig)
    web: WebConfig = msgspec.field(default_factory=WebConfig)
    evaluation: EvaluationConfig = msgspec.field(default_factory=EvaluationConfig)
    sync: SyncConfig = msgspec.field(default_factory=SyncConfig)
    central: CentralConfig = msgspec.field(default_factory=CentralConfig)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()

    @property
    def database_path(self) -> Path:
        return self.data_path / "govan.db"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def embedded_broker(self) -> bool:
        return self.mqtt.url == "embedded"


def default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "govan"


def resolve_path(explicit: str | os.PathLike[str] | None) -> Path | None:
    """The file to read: --config, then $GOVAN_CONFIG, then ./govan.toml, else None (defaults)."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env)
    if LOCAL_CONFIG.is_file():
        return LOCAL_CONFIG
    return None


def load(explicit: str | os.PathLike[str] | None = None, *, writes_data: bool = False) -> Config:
    """Load and validate the configuration, or return the built-in defaults.

    `writes_data`: the command writes to the data directory (the daemon, the TUI, init), so
    check that it can, there or where it would be created.
    """
    path = resolve_path(explicit)
    if path is None:
        config, source = validate(Config(), "built-in defaults"), "built-in defaults"
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such configuration file") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path}: cannot read it: {error}") from None
        config, source = parse(text, str(path)), str(path)
    if writes_data:
        _check_writable(config.data_path, source)
    return config


def parse(text: str, source: str) -> Config:
    """Parse TOML text; `source` names the file in every error."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: not valid TOML: {error}") from None
    try:
        config = msgspec.convert(raw, Config)
    except msgspec.ValidationError as error:
        raise ConfigError(f"{source}: {_describe(error, raw)}") from None
    return validate(config, source)


def _describe(error: msgspec.ValidationError, raw: dict) -> str:
    """Turn msgspec's "problem - at `$.a.b`" into a message that leads with the TOML key."""
    match = re.fullmatch(r"(.*?)(?: - at `\$\.?(.*)`)?", str(error), flags=re.DOTALL)
    assert match is not None  # the pattern matches any string
    problem, where = match.group(1), _name_the_reader(match.group(2) or "", raw)
    unknown = re.fullmatch(r"Object contains unknown field `(.+)`", problem)
    if unknown:
        key = f"{where}.{unknown.group(1)}" if where else unknown.group(1)
        return f"unknown key '{key}'"
    allowed = _allowed_values(where)
    if allowed:
        return f"key '{where}': {problem}; use one of {', '.join(allowed)}"
    return f"key '{where}': {problem}"


def _name_the_reader(where: str, raw: dict) -> str:
    """msgspec writes the key of [devices.idreaders.w2] as "[...]": find the table that fails, to name it."""
    if not where.startswith("devices.idreaders[...]"):
        return where
    readers = raw.get("devices", {}).get("idreaders", {})
    for key, table in readers.items():
        try:
            msgspec.convert(table, WindowReaderConfig)
        except msgspec.ValidationError:
            return where.replace("[...]", f".{key}", 1)
    return where


def _allowed_values(where: str) -> list[str]:
    """The choices of a Literal-typed key such as 'devices.printer.driver', else []."""
    struct_type: object = Config
    hint: object = None
    keyed = False  # the next part is a key of a table of tables, e.g. "w2" in devices.idreaders.w2
    for name in where.split("."):
        if keyed:
            keyed = False
            continue
        hints = typing.get_type_hints(struct_type) if isinstance(struct_type, type) else {}
        hint = hints.get(name)
        struct_type = hint
        if typing.get_origin(hint) is dict:
            struct_type, keyed = typing.get_args(hint)[1], True
    if typing.get_origin(hint) is Literal:
        return [repr(value) if isinstance(value, int) else f'"{value}"' for value in typing.get_args(hint)]
    return []


def _fail(source: str, key: str, problem: str) -> ConfigError:
    return ConfigError(f"{source}: key '{key}': {problem}")


def validate(config: Config, source: str) -> Config:
    """Checks that types alone cannot express."""
    if not VAN_ID_PATTERN.fullmatch(config.van_id):
        raise _fail(source, "van_id", f"{config.van_id!r} must match [a-z0-9-]{{1,32}}")
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(source, "timezone", f"unknown time zone {config.timezone!r}") from None
    mqtt = config.mqtt
    if mqtt.url != "embedded" and not re.fullmatch(r"mqtts?://[^/:]+(:\d+)?/?", mqtt.url):
        raise _fail(source, "mqtt.url", f'{mqtt.url!r} must be "embedded" or mqtt://host:port')
    if not TOPIC_PREFIX_PATTERN.fullmatch(mqtt.topic_prefix):
        raise _fail(source, "mqtt.topic_prefix", f"{mqtt.topic_prefix!r} is not a valid topic prefix")
    if not 2 <= mqtt.keepalive <= 3600:
        raise _fail(source, "mqtt.keepalive", "must be between 2 and 3600 seconds")
    if not 1 <= mqtt.embedded_port <= 65535:
        raise _fail(source, "mqtt.embedded_port", "must be a TCP port number")
    for key, value in (
        ("mqtt.password_file", mqtt.password_file),
        ("mqtt.tui.password_file", mqtt.tui.password_file),
        ("mqtt.support.password_file", mqtt.support.password_file),
        ("mqtt.ca_file", mqtt.ca_file),
    ):
        if value is not None and not value:
            raise _fail(source, key, "must not be empty")
    if mqtt.ca_file is not None and not mqtt.url.startswith("mqtts://"):
        raise _fail(source, "mqtt.ca_file", "only applies to an mqtts:// url")
    if not 1 <= mqtt.staff_slots <= 99:
        raise _fail(source, "mqtt.staff_slots", "must be between 1 and 99")
    problem = _data_dir_problem(config.data_path)
    if problem is not None:
        raise _fail(source, "data_dir", problem)
    _validate_devices(config.devices, source)
    _validate_speaker(config.devices.speaker, source)
    _validate_service(config, source)
    _validate_web(config.web, source)
    _validate_centre(config, source)
    return config


def listen_address(listen: str) -> tuple[str, int] | None:
    """`[web] listen` as (host, port), or None when it is not host:port."""
    match = re.fullmatch(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})", listen)
    if match is None or not 1 <= int(match.group(2)) <= 65535:
        return None
    return match.group(1).strip("[]"), int(match.group(2))


def _validate_web(web: WebConfig, source: str) -> None:
    if listen_address(web.listen) is None:
        raise _fail(source, "web.listen", f'{web.listen!r} must be host:port, e.g. "0.0.0.0:8080"')
    if web.public_url is not None and not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", web.public_url):
        raise _fail(
            source,
            "web.public_url",
            f'{web.public_url!r} must be an http:// or https:// address, e.g. "http://192.168.8.1:8080"',
        )


def _validate_speaker(speaker: SpeakerConfig, source: str) -> None:
    table = "devices.speaker"
    if speaker.driver == "clips" and not speaker.clips:
        raise _fail(source, f"{table}.clips", 'is required when driver = "clips" (a folder of recorded clips)')
    if not 1 <= speaker.repeat <= 3:
        raise _fail(source, f"{table}.repeat", "must be 1, 2 or 3")
    if not 80 <= speaker.speed <= 450:
        raise _fail(source, f"{table}.speed", "must be between 80 and 450 words per minute")
    if not speaker.output.strip():
        raise _fail(source, f"{table}.output", 'must name an ALSA output, e.g. "default"')
    if _template_fields(speaker.template) != {"number", "window"}:
        raise _fail(
            source,
            f"{table}.template",
            f'must say {{number}} and {{window}} and nothing else in braces, e.g. "{DEFAULT_CALL_TEMPLATE}"',
        )


def _template_fields(template: str) -> set[str] | None:
    """The names a str.format template fills in, or None when its braces do not pair."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return None


def _validate_centre(config: Config, source: str) -> None:
    sync, central = config.sync, config.central
    if not 1 <= sync.alarm_minutes <= 10080:
        raise _fail(source, "sync.alarm_minutes", "must be between 1 and 10080 minutes")
    if not 5 <= sync.heartbeat_s <= 3600:
        raise _fail(source, "sync.heartbeat_s", "must be between 5 and 3600 seconds")
    if not 0.1 <= sync.retry_s <= sync.retry_cap_s <= 86400:
        raise _fail(source, "sync.retry_s", "must be at least 0.1 s and at most sync.retry_cap_s (at most a day)")
    if not 1 <= sync.in_flight <= 10000:
        raise _fail(source, "sync.in_flight", "must be between 1 and 10000")
    if (sync.username is None) != (sync.password_file is None):
        raise _fail(source, "sync.password_file", "sync.username and sync.password_file go together")
    if central.database_url != "embedded" and not re.fullmatch(r"postgres(ql)?://\S+", central.database_url):
        raise _fail(source, "central.database_url", f'{central.database_url!r} must be "embedded" or postgresql://…')
    if not re.fullmatch(r"mqtts?://[^/:]+(:\d+)?/?", central.mqtt_url):
        raise _fail(source, "central.mqtt_url", f"{central.mqtt_url!r} must be mqtt://host:port (mqtts:// for TLS)")
    if central.connector == "webhook" and not (central.webhook_url and central.webhook_secret_file):
        raise _fail(source, "central.webhook_url", 'connector = "webhook" needs webhook_url and webhook_secret_file')
    if central.webhook_url is not None and not re.fullmatch(r"https?://\S+", central.webhook_url):
        raise _fail(source, "central.webhook_url", "must be an http:// or https:// URL")
    if not 1 <= central.online_minutes <= 1440:
        raise _fail(source, "central.online_minutes", "must be between 1 and 1440 minutes")
    if not 1 <= central.followup_working_days <= 60:
        raise _fail(source, "central.followup_working_days", "must be between 1 and 60 working days")


def _data_dir_problem(path: Path) -> str | None:
    """What already stands in the data directory's way: a file where it or a parent should be."""
    for place in (path, *path.parents):
        try:
            mode = place.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue  # not there yet: created when needed
        except OSError as error:
            return f"cannot look at {place}: {error.strerror}"
        if stat.S_ISDIR(mode):
            return None
        if place == path:
            return f"{path} is a file, not a directory; point data_dir at a directory"
        return f"{path} cannot be created: {place} is a file, not a directory"
    return None


def _check_writable(path: Path, source: str) -> None:
    """Create (and at once remove) a file where the data goes; validate() ruled out files in the way."""
    place = next(place for place in (path, *path.parents) if place.exists())
    try:
        with tempfile.TemporaryFile(dir=place):
            pass
    except OSError as error:
        problem = f"cannot write in {path}" if place == path else f"cannot create {path} in {place}"
        raise _fail(
            source, "data_dir", f"{problem} ({error.strerror}); let this user write there, or point data_dir elsewhere"
        ) from None


def _validate_service(config: Config, source: str) -> None:
    service = config.service
    if service.ticket_qr_url is not None and "{number}" not in service.ticket_qr_url:
        raise _fail(source, "service.ticket_qr_url", 'must contain {number}, e.g. "https://example.gov.cn/q/{number}"')
    if not 0 < service.priority_age <= 120:
        raise _fail(source, "service.priority_age", "must be an age in years")
    if not 1 <= service.followup_working_days <= 60:
        raise _fail(source, "service.followup_working_days", "must be between 1 and 60 working days")
    if not 1 <= service.retention_days <= 3650:
        raise _fail(source, "service.retention_days", "must be between 1 and 3650 days")
    holidays = _dates(service.holidays, source, "service.holidays")
    for day, worked in zip(
        service.working_days, _dates(service.working_days, source, "service.working_days"), strict=True
    ):
        if worked.weekday() < 5:
            raise _fail(
                source,
                "service.working_days",
                f"{day!r} is a weekday; list the Saturdays and Sundays that are worked (调休)",
            )
        if worked in holidays:
            raise _fail(source, "service.working_days", f"{day!r} is in service.holidays too")
    if not 1 <= service.defer_places <= MAX_DEFER_PLACES:
        raise _fail(source, "service.defer_places", f"must be between 1 and {MAX_DEFER_PLACES} places")
    if not 1 <= service.pin_attempts <= 20:
        raise _fail(source, "service.pin_attempts", "must be between 1 and 20 wrong PINs")
    if not service.pin_lockout_minutes or not all(1 <= minutes <= 1440 for minutes in service.pin_lockout_minutes):
        raise _fail(source, "service.pin_lockout_minutes", "must list minutes between 1 and 1440, e.g. [1, 5, 15]")
    weights = config.evaluation
    for name in weights.__struct_fields__:
        if getattr(weights, name) < 0:
            raise _fail(source, f"evaluation.{name}", "weights must not be negative")


def _dates(values: list[str], source: str, key: str) -> list[date]:
    days = []
    for value in values:
        try:
            days.append(date.fromisoformat(value))
        except ValueError:
            raise _fail(source, key, f"{value!r} is not a date like 2026-10-01") from None
    return days


def _validate_usb_id(value: str | None, source: str, key: str) -> None:
    if value is not None and not re.fullmatch(r"[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}", value):
        raise _fail(source, key, f'{value!r} must be VID:PID in hex, e.g. "0483:5743"')


def _validate_idreader(reader: IdReaderConfig, source: str, table: str) -> None:
    _validate_usb_id(reader.usb, source, f"{table}.usb")
    if reader.baudrate not in (9600, 19200, 38400, 57600, 115200):
        raise _fail(source, f"{table}.baudrate", "must be 9600, 19200, 38400, 57600 or 115200")


def _validate_window_readers(readers: dict[str, WindowReaderConfig], source: str) -> None:
    windows: dict[str, str] = {}
    for key, reader in readers.items():
        table = f"devices.idreaders.{key}"
        if not re.fullmatch(READER_KEY_PATTERN, key):
            raise ConfigError(
                f"{source}: table [{table}]: the name must match {READER_KEY_PATTERN}, e.g. w2; "
                "it becomes the device idreader-{name} on the bus"
            )
        _validate_idreader(reader, source, table)
        if not reader.window.strip():
            raise _fail(source, f"{table}.window", 'must name the window it serves, e.g. "2"')
        if reader.window in windows:
            raise _fail(
                source,
                f"{table}.window",
                f"window {reader.window!r} already has the reader [devices.idreaders.{windows[reader.window]}]",
            )
        windows[reader.window] = key


def _validate_devices(devices: DevicesConfig, source: str) -> None:
    _validate_idreader(devices.idreader, source, "devices.idreader")
    _validate_window_readers(devices.idreaders, source)
    if not 50 <= devices.scanner.code_timeout_ms <= 10000:
        raise _fail(source, "devices.scanner.code_timeout_ms", "must be between 50 and 10000")
    if devices.scanner.driver == "hid" and not devices.scanner.device:
        raise _fail(source, "devices.scanner.device", 'is required when driver = "hid" (an evdev path)')
    printer = devices.printer
    _validate_usb_id(printer.usb, source, "devices.printer.usb")
    if printer.driver == "usb" and not printer.usb:
        raise _fail(source, "devices.printer.usb", 'is required when driver = "usb" (VID:PID)')
    if printer.driver == "file" and not printer.path:
        raise _fail(source, "devices.printer.path", 'is required when driver = "file"')
    if printer.driver == "tcp" and not (isinstance(printer.port, int) and 1 <= printer.port <= 65535):
        raise _fail(source, "devices.printer.port", 'must be a TCP port number when driver = "tcp"')
    if printer.driver == "serial" and not isinstance(printer.port, str):
        raise _fail(source, "devices.printer.port", 'must be a tty path when driver = "serial"')
    if not 0.5 <= printer.timeout_s <= 120:
        raise _fail(source, "devices.printer.timeout_s", "must be between 0.5 and 120 seconds")
    camera = devices.camera
    if camera.driver == "folder" and not camera.folder:
        raise _fail(source, "devices.camera.folder", 'is required when driver = "folder"')
    if not 1 <= camera.timeout_s <= 300:
        raise _fail(source, "devices.camera.timeout_s", "must be between 1 and 300 seconds")


def with_sim_devices(config: Config) -> Config:
    """`govan demo` uses emulated devices everywhere."""
    devices = DevicesConfig(
        idreader=msgspec.structs.replace(config.devices.idreader, driver="sim"),
        scanner=msgspec.structs.replace(config.devices.scanner, driver="sim"),
        printer=msgspec.structs.replace(config.devices.printer, driver="sim"),
        camera=msgspec.structs.replace(config.devices.camera, driver="sim"),
        speaker=msgspec.structs.replace(config.devices.speaker, driver="sim"),
        idreaders={
            key: msgspec.structs.replace(reader, driver="sim") for key, reader in config.devices.idreaders.items()
        },
    )
    return msgspec.structs.replace(config, devices=devices)


def to_toml(config: Config) -> str:
    """Serialise a config (used by `govan demo` and tests to write real files)."""
    lines: list[str] = []

    def emit(table: str, struct: msgspec.Struct) -> None:
        scalars = []
        nested = []
        for name in struct.__struct_fields__:
            value = getattr(struct, name)
            path = f"{table}.{name}" if table else name
            if isinstance(value, msgspec.Struct):
                nested.append((path, value))
            elif isinstance(value, dict) and all(isinstance(item, msgspec.Struct) for item in value.values()):
                nested.extend((f"{path}.{key}", item) for key, item in value.items())  # a table of tables
            elif value is not None:
                scalars.append(f"{name} = {_toml_value(value)}")
        if scalars:
            if table:
                lines.append(f"\n[{table}]")
            lines.extend(scalars)
        for sub_table, sub in nested:
            emit(sub_table, sub)

    emit("", config)
    return "\n".join(lines).lstrip() + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise TypeError(f"cannot write {value!r} as TOML")
