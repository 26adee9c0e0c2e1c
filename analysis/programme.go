package analysis

import (
	"context"
	"database/sql"
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

// deliveryQuery reads per group: plan, sessions held, minutes, attendance marks, participants,
// and counted respondents at each timepoint of the comparison.
func deliveryQuery() string {
	return `WITH sess AS (
	SELECT group_id, count(*) AS held, sum(facilitator_minutes) AS minutes FROM sessions GROUP BY group_id),
marks AS (
	SELECT s.group_id, count(*) FILTER (WHERE a.attended) AS present, count(DISTINCT a.participant_id) AS people
	FROM attendance a JOIN sessions s USING (session_id) GROUP BY s.group_id),
resp_people AS (
	SELECT p.group_id, count(*) FILTER (WHERE r.has_pre AND NOT r.has_later) AS pre_only,
		count(*) FILTER (WHERE r.has_later AND NOT r.has_pre) AS later_only,
		count(*) FILTER (WHERE r.has_pre AND r.has_later) AS both
	FROM (SELECT participant_id, bool_or(timepoint = 'pre') AS has_pre, bool_or(timepoint <> 'pre') AS has_later FROM pp_counted GROUP BY participant_id) r
	JOIN participants p USING (participant_id) GROUP BY p.group_id)
SELECT g.group_code, g.modality, g.region, g.capacity, g.planned_sessions, g.facilitator_minutes_budget,
	coalesce(s.held, 0), coalesce(s.minutes, 0), coalesce(m.present, 0), coalesce(m.people, 0),
	coalesce(r.pre_only, 0), coalesce(r.later_only, 0), coalesce(r.both, 0)
FROM groups g LEFT JOIN sess s USING (group_id) LEFT JOIN marks m USING (group_id) LEFT JOIN resp_people r USING (group_id)
WHERE ($modality = '' OR g.modality = $modality) AND ($region = '' OR g.region = $region)
ORDER BY g.group_code`
}

// baselineQuery compares baseline scores of participants with and without a later response.
func baselineQuery() string {
	return `SELECT measure, count(*) FILTER (WHERE post IS NOT NULL), avg(pre) FILTER (WHERE post IS NOT NULL),
	count(*) FILTER (WHERE post IS NULL), avg(pre) FILTER (WHERE post IS NULL)
FROM (SELECT l.measure, l.pre, CASE WHEN p.has_later THEN 1 END AS post FROM pp_long l
	JOIN (SELECT participant_id, bool_or(timepoint <> 'pre') AS has_later FROM pp_counted GROUP BY participant_id) p USING (participant_id)
	WHERE l.pre IS NOT NULL)
GROUP BY measure`
}

// delivery reads the per-group figures and applies disclosure control to respondent counts.
func delivery(ctx context.Context, s *session, f Filter, minCell int, price *float64) ([]GroupDelivery, Programme, error) {
	var out []GroupDelivery
	var prog Programme
	prog.Tariff = price
	err := s.scan(ctx, deliveryQuery(), filterArgs(f), func(rows *sql.Rows) error {
		var g GroupDelivery
		var region sql.NullString
		var present, people, preOnly, laterOnly, both int
		if err := rows.Scan(&g.GroupCode, &g.Modality, &region, &g.Capacity, &g.PlannedSessions, &g.MinutesBudget,
			&g.SessionsHeld, &g.MinutesUsed, &present, &people, &preOnly, &laterOnly, &both); err != nil {
			return err
		}
		if region.Valid {
			g.Region = &region.String
		}
		if price != nil {
			g.Cost = num(float64(g.MinutesUsed)/60**price, true)
		}
		if people > 0 && g.SessionsHeld > 0 {
			g.AttendanceRate = num(float64(present)/float64(people*g.SessionsHeld), true)
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
		return nil
	})
	if price != nil {
		prog.Cost = num(float64(prog.MinutesUsed)/60**price, true)
	}
	return out, prog, err
}
