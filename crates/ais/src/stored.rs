//! One track file → what the store keeps of it: the lines read (decoded + rejected, each rejected
//! line an issue), the events its tracks show as [`TrackEvent`]s citing their lines, and the
//! claim a voyage makes — a sea `movement` from port to port (Longkou → Nampo is inbound) — so
//! the corridor picture and the detectors that join reported legs take it like a reported one.
//! Other events make no claim: a port call is a vessel in port, not goods held there (as a
//! `storage` claim it would read as warehousing), and dark periods, encounters, loitering and
//! identity events have no claim kind; they are track events of their own.
//!
//! Owns: recognising a track file by its content (NMEA sentences, or a CSV header naming MMSI,
//! latitude and longitude), the vessels' identities as events cite them, the byte spans of
//! line ranges, the quotes (the first and last line of a range), and the positions the store
//! keeps (one a minute per vessel, as the detectors see them, packed by `columns`). Refuses: I/O beyond the
//! bytes given, the clock, the store, and judging events (the analysis's detectors do).

use std::collections::HashMap;

use borderwatch_model::{
    Claim, ClaimKind, DesignatedMatch, Direction, Evidence as ClaimEvidence, Issue, Mode, Polarity,
    PositionChunk, Precision, TrackEvent, TrackEventKind, TrackLines, VesselRef, When,
};

use crate::designated::{Basis, Watchlist};
use crate::events::{self, Detail, SeaEvent};
use crate::mid::Mids;
use crate::ports::Ports;
use crate::reader::{Item, NmeaReader, Options, Tally};
use crate::table::{TableReader, TrackColumns};
use crate::vessel::{Evidence, VesselBook, VesselEvent, VesselEventKind};

/// What a track file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackFormat {
    Nmea,
    /// A position table with a header.
    Csv,
}

impl TrackFormat {
    pub const fn media_type(self) -> &'static str {
        match self {
            TrackFormat::Nmea => "application/x-nmea",
            TrackFormat::Csv => "text/csv",
        }
    }
}

/// The first line that is not blank or a `#` comment.
fn first_line(bytes: &[u8]) -> Option<&str> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    bytes
        .split(|&b| b == b'\n')
        .map(|l| std::str::from_utf8(l).unwrap_or("").trim())
        .find(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Whether bytes (the first line is enough) are a track file: an AIS sentence (`!AIVDM`,
/// `!AIVDO`, a tag block before one, a `$PGHP` time), or a CSV header naming MMSI, latitude
/// and longitude.
pub fn sniff(head: &[u8]) -> Option<TrackFormat> {
    let first = first_line(head)?;
    let body = first
        .strip_prefix('\\')
        .and_then(|r| r.split_once('\\'))
        .map_or(first, |(_, rest)| rest);
    if body.starts_with("!AIVD") || body.starts_with("!ABVD") || body.starts_with("$PGHP") {
        return Some(TrackFormat::Nmea);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(first.as_bytes());
    let rec = rdr.records().next()?.ok()?;
    let header: Vec<String> = rec.iter().map(str::to_string).collect();
    TrackColumns::looks_like_positions(&header).then_some(TrackFormat::Csv)
}

/// The packs events need.
pub struct Packs<'a> {
    pub mids: &'a Mids,
    pub watch: &'a Watchlist,
    pub ports: &'a Ports,
}

/// What one track file gives.
#[derive(Debug, Clone)]
pub struct TrackFile {
    pub format: TrackFormat,
    /// Lines (sentences or rows) read = decoded + rejected.
    pub tally: Tally,
    /// One issue per rejected line, with its file, line, code and raw text.
    pub rejected: Vec<Issue>,
    /// The events, in time order, each with its claim (a voyage's) or none.
    pub events: Vec<(TrackEvent, Option<Claim>)>,
    /// Every vessel's positions as the detectors saw them (one a minute at most), packed.
    pub positions: Vec<PositionChunk>,
}

/// Byte offsets of line starts: line n (1-based) is `starts[n-1]..starts[n]`.
struct LineIndex<'b> {
    bytes: &'b [u8],
    starts: Vec<usize>,
}

impl<'b> LineIndex<'b> {
    fn new(bytes: &'b [u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { bytes, starts }
    }

    /// The span of a line without its line end.
    fn line(&self, n: u64) -> [usize; 2] {
        let i = (n.max(1) - 1) as usize;
        let a = self.starts.get(i).copied().unwrap_or(self.bytes.len());
        let mut b = self
            .starts
            .get(i + 1)
            .copied()
            .unwrap_or(self.bytes.len())
            .max(a);
        while b > a && matches!(self.bytes[b - 1], b'\n' | b'\r') {
            b -= 1;
        }
        [a, b]
    }

    fn text(&self, s: [usize; 2]) -> String {
        String::from_utf8_lossy(&self.bytes[s[0]..s[1]]).into_owned()
    }

    /// Lines `first..=last` as evidence: their span, and their first and last line quoted.
    fn cite(&self, source: &str, first: u64, last: u64) -> TrackLines {
        let (a, b) = (self.line(first), self.line(last));
        let quote = match last - first {
            0 => self.text(a),
            1 => format!("{}\n{}", self.text(a), self.text(b)),
            _ => format!("{}\n…\n{}", self.text(a), self.text(b)),
        };
        TrackLines {
            source: source.to_string(),
            lines: [first, last],
            span: [a[0], b[1]],
            quote,
        }
    }
}

/// Reads a track file held in memory and finds its events. `name` is the source's name;
/// `file_time` the time of messages without one of their own (else they are rejected).
pub fn read_track(
    name: &str,
    bytes: &[u8],
    format: TrackFormat,
    map: &[(String, String)],
    file_time: Option<i64>,
    packs: &Packs,
) -> Result<TrackFile, String> {
    let mut book = VesselBook::new(packs.mids, packs.watch, Default::default());
    book.file(name);
    // One position a minute per vessel: the detectors work in minutes.
    let o = events::Options::default();
    let mut tracks = events::TrackBuilder::new(60, &o);
    let mut rejected = Vec::new();
    let tally = match format {
        TrackFormat::Nmea => {
            let mut r = NmeaReader::new(bytes, name, Options { file_time });
            while let Some(item) = r.next_item() {
                match item.map_err(|e| format!("{name}: {e}"))? {
                    Item::Message(m) => {
                        for rec in m.records() {
                            book.add(0, &rec);
                            tracks.add(0, &rec);
                        }
                    }
                    Item::Issue(i) => rejected.push(i),
                }
            }
            r.tally()
        }
        TrackFormat::Csv => {
            let mut r = TableReader::new(bytes, name, map, file_time)?;
            while let Some(row) = r.next_row() {
                match row.map_err(|e| format!("{name}: {e}"))?.result {
                    Ok(recs) => {
                        for rec in recs {
                            book.add(0, &rec);
                            tracks.add(0, &rec);
                        }
                    }
                    Err(i) => rejected.push(i),
                }
            }
            r.tally()
        }
    };
    let (vessels, identity) = book.finish();
    let refs: HashMap<u32, VesselRef> = vessels
        .iter()
        .map(|v| {
            let last = v.identities.last();
            (
                v.mmsi,
                VesselRef {
                    mmsi: v.mmsi,
                    name: last.and_then(|s| s.name.clone()),
                    imo: v.identities.iter().rev().find_map(|s| s.imo),
                    flag: v.flag.as_ref().map(|f| f.flag.clone()),
                    designated: v
                        .designations
                        .iter()
                        .map(|d| DesignatedMatch {
                            list: d.list.clone(),
                            reference: d.reference.clone(),
                            listed_name: d.listed_name.clone(),
                            basis: match d.basis {
                                Basis::Imo => "imo",
                                Basis::NameOnly => "name_only",
                            }
                            .to_string(),
                        })
                        .collect(),
                },
            )
        })
        .collect();
    let vessel = |mmsi: u32| {
        refs.get(&mmsi).cloned().unwrap_or(VesselRef {
            mmsi,
            name: None,
            imo: None,
            flag: None,
            designated: Vec::new(),
        })
    };
    let tracks = tracks.finish();
    let files = [name.to_string()];
    let mut sea = events::port_calls::port_calls_and_voyages(&tracks, packs.ports, &files, &o);
    sea.extend(events::dark::dark_periods(&tracks, packs.ports, &files, &o));
    sea.extend(events::encounters::encounters(
        &tracks,
        packs.ports,
        &files,
        &o,
    ));
    sea.extend(events::loitering::loitering(
        &tracks,
        packs.ports,
        &files,
        &o,
    ));
    let lines = LineIndex::new(bytes);
    let port_name = |id: &str| {
        packs
            .ports
            .ports
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    };
    let mut out: Vec<(TrackEvent, Option<Claim>)> = Vec::new();
    for e in &sea {
        let ev = from_sea(e, &vessel, &lines, name, &port_name);
        let claim = claim_of(&ev, name);
        out.push((ev, claim));
    }
    for e in &identity {
        out.push((from_identity(e, &vessel, &lines, name), None));
    }
    out.sort_by(|(a, _), (b, _)| {
        (a.start, a.kind, a.vessels.first().map(|v| v.mmsi)).cmp(&(
            b.start,
            b.kind,
            b.vessels.first().map(|v| v.mmsi),
        ))
    });
    Ok(TrackFile {
        format,
        tally,
        rejected,
        events: out,
        positions: tracks.iter().flat_map(crate::columns::pack).collect(),
    })
}

fn cite_all(ev: &[Evidence], lines: &LineIndex, name: &str) -> Vec<TrackLines> {
    ev.iter()
        .map(|e| lines.cite(name, e.lines.first, e.lines.last))
        .collect()
}

/// "2024-05-01 06:00 UTC".
pub fn utc(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| t.to_string())
}

fn from_sea(
    e: &SeaEvent,
    vessel: &dyn Fn(u32) -> VesselRef,
    lines: &LineIndex,
    name: &str,
    port_name: &dyn Fn(&str) -> String,
) -> TrackEvent {
    let vessels: Vec<VesselRef> = e.vessels.iter().map(|&m| vessel(m)).collect();
    let who = vessels
        .iter()
        .map(VesselRef::label)
        .collect::<Vec<_>>()
        .join(" and ");
    let mut ev = TrackEvent {
        kind: TrackEventKind::Dark,
        vessels,
        start: e.start,
        end: e.end,
        lat: Some(e.lat),
        lon: Some(e.lon),
        at: None,
        from: None,
        to: None,
        direction: None,
        target_ports: Vec::new(),
        summary: String::new(),
        detail: serde_json::to_value(&e.detail).unwrap_or_default(),
        evidence: cite_all(&e.evidence, lines, name),
    };
    match &e.detail {
        Detail::PortCall {
            port,
            port_name: pn,
            country,
            dwell_hours,
            open,
        } => {
            ev.kind = TrackEventKind::PortCall;
            ev.at = Some(port.clone());
            if country == "KP" {
                ev.target_ports.push(port.clone());
            }
            ev.summary = format!(
                "{who} in port at {pn} ({country}) for {dwell_hours} h from {}{}",
                utc(e.start),
                if *open {
                    ", still there when the data ends"
                } else {
                    ""
                }
            );
        }
        Detail::Voyage {
            from,
            to,
            direction,
            hours,
            ..
        } => {
            ev.kind = TrackEventKind::Voyage;
            ev.from = Some(from.clone());
            ev.to = Some(to.clone());
            ev.direction = Some(*direction);
            if let Detail::Voyage {
                from_country,
                to_country,
                ..
            } = &e.detail
            {
                for (p, c) in [(from, from_country), (to, to_country)] {
                    if c == "KP" {
                        ev.target_ports.push(p.clone());
                    }
                }
            }
            ev.summary = format!(
                "{who} sailed {} → {} ({direction}), {hours} h, leaving {}",
                port_name(from),
                port_name(to),
                utc(e.start)
            );
        }
        Detail::Dark {
            hours,
            km,
            reappeared_in,
            dprk_ports_reachable,
            ..
        } => {
            ev.kind = TrackEventKind::Dark;
            ev.target_ports = dprk_ports_reachable.clone();
            let reach = if dprk_ports_reachable.is_empty() {
                "no DPRK port within reach".to_string()
            } else {
                format!(
                    "could have called at {}",
                    dprk_ports_reachable
                        .iter()
                        .map(|p| port_name(p))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            ev.summary = format!(
                "{who} dark for {hours} h from {}, reappearing {km} km away{}; {reach}",
                utc(e.start),
                reappeared_in
                    .as_deref()
                    .map(|p| format!(" in {}", port_name(p)))
                    .unwrap_or_default()
            );
        }
        Detail::Encounter {
            hours, closest_m, ..
        } => {
            ev.kind = TrackEventKind::Encounter;
            ev.summary = format!(
                "{who} together at sea for {hours} h from {} (closest {closest_m} m), at {:.3}, {:.3}",
                utc(e.start),
                e.lat,
                e.lon
            );
        }
        Detail::Loitering {
            hours,
            median_knots,
            ..
        } => {
            ev.kind = TrackEventKind::Loitering;
            ev.summary = format!(
                "{who} loitering at sea for {hours} h from {} (median {median_knots} kn), at {:.3}, {:.3}",
                utc(e.start),
                e.lat,
                e.lon
            );
        }
    }
    ev
}

fn from_identity(
    e: &VesselEvent,
    vessel: &dyn Fn(u32) -> VesselRef,
    lines: &LineIndex,
    name: &str,
) -> TrackEvent {
    let v = vessel(e.mmsi);
    let who = v.label();
    let (kind, summary) = match &e.kind {
        VesselEventKind::NameChange { from, to } => (
            TrackEventKind::NameChange,
            format!("MMSI {} changed its name from {from} to {to}", e.mmsi),
        ),
        VesselEventKind::ImoChange { from, to } => (
            TrackEventKind::ImoChange,
            format!("MMSI {} changed its IMO number from {from} to {to}", e.mmsi),
        ),
        VesselEventKind::CallsignChange { from, to } => (
            TrackEventKind::CallsignChange,
            format!("MMSI {} changed its call sign from {from} to {to}", e.mmsi),
        ),
        VesselEventKind::InvalidImo { imo } => (
            TrackEventKind::InvalidImo,
            format!("{who} broadcasts IMO {imo}, whose check digit is wrong"),
        ),
        VesselEventKind::SharedMmsi { km, hours, knots } => (
            TrackEventKind::SharedMmsi,
            format!(
                "two ships broadcast MMSI {}: positions {km} km apart {hours} h apart ({knots} kn)",
                e.mmsi
            ),
        ),
        VesselEventKind::Designated(d) => (
            TrackEventKind::Designated,
            format!(
                "{who} matches {} ({}) on {} by {}",
                d.listed_name,
                d.reference,
                d.list,
                match d.basis {
                    Basis::Imo => "IMO number",
                    Basis::NameOnly => "name only",
                }
            ),
        ),
    };
    TrackEvent {
        kind,
        vessels: vec![v],
        start: e.time,
        end: e.time,
        lat: None,
        lon: None,
        at: None,
        from: None,
        to: None,
        direction: None,
        target_ports: Vec::new(),
        summary,
        detail: serde_json::to_value(&e.kind).unwrap_or_default(),
        evidence: cite_all(&e.evidence, lines, name),
    }
}

/// The claim an event makes, if any: a voyage is a sea movement between its ports. Port ids
/// outside the gazetteer (`locode:…`) are not places claims name.
fn claim_of(e: &TrackEvent, source: &str) -> Option<Claim> {
    let kind = match e.kind {
        TrackEventKind::Voyage => ClaimKind::Movement,
        _ => return None,
    };
    let ev = e.evidence.first()?;
    let place = |p: &Option<String>| p.clone().filter(|p| !p.starts_with("locode:"));
    let (from, to, at) = (place(&e.from), place(&e.to), place(&e.at));
    let date = |t: i64| chrono::DateTime::from_timestamp(t, 0).map(|d| d.date_naive());
    Some(Claim {
        source: source.to_string(),
        kind,
        places: [&from, &to, &at].into_iter().flatten().cloned().collect(),
        from,
        to,
        via: None,
        at,
        direction: e.direction.unwrap_or(Direction::Unknown),
        mode: Some(Mode::Sea),
        load: None,
        polarity: Polarity::Affirmed,
        hedged: false,
        goods: Vec::new(),
        quantities: Vec::new(),
        when: Some(When {
            start: date(e.start),
            end: date(e.end),
            precision: Precision::Day,
            since: false,
            text: format!("{} – {}", utc(e.start), utc(e.end)),
            span: ev.span,
        }),
        status: None,
        planned: false,
        condition: None,
        change: None,
        evidence: ClaimEvidence {
            span: ev.span,
            text: format!("{}\n{}", e.summary, ev.quote),
            attribution: None,
            attribution_span: None,
            context: None,
        },
        verdicts: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_track_files_by_content() {
        assert_eq!(
            sniff(b"# c\n\n!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23\n"),
            Some(TrackFormat::Nmea)
        );
        assert_eq!(
            sniff(b"\\c:1714521600*5A\\!AIVDM,1,1,,A,x,0*00\n"),
            Some(TrackFormat::Nmea)
        );
        assert_eq!(
            sniff(b"MMSI,BaseDateTime,LAT,LON,SOG\n1,2,3,4,5\n"),
            Some(TrackFormat::Csv)
        );
        assert_eq!(sniff(b"hs,direction,date\n"), None);
        assert_eq!(sniff(b"Trucks crossed at Dandong.\n"), None);
    }

    #[test]
    fn line_ranges_become_spans_and_quotes() {
        let b = b"a1\r\nb2\nc3\nd4";
        let l = LineIndex::new(b);
        assert_eq!(l.line(1), [0, 2]);
        assert_eq!(l.line(4), [10, 12]);
        let c = l.cite("f", 1, 4);
        assert_eq!(c.span, [0, 12]);
        assert_eq!(c.quote, "a1\n…\nd4");
        assert_eq!(l.cite("f", 2, 3).quote, "b2\nc3");
    }
}
