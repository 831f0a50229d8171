# pvo-doctor. Everything the project needs comes from go.mod through the Go
# module proxy; the only prerequisite is the Go toolchain named in go.mod.
GO      ?= go
BIN     ?= bin/pvo-doctor
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/pvo-doctor/pvo-doctor/internal/cli.Version=$(VERSION)

.PHONY: all build test demo lint bench fuzz clean

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

clean:
	rm -rf bin
