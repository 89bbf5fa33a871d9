//! The day-by-day run: demand arrives, shippers choose routes by a logit over cost, loads queue
//! at the gates (a crossing's mode, or a sea route), gates pass up to their capacity when open,
//! inspect by verdict class, and the rest wait — stored at the border — or, while a gate is shut,
//! choose again among the open routes. Only the loads in flight are held in memory; every crossed
//! load goes straight to the sink.

use std::collections::{BTreeMap, HashMap, VecDeque};

use borderwatch_model::{Date, Direction, HsCode, Mode, Status};
use borderwatch_reference::Reference;
use borderwatch_screen::{Goods, Screener};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal, Poisson};
use rand_pcg::Pcg64Mcg;

use crate::observe::{self, Seen};
use crate::scenario::{self, Inspection, Scenario, Window};

/// Where results go: the caller writes files (or keeps them, in tests).
pub trait Sink {
    fn shipment(&mut self, s: &ShipmentOut) -> Result<(), String>;
    fn flow(&mut self, f: &FlowOut) -> Result<(), String>;
    fn report(&mut self, name: &str, text: &str) -> Result<(), String>;
    /// One line of the fleet's AIS feed (a scenario with `[ships]`), in time order.
    fn track(&mut self, _line: &str) -> Result<(), String> {
        Ok(())
    }
    /// What one vessel of the fleet did.
    fn vessel(&mut self, _truth: &crate::ships::VesselTruth) -> Result<(), String> {
        Ok(())
    }
    /// A dark period, encounter or loitering run the fleet planted (or a near miss), as
    /// recorded.
    fn sea_event(&mut self, _truth: &crate::ships::EventTruth) -> Result<(), String> {
        Ok(())
    }
}

/// One load's record at one leg, with the truth behind it. Columns match what `screen --input`
/// and `ingest` read, plus the route and the truth labels.
#[derive(Debug, Clone)]
pub struct ShipmentOut {
    pub shipment_id: String,
    /// 1 for the crossing or the road leg to a port, 2 for the sea leg.
    pub leg: u8,
    pub date: Date,
    pub hs: HsCode,
    pub description: String,
    pub direction: Direction,
    pub quantity_t: f64,
    pub value_usd: f64,
    pub origin: String,
    pub destination: String,
    /// The crossing id, for a land crossing.
    pub crossing: Option<String>,
    pub mode: Mode,
    /// The route chosen (`road:dandong-sinuiju`, `sea:cn.longkou-port>kp.nampo-port`).
    pub route: String,
    /// Truth: the rulebook's verdict for these goods on that day.
    pub class: Status,
    pub inspected: bool,
    pub seized: bool,
    /// Truth: days the load waited at the border beyond its arrival (storage).
    pub stored_days: u32,
    /// Truth: moved to a third place and shipped on (a sea route reached by a long road leg).
    pub transshipped: bool,
    /// Truth: the shipper chose again while its first route was shut.
    pub rerouted: bool,
}

/// One day's traffic at one gate, by direction and verdict class.
#[derive(Debug, Clone)]
pub struct FlowOut {
    pub date: Date,
    /// A crossing id or a sea route id.
    pub corridor: String,
    pub direction: Direction,
    pub mode: Mode,
    pub class: Status,
    pub loads: u32,
    pub seized: u32,
    /// Vehicles that came back without a load (land crossings; counted under `permitted`).
    pub empty_vehicles: u32,
    /// Loads waiting at this gate at the end of the day.
    pub waiting: u32,
}

/// Totals per corridor and direction, for comparisons and tests.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub loads: u64,
    pub prohibited: u64,
    pub seized: u64,
    pub empty_vehicles: u64,
    pub stored_load_days: u64,
}

impl Totals {
    pub fn prohibited_share(&self) -> f64 {
        if self.loads == 0 {
            0.0
        } else {
            self.prohibited as f64 / self.loads as f64
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub days: u32,
    pub shipments: u64,
    pub reports: u64,
    /// Loads still waiting when the run ended.
    pub in_flight_at_end: u64,
    /// The most loads in flight at once (memory is bounded by this, not by the total).
    pub peak_in_flight: u64,
    pub by_corridor: BTreeMap<(String, Direction), Totals>,
}

/// What carries from day to day besides the gates' queues.
struct Day {
    summary: Summary,
    next_id: u64,
    /// Overrides applied so far by dated changes.
    applied: BTreeMap<String, toml::Value>,
    normal: Normal<f64>,
    /// Observers draw from their own stream, so what they notice never changes what happens.
    observer_rng: Pcg64Mcg,
}

/// A constrained element: a crossing's mode, or a sea route.
struct Gate {
    id: String,
    mode: Mode,
    /// The crossing, for land gates.
    crossing: Option<String>,
    capacity: u32,
    fee: f64,
    quarantine: f64,
    inspection: Inspection,
    visibility: f64,
    closed: Vec<Window>,
    /// Land: the non-DPRK side and the DPRK side. Sea: the non-DPRK port and the DPRK port.
    ends: [String; 2],
    /// Queues by direction (inbound, outbound).
    queue: [VecDeque<Load>; 2],
    /// What passed, by direction (the run's summary is made from these at the end).
    totals: [Totals; 2],
}

impl Gate {
    fn open(&self, d: Date) -> bool {
        !self.closed.iter().any(|w| w.from <= d && d <= w.to)
    }

    /// Shut, and shut long enough that shippers know.
    fn known_closed(&self, d: Date, lag: u32) -> bool {
        self.closed
            .iter()
            .any(|w| w.from <= d && d <= w.to && (d - w.from).num_days() >= i64::from(lag))
    }
}

/// A route a stream may take: through one gate.
struct Route {
    id: String,
    gate: usize,
    /// Transport, handling and fee: everything but time and risk.
    cost: f64,
    /// Days from the origin to the gate, and from the gate on.
    to_gate_days: f64,
    after_gate_days: f64,
    transshipped: bool,
    /// For a sea route: the road leg's end (the port the goods are trucked to).
    port: Option<String>,
}

/// A load in flight.
#[derive(Clone)]
struct Load {
    id: u64,
    stream: usize,
    goods: usize,
    class: Status,
    value: f64,
    weight: f64,
    route: usize,
    ready: u32,
    /// Days already spent waiting at a gate it left when choosing again.
    waited: u32,
    rerouted: bool,
}

/// A demand stream compiled.
struct Stream {
    direction: Direction,
    per_day: f64,
    goods: Vec<(HsCode, String)>,
    cumulative: Vec<f64>,
    value: (f64, f64),
    weight: (f64, f64),
    routes: Vec<Route>,
    origin: String,
    destination: String,
    /// Verdict class per goods entry, for today.
    classes: Vec<Status>,
}

fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    6371.0 * 2.0 * h.sqrt().asin()
}

/// Land routes wind; sea routes go round headlands.
const LAND_DETOUR: f64 = 1.3;
const SEA_DETOUR: f64 = 1.2;
/// A road leg to a port longer than this makes a sea route a transshipment.
const THIRD_PLACE_KM: f64 = 100.0;

struct World<'r> {
    reference: &'r Reference,
}

impl World<'_> {
    fn coord(&self, id: &str) -> (f64, f64) {
        let p = self.reference.gazetteer.place(id);
        p.and_then(|p| Some((p.lat?, p.lon?))).unwrap_or((0.0, 0.0))
    }
    fn km(&self, a: &str, b: &str, detour: f64) -> f64 {
        haversine_km(self.coord(a), self.coord(b)) * detour
    }
    fn name(&self, id: &str) -> String {
        self.reference
            .gazetteer
            .place(id)
            .and_then(|p| p.names.first().cloned())
            .unwrap_or_else(|| id.to_string())
    }
}

fn gates(sc: &Scenario, w: &World) -> Vec<Gate> {
    let mut out = Vec::new();
    for c in &sc.crossings {
        let Some(gc) = w.reference.gazetteer.crossing(&c.id) else {
            continue;
        };
        for (m, cfg) in &c.mode {
            let Ok(mode) = m.parse::<Mode>() else {
                continue;
            };
            out.push(Gate {
                id: format!("{m}:{}", c.id),
                mode,
                crossing: Some(c.id.clone()),
                capacity: (f64::from(cfg.capacity_per_day) * sc.scale).round() as u32,
                fee: c.fee_usd,
                quarantine: c.quarantine_days,
                inspection: c.inspection,
                visibility: c.visibility,
                closed: cfg.closed.clone(),
                ends: gc.sides.clone(),
                queue: [VecDeque::new(), VecDeque::new()],
                totals: Default::default(),
            });
        }
    }
    for s in &sc.sea {
        let id = if s.id.is_empty() {
            format!("{}>{}", s.from, s.to)
        } else {
            s.id.clone()
        };
        out.push(Gate {
            id: format!("sea:{id}"),
            mode: Mode::Sea,
            crossing: None,
            capacity: (f64::from(s.capacity_per_day) * sc.scale).round() as u32,
            fee: s.fee_usd,
            quarantine: 0.0,
            inspection: s.inspection,
            visibility: s.visibility,
            closed: s.closed.clone(),
            ends: [s.from.clone(), s.to.clone()],
            queue: [VecDeque::new(), VecDeque::new()],
            totals: Default::default(),
        });
    }
    out
}

fn rate(sc: &Scenario, m: Mode) -> (f64, f64) {
    let c = &sc.costs;
    match m {
        Mode::Rail => (c.rail_usd_per_km, c.rail_km_per_day),
        Mode::Sea => (c.sea_usd_per_km, c.sea_km_per_day),
        _ => (c.road_usd_per_km, c.road_km_per_day),
    }
}

/// The routes of a stream through every gate it can use.
fn routes(sc: &Scenario, w: &World, gates: &[Gate], d: &scenario::Demand) -> Vec<Route> {
    let mut out = Vec::new();
    // Inbound goes from the non-DPRK end to the DPRK end of a gate; outbound the other way.
    let (near, far) = match d.direction {
        Direction::Outbound => (1, 0),
        _ => (0, 1),
    };
    for (gi, g) in gates.iter().enumerate() {
        if g.mode == Mode::Sea {
            // Goods are trucked to a port of their own country (a Chinese load leaves from a
            // Chinese port).
            let country = |id: &str| {
                w.reference
                    .gazetteer
                    .place(id)
                    .map(|p| p.country.clone())
                    .unwrap_or_default()
            };
            if country(&d.origin) != country(&g.ends[near]) {
                continue;
            }
            let (road_rate, road_speed) = rate(sc, Mode::Road);
            let (sea_rate, sea_speed) = rate(sc, Mode::Sea);
            let to_port = w.km(&d.origin, &g.ends[near], LAND_DETOUR);
            let from_port = w.km(&g.ends[far], &d.destination, LAND_DETOUR);
            let sea = w.km(&g.ends[0], &g.ends[1], SEA_DETOUR);
            out.push(Route {
                id: g.id.clone(),
                gate: gi,
                cost: (to_port + from_port) * road_rate
                    + sea * sea_rate
                    + 2.0 * sc.costs.handling_usd
                    + g.fee,
                to_gate_days: to_port / road_speed + 1.0,
                after_gate_days: sea / sea_speed + 1.0 + from_port / road_speed,
                transshipped: to_port > THIRD_PLACE_KM,
                port: Some(g.ends[near].clone()),
            });
        } else if d.modes.contains(&g.mode) {
            let (r, speed) = rate(sc, g.mode);
            let a = w.km(&d.origin, &g.ends[near], LAND_DETOUR);
            let b = w.km(&g.ends[far], &d.destination, LAND_DETOUR);
            out.push(Route {
                id: g.id.clone(),
                gate: gi,
                cost: (a + b) * r + g.fee,
                to_gate_days: a / speed,
                after_gate_days: b / speed + g.quarantine,
                transshipped: false,
                port: None,
            });
        }
    }
    out
}

fn p_inspect(i: &Inspection, class: Status) -> f64 {
    match class {
        Status::Prohibited => i.prohibited,
        Status::Capped => i.capped,
        Status::Review => i.review,
        Status::Permitted => i.permitted,
    }
}

fn dir_index(d: Direction) -> usize {
    usize::from(d == Direction::Outbound)
}

/// The simulation, ready to run.
pub struct Sim<'r> {
    sc: Scenario,
    base: toml::Value,
    reference: &'r Reference,
    screener: Screener<'r>,
    gates: Vec<Gate>,
    streams: Vec<Stream>,
    rng: Pcg64Mcg,
}

impl<'r> Sim<'r> {
    /// `base` is the scenario as a TOML value (dated changes re-apply their overrides to it).
    pub fn new(sc: Scenario, base: toml::Value, reference: &'r Reference) -> Sim<'r> {
        let screener = Screener::new(&reference.rulebook, &reference.hs);
        let rng = Pcg64Mcg::seed_from_u64(sc.seed);
        let mut sim = Sim {
            sc,
            base,
            reference,
            screener,
            gates: Vec::new(),
            streams: Vec::new(),
            rng,
        };
        sim.compile();
        sim
    }

    /// (Re)builds gates and routes from the scenario, keeping the loads queued at gates that
    /// still exist.
    fn compile(&mut self) {
        let w = World {
            reference: self.reference,
        };
        let mut gates = gates(&self.sc, &w);
        let mut old: HashMap<String, Gate> =
            self.gates.drain(..).map(|g| (g.id.clone(), g)).collect();
        for g in &mut gates {
            if let Some(o) = old.remove(&g.id) {
                g.queue = o.queue;
                g.totals = o.totals;
            }
        }
        let streams = self
            .sc
            .demand
            .iter()
            .map(|d| {
                let total: f64 = d.goods.iter().map(|g| g.share).sum::<f64>().max(1e-9);
                let mut acc = 0.0;
                let cumulative = d
                    .goods
                    .iter()
                    .map(|g| {
                        acc += g.share / total;
                        acc
                    })
                    .collect();
                let goods = d
                    .goods
                    .iter()
                    .map(|g| {
                        // The words of a lexicon entry whose first code is this one.
                        let entries = self.reference.hs.phrases_for(g.hs.as_str());
                        let words = entries
                            .iter()
                            .find(|e| e.hs.first().map(String::as_str) == Some(g.hs.as_str()))
                            .or(entries.first())
                            .and_then(|e| e.phrases.first().cloned())
                            .unwrap_or_else(|| format!("HS {} goods", g.hs.as_str()));
                        (g.hs.clone(), words)
                    })
                    .collect::<Vec<_>>();
                Stream {
                    direction: d.direction,
                    per_day: d.per_day * self.sc.scale,
                    classes: vec![Status::Permitted; goods.len()],
                    goods,
                    cumulative,
                    value: (
                        d.value_usd.median.max(1.0).ln(),
                        d.value_usd.spread.max(0.0),
                    ),
                    weight: (d.weight_t.median.max(0.01).ln(), d.weight_t.spread.max(0.0)),
                    routes: routes(&self.sc, &w, &gates, d),
                    origin: d.origin.clone(),
                    destination: d.destination.clone(),
                }
            })
            .collect();
        self.gates = gates;
        // A stream's loads keep their route index: recompiling keeps the same routes in the same
        // order because gates and demand are the same lists (changes alter values, not lists).
        self.streams = streams;
    }

    /// Runs the scenario, streaming results to the sink.
    pub fn run(&mut self, sink: &mut dyn Sink) -> Result<Summary, String> {
        let mut day_state = Day {
            summary: Summary {
                days: self.sc.days,
                ..Summary::default()
            },
            next_id: 1,
            applied: BTreeMap::new(),
            normal: Normal::new(0.0, 1.0).map_err(|e| e.to_string())?,
            observer_rng: Pcg64Mcg::seed_from_u64(self.sc.seed ^ 0x5eed_0b5e),
        };
        for day in 0..self.sc.days {
            let date = self.sc.start + chrono::Days::new(u64::from(day));
            self.apply_changes(date, &mut day_state.applied)?;
            self.todays_verdicts(date);
            let open: Vec<bool> = self.gates.iter().map(|g| g.open(date)).collect();
            // What shippers believe: a fresh closure is not known yet.
            let lag = self.sc.costs.closure_known_after_days;
            let usable: Vec<bool> = self
                .gates
                .iter()
                .map(|g| !g.known_closed(date, lag))
                .collect();
            self.reroute(day, &usable);
            self.arrive(day, &usable, &mut day_state);
            let mut in_flight = 0u64;
            for (gi, is_open) in open.iter().enumerate() {
                in_flight += self.pass(gi, *is_open, day, date, sink, &mut day_state)?;
            }
            let s = &mut day_state.summary;
            s.peak_in_flight = s.peak_in_flight.max(in_flight);
            s.in_flight_at_end = in_flight;
        }
        let mut summary = day_state.summary;
        for g in &self.gates {
            for (t, direction) in g
                .totals
                .iter()
                .zip([Direction::Inbound, Direction::Outbound])
            {
                if t.loads > 0 || t.empty_vehicles > 0 {
                    summary
                        .by_corridor
                        .insert((g.id.clone(), direction), t.clone());
                }
            }
        }
        Ok(summary)
    }

    /// Dated changes: every override so far re-applied to the base scenario.
    fn apply_changes(
        &mut self,
        date: Date,
        applied: &mut BTreeMap<String, toml::Value>,
    ) -> Result<(), String> {
        let due: Vec<_> = self
            .sc
            .changes
            .iter()
            .filter(|c| c.date == date)
            .cloned()
            .collect();
        if due.is_empty() {
            return Ok(());
        }
        for c in due {
            applied.extend(c.set);
        }
        let sc =
            scenario::reload(&self.base, applied).map_err(|e| format!("change on {date}: {e}"))?;
        self.sc = Scenario {
            start: self.sc.start,
            days: self.sc.days,
            changes: self.sc.changes.clone(),
            ..sc
        };
        self.compile();
        Ok(())
    }

    /// Today's verdict for every goods entry of every stream.
    fn todays_verdicts(&mut self, date: Date) {
        for s in &mut self.streams {
            for (i, (hs, _)) in s.goods.iter().enumerate() {
                s.classes[i] = self
                    .screener
                    .screen(&Goods::code(hs.clone()), s.direction, date)
                    .status;
            }
        }
    }

    /// Loads waiting at a gate shippers know is shut may choose again among the open routes.
    fn reroute(&mut self, day: u32, usable: &[bool]) {
        let p = self.sc.costs.reroute_per_day;
        if p <= 0.0 {
            return;
        }
        for (gi, ok) in usable.iter().enumerate() {
            if *ok {
                continue;
            }
            for dir in 0..2 {
                let q = std::mem::take(&mut self.gates[gi].queue[dir]);
                for mut l in q {
                    if self.rng.random::<f64>() < p {
                        if let Some(r) = self.choose(&l, usable, true) {
                            let route = &self.streams[l.stream].routes[r];
                            l.waited += day.saturating_sub(l.ready);
                            l.route = r;
                            l.rerouted = true;
                            l.ready = day + route.to_gate_days.round() as u32;
                            let g = route.gate;
                            self.gates[g].queue[dir].push_back(l);
                            continue;
                        }
                    }
                    self.gates[gi].queue[dir].push_back(l);
                }
            }
        }
    }

    /// New demand: each stream's loads for the day, each choosing its route.
    fn arrive(&mut self, day: u32, usable: &[bool], st: &mut Day) {
        for si in 0..self.streams.len() {
            let lambda = self.streams[si].per_day;
            if lambda <= 0.0 {
                continue;
            }
            let n = Poisson::new(lambda)
                .map(|p| p.sample(&mut self.rng) as u64)
                .unwrap_or(0);
            for _ in 0..n {
                let s = &self.streams[si];
                let u: f64 = self.rng.random();
                let goods = s
                    .cumulative
                    .partition_point(|c| *c < u)
                    .min(s.goods.len() - 1);
                let value = (s.value.0 + s.value.1 * st.normal.sample(&mut self.rng)).exp();
                let weight = (s.weight.0 + s.weight.1 * st.normal.sample(&mut self.rng)).exp();
                let mut l = Load {
                    id: st.next_id,
                    stream: si,
                    goods,
                    class: s.classes[goods],
                    value,
                    weight,
                    route: 0,
                    ready: day,
                    waited: 0,
                    rerouted: false,
                };
                st.next_id += 1;
                let Some(r) = self.choose(&l, usable, false) else {
                    continue;
                };
                let route = &self.streams[si].routes[r];
                l.route = r;
                l.ready = day + route.to_gate_days.round() as u32;
                let g = route.gate;
                let dir = dir_index(self.streams[si].direction);
                self.gates[g].queue[dir].push_back(l);
            }
        }
    }

    /// One gate's day: pass what it can (when open), inspect, write the loads, the flows and
    /// the observer's report. Returns the loads left in flight at it.
    fn pass(
        &mut self,
        gi: usize,
        open: bool,
        day: u32,
        date: Date,
        sink: &mut dyn Sink,
        st: &mut Day,
    ) -> Result<u64, String> {
        let w = World {
            reference: self.reference,
        };
        let mut per_class: BTreeMap<(usize, Status), (u32, u32)> = BTreeMap::new();
        let mut seen = Seen::default();
        let mut crossed = [0u32; 2];
        for (dir, n) in crossed.iter_mut().enumerate() {
            if !open {
                break;
            }
            let cap = self.gates[gi].capacity;
            let mut keep = VecDeque::new();
            while let Some(l) = self.gates[gi].queue[dir].pop_front() {
                if *n >= cap || l.ready > day {
                    keep.push_back(l);
                    continue;
                }
                *n += 1;
                let g = &self.gates[gi];
                let inspected = self.rng.random::<f64>() < p_inspect(&g.inspection, l.class);
                let seized = inspected && l.class == Status::Prohibited;
                let e = per_class.entry((dir, l.class)).or_insert((0, 0));
                e.0 += 1;
                e.1 += u32::from(seized);
                let stream = &self.streams[l.stream];
                if st.observer_rng.random::<f64>() < g.visibility {
                    seen.loaded[dir] += 1;
                    // The kinds of goods seen, each once (a report names a few).
                    let words = &stream.goods[l.goods].1;
                    if !seen.goods.iter().any(|(d, x)| *d == dir && x == words) {
                        seen.goods.push((dir, words.clone()));
                    }
                    if seen.trucked_from.is_empty() && stream.routes[l.route].transshipped {
                        seen.trucked_from
                            .push((w.name(&stream.origin), words.clone()));
                    }
                }
                let stored = l.waited + day.saturating_sub(l.ready);
                emit(sink, g, stream, &l, date, inspected, seized, stored)?;
                let t = &mut self.gates[gi].totals[dir];
                t.loads += 1;
                t.prohibited += u64::from(l.class == Status::Prohibited);
                t.seized += u64::from(seized);
                t.stored_load_days += u64::from(stored);
                st.summary.shipments += 1;
            }
            self.gates[gi].queue[dir] = keep;
        }
        // Vehicles that brought loads go back; those without a load for the way back go back
        // empty, counted in the direction they travel.
        let empty = if self.gates[gi].mode == Mode::Sea {
            [0, 0]
        } else {
            [
                crossed[1].saturating_sub(crossed[0]),
                crossed[0].saturating_sub(crossed[1]),
            ]
        };
        for (t, e) in self.gates[gi].totals.iter_mut().zip(empty) {
            t.empty_vehicles += u64::from(e);
        }
        let g = &self.gates[gi];
        let mut in_flight = 0u64;
        for (dir, returning_empty) in empty.into_iter().enumerate() {
            let direction = [Direction::Inbound, Direction::Outbound][dir];
            // Loads that reached the gate and did not pass (those still on the road to it are
            // in flight, not waiting).
            let waiting = g.queue[dir].iter().filter(|l| l.ready <= day).count() as u32;
            seen.waiting[dir] = waiting;
            in_flight += g.queue[dir].len() as u64;
            if returning_empty > 0 {
                for _ in 0..returning_empty {
                    if st.observer_rng.random::<f64>() < g.visibility {
                        seen.empty[dir] += 1;
                    }
                }
            }
            // One row per class that moved; the permitted row (made when needed) also carries
            // the empty vehicles and the loads left waiting.
            let row = |class: Status, loads: u32, seized: u32| FlowOut {
                date,
                corridor: g.id.clone(),
                direction,
                mode: g.mode,
                class,
                loads,
                seized,
                empty_vehicles: 0,
                waiting: 0,
            };
            let mut rows: Vec<FlowOut> = per_class
                .iter()
                .filter(|((d2, _), _)| *d2 == dir)
                .map(|((_, class), (loads, seized))| row(*class, *loads, *seized))
                .collect();
            if returning_empty > 0 || waiting > 0 {
                if !rows.iter().any(|r| r.class == Status::Permitted) {
                    rows.push(row(Status::Permitted, 0, 0));
                }
                if let Some(r) = rows.iter_mut().find(|r| r.class == Status::Permitted) {
                    r.empty_vehicles = returning_empty;
                    r.waiting = waiting;
                }
            }
            for r in &rows {
                sink.flow(r)?;
            }
        }
        seen.open = open;
        seen.was_open = day == 0 || g.open(date - chrono::Days::new(1));
        if let Some(text) = observe::report(
            &self.sc.observers,
            &w.names(g),
            g.mode,
            g.visibility,
            date,
            &seen,
            &mut st.observer_rng,
        ) {
            let name = format!("{}-{}.txt", date, g.id.replace([':', '>'], "-"));
            sink.report(&name, &text)?;
            st.summary.reports += 1;
        }
        Ok(in_flight)
    }

    /// A route for a load by the logit over cost; `None` when the stream has no route (or, when
    /// choosing again, no open one).
    fn choose(&mut self, l: &Load, open: &[bool], only_open: bool) -> Option<usize> {
        let s = &self.streams[l.stream];
        let c = &self.sc.costs;
        let mut costs: Vec<(usize, f64)> = Vec::with_capacity(s.routes.len());
        for (ri, r) in s.routes.iter().enumerate() {
            let g = &self.gates[r.gate];
            if only_open && (!open[r.gate] || ri == l.route) {
                continue;
            }
            if !open[r.gate] && !only_open {
                // Shippers know a gate is shut: they only send loads there if nothing is open.
                continue;
            }
            let dir = dir_index(s.direction);
            let wait = g.queue[dir].len() as f64 / f64::from(g.capacity.max(1));
            let p = p_inspect(&g.inspection, l.class);
            let risk = match l.class {
                Status::Prohibited => p * l.value * c.loss_factor,
                Status::Capped | Status::Review => 0.5 * p * l.value * c.loss_factor,
                Status::Permitted => 0.0,
            };
            let days = r.to_gate_days + r.after_gate_days + g.quarantine + wait;
            costs.push((ri, r.cost + days * c.time_usd_per_day + risk));
        }
        if costs.is_empty() {
            if only_open {
                return None;
            }
            // Everything is shut: wait at the cheapest route.
            return s
                .routes
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.cost.total_cmp(&b.1.cost))
                .map(|(i, _)| i);
        }
        let min = costs.iter().map(|x| x.1).fold(f64::MAX, f64::min);
        let weights: Vec<f64> = costs
            .iter()
            .map(|(_, x)| (-(x - min) / c.choice_scale_usd).exp())
            .collect();
        let total: f64 = weights.iter().sum();
        let mut u = self.rng.random::<f64>() * total;
        for (i, wt) in weights.iter().enumerate() {
            u -= wt;
            if u <= 0.0 {
                return Some(costs[i].0);
            }
        }
        costs.last().map(|x| x.0)
    }
}

impl World<'_> {
    fn names(&self, g: &Gate) -> observe::GateNames {
        observe::GateNames {
            crossing: g
                .crossing
                .as_ref()
                .and_then(|c| self.reference.gazetteer.crossing(c))
                .and_then(|c| c.names.first().cloned()),
            strictness: g.inspection.prohibited,
            near: self.name(&g.ends[0]),
            far: self.name(&g.ends[1]),
        }
    }
}

/// Writes a crossed load: one record for a land crossing; for a sea route, the road leg to the
/// port and the sea leg.
#[allow(clippy::too_many_arguments)]
fn emit(
    sink: &mut dyn Sink,
    g: &Gate,
    s: &Stream,
    l: &Load,
    date: Date,
    inspected: bool,
    seized: bool,
    stored: u32,
) -> Result<(), String> {
    let route = &s.routes[l.route];
    let (hs, words) = &s.goods[l.goods];
    let mut out = ShipmentOut {
        shipment_id: format!("S{:09}", l.id),
        leg: 1,
        date,
        hs: hs.clone(),
        description: words.clone(),
        direction: s.direction,
        quantity_t: (l.weight * 10.0).round() / 10.0,
        value_usd: l.value.round(),
        origin: s.origin.clone(),
        destination: s.destination.clone(),
        crossing: g.crossing.clone(),
        mode: g.mode,
        route: route.id.clone(),
        class: l.class,
        inspected,
        seized,
        stored_days: stored,
        transshipped: route.transshipped,
        rerouted: l.rerouted,
    };
    if let Some(port) = &route.port {
        // The road leg to the port, dated by when it reached the port, then the sea leg.
        let far = if s.direction == Direction::Outbound {
            &g.ends[0]
        } else {
            &g.ends[1]
        };
        out.destination = port.clone();
        out.mode = Mode::Road;
        out.date = date - chrono::Days::new(u64::from(stored) + 1);
        out.inspected = false;
        out.seized = false;
        sink.shipment(&out)?;
        out.leg = 2;
        out.date = date;
        out.origin = port.clone();
        out.destination = far.clone();
        out.mode = Mode::Sea;
        out.inspected = inspected;
        out.seized = seized;
    }
    sink.shipment(&out)
}
