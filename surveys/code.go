package surveys

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
)

// CodeAlphabet is the participant-code alphabet: it leaves out characters people confuse on a
// phone or on paper (0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G).
const CodeAlphabet = "ACDEFHJKMNPRTUVWXY3479"

// CodeLength gives 22⁶ ≈ 1.1 × 10⁸ codes per group: collisions are rare, and checked anyway.
const CodeLength = 6

// newCode draws a random participant code with crypto/rand: a guessable code would let someone
// answer as another person.
func newCode() (string, error) {
	var sb strings.Builder
	max := big.NewInt(int64(len(CodeAlphabet)))
	for range CodeLength {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", fmt.Errorf("participant code: %w", err)
		}
		sb.WriteByte(CodeAlphabet[n.Int64()])
	}
	return sb.String(), nil
}

// NormaliseCode reads a code as a person types it: any case, with spaces or hyphens. It reports
// a message for the person when the result cannot be a code.
func NormaliseCode(raw string) (string, string) {
	var sb strings.Builder
	for _, r := range strings.ToUpper(raw) {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case strings.ContainsRune(CodeAlphabet, r):
			sb.WriteRune(r)
		case r == 'O' || r == '0':
			return "", "Codes do not use the letter O or the number 0: check the code you were given"
		default:
			return "", fmt.Sprintf("Codes use only the letters and numbers you were given, like %s", DisplayCode("ACD347"))
		}
	}
	code := sb.String()
	switch {
	case code == "":
		return "", "Enter your code"
	case len(code) != CodeLength:
		return "", fmt.Sprintf("Your code has %d letters and numbers, like %s", CodeLength, DisplayCode("ACD347"))
	}
	return code, ""
}

// DisplayCode splits a code in two halves ("ACD-347") so it is easier to read and copy.
func DisplayCode(code string) string {
	if len(code) != CodeLength {
		return code
	}
	return code[:3] + "-" + code[3:]
}
