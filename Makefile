# triggergen — developer tasks. `make test` is what CI runs (.ci/run).
GO      ?= go
# staticcheck runs from the module proxy at a pinned version; no install step.
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME ?= 5s
# The newest Go the module must also pass on; the module proxy serves it.
GO127 ?= go1.27.3
# Everything `make generate` writes; CI fails when it changes a byte.
GENERATED := gen catalog internal/fuzzgen examples

.PHONY: all build generate check-generated test test-go127 vet fuzz-short bench tools redis-note mount-note

all: build

build:
	$(GO) build ./...

## generate: regenerate everything that is checked in (transport, catalog, examples).
generate:
	$(GO) generate ./openapi/... ./catalog/... ./internal/fuzzgen/...
	cd examples && $(GO) generate ./...

## check-generated: fail when `make generate` would change a checked-in byte.
check-generated: generate
	@git diff --exit-code --stat -- $(GENERATED) || { echo "generated files are stale: run 'make generate' and commit"; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- $(GENERATED))" || { git status --porcelain --untracked-files=all -- $(GENERATED); echo "untracked generated files: run 'make generate' and commit"; exit 1; }

vet:
	$(GO) vet ./...
	$(GO) run ./cmd/triggergen vet ./...
	$(STATICCHECK) ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '^testdata/'))" || { gofmt -l $$(git ls-files '*.go' | grep -v '^testdata/'); echo "gofmt needed"; exit 1; }

## test: the full suite: unit, golden, corpus compile, differential, fuzz seeds
## and short fuzz runs, the downstream example, the generated-code check, and
## the official-SDK contract test (needs node and npm; skipped, saying so, without).
## The race-enabled suite runs last, so that its summary closes the output.
test: redis-note mount-note vet check-generated fuzz-short test-go127
	cd bench/peer && $(GO) vet ./... && $(GO) test -count=1 ./...
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || echo "SKIP: internal/sdkcontract (Composio's official SDK against the fake): node and npm are not installed"
	$(GO) test -race -count=1 ./...

## test-go127: build, vet (go vet, triggergen vet and go vet -vettool=triggergen)
## and the short suite under Go 1.27 (downloaded by the go command from the
## module proxy the first time, about 10 s).
test-go127:
	GOTOOLCHAIN=$(GO127) $(GO) build ./...
	GOTOOLCHAIN=$(GO127) $(GO) vet ./...
	GOTOOLCHAIN=$(GO127) $(GO) run ./cmd/triggergen vet ./...
	tmp=$$(mktemp -d) && GOTOOLCHAIN=$(GO127) $(GO) build -o $$tmp/triggergen ./cmd/triggergen && \
	  GOTOOLCHAIN=$(GO127) $(GO) vet -vettool=$$tmp/triggergen ./...; rc=$$?; rm -rf $$tmp; exit $$rc
	GOTOOLCHAIN=$(GO127) $(GO) test -short -count=1 ./...

# go test shows nothing of a passing package's skips: say it here.
redis-note:
	@command -v redis-server >/dev/null 2>&1 || echo "note: redis-server is not installed: the tests against a real Redis skip (apt-get install redis-server, or run .ci/run)"

# The tests of generating onto another file system mount a tmpfs, which
# needs root (CI runs as root: .ci/run installs packages).
mount-note:
	@[ "$$(id -u)" = 0 ] || echo "note: not root: cmd/triggergen's TestGenerateToolkitDirOnAnotherFileSystem skips (it mounts a tmpfs), and TestGenerateOutOnAnotherFileSystem too unless /dev/shm is another file system"

## fuzz-short: a few seconds of each fuzz target (longer runs: FUZZTIME=10m).
## It runs on Go 1.27: Go 1.26's fuzzing coordinator can fail a target with a
## bare "context deadline exceeded" when -fuzztime ends under load
## (golang/go#75804, fixed in 1.27), which would fail CI at random.
fuzz-short: FUZZGO = GOTOOLCHAIN=$(GO127) $(GO)
fuzz-short:
	$(FUZZGO) test -run='^$$' -fuzz='^FuzzVerify$$' -fuzztime=$(FUZZTIME) ./webhook/
	$(FUZZGO) test -run='^$$' -fuzz='^FuzzDecode$$' -fuzztime=$(FUZZTIME) ./webhook/
	$(FUZZGO) test -run='^$$' -fuzz='^FuzzDelivery$$' -fuzztime=$(FUZZTIME) ./webhook/inbox/
	$(FUZZGO) test -run='^$$' -fuzz='^FuzzGenerate$$' -fuzztime=$(FUZZTIME) ./generator/
	$(FUZZGO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) ./lockfile/
	$(FUZZGO) test -run='^$$' -fuzz='^FuzzJSONMembers$$' -fuzztime=$(FUZZTIME) ./internal/jsonscan/
	$(FUZZGO) test -run='^$$' -fuzz='^FuzzDecodePusher$$' -fuzztime=$(FUZZTIME) ./composio/realtime/
	$(FUZZGO) test -run='^$$' -fuzz='^FuzzValid$$' -fuzztime=$(FUZZTIME) ./internal/jsonscan/
	$(FUZZGO) test -run='^$$' -fuzz='^FuzzDecoder$$' -fuzztime=$(FUZZTIME) ./trigger/triggerimpl/
	$(FUZZGO) test -run='^$$' -fuzz='^FuzzConfigDecode$$' -fuzztime=$(FUZZTIME) ./internal/fuzzgen/

## bench: every figure in BENCHMARKS.md, with allocations (about 10 minutes).
BENCHCOUNT ?= 3
bench:
	$(GO) test -run='^$$' -bench='^BenchmarkGenerate$$' -benchmem -count=$(BENCHCOUNT) ./generator/
	cd bench/peer && $(GO) test -run='^$$' -bench='^BenchmarkPeer$$' -benchmem -count=$(BENCHCOUNT) .
	cd bench/peer && $(GO) run ./cmd/peercompare
	cd bench/peer && $(GO) run ./cmd/suitepeer
	$(GO) test -run='^$$' -bench='^BenchmarkDecodePayload$$' -benchmem -count=$(BENCHCOUNT) ./bench/
	$(GO) test -run='^$$' -bench='^Benchmark(Verify|HMACBaseline)$$' -benchmem -count=$(BENCHCOUNT) ./webhook/
	$(GO) test -run='^$$' -bench='^Benchmark(Receiver|InboxEnqueue)$$' -benchmem -benchtime=20000x -count=$(BENCHCOUNT) ./bench/
	$(GO) test -run='^$$' -bench='^BenchmarkBuildGenerated$$' -benchmem -benchtime=5x -timeout=30m ./bench/
	$(GO) test -run='^$$' -bench='^BenchmarkBuildCold$$' -benchmem -benchtime=1x -timeout=30m ./bench/
