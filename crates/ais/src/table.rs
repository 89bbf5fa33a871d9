//! Position tables: CSV files of vessel positions (MMSI, time, lat, lon, speed, course,
//! heading; optionally status and identity columns — name, IMO, call sign, ship type,
//! draught, destination) → positions and static reports, or an issue for the row.
//!
//! Owns: the header names of each field (columns found by name, `--map COLUMN=FIELD` as for
//! shipments, through `borderwatch_records::map_header`), the row checks (MMSI of up to nine
//! digits, coordinates in range, speeds, courses and headings in range, "not available" values
//! of AIS — speed 102.3, course 360, heading 511 — read as absent), and times: Unix seconds or
//! milliseconds, RFC 3339, or `YYYY-MM-DD[T ]HH:MM:SS[.fff]` read as UTC, the convention of
//! AIS feeds.
//!
//! Refuses: a row without a time when no time is stated for the file (`no-timestamp`), a
//! header without MMSI, latitude and longitude columns, and anything ambiguous in the header.

use std::io::Read;

use borderwatch_model::{Issue, IssueCode};
use borderwatch_records::{map_header, utf8_fields, HeaderField};

use crate::message::Identity;
use crate::reader::{Lines, Tally};
use crate::record::{Position, Record, StaticReport};

/// The fields a position row can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrackField {
    Mmsi,
    Time,
    Lat,
    Lon,
    Speed,
    Course,
    Heading,
    Status,
    Name,
    Imo,
    Callsign,
    ShipType,
    Draught,
    Destination,
}

impl HeaderField for TrackField {
    fn parse(name: &str) -> Option<TrackField> {
        use TrackField::*;
        let n = name.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Some(match n.as_str() {
            "mmsi" | "userid" | "user_id" => Mmsi,
            "time" | "timestamp" | "basedatetime" | "base_date_time" | "datetime" | "date_time"
            | "time_utc" | "utc" | "received" => Time,
            "lat" | "latitude" => Lat,
            "lon" | "lng" | "long" | "longitude" => Lon,
            "speed" | "sog" | "speed_over_ground" => Speed,
            "course" | "cog" | "course_over_ground" => Course,
            "heading" | "true_heading" | "hdg" => Heading,
            "status" | "nav_status" | "navigational_status" => Status,
            "name" | "vessel_name" | "vesselname" | "shipname" | "ship_name" => Name,
            "imo" | "imo_number" => Imo,
            "callsign" | "call_sign" => Callsign,
            "ship_type" | "shiptype" | "vessel_type" | "vesseltype" => ShipType,
            "draught" | "draft" => Draught,
            "destination" => Destination,
            _ => return None,
        })
    }
    fn name(self) -> &'static str {
        use TrackField::*;
        match self {
            Mmsi => "mmsi",
            Time => "time",
            Lat => "lat",
            Lon => "lon",
            Speed => "speed",
            Course => "course",
            Heading => "heading",
            Status => "status",
            Name => "name",
            Imo => "imo",
            Callsign => "callsign",
            ShipType => "ship_type",
            Draught => "draught",
            Destination => "destination",
        }
    }
    fn all_names() -> &'static str {
        "mmsi, time, lat, lon, speed, course, heading, status, name, imo, callsign, ship_type, draught, destination"
    }
}

/// Where each field sits in a position row.
#[derive(Debug, Clone)]
pub struct TrackColumns {
    width: usize,
    index: std::collections::BTreeMap<TrackField, usize>,
}

impl TrackColumns {
    /// Maps a header; refuses one without MMSI, latitude and longitude columns.
    pub fn from_header(
        header: &[String],
        overrides: &[(String, String)],
    ) -> Result<TrackColumns, String> {
        let index = map_header::<TrackField>(header, overrides)?;
        for f in [TrackField::Mmsi, TrackField::Lat, TrackField::Lon] {
            if !index.contains_key(&f) {
                return Err(format!(
                    "the header has no {} column; found: {}",
                    f.name(),
                    header.join(", ")
                ));
            }
        }
        Ok(TrackColumns {
            width: header.len(),
            index,
        })
    }

    /// Whether a header names MMSI, latitude and longitude columns: the file is a position
    /// table.
    pub fn looks_like_positions(header: &[String]) -> bool {
        let f: Vec<TrackField> = header.iter().filter_map(|h| TrackField::parse(h)).collect();
        [TrackField::Mmsi, TrackField::Lat, TrackField::Lon]
            .iter()
            .all(|x| f.contains(x))
    }

    fn get<'a>(&self, fields: &'a [&'a str], f: TrackField) -> Option<&'a str> {
        self.index
            .get(&f)
            .and_then(|&i| fields.get(i))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }
}

const FIRST_TIME: i64 = 315_532_800; // 1980-01-01
const LAST_TIME: i64 = 4_102_444_800; // 2100-01-01

/// A time as written in a position table, as Unix seconds.
pub fn parse_time(raw: &str) -> Result<i64, String> {
    let t = raw.trim();
    let secs = if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let v: i64 = t
            .parse()
            .map_err(|_| format!("time {raw:?} is too large"))?;
        if v >= 100_000_000_000 {
            v / 1000
        } else {
            v
        }
    } else if let Ok(d) = chrono::DateTime::parse_from_rfc3339(t) {
        d.timestamp()
    } else {
        let mut found = None;
        for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
            if let Ok(d) = chrono::NaiveDateTime::parse_from_str(t, f) {
                found = Some(d.and_utc().timestamp());
                break;
            }
        }
        found.ok_or_else(|| {
            format!("time {raw:?} is not Unix seconds, RFC 3339 or YYYY-MM-DD HH:MM:SS")
        })?
    };
    if !(FIRST_TIME..LAST_TIME).contains(&secs) {
        return Err(format!("time {raw:?} is not between 1980 and 2100"));
    }
    Ok(secs)
}

fn number(raw: &str, what: &str) -> Result<f64, Issue> {
    raw.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| {
            Issue::new(
                IssueCode::BadNumber,
                format!("{what} {raw:?} is not a number"),
            )
            .value(raw)
        })
}

fn out_of_range(what: &str, raw: &str, range: &str) -> Issue {
    Issue::new(
        IssueCode::BadPosition,
        format!("{what} {raw:?} is outside {range}"),
    )
    .value(raw)
}

/// Parses one row's fields into a position (and a static report when identity columns hold
/// values). The caller adds file and line.
pub fn parse_row(
    cols: &TrackColumns,
    fields: &[&str],
    file_time: Option<i64>,
    lines: Lines,
) -> Result<Vec<Record>, Issue> {
    use TrackField::*;
    if fields.len() != cols.width {
        return Err(Issue::new(
            IssueCode::WrongFieldCount,
            format!(
                "{} fields where the header has {}",
                fields.len(),
                cols.width
            ),
        ));
    }
    let get = |f| cols.get(fields, f);
    let need = |f: TrackField| {
        get(f).ok_or_else(|| Issue::new(IssueCode::MissingField, format!("no {}", f.name())))
    };
    let raw = need(Mmsi)?;
    let mmsi = raw
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=999_999_999).contains(m) && raw.len() <= 9)
        .ok_or_else(|| {
            Issue::new(
                IssueCode::BadNumber,
                format!("mmsi {raw:?} is not a number of up to nine digits"),
            )
            .value(raw)
        })?;
    let time = match get(Time) {
        Some(raw) => {
            parse_time(raw).map_err(|e| Issue::new(IssueCode::BadTimestamp, e).value(raw))?
        }
        None => file_time.ok_or_else(|| {
            Issue::new(
                IssueCode::NoTimestamp,
                "the row has no time and no time is stated for the file",
            )
        })?,
    };
    let (lat_raw, lon_raw) = (need(Lat)?, need(Lon)?);
    let lat = number(lat_raw, "lat")?;
    let lon = number(lon_raw, "lon")?;
    if !(-90.0..=90.0).contains(&lat) {
        return Err(out_of_range("lat", lat_raw, "-90..90"));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(out_of_range("lon", lon_raw, "-180..180"));
    }
    // AIS's "not available" values read as absent; anything beyond them is an error.
    let optional = |f: TrackField, max: f64, na: f64| -> Result<Option<f64>, Issue> {
        match get(f) {
            None => Ok(None),
            Some(raw) => {
                let v = number(raw, f.name())?;
                if v == na {
                    Ok(None)
                } else if (0.0..max).contains(&v) {
                    Ok(Some(v))
                } else {
                    Err(out_of_range(f.name(), raw, &format!("0..{max}")))
                }
            }
        }
    };
    let speed = optional(Speed, 102.3, 102.3)?;
    let course = optional(Course, 360.0, 360.0)?;
    let heading = optional(Heading, 360.0, 511.0)?.map(|h| h.round() as u16 % 360);
    let status = match get(Status) {
        None => None,
        Some(raw) => {
            let s = raw
                .parse::<u8>()
                .ok()
                .filter(|s| *s <= 15)
                .ok_or_else(|| out_of_range("status", raw, "0..15"))?;
            (s != 15).then_some(s)
        }
    };
    let mut out = vec![Record::Position(Position {
        mmsi,
        time,
        lat,
        lon,
        speed,
        course,
        heading,
        status,
        lines,
    })];
    let imo = match get(Imo) {
        None => None,
        Some(raw) => {
            let digits = raw.strip_prefix("IMO").unwrap_or(raw).trim();
            Some(digits.parse::<u32>().map_err(|_| {
                Issue::new(IssueCode::BadNumber, format!("imo {raw:?} is not a number")).value(raw)
            })?)
        }
        .filter(|&i| i != 0),
    };
    let ship_type = match get(ShipType) {
        None => None,
        Some(raw) => Some(raw.parse::<u8>().map_err(|_| {
            Issue::new(
                IssueCode::BadNumber,
                format!("ship_type {raw:?} is not a number 0-255"),
            )
            .value(raw)
        })?)
        .filter(|&t| t != 0),
    };
    let draught = match get(Draught) {
        None => None,
        Some(raw) => Some(number(raw, "draught")?).filter(|d| *d > 0.0),
    };
    let identity = Identity {
        imo,
        name: get(Name).map(str::to_string),
        callsign: get(Callsign).map(str::to_string),
        ship_type,
        dimensions: None,
        destination: get(Destination).map(str::to_string),
        draught,
    };
    if identity != Identity::default() {
        out.push(Record::Static(StaticReport {
            mmsi,
            time,
            identity,
            lines,
        }));
    }
    Ok(out)
}

/// One row of a position table: its line and its records, or the issue.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub line: u64,
    pub result: Result<Vec<Record>, Issue>,
}

/// Reads a position table row by row (the csv crate's streaming reader).
pub struct TableReader<R: Read> {
    rdr: csv::Reader<R>,
    cols: TrackColumns,
    file: String,
    file_time: Option<i64>,
    rec: csv::ByteRecord,
    tally: Tally,
}

impl<R: Read> TableReader<R> {
    /// Reads and checks the header (a bad header fails the file: one line naming what was
    /// found).
    pub fn new(
        input: R,
        file: &str,
        overrides: &[(String, String)],
        file_time: Option<i64>,
    ) -> Result<TableReader<R>, String> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut rec = csv::ByteRecord::new();
        if !rdr
            .read_byte_record(&mut rec)
            .map_err(|e| format!("{file}: {e}"))?
        {
            return Err(format!("{file}: the file is empty (expected a header row)"));
        }
        let header: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let f = if i == 0 {
                    f.strip_prefix("\u{feff}".as_bytes()).unwrap_or(f)
                } else {
                    f
                };
                std::str::from_utf8(f)
                    .map(str::to_string)
                    .map_err(|_| format!("{file}:1: header field {} is not utf-8", i + 1))
            })
            .collect::<Result<_, _>>()?;
        let cols =
            TrackColumns::from_header(&header, overrides).map_err(|e| format!("{file}:1: {e}"))?;
        Ok(TableReader {
            rdr,
            cols,
            file: file.to_string(),
            file_time,
            rec,
            tally: Tally::default(),
        })
    }

    /// Rows read = rows decoded + rows rejected (`messages` counts rows decoded).
    pub fn tally(&self) -> Tally {
        self.tally
    }

    /// The next row, `None` at the end. An error reading the stream ends it.
    pub fn next_row(&mut self) -> Option<std::io::Result<TableRow>> {
        let more = match self.rdr.read_byte_record(&mut self.rec) {
            Ok(more) => more,
            Err(e) => {
                // A CSV error past the header is an I/O error or bad UTF-8 we never ask for.
                return Some(Err(std::io::Error::other(e.to_string())));
            }
        };
        if !more {
            return None;
        }
        let line = self.rec.position().map_or(0, |p| p.line());
        self.tally.read += 1;
        // The row as read, written back as CSV (quotes where a field needs them).
        let raw = || {
            self.rec
                .iter()
                .map(|f| {
                    let f = String::from_utf8_lossy(f);
                    if f.contains([',', '"', '\n', '\r']) {
                        format!("\"{}\"", f.replace('"', "\"\""))
                    } else {
                        f.into_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        };
        let lines = Lines {
            first: line,
            last: line,
        };
        let result = utf8_fields(&self.rec)
            .and_then(|fields| parse_row(&self.cols, &fields, self.file_time, lines));
        // The issue's value is the whole row as read; its message names the field's value.
        let result = result.map_err(|i| i.value(raw()).at(&self.file, line));
        if result.is_ok() {
            self.tally.decoded += 1;
            self.tally.messages += 1;
        } else {
            self.tally.rejected += 1;
        }
        Some(Ok(TableRow { line, result }))
    }
}
