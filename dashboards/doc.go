// Package dashboards is what staff see: the programme's home page now; accounts, evaluator
// dashboards, admin pages, funder workbooks and the JSON API as they arrive. It renders what
// ingest and analysis give it and never re-derives a statistic.
package dashboards
