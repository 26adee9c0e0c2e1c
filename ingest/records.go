package ingest

import (
	"crypto/rand"
	"encoding/base64"
	"time"
)

// Group is a peer-support group as the programme office describes it (FORMATS.md groups.csv).
type Group struct {
	Code, Name, Modality        string
	Region, Profession, Cadence string // optional: empty is stored as NULL
	Facilitator                 string // staff data, not attendee data
	PlannedSessions             int
	FacilitatorMinutesBudget    int
	Capacity                    int
}

// Session is one session a group held (FORMATS.md sessions.csv).
type Session struct {
	GroupCode          string
	No                 int
	Date               time.Time
	DurationMinutes    int
	FacilitatorMinutes int
	Topic              string
}

// Attendance says whether one participant came to one session.
type Attendance struct {
	GroupCode       string
	SessionNo       int
	ParticipantCode string
	Attended        bool
}

// Response is one completed questionnaire with its raw answers. Scores are not given by the
// caller: ingest computes them from the answers with the instrument definitions at write time,
// so every path (web, import, demo) scores the same way.
type Response struct {
	ResponseID      string // optional: the source's id; a new one is assigned when empty
	ClientID        string // optional: a web client's idempotency key
	GroupCode       string
	ParticipantCode string
	Timepoint       string // pre, post, followup, or session (the pulse)
	SessionNo       int    // for the session pulse only
	SubmittedAt     time.Time
	Source          string // web, import or demo
	Profession      string
	CareerStage     string
	Answers         map[string]int    // item id → code 1..N; absent means not answered
	Texts           map[string]string // free-text field id → text
}

// Batch is a set of records written together in one transaction: all of it or none.
type Batch struct {
	Settings   map[string]string // programme settings to store, e.g. SettingProgrammeName
	Groups     []Group
	Sessions   []Session
	Attendance []Attendance
	Responses  []Response
}

// newToken returns 128 random bits, URL-safe: invite links must not be guessable.
func newToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand does not fail on Linux; if it ever did, a weak token would be worse than none.
		panic("crypto/rand: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
