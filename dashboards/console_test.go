package dashboards

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
)

func TestConsoleAsFacilitator(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t, fixtureOptions{})
	b := f.signIn(t, accounts.Facilitator)
	list := b.get("/console")
	if list.status != 200 || !strings.Contains(list.body, `href="/console/groups/MC-01"`) || strings.Contains(list.body, "MC-02") {
		t.Fatalf("a facilitator's console lists other groups or not theirs: %d\n%s", list.status, list.body)
	}
	// 180 of 200 budgeted minutes used: the console warns.
	if !strings.Contains(list.body, "nearly spent") {
		t.Error("no budget warning at 90% of the budget")
	}
	for _, path := range []string{"/console/groups/MC-02", "/console/groups/MC-02/qr", "/console/groups/MC-02/sessions/1/attendance",
		"/console/groups/NOPE"} {
		if r := b.get(path); r.status != 403 {
			t.Errorf("GET %s: %d, want 403 (and the same for a group that does not exist)", path, r.status)
		}
	}
	if r := b.post("/console/groups/MC-02/sessions/1/attendance", url.Values{"present": {"DDD-444"}}); r.status != 403 {
		t.Errorf("attendance for another group: %d", r.status)
	}
	if r := b.post("/console/groups", url.Values{"code": {"X"}}); r.status != 403 {
		t.Errorf("a facilitator created a group: %d", r.status)
	}

	page := b.get("/console/groups/MC-01/sessions/2/attendance")
	if page.status != 200 || strings.Count(page.body, `name="present"`) != 3 {
		t.Fatalf("attendance page: %d, want 3 codes", page.status)
	}
	if r := b.post("/console/groups/MC-01/sessions/2/attendance", url.Values{"present": {"AAA-111", "CCC-333"}}); r.status != 303 {
		t.Fatalf("record attendance: %d %s", r.status, r.body)
	}
	att, err := f.db.SessionAttendance(context.Background(), "MC-01", 2)
	if err != nil || len(att) != 3 || !att[0].Attended || att[1].Attended || !att[2].Attended {
		t.Fatalf("stored attendance %+v %v", att, err)
	}
	if r := b.post("/console/groups/MC-01/sessions/2/attendance", url.Values{"present": {"AAA-111", "DDD-444"}}); r.status != 422 {
		t.Errorf("a code of another group: %d, want 422", r.status)
	}
	if att2, _ := f.db.SessionAttendance(context.Background(), "MC-01", 2); att2[1].Attended || !att2[2].Attended {
		t.Error("a refused attendance form changed what was stored")
	}

	g := b.get("/console/groups/MC-01")
	for _, want := range []string{"/s/", "Printable QR code", `data-count="participants">3`, `data-count="minutes">180`} {
		if !strings.Contains(g.body, want) {
			t.Errorf("group page lacks %q", want)
		}
	}
	for _, banned := range []string{"cbi_", "mean", "Close the group", "/edit\">Change the group"} {
		if strings.Contains(strings.ToLower(g.body), strings.ToLower(banned)) {
			t.Errorf("a facilitator's group page shows %q", banned)
		}
	}
	qr := b.get("/console/groups/MC-01/sessions/1/qr")
	if qr.status != 200 || !regexp.MustCompile(`src="data:image/png;base64,[A-Za-z0-9+/=&#;]{200,}"`).MatchString(qr.body) || !strings.Contains(qr.body, "/p/") {
		t.Errorf("session QR page: %d", qr.status)
	}
	if r := b.post("/console/groups/MC-01/sessions", url.Values{"date": {"2026-02-02"}, "duration": {"90"}, "facilitator_minutes": {"abc"}}); r.status != 422 ||
		!strings.Contains(r.body, `href="#facilitator_minutes"`) {
		t.Errorf("bad minutes: %d", r.status)
	}
	if r := b.post("/console/groups/MC-01/sessions", url.Values{"date": {"2026-02-02"}, "duration": {"90"}, "facilitator_minutes": {"60"}, "topic": {"Endings"}}); r.status != 303 {
		t.Fatalf("add session: %d %s", r.status, r.body)
	}
	if r := b.get("/console/groups/MC-01"); !strings.Contains(r.body, "Over budget") {
		t.Error("240 of 200 minutes: no over-budget warning")
	}
	paper := b.get("/console/paper/pre")
	if paper.status != 200 || strings.Count(paper.body, "app-paper-item") < 32 || !strings.Contains(paper.body, "Copenhagen") {
		t.Errorf("paper pre questionnaire: %d, %d items", paper.status, strings.Count(paper.body, "app-paper-item"))
	}
	audit := strings.Join(f.auditActions(t), "\n")
	for _, want := range []string{"facilitator@example.nhs.uk attendance.record MC-01/2", "facilitator@example.nhs.uk session.create MC-01/3"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit lacks %q", want)
		}
	}
}

func TestConsoleAsAdmin(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t, fixtureOptions{})
	b := f.signIn(t, accounts.Admin)
	if r := b.get("/console"); !strings.Contains(r.body, "MC-01") || !strings.Contains(r.body, "MC-02") {
		t.Fatal("an admin does not see every group")
	}
	bad := b.post("/console/groups", url.Values{"code": {"bad code"}, "name": {""}, "modality": {"yoga"}, "planned_sessions": {"0"}, "budget": {"x"}, "capacity": {"12"}})
	for _, field := range []string{"code", "name", "modality", "planned_sessions", "budget"} {
		if !strings.Contains(bad.body, `href="#`+field+`"`) {
			t.Errorf("no error for %s", field)
		}
	}
	if bad.status != 422 || !strings.Contains(bad.body, `value="bad code"`) {
		t.Errorf("invalid group: %d, want 422 with the typed values kept", bad.status)
	}
	if r := b.post("/console/groups", url.Values{"code": {"MC-01"}, "name": {"Dup"}, "modality": {"balint"}, "planned_sessions": {"10"}, "budget": {"900"}, "capacity": {"12"}}); r.status != 422 || !strings.Contains(r.body, "already exists") {
		t.Errorf("duplicate code: %d", r.status)
	}
	if r := b.post("/console/groups/MC-02/edit", url.Values{"name": {"Renamed"}, "modality": {"coaching"}, "planned_sessions": {"8"}, "budget": {"600"}, "capacity": {"10"}}); r.status != 303 {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	if r := b.post("/console/groups/MC-02/close", nil); r.status != 303 {
		t.Fatalf("close: %d", r.status)
	}
	g, err := f.db.GroupRecord(context.Background(), "MC-02")
	if err != nil || g.Name != "Renamed" || g.Modality != "coaching" || g.FacilitatorMinutesBudget != 600 || !g.Closed {
		t.Fatalf("after edit and close: %+v %v", g, err)
	}
	if r := b.get("/admin/audit?action=group"); r.status != 200 || !strings.Contains(r.body, "group.update") || !strings.Contains(r.body, "group.close") ||
		strings.Contains(r.body, "<td>login</td>") {
		t.Errorf("filtered audit page: %d", r.status)
	}
	if r := b.get("/admin/audit?from=yesterday"); r.status != 422 || !strings.Contains(r.body, `href="#from"`) {
		t.Errorf("bad audit date: %d", r.status)
	}
	if r := b.get("/admin/accounts"); !strings.Contains(r.body, "facilitator@example.nhs.uk") || !strings.Contains(r.body, "MC-01") {
		t.Error("accounts page lacks the facilitator and their group")
	}
}
