//! The bin-packing allocator (sdk/examples/plugin/binpack-allocator/binpack,
//! docs/MODULES.md) written in Rust with no crates, as a gomesos WASM
//! module: the exports of ABI version 1 (modules/runtime/wasm/abi) and the
//! Allocator kind's two methods, Initialize and Allocate, whose messages
//! (modules/kinds/allocator/allocator.proto) it decodes and encodes by
//! hand.
//!
//! Built for wasm32-unknown-unknown, so it imports nothing (not even
//! WASI); it exports an empty `_initialize`, which makes it a reactor
//! for the host, and has no start section.
//!
//!     make modules-rust    # bin/modules/binpack-allocator-rs.wasm
//!
//! which runs Debian's /usr/bin/rustc with the flags in the Makefile
//! (RUST_WASM_FLAGS); docs/MODULES.md, "A module in Rust (WASM)". The
//! exports every kind has and the wire-format helpers are shared with the
//! other Rust example, in ../common.

mod agent;
mod alloc;
mod cycle;
mod framework;
mod quota;
mod res;
#[path = "../../common/abi.rs"]
mod abi;
#[path = "../../common/pb.rs"]
mod pb;

pub(crate) use abi::{STATUS_BAD_REQUEST, STATUS_ERROR};
use abi::STATUS_UNIMPLEMENTED;

const KIND: &str = "Allocator";
const API_VERSION: u64 = 1;
/// Both of the kind's methods.
const METHODS: &[u32] = &[];

/// The allocator's state: one instance serves one call at a time and
/// wasm32-unknown-unknown has no threads (see abi.rs).
static mut ALLOCATOR: Option<alloc::Allocator> = None;

fn allocator() -> &'static mut alloc::Allocator {
    // SAFETY: single-threaded and never re-entered.
    unsafe { ALLOCATOR.get_or_insert_with(alloc::Allocator::default) }
}

/// The allocator takes no parameters; any given are ignored, as by the
/// Go policy.
fn configure(_params: &[(String, String)]) -> Result<(), String> {
    Ok(())
}

/// Method numbers: positions in the Allocator service.
const METHOD_INITIALIZE: u32 = 1;
const METHOD_ALLOCATE: u32 = 2;

#[no_mangle]
pub extern "C" fn gomesos_call_allocator(method: u32, ptr: u32, len: u32) -> u64 {
    abi::call(method, ptr, len, |method, req| match method {
        METHOD_INITIALIZE => allocator().initialize(req).map(|()| Vec::new()),
        METHOD_ALLOCATE => allocate(allocator(), req),
        _ => Err((STATUS_UNIMPLEMENTED, format!("kind Allocator has no method {}", method))),
    })
}

/// Serves Allocate: the events are checked whole first, then applied,
/// then a cycle runs if asked for.
fn allocate(a: &mut alloc::Allocator, req: &[u8]) -> Result<Vec<u8>, (u8, String)> {
    if !a.initialized {
        return Err((STATUS_ERROR, "binpack: Allocate before Initialize".to_string()));
    }
    let bad = |e: String| (STATUS_BAD_REQUEST, format!("decoding AllocateRequest: {}", e));
    let fs = pb::fields(req).map_err(bad)?;
    let events = pb::all_of(&fs, 1).map_err(bad)?;
    let run = pb::uint_of(&fs, 2).map_err(bad)? != 0;
    let now = pb::uint_of(&fs, 3).map_err(bad)? as i64;
    for ev in &events {
        a.apply(ev, true).map_err(bad)?;
    }
    a.now = now;
    for ev in &events {
        a.apply(ev, false).map_err(bad)?;
    }
    let mut out = Vec::new();
    if run {
        for al in a.cycle() {
            pb::put_message(&mut out, 1, |b| {
                pb::put_bytes(b, 1, al.framework.as_bytes());
                pb::put_bytes(b, 2, al.agent.as_bytes());
                al.resources.encode(b, 3);
            });
        }
    }
    Ok(out)
}
