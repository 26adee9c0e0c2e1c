// Command ppbench-xlsx measures the Excel reports at national scale: `peerpulse report --kind
// evaluator --responses` (the evaluator workbook with a Responses sheet of about 10⁶ rows,
// exactly as a user runs it) against a bare excelize StreamWriter program writing the same rows
// from the same query, each run in its own process under /usr/bin/time -v so that peak RSS is
// the process's own. It is run by `make bench`, never by `make test`, and prints Markdown for
// docs/BENCHMARKS.md.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/demo"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// nationalScale is the demo pilot × 420: about 21,000 groups and 10⁶ responses, the database
// analysis/bench_test.go builds (and this program reuses).
const nationalScale = 420

func main() {
	mode := flag.String("mode", "compare", "compare (peerpulse report and bare, under /usr/bin/time -v) or bare (one run, for compare)")
	db := flag.String("db", filepath.Join(os.TempDir(), "peerpulse-bench", demo.ScaledFileName(nationalScale)), "the 10⁶-response database; built if missing")
	out := flag.String("out", filepath.Join(os.TempDir(), "peerpulse-bench", "bench.xlsx"), "where each run writes its workbook")
	runs := flag.Int("runs", 3, "runs of each program, alternating; medians are reported")
	memory := flag.String("db-memory-limit", "64MB", "DuckDB memory limit for both programs (64MB is peerpulse report's own default)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of this process to this file: the run itself with -mode bare; with -mode compare only the parent, not the measured runs")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "ppbench-xlsx:", err)
			os.Exit(1)
		}
	}
	ctx := context.Background()
	var err error
	switch *mode {
	case "bare":
		err = writeBare(ctx, *db, *out, *memory)
	case "compare":
		err = compare(ctx, *db, *out, *memory, *runs)
	default:
		err = fmt.Errorf("unknown mode %q", *mode)
	}
	pprof.StopCPUProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ppbench-xlsx:", err)
		os.Exit(1)
	}
}

func open(ctx context.Context, path, memory string) (*ingest.DB, *instrument.Set, error) {
	set, err := instrument.Load()
	if err != nil {
		return nil, nil, err
	}
	db, err := ingest.Open(ctx, path, ingest.Options{ReadOnly: true, Instruments: set, Threads: 2, MemoryLimit: memory})
	return db, set, err
}

// run is one measured process.
type run struct {
	wall, cpu time.Duration // cpu: user + system
	rssKB     int
	out       int64
}

var (
	rssLine  = regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`)
	userLine = regexp.MustCompile(`(?:User|System) time \(seconds\): (\d+(?:\.\d+)?)`)
	wallLine = regexp.MustCompile(`Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)`)
)

// measure runs one program under /usr/bin/time -v: this one in bare mode, or peerpulse report.
func measure(self, peerpulse, mode, db, out, memory string) (run, error) {
	var stderr bytes.Buffer
	args := []string{"-v", self, "-mode", mode, "-db", db, "-out", out, "-db-memory-limit", memory}
	if mode == "workbook" {
		args = []string{"-v", peerpulse, "report", "--db", db, "--kind", "evaluator", "--responses", "--out", out, "--db-memory-limit", memory}
	}
	cmd := exec.Command("/usr/bin/time", args...)
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		return run{}, fmt.Errorf("%s: %w\n%s", mode, err, stderr.String())
	}
	var r run
	m := rssLine.FindStringSubmatch(stderr.String())
	w := wallLine.FindStringSubmatch(stderr.String())
	if m == nil || w == nil {
		return r, fmt.Errorf("%s: no figures from /usr/bin/time:\n%s", mode, stderr.String())
	}
	r.rssKB, _ = strconv.Atoi(m[1])
	h, _ := strconv.Atoi(w[1])
	mins, _ := strconv.Atoi(w[2])
	secs, _ := strconv.ParseFloat(w[3], 64)
	r.wall = time.Duration((float64(h*3600+mins*60) + secs) * float64(time.Second))
	for _, m := range userLine.FindAllStringSubmatch(stderr.String(), -1) {
		v, _ := strconv.ParseFloat(m[1], 64)
		r.cpu += time.Duration(v * float64(time.Second))
	}
	if st, err := os.Stat(out); err == nil {
		r.out = st.Size()
	}
	return r, nil
}

func compare(ctx context.Context, db, out, memory string, runs int) error {
	if _, err := exec.LookPath("/usr/bin/time"); err != nil {
		return fmt.Errorf("needs /usr/bin/time (apt-get install -y time): %w", err)
	}
	if err := ensureDB(ctx, db); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "ppbench-xlsx-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	peerpulse := filepath.Join(dir, "peerpulse")
	if b, err := exec.Command("go", "build", "-o", peerpulse, "github.com/peerpulse/peerpulse/cmd/peerpulse").CombinedOutput(); err != nil {
		return fmt.Errorf("build peerpulse: %w\n%s", err, b)
	}
	var n int64
	if d, _, err := open(ctx, db, memory); err == nil {
		d.SQL().QueryRow(`SELECT count(*) FROM responses`).Scan(&n)
		d.Close()
	}
	byMode := map[string][]run{}
	for i := range runs {
		for _, mode := range []string{"bare", "workbook"} {
			r, err := measure(self, peerpulse, mode, db, out, memory)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "run %d %-8s %6.1f s wall %6.1f s CPU  %4d MB peak RSS  %d MB file\n", i+1, mode, r.wall.Seconds(), r.cpu.Seconds(), r.rssKB/1024, r.out>>20)
			byMode[mode] = append(byMode[mode], r)
		}
	}
	os.Remove(out)
	host, _ := os.Hostname()
	fmt.Printf("Evaluator workbook with Responses, %d responses in the database (%s, %d cores, %s), DuckDB memory limit %s, %d runs each, alternating:\n\n",
		n, host, runtime.NumCPU(), runtime.Version(), memory, runs)
	fmt.Println("| program | wall time per run | median | CPU (user + system) per run | median | peak RSS per run | median | file |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	med := map[string]run{}
	for _, mode := range []string{"bare", "workbook"} {
		rs := byMode[mode]
		var walls, cpus, rss []string
		for _, r := range rs {
			walls = append(walls, fmt.Sprintf("%.1f s", r.wall.Seconds()))
			cpus = append(cpus, fmt.Sprintf("%.1f s", r.cpu.Seconds()))
			rss = append(rss, fmt.Sprintf("%d MB", r.rssKB/1024))
		}
		med[mode] = median(rs)
		name := map[string]string{"bare": "bare StreamWriter, same rows", "workbook": "`peerpulse report --kind evaluator --responses` (all sheets)"}[mode]
		fmt.Printf("| %s | %s | **%.1f s** | %s | **%.1f s** | %s | **%d MB** | %d MB |\n", name, strings.Join(walls, " · "), med[mode].wall.Seconds(),
			strings.Join(cpus, " · "), med[mode].cpu.Seconds(), strings.Join(rss, " · "), med[mode].rssKB/1024, med[mode].out>>20)
	}
	fmt.Printf("\nRatio of medians, workbook ÷ bare: wall time %.2f×, CPU %.2f×, peak RSS %.2f×.\n",
		med["workbook"].wall.Seconds()/med["bare"].wall.Seconds(), med["workbook"].cpu.Seconds()/med["bare"].cpu.Seconds(),
		float64(med["workbook"].rssKB)/float64(med["bare"].rssKB))
	return nil
}

// median picks the run with the median wall time, and the median RSS separately.
func median(rs []run) run {
	byWall := slices.Clone(rs)
	slices.SortFunc(byWall, func(a, b run) int { return int(a.wall - b.wall) })
	byRSS := slices.Clone(rs)
	slices.SortFunc(byRSS, func(a, b run) int { return a.rssKB - b.rssKB })
	m := byWall[len(rs)/2]
	m.rssKB = byRSS[len(rs)/2].rssKB
	byCPU := slices.Clone(rs)
	slices.SortFunc(byCPU, func(a, b run) int { return int(a.cpu - b.cpu) })
	m.cpu = byCPU[len(rs)/2].cpu
	return m
}

// ensureDB builds the national-scale database as analysis/bench_test.go does, if missing.
func ensureDB(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	fmt.Fprintf(os.Stderr, "building %s (a few minutes, once)\n", path)
	set, err := instrument.Load()
	if err != nil {
		return err
	}
	return demo.BuildScaled(ctx, path, set, nationalScale)
}
