/**
 * Versioned schema for the SQLite store. Each migration runs once, in order, inside a transaction,
 * and its number is recorded in `schema_migrations`. Never edit a released migration: add the next.
 * Times are epoch milliseconds; booleans are 0/1; money is in cents — all portable to PostgreSQL.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string[];
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'people, customers, vehicles, repair orders, clocking',
    sql: [
      `CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        login TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('apprentice','technician','manager','instructor','admin')),
        password_hash TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL
      )`,
      `CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      )`,
      `CREATE TABLE habilitations (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        symbol TEXT NOT NULL,
        issued_on TEXT NOT NULL,
        renewal_on TEXT NOT NULL,
        issued_by TEXT NOT NULL DEFAULT '',
        UNIQUE (user_id, symbol)
      )`,
      `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      `CREATE TABLE customers (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        phone TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        last_activity_at INTEGER NOT NULL,
        erased_at INTEGER
      )`,
      `CREATE TABLE vehicles (
        id INTEGER PRIMARY KEY,
        vin TEXT NOT NULL UNIQUE,
        plate TEXT NOT NULL DEFAULT '',
        maker TEXT NOT NULL DEFAULT '',
        model TEXT NOT NULL DEFAULT '',
        model_year INTEGER,
        energy TEXT NOT NULL CHECK (energy IN ('petrol','diesel','hybrid','ev')),
        customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL
      )`,
      `CREATE TABLE odometer_readings (
        id INTEGER PRIMARY KEY,
        vehicle_id INTEGER NOT NULL REFERENCES vehicles(id) ON DELETE CASCADE,
        km INTEGER NOT NULL,
        read_at INTEGER NOT NULL,
        source TEXT NOT NULL
      )`,
      `CREATE TABLE repair_orders (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        vehicle_id INTEGER NOT NULL REFERENCES vehicles(id),
        customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
        state TEXT NOT NULL,
        complaint TEXT NOT NULL DEFAULT '',
        odometer_km INTEGER,
        condition_notes TEXT NOT NULL DEFAULT '',
        diagnosis_notes TEXT NOT NULL DEFAULT '',
        hv_requirement TEXT,
        assigned_to INTEGER REFERENCES users(id),
        comeback_of INTEGER REFERENCES repair_orders(id),
        booked_for INTEGER,
        created_by INTEGER REFERENCES users(id),
        created_at INTEGER NOT NULL,
        state_since INTEGER NOT NULL
      )`,
      `CREATE INDEX repair_orders_state ON repair_orders(state)`,
      `CREATE TABLE ro_lines (
        id INTEGER PRIMARY KEY,
        ro_id INTEGER NOT NULL REFERENCES repair_orders(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('labour','part')),
        description TEXT NOT NULL,
        sold_hours REAL NOT NULL DEFAULT 0,
        price_cents INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed','approved','declined')),
        followup_on TEXT
      )`,
      `CREATE TABLE ro_events (
        id INTEGER PRIMARY KEY,
        ro_id INTEGER NOT NULL REFERENCES repair_orders(id) ON DELETE CASCADE,
        from_state TEXT,
        to_state TEXT NOT NULL,
        user_id INTEGER REFERENCES users(id),
        at INTEGER NOT NULL,
        note TEXT NOT NULL DEFAULT ''
      )`,
      `CREATE INDEX ro_events_ro ON ro_events(ro_id, at)`,
      `CREATE TABLE clock_entries (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        kind TEXT NOT NULL CHECK (kind IN ('attendance','operation','nonprod')),
        ro_id INTEGER REFERENCES repair_orders(id),
        line_id INTEGER REFERENCES ro_lines(id),
        code TEXT,
        start_at INTEGER NOT NULL,
        end_at INTEGER
      )`,
      `CREATE INDEX clock_entries_user ON clock_entries(user_id, start_at)`,
      `CREATE TABLE clock_corrections (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES clock_entries(id),
        field TEXT NOT NULL,
        old_value INTEGER,
        new_value INTEGER,
        reason TEXT NOT NULL,
        by_user INTEGER NOT NULL REFERENCES users(id),
        at INTEGER NOT NULL
      )`,
      `CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        user_id INTEGER,
        action TEXT NOT NULL,
        subject TEXT NOT NULL
      )`,
    ],
  },
  // Issue 10: diagnostic sessions, live data, raw traffic, training (recordings, scenarios,
  // classes, assignments). Values read from a car are stored one row each as they arrive, so an
  // adapter that drops loses nothing already read.
  {
    version: 2,
    name: 'diagnostic sessions, live data, training scenarios, classes, assignments',
    sql: [
      `CREATE TABLE recordings (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('can','elm327')),
        format TEXT NOT NULL,
        size INTEGER NOT NULL,
        content TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '{}',
        uploaded_by INTEGER REFERENCES users(id),
        uploaded_at INTEGER NOT NULL
      )`,
      `CREATE TABLE training_scenarios (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('sim','recording')),
        sim_name TEXT,
        recording_id INTEGER REFERENCES recordings(id),
        vehicle_type TEXT NOT NULL,
        vin TEXT NOT NULL DEFAULT '',
        complaint TEXT NOT NULL DEFAULT '',
        true_cause TEXT NOT NULL,
        notes TEXT NOT NULL DEFAULT '',
        created_by INTEGER REFERENCES users(id),
        created_at INTEGER NOT NULL
      )`,
      `CREATE TABLE classes (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      )`,
      `CREATE TABLE class_members (
        class_id INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (class_id, user_id)
      )`,
      `CREATE TABLE training_assignments (
        id INTEGER PRIMARY KEY,
        scenario_id INTEGER NOT NULL REFERENCES training_scenarios(id),
        user_id INTEGER NOT NULL REFERENCES users(id),
        class_id INTEGER REFERENCES classes(id),
        due_on TEXT NOT NULL,
        assigned_by INTEGER REFERENCES users(id),
        assigned_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        UNIQUE (scenario_id, user_id)
      )`,
      `CREATE TABLE diag_sessions (
        id INTEGER PRIMARY KEY,
        ro_id INTEGER REFERENCES repair_orders(id),
        assignment_id INTEGER REFERENCES training_assignments(id),
        user_id INTEGER NOT NULL REFERENCES users(id),
        adapter_kind TEXT NOT NULL CHECK (adapter_kind IN ('serial','tcp','socketcan','scenario')),
        adapter_spec TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('new','connected','disconnected','closed')),
        status_message TEXT NOT NULL DEFAULT '',
        vin TEXT,
        vin_check TEXT,
        guided TEXT,
        reference_id INTEGER REFERENCES diag_sessions(id),
        started_at INTEGER NOT NULL,
        ended_at INTEGER
      )`,
      `CREATE INDEX diag_sessions_ro ON diag_sessions(ro_id)`,
      `CREATE TABLE diag_readings (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES diag_sessions(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        ecu TEXT NOT NULL DEFAULT '',
        item TEXT NOT NULL DEFAULT '',
        value TEXT NOT NULL,
        at INTEGER NOT NULL
      )`,
      `CREATE INDEX diag_readings_session ON diag_readings(session_id, id)`,
      `CREATE TABLE diag_samples (
        session_id INTEGER NOT NULL REFERENCES diag_sessions(id) ON DELETE CASCADE,
        t INTEGER NOT NULL,
        pid TEXT NOT NULL,
        value REAL NOT NULL
      )`,
      `CREATE INDEX diag_samples_session ON diag_samples(session_id, t)`,
      `CREATE TABLE diag_marks (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES diag_sessions(id) ON DELETE CASCADE,
        t INTEGER NOT NULL,
        label TEXT NOT NULL
      )`,
      `CREATE TABLE diag_traffic (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES diag_sessions(id) ON DELETE CASCADE,
        format TEXT NOT NULL,
        chunk TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    name: 'guided diagnosis version (optimistic concurrency)',
    sql: [
      // Every saved step bumps it; a step computed from an older state is refused, never lost.
      'ALTER TABLE diag_sessions ADD COLUMN guided_version INTEGER NOT NULL DEFAULT 0',
    ],
  },
  // Issue 15: hardening. The login form's CSRF token is signed with a server secret instead of
  // being stored in an anonymous session row; the TCP adapters an admin declared are the only
  // addresses a session may open; raw traffic is counted per chunk so that a session's recording is
  // bounded, and the chunk that reached the limit says so.
  {
    version: 4,
    name: 'server secrets, declared TCP adapters, bounded traffic recording',
    sql: [
      `CREATE TABLE server_secrets (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        created_at INTEGER NOT NULL
      )`,
      `CREATE TABLE tcp_adapters (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        host TEXT NOT NULL,
        port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL
      )`,
      'ALTER TABLE diag_traffic ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0',
      // The limit in bytes that cut the recording, on the chunk written when it was reached; 0 otherwise.
      'ALTER TABLE diag_traffic ADD COLUMN truncated_at INTEGER NOT NULL DEFAULT 0',
      'UPDATE diag_traffic SET bytes = LENGTH(chunk)',
      'CREATE INDEX diag_traffic_session ON diag_traffic(session_id, id)',
      // Anonymous pre-login rows are no longer made; those left are of no use to anyone.
      'DELETE FROM sessions WHERE user_id IS NULL',
    ],
  },
  {
    version: 5,
    name: 'training: probabilities shown per assignment; scenarios from an uploaded scenario file',
    sql: [
      // The instructor decides, per assignment, whether the apprentice sees the causes' probabilities.
      'ALTER TABLE training_assignments ADD COLUMN show_probabilities INTEGER NOT NULL DEFAULT 1',
      // A simulated scenario uploaded as a file (YAML): its text, played instead of a built-in one.
      'ALTER TABLE training_scenarios ADD COLUMN sim_file TEXT',
    ],
  },
];
