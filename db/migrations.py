"""The schema, as sqlite-utils Migrations: versioned, re-runnable, applied from empty.

Add a new migration function for every change; never edit one that has shipped.
Tables are STRICT so a wrong type is refused instead of stored.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from db.transactions import immediate

migrations = Migrations("govan")

_INITIAL_SCHEMA = [
    # The catalogue --------------------------------------------------------------
    """CREATE TABLE departments (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        queue_letter TEXT NOT NULL UNIQUE CHECK (length(queue_letter) = 1 AND queue_letter GLOB '[A-Z]')
    ) STRICT""",
    """CREATE TABLE service_items (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        department TEXT NOT NULL REFERENCES departments(code),
        materials TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(materials) AND json_type(materials) = 'array'),
        completion TEXT NOT NULL CHECK (completion IN ('on_site', 'back_office')),
        mailable INTEGER NOT NULL DEFAULT 0 CHECK (mailable IN (0, 1)),
        fee_fen INTEGER NOT NULL DEFAULT 0 CHECK (fee_fen >= 0),
        time_limit_days INTEGER NOT NULL DEFAULT 0 CHECK (time_limit_days >= 0),
        needs_id_photo INTEGER NOT NULL DEFAULT 0 CHECK (needs_id_photo IN (0, 1)),
        enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        added_at TEXT NOT NULL,
        changed_at TEXT NOT NULL
    ) STRICT""",
    # People on board ----------------------------------------------------------
    """CREATE TABLE staff (
        id INTEGER PRIMARY KEY,
        login TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('staff', 'captain', 'dispatcher')),
        department TEXT REFERENCES departments(code),
        pin_hash TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at TEXT NOT NULL
    ) STRICT""",
    # Where and when the van goes ---------------------------------------------
    """CREATE TABLE stops (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('community', 'industrial_park', 'commercial', 'enterprise')),
        address TEXT NOT NULL DEFAULT '',
        contact TEXT NOT NULL DEFAULT ''
    ) STRICT""",
    """CREATE TABLE trips (
        id INTEGER PRIMARY KEY,
        trip_date TEXT NOT NULL,
        stop_id INTEGER NOT NULL REFERENCES stops(id),
        captain_id INTEGER NOT NULL REFERENCES staff(id),
        mode TEXT NOT NULL CHECK (mode IN ('fixed', 'appointment', 'off_hours', 'themed')),
        theme TEXT,
        status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'open', 'closed')),
        created_at TEXT NOT NULL,
        opened_at TEXT,
        closed_at TEXT,
        closed_by INTEGER REFERENCES staff(id),
        CHECK (mode != 'themed' OR (theme IS NOT NULL AND theme != ''))
    ) STRICT""",
    # One trip at a time is open on a van (一次一站).
    "CREATE UNIQUE INDEX trips_one_open ON trips(status) WHERE status = 'open'",
    "CREATE INDEX trips_by_date ON trips(trip_date)",
    """CREATE TABLE trip_items (
        trip_id INTEGER NOT NULL REFERENCES trips(id) ON DELETE CASCADE,
        item_code TEXT NOT NULL REFERENCES service_items(code),
        PRIMARY KEY (trip_id, item_code)
    ) STRICT""",
    """CREATE TABLE trip_crew (
        trip_id INTEGER NOT NULL REFERENCES trips(id) ON DELETE CASCADE,
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        window TEXT NOT NULL CHECK (window != ''),
        cooperation INTEGER CHECK (cooperation BETWEEN 1 AND 5),
        PRIMARY KEY (trip_id, staff_id),
        UNIQUE (trip_id, window)
    ) STRICT""",
    "CREATE INDEX trip_crew_by_staff ON trip_crew(staff_id)",
    """CREATE TABLE crew_categories (
        trip_id INTEGER NOT NULL,
        staff_id INTEGER NOT NULL,
        category TEXT NOT NULL REFERENCES departments(queue_letter),
        PRIMARY KEY (trip_id, staff_id, category),
        FOREIGN KEY (trip_id, staff_id) REFERENCES trip_crew(trip_id, staff_id) ON DELETE CASCADE
    ) STRICT""",
    # Personal data lives here and nowhere else -------------------------------
    """CREATE TABLE citizens (
        id INTEGER PRIMARY KEY,
        id_number TEXT UNIQUE,
        name TEXT,
        sex TEXT CHECK (sex IN ('0', '1', '2', '9')),
        birth_date TEXT,
        phone TEXT,
        address TEXT,
        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        purged_at TEXT,
        CHECK (purged_at IS NOT NULL OR id_number IS NOT NULL)
    ) STRICT""",
    """CREATE TABLE appointments (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('individual', 'home_visit', 'group')),
        citizen_id INTEGER REFERENCES citizens(id),
        group_name TEXT,
        head_count INTEGER NOT NULL DEFAULT 1 CHECK (head_count >= 1),
        special_needs TEXT NOT NULL DEFAULT '',
        scheduled_at TEXT NOT NULL,
        trip_id INTEGER REFERENCES trips(id),
        checkin_code TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'checked_in', 'cancelled')),
        booked_by INTEGER REFERENCES staff(id),
        created_at TEXT NOT NULL,
        checked_in_at TEXT,
        CHECK (kind = 'group' OR head_count = 1)
    ) STRICT""",
    """CREATE TABLE appointment_items (
        appointment_id INTEGER NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        item_code TEXT NOT NULL REFERENCES service_items(code),
        PRIMARY KEY (appointment_id, item_code)
    ) STRICT""",
    # The queue ---------------------------------------------------------------
    """CREATE TABLE tickets (
        id INTEGER PRIMARY KEY,
        trip_id INTEGER NOT NULL REFERENCES trips(id),
        category TEXT NOT NULL REFERENCES departments(queue_letter),
        number INTEGER NOT NULL CHECK (number >= 1),
        item_code TEXT REFERENCES service_items(code),
        citizen_id INTEGER REFERENCES citizens(id),
        appointment_id INTEGER REFERENCES appointments(id),
        priority INTEGER NOT NULL DEFAULT 0 CHECK (priority IN (0, 1)),
        priority_reason TEXT CHECK (priority_reason IN ('appointment', 'age', 'disabled')),
        status TEXT NOT NULL DEFAULT 'waiting'
            CHECK (status IN ('waiting', 'called', 'serving', 'done', 'no_show', 'transferred')),
        target_window TEXT,
        window TEXT,
        staff_id INTEGER REFERENCES staff(id),
        call_count INTEGER NOT NULL DEFAULT 0,
        print_state TEXT NOT NULL DEFAULT 'pending'
            CHECK (print_state IN ('pending', 'printed', 'failed', 'reprinted')),
        transferred_from INTEGER REFERENCES tickets(id),
        issued_at TEXT NOT NULL,
        called_at TEXT,
        last_called_at TEXT,
        serving_at TEXT,
        done_at TEXT,
        UNIQUE (trip_id, category, number),
        CHECK ((priority = 1) = (priority_reason IS NOT NULL))
    ) STRICT""",
    "CREATE INDEX tickets_queue ON tickets(trip_id, category, status, priority, issued_at)",
    "CREATE INDEX tickets_by_staff ON tickets(staff_id)",
    # Cases, materials, captures ----------------------------------------------
    """CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        trip_id INTEGER NOT NULL REFERENCES trips(id),
        ticket_id INTEGER REFERENCES tickets(id),
        item_code TEXT NOT NULL REFERENCES service_items(code),
        citizen_id INTEGER REFERENCES citizens(id),
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'awaiting_delivery', 'closed')),
        outcome TEXT CHECK (outcome IN ('completed_on_site', 'accepted_forwarded', 'not_done', 'consult_only')),
        reason TEXT,
        delivery TEXT CHECK (delivery IN ('on_site', 'post', 'door')),
        waybill TEXT,
        delivery_address TEXT,
        delivery_date TEXT,
        backoffice_ref TEXT,
        opened_at TEXT NOT NULL,
        outcome_at TEXT,
        closed_at TEXT,
        CHECK ((outcome IS NULL) = (outcome_at IS NULL)),
        CHECK (outcome != 'not_done' OR (reason IS NOT NULL AND reason != ''))
    ) STRICT""",
    "CREATE INDEX cases_by_trip ON cases(trip_id, staff_id)",
    "CREATE INDEX cases_by_ticket ON cases(ticket_id)",
    "CREATE INDEX cases_by_citizen ON cases(citizen_id)",
    """CREATE TABLE attachments (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        kind TEXT NOT NULL CHECK (kind IN ('document', 'certified_copy', 'id_photo', 'photo')),
        path TEXT,
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        bytes INTEGER,
        certified_by INTEGER REFERENCES staff(id),
        certified_at TEXT,
        created_at TEXT NOT NULL,
        purged_at TEXT,
        CHECK ((path IS NULL) = (purged_at IS NOT NULL))
    ) STRICT""",
    "CREATE INDEX attachments_by_case ON attachments(case_id)",
    """CREATE TABLE case_materials (
        case_id INTEGER NOT NULL REFERENCES cases(id),
        position INTEGER NOT NULL,
        material TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'missing' CHECK (state IN ('original_seen', 'copy_captured', 'missing')),
        attachment_id INTEGER REFERENCES attachments(id),
        PRIMARY KEY (case_id, material),
        CHECK (state != 'copy_captured' OR attachment_id IS NOT NULL)
    ) STRICT""",
    # 好差评, follow-ups and 意见建议 --------------------------------------------
    """CREATE TABLE ratings (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL UNIQUE REFERENCES tickets(id),
        score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
        named INTEGER NOT NULL DEFAULT 0 CHECK (named IN (0, 1)),
        staff_id INTEGER REFERENCES staff(id),
        comment TEXT NOT NULL DEFAULT '',
        rated_at TEXT NOT NULL
    ) STRICT""",
    "CREATE INDEX ratings_by_staff ON ratings(staff_id)",
    """CREATE TABLE follow_ups (
        id INTEGER PRIMARY KEY,
        rating_id INTEGER NOT NULL UNIQUE REFERENCES ratings(id),
        opened_at TEXT NOT NULL,
        deadline TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'called_back', 'fixed', 'closed')),
        callback_at TEXT, callback_by INTEGER REFERENCES staff(id), callback_note TEXT,
        fix_at TEXT, fix_by INTEGER REFERENCES staff(id), fix_note TEXT,
        report_at TEXT, report_by INTEGER REFERENCES staff(id), report_note TEXT,
        closed_at TEXT
    ) STRICT""",
    """CREATE TABLE suggestions (
        id INTEGER PRIMARY KEY,
        trip_id INTEGER REFERENCES trips(id),
        text TEXT NOT NULL CHECK (text != ''),
        staff_id INTEGER REFERENCES staff(id),
        received_at TEXT NOT NULL,
        response TEXT,
        responded_at TEXT
    ) STRICT""",
    # Who saw or changed personal data ----------------------------------------
    """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        staff_id INTEGER REFERENCES staff(id),
        action TEXT NOT NULL CHECK (action IN ('view', 'create', 'update', 'purge')),
        subject TEXT NOT NULL,
        subject_id INTEGER,
        detail TEXT NOT NULL DEFAULT ''
    ) STRICT""",
    "CREATE INDEX audit_by_subject ON audit_log(subject, subject_id)",
    # Later sync with the back office -----------------------------------------
    """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        case_id INTEGER REFERENCES cases(id),
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        sent_at TEXT,
        reference TEXT
    ) STRICT""",
    "CREATE INDEX outbox_unsent ON outbox(sent_at, id)",
    "CREATE INDEX outbox_by_case ON outbox(case_id)",
]


@migrations()
def m001_initial_schema(db: Database) -> None:
    for statement in _INITIAL_SCHEMA:
        db.execute(statement)


@migrations()
def m002_trip_reports_and_device_incidents(db: Database) -> None:
    """The captain's notes and the stored summary of each trip; device trouble heard by a TUI."""
    db.execute("""CREATE TABLE trip_reports (
        trip_id INTEGER PRIMARY KEY REFERENCES trips(id),
        notes TEXT NOT NULL DEFAULT '',
        notes_by INTEGER REFERENCES staff(id),
        notes_at TEXT,
        report TEXT CHECK (report IS NULL OR json_valid(report)),
        stored_at TEXT,
        outbox_id INTEGER REFERENCES outbox(id),
        CHECK ((report IS NULL) = (stored_at IS NULL))
    ) STRICT""")
    # Several terminals hear the same daemon news; the unique key lets them record it once.
    db.execute("""CREATE TABLE device_incidents (
        id INTEGER PRIMARY KEY,
        device TEXT NOT NULL CHECK (device IN ('daemon', 'idreader', 'scanner', 'printer', 'camera')),
        kind TEXT NOT NULL CHECK (kind IN ('state', 'error')),
        state TEXT NOT NULL DEFAULT '' CHECK (state IN ('', 'ready', 'offline', 'error')),
        detail TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        UNIQUE (device, kind, state, detail, at)
    ) STRICT""")
    db.execute("CREATE INDEX device_incidents_by_time ON device_incidents(at)")


@migrations()
def m003_login_lockout(db: Database) -> None:
    """Wrong PINs in a row per login typed (known or not, so a lock tells nothing), and the lock they earn."""
    db.execute("""CREATE TABLE login_failures (
        login TEXT PRIMARY KEY,
        failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
        lockouts INTEGER NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
        locked_until TEXT,
        last_at TEXT NOT NULL
    ) STRICT""")


@migrations()
def m004_queue_print_outcomes_deferral_and_desk_keys(db: Database) -> None:
    """Tickets: cancelled (a slip that never printed, cancelled by staff), handed over in writing,
    and put back a few places (过号顺延); the desk's number keys as the captain set them for a trip.

    SQLite cannot change a CHECK in place, so the tickets table is rebuilt: its rows go to a
    temporary copy, the table is dropped and made again, and the rows come back. Other tables
    point at tickets (cases, ratings); their checks are deferred to the commit, and every row
    they point at is back by then.
    """
    db.execute("PRAGMA defer_foreign_keys = ON")  # off again at the end of the transaction
    columns = [column.name for column in db.table("tickets").columns]
    db.execute("CREATE TEMP TABLE tickets_before_m004 AS SELECT * FROM tickets")
    db.execute("DROP TABLE tickets")
    db.execute("""CREATE TABLE tickets (
        id INTEGER PRIMARY KEY,
        trip_id INTEGER NOT NULL REFERENCES trips(id),
        category TEXT NOT NULL REFERENCES departments(queue_letter),
        number INTEGER NOT NULL CHECK (number >= 1),
        item_code TEXT REFERENCES service_items(code),
        citizen_id INTEGER REFERENCES citizens(id),
        appointment_id INTEGER REFERENCES appointments(id),
        priority INTEGER NOT NULL DEFAULT 0 CHECK (priority IN (0, 1)),
        priority_reason TEXT CHECK (priority_reason IN ('appointment', 'age', 'disabled')),
        status TEXT NOT NULL DEFAULT 'waiting'
            CHECK (status IN ('waiting', 'called', 'serving', 'done', 'no_show', 'transferred', 'cancelled')),
        target_window TEXT,
        window TEXT,
        staff_id INTEGER REFERENCES staff(id),
        call_count INTEGER NOT NULL DEFAULT 0,
        print_state TEXT NOT NULL DEFAULT 'pending'
            CHECK (print_state IN ('pending', 'printed', 'failed', 'reprinted', 'written')),
        transferred_from INTEGER REFERENCES tickets(id),
        issued_at TEXT NOT NULL,
        called_at TEXT,
        last_called_at TEXT,
        serving_at TEXT,
        done_at TEXT,
        -- 过号顺延: how many more calls, at windows that serve its queue, go before this ticket.
        let_pass INTEGER NOT NULL DEFAULT 0 CHECK (let_pass >= 0),
        deferrals INTEGER NOT NULL DEFAULT 0 CHECK (deferrals >= 0),
        UNIQUE (trip_id, category, number),
        CHECK ((priority = 1) = (priority_reason IS NOT NULL)),
        CHECK (status != 'cancelled' OR print_state = 'failed')
    ) STRICT""")
    names = ", ".join(columns)
    db.execute(f"INSERT INTO tickets ({names}) SELECT {names} FROM tickets_before_m004")
    db.execute("DROP TABLE tickets_before_m004")
    db.execute("CREATE INDEX tickets_queue ON tickets(trip_id, category, status, priority, issued_at)")
    db.execute("CREATE INDEX tickets_by_staff ON tickets(staff_id)")
    db.execute("""CREATE TABLE trip_desk_keys (
        trip_id INTEGER NOT NULL REFERENCES trips(id) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 9),
        item_code TEXT NOT NULL REFERENCES service_items(code),
        PRIMARY KEY (trip_id, position),
        UNIQUE (trip_id, item_code)
    ) STRICT""")


@migrations()
def m005_ticket_tokens_and_speaker_incidents(db: Database) -> None:
    """The hall: each ticket's unguessable token for its phone page, and the speaker among the devices
    whose incidents are recorded (SQLite cannot change a CHECK, so that table is made again)."""
    db.execute("""CREATE TABLE ticket_tokens (
        ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
        token TEXT NOT NULL UNIQUE CHECK (length(token) >= 16),
        created_at TEXT NOT NULL
    ) STRICT""")
    db.execute("""CREATE TABLE device_incidents_v5 (
        id INTEGER PRIMARY KEY,
        device TEXT NOT NULL CHECK (device IN ('daemon', 'idreader', 'scanner', 'printer', 'camera', 'speaker')),
        kind TEXT NOT NULL CHECK (kind IN ('state', 'error')),
        state TEXT NOT NULL DEFAULT '' CHECK (state IN ('', 'ready', 'offline', 'error')),
        detail TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        UNIQUE (device, kind, state, detail, at)
    ) STRICT""")
    db.execute(
        "INSERT INTO device_incidents_v5 (id, device, kind, state, detail, at) "
        "SELECT id, device, kind, state, detail, at FROM device_incidents"
    )
    db.execute("DROP TABLE device_incidents")
    db.execute("ALTER TABLE device_incidents_v5 RENAME TO device_incidents")
    db.execute("CREATE INDEX device_incidents_by_time ON device_incidents(at)")


@migrations()
def m006_central_sync(db: Database) -> None:
    """The link to the centre (govan sync): every outbox entry gets the msg_id it travels under and
    a time for its next try; marks say what has been queued; receipts say where a case is."""
    import uuid

    db.execute("ALTER TABLE outbox ADD COLUMN msg_id TEXT")
    db.execute("ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT")
    for row in list(db.query("SELECT id FROM outbox")):
        db.execute("UPDATE outbox SET msg_id = ? WHERE id = ?", [str(uuid.uuid4()), row["id"]])
    db.execute("CREATE UNIQUE INDEX outbox_by_msg_id ON outbox(msg_id)")
    # One row per thing queued for the centre, and per version of it (a follow-up's status).
    db.execute("""CREATE TABLE central_marks (
        subject TEXT NOT NULL,
        subject_id INTEGER NOT NULL,
        version TEXT NOT NULL,
        queued_at TEXT NOT NULL,
        PRIMARY KEY (subject, subject_id, version)
    ) STRICT""")
    # What the centre said about a case: stored (acked), handed to the back office, accepted there;
    # and where a mailed result is.
    db.execute("""CREATE TABLE case_central (
        case_id INTEGER PRIMARY KEY REFERENCES cases(id),
        acked_at TEXT,
        backoffice TEXT CHECK (backoffice IN ('delivered', 'accepted', 'rejected')),
        backoffice_ref TEXT,
        backoffice_at TEXT,
        tracking TEXT CHECK (tracking IN ('collected', 'in_transit', 'out_for_delivery', 'signed', 'returned',
                                          'refused')),
        tracking_at TEXT
    ) STRICT""")
    db.execute("CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT")


@migrations()
def m009_plans_and_bookings(db: Database) -> None:
    """What the centre's planning sends down: the van's week (the newest version and what changed from
    the one the captain last saw, until they have seen it) and the bookings behind appointments."""
    db.execute("""CREATE TABLE plan_weeks (
        week TEXT PRIMARY KEY,
        version INTEGER NOT NULL CHECK (version >= 1),
        published_at TEXT,
        received_at TEXT NOT NULL,
        slots TEXT NOT NULL CHECK (json_valid(slots)),
        changes TEXT NOT NULL CHECK (json_valid(changes)),
        base_slots TEXT CHECK (base_slots IS NULL OR json_valid(base_slots)),
        seen_at TEXT
    ) STRICT""")
    # A booking made (or confirmed) at the centre: the appointment it is on this van, and what the crew
    # needs to find the person (a home visit's address, special needs). Purged with the appointment.
    db.execute("""CREATE TABLE central_bookings (
        booking_id INTEGER PRIMARY KEY,
        appointment_id INTEGER NOT NULL UNIQUE REFERENCES appointments(id),
        day TEXT NOT NULL,
        half TEXT NOT NULL CHECK (half IN ('am', 'pm')),
        name TEXT,
        phone TEXT,
        address TEXT,
        needs TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(needs)),
        confirmed_at TEXT NOT NULL
    ) STRICT""")


@migrations()
def m010_incident_problems_and_english_names(db: Database) -> None:
    """Words out of the store, names in two languages, for staff who work in English.

    Device incidents keep the daemon's problem (a core.problems code and its params), so a view
    words them in the staff's language; `detail` is left for free text with no code (rows from
    before, or a newer daemon's code this version cannot read). The incidents this program wrote
    itself in English become their codes. The table is made again for its wider unique key.

    Departments and service items get an English name ('' where the catalogue has none: then
    the Chinese name is shown). Those of the default catalogue that still have its Chinese name
    get its English name now, as loading it again would give them.
    """
    import tomllib
    from importlib import resources

    db.execute("ALTER TABLE departments ADD COLUMN name_en TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE service_items ADD COLUMN name_en TEXT NOT NULL DEFAULT ''")
    default = tomllib.loads(resources.files("db").joinpath("default_catalogue.toml").read_text(encoding="utf-8"))
    for table, entries in (("departments", default["departments"]), ("service_items", default["items"])):
        for entry in entries:
            db.execute(
                f"UPDATE {table} SET name_en = ? WHERE code = ? AND name = ? AND name_en = ''",
                [entry.get("name_en", ""), entry["code"], entry["name"]],
            )
    db.execute("""CREATE TABLE device_incidents_v10 (
        id INTEGER PRIMARY KEY,
        device TEXT NOT NULL CHECK (device IN ('daemon', 'idreader', 'scanner', 'printer', 'camera', 'speaker')),
        kind TEXT NOT NULL CHECK (kind IN ('state', 'error')),
        state TEXT NOT NULL DEFAULT '' CHECK (state IN ('', 'ready', 'offline', 'error')),
        problem TEXT NOT NULL DEFAULT '',
        params TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params) AND json_type(params) = 'object'),
        detail TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        UNIQUE (device, kind, state, problem, params, detail, at)
    ) STRICT""")
    db.execute(
        "INSERT INTO device_incidents_v10 (id, device, kind, state, problem, detail, at) "
        "SELECT id, device, kind, state, "
        "CASE WHEN device = 'daemon' AND detail = 'the daemon is offline' THEN 'daemon.offline' "
        "WHEN device = 'daemon' AND detail = 'no connection to the MQTT broker' THEN 'daemon.no_broker' "
        "ELSE '' END, "
        "CASE WHEN device = 'daemon' AND detail IN ('the daemon is offline', 'no connection to the MQTT broker') "
        "THEN '' ELSE detail END, at FROM device_incidents"
    )
    db.execute("DROP TABLE device_incidents")
    db.execute("ALTER TABLE device_incidents_v10 RENAME TO device_incidents")
    db.execute("CREATE INDEX device_incidents_by_time ON device_incidents(at)")


@migrations()
def m011_ticket_state_and_call_indexes(db: Database) -> None:
    """The queue's frequent questions read only the rows they are about, not the whole trip: every
    terminal asks them on every queue event, and a full day's trip holds a thousand tickets (issue 17).

    By state: who waits, per queue (a count read from the index alone), who is called or served, and
    whether a window is busy. By last call: the few numbers called last, read from the index's end.
    """
    db.execute("CREATE INDEX tickets_by_state ON tickets(trip_id, status, category, print_state)")
    db.execute("CREATE INDEX tickets_by_last_call ON tickets(trip_id, last_called_at)")


def migrate(db: Database) -> None:
    """Apply pending migrations; several processes may race here on first start."""
    with immediate(db):
        migrations.apply(db)


def applied(db: Database) -> list[str]:
    return [migration.name for migration in migrations.applied(db)]
