//! The allocator's state and how events change it (the Go original:
//! binpack/allocator.go, agents.go, frameworks.go, events_resources.go,
//! options.go). Events naming unknown agents or frameworks are ignored:
//! the master and the allocator race, as in Mesos.

use crate::agent::{Agent, HoldKey};
use crate::framework::{decode_info, Framework};
use crate::pb::{self, Field, Result};
use crate::quota::QuotaBook;
use crate::res::{Interner, Quantities, Res};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

pub const PARAM_MAX_AGENTS: &str = "max_agents_per_framework";

#[derive(Default)]
pub struct Options {
    pub interval: i64,
    pub filter_gpu: bool,
    /// An allocation must hold at least one of these.
    pub min_allocatable: Vec<Quantities>,
    /// Agents a framework gets per cycle at most (0: no bound).
    pub max_agents: usize,
}

#[derive(Default)]
pub struct Allocator {
    pub opts: Options,
    pub initialized: bool,
    pub now: i64,
    pub agents: HashMap<Rc<str>, Agent>,
    pub frameworks: HashMap<Rc<str>, Framework>,
    /// Hostnames offers may come from; None: all.
    pub whitelist: Option<HashSet<String>>,
    pub quota: QuotaBook,
    /// Allocation cycles run; rotates the framework order.
    pub cycles: usize,
    pub interner: Interner,
}

fn resources(i: &mut Interner, fs: &[Field], num: u32) -> Result<Res> {
    i.resources(&pb::all_of(fs, num)?)
}

/// Decodes repeated FrameworkResources or AgentResources (field num): an
/// id (1) and resources (2) each.
fn by_id(i: &mut Interner, fs: &[Field], num: u32) -> Result<Vec<(String, Res)>> {
    let mut out = Vec::new();
    for u in pb::all_of(fs, num)? {
        let ufs = pb::fields(u)?;
        out.push((pb::str_of(&ufs, 1)?, resources(i, &ufs, 2)?));
    }
    Ok(out)
}

impl Allocator {
    /// Serves Initialize: the master's configuration and parameters.
    pub fn initialize(&mut self, req: &[u8]) -> std::result::Result<(), (u8, String)> {
        let bad = |e: String| (crate::STATUS_BAD_REQUEST, format!("decoding InitializeRequest: {}", e));
        let fs = pb::fields(req).map_err(bad)?;
        let mut o = Options { interval: pb::uint_of(&fs, 1).map_err(bad)? as i64, filter_gpu: pb::uint_of(&fs, 3).map_err(bad)? != 0, ..Options::default() };
        for q in pb::all_of(&fs, 4).map_err(bad)? {
            let mut pairs = Vec::new();
            for e in pb::all_of(&pb::fields(q).map_err(bad)?, 1).map_err(bad)? {
                pairs.push(pb::map_entry(e, |f| f.double(), 0.0).map_err(bad)?);
            }
            o.min_allocatable.push(Quantities::from_pairs(pairs));
        }
        if o.min_allocatable.is_empty() {
            // Mesos's --min_allocatable_resources default.
            o.min_allocatable.push(Quantities::from_pairs(vec![("cpus".to_string(), 0.01)]));
            o.min_allocatable.push(Quantities::from_pairs(vec![("mem".to_string(), 32.0)]));
        }
        for e in pb::all_of(&fs, 8).map_err(bad)? {
            let (k, v) = pb::map_entry(e, |f| f.string(), String::new()).map_err(bad)?;
            if k == PARAM_MAX_AGENTS {
                o.max_agents = v.parse::<usize>().map_err(|_| {
                    (crate::STATUS_ERROR, format!("binpack: parameter {}={:?}: want a number >= 0", PARAM_MAX_AGENTS, v))
                })?;
            }
        }
        let quotas = pb::all_of(&fs, 6).map_err(bad)?;
        let mut trial = QuotaBook::default();
        for q in &quotas {
            trial.set(q).map_err(bad)?;
        }
        // Only now that nothing can fail: a bad request changes nothing.
        for q in &quotas {
            let _ = self.quota.set(q);
        }
        self.opts = o;
        self.initialized = true;
        Ok(())
    }

    /// Applies one Event; with dry, only decodes it (so that a batch is
    /// checked whole before any of it changes the state).
    pub fn apply(&mut self, ev: &[u8], dry: bool) -> Result<()> {
        let mut r = pb::Reader::new(ev);
        while let Some(f) = r.next()? {
            let b = match f.val {
                pb::Val::Bytes(b) => b,
                _ => continue,
            };
            let fs = pb::fields(b)?;
            match f.num {
                1 => self.add_agent(&fs, dry)?,
                2 => self.update_agent(&fs, dry)?,
                5 => self.add_framework(&fs, dry)?,
                9 => self.recover(&fs, dry)?,
                10 => self.convert_allocation(&fs, dry)?,
                11 => self.convert_available(&fs, dry)?,
                3 | 7 => {
                    let id = pb::str_of(&fs, 1)?;
                    if !dry && f.num == 3 {
                        self.remove_agent(&id)
                    } else if !dry {
                        self.remove_framework(&id)
                    }
                }
                4 => {
                    let (id, active) = (pb::str_of(&fs, 1)?, pb::uint_of(&fs, 2)? != 0);
                    match self.agents.get_mut(id.as_str()) {
                        Some(ag) if !dry => ag.active = active,
                        _ => {}
                    }
                }
                6 => {
                    let info = decode_info(pb::msg_of(&fs, 2)?)?;
                    let sup = pb::strs_of(&fs, 3)?;
                    match self.frameworks.get_mut(pb::str_of(&fs, 1)?.as_str()) {
                        Some(fw) if !dry => fw.update(info, sup),
                        _ => {}
                    }
                }
                8 => {
                    let (id, active) = (pb::str_of(&fs, 1)?, pb::uint_of(&fs, 2)? != 0);
                    match self.frameworks.get_mut(id.as_str()) {
                        Some(fw) if !dry => fw.active = active,
                        _ => {}
                    }
                }
                12 | 13 => {
                    let roles = pb::strs_of(&fs, 2)?;
                    match self.frameworks.get_mut(pb::str_of(&fs, 1)?.as_str()) {
                        Some(fw) if !dry && f.num == 12 => fw.suppress(roles),
                        Some(fw) if !dry => fw.revive(roles),
                        _ => {}
                    }
                }
                14 => {
                    if let Some(cfg) = pb::msg_of(&fs, 1)? {
                        if dry {
                            QuotaBook::default().set(cfg)?;
                        } else {
                            self.quota.set(cfg)?;
                        }
                    }
                }
                16 => {
                    let wl = if pb::uint_of(&fs, 1)? != 0 { None } else { Some(pb::strs_of(&fs, 2)?.into_iter().collect()) };
                    if !dry {
                        self.whitelist = wl;
                    }
                }
                // Weights, unavailability, inverse offers and resource
                // requests do not change what this policy does.
                _ => {}
            }
        }
        Ok(())
    }

    fn add_agent(&mut self, fs: &[Field], dry: bool) -> Result<()> {
        let id = pb::str_of(fs, 1)?;
        if id.is_empty() {
            return Ok(());
        }
        let hostname = match pb::msg_of(fs, 2)? {
            Some(info) => pb::str_of(&pb::fields(info)?, 1)?,
            None => String::new(),
        };
        let multi_role = multi_role(fs, 3)?;
        let total = resources(&mut self.interner, fs, 4)?;
        let used = by_id(&mut self.interner, fs, 5)?;
        if dry {
            return Ok(());
        }
        if self.agents.contains_key(id.as_str()) {
            self.remove_agent(&id); // re-added without being removed: start over
        }
        let id: Rc<str> = Rc::from(id.as_str());
        let mut ag = Agent::new(id.clone(), hostname, pb::uint_of(fs, 7)? != 0);
        ag.multi_role = multi_role;
        ag.set_total(total);
        for (fw, r) in used {
            self.hold_used(&mut ag, &fw, &r);
        }
        self.agents.insert(id, ag);
        Ok(())
    }

    fn update_agent(&mut self, fs: &[Field], dry: bool) -> Result<()> {
        let id = pb::str_of(fs, 1)?;
        let caps = fs.iter().any(|f| f.num == 3);
        let multi = multi_role(fs, 3)?;
        let total = resources(&mut self.interner, fs, 2)?;
        let has_total = fs.iter().any(|f| f.num == 2);
        if dry {
            return Ok(());
        }
        if let Some(ag) = self.agents.get_mut(id.as_str()) {
            if caps {
                ag.multi_role = multi;
            }
            if has_total {
                ag.set_total(total);
            }
        }
        Ok(())
    }

    /// Forgets an agent, what is held on it and the filters that name it.
    fn remove_agent(&mut self, id: &str) {
        if let Some(ag) = self.agents.remove(id) {
            for (k, h) in &ag.held {
                self.quota.release(&k.role, &crate::quota::consumption(h));
            }
            for f in self.frameworks.values_mut() {
                f.drop_agent_filters(id);
            }
        }
    }

    fn add_framework(&mut self, fs: &[Field], dry: bool) -> Result<()> {
        let id = pb::str_of(fs, 1)?;
        if id.is_empty() {
            return Ok(());
        }
        let info = decode_info(pb::msg_of(fs, 2)?)?;
        let active = pb::uint_of(fs, 4)? != 0;
        let sup = pb::strs_of(fs, 5)?;
        let used = by_id(&mut self.interner, fs, 3)?;
        if dry {
            return Ok(());
        }
        if let Some(f) = self.frameworks.get_mut(id.as_str()) {
            // Added twice: take the second as an update.
            f.update(info, sup);
            f.active = active;
            return Ok(());
        }
        let id: Rc<str> = Rc::from(id.as_str());
        let mut f = Framework::new(id.clone(), active, info);
        f.suppressed.extend(sup);
        self.frameworks.insert(id.clone(), f);
        // What the framework reports using is already counted on agents
        // that reported it; anything else is charged now.
        for (agent, r) in used {
            if let Some(mut ag) = self.agents.remove(agent.as_str()) {
                if !ag.holds(&id) {
                    self.hold_used(&mut ag, &id, &r);
                }
                self.agents.insert(ag.id.clone(), ag);
            }
        }
        Ok(())
    }

    /// Frees everything the framework holds and forgets it.
    fn remove_framework(&mut self, id: &str) {
        let mut agents = std::mem::take(&mut self.agents);
        for ag in agents.values_mut() {
            let keys: Vec<HoldKey> = ag.held.iter().filter(|(k, _)| &*k.fw == id).map(|(k, _)| k.clone()).collect();
            for k in keys {
                let h = ag.held.iter().find(|(x, _)| *x == k).map(|(_, r)| r.clone()).unwrap_or_default();
                self.release(ag, &k, &h);
            }
        }
        self.agents = agents;
        self.frameworks.remove(id);
    }

    /// Frees what a framework gave back and installs the filter it asked
    /// for.
    fn recover(&mut self, fs: &[Field], dry: bool) -> Result<()> {
        let fw = pb::str_of(fs, 1)?;
        let agent = pb::str_of(fs, 2)?;
        let res = resources(&mut self.interner, fs, 3)?;
        // Filters.refuse_seconds defaults to 5 when the filters are there.
        let refuse = match pb::msg_of(fs, 4)? {
            Some(b) => {
                let ffs = pb::fields(b)?;
                match ffs.iter().rev().find(|f| f.num == 1) {
                    Some(f) => Some(f.double()?),
                    None => Some(5.0),
                }
            }
            None => None,
        };
        if dry {
            return Ok(());
        }
        let mut ag = match self.agents.remove(agent.as_str()) {
            Some(ag) => ag,
            None => return Ok(()), // the agent is gone and took everything along
        };
        let fw: Rc<str> = Rc::from(fw.as_str());
        for (role, g) in res.allocations() {
            let role = if role.is_empty() { self.held_role(&ag, &fw) } else { role };
            let freed = self.release(&mut ag, &HoldKey { fw: fw.clone(), role: role.clone() }, &g);
            if let (Some(f), Some(secs)) = (self.frameworks.get_mut(&fw), refuse) {
                if !freed.is_empty() {
                    f.add_filter(&role, &ag.id, freed, secs, self.now, self.opts.interval);
                }
            }
        }
        self.agents.insert(ag.id.clone(), ag);
        Ok(())
    }

    /// Applies an operation (RESERVE, CREATE, ...) to what a framework
    /// holds: it keeps the result and the agent's total changes.
    fn convert_allocation(&mut self, fs: &[Field], dry: bool) -> Result<()> {
        let fw: Rc<str> = Rc::from(pb::str_of(fs, 1)?.as_str());
        let agent = pb::str_of(fs, 2)?;
        let from = resources(&mut self.interner, fs, 3)?;
        let to = resources(&mut self.interner, fs, 4)?;
        if dry {
            return Ok(());
        }
        let mut ag = match self.agents.remove(agent.as_str()) {
            Some(ag) => ag,
            None => return Ok(()),
        };
        let mut role = from.plus(&to).items.iter().find_map(|x| x.alloc.as_deref().map(|s| s.to_string())).unwrap_or_default();
        if role.is_empty() {
            role = self.held_role(&ag, &fw);
        }
        let k = HoldKey { fw, role: role.clone() };
        let held = ag.held_mut(&k).cloned().unwrap_or_default();
        if from.is_empty() || held.contains(&from.allocate(&role)) {
            self.release(&mut ag, &k, &from);
            let mut ok = true;
            if !from.is_empty() {
                match ag.total.apply(&from.unallocate(), &to.unallocate()) {
                    Some(total) => ag.set_total(total),
                    None => ok = false,
                }
            }
            if ok {
                self.hold(&mut ag, &k, &to.unallocate(), to.allocate(&role), false);
            }
        }
        self.agents.insert(ag.id.clone(), ag);
        Ok(())
    }

    /// Applies an operator operation to free resources.
    fn convert_available(&mut self, fs: &[Field], dry: bool) -> Result<()> {
        let agent = pb::str_of(fs, 1)?;
        let from = resources(&mut self.interner, fs, 2)?;
        let to = resources(&mut self.interner, fs, 3)?;
        if dry {
            return Ok(());
        }
        if let Some(ag) = self.agents.get_mut(agent.as_str()) {
            if ag.free.plus(&ag.shared).contains(&from) {
                if let Some(total) = ag.total.apply(&from, &to) {
                    ag.set_total(total);
                }
            }
        }
        Ok(())
    }

    /// Charges what an agent reports a framework uses.
    fn hold_used(&mut self, ag: &mut Agent, fw: &str, r: &Res) {
        let fw: Rc<str> = Rc::from(fw);
        for (role, g) in r.allocations() {
            let role = if role.is_empty() { self.first_role(&fw) } else { role };
            let alloc = g.allocate(&role);
            self.hold(ag, &HoldKey { fw: fw.clone(), role }, &g.unallocate(), alloc, false);
        }
    }

    /// The role of resources without allocation info: the framework's
    /// first role if it is known, "*" otherwise.
    fn first_role(&self, fw: &str) -> String {
        match self.frameworks.get(fw) {
            Some(f) if !f.roles.is_empty() => f.roles[0].clone(),
            _ => "*".to_string(),
        }
    }

    /// The role of resources a framework gives back without allocation
    /// info: the one role it holds resources in on the agent, else its
    /// first role.
    fn held_role(&self, ag: &Agent, fw: &str) -> String {
        let mut found: Option<&str> = None;
        for (k, _) in &ag.held {
            if &*k.fw != fw {
                continue;
            }
            if let Some(r) = found {
                if r != k.role {
                    return self.first_role(fw);
                }
            }
            found = Some(&k.role);
        }
        match found {
            Some(r) => r.to_string(),
            None => self.first_role(fw),
        }
    }
}

/// Whether the AgentInfo.Capability list (field num) has MULTI_ROLE.
fn multi_role(fs: &[Field], num: u32) -> Result<bool> {
    for c in pb::all_of(fs, num)? {
        if pb::uint_of(&pb::fields(c)?, 1)? == 1 {
            return Ok(true);
        }
    }
    Ok(false)
}
