//! The little of the protobuf wire format this module needs: a reader
//! that walks the fields of one message and a writer that appends fields.
//! Every read is bounds-checked and returns an error instead of panicking
//! (a panic in wasm32-unknown-unknown is a trap the host reports as a
//! crash, and bad bytes are the host's mistake, not ours).
//!
//! Shared by the Rust examples, each of which uses only some of it.
#![allow(dead_code)]

pub type Result<T> = std::result::Result<T, String>;

/// One field of a message as it is on the wire.
pub enum Val<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

pub struct Field<'a> {
    pub num: u32,
    pub val: Val<'a>,
    /// The whole field (tag included), to keep it verbatim.
    pub raw: &'a [u8],
}

impl<'a> Field<'a> {
    pub fn bytes(&self) -> Result<&'a [u8]> {
        match self.val {
            Val::Bytes(b) => Ok(b),
            _ => Err(format!("field {}: want length-delimited", self.num)),
        }
    }
    pub fn string(&self) -> Result<String> {
        std::str::from_utf8(self.bytes()?)
            .map(|s| s.to_string())
            .map_err(|_| format!("field {}: invalid UTF-8", self.num))
    }
    pub fn varint(&self) -> Result<u64> {
        match self.val {
            Val::Varint(v) => Ok(v),
            _ => Err(format!("field {}: want varint", self.num)),
        }
    }
    pub fn double(&self) -> Result<f64> {
        match self.val {
            Val::Fixed64(v) => Ok(f64::from_bits(v)),
            _ => Err(format!("field {}: want a double", self.num)),
        }
    }
}

/// Walks the fields of one message.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn varint(&mut self) -> Result<u64> {
        let mut v: u64 = 0;
        for i in 0..10 {
            let b = *self.buf.get(self.pos).ok_or("truncated varint")?;
            self.pos += 1;
            v |= ((b & 0x7f) as u64) << (7 * i);
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err("varint longer than 10 bytes".to_string())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or("length overflows")?;
        let b = self.buf.get(self.pos..end).ok_or("truncated field")?;
        self.pos = end;
        Ok(b)
    }

    /// The next field, or None at the end of the message.
    pub fn next(&mut self) -> Result<Option<Field<'a>>> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let start = self.pos;
        let tag = self.varint()?;
        let num = (tag >> 3) as u32;
        if num == 0 || tag >> 3 > 0x1fff_ffff {
            return Err(format!("invalid field number {}", tag >> 3));
        }
        let val = match tag & 7 {
            0 => Val::Varint(self.varint()?),
            1 => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                Val::Fixed64(u64::from_le_bytes(a))
            }
            2 => {
                let n = self.varint()?;
                if n > u32::MAX as u64 {
                    return Err("length too large".to_string());
                }
                Val::Bytes(self.take(n as usize)?)
            }
            5 => {
                let b = self.take(4)?;
                let mut a = [0u8; 4];
                a.copy_from_slice(b);
                Val::Fixed32(u32::from_le_bytes(a))
            }
            w => return Err(format!("field {}: unsupported wire type {}", num, w)),
        };
        Ok(Some(Field { num, val, raw: &self.buf[start..self.pos] }))
    }
}

/// Calls f for every field of msg.
pub fn each<'a>(msg: &'a [u8], mut f: impl FnMut(Field<'a>) -> Result<()>) -> Result<()> {
    let mut r = Reader::new(msg);
    while let Some(fl) = r.next()? {
        f(fl)?;
    }
    Ok(())
}

/// Decodes a map entry (key = 1, value = 2) with f deciding the value.
pub fn map_entry<'a, V>(entry: &'a [u8], mut value: impl FnMut(&Field<'a>) -> Result<V>, default: V) -> Result<(String, V)> {
    let mut k = String::new();
    let mut v = default;
    each(entry, |fl| {
        match fl.num {
            1 => k = fl.string()?,
            2 => v = value(&fl)?,
            _ => {}
        }
        Ok(())
    })?;
    Ok((k, v))
}

/// The value of a mesos.v1.Value.Scalar message.
pub fn scalar_msg(b: &[u8]) -> Result<f64> {
    let mut v = 0.0;
    each(b, |fl| {
        if fl.num == 1 {
            v = fl.double()?;
        }
        Ok(())
    })?;
    Ok(v)
}

// Writing.

pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub fn put_tag(out: &mut Vec<u8>, num: u32, wire: u8) {
    put_varint(out, ((num as u64) << 3) | wire as u64);
}

pub fn put_bytes(out: &mut Vec<u8>, num: u32, b: &[u8]) {
    put_tag(out, num, 2);
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

pub fn put_uint(out: &mut Vec<u8>, num: u32, v: u64) {
    put_tag(out, num, 0);
    put_varint(out, v);
}

pub fn put_double(out: &mut Vec<u8>, num: u32, v: f64) {
    put_tag(out, num, 1);
    out.extend_from_slice(&v.to_bits().to_le_bytes());
}

/// Writes a length-delimited field whose body `body` appends, without a
/// scratch buffer per nesting level beyond the one it returns to.
pub fn put_message(out: &mut Vec<u8>, num: u32, body: impl FnOnce(&mut Vec<u8>)) {
    let mut tmp = Vec::new();
    body(&mut tmp);
    put_bytes(out, num, &tmp);
}

/// All fields of msg, for messages read by field number.
pub fn fields(msg: &[u8]) -> Result<Vec<Field<'_>>> {
    let mut out = Vec::new();
    each(msg, |f| {
        out.push(f);
        Ok(())
    })?;
    Ok(out)
}

/// The last string field num of fs ("" if absent).
pub fn str_of(fs: &[Field], num: u32) -> Result<String> {
    match fs.iter().rev().find(|f| f.num == num) {
        Some(f) => f.string(),
        None => Ok(String::new()),
    }
}

/// The last bool or varint field num of fs (0 if absent).
pub fn uint_of(fs: &[Field], num: u32) -> Result<u64> {
    match fs.iter().rev().find(|f| f.num == num) {
        Some(f) => f.varint(),
        None => Ok(0),
    }
}

/// The bytes of the last message field num, None if absent.
pub fn msg_of<'a>(fs: &[Field<'a>], num: u32) -> Result<Option<&'a [u8]>> {
    match fs.iter().rev().find(|f| f.num == num) {
        Some(f) => f.bytes().map(Some),
        None => Ok(None),
    }
}

/// The bytes of every repeated field num.
pub fn all_of<'a>(fs: &[Field<'a>], num: u32) -> Result<Vec<&'a [u8]>> {
    fs.iter().filter(|f| f.num == num).map(|f| f.bytes()).collect()
}

/// Every repeated string field num.
pub fn strs_of(fs: &[Field], num: u32) -> Result<Vec<String>> {
    fs.iter().filter(|f| f.num == num).map(|f| f.string()).collect()
}
