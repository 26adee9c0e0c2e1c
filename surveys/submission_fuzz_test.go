package surveys

import (
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"testing"

	"github.com/peerpulse/peerpulse/web"
)

// FuzzSubmissionJSON feeds arbitrary bodies to the decoder of POST /api/v1/responses
// (decodeStrict, then answerCodes). For every input:
//
//   - it never panics, and every refusal is a 400 problem, never a bare error (a 500);
//   - an accepted body's answer codes are whole, non-negative numbers, one per answer given;
//   - an accepted submission, encoded again, decodes to the same submission.
//
// Seeds are in testdata/fuzz/FuzzSubmissionJSON. Run with
// go test -run '^$' -fuzz FuzzSubmissionJSON ./surveys/
func FuzzSubmissionJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		var in submissionJSON
		err := decodeStrict(body, &in)
		if err != nil {
			requireBadRequest(t, body, err)
			return
		}
		codes, err := answerCodes(in.Answers)
		if err != nil {
			requireBadRequest(t, body, err)
			return
		}
		if len(codes) != len(in.Answers) {
			t.Fatalf("%d codes for %d answers in %q", len(codes), len(in.Answers), body)
		}
		for id, c := range codes {
			if c < 0 {
				t.Fatalf("negative code %d for %s in %q", c, id, body)
			}
		}
		again, err := json.Marshal(in)
		if err != nil {
			t.Fatalf("re-encode %q: %v", body, err)
		}
		var back submissionJSON
		if err := decodeStrict(again, &back); err != nil {
			t.Fatalf("re-encoded submission refused: %v\n%s", err, again)
		}
		backCodes, err := answerCodes(back.Answers)
		if err != nil || !maps.Equal(codes, backCodes) {
			t.Fatalf("answers changed in a round trip: %v → %v (%v)", codes, backCodes, err)
		}
		in.Answers, back.Answers = nil, nil
		if len(in.Texts) == 0 {
			in.Texts = nil // omitempty: an empty object is not sent again
		}
		if !reflect.DeepEqual(in, back) {
			t.Fatalf("round trip changed the submission:\n%+v\n%+v", in, back)
		}
	})
}

func requireBadRequest(t *testing.T, body []byte, err error) {
	t.Helper()
	var p *web.Problem
	if !errors.As(err, &p) || p.Status != 400 || p.Detail == "" {
		t.Fatalf("body %q: want a 400 problem with a detail, got %#v", body, err)
	}
}
