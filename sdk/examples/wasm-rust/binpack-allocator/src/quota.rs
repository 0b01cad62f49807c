//! Quota limits by role and what each role's subtree consumes
//! (non-revocable, non-shared scalars held), and the cut of an offer to a
//! role's room (the Go original: binpack/quota.go and shrink.go).

use crate::pb::{self, Result};
use crate::framework::quantities_map;
use crate::res::{role_ancestors, Quantities, Res, Value};
use std::collections::HashMap;

#[derive(Default)]
pub struct QuotaBook {
    limits: HashMap<String, Quantities>,
    consumed: HashMap<String, Quantities>,
}

/// What held resources count against quota.
pub fn consumption(r: &Res) -> Quantities {
    Quantities::of(&r.filter(|x| !x.m.revocable && !x.m.shared))
}

impl QuotaBook {
    /// Applies a mesos.v1.quota.QuotaConfig; no limits removes the role's.
    /// Guarantees are not part of this policy.
    pub fn set(&mut self, cfg: &[u8]) -> Result<()> {
        let role = pb::str_of(&pb::fields(cfg)?, 1)?;
        if role.is_empty() {
            return Ok(());
        }
        let limits = quantities_map(cfg, 3)?;
        let any = pb::fields(cfg)?.iter().any(|f| f.num == 3);
        if !any {
            self.limits.remove(&role);
        } else {
            self.limits.insert(role, limits);
        }
        Ok(())
    }

    pub fn charge(&mut self, role: &str, q: &Quantities) {
        self.change(role, q, true)
    }

    pub fn release(&mut self, role: &str, q: &Quantities) {
        self.change(role, q, false)
    }

    fn change(&mut self, role: &str, q: &Quantities, plus: bool) {
        if q.is_empty() {
            return;
        }
        let mut roles = vec![role];
        roles.extend(role_ancestors(role));
        for r in roles {
            let c = self.consumed.entry(r.to_string()).or_insert_with(Quantities::default);
            if plus {
                c.add(q)
            } else {
                c.sub(q)
            }
            if c.is_empty() {
                self.consumed.remove(r);
            }
        }
    }

    /// How much more of each limited name role may get under its own
    /// limits and its ancestors'; None when nothing limits it.
    pub fn room(&self, role: &str) -> Option<Vec<(String, i64)>> {
        if self.limits.is_empty() {
            return None;
        }
        let mut room: Option<Vec<(String, i64)>> = None;
        let mut roles = vec![role];
        roles.extend(role_ancestors(role));
        for r in roles {
            let lim = match self.limits.get(r) {
                Some(l) => l,
                None => continue,
            };
            let room = room.get_or_insert_with(Vec::new);
            let used = self.consumed.get(r);
            for (name, l) in &lim.0 {
                let left = (l - used.map(|u| u.get(name)).unwrap_or(0)).max(0);
                match room.iter_mut().find(|e| &e.0 == name) {
                    Some(e) => e.1 = e.1.min(left),
                    None => room.push((name.clone(), left)),
                }
            }
        }
        room
    }
}

/// Cuts the quota-counted scalars of offer so that, per name in room,
/// their sum stays within it. An entry that does not fit is cut when it
/// is a plain scalar and dropped otherwise (volumes, MOUNT, BLOCK and RAW
/// disks), as Mesos does.
pub fn shrink_to_room(offer: Res, room: &[(String, i64)]) -> Res {
    let mut used: Vec<(String, i64)> = Vec::new();
    let mut excess = Res::default();
    for x in &offer.items {
        let v = match x.v {
            Value::Scalar(v) if !x.m.revocable && !x.m.shared => v,
            _ => continue,
        };
        let lim = match room.iter().find(|e| e.0 == x.m.name) {
            Some(e) => e.1,
            None => continue,
        };
        let u = match used.iter().position(|e| e.0 == x.m.name) {
            Some(i) => i,
            None => {
                used.push((x.m.name.clone(), 0));
                used.len() - 1
            }
        };
        let left = lim - used[u].1;
        if v <= left {
            used[u].1 += v;
        } else if left > 0 && !x.m.persistent && !x.m.whole_disk {
            let mut cut = x.clone();
            cut.v = Value::Scalar(v - left);
            excess.items.push(cut);
            used[u].1 = lim;
        } else {
            excess.items.push(x.clone());
        }
    }
    if excess.is_empty() {
        return offer;
    }
    offer.minus(&excess)
}
