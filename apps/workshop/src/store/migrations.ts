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
  // Issue 20: numbers from a counter taken in the document's transaction, not COUNT(*) + 1 (two
  // PostgreSQL transactions would count the same rows and give the same number).
  {
    version: 5,
    name: 'number counters (repair orders per year)',
    sql: [
      `CREATE TABLE number_counters (scope TEXT PRIMARY KEY, last INTEGER NOT NULL)`,
      `INSERT INTO number_counters (scope, last)
       SELECT 'repair_order:' || substr(number, 4, 4), MAX(CAST(substr(number, 9) AS INTEGER))
       FROM repair_orders WHERE number LIKE 'OR-____-%' GROUP BY substr(number, 4, 4)`,
    ],
  },
  // Issue 19: quotes, agreements, quality control and invoices as documents. Money in cents,
  // quantities in thousandths, VAT rates in basis points (see @atelier/facturx). An issued invoice
  // is never changed or deleted (a credit note corrects it; kept at least 10 years): the triggers
  // refuse it below the services too.
  {
    version: 6,
    name: 'documents: workshop identity, labour rates, priced quote lines, agreements, quality control, invoices',
    sql: [
      `CREATE TABLE workshop_profile (
        id INTEGER PRIMARY KEY,
        legal_name TEXT NOT NULL DEFAULT '',
        trading_name TEXT NOT NULL DEFAULT '',
        legal_form TEXT NOT NULL DEFAULT '',
        siret TEXT NOT NULL DEFAULT '',
        vat_id TEXT NOT NULL DEFAULT '',
        register TEXT NOT NULL DEFAULT '',
        address_line1 TEXT NOT NULL DEFAULT '',
        address_line2 TEXT NOT NULL DEFAULT '',
        postcode TEXT NOT NULL DEFAULT '',
        city TEXT NOT NULL DEFAULT '',
        country TEXT NOT NULL DEFAULT 'FR',
        phone TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        iban TEXT NOT NULL DEFAULT '',
        bic TEXT NOT NULL DEFAULT '',
        payment_days INTEGER NOT NULL DEFAULT 0,
        quote_validity_days INTEGER NOT NULL DEFAULT 30,
        quote_fee_cents INTEGER NOT NULL DEFAULT 0,
        time_billing TEXT NOT NULL DEFAULT 'schedule',
        mediator TEXT NOT NULL DEFAULT '',
        updated_by INTEGER REFERENCES users(id),
        updated_at INTEGER
      )`,
      `INSERT INTO workshop_profile (id) VALUES (1)`,
      `CREATE TABLE labour_rates (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        label_fr TEXT NOT NULL,
        label_en TEXT NOT NULL,
        rate_cents INTEGER NOT NULL CHECK (rate_cents >= 0),
        vat_rate_bp INTEGER NOT NULL DEFAULT 2000,
        active INTEGER NOT NULL DEFAULT 1
      )`,
      'ALTER TABLE ro_lines ADD COLUMN quantity_milli INTEGER NOT NULL DEFAULT 1000',
      "ALTER TABLE ro_lines ADD COLUMN unit TEXT NOT NULL DEFAULT 'unit'",
      'ALTER TABLE ro_lines ADD COLUMN unit_price_cents INTEGER NOT NULL DEFAULT 0',
      'ALTER TABLE ro_lines ADD COLUMN vat_rate_bp INTEGER NOT NULL DEFAULT 2000',
      "ALTER TABLE ro_lines ADD COLUMN part_ref TEXT NOT NULL DEFAULT ''",
      'ALTER TABLE ro_lines ADD COLUMN part_origin TEXT',
      'ALTER TABLE ro_lines ADD COLUMN labour_rate_id INTEGER REFERENCES labour_rates(id)',
      'ALTER TABLE ro_lines ADD COLUMN time_basis TEXT',
      "ALTER TABLE ro_lines ADD COLUMN schedule_ref TEXT NOT NULL DEFAULT ''",
      "ALTER TABLE ro_lines ADD COLUMN hv_work TEXT NOT NULL DEFAULT 'none'",
      "ALTER TABLE ro_lines ADD COLUMN source TEXT NOT NULL DEFAULT ''",
      // Lines priced before: a labour line's price was its total, kept as a flat-rate line.
      "UPDATE ro_lines SET unit = 'flat', time_basis = 'flat', unit_price_cents = price_cents WHERE kind = 'labour'",
      "UPDATE ro_lines SET unit_price_cents = price_cents, part_origin = 'new' WHERE kind = 'part'",
      "ALTER TABLE repair_orders ADD COLUMN kind TEXT NOT NULL DEFAULT 'diagnostic'",
      'ALTER TABLE repair_orders ADD COLUMN quote_sent_at INTEGER',
      'ALTER TABLE repair_orders ADD COLUMN quote_valid_until TEXT',
      'ALTER TABLE repair_orders ADD COLUMN piec_choice TEXT',
      'ALTER TABLE repair_orders ADD COLUMN diagnosis_session_id INTEGER REFERENCES diag_sessions(id)',
      "ALTER TABLE customers ADD COLUMN address_line1 TEXT NOT NULL DEFAULT ''",
      "ALTER TABLE customers ADD COLUMN address_line2 TEXT NOT NULL DEFAULT ''",
      "ALTER TABLE customers ADD COLUMN postcode TEXT NOT NULL DEFAULT ''",
      "ALTER TABLE customers ADD COLUMN city TEXT NOT NULL DEFAULT ''",
      "ALTER TABLE customers ADD COLUMN country TEXT NOT NULL DEFAULT 'FR'",
      'ALTER TABLE customers ADD COLUMN is_business INTEGER NOT NULL DEFAULT 0',
      "ALTER TABLE customers ADD COLUMN siret TEXT NOT NULL DEFAULT ''",
      "ALTER TABLE customers ADD COLUMN vat_id TEXT NOT NULL DEFAULT ''",
      `CREATE TABLE ro_agreements (
        id INTEGER PRIMARY KEY,
        ro_id INTEGER NOT NULL REFERENCES repair_orders(id),
        method TEXT NOT NULL CHECK (method IN ('signature','phone','email')),
        agreed_at INTEGER NOT NULL,
        signer_name TEXT NOT NULL,
        reference TEXT NOT NULL DEFAULT '',
        signature TEXT,
        amount_ttc_cents INTEGER NOT NULL,
        approved_lines TEXT NOT NULL,
        piec_choice TEXT,
        recorded_by INTEGER NOT NULL REFERENCES users(id),
        recorded_at INTEGER NOT NULL
      )`,
      'CREATE INDEX ro_agreements_ro ON ro_agreements(ro_id)',
      `CREATE TABLE ro_quality_checks (
        id INTEGER PRIMARY KEY,
        ro_id INTEGER NOT NULL REFERENCES repair_orders(id),
        item TEXT NOT NULL,
        result TEXT NOT NULL CHECK (result IN ('ok','na','fail')),
        note TEXT NOT NULL DEFAULT '',
        checked_by INTEGER NOT NULL REFERENCES users(id),
        checked_at INTEGER NOT NULL
      )`,
      'CREATE INDEX ro_quality_checks_ro ON ro_quality_checks(ro_id, id)',
      `CREATE TABLE invoices (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('invoice','credit_note')),
        ro_id INTEGER NOT NULL REFERENCES repair_orders(id),
        corrects_id INTEGER REFERENCES invoices(id),
        issue_date TEXT NOT NULL,
        due_date TEXT,
        issued_at INTEGER NOT NULL,
        issued_by INTEGER NOT NULL REFERENCES users(id),
        buyer_name TEXT NOT NULL,
        ht_cents INTEGER NOT NULL,
        tva_cents INTEGER NOT NULL,
        ttc_cents INTEGER NOT NULL,
        document TEXT NOT NULL,
        xml TEXT NOT NULL,
        pdf TEXT NOT NULL,
        pdf_sha256 TEXT NOT NULL
      )`,
      'CREATE INDEX invoices_ro ON invoices(ro_id)',
      `CREATE TRIGGER invoices_unchangeable BEFORE UPDATE ON invoices
       BEGIN SELECT RAISE(ABORT, 'an issued invoice cannot be changed: a credit note corrects it'); END`,
      `CREATE TRIGGER invoices_kept BEFORE DELETE ON invoices
       BEGIN SELECT RAISE(ABORT, 'invoices are kept at least 10 years: none is deleted'); END`,
    ],
  },
  // Issue 17 (numbered after main's 5 and 6 when the branch was merged).
  {
    version: 7,
    name: 'training: probabilities shown per assignment; scenarios from an uploaded scenario file',
    sql: [
      // The instructor decides, per assignment, whether the apprentice sees the causes' probabilities.
      'ALTER TABLE training_assignments ADD COLUMN show_probabilities INTEGER NOT NULL DEFAULT 1',
      // A simulated scenario uploaded as a file (YAML): its text, played instead of a built-in one.
      'ALTER TABLE training_scenarios ADD COLUMN sim_file TEXT',
    ],
  },
];
