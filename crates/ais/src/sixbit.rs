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

/// A payload's bits, six per character, most significant first, packed into bytes: a field
/// is then one 8-byte big-endian load and two shifts, not a walk over characters.
pub struct Bits {
    /// The packed bits, then zero bytes: bits past the end (and the fill bits) read as zero.
    bytes: Vec<u8>,
    len: usize,
}

/// Zero bytes after the packed bits, so a field near the end needs no second path.
const PAD: usize = 8;

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

/// Eight characters' sextets as 48 bits (the first character highest), and whether any of
/// them is not armour: all eight at once, a byte of a word each.
fn octet(c: [u8; 8]) -> (u64, bool) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOP: u64 = ONES * 0x80;
    let x = u64::from_le_bytes(c);
    // Each byte's top bit: whether it is at least `k` (the top bit set keeps borrows in the
    // byte; bytes of 128 and over are refused on their own).
    let at_least = |k: u8| ((x | TOP) - k as u64 * ONES) & TOP;
    let (digits, upper, lower, over) = (
        at_least(b'0'),
        at_least(b'X'),
        at_least(b'`'),
        at_least(b'x'),
    );
    let valid = digits & !(upper & !lower) & !over & !(x & TOP);
    // `0`-`W` less 48, `` ` ``-`w` less 56; then sextet pairs, quads, the eight.
    let s = x.wrapping_sub(0x30 * ONES + (upper >> 4));
    let m = 0x00ff_00ff_00ff_00ff;
    let p = ((s & m) << 6) | ((s >> 8) & m);
    let m = 0x0000_ffff_0000_ffff;
    let q = ((p & m) << 12) | ((p >> 16) & m);
    (((q & 0xffff_ffff) << 24) | (q >> 32), valid != TOP)
}

/// The last `rest` (1-7) characters then `0`s (zero sextets) to eight: read as the last
/// eight bytes when there are so many, without a copy loop.
fn last_chars(payload: &[u8], rest: usize) -> [u8; 8] {
    let zeros = u64::from_le_bytes([b'0'; 8]);
    match payload.last_chunk::<8>() {
        Some(w) => {
            let kept = u64::from_le_bytes(*w) >> (8 * (8 - rest));
            (kept | zeros << (8 * rest)).to_le_bytes()
        }
        None => {
            let mut c = [b'0'; 8];
            c[..rest].copy_from_slice(&payload[payload.len() - rest..]);
            c
        }
    }
}

impl Bits {
    pub fn new() -> Bits {
        Bits {
            bytes: Vec::with_capacity(64),
            len: 0,
        }
    }

    /// Replaces the bits with those of `payload` (the fragments' payloads concatenated) less
    /// `fill` bits at the end.
    pub fn load(&mut self, payload: &[u8], fill: u8) -> Result<(), ArmourError> {
        if payload.is_empty() {
            self.bytes.clear();
            return Err(ArmourError::Empty);
        }
        // Every byte is written below, so a longer buffer is only cut (no zeroing pass).
        let packed = payload.len().div_ceil(8) * 6;
        self.bytes.resize(packed + PAD, 0);
        if self.pack(payload) {
            let i = payload
                .iter()
                .position(|&c| ARMOUR[c as usize] & INVALID != 0)
                .unwrap_or(0);
            return Err(ArmourError::BadChar(i, payload[i] as char));
        }
        let total = payload.len() * 6;
        if fill > 5 || fill as usize >= total {
            return Err(ArmourError::BadFill(fill));
        }
        self.len = total - fill as usize;
        // Fill bits read as zero, like bits past the end: at most 5, so in two bytes at most.
        let at = self.len / 8;
        self.bytes[at] &= !(0xffu8 >> (self.len % 8));
        if let Some(b) = self.bytes.get_mut(at + 1) {
            *b = 0;
        }
        Ok(())
    }

    /// Packs eight characters into six bytes at a time (a short last group as if padded
    /// with zero sextets); gives whether any character is not armour.
    fn pack(&mut self, payload: &[u8]) -> bool {
        let mut bad = false;
        let mut at = 0;
        let mut groups = payload.chunks_exact(8);
        let mut put = |c: [u8; 8], bytes: &mut [u8]| {
            let (v, b) = octet(c);
            bad |= b;
            // Eight bytes written, six kept: the last two are the next group's first.
            bytes[at..at + 8].copy_from_slice(&(v << 16).to_be_bytes());
            at += 6;
        };
        for g in &mut groups {
            put(
                [g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7]],
                &mut self.bytes,
            );
        }
        let rest = groups.remainder().len();
        if rest > 0 {
            put(last_chars(payload, rest), &mut self.bytes);
        }
        // The bytes after the packed ones (their first two written as zero above) read as
        // zero, whatever a longer payload left there.
        self.bytes[at..at + PAD].copy_from_slice(&[0; PAD]);
        bad
    }

    /// How many bits the payload holds.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `width` (≤ 32) bits from `start`, unsigned; bits past the end read as zero.
    #[inline]
    pub fn uint(&self, start: usize, width: usize) -> u32 {
        debug_assert!(width <= 32);
        let word = self.word(start / 8);
        // The field's first bit to the top, then down to its width (width 0 reads 0).
        (word << (start % 8))
            .checked_shr(64 - width as u32)
            .unwrap_or(0) as u32
    }

    /// Eight bytes from byte `i`, big-endian; bytes past the end read as zero.
    #[inline]
    fn word(&self, i: usize) -> u64 {
        match self.bytes.get(i..).and_then(|b| b.first_chunk::<8>()) {
            Some(w) => u64::from_be_bytes(*w),
            None => (0..8).fold(0u64, |a, k| {
                (a << 8) | self.bytes.get(i + k).copied().unwrap_or(0) as u64
            }),
        }
    }

    /// `width` bits from `start` as a two's-complement signed number.
    #[inline]
    pub fn int(&self, start: usize, width: usize) -> i32 {
        let u = self.uint(start, width) as i64;
        let v = if u & (1 << (width - 1)) != 0 {
            u - (1 << width)
        } else {
            u
        };
        v as i32
    }

    #[inline]
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
        // Six-bit text holds no whitespace but the space: trim without copying when none.
        let t = s.trim();
        if t.len() == s.len() {
            s
        } else {
            t.to_string()
        }
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

    /// The packed bits against a plain reading, character by character and bit by bit, for
    /// every byte value in every position of payloads of every length to 20.
    #[test]
    fn packing_matches_a_plain_reading() {
        let mut b = Bits::new();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for round in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = 1 + round % 20;
            let payload: Vec<u8> = (0..len)
                .map(|i| match (seed >> (i * 3)) % 4 {
                    0 => (seed >> (i * 2)) as u8, // any byte, mostly not armour
                    _ => b"0W`w19AVah"[((seed >> i) % 10) as usize],
                })
                .collect();
            let bad = payload.iter().position(|&c| ARMOUR[c as usize] == INVALID);
            let got = b.load(&payload, 0);
            if let Some(i) = bad {
                assert_eq!(got, Err(ArmourError::BadChar(i, payload[i] as char)));
                continue;
            }
            got.unwrap();
            let bits: Vec<u32> = payload
                .iter()
                .flat_map(|&c| {
                    (0..6)
                        .rev()
                        .map(move |k| (ARMOUR[c as usize] as u32 >> k) & 1)
                })
                .collect();
            for start in 0..bits.len() + 8 {
                for width in [1, 6, 13, 30, 32] {
                    let want = (start..start + width)
                        .fold(0u64, |a, i| (a << 1) | *bits.get(i).unwrap_or(&0) as u64);
                    assert_eq!(
                        b.uint(start, width) as u64,
                        want,
                        "{payload:?} {start} {width}"
                    );
                }
            }
        }
    }
}
