//! The example label decorator (sdk/examples/wasm/label-hook/labelhook,
//! docs/MODULES.md) written in Rust with no crates, as a gomesos WASM
//! module of kind Hook: it adds the labels named in its parameters to
//! every task, on the master (MasterLaunchTaskLabelDecorator) and on the
//! agent (SlaveRunTaskLabelDecorator). A parameter "label.team" = "infra"
//! adds the label team=infra, replacing a label of that key the task
//! already has. Its answers are the Go hook's, byte for byte.
//!
//!     make modules-rust    # bin/modules/label-hook-rs.wasm

#[path = "../../common/abi.rs"]
mod abi;
#[path = "../../common/pb.rs"]
mod pb;

use abi::{Reply, STATUS_BAD_REQUEST, STATUS_UNIMPLEMENTED};

const KIND: &str = "Hook";
const API_VERSION: u64 = 1;

/// Method numbers: positions in the Hook service (hook_service.proto).
const METHOD_MASTER_LAUNCH_TASK_LABEL_DECORATOR: u32 = 1;
const METHOD_SLAVE_RUN_TASK_LABEL_DECORATOR: u32 = 4;
/// The hooks this module implements; the host answers the others itself
/// ("no change") without calling it.
const METHODS: &[u32] = &[METHOD_MASTER_LAUNCH_TASK_LABEL_DECORATOR, METHOD_SLAVE_RUN_TASK_LABEL_DECORATOR];

const PARAM_PREFIX: &str = "label.";

/// The labels to add, sorted by key; set by configure.
static mut LABELS: Vec<(String, String)> = Vec::new();

fn labels() -> &'static [(String, String)] {
    // SAFETY: single-threaded; written only by configure (gomesos_init).
    unsafe { &*std::ptr::addr_of!(LABELS) }
}

fn configure(params: &[(String, String)]) -> Result<(), String> {
    let mut out = Vec::with_capacity(params.len());
    for (k, v) in params {
        match k.strip_prefix(PARAM_PREFIX) {
            Some(key) if !key.is_empty() => out.push((key.to_string(), v.clone())),
            _ => return Err(format!("labelhook: unknown parameter {:?} (want {}<key>)", k, PARAM_PREFIX)),
        }
    }
    out.sort();
    // SAFETY: as in labels.
    unsafe { *std::ptr::addr_of_mut!(LABELS) = out };
    Ok(())
}

#[no_mangle]
pub extern "C" fn gomesos_call_hook(method: u32, ptr: u32, len: u32) -> u64 {
    abi::call(method, ptr, len, |method, req| match method {
        METHOD_MASTER_LAUNCH_TASK_LABEL_DECORATOR | METHOD_SLAVE_RUN_TASK_LABEL_DECORATOR => decorate(req),
        _ => Err((STATUS_UNIMPLEMENTED, format!("hook method {} is not implemented", method))),
    })
}

/// Answers both decorators, whose requests carry the task as field 1 and
/// whose responses carry the new mesos.v1.Labels as field 1: the task's
/// labels (TaskInfo field 10) without those whose key the module sets,
/// then the module's. No labels configured: an empty response, "no
/// change".
fn decorate(req: &[u8]) -> Reply {
    let add = labels();
    if add.is_empty() {
        return Ok(Vec::new());
    }
    let bad = |e: String| (STATUS_BAD_REQUEST, format!("decoding the request: {}", e));
    let fs = pb::fields(req).map_err(bad)?;
    let task = pb::msg_of(&fs, 1).map_err(bad)?.unwrap_or(&[]);
    let have = pb::msg_of(&pb::fields(task).map_err(bad)?, 10).map_err(bad)?.unwrap_or(&[]);
    let mut body = Vec::new();
    for label in pb::all_of(&pb::fields(have).map_err(bad)?, 1).map_err(bad)? {
        let key = pb::str_of(&pb::fields(label).map_err(bad)?, 1).map_err(bad)?;
        if add.binary_search_by(|(k, _)| k.as_str().cmp(key.as_str())).is_err() {
            pb::put_bytes(&mut body, 1, label);
        }
    }
    for (k, v) in add {
        pb::put_message(&mut body, 1, |l| {
            pb::put_bytes(l, 1, k.as_bytes());
            pb::put_bytes(l, 2, v.as_bytes());
        });
    }
    let mut out = Vec::with_capacity(body.len() + 8);
    pb::put_message(&mut out, 1, |l| l.extend_from_slice(&body));
    Ok(out)
}
