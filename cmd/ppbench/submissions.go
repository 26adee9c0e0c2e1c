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

// runSubmissions measures POST /api/v1/responses three ways in one run, interleaved so that
// machine noise falls on all of them: an empty Fiber handler (the floor of the HTTP stack), the
// endpoint with the write step switched off, and the endpoint with durable group-commit writes.
func runSubmissions(out io.Writer, cfg loadConfig) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "ppbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := ingest.Open(ctx, filepath.Join(dir, "bench.duckdb"), ingest.Options{Threads: cfg.dbThreads})
	if err != nil {
		return err
	}
	defer db.Close()
	set, err := instrument.Load()
	if err != nil {
		return err
	}
	if _, err := demo.Write(ctx, db, set, demo.DefaultOptions(1)); err != nil {
		return err
	}
	tokens, err := inviteTokens(ctx, db)
	if err != nil {
		return err
	}
	writer, err := db.NewWriter(ctx, ingest.WriterOptions{})
	if err != nil {
		return err
	}
	defer writer.Close()

	empty := fiber.New(fiber.Config{DisableStartupMessage: true})
	empty.Post("/api/v1/responses", func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusCreated) })
	variants := []struct {
		name string
		app  *fiber.App
	}{{"empty Fiber handler", empty}}
	for _, v := range []struct {
		name string
		w    surveys.Writer
	}{{"endpoint, write step off", discardWriter{}}, {"endpoint, durable writes", writer}} {
		svc, err := surveys.NewService(ctx, db, set, v.w)
		if err != nil {
			return err
		}
		app := web.NewApp(web.Options{Logger: slog.New(slog.DiscardHandler)})
		if err := surveys.Register(app, surveys.Deps{Service: svc}); err != nil {
			return err
		}
		variants = append(variants, struct {
			name string
			app  *fiber.App
		}{v.name, app})
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
	bodies := func(run string, n int) [][]byte {
		b := make([][]byte, n)
		for i := range b {
			b[i] = submissionBody(rnd, tokens[i%len(tokens)], fmt.Sprintf("bench-%s-%07d", run, i), items)
		}
		return b
	}
	warm := bodies("warm", 2000)
	for i := range variants {
		wcfg := cfg
		wcfg.requests = len(warm)
		if _, err := load(addrs[i], wcfg, func(j int) []byte { return warm[j] }); err != nil {
			return fmt.Errorf("warm-up %s: %w", variants[i].name, err)
		}
		warm = bodies(fmt.Sprint("warm", i), 2000)
	}
	results := make([][]result, len(variants))
	acked := int64(0)
	for run := range cfg.runs {
		for i := range variants {
			b := bodies(fmt.Sprintf("r%d-v%d", run, i), cfg.requests)
			r, err := load(addrs[i], cfg, func(j int) []byte { return b[j] })
			if err != nil {
				return fmt.Errorf("%s: %w", variants[i].name, err)
			}
			if i == 2 {
				acked += r.statuses[201]
			}
			results[i] = append(results[i], r)
		}
	}
	var stored int64
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM responses WHERE client_id LIKE 'bench-r%'`).Scan(&stored); err != nil {
		return err
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
	fmt.Fprintf(out, "\nDurable ÷ write step off: %.2f. Durable ÷ empty handler: %.2f. Acknowledged (201) durable submissions: %d; rows stored for them: %d.\n",
		med[2].perSecond/med[1].perSecond, med[2].perSecond/med[0].perSecond, acked, stored)
	if stored != acked {
		return fmt.Errorf("%d submissions acknowledged but %d stored", acked, stored)
	}
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
