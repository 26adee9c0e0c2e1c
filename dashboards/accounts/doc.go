// Package accounts keeps staff accounts, their sign-in sessions and API tokens in DuckDB:
// argon2id password hashes, random session and token secrets stored only as SHA-256 hashes,
// and a throttle that slows password guessing per account and per network address.
// Attendees never have accounts.
package accounts
