"""`govan init`: data directory, database with the default catalogue, a commented govan.toml.

Safe to run again: nothing that exists is overwritten, and the catalogue load is an upsert.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

from govan import config as config_module
from govan.config import Config

TEMPLATE = """\
# govan configuration (written by `govan init`). Every key is optional; unknown keys are errors.
# Lookup order: --config PATH, then $GOVAN_CONFIG, then ./govan.toml, then built-in defaults.

van_id = "{van_id}"               # [a-z0-9-]{{1,32}}; used in every MQTT topic
data_dir = "{data_dir}"           # database, captures, logs, broker credentials
locale = "zh_CN"                  # "zh_CN" or "en"
timezone = "Asia/Shanghai"

[mqtt]
url = "embedded"                  # "embedded" (amqtt in the daemon, loopback) or mqtt://host:port, mqtts:// for TLS
# username = "govan-daemon"       # external broker: the daemon's user
# password_file = "/etc/govan/mqtt-daemon.pass"   # mode 0600
topic_prefix = "govan"
keepalive = 10                    # seconds; a vanished daemon shows offline within 1.5x this
embedded_port = 1883              # where the embedded broker listens (127.0.0.1 only)

# [mqtt.tui]                      # external broker: the user for `govan tui` and `status`
# username = "govan-tui"
# password_file = "/etc/govan/mqtt-tui.pass"

# [mqtt.support]                  # external broker: `govan rig`'s user, which reads every card and scan
# username = "govan-support"
# password_file = "/etc/govan/mqtt-support.pass"

[devices.idreader]
driver = "none"                   # sam | sim | none
port = "/dev/ttyUSB0"             # a tty path, or socket://host:port
baudrate = 115200
# usb = "0400:C35A"               # native USB readers (two bulk pipes) instead of a tty

# [devices.idreaders.w2]          # a window's own reader, beside the shared one: the device idreader-w2
# driver = "sam"                  # the keys of [devices.idreader], and the window it serves
# port = "/dev/ttyUSB1"
# window = "2"

[devices.scanner]
driver = "none"                   # serial | hid | sim | none
port = "/dev/ttyACM0"             # serial scanners
terminator = "CR"                 # CR | LF | CRLF | TAB: what the scanner sends after each code
# device = "/dev/input/by-id/usb-scanner-event-kbd"   # hid (keyboard-wedge) scanners
# layout = "us"                   # hid keyboard layout: us | uk | de | fr

[devices.printer]
driver = "none"                   # usb | serial | tcp | file | sim | none
host = "127.0.0.1"                # tcp
port = 9100                       # tcp port; for serial, the tty path
# usb = "0483:5743"               # usb VID:PID
# path = "/dev/usb/lp0"           # file (write-only: status unknown)
paper_width_mm = 80               # 80 or 58
chinese = "gb18030"               # the printer's double-byte mode: gb18030 | gbk

[devices.camera]
driver = "none"                   # v4l2 | folder | sim | none
device = "/dev/video0"            # v4l2
# folder = "/srv/scans"           # folder: where the camera's own software drops files

[devices.speaker]
driver = "none"                   # espeak | clips | sim | none: the hall's voice, on every call and recall
# clips = "/var/lib/govan/voice"  # clips: recorded 请.wav, A.wav, 零.wav …, 窗口.wav (docs/hall.md)
output = "default"                # the ALSA output espeak and clips play on (aplay -L lists them)
template = "请{{number}}号到{{window}}号窗口办理"   # what a call says
repeat = 2                        # each call said this many times, after a chime

[web]                             # govan web: the hall's display board (/board) and the phone pages
listen = "0.0.0.0:8080"           # the van's Wi-Fi
# public_url = "http://192.168.8.1:8080"   # printed on each ticket as a QR code: {{public_url}}/t/{{token}}

[service]
# ticket_qr_url = "https://example.gov.cn/q/{{number}}"   # QR on tickets when [web] public_url is not set
priority_age = 70                 # citizens this old or older get priority tickets
followup_working_days = 5         # deadline for a 差评 follow-up (5, 7 or 15 are in use)
holidays = []                     # extra non-working days, e.g. ["2026-10-01"]
working_days = []                 # weekend days that are worked (调休), e.g. ["2026-10-11"]
retention_days = 30               # personal data of closed, synced cases is purged after this
pin_attempts = 5                  # wrong PINs in a row that lock a login
pin_lockout_minutes = [1, 5, 15]  # how long each lock in a row lasts; the last repeats
defer_places = 3                  # 过号顺延: a missed number is called again after this many others
citizen_locale = "zh_CN"          # what citizens read (slips, receipts, the board), whatever `locale` staff use

[sync]                            # govan sync: the van's link to the centre
alarm_minutes = 60                # `govan sync status` exits 1 when something waits longer
# username = "govan-sync"         # external broker: sync's own user (`govan init --mosquitto` writes it)
# password_file = "/etc/govan/mqtt-sync.pass"

# [central]                       # at the service centre only: govan central, govan tui --central
# database_url = "embedded"       # or postgresql://user@host/db
# mqtt_url = "mqtts://broker.centre:8883"
# username = "govan-central"
# password_file = "/etc/govan/centre-broker.pass"
# connector = "filedrop"          # filedrop | webhook | none
# spool_dir = "/srv/govan/spool"  # filedrop
# webhook_url = "https://…"       # webhook, with webhook_secret_file (mode 0600)
# tracking = "none"               # none | sim

[evaluation]                      # weights of the staff evaluation (考评)
trips = 0.15
cases = 0.15
completion = 0.2
satisfaction = 0.2
praise = 0.15
cooperation = 0.15
"""


def config_text(van_id: str, data_dir: Path) -> str:
    return TEMPLATE.format(van_id=van_id, data_dir=data_dir)


def initialise(config: Config) -> list[str]:
    """Create what is missing; return a line per thing done, for the person running it."""
    from core.keys import KEY_FILE_NAME, key_path, write_key
    from db import catalogue
    from db.connection import is_plain, open_store
    from devices.camera.store import seal_plain_captures

    done = []
    data = config.data_path
    if not data.is_dir():
        data.mkdir(parents=True)
        done.append(f"created data directory {data}")
    data.chmod(0o750)
    for sub in ("captures", "logs", "exports"):
        (data / sub).mkdir(exist_ok=True)
    existed = config.database_path.exists()
    if key_path(data) == data / KEY_FILE_NAME and write_key(data):
        done.append(f"wrote the store's key {data / KEY_FILE_NAME} (mode 0600; see docs/privacy.md)")
    was_plain = is_plain(config.database_path)
    store = open_store(config.database_path)
    if was_plain:
        done.append(
            f"encrypted the plain database {config.database_path}; the old file is kept sealed as "
            f"{config.database_path.name}.plain-<time>.sealed beside it (docs/privacy.md)"
        )
    if sealed := seal_plain_captures(data):
        done.append(f"sealed {sealed} captures written before captures were encrypted")
    try:
        report = catalogue.load_default(store)
    finally:
        store.close()
    done.append(
        f"{'updated' if existed else 'created'} database {config.database_path}: catalogue "
        f"{len(report.added)} added, {len(report.changed)} changed, {len(report.unchanged)} unchanged"
    )
    return done


def run_init(explicit_config: str | None, *, mosquitto_dir: str | None, bridge: str | None = None) -> int:
    path = config_module.resolve_path(explicit_config) or config_module.LOCAL_CONFIG
    if path.exists():
        config = config_module.load(path, writes_data=True)
        print(f"using existing configuration {path}")
    else:
        config = Config()
        path.write_text(config_text(config.van_id, config.data_path), encoding="utf-8")
        print(f"wrote commented configuration {path}")
        config = config_module.load(path, writes_data=True)
    for line in initialise(config):
        print(line)
    if mosquitto_dir:
        from govan.mosquitto import write_broker_files

        port = 1883 if config.embedded_broker else urlsplit(config.mqtt.url).port or 1883
        files = write_broker_files(config, Path(mosquitto_dir), config_path=path.resolve(), port=port)
        print(
            f"wrote mosquitto files to {files.directory}: {files.conf.name}, {files.passwd.name}, "
            f"{files.acl.name}, govan-daemon.pass, govan-sync.pass, govan-support.pass, govan-tui.pass, "
            f"{files.unit.name} "
            "(see docs/deploy.md)"
        )
        if bridge:
            from govan.mosquitto import CENTRE_PASSWORD, write_bridge

            try:
                path = write_bridge(config, Path(mosquitto_dir), bridge)
            except ValueError as error:
                print(f"govan init: {error}", file=sys.stderr)
                return 2
            print(
                f"wrote the bridge to the centre {path}; the van's password there is in "
                f"{Path(mosquitto_dir) / CENTRE_PASSWORD} (give it to the centre as {config.van_id}.pass, "
                "or copy the centre's here; see docs/centre.md)"
            )
    return 0
