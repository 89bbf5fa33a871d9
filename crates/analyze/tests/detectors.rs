//! The detectors on reports: the project's own examples (every detector fires), subsets that lack
//! a pattern (its detector stays silent), and the shared development corpus (the findings the
//! issue names). Reports go through the real extractor; no store is needed.
//!
//! Golden files: `tests/expected/*.findings`, one line per finding; `BLESS=1` rewrites them.

use std::path::{Path, PathBuf};

use borderwatch_analyze::{analyze, Analysis, ClaimIn, Options};
use borderwatch_extract::{Extractor, Options as XOptions};
use borderwatch_reference::Reference;

fn reference() -> &'static Reference {
    static R: std::sync::OnceLock<Reference> = std::sync::OnceLock::new();
    R.get_or_init(|| Reference::embedded().expect("embedded packs load"))
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/reports")
}

/// Extracts every file (sources numbered in name order) and analyses the claims.
fn run(files: &[PathBuf]) -> Analysis {
    run_with(files, 2)
}

fn run_with(files: &[PathBuf], threads: usize) -> Analysis {
    let x = Extractor::new(reference()).expect("matcher compiles");
    let opts = XOptions::new(borderwatch_model::parse_date("2024-01-01").unwrap());
    let mut claims = Vec::new();
    let mut id = 0;
    for (n, f) in files.iter().enumerate() {
        let bytes = std::fs::read(f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        for c in x.extract(&name, &bytes, &opts).unwrap().claims {
            id += 1;
            claims.push(ClaimIn::new(
                id,
                n as i64 + 1,
                name.as_str().into(),
                None,
                c,
            ));
        }
    }
    let options = Options {
        threads,
        ..Options::with_units(&reference().cues.quantity)
    };
    analyze(&claims, &[], &reference().gazetteer, &options)
}

fn files(dir: &Path, names: &[&str]) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            names.is_empty()
                || names
                    .iter()
                    .any(|n| p.file_name().unwrap().to_string_lossy().starts_with(n))
        })
        .collect();
    all.sort();
    all
}

/// One line per finding: kind, corridors, independent sources, score, title.
fn render(a: &Analysis) -> String {
    let mut lines: Vec<String> = a
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} [{}] sources={} score={:.2} | {}",
                f.kind,
                f.corridors.join(", "),
                f.independent_sources,
                f.score,
                f.title
            )
        })
        .collect();
    lines.sort();
    lines.join("\n") + "\n"
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

/// The titles of the findings of one kind.
fn titles_of<'a>(a: &'a Analysis, kind: &str) -> Vec<&'a str> {
    a.findings
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.title.as_str())
        .collect()
}

fn kinds(a: &Analysis) -> Vec<&str> {
    a.findings.iter().map(|f| f.kind.as_str()).collect()
}

#[test]
fn every_detector_fires_on_the_examples() {
    let a = run(&files(&examples(), &[]));
    check_golden("examples", &render(&a));
    // The sea detectors read vessel tracks: tests/tracks.rs.
    for id in borderwatch_analyze::detectors::IDS
        .into_iter()
        .filter(|id| !borderwatch_analyze::detectors::TRACK_IDS.contains(id))
    {
        assert!(kinds(&a).contains(&id), "{id} did not fire on the examples");
    }
    // The syndicated copy (06) repeats 01: six independent sources among seven.
    assert_eq!((a.sources, a.independent_sources), (6, 5));
    // Every finding quotes evidence, and the quotes are in the reports.
    for f in &a.findings {
        assert!(!f.evidence.is_empty(), "{} has no evidence", f.id);
    }
}

#[test]
fn detectors_stay_silent_without_their_pattern() {
    // One report about January trade at Dandong: no storage, no chain of legs, no shift.
    let a = run(&files(&examples(), &["01_"]));
    for quiet in [
        "warehousing",
        "transshipment",
        "displacement",
        "policy-change",
    ] {
        assert!(
            !kinds(&a).contains(&quiet),
            "{quiet} fired on 01 alone: {}",
            render(&a)
        );
    }
    // The sea route alone: a chain, but nothing stored and no shift between crossings.
    let a = run(&files(&examples(), &["04_"]));
    assert!(kinds(&a).contains(&"transshipment"));
    for quiet in [
        "warehousing",
        "displacement",
        "segregation",
        "empty-backhaul",
    ] {
        assert!(
            !kinds(&a).contains(&quiet),
            "{quiet} fired on 04 alone: {}",
            render(&a)
        );
    }
    // The parked train alone: storage, status, policy — no chain, no shift, no contrast.
    let a = run(&files(&examples(), &["03_"]));
    assert!(kinds(&a).contains(&"warehousing"));
    for quiet in ["transshipment", "displacement", "segregation", "volume"] {
        assert!(
            !kinds(&a).contains(&quiet),
            "{quiet} fired on 03 alone: {}",
            render(&a)
        );
    }
    // January at Dandong and the crackdown, without the later Quanhe trade: no displacement.
    let a = run(&files(&examples(), &["01_", "03_", "04_"]));
    assert!(!kinds(&a).contains(&"displacement"), "{}", render(&a));
}

#[test]
fn the_development_corpus_gives_the_expected_findings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/reports");
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let a = run(&files(&dir, &[]));
    check_golden("corpus", &render(&a));
    let has = |kind: &str, pred: &dyn Fn(&borderwatch_model::Finding) -> bool| {
        a.findings.iter().any(|f| f.kind == kind && pred(f))
    };
    let on = |f: &borderwatch_model::Finding, k: &str| f.corridors.iter().any(|c| c == k);
    assert!(has("segregation", &|f| on(f, "quanhe-wonjong")
        && on(f, "changbai-hyesan")
        && on(f, "dandong-sinuiju")));
    assert!(has("empty-backhaul", &|f| on(f, "dandong-sinuiju")));
    assert!(has("volume", &|f| on(f, "quanhe-wonjong")
        && f.summary.contains("3,000 tonnes a day")));
    assert!(has("status-change", &|f| on(f, "dandong-sinuiju")
        && f.title.contains("rail")));
    assert!(has("policy-change", &|f| f
        .title
        .to_lowercase()
        .contains("quarantine")));
    assert!(has("screening-flag", &|f| f
        .evidence
        .iter()
        .any(|e| e.quote.contains("seaweed"))));
}

#[test]
fn displacement_by_rates_after_a_reported_tightening() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/displacement-rates");
    // Quanhe carries refrigerators until May, is reported strictly inspected from 1 July, and
    // Tumen, which carried them once before, carries them five times after.
    let a = run(&files(&dir, &[]));
    let moved: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.kind == "displacement")
        .collect();
    assert_eq!(moved.len(), 1, "{:#?}", a.findings);
    assert_eq!(moved[0].corridors, ["quanhe-wonjong", "tumen-namyang"]);
    assert!(
        moved[0].summary.contains("tightened on 2023-07-01"),
        "{}",
        moved[0].summary
    );
    // Without the reported tightening the counts alone say nothing.
    let a = run(&files(&dir, &["q", "t"]));
    assert!(!kinds(&a).contains(&"displacement"), "{:?}", kinds(&a));
}

#[test]
fn a_transfer_place_and_a_policy_make_one_finding_each() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hubs");
    // Steel pipes reach Longkou by road from Dandong and from Tonghua, then go on by sea to
    // Nampo: one transshipment finding for Longkou naming both routes.
    let a = run(&files(&dir, &[]));
    let via: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.kind == "transshipment" && f.title.starts_with("Goods reach"))
        .collect();
    assert_eq!(via.len(), 1, "{:#?}", via);
    let f = via[0];
    assert!(
        f.title
            .starts_with("Goods reach the DPRK through Longkou: ")
            && f.title.ends_with(" and 1 more route"),
        "{}",
        f.title
    );
    assert!(
        f.summary
            .contains("Dandong by road → Longkou by sea → Nampo")
            && f.summary
                .contains("Tonghua by road → Longkou by sea → Nampo")
            && f.summary.starts_with("3 report(s)"),
        "{}",
        f.summary
    );
    // Each leg is quoted before the rest.
    assert_eq!(f.evidence.len(), 3, "{:#?}", f.evidence);
    // Coal trucked inside the DPRK to Nampo and shipped from there to Longkou: the mirror.
    let out: Vec<&str> = a
        .findings
        .iter()
        .filter(|f| f.kind == "transshipment" && f.title.starts_with("Goods leave"))
        .map(|f| f.title.as_str())
        .collect();
    assert_eq!(
        out,
        ["Goods leave the DPRK through Nampo: Sinuiju by road → Nampo by sea → Longkou"]
    );
    // Two reports of the quarantine period shortened, with different figures: one finding
    // listing both.
    let policy: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.kind == "policy-change")
        .collect();
    // A fee in yuan keeps the unit as the cue pack writes it: no "yuans".
    let titles: Vec<&str> = policy.iter().map(|f| f.title.as_str()).collect();
    assert!(
        titles.contains(&"Handling fee increased from 100 yuan to 150 yuan"),
        "{titles:?}"
    );
    let policy: Vec<_> = policy
        .into_iter()
        .filter(|f| f.title.starts_with("Quarantine"))
        .collect();
    assert_eq!(policy.len(), 1, "{:#?}", policy);
    assert!(
        policy[0]
            .title
            .starts_with("Quarantine period shortened from ")
            && policy[0].summary.contains("also reported shortened: from "),
        "{} / {}",
        policy[0].title,
        policy[0].summary
    );
    assert_eq!(policy[0].independent_sources, 2);
    // One route alone keeps the plain title.
    let a = run(&files(&dir, &["a-", "c-"]));
    let titles = titles_of(&a, "transshipment");
    assert_eq!(
        titles,
        ["Goods reach the DPRK through Longkou: Dandong by road → Longkou by sea → Nampo"]
    );
}

#[test]
fn threads_change_nothing() {
    let all = files(&examples(), &[]);
    let one = serde_json::to_string(&run_with(&all, 1)).unwrap();
    let four = serde_json::to_string(&run_with(&all, 4)).unwrap();
    assert_eq!(one, four);
}

#[test]
fn a_parked_train_unloaded_onto_trucks_and_shipped_on_is_a_transshipment() {
    // The project's own report: goods stored in a train at Dandong, trucked to Longkou and
    // shipped to Nampo (three sentences, each leg with its own verb and vehicle).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/reports");
    let a = run(&files(&dir, &["105_"]));
    let titles = titles_of(&a, "transshipment");
    assert_eq!(titles.len(), 1, "{titles:?}");
    assert!(
        titles[0].contains("Dandong") && titles[0].contains("by road → Longkou by sea → Nampo"),
        "{}",
        titles[0]
    );
}

#[test]
fn every_loaded_report_counts_towards_an_empty_backhaul_finding() {
    // Nine sources: eight of loaded trains into the DPRK, one of trains coming back empty. The
    // evidence list is capped; the count of independent sources is not.
    let dir = std::env::temp_dir().join(format!("bw-backhaul-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let goods = [
        "rice",
        "flour",
        "cement",
        "fertiliser",
        "sugar",
        "soybeans",
        "tyres",
        "glass",
    ];
    let months = [
        "January", "February", "March", "April", "May", "June", "July", "August",
    ];
    for (i, (g, m)) in goods.iter().zip(months).enumerate() {
        let text = format!("In {m}, freight trains carried {g} from Dandong to Sinuiju.\n");
        std::fs::write(dir.join(format!("{i:02}_loaded.txt")), text).unwrap();
    }
    std::fs::write(
        dir.join("09_empty.txt"),
        "The freight trains returned from Sinuiju to Dandong empty in September.\n",
    )
    .unwrap();
    let a = run(&files(&dir, &[]));
    std::fs::remove_dir_all(&dir).ok();
    let f = a
        .findings
        .iter()
        .find(|f| f.kind == "empty-backhaul")
        .unwrap_or_else(|| panic!("no empty-backhaul finding:\n{}", render(&a)));
    assert_eq!(f.independent_sources, 9, "{}", render(&a));
}
