//! The exports of gomesos WASM ABI version 1 (modules/runtime/wasm/abi,
//! docs/MODULES.md "The ABI") that every module has whatever its kind:
//! `_initialize`, `gomesos_abi_version`, `gomesos_info`, `gomesos_alloc`,
//! `gomesos_free` and `gomesos_init`; and `call`, the checks every call
//! export makes before its kind serves the request. Shared by the Rust
//! examples through `#[path]` (they are built by rustc alone, without
//! Cargo); the crate root supplies `KIND`, `API_VERSION`, `METHODS` (the
//! kind's methods it implements, empty for all) and
//! `configure(parameters)`.

use std::collections::HashMap;

use crate::pb;

const ABI_VERSION: i32 = 1;

pub const STATUS_OK: u8 = 0;
pub const STATUS_ERROR: u8 = 1;
pub const STATUS_UNIMPLEMENTED: u8 = 2;
pub const STATUS_BAD_REQUEST: u8 = 3;

/// What a kind's method returns: the response's bytes, or a status and a
/// message.
pub type Reply = Result<Vec<u8>, (u8, String)>;

/// The ABI's state in the instance: the host calls one export at a time,
/// and wasm32-unknown-unknown has no threads, so one value behind a raw
/// pointer is all the synchronisation there is.
struct Abi {
    /// Buffers handed to the host by gomesos_alloc, by address.
    buffers: HashMap<u32, Vec<u8>>,
    /// What the last export returned; valid until the next call.
    out: Vec<u8>,
    inited: bool,
}

static mut ABI: Option<Abi> = None;

fn abi() -> &'static mut Abi {
    // SAFETY: single-threaded and never re-entered (see Abi).
    unsafe {
        if ABI.is_none() {
            ABI = Some(Abi { buffers: HashMap::new(), out: Vec::new(), inited: false });
        }
        ABI.as_mut().unwrap()
    }
}

impl Abi {
    fn respond(&mut self, status: u8, body: &[u8]) -> u64 {
        self.out.clear();
        self.out.push(status);
        self.out.extend_from_slice(body);
        pack(&self.out)
    }

    /// The request the host wrote into one of our buffers.
    fn request(&self, ptr: u32, len: u32) -> Option<&[u8]> {
        self.buffers.get(&ptr)?.get(..len as usize)
    }
}

fn pack(b: &[u8]) -> u64 {
    ((b.as_ptr() as u32 as u64) << 32) | b.len() as u64
}

/// Serves one call of the kind: checks that the module is initialized and
/// that the request is in a buffer from gomesos_alloc, then answers with
/// what serve returns for (method, request).
pub fn call(method: u32, ptr: u32, len: u32, serve: impl FnOnce(u32, &[u8]) -> Reply) -> u64 {
    let a = abi();
    if !a.inited {
        return a.respond(STATUS_UNIMPLEMENTED, format!("kind {} not initialized", crate::KIND).as_bytes());
    }
    let reply = match a.request(ptr, len) {
        Some(req) => serve(method, req),
        None => Err((STATUS_BAD_REQUEST, "request is not in a buffer from gomesos_alloc".to_string())),
    };
    match reply {
        Ok(body) => {
            let mut out = std::mem::take(&mut a.out);
            out.clear();
            out.push(STATUS_OK);
            out.extend_from_slice(&body);
            a.out = out;
            pack(&a.out)
        }
        Err((status, msg)) => a.respond(status, msg.as_bytes()),
    }
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
        pb::put_bytes(k, 1, crate::KIND.as_bytes());
        pb::put_uint(k, 2, crate::API_VERSION);
        pb::put_uint(k, 3, crate::API_VERSION);
        for m in crate::METHODS {
            pb::put_uint(k, 4, *m as u64);
        }
    });
    pb::put_bytes(&mut info, 2, b"gomesos-rust-example (no SDK)");
    let a = abi();
    a.out = info;
    pack(&a.out)
}

#[no_mangle]
pub extern "C" fn gomesos_alloc(size: u32) -> u32 {
    let b = vec![0u8; size.max(1) as usize];
    let ptr = b.as_ptr() as u32;
    abi().buffers.insert(ptr, b);
    ptr
}

#[no_mangle]
pub extern "C" fn gomesos_free(ptr: u32) {
    abi().buffers.remove(&ptr);
}

/// Takes the InitRequest: kind (1), API version (2), module name (3) and
/// parameters (4, a map), which go to the crate's configure.
#[no_mangle]
pub extern "C" fn gomesos_init(ptr: u32, len: u32) -> u64 {
    let a = abi();
    let req = match a.request(ptr, len) {
        Some(r) => r.to_vec(),
        None => return a.respond(STATUS_BAD_REQUEST, b"init request is not in a buffer from gomesos_alloc"),
    };
    let bad = |e: String| format!("init request: {}", e);
    let fs = match pb::fields(&req) {
        Ok(fs) => fs,
        Err(e) => return a.respond(STATUS_BAD_REQUEST, bad(e).as_bytes()),
    };
    let (kind, version) = match (pb::str_of(&fs, 1), pb::uint_of(&fs, 2)) {
        (Ok(k), Ok(v)) => (k, v),
        (Err(e), _) | (_, Err(e)) => return a.respond(STATUS_BAD_REQUEST, bad(e).as_bytes()),
    };
    if !kind.eq_ignore_ascii_case(crate::KIND) {
        return a.respond(STATUS_UNIMPLEMENTED, format!("module does not implement kind {:?}", kind).as_bytes());
    }
    if version != crate::API_VERSION {
        let msg = format!("kind {}: API version {} not spoken ({}-{})", crate::KIND, version, crate::API_VERSION, crate::API_VERSION);
        return a.respond(STATUS_UNIMPLEMENTED, msg.as_bytes());
    }
    let entries = match pb::all_of(&fs, 4) {
        Ok(e) => e,
        Err(e) => return a.respond(STATUS_BAD_REQUEST, bad(e).as_bytes()),
    };
    let mut params = Vec::new();
    for entry in entries {
        match pb::map_entry(entry, |f| f.string(), String::new()) {
            Ok(kv) => params.push(kv),
            Err(e) => return a.respond(STATUS_BAD_REQUEST, bad(e).as_bytes()),
        }
    }
    if let Err(e) = crate::configure(&params) {
        return a.respond(STATUS_ERROR, e.as_bytes());
    }
    a.inited = true;
    a.respond(STATUS_OK, &[])
}
