package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost settings; they are stored in each hash, so raising them later
// leaves old hashes verifiable.
type Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultParams follow OWASP's password storage guidance for argon2id (19 MiB, 2 passes, 1 lane):
// about 30 ms a hash on this project's machines, which makes offline guessing slow while a
// burst of sign-ins cannot exhaust memory (hashing is also bounded by hashSlots).
var DefaultParams = Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// Password length rules follow NCSC advice: length matters, composition rules do not.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256
)

// ErrWeakPassword says a new password breaks the length rules.
var ErrWeakPassword = fmt.Errorf("a password must have %d to %d characters", MinPasswordLen, MaxPasswordLen)

// checkPassword enforces the length rules on a new password.
func checkPassword(pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen || n > MaxPasswordLen {
		return ErrWeakPassword
	}
	return nil
}

// hashSlots bounds how many hashes run at once, so a flood of sign-ins costs time, not memory.
var hashSlots = make(chan struct{}, 4)

// HashPassword returns the PHC string of pw: $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func HashPassword(pw string, p Params) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt) // never fails since Go 1.24
	sum := derive(pw, salt, p, 32)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(sum))
}

func derive(pw string, salt []byte, p Params, n uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, n)
}

// errBadHash is a stored hash this code cannot read: a corrupt row, never a user's mistake.
var errBadHash = errors.New("stored password hash is not an argon2id PHC string")

// verifyPassword reports whether pw matches the PHC string encoded, in constant time.
func verifyPassword(encoded, pw string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var p Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil ||
		p.MemoryKiB == 0 || p.MemoryKiB > 1<<21 || p.Time == 0 || p.Time > 16 || p.Threads == 0 {
		return false, errBadHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) < 16 || len(want) > 64 {
		return false, errBadHash
	}
	got := derive(pw, salt, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
