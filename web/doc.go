// Package web is the HTTP plumbing and look that surveys and dashboards share, so that
// neither imports the other: the Fiber app with its security headers, access log and
// error handling (friendly pages for people, RFC 9457 problem+json for programs), the
// html/template views with the NHS.UK page shell, and the embedded, content-hashed
// front-end assets (NHS.UK frontend and ECharts, vendored by assets/refresh.sh).
//
// The package holds no domain logic and no mutable package state: everything it
// computes at start-up (asset hashes, parsed templates) is read-only afterwards.
package web
