//! Ships: a fleet sailing the scenario's sea routes and writing what its transponders broadcast
//! (AIS NMEA sentences with receiver times), with the truth of what each vessel did — the
//! ground truth for the sea detectors (`ship-to-ship`, `dark-voyage`, `designated-vessel`).
//!
//! Owns: the fleet's behaviours — traders shuttling between two ports of one country, voyages
//! into the DPRK port of a sea route and back, vessels going dark near the DPRK (half way to its
//! port) or far from it (the southern Yellow Sea), pairs meeting at sea (a Chinese ship with a
//! DPRK-flagged one, or two Chinese ships), a ship on a designated-vessel list trading between
//! two ports, traders whose transponder fails for 30 hours on every passage near the DPRK (an
//! innocent gap, yet a dark period by the rule), and near misses below the rules' thresholds
//! (dark for eight hours near the DPRK, a meeting of an hour and a half) — and what a receiver
//! records of them: a position every [`Ships::interval_secs`] under way (every
//! [`Ships::moored_interval_secs`] in port), each ±20 %, positions off by [`Ships::noise_m`],
//! short coverage gaps, static reports every six minutes, and now and then a line whose
//! checksum is broken.
//!
//! The truth says what the sea rules' definitions (the thresholds of
//! `borderwatch_ais::events::Options`) say of what the receiver recorded, not what a vessel
//! meant: each planted dark period, meeting and slow stay at sea is an [`EventTruth`] measured
//! on the recorded positions (a gap from the last position before it to the first after; a
//! meeting while both vessels' recorded stays overlap; cut where the data ends), and marked an
//! event or a near miss, with why. A vessel's expected detector follows from its events: a
//! transponder outage at sea with a DPRK port within reach is a dark period that could hide a
//! call, whatever caused it; a meeting of 1.5 h is no encounter.
//!
//! Refuses: land (vessels sail straight lines between points), linking ships to the loads the
//! engine moves (the fleet is its own model over [`Ships::days`]), the store, files and the
//! clock. The same scenario and seed give the same lines.

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64Mcg;
use serde::Deserialize;

use borderwatch_ais::encode::{self, PositionReport, StaticReport};
use borderwatch_ais::events::{dark::dprk_ports_reachable, Options};
use borderwatch_ais::geo::KM_PER_NM;
use borderwatch_ais::Ports;
use borderwatch_reference::Reference;

use crate::scenario::Scenario;

/// The fleet of a scenario (`[ships]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ships {
    /// Days the fleet sails, from the scenario's start.
    #[serde(default = "thirty")]
    pub days: u32,
    /// Seconds between positions under way (a receiver feed thinned to about a minute; a class A
    /// transponder sends every 2–10 s).
    #[serde(default = "sixty")]
    pub interval_secs: u32,
    /// Seconds between positions at anchor or moored.
    #[serde(default = "three_minutes")]
    pub moored_interval_secs: u32,
    /// Position noise, metres (one standard deviation).
    #[serde(default = "ten")]
    pub noise_m: f64,
    /// The chance, each hour under way, of a coverage gap of 10–40 minutes.
    #[serde(default = "gap_chance")]
    pub gap_per_hour: f64,
    /// The share of lines written with a broken checksum (the reader rejects them).
    #[serde(default = "garbled")]
    pub garbled: f64,
    #[serde(default = "ten")]
    pub knots: f64,
    /// Hours a dark vessel stays dark.
    #[serde(default = "dark_hours")]
    pub dark_hours: f64,
    /// How many vessels of each behaviour.
    #[serde(default)]
    pub traders: u32,
    /// Traders whose transponder (or its receiver) fails for [`Ships::outage_hours`] on every
    /// passage: innocent gaps near the DPRK that the dark-period rule cannot tell from hiding —
    /// dark periods by its definition, within reach of a DPRK port, so `dark-voyage` is their
    /// expected detector (what it cannot know is why a transponder went quiet).
    #[serde(default)]
    pub outages: u32,
    #[serde(default = "outage")]
    pub outage_hours: f64,
    #[serde(default)]
    pub inbound: u32,
    #[serde(default)]
    pub dark_near: u32,
    #[serde(default)]
    pub dark_far: u32,
    /// Dark near the DPRK for [`Ships::short_dark_hours`] only: an attempt to hide below the
    /// dark-period rule's 12 hours — a near miss, no dark period by the definition (its truth
    /// says so; the detectors should stay silent).
    #[serde(default)]
    pub dark_short: u32,
    #[serde(default = "short_dark")]
    pub short_dark_hours: f64,
    /// Pairs.
    #[serde(default)]
    pub meet_flagged: u32,
    #[serde(default)]
    pub meet_plain: u32,
    /// Pairs with a DPRK-flagged ship meeting for [`Ships::short_meeting_hours`] only: below the
    /// encounter rule's two hours — a near miss, no encounter by the definition.
    #[serde(default)]
    pub meet_short: u32,
    #[serde(default = "short_meeting")]
    pub short_meeting_hours: f64,
    #[serde(default)]
    pub designated: u32,
}

fn thirty() -> u32 {
    30
}
fn sixty() -> u32 {
    60
}
fn three_minutes() -> u32 {
    180
}
fn ten() -> f64 {
    10.0
}
fn gap_chance() -> f64 {
    0.05
}
fn garbled() -> f64 {
    0.0005
}
fn dark_hours() -> f64 {
    30.0
}
fn outage() -> f64 {
    30.0
}
fn short_dark() -> f64 {
    8.0
}
fn short_meeting() -> f64 {
    1.5
}

/// What one vessel did: the truth a detector should find.
#[derive(Debug, Clone, PartialEq)]
pub struct VesselTruth {
    pub mmsi: u32,
    pub name: String,
    pub imo: Option<u32>,
    /// `trader`, `outage`, `inbound`, `dark-near`, `dark-short`, `dark-far`, `meet-flagged`,
    /// `meet-short`, `meet-plain`, `designated`.
    pub behaviour: &'static str,
    /// The detector that should name it by the rules' definitions, or `none` (from the events
    /// recorded: a near miss expects none, an outage within reach of a DPRK port `dark-voyage`).
    pub expected: &'static str,
    /// The other vessel of a meeting.
    pub partner: Option<u32>,
}

/// A dark period, encounter or loitering run the fleet planted, measured on what the receiver
/// recorded, with whether it meets the rule's definition.
#[derive(Debug, Clone, PartialEq)]
pub struct EventTruth {
    /// `dark`, `encounter`, `loitering`.
    pub kind: &'static str,
    pub mmsi: u32,
    /// The other vessel of an encounter.
    pub partner: Option<u32>,
    /// The recorded positions that bound it (a dark period: the last before the gap and the
    /// first after), Unix seconds.
    pub start: i64,
    pub end: i64,
    /// It meets the definition (else a near miss, `why_not` says which part fails).
    pub is_event: bool,
    pub why_not: Option<String>,
    /// For a dark period: a DPRK port lies within reach (there and on to where it reappeared,
    /// at the fleet's speed, in the gap).
    pub dprk_reachable: bool,
}

/// What the fleet wrote: its lines in time order, each vessel's truth, and the events planted.
#[derive(Debug, Clone, Default)]
pub struct Fleet {
    pub lines: Vec<String>,
    pub vessels: Vec<VesselTruth>,
    pub events: Vec<EventTruth>,
}

/// A gap in what the receiver kept: the last position before it (time, where) and the first
/// after.
#[derive(Debug, Clone, Copy)]
struct Gap {
    from: (i64, P),
    to: (i64, P),
}

/// A position the receiver recorded.
#[derive(Debug, Clone, Copy)]
struct Fix {
    time: i64,
    mmsi: u32,
    lat: f64,
    lon: f64,
    knots: f64,
    course: f64,
    status: u8,
}

type P = (f64, f64);

fn km(a: P, b: P) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().asin()
}

fn bearing(a: P, b: P) -> f64 {
    let (la1, la2) = (a.0.to_radians(), b.0.to_radians());
    let dl = (b.1 - a.1).to_radians();
    let y = dl.sin() * la2.cos();
    let x = la1.cos() * la2.sin() - la1.sin() * la2.cos() * dl.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}

fn between(a: P, b: P, f: f64) -> P {
    (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f)
}

/// One vessel's track as it is made: where it is, when, and what the receiver kept.
struct Voyager<'c> {
    cfg: &'c Ships,
    mmsi: u32,
    at: P,
    t: i64,
    end: i64,
    fixes: Vec<Fix>,
    /// Its dark periods as recorded (those it reappeared from before the data ends).
    gaps: Vec<Gap>,
}

impl Voyager<'_> {
    fn done(&self) -> bool {
        self.t >= self.end
    }

    fn record(&mut self, rng: &mut Pcg64Mcg, knots: f64, course: f64, status: u8) {
        if self.t >= self.end {
            return;
        }
        let n = Normal::new(0.0, self.cfg.noise_m / 111_000.0).expect("noise is finite");
        let lat = self.at.0 + n.sample(rng);
        let lon = self.at.1 + n.sample(rng) / self.at.0.to_radians().cos().max(0.1);
        self.fixes.push(Fix {
            time: self.t,
            mmsi: self.mmsi,
            lat,
            lon,
            knots: (knots + rng.random_range(-0.3..0.3)).max(0.0),
            course,
            status,
        });
    }

    fn step(&self, rng: &mut Pcg64Mcg, base: u32) -> i64 {
        (f64::from(base) * rng.random_range(0.8..1.2))
            .round()
            .max(1.0) as i64
    }

    /// In port (or drifting) for `hours`: the times of the first and last positions recorded.
    fn stay(&mut self, rng: &mut Pcg64Mcg, hours: f64, knots: f64, drift: P) -> Option<(i64, i64)> {
        let until = self.t + (hours * 3600.0) as i64;
        let first = self.fixes.len();
        while self.t < until && !self.done() {
            let status = if knots < 1.0 { 5 } else { 0 };
            self.record(rng, knots, 0.0, status);
            let dt = self.step(rng, self.cfg.moored_interval_secs.min(600));
            self.t += dt;
            self.at = (
                self.at.0 + drift.0 * dt as f64,
                self.at.1 + drift.1 * dt as f64,
            );
        }
        let kept = &self.fixes[first..];
        Some((kept.first()?.time, kept.last()?.time))
    }

    /// Sails to `to` at the fleet's speed, with coverage gaps now and then.
    fn sail(&mut self, rng: &mut Pcg64Mcg, to: P) {
        let knots = self.cfg.knots;
        let from = self.at;
        let secs = km(from, to) / (knots * 1.852) * 3600.0;
        let (start, course) = (self.t, bearing(from, to));
        while !self.done() {
            let f = ((self.t - start) as f64 / secs).min(1.0);
            self.at = between(from, to, f);
            if f >= 1.0 {
                break;
            }
            self.record(rng, knots, course, 0);
            let mut dt = self.step(rng, self.cfg.interval_secs);
            let per_step = f64::from(self.cfg.interval_secs) / 3600.0;
            if rng.random::<f64>() < self.cfg.gap_per_hour * per_step {
                dt += rng.random_range(600..2400);
            }
            self.t += dt;
        }
    }

    /// Transponder off for `hours`, reappearing at `to` (its next position, recorded by what
    /// it does next, is the gap's end when it comes before the data ends).
    fn dark(&mut self, hours: f64, to: P) {
        let last = self.fixes.last().map(|f| (f.time, (f.lat, f.lon)));
        self.t += (hours * 3600.0) as i64;
        self.at = to;
        if let (Some(from), false) = (last, self.done()) {
            self.gaps.push(Gap {
                from,
                to: (self.t, to),
            });
        }
    }
}

fn port_at(reference: &Reference, id: &str) -> Result<P, String> {
    let p = reference
        .gazetteer
        .place(id)
        .ok_or_else(|| format!("ships: port {id} is not in the gazetteer"))?;
    match (p.lat, p.lon) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(format!("ships: port {id} has no coordinates")),
    }
}

fn country(reference: &Reference, id: &str) -> String {
    reference
        .gazetteer
        .place(id)
        .map(|p| p.country.clone())
        .unwrap_or_default()
}

/// The fleet's lines in time order (each a sentence), the truth of every vessel and the events
/// it planted.
pub fn sail(sc: &Scenario, cfg: &Ships, reference: &Reference) -> Result<Fleet, String> {
    let rules = Options::default();
    let ports = Ports::embedded(&reference.gazetteer);
    let mut events: Vec<EventTruth> = Vec::new();
    let mut rng = Pcg64Mcg::seed_from_u64(sc.seed ^ SHIPS_STREAM);
    let start = sc
        .start
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc().timestamp())
        .ok_or("ships: the start has no midnight")?;
    let end = start + i64::from(cfg.days) * 86_400;
    // Ports of the sea routes: the routes into the DPRK, and pairs of other ports of one country.
    let mut routes: Vec<(P, P)> = Vec::new();
    let mut abroad: Vec<(String, P)> = Vec::new();
    for r in &sc.sea {
        let (a, b) = (port_at(reference, &r.from)?, port_at(reference, &r.to)?);
        routes.push((a, b));
        if !abroad.iter().any(|(id, _)| id == &r.from) {
            abroad.push((r.from.clone(), a));
        }
    }
    let mut pairs: Vec<(P, P)> = Vec::new();
    for (i, (ia, a)) in abroad.iter().enumerate() {
        for (ib, b) in &abroad[i + 1..] {
            if country(reference, ia) == country(reference, ib) {
                pairs.push((*a, *b));
            }
        }
    }
    let wants_routes = cfg.inbound
        + cfg.dark_near
        + cfg.dark_short
        + cfg.dark_far
        + cfg.meet_flagged
        + cfg.meet_short
        + cfg.meet_plain;
    if routes.is_empty() && wants_routes > 0 {
        return Err("ships: the scenario has no sea routes to sail".into());
    }
    if pairs.is_empty() && cfg.traders + cfg.designated + cfg.outages + cfg.meet_plain > 0 {
        return Err(
            "ships: traders and plain meetings need two ports of one country among the sea routes"
                .into(),
        );
    }
    let designated: Vec<(u32, String)> = borderwatch_ais::Watchlist::embedded()
        .vessels()
        .filter_map(|v| Some((v.imo?, v.name.clone())))
        .collect();
    let mut fleet: Vec<Voyager> = Vec::new();
    let mut truth = Vec::new();
    let mut statics: Vec<StaticReport> = Vec::new();
    let mut next = 0u32;
    let mut mmsi = |mid: u32| {
        next += 1;
        mid * 1_000_000 + 100_000 + next
    };
    let new = |mmsi: u32, at: P, t: i64| Voyager {
        cfg,
        mmsi,
        at,
        t,
        end,
        fixes: Vec::new(),
        gaps: Vec::new(),
    };
    let offset = |rng: &mut Pcg64Mcg| start + rng.random_range(0..6 * 3600);
    let name_of = |n: u32| format!("SIM CARRIER {n}");
    let add_static = |statics: &mut Vec<StaticReport>, mmsi: u32, name: &str, imo| {
        statics.push(StaticReport {
            mmsi,
            imo,
            callsign: format!("S{}", mmsi % 100_000),
            name: name.to_string(),
            ship_type: 70,
            destination: String::new(),
            time: 0,
        });
    };
    let truth_of = |mmsi, name: String, imo, behaviour, expected, partner| VesselTruth {
        mmsi,
        name,
        imo,
        behaviour,
        expected,
        partner,
    };
    // Traders with an outage on every passage, between the two ports nearest the DPRK.
    for _ in 0..cfg.outages {
        let (a, b) = pairs
            .iter()
            .copied()
            .min_by(|x, y| (x.0 .1 + x.1 .1).total_cmp(&(y.0 .1 + y.1 .1)).reverse())
            .unwrap_or(pairs[0]);
        let m = mmsi(412);
        let name = name_of(m % 1000);
        add_static(&mut statics, m, &name, None);
        // Set below from its gaps as recorded.
        truth.push(truth_of(m, name, None, "outage", "none", None));
        let mut v = new(m, a, offset(&mut rng));
        while !v.done() {
            for (from, to) in [(a, b), (b, a)] {
                v.stay(&mut rng, 4.0, 0.0, (0.0, 0.0));
                v.sail(&mut rng, between(from, to, 0.4));
                v.dark(cfg.outage_hours, between(from, to, 0.6));
                v.sail(&mut rng, to);
            }
        }
        fleet.push(v);
    }
    // Traders and designated ships shuttle between two ports of one country.
    for i in 0..cfg.traders + cfg.designated {
        let is_designated = i >= cfg.traders;
        let (a, b) = pairs[i as usize % pairs.len()];
        let m = mmsi(if is_designated { 667 } else { 412 });
        let (imo, name) = if is_designated && !designated.is_empty() {
            let (imo, n) = &designated[i as usize % designated.len()];
            (Some(*imo), n.clone())
        } else {
            (None, name_of(m % 1000))
        };
        add_static(&mut statics, m, &name, imo);
        truth.push(truth_of(
            m,
            name,
            imo,
            if is_designated {
                "designated"
            } else {
                "trader"
            },
            if is_designated {
                "designated-vessel"
            } else {
                "none"
            },
            None,
        ));
        let mut v = new(m, a, offset(&mut rng));
        while !v.done() {
            v.stay(&mut rng, 4.0, 0.0, (0.0, 0.0));
            v.sail(&mut rng, b);
            v.stay(&mut rng, 4.0, 0.0, (0.0, 0.0));
            v.sail(&mut rng, a);
        }
        fleet.push(v);
    }
    // Voyages into the DPRK and back; dark near the DPRK half way there; dark far away.
    for (n, behaviour) in [
        (cfg.inbound, "inbound"),
        (cfg.dark_near, "dark-near"),
        (cfg.dark_short, "dark-short"),
        (cfg.dark_far, "dark-far"),
    ] {
        for i in 0..n {
            let (a, b) = routes[i as usize % routes.len()];
            let m = mmsi(413);
            let name = name_of(m % 1000);
            add_static(&mut statics, m, &name, None);
            // A voyage into the DPRK is what `dark-voyage` names; the others' expected detector
            // is set below from their gaps as recorded.
            let expected = if behaviour == "inbound" {
                "dark-voyage"
            } else {
                "none"
            };
            truth.push(truth_of(m, name, None, behaviour, expected, None));
            let mut v = new(m, a, offset(&mut rng));
            // Far from the DPRK: the southern Yellow Sea, out of reach of its ports.
            let (far_a, far_b) = ((34.6, 123.2), (34.2, 123.6));
            while !v.done() {
                v.stay(&mut rng, 4.0, 0.0, (0.0, 0.0));
                match behaviour {
                    "inbound" => {
                        v.sail(&mut rng, b);
                        v.stay(&mut rng, 6.0, 0.0, (0.0, 0.0));
                    }
                    "dark-near" | "dark-short" => {
                        let hours = if behaviour == "dark-near" {
                            cfg.dark_hours
                        } else {
                            cfg.short_dark_hours
                        };
                        v.sail(&mut rng, between(a, b, 0.6));
                        v.dark(hours, between(a, b, 0.4));
                    }
                    _ => {
                        v.sail(&mut rng, far_a);
                        v.dark(14.0, far_b);
                    }
                }
                v.sail(&mut rng, a);
                v.stay(&mut rng, 24.0, 0.0, (0.0, 0.0));
            }
            fleet.push(v);
        }
    }
    // Pairs meeting at sea, far from any port, for three hours: a Chinese ship with a
    // DPRK-flagged one (from the DPRK port), or two Chinese ships (from two Chinese ports: from
    // one berth they would sail out and back within 500 m of each other for longer than they
    // stop, which the encounter rule's median speed rightly calls no meeting); and short
    // meetings with a DPRK-flagged ship.
    for (n, behaviour, hours) in [
        (cfg.meet_flagged, "meet-flagged", 3.0),
        (cfg.meet_short, "meet-short", cfg.short_meeting_hours),
        (cfg.meet_plain, "meet-plain", 3.0),
    ] {
        let flagged = behaviour != "meet-plain";
        for i in 0..n {
            let (a, home2) = if flagged {
                routes[i as usize % routes.len()]
            } else {
                pairs[i as usize % pairs.len()]
            };
            let (m1, m2) = (mmsi(412), mmsi(if flagged { 445 } else { 414 }));
            for (m, p) in [(m1, Some(m2)), (m2, Some(m1))] {
                let name = name_of(m % 1000);
                add_static(&mut statics, m, &name, None);
                // Set below from the meetings as recorded.
                truth.push(truth_of(m, name, None, behaviour, "none", p));
            }
            let mut t = offset(&mut rng) + 86_400;
            let (mut v1, mut v2) = (new(m1, a, start), new(m2, home2, start));
            let mut met = false;
            while t < end {
                // A meeting point in the Yellow Sea, off the routes' ports.
                let meet = (rng.random_range(37.9..38.5), rng.random_range(122.6..123.6));
                let mut stays = [None, None];
                for (k, (v, home)) in [(&mut v1, a), (&mut v2, home2)].into_iter().enumerate() {
                    let lead = km(home, meet) / (cfg.knots * 1.852) * 3600.0;
                    let leave = t - lead as i64;
                    if v.t < leave {
                        v.stay(&mut rng, (leave - v.t) as f64 / 3600.0, 0.0, (0.0, 0.0));
                    }
                    v.sail(&mut rng, meet);
                    let drift = (0.000_000_2, 0.000_000_2);
                    let together = t + (hours * 3600.0) as i64;
                    let wait = (together - v.t).max(0) as f64 / 3600.0;
                    stays[k] = v.stay(&mut rng, wait.min(hours + 2.0), MEETING_KNOTS, drift);
                    v.sail(&mut rng, home);
                }
                let found = meeting_truth((m1, m2), stays, meet, &ports, &rules);
                met |= found.iter().any(|e| e.kind == "encounter" && e.is_event);
                events.extend(found);
                t = v1.t.max(v2.t) + rng.random_range(3..6) * 86_400;
            }
            // The ship-to-ship rule's reason here is the DPRK flag (none of them goes dark).
            if flagged && met {
                for x in truth.iter_mut().rev().take(2) {
                    x.expected = "ship-to-ship";
                }
            }
            fleet.push(v1);
            fleet.push(v2);
        }
    }
    // Dark periods as recorded; a vessel that went dark (or lost its transponder) at sea with
    // a DPRK port within reach is what `dark-voyage` names, whatever it meant.
    for v in &fleet {
        for g in &v.gaps {
            events.push(dark_truth(v.mmsi, g, cfg.knots, &ports, &rules));
        }
        let hides = events
            .iter()
            .any(|e| e.mmsi == v.mmsi && e.kind == "dark" && e.is_event && e.dprk_reachable);
        if let Some(x) = truth.iter_mut().find(|x| x.mmsi == v.mmsi) {
            if DARK_BEHAVIOURS.contains(&x.behaviour) {
                x.expected = if hides { "dark-voyage" } else { "none" };
            }
        }
    }
    events.sort_by_key(|e| (e.start, e.mmsi, e.kind));
    // What the receiver recorded, in time order: positions, and each vessel's static report
    // every six minutes while it broadcasts.
    let mut fixes: Vec<Fix> = fleet.into_iter().flat_map(|v| v.fixes).collect();
    fixes.sort_by_key(|f| (f.time, f.mmsi));
    let mut last_static: std::collections::HashMap<u32, i64> = Default::default();
    let mut lines = Vec::with_capacity(fixes.len() + fixes.len() / 6);
    let mut seq = 0u8;
    for f in &fixes {
        lines.push(encode::position(&PositionReport {
            mmsi: f.mmsi,
            lat: f.lat,
            lon: f.lon,
            speed: Some((f.knots * 10.0).round() / 10.0),
            course: Some(f.course),
            status: f.status,
            time: f.time,
        }));
        let due = last_static.get(&f.mmsi).is_none_or(|&t| f.time - t >= 360);
        if due {
            if let Some(s) = statics.iter().find(|s| s.mmsi == f.mmsi) {
                last_static.insert(f.mmsi, f.time);
                seq = (seq + 1) % 10;
                lines.extend(encode::static_report(
                    &StaticReport {
                        time: f.time,
                        ..s.clone()
                    },
                    seq,
                ));
            }
        }
    }
    // A few lines as a noisy receiver writes them: a character lost, the checksum then wrong.
    if cfg.garbled > 0.0 {
        for l in lines.iter_mut() {
            if rng.random::<f64>() < cfg.garbled && l.len() > 40 {
                l.remove(l.len() - 8);
            }
        }
    }
    Ok(Fleet {
        lines,
        vessels: truth,
        events,
    })
}

/// The behaviours whose vessels go dark: `dark-voyage` is expected of them when a dark period
/// of theirs could hide a DPRK port call.
const DARK_BEHAVIOURS: [&str; 4] = ["outage", "dark-near", "dark-short", "dark-far"];

/// The reported speed of a vessel waiting at a meeting point, knots.
const MEETING_KNOTS: f64 = 0.5;

/// A recorded gap as the dark-period rule measures it: its length from the last position
/// before it to the first after, whether it began at sea, and whether a DPRK port lies within
/// reach at the fleet's speed.
fn dark_truth(mmsi: u32, g: &Gap, knots: f64, ports: &Ports, o: &Options) -> EventTruth {
    let ((t0, a), (t1, b)) = (g.from, g.to);
    let secs = t1 - t0;
    let reach_km = knots * KM_PER_NM * secs as f64 / 3600.0;
    let dprk_reachable = !dprk_ports_reachable(ports, a, b, reach_km).is_empty();
    let in_port = ports.nearest_within(a.0, a.1, o.port_exit_km).is_some();
    let why_not = if secs < o.dark_secs {
        Some(format!(
            "no position for {:.2} h, under {} h",
            secs as f64 / 3600.0,
            o.dark_secs / 3600
        ))
    } else if in_port {
        Some("went dark in port".to_string())
    } else {
        None
    };
    EventTruth {
        kind: "dark",
        mmsi,
        partner: None,
        start: t0,
        end: t1,
        is_event: why_not.is_none(),
        why_not,
        dprk_reachable,
    }
}

/// A meeting as recorded: an encounter over the time both vessels' recorded stays at the point
/// overlap, and each vessel's stay a loitering run — each an event when it is long enough,
/// slow enough and far enough from every port. Nothing when a stay was not recorded (the data
/// ended) or the stays do not overlap.
fn meeting_truth(
    (m1, m2): (u32, u32),
    stays: [Option<(i64, i64)>; 2],
    at: P,
    ports: &Ports,
    o: &Options,
) -> Vec<EventTruth> {
    let [Some(s1), Some(s2)] = stays else {
        return Vec::new();
    };
    let port_km = ports.distance_to_nearest(at.0, at.1);
    let why_not = |secs: i64, min_secs: i64, max_knots: f64| {
        if secs < min_secs {
            Some(format!(
                "{:.2} h, under {} h",
                secs as f64 / 3600.0,
                min_secs as f64 / 3600.0
            ))
        } else if MEETING_KNOTS >= max_knots {
            Some(format!("{MEETING_KNOTS} knots, not under {max_knots}"))
        } else if port_km < o.anchorage_km {
            Some(format!(
                "{port_km:.1} km from a port, under {} km",
                o.anchorage_km
            ))
        } else {
            None
        }
    };
    let mut out = Vec::new();
    let (start, end) = (s1.0.max(s2.0), s1.1.min(s2.1));
    if end > start {
        let w = why_not(end - start, o.encounter_secs, o.encounter_knots);
        out.push(EventTruth {
            kind: "encounter",
            mmsi: m1,
            partner: Some(m2),
            start,
            end,
            is_event: w.is_none(),
            why_not: w,
            dprk_reachable: false,
        });
    }
    for (m, s) in [(m1, s1), (m2, s2)] {
        let w = why_not(s.1 - s.0, o.loiter_secs, o.loiter_knots);
        out.push(EventTruth {
            kind: "loitering",
            mmsi: m,
            partner: None,
            start: s.0,
            end: s.1,
            is_event: w.is_none(),
            why_not: w,
            dprk_reachable: false,
        });
    }
    out
}

/// The fleet's own random stream from the scenario's seed.
const SHIPS_STREAM: u64 = 0x5eed_f1ee_7000_0001;
