package wasm

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"github.com/tetratelabs/wazero"
	"google.golang.org/protobuf/proto"
)

// module is a loaded module: the compiled code (in the Loader's runtime
// for the module's memory limit), the WASI it is granted, and the pool of
// its instances.
type module struct {
	id         string
	log        *slog.Logger
	rt         wazero.Runtime
	code       wazero.CompiledModule
	config     wazero.ModuleConfig // WASI as granted
	kind       kindAdapter
	apiVersion int
	limitPages uint32
	timeout    time.Duration
	initReq    *abi.InitRequest
	// implements holds the methods the module implements when it
	// implements only some (nil: all).
	implements map[uint32]bool
	pool       *pool
	closeOnce  sync.Once
	// instrumented: the code has the interrupt checks (package
	// interrupt) and imports the host's yield.
	instrumented bool
}

// open compiles (or finds compiled) and instantiates wasm, whose SHA-256
// is sum, for spec, negotiates the kind and its version with the module,
// and fills the pool with the first instance.
func (l *Loader) open(ctx context.Context, spec modules.Spec, wasm []byte, sum [sha256.Size]byte) (*module, error) {
	m := &module{
		id:         spec.ID(),
		log:        l.log.With("module", spec.ID(), "runtime", modules.RuntimeWASM),
		limitPages: l.cfg.memoryLimit(spec.MemoryLimitPages),
	}
	sr, code, err := l.compiled(ctx, m.limitPages, wasm, sum)
	if err != nil {
		return nil, err
	}
	m.rt, m.code = sr.rt, code
	m.instrumented = l.instruments()
	wasi, err := checkImports(m.code, m.instrumented)
	if err != nil {
		return nil, err
	}
	if m.instrumented {
		if err := l.rts.instantiateYield(ctx, sr); err != nil {
			return nil, err
		}
	}
	if err := checkReactor(m.code); err != nil {
		return nil, err
	}
	if wasi {
		if err := l.rts.instantiateWASI(ctx, sr); err != nil {
			return nil, err
		}
	}
	m.config, err = applyGrants(wazero.NewModuleConfig(), spec.Grants)
	if err != nil {
		return nil, err
	}

	in, err := m.startFirst(ctx, spec)
	if err != nil {
		return nil, err
	}
	size := l.cfg.poolSize()
	if m.kind.stateful {
		size = 1
	}
	m.pool = newPool(size, m.replace)
	m.pool.add(in)
	return m, nil
}

// compiled returns wasm (whose SHA-256 is sum) compiled, instrumented
// unless the Config says otherwise, in the runtime for modules limited to
// limitPages.
func (l *Loader) compiled(ctx context.Context, limitPages uint32, wasm []byte, sum [sha256.Size]byte) (*sharedRuntime, wazero.CompiledModule, error) {
	sr := l.rts.get(func() wazero.Runtime {
		return wazero.NewRuntimeWithConfig(context.Background(), l.runtimeConfig(limitPages))
	}, limitPages)
	prepare := func() ([]byte, error) { return l.prepare(wasm, sum) }
	code, err := l.rts.compile(ctx, sr, sum, prepare)
	if err != nil && l.dropInstrumented(sum) {
		// A damaged cache file: instrument again.
		code, err = l.rts.compile(ctx, sr, sum, prepare)
	}
	return sr, code, err
}

// startTimeout bounds starting an instance: running the guest's
// initialization, the handshake of the first instance, gomesos_init.
const startTimeout = 30 * time.Second

// startFirst creates the first instance, checks the ABI version, learns
// the module's kinds, settles the kind and version and initializes it.
func (m *module) startFirst(ctx context.Context, spec modules.Spec) (*instance, error) {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	in, err := m.instantiate(ctx)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*instance, error) {
		in.close()
		return nil, err
	}
	v, err := in.invoke(ctx, startTimeout, in.abiVersion)
	if err != nil {
		return fail(failure(in, abi.ExportABIVersion, startTimeout.String(), err))
	}
	if int32(v) != abi.Version {
		return fail(fmt.Errorf("%w: module speaks WASM ABI version %d, host speaks %d", modules.ErrAPIVersion, int32(v), abi.Version))
	}
	if err := checkExports(m.code); err != nil {
		return fail(err)
	}
	res, err := in.invoke(ctx, startTimeout, in.info)
	if err != nil {
		return fail(failure(in, abi.ExportInfo, startTimeout.String(), err))
	}
	raw, err := in.response(res)
	if err != nil {
		return fail(err)
	}
	var info abi.ModuleInfo
	if err := proto.Unmarshal(raw, &info); err != nil {
		return fail(fmt.Errorf("%w: undecodable module info: %v", ErrProtocol, err))
	}
	if err := m.settle(spec, &info); err != nil {
		return fail(err)
	}
	if err := checkCallExport(m.code, m.kind.export); err != nil {
		return fail(err)
	}
	in.call = in.mod.ExportedFunction(m.kind.export)
	if err := m.initialize(ctx, in); err != nil {
		return fail(err)
	}
	m.log.Info("wasm module loaded", "kind", m.kind.kind, "api_version", m.apiVersion, "sdk", info.GetSdk(),
		"memory_limit_pages", m.limitPages)
	return in, nil
}

// settle picks the kind (the spec's, or the only one the module
// declares) and the highest contract version both sides speak, and
// prepares the InitRequest every instance gets.
func (m *module) settle(spec modules.Spec, info *abi.ModuleInfo) error {
	var declared []string
	var found *abi.KindInfo
	for _, k := range info.GetKinds() {
		declared = append(declared, k.GetKind())
		if spec.Kind != "" && strings.EqualFold(k.GetKind(), string(spec.Kind)) {
			found = k
		}
	}
	switch {
	case len(declared) == 0:
		return fmt.Errorf("%w: the module declares no kind", modules.ErrNotFound)
	case spec.Kind == "" && len(declared) > 1:
		return fmt.Errorf("%w: the module declares kinds %s: the manifest must name one", modules.ErrKindMismatch, strings.Join(declared, ", "))
	case spec.Kind == "":
		found = info.GetKinds()[0]
	case found == nil:
		return fmt.Errorf("%w: the manifest says %s, the module declares %s", modules.ErrKindMismatch, spec.Kind, strings.Join(declared, ", "))
	}
	kind, ok := modules.ParseKind(found.GetKind())
	if !ok {
		return fmt.Errorf("%w: the module declares kind %q", modules.ErrUnknownKind, found.GetKind())
	}
	m.kind, ok = kindAdapterFor(kind)
	if !ok {
		return fmt.Errorf("%w: the wasm runtime does not run %s modules (it runs %v)", modules.ErrUnknownKind, kind, supportedKinds())
	}
	v, err := modules.Negotiate(m.kind.versions, modules.Versions{Min: int(found.GetMinVersion()), Max: int(found.GetMaxVersion())})
	if err != nil {
		return fmt.Errorf("kind %s: %w", kind, err)
	}
	m.apiVersion = v
	m.timeout = spec.CallTimeout
	if m.timeout <= 0 {
		m.timeout = m.kind.timeout
	}
	if ms := found.GetMethods(); len(ms) > 0 {
		m.implements = map[uint32]bool{}
		for _, n := range ms {
			if n == 0 || int(n) > m.kind.service.Methods().Len() {
				return fmt.Errorf("%w: the module lists method %d of %s, which has %d", ErrProtocol, n, kind, m.kind.service.Methods().Len())
			}
			m.implements[n] = true
		}
	}
	m.initReq = &abi.InitRequest{Kind: string(kind), ApiVersion: uint32(v), Module: m.id, Parameters: spec.Parameters}
	return nil
}

// initialize calls gomesos_init on a new instance.
func (m *module) initialize(ctx context.Context, in *instance) error {
	out, err := in.exchange(ctx, startTimeout, in.init, initMethod, m.initReq)
	if err != nil {
		return failure(in, abi.ExportInit, startTimeout.String(), err)
	}
	if err := decode(out, nil); err != nil {
		if me, ok := err.(*ModuleError); ok {
			me.Module, me.Method = m.id, abi.ExportInit
		}
		return err
	}
	return nil
}

// replace creates and initializes an instance for the pool, after an
// instance failed (or while every instance is busy).
func (m *module) replace(ctx context.Context) (*instance, error) {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	in, err := m.instantiate(ctx)
	if err != nil {
		return nil, fmt.Errorf("wasm module %s: new instance: %w", m.id, err)
	}
	if err := m.initialize(ctx, in); err != nil {
		in.close()
		return nil, fmt.Errorf("wasm module %s: new instance: %w", m.id, err)
	}
	return in, nil
}

// close closes the module's instances (the compiled code stays with the
// Loader); safe to call more than once.
func (m *module) close(context.Context) error {
	m.closeOnce.Do(func() { m.pool.close() })
	return nil
}
