# Build, test and code generation for the Go rebuild of Apache Mesos.
# Every tool version is pinned here so that `make generate` is reproducible.

GO              ?= go
MODULE          := github.com/gomesos/mesos
BIN             := $(CURDIR)/bin
TOOLS           := $(BIN)/tools
PROTOC_GEN_GO   := $(TOOLS)/protoc-gen-go
PROTOC_GEN_GO_VERSION := v1.36.12
PROTOC_GEN_GO_GRPC := $(TOOLS)/protoc-gen-go-grpc
PROTOC_GEN_GO_GRPC_VERSION := v1.6.2
BINARIES        := mesos-master mesos-agent mesos-local mesos-execute mesos \
                   mesos-containerizer mesos-executor
# The agent's helpers start with every task (supervisor, command executor),
# so they are linked statically (CGO_ENABLED=0): no dynamic loader or libc
# start, about 1 CPU-ms per task. The price: their user lookups (a task's
# CommandInfo.user) read /etc/passwd and /etc/group, not NSS (LDAP, sssd);
# `make build HELPERS_CGO=1` links them with libc again (docs/OPERATOR.md).
HELPERS         := mesos-containerizer mesos-executor
HELPERS_CGO     ?= 0
PROTO_FILES     := $(shell find core/proto -name '*.proto' | sort)
MODULE_PROTO_FILES := $(shell find modules -name '*.proto' | sort)
# Each kind's service (modules/kinds/<kind>/<kind>_service.proto) gets its
# gRPC code in a package of its own, <kind>/<kind>grpc, so that the kind's
# package (messages, service descriptor, Go interface) does not link gRPC:
# WASM guests import it. protoc-gen-go-grpc's M option moves the file there.
KIND_SERVICE_PROTOS := $(shell find modules/kinds -name '*_service.proto' | sort)
KIND_GRPC_MAPPINGS := $(foreach f,$(KIND_SERVICE_PROTOS),--go-grpc_opt=M$(f)=$(MODULE)/$(dir $(f))$(notdir $(patsubst %/,%,$(dir $(f))))grpc\;$(notdir $(patsubst %/,%,$(dir $(f))))grpc)

.PHONY: all build run test bench generate check-generated vet fmt fuzz clean tools modules

all: build

build:
	@mkdir -p $(BIN)
	$(GO) build -o $(BIN)/ $(addprefix ./cmd/,$(filter-out $(HELPERS),$(BINARIES)))
	CGO_ENABLED=$(HELPERS_CGO) $(GO) build -o $(BIN)/ $(addprefix ./cmd/,$(HELPERS))

# The README's first command: build and start the embedded default.
run: build
	$(BIN)/mesos-local --work_dir=$(CURDIR)/.run

# The README's second command: vet and run every test.
test: vet
	$(GO) test -count=1 ./...
	$(MAKE) --no-print-directory test-mesosgo

vet:
	$(GO) vet ./...

bench:
	$(GO) test -short -run='^$$' -bench=. -benchmem ./...

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

$(PROTOC_GEN_GO_GRPC):
	GOBIN=$(TOOLS) $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)

tools: $(PROTOC_GEN_GO) $(PROTOC_GEN_GO_GRPC)

# Regenerate the committed protobuf code. Needs protoc (Debian: protobuf-compiler).
generate: $(PROTOC_GEN_GO) $(PROTOC_GEN_GO_GRPC)
	protoc -I core/proto --plugin=protoc-gen-go=$(PROTOC_GEN_GO) \
	  --go_out=. --go_opt=module=$(MODULE) $(PROTO_FILES)
	protoc -I core/proto -I . --plugin=protoc-gen-go=$(PROTOC_GEN_GO) \
	  --plugin=protoc-gen-go-grpc=$(PROTOC_GEN_GO_GRPC) \
	  --go_out=. --go_opt=module=$(MODULE) \
	  --go-grpc_out=. --go-grpc_opt=module=$(MODULE) $(KIND_GRPC_MAPPINGS) \
	  $(MODULE_PROTO_FILES)

fmt:
	gofmt -l -w .

# The example modules: every main package under sdk/examples/plugin becomes
# an executable plugin in bin/modules/ (named after its directory).
modules:
	@mkdir -p $(BIN)/modules
	$(GO) build -o $(BIN)/modules/ ./sdk/examples/plugin/...

# The WASM example modules: every main package under sdk/examples/wasm
# becomes bin/modules/<directory>.wasm, a WASI reactor.
WASM_EXAMPLES := $(sort $(patsubst %/main.go,%,$(shell find sdk/examples/wasm -name main.go)))
.PHONY: modules-wasm
modules: modules-wasm
modules-wasm:
	@mkdir -p $(BIN)/modules
	@for d in $(WASM_EXAMPLES); do \
	  echo "GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -o $(BIN)/modules/$$(basename $$d).wasm ./$$d"; \
	  GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -o $(BIN)/modules/$$(basename $$d).wasm ./$$d || exit 1; \
	done

# The Rust example module (sdk/examples/wasm-rust/binpack-allocator, no
# crates): bin/modules/binpack-allocator-rs.wasm, built with Debian's
# rustc and its wasm32-unknown-unknown standard library
# (apt-get install rustc libstd-rust-dev-wasm32). Part of `make modules`
# when that compiler and target are there; skipped with a message if not.
RUSTC_WASM ?= /usr/bin/rustc
RUST_WASM_FLAGS := --edition 2021 --target wasm32-unknown-unknown --crate-type cdylib \
	-C opt-level=3 -C panic=abort -C lto=fat -C codegen-units=1 -C strip=debuginfo
.PHONY: modules-rust
modules: modules-rust
modules-rust:
	@if ! $(RUSTC_WASM) --print target-libdir --target wasm32-unknown-unknown 2>/dev/null | xargs -I{} test -d {}; then \
	  echo "modules-rust: skipped: $(RUSTC_WASM) has no wasm32-unknown-unknown target (apt-get install rustc libstd-rust-dev-wasm32)"; \
	else \
	  mkdir -p $(BIN)/modules && \
	  for m in binpack-allocator label-hook; do \
	    echo "$(RUSTC_WASM) ... -o $(BIN)/modules/$$m-rs.wasm sdk/examples/wasm-rust/$$m/src/lib.rs" && \
	    $(RUSTC_WASM) $(RUST_WASM_FLAGS) -o $(BIN)/modules/$$m-rs.wasm sdk/examples/wasm-rust/$$m/src/lib.rs || exit 1; \
	  done; \
	fi

clean:
	rm -rf $(BIN) .run

# Fails when the committed generated code differs from what `make generate` writes.
check-generated: generate
	@git diff --exit-code --stat -- '*.pb.go' || \
	  (echo "generated code is stale: run 'make generate' and commit the result" >&2; exit 1)
	@test -z "$$(git ls-files --others --exclude-standard -- '*.pb.go')" || \
	  (echo "untracked generated files: run 'make generate' and commit the result" >&2; exit 1)

# A third-party client against our binaries: mesos-go v0.0.11's example
# scheduler and executor (built unmodified from the Go module proxy) and a
# scheduler written against its library, run against bin/mesos-master and
# bin/mesos-agent. test/mesosgo is a module of its own, so that mesos-go's
# dependencies stay out of go.mod; `go test ./...` above does not reach it.
.PHONY: test-mesosgo
test-mesosgo: build
	cd test/mesosgo && $(GO) vet ./... && $(GO) test -count=1 -timeout=15m ./...

# Static (CGO_ENABLED=0) binaries for the cluster images, in bin/static/.
.PHONY: build-static test-cluster
build-static:
	@mkdir -p $(BIN)/static
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/static/ $(addprefix ./cmd/,$(BINARIES))

# The multi-host tests (test/cluster): ZooKeeper, three masters and two
# agents as containers on a private Docker network, built locally from the
# static binaries (no registry). Needs a Docker daemon and root (debootstrap,
# once; the rootfs is cached outside the repository). The test builds the
# images itself (scripts/cluster/build-image.sh); containers and networks
# left by a killed run are removed before and after (not after when
# GOMESOS_CLUSTER_KEEP=1 keeps a failed run's). CLUSTER_RUN selects tests:
# CLUSTER_RUN='TestImage|TestZooKeeperEnsemble' is the environment alone.
CLUSTER_TIMEOUT ?= 30m
CLUSTER_RUN     ?= .
test-cluster:
	scripts/cluster/clean.sh --stale
	GOMESOS_CLUSTER=1 $(GO) test -count=1 -v -timeout=$(CLUSTER_TIMEOUT) -run='$(CLUSTER_RUN)' ./test/cluster/ ; \
	  status=$$?; [ "$$GOMESOS_CLUSTER_KEEP" = 1 ] || scripts/cluster/clean.sh --stale; exit $$status

# mesos-local with the repository's modules.json (docs/MODULES.md, "Trying
# it"): the binpack allocator, the env isolator and the WASM label hook. The
# manifest's paths are relative to the working directory, this one.
.PHONY: run-modules
run-modules: build modules
	MESOS_MODULES=$(CURDIR)/modules.json MESOS_ALLOCATOR=binpack \
	MESOS_ISOLATION=posix/cpu,posix/mem,env MESOS_HOOKS=labels \
	$(BIN)/mesos-local --work_dir=$(CURDIR)/.run
