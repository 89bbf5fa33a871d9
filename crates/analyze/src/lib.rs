//! Analysis: from stored claims and shipments to the corridor picture and the findings of the
//! evasion detectors.
//!
//! Owns: naming the corridor of a claim or shipment (a crossing, or a route leg between two
//! places), the track events shown with the analysis (what vessel tracks show, with their
//! lines), aggregating per corridor × direction × mode × period (claims, independent sources,
//! goods by HS chapter with verdicts, prohibited share, loaded/empty, quantities, conditions, the
//! open/closed timeline), telling independent sources from copies (`corroborate`), and the
//! detectors (`detectors/`, one file each).
//!
//! Refuses: I/O, the clock and SQL. Everything comes in as arguments (claims, shipments, the
//! gazetteer, the period) and goes out as values; the same input gives the same output.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

// A fast hash for the maps keyed by claim, source and corridor that the analysis fills by
// the million; nothing here hashes what an outsider chooses to collide.
use foldhash::{HashMap, HashMapExt};

use borderwatch_model::{
    Cited, Claim, ClaimKind, Date, Direction, Finding, Load, Mode, Period, Polarity, RouteStatus,
    Shipment, Status, TrackEvent,
};
use borderwatch_reference::Gazetteer;
use serde::Serialize;

mod corroborate;
pub mod detectors;
pub mod reviewed;

pub use corroborate::Independence;

/// A stored claim as analysis needs it.
#[derive(Debug, Clone)]
pub struct ClaimIn {
    pub id: i64,
    pub source_id: i64,
    /// The source's name (file) as stored, shared by the source's claims.
    pub source: Arc<str>,
    /// The source's publication date, when known (dates an undated claim's period).
    pub published: Option<Date>,
    /// Boxed: a large store holds a million of these, and moving the vector of them should
    /// not move every claim.
    pub claim: Box<Claim>,
    /// The quote's sentence key for telling copies from independent sources (see
    /// `corroborate`), computed once with the claim, where its text is at hand. Private, so
    /// only [`ClaimIn::new`] makes one and the key always matches the quote it was made from.
    story: Option<u64>,
    /// A person confirmed, corrected or added the claim (see `reviewed`).
    pub reviewed: bool,
    /// The review that added the claim, when an analyst added it (its id is then negative).
    pub review: Option<i64>,
}

impl ClaimIn {
    pub fn new(
        id: i64,
        source_id: i64,
        source: Arc<str>,
        published: Option<Date>,
        claim: Claim,
    ) -> ClaimIn {
        ClaimIn {
            id,
            source_id,
            source,
            published,
            story: corroborate::sentence_key(&claim.evidence.text),
            claim: Box::new(claim),
            reviewed: false,
            review: None,
        }
    }
}

/// A stored, screened shipment as analysis needs it.
#[derive(Debug, Clone)]
pub struct ShipmentIn {
    pub id: i64,
    pub source_id: i64,
    pub source: String,
    pub line: i64,
    pub shipment: Shipment,
    pub status: Status,
}

/// A stored track event as analysis needs it.
#[derive(Debug, Clone)]
pub struct TrackEventIn {
    pub id: i64,
    pub source_id: i64,
    /// The claim it made (a voyage's movement, a port call's storage), if any.
    pub claim: Option<i64>,
    pub event: TrackEvent,
}

impl TrackEventIn {
    /// The UTC dates the event spans.
    pub fn dates(&self) -> (Option<Date>, Option<Date>) {
        let d = |t: i64| chrono::DateTime::from_timestamp(t, 0).map(|d| d.date_naive());
        (d(self.event.start), d(self.event.end))
    }
}

/// A track event as the analysis shows it: its id, the claim it made, and the event with its
/// evidence lines.
#[derive(Debug, Clone, Serialize)]
pub struct TrackFigure {
    pub id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<i64>,
    #[serde(flatten)]
    pub event: TrackEvent,
}

/// What to analyse and how to present evidence.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Claims and shipments whose time ends before this are left out (undated ones stay in).
    pub since: Option<Date>,
    /// Claims and shipments whose time starts after this are left out.
    pub until: Option<Date>,
    /// Keep who said it in evidence (left out unless asked for: it can identify a person).
    pub include_attribution: bool,
    /// Units that count conveyances (the cue pack's `quantity.conveyances`): their rates imply
    /// volumes.
    pub conveyances: Vec<String>,
    /// Threads to run the corridor picture and the detectors on (0 and 1: the calling thread
    /// only). The result does not depend on it.
    pub threads: usize,
    /// Unit → its plural, as the cue pack writes it ("truck" → "trucks", "yuan" → "yuan");
    /// a unit not listed takes an "s".
    pub plurals: BTreeMap<String, String>,
}

impl Options {
    /// Options whose units come from the cue pack: the conveyances and the units' plurals.
    pub fn with_units(quantity: &borderwatch_reference::cues::QuantityCues) -> Options {
        Options {
            conveyances: quantity.conveyances.clone(),
            plurals: quantity
                .units
                .keys()
                .map(|u| (u.clone(), quantity.plural(u).to_string()))
                .collect(),
            ..Options::default()
        }
    }

    /// "3 days", "1 day", "120 yuan".
    pub fn units(&self, value: &str, one: bool, unit: &str) -> String {
        if one {
            return format!("{value} {unit}");
        }
        match self.plurals.get(unit) {
            Some(p) => format!("{value} {p}"),
            None => format!("{value} {unit}s"),
        }
    }
}

/// The result: the corridor picture and the findings.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub corridors: Vec<Corridor>,
    pub findings: Vec<Finding>,
    /// What vessel tracks show (port calls, voyages, dark periods, encounters, loitering,
    /// identity events), in time order, each with its track lines.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tracks: Vec<TrackFigure>,
    /// Sources analysed and how many are independent of one another.
    pub sources: usize,
    pub independent_sources: usize,
}

/// A corridor: a crossing, or a route leg between two places when no crossing is named.
#[derive(Debug, Clone, Serialize)]
pub struct Corridor {
    pub id: String,
    /// `crossing` or `leg`.
    pub kind: &'static str,
    pub name: String,
    /// The two ends as place ids (a crossing's sides, or a leg's from and to).
    pub ends: [String; 2],
    pub flows: Vec<Flow>,
    pub conditions: Vec<ConditionFigure>,
    pub timeline: Vec<StatusEvent>,
    /// Independent sources behind anything on this corridor.
    pub independent_sources: usize,
    pub claims: usize,
    /// Of `claims`, how many a person confirmed, corrected or added.
    pub reviewed: usize,
}

/// One corridor × direction × mode × period.
#[derive(Debug, Clone, Serialize)]
pub struct Flow {
    pub direction: Direction,
    pub mode: Option<Mode>,
    /// `YYYY`, or `undated`.
    pub period: String,
    pub claims: usize,
    /// Of `claims`, how many a person confirmed, corrected or added.
    pub reviewed: usize,
    pub shipments: usize,
    pub independent_sources: usize,
    pub loaded: usize,
    pub empty: usize,
    /// Claims that goods do *not* move here ("no sanctioned items are transported").
    pub negated: usize,
    pub goods: Vec<ChapterFigure>,
    /// Goods items with a verdict, and how many of them are prohibited.
    pub goods_items: usize,
    pub prohibited_items: usize,
    /// Share of classified goods items whose verdict is prohibited (0 when none are classified).
    pub prohibited_share: f64,
    pub quantities: Vec<String>,
}

/// Goods of one HS chapter on a flow.
#[derive(Debug, Clone, Serialize)]
pub struct ChapterFigure {
    pub chapter: String,
    pub items: usize,
    pub prohibited: usize,
    pub capped: usize,
    pub review: usize,
    pub permitted: usize,
    /// The words as written (first few).
    pub examples: Vec<String>,
}

/// A reported condition of a corridor, with its support.
#[derive(Debug, Clone, Serialize)]
pub struct ConditionFigure {
    pub aspect: String,
    pub value: String,
    pub claims: usize,
    /// Of `claims`, how many a person confirmed, corrected or added.
    pub reviewed: usize,
    pub independent_sources: usize,
}

/// One reported opening, closing, suspension or resumption: the claims reporting the same
/// status on the same date and mode are one event.
#[derive(Debug, Clone, Serialize)]
pub struct StatusEvent {
    pub date: Option<Date>,
    pub mode: Option<Mode>,
    pub status: String,
    pub planned: bool,
    pub negated: bool,
    /// The first claim reporting it.
    pub claim: i64,
    /// How many claims report it.
    pub claims: usize,
}

/// What detectors see: the inputs, indexed once.
pub struct Context<'a> {
    pub claims: Vec<&'a ClaimIn>,
    pub shipments: Vec<&'a ShipmentIn>,
    /// Track events in the period, in source then time order.
    pub tracks: Vec<&'a TrackEventIn>,
    /// The track lines of the claims track events made (claim id → first and last line).
    track_lines: HashMap<i64, [u64; 2]>,
    pub gazetteer: &'a Gazetteer,
    pub independence: Independence,
    pub options: &'a Options,
    /// Corridor id per claim id (claims with no corridor are absent).
    corridor_of: HashMap<i64, Arc<str>>,
    /// The claims on each corridor, in input order.
    by_corridor: HashMap<Arc<str>, Vec<&'a ClaimIn>>,
    /// The shipments on each corridor, in input order.
    shipments_on: BTreeMap<String, Vec<&'a ShipmentIn>>,
}

impl<'a> Context<'a> {
    /// Independent sources among these claims.
    pub fn independent(&self, claims: &[&ClaimIn]) -> usize {
        self.independence.count(claims.iter().map(|c| c.source_id))
    }

    /// The evidence of a claim as a finding cites it.
    pub fn cite(&self, c: &ClaimIn) -> Cited {
        let e = &c.claim.evidence;
        Cited {
            source: c.source.to_string(),
            claim: c.review.is_none().then_some(c.id),
            review: c.review,
            span: e.span,
            lines: self.track_lines.get(&c.id).copied(),
            quote: if self.options.include_attribution {
                e.text.clone()
            } else {
                e.redacted_text()
            },
            attribution: if self.options.include_attribution {
                e.attribution.clone()
            } else {
                None
            },
        }
    }

    /// A track event as evidence: each file and line range it rests on, the event said first.
    pub fn cite_track(&self, t: &TrackEventIn) -> Vec<Cited> {
        t.event
            .evidence
            .iter()
            .map(|e| Cited {
                source: e.source.clone(),
                claim: t.claim,
                review: None,
                span: e.span,
                lines: Some(e.lines),
                quote: format!("{}\n{}", t.event.summary, e.quote),
                attribution: None,
            })
            .collect()
    }

    /// Whether a claim is what a vessel track shows (a voyage), not a report's.
    pub fn from_track(&self, c: &ClaimIn) -> bool {
        self.track_lines.contains_key(&c.id)
    }

    /// A shipment as evidence: its file and line.
    pub fn cite_shipment(&self, s: &ShipmentIn) -> Cited {
        let sh = &s.shipment;
        Cited {
            source: s.source.clone(),
            claim: None,
            review: None,
            span: [s.line as usize, s.line as usize],
            lines: None,
            quote: format!(
                "line {}: {} {} {} {} ({})",
                s.line,
                sh.id.as_deref().unwrap_or(""),
                sh.date,
                sh.hs.as_ref().map(|h| h.as_str()).unwrap_or(""),
                sh.description.as_deref().unwrap_or(""),
                s.status
            ),
            attribution: None,
        }
    }

    /// The corridor a claim is on, if any.
    pub fn corridor(&self, c: &ClaimIn) -> Option<&str> {
        self.corridor_of.get(&c.id).map(|k| &**k)
    }

    /// A display name for a corridor id.
    pub fn corridor_name(&self, id: &str) -> String {
        corridor_name(self.gazetteer, id)
    }

    /// The claims on a corridor.
    pub fn on(&self, corridor: &str) -> &[&'a ClaimIn] {
        self.by_corridor.get(corridor).map_or(&[], Vec::as_slice)
    }

    /// The shipments on a corridor.
    pub fn shipments_on(&self, corridor: &str) -> &[&'a ShipmentIn] {
        self.shipments_on.get(corridor).map_or(&[], Vec::as_slice)
    }

    /// The date a claim is about: its own time, else its source's publication date.
    pub fn date(c: &ClaimIn) -> Option<Date> {
        c.claim
            .when
            .as_ref()
            .and_then(|w| w.start.or(w.end))
            .or(c.published)
    }

    /// Every distinct corridor id of a claim, in order.
    pub fn corridors(&self) -> BTreeSet<&str> {
        self.by_corridor.keys().map(|k| &**k).collect()
    }
}

/// How many of these claims a person vouched for.
pub fn reviewed_count(claims: &[&ClaimIn]) -> usize {
    claims.iter().filter(|c| c.reviewed).count()
}

/// The period covered by some claims' dates.
pub fn period_of(claims: &[&ClaimIn]) -> Period {
    let dates: Vec<Date> = claims.iter().filter_map(|c| Context::date(c)).collect();
    Period {
        start: dates.iter().min().copied(),
        end: dates.iter().max().copied(),
    }
}

/// The corridor of a claim: its crossing; else, with both ends named, the leg between them.
pub fn corridor_of_claim(c: &Claim) -> Option<String> {
    corridor_key(c).map(corridor_id)
}

/// A claim's crossing, or the two ends of its leg.
fn corridor_key(c: &Claim) -> Option<(&str, Option<&str>)> {
    if let Some(v) = &c.via {
        return Some((v, None));
    }
    match (&c.from, &c.to) {
        (Some(a), Some(b)) if a != b => Some((a, Some(b))),
        _ => None,
    }
}

/// A corridor id: the crossing's id, or `from>to` for a leg.
fn corridor_id((a, b): (&str, Option<&str>)) -> String {
    match b {
        Some(b) => format!("{a}>{b}"),
        None => a.to_string(),
    }
}

/// The corridor of a shipment: its crossing, else its leg.
pub fn corridor_of_shipment(s: &Shipment) -> Option<String> {
    if let Some(v) = &s.crossing {
        return Some(v.clone());
    }
    match (&s.origin, &s.destination) {
        (Some(a), Some(b)) if a != b => Some(format!("{a}>{b}")),
        _ => None,
    }
}

/// "Dandong–Sinuiju" for a crossing, "Longkou → Nampo" for a leg.
pub fn corridor_name(gz: &Gazetteer, id: &str) -> String {
    if let Some(c) = gz.crossing(id) {
        return c.names.first().cloned().unwrap_or_else(|| id.to_string());
    }
    if let Some((a, b)) = id.split_once('>') {
        let n = |p: &str| {
            gz.place(p)
                .and_then(|p| p.names.first().cloned())
                .unwrap_or_else(|| p.to_string())
        };
        return format!("{} → {}", n(a), n(b));
    }
    id.to_string()
}

fn in_period(d: (Option<Date>, Option<Date>), o: &Options) -> bool {
    let (start, end) = d;
    let after_since = match (o.since, end.or(start)) {
        (Some(s), Some(e)) => e >= s,
        _ => true,
    };
    let before_until = match (o.until, start.or(end)) {
        (Some(u), Some(s)) => s <= u,
        _ => true,
    };
    after_since && before_until
}

/// Corridor id per claim id, and the claims on each corridor in input order. Each corridor id
/// is built once and shared (a million claims name a few hundred corridors).
#[allow(clippy::type_complexity)]
fn index_corridors<'a>(
    claims: &[&'a ClaimIn],
) -> (HashMap<i64, Arc<str>>, HashMap<Arc<str>, Vec<&'a ClaimIn>>) {
    let mut ids: HashMap<(&str, Option<&str>), Arc<str>> = HashMap::new();
    let mut corridor_of: HashMap<i64, Arc<str>> = HashMap::with_capacity(claims.len());
    let mut by_corridor: HashMap<Arc<str>, Vec<&ClaimIn>> = HashMap::new();
    for c in claims {
        let Some(key) = corridor_key(&c.claim) else {
            continue;
        };
        let id = ids
            .entry(key)
            .or_insert_with(|| Arc::from(corridor_id(key)))
            .clone();
        by_corridor.entry(id.clone()).or_default().push(c);
        corridor_of.insert(c.id, id);
    }
    (corridor_of, by_corridor)
}

/// Runs the analysis: the corridor picture, then every detector.
pub fn analyze(
    claims: &[ClaimIn],
    shipments: &[ShipmentIn],
    gazetteer: &Gazetteer,
    options: &Options,
) -> Analysis {
    analyze_all(claims, shipments, &[], gazetteer, options)
}

/// Runs the analysis with what vessel tracks show: the corridor picture, every detector, and
/// the track events in the period.
pub fn analyze_all(
    claims: &[ClaimIn],
    shipments: &[ShipmentIn],
    tracks: &[TrackEventIn],
    gazetteer: &Gazetteer,
    options: &Options,
) -> Analysis {
    let tracks: Vec<&TrackEventIn> = tracks
        .iter()
        .filter(|t| in_period(t.dates(), options))
        .collect();
    let track_lines: HashMap<i64, [u64; 2]> = tracks
        .iter()
        .filter_map(|t| Some((t.claim?, t.event.evidence.first()?.lines)))
        .collect();
    let claims: Vec<&ClaimIn> = claims
        .iter()
        .filter(|c| {
            let w = c.claim.when.as_ref();
            in_period(
                (
                    w.and_then(|w| w.start).or(c.published),
                    w.and_then(|w| w.end).or(c.published),
                ),
                options,
            )
        })
        .collect();
    let shipments: Vec<&ShipmentIn> = shipments
        .iter()
        .filter(|s| in_period((Some(s.shipment.date), Some(s.shipment.date)), options))
        .collect();
    // Who copies whom, and which claims lie on which corridor: independent, so side by side.
    let (independence, (corridor_of, by_corridor)) = if options.threads > 1 {
        std::thread::scope(|s| {
            let h = s.spawn(|| Independence::new(&claims));
            let index = index_corridors(&claims);
            (
                h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
                index,
            )
        })
    } else {
        (Independence::new(&claims), index_corridors(&claims))
    };
    let mut shipments_on: BTreeMap<String, Vec<&ShipmentIn>> = BTreeMap::new();
    for s in &shipments {
        if let Some(k) = corridor_of_shipment(&s.shipment) {
            shipments_on.entry(k).or_default().push(s);
        }
    }
    let ctx = Context {
        claims,
        shipments,
        tracks,
        track_lines,
        gazetteer,
        independence,
        options,
        corridor_of,
        by_corridor,
        shipments_on,
    };
    // The corridor picture and the detectors only read the context: they run side by side,
    // and their results are put together in a fixed order, so the threads change nothing.
    enum Job {
        Corridors,
        Detect(detectors::Detector),
    }
    enum Done {
        Corridors(Vec<Corridor>),
        Findings(Vec<Finding>),
    }
    // The longest first, so the threads finish together. The order of the findings does not
    // depend on it: `finish` sorts them by score, kind and title, and each detector emits its
    // own in a fixed order.
    let mut jobs: Vec<Job> = std::iter::once(Job::Corridors)
        .chain(detectors::DETECTORS.into_iter().map(Job::Detect))
        .collect();
    jobs.sort_by_key(|j| match j {
        Job::Corridors => 0,
        Job::Detect((id, _)) => {
            detectors::COST_RANK
                .iter()
                .position(|k| k == id)
                .unwrap_or(99)
                + 1
        }
    });
    let done = parallel(&jobs, options.threads, |job| match job {
        Job::Corridors => Done::Corridors(corridors(&ctx)),
        Job::Detect((_, detect)) => Done::Findings(detect(&ctx)),
    });
    let mut corridors = Vec::new();
    let mut findings = Vec::new();
    for d in done {
        match d {
            Done::Corridors(c) => corridors = c,
            Done::Findings(f) => findings.extend(f),
        }
    }
    let findings = finish(findings);
    let sources: BTreeSet<i64> = ctx
        .claims
        .iter()
        .map(|c| c.source_id)
        .chain(ctx.shipments.iter().map(|s| s.source_id))
        .chain(ctx.tracks.iter().map(|t| t.source_id))
        .collect();
    let mut shown: Vec<TrackFigure> = ctx
        .tracks
        .iter()
        .map(|t| TrackFigure {
            id: t.id,
            claim: t.claim,
            event: t.event.clone(),
        })
        .collect();
    shown.sort_by_key(|t| (t.event.start, t.id));
    Analysis {
        corridors,
        findings,
        tracks: shown,
        sources: sources.len(),
        independent_sources: ctx.independence.count(sources.iter().copied()),
    }
}

/// A flow's period as it sorts: years in order, undated last.
type PeriodKey = (bool, i32);

fn period_key(d: Option<Date>) -> PeriodKey {
    use chrono::Datelike;
    d.map_or((true, 0), |d| (false, d.year()))
}

fn period_label((undated, year): PeriodKey) -> String {
    if undated {
        "undated".into()
    } else {
        format!("{year:04}")
    }
}

/// The corridor picture.
fn corridors(ctx: &Context) -> Vec<Corridor> {
    let ids: BTreeSet<String> = ctx
        .by_corridor
        .keys()
        .map(|k| k.to_string())
        .chain(ctx.shipments_on.keys().cloned())
        .collect();
    let mut out = Vec::new();
    for id in ids {
        let claims = ctx.on(&id);
        let ships = ctx.shipments_on(&id);
        let (kind, ends) = match ctx.gazetteer.crossing(&id) {
            Some(c) => ("crossing", c.sides.clone()),
            None => {
                let (a, b) = id.split_once('>').unwrap_or((id.as_str(), ""));
                ("leg", [a.to_string(), b.to_string()])
            }
        };
        // Flows: movements and storage by direction × mode × period, plus shipments.
        type Key = (Direction, Option<Mode>, PeriodKey);
        let mut flows: BTreeMap<Key, (Vec<&ClaimIn>, Vec<&ShipmentIn>)> = BTreeMap::new();
        for c in claims {
            if matches!(c.claim.kind, ClaimKind::Movement | ClaimKind::Storage)
                && c.claim.direction != Direction::Unknown
            {
                let key = (
                    c.claim.direction,
                    c.claim.mode,
                    period_key(Context::date(c)),
                );
                flows.entry(key).or_default().0.push(c);
            }
        }
        for s in ships {
            let key = (
                s.shipment.direction,
                s.shipment.mode,
                period_key(Some(s.shipment.date)),
            );
            flows.entry(key).or_default().1.push(s);
        }
        let flows = flows
            .into_iter()
            .map(|((direction, mode, period), (cs, ss))| {
                flow(ctx, direction, mode, period_label(period), &cs, &ss)
            })
            .collect();
        let mut conds: BTreeMap<(String, String), Vec<&ClaimIn>> = BTreeMap::new();
        type Event = (Option<Date>, Option<Mode>, RouteStatus, bool, bool);
        let mut events: BTreeMap<Event, (i64, usize)> = BTreeMap::new();
        for c in claims {
            if let (ClaimKind::Condition, Some(v)) = (c.claim.kind, &c.claim.condition) {
                if c.claim.polarity == Polarity::Affirmed {
                    conds
                        .entry((v.aspect.clone(), v.value.clone()))
                        .or_default()
                        .push(c);
                }
            }
            if let (ClaimKind::Status, Some(s)) = (c.claim.kind, c.claim.status) {
                let key = (
                    Context::date(c),
                    c.claim.mode,
                    s,
                    c.claim.planned,
                    c.claim.polarity == Polarity::Negated,
                );
                let e = events.entry(key).or_insert((c.id, 0));
                e.0 = e.0.min(c.id);
                e.1 += 1;
            }
        }
        let mut timeline: Vec<StatusEvent> = events
            .into_iter()
            .map(
                |((date, mode, status, planned, negated), (claim, n))| StatusEvent {
                    date,
                    mode,
                    status: format!("{status:?}").to_lowercase(),
                    planned,
                    negated,
                    claim,
                    claims: n,
                },
            )
            .collect();
        timeline.sort_by_key(|e| (e.date, e.claim));
        let conditions = conds
            .into_iter()
            .map(|((aspect, value), cs)| ConditionFigure {
                aspect,
                value,
                claims: cs.len(),
                reviewed: reviewed_count(&cs),
                independent_sources: ctx.independent(&cs),
            })
            .collect();
        out.push(Corridor {
            name: ctx.corridor_name(&id),
            id,
            kind,
            ends,
            flows,
            conditions,
            timeline,
            independent_sources: ctx.independent(claims),
            claims: claims.len(),
            reviewed: reviewed_count(claims),
        });
    }
    out
}

fn flow<'c>(
    ctx: &Context,
    direction: Direction,
    mode: Option<Mode>,
    period: String,
    claims: &[&'c ClaimIn],
    ships: &[&'c ShipmentIn],
) -> Flow {
    let mut chapters: BTreeMap<&str, ChapterFigure> = BTreeMap::new();
    let mut count = |hs: &'c str, status: Option<Status>, text: &str| {
        let ch = hs.get(..2).unwrap_or(hs);
        let f = chapters.entry(ch).or_insert_with(|| ChapterFigure {
            chapter: ch.to_string(),
            items: 0,
            prohibited: 0,
            capped: 0,
            review: 0,
            permitted: 0,
            examples: Vec::new(),
        });
        f.items += 1;
        match status {
            Some(Status::Prohibited) => f.prohibited += 1,
            Some(Status::Capped) => f.capped += 1,
            Some(Status::Review) => f.review += 1,
            Some(Status::Permitted) => f.permitted += 1,
            None => {}
        }
        if f.examples.len() < 4 && !f.examples.iter().any(|e| e == text) {
            f.examples.push(text.to_string());
        }
    };
    let affirmed: Vec<&&ClaimIn> = claims
        .iter()
        .filter(|c| c.claim.polarity == Polarity::Affirmed)
        .collect();
    for c in &affirmed {
        for g in &c.claim.goods {
            let Some(hs) = &g.hs else { continue };
            let status = c
                .claim
                .verdicts
                .iter()
                .find(|v| &v.hs == hs)
                .map(|v| v.status);
            count(hs, status, &g.text);
        }
    }
    for s in ships {
        if let Some(hs) = &s.shipment.hs {
            let text = s.shipment.description.clone().unwrap_or_default();
            count(hs.as_str(), Some(s.status), &text);
        }
    }
    let goods: Vec<ChapterFigure> = chapters.into_values().collect();
    let judged: usize = goods
        .iter()
        .map(|g| g.prohibited + g.capped + g.review + g.permitted)
        .sum();
    let prohibited: usize = goods.iter().map(|g| g.prohibited).sum();
    let quantities = quantity_figures(affirmed.iter().flat_map(|c| &c.claim.quantities));
    Flow {
        direction,
        mode,
        period,
        claims: claims.len(),
        reviewed: reviewed_count(claims),
        shipments: ships.len(),
        independent_sources: ctx.independent(claims),
        loaded: affirmed
            .iter()
            .filter(|c| c.claim.load == Some(Load::Loaded) || !c.claim.goods.is_empty())
            .count(),
        empty: affirmed
            .iter()
            .filter(|c| c.claim.load == Some(Load::Empty))
            .count(),
        negated: claims
            .iter()
            .filter(|c| c.claim.polarity == Polarity::Negated)
            .count(),
        goods,
        goods_items: judged,
        prohibited_items: prohibited,
        prohibited_share: if judged == 0 {
            0.0
        } else {
            prohibited as f64 / judged as f64
        },
        quantities,
    }
}

/// Quantities as a reader takes them in: the few reported are listed as written; many are
/// summed up per unit and rate as their range and how many reports give one
/// ("80–300 truck a day (412 reports)").
fn quantity_figures<'q>(qs: impl Iterator<Item = &'q borderwatch_model::Quantity>) -> Vec<String> {
    const AS_WRITTEN: usize = 6;
    let qs: Vec<&borderwatch_model::Quantity> = qs.collect();
    // Distinct texts, up to one more than are listed as written (that many say "sum up").
    let mut texts: Vec<String> = Vec::new();
    for q in &qs {
        if !texts.contains(&q.text) {
            texts.push(q.text.clone());
            if texts.len() > AS_WRITTEN {
                break;
            }
        }
    }
    if texts.len() <= AS_WRITTEN {
        return texts;
    }
    let mut groups: BTreeMap<(String, String), (f64, f64, usize)> = BTreeMap::new();
    for q in &qs {
        let key = (
            q.unit.clone().unwrap_or_default(),
            q.per.clone().unwrap_or_default(),
        );
        let g = groups.entry(key).or_insert((f64::MAX, f64::MIN, 0));
        g.0 = g.0.min(q.value);
        g.1 = g.1.max(q.max.unwrap_or(q.value));
        g.2 += 1;
    }
    groups
        .into_iter()
        .map(|((unit, per), (lo, hi, n))| {
            let range = if lo == hi {
                format!("{lo}")
            } else {
                format!("{lo}–{hi}")
            };
            let unit = if unit.is_empty() {
                String::new()
            } else {
                format!(" {unit}")
            };
            let per = if per.is_empty() {
                String::new()
            } else {
                format!(" a {per}")
            };
            format!("{range}{unit}{per} ({n} reports)")
        })
        .collect()
}

/// `work` over every item on up to `threads` threads (each takes the next item not yet
/// taken), the results in item order.
fn parallel<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(work).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, work(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            // A panicking job is a bug: let it surface as the panic it is.
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Numbers a list of findings `{kind}-{n}` in order and sorts by score, strongest first.
pub(crate) fn finish(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.title.cmp(&b.title))
    });
    let mut n: BTreeMap<String, usize> = BTreeMap::new();
    for f in &mut findings {
        let k = n.entry(f.kind.clone()).or_default();
        *k += 1;
        f.id = format!("{}-{}", f.kind, k);
    }
    findings
}

/// A score from how many independent sources support a finding and how strong its signal is
/// (0..1): one source gives at most 0.6, three or more up to 1.0.
pub fn score(independent: usize, strength: f64) -> f64 {
    let support = match independent {
        0 => 0.0,
        1 => 0.6,
        2 => 0.8,
        _ => 1.0,
    };
    ((support * strength.clamp(0.0, 1.0)) * 100.0).round() / 100.0
}
