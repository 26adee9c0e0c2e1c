package surveys

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"slices"
	"testing"
)

// TestOpenAPIDocumentsTheEndpoint checks that the served document is OpenAPI 3 and lists every
// status the submission handler can answer, so the document cannot drift silently.
func TestOpenAPIDocumentsTheEndpoint(t *testing.T) {
	f := newAPIFixture(t, 0, nil)
	resp, err := f.app.Test(httptest.NewRequest("GET", "/api/openapi.json", nil))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /api/openapi.json: %v %v", resp.StatusCode, err)
	}
	raw, _ := io.ReadAll(resp.Body)
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Required   []string       `json:"required"`
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI[:2] != "3." {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	post := doc.Paths["/api/v1/responses"]["post"]
	for _, status := range []string{"200", "201", "400", "404", "410", "413", "415", "422", "429", "503"} {
		if post.Responses[status] == nil {
			t.Errorf("status %s is not documented", status)
		}
	}
	// The documented request fields are exactly the ones the decoder accepts.
	sub := doc.Components.Schemas["Submission"]
	var fields []string
	for k := range sub.Properties {
		fields = append(fields, k)
	}
	slices.Sort(fields)
	want := []string{"answers", "career_stage", "client_id", "invite_token", "participant_code", "profession", "session_no", "texts", "timepoint"}
	if !slices.Equal(fields, want) {
		t.Errorf("documented fields %v, decoder accepts %v", fields, want)
	}
}
