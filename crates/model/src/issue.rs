//! Data problems found in input: a value with a stable code, never a panic.
//!
//! The codes are one table ([`IssueCode`]); tools and tests match on the code string, so a code
//! once published is never renamed.

use std::fmt;

use serde::Serialize;

/// Every issue code borderwatch emits. The string form (`kebab-case`) is stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IssueCode {
    /// An HS code that is not 2-10 digits of a real chapter.
    BadHsCode,
    /// A direction word that is not one of the known forms.
    BadDirection,
    /// A date that is not YYYY-MM-DD.
    BadDate,
    /// A number that does not parse.
    BadNumber,
    /// A row with more or fewer fields than the header.
    WrongFieldCount,
    /// Bytes that are not UTF-8.
    InvalidUtf8,
    /// A row or object that is not valid JSON, or not an object.
    BadJson,
    /// A row without the fields screening needs (goods and direction).
    MissingField,
    /// Plain words that the goods lexicon does not know.
    UnknownGoods,
    /// An HS heading version change was applied (e.g. 6908 → 6907 in HS 2017).
    HsVersionDrift,
    /// A name that names several places and the text does not say which ("Friendship Bridge").
    AmbiguousPlace,
    /// Input that is not text (NUL bytes or mostly control bytes).
    BinaryInput,
    /// Input over the size limit.
    TooLarge,
    /// A mode word that is not rail, road, sea, air or pipeline.
    BadMode,
    /// A place or crossing name in a record that the gazetteer does not know (kept as written).
    UnknownPlace,
    /// Something in a folder that is not a regular file or a folder (a FIFO, socket or device):
    /// skipped, since reading it can block for ever.
    NotRegularFile,
    /// A symbolic link that leads out of the folder given (or nowhere): not followed.
    LinkOutside,
    /// A file that changed (size or modification time) while it was read.
    ChangedWhileRead,
    /// A file or folder that could not be opened or read.
    Unreadable,
    /// A line that is not a well-formed AIS sentence (fields, fragment numbers, channel).
    BadSentence,
    /// A sentence or tag block whose checksum does not match its text.
    BadChecksum,
    /// An AIS payload that cannot be decoded (bad characters, fill bits, too short for its type).
    BadPayload,
    /// A fragment of a multi-part AIS message whose other parts are missing or out of order.
    IncompleteMessage,
    /// An AIS message of a type borderwatch does not read (only 1-5, 18, 19, 24, 27 are).
    UnsupportedMessage,
    /// An NMEA sentence that is not AIS (e.g. `$GPGGA`): not a track.
    NotAis,
    /// A position or report with no time of its own and no time stated for the file.
    NoTimestamp,
    /// A receiver time (tag block `c:`, `$PGHP`, a time column) that cannot be read.
    BadTimestamp,
    /// A receiver time line (`$PGHP`) followed by no AIS sentence before the next one.
    UnusedTimestamp,
    /// Coordinates outside -90..90 / -180..180, or a speed, course or heading out of range.
    BadPosition,
}

impl IssueCode {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueCode::BadHsCode => "bad-hs-code",
            IssueCode::BadDirection => "bad-direction",
            IssueCode::BadDate => "bad-date",
            IssueCode::BadNumber => "bad-number",
            IssueCode::WrongFieldCount => "wrong-field-count",
            IssueCode::InvalidUtf8 => "invalid-utf8",
            IssueCode::BadJson => "bad-json",
            IssueCode::MissingField => "missing-field",
            IssueCode::UnknownGoods => "unknown-goods",
            IssueCode::HsVersionDrift => "hs-version-drift",
            IssueCode::AmbiguousPlace => "ambiguous-place",
            IssueCode::BinaryInput => "binary-input",
            IssueCode::TooLarge => "too-large",
            IssueCode::BadMode => "bad-mode",
            IssueCode::UnknownPlace => "unknown-place",
            IssueCode::NotRegularFile => "not-a-regular-file",
            IssueCode::LinkOutside => "link-outside",
            IssueCode::ChangedWhileRead => "changed-while-read",
            IssueCode::Unreadable => "unreadable",
            IssueCode::BadSentence => "bad-sentence",
            IssueCode::BadChecksum => "bad-checksum",
            IssueCode::BadPayload => "bad-payload",
            IssueCode::IncompleteMessage => "incomplete-message",
            IssueCode::UnsupportedMessage => "unsupported-message",
            IssueCode::NotAis => "not-ais",
            IssueCode::NoTimestamp => "no-timestamp",
            IssueCode::BadTimestamp => "bad-timestamp",
            IssueCode::UnusedTimestamp => "unused-timestamp",
            IssueCode::BadPosition => "bad-position",
        }
    }
}

impl fmt::Display for IssueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One data problem: what (code + message), where (file and line, or byte), and the raw value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issue {
    pub code: IssueCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl Issue {
    pub fn new(code: IssueCode, message: impl Into<String>) -> Issue {
        Issue {
            code,
            message: message.into(),
            file: None,
            line: None,
            value: None,
        }
    }
    pub fn at(mut self, file: impl Into<String>, line: u64) -> Issue {
        self.file = Some(file.into());
        self.line = Some(line);
        self
    }
    pub fn value(mut self, value: impl Into<String>) -> Issue {
        self.value = Some(value.into());
        self
    }
}

impl fmt::Display for Issue {
    /// One lowercase line naming the place and the value: `file:line: code: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            (None, Some(line)) => write!(f, "line {line}: ")?,
            (None, None) => {}
        }
        write!(f, "{}: {}", self.code, self.message)
    }
}
