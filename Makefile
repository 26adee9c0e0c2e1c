# peerpulse: one binary on an embedded DuckDB. `make help` lists the targets.
GO    ?= go
BIN   := bin/peerpulse
DB    ?= data/peerpulse.duckdb
ADDR  ?= 127.0.0.1:8080
SEED  ?= 1

.DEFAULT_GOAL := help
.PHONY: help build run test lint bench fuzz crash assets clean
FUZZTIME ?= 2m
# Fuzz targets as package:name. Minimising is bounded by runs, not the default minute, because
# nearly every early XLSX input is new coverage.
FUZZ_TARGETS := ingest/tabular:FuzzCSV ingest/tabular:FuzzXLSX surveys:FuzzSubmissionJSON surveys:FuzzSurveyForm
fuzz_each = set -e; for t in $(FUZZ_TARGETS); do echo "fuzz $${t\#*:} for $(1)"; \
	$(GO) test -run '^$$' -fuzz "^$${t\#*:}\$$" -fuzztime $(1) -fuzzminimizetime 200x ./$${t%%:*}/; done

help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-z]+:.*## / {printf "  make %-7s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## Build bin/peerpulse (cgo: needs a C compiler).
	$(GO) build -o $(BIN) ./cmd/peerpulse

run: build ## Build, load the demo pilot into an empty data/peerpulse.duckdb, serve on http://127.0.0.1:8080.
	./$(BIN) demo --db $(DB) --seed $(SEED) --if-empty
	./$(BIN) serve --db $(DB) --addr $(ADDR) --demo-accounts

test: lint ## Lint, run every test (real DuckDB files, HTTP, Chromium; race detector on), then fuzz briefly.
	$(GO) test -race -count=1 ./...
	@$(call fuzz_each,5s)

fuzz: ## Fuzz the CSV and XLSX row readers, the submission JSON and the survey form for FUZZTIME each (default 2m); crashers land in testdata/fuzz.
	@$(call fuzz_each,$(FUZZTIME))

crash: ## SIGKILL the server at random moments under concurrent submissions, 20 rounds; prints N/20 rounds clean.
	$(GO) test -count=1 -v -run '^TestCrashSafety$$' -timeout 20m ./cmd/peerpulse/ -crash.rounds=20

lint: ## gofmt and go vet.
	@files=$$(gofmt -l $$(find . -name '*.go' -not -path './node_modules/*')); \
	if [ -n "$$files" ]; then echo "gofmt needed on:"; echo "$$files"; exit 1; fi
	$(GO) vet ./...

bench: ## Run every benchmark (submissions, analysis, dashboards, import, Excel) and write the medians into docs/BENCHMARKS.md.
	$(GO) run ./cmd/benchdoc -out docs/BENCHMARKS.md -- \
		"$(GO) test -run '^$$' -bench WriterSubmit -benchtime 20000x -count 3 ./ingest/" \
		"$(GO) test -run '^$$' -bench AppenderWidth -benchtime 600x -count 3 ./ingest/" \
		"$(GO) test -run '^$$' -bench BatchInsert -benchtime 600x -count 3 ./ingest/" \
		"$(GO) run ./cmd/ppbench -requests 30000 -runs 3" \
		"$(GO) test -run '^$$' -bench Analyse -benchtime 5x -count 3 -timeout 30m ./analysis/" \
		"$(GO) test -run '^$$' -bench Overview -benchtime 5x -count 3 -timeout 30m ./dashboards/" \
		"$(GO) test -run '^$$' -bench Import -benchtime 1x -count 3 -timeout 30m ./ingest/importer/" \
		"$(GO) test -run '^$$' -bench Workbook -benchtime 20x -count 3 ./dashboards/workbook/" \
		"$(GO) run ./cmd/ppbench-xlsx -runs 3"

assets: ## Refresh the vendored NHS.UK frontend and ECharts files from npm (needs node and npm).
	bash web/assets/refresh.sh

clean: ## Remove the built binary (the database in data/ is kept).
	rm -rf bin
