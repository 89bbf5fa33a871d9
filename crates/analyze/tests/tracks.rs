//! The sea detectors on vessel tracks: invented tracks (`tests/fixtures/tracks/`, written by
//! `scripts/track-fixtures.py`), each scenario with a twin that lacks its pattern, read by the
//! real track reader, their events and voyage claims analysed beside a report's claims.
//!
//! Golden file: `tests/expected/tracks.findings`, one line per finding and one per piece of
//! evidence it cites; `BLESS=1` rewrites it.

use std::path::{Path, PathBuf};

use borderwatch_ais::stored::{self, Packs};
use borderwatch_ais::{Mids, Ports, Watchlist};
use borderwatch_analyze::{analyze_all, Analysis, ClaimIn, Options, TrackEventIn};
use borderwatch_extract::{Extractor, Options as XOptions};
use borderwatch_reference::Reference;

fn reference() -> &'static Reference {
    static R: std::sync::OnceLock<Reference> = std::sync::OnceLock::new();
    R.get_or_init(|| Reference::embedded().expect("embedded packs load"))
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tracks")
}

/// Reads the named fixtures (sources numbered in the order given): `.txt` files through the
/// extractor, the others through the track reader; then analyses everything.
fn run(names: &[&str]) -> Analysis {
    let gz = &reference().gazetteer;
    let (mids, watch, ports) = (Mids::embedded(), Watchlist::embedded(), Ports::embedded(gz));
    let packs = Packs {
        mids: &mids,
        watch: &watch,
        ports: &ports,
    };
    let x = Extractor::new(reference()).expect("matcher compiles");
    let opts = XOptions::new(borderwatch_model::parse_date("2024-05-10").unwrap());
    let (mut claims, mut tracks) = (Vec::new(), Vec::new());
    let (mut claim_id, mut track_id) = (0, 0);
    for (n, name) in names.iter().enumerate() {
        let source = n as i64 + 1;
        let bytes = std::fs::read(dir().join(name)).unwrap();
        if name.ends_with(".txt") {
            for c in x.extract(name, &bytes, &opts).unwrap().claims {
                claim_id += 1;
                claims.push(ClaimIn::new(claim_id, source, (*name).into(), None, c));
            }
            continue;
        }
        let format = stored::sniff(&bytes).expect("a track file");
        let read = stored::read_track(name, &bytes, format, &[], None, &packs).unwrap();
        assert_eq!(read.tally.read, read.tally.decoded + read.tally.rejected);
        for (event, claim) in read.events {
            track_id += 1;
            let claim = claim.map(|c| {
                claim_id += 1;
                claims.push(ClaimIn::new(claim_id, source, (*name).into(), None, c));
                claim_id
            });
            tracks.push(TrackEventIn {
                id: track_id,
                source_id: source,
                claim,
                event,
            });
        }
    }
    let options = Options {
        threads: 2,
        ..Options::with_units(&reference().cues.quantity)
    };
    analyze_all(&claims, &[], &tracks, gz, &options)
}

/// One line per finding (kind, corridors, sources, score, title), then one per citation
/// (source, lines or span).
fn render(a: &Analysis) -> String {
    let mut blocks: Vec<String> = a
        .findings
        .iter()
        .map(|f| {
            let mut s = format!(
                "{} [{}] sources={} score={:.2} | {}",
                f.kind,
                f.corridors.join(", "),
                f.independent_sources,
                f.score,
                f.title
            );
            for e in &f.evidence {
                match e.lines {
                    Some([a, b]) => s += &format!("\n    {} lines {a}-{b}", e.source),
                    None => s += &format!("\n    {} bytes {}-{}", e.source, e.span[0], e.span[1]),
                }
            }
            s
        })
        .collect();
    blocks.sort();
    blocks.join("\n") + "\n"
}

fn check_golden(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expected")
        .join(format!("{name}.findings"));
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(got, want, "{} differs (BLESS=1 to accept)", path.display());
}

fn of<'a>(a: &'a Analysis, kind: &str) -> Vec<&'a borderwatch_model::Finding> {
    a.findings.iter().filter(|f| f.kind == kind).collect()
}

const SEA: [&str; 3] = ["ship-to-ship", "dark-voyage", "designated-vessel"];

#[test]
fn sea_detectors_fire_on_their_fixtures() {
    let a = run(&[
        "trucked-to-longkou.txt",
        "sts-flagged.nmea",
        "dark-near.csv",
        "longkou-nampo.csv",
        "designated.csv",
    ]);
    check_golden("tracks", &render(&a));
    for id in borderwatch_analyze::detectors::TRACK_IDS {
        assert!(!of(&a, id).is_empty(), "{id} did not fire");
    }
    // The encounter with the DPRK-flagged ship, citing its NMEA lines.
    let sts = of(&a, "ship-to-ship");
    assert_eq!(sts.len(), 1);
    assert!(sts[0].summary.contains("445000032 flies the DPRK flag"));
    assert!(sts[0]
        .evidence
        .iter()
        .all(|e| e.source == "sts-flagged.nmea" && e.lines.is_some()));
    // The dark period near the DPRK and the voyage into Nampo.
    let dv = of(&a, "dark-voyage");
    assert_eq!(dv.len(), 2, "{dv:?}");
    assert!(dv
        .iter()
        .any(|f| f.places.contains(&"kp.nampo-port".into())
            && f.evidence[0].source == "dark-near.csv"));
    assert!(dv
        .iter()
        .any(|f| f.corridors == ["cn.longkou-port>kp.nampo-port"]));
    // The designated ship: its designation, then its port call.
    let dsg = of(&a, "designated-vessel");
    assert_eq!(dsg.len(), 1);
    assert!(dsg[0].title.contains("CHONG CHON GANG"));
    assert!(dsg[0].summary.contains("port-call 1"));
    // Goods trucked to Longkou join the ship that sailed Longkou → Nampo: one finding citing
    // the report's claim and the voyage's track lines.
    let ts = of(&a, "transshipment");
    assert_eq!(ts.len(), 1, "{ts:?}");
    let sources: Vec<&str> = ts[0].evidence.iter().map(|e| e.source.as_str()).collect();
    assert!(sources.contains(&"trucked-to-longkou.txt"), "{sources:?}");
    let voyage = ts[0]
        .evidence
        .iter()
        .find(|e| e.source == "longkou-nampo.csv")
        .expect("the voyage is cited");
    assert!(voyage.lines.is_some() && voyage.claim.is_some());
    assert_eq!(ts[0].independent_sources, 2);
    // Every track event is shown with the analysis, with its lines.
    assert!(a.tracks.iter().all(|t| !t.event.evidence.is_empty()));
}

#[test]
fn sea_detectors_stay_silent_without_their_pattern() {
    let a = run(&[
        "trucked-to-longkou.txt",
        "sts-plain.csv",
        "dark-far.csv",
        "longkou-dalian.csv",
        "undesignated.csv",
    ]);
    // The tracks show an encounter, a dark period, a voyage and port calls ...
    for kind in ["encounter", "dark", "voyage", "port-call"] {
        assert!(
            a.tracks.iter().any(|t| t.event.kind.as_str() == kind),
            "no {kind} in the quiet tracks"
        );
    }
    // ... but none with the pattern: no finding of a sea detector, and no chain to the DPRK.
    for id in SEA.iter().chain(&["transshipment"]) {
        assert!(of(&a, id).is_empty(), "{id} fired: {:?}", of(&a, id));
    }
}

/// Goods trucked to Longkou in June cannot have left on the ship that sailed to Nampo in May:
/// no chain.
#[test]
fn a_voyage_before_the_reported_leg_is_no_transshipment() {
    let a = run(&["trucked-in-june.txt", "longkou-nampo.csv"]);
    // Both legs are there: the report's road leg and the tracked voyage.
    let legs: Vec<&str> = a.corridors.iter().map(|c| c.id.as_str()).collect();
    assert!(legs.contains(&"cn.dandong>cn.longkou"), "{legs:?}");
    assert!(legs.contains(&"cn.longkou-port>kp.nampo-port"), "{legs:?}");
    assert!(
        of(&a, "transshipment").is_empty(),
        "{:?}",
        of(&a, "transshipment")
    );
    assert!(!of(&a, "dark-voyage").is_empty());
}

#[test]
fn each_sea_detector_alone_on_its_scenario() {
    for (file, twin, id) in [
        ("sts-flagged.nmea", "sts-plain.csv", "ship-to-ship"),
        ("dark-near.csv", "dark-far.csv", "dark-voyage"),
        ("longkou-nampo.csv", "longkou-dalian.csv", "dark-voyage"),
        ("designated.csv", "undesignated.csv", "designated-vessel"),
    ] {
        assert!(!of(&run(&[file]), id).is_empty(), "{id} silent on {file}");
        assert!(of(&run(&[twin]), id).is_empty(), "{id} fired on {twin}");
    }
}
