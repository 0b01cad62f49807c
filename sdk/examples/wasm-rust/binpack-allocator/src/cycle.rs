//! One allocation cycle and the bookkeeping of what frameworks hold (the
//! Go original: binpack/cycle.go and held.go).

use crate::agent::{Agent, HoldKey};
use crate::alloc::Allocator;
use crate::framework::Framework;
use crate::quota::{consumption, shrink_to_room};
use crate::res::{Quantities, Res, Value};
use std::collections::HashMap;
use std::rc::Rc;

/// One allocation: resources (with allocation info) of an agent.
pub struct Allocation {
    pub framework: Rc<str>,
    pub agent: Rc<str>,
    pub resources: Res,
}

impl Allocator {
    /// Runs one cycle: agents fullest first, framework roles in turn.
    pub fn cycle(&mut self) -> Vec<Allocation> {
        self.cycles += 1;
        let agents = self.candidates();
        let turns = self.turns();
        if agents.is_empty() || turns.is_empty() {
            return Vec::new();
        }
        let mut counts: HashMap<Rc<str>, usize> = HashMap::new();
        let mut out = Vec::new();
        let mut next = 0;
        for id in agents {
            let mut ag = match self.agents.remove(&id) {
                Some(ag) => ag,
                None => continue,
            };
            let mut shared_left = ag.shared.clone();
            let start = next;
            for i in 0..turns.len() {
                if ag.free.is_empty() && shared_left.is_empty() {
                    break;
                }
                let idx = (start + i) % turns.len();
                let (fw, role) = &turns[idx];
                if let Some(a) = self.offer(&mut ag, fw, role, &mut shared_left, &mut counts) {
                    out.push(a);
                    next = (idx + 1) % turns.len();
                }
            }
            self.agents.insert(id, ag);
        }
        out
    }

    /// The agents that may be offered, fullest first, then by id.
    fn candidates(&self) -> Vec<Rc<str>> {
        let mut cs: Vec<(f64, Rc<str>)> = self
            .agents
            .values()
            .filter(|ag| ag.active && self.whitelisted(ag) && !(ag.free.is_empty() && ag.shared.is_empty()))
            .map(|ag| (ag.utilisation(), ag.id.clone()))
            .collect();
        cs.sort_by(|x, y| y.0.partial_cmp(&x.0).unwrap_or(std::cmp::Ordering::Equal).then_with(|| x.1.cmp(&y.1)));
        cs.into_iter().map(|c| c.1).collect()
    }

    fn whitelisted(&self, ag: &Agent) -> bool {
        self.whitelist.as_ref().map_or(true, |w| w.contains(&ag.hostname))
    }

    /// The active frameworks' unsuppressed roles, by framework id and role
    /// order, rotated by one every cycle.
    fn turns(&self) -> Vec<(Rc<str>, String)> {
        let mut ids: Vec<&Rc<str>> = self.frameworks.iter().filter(|(_, f)| f.active).map(|(id, _)| id).collect();
        ids.sort();
        let mut ts = Vec::new();
        for id in ids {
            let f = &self.frameworks[id];
            for r in &f.roles {
                if !f.suppressed.contains(r) {
                    ts.push((id.clone(), r.clone()));
                }
            }
        }
        if ts.len() > 1 {
            let k = self.cycles % ts.len();
            ts.rotate_left(k);
        }
        ts
    }

    /// Gives framework role (fw, role) everything of ag it can and will
    /// take, if that is worth an offer.
    fn offer(&mut self, ag: &mut Agent, fw: &Rc<str>, role: &str, shared_left: &mut Res, counts: &mut HashMap<Rc<str>, usize>) -> Option<Allocation> {
        let mut f = self.frameworks.remove(fw)?;
        let a = self.offer_to(ag, &mut f, role, shared_left, counts);
        self.frameworks.insert(fw.clone(), f);
        a
    }

    fn offer_to(&mut self, ag: &mut Agent, f: &mut Framework, role: &str, shared_left: &mut Res, counts: &mut HashMap<Rc<str>, usize>) -> Option<Allocation> {
        let c = f.caps;
        if self.opts.max_agents > 0 && counts.get(&f.id).copied().unwrap_or(0) >= self.opts.max_agents {
            return None;
        }
        // As Mesos: MULTI_ROLE frameworks only get offers from agents that
        // know about allocation roles.
        if (c.multi_role && !ag.multi_role) || (self.opts.filter_gpu && ag.gpu && !c.gpu) {
            return None;
        }
        let mut offer = ag.free.clone();
        let mut whole = true;
        if ag.special {
            offer = offer.allocatable_to(role).filter(|x| (c.revocable || !x.m.revocable) && (c.refinement || x.m.nres <= 1));
            whole = false;
        }
        if c.shared && !shared_left.is_empty() {
            let s = shared_left.allocatable_to(role);
            if !s.is_empty() {
                offer.add(&s);
                whole = false;
            }
        }
        if let Some(room) = self.quota.room(role) {
            offer = shrink_to_room(offer, &room);
            whole = false;
        }
        // whole: offer is ag.free untouched, so it equals it.
        if offer.is_empty() || !self.allocatable(&offer, f, role) || f.filtered(role, &ag.id, &offer, self.now) {
            return None;
        }
        let allocated = offer.allocate(role);
        self.hold(ag, &HoldKey { fw: f.id.clone(), role: role.to_string() }, &offer, allocated.clone(), whole);
        let s = offer.shared();
        if !s.is_empty() {
            shared_left.subtract(&s);
        }
        *counts.entry(f.id.clone()).or_insert(0) += 1;
        Some(Allocation { framework: f.id.clone(), agent: ag.id.clone(), resources: allocated })
    }

    /// Whether an offer holds at least one of the minimum allocatable
    /// quantities (the framework's own for the role, else the master's).
    fn allocatable(&self, offer: &Res, f: &Framework, role: &str) -> bool {
        let list = f.min_alloc.get(role).unwrap_or(&self.opts.min_allocatable);
        list.is_empty() || list.iter().any(|q| contains_quantities(offer, q))
    }

    /// Charges framework role k with resources of ag: plain without
    /// allocation info, allocated the same allocated to the role. whole:
    /// plain is all of ag.free.
    pub fn hold(&mut self, ag: &mut Agent, k: &HoldKey, plain: &Res, allocated: Res, whole: bool) {
        if plain.is_empty() {
            return;
        }
        let charge = consumption(&allocated);
        match ag.held_mut(k) {
            Some(h) => h.add(&allocated),
            None => ag.held.push((k.clone(), allocated)),
        }
        let non_shared = if whole {
            ag.free = Res::default();
            Quantities::of(plain)
        } else {
            let ns = plain.non_shared();
            ag.free.subtract(&ns);
            Quantities::of(&ns)
        };
        ag.held_q.add(&non_shared);
        self.quota.charge(&k.role, &charge);
    }

    /// Gives back what framework role k holds of res (allocated or not);
    /// parts it does not hold are ignored. Returns what was released,
    /// without allocation info.
    pub fn release(&mut self, ag: &mut Agent, k: &HoldKey, res: &Res) -> Res {
        let pos = match ag.held.iter().position(|(h, _)| h == k) {
            Some(p) if !res.is_empty() => p,
            _ => return Res::default(),
        };
        let res = res.allocate(&k.role);
        let held = &mut ag.held[pos].1;
        let freed = if held.contains(&res) {
            held.subtract(&res);
            res
        } else {
            let after = held.minus(&res);
            let freed = held.minus(&after);
            *held = after;
            freed
        };
        if held.is_empty() {
            ag.held.remove(pos);
        }
        let plain = freed.unallocate();
        let non_shared = plain.non_shared();
        ag.free.add(&non_shared);
        ag.held_q.sub(&Quantities::of(&non_shared));
        if !ag.total.non_shared().contains(&ag.free) {
            let total = ag.total.clone();
            ag.set_total(total); // the total shrank meanwhile: recompute
        }
        self.quota.release(&k.role, &consumption(&freed));
        plain
    }
}

/// Whether r holds at least q of each name (ranges and sets count their
/// elements), whatever the metadata.
fn contains_quantities(r: &Res, q: &Quantities) -> bool {
    q.0.iter().all(|(name, want)| {
        let mut have: i64 = 0;
        for x in r.items.iter().filter(|x| &x.m.name == name) {
            have = have.saturating_add(match &x.v {
                Value::Scalar(s) => *s,
                Value::Ranges(rs) => rs.iter().map(|(lo, hi)| (hi - lo + 1) as i64 * 1000).sum(),
                Value::Set(s) => s.len() as i64 * 1000,
                Value::Other(_) => 0,
            });
        }
        have >= *want
    })
}
