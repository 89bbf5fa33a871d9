//! Shipment files saved as UTF-16 (a little- or big-endian byte order mark, as spreadsheet
//! programs write "Unicode text"): read as UTF-8, as a stream.
//!
//! Owns: recognising the byte order mark and transcoding chunk by chunk. Every line break stays
//! one line break, so line numbers are those of the file. An unpaired surrogate or a trailing
//! odd byte becomes a byte that is never UTF-8 (0xFF): its row is rejected as invalid text with
//! its line, not stored with a character quietly changed.
//!
//! Refuses: guessing an encoding without a byte order mark (such a file is read as UTF-8), and
//! holding more than one chunk of the file.

use std::io::Read;

/// How many bytes of the file are read at a time.
const CHUNK: usize = 64 << 10;

/// What stands for a code unit that is not text (never valid in UTF-8).
const NOT_TEXT: u8 = 0xFF;

enum Mode {
    /// The first two bytes are not read yet.
    Unknown,
    /// No UTF-16 byte order mark: bytes pass through.
    Plain,
    /// UTF-16, little-endian when `true`.
    Utf16(bool),
}

/// A reader that yields UTF-8 for a UTF-16 input with a byte order mark (the mark itself left
/// out), and any other input unchanged.
pub struct Utf8Reader<R: Read> {
    inner: R,
    mode: Mode,
    /// Bytes read but not decoded yet (the first bytes looked at, or a half code unit).
    raw: Vec<u8>,
    out: Vec<u8>,
    at: usize,
    /// A high surrogate waiting for its low half (which may be in the next chunk).
    high: Option<u16>,
    eof: bool,
}

impl<R: Read> Utf8Reader<R> {
    pub fn new(inner: R) -> Self {
        Utf8Reader {
            inner,
            mode: Mode::Unknown,
            raw: Vec::new(),
            out: Vec::new(),
            at: 0,
            high: None,
            eof: false,
        }
    }

    /// Looks at the first two bytes (fewer at the end of the input).
    fn judge(&mut self) -> std::io::Result<()> {
        let mut two = [0u8; 2];
        while self.raw.len() < 2 {
            let n = self.inner.read(&mut two[..2 - self.raw.len()])?;
            if n == 0 {
                break;
            }
            self.raw.extend_from_slice(&two[..n]);
        }
        self.mode = match self.raw[..] {
            [0xFF, 0xFE] => Mode::Utf16(true),
            [0xFE, 0xFF] => Mode::Utf16(false),
            _ => Mode::Plain,
        };
        if matches!(self.mode, Mode::Utf16(_)) {
            self.raw.clear();
        } else {
            // The bytes looked at are the start of the text.
            self.out = std::mem::take(&mut self.raw);
            self.at = 0;
        }
        Ok(())
    }

    fn emit(&mut self, c: char) {
        let mut b = [0u8; 4];
        self.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
    }

    /// Decodes the next chunk into `out` (empty at the end of the input).
    fn decode(&mut self, little: bool) -> std::io::Result<()> {
        self.out.clear();
        self.at = 0;
        while self.out.is_empty() && !self.eof {
            let have = self.raw.len();
            self.raw.resize(have + CHUNK, 0);
            let n = self.inner.read(&mut self.raw[have..])?;
            self.raw.truncate(have + n);
            if n == 0 {
                self.eof = true;
                if self.high.take().is_some() {
                    self.out.push(NOT_TEXT);
                }
                if !self.raw.is_empty() {
                    self.raw.clear();
                    self.out.push(NOT_TEXT);
                }
                break;
            }
            let whole = self.raw.len() / 2 * 2;
            let raw = std::mem::take(&mut self.raw);
            for pair in raw[..whole].chunks_exact(2) {
                let u = if little {
                    u16::from_le_bytes([pair[0], pair[1]])
                } else {
                    u16::from_be_bytes([pair[0], pair[1]])
                };
                if let Some(h) = self.high.take() {
                    if (0xDC00..0xE000).contains(&u) {
                        let c = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
                        self.emit(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                        continue;
                    }
                    self.out.push(NOT_TEXT);
                }
                match u {
                    0xD800..0xDC00 => self.high = Some(u),
                    0xDC00..0xE000 => self.out.push(NOT_TEXT),
                    _ => self.emit(char::from_u32(u32::from(u)).unwrap_or_default()),
                }
            }
            self.raw = raw;
            self.raw.drain(..whole);
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.at < self.out.len() {
                let n = buf.len().min(self.out.len() - self.at);
                buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
                self.at += n;
                return Ok(n);
            }
            match self.mode {
                Mode::Unknown => self.judge()?,
                Mode::Plain => return self.inner.read(buf),
                Mode::Utf16(little) => {
                    if self.eof {
                        return Ok(0);
                    }
                    self.decode(little)?;
                    if self.out.is_empty() {
                        return Ok(0);
                    }
                }
            }
        }
    }
}

/// Whether the bytes start with a UTF-16 byte order mark.
pub fn is_utf16(bytes: &[u8]) -> bool {
    matches!(bytes, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `text` as UTF-16 with its byte order mark (for the tests of this crate).
    pub(crate) fn utf16(text: &str, little: bool) -> Vec<u8> {
        let mut b = if little {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in text.encode_utf16() {
            b.extend(if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        b
    }

    /// Reads through a reader that hands out `step` bytes at a time (chunk edges everywhere).
    fn read_all(bytes: &[u8], step: usize) -> Vec<u8> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = Vec::new();
        Utf8Reader::new(Trickle(bytes, step))
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn utf16_either_way_reads_as_utf8_whatever_the_chunks() {
        let text = "hs,direction,description\r\n8418,in,\"холодильники, 冷蔵庫 🧊\"\n";
        for little in [true, false] {
            for step in [1, 2, 3, 7, 4096] {
                assert_eq!(
                    read_all(&utf16(text, little), step),
                    text.as_bytes(),
                    "little {little}, step {step}"
                );
            }
        }
    }

    #[test]
    fn other_input_passes_unchanged() {
        for bytes in [
            &b""[..],
            b"h",
            b"\xEF\xBB\xBFhs,direction\n",
            b"hs,direction\n8418,in\n",
            b"\xFF\x00binary",
        ] {
            assert_eq!(read_all(bytes, 1), bytes);
            assert_eq!(read_all(bytes, 4096), bytes);
        }
    }

    /// What is not text stays visibly not text (so its row is rejected), and nothing else of
    /// the line is lost.
    #[test]
    fn unpaired_surrogates_and_an_odd_byte_are_not_text() {
        let mut b = vec![0xFF, 0xFE];
        for u in [b'a' as u16, 0xD800, b'b' as u16, 0xDC00, b'\n' as u16] {
            b.extend(u.to_le_bytes());
        }
        b.push(b'z');
        assert_eq!(read_all(&b, 1), b"a\xFFb\xFF\n\xFF");
        let mut high_at_end = vec![0xFE, 0xFF, 0x00, b'x', 0xD8, 0x3D];
        assert_eq!(read_all(&high_at_end, 3), b"x\xFF");
        high_at_end.truncate(2);
        assert_eq!(read_all(&high_at_end, 3), b"");
    }
}
