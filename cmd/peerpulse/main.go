// Command peerpulse measures whether peer-support groups for NHS staff reduce burnout and lift
// morale: it serves the attendee surveys and staff dashboards, and imports, analyses and reports.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand: what it is for and how it runs.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "Start the web service: attendee surveys, staff pages and the API.", runServe},
		{"demo", "Write a realistic synthetic pilot (50 groups) into an empty database.", runDemo},
		{"import", "Import groups, sessions, attendance and responses from CSV or XLSX, checking every row first.", runImport},
		{"analyse", "Analyse the impact (JSON per FORMATS.md, or a table), with disclosure control.", runAnalyse},
		{"report", "Write the funder or evaluator Excel workbook (--kind, --out), with disclosure control.", runReport},
		{"settings", "Show or change programme settings (name, tariff, RCI inputs, instruments asked).", runSettings},
		{"user", "Manage staff accounts: add, passwd, list, disable (passwords read from standard input).", runUser},
		{"invites", "Print each open group's invite link (group_code<TAB>URL) for a mail merge.", runInvites},
		{"backup", "Write a consistent snapshot of the database, even while the server runs.", runBackup},
		{"restore", "Restore a backup into a database file (refuses to replace one without --force).", runRestore},
		{"export", "Export the anonymised tables as Parquet files for analysts and other engines.", runExport},
	}
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "report" {
		execWithAllocator()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit status: 0 done, 1 failed, 2 misused.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "peerpulse %s: %v\n", c.name, err)
			return 2
		case errors.Is(err, errSilentFailure):
			return 1
		default:
			fmt.Fprintf(stderr, "peerpulse %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "peerpulse: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "peerpulse measures the impact of peer-support groups on NHS staff burnout and morale.")
	fmt.Fprintln(w, "\nUsage: peerpulse <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'peerpulse <command> --help' for a command's flags. Every flag can also be set with a")
	fmt.Fprintln(w, "PEERPULSE_* environment variable, shown in the command's help.")
}
