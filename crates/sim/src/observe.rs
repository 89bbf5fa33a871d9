//! Observer reports: what a person at a visible crossing or port would see on a day — loaded and
//! empty vehicles counted, some goods noticed and named — written as short plain-text field
//! reports that `extract` reads. A closure and a resumption are always reported; an ordinary day
//! only now and then (`observers.reports_per_week`).

use borderwatch_model::{Date, Mode};
use rand::Rng;
use rand_pcg::Pcg64Mcg;

use crate::scenario::Observers;

/// The names an observer uses.
pub struct GateNames {
    pub crossing: Option<String>,
    /// The inspection probability for prohibited goods: what traders say about the checks.
    pub strictness: f64,
    /// The non-DPRK side (or port), then the DPRK side (or port).
    pub near: String,
    pub far: String,
}

/// What was seen at a gate on a day: by direction (0 inbound, 1 outbound).
#[derive(Default)]
pub struct Seen {
    pub loaded: [u32; 2],
    pub empty: [u32; 2],
    /// Goods on loads seen, by direction.
    pub goods: Vec<(usize, String)>,
    pub waiting: [u32; 2],
    pub open: bool,
    pub was_open: bool,
    /// Sea gates: where loads seen were trucked from (a third place) and their goods.
    pub trucked_from: Vec<(String, String)>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn day(d: Date) -> String {
    use chrono::Datelike;
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

fn month(d: Date) -> String {
    use chrono::Datelike;
    format!("{} {}", MONTHS[d.month0() as usize], d.year())
}

fn list(items: &[String]) -> String {
    match items {
        [] => "goods".into(),
        [a] => a.clone(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}

/// Goods an observer noticed going one way: each kind seen is named with the notice
/// probability, at most four.
fn noticed(seen: &Seen, dir: usize, p: f64, rng: &mut Pcg64Mcg) -> Vec<String> {
    let mut kinds: Vec<&String> = Vec::new();
    for (d, g) in &seen.goods {
        if *d == dir && !kinds.contains(&g) {
            kinds.push(g);
        }
    }
    kinds
        .into_iter()
        .filter(|_| rng.random::<f64>() < p)
        .take(4)
        .cloned()
        .collect()
}

/// The report for a gate and a day, if the observer writes one.
pub fn report(
    obs: &Observers,
    names: &GateNames,
    mode: Mode,
    visibility: f64,
    date: Date,
    seen: &Seen,
    rng: &mut Pcg64Mcg,
) -> Option<String> {
    if visibility <= 0.0 || obs.reports_per_week <= 0.0 {
        return None;
    }
    let (near, far) = (&names.near, &names.far);
    let what = names
        .crossing
        .clone()
        .unwrap_or_else(|| format!("{near}–{far}"));
    let (vehicles, parked) = match mode {
        Mode::Rail => ("freight wagons", "parked at"),
        Mode::Sea => ("cargo ships", "waiting at"),
        _ => ("cargo trucks", "held in warehouses at"),
    };
    let mode_word = match mode {
        Mode::Rail => "rail",
        Mode::Sea => "shipping",
        _ => "road",
    };
    let home = if near.contains("Khasan") || near.contains("Vladivostok") {
        "Russia"
    } else {
        "China"
    };
    let mut lines: Vec<String> = Vec::new();
    if seen.was_open && !seen.open {
        lines.push(format!(
            "The {what} {mode_word} crossing was closed on {}, traders in {near} said.",
            day(date)
        ));
    } else if !seen.was_open && seen.open {
        lines.push(format!(
            "{} traffic resumed at the {what} crossing on {}, according to a source in {near}.",
            capital(mode_word),
            day(date)
        ));
    } else if rng.random::<f64>() >= obs.reports_per_week / 7.0 {
        return None;
    }
    if seen.open && seen.waiting[0] >= 20 {
        // A queue longer than a day's crossings: loads stored at the border.
        lines.push(format!(
            "About {} loaded {vehicles} bound for North Korea have been {parked} {near} for days, waiting to cross.",
            seen.waiting[0]
        ));
    }
    if !seen.open && seen.waiting[0] > 0 {
        lines.push(format!(
            "About {} loaded {vehicles} bound for North Korea have been {parked} {near} since the crossing closed.",
            seen.waiting[0]
        ));
    }
    if mode == Mode::Sea && !seen.trucked_from.is_empty() {
        // Goods trucked from a third place to the port and shipped on.
        let (from, goods) = &seen.trucked_from[0];
        lines.push(format!(
            "In {}, cargo trucks carried {goods} from {from} to {near}, a logistics agent in {near} said. On {}, {} cargo ships carried the {goods} from {near} to {far}, the agent said.",
            month(date),
            day(date),
            seen.loaded[0].max(1)
        ));
        return Some(format!(
            "Published: {date}\n\nGoods shipped on from {near}\n\n{}\n",
            lines.join(" ")
        ));
    }
    if seen.loaded[0] > 0 && mode != Mode::Sea {
        let goods = noticed(seen, 0, obs.notice_goods, rng);
        lines.push(format!(
            "On {}, {} loaded with {} crossed from {near} into {far}, a trader in {near} said.",
            day(date),
            count(seen.loaded[0], vehicles),
            list(&goods)
        ));
    }
    // What traders say about the checks, now and then.
    if mode != Mode::Sea && !lines.is_empty() && rng.random::<f64>() < 0.3 {
        if names.strictness >= 0.5 {
            lines.push(format!(
                "Customs officers at {what} strictly inspect every load, traders say."
            ));
        } else if names.strictness <= 0.1 {
            lines.push(format!(
                "Inspections at the {what} crossing are loose, the trader added."
            ));
        }
    }
    if seen.empty[1] > 0 {
        lines.push(format!(
            "{} came back to {home} empty.",
            count(seen.empty[1], vehicles)
        ));
    }
    if seen.loaded[1] > 0 {
        let goods = noticed(seen, 1, obs.notice_goods, rng);
        lines.push(format!(
            "{} carrying {} crossed from {far} into {near} on {}.",
            count(seen.loaded[1], vehicles),
            list(&goods),
            day(date)
        ));
    }
    if seen.empty[0] > 0 {
        lines.push(format!(
            "{} went from {near} into {far} empty to pick up loads.",
            count(seen.empty[0], vehicles)
        ));
    }
    if lines.is_empty() {
        return None;
    }
    Some(format!(
        "Published: {date}\n\nTraffic at {what}\n\n{}\n",
        lines.join(" ")
    ))
}

/// "1 cargo truck", "3 cargo trucks".
fn count(n: u32, plural: &str) -> String {
    if n == 1 {
        format!("1 {}", plural.strip_suffix('s').unwrap_or(plural))
    } else {
        format!("{n} {plural}")
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
