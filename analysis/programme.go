package analysis

import (
	"context"
	"fmt"
	"strconv"

	"github.com/peerpulse/peerpulse/ingest"
)

// SettingTariff is the programme setting holding the cost of one facilitator hour (GBP). Without
// it no cost is computed: a made-up tariff would mislead a funder.
const SettingTariff = "tariff_per_facilitator_hour"

// HeadlineMeasure is the measure cost per reliable improvement is counted on: work-related
// burnout is what a staff-support programme most directly aims to reduce.
const HeadlineMeasure = "cbi_work"

// GroupDelivery is one group's delivery and response figures. Respondent counts are suppressed
// (nil) when the group has fewer than min cell respondents; delivery figures (sessions, minutes,
// cost) describe the facilitator's work, not people, and are always shown.
type GroupDelivery struct {
	GroupCode          string   `json:"group_code"`
	Modality           string   `json:"modality"`
	Region             *string  `json:"region"`
	Capacity           int      `json:"capacity"`
	PlannedSessions    int      `json:"planned_sessions"`
	SessionsHeld       int      `json:"sessions_held"`
	MinutesUsed        int      `json:"facilitator_minutes_used"`
	MinutesBudget      int      `json:"facilitator_minutes_budget"`
	Cost               *float64 `json:"cost"`
	Suppressed         bool     `json:"suppressed"`
	AttendanceRate     *float64 `json:"attendance_rate"`
	PreOnly            *int     `json:"pre_only"`
	PostOnly           *int     `json:"post_only"`
	Both               *int     `json:"both"`
	ResponseRatePre    *float64 `json:"response_rate_pre"`
	ResponseRatePost   *float64 `json:"response_rate_post"`
	CostPerImprovement *float64 `json:"cost_per_reliable_improvement"`

	respondents int
}

// Baseline compares the baseline scores of completers (with a counted later response) and
// drop-outs (without), per measure: were those who left different to start with?
type Baseline struct {
	Measure           string   `json:"measure"`
	NCompleters       *int     `json:"n_completers"`
	MeanPreCompleters *float64 `json:"mean_pre_completers"`
	NDropouts         *int     `json:"n_dropouts"`
	MeanPreDropouts   *float64 `json:"mean_pre_dropouts"`
}

// Programme totals, far above any cell size.
type Programme struct {
	Groups             int      `json:"groups"`
	Capacity           int      `json:"capacity"`
	Participants       int      `json:"participants"`
	RespondentsPre     int      `json:"respondents_pre"`
	RespondentsLater   int      `json:"respondents_later"`
	SessionsHeld       int      `json:"sessions_held"`
	MinutesUsed        int      `json:"facilitator_minutes_used"`
	MinutesBudget      int      `json:"facilitator_minutes_budget"`
	Cost               *float64 `json:"cost"`
	Tariff             *float64 `json:"tariff_per_facilitator_hour"`
	CostPerImprovement *float64 `json:"cost_per_reliable_improvement"`
}

func tariff(ctx context.Context, db *ingest.DB) (*float64, error) {
	v, ok, err := db.Setting(ctx, SettingTariff)
	if err != nil || !ok {
		return nil, err
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		return nil, fmt.Errorf("programme setting %s = %q is not a cost per hour", SettingTariff, v)
	}
	return &f, nil
}

// delivery turns the groups' figures and the counted respondents per group (every participant
// of the group, whatever the profession filter) into the delivery rows, and applies disclosure
// control to respondent counts.
func delivery(infos []groupInfo, p *people, minCell int, price *float64) ([]GroupDelivery, Programme) {
	type respondents struct{ preOnly, laterOnly, both int }
	per := make([]respondents, len(infos))
	for i, g := range p.group {
		r := &per[g]
		switch pre, later := p.hasPre[i], p.hasLater[i]; {
		case pre && later:
			r.both++
		case pre:
			r.preOnly++
		case later:
			r.laterOnly++
		}
	}
	var out []GroupDelivery
	var prog Programme
	prog.Tariff = price
	for gi, info := range infos {
		g := GroupDelivery{GroupCode: info.code, Modality: info.modality, Capacity: info.capacity,
			PlannedSessions: info.planned, MinutesBudget: info.budget, SessionsHeld: info.held, MinutesUsed: info.minutes}
		if info.region.Valid {
			region := info.region.String
			g.Region = &region
		}
		preOnly, laterOnly, both := per[gi].preOnly, per[gi].laterOnly, per[gi].both
		if price != nil {
			g.Cost = num(float64(g.MinutesUsed)/60**price, true)
		}
		if info.peopleShown > 0 && g.SessionsHeld > 0 {
			g.AttendanceRate = num(float64(info.present)/float64(info.peopleShown*g.SessionsHeld), true)
		}
		g.respondents = preOnly + laterOnly + both
		prog.Groups++
		prog.Capacity += g.Capacity
		prog.RespondentsPre += preOnly + both
		prog.RespondentsLater += laterOnly + both
		prog.Participants += g.respondents
		prog.SessionsHeld += g.SessionsHeld
		prog.MinutesUsed += g.MinutesUsed
		prog.MinutesBudget += g.MinutesBudget
		if g.respondents < minCell {
			g.Suppressed = true
		} else {
			g.PreOnly, g.PostOnly, g.Both = count(preOnly), count(laterOnly), count(both)
			if g.Capacity > 0 {
				g.ResponseRatePre = num(float64(preOnly+both)/float64(g.Capacity), true)
				g.ResponseRatePost = num(float64(laterOnly+both)/float64(g.Capacity), true)
			}
		}
		out = append(out, g)
	}
	if price != nil {
		prog.Cost = num(float64(prog.MinutesUsed)/60**price, true)
	}
	return out, prog
}
