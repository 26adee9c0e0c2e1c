package instrument

import (
	"io/fs"
	"os"
	"path"
	"slices"
	"testing"
	"testing/fstest"
)

// mustLoad loads the shipped definitions; every test depends on them being
// valid, so a broken file fails here first with its message.
func mustLoad(t *testing.T) *Set {
	t.Helper()
	set, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return set
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func instrumentIDs(ins []*Instrument) []string {
	return ids(ins, func(in *Instrument) string { return in.ID })
}

func TestLoadShippedInstruments(t *testing.T) {
	t.Parallel()
	set := mustLoad(t)
	if got, want := instrumentIDs(set.All()), []string{"cbi", "nss_morale", "pulse"}; !slices.Equal(got, want) {
		t.Fatalf("All() = %v, want %v", got, want)
	}
	tests := []struct {
		id         string
		items      int
		scales     []string
		timepoints []string
	}{
		{"cbi", 19, []string{"cbi_personal", "cbi_work", "cbi_patient"}, []string{"pre", "post", "followup"}},
		{"nss_morale", 13, []string{"morale_leaving", "morale_pressure", "morale_stressors", "morale"}, []string{"pre", "post", "followup"}},
		{"pulse", 3, []string{}, []string{"session"}},
	}
	for _, tt := range tests {
		in, ok := set.Get(tt.id)
		if !ok {
			t.Fatalf("Get(%q) not found", tt.id)
		}
		if len(in.Items) != tt.items {
			t.Errorf("%s: %d items, want %d", tt.id, len(in.Items), tt.items)
		}
		if got := ids(in.Scales, func(s Scale) string { return s.ID }); !slices.Equal(got, tt.scales) {
			t.Errorf("%s: scales %v, want %v", tt.id, got, tt.scales)
		}
		if !slices.Equal(in.Timepoints, tt.timepoints) {
			t.Errorf("%s: timepoints %v, want %v", tt.id, in.Timepoints, tt.timepoints)
		}
		if in.Version == "" || in.Citation == "" || in.Licence == "" || in.Intro == "" {
			t.Errorf("%s: version, citation, licence and intro must all be set", tt.id)
		}
	}
}

// TestWording guards the exact wording of INSTRUMENTS.md §2-3: the
// instruments are only comparable with published figures if it is unchanged.
func TestWording(t *testing.T) {
	t.Parallel()
	set := mustLoad(t)
	tests := []struct{ item, text, options string }{
		{"cbi_p1", "How often do you feel tired?", "F"},
		{"cbi_p4", `How often do you think: "I can't take it anymore"?`, "F"},
		{"cbi_w1", "Is your work emotionally exhausting?", "D"},
		{"cbi_w7", "Do you have enough energy for family and friends during leisure time?", "F"},
		{"cbi_c4", "Do you feel that you give more than you get back when you work with patients?", "D"},
		{"cbi_c6", "Do you sometimes wonder how long you will be able to continue working with patients?", "F"},
		{"nss_leave3", "As soon as I can find another job, I will leave this organisation.", "A"},
		{"nss_str2", "I am involved in deciding on changes introduced that affect my work area / team / department.", "A"},
		{"nss_str3", "I have unrealistic time pressures.", "N"},
		{"pulse_open", "I felt able to speak openly", "A"},
		{"pulse_useful", "Today's session was useful to me", "A"},
		{"pulse_recommend", "I would recommend this group to a colleague", "A"},
	}
	for _, tt := range tests {
		_, it, ok := set.Item(tt.item)
		if !ok {
			t.Errorf("Item(%q) not found", tt.item)
			continue
		}
		if it.Text != tt.text || it.Options.ID != tt.options {
			t.Errorf("%s = %q (%s), want %q (%s)", tt.item, it.Text, it.Options.ID, tt.text, tt.options)
		}
	}
	in, _ := set.Get("cbi")
	f := in.OptionSets[0]
	if want := []string{"Never/almost never", "Seldom", "Sometimes", "Often", "Always"}; !slices.Equal(f.Labels, want) {
		t.Errorf("CBI F labels = %v, want %v", f.Labels, want)
	}
}

func TestScaleDefinitions(t *testing.T) {
	t.Parallel()
	set := mustLoad(t)
	tests := []struct {
		scale       string
		minAnswered int
		worse       bool
		cutoff      float64 // 0 = none
		skippable   bool
	}{
		{"cbi_personal", 3, true, 50, false},
		{"cbi_work", 4, true, 50, false},
		{"cbi_patient", 3, true, 50, true},
		{"morale_leaving", 1, false, 0, false},
		{"morale", 0, false, 0, false},
	}
	for _, tt := range tests {
		_, sc, ok := set.Scale(tt.scale)
		if !ok {
			t.Fatalf("Scale(%q) not found", tt.scale)
		}
		cutoff := 0.0
		if sc.Cutoff != nil {
			cutoff = *sc.Cutoff
		}
		if sc.MinAnswered != tt.minAnswered || sc.HigherIsWorse != tt.worse || cutoff != tt.cutoff || sc.Skippable != tt.skippable {
			t.Errorf("%s = %+v, want min %d worse %v cutoff %v skippable %v", tt.scale, sc, tt.minAnswered, tt.worse, tt.cutoff, tt.skippable)
		}
	}
	if _, sc, _ := set.Scale("cbi_patient"); sc.SkipLabel == "" {
		t.Error("cbi_patient has no skip label")
	}
	if _, sc, _ := set.Scale("morale"); !slices.Equal(sc.Composite, []string{"morale_leaving", "morale_pressure", "morale_stressors"}) {
		t.Errorf("morale composite = %v", sc.Composite)
	}
	pulse, _ := set.Get("pulse")
	if tf, ok := pulse.TextField("pulse_comment"); !ok || tf.MaxLength != 1000 {
		t.Errorf("pulse_comment = %+v, %v; want max length 1000", tf, ok)
	}
}

func TestHigh(t *testing.T) {
	t.Parallel()
	set := mustLoad(t)
	_, work, _ := set.Scale("cbi_work")
	_, morale, _ := set.Scale("morale")
	tests := []struct {
		scale *Scale
		score float64
		want  bool
	}{
		{work, 49.99999999, false},
		{work, 50, true}, // inclusive
		{work, 100, true},
		{morale, 10, false}, // no cut-off, never high
	}
	for _, tt := range tests {
		if got := tt.scale.High(tt.score); got != tt.want {
			t.Errorf("%s.High(%v) = %v, want %v", tt.scale.ID, tt.score, got, tt.want)
		}
	}
}

func TestLookupsAndTimepoints(t *testing.T) {
	t.Parallel()
	set := mustLoad(t)
	if in, it, ok := set.Item("nss_str7"); !ok || in.ID != "nss_morale" || it.Scale != "morale_stressors" {
		t.Errorf("Item(nss_str7) = %v, %+v, %v", in, it, ok)
	}
	if in, _, ok := set.Scale("morale"); !ok || in.ID != "nss_morale" {
		t.Errorf("Scale(morale) = %v, %v", in, ok)
	}
	for _, id := range []string{"cbi_x", "", "pulse_comment"} {
		if _, _, ok := set.Item(id); ok {
			t.Errorf("Item(%q) found, want not found", id)
		}
	}
	if _, ok := set.Get("mbi"); ok {
		t.Error(`Get("mbi") found`)
	}
	tests := map[string][]string{
		"pre": {"cbi", "nss_morale"}, "followup": {"cbi", "nss_morale"}, "session": {"pulse"}, "PRE": nil,
	}
	for tp, want := range tests {
		if got := instrumentIDs(set.ForTimepoint(tp)); !slices.Equal(got, want) {
			t.Errorf("ForTimepoint(%q) = %v, want %v", tp, got, want)
		}
	}
}

// loadWithExtra loads the shipped definitions plus testdata/extra, the way
// a deployment would add an instrument: by dropping a JSON file beside them.
func loadWithExtra(t *testing.T) *Set {
	t.Helper()
	mfs := fstest.MapFS{}
	for _, src := range []struct {
		fsys fs.FS
		dir  string
	}{{defaults, "defs"}, {os.DirFS("testdata"), "extra"}} {
		files, err := fs.Glob(src.fsys, src.dir+"/*.json")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := fs.ReadFile(src.fsys, f)
			if err != nil {
				t.Fatal(err)
			}
			mfs[path.Join("defs", path.Base(f))] = &fstest.MapFile{Data: data}
		}
	}
	set, err := LoadFS(mfs, "defs")
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	return set
}

// TestNewInstrumentIsOnlyData uses an instrument that no Go code knows of,
// as INSTRUMENTS.md §1 requires.
func TestNewInstrumentIsOnlyData(t *testing.T) {
	t.Parallel()
	set := loadWithExtra(t)
	if got, want := instrumentIDs(set.ForTimepoint("session")), []string{"energy", "pulse"}; !slices.Equal(got, want) {
		t.Errorf("ForTimepoint(session) = %v, want %v", got, want)
	}
	in, _ := set.Get("energy")
	// energy_full code 3 scores 2; energy_drained code 2 reversed scores 3 - 1 = 2.
	scores, err := in.Score(map[string]int{"energy_full": 3, "energy_drained": 2})
	if err != nil || len(scores) != 1 || scores[0].Value != 2 || !scores[0].Valid {
		t.Errorf("energy scores = %+v, %v; want one valid score of 2", scores, err)
	}
}

func TestLoadFSErrors(t *testing.T) {
	t.Parallel()
	if _, err := LoadFS(fstest.MapFS{}, "defs"); err == nil {
		t.Error("LoadFS on a missing dir: want an error")
	}
	empty := fstest.MapFS{"defs/README.md": &fstest.MapFile{Data: []byte("not a definition")}}
	if _, err := LoadFS(empty, "defs"); err == nil {
		t.Error("LoadFS on a dir with no *.json files: want an error")
	}
}
