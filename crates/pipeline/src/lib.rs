//! The pipeline: the order of the stages in one place, shared by the command line and the server.
//!
//! Owns: deciding what a file is (report, shipment file or vessel track, by name and content; the
//! simulation's `flows.csv`, `ships.csv` and `sea_events.csv` are recognised and skipped),
//! turning its bytes into what the store keeps (`Prep::prepare`: extract and screen, or read
//! rows, resolve their places and screen them, or read a track and find its events), writing one
//! prepared file (`write`), and reading the store back as analysis inputs (`load`).
//!
//! Refuses: argv, HTTP, the clock and the file system — bytes, names and "now" come in as
//! arguments, except for `walk`, which walks the folders an ingest is given and reads files
//! safely — and SQL, which stays in `store`.

use std::collections::HashSet;
use std::sync::Arc;

use borderwatch_ais::stored::{self as tracks, TrackFormat};
use borderwatch_analyze::{ClaimIn, ShipmentIn, TrackEventIn};
use borderwatch_extract::{Extractor, Options};
use borderwatch_model::{Claim, Date, Issue, IssueCode, PositionChunk, Shipment};
use borderwatch_records as records;
use borderwatch_reference::gazetteer::{Gazetteer, Named};
use borderwatch_report::export::SourceDoc;
use borderwatch_screen::Screener;
use borderwatch_store::{
    ClaimFilter, Content, Ingested, PreparedClaim, ShipmentInput, SourceInput, SourceRow, Store,
    StoreError, TrackEventInput, TrackInfo,
};

pub mod review;
pub mod reviewed;
pub mod vessels;
pub mod walk;

/// How to take a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Reports by extension (.txt .md .html); shipment files (.csv .jsonl .ndjson) by header.
    Auto,
    /// Every file is a report.
    Report,
    /// Every file is a shipment file (CSV with a header, or JSON lines).
    Shipments,
}

pub const REPORT_EXTENSIONS: &[(&str, &str)] = &[
    ("txt", "text/plain"),
    ("md", "text/markdown"),
    ("markdown", "text/markdown"),
    ("html", "text/html"),
    ("htm", "text/html"),
];

pub const SHIPMENT_EXTENSIONS: &[(&str, &str)] = &[
    ("csv", "text/csv"),
    ("tsv", "text/tab-separated-values"),
    ("jsonl", "application/jsonl"),
    ("ndjson", "application/jsonl"),
];

/// Vessel tracks by extension (AIS NMEA); position tables and NMEA under other names are
/// recognised by their content.
pub const TRACK_EXTENSIONS: &[(&str, &str)] = &[
    ("nmea", "application/x-nmea"),
    ("ais", "application/x-nmea"),
];

/// The header of the simulation's aggregate `flows.csv` (written by `borderwatch simulate`):
/// daily totals per corridor, not shipments or reports, so an ingest of a simulation's folder
/// skips it with a note.
pub const SIM_FLOWS_HEADER: &[&str] = &[
    "date",
    "corridor",
    "direction",
    "mode",
    "class",
    "loads",
    "seized",
    "empty_vehicles",
    "waiting",
];

/// The header of the simulation's `ships.csv`: what each vessel of its fleet did (the sea
/// detectors' truth), not shipments.
pub const SIM_SHIPS_HEADER: &[&str] = &["mmsi", "name", "imo", "behaviour", "expected", "partner"];

/// The header of the simulation's `sea_events.csv`: the dark periods, encounters and loitering
/// runs its fleet planted, and the near misses, as recorded (the sea events' truth).
pub const SIM_SEA_EVENTS_HEADER: &[&str] = &[
    "kind",
    "mmsi",
    "partner",
    "start",
    "end",
    "hours",
    "is_event",
    "why_not",
    "dprk_reachable",
];

/// What a simulation's file other than its shipments and reports is, by its first line: the
/// note an ingest says when it skips it.
pub fn sim_aggregate(head: &[u8]) -> Option<&'static str> {
    let first = head
        .split(|&b| b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))?;
    let l = String::from_utf8_lossy(first);
    let cols: Vec<&str> = l.trim().split(',').map(str::trim).collect();
    if cols == SIM_FLOWS_HEADER {
        Some("the simulation's daily flow totals (flows.csv), not shipments: skipped")
    } else if cols == SIM_SHIPS_HEADER {
        Some("the simulation's vessel truth (ships.csv), not shipments: skipped")
    } else if cols == SIM_SEA_EVENTS_HEADER {
        Some("the simulation's sea-event truth (sea_events.csv), not shipments: skipped")
    } else {
        None
    }
}

/// What reading vessel tracks needs: the AIS packs and the time of messages without their own.
pub struct TrackSetup {
    pub mids: borderwatch_ais::Mids,
    pub watch: borderwatch_ais::Watchlist,
    pub ports: borderwatch_ais::Ports,
    /// Unix seconds: the time of messages and rows without one (else they are rejected).
    pub file_time: Option<i64>,
}

impl TrackSetup {
    /// The embedded packs (ports: the gazetteer's and the searoute pack's).
    pub fn embedded(gazetteer: &Gazetteer, file_time: Option<i64>) -> TrackSetup {
        TrackSetup {
            mids: borderwatch_ais::Mids::embedded(),
            watch: borderwatch_ais::Watchlist::embedded(),
            ports: borderwatch_ais::Ports::embedded(gazetteer),
            file_time,
        }
    }
}

/// The media type a file name's extension gives, from one of the tables above.
pub fn media_type(name: &str, table: &[(&str, &'static str)]) -> Option<&'static str> {
    let ext = std::path::Path::new(name)
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    table.iter().find(|(e, _)| *e == ext).map(|(_, m)| *m)
}

/// One file, turned into what the store keeps — by a worker, before the writer sees it.
pub enum Prepared {
    /// Neither a report nor a shipment file.
    Skipped,
    /// Skipped on purpose, with the note to say (the simulation's `flows.csv`).
    SkippedWith(String),
    /// A vessel track: its bytes, events (with the claims of voyages and port calls) and
    /// rejected lines.
    Track {
        media: &'static str,
        bytes: Vec<u8>,
        /// How it was read (lines read, decoded and rejected: read = decoded + rejected).
        info: TrackInfo,
        events: Vec<TrackEventInput>,
        claims: usize,
        /// One issue per rejected line, with its line, code and raw text.
        rejected: Vec<Issue>,
        /// The vessels' positions, packed.
        positions: Vec<PositionChunk>,
    },
    /// The same bytes are already archived.
    Unchanged,
    /// Could not be read as what it claims to be: the issue to record.
    Failed(Issue),
    Report {
        media: &'static str,
        bytes: Vec<u8>,
        /// The publication date: given by the caller, else stated by the source.
        published: Option<String>,
        claims: Vec<PreparedClaim>,
        issues: Vec<Issue>,
    },
    /// A shipment file on disk, its header judged and its bytes hashed (not held): the writer
    /// streams its rows inside the file's transaction ([`Prep::write_file`]).
    ShipmentFile {
        path: std::path::PathBuf,
        media: &'static str,
        format: records::Format,
        size: u64,
        sha256: String,
    },
    Shipments {
        media: &'static str,
        bytes: Vec<u8>,
        rows: Vec<ShipmentInput>,
        /// Rejected rows, each with its line, reason and raw value.
        rejected: Vec<Issue>,
        /// Problems with stored rows (a place name the gazetteer does not know), then the
        /// rejected rows: what the store records as the file's issues.
        issues: Vec<Issue>,
    },
}

/// What `write` stored for one prepared file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// The source id, when the file is archived (new or already there).
    pub source: Option<i64>,
    pub new: bool,
    pub claims: usize,
    pub shipments: usize,
    pub rejected: usize,
    pub issues: usize,
    /// A track file: its events, and its lines read, decoded and rejected.
    pub events: usize,
    pub lines: [u64; 3],
}

impl Written {
    /// Rows this file added (the source row included): what a batch counts towards its size.
    pub fn rows(&self) -> usize {
        if self.new {
            1 + self.claims + self.shipments + self.events
        } else {
            0
        }
    }
}

/// Everything a file needs to be prepared, shared by the workers.
pub struct Prep<'a> {
    pub extractor: &'a Extractor<'a>,
    pub screener: &'a Screener<'a>,
    pub gazetteer: &'a Gazetteer,
    pub opts: &'a Options,
    pub kind: Kind,
    /// Shipment column overrides (`COL=FIELD`).
    pub map: &'a [(String, String)],
    /// SHA-256 of every source already archived.
    pub known: &'a HashSet<String>,
    /// How to read vessel tracks; `None`: track files are not taken (skipped).
    pub tracks: Option<&'a TrackSetup>,
}

impl Prep<'_> {
    /// Whether a file of this name is taken as a report (`Some(true)`), a shipment file
    /// (`Some(false)`), or skipped (`None`) — decided before it is read.
    pub fn classify(&self, name: &str) -> Option<bool> {
        match self.kind {
            Kind::Report => Some(true),
            Kind::Shipments => Some(false),
            Kind::Auto if media_type(name, REPORT_EXTENSIONS).is_some() => Some(true),
            Kind::Auto if media_type(name, SHIPMENT_EXTENSIONS).is_some() => Some(false),
            Kind::Auto => None,
        }
    }

    /// Whether a file is a vessel track, by name (`.nmea`, `.ais`) or by its first line (AIS
    /// sentences, a position table's header) — only when files are taken by kind `Auto` and
    /// tracks are set up.
    pub fn track_format(&self, name: &str, head: &[u8]) -> Option<TrackFormat> {
        if self.kind != Kind::Auto || self.tracks.is_none() {
            return None;
        }
        match tracks::sniff(head) {
            Some(f) => Some(f),
            None if media_type(name, TRACK_EXTENSIONS).is_some() => Some(TrackFormat::Nmea),
            None => None,
        }
    }

    /// A file on disk → what the store keeps: tracks and reports read whole, shipment files
    /// judged by their first line and hashed (the writer streams them), the simulation's
    /// `flows.csv` skipped with a note.
    pub fn prepare_path(&self, name: &str, path: &std::path::Path) -> Prepared {
        let by_name = self.classify(name);
        let track_name = self.kind == Kind::Auto
            && self.tracks.is_some()
            && media_type(name, TRACK_EXTENSIONS).is_some();
        if by_name.is_none() && !track_name {
            return Prepared::Skipped;
        }
        if by_name == Some(false) {
            // A table: a position table or the simulation's flows are read here, a shipment
            // file is streamed by the writer.
            let head = walk::open_regular(path).and_then(|(mut f, _)| {
                records::head(&mut f).map_err(|e| {
                    let mut i = Issue::new(IssueCode::Unreadable, format!("cannot read: {e}"))
                        .value(name.to_string());
                    i.file = Some(name.to_string());
                    i
                })
            });
            match head {
                Err(i) => return Prepared::Failed(i),
                Ok(h) if self.kind == Kind::Auto && sim_aggregate(&h).is_some() => {
                    let what = sim_aggregate(&h).unwrap_or_default();
                    return Prepared::SkippedWith(format!("{name}: {what}"));
                }
                Ok(h) if self.track_format(name, &h).is_none() => {
                    return self.inspect_shipment_file(name, path)
                }
                Ok(_) => {}
            }
        }
        match walk::read(path) {
            Ok(bytes) => self.prepare(name, bytes),
            Err(i) => Prepared::Failed(i),
        }
    }

    /// A track file's bytes → its events, claims and rejected lines.
    fn prepare_track(&self, name: &str, bytes: Vec<u8>, format: TrackFormat) -> Prepared {
        let fail = |code: IssueCode, msg: String| {
            let mut i = Issue::new(code, msg).value(name.to_string());
            i.file = Some(name.to_string());
            Prepared::Failed(i)
        };
        let Some(setup) = self.tracks else {
            return Prepared::Skipped;
        };
        let packs = tracks::Packs {
            mids: &setup.mids,
            watch: &setup.watch,
            ports: &setup.ports,
        };
        match read_track(name, &bytes, format, self.map, setup.file_time, &packs) {
            Ok(t) => Prepared::Track {
                media: format.media_type(),
                bytes,
                info: t.info,
                events: t.events,
                claims: t.claims,
                rejected: t.rejected,
                positions: t.positions,
            },
            Err(i) => fail(i.code, i.message),
        }
    }

    /// The file's bytes → what the store keeps.
    pub fn prepare(&self, name: &str, bytes: Vec<u8>) -> Prepared {
        let fail = |code: IssueCode, msg: String| {
            let mut i = Issue::new(code, msg).value(name.to_string());
            i.file = Some(name.to_string());
            Prepared::Failed(i)
        };
        let track = self.track_format(name, &bytes[..bytes.len().min(64 << 10)]);
        // Content first: AIS sentences in a .txt file are a track, not a report.
        let Some(report) = (match track {
            Some(_) => Some(false),
            None => self.classify(name),
        }) else {
            return Prepared::Skipped;
        };
        if self.kind == Kind::Auto && !report {
            if let Some(what) = sim_aggregate(&bytes[..bytes.len().min(4096)]) {
                return Prepared::SkippedWith(format!("{name}: {what}"));
            }
        }
        if self.known.contains(&borderwatch_store::sha256_hex(&bytes)) {
            return Prepared::Unchanged;
        }
        if let Some(format) = track {
            return self.prepare_track(name, bytes, format);
        }
        if report {
            return match self.extractor.extract(name, &bytes, self.opts) {
                Ok(x) => match PreparedClaim::all(x.claims) {
                    Ok(claims) => Prepared::Report {
                        media: media_type(name, REPORT_EXTENSIONS).unwrap_or("text/plain"),
                        bytes,
                        published: x.published.map(|d| d.to_string()),
                        claims,
                        issues: x.issues,
                    },
                    Err(e) => fail(IssueCode::BadJson, e.0),
                },
                Err(e) => fail(e.code, e.message),
            };
        }
        let as_shipments = media_type(name, SHIPMENT_EXTENSIONS);
        let format = match self.shipment_format(name, &bytes) {
            Ok(f) => f,
            Err(i) => return Prepared::Failed(i),
        };
        let rows = match records::read_rows(&bytes, format, self.map, self.opts.as_of) {
            Ok(r) => r,
            Err(e) => return fail(IssueCode::MissingField, e),
        };
        let mut out = Vec::new();
        let mut rejected = Vec::new();
        let mut issues = Vec::new();
        for r in rows {
            match r.result {
                Err(i) => rejected.push(i.at(name.to_string(), r.line)),
                Ok(mut s) => {
                    for i in resolve_places(self.gazetteer, &mut s) {
                        issues.push(i.at(name.to_string(), r.line));
                    }
                    let v = self.screener.screen_shipment(&s);
                    out.push(ShipmentInput {
                        line: r.line,
                        measures: v.measures.iter().map(|c| c.id.clone()).collect(),
                        status: v.status,
                        reason: v.reason_with_words(),
                        shipment: s,
                    });
                }
            }
        }
        issues.extend(rejected.iter().cloned());
        Prepared::Shipments {
            media: as_shipments.unwrap_or("text/csv"),
            bytes,
            rows: out,
            rejected,
            issues,
        }
    }
}

impl Prep<'_> {
    /// The layout a shipment file's first line gives, or the issue that refuses it as not a
    /// shipment file. `head` needs to hold only the first line.
    fn shipment_format(&self, name: &str, head: &[u8]) -> Result<records::Format, Issue> {
        match records::sniff(head) {
            Some(f) => Ok(f),
            None if self.kind == Kind::Shipments || !self.map.is_empty() => Ok(
                if media_type(name, SHIPMENT_EXTENSIONS) == Some("application/jsonl") {
                    records::Format::Jsonl
                } else {
                    records::Format::Csv
                },
            ),
            None => {
                let mut i = Issue::new(
                    IssueCode::MissingField,
                    "not a shipment file: the first line names no goods column (hs, hs_code, \
                     description, goods) and direction column (give --map COL=FIELD)",
                )
                .value(name.to_string());
                i.file = Some(name.to_string());
                Err(i)
            }
        }
    }

    /// A shipment file on disk, on a worker: its header judged from its first line (a file that
    /// is not a shipment file is refused without reading further), then its bytes hashed in
    /// chunks, so a file already archived is known before the writer sees it.
    pub fn inspect_shipment_file(&self, name: &str, path: &std::path::Path) -> Prepared {
        use std::io::{Seek, SeekFrom};
        let read_err = |e: std::io::Error| {
            let mut i = Issue::new(IssueCode::Unreadable, format!("cannot read: {e}"))
                .value(name.to_string());
            i.file = Some(name.to_string());
            Prepared::Failed(i)
        };
        let (mut f, before) = match walk::open_regular(path) {
            Ok(x) => x,
            Err(i) => return Prepared::Failed(i),
        };
        let head = match records::head(&mut f) {
            Ok(h) => h,
            Err(e) => return read_err(e),
        };
        let format = match self.shipment_format(name, &head) {
            Ok(f) => f,
            Err(i) => return Prepared::Failed(i),
        };
        if let Err(e) = f.seek(SeekFrom::Start(0)) {
            return read_err(e);
        }
        let (sha, n) = match borderwatch_store::sha256_reader(&mut f) {
            Ok(x) => x,
            Err(e) => return read_err(e),
        };
        if let Err(i) = walk::unchanged(path, &f, &before, n) {
            return Prepared::Failed(i);
        }
        if self.known.contains(&sha) {
            return Prepared::Unchanged;
        }
        Prepared::ShipmentFile {
            path: path.to_path_buf(),
            media: media_type(name, SHIPMENT_EXTENSIONS).unwrap_or("text/csv"),
            format,
            size: n,
            sha256: sha,
        }
    }

    /// Stores a [`Prepared::ShipmentFile`] (inside the store's open batch, if any): the file is
    /// read again as a stream — its bytes archived and its rows read, screened and stored one at
    /// a time inside the file's savepoint — so memory does not grow with the file. A file that
    /// changed since it was opened, or cannot be read, leaves nothing behind: `Ok(Err(issue))`.
    #[allow(clippy::too_many_arguments)]
    pub fn write_file(
        &self,
        store: &mut Store,
        run: i64,
        name: &str,
        path: &std::path::Path,
        media: &'static str,
        format: records::Format,
        size: u64,
        sha256: &str,
        now: &str,
    ) -> Result<Result<Written, Issue>, StoreError> {
        let at = |code: IssueCode, msg: String| {
            let mut i = Issue::new(code, msg).value(name.to_string());
            i.file = Some(name.to_string());
            i
        };
        let (mut f, before) = match walk::open_regular(path) {
            Ok(x) => x,
            Err(i) => return Ok(Err(i)),
        };
        if before.len() != size {
            return Ok(Err(at(
                IssueCode::ChangedWhileRead,
                format!(
                    "changed while it was read ({size} bytes, then {}); not stored",
                    before.len()
                ),
            )));
        }
        let src = borderwatch_store::StreamedSource {
            name,
            media_type: media,
            kind: "shipments",
            published: None,
            size,
            sha256,
        };
        let mut rejected = 0usize;
        let mut counts = (0usize, 0usize);
        let done = store.ingest_streamed(run, &src, now, |archive, sink| {
            let tee = Tee {
                inner: &mut f,
                archive,
            };
            let mut rows = records::Rows::new(tee, format, self.map, self.opts.as_of)
                .map_err(|e| Fill::Issue(at(IssueCode::MissingField, e)))?;
            while let Some(r) = rows.next_row() {
                let r = r.map_err(|e| {
                    Fill::Issue(at(IssueCode::Unreadable, format!("cannot read: {e}")))
                })?;
                match r.result {
                    Err(i) => {
                        rejected += 1;
                        sink.issue(&i.at(name.to_string(), r.line))
                            .map_err(Fill::Store)?;
                    }
                    Ok(mut s) => {
                        for i in resolve_places(self.gazetteer, &mut s) {
                            sink.issue(&i.at(name.to_string(), r.line))
                                .map_err(Fill::Store)?;
                        }
                        let v = self.screener.screen_shipment(&s);
                        sink.shipment(&ShipmentInput {
                            line: r.line,
                            measures: v.measures.iter().map(|c| c.id.clone()).collect(),
                            status: v.status,
                            reason: v.reason_with_words(),
                            shipment: s,
                        })
                        .map_err(Fill::Store)?;
                    }
                }
            }
            drop(rows);
            walk::unchanged(path, &f, &before, size).map_err(Fill::Issue)?;
            counts = (sink.shipments, sink.issues);
            Ok::<_, Fill>(())
        })?;
        match done {
            Ok(Ingested::New(id)) => Ok(Ok(Written {
                source: Some(id),
                new: true,
                claims: 0,
                shipments: counts.0,
                rejected,
                issues: counts.1,
                ..Written::default()
            })),
            Ok(Ingested::Unchanged(id)) => Ok(Ok(Written {
                source: Some(id),
                ..Written::default()
            })),
            Err(borderwatch_store::Stopped::Fill(Fill::Issue(i))) => Ok(Err(i)),
            Err(borderwatch_store::Stopped::Fill(Fill::Store(e))) => Err(e),
            Err(borderwatch_store::Stopped::Changed(why)) => Ok(Err(at(
                IssueCode::ChangedWhileRead,
                format!("changed while it was read ({why}); not stored"),
            ))),
        }
    }
}

/// A track file made ready for the store.
struct ReadTrack {
    info: TrackInfo,
    events: Vec<TrackEventInput>,
    /// How many events carry a claim.
    claims: usize,
    rejected: Vec<Issue>,
    positions: Vec<PositionChunk>,
}

/// A track file's bytes → how it was read, its events ready for the store, how many carry a
/// claim, its rejected lines and its positions.
fn read_track(
    name: &str,
    bytes: &[u8],
    format: TrackFormat,
    map: &[(String, String)],
    file_time: Option<i64>,
    packs: &tracks::Packs,
) -> Result<ReadTrack, Issue> {
    let read = tracks::read_track(name, bytes, format, map, file_time, packs)
        .map_err(|e| Issue::new(IssueCode::MissingField, e))?;
    let mut events = Vec::with_capacity(read.events.len());
    let mut claims = 0;
    for (e, c) in read.events {
        claims += c.is_some() as usize;
        events.push(TrackEventInput::new(e, c).map_err(|e| Issue::new(IssueCode::BadJson, e.0))?);
    }
    let info = TrackInfo {
        format: match format {
            TrackFormat::Nmea => "nmea",
            TrackFormat::Csv => "csv",
        }
        .to_string(),
        file_time,
        map: map.to_vec(),
        lines: [read.tally.read, read.tally.decoded, read.tally.rejected],
    };
    Ok(ReadTrack {
        info,
        events,
        claims,
        rejected: read.rejected,
        positions: read.positions,
    })
}

/// A stored track source read again from its archived bytes the way it was read at ingest
/// (`reprocess`): its events, claims and rejected lines replaced in one transaction. Returns
/// the lines read, decoded and rejected and the events.
pub fn reprocess_track(
    store: &mut Store,
    run: i64,
    source_id: i64,
    name: &str,
    setup: &TrackSetup,
) -> Result<Result<([u64; 3], usize), Issue>, StoreError> {
    let at = |mut i: Issue| {
        i.file = Some(name.to_string());
        i
    };
    let Some(info) = store.track_source(source_id)? else {
        return Ok(Err(at(Issue::new(
            IssueCode::MissingField,
            "a track source with no record of how it was read; ingest it again",
        ))));
    };
    let Some(bytes) = store.source_bytes(source_id)? else {
        return Ok(Err(at(Issue::new(
            IssueCode::Unreadable,
            "no archived bytes",
        ))));
    };
    let format = if info.format == "csv" {
        TrackFormat::Csv
    } else {
        TrackFormat::Nmea
    };
    let packs = tracks::Packs {
        mids: &setup.mids,
        watch: &setup.watch,
        ports: &setup.ports,
    };
    match read_track(name, &bytes, format, &info.map, info.file_time, &packs) {
        Ok(t) => {
            store.replace_track(
                source_id,
                run,
                borderwatch_store::Track {
                    info: &t.info,
                    events: &t.events,
                    positions: &t.positions,
                },
                &t.rejected,
                borderwatch_extract::VERSION,
            )?;
            Ok(Ok((t.info.lines, t.events.len())))
        }
        Err(i) => Ok(Err(at(i))),
    }
}

/// Why streaming a file stopped: the file (recorded, the batch goes on), or the store (fatal).
enum Fill {
    Issue(Issue),
    Store(StoreError),
}

/// Reads a file and hands every byte read to the store's archive on the way.
struct Tee<'a, 'b> {
    inner: &'a mut std::fs::File,
    archive: &'a mut borderwatch_store::Archive<'b>,
}

impl std::io::Read for Tee<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.archive.bytes(&buf[..n])?;
        Ok(n)
    }
}

/// Place and crossing names as written become gazetteer ids when they name exactly one thing,
/// so shipments and claims meet on the same corridors. A name that names nothing, or several
/// things, stays as written and is reported.
pub fn resolve_places(gazetteer: &Gazetteer, s: &mut Shipment) -> Vec<Issue> {
    let mut issues = Vec::new();
    for (slot, want_crossing) in [
        (&mut s.origin, false),
        (&mut s.destination, false),
        (&mut s.crossing, true),
    ] {
        let Some(v) = slot.as_deref() else { continue };
        let named = gazetteer.resolve(v);
        let mut hits: Vec<String> = named
            .iter()
            .filter(|n| matches!(n, Named::Crossing(_)) == want_crossing)
            .map(|n| n.id().to_string())
            .collect();
        if want_crossing && hits.is_empty() {
            // A crossing given by one of its places ("Quanhe", "Dandong customs house").
            for n in &named {
                for c in gazetteer.crossings_at(n.id()) {
                    if !hits.contains(&c.id) {
                        hits.push(c.id.clone());
                    }
                }
            }
        }
        match hits.as_slice() {
            [one] => *slot = Some(one.clone()),
            [] => issues.push(
                Issue::new(
                    IssueCode::UnknownPlace,
                    format!(
                        "{} {v:?} is not in the gazetteer; kept as written",
                        if want_crossing { "crossing" } else { "place" }
                    ),
                )
                .value(v),
            ),
            many => issues.push(
                Issue::new(
                    IssueCode::AmbiguousPlace,
                    format!("{v:?} names {}; kept as written", many.join(", ")),
                )
                .value(v),
            ),
        }
    }
    issues
}

/// Stores one prepared file (inside the store's open batch, if any). `Skipped`, `Unchanged` and
/// `Failed` store nothing but the failure's issue.
pub fn write(
    store: &mut Store,
    run: i64,
    name: &str,
    p: &Prepared,
    now: &str,
) -> Result<Written, StoreError> {
    let mut src = SourceInput {
        name,
        media_type: "",
        kind: "report",
        published: None,
        bytes: &[],
    };
    let mut w = Written::default();
    let (content, issues) = match p {
        Prepared::Skipped | Prepared::SkippedWith(_) | Prepared::Unchanged => return Ok(w),
        Prepared::ShipmentFile { path, .. } => {
            return Err(StoreError(format!(
                "{}: a shipment file on disk is stored with Prep::write_file",
                path.display()
            )))
        }
        Prepared::Failed(issue) => {
            store.record_failure(run, issue)?;
            return Ok(w);
        }
        Prepared::Report {
            media,
            bytes,
            published,
            claims,
            issues,
        } => {
            src.media_type = media;
            src.bytes = bytes;
            src.published = published.as_deref();
            w.claims = claims.len();
            (Content::Claims(claims), issues)
        }
        Prepared::Shipments {
            media,
            bytes,
            rows,
            rejected,
            issues,
        } => {
            src.media_type = media;
            src.kind = "shipments";
            src.bytes = bytes;
            w.shipments = rows.len();
            w.rejected = rejected.len();
            (Content::Shipments(rows), issues)
        }
        Prepared::Track {
            media,
            bytes,
            info,
            events,
            claims,
            rejected,
            positions,
        } => {
            src.media_type = media;
            src.kind = "track";
            src.bytes = bytes;
            w.claims = *claims;
            w.events = events.len();
            w.lines = info.lines;
            w.rejected = rejected.len();
            (
                Content::Track(borderwatch_store::Track {
                    info,
                    events,
                    positions,
                }),
                rejected,
            )
        }
    };
    w.issues = issues.len();
    let done = store.ingest(
        run,
        &src,
        content,
        issues,
        borderwatch_extract::VERSION,
        now,
    )?;
    match done {
        Ingested::New(id) => {
            w.source = Some(id);
            w.new = true;
        }
        Ingested::Unchanged(id) => {
            w = Written {
                source: Some(id),
                ..Written::default()
            };
        }
    }
    Ok(w)
}

/// Everything stored, as analysis takes it.
pub struct Inputs {
    pub claims: Vec<ClaimIn>,
    pub shipments: Vec<ShipmentIn>,
    /// What vessel tracks show, each citing its track rows.
    pub tracks: Vec<TrackEventIn>,
    pub sources: Vec<SourceDoc>,
}

/// How much of each claim [`load`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every field, for exports of the claims themselves.
    Full,
    /// What the analysis looks at: no mentioned places, no earlier-sentence context, no verdict
    /// reasons. Several times faster and smaller on a large store. Who said it is read even
    /// when `attribution` is false: redaction needs its words to find them in the quote, and
    /// the analysis's `include_attribution` decides whether an output shows them.
    Analysis { attribution: bool },
}

/// Reads every claim, shipment and source from the store for analysis. A claim's source
/// publication date dates it when the claim has no time of its own.
pub fn load(store: &Store, detail: Detail) -> Result<Inputs, StoreError> {
    // One snapshot: the sources named by the claims are the sources read.
    store.snapshot(|store| load_now(store, detail, &store.sources()?))
}

/// [`load`] inside a snapshot the caller holds, with the sources it has read in it.
pub(crate) fn load_now(
    store: &Store,
    detail: Detail,
    sources: &[SourceRow],
) -> Result<Inputs, StoreError> {
    let published: std::collections::HashMap<i64, Date> = sources
        .iter()
        .filter_map(|s| {
            let d = borderwatch_model::parse_date(s.published.as_deref()?).ok()?;
            Some((s.id, d))
        })
        .collect();
    // One shared name per source, not a copy per claim.
    let names: std::collections::HashMap<i64, Arc<str>> = sources
        .iter()
        .map(|s| (s.id, Arc::from(s.name.as_str())))
        .collect();
    let claim_in = |id: i64, source_id: i64, claim: Claim| {
        ClaimIn::new(
            id,
            source_id,
            names
                .get(&source_id)
                .cloned()
                .unwrap_or_else(|| Arc::from("")),
            published.get(&source_id).copied(),
            claim,
        )
    };
    let claims = match detail {
        Detail::Analysis { .. } => store.claims_for_analysis(true, claim_in)?,
        Detail::Full => store
            .claims(&ClaimFilter {
                skip_reasons: true,
                ..Default::default()
            })?
            .into_iter()
            .map(|r| claim_in(r.id, r.source_id, r.claim))
            .collect(),
    };
    let shipments = store
        .shipments(&ClaimFilter::default())?
        .into_iter()
        .map(|r| ShipmentIn {
            id: r.id,
            source_id: r.source_id,
            source: r.source_name,
            line: r.line,
            shipment: r.shipment,
            status: r.status,
        })
        .collect();
    let tracks = store
        .track_events()?
        .into_iter()
        .map(|t| TrackEventIn {
            id: t.id,
            source_id: t.source_id,
            claim: t.claim_id,
            event: t.event,
        })
        .collect();
    let sources = sources
        .iter()
        .map(|s| SourceDoc {
            id: s.id,
            name: s.name.clone(),
            sha256: s.sha256.clone(),
            media_type: s.media_type.clone(),
            published: s.published.clone(),
        })
        .collect();
    Ok(Inputs {
        claims,
        shipments,
        tracks,
        sources,
    })
}
