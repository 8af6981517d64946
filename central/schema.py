"""The central store's schema, as numbered migrations applied in order, each once.

Add a migration for every change; never edit one that has shipped. Planning (the week plan,
bookings, sessions) is c004.

Everything a van sends is kept by (van_id, its own id): the van's numbering stays the van's,
and a van that sends the same thing again changes nothing.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS"]

M001_FLEET = [
    """CREATE TABLE vans (
        van_id text PRIMARY KEY,
        first_seen_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        outbox_pending integer NOT NULL DEFAULT 0,
        oldest_pending_at timestamptz
    )""",
    # Every message taken in, once: the key of idempotence. Bodies keep no file content (see blobs).
    """CREATE TABLE inbox (
        van_id text NOT NULL,
        msg_id uuid NOT NULL,
        kind text NOT NULL,
        at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        body jsonb NOT NULL,
        PRIMARY KEY (van_id, msg_id)
    )""",
    "CREATE INDEX inbox_by_time ON inbox (received_at)",
    # What could not be taken in, and why (never the content: it may hold personal data).
    """CREATE TABLE rejects (
        id bigserial PRIMARY KEY,
        van_id text,
        msg_id text,
        kind text,
        reason text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
    )""",
    """CREATE TABLE cases (
        van_id text NOT NULL,
        case_id bigint NOT NULL,
        trip_id bigint,
        trip_date date,
        item_code text NOT NULL,
        item_name text,
        department text,
        outcome text NOT NULL,
        reason text,
        delivery text,
        delivery_date date,
        waybill text,
        staff_login text,
        staff_name text,
        ticket text,
        opened_at timestamptz,
        outcome_at timestamptz,
        closed_at timestamptz,
        applicant jsonb,
        delivery_address text,
        materials jsonb NOT NULL DEFAULT '[]',
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (van_id, case_id)
    )""",
    "CREATE INDEX cases_by_outcome ON cases (outcome, outcome_at)",
    """CREATE TABLE attachments (
        van_id text NOT NULL,
        case_id bigint NOT NULL,
        attachment_id bigint NOT NULL,
        kind text NOT NULL,
        sha256 text NOT NULL,
        bytes bigint,
        certified_by bigint,
        certified_at timestamptz,
        stored boolean NOT NULL,
        PRIMARY KEY (van_id, case_id, attachment_id),
        FOREIGN KEY (van_id, case_id) REFERENCES cases (van_id, case_id)
    )""",
    """CREATE TABLE trips (
        van_id text NOT NULL,
        trip_id bigint NOT NULL,
        trip_date date NOT NULL,
        stop text,
        mode text,
        captain text,
        opened_at timestamptz,
        closed_at timestamptz,
        tickets integer NOT NULL DEFAULT 0,
        cases integer NOT NULL DEFAULT 0,
        completion_rate double precision,
        satisfaction_rate double precision,
        praise_rate double precision,
        wait_median_s double precision,
        wait_p90_s double precision,
        summary jsonb NOT NULL,
        PRIMARY KEY (van_id, trip_id)
    )""",
    "CREATE INDEX trips_by_date ON trips (trip_date)",
    # One row per staff member of a closed trip: the evaluation across vans adds these up.
    """CREATE TABLE trip_staff (
        van_id text NOT NULL,
        trip_id bigint NOT NULL,
        staff_key text NOT NULL,
        name text NOT NULL,
        department text,
        trip_date date NOT NULL,
        cooperation integer,
        cases integer NOT NULL DEFAULT 0,
        completed integer NOT NULL DEFAULT 0,
        forwarded integer NOT NULL DEFAULT 0,
        not_done integer NOT NULL DEFAULT 0,
        ratings integer NOT NULL DEFAULT 0,
        satisfied integer NOT NULL DEFAULT 0,
        praised integer NOT NULL DEFAULT 0,
        PRIMARY KEY (van_id, trip_id, staff_key),
        FOREIGN KEY (van_id, trip_id) REFERENCES trips (van_id, trip_id)
    )""",
    "CREATE INDEX trip_staff_by_date ON trip_staff (trip_date)",
    """CREATE TABLE ratings (
        van_id text NOT NULL,
        rating_id bigint NOT NULL,
        trip_id bigint,
        score integer NOT NULL,
        named boolean NOT NULL,
        staff_login text,
        staff_name text,
        comment text NOT NULL DEFAULT '',
        ticket text,
        rated_at timestamptz NOT NULL,
        PRIMARY KEY (van_id, rating_id)
    )""",
    """CREATE TABLE followups (
        van_id text NOT NULL,
        followup_id bigint NOT NULL,
        rating_id bigint NOT NULL,
        trip_id bigint,
        status text NOT NULL,
        opened_at timestamptz NOT NULL,
        deadline date NOT NULL,
        closed_at timestamptz,
        steps jsonb NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (van_id, followup_id)
    )""",
    "CREATE INDEX followups_open ON followups (deadline) WHERE status <> 'closed'",
    """CREATE TABLE suggestions (
        van_id text NOT NULL,
        suggestion_id bigint NOT NULL,
        trip_id bigint,
        text text NOT NULL,
        received_at timestamptz NOT NULL,
        response text,
        responded_at timestamptz,
        PRIMARY KEY (van_id, suggestion_id)
    )""",
    """CREATE TABLE incidents (
        van_id text NOT NULL,
        incident_id bigint NOT NULL,
        device text NOT NULL,
        kind text NOT NULL,
        state text NOT NULL,
        detail text NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (van_id, incident_id)
    )""",
    """CREATE TABLE booking_requests (
        van_id text NOT NULL,
        appointment_id bigint NOT NULL,
        kind text NOT NULL,
        group_name text,
        head_count integer NOT NULL DEFAULT 1,
        special_needs text NOT NULL DEFAULT '',
        scheduled_at timestamptz,
        items jsonb NOT NULL DEFAULT '[]',
        contact jsonb,
        booked_at timestamptz,
        status text NOT NULL DEFAULT 'new',
        PRIMARY KEY (van_id, appointment_id)
    )""",
    # The back office: one submission per case, idempotent by case.
    """CREATE TABLE backoffice (
        van_id text NOT NULL,
        case_id bigint NOT NULL,
        connector text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'delivered', 'accepted', 'rejected')),
        reference text,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (van_id, case_id),
        FOREIGN KEY (van_id, case_id) REFERENCES cases (van_id, case_id)
    )""",
    "CREATE INDEX backoffice_due ON backoffice (next_attempt_at) WHERE state IN ('pending', 'delivered')",
    # Mailed and door-delivered results, and where each is.
    """CREATE TABLE deliveries (
        van_id text NOT NULL,
        case_id bigint NOT NULL,
        delivery text NOT NULL,
        waybill text,
        carrier text,
        state text,
        state_at timestamptz,
        checked_at timestamptz,
        delivered_at timestamptz,
        PRIMARY KEY (van_id, case_id)
    )""",
    "CREATE INDEX deliveries_open ON deliveries (checked_at) WHERE state IS NULL OR state NOT IN "
    "('signed', 'returned', 'refused')",
    # A result returned or refused: someone at the centre follows it up.
    """CREATE TABLE delivery_followups (
        van_id text NOT NULL,
        case_id bigint NOT NULL,
        state text NOT NULL,
        opened_at timestamptz NOT NULL,
        deadline date NOT NULL,
        closed_at timestamptz,
        note text,
        PRIMARY KEY (van_id, case_id)
    )""",
    # What the centre sends down, kept until the van acknowledges it.
    """CREATE TABLE down_outbox (
        id bigserial PRIMARY KEY,
        van_id text NOT NULL,
        msg_id uuid NOT NULL UNIQUE,
        kind text NOT NULL,
        body jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now()
    )""",
    "CREATE INDEX down_outbox_due ON down_outbox (next_attempt_at)",
]

# Running counts per van, kept at ingest, so `govan central status` reads 20 rows, not a year of cases.
C002_VAN_COUNTS = [
    "ALTER TABLE vans ADD COLUMN cases bigint NOT NULL DEFAULT 0",
    "ALTER TABLE vans ADD COLUMN trips bigint NOT NULL DEFAULT 0",
    "ALTER TABLE vans ADD COLUMN ratings bigint NOT NULL DEFAULT 0",
    """UPDATE vans v SET cases = (SELECT count(*) FROM cases c WHERE c.van_id = v.van_id),
                         trips = (SELECT count(*) FROM trips t WHERE t.van_id = v.van_id),
                         ratings = (SELECT count(*) FROM ratings r WHERE r.van_id = v.van_id)""",
    "CREATE INDEX followups_open_by_van ON followups (van_id) WHERE status <> 'closed'",
]

# Who read personal data on a van (an ID number shown, a phone read for a callback): when, why,
# and about which of the van's records; never the value. `govan central reveals` exports it.
C003_REVEALS = [
    """CREATE TABLE reveals (
        van_id text NOT NULL,
        audit_id bigint NOT NULL,
        at timestamptz NOT NULL,
        staff_id bigint,
        staff_login text,
        staff_name text,
        subject text NOT NULL,
        subject_id bigint,
        detail text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (van_id, audit_id)
    )""",
    "CREATE INDEX reveals_by_time ON reveals (at)",
]

# Planning (planning/): stops and their demand, the week's half-days per van, what was published,
# bookings with the staff-minutes they take, reminders, themed sessions.
C004_PLANNING = [
    """CREATE TABLE plan_stops (
        stop_id serial PRIMARY KEY,
        name text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('community', 'industrial_park', 'commercial', 'enterprise')),
        address text NOT NULL DEFAULT '',
        lat double precision,
        lon double precision,
        requests_waiting integer NOT NULL DEFAULT 0,
        visits integer NOT NULL DEFAULT 1,
        closed_weekdays integer[] NOT NULL DEFAULT '{}'
    )""",
    # The planned fleet, each van with its standing crew (staff per department) and its depot.
    """CREATE TABLE plan_vans (
        van_id text PRIMARY KEY,
        depot_lat double precision,
        depot_lon double precision,
        crew jsonb NOT NULL DEFAULT '{}'
    )""",
    "CREATE TABLE crew_days_off (van_id text NOT NULL, day date NOT NULL, PRIMARY KEY (van_id, day))",
    """CREATE TABLE plan_slots (
        van_id text NOT NULL,
        day date NOT NULL,
        half text NOT NULL CHECK (half IN ('am', 'pm')),
        week text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('stop', 'home_visits', 'themed', 'free', 'off')),
        stop_id integer REFERENCES plan_stops (stop_id),
        session_id bigint,
        note text NOT NULL DEFAULT '',
        source text NOT NULL CHECK (source IN ('solver', 'dispatcher')),
        PRIMARY KEY (van_id, day, half)
    )""",
    "CREATE INDEX plan_slots_by_week ON plan_slots (week)",
    # Every publication of a van's week, kept: the van gets the latest; the history says what changed.
    """CREATE TABLE plan_publications (
        week text NOT NULL,
        van_id text NOT NULL,
        version integer NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        slots jsonb NOT NULL,
        changes jsonb NOT NULL,
        PRIMARY KEY (week, van_id, version)
    )""",
    "CREATE TABLE plan_departments (department text PRIMARY KEY, name text NOT NULL)",
    # How long each item takes one member of staff, in minutes: what capacity is counted in.
    """CREATE TABLE plan_items (
        item_code text PRIMARY KEY,
        name text NOT NULL,
        department text NOT NULL,
        minutes integer NOT NULL CHECK (minutes > 0)
    )""",
    """CREATE TABLE bookings (
        booking_id bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('individual', 'home_visit', 'group')),
        van_id text NOT NULL,
        day date NOT NULL,
        half text NOT NULL CHECK (half IN ('am', 'pm')),
        items jsonb NOT NULL,
        head_count integer NOT NULL DEFAULT 1 CHECK (head_count >= 1),
        group_name text,
        name text,
        phone text,
        address text,
        lat double precision,
        lon double precision,
        needs text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'checked_in')),
        checkin_code text NOT NULL UNIQUE,
        request_van text,
        request_id bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (request_van, request_id)
    )""",
    "CREATE INDEX bookings_by_slot ON bookings (van_id, day, half) WHERE status <> 'cancelled'",
    # What a booking takes from each department, in staff-minutes; cancelling frees it (status).
    """CREATE TABLE booking_load (
        booking_id bigint NOT NULL REFERENCES bookings (booking_id),
        department text NOT NULL,
        minutes integer NOT NULL,
        PRIMARY KEY (booking_id, department)
    )""",
    """CREATE TABLE booking_history (
        id bigserial PRIMARY KEY,
        booking_id bigint NOT NULL REFERENCES bookings (booking_id),
        at timestamptz NOT NULL DEFAULT now(),
        action text NOT NULL CHECK (action IN ('booked', 'rescheduled', 'cancelled', 'checked_in')),
        before jsonb,
        after jsonb
    )""",
    """CREATE TABLE reminders (
        id bigserial PRIMARY KEY,
        booking_id bigint NOT NULL REFERENCES bookings (booking_id),
        send_at timestamptz NOT NULL,
        template text NOT NULL,
        params jsonb NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'void')),
        attempts integer NOT NULL DEFAULT 0,
        sent_at timestamptz
    )""",
    "CREATE INDEX reminders_due ON reminders (send_at) WHERE status = 'queued'",
    """CREATE TABLE sessions (
        session_id bigserial PRIMARY KEY,
        theme text NOT NULL,
        items jsonb NOT NULL,
        departments text[] NOT NULL,
        van_id text NOT NULL,
        day date NOT NULL,
        half text NOT NULL CHECK (half IN ('am', 'pm')),
        stop_id integer NOT NULL REFERENCES plan_stops (stop_id),
        order_deadline date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    )""",
    # 点单: what people chose in advance, so the right staff come (counted per item, no names kept).
    """CREATE TABLE session_orders (
        id bigserial PRIMARY KEY,
        session_id bigint NOT NULL REFERENCES sessions (session_id),
        items jsonb NOT NULL,
        head_count integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now()
    )""",
]

# A van's device incident carries the daemon's problem (a core.problems code and its params), not
# English text; `detail` keeps free text only where no code came (older vans, older rows).
C005_INCIDENT_PROBLEMS = [
    "ALTER TABLE incidents ADD COLUMN problem text NOT NULL DEFAULT ''",
    "ALTER TABLE incidents ADD COLUMN params jsonb NOT NULL DEFAULT '{}'",
]

MIGRATIONS: list[tuple[str, list[str]]] = [
    ("c001_fleet", M001_FLEET),
    ("c002_van_counts", C002_VAN_COUNTS),
    ("c003_reveals", C003_REVEALS),
    ("c004_planning", C004_PLANNING),
    ("c005_incident_problems", C005_INCIDENT_PROBLEMS),
]
