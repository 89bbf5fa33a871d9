//! An input's lines, read in large blocks into one buffer and found with `memchr`: each line
//! is a slice of that buffer, lent until the next is asked for, so no line is copied.
//!
//! Owns: where lines break (`\n`; a `\r` before it stays on the line, for the caller to trim),
//! the last line without a line break, and lines over [`MAX_LINE_BYTES`]: their first bytes
//! kept, their length counted, the rest skipped without being held.
//! Refuses: knowing what a line says (that is `nmea.rs`), and holding more than a block and
//! one line of the input.

use std::io::{ErrorKind, Read};

/// The longest line read; a longer one is rejected and its bytes skipped.
pub const MAX_LINE_BYTES: usize = 4096;

/// Bytes asked of the input at a time: large enough that reads are few, small enough that
/// the block stays in cache while its lines are parsed.
const BLOCK: usize = 128 << 10;

/// What the input gives next.
#[derive(Debug, PartialEq)]
pub enum Next<'a> {
    /// A line, without its `\n`.
    Line(&'a [u8]),
    /// A line over [`MAX_LINE_BYTES`]: its first `MAX_LINE_BYTES + 1` bytes and its length.
    Over {
        head: &'a [u8],
        len: usize,
    },
    End,
}

/// Lines of an input, a block at a time.
pub struct LineBuf<R: Read> {
    input: R,
    /// The block; bytes `start..end` are read and not yet given out.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// The head of an over-long line (its bytes are gone from `buf` once it is skipped).
    head: Vec<u8>,
}

impl<R: Read> LineBuf<R> {
    pub fn new(input: R) -> Self {
        LineBuf {
            input,
            // Room for a block after a partial line moved to the front.
            buf: vec![0; BLOCK + MAX_LINE_BYTES + 1],
            start: 0,
            end: 0,
            eof: false,
            head: Vec::new(),
        }
    }

    /// The next line; an error reading the input is returned as it comes.
    pub fn next_line(&mut self) -> std::io::Result<Next<'_>> {
        loop {
            let (start, end) = (self.start, self.end);
            if let Some(i) = memchr::memchr(b'\n', &self.buf[start..end]) {
                self.start = start + i + 1;
                return Ok(self.cut(start, i));
            }
            let have = end - start;
            if have > MAX_LINE_BYTES {
                return self.skip_long();
            }
            if self.eof {
                self.start = end;
                return Ok(match have {
                    0 => Next::End,
                    _ => Next::Line(&self.buf[start..end]),
                });
            }
            self.refill()?;
        }
    }

    /// The line of `len` bytes at `start`, still in the block.
    fn cut(&self, start: usize, len: usize) -> Next<'_> {
        if len > MAX_LINE_BYTES {
            let head = &self.buf[start..start + MAX_LINE_BYTES + 1];
            return Next::Over { head, len };
        }
        Next::Line(&self.buf[start..start + len])
    }

    /// A line with no break in its first `MAX_LINE_BYTES + 1` bytes: keeps them, then reads
    /// on to its end.
    fn skip_long(&mut self) -> std::io::Result<Next<'_>> {
        let start = self.start;
        self.head.clear();
        self.head
            .extend_from_slice(&self.buf[start..start + MAX_LINE_BYTES + 1]);
        let mut len = 0;
        loop {
            let (start, end) = (self.start, self.end);
            if let Some(i) = memchr::memchr(b'\n', &self.buf[start..end]) {
                self.start = start + i + 1;
                len += i;
                break;
            }
            len += end - start;
            self.start = end;
            if self.eof {
                break;
            }
            self.refill()?;
        }
        Ok(Next::Over {
            head: &self.head,
            len,
        })
    }

    /// Moves the unread bytes to the front and reads a block after them (or notes the end).
    fn refill(&mut self) -> std::io::Result<()> {
        self.buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        loop {
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An input that gives a few bytes at a time, as a pipe may.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(3);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn all<R: Read>(input: R) -> Vec<(Vec<u8>, Option<usize>)> {
        let mut lines = LineBuf::new(input);
        let mut out = Vec::new();
        loop {
            match lines.next_line().unwrap() {
                Next::Line(l) => out.push((l.to_vec(), None)),
                Next::Over { head, len } => out.push((head.to_vec(), Some(len))),
                Next::End => return out,
            }
        }
    }

    #[test]
    fn lines_breaks_and_long_lines() {
        let long = "x".repeat(MAX_LINE_BYTES + 1);
        let exact = "y".repeat(MAX_LINE_BYTES);
        let text = format!("a\r\n\nb\n{long}zz\n{exact}\n{long}");
        let want = vec![
            (b"a\r".to_vec(), None),
            (b"".to_vec(), None),
            (b"b".to_vec(), None),
            (long.clone().into_bytes(), Some(MAX_LINE_BYTES + 3)),
            (exact.into_bytes(), None),
            (long.into_bytes(), Some(MAX_LINE_BYTES + 1)),
        ];
        assert_eq!(all(text.as_bytes()), want);
        assert_eq!(all(Trickle(text.as_bytes())), want);
        assert_eq!(all(&b""[..]), vec![]);
        assert_eq!(all(&b"\n"[..]), vec![(b"".to_vec(), None)]);
    }
}
