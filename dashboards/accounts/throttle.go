package accounts

import (
	"sync"
	"time"
)

// Throttle slows password guessing. Each key (an account's email, a network address) may fail
// Free times; after that each further failure doubles the wait before the next attempt, from
// Base up to Max. A success clears the key. Keys live in memory only: network addresses are
// never stored, and a restart forgiving old failures costs an attacker more than it gains.
type Throttle struct {
	Free      int
	Base, Max time.Duration
	now       func() time.Time

	mu   sync.Mutex
	keys map[string]*strike
}

type strike struct {
	failures int
	until    time.Time // no attempt before this
	last     time.Time
}

// maxKeys bounds the throttle's memory; beyond it, keys idle longer than Max are forgotten.
const maxKeys = 100_000

// NewThrottle returns a throttle allowing free failures per key before waits from base to max.
func NewThrottle(free int, base, max time.Duration) *Throttle {
	return &Throttle{Free: free, Base: base, Max: max, now: time.Now, keys: map[string]*strike{}}
}

// Wait returns how long key must still wait before another attempt (0: go ahead).
func (t *Throttle) Wait(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.keys[key]
	if !ok {
		return 0
	}
	return max(0, s.until.Sub(t.now()))
}

// Fail records a failed attempt by key.
func (t *Throttle) Fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.keys) >= maxKeys {
		t.prune(now)
	}
	s := t.keys[key]
	if s == nil {
		s = &strike{}
		t.keys[key] = s
	}
	s.failures++
	s.last = now
	if over := s.failures - t.Free; over > 0 {
		wait := t.Base << min(over-1, 30)
		if wait <= 0 || wait > t.Max {
			wait = t.Max
		}
		s.until = now.Add(wait)
	}
}

// Succeed clears key's failures.
func (t *Throttle) Succeed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

func (t *Throttle) prune(now time.Time) {
	for k, s := range t.keys {
		if now.Sub(s.last) > t.Max {
			delete(t.keys, k)
		}
	}
}
