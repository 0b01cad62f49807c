//! Mesos resource arithmetic, the part the bin-packing policy uses: a
//! `Res` is a list of entries kept merged the way Mesos merges them
//! (core/resources is the Go original). An entry is its metadata (`Meta`:
//! everything of a mesos.v1.Resource but the value and allocation info,
//! interned so that equal metadata is one pointer), its allocation role
//! and its value. Scalars are fixed point in thousandths, as in Mesos.

use crate::pb::{self, Result};
use std::collections::HashMap;
use std::rc::Rc;

pub struct Meta {
    /// The resource's fields other than value and allocation info,
    /// verbatim, ordered by field number: equal keys, equal metadata.
    pub key: Vec<u8>,
    pub name: String,
    pub typ: u64,
    pub shared: bool,
    pub revocable: bool,
    pub persistent: bool,
    /// MOUNT, BLOCK or RAW disk (not shrinkable under quota).
    pub whole_disk: bool,
    /// Never merged when not shared: persistent volumes, MOUNT and BLOCK
    /// disks, RAW disks with an id.
    pub no_merge: bool,
    /// The reservation role (top of the stack), "" when unreserved.
    pub role: String,
    pub nres: usize,
}

#[derive(Clone, PartialEq)]
pub enum Value {
    Scalar(i64),
    Ranges(Vec<(u64, u64)>),
    Set(Vec<String>),
    Other(Vec<u8>),
}

#[derive(Clone)]
pub struct Item {
    pub m: Rc<Meta>,
    pub alloc: Option<Rc<str>>,
    pub v: Value,
    /// How many times a shared resource is present (1 otherwise).
    pub count: u32,
}

#[derive(Clone, Default)]
pub struct Res {
    pub items: Vec<Item>,
}

/// Interns metadata so that entries compare by pointer.
#[derive(Default)]
pub struct Interner {
    metas: HashMap<Vec<u8>, Rc<Meta>>,
}

pub fn scalar_from_f64(v: f64) -> i64 {
    let x = (v * 1000.0).round();
    if x.is_nan() {
        0
    } else {
        x as i64 // saturates, as Go's ScalarFromFloat does
    }
}

fn reservation_role(b: &[u8]) -> Result<String> {
    let mut role = String::new();
    pb::each(b, |f| {
        if f.num == 3 {
            role = f.string()?;
        }
        Ok(())
    })?;
    Ok(role)
}

fn disk_flags(b: &[u8]) -> Result<(bool, u64, bool)> {
    let (mut persistent, mut source, mut has_id) = (false, 0, false);
    pb::each(b, |f| {
        match f.num {
            1 => persistent = true,
            3 => pb::each(f.bytes()?, |s| {
                match s.num {
                    1 => source = s.varint()?,
                    4 => has_id = true,
                    _ => {}
                }
                Ok(())
            })?,
            _ => {}
        }
        Ok(())
    })?;
    Ok((persistent, source, has_id))
}

fn parse_ranges(b: &[u8]) -> Result<Vec<(u64, u64)>> {
    let mut rs = Vec::new();
    pb::each(b, |f| {
        if f.num == 1 {
            let (mut lo, mut hi) = (0, 0);
            pb::each(f.bytes()?, |r| {
                match r.num {
                    1 => lo = r.varint()?,
                    2 => hi = r.varint()?,
                    _ => {}
                }
                Ok(())
            })?;
            if lo <= hi {
                rs.push((lo, hi));
            }
        }
        Ok(())
    })?;
    Ok(normalize(rs))
}

impl Interner {
    /// Decodes one mesos.v1.Resource. None: an empty entry (a zero
    /// scalar, no ranges), which Mesos drops.
    pub fn resource(&mut self, b: &[u8]) -> Result<Option<Item>> {
        let mut keep: Vec<(u32, &[u8])> = Vec::new();
        let (mut name, mut typ) = (String::new(), 0u64);
        let (mut scalar, mut ranges, mut set) = (0.0f64, Vec::new(), Vec::new());
        let mut alloc: Option<Rc<str>> = None;
        let (mut shared, mut revocable, mut persistent, mut no_merge, mut whole_disk) = (false, false, false, false, false);
        let (mut role, mut nres, mut old_role) = (String::new(), 0usize, String::new());
        pb::each(b, |f| {
            match f.num {
                3 => scalar = pb::scalar_msg(f.bytes()?)?,
                4 => ranges = parse_ranges(f.bytes()?)?,
                5 => pb::each(f.bytes()?, |s| {
                    if s.num == 1 {
                        set.push(s.string()?);
                    }
                    Ok(())
                })?,
                11 => {
                    let mut r = String::new();
                    pb::each(f.bytes()?, |a| {
                        if a.num == 1 {
                            r = a.string()?;
                        }
                        Ok(())
                    })?;
                    alloc = Some(Rc::from(r.as_str()));
                }
                6 => {
                    old_role = f.string()?;
                    if old_role != "*" {
                        keep.push((6, f.raw));
                    }
                }
                n => {
                    match n {
                        1 => name = f.string()?,
                        2 => typ = f.varint()?,
                        7 => {
                            let (p, src, id) = disk_flags(f.bytes()?)?;
                            persistent = p;
                            whole_disk = src == 2 || src == 3 || src == 4;
                            no_merge = p || src == 2 || src == 3 || (src == 4 && id);
                        }
                        8 => nres = nres.max(1),
                        9 => revocable = true,
                        10 => shared = true,
                        13 => {
                            role = reservation_role(f.bytes()?)?;
                            nres += 1;
                        }
                        _ => {}
                    }
                    keep.push((n, f.raw));
                }
            }
            Ok(())
        })?;
        if nres == 0 && !old_role.is_empty() && old_role != "*" {
            role = old_role;
            nres = 1;
        } else if nres > 0 && role.is_empty() {
            role = old_role;
        }
        let v = match typ {
            0 => {
                let s = scalar_from_f64(scalar);
                if s <= 0 {
                    return Ok(None);
                }
                Value::Scalar(s)
            }
            1 if ranges.is_empty() => return Ok(None),
            1 => Value::Ranges(ranges),
            2 if set.is_empty() => return Ok(None),
            2 => {
                set.sort();
                set.dedup();
                Value::Set(set)
            }
            _ => Value::Other(Vec::new()),
        };
        keep.sort_by_key(|k| k.0);
        let key: Vec<u8> = keep.iter().flat_map(|k| k.1.iter().copied()).collect();
        let m = match self.metas.get(&key) {
            Some(m) => m.clone(),
            None => {
                let m = Rc::new(Meta { key: key.clone(), name, typ, shared, revocable, persistent, whole_disk, no_merge, role, nres });
                self.metas.insert(key, m.clone());
                m
            }
        };
        Ok(Some(Item { m, alloc, v, count: 1 }))
    }

    /// Decodes repeated resources (the fields numbered num of msg).
    pub fn resources(&mut self, list: &[&[u8]]) -> Result<Res> {
        let mut r = Res::default();
        for b in list {
            if let Some(x) = self.resource(b)? {
                r.add_item(x);
            }
        }
        Ok(r)
    }
}

// Ranges: sorted, coalesced inclusive intervals.

fn normalize(mut rs: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    rs.sort();
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(rs.len());
    for (lo, hi) in rs {
        if let Some(last) = out.last_mut() {
            if lo <= last.1.saturating_add(1) {
                last.1 = last.1.max(hi);
                continue;
            }
        }
        out.push((lo, hi));
    }
    out
}

fn ranges_contain(a: &[(u64, u64)], b: &[(u64, u64)]) -> bool {
    b.iter().all(|&(lo, hi)| a.iter().any(|&(x, y)| x <= lo && hi <= y))
}

fn ranges_sub(a: &[(u64, u64)], b: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = Vec::with_capacity(a.len() + 1);
    for &(lo, hi) in a {
        let mut cur = lo;
        let mut done = false;
        for &(x, y) in b {
            if y < cur || x > hi {
                continue;
            }
            if x > cur {
                out.push((cur, x - 1));
            }
            if y >= hi {
                done = true;
                break;
            }
            cur = y + 1;
        }
        if !done {
            out.push((cur, hi));
        }
    }
    out
}

impl Item {
    fn same(&self, o: &Item) -> bool {
        (Rc::ptr_eq(&self.m, &o.m) || self.m.key == o.m.key) && self.alloc == o.alloc
    }
    pub fn scalar(&self) -> i64 {
        match self.v {
            Value::Scalar(s) => s,
            _ => 0,
        }
    }
    fn is_empty(&self) -> bool {
        match &self.v {
            Value::Scalar(s) => *s <= 0,
            Value::Ranges(r) => r.is_empty(),
            Value::Set(s) => s.is_empty(),
            Value::Other(_) => false,
        }
    }
    fn contains(&self, x: &Item) -> bool {
        if !self.same(x) {
            return false;
        }
        if self.m.shared {
            return self.v == x.v && self.count >= x.count;
        }
        if self.m.no_merge {
            return self.v == x.v;
        }
        match (&self.v, &x.v) {
            (Value::Scalar(a), Value::Scalar(b)) => a >= b,
            (Value::Ranges(a), Value::Ranges(b)) => ranges_contain(a, b),
            (Value::Set(a), Value::Set(b)) => b.iter().all(|s| a.contains(s)),
            (a, b) => a == b,
        }
    }
}

impl Res {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn add_item(&mut self, x: Item) {
        if x.is_empty() {
            return;
        }
        for y in self.items.iter_mut() {
            if !y.same(&x) {
                continue;
            }
            if y.m.shared {
                if y.v == x.v {
                    y.count += x.count;
                    return;
                }
                continue;
            }
            if y.m.no_merge {
                continue;
            }
            match (&mut y.v, &x.v) {
                (Value::Scalar(a), Value::Scalar(b)) => *a = a.saturating_add(*b),
                (Value::Ranges(a), Value::Ranges(b)) => {
                    let mut all = a.clone();
                    all.extend_from_slice(b);
                    *a = normalize(all);
                }
                (Value::Set(a), Value::Set(b)) => {
                    a.extend(b.iter().cloned());
                    a.sort();
                    a.dedup();
                }
                _ => continue,
            }
            return;
        }
        self.items.push(x);
    }

    pub fn add(&mut self, o: &Res) {
        for x in &o.items {
            self.add_item(x.clone());
        }
    }

    pub fn plus(&self, o: &Res) -> Res {
        let mut r = self.clone();
        r.add(o);
        r
    }

    fn sub_item(&mut self, x: &Item) {
        for i in 0..self.items.len() {
            let y = &mut self.items[i];
            if !y.same(x) {
                continue;
            }
            let gone = if y.m.shared {
                if y.v != x.v {
                    continue;
                }
                y.count = y.count.saturating_sub(x.count);
                y.count == 0
            } else if y.m.no_merge {
                if y.v != x.v {
                    continue;
                }
                true
            } else {
                match (&mut y.v, &x.v) {
                    (Value::Scalar(a), Value::Scalar(b)) => *a = a.saturating_sub(*b),
                    (Value::Ranges(a), Value::Ranges(b)) => *a = ranges_sub(a, b),
                    (Value::Set(a), Value::Set(b)) => a.retain(|s| !b.contains(s)),
                    (a, b) if a == b => *a = Value::Other(Vec::new()),
                    _ => continue,
                }
                y.is_empty() || y.v == Value::Other(Vec::new())
            };
            if gone {
                self.items.remove(i);
            }
            return;
        }
    }

    /// Takes o out of self; parts of o that self does not hold are ignored.
    pub fn subtract(&mut self, o: &Res) {
        for x in &o.items {
            self.sub_item(x);
        }
    }

    pub fn minus(&self, o: &Res) -> Res {
        let mut r = self.clone();
        r.subtract(o);
        r
    }

    pub fn contains(&self, o: &Res) -> bool {
        let mut rest: Option<Res> = None;
        for x in &o.items {
            let items = rest.as_ref().map(|r| &r.items).unwrap_or(&self.items);
            if !items.iter().any(|y| y.contains(x)) {
                return false;
            }
            if x.m.no_merge && !x.m.shared {
                let mut r = rest.take().unwrap_or_else(|| self.clone());
                r.sub_item(x);
                rest = Some(r);
            }
        }
        true
    }

    pub fn filter(&self, keep: impl Fn(&Item) -> bool) -> Res {
        Res { items: self.items.iter().filter(|x| keep(x)).cloned().collect() }
    }

    pub fn shared(&self) -> Res {
        self.filter(|x| x.m.shared)
    }

    pub fn non_shared(&self) -> Res {
        self.filter(|x| !x.m.shared)
    }

    /// Entries that may be allocated to role: unreserved, or reserved to
    /// role or one of its ancestors.
    pub fn allocatable_to(&self, role: &str) -> Res {
        self.filter(|x| x.m.nres == 0 || is_self_or_subrole(role, &x.m.role))
    }

    pub fn allocate(&self, role: &str) -> Res {
        let r: Rc<str> = Rc::from(role);
        let mut out = Res { items: Vec::with_capacity(self.items.len()) };
        for x in &self.items {
            let mut y = x.clone();
            y.alloc = Some(r.clone());
            out.add_item(y);
        }
        out
    }

    pub fn unallocate(&self) -> Res {
        let mut out = Res { items: Vec::with_capacity(self.items.len()) };
        for x in &self.items {
            let mut y = x.clone();
            y.alloc = None;
            out.add_item(y);
        }
        out
    }

    /// The entries grouped by allocation role ("" for none).
    pub fn allocations(&self) -> Vec<(String, Res)> {
        let mut out: Vec<(String, Res)> = Vec::new();
        for x in &self.items {
            let role = x.alloc.as_deref().unwrap_or("").to_string();
            match out.iter_mut().find(|(r, _)| *r == role) {
                Some((_, r)) => r.add_item(x.clone()),
                None => out.push((role, Res { items: vec![x.clone()] })),
            }
        }
        out
    }

    /// Sum of the scalars named name, whatever their metadata.
    pub fn sum_scalar(&self, name: &str) -> i64 {
        self.items.iter().filter(|x| x.m.name == name).map(|x| x.scalar().saturating_mul(x.count as i64)).sum()
    }

    /// Replaces from by to (a Mesos resource conversion); None if self
    /// does not contain from.
    pub fn apply(&self, from: &Res, to: &Res) -> Option<Res> {
        if !self.contains(from) {
            return None;
        }
        let mut r = self.minus(from);
        r.add(to);
        Some(r)
    }

    /// Appends each entry as a mesos.v1.Resource (field num).
    pub fn encode(&self, out: &mut Vec<u8>, num: u32) {
        for x in &self.items {
            for _ in 0..x.count.max(1) {
                pb::put_message(out, num, |b| encode_item(b, x));
            }
        }
    }
}

fn encode_item(b: &mut Vec<u8>, x: &Item) {
    b.extend_from_slice(&x.m.key);
    match &x.v {
        Value::Scalar(s) => pb::put_message(b, 3, |v| pb::put_double(v, 1, *s as f64 / 1000.0)),
        Value::Ranges(rs) => pb::put_message(b, 4, |v| {
            for &(lo, hi) in rs {
                pb::put_message(v, 1, |r| {
                    pb::put_uint(r, 1, lo);
                    pb::put_uint(r, 2, hi);
                });
            }
        }),
        Value::Set(items) => pb::put_message(b, 5, |v| {
            for s in items {
                pb::put_bytes(v, 1, s.as_bytes());
            }
        }),
        Value::Other(raw) => b.extend_from_slice(raw),
    }
    if let Some(r) = &x.alloc {
        pb::put_message(b, 11, |a| pb::put_bytes(a, 1, r.as_bytes()));
    }
}

/// Whether role is parent or one of parent's descendants ("a/b" of "a").
pub fn is_self_or_subrole(role: &str, parent: &str) -> bool {
    role == parent || (role.len() > parent.len() && role.starts_with(parent) && role.as_bytes()[parent.len()] == b'/')
}

/// The ancestors of role, nearest first ("a/b/c": "a/b", "a").
pub fn role_ancestors(role: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (i, c) in role.char_indices().rev() {
        if c == '/' {
            out.push(&role[..i]);
        }
    }
    out
}

/// Scalar quantities by name, sorted by name.
#[derive(Clone, Default)]
pub struct Quantities(pub Vec<(String, i64)>);

impl Quantities {
    pub fn of(r: &Res) -> Quantities {
        let mut q = Quantities::default();
        for x in &r.items {
            if let Value::Scalar(s) = x.v {
                q.add_one(&x.m.name, s.saturating_mul(x.count as i64));
            }
        }
        q
    }
    pub fn get(&self, name: &str) -> i64 {
        self.0.iter().find(|e| e.0 == name).map(|e| e.1).unwrap_or(0)
    }
    fn add_one(&mut self, name: &str, v: i64) {
        match self.0.binary_search_by(|e| e.0.as_str().cmp(name)) {
            Ok(i) => {
                let e = &mut self.0[i].1;
                *e = e.saturating_add(v).max(0);
                if *e == 0 {
                    self.0.remove(i);
                }
            }
            Err(i) if v > 0 => self.0.insert(i, (name.to_string(), v)),
            Err(_) => {}
        }
    }
    pub fn add(&mut self, o: &Quantities) {
        for (n, v) in &o.0 {
            self.add_one(n, *v);
        }
    }
    pub fn sub(&mut self, o: &Quantities) {
        for (n, v) in &o.0 {
            self.add_one(n, -*v);
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn from_pairs(pairs: Vec<(String, f64)>) -> Quantities {
        let mut q = Quantities::default();
        for (n, v) in pairs {
            q.add_one(&n, scalar_from_f64(v));
        }
        q
    }
}
