//! The default scenario reproduces the qualitative picture of the field reports — asserted as
//! emergent properties of the run, not as fixed numbers — and the what-ifs move trade the way
//! a crackdown would.

use std::collections::BTreeMap;

use borderwatch_model::{Date, Direction, Status};
use borderwatch_reference::Reference;
use borderwatch_sim::{scenario, FlowOut, ShipmentOut, Sink, Summary};

/// Keeps the daily flows and the reports; counts shipments.
#[derive(Default)]
struct Kept {
    flows: Vec<FlowOut>,
    reports: BTreeMap<String, String>,
    shipments: Vec<ShipmentOut>,
    keep_shipments: bool,
}

impl Sink for Kept {
    fn shipment(&mut self, s: &ShipmentOut) -> Result<(), String> {
        if self.keep_shipments {
            self.shipments.push(s.clone());
        }
        Ok(())
    }
    fn flow(&mut self, f: &FlowOut) -> Result<(), String> {
        self.flows.push(f.clone());
        Ok(())
    }
    fn report(&mut self, name: &str, text: &str) -> Result<(), String> {
        self.reports.insert(name.to_string(), text.to_string());
        Ok(())
    }
}

fn reference() -> Reference {
    Reference::load(None).unwrap()
}

fn run(name: &str, sets: &[&str], days: u32, keep: bool) -> (Summary, Kept) {
    let r = reference();
    let text = scenario::BUILT_IN
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap()
        .1;
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let mut k = Kept {
        keep_shipments: keep,
        ..Kept::default()
    };
    let s = borderwatch_sim::run(name, text, &sets, Some(days), None, &r, &mut k).unwrap();
    (s, k)
}

fn date(s: &str) -> Date {
    borderwatch_model::parse_date(s).unwrap()
}

/// Prohibited share of inbound loads through a crossing (every mode).
fn share(s: &Summary, crossing: &str) -> f64 {
    let (mut loads, mut prohibited) = (0, 0);
    for ((id, dir), t) in &s.by_corridor {
        if *dir == Direction::Inbound && id.ends_with(&format!(":{crossing}")) {
            loads += t.loads;
            prohibited += t.prohibited;
        }
    }
    assert!(loads > 0, "no loads through {crossing}");
    prohibited as f64 / loads as f64
}

#[test]
fn prohibited_goods_concentrate_on_the_loose_crossings() {
    let (s, _) = run("default", &[], 120, false);
    let strict = share(&s, "dandong-sinuiju");
    for loose in ["quanhe-wonjong", "changbai-hyesan"] {
        let l = share(&s, loose);
        assert!(
            l > 2.0 * strict,
            "{loose} carries {l:.3} prohibited, Dandong–Sinuiju {strict:.3}"
        );
    }
    // Seizures follow inspection: Dandong catches a larger part of what it sees.
    let caught = |c: &str| {
        let t = &s.by_corridor[&(format!("road:{c}"), Direction::Inbound)];
        t.seized as f64 / t.prohibited.max(1) as f64
    };
    assert!(caught("dandong-sinuiju") > caught("quanhe-wonjong"));
}

#[test]
fn trucks_go_in_loaded_and_come_back_empty_at_dandong() {
    let (s, k) = run("default", &[], 60, false);
    let inbound = &s.by_corridor[&("road:dandong-sinuiju".to_string(), Direction::Inbound)];
    let outbound = &s.by_corridor[&("road:dandong-sinuiju".to_string(), Direction::Outbound)];
    // Most vehicles that brought loads in go back with nothing.
    assert!(
        outbound.empty_vehicles as f64 > 0.7 * inbound.loads as f64,
        "{} empty of {} loads in",
        outbound.empty_vehicles,
        inbound.loads
    );
    assert!(outbound.loads < inbound.loads / 5);
    // The observers say so in words.
    assert!(k
        .reports
        .iter()
        .any(|(n, t)| n.contains("road-dandong") && t.contains("came back to China empty")));
}

#[test]
fn a_rail_closure_parks_loads_and_sends_trade_to_the_sea() {
    let (_, k) = run("default", &[], 140, false);
    let (closed_from, closed_to) = (date("2023-04-01"), date("2023-05-15"));
    // Storage: loads wait at the shut rail crossing.
    let waiting: u32 = k
        .flows
        .iter()
        .filter(|f| {
            f.corridor == "rail:dandong-sinuiju" && f.date >= closed_from && f.date <= closed_to
        })
        .map(|f| f.waiting)
        .max()
        .unwrap_or(0);
    assert!(
        waiting > 20,
        "at most {waiting} loads waited at Dandong rail"
    );
    // No rail traffic while shut.
    assert!(!k.flows.iter().any(|f| f.corridor == "rail:dandong-sinuiju"
        && f.date > closed_from
        && f.date < closed_to
        && f.loads > 0));
    // The sea takes more a day during the closure than before it.
    let sea_per_day = |from: Date, to: Date| {
        let n: u32 = k
            .flows
            .iter()
            .filter(|f| f.corridor.starts_with("sea:") && f.direction == Direction::Inbound)
            .filter(|f| f.date >= from && f.date <= to)
            .map(|f| f.loads)
            .sum();
        f64::from(n) / ((to - from).num_days() + 1) as f64
    };
    let before = sea_per_day(date("2023-01-15"), date("2023-03-31"));
    let during = sea_per_day(date("2023-04-15"), closed_to);
    assert!(
        during > 1.15 * before,
        "sea loads a day: {before:.1} before, {during:.1} during"
    );
    // The observers report the closure, the parked wagons and the resumption.
    let all: String = k.reports.values().cloned().collect();
    assert!(all.contains("rail crossing was closed on 1 April 2023"));
    assert!(all.contains("parked at Dandong"));
    assert!(all.contains("Rail traffic resumed at the Dandong–Sinuiju crossing on 16 May 2023"));
}

#[test]
fn tightening_quanhe_displaces_prohibited_trade() {
    let days = 365;
    let (a, _) = run("default", &[], days, false);
    let (b, _) = run("tighten-quanhe", &[], days, false);
    let prohibited = |s: &Summary, c: &str| -> u64 {
        s.by_corridor
            .iter()
            .filter(|((id, d), _)| *d == Direction::Inbound && id.ends_with(c))
            .map(|(_, t)| t.prohibited)
            .sum()
    };
    let (qa, qb) = (
        prohibited(&a, "quanhe-wonjong"),
        prohibited(&b, "quanhe-wonjong"),
    );
    assert!(qb < qa * 8 / 10, "Quanhe prohibited loads {qa} → {qb}");
    // Where it went: another loose or distant route took more.
    let elsewhere = |s: &Summary| -> u64 {
        s.by_corridor
            .iter()
            .filter(|((id, d), _)| *d == Direction::Inbound && !id.ends_with("quanhe-wonjong"))
            .map(|(_, t)| t.prohibited)
            .sum()
    };
    assert!(
        elsewhere(&b) > elsewhere(&a),
        "prohibited trade moved elsewhere"
    );
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let (a, ka) = run("default", &[], 30, true);
    let (b, kb) = run("default", &[], 30, true);
    assert_eq!(a.shipments, b.shipments);
    assert_eq!(ka.shipments.len(), kb.shipments.len());
    assert!(ka
        .shipments
        .iter()
        .zip(&kb.shipments)
        .all(|(x, y)| x.shipment_id == y.shipment_id
            && x.route == y.route
            && x.value_usd == y.value_usd));
    assert_eq!(ka.reports, kb.reports);
    let (c, _) = run("default", &["seed=99"], 30, false);
    assert_ne!(a.shipments, c.shipments);
}

#[test]
fn truth_labels_follow_the_rulebook_and_the_route() {
    let (_, k) = run("default", &[], 40, true);
    let r = reference();
    let screener = borderwatch_screen::Screener::new(&r.rulebook, &r.hs);
    for s in k.shipments.iter().step_by(97) {
        let v = screener.screen(
            &borderwatch_screen::Goods::code(s.hs.clone()),
            s.direction,
            s.date,
        );
        // The class is the rulebook's verdict (set when the load set off; no measure changes
        // during 2023, so it is the verdict on the day it crossed too).
        assert_eq!(v.status, s.class, "{s:?}");
        if s.seized {
            assert_eq!(s.class, Status::Prohibited);
            assert!(s.inspected);
        }
        if s.route.starts_with("sea:") {
            assert!(
                s.leg == 1 && s.mode.as_str() == "road" || s.leg == 2 && s.mode.as_str() == "sea"
            );
        } else {
            assert!(s.crossing.is_some());
        }
    }
    // Sea loads come as two legs joined by the port: road to it, sea from it.
    let legs: BTreeMap<&str, Vec<&ShipmentOut>> =
        k.shipments.iter().fold(BTreeMap::new(), |mut m, s| {
            m.entry(s.shipment_id.as_str()).or_default().push(s);
            m
        });
    let two = legs.values().find(|v| v.len() == 2).expect("a sea load");
    assert_eq!(two[0].destination, two[1].origin);
    assert!(two[0].date <= two[1].date);
}

#[test]
fn bad_scenarios_are_refused_with_the_field_named() {
    let r = reference();
    let text = scenario::DEFAULT;
    let e = scenario::load("x.toml", &format!("{text}\ncolour = \"red\"\n"), &[], &r).unwrap_err();
    assert!(e.contains("x.toml") && e.contains("colour"), "{e}");
    let e = scenario::load("x.toml", text, &["crossing.nowhere.fee_usd=1".into()], &r).unwrap_err();
    assert!(e.contains("nowhere"), "{e}");
    let e = scenario::load(
        "x.toml",
        text,
        &["crossing.quanhe-wonjong.inspection.prohibited=1.5".into()],
        &r,
    )
    .unwrap_err();
    assert!(
        e.contains("quanhe-wonjong.inspection.prohibited") && e.contains("1.5"),
        "{e}"
    );
    let bad = text.replace("cn.shenyang", "cn.atlantis");
    let e = scenario::load("x.toml", &bad, &[], &r).unwrap_err();
    assert!(e.contains("cn.atlantis"), "{e}");
    let bad = text.replace("id = \"quanhe-wonjong\"", "id = \"quanhe-nowhere\"");
    let e = scenario::load("x.toml", &bad, &[], &r).unwrap_err();
    assert!(e.contains("quanhe-nowhere"), "{e}");
    // An override that names a real field takes effect.
    let (sc, _) = scenario::load(
        "x.toml",
        text,
        &["crossing.quanhe-wonjong.inspection.prohibited=0.8".into()],
        &r,
    )
    .unwrap();
    let q = sc
        .crossings
        .iter()
        .find(|c| c.id == "quanhe-wonjong")
        .unwrap();
    assert_eq!(q.inspection.prohibited, 0.8);
}

#[test]
fn a_run_must_end_inside_the_four_digit_calendar() {
    let r = reference();
    let text = scenario::DEFAULT;
    let load = |sets: &[&str]| {
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        scenario::load("x.toml", text, &sets, &r).map(|_| ())
    };
    let e = load(&["start=+262142-12-31", "days=2"]).unwrap_err();
    assert!(
        e.contains("+262142-12-31") && e.contains("four digits"),
        "{e}"
    );
    let e = load(&["days=4000000000"]).unwrap_err();
    assert!(
        e.contains("days = 4000000000") && e.contains("9999-12-31"),
        "{e}"
    );
    assert!(load(&["start=9999-12-01", "days=31"]).is_ok());
    let e = load(&["start=9999-12-01", "days=32"]).unwrap_err();
    assert!(e.contains("days = 32"), "{e}");
}

#[test]
fn memory_follows_the_loads_in_flight() {
    // Four times the traffic: the peak in flight grows with the traffic per day, not with the
    // length of the run.
    let (short, _) = run("default", &[], 30, false);
    let (long, _) = run("default", &[], 90, false);
    assert!(long.shipments > 2 * short.shipments);
    assert!(long.peak_in_flight < 3 * short.peak_in_flight.max(100));
}
