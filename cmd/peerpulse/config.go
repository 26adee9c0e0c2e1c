package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is every setting peerpulse reads, parsed once from flags and PEERPULSE_* environment
// variables (a flag wins over the environment, which wins over the default), validated once, and
// passed explicitly to what needs it.
type Config struct {
	Addr            string
	DB              string
	Programme       string
	MinCell         int
	MinCellFunder   int
	SecretKeyFile   string
	LogLevel        slog.Level
	LogFormat       string
	DBThreads       int
	DBMemoryLimit   string
	ShutdownTimeout time.Duration
	BaseURL         string
	Format          string
	Comparison      string
	Modality        string
	Region          string
	Profession      string
	SubmitRate      int
	WriteQueue      int
	Seed            uint64
	IfEmpty         bool
	SecureCookies   bool
	DemoAccounts    bool

	// Out, From and Force are for backup, restore and export.
	Out, From string
	Force     bool

	ImportGroups, ImportSessions, ImportAttendance, ImportResponses string
	Partial, DryRun                                                 bool
	Rejects                                                         string

	// maxArgs is how many positional arguments the command takes; args holds them after parse.
	maxArgs int
	args    []string
	// flags binds a command's own flags that are not settings (no environment variable).
	flags func(fs *flag.FlagSet)
}

// minCellFloor is the smallest cell anyone may configure: below 3, a cell can identify a person
// from what they know about the others (INSTRUMENTS.md §6).
const minCellFloor = 3

func defaultConfig() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DB:              filepath.Join("data", "peerpulse.duckdb"),
		MinCell:         5,
		MinCellFunder:   10,
		LogLevel:        slog.LevelInfo,
		LogFormat:       "text",
		ShutdownTimeout: 15 * time.Second,
		Seed:            1,
		SubmitRate:      240,
		Format:          "json",
		Comparison:      "pre-post",
		WriteQueue:      4096,
	}
}

// setting is one configurable value: its flag, its environment variable and where it lands.
type setting struct {
	flag, env, usage string
	bind             func(fs *flag.FlagSet, name, usage string)
}

// settings lists every setting once; each command picks the ones it uses by flag name.
func (c *Config) settings() []setting {
	return []setting{
		{"addr", "PEERPULSE_ADDR", "listen address, host:port", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.Addr, n, c.Addr, u) }},
		{"db", "PEERPULSE_DB", "DuckDB file (created and migrated if missing)", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.DB, n, c.DB, u) }},
		{"programme", "PEERPULSE_PROGRAMME", "programme name shown on pages (default: the name stored in the database)", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.Programme, n, c.Programme, u) }},
		{"min-cell", "PEERPULSE_MIN_CELL", "smallest number of respondents behind any figure shown to evaluators (at least 3)", func(fs *flag.FlagSet, n, u string) { fs.IntVar(&c.MinCell, n, c.MinCell, u) }},
		{"min-cell-funder", "PEERPULSE_MIN_CELL_FUNDER", "smallest number of respondents behind any figure shown to funders (at least 3)", func(fs *flag.FlagSet, n, u string) { fs.IntVar(&c.MinCellFunder, n, c.MinCellFunder, u) }},
		{"secret-key-file", "PEERPULSE_SECRET_KEY_FILE", "file holding the key that signs cookies; created (mode 0600) if missing (default: secret.key beside the database)", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.SecretKeyFile, n, c.SecretKeyFile, u) }},
		{"log-level", "PEERPULSE_LOG_LEVEL", "debug, info, warn or error", func(fs *flag.FlagSet, n, u string) { fs.TextVar(&c.LogLevel, n, c.LogLevel, u) }},
		{"log-format", "PEERPULSE_LOG_FORMAT", "text or json", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.LogFormat, n, c.LogFormat, u) }},
		{"db-threads", "PEERPULSE_DB_THREADS", "DuckDB threads for analyses, reports, exports and imports (0: one per core); while the server takes submissions DuckDB otherwise keeps to one", func(fs *flag.FlagSet, n, u string) { fs.IntVar(&c.DBThreads, n, c.DBThreads, u) }},
		{"db-memory-limit", "PEERPULSE_DB_MEMORY_LIMIT", "DuckDB memory limit, e.g. 2GB (default: DuckDB's, 80% of RAM)", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.DBMemoryLimit, n, c.DBMemoryLimit, u) }},
		{"shutdown-timeout", "PEERPULSE_SHUTDOWN_TIMEOUT", "how long to wait for requests and writes to finish on SIGINT/SIGTERM", func(fs *flag.FlagSet, n, u string) { fs.DurationVar(&c.ShutdownTimeout, n, c.ShutdownTimeout, u) }},
		{"base-url", "PEERPULSE_BASE_URL", "where attendees reach the service, for invite links (default: http://<addr>)", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.BaseURL, n, c.BaseURL, u) }},
		{"submit-rate", "PEERPULSE_SUBMIT_RATE", "submissions one network address may make per minute (0: no limit); addresses are never stored", func(fs *flag.FlagSet, n, u string) { fs.IntVar(&c.SubmitRate, n, c.SubmitRate, u) }},
		{"write-queue", "PEERPULSE_WRITE_QUEUE", "submissions that may wait for the database before new ones get 503", func(fs *flag.FlagSet, n, u string) { fs.IntVar(&c.WriteQueue, n, c.WriteQueue, u) }},
		{"secure-cookies", "PEERPULSE_SECURE_COOKIES", "mark cookies Secure (set when users reach the service over HTTPS through a proxy)", func(fs *flag.FlagSet, n, u string) { fs.BoolVar(&c.SecureCookies, n, c.SecureCookies, u) }},
		{"demo-accounts", "", "demo only: make one account per role with new passwords, printed at start-up", func(fs *flag.FlagSet, n, u string) { fs.BoolVar(&c.DemoAccounts, n, c.DemoAccounts, u) }},
		{"format", "", "json (FORMATS.md) or table (for a terminal)", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.Format, n, c.Format, u) }},
		{"comparison", "", "pre-post or pre-followup", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.Comparison, n, c.Comparison, u) }},
		{"modality", "", "only groups of this modality", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.Modality, n, c.Modality, u) }},
		{"region", "", "only groups of this region", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.Region, n, c.Region, u) }},
		{"profession", "", "only participants who gave this profession at baseline", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.Profession, n, c.Profession, u) }},
		{"groups", "", "groups file (.csv or .xlsx)", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.ImportGroups, n, c.ImportGroups, u) }},
		{"sessions", "", "sessions file", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.ImportSessions, n, c.ImportSessions, u) }},
		{"attendance", "", "attendance file", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.ImportAttendance, n, c.ImportAttendance, u) }},
		{"responses", "", "responses file", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.ImportResponses, n, c.ImportResponses, u) }},
		{"partial", "", "write the valid rows even when some are rejected", func(fs *flag.FlagSet, n, u string) { fs.BoolVar(&c.Partial, n, c.Partial, u) }},
		{"rejects", "", "write the rejected rows, with reasons, to this CSV file", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.Rejects, n, c.Rejects, u) }},
		{"dry-run", "", "check and report only; write nothing", func(fs *flag.FlagSet, n, u string) { fs.BoolVar(&c.DryRun, n, c.DryRun, u) }},
		{"seed", "", "random seed: the same seed gives the same pilot", func(fs *flag.FlagSet, n, u string) { fs.Uint64Var(&c.Seed, n, c.Seed, u) }},
		{"if-empty", "", "do nothing (and succeed) when the database already holds a programme", func(fs *flag.FlagSet, n, u string) { fs.BoolVar(&c.IfEmpty, n, c.IfEmpty, u) }},
		{"out", "", "folder to write into", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.Out, n, c.Out, u) }},
		{"from", "", "backup file to restore from", func(fs *flag.FlagSet, n, u string) { fs.StringVar(&c.From, n, c.From, u) }},
		{"force", "", "replace an existing database file", func(fs *flag.FlagSet, n, u string) { fs.BoolVar(&c.Force, n, c.Force, u) }},
	}
}

// parse binds the named settings to a flag set for command, parses args, then fills every
// setting not given as a flag from its environment variable, and validates the result.
func (c *Config) parse(command, summary string, args []string, env func(string) string, out io.Writer, names ...string) error {
	fs := flag.NewFlagSet("peerpulse "+command, flag.ContinueOnError)
	fs.SetOutput(out)
	var used []setting
	for _, s := range c.settings() {
		for _, n := range names {
			if s.flag == n {
				usage := s.usage
				if s.env != "" {
					usage += " [$" + s.env + "]"
				}
				s.bind(fs, s.flag, usage)
				used = append(used, s)
			}
		}
	}
	if c.flags != nil {
		c.flags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: peerpulse %s [flags]\n\n%s\n\nFlags:\n", command, summary)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > c.maxArgs {
		return fmt.Errorf("%w: unexpected argument %q (see peerpulse %s --help)", errUsage, fs.Arg(c.maxArgs), command)
	}
	c.args = fs.Args()
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, s := range used {
		if v := env(s.env); s.env != "" && v != "" && !given[s.flag] {
			if err := fs.Set(s.flag, v); err != nil {
				return fmt.Errorf("%w: $%s: %v", errUsage, s.env, err)
			}
		}
	}
	return c.validate()
}

var errUsage = errors.New("usage")

func (c *Config) validate() error {
	var problems []string
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		problems = append(problems, fmt.Sprintf("addr %q is not host:port", c.Addr))
	}
	if strings.TrimSpace(c.DB) == "" {
		problems = append(problems, "db: no database file given")
	}
	if c.MinCell < minCellFloor {
		problems = append(problems, fmt.Sprintf("min-cell %d is below the floor of %d", c.MinCell, minCellFloor))
	}
	if c.MinCellFunder < minCellFloor {
		problems = append(problems, fmt.Sprintf("min-cell-funder %d is below the floor of %d", c.MinCellFunder, minCellFloor))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		problems = append(problems, fmt.Sprintf("log-format %q is not text or json", c.LogFormat))
	}
	if c.DBThreads < 0 {
		problems = append(problems, "db-threads cannot be negative")
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems = append(problems, fmt.Sprintf("base-url %q is not an http(s) URL", c.BaseURL))
		}
	}
	if c.SubmitRate < 0 {
		problems = append(problems, "submit-rate cannot be negative")
	}
	if c.WriteQueue < 1 {
		problems = append(problems, "write-queue must be at least 1")
	}
	if c.ShutdownTimeout <= 0 {
		problems = append(problems, "shutdown-timeout must be positive")
	}
	if c.SecretKeyFile == "" {
		c.SecretKeyFile = filepath.Join(filepath.Dir(c.DB), "secret.key")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", errUsage, strings.Join(problems, "; "))
	}
	return nil
}

// LogValue keeps the configuration loggable in one line; it holds no secret itself (the key
// stays in its file), so only the path is shown.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr), slog.String("db", c.DB), slog.String("programme", c.Programme),
		slog.Int("min_cell", c.MinCell), slog.Int("min_cell_funder", c.MinCellFunder),
		slog.String("secret_key_file", c.SecretKeyFile), slog.String("log_level", c.LogLevel.String()))
}

func newLogger(c Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
