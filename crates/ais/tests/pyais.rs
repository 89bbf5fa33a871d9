//! Our decoder against pyais, field by field: on our own fixture (pyais's reading of it is
//! committed as `fixtures/sea.pyais.jsonl`) and on the shared pyais samples (read by pyais at
//! test time when `scripts/ais-expected.sh setup` has made `target/pyais-venv`; skipped,
//! saying why, when it has not or when `../shared` is absent).
//!
//! Where the two differ on purpose the difference is of a listed kind: pyais does not check
//! tag block or `$PGHP` checksums nor always sentence ones, reads bits missing from a short
//! payload as zeros, does not read receiver times, and decodes types we do not read.

mod common;

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;

use borderwatch_ais::{read_all, Message, Options};
use borderwatch_model::IssueCode;
use serde_json::{json, Map, Value};

/// Our message under pyais's field names.
fn as_pyais(m: &Message) -> Map<String, Value> {
    let v = match m {
        Message::Position {
            msg_type,
            mmsi,
            status,
            speed,
            accuracy,
            lon,
            lat,
            course,
            heading,
            second,
        } => {
            let mut v = json!({"mmsi": mmsi, "speed": speed, "accuracy": accuracy, "lon": lon,
                               "lat": lat, "course": course});
            if let Some(s) = status {
                v["status"] = json!(s);
            }
            if *msg_type != 27 {
                v["heading"] = json!(heading);
                v["second"] = json!(second);
            }
            v
        }
        Message::BaseStation {
            mmsi,
            year,
            month,
            day,
            hour,
            minute,
            second,
            accuracy,
            lon,
            lat,
            epfd,
        } => json!({"mmsi": mmsi, "year": year, "month": month, "day": day, "hour": hour,
                    "minute": minute, "second": second, "accuracy": accuracy, "lon": lon,
                    "lat": lat, "epfd": epfd}),
        Message::StaticVoyage {
            mmsi,
            ais_version,
            imo,
            callsign,
            shipname,
            ship_type,
            dimensions: d,
            epfd,
            eta,
            draught,
            destination,
        } => json!({"mmsi": mmsi, "ais_version": ais_version, "imo": imo, "callsign": callsign,
                    "shipname": shipname, "ship_type": ship_type, "to_bow": d.to_bow,
                    "to_stern": d.to_stern, "to_port": d.to_port, "to_starboard": d.to_starboard,
                    "epfd": epfd, "month": eta.0, "day": eta.1, "hour": eta.2, "minute": eta.3,
                    "draught": draught, "destination": destination}),
        Message::ClassBExtended {
            mmsi,
            speed,
            accuracy,
            lon,
            lat,
            course,
            heading,
            second,
            shipname,
            ship_type,
            dimensions: d,
            epfd,
        } => json!({"mmsi": mmsi, "speed": speed, "accuracy": accuracy, "lon": lon, "lat": lat,
                    "course": course, "heading": heading, "second": second,
                    "shipname": shipname, "ship_type": ship_type, "to_bow": d.to_bow,
                    "to_stern": d.to_stern, "to_port": d.to_port, "to_starboard": d.to_starboard,
                    "epfd": epfd}),
        Message::StaticA { mmsi, shipname } => {
            json!({"mmsi": mmsi, "partno": 0, "shipname": shipname})
        }
        Message::StaticB {
            mmsi,
            ship_type,
            vendorid,
            callsign,
            dimensions,
            mothership_mmsi,
        } => {
            let mut v = json!({"mmsi": mmsi, "partno": 1, "ship_type": ship_type,
                               "vendorid": vendorid, "callsign": callsign});
            if let Some(d) = dimensions {
                v["to_bow"] = json!(d.to_bow);
                v["to_stern"] = json!(d.to_stern);
                v["to_port"] = json!(d.to_port);
                v["to_starboard"] = json!(d.to_starboard);
            }
            if let Some(m) = mothership_mmsi {
                v["mothership_mmsi"] = json!(m);
            }
            v
        }
    };
    v.as_object().unwrap().clone()
}

/// A line without its tag block.
fn sentence(line: &str) -> &str {
    let line = line.trim();
    match line.strip_prefix('\\') {
        Some(rest) => rest.split_once('\\').map_or(line, |(_, s)| s),
        None => line,
    }
}

/// The codes with which we may reject what pyais decodes, and why pyais decodes it.
fn deliberate(code: IssueCode) -> Option<&'static str> {
    Some(match code {
        IssueCode::BadChecksum => "pyais does not check this checksum",
        IssueCode::BadPayload => "pyais reads bits a short payload lacks as zeros",
        IssueCode::BadTimestamp => "pyais does not read receiver times",
        IssueCode::UnsupportedMessage => "a type we do not read",
        _ => return None,
    })
}

struct Outcome {
    agreed: usize,
    notes: Vec<String>,
    failures: Vec<String>,
}

/// Compares our reading of `file` (with a stated file time, so that no message is rejected
/// for lack of one) with pyais's, given as JSON lines.
fn compare(file: &Path, pyais: &str) -> Outcome {
    let text = std::fs::read_to_string(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let opts = Options {
        file_time: Some(1_714_521_600),
    };
    let (msgs, issues, tally) = read_all(text.as_bytes(), "f", opts).unwrap();
    assert_eq!(
        tally.read,
        tally.decoded + tally.rejected,
        "{}",
        file.display()
    );
    assert_eq!(tally.rejected as usize, issues.len());
    let mut ours: BTreeMap<String, VecDeque<&Message>> = BTreeMap::new();
    for m in &msgs {
        let key: Vec<&str> = (m.lines.first..=m.lines.last)
            .map(|l| sentence(lines[l as usize - 1]))
            .filter(|s| !s.starts_with("$PGHP"))
            .collect();
        ours.entry(key.join("\n"))
            .or_default()
            .push_back(&m.message);
    }
    let mut rejected: BTreeMap<&str, Vec<IssueCode>> = BTreeMap::new();
    for i in &issues {
        rejected
            .entry(sentence(i.value.as_deref().unwrap()))
            .or_default()
            .push(i.code);
    }
    let mut out = Outcome {
        agreed: 0,
        notes: Vec::new(),
        failures: Vec::new(),
    };
    for line in pyais.lines() {
        let rec: Value = serde_json::from_str(line).unwrap();
        let raw: Vec<&str> = rec["raw"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let key = raw.join("\n");
        let mine = ours.get_mut(&key).and_then(|q| q.pop_front());
        let why = || {
            raw.iter()
                .flat_map(|r| rejected.get(r).into_iter().flatten())
                .copied()
                .collect::<Vec<_>>()
        };
        match (rec.get("fields"), mine) {
            (Some(Value::Object(want)), Some(m)) => {
                let got = as_pyais(m);
                let mut same = true;
                for (k, w) in want {
                    if got.get(k) != Some(w) {
                        same = false;
                        out.failures.push(format!(
                            "{key}: {k} is {w} for pyais, {:?} for us",
                            got.get(k)
                        ));
                    }
                }
                if same {
                    out.agreed += 1;
                }
            }
            (Some(_), None) | (None, None) if rec.get("error").is_none() => {
                let codes = why();
                match codes.iter().find_map(|c| deliberate(*c).map(|w| (c, w))) {
                    Some((c, w)) => out.notes.push(format!("{key}: we reject ({c}): {w}")),
                    None => out.failures.push(format!(
                        "{key}: pyais decodes it (type {}), we reject it: {codes:?}",
                        rec["type"]
                    )),
                }
            }
            (None, Some(_)) if rec.get("error").is_some() => out.failures.push(format!(
                "{key}: pyais refuses it ({}), we decode it",
                rec["error"]
            )),
            (None, Some(m)) => out.failures.push(format!(
                "{key}: pyais decodes type {} without fields we compare, we decode {m:?}",
                rec["type"]
            )),
            _ => {} // refused by both
        }
    }
    for (k, q) in ours {
        for m in q {
            out.failures.push(format!(
                "{k}: we decode {m:?}, pyais yields no such message"
            ));
        }
    }
    out
}

#[test]
fn our_fixture_agrees_with_pyais() {
    let expected = std::fs::read_to_string(common::fixture("sea.pyais.jsonl")).unwrap();
    let o = compare(&common::fixture("sea.nmea"), &expected);
    assert!(o.failures.is_empty(), "{:#?}", o.failures);
    // Every message type we read is among those compared.
    assert_eq!(o.agreed, 16);
    for n in &o.notes {
        println!("{n}");
    }
    assert_eq!(o.notes.len(), 5, "{:#?}", o.notes);
}

#[test]
fn shared_samples_agree_with_pyais() {
    let Some(shared) = common::shared() else {
        return;
    };
    let python = common::repo().join("target/pyais-venv/bin/python");
    if !python.exists() {
        eprintln!(
            "skipped: {} is absent (scripts/ais-expected.sh setup installs pyais from PyPI)",
            python.display()
        );
        return;
    }
    let dir = shared.join("data/ais-nmea-pyais");
    let mut agreed = 0;
    for name in [
        "tests_nmea_data_sample.txt",
        "examples_sample.ais",
        "tests_mixed.txt",
        "tests_timestamped.ais",
        "tests_messages.ais",
    ] {
        let file = dir.join(name);
        let run = std::process::Command::new(&python)
            .arg(common::repo().join("scripts/ais-expected.py"))
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "pyais on {name}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let o = compare(&file, &String::from_utf8(run.stdout).unwrap());
        assert!(o.failures.is_empty(), "{name}: {:#?}", o.failures);
        println!(
            "{name}: {} messages agree; {} deliberate differences",
            o.agreed,
            o.notes.len()
        );
        for n in &o.notes {
            println!("  {n}");
        }
        agreed += o.agreed;
    }
    assert!(agreed > 700, "{agreed}");
}
