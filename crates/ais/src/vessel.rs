//! Vessels: identity over time from MMSI, static reports and positions.
//!
//! Owns: a vessel per MMSI with its flag by MMSI (`mid.rs`), its identity spans (IMO number,
//! name, call sign, ship type — a span ends when a report says otherwise, and the change is an
//! event citing the last report of the old identity and the first of the new), IMO numbers that
//! fail their check digit, matches against designated-vessel lists (`designated.rs`), and one
//! MMSI broadcast by two ships: positions are kept as tracks, a position no track could have
//! reached (over [`Options::max_knots`] and more than [`Options::min_jump_km`] away) starts a
//! new track, and two tracks of two positions or more alive within
//! [`Options::overlap_secs`] of each other are two ships — one GPS glitch is not.
//!
//! Refuses: merging MMSIs into one ship (a ship that changes MMSI is two vessels here; linking
//! them by IMO number is for the analyst to confirm), and reading the whole input: memory is
//! per vessel, not per position. Records should come in time order per vessel (a receiver's
//! order); one out of order is compared by the absolute time between.

use std::collections::HashMap;

use serde::Serialize;

use crate::designated::{imo_valid, Designation, Watchlist};
use crate::geo::{distance_km, knots};
use crate::message::Identity;
use crate::mid::{MidEntry, Mids};
use crate::reader::Lines;
use crate::record::Record;

/// Thresholds of the identity rules.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The fastest a ship is believed to go, knots.
    pub max_knots: f64,
    /// Jumps shorter than this are position noise, whatever the time between, km.
    pub min_jump_km: f64,
    /// Two tracks whose positions come within this many seconds of each other are at sea at
    /// once.
    pub overlap_secs: i64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_knots: 50.0,
            min_jump_km: 5.0,
            overlap_secs: 6 * 3600,
        }
    }
}

/// Where a fact was read: a file and its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub file: String,
    pub lines: Lines,
}

/// One identity a vessel broadcast, from its first to its last report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdentitySpan {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imo: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callsign: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ship_type: Option<u8>,
    pub from: i64,
    pub to: i64,
    pub reports: u32,
    pub first: Evidence,
    pub last: Evidence,
}

/// What happened to a vessel's identity.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum VesselEventKind {
    NameChange {
        from: String,
        to: String,
    },
    ImoChange {
        from: u32,
        to: u32,
    },
    CallsignChange {
        from: String,
        to: String,
    },
    /// An IMO number whose check digit is wrong (misprogrammed or made up).
    InvalidImo {
        imo: u32,
    },
    /// Two ships broadcast this MMSI: positions `km` apart `hours` apart imply `knots`.
    SharedMmsi {
        km: f64,
        hours: f64,
        knots: f64,
    },
    /// The vessel's identity is on a designated-vessel list.
    Designated(Designation),
}

/// An identity event of one vessel, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VesselEvent {
    pub mmsi: u32,
    pub time: i64,
    #[serde(flatten)]
    pub kind: VesselEventKind,
    pub evidence: Vec<Evidence>,
}

/// A vessel as read: one MMSI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vessel {
    pub mmsi: u32,
    /// The flag its MMSI claims (MID), when it is a ship's MMSI with a known MID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<MidEntry>,
    pub first_seen: i64,
    pub last_seen: i64,
    pub positions: u64,
    pub static_reports: u64,
    pub identities: Vec<IdentitySpan>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub designations: Vec<Designation>,
    /// Whether two ships broadcast this MMSI.
    pub shared: bool,
    /// Identity changes past the most kept (see the module doc).
    #[serde(skip_serializing_if = "is_zero")]
    pub changes_not_kept: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

type Ev = (u32, Lines);

#[derive(Debug, Clone, Copy)]
struct Track {
    time: i64,
    lat: f64,
    lon: f64,
    n: u64,
    ev: Ev,
}

#[derive(Debug, Default)]
struct State {
    first_seen: i64,
    last_seen: i64,
    positions: u64,
    statics: u64,
    spans: Vec<(Identity, i64, i64, u32, Ev, Ev)>,
    tracks: Vec<Track>,
    shared_events: u32,
    designations: Vec<Designation>,
    bad_imos: Vec<u32>,
    changes_not_kept: u64,
}

/// The most tracks kept per MMSI (the oldest is dropped), and shared-MMSI events per MMSI.
const MAX_TRACKS: usize = 4;
const MAX_SHARED_EVENTS: u32 = 4;
/// The most identity spans kept per MMSI: past it (two ships alternating names, say) the last
/// span takes the reports and the changes are counted, not kept.
const MAX_SPANS: usize = 64;

/// Collects vessels from records, file by file.
pub struct VesselBook<'a> {
    mids: &'a Mids,
    watch: &'a Watchlist,
    opts: Options,
    files: Vec<String>,
    vessels: HashMap<u32, State>,
    events: Vec<(u32, i64, VesselEventKind, Vec<Ev>)>,
}

impl<'a> VesselBook<'a> {
    pub fn new(mids: &'a Mids, watch: &'a Watchlist, opts: Options) -> Self {
        VesselBook {
            mids,
            watch,
            opts,
            files: Vec::new(),
            vessels: HashMap::new(),
            events: Vec::new(),
        }
    }

    /// Names the file the next records come from; returns its id for [`VesselBook::add`].
    pub fn file(&mut self, name: &str) -> u32 {
        self.files.push(name.to_string());
        (self.files.len() - 1) as u32
    }

    /// Adds one record read from `file`.
    pub fn add(&mut self, file: u32, rec: &Record) {
        let mmsi = rec.mmsi();
        let t = rec.time();
        let st = self.vessels.entry(mmsi).or_insert_with(|| State {
            first_seen: t,
            last_seen: t,
            ..State::default()
        });
        st.first_seen = st.first_seen.min(t);
        st.last_seen = st.last_seen.max(t);
        match rec {
            Record::Position(p) => {
                st.positions += 1;
                let ev = (file, p.lines);
                let opts = self.opts;
                let reach = |tr: &Track| {
                    let km = distance_km(tr.lat, tr.lon, p.lat, p.lon);
                    let dt = (p.time - tr.time).abs();
                    km <= opts.min_jump_km || knots(km, dt).is_some_and(|k| k <= opts.max_knots)
                };
                let best = st
                    .tracks
                    .iter()
                    .enumerate()
                    .filter(|(_, tr)| reach(tr))
                    .max_by_key(|(_, tr)| tr.time)
                    .map(|(i, _)| i);
                let i = match best {
                    Some(i) => i,
                    None => {
                        if st.tracks.len() >= MAX_TRACKS {
                            let oldest = (0..st.tracks.len())
                                .min_by_key(|&i| st.tracks[i].time)
                                .unwrap();
                            st.tracks.remove(oldest);
                        }
                        st.tracks.push(Track {
                            time: p.time,
                            lat: p.lat,
                            lon: p.lon,
                            n: 0,
                            ev,
                        });
                        st.tracks.len() - 1
                    }
                };
                let before = st.tracks[i];
                let tr = &mut st.tracks[i];
                tr.n += 1;
                if tr.n > 1 {
                    *tr = Track {
                        time: p.time,
                        lat: p.lat,
                        lon: p.lon,
                        n: tr.n,
                        ev,
                    };
                }
                // A track confirmed by its second position while another confirmed track was
                // alive: two ships.
                if st.tracks[i].n == 2 && st.shared_events < MAX_SHARED_EVENTS {
                    let other = st
                        .tracks
                        .iter()
                        .enumerate()
                        .filter(|(j, o)| {
                            *j != i && o.n >= 2 && (o.time - before.time).abs() <= opts.overlap_secs
                        })
                        .max_by_key(|(_, o)| o.time)
                        .map(|(_, o)| *o);
                    if let Some(o) = other {
                        let km = distance_km(o.lat, o.lon, before.lat, before.lon);
                        let secs = (before.time - o.time).abs();
                        st.shared_events += 1;
                        self.events.push((
                            mmsi,
                            p.time,
                            VesselEventKind::SharedMmsi {
                                km: round(km, 1),
                                hours: round(secs as f64 / 3600.0, 2),
                                knots: knots(km, secs).map_or(f64::INFINITY, |k| round(k, 0)),
                            },
                            vec![o.ev, before.ev, ev],
                        ));
                    }
                }
            }
            Record::Static(s) => {
                st.statics += 1;
                let ev = (file, s.lines);
                let id = &s.identity;
                if let Some(imo) = id.imo {
                    if !imo_valid(imo) && !st.bad_imos.contains(&imo) {
                        st.bad_imos.push(imo);
                        self.events.push((
                            mmsi,
                            s.time,
                            VesselEventKind::InvalidImo { imo },
                            vec![ev],
                        ));
                    }
                }
                let full = st.spans.len() >= MAX_SPANS;
                match st.spans.last_mut() {
                    None => st.spans.push((known(id), s.time, s.time, 1, ev, ev)),
                    Some(cur) => {
                        let mut changes = Vec::new();
                        let c = &cur.0;
                        if let (Some(a), Some(b)) = (&c.name, &id.name) {
                            if a != b {
                                changes.push(VesselEventKind::NameChange {
                                    from: a.clone(),
                                    to: b.clone(),
                                });
                            }
                        }
                        if let (Some(a), Some(b)) = (c.imo, id.imo) {
                            if a != b {
                                changes.push(VesselEventKind::ImoChange { from: a, to: b });
                            }
                        }
                        if let (Some(a), Some(b)) = (&c.callsign, &id.callsign) {
                            if a != b {
                                changes.push(VesselEventKind::CallsignChange {
                                    from: a.clone(),
                                    to: b.clone(),
                                });
                            }
                        }
                        let changed_type =
                            matches!((c.ship_type, id.ship_type), (Some(a), Some(b)) if a != b);
                        if full && (!changes.is_empty() || changed_type) {
                            st.changes_not_kept += 1;
                        }
                        if full || (changes.is_empty() && !changed_type) {
                            // Same identity, perhaps more of it (type 24 parts A and B).
                            merge(&mut cur.0, id);
                            cur.2 = cur.2.max(s.time);
                            cur.3 += 1;
                            cur.5 = ev;
                        } else {
                            let last = cur.5;
                            let mut next = cur.0.clone();
                            merge_over(&mut next, id);
                            st.spans.push((next, s.time, s.time, 1, ev, ev));
                            for k in &changes {
                                self.events.push((mmsi, s.time, k.clone(), vec![last, ev]));
                            }
                        }
                    }
                }
                let cur = &st.spans.last().unwrap().0;
                for d in self.watch.matches(cur.imo, cur.name.as_deref()) {
                    if !st
                        .designations
                        .iter()
                        .any(|x| x.list == d.list && x.reference == d.reference)
                    {
                        st.designations.push(d.clone());
                        self.events
                            .push((mmsi, s.time, VesselEventKind::Designated(d), vec![ev]));
                    }
                }
            }
        }
    }

    fn evidence(&self, (f, lines): Ev) -> Evidence {
        Evidence {
            file: self.files.get(f as usize).cloned().unwrap_or_default(),
            lines,
        }
    }

    /// The vessels (by MMSI) and their identity events (by time, then MMSI).
    pub fn finish(self) -> (Vec<Vessel>, Vec<VesselEvent>) {
        let mut vessels: Vec<Vessel> = self
            .vessels
            .iter()
            .map(|(&mmsi, st)| Vessel {
                mmsi,
                flag: self.mids.flag(mmsi).cloned(),
                first_seen: st.first_seen,
                last_seen: st.last_seen,
                positions: st.positions,
                static_reports: st.statics,
                identities: st
                    .spans
                    .iter()
                    .map(|(id, from, to, n, first, last)| IdentitySpan {
                        imo: id.imo,
                        name: id.name.clone(),
                        callsign: id.callsign.clone(),
                        ship_type: id.ship_type,
                        from: *from,
                        to: *to,
                        reports: *n,
                        first: self.evidence(*first),
                        last: self.evidence(*last),
                    })
                    .collect(),
                designations: st.designations.clone(),
                shared: st.shared_events > 0,
                changes_not_kept: st.changes_not_kept,
            })
            .collect();
        vessels.sort_by_key(|v| v.mmsi);
        let mut events: Vec<VesselEvent> = self
            .events
            .iter()
            .map(|(mmsi, time, kind, ev)| VesselEvent {
                mmsi: *mmsi,
                time: *time,
                kind: kind.clone(),
                evidence: ev.iter().map(|e| self.evidence(*e)).collect(),
            })
            .collect();
        events.sort_by_key(|e| (e.time, e.mmsi));
        (vessels, events)
    }
}

fn round(x: f64, digits: i32) -> f64 {
    let m = 10f64.powi(digits);
    (x * m).round() / m
}

/// The identity fields a span tracks.
fn known(id: &Identity) -> Identity {
    Identity {
        imo: id.imo,
        name: id.name.clone(),
        callsign: id.callsign.clone(),
        ship_type: id.ship_type,
        ..Identity::default()
    }
}

/// Fills fields the span lacks.
fn merge(cur: &mut Identity, id: &Identity) {
    cur.imo = cur.imo.or(id.imo);
    if cur.name.is_none() {
        cur.name = id.name.clone();
    }
    if cur.callsign.is_none() {
        cur.callsign = id.callsign.clone();
    }
    cur.ship_type = cur.ship_type.or(id.ship_type);
}

/// Takes every field the report gives.
fn merge_over(cur: &mut Identity, id: &Identity) {
    let k = known(id);
    cur.imo = k.imo.or(cur.imo);
    cur.name = k.name.or(cur.name.take());
    cur.callsign = k.callsign.or(cur.callsign.take());
    cur.ship_type = k.ship_type.or(cur.ship_type);
}
