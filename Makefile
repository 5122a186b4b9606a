# triggergen — developer tasks. `make test` is what CI runs (.ci/run).
GO      ?= go
# staticcheck runs from the module proxy at a pinned version; no install step.
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME ?= 5s
# Everything `make generate` writes; CI fails when it changes a byte.
GENERATED := gen catalog internal/generated internal/fuzzgen examples

.PHONY: all build generate check-generated test vet fuzz-short bench tools

all: build

build:
	$(GO) build ./...

## generate: regenerate everything that is checked in (transport, catalog, examples).
generate:
	$(GO) generate ./openapi/... ./catalog/... ./internal/generated/... ./internal/fuzzgen/...
	cd examples && $(GO) generate ./...

## check-generated: fail when `make generate` would change a checked-in byte.
check-generated: generate
	@git diff --exit-code --stat -- $(GENERATED) || { echo "generated files are stale: run 'make generate' and commit"; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- $(GENERATED))" || { git status --porcelain --untracked-files=all -- $(GENERATED); echo "untracked generated files: run 'make generate' and commit"; exit 1; }

vet:
	$(GO) vet ./...
	$(STATICCHECK) ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '^testdata/'))" || { gofmt -l $$(git ls-files '*.go' | grep -v '^testdata/'); echo "gofmt needed"; exit 1; }

## test: the full suite: unit, golden, corpus compile, differential, fuzz seeds
## and short fuzz runs, the downstream example, and the generated-code check.
## The race-enabled suite runs last, so that its summary closes the output.
test: vet check-generated fuzz-short
	cd bench/peer && $(GO) vet ./... && $(GO) test -count=1 ./...
	$(GO) test -race -count=1 ./...

## fuzz-short: a few seconds of each fuzz target (longer runs: FUZZTIME=10m).
fuzz-short:
	$(GO) test -run='^$$' -fuzz='^FuzzVerify$$' -fuzztime=$(FUZZTIME) ./webhook/
	$(GO) test -run='^$$' -fuzz='^FuzzDecode$$' -fuzztime=$(FUZZTIME) ./webhook/
	$(GO) test -run='^$$' -fuzz='^FuzzGenerate$$' -fuzztime=$(FUZZTIME) ./generator/
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) ./lockfile/
	$(GO) test -run='^$$' -fuzz='^FuzzJSONMembers$$' -fuzztime=$(FUZZTIME) ./internal/jsonscan/
	$(GO) test -run='^$$' -fuzz='^FuzzValid$$' -fuzztime=$(FUZZTIME) ./internal/jsonscan/
	$(GO) test -run='^$$' -fuzz='^FuzzDecoder$$' -fuzztime=$(FUZZTIME) ./trigger/triggerimpl/
	$(GO) test -run='^$$' -fuzz='^FuzzConfigDecode$$' -fuzztime=$(FUZZTIME) ./internal/fuzzgen/

## bench: every figure in BENCHMARKS.md, with allocations (about 10 minutes).
BENCHCOUNT ?= 3
bench:
	$(GO) test -run='^$$' -bench='^BenchmarkGenerate$$' -benchmem -count=$(BENCHCOUNT) ./generator/
	cd bench/peer && $(GO) test -run='^$$' -bench='^BenchmarkPeer$$' -benchmem -count=$(BENCHCOUNT) .
	cd bench/peer && $(GO) run ./cmd/peercompare
	cd bench/peer && $(GO) run ./cmd/suitepeer
	$(GO) test -run='^$$' -bench='^BenchmarkDecodePayload$$' -benchmem -count=$(BENCHCOUNT) ./bench/
	$(GO) test -run='^$$' -bench='^Benchmark(Verify|HMACBaseline)$$' -benchmem -count=$(BENCHCOUNT) ./webhook/
	$(GO) test -run='^$$' -bench='^BenchmarkReceiver$$' -benchmem -benchtime=20000x -count=$(BENCHCOUNT) ./bench/
	$(GO) test -run='^$$' -bench='^BenchmarkBuildGenerated$$' -benchmem -benchtime=5x -timeout=30m ./bench/
	$(GO) test -run='^$$' -bench='^BenchmarkBuildCold$$' -benchmem -benchtime=1x -timeout=30m ./bench/
