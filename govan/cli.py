"""The `govan` command: one front door for every process.

Imports are lazy, so `govan daemon` never loads Textual and `govan status` never
loads the broker. Known failures print one line that names the problem and what to
do, with no traceback, and exit non-zero.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from govan import __version__

# Exit status for a usage or configuration problem (argparse uses 2 as well).
EXIT_USAGE = 2


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"govan: {message} (see `govan --help`)\n")


def _add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="configuration file (default: $GOVAN_CONFIG, then ./govan.toml, then built-in defaults)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="govan", description="Longgang mobile government-service van (流动政务客厅)")
    parser.add_argument("--version", action="version", version=f"govan {__version__}")
    _add_config(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=OneLineParser)

    def command(name: str, help_text: str, run: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _add_config(sub)
        sub.set_defaults(run=run)
        return sub

    command("demo", "everything on embedded defaults with emulated devices, in a fresh data directory", _demo)
    command("daemon", "the device daemon, in the foreground", _daemon)
    command("web", "the hall's display board and the citizens' phone pages, over HTTP ([web] listen)", _web)
    tui = command("tui", "the terminal UI", _tui)
    tui.add_argument("--board", action="store_true", help="the display board for an external screen")
    tui.add_argument(
        "--central",
        action="store_true",
        help="the centre's screens: the fleet (跟踪问效), the dispatcher's week and bookings",
    )
    init = command("init", "create the data directory, database and a commented govan.toml", _init)
    init.add_argument(
        "--mosquitto", metavar="DIR", help="also write mosquitto.conf, passwd, acl and a systemd unit to DIR"
    )
    init.add_argument(
        "--bridge",
        metavar="URL",
        help="with --mosquitto: bridge central/up and central/down to the centre's broker, e.g. mqtts://centre:8883",
    )
    sync = command("sync", "the van's link to the centre; `govan sync status` says how far behind it is", _sync)
    sync.add_argument("action", nargs="?", choices=("status",), help="status: the outbox and the link, then exit")
    sync.add_argument("--json", action="store_true", help="machine-readable output (with status)")
    central = command(
        "central",
        "the centre: take in every van's messages into PostgreSQL; `status`, `init-broker DIR --vans …`, `reveals`",
        _central,
    )
    central.add_argument(
        "action",
        nargs="?",
        choices=("status", "init-broker", "reveals"),
        help="status: every van's last word; init-broker: the centre's mosquitto files; "
        "reveals: who read personal data on the vans (the audit, exported)",
    )
    central.add_argument("directory", nargs="?", metavar="DIR", help="init-broker: where to write the files")
    central.add_argument("--vans", metavar="IDS", help="init-broker: the vans, e.g. lg-01,lg-02")
    central.add_argument("--json", action="store_true", help="machine-readable output (with status)")
    central.add_argument(
        "--format",
        choices=("md", "csv", "json"),
        default="md",
        help="reveals: who read an ID number or a phone on the vans, exported as md, csv or json",
    )
    central.add_argument("--days", type=int, default=30, help="reveals: the last N days (default 30)")
    central.add_argument("--van", metavar="ID", help="reveals: one van only")
    plan = command(
        "plan",
        "the dispatcher's week at the centre: export, draft, publish; items, stop, van, day-off; announce a session",
        _plan,
    )
    plan.add_argument(
        "action",
        choices=("export", "draft", "publish", "items", "stop", "van", "day-off", "announce"),
        help="export: the published week; draft: the solver's draft; publish: send it to the vans; "
        "items, stop, van, day-off: set up what the week is planned from",
    )
    plan.add_argument("--week", metavar="YYYY-Www", help="the ISO week, e.g. 2026-W50")
    plan.add_argument("--catalogue", metavar="FILE", help="items: a catalogue TOML (default: govan's own)")
    plan.add_argument("--name", help="stop: its name")
    plan.add_argument("--kind", choices=("community", "industrial_park", "commercial", "enterprise"), help="stop")
    plan.add_argument("--address", help="stop: its address")
    plan.add_argument("--point", metavar="LAT,LON", help="stop, van (its depot): WGS-84, not GCJ-02")
    plan.add_argument("--van", help="van, day-off: the van's id")
    plan.add_argument("--crew", metavar="DEPT=N,…", help="van: its standing crew, e.g. police=1,social=1")
    plan.add_argument("--day", metavar="YYYY-MM-DD", help="day-off: the day")
    plan.add_argument("--format", choices=("ics", "md", "json"), default="md", help="export format (default: md)")
    plan.add_argument("--output", metavar="FILE", help="export: write here instead of stdout; announce: the folder")
    plan.add_argument("--session", type=int, metavar="N", help="announce: the themed session")
    plan.add_argument("--qr", metavar="URL", help="announce: what the QR code carries (the 点单 page or article)")
    status = command("status", "daemon and device states, one line per device", _status)
    status.add_argument("--json", action="store_true", help="machine-readable output")
    rig = command("rig", "headless device checks against the running daemon, each explained", _rig)
    rig.add_argument("--junit", metavar="PATH", help="also write the results as JUnit XML")
    rig.add_argument("--sim", action="store_true", help="start a daemon with emulated devices and check that")
    rig.add_argument(
        "--no-prompt",
        action="store_true",
        help="never ask a person to place a card or scan a code (default when not on a terminal)",
    )
    summary = command("summary", "the captain's shift summary of a trip", _summary)
    summary.add_argument("--trip", metavar="ID", type=int, required=True, help="the trip's number")
    summary.add_argument("--format", choices=("md", "csv", "json"), default="md", help="output format (default: md)")
    summary.add_argument(
        "--lang",
        choices=("zh_CN", "en"),
        default=None,
        help="language of the Markdown and the CSV's names (default: the configured locale)",
    )
    _add_staff_commands(command("staff", "the staff who sign in: list, add, set-pin, deactivate, unlock", _staff))
    _add_stops_commands(command("stops", "the stops the van serves: list, add", _stops))
    return parser


def _add_staff_commands(staff: argparse.ArgumentParser) -> None:
    actions = staff.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=OneLineParser)
    actions.add_parser("list", help="every staff member, with role, department and whether locked")
    add = actions.add_parser("add", help="a new staff member; the PIN is asked for (or read from stdin)")
    add.add_argument("login", help="what they choose at sign-in, e.g. s05 (letters, digits, _ . -)")
    add.add_argument("name", help="their name, as the terminals show it")
    add.add_argument(
        "--role",
        choices=("staff", "captain", "dispatcher"),
        default="staff",
        help="a captain opens and closes trips (default: staff)",
    )
    add.add_argument("--department", metavar="CODE", help="the catalogue department they serve, e.g. police")
    for name, help_text in (
        ("set-pin", "a new PIN (asked for, or read from stdin); clears a lock"),
        ("deactivate", "they can no longer sign in"),
        ("unlock", "they may sign in again at once after too many wrong PINs"),
    ):
        actions.add_parser(name, help=help_text).add_argument("login")


def _add_stops_commands(stops: argparse.ArgumentParser) -> None:
    actions = stops.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=OneLineParser)
    actions.add_parser("list", help="every stop")
    add = actions.add_parser("add", help="a new stop")
    add.add_argument("name", help="e.g. 龙港市新城社区党群服务中心")
    add.add_argument(
        "--kind",
        choices=("community", "industrial_park", "commercial", "enterprise"),
        default="community",
        help="(default: community)",
    )
    add.add_argument("--address", default="", help="where the van parks")
    add.add_argument("--contact", default="", help="whom to call there")


def _load_config(args: argparse.Namespace, *, writes_data: bool = False):  # noqa: ANN202 - avoid importing config types eagerly
    from govan import config

    return config.load(getattr(args, "config", None), writes_data=writes_data)


def _demo(args: argparse.Namespace) -> int:
    from govan.demo import run_demo

    return run_demo(getattr(args, "config", None))


def _daemon(args: argparse.Namespace) -> int:
    from daemon.service import serve
    from govan import logs

    config = _load_config(args, writes_data=True)
    logs.setup(config.data_path, "daemon", to_stderr=True)
    return serve(config)


def _tui(args: argparse.Namespace) -> int:
    from govan import logs

    config = _load_config(args, writes_data=True)
    if args.board:
        # The display board is its own app, driven by MQTT alone: it needs no database.
        from tui.board_app import run_board

        logs.setup(config.data_path, "board", to_stderr=False)
        return run_board(config)
    if args.central:
        from tui.central.app import run_central

        logs.setup(config.data_path, "tui-central", to_stderr=False)
        return run_central(config)
    from tui.app import run_app

    if not config.database_path.exists():
        print(f"govan tui: no database at {config.database_path}; run `govan init` first", file=sys.stderr)
        return EXIT_USAGE
    logs.setup(config.data_path, "tui", to_stderr=False)
    return run_app(config)


def _web(args: argparse.Namespace) -> int:
    from db.connection import open_store
    from govan import logs
    from web.server import serve

    config = _load_config(args, writes_data=True)
    if not config.database_path.exists():
        print(f"govan web: no database at {config.database_path}; run `govan init` first", file=sys.stderr)
        return EXIT_USAGE
    logs.setup(config.data_path, "web", to_stderr=True)
    store = open_store(config.database_path)
    try:
        return serve(config, store)
    finally:
        store.close()


def _init(args: argparse.Namespace) -> int:
    from govan.init import run_init

    if args.bridge and not args.mosquitto:
        print(
            "govan init: --bridge needs --mosquitto DIR (the bridge is part of the van's broker files)", file=sys.stderr
        )
        return EXIT_USAGE
    return run_init(getattr(args, "config", None), mosquitto_dir=args.mosquitto, bridge=args.bridge)


def _sync(args: argparse.Namespace) -> int:
    import logging

    config = _load_config(args, writes_data=args.action is None)
    if not config.database_path.exists():
        print(f"govan sync: no database at {config.database_path}; run `govan init` first", file=sys.stderr)
        return EXIT_USAGE
    if args.action == "status":
        from sync.status import run_status

        logging.getLogger().addHandler(logging.NullHandler())
        return run_status(config, as_json=args.json)
    from govan import logs
    from sync.link import serve

    logs.setup(config.data_path, "sync", to_stderr=True)
    return serve(config)


def _central(args: argparse.Namespace) -> int:
    config = _load_config(args, writes_data=args.action is None)
    if args.action == "status":
        from central.status import run_status

        return run_status(config, as_json=args.json)
    if args.action == "reveals":
        from central.status import run_reveals

        return run_reveals(config, days=args.days, fmt=args.format, van_id=args.van)
    if args.action == "init-broker":
        from govan.mosquitto import write_centre_broker_files

        if not args.directory or not args.vans:
            print(
                "govan central init-broker: give the folder and the vans, e.g. "
                "`govan central init-broker /etc/mosquitto/conf.d --vans lg-01,lg-02`",
                file=sys.stderr,
            )
            return EXIT_USAGE
        try:
            files = write_centre_broker_files(config, Path(args.directory), [v.strip() for v in args.vans.split(",")])
        except ValueError as error:
            print(f"govan central init-broker: {error}", file=sys.stderr)
            return EXIT_USAGE
        print(
            f"wrote the centre's mosquitto files to {files.directory}: {files.conf.name}, {files.passwd.name}, "
            f"{files.acl.name}, one <van>.pass per van and govan-central.pass (see docs/centre.md)"
        )
        return 0
    from central.service import serve
    from govan import logs

    logs.setup(config.data_path, "central", to_stderr=True)
    return serve(config)


def _plan(args: argparse.Namespace) -> int:
    from govan.plan import run_plan

    return run_plan(_load_config(args), args)


def _status(args: argparse.Namespace) -> int:
    import logging

    from govan.status import run_status

    # A one-shot command answers in its own words; retries logged by the bus are noise here.
    logging.getLogger().addHandler(logging.NullHandler())

    return run_status(_load_config(args), as_json=args.json)


def _rig(args: argparse.Namespace) -> int:
    import logging

    from govan.rig import run_rig

    logging.getLogger().addHandler(logging.NullHandler())
    interactive = sys.stdin.isatty() and sys.stdout.isatty() and not args.no_prompt
    return run_rig(_load_config(args), junit=args.junit, sim=args.sim, interactive=interactive)


def _summary(args: argparse.Namespace) -> int:
    from govan.summary import run_summary

    return run_summary(_load_config(args), args.trip, args.format, lang=args.lang)


def _staff(args: argparse.Namespace) -> int:
    from govan import staff

    config = _load_config(args)
    if args.action == "list":
        return staff.staff_list(config)
    if args.action == "add":
        return staff.staff_add(config, args.login, args.name, args.role, args.department)
    runs = {"set-pin": staff.staff_set_pin, "deactivate": staff.staff_deactivate, "unlock": staff.staff_unlock}
    return runs[args.action](config, args.login)


def _stops(args: argparse.Namespace) -> int:
    from govan import staff

    config = _load_config(args)
    if args.action == "list":
        return staff.stops_list(config)
    return staff.stops_add(config, args.name, args.kind, args.address, args.contact)


def _known_errors() -> tuple[type[Exception], ...]:
    """Failures that deserve one line rather than a traceback."""
    from daemon.bus import BrokerUnreachable
    from daemon.credentials import CredentialsError
    from govan.config import ConfigError

    errors: list[type[Exception]] = [ConfigError, CredentialsError, BrokerUnreachable]
    if "daemon.broker" in sys.modules:
        errors.append(sys.modules["daemon.broker"].BrokerError)
    if "web.server" in sys.modules:
        errors.append(sys.modules["web.server"].WebError)
    if "central.errors" in sys.modules:
        errors.append(sys.modules["central.errors"].CentralError)
    if "psycopg" in sys.modules:
        errors.append(sys.modules["psycopg"].OperationalError)
    if "db.errors" in sys.modules:
        errors.append(sys.modules["db.errors"].StoreError)
    return tuple(errors)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if isinstance(error, _known_errors()):
            print(f"govan {args.command}: {error}", file=sys.stderr)
            return EXIT_USAGE
        raise
