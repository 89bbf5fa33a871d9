//! Screening tests: a `check(input, expect)` table (cases.txt), a sweep of every measure in both
//! directions at dates before, during and after it, value thresholds, and a golden file of full
//! verdict texts (golden.txt; `BLESS=1` rewrites it).

use borderwatch_model::{parse_date, Date, Direction, HsCode, Status};
use borderwatch_reference::rulebook::MeasureKind;
use borderwatch_reference::Reference;
use borderwatch_screen::{Goods, Screener, Verdict};

fn reference() -> Reference {
    Reference::embedded().expect("embedded packs load")
}

fn dir(s: &str) -> Direction {
    match s {
        "in" => Direction::Inbound,
        "out" => Direction::Outbound,
        _ => panic!("direction {s}"),
    }
}

fn run(s: &Screener, goods: &str, d: Direction, date: Date) -> Verdict {
    if let Some(words) = goods.strip_prefix('"').and_then(|g| g.strip_suffix('"')) {
        let vs = s.screen_text(words, d, date);
        assert!(!vs.is_empty(), "the lexicon knows none of {words:?}");
        vs.into_iter().next().unwrap()
    } else {
        s.screen(&Goods::code(HsCode::parse(goods).unwrap()), d, date)
    }
}

#[test]
fn case_table() {
    let r = reference();
    let s = Screener::new(&r.rulebook, &r.hs);
    let mut failures = Vec::new();
    let mut n = 0;
    for (i, line) in include_str!("cases.txt").lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (input, expect) = line.split_once("=>").expect("case needs =>");
        // goods may be quoted words with spaces: split from the right.
        let mut parts: Vec<&str> = input.trim().rsplitn(3, ' ').collect();
        parts.reverse();
        let (goods, d, date) = (parts[0], dir(parts[1]), parse_date(parts[2]).unwrap());
        let mut want = expect.split_whitespace();
        let status: Status = want.next().unwrap().parse().unwrap();
        let v = run(&s, goods, d, date);
        n += 1;
        let cited: Vec<&str> = v.measures.iter().map(|c| c.id.as_str()).collect();
        let missing: Vec<&str> = want.filter(|m| !cited.contains(m)).collect();
        if v.status != status || !missing.is_empty() {
            failures.push(format!(
                "cases.txt:{}: {line}\n    got {} citing {:?}\n    {}",
                i + 1,
                v.status,
                cited,
                v.reason
            ));
        }
    }
    assert!(n > 100, "only {n} cases");
    assert!(
        failures.is_empty(),
        "{} of {n} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// For every measure with an HS scope: its first code is caught from its start (in its
/// direction), not before it, not in the other direction, and not after it was superseded.
#[test]
fn every_measure_before_during_after_and_both_directions() {
    let r = reference();
    let s = Screener::new(&r.rulebook, &r.hs);
    let mut checked = 0;
    for m in &r.rulebook.measures {
        if m.kind == MeasureKind::Exemption {
            continue;
        }
        let Some(entry) =
            m.hs.iter()
                .find(|e| e.product.is_none() && e.value_over_usd.is_none())
        else {
            continue;
        };
        let code = entry.codes().unwrap()[0].clone();
        let goods = Goods::code(HsCode::parse(&code).unwrap());
        let dirs: Vec<Direction> = [Direction::Inbound, Direction::Outbound]
            .into_iter()
            .filter(|d| m.direction.covers(*d))
            .collect();
        let cites = |d: Direction, date: Date| {
            s.screen(&goods, d, date)
                .measures
                .iter()
                .any(|c| c.id == m.id)
        };
        let before = m.starts().pred_opt().unwrap();
        let during = m.starts();
        for d in [Direction::Inbound, Direction::Outbound] {
            let covered = dirs.contains(&d);
            assert!(
                !cites(d, before),
                "{} cited for {code} {d} the day before it starts",
                m.id
            );
            assert_eq!(
                cites(d, during),
                covered,
                "{} for {code} {d} on its first day",
                m.id
            );
            if let Some(u) = m.until {
                assert!(
                    !cites(d, u),
                    "{} cited for {code} {d} on {u}, after it was replaced",
                    m.id
                );
            } else {
                let after = parse_date("2025-06-01").unwrap();
                assert_eq!(cites(d, after), covered, "{} for {code} {d} in 2025", m.id);
            }
        }
        // During the measure the status is the entry's, or review while a wind-down runs.
        let v = s.screen(&goods, dirs[0], during);
        let c = v.measures.iter().find(|c| c.id == m.id).unwrap();
        let want = entry.status.unwrap_or(m.status);
        let wound = m.wind_down.is_some() && want == Status::Prohibited;
        assert!(
            c.status == want || (wound && c.status == Status::Review),
            "{} on {code}: {} (want {want})",
            m.id,
            c.status
        );
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} measures swept");
}

#[test]
fn value_thresholds_decide_luxury_floor_items() {
    let r = reference();
    let s = Screener::new(&r.rulebook, &r.hs);
    let date = parse_date("2017-06-01").unwrap();
    let mut rug = Goods::code(HsCode::parse("570110").unwrap());
    rug.value_usd = Some(800.0);
    assert_eq!(
        s.screen(&rug, Direction::Inbound, date).status,
        Status::Prohibited
    );
    rug.value_usd = Some(300.0);
    let v = s.screen(&rug, Direction::Inbound, date);
    assert!(
        !v.measures.iter().any(|c| c.id == "unsc-2321-annex4"),
        "{v:?}"
    );
    rug.value_usd = None;
    assert_eq!(
        s.screen(&rug, Direction::Inbound, date).status,
        Status::Review
    );
}

#[test]
fn unknown_and_domestic_directions() {
    let r = reference();
    let s = Screener::new(&r.rulebook, &r.hs);
    let date = parse_date("2019-01-01").unwrap();
    let seaweed = Goods::code(HsCode::parse("1212").unwrap());
    let v = s.screen(&seaweed, Direction::Unknown, date);
    assert_eq!(v.status, Status::Prohibited);
    assert!(v.notes[0].contains("direction unknown"), "{:?}", v.notes);
    assert_eq!(
        s.screen(&seaweed, Direction::Domestic, date).status,
        Status::Permitted
    );
}

#[test]
fn cache_keys_separate_what_can_differ() {
    let r = reference();
    let s = Screener::new(&r.rulebook, &r.hs);
    let g = Goods::code(HsCode::parse("8418").unwrap());
    let k = |d: &str| s.cache_key(&g, Direction::Inbound, parse_date(d).unwrap());
    assert_eq!(k("2019-01-01"), k("2024-12-31"));
    assert_ne!(k("2017-12-21"), k("2017-12-22"));
}

#[test]
fn golden_verdict_texts() {
    let r = reference();
    let s = Screener::new(&r.rulebook, &r.hs);
    let cases = [
        ("8418", "in", "2019-05-01"),
        ("8418", "in", "2017-06-01"),
        ("2709", "in", "2019-01-01"),
        ("2710", "in", "2019-01-01"),
        ("1212", "out", "2018-01-10"),
        ("27", "in", "2019-01-01"),
        ("6908", "in", "2019-01-01"),
        ("7208", "out", "2019-01-01"),
        ("\"electric rice cookers\"", "in", "2019-05-01"),
        ("\"wigs\"", "out", "2019-05-01"),
    ];
    let mut out = String::new();
    for (g, d, date) in cases {
        let v = run(&s, g, dir(d), parse_date(date).unwrap());
        out.push_str(&format!(
            "== {g} {d} {date}\n{}\n",
            serde_json::to_string_pretty(&v).unwrap()
        ));
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden.txt");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &out).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        out == want,
        "verdict texts changed; inspect and rerun with BLESS=1\n{out}"
    );
}
