# pvo-doctor. Everything the project needs comes from go.mod through the Go
# module proxy; the only prerequisite is the Go toolchain named in go.mod.
GO      ?= go
BIN     ?= bin/pvo-doctor
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/pvo-doctor/pvo-doctor/internal/cli.Version=$(VERSION)

.PHONY: all build test demo lint bench fuzz clean release docs

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/pvo-doctor

test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

demo: build
	./$(BIN) demo

lint:
	@out=$$(gofmt -l cmd internal); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Every fuzz target for FUZZTIME each: by default a count of inputs (a few
# seconds each), since on Go 1.26 a time budget on a loaded machine can end
# with a spurious "context deadline exceeded" and no crasher (go.dev/issue/75804);
# a longer run is `make fuzz FUZZTIME=2000000x`. Go fuzzes one target per
# invocation, so the targets are listed from the packages themselves.
FUZZTIME ?= 5000x
# FUZZSLOW gives targets whose one input runs a whole multi-file analysis a
# smaller count of their own (TARGET=BUDGET ...), so CI stays short.
FUZZSLOW ?= FuzzJoin=500x

fuzz:
	@set -e; log=$$(mktemp); trap 'rm -f $$log' EXIT; \
	for pkg in $$($(GO) list ./...); do \
		for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			budget=$(FUZZTIME); \
			for o in $(FUZZSLOW); do if [ "$${o%%=*}" = "$$t" ]; then budget=$${o#*=}; fi; done; \
			echo "fuzz $$pkg $$t ($$budget)"; \
			$(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $$budget $$pkg > $$log 2>&1 || \
				{ grep -v 'elapsed:' $$log | tail -40; exit 1; }; \
		done; \
	done

# Release binaries for every platform people run pvo-doctor on, with the
# version stamped from git and a SHA256SUMS file to check them against.
# Separate from test on purpose: CI never builds these.
DIST      ?= dist
PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
SHA256    ?= $(shell command -v sha256sum >/dev/null 2>&1 && echo sha256sum || echo 'shasum -a 256')

release:
	rm -rf $(DIST)
	mkdir -p $(DIST)
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; \
		if [ "$$os" = windows ]; then ext=.exe; fi; \
		out=$(DIST)/pvo-doctor_$(VERSION)_$${os}_$${arch}$$ext; \
		echo "build $$out"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(LDFLAGS) -s -w" -o $$out ./cmd/pvo-doctor; \
	done
	cd $(DIST) && $(SHA256) pvo-doctor_* > SHA256SUMS
	@cat $(DIST)/SHA256SUMS

# Man pages and Markdown reference from the cobra tree, dated by the last
# commit so that regenerating on one commit changes nothing.
DOCS ?= docs

docs:
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || date +%s) \
		$(GO) run -ldflags "$(LDFLAGS)" ./cmd/gendocs -out $(DOCS)

clean:
	rm -rf bin $(DIST) $(DOCS)/man $(DOCS)/md
