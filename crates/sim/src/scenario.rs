//! Scenario files: what the simulated border looks like — demand, crossings and their modes,
//! sea routes, costs, observers and dated changes. TOML; unknown fields are refused; every place,
//! crossing and HS code must be known to the reference packs. `--set PATH=VALUE` overrides reach
//! any field (`crossing.quanhe-wonjong.inspection.prohibited=0.8`): a segment after an array of
//! tables picks the entry whose `id` (or `name`) it is.

use std::collections::BTreeMap;

use borderwatch_model::{Date, Direction, HsCode, Mode};
use borderwatch_reference::Reference;
use serde::Deserialize;

/// A whole scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A line saying what the scenario is for.
    #[serde(default)]
    pub description: String,
    pub start: Date,
    pub days: u32,
    #[serde(default)]
    pub seed: u64,
    /// Multiplies every stream's loads and every gate's capacity (scale runs).
    #[serde(default = "one")]
    pub scale: f64,
    pub costs: Costs,
    #[serde(default)]
    pub observers: Observers,
    #[serde(rename = "demand")]
    pub demand: Vec<Demand>,
    #[serde(rename = "crossing", default)]
    pub crossings: Vec<CrossingCfg>,
    #[serde(rename = "sea", default)]
    pub sea: Vec<SeaRoute>,
    /// Overrides that take effect on a date ("inspections at Quanhe tighten on 1 July").
    #[serde(rename = "change", default)]
    pub changes: Vec<Change>,
    /// A fleet on the sea routes writing AIS (none unless given).
    #[serde(default)]
    pub ships: Option<crate::ships::Ships>,
}

/// What moving a load costs, and how shippers weigh it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    pub road_usd_per_km: f64,
    pub rail_usd_per_km: f64,
    pub sea_usd_per_km: f64,
    /// Each change of mode at a port.
    pub handling_usd: f64,
    /// What a day of delay costs a load.
    pub time_usd_per_day: f64,
    /// The logit's scale: cost differences of about this much shift choices noticeably.
    pub choice_scale_usd: f64,
    /// Expected loss of a load: inspection probability × its value × this, for prohibited goods;
    /// half of it for capped and review goods (delay, partial seizure).
    pub loss_factor: f64,
    /// Each day a load waits at a closed crossing, the chance its shipper chooses again among
    /// the open routes (a closure drives goods to the sea).
    pub reroute_per_day: f64,
    /// Days into a closure before shippers know of it: until then they keep sending loads,
    /// which wait at the border (loaded trains parked at the station).
    #[serde(default)]
    pub closure_known_after_days: u32,
    /// Land speeds and the sea's, km a day; a port adds a day.
    pub road_km_per_day: f64,
    pub rail_km_per_day: f64,
    pub sea_km_per_day: f64,
}

/// Who watches, and how often they write.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observers {
    /// Reports a week from each crossing whose visibility is above zero.
    pub reports_per_week: f64,
    /// The chance an observer notices (and names) a kind of goods among the loads seen.
    pub notice_goods: f64,
}

impl Default for Observers {
    fn default() -> Observers {
        Observers {
            reports_per_week: 0.0,
            notice_goods: 0.0,
        }
    }
}

/// A stream of shipments from an origin to a destination.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    pub name: String,
    /// A place id (the shipper's region).
    pub origin: String,
    /// A place id.
    pub destination: String,
    pub direction: Direction,
    /// Mean loads a day (Poisson).
    pub per_day: f64,
    /// The goods mix: HS codes with their shares (normalised). Whether a code is prohibited is
    /// the rulebook's answer, not the scenario's.
    pub goods: Vec<GoodsShare>,
    /// Value of a load in USD: lognormal with this median and spread (σ of the log).
    pub value_usd: LogNormal,
    /// Weight of a load in tonnes.
    pub weight_t: LogNormal,
    /// Modes this stream may use on land (default road and rail).
    #[serde(default = "land_modes")]
    pub modes: Vec<Mode>,
}

fn one() -> f64 {
    1.0
}

fn land_modes() -> Vec<Mode> {
    vec![Mode::Road, Mode::Rail]
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodsShare {
    pub hs: HsCode,
    pub share: f64,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogNormal {
    pub median: f64,
    pub spread: f64,
}

/// Inspection probability by verdict class.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    pub prohibited: f64,
    pub capped: f64,
    pub review: f64,
    pub permitted: f64,
}

/// A crossing as the scenario runs it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrossingCfg {
    /// A crossing id from the gazetteer.
    pub id: String,
    pub inspection: Inspection,
    pub fee_usd: f64,
    #[serde(default)]
    pub quarantine_days: f64,
    /// The chance an observer at the crossing sees a given load (0: nobody watches).
    #[serde(default)]
    pub visibility: f64,
    /// Per mode (`road`, `rail`): capacity and closures. Modes not listed are not run.
    pub mode: BTreeMap<String, ModeCfg>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModeCfg {
    /// Loads a day in each direction.
    pub capacity_per_day: u32,
    #[serde(default)]
    pub closed: Vec<Window>,
}

/// Days a crossing, mode or route is shut (both ends included).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub from: Date,
    pub to: Date,
}

/// A sea route between two ports.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeaRoute {
    /// `{from}>{to}` unless given.
    #[serde(default)]
    pub id: String,
    /// Port place ids: the non-DPRK port, then the DPRK port.
    pub from: String,
    pub to: String,
    pub capacity_per_day: u32,
    pub fee_usd: f64,
    pub inspection: Inspection,
    #[serde(default)]
    pub visibility: f64,
    #[serde(default)]
    pub closed: Vec<Window>,
}

/// Overrides that apply from a date on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub date: Date,
    /// `PATH = VALUE`, as `--set` takes them.
    pub set: BTreeMap<String, toml::Value>,
}

/// The scenario the project ships: `data/sim/default.toml`.
pub const DEFAULT: &str = include_str!("../../../data/sim/default.toml");

/// The scenarios the project ships, by name (`--scenario default`).
pub const BUILT_IN: &[(&str, &str)] = &[
    ("default", DEFAULT),
    (
        "tighten-quanhe",
        include_str!("../../../data/sim/tighten-quanhe.toml"),
    ),
    ("sea", include_str!("../../../data/sim/sea.toml")),
];

/// Parses a scenario, applies `--set` overrides (`PATH=VALUE`) and checks it against the packs.
/// Returns it with the TOML value it came from (dated changes re-apply overrides to that).
/// Errors name the file, the field or the value.
pub fn load(
    name: &str,
    text: &str,
    sets: &[String],
    reference: &Reference,
) -> Result<(Scenario, toml::Value), String> {
    let mut value = value_of(name, text)?;
    for s in sets {
        let (path, raw) = s
            .split_once('=')
            .ok_or_else(|| format!("--set {s:?}: expected PATH=VALUE"))?;
        set(&mut value, path.trim(), parse_value(raw.trim()))
            .map_err(|e| format!("--set {s:?}: {e}"))?;
    }
    let sc: Scenario = value
        .clone()
        .try_into()
        .map_err(|e: toml::de::Error| format!("{name}: {}", e.to_string().trim()))?;
    let problems = validate(&sc, reference);
    if problems.is_empty() {
        Ok((sc, value))
    } else {
        Err(format!("{name}: {}", problems.join("; ")))
    }
}

/// The scenario file as a TOML value, on top of the default scenario when it says
/// `base = "default"` (a what-if file then holds only what it changes).
pub fn value_of(name: &str, text: &str) -> Result<toml::Value, String> {
    let mut value: toml::Value =
        toml::from_str(text).map_err(|e| format!("{name}: {}", e.to_string().trim()))?;
    let base = match value.as_table_mut().and_then(|t| t.remove("base")) {
        None => return Ok(value),
        Some(b) => b,
    };
    if base.as_str() != Some("default") {
        return Err(format!(
            "{name}: base = {base}: the only base is \"default\""
        ));
    }
    let mut merged: toml::Value =
        toml::from_str(DEFAULT).map_err(|e| format!("default scenario: {e}"))?;
    merge(&mut merged, value);
    Ok(merged)
}

/// Lays `over` onto `base`: tables field by field, arrays of tables entry by entry (matched by
/// `id` or `name`, new entries appended), anything else replaced.
fn merge(base: &mut toml::Value, over: toml::Value) {
    let key = |v: &toml::Value| {
        v.get("id")
            .or_else(|| v.get("name"))
            .and_then(|x| x.as_str())
            .map(str::to_string)
    };
    match (base, over) {
        (toml::Value::Table(a), toml::Value::Table(b)) => {
            for (k, vb) in b {
                match a.get_mut(&k) {
                    Some(va) => merge(va, vb),
                    None => {
                        a.insert(k, vb);
                    }
                }
            }
        }
        (toml::Value::Array(a), toml::Value::Array(b))
            if b.iter().all(|x| key(x).is_some()) && a.iter().all(|x| key(x).is_some()) =>
        {
            for vb in b {
                match a.iter_mut().find(|va| key(va) == key(&vb)) {
                    Some(va) => merge(va, vb),
                    None => a.push(vb),
                }
            }
        }
        (a, b) => *a = b,
    }
}

/// The scenario as a TOML value again (changes re-apply overrides to it).
pub fn reload(
    base: &toml::Value,
    sets: &BTreeMap<String, toml::Value>,
) -> Result<Scenario, String> {
    let mut v = base.clone();
    for (path, val) in sets {
        set(&mut v, path, val.clone())?;
    }
    v.try_into().map_err(|e: toml::de::Error| e.to_string())
}

/// A `--set` value: a number, a boolean, else a TOML value, else a string.
fn parse_value(raw: &str) -> toml::Value {
    if let Ok(i) = raw.parse::<i64>() {
        return toml::Value::Integer(i);
    }
    if let Ok(f) = raw.parse::<f64>() {
        return toml::Value::Float(f);
    }
    if let Ok(b) = raw.parse::<bool>() {
        return toml::Value::Boolean(b);
    }
    toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_string()))
}

/// Sets the field at a dotted path. An array of tables is entered by an entry's `id` or `name`.
pub fn set(root: &mut toml::Value, path: &str, v: toml::Value) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    let mut cur = root;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        cur = match cur {
            toml::Value::Table(t) => {
                if last {
                    // A new field is inserted; the typed load refuses it unless the scenario's
                    // types have it. Integers given where a float is written keep the float type.
                    let v = match (t.get(*part), v) {
                        (Some(toml::Value::Float(_)), toml::Value::Integer(n)) => {
                            toml::Value::Float(n as f64)
                        }
                        (_, v) => v,
                    };
                    t.insert(part.to_string(), v);
                    return Ok(());
                }
                t.get_mut(*part)
                    .ok_or_else(|| format!("no field {part:?} in {}", parts[..i].join(".")))?
            }
            toml::Value::Array(items) => {
                let found = items.iter_mut().find(|it| {
                    it.get("id").and_then(|x| x.as_str()) == Some(*part)
                        || it.get("name").and_then(|x| x.as_str()) == Some(*part)
                });
                let found = found
                    .ok_or_else(|| format!("no entry {part:?} in {}", parts[..i].join(".")))?;
                if last {
                    return Err(format!("{path}: names a whole entry, not a field"));
                }
                found
            }
            _ => return Err(format!("{}: not a table", parts[..i].join("."))),
        };
    }
    Err(format!("{path}: empty path"))
}

/// Every problem with a scenario against the packs.
pub fn validate(sc: &Scenario, r: &Reference) -> Vec<String> {
    let g = &r.gazetteer;
    let mut out = Vec::new();
    let prob = |what: String, p: f64, out: &mut Vec<String>| {
        if !(0.0..=1.0).contains(&p) {
            out.push(format!("{what} = {p}: a probability is between 0 and 1"));
        }
    };
    let insp = |what: &str, i: &Inspection, out: &mut Vec<String>| {
        for (k, p) in [
            ("prohibited", i.prohibited),
            ("capped", i.capped),
            ("review", i.review),
            ("permitted", i.permitted),
        ] {
            prob(format!("{what}.inspection.{k}"), p, out);
        }
    };
    if sc.days == 0 {
        out.push("days = 0: nothing to simulate".into());
    }
    // The last day is known before the first is run: every date the run writes has a
    // four-digit year, and no day's date can overflow the calendar.
    if !borderwatch_model::in_calendar(sc.start) {
        out.push(format!(
            "start = {}: the year must have four digits",
            sc.start
        ));
    } else if sc.days > 0 {
        let end = sc
            .start
            .checked_add_days(chrono::Days::new(u64::from(sc.days) - 1))
            .filter(|d| borderwatch_model::in_calendar(*d));
        if end.is_none() {
            out.push(format!(
                "start = {}, days = {}: the run would end after {}",
                sc.start,
                sc.days,
                borderwatch_model::LAST_DATE
            ));
        }
    }
    for c in &sc.changes {
        if !borderwatch_model::in_calendar(c.date) {
            out.push(format!(
                "change date = {}: the year must have four digits",
                c.date
            ));
        }
    }
    if sc.costs.choice_scale_usd <= 0.0 {
        out.push("costs.choice_scale_usd must be above 0".into());
    }
    for (k, v) in [
        ("road_km_per_day", sc.costs.road_km_per_day),
        ("rail_km_per_day", sc.costs.rail_km_per_day),
        ("sea_km_per_day", sc.costs.sea_km_per_day),
    ] {
        if v <= 0.0 {
            out.push(format!("costs.{k} must be above 0"));
        }
    }
    prob(
        "costs.reroute_per_day".into(),
        sc.costs.reroute_per_day,
        &mut out,
    );
    prob(
        "observers.notice_goods".into(),
        sc.observers.notice_goods,
        &mut out,
    );
    for d in &sc.demand {
        for p in [&d.origin, &d.destination] {
            match g.place(p) {
                None => out.push(format!("demand {:?}: unknown place {p:?}", d.name)),
                Some(pl) if pl.lat.is_none() => out.push(format!(
                    "demand {:?}: place {p:?} has no coordinates",
                    d.name
                )),
                _ => {}
            }
        }
        if d.direction == Direction::Unknown {
            out.push(format!(
                "demand {:?}: direction must be inbound or outbound",
                d.name
            ));
        }
        if d.goods.is_empty() || d.goods.iter().any(|x| x.share < 0.0) {
            out.push(format!(
                "demand {:?}: goods needs shares of 0 or more",
                d.name
            ));
        }
        for x in &d.goods {
            if !r.hs.is_known(x.hs.as_str()) {
                out.push(format!(
                    "demand {:?}: hs {} is not in the HS pack",
                    d.name,
                    x.hs.as_str()
                ));
            }
        }
        if d.per_day < 0.0 {
            out.push(format!("demand {:?}: per_day below 0", d.name));
        }
    }
    for c in &sc.crossings {
        let Some(gc) = g.crossing(&c.id) else {
            out.push(format!("crossing {:?}: not in the gazetteer", c.id));
            continue;
        };
        insp(&format!("crossing.{}", c.id), &c.inspection, &mut out);
        prob(
            format!("crossing.{}.visibility", c.id),
            c.visibility,
            &mut out,
        );
        for m in c.mode.keys() {
            if !gc.modes.iter().any(|x| x.as_str() == m) {
                out.push(format!(
                    "crossing {:?}: mode {m:?} is not one of its modes ({})",
                    c.id,
                    gc.modes
                        .iter()
                        .map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    for s in &sc.sea {
        for p in [&s.from, &s.to] {
            if g.place(p).is_none_or(|pl| pl.lat.is_none()) {
                out.push(format!("sea route {}>{}: unknown port {p:?}", s.from, s.to));
            }
        }
        insp(&format!("sea.{}>{}", s.from, s.to), &s.inspection, &mut out);
    }
    out
}
