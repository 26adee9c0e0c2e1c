package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/dashboards"
	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys"
	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	err := cfg.parse("serve", "Start the web service on one DuckDB file: attendee surveys, staff pages and the API.\n"+
		"SIGINT or SIGTERM stops it gracefully: no new requests, pending writes finish, the database is checkpointed and closed.",
		args, os.Getenv, stdout, "addr", "db", "programme", "min-cell", "min-cell-funder", "secret-key-file",
		"log-level", "log-format", "db-threads", "db-memory-limit", "shutdown-timeout", "submit-rate", "write-queue",
		"base-url", "secure-cookies", "demo-accounts")
	if err != nil {
		return err
	}
	log := newLogger(cfg)
	return serve(ctx, cfg, log, stdout)
}

// serve runs the service until ctx is cancelled, then shuts down in order: stop accepting and
// finish in-flight requests, then checkpoint and close the database.
func serve(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	log.Info("starting", slog.Any("config", cfg))
	secret, err := loadOrCreateSecret(cfg.SecretKeyFile)
	if err != nil {
		return err
	}
	set, err := instrument.Load()
	if err != nil {
		return err
	}
	db, err := ingest.Open(ctx, cfg.DB, ingest.Options{Threads: cfg.DBThreads, MemoryLimit: cfg.DBMemoryLimit})
	if err != nil {
		return err
	}
	writer, err := db.NewWriter(ctx, ingest.WriterOptions{QueueSize: cfg.WriteQueue, Log: log})
	if err != nil {
		return errors.Join(err, db.Close())
	}
	// closeDB drains the writer first: every acknowledged submission is committed before the
	// database is checkpointed and closed.
	closeDB := func() error {
		werr := writer.Close()
		if err := errors.Join(werr, db.Close()); err != nil {
			return err
		}
		log.Info("database closed", slog.String("db", cfg.DB))
		return nil
	}
	// The start is audited with the settings that shape what people may see.
	if err := db.Audit(ctx, ingest.AuditEntry{Actor: "system", Action: "service.start", Detail: map[string]any{
		"min_cell": cfg.MinCell, "min_cell_funder": cfg.MinCellFunder, "schema_version": ingest.SchemaVersion()}}); err != nil {
		return errors.Join(err, closeDB())
	}
	store := accounts.NewStore(db.SQL(), accounts.DefaultParams)
	app, err := buildApp(ctx, cfg, log, db, writer, set, store, secret)
	if err != nil {
		return errors.Join(err, closeDB())
	}
	if cfg.DemoAccounts {
		if err := printDemoAccounts(ctx, db, store, stdout); err != nil {
			return errors.Join(err, closeDB())
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return errors.Join(fmt.Errorf("listen on %s: %w", cfg.Addr, err), closeDB())
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "peerpulse is serving %s at %s (database %s). Press Ctrl+C to stop.\n", programmeLabel(ctx, cfg, db), url, cfg.DB)
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	select {
	case err = <-served:
		// The listener failed on its own; still close the database cleanly.
		return errors.Join(fmt.Errorf("serve: %w", err), closeDB())
	case <-ctx.Done():
	}
	log.Info("shutting down", slog.Duration("timeout", cfg.ShutdownTimeout))
	start := time.Now()
	shutdownErr := app.ShutdownWithTimeout(cfg.ShutdownTimeout)
	if shutdownErr != nil {
		shutdownErr = fmt.Errorf("stop HTTP: %w", shutdownErr)
	}
	err = errors.Join(shutdownErr, closeDB())
	log.Info("stopped", slog.Duration("took", time.Since(start)))
	return err
}

func programmeLabel(ctx context.Context, cfg Config, db *ingest.DB) string {
	if cfg.Programme != "" {
		return fmt.Sprintf("%q", cfg.Programme)
	}
	if name, ok, err := db.Setting(ctx, ingest.SettingProgrammeName); err == nil && ok {
		return fmt.Sprintf("%q", name)
	}
	return "an empty programme"
}

// buildApp is the whole web service: attendee pages, staff pages and the APIs, on one app
// whose every route carries an access decision (see web.StaffAccess).
func buildApp(ctx context.Context, cfg Config, log *slog.Logger, db *ingest.DB, writer *ingest.Writer, set *instrument.Set,
	store *accounts.Store, secret []byte) (*fiber.App, error) {
	app := web.NewApp(web.Options{Logger: log, CSRFKey: secret, SecureCookies: cfg.SecureCookies})
	web.MountAssets(app)
	web.MountHealth(app, db.Ping)
	svc, err := surveys.NewService(ctx, db, set, writer)
	if err != nil {
		return nil, err
	}
	if err := surveys.Register(app, surveys.Deps{Service: svc, Log: log, SubmitRate: cfg.SubmitRate, Programme: cfg.Programme}); err != nil {
		return nil, err
	}
	surveys.RegisterCLI(app, svc, secret)
	if err := dashboards.Register(app, dashboards.Deps{DB: db, Log: log, Programme: cfg.Programme, Instruments: set,
		MinCell: cfg.MinCell, MinCellFunder: cfg.MinCellFunder, CLISecret: secret, Accounts: store,
		SecureCookies: cfg.SecureCookies, BaseURL: cfg.BaseURL}); err != nil {
		return nil, err
	}
	return app, nil
}
