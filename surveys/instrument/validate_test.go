package instrument

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// TestBrokenDefinitions loads each file of testdata/broken alone, as
// defs/<name>.json. Each file has exactly one fault, so each must give
// exactly one message, naming the file and the field at fault.
func TestBrokenDefinitions(t *testing.T) {
	t.Parallel()
	tests := []struct{ file, want string }{
		{"min_answered_too_high", `scale "x_a": min_answered 3 exceeds its 2 items`},
		{"min_answered_zero", `scale "x_b": min_answered 0 must be at least 1`},
		{"unknown_field", `json: unknown field "minimum_answered"`},
		{"syntax_error", `line 13, column 68: invalid character '}'`},
		{"wrong_type", `line 18, column 76: scales.min_answered must be int, not a JSON string`},
		{"missing_option_set", `item "x_1": options "G" is not a defined option set`},
		{"points_length", `option set "F": points has 2 values but labels has 3`},
		{"duplicate_label", `option set "F": labels "Never" and "  NEVER " are the same once case and spaces are ignored`},
		{"item_not_listed", `item "x_2": scale "x_a" does not list it in its items`},
		{"item_other_scale", `scale "x_b": item "x_2" has "scale": "x_a"`},
		{"unknown_scale_item", `scale "x_a": item "x_9" does not exist`},
		{"composite_unknown_part", `scale "x_all": composite part "x_z" does not exist`},
		{"composite_of_composite", `scale "x_top": composite part "x_all" is itself a composite`},
		{"composite_order", `scale "x_all": composite part "x_b" must be defined before it`},
		{"composite_direction", `scale "x_all": composite part "x_a" runs higher_is_worse but the composite runs higher_is_better`},
		{"cutoff_out_of_range", `scale "x_a": cutoff 150 is outside the points range 0..100`},
		{"bad_direction", `scale "x_b": direction "up" must be "higher_is_worse" or "higher_is_better"`},
		{"skip_label_only", `scale "x_b": skip_label is set but skippable is false`},
		{"support_code_range", `item "x_2": support_codes: 4 is outside 1..3`},
		{"duplicate_id", `text field "x_1": id is also used by an earlier item`},
		{"id_mismatch", `id "other" must match the file name "id_mismatch"`},
		{"mixed_ranges", `scale "x_a": item "x_2" scores 1..2 but item "x_1" scores 0..100`},
		{"text_field_length", `text field "x_c": max_length 0 must be at least 1`},
		{"empty_citation", `citation is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile("testdata/broken/" + tt.file + ".json")
			if err != nil {
				t.Fatal(err)
			}
			fsys := fstest.MapFS{"defs/" + tt.file + ".json": &fstest.MapFile{Data: data}}
			_, err = LoadFS(fsys, "defs")
			if err == nil {
				t.Fatal("LoadFS succeeded, want an error")
			}
			want := "instrument defs/" + tt.file + ".json: "
			msg := err.Error()
			if !strings.HasPrefix(msg, want) || !strings.Contains(msg, tt.want) {
				t.Errorf("error = %q\nwant %q followed by %q", msg, want, tt.want)
			}
			if n := strings.Count(msg, "\n") + 1; n != 1 {
				t.Errorf("got %d messages, want 1:\n%s", n, msg)
			}
		})
	}
}

// TestDuplicateAcrossFiles checks that ids are unique across instruments,
// not just within one: answers are keyed by item id alone.
func TestDuplicateAcrossFiles(t *testing.T) {
	t.Parallel()
	_, err := LoadFS(os.DirFS("testdata"), "crossdup")
	want := `instrument crossdup/b.json: item "x_3": id already used in crossdup/a.json`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

// TestAllProblemsReported checks that problems in several files come back
// together, so an author fixes them in one pass.
func TestAllProblemsReported(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{}
	for _, name := range []string{"bad_direction", "empty_citation"} {
		data, err := os.ReadFile("testdata/broken/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		fsys["defs/"+name+".json"] = &fstest.MapFile{Data: data}
	}
	_, err := LoadFS(fsys, "defs")
	if err == nil || !strings.Contains(err.Error(), "bad_direction.json") || !strings.Contains(err.Error(), "empty_citation.json") {
		t.Errorf("error = %v, want both files named", err)
	}
}
