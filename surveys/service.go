// Package surveys is the attendee side of peerpulse: invite links, pseudonymous participant
// codes, the questionnaire pages, the submission API and support signposting. Instrument
// definitions and scoring live in surveys/instrument. It knows nothing of dashboards.
package surveys

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// Writer stores submissions durably; *ingest.Writer is the real one. The benchmark swaps in a
// writer that stores nothing, to measure what durability costs.
type Writer interface {
	Submit(ctx context.Context, s ingest.Scored) (ingest.Stored, error)
	RegisterParticipant(ctx context.Context, groupCode, code string) error
}

// Service is the attendee domain: it validates, scores and stores submissions and issues codes.
type Service struct {
	db      *ingest.DB
	set     *instrument.Set
	writer  Writer
	plan    Plan
	support []SupportOption
	dir     *directory
	now     func() time.Time
}

// NewService reads the programme's plan and support options once, at start-up.
func NewService(ctx context.Context, db *ingest.DB, set *instrument.Set, w Writer) (*Service, error) {
	plan, err := loadPlan(ctx, db, set)
	if err != nil {
		return nil, err
	}
	support, err := loadSupport(ctx, db)
	if err != nil {
		return nil, err
	}
	return &Service{db: db, set: set, writer: w, plan: plan, support: support, dir: &directory{db: db}, now: time.Now}, nil
}

// Errors the handlers map to statuses.
var (
	ErrUnknownInvite = errors.New("unknown invite link")
	ErrClosed        = errors.New("this group's survey has closed")
)

// Invite resolves an invite token; ErrUnknownInvite when there is no such link.
func (s *Service) Invite(ctx context.Context, token string) (Invite, error) {
	inv, ok, err := s.dir.invite(ctx, token)
	if err != nil {
		return Invite{}, err
	}
	if !ok {
		return Invite{}, ErrUnknownInvite
	}
	return inv, nil
}

// PulseInvite resolves a session-pulse token.
func (s *Service) PulseInvite(ctx context.Context, token string) (Invite, error) {
	inv, ok, err := s.dir.pulse(ctx, token)
	if err != nil {
		return Invite{}, err
	}
	if !ok {
		return Invite{}, ErrUnknownInvite
	}
	return inv, nil
}

// IssueCode gives a new attendee a code no one in the group has, registered before it is shown.
func (s *Service) IssueCode(ctx context.Context, inv Invite) (string, error) {
	if inv.Closed {
		return "", ErrClosed
	}
	for range 10 {
		code, err := newCode()
		if err != nil {
			return "", err
		}
		err = s.writer.RegisterParticipant(ctx, inv.GroupCode, code)
		if errors.Is(err, ingest.ErrCodeTaken) {
			continue
		}
		return code, err
	}
	return "", fmt.Errorf("issue code in group %s: ten draws were all taken", inv.GroupCode)
}

// KnownCode reports whether code belongs to a participant of the invite's group, so that a
// mistyped code is caught instead of silently starting a new, unlinked person.
func (s *Service) KnownCode(ctx context.Context, inv Invite, code string) (bool, error) {
	var one int
	err := s.db.SQL().QueryRowContext(ctx, `SELECT 1 FROM participants WHERE group_id = ? AND code = ?`, inv.GroupID, code).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up participant code: %w", err)
	}
	return true, nil
}

// SuggestTimepoint offers the timepoint a returning attendee most likely means: pre if they
// have answered nothing, post after pre, followup after post.
func (s *Service) SuggestTimepoint(ctx context.Context, inv Invite, code string) (string, error) {
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT DISTINCT r.timepoint FROM responses r JOIN participants p USING (participant_id)
		WHERE p.group_id = ? AND p.code = ?`, inv.GroupID, code)
	if err != nil {
		return "", fmt.Errorf("read answered timepoints: %w", err)
	}
	defer rows.Close()
	done := map[string]bool{}
	for rows.Next() {
		var tp string
		if err := rows.Scan(&tp); err != nil {
			return "", err
		}
		done[tp] = true
	}
	switch {
	case done["post"]:
		return "followup", rows.Err()
	case done["pre"]:
		return "post", rows.Err()
	}
	return "pre", rows.Err()
}

// Instruments are the instruments asked at tp, in order.
func (s *Service) Instruments(tp string) []*instrument.Instrument { return s.plan[tp] }

// Support returns the support options for the signposting page.
func (s *Service) Support() []SupportOption { return s.support }
