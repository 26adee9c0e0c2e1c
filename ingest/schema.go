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
)

// migrations is the ordered schema history. Foreign keys guard the small programme tables; the
// large per-item tables (answers, scale_scores) have none, because their rows are only ever
// written together with their response in one transaction by ingest, and an index on 10⁷ rows
// would cost more memory than it protects.
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
			participant_id INTEGER PRIMARY KEY,
			group_id   INTEGER NOT NULL REFERENCES groups (group_id),
			code       VARCHAR NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
			created_at TIMESTAMP NOT NULL,
			UNIQUE (group_id, code)
		)`,
		`CREATE TABLE attendance (
			session_id     INTEGER NOT NULL REFERENCES sessions (session_id),
			participant_id INTEGER NOT NULL REFERENCES participants (participant_id),
			attended       BOOLEAN NOT NULL,
			recorded_at    TIMESTAMP NOT NULL,
			PRIMARY KEY (session_id, participant_id)
		)`,
		`CREATE SEQUENCE response_key_seq`,
		// response_key is the internal join key; response_id is the id people see and import
		// (a source system's id, or one the server assigns); client_id makes web retries idempotent.
		`CREATE TABLE responses (
			response_key   BIGINT PRIMARY KEY,
			response_id    VARCHAR NOT NULL UNIQUE,
			client_id      VARCHAR UNIQUE,
			group_id       INTEGER NOT NULL REFERENCES groups (group_id),
			participant_id INTEGER NOT NULL REFERENCES participants (participant_id),
			timepoint      VARCHAR NOT NULL CHECK (timepoint IN ('pre', 'post', 'followup', 'session')),
			session_id     INTEGER REFERENCES sessions (session_id),
			submitted_at   TIMESTAMP NOT NULL,
			source         VARCHAR NOT NULL CHECK (source IN ('web', 'import', 'demo')),
			profession     VARCHAR,
			career_stage   VARCHAR,
			instrument_versions VARCHAR NOT NULL,
			CHECK ((timepoint = 'session') = (session_id IS NOT NULL))
		)`,
		// Raw answers exactly as given: one row per answered item, code 1..N of its options.
		`CREATE TABLE answers (
			response_key BIGINT NOT NULL,
			item_id      VARCHAR NOT NULL,
			code         TINYINT NOT NULL CHECK (code BETWEEN 1 AND 11)
		)`,
		`CREATE TABLE text_answers (
			response_key BIGINT NOT NULL,
			field_id     VARCHAR NOT NULL,
			value        VARCHAR NOT NULL
		)`,
		// One row per scale of each instrument answered; score is NULL when the scale is not valid
		// (too few items, or skipped), so the latest-response rule can see an invalid scale.
		`CREATE TABLE scale_scores (
			response_key BIGINT NOT NULL,
			scale        VARCHAR NOT NULL,
			score        DOUBLE,
			answered     SMALLINT NOT NULL,
			instrument   VARCHAR NOT NULL,
			instrument_version VARCHAR NOT NULL
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
}
