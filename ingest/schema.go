package ingest

// Modalities, cadences, timepoints and roles are closed lists from FORMATS.md and DESIGN.md;
// the schema enforces them so that no path (web, import, demo) can store anything else.
var (
	// Modalities are the kinds of peer-support group.
	Modalities = []string{"balint", "reflective_practice", "action_learning_set", "early_career",
		"restorative_supervision", "mindfulness", "coaching", "other"}
	// Cadences are how often a group meets.
	Cadences = []string{"weekly", "fortnightly", "monthly", "block"}
	// Timepoints are when a questionnaire is answered; "session" is the per-session pulse.
	Timepoints = []string{"pre", "post", "followup", "session"}
	// Roles are the staff roles.
	Roles = []string{"admin", "evaluator", "funder", "facilitator"}
	// Sources say how a response arrived.
	Sources = []string{"web", "import", "demo"}
	// Professions and CareerStages are the coarse descriptors an attendee may give, as fixed lists
	// so that no free text can identify anyone.
	Professions  = []string{"GP", "GP trainee", "nurse", "midwife", "pharmacist", "allied health professional", "other"}
	CareerStages = []string{"trainee", "early career", "mid career", "late career"}
)

// migrations is the ordered schema history. Keys and foreign keys guard the small programme
// tables; the responses table, written at request rate, has none (see its comment).
var migrations = []migration{
	{name: "initial schema", statements: []string{
		`CREATE TABLE programme_settings (
			key        VARCHAR PRIMARY KEY,
			value      VARCHAR NOT NULL,
			updated_at TIMESTAMP NOT NULL
		)`,
		`CREATE SEQUENCE group_id_seq`,
		`CREATE TABLE groups (
			group_id    INTEGER PRIMARY KEY,
			group_code  VARCHAR NOT NULL UNIQUE CHECK (regexp_full_match(group_code, '[A-Za-z0-9_-]{1,32}')),
			name        VARCHAR NOT NULL CHECK (length(trim(name)) > 0),
			modality    VARCHAR NOT NULL CHECK (modality IN ('balint', 'reflective_practice', 'action_learning_set', 'early_career', 'restorative_supervision', 'mindfulness', 'coaching', 'other')),
			region      VARCHAR,
			profession  VARCHAR,
			cadence     VARCHAR CHECK (cadence IN ('weekly', 'fortnightly', 'monthly', 'block')),
			facilitator VARCHAR,
			planned_sessions           INTEGER NOT NULL DEFAULT 10 CHECK (planned_sessions BETWEEN 1 AND 200),
			facilitator_minutes_budget INTEGER NOT NULL DEFAULT 900 CHECK (facilitator_minutes_budget >= 0),
			capacity     INTEGER NOT NULL DEFAULT 12 CHECK (capacity BETWEEN 1 AND 1000),
			invite_token VARCHAR NOT NULL UNIQUE,
			created_at   TIMESTAMP NOT NULL,
			closed_at    TIMESTAMP
		)`,
		`CREATE SEQUENCE session_id_seq`,
		`CREATE TABLE sessions (
			session_id  INTEGER PRIMARY KEY,
			group_id    INTEGER NOT NULL REFERENCES groups (group_id),
			session_no  INTEGER NOT NULL CHECK (session_no BETWEEN 1 AND 200),
			session_date DATE NOT NULL,
			duration_minutes    INTEGER NOT NULL DEFAULT 90 CHECK (duration_minutes BETWEEN 1 AND 1440),
			facilitator_minutes INTEGER NOT NULL CHECK (facilitator_minutes BETWEEN 0 AND 1440),
			topic       VARCHAR,
			pulse_token VARCHAR NOT NULL UNIQUE,
			UNIQUE (group_id, session_no)
		)`,
		`CREATE SEQUENCE participant_id_seq`,
		// A participant is a pseudonymous code within one group: nothing else about the person.
		`CREATE TABLE participants (
			participant_id INTEGER NOT NULL,
			group_id   INTEGER NOT NULL,
			code       VARCHAR NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
			created_at TIMESTAMP NOT NULL,
			UNIQUE (group_id, code)
		)`,
		`CREATE TABLE attendance (
			session_id     INTEGER NOT NULL REFERENCES sessions (session_id),
			participant_id INTEGER NOT NULL,
			attended       BOOLEAN NOT NULL,
			recorded_at    TIMESTAMP NOT NULL,
			PRIMARY KEY (session_id, participant_id)
		)`,
		`CREATE SEQUENCE response_key_seq`,
		// One row per completed questionnaire. answers holds the raw answers exactly as given, as JSON text:
		// an object of item id → code (unanswered items absent); texts the free-text answers
		// likewise. Beside these columns, ensureInstruments adds one DOUBLE column per scale
		// (s_<scale>: the score at write time, NULL when not valid), so analysis reads scores
		// without a join. One narrow row per submission keeps the durable write path to one
		// append: DuckDB's cost per commit grows with the number of columns written.
		// response_key is the internal key; response_id the id people see and import; client_id
		// makes web retries idempotent. Their uniqueness is kept by the code that writes them
		// (sequence, writer, importer), not by indexes, because every index is paid for on the
		// submission hot path.
		`CREATE TABLE responses (
			response_key   BIGINT NOT NULL,
			response_id    VARCHAR NOT NULL,
			client_id      VARCHAR,
			group_id       INTEGER NOT NULL,
			participant_id INTEGER NOT NULL,
			timepoint      VARCHAR NOT NULL CHECK (timepoint IN ('pre', 'post', 'followup', 'session')),
			session_id     INTEGER,
			submitted_at   TIMESTAMP NOT NULL,
			source         VARCHAR NOT NULL CHECK (source IN ('web', 'import', 'demo')),
			profession     VARCHAR,
			career_stage   VARCHAR,
			instrument_versions VARCHAR NOT NULL,
			answers        VARCHAR NOT NULL,
			texts          VARCHAR,
			CHECK ((timepoint = 'session') = (session_id IS NOT NULL))
		)`,
		`CREATE SEQUENCE account_id_seq`,
		`CREATE TABLE staff_accounts (
			account_id    INTEGER PRIMARY KEY,
			email         VARCHAR NOT NULL UNIQUE CHECK (email = lower(email) AND contains(email, '@')),
			role          VARCHAR NOT NULL CHECK (role IN ('admin', 'evaluator', 'funder', 'facilitator')),
			password_hash VARCHAR NOT NULL,
			created_at    TIMESTAMP NOT NULL,
			disabled_at   TIMESTAMP
		)`,
		`CREATE TABLE staff_groups (
			account_id INTEGER NOT NULL REFERENCES staff_accounts (account_id),
			group_id   INTEGER NOT NULL REFERENCES groups (group_id),
			PRIMARY KEY (account_id, group_id)
		)`,
		`CREATE SEQUENCE audit_id_seq`,
		// The audit log records what staff did; it never holds attendee answers.
		`CREATE TABLE audit_log (
			audit_id BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
			occurred_at TIMESTAMP NOT NULL,
			actor    VARCHAR NOT NULL,
			action   VARCHAR NOT NULL,
			target   VARCHAR,
			detail   VARCHAR
		)`,
	}},
	// Staff sign-in: a session or an API token is a random secret held by the browser or script;
	// only its SHA-256 is stored, so a copy of the database signs no one in.
	{name: "staff sessions and API tokens", statements: []string{
		`CREATE TABLE staff_sessions (
			token_hash   VARCHAR PRIMARY KEY,
			account_id   INTEGER NOT NULL REFERENCES staff_accounts (account_id),
			created_at   TIMESTAMP NOT NULL,
			last_seen_at TIMESTAMP NOT NULL,
			expires_at   TIMESTAMP NOT NULL
		)`,
		`CREATE SEQUENCE api_token_id_seq`,
		`CREATE TABLE api_tokens (
			token_id     INTEGER PRIMARY KEY,
			account_id   INTEGER NOT NULL REFERENCES staff_accounts (account_id),
			name         VARCHAR NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
			token_hash   VARCHAR NOT NULL UNIQUE,
			created_at   TIMESTAMP NOT NULL,
			last_used_at TIMESTAMP,
			revoked_at   TIMESTAMP
		)`,
	}},
	// A web submission from a new participant records the participant in its own response row
	// (new_participant_code), so the writer's batch is one append and one commit instead of two
	// appends in an explicit transaction: that second append and the transaction statements cost
	// about as much as the responses append itself (docs/BENCHMARKS.md, Submissions). The writer
	// has since replaced that append with a prepared insert; the one-statement batch still holds.
	// Codes registered on their own (at consent, by import, by the demo) go to participant_codes.
	// participants is the view over both, so every reader sees one list; a response and the
	// participant it introduces commit together. A view has no constraints, so uniqueness of
	// (group_id, code) across both is kept by the code that creates participants: the single
	// writer (its cache holds every key) and the bulk loader (it reads the directory first).
	{name: "participants introduced by their first response", statements: []string{
		`ALTER TABLE responses ADD COLUMN new_participant_code VARCHAR`,
		`CREATE TABLE participant_codes (
			participant_id INTEGER NOT NULL,
			group_id   INTEGER NOT NULL,
			code       VARCHAR NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
			created_at TIMESTAMP NOT NULL,
			UNIQUE (group_id, code)
		)`,
		`INSERT INTO participant_codes (participant_id, group_id, code, created_at)
			SELECT participant_id, group_id, code, created_at FROM participants`,
		`DROP TABLE participants`,
		`CREATE VIEW participants AS
			SELECT participant_id, group_id, code, created_at FROM participant_codes
			UNION ALL
			SELECT participant_id, group_id, new_participant_code, submitted_at FROM responses
			WHERE new_participant_code IS NOT NULL`,
	}},
}
