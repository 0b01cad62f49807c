package wasm

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"github.com/gomesos/mesos/modules/runtime/wasm/interrupt"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// exportSig is the signature an ABI export must have.
type exportSig struct {
	params, results []api.ValueType
}

var (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
)

// abiExports are the exports of ABI version 1 besides
// gomesos_abi_version, with their signatures.
func abiExports() map[string]exportSig {
	return map[string]exportSig{
		abi.ExportInfo:  {nil, []api.ValueType{i64}},
		abi.ExportAlloc: {[]api.ValueType{i32}, []api.ValueType{i32}},
		abi.ExportFree:  {[]api.ValueType{i32}, nil},
		abi.ExportInit:  {[]api.ValueType{i32, i32}, []api.ValueType{i64}},
	}
}

// callSig is the signature of gomesos_call_<kind>.
var callSig = exportSig{[]api.ValueType{i32, i32, i32}, []api.ValueType{i64}}

// errNotModule marks a WASM file that is not a gomesos module.
var errNotModule = errors.New("not a gomesos WASM module")

// checkReactor checks that code is a WASI reactor exporting
// gomesos_abi_version: what the host needs to ask a module which ABI it
// speaks before it looks for anything else.
func checkReactor(code wazero.CompiledModule) error {
	fns := code.ExportedFunctions()
	if _, ok := fns[abi.ExportInitialize]; !ok {
		if _, ok := fns[abi.ExportStart]; ok {
			return fmt.Errorf("%w: it is a WASI command (exports _start), not a reactor: build it with -buildmode=c-shared", errNotModule)
		}
		return fmt.Errorf("%w: it exports no %s (a WASI reactor does)", errNotModule, abi.ExportInitialize)
	}
	def, ok := fns[abi.ExportABIVersion]
	if !ok {
		return fmt.Errorf("%w: it exports no %s (is it built with the gomesos SDK?)", errNotModule, abi.ExportABIVersion)
	}
	return checkSig(abi.ExportABIVersion, def, exportSig{nil, []api.ValueType{i32}})
}

// checkExports checks that code has the exports of ABI version 1 with
// the right signatures.
func checkExports(code wazero.CompiledModule) error {
	fns := code.ExportedFunctions()
	var missing []string
	for name, sig := range abiExports() {
		def, ok := fns[name]
		if !ok {
			missing = append(missing, name)
			continue
		}
		if err := checkSig(name, def, sig); err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("%w: missing exports %s", errNotModule, strings.Join(missing, ", "))
	}
	if _, ok := code.ExportedMemories()[abi.ExportMemory]; !ok {
		return fmt.Errorf("%w: it exports no memory named %q", errNotModule, abi.ExportMemory)
	}
	return nil
}

// checkCallExport checks the call export of a kind the module declares.
func checkCallExport(code wazero.CompiledModule, export string) error {
	def, ok := code.ExportedFunctions()[export]
	if !ok {
		return fmt.Errorf("%w: it declares the kind but does not export %s", errNotModule, export)
	}
	return checkSig(export, def, callSig)
}

func checkSig(name string, def api.FunctionDefinition, sig exportSig) error {
	if !slices.Equal(def.ParamTypes(), sig.params) || !slices.Equal(def.ResultTypes(), sig.results) {
		return fmt.Errorf("%w: export %s has signature %s, want %s", errNotModule, name,
			sigString(def.ParamTypes(), def.ResultTypes()), sigString(sig.params, sig.results))
	}
	return nil
}

func sigString(params, results []api.ValueType) string {
	names := func(ts []api.ValueType) string {
		var s []string
		for _, t := range ts {
			s = append(s, api.ValueTypeName(t))
		}
		return strings.Join(s, ",")
	}
	return "(" + names(params) + ")->(" + names(results) + ")"
}

// checkImports reports whether code imports WASI, and fails if it
// imports anything else: the host provides nothing else.
func checkImports(code wazero.CompiledModule, instrumented bool) (wasi bool, err error) {
	for _, f := range code.ImportedFunctions() {
		mod, name, _ := f.Import()
		if instrumented && mod == interrupt.ImportModule && name == interrupt.ImportName {
			continue // added by the instrumentation, served by the host
		}
		if mod != wasi_snapshot_preview1.ModuleName {
			return false, fmt.Errorf("module imports %s.%s: the host provides only %s", mod, name, wasi_snapshot_preview1.ModuleName)
		}
		wasi = true
	}
	for _, m := range code.ImportedMemories() {
		mod, name, _ := m.Import()
		return false, fmt.Errorf("module imports memory %s.%s: the host provides none", mod, name)
	}
	return wasi, nil
}
