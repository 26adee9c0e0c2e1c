package analysis

import (
	"encoding/json"
	"testing"
)

// TestResultsRoundTrip decodes what it encodes, as the analyse command does with a server's
// answer: the document must come back byte for byte.
func TestResultsRoundTrip(t *testing.T) {
	res := analyseSynthetic(t, makeSynthetic(3), Options{MinCell: 5})
	first, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var back Results
	if err := json.Unmarshal(first, &back); err != nil {
		t.Fatal(err)
	}
	second, _ := json.Marshal(&back)
	if string(first) != string(second) {
		t.Fatalf("round trip differs:\n%.400s\n%.400s", first, second)
	}
}
