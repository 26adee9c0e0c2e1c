package workbook

import (
	"bufio"
	"bytes"
	"regexp"
	"testing"
)

// TestPseudonyms checks the per-export ids: stable for one participant, distinct between
// participants even when the random source repeats itself, and spelled in the id alphabet.
func TestPseudonyms(t *testing.T) {
	same := bytes.Repeat([]byte{0xff, 1, 2, 3, 4, 5, 6, 7}, 2)
	// The top four bits are dropped: these eight bytes give the same 60-bit id as the two above.
	alias := []byte{0x0f, 1, 2, 3, 4, 5, 6, 7}
	fresh := []byte{9, 9, 9, 9, 9, 9, 9, 9}
	p := newPseudonyms()
	p.rnd = bufio.NewReader(bytes.NewReader(append(append(same, alias...), fresh...)))
	a, err := p.of(10)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := p.of(10); again != a {
		t.Fatalf("participant 10 got %q, then %q", a, again)
	}
	b, err := p.of(11) // draws the repeat, then the alias, then fresh bytes
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatalf("two participants share %q", a)
	}
	if want := "R" + spell(0x0f01020304050607&(1<<idBits-1)); a != want {
		t.Errorf("id %q, want %q", a, want)
	}
	valid := regexp.MustCompile(`^R[a-km-np-z2-9]{12}$`)
	for _, id := range []string{a, b} {
		if !valid.MatchString(id) {
			t.Errorf("id %q is not R and 12 characters of the alphabet", id)
		}
	}
	if _, err := p.of(12); err == nil {
		t.Error("an exhausted random source gave an id")
	}
}

// spell is the id alphabet's reading of v, written independently of pseudonyms.of.
func spell(v uint64) string {
	out := make([]byte, 12)
	for i := 11; i >= 0; i-- {
		out[i] = idAlphabet[v%32]
		v /= 32
	}
	return string(out)
}
