//! Shipment files read as a stream: the header judged first, then one row at a time, in memory
//! bounded by the size limits whatever the file's size.
//!
//! Owns: splitting a byte stream into records (CSV records may hold quoted line breaks; JSON
//! lines may not), line numbers, and the limits — a record over [`MAX_RECORD_BYTES`] or a field
//! over [`MAX_FIELD_BYTES`] is a rejected row with its reason, and its bytes are skipped, never
//! buffered.
//!
//! A file in UTF-16 with a byte order mark is read as UTF-8 (`utf16.rs`), with the same line
//! numbers.
//!
//! Refuses: buffering the file. The caller may archive the bytes as they pass (the reader is
//! any `Read`, e.g. one that also hashes and stores them; it sees the file's own bytes).

use std::io::{BufRead, BufReader, Read};

use borderwatch_model::{Date, Issue, IssueCode};

use crate::file::{Format, Row};
use crate::utf16::Utf8Reader;
use crate::{parse_row, utf8_fields_of, Columns};

/// The longest record (a CSV row, a JSON line) read: a longer one is rejected and skipped.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// The longest field of a row.
pub const MAX_FIELD_BYTES: usize = 64 << 10;
/// The most of a file read to judge its header (a first line longer than this is no header).
pub const MAX_HEADER_BYTES: usize = 64 << 10;

/// One record as split from the stream: its first line and its bytes, or only its length when
/// it is over the limit.
struct Record {
    line: u64,
    bytes: Vec<u8>,
    /// The record's full length, when over the limit (its bytes were not kept).
    over: Option<u64>,
}

/// Splits a stream into records without holding more than one record (up to the limit).
struct Splitter<R: Read> {
    input: BufReader<Utf8Reader<R>>,
    csv: bool,
    line: u64,
    done: bool,
}

impl<R: Read> Splitter<R> {
    fn new(input: R, csv: bool) -> Self {
        Splitter {
            input: BufReader::with_capacity(256 << 10, Utf8Reader::new(input)),
            csv,
            line: 1,
            done: false,
        }
    }

    /// The next record (blank lines included; the caller skips them), `None` at the end.
    fn next(&mut self, buf: &mut Vec<u8>) -> std::io::Result<Option<Record>> {
        if self.done {
            return Ok(None);
        }
        buf.clear();
        let line = self.line;
        let mut len: u64 = 0;
        let mut quoted = false;
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                self.done = true;
                if len == 0 {
                    return Ok(None);
                }
                break;
            }
            // The end of this record in the chunk: a line break outside quotes.
            let mut end = None;
            for (i, &b) in chunk.iter().enumerate() {
                match b {
                    b'"' if self.csv => quoted = !quoted,
                    b'\n' => {
                        self.line += 1;
                        if !quoted {
                            end = Some(i);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let take = end.map_or(chunk.len(), |e| e + 1);
            let body = &chunk[..end.unwrap_or(chunk.len())];
            len += body.len() as u64;
            if len <= MAX_RECORD_BYTES as u64 {
                buf.extend_from_slice(body);
            }
            self.input.consume(take);
            if end.is_some() {
                break;
            }
        }
        let over = (len > MAX_RECORD_BYTES as u64).then_some(len);
        if over.is_some() {
            buf.clear();
        } else if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        Ok(Some(Record {
            line,
            bytes: std::mem::take(buf),
            over,
        }))
    }
}

/// Reads the first non-blank line of a stream (as UTF-8), from at most [`MAX_HEADER_BYTES`] of
/// it: what [`crate::sniff`] judges.
pub fn head<R: Read>(input: R) -> std::io::Result<Vec<u8>> {
    let mut r = BufReader::with_capacity(
        MAX_HEADER_BYTES,
        Utf8Reader::new(input.take(MAX_HEADER_BYTES as u64)),
    );
    let mut line = Vec::new();
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line)? == 0 {
            return Ok(line);
        }
        if !line.iter().all(u8::is_ascii_whitespace) {
            return Ok(line);
        }
    }
}

/// Rows of a shipment file, one at a time. Rows read = shipments + rejected issues, always.
pub struct Rows<R: Read> {
    split: Splitter<R>,
    format: Format,
    cols: Option<Columns>,
    overrides: Vec<(String, String)>,
    default_date: Date,
    buf: Vec<u8>,
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    first: bool,
}

fn too_large(what: &str, n: u64, limit: usize) -> Issue {
    Issue::new(
        IssueCode::TooLarge,
        format!("{what} is {n} bytes, over the limit of {limit} bytes; the row is skipped"),
    )
}

/// The start of an over-long value, for the issue (the whole value would be the allocation the
/// limit refuses).
fn preview(b: &[u8]) -> String {
    let cut = b.len().min(200);
    let mut s = String::from_utf8_lossy(&b[..cut]).into_owned();
    if cut < b.len() {
        s.push('…');
    }
    s
}

impl<R: Read> Rows<R> {
    /// Starts reading: for CSV the header is read and checked first (a header that lacks the
    /// columns screening needs fails the whole file, one line naming what was found).
    pub fn new(
        input: R,
        format: Format,
        overrides: &[(String, String)],
        default_date: Date,
    ) -> Result<Rows<R>, String> {
        let mut rows = Rows {
            split: Splitter::new(input, format == Format::Csv),
            format,
            cols: None,
            overrides: overrides.to_vec(),
            default_date,
            buf: Vec::new(),
            core: csv_core::ReaderBuilder::new().build(),
            out: Vec::new(),
            ends: Vec::new(),
            first: true,
        };
        if format == Format::Csv {
            let rec = loop {
                match rows.split.next(&mut rows.buf).map_err(|e| e.to_string())? {
                    None => return Err("the file is empty (expected a header row)".into()),
                    Some(r) if r.over.is_some() => {
                        return Err(format!(
                            "line {}: the header is over the limit of {MAX_RECORD_BYTES} bytes",
                            r.line
                        ))
                    }
                    Some(r) => {
                        let mut bytes = r.bytes;
                        if rows.first {
                            if let Some(rest) = bytes.strip_prefix("\u{feff}".as_bytes()) {
                                bytes = rest.to_vec();
                            }
                        }
                        rows.first = false;
                        if bytes.iter().all(u8::is_ascii_whitespace) {
                            rows.buf = bytes;
                            continue;
                        }
                        break Record { bytes, ..r };
                    }
                }
            };
            let fields = rows.fields(&rec.bytes).map_err(|e| e.message)?;
            let header: Vec<String> = fields
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    std::str::from_utf8(f).map(str::to_string).map_err(|_| {
                        format!("line {}: header field {} is not utf-8", rec.line, i + 1)
                    })
                })
                .collect::<Result<_, _>>()?;
            let cols = Columns::from_header(&header, overrides)
                .map_err(|e| format!("line {}: {e}", rec.line))?;
            rows.cols = Some(cols);
            rows.buf = rec.bytes;
        }
        Ok(rows)
    }

    /// The fields of one CSV record (quotes undone).
    fn fields(&mut self, rec: &[u8]) -> Result<Vec<Vec<u8>>, Issue> {
        use csv_core::ReadRecordResult as R;
        self.core.reset();
        // Unquoting never lengthens a record: buffers the record's size always suffice.
        self.out.resize(rec.len() + 1, 0);
        self.ends.resize(rec.len() + 2, 0);
        let (mut input, mut nout, mut nend) = (rec, 0, 0);
        loop {
            let (res, i, o, e) =
                self.core
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
            input = &input[i..];
            nout += o;
            nend += e;
            match res {
                // The record has no line break of its own: an empty input says it ends here.
                R::InputEmpty if input.is_empty() && i == 0 && o == 0 && e == 0 => {
                    let (_, _, o, e) =
                        self.core
                            .read_record(&[], &mut self.out[nout..], &mut self.ends[nend..]);
                    nend += e;
                    let _ = o;
                    break;
                }
                R::InputEmpty => {}
                R::Record | R::End => break,
                R::OutputFull | R::OutputEndsFull => {
                    return Err(Issue::new(
                        IssueCode::WrongFieldCount,
                        "the row cannot be split into fields",
                    ))
                }
            }
        }
        let mut fields = Vec::with_capacity(nend);
        let mut start = 0;
        for &end in &self.ends[..nend] {
            fields.push(self.out[start..end].to_vec());
            start = end;
        }
        Ok(fields)
    }

    /// The next row, `None` at the end of the file. An error reading the stream ends it.
    pub fn next_row(&mut self) -> Option<std::io::Result<Row>> {
        loop {
            let rec = match self.split.next(&mut self.buf) {
                Err(e) => return Some(Err(e)),
                Ok(None) => return None,
                Ok(Some(r)) => r,
            };
            let line = rec.line;
            let mut bytes = rec.bytes;
            if self.first {
                self.first = false;
                if let Some(rest) = bytes.strip_prefix("\u{feff}".as_bytes()) {
                    bytes = rest.to_vec();
                }
            }
            if let Some(n) = rec.over {
                self.buf = bytes;
                let what = if self.format == Format::Csv {
                    "the row"
                } else {
                    "the line"
                };
                return Some(Ok(Row {
                    line,
                    result: Err(too_large(what, n, MAX_RECORD_BYTES)
                        .value(format!("{n} bytes from line {line}"))),
                }));
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                self.buf = bytes;
                continue;
            }
            let result = self.parse(&bytes);
            self.buf = bytes;
            return Some(Ok(Row { line, result }));
        }
    }

    fn parse(&mut self, bytes: &[u8]) -> Result<borderwatch_model::Shipment, Issue> {
        let raw = || String::from_utf8_lossy(bytes).trim_end().to_string();
        match self.format {
            Format::Jsonl => {
                let text = std::str::from_utf8(bytes).map_err(|e| {
                    Issue::new(
                        IssueCode::InvalidUtf8,
                        format!("invalid utf-8 at byte {} of the line", e.valid_up_to()),
                    )
                    .value(raw())
                })?;
                crate::parse_json_row(text, &self.overrides, self.default_date)
                    .map(|(_, s)| s)
                    .map_err(|i| if i.value.is_some() { i } else { i.value(raw()) })
            }
            Format::Csv => {
                let fields = self.fields(bytes).map_err(|i| i.value(raw()))?;
                if let Some((i, f)) = fields
                    .iter()
                    .enumerate()
                    .find(|(_, f)| f.len() > MAX_FIELD_BYTES)
                {
                    return Err(too_large(
                        &format!("field {}", i + 1),
                        f.len() as u64,
                        MAX_FIELD_BYTES,
                    )
                    .value(preview(f)));
                }
                let cols = self.cols.as_ref().expect("a csv reader has its header");
                let strs = utf8_fields_of(&fields)?;
                parse_row(cols, &strs, self.default_date).map_err(|i| {
                    if i.value.is_some() {
                        i
                    } else {
                        i.value(
                            fields
                                .iter()
                                .map(|f| String::from_utf8_lossy(f))
                                .collect::<Vec<_>>()
                                .join(","),
                        )
                    }
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> Date {
        borderwatch_model::parse_date("2020-01-01").unwrap()
    }

    /// A reader that fails the test if read past `limit` bytes.
    struct Fence<'a> {
        bytes: &'a [u8],
        at: usize,
        limit: usize,
    }

    impl Read for Fence<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.bytes.len() - self.at);
            assert!(self.at + n <= self.limit, "read past byte {}", self.limit);
            buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn the_header_is_judged_from_the_first_line_alone() {
        let mut text = b"Trucks crossed at Dandong, a source said.\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 10 << 20));
        let first = head(Fence {
            bytes: &text,
            at: 0,
            limit: MAX_HEADER_BYTES,
        })
        .unwrap();
        assert_eq!(crate::sniff(&first), None);
        // A first line with no end is no header, and is not read beyond the limit.
        let endless = vec![b'a'; 10 << 20];
        let first = head(Fence {
            bytes: &endless,
            at: 0,
            limit: MAX_HEADER_BYTES,
        })
        .unwrap();
        assert_eq!(first.len(), MAX_HEADER_BYTES);
        assert_eq!(crate::sniff(&first), None);
    }

    #[test]
    fn rows_over_the_limits_are_rejected_not_held() {
        let mut f = b"hs,direction,description\n8418,in,fridges\n8418,in,".to_vec();
        f.extend(std::iter::repeat_n(b'y', MAX_FIELD_BYTES + 1));
        f.extend(b"\n8418,in,\"");
        f.extend(std::iter::repeat_n(b'z', MAX_RECORD_BYTES * 3));
        f.extend(b"\"\n1006,in,rice\n");
        let mut rows = Rows::new(&f[..], Format::Csv, &[], day()).unwrap();
        let mut got = Vec::new();
        while let Some(r) = rows.next_row() {
            let r = r.unwrap();
            got.push(match r.result {
                Ok(s) => format!("{} ok {}", r.line, s.hs.unwrap()),
                Err(i) => format!("{} {} {}", r.line, i.code, i.message),
            });
        }
        assert_eq!(
            got,
            [
                "2 ok 8418".to_string(),
                format!(
                    "3 too-large field 3 is {} bytes, over the limit of {MAX_FIELD_BYTES} bytes; the row is skipped",
                    MAX_FIELD_BYTES + 1
                ),
                format!(
                    "4 too-large the row is {} bytes, over the limit of {MAX_RECORD_BYTES} bytes; the row is skipped",
                    MAX_RECORD_BYTES * 3 + 10
                ),
                "5 ok 1006".to_string(),
            ]
        );
        assert!(
            rows.buf.capacity() <= MAX_RECORD_BYTES * 2,
            "{}",
            rows.buf.capacity()
        );
        let mut jl = b"{\"hs\":\"8418\",\"direction\":\"in\"}\n".to_vec();
        jl.extend(std::iter::repeat_n(b' ', MAX_RECORD_BYTES + 5));
        jl.extend(b"\n{\"hs\":\"1006\",\"direction\":\"in\"}");
        let mut rows = Rows::new(&jl[..], Format::Jsonl, &[], day()).unwrap();
        let mut n = Vec::new();
        while let Some(r) = rows.next_row() {
            let r = r.unwrap();
            n.push((r.line, r.result.map(|_| ()).map_err(|i| i.code)));
        }
        assert_eq!(n, [(1, Ok(())), (2, Err(IssueCode::TooLarge)), (3, Ok(()))]);
    }
}
