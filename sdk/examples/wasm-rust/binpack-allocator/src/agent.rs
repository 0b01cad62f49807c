//! What the allocator knows of one agent (the Go original is
//! sdk/examples/plugin/binpack-allocator/binpack/agents.go).

use crate::res::{Quantities, Res};
use std::rc::Rc;

/// A framework's holding in one role.
#[derive(Clone, PartialEq)]
pub struct HoldKey {
    pub fw: Rc<str>,
    pub role: String,
}

pub struct Agent {
    pub id: Rc<str>,
    pub hostname: String,
    pub active: bool,
    pub multi_role: bool,
    pub gpu: bool,
    /// The total has reserved or revocable resources, so what a framework
    /// may take is not simply everything free.
    pub special: bool,
    pub total: Res,
    /// The non-shared part of total that no framework holds.
    pub free: Res,
    /// The shared volumes of total: offerable once per cycle, whoever
    /// uses them.
    pub shared: Res,
    /// Scalars of the non-shared total and of what frameworks hold, for
    /// the agent's utilisation.
    pub total_q: Quantities,
    pub held_q: Quantities,
    /// What each framework holds in each role (with allocation info).
    pub held: Vec<(HoldKey, Res)>,
}

impl Agent {
    pub fn new(id: Rc<str>, hostname: String, active: bool) -> Agent {
        Agent {
            id,
            hostname,
            active,
            multi_role: false,
            gpu: false,
            special: false,
            total: Res::default(),
            free: Res::default(),
            shared: Res::default(),
            total_q: Quantities::default(),
            held_q: Quantities::default(),
            held: Vec::new(),
        }
    }

    /// Replaces the agent's total; what frameworks hold stays theirs.
    pub fn set_total(&mut self, total: Res) {
        self.shared = total.shared();
        let non_shared = total.non_shared();
        let mut used = Res::default();
        for (_, h) in &self.held {
            used.add(&h.unallocate().non_shared());
        }
        self.free = non_shared.minus(&used);
        self.total_q = Quantities::of(&non_shared);
        self.held_q = Quantities::of(&used);
        self.gpu = total.sum_scalar("gpus") > 0;
        self.special = total.items.iter().any(|x| x.m.nres > 0 || x.m.revocable);
        self.total = total;
    }

    /// The largest share of any scalar of the agent that frameworks hold.
    pub fn utilisation(&self) -> f64 {
        let mut u = 0.0f64;
        for (name, t) in &self.total_q.0 {
            if *t > 0 {
                u = u.max(self.held_q.get(name) as f64 / *t as f64);
            }
        }
        u
    }

    pub fn held_mut(&mut self, k: &HoldKey) -> Option<&mut Res> {
        self.held.iter_mut().find(|(h, _)| h == k).map(|(_, r)| r)
    }

    pub fn holds(&self, fw: &str) -> bool {
        self.held.iter().any(|(k, _)| &*k.fw == fw)
    }
}
