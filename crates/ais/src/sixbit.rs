//! The AIS payload armour: six bits per character, read back as unsigned and signed integers
//! and six-bit text.
//!
//! Owns: checking the payload characters and fill bits, and reading bit fields.
//! Refuses: knowing what any field means (that is `message.rs`).

const INVALID: u8 = 0x80;

/// Each byte's six-bit value: `0`–`W` are 0–39, `` ` ``–`w` are 40–63, others invalid.
static ARMOUR: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut c = 0;
    while c < 256 {
        if c >= b'0' as usize && c <= b'W' as usize {
            t[c] = (c - 48) as u8;
        } else if c >= b'`' as usize && c <= b'w' as usize {
            t[c] = (c - 56) as u8;
        }
        c += 1;
    }
    t
};

/// A payload's bits, six per character, most significant first.
pub struct Bits {
    sextets: Vec<u8>,
    len: usize,
}

/// Why a payload cannot be read as bits.
#[derive(Debug, Clone, PartialEq)]
pub enum ArmourError {
    /// A character outside `0`–`W` and `` ` ``–`w`, at this index of the payload.
    BadChar(usize, char),
    /// Fill bits outside 0–5, or more fill bits than the payload has.
    BadFill(u8),
    Empty,
}

impl std::fmt::Display for ArmourError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArmourError::BadChar(i, c) => {
                write!(
                    f,
                    "payload character {c:?} at {} is not six-bit armour",
                    i + 1
                )
            }
            ArmourError::BadFill(n) => write!(f, "fill bits {n} are not 0-5"),
            ArmourError::Empty => f.write_str("the payload is empty"),
        }
    }
}

impl Bits {
    pub fn new() -> Bits {
        Bits {
            sextets: Vec::with_capacity(80),
            len: 0,
        }
    }

    /// Replaces the bits with those of `payload` (the fragments' payloads concatenated) less
    /// `fill` bits at the end.
    pub fn load(&mut self, payload: &[u8], fill: u8) -> Result<(), ArmourError> {
        if payload.is_empty() {
            self.sextets.clear();
            return Err(ArmourError::Empty);
        }
        // A table and no branches: the loop is most of the decoding time.
        self.sextets.clear();
        self.sextets.resize(payload.len(), 0);
        let mut bad = 0u8;
        for (d, &c) in self.sextets.iter_mut().zip(payload) {
            let v = ARMOUR[c as usize];
            bad |= v;
            *d = v;
        }
        if bad & INVALID != 0 {
            let i = self
                .sextets
                .iter()
                .position(|&v| v & INVALID != 0)
                .unwrap_or(0);
            return Err(ArmourError::BadChar(i, payload[i] as char));
        }
        let total = payload.len() * 6;
        if fill > 5 || fill as usize >= total {
            return Err(ArmourError::BadFill(fill));
        }
        self.len = total - fill as usize;
        // Fill bits read as zero, like bits past the end.
        if let Some(last) = self.sextets.last_mut() {
            *last &= !((1u8 << fill) - 1);
        }
        Ok(())
    }

    /// How many bits the payload holds.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `width` (≤ 32) bits from `start`, unsigned; bits past the end read as zero.
    pub fn uint(&self, start: usize, width: usize) -> u32 {
        debug_assert!(width <= 32);
        let (mut v, mut bit, end) = (0u64, start, start + width);
        // A sextet (or the part of one the field covers) at a time.
        while bit < end {
            let off = bit % 6;
            let take = (6 - off).min(end - bit);
            let sext = self.sextets.get(bit / 6).copied().unwrap_or(0);
            let chunk = (sext >> (6 - off - take)) & ((1u8 << take) - 1);
            v = (v << take) | chunk as u64;
            bit += take;
        }
        v as u32
    }

    /// `width` bits from `start` as a two's-complement signed number.
    pub fn int(&self, start: usize, width: usize) -> i32 {
        let u = self.uint(start, width) as i64;
        let v = if u & (1 << (width - 1)) != 0 {
            u - (1 << width)
        } else {
            u
        };
        v as i32
    }

    pub fn flag(&self, bit: usize) -> bool {
        self.uint(bit, 1) == 1
    }

    /// Six-bit text of `width` bits from `start`: it ends at the first `@` (the padding
    /// character), a last chunk shorter than six bits is read left-aligned, and surrounding
    /// spaces are dropped — the reading pyais and gpsd give.
    pub fn text(&self, start: usize, width: usize) -> String {
        let end = (start + width).min(self.len.max(start));
        let mut s = String::with_capacity(width / 6);
        let mut at = start;
        while at < end {
            let n = (end - at).min(6);
            let mut v = self.uint(at, n) as u8;
            if n < 6 {
                v <<= 6 - n;
            }
            let c = if v < 32 { v + 64 } else { v };
            if c == b'@' {
                break;
            }
            s.push(c as char);
            at += n;
        }
        s.trim().to_string()
    }
}

impl Default for Bits {
    fn default() -> Self {
        Bits::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn armour_and_fields() {
        let mut b = Bits::new();
        b.load(b"13HOI:0P0000VOHLCnHQKwvL05Ip", 0).unwrap();
        assert_eq!(b.len(), 168);
        assert_eq!(b.uint(0, 6), 1);
        assert_eq!(b.uint(8, 30), 227006760);
        assert_eq!(b.load(b"1x", 0), Err(ArmourError::BadChar(1, 'x')));
        assert_eq!(b.load(b"1", 6), Err(ArmourError::BadFill(6)));
        assert_eq!(b.load(b"", 0), Err(ArmourError::Empty));
        // Signed: all ones is -1.
        b.load(b"w", 0).unwrap();
        assert_eq!(b.int(0, 6), -1);
    }
}
