package dashboards

import (
	"context"
	"strings"
	"testing"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/ingest"
)

func TestQualityPage(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	if err := f.db.Audit(ctx, ingest.AuditEntry{Actor: "cli", Action: "import", Target: "responses.csv",
		Detail: map[string]any{"responses": map[string]int{"read": 120, "imported": 117, "duplicates": 0, "rejected": 3}}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query  string
		filter analysis.Filter
	}{{"", analysis.Filter{}}, {"?modality=balint&profession=GP", analysis.Filter{Modality: "balint", Profession: "GP"}}} {
		r := f.as(t, "evaluator").get("/dashboards/quality" + tc.query)
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		o := analysis.Options{MinCell: 5, Filter: tc.filter}
		res, err := analysis.Run(ctx, f.db, f.set, o)
		if err != nil {
			t.Fatal(err)
		}
		q, err := analysis.DataQuality(ctx, f.db, f.set, o)
		if err != nil {
			t.Fatal(err)
		}
		vals := engineValues(t, res, &analysis.Spread{})
		for _, g := range res.Groups {
			groupValues(t, vals, res, g.GroupCode, nil)
		}
		for _, it := range q.Items {
			if !it.Suppressed {
				vals["missing/"+it.ItemID+"/asked"], vals["missing/"+it.ItemID+"/missing"] = float64(*it.Asked), float64(*it.Missing)
			}
		}
		for _, a := range q.Reliability {
			if !a.Suppressed {
				vals["alpha/"+a.Measure+"/complete_cases"] = float64(*a.Complete)
				if a.Alpha != nil {
					vals["alpha/"+a.Measure+"/alpha"] = *a.Alpha
				}
			}
		}
		if n := checkNumbers(t, r.body, vals); n < 100 {
			t.Errorf("%s: only %d numbers checked", tc.query, n)
		}
		if !strings.Contains(r.body, `data-ref="alpha/cbi_work/alpha"`) || !strings.Contains(r.body, `data-ref="missing/cbi_c6/missing"`) {
			t.Errorf("%s: reliability or missing answers not shown", tc.query)
		}
		if !strings.Contains(r.body, "responses: 120 read, 117 imported, 0 duplicates, 3 rejected") {
			t.Error("the import with rejected rows is not listed")
		}
	}
	for role, want := range map[string]int{"funder": 403, "facilitator": 403, "admin": 200} {
		if r := f.as(t, role).get("/dashboards/quality"); r.status != want {
			t.Errorf("%s: status %d, want %d", role, r.status, want)
		}
	}
	if r := f.as(t, "evaluator").get("/dashboards/quality?region=Nowhere"); r.status != 400 {
		t.Errorf("unknown region: status %d", r.status)
	}
}
