# dsrdesk — see README.md. The two commands a fresh machine needs:
#   make demo   run the whole product on embedded defaults with demo data
#   make test   install what the tests need, then run every test
GO        ?= go
BIN       := bin/dsrdesk
DEMO_DATA ?= data/demo
DEMO_ADDR ?= 127.0.0.1:8080
# Debian packages the tests use: a real browser, PDF text extraction, and
# Apache PDFBox Preflight (with a Java runtime) to validate letters as PDF/A,
# and npm, which installs axe-core for the accessibility tests.
TEST_DEBS := chromium poppler-utils libpdfbox2-java libactivation-java libjaxb-api-java default-jre-headless npm
# axe-core, pinned by its package-lock.json, for the accessibility tests.
AXE_DIR   := internal/app/testdata/axe

export CGO_ENABLED := 1

.PHONY: all build demo demo-reset test test-deps vet lint bench crash fuzz load clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/dsrdesk

## demo: build, seed demo data when missing, serve on $(DEMO_ADDR)
demo: build
	$(BIN) serve --addr $(DEMO_ADDR) --data $(DEMO_DATA) --demo

## demo-reset: replace the demo data with a fresh copy
demo-reset: build
	$(BIN) demo seed --data $(DEMO_DATA)

## test-deps: install the Debian packages the tests need, and axe-core from npm, if missing
test-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	test -f /usr/share/java/preflight.jar || missing="$$missing libpdfbox2-java"; \
	test -f /usr/share/java/javax.activation.jar || missing="$$missing libactivation-java"; \
	test -f /usr/share/java/jaxb-api.jar || missing="$$missing libjaxb-api-java"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@test -f $(AXE_DIR)/node_modules/axe-core/axe.min.js || (cd $(AXE_DIR) && npm ci --no-audit --no-fund)

vet:
	$(GO) vet ./...

test: test-deps vet
	$(GO) test -count=1 -timeout 30m ./...

STATICCHECK := $(shell $(GO) env GOPATH)/bin/staticcheck
GOVULNCHECK := $(shell $(GO) env GOPATH)/bin/govulncheck
# The Go vulnerability database govulncheck reads: the public one, or a copy
# (e.g. GOVULNDB=file:///srv/vulndb) on a machine that cannot reach it.
GOVULNDB ?= https://vuln.go.dev

## lint: formatting, vet, staticcheck and govulncheck (installed on first use);
## govulncheck fails the lint on a known vulnerability in code we call, and only
## warns when its database cannot be reached
lint: vet
	test -z "$$(gofmt -l cmd internal web forms migrations)"
	test -x $(STATICCHECK) || $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2
	# S1016: wire structs are converted field by field on purpose, to keep them apart from domain types.
	$(STATICCHECK) -checks inherit,-S1016 ./...
	# cmd/loadbare's server is built only with its tag (see its doc.go).
	$(GO) vet -tags loadbare ./cmd/loadbare/
	test -x $(GOVULNCHECK) || $(GO) install golang.org/x/vuln/cmd/govulncheck@v1.9.0
	@out=$$($(GOVULNCHECK) -db $(GOVULNDB) ./... 2>&1); rc=$$?; \
	if [ $$rc -eq 0 ]; then echo "govulncheck: no known vulnerabilities reached ($(GOVULNDB))"; \
	elif [ $$rc -ne 3 ] && echo "$$out" | grep -qiE 'fetching vulnerabilities|dial tcp|no such host|connection refused|i/o timeout|TLS handshake|status 40[0-9]|status 50[0-9]|forbidden'; then \
		echo "$$out" | tail -3; \
		echo "WARNING: govulncheck could NOT reach its vulnerability database $(GOVULNDB): dependencies were NOT checked for known vulnerabilities."; \
		echo "         Run 'make lint' where vuln.go.dev is reachable, or set GOVULNDB=file:///path/to/a/copy."; \
	else echo "$$out"; exit 1; fi

## bench: the figures recorded in BENCHMARKS.md
bench:
	$(GO) test -run '^$$' -bench ExtractLongHistory -benchtime 5x ./internal/app/
	$(GO) test -run '^$$' -bench APICreateCase -benchtime 3000x ./internal/app/
	$(GO) test -run '^$$' -bench EraseLongHistory -benchtime 3x ./internal/app/
	# Seeds a million cases once (about a minute), kept in the temp dir by schema version.
	$(GO) test -run '^$$' -bench DeskMillion -benchtime 200x -timeout 60m ./internal/app/
	# Fills a store with 100,000 queued letters (5 GB) once, then makes, builds and downloads the batch.
	$(GO) test -run '^$$' -bench PrintBatch100k -benchtime 1x -timeout 30m ./internal/app/
	$(GO) test -run '^$$' -bench Outbox10000 -benchtime 1x -timeout 30m ./internal/app/
	$(GO) test -run '^$$' -bench . -benchmem ./internal/pdf/ ./internal/documents/ ./internal/registers/ ./internal/demodata/ ./internal/printzip/

## crash: the crash loop at length (CRASHLOOP_KILLS kills of dsrdesk serve under intake, changes,
## sending and print batches), then the outbox's crash test (CRASH_KILLS kills over CRASH_CASES cases)
CRASHLOOP_KILLS ?= 100
CRASH_KILLS ?= 20
CRASH_CASES ?= 300
crash:
	DSRDESK_CRASHLOOP_KILLS=$(CRASHLOOP_KILLS) $(GO) test -count=1 -v -timeout 30m -run '^TestCrashLoop$$' ./internal/app/
	DSRDESK_CRASH_KILLS=$(CRASH_KILLS) DSRDESK_CRASH_CASES=$(CRASH_CASES) $(GO) test -count=1 -v -timeout 30m -run '^TestOutboxSurvivesKills$$' ./internal/app/

## fuzz: every go test -fuzz target of the repository, one after another, FUZZTIME each
## (`make test` runs their seed corpora in testdata/fuzz/ only)
FUZZTIME ?= 30s
# How long the fuzzer may spend shrinking each new input it keeps; the
# default minute would eat most of a short run of the slow API target.
FUZZMINIMIZETIME ?= 5s
fuzz:
	@list=$$($(GO) test -list '^Fuzz' ./...) || { echo "$$list"; exit 1; }; \
	echo "$$list" | awk '/^Fuzz/ { n[++k] = $$1 } /^ok/ { for (i = 1; i <= k; i++) print $$2, n[i]; k = 0 }' | \
	while read -r pkg name; do \
		echo "== $$name ($$pkg), $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$pkg || exit 1; \
	done

## load: dsrdesk's intake against a bare gin + SQLite server (cmd/loadbare), both at synchronous=FULL,
## LOAD_CONNS connections for LOAD_SECONDS each in the same run; fails when the goal of issue 10 is missed
LOAD_SECONDS ?= 60
LOAD_CONNS   ?= 64
load: build
	$(GO) build -tags loadbare -o bin/loadbare ./cmd/loadbare
	$(GO) build -o bin/dsrdesk-load ./cmd/dsrdesk-load
	bin/dsrdesk-load --dsrdesk $(BIN) --bare bin/loadbare --seconds $(LOAD_SECONDS) --conns $(LOAD_CONNS)

clean:
	rm -rf bin
