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
//! (RUST_WASM_FLAGS); docs/MODULES.md, "A module in Rust (WASM)".

mod agent;
mod alloc;
mod cycle;
mod framework;
mod pb;
mod quota;
mod res;

use std::collections::HashMap;

const ABI_VERSION: i32 = 1;
const KIND: &str = "Allocator";
const API_VERSION: u64 = 1;

const STATUS_OK: u8 = 0;
pub(crate) const STATUS_ERROR: u8 = 1;
const STATUS_UNIMPLEMENTED: u8 = 2;
pub(crate) const STATUS_BAD_REQUEST: u8 = 3;

/// The instance: the host calls one export at a time (the ABI), and
/// wasm32-unknown-unknown has no threads, so one value behind a raw
/// pointer is all the synchronisation there is.
struct Module {
    /// Buffers handed to the host by gomesos_alloc, by address.
    buffers: HashMap<u32, Vec<u8>>,
    /// What the last export returned; valid until the next call.
    out: Vec<u8>,
    inited: bool,
    allocator: alloc::Allocator,
}

static mut MODULE: Option<Module> = None;

fn module() -> &'static mut Module {
    // SAFETY: single-threaded and never re-entered (see Module).
    unsafe {
        if MODULE.is_none() {
            MODULE = Some(Module { buffers: HashMap::new(), out: Vec::new(), inited: false, allocator: alloc::Allocator::default() });
        }
        MODULE.as_mut().unwrap()
    }
}

impl Module {
    fn respond(&mut self, status: u8, body: &[u8]) -> u64 {
        self.out.clear();
        self.out.push(status);
        self.out.extend_from_slice(body);
        pack(&self.out)
    }

    /// The request the host wrote into one of our buffers.
    fn request(&self, ptr: u32, len: u32) -> Option<Vec<u8>> {
        let b = self.buffers.get(&ptr)?;
        b.get(..len as usize).map(|s| s.to_vec())
    }
}

fn pack(b: &[u8]) -> u64 {
    ((b.as_ptr() as u32 as u64) << 32) | b.len() as u64
}

#[no_mangle]
pub extern "C" fn _initialize() {}

#[no_mangle]
pub extern "C" fn gomesos_abi_version() -> i32 {
    ABI_VERSION
}

#[no_mangle]
pub extern "C" fn gomesos_info() -> u64 {
    let mut info = Vec::new();
    pb::put_message(&mut info, 1, |k| {
        pb::put_bytes(k, 1, KIND.as_bytes());
        pb::put_uint(k, 2, API_VERSION);
        pb::put_uint(k, 3, API_VERSION);
    });
    pb::put_bytes(&mut info, 2, b"gomesos-rust-example (no SDK)");
    let m = module();
    m.out = info;
    pack(&m.out)
}

#[no_mangle]
pub extern "C" fn gomesos_alloc(size: u32) -> u32 {
    let b = vec![0u8; size.max(1) as usize];
    let ptr = b.as_ptr() as u32;
    module().buffers.insert(ptr, b);
    ptr
}

#[no_mangle]
pub extern "C" fn gomesos_free(ptr: u32) {
    module().buffers.remove(&ptr);
}

#[no_mangle]
pub extern "C" fn gomesos_init(ptr: u32, len: u32) -> u64 {
    let m = module();
    let req = match m.request(ptr, len) {
        Some(r) => r,
        None => return m.respond(STATUS_BAD_REQUEST, b"init request is not in a buffer from gomesos_alloc"),
    };
    let fs = match pb::fields(&req) {
        Ok(fs) => fs,
        Err(e) => return m.respond(STATUS_BAD_REQUEST, format!("init request: {}", e).as_bytes()),
    };
    let (kind, version) = match (pb::str_of(&fs, 1), pb::uint_of(&fs, 2)) {
        (Ok(k), Ok(v)) => (k, v),
        (Err(e), _) | (_, Err(e)) => return m.respond(STATUS_BAD_REQUEST, format!("init request: {}", e).as_bytes()),
    };
    if !kind.eq_ignore_ascii_case(KIND) {
        return m.respond(STATUS_UNIMPLEMENTED, format!("module does not implement kind {:?}", kind).as_bytes());
    }
    if version != API_VERSION {
        let msg = format!("kind {}: API version {} not spoken ({}-{})", KIND, version, API_VERSION, API_VERSION);
        return m.respond(STATUS_UNIMPLEMENTED, msg.as_bytes());
    }
    m.inited = true;
    m.respond(STATUS_OK, &[])
}

/// Method numbers: positions in the Allocator service.
const METHOD_INITIALIZE: u32 = 1;
const METHOD_ALLOCATE: u32 = 2;

#[no_mangle]
pub extern "C" fn gomesos_call_allocator(method: u32, ptr: u32, len: u32) -> u64 {
    let m = module();
    if !m.inited {
        return m.respond(STATUS_UNIMPLEMENTED, b"kind Allocator not initialized");
    }
    let req = match m.request(ptr, len) {
        Some(r) => r,
        None => return m.respond(STATUS_BAD_REQUEST, b"request is not in a buffer from gomesos_alloc"),
    };
    let result = match method {
        METHOD_INITIALIZE => m.allocator.initialize(&req).map(|()| Vec::new()),
        METHOD_ALLOCATE => allocate(&mut m.allocator, &req),
        _ => Err((STATUS_UNIMPLEMENTED, format!("kind Allocator has no method {}", method))),
    };
    match result {
        Ok(body) => {
            let mut out = std::mem::take(&mut m.out);
            out.clear();
            out.push(STATUS_OK);
            out.extend_from_slice(&body);
            m.out = out;
            pack(&m.out)
        }
        Err((status, msg)) => m.respond(status, msg.as_bytes()),
    }
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
