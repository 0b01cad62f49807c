# Build, test and code generation for the Go rebuild of Apache Mesos.
# Every tool version is pinned here so that `make generate` is reproducible.

GO              ?= go
MODULE          := github.com/gomesos/mesos
BIN             := $(CURDIR)/bin
TOOLS           := $(BIN)/tools
PROTOC_GEN_GO   := $(TOOLS)/protoc-gen-go
PROTOC_GEN_GO_VERSION := v1.36.12
BINARIES        := mesos-master mesos-agent mesos-local mesos-execute mesos
PROTO_FILES     := $(shell find core/proto -name '*.proto' | sort)
MODULE_PROTO_FILES := $(shell find modules -name '*.proto' | sort)

.PHONY: all build run test bench generate check-generated vet fmt fuzz clean tools

all: build

build:
	@mkdir -p $(BIN)
	$(GO) build -o $(BIN)/ $(addprefix ./cmd/,$(BINARIES))

# The README's first command: build and start the embedded default.
run: build
	$(BIN)/mesos-local --work_dir=$(CURDIR)/.run

# The README's second command: vet and run every test.
test: vet
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

# Short runs of every fuzz target (one at a time: go test allows one -fuzz per package run).
FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list='^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$target"; \
	    $(GO) test -run='^$$' -fuzz="^$$target$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

$(PROTOC_GEN_GO):
	GOBIN=$(TOOLS) $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)

tools: $(PROTOC_GEN_GO)

# Regenerate the committed protobuf code. Needs protoc (Debian: protobuf-compiler).
generate: $(PROTOC_GEN_GO)
	protoc -I core/proto --plugin=protoc-gen-go=$(PROTOC_GEN_GO) \
	  --go_out=. --go_opt=module=$(MODULE) $(PROTO_FILES)
	protoc -I core/proto -I . --plugin=protoc-gen-go=$(PROTOC_GEN_GO) \
	  --go_out=. --go_opt=module=$(MODULE) $(MODULE_PROTO_FILES)

fmt:
	gofmt -l -w .

clean:
	rm -rf $(BIN) .run

# Fails when the committed generated code differs from what `make generate` writes.
check-generated: generate
	@git diff --exit-code --stat -- '*.pb.go' || \
	  (echo "generated code is stale: run 'make generate' and commit the result" >&2; exit 1)
	@test -z "$$(git ls-files --others --exclude-standard -- '*.pb.go')" || \
	  (echo "untracked generated files: run 'make generate' and commit the result" >&2; exit 1)
