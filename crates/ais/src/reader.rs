//! An NMEA file as a stream of decoded AIS messages and issues, line by line.
//!
//! Owns: joining the fragments of multi-part messages (in order, by sequential id, channel,
//! talker and count), giving each message its receiver time — the tag block's `c:` on one of
//! its lines, else its tag block group's, else the `$PGHP` line just before it, else the time
//! stated for the file — and the count: every line read (blank lines and `#` comments are not
//! read) ends as part of a decoded message (with the `$PGHP` line it took) or as one issue,
//! so `read = decoded + rejected` always holds (see [`Tally`]).
//!
//! Refuses: guessing a time (a message with none, in a file with no stated time, is rejected
//! with `no-timestamp`), decoding a message some of whose fragments are missing, and holding
//! the file: memory is one block of it (`linebuf.rs`: lines are slices of it, and only what an
//! item keeps is copied), the fragments of the messages still open (at most a few, each
//! dropped as incomplete after [`MAX_OPEN_LINES`] lines) and the output of the current line.

mod linebuf;

use std::collections::VecDeque;
use std::io::Read;

use borderwatch_model::{Issue, IssueCode};
use serde::Serialize;

use crate::message::{decode, DecodeError, Message};
use crate::nmea::{parse_line, single, Bad, Line, Sentence, TagBlock};
use crate::sixbit::Bits;
use linebuf::{LineBuf, Next};

pub use linebuf::MAX_LINE_BYTES;
/// A multi-part message still missing fragments this many lines after its first is dropped
/// as incomplete.
pub const MAX_OPEN_LINES: u64 = 100;

/// The lines of a file a record came from (1-based, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Lines {
    pub first: u64,
    pub last: u64,
}

/// Where a message's time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeFrom {
    /// The tag block's `c:` (or a time after the checksum) on one of the message's lines.
    Tag,
    /// The `c:` of an earlier line of the same tag block group.
    Group,
    /// A `$PGHP` line just before the message.
    Gatehouse,
    /// The time stated for the whole file.
    File,
}

/// One decoded message with its receiver time and where it was read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decoded {
    pub message: Message,
    /// Receiver time, Unix seconds.
    pub time: i64,
    pub time_from: TimeFrom,
    pub lines: Lines,
    /// The receiving station, when a tag block names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub station: Option<String>,
}

/// What reading gives: a message, or an issue for one line.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Message(Decoded),
    Issue(Issue),
}

/// The count of a run: lines `read` = lines `decoded` (in messages, with their `$PGHP` lines)
/// + lines `rejected` (one issue each); `messages` decoded from them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub read: u64,
    pub decoded: u64,
    pub rejected: u64,
    pub messages: u64,
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "read {} = decoded {} + rejected {} ({} messages)",
            self.read, self.decoded, self.rejected, self.messages
        )
    }
}

/// Options of a read.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The time stated for the file (Unix seconds): messages with no receiver time of their
    /// own take it. `None`: such messages are rejected.
    pub file_time: Option<i64>,
}

const NO_TIME: &str = "the message has no receiver time (no tag block c:, no $PGHP line) and no time is stated for the file";

/// A line kept while its message is open: number and raw text (for the issue if it fails).
type Kept = (u64, String);

/// A multi-part message still missing fragments.
struct Open {
    key: (Option<u8>, Option<u8>, [u8; 2], bool, u8),
    /// The number of its first line (kept here: every line checks it).
    first: u64,
    next: u8,
    lines: Vec<Kept>,
    payload: Vec<u8>,
    fill: u8,
    time: Option<(i64, TimeFrom)>,
    station: Option<String>,
}

/// Reads an NMEA file. Iterate with [`NmeaReader::next_item`]; [`NmeaReader::tally`] counts.
pub struct NmeaReader<R: Read> {
    input: LineBuf<R>,
    join: Joiner,
    done: bool,
}

/// All but the input: the lines' fragments joined into messages, with times and the count.
struct Joiner {
    file: String,
    opts: Options,
    line: u64,
    open: Vec<Open>,
    /// No open message expires before this line (it may be early: then none does).
    expires: u64,
    /// Tag block group ids and their `c:` time, the last few.
    groups: VecDeque<(u32, i64)>,
    /// A `$PGHP` time waiting for the next message: its line and time.
    stamp: Option<(Kept, i64)>,
    out: VecDeque<Item>,
    tally: Tally,
    bits: Bits,
}

/// A line as an issue quotes it: trimmed, at most 300 characters.
fn raw_text(bytes: &[u8]) -> String {
    // A short ASCII line, the common case, is its own text: no character walk.
    if let Ok(s) = std::str::from_utf8(bytes) {
        if s.len() <= 300 {
            return s.trim().to_string();
        }
    }
    let s = String::from_utf8_lossy(bytes);
    let s = s.trim();
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

impl<R: Read> NmeaReader<R> {
    /// `file` names the input in issues.
    pub fn new(input: R, file: &str, opts: Options) -> Self {
        NmeaReader {
            input: LineBuf::new(input),
            join: Joiner {
                file: file.to_string(),
                opts,
                line: 0,
                open: Vec::new(),
                expires: u64::MAX,
                groups: VecDeque::new(),
                stamp: None,
                out: VecDeque::new(),
                tally: Tally::default(),
                bits: Bits::new(),
            },
            done: false,
        }
    }

    /// The count so far (final once `next_item` returned `None`).
    pub fn tally(&self) -> Tally {
        self.join.tally
    }

    /// The next message or issue; `None` at the end. An error reading the input ends it.
    pub fn next_item(&mut self) -> Option<std::io::Result<Item>> {
        loop {
            if let Some(i) = self.join.out.pop_front() {
                return Some(Ok(i));
            }
            if self.done {
                return None;
            }
            let j = &mut self.join;
            let last = match self.input.next_line() {
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Ok(Next::End) => {
                    self.done = true;
                    j.finish_all();
                    None
                }
                Ok(Next::Line(bytes)) => j.take_line(bytes, None),
                Ok(Next::Over { head, len }) => j.take_line(head, Some(len)),
            };
            // A line's message comes after what it queued; alone, it skips the queue.
            match last {
                Some(m) if j.out.is_empty() => return Some(Ok(m)),
                Some(m) => j.out.push_back(m),
                None => {}
            }
        }
    }
}

impl Joiner {
    fn issue(&mut self, code: IssueCode, msg: String, line: u64, raw: String) {
        self.tally.rejected += 1;
        self.out.push_back(Item::Issue(
            Issue::new(code, msg).at(&self.file, line).value(raw),
        ));
    }

    /// Rejects every line of a message with one reason.
    fn reject(&mut self, lines: Vec<Kept>, code: IssueCode, why: &str) {
        let (a, b) = (lines[0].0, lines[lines.len() - 1].0);
        let span = if a == b {
            String::new()
        } else {
            format!(" (the message of lines {a}-{b})")
        };
        for (line, raw) in lines {
            self.issue(code, format!("{why}{span}"), line, raw);
        }
    }

    /// Reads one line (`over`: its length, when it is over the limit and `bytes` is only its
    /// head); gives the message it completes, if any, to come after what is queued.
    #[inline]
    fn take_line(&mut self, bytes: &[u8], over: Option<usize>) -> Option<Item> {
        self.line += 1;
        let n = self.line;
        let trimmed = bytes.trim_ascii();
        if trimmed.is_empty() || trimmed[0] == b'#' {
            return None;
        }
        self.tally.read += 1;
        if n > self.expires {
            self.expire(n);
        }
        // The raw text is made only for lines that are kept or rejected.
        let raw = || raw_text(trimmed);
        if let Some(len) = over {
            self.issue(
                IssueCode::TooLarge,
                format!("the line is {len} bytes, over the limit of {MAX_LINE_BYTES}; skipped"),
                n,
                raw(),
            );
            return None;
        }
        if self.stamp.is_none() {
            if let Some(one) = single(trimmed) {
                // Most lines: no tag block, so no time but the file's.
                let time = self.opts.file_time.map(|t| (t, TimeFrom::File));
                return self.finish_single(n, trimmed, one.payload, one.fill, time, None);
            }
        }
        match parse_line(trimmed) {
            Err(Bad(code, msg)) => self.issue(code, msg, n, raw()),
            Ok(Line::Time(t)) => self.take_time(n, t, raw()),
            Ok(Line::Ais(tag, s)) => return self.take_ais(n, trimmed, tag, s),
        }
        None
    }

    /// A `$PGHP` time: held for the next AIS sentence (an earlier one held is unused).
    fn take_time(&mut self, n: u64, t: i64, raw: String) {
        if let Some(((l, r), _)) = self.stamp.take() {
            self.issue(
                IssueCode::UnusedTimestamp,
                format!(
                    "this $PGHP time is followed by another (line {n}) before any AIS sentence"
                ),
                l,
                r,
            );
        }
        self.stamp = Some(((n, raw), t));
    }

    /// The time an AIS line gives its message: its tag block's, else its group's.
    fn own_time(&mut self, tag: &TagBlock) -> Option<(i64, TimeFrom)> {
        if let (Some(g), Some(t)) = (tag.group, tag.time) {
            if g.part == 1 {
                if self.groups.len() >= 16 {
                    self.groups.pop_front();
                }
                self.groups.push_back((g.id, t));
            }
        }
        let group_time = tag.group.and_then(|g| {
            self.groups
                .iter()
                .rev()
                .find(|(id, _)| *id == g.id)
                .map(|(_, t)| *t)
        });
        tag.time
            .map(|t| (t, TimeFrom::Tag))
            .or(group_time.map(|t| (t, TimeFrom::Group)))
    }

    /// An AIS sentence: a one-part message decoded at once, else a fragment of its message.
    fn take_ais(&mut self, n: u64, line: &[u8], tag: TagBlock, s: Sentence) -> Option<Item> {
        let own_time = self.own_time(&tag);
        if s.number == 1 && s.total == 1 && self.stamp.is_none() {
            // The common case, without copying: one sentence, one message.
            let time = own_time.or(self.opts.file_time.map(|t| (t, TimeFrom::File)));
            return self.finish_single(n, line, s.payload, s.fill, time, tag.source);
        }
        if s.number == 1 {
            self.first_fragment(n, raw_text(line), tag.source, s, own_time);
        } else {
            self.next_fragment(n, line, tag.source, s, own_time);
        }
        None
    }

    /// Fragment 1 of a message (or a one-part message taking a `$PGHP` time): opened.
    fn first_fragment(
        &mut self,
        n: u64,
        raw: String,
        station: Option<String>,
        s: Sentence,
        own_time: Option<(i64, TimeFrom)>,
    ) {
        let key = (s.seq, s.channel, s.talker, s.own, s.total);
        let mut lines = Vec::with_capacity(s.total as usize + 1);
        let mut time = own_time;
        if let Some((kept, t)) = self.stamp.take() {
            lines.push(kept);
            time = time.or(Some((t, TimeFrom::Gatehouse)));
        }
        lines.push((n, raw));
        let open = Open {
            key,
            first: lines[0].0,
            next: 2,
            lines,
            payload: s.payload.to_vec(),
            fill: s.fill,
            time,
            station,
        };
        if s.total == 1 {
            return self.finish(open);
        }
        if let Some(i) = self.open.iter().position(|o| o.key == key) {
            let old = self.open.swap_remove(i);
            let why = format!(
                "fragment {} of {} is missing: another message with the same id began at line {n}",
                old.next, key.4
            );
            self.reject(old.lines, IssueCode::IncompleteMessage, &why);
        }
        self.expires = self.expires.min(open.first + MAX_OPEN_LINES);
        self.open.push(open);
    }

    /// A later fragment: added to its open message (finished when it is the last), or an
    /// issue when no message waits for it.
    fn next_fragment(
        &mut self,
        n: u64,
        line: &[u8],
        station: Option<String>,
        s: Sentence,
        own_time: Option<(i64, TimeFrom)>,
    ) {
        let key = (s.seq, s.channel, s.talker, s.own, s.total);
        let Some(i) = self
            .open
            .iter()
            .position(|o| o.key == key && o.next == s.number)
        else {
            return self.issue(
                IssueCode::IncompleteMessage,
                format!(
                    "fragment {} of {} does not follow fragment {} of its message",
                    s.number,
                    s.total,
                    s.number - 1
                ),
                n,
                raw_text(line),
            );
        };
        let o = &mut self.open[i];
        o.lines.push((n, raw_text(line)));
        o.payload.extend_from_slice(s.payload);
        o.fill = s.fill;
        o.next += 1;
        if o.time.is_none() {
            o.time = own_time;
        }
        if o.station.is_none() {
            o.station = station;
        }
        if o.next > s.total {
            let o = self.open.swap_remove(i);
            self.finish(o);
        }
    }

    /// Drops messages open for too many lines as incomplete.
    fn expire(&mut self, now: u64) {
        while let Some(i) = self
            .open
            .iter()
            .position(|o| now - o.first > MAX_OPEN_LINES)
        {
            let o = self.open.swap_remove(i);
            let why = format!(
                "fragment {} of {} is missing: none came within {MAX_OPEN_LINES} lines",
                o.next, o.key.4
            );
            self.reject(o.lines, IssueCode::IncompleteMessage, &why);
        }
        let soonest = self.open.iter().map(|o| o.first + MAX_OPEN_LINES).min();
        self.expires = soonest.unwrap_or(u64::MAX);
    }

    fn finish_all(&mut self) {
        let mut open = std::mem::take(&mut self.open);
        open.sort_by_key(|o| o.lines[0].0);
        for o in open {
            let why = format!(
                "fragment {} of {} is missing: the file ends",
                o.next, o.key.4
            );
            self.reject(o.lines, IssueCode::IncompleteMessage, &why);
        }
        if let Some(((l, r), _)) = self.stamp.take() {
            self.issue(
                IssueCode::UnusedTimestamp,
                "this $PGHP time is followed by no AIS sentence".into(),
                l,
                r,
            );
        }
    }

    /// Decodes a one-sentence message straight from its line (an issue when it cannot be).
    #[inline]
    fn finish_single(
        &mut self,
        n: u64,
        line: &[u8],
        payload: &[u8],
        fill: u8,
        time: Option<(i64, TimeFrom)>,
        station: Option<String>,
    ) -> Option<Item> {
        let reject = |me: &mut Self, code, why: String| {
            me.issue(code, why, n, raw_text(line));
            None
        };
        if let Err(e) = self.bits.load(payload, fill) {
            return reject(self, IssueCode::BadPayload, e.to_string());
        }
        let message = match decode(&self.bits) {
            Ok(m) => m,
            Err(e @ DecodeError::Unsupported(_)) => {
                return reject(self, IssueCode::UnsupportedMessage, e.to_string())
            }
            Err(e) => return reject(self, IssueCode::BadPayload, e.to_string()),
        };
        let Some((time, time_from)) = time else {
            return reject(self, IssueCode::NoTimestamp, NO_TIME.to_string());
        };
        self.tally.decoded += 1;
        self.tally.messages += 1;
        Some(Item::Message(Decoded {
            message,
            time,
            time_from,
            lines: Lines { first: n, last: n },
            station,
        }))
    }

    fn finish(&mut self, o: Open) {
        if let Err(e) = self.bits.load(&o.payload, o.fill) {
            return self.reject(o.lines, IssueCode::BadPayload, &e.to_string());
        }
        let message = match decode(&self.bits) {
            Ok(m) => m,
            Err(e @ DecodeError::Unsupported(_)) => {
                return self.reject(o.lines, IssueCode::UnsupportedMessage, &e.to_string())
            }
            Err(e) => return self.reject(o.lines, IssueCode::BadPayload, &e.to_string()),
        };
        let Some((time, time_from)) = o.time.or(self.opts.file_time.map(|t| (t, TimeFrom::File)))
        else {
            return self.reject(o.lines, IssueCode::NoTimestamp, NO_TIME);
        };
        let lines = Lines {
            first: o.lines[0].0,
            last: o.lines[o.lines.len() - 1].0,
        };
        self.tally.decoded += o.lines.len() as u64;
        self.tally.messages += 1;
        self.out.push_back(Item::Message(Decoded {
            message,
            time,
            time_from,
            lines,
            station: o.station,
        }));
    }
}

/// Reads a whole input: the messages, the issues and the count (for tests and small files).
pub fn read_all<R: Read>(
    input: R,
    file: &str,
    opts: Options,
) -> std::io::Result<(Vec<Decoded>, Vec<Issue>, Tally)> {
    let mut r = NmeaReader::new(input, file, opts);
    let (mut msgs, mut issues) = (Vec::new(), Vec::new());
    while let Some(item) = r.next_item() {
        match item? {
            Item::Message(m) => msgs.push(m),
            Item::Issue(i) => issues.push(i),
        }
    }
    Ok((msgs, issues, r.tally()))
}
