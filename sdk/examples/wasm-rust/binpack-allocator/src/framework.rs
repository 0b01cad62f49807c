//! What the allocator knows of one framework, with its decline filters
//! (the Go original: binpack/frameworks.go and filters.go).

use crate::pb::{self, Result};
use crate::res::{Quantities, Res};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

#[derive(Default, Clone, Copy)]
pub struct Caps {
    pub multi_role: bool,
    pub revocable: bool,
    pub shared: bool,
    pub refinement: bool,
    pub gpu: bool,
}

/// Keeps resources of one agent away from a framework role until `until`
/// (nanoseconds since the epoch).
pub struct Filter {
    pub until: i64,
    pub res: Res,
}

pub struct Framework {
    pub id: Rc<str>,
    pub active: bool,
    pub caps: Caps,
    pub roles: Vec<String>,
    pub suppressed: HashSet<String>,
    /// The framework's own minimum allocatable quantities by role.
    pub min_alloc: HashMap<String, Vec<Quantities>>,
    /// Filters by (role, agent).
    pub filters: HashMap<(String, Rc<str>), Vec<Filter>>,
}

/// The parts of a mesos.v1.FrameworkInfo the policy reads.
pub struct Info {
    caps: Caps,
    roles: Vec<String>,
    min_alloc: HashMap<String, Vec<Quantities>>,
}

/// Decodes a FrameworkInfo (absent: an empty one).
pub fn decode_info(b: Option<&[u8]>) -> Result<Info> {
    let fs = pb::fields(b.unwrap_or(&[]))?;
    let mut caps = Caps::default();
    for c in pb::all_of(&fs, 10)? {
        match pb::uint_of(&pb::fields(c)?, 1)? {
            6 => caps.multi_role = true,
            1 => caps.revocable = true,
            4 => caps.shared = true,
            7 => caps.refinement = true,
            3 => caps.gpu = true,
            _ => {}
        }
    }
    let roles = if caps.multi_role {
        pb::strs_of(&fs, 12)?
    } else if fs.iter().any(|f| f.num == 6) {
        vec![pb::str_of(&fs, 6)?]
    } else {
        vec!["*".to_string()]
    };
    let mut min_alloc = HashMap::new();
    for e in pb::all_of(&fs, 13)? {
        let (role, of) = pb::map_entry(e, |f| f.bytes().map(|b| b.to_vec()), Vec::new())?;
        let of = pb::fields(&of)?;
        if let Some(m) = pb::msg_of(&of, 1)? {
            let mut list = Vec::new();
            for q in pb::all_of(&pb::fields(m)?, 1)? {
                list.push(quantities_map(q, 1)?);
            }
            min_alloc.insert(role, list);
        }
    }
    Ok(Info { caps, roles, min_alloc })
}

/// Decodes the map<string, Value.Scalar> field num of msg.
pub fn quantities_map(msg: &[u8], num: u32) -> Result<Quantities> {
    let mut pairs = Vec::new();
    for e in pb::all_of(&pb::fields(msg)?, num)? {
        pairs.push(pb::map_entry(e, |f| pb::scalar_msg(f.bytes()?), 0.0)?);
    }
    Ok(Quantities::from_pairs(pairs))
}

/// The longest decline filter, as Mesos caps refuse_seconds.
const MAX_REFUSE_NANOS: i64 = 365 * 24 * 3600 * 1_000_000_000;

impl Framework {
    pub fn new(id: Rc<str>, active: bool, info: Info) -> Framework {
        Framework {
            id,
            active,
            caps: info.caps,
            roles: info.roles,
            suppressed: HashSet::new(),
            min_alloc: info.min_alloc,
            filters: HashMap::new(),
        }
    }

    fn set_info(&mut self, info: Info) {
        self.caps = info.caps;
        self.roles = info.roles;
        self.min_alloc = info.min_alloc;
    }

    /// Applies a new FrameworkInfo and suppressed roles: roles no longer
    /// suppressed lose their filters, as do roles the framework dropped.
    pub fn update(&mut self, info: Info, suppressed: Vec<String>) {
        self.set_info(info);
        let now: HashSet<String> = suppressed.into_iter().collect();
        let revived: Vec<String> = self.suppressed.iter().filter(|r| !now.contains(*r)).cloned().collect();
        for r in revived {
            self.clear_filters(&r);
        }
        let roles = &self.roles;
        self.filters.retain(|k, _| roles.contains(&k.0));
        self.suppressed = now;
    }

    pub fn suppress(&mut self, roles: Vec<String>) {
        let roles = if roles.is_empty() { self.roles.clone() } else { roles };
        self.suppressed.extend(roles);
    }

    pub fn revive(&mut self, roles: Vec<String>) {
        let roles = if roles.is_empty() { self.roles.clone() } else { roles };
        for r in roles {
            self.suppressed.remove(&r);
            self.clear_filters(&r);
        }
    }

    pub fn clear_filters(&mut self, role: &str) {
        self.filters.retain(|k, _| k.0 != role);
    }

    pub fn drop_agent_filters(&mut self, agent: &str) {
        self.filters.retain(|k, _| &*k.1 != agent);
    }

    /// Installs a decline filter for max(refuse_seconds, interval);
    /// refuse_seconds <= 0 installs none.
    pub fn add_filter(&mut self, role: &str, agent: &Rc<str>, res: Res, refuse_secs: f64, now: i64, interval: i64) {
        if !(refuse_secs > 0.0) {
            return;
        }
        let mut d = MAX_REFUSE_NANOS;
        if refuse_secs < (MAX_REFUSE_NANOS / 1_000_000_000) as f64 {
            d = (refuse_secs * 1e9) as i64;
        }
        d = d.max(interval);
        let list = self.filters.entry((role.to_string(), agent.clone())).or_insert_with(Vec::new);
        list.push(Filter { until: now.saturating_add(d), res });
    }

    /// Whether an offer of plain (without allocation info) is held back
    /// by a filter; expired filters are dropped.
    pub fn filtered(&mut self, role: &str, agent: &Rc<str>, plain: &Res, now: i64) -> bool {
        if self.filters.is_empty() {
            return false;
        }
        let k = (role.to_string(), agent.clone());
        let list = match self.filters.get_mut(&k) {
            Some(l) => l,
            None => return false,
        };
        list.retain(|f| now < f.until);
        let hit = list.iter().any(|f| f.res.contains(plain));
        if list.is_empty() {
            self.filters.remove(&k);
        }
        hit
    }
}
