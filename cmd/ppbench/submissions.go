package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/demo"
	"github.com/peerpulse/peerpulse/surveys"
	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

// discardWriter stands in for the durable writer to measure the endpoint without its write step:
// decoding, validation and scoring still run.
type discardWriter struct{}

func (discardWriter) Submit(_ context.Context, s ingest.Scored) (ingest.Stored, error) {
	return ingest.Stored{ResponseID: "discarded", Scales: s.Scales}, nil
}
func (discardWriter) RegisterParticipant(context.Context, string, string) error { return nil }

// variant is one server under load: its app, the invite tokens its bodies use and, for a
// durable one, the database whose rows are counted afterwards.
type variant struct {
	name    string
	app     *fiber.App
	tokens  []string
	durable *ingest.DB
	writer  *ingest.Writer
}

// runSubmissions measures POST /api/v1/responses several ways in one run, interleaved so that
// machine noise falls on all of them: an empty Fiber handler (the floor of the HTTP stack), the
// endpoint with the write step switched off, and the endpoint with durable group-commit writes.
// With cfg.ablate it adds the durable endpoint without each of the writer's two load measures
// (gathering batches, one DuckDB thread), each on a database of its own.
func runSubmissions(out io.Writer, cfg loadConfig) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "ppbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	set, err := instrument.Load()
	if err != nil {
		return err
	}
	var closers []func() error
	defer func() {
		for i := len(closers) - 1; i >= 0; i-- {
			_ = closers[i]()
		}
	}()
	// server opens a demo database of its own and serves the endpoint on it: with the write
	// step off when o is nil, else with a durable writer made with o.
	server := func(name string, o *ingest.WriterOptions) (variant, error) {
		db, err := ingest.Open(ctx, filepath.Join(dir, fmt.Sprintf("bench-%d.duckdb", rand.Int())), ingest.Options{Threads: cfg.dbThreads})
		if err != nil {
			return variant{}, err
		}
		closers = append(closers, db.Close)
		if _, err := demo.Write(ctx, db, set, demo.DefaultOptions(1)); err != nil {
			return variant{}, err
		}
		tokens, err := inviteTokens(ctx, db)
		if err != nil {
			return variant{}, err
		}
		v := variant{name: name, tokens: tokens}
		var writer surveys.Writer = discardWriter{}
		if o != nil {
			w, err := db.NewWriter(ctx, *o)
			if err != nil {
				return variant{}, err
			}
			closers = append(closers, w.Close)
			writer, v.durable, v.writer = w, db, w
		}
		svc, err := surveys.NewService(ctx, db, set, writer)
		if err != nil {
			return variant{}, err
		}
		v.app = web.NewApp(web.Options{Logger: slog.New(slog.DiscardHandler)})
		if err := surveys.Register(v.app, surveys.Deps{Service: svc}); err != nil {
			return variant{}, err
		}
		return v, nil
	}
	empty := fiber.New(fiber.Config{DisableStartupMessage: true})
	empty.Post("/api/v1/responses", func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusCreated) })
	variants := []variant{{name: "empty Fiber handler", app: empty, tokens: []string{"unused"}}}
	type spec struct {
		name string
		o    *ingest.WriterOptions // nil: the write step off
	}
	servers := []spec{{"endpoint, write step off", nil}, {"endpoint, durable writes", &ingest.WriterOptions{}}}
	if cfg.ablate {
		servers = append(servers,
			spec{"durable, each batch committed at once", &ingest.WriterOptions{MaxDelay: -1}},
			spec{"durable, DuckDB's threads kept", &ingest.WriterOptions{KeepThreads: true}})
	}
	for _, s := range servers {
		v, err := server(s.name, s.o)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		variants = append(variants, v)
	}
	addrs := make([]string, len(variants))
	for i, v := range variants {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		go v.app.Listener(ln)
		defer v.app.Shutdown()
		addrs[i] = ln.Addr().String()
	}

	rnd := rand.New(rand.NewPCG(7, 11))
	items := itemIDs(set)
	bodies := func(v variant, run string, n int) [][]byte {
		b := make([][]byte, n)
		for i := range b {
			b[i] = submissionBody(rnd, v.tokens[i%len(v.tokens)], fmt.Sprintf("bench-%s-%07d", run, i), items)
		}
		return b
	}
	for i, v := range variants {
		warm := bodies(v, fmt.Sprint("warm", i), 2000)
		wcfg := cfg
		wcfg.requests = len(warm)
		if _, err := load(addrs[i], wcfg, func(j int) []byte { return warm[j] }); err != nil {
			return fmt.Errorf("warm-up %s: %w", v.name, err)
		}
	}
	results := make([][]result, len(variants))
	acked := make([]int64, len(variants))
	for run := range cfg.runs {
		for i, v := range variants {
			b := bodies(v, fmt.Sprintf("r%d-v%d", run, i), cfg.requests)
			r, err := load(addrs[i], cfg, func(j int) []byte { return b[j] })
			if err != nil {
				return fmt.Errorf("%s: %w", v.name, err)
			}
			acked[i] += r.statuses[201]
			results[i] = append(results[i], r)
		}
	}

	fmt.Fprintf(out, "Submissions: POST /api/v1/responses, %d requests per run at concurrency %d, median of %d interleaved runs.\n", cfg.requests, cfg.concurrency, cfg.runs)
	threads := "DuckDB's default threads"
	if cfg.dbThreads > 0 {
		threads = fmt.Sprintf("DuckDB threads=%d", cfg.dbThreads)
	}
	fmt.Fprintf(out, "Machine: %s, %s. Server and load generator share the machine.\n\n", machine(), threads)
	fmt.Fprintln(out, "| variant | requests/s | p50 | p99 | CPU per request | errors |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|")
	med := make([]result, len(variants))
	for i, v := range variants {
		med[i] = median(results[i])
		var errs int64
		for _, r := range results[i] {
			errs += r.errors
		}
		fmt.Fprintf(out, "| %s | %.0f | %s | %s | %d µs | %d |\n", v.name, med[i].perSecond, ms(med[i].p50), ms(med[i].p99), med[i].cpuPerRequest.Microseconds(), errs)
	}
	var stored, ackedDurable int64
	for i, v := range variants {
		if v.durable == nil {
			continue
		}
		var n int64
		if err := v.durable.SQL().QueryRowContext(ctx, `SELECT count(*) FROM responses WHERE client_id LIKE 'bench-r%'`).Scan(&n); err != nil {
			return err
		}
		if n != acked[i] {
			return fmt.Errorf("%s: %d submissions acknowledged but %d stored", v.name, acked[i], n)
		}
		stored, ackedDurable = stored+n, ackedDurable+acked[i]
	}
	fmt.Fprintf(out, "\nDurable ÷ write step off: %.2f. Durable ÷ empty handler: %.2f.", med[2].perSecond/med[1].perSecond, med[2].perSecond/med[0].perSecond)
	for i := 3; i < len(variants); i++ {
		fmt.Fprintf(out, " %s ÷ write step off: %.2f.", strings.ToUpper(variants[i].name[:1])+variants[i].name[1:], med[i].perSecond/med[1].perSecond)
	}
	fmt.Fprintf(out, " Acknowledged (201) durable submissions: %d; rows stored for them: %d.", ackedDurable, stored)
	for _, v := range variants {
		if v.writer != nil {
			st := v.writer.Stats()
			fmt.Fprintf(out, " %s: %.1f submissions per commit.", strings.ToUpper(v.name[:1])+v.name[1:], float64(st.Jobs)/float64(max(st.Batches, 1)))
		}
	}
	fmt.Fprintln(out)
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func inviteTokens(ctx context.Context, db *ingest.DB) ([]string, error) {
	rows, err := db.SQL().QueryContext(ctx, `SELECT invite_token FROM groups ORDER BY group_code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tokens []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		tokens = append(tokens, t)
	}
	return tokens, rows.Err()
}

func itemIDs(set *instrument.Set) []string {
	var ids []string
	for _, id := range []string{"cbi", "nss_morale"} {
		in, _ := set.Get(id)
		for _, it := range in.Items {
			ids = append(ids, it.ID)
		}
	}
	return ids
}

// submissionBody is a complete baseline questionnaire (all 32 CBI and morale items) from a new
// participant, as a phone would send it.
func submissionBody(rnd *rand.Rand, token, client string, items []string) []byte {
	var sb strings.Builder
	code := make([]byte, surveys.CodeLength)
	for i := range code {
		code[i] = surveys.CodeAlphabet[rnd.IntN(len(surveys.CodeAlphabet))]
	}
	fmt.Fprintf(&sb, `{"invite_token":%q,"participant_code":%q,"timepoint":"pre","client_id":%q,"profession":"GP","answers":{`, token, code, client)
	for i, id := range items {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `%q:%d`, id, 1+rnd.IntN(5))
	}
	sb.WriteString("}}")
	return []byte(sb.String())
}
