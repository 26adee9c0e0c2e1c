package dashboards

import (
	"context"
	"net/http"
	"testing"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/ingest/demo/demotest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

// dashFixture is the demo pilot (50 groups) in a real DuckDB file behind the real app, with one
// account per role; the facilitator runs the first demo group.
type dashFixture struct {
	staffFixture
	set        *instrument.Set
	firstGroup string
	ids        map[string]int64 // account id by role
}

func newDashFixture(t testing.TB) *dashFixture {
	t.Helper()
	ctx := context.Background()
	db, set := demotest.Pilot(t, 1)
	f := &dashFixture{staffFixture: staffFixture{db: db, store: accounts.NewStore(db.SQL(), fastParams), passwords: map[string]string{}}, set: set, ids: map[string]int64{}}
	if err := db.SQL().QueryRow(`SELECT min(group_code) FROM groups`).Scan(&f.firstGroup); err != nil {
		t.Fatal(err)
	}
	for _, role := range accounts.Roles {
		var groups []string
		if role == accounts.Facilitator {
			groups = []string{f.firstGroup}
		}
		f.passwords[role] = role + " password 123"
		a, err := f.store.Add(ctx, role+"@example.nhs.uk", role, groups, f.passwords[role])
		if err != nil {
			t.Fatal(err)
		}
		f.ids[role] = a.ID
	}
	f.app = web.NewApp(web.Options{CSRFKey: testCSRFKey})
	web.MountAssets(f.app)
	if err := Register(f.app, Deps{DB: db, Instruments: set, MinCell: 5, MinCellFunder: 10, Accounts: f.store,
		CLISecret: []byte("0123456789abcdef0123456789abcdef")}); err != nil {
		t.Fatal(err)
	}
	return f
}

// as returns a browser signed in as role through a session cookie (quicker than the form,
// which the login tests cover).
func (f *dashFixture) as(t *testing.T, role string) *browser {
	t.Helper()
	secret, err := f.store.StartSession(context.Background(), f.ids[role], accounts.DefaultSessionLimits)
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, app: f.app, jar: map[string]string{sessionCookie: secret}, header: http.Header{}}
	return b
}
