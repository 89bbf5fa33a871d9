//! Reviews from the command line: every kind of review, the history of a claim, the analysis
//! in its reviewed state, and reviews surviving `reprocess` when the extractor's output
//! changes (a pack fixture under `--data`): re-attached, agreed, or orphaned and listed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `borderwatch --db DB [--data DATA] ARGS…` with a fixed reviewer variable.
fn bw(db: &Path, data: Option<&Path>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_borderwatch"));
    c.arg("--db").arg(db);
    if let Some(d) = data {
        c.arg("--data").arg(d);
    }
    c.args(args)
        .env("BORDERWATCH_REVIEWER", "desk analyst")
        .output()
        .expect("binary runs")
}

fn ok(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_str(&ok(o)).unwrap()
}

/// A pack folder whose file `rel` is the project's own with `drop` taken out of it.
fn pack_without(dir: &Path, rel: &str, drop: &str) -> PathBuf {
    let own = std::fs::read_to_string(root().join("data").join(rel)).unwrap();
    assert!(own.contains(drop), "{rel} no longer holds {drop:?}");
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, own.replace(drop, "")).unwrap();
    dir.to_path_buf()
}

/// The stored claims as JSON.
fn claims(db: &Path) -> Vec<Value> {
    json(&bw(db, None, &["query", "claims", "--format", "json"]))
        .as_array()
        .unwrap()
        .clone()
}

/// The id of the one claim whose quote holds `words` and whose kind is `kind`.
fn claim_with(db: &Path, kind: &str, words: &str) -> i64 {
    let found: Vec<i64> = claims(db)
        .iter()
        .filter(|c| c["kind"] == kind && c["evidence"]["text"].as_str().unwrap().contains(words))
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(found.len(), 1, "{kind} claims quoting {words:?}: {found:?}");
    found[0]
}

fn history(db: &Path, id: &str) -> Vec<Value> {
    json(&bw(
        db,
        None,
        &["review", "history", id, "--format", "json"],
    ))
    .as_array()
    .unwrap()
    .clone()
}

fn corridor<'a>(analysis: &'a Value, id: &str) -> &'a Value {
    analysis["corridors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no corridor {id}"))
}

#[test]
fn reviews_change_the_picture_and_survive_reprocess() {
    let d = common::tmp("review-cli", "reprocess");
    let db = d.join("r.db");
    // Before: an extractor that does not know "steel pipes". After: one that knows them but
    // no longer reads "are loose" as a loose inspection.
    let before = pack_without(
        &d.join("before"),
        "hs/lexicon.csv",
        "steel pipe|steel pipes|",
    );
    let after = pack_without(&d.join("after"), "extract/cues.toml", "\"are loose\", ");
    let reports = root().join("examples/reports");
    let files: Vec<String> = ["01_dandong_january.txt", "02_dandong_crackdown.md"]
        .iter()
        .map(|f| reports.join(f).display().to_string())
        .collect();
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    ok(&bw(&db, Some(&before), &args));

    let pipes = claim_with(&db, "movement", "machinery parts and steel pipes");
    let declared = claim_with(&db, "movement", "declared as building materials");
    let volume = claim_with(&db, "movement", "About 80 trucks a day");
    let loose = claims(&db)
        .iter()
        .find(|c| c["kind"] == "condition" && c["condition"]["value"] == "loose")
        .map(|c| c["id"].as_i64().unwrap())
        .expect("a loose-inspection claim");
    let before_json = json(&bw(&db, None, &["analyze", "--format", "json"]));
    let dandong_before = corridor(&before_json, "dandong-sinuiju")["claims"]
        .as_u64()
        .unwrap();

    // Every kind of review, with refusals that name the value.
    let o = ok(&bw(
        &db,
        None,
        &[
            "review",
            "correct",
            &pipes.to_string(),
            "--goods",
            "84:machinery parts",
            "--goods",
            "7304:steel pipes",
            "--note",
            "pipes missed",
        ],
    ));
    assert!(
        o.contains("corrected") && o.contains("(goods)") && o.contains("desk analyst"),
        "{o}"
    );
    ok(&bw(
        &db,
        None,
        &[
            "review",
            "confirm",
            &volume.to_string(),
            "--reviewer",
            "second reader",
        ],
    ));
    ok(&bw(
        &db,
        None,
        &[
            "review",
            "reject",
            &declared.to_string(),
            "--reason",
            "not-a-movement",
        ],
    ));
    ok(&bw(
        &db,
        None,
        &["review", "reject", &loose.to_string(), "--reason", "other"],
    ));
    let bad = bw(
        &db,
        None,
        &[
            "review",
            "correct",
            &pipes.to_string(),
            "--via",
            "nowhere-bridge",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("--via \"nowhere-bridge\": unknown-place"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let bad = bw(&db, None, &["review", "confirm", "999999"]);
    assert_eq!(bad.status.code(), Some(2));
    // The headline names the crossing but no claim covers it: an analyst adds one.
    let sources = json(&bw(&db, None, &["query", "sources", "--format", "json"]));
    let first = sources.as_array().unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let headline = "Machinery still crosses at Dandong despite the ban";
    let o = ok(&bw(
        &db,
        None,
        &[
            "review",
            "add",
            "--source",
            &first,
            "--span",
            &format!("0..{}", headline.len()),
            "--kind",
            "movement",
            "--via",
            "dandong-sinuiju",
            "--direction",
            "inbound",
            "--mode",
            "road",
            "--goods",
            "machinery",
        ],
    ));
    let added = o
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_end_matches(':')
        .to_string();
    let bad = bw(
        &db,
        None,
        &[
            "review",
            "add",
            "--source",
            &first,
            "--span",
            "5..999999",
            "--kind",
            "movement",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));

    // The history and `show claim`.
    let h = history(&db, &pipes.to_string());
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["action"], "correct");
    assert_eq!(h[0]["reviewer"], "desk analyst");
    assert_eq!(h[0]["attachment"], "attached");
    let shown = ok(&bw(&db, None, &["show", "claim", &volume.to_string()]));
    assert!(
        shown.contains("reviews: confirmed") && shown.contains("second reader"),
        "{shown}"
    );

    // The analysis in its reviewed state: the rejected claim out, the added one in, the
    // corrected goods screened, the counts of reviewed claims.
    let a = json(&bw(&db, None, &["analyze", "--format", "json"]));
    let dandong = corridor(&a, "dandong-sinuiju");
    assert_eq!(dandong["claims"].as_u64().unwrap(), dandong_before - 1 + 1);
    assert_eq!(dandong["reviewed"], 3, "{dandong}");
    let chapters: Vec<&str> = dandong["flows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["goods"].as_array().unwrap())
        .map(|g| g["chapter"].as_str().unwrap())
        .collect();
    assert!(
        chapters.contains(&"73"),
        "steel pipes counted: {chapters:?}"
    );
    assert!(
        !chapters.contains(&"25"),
        "the rejected claim's goods are gone: {chapters:?}"
    );
    let md = ok(&bw(&db, None, &["analyze"]));
    assert!(md.contains("reviewed "), "{md}");
    let only = json(&bw(
        &db,
        None,
        &["analyze", "--reviewed-only", "--format", "json"],
    ));
    let total: u64 = only["corridors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["claims"].as_u64().unwrap())
        .sum();
    let reviewed: u64 = only["corridors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reviewed"].as_u64().unwrap())
        .sum();
    assert_eq!((total, reviewed), (3, 3), "{only}");
    // As known before anything was ingested: nothing.
    let then = json(&bw(
        &db,
        None,
        &["analyze", "--as-of", "2001-01-01", "--format", "json"],
    ));
    assert_eq!(then["sources"], 0);
    // The queue leaves reviewed claims out.
    let q = json(&bw(
        &db,
        None,
        &["review", "queue", "--limit", "100", "--format", "json"],
    ));
    let queued: Vec<i64> = q
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    for id in [pipes, volume, declared, loose] {
        assert!(!queued.contains(&id), "{id} is reviewed: {queued:?}");
    }
    assert!(!queued.is_empty());

    // A better extractor: reprocess, and every review is still there.
    let o = ok(&bw(&db, Some(&after), &["reprocess"]));
    assert!(o.contains("reviews: "), "{o}");
    let pipes2 = claim_with(&db, "movement", "machinery parts and steel pipes");
    let volume2 = claim_with(&db, "movement", "About 80 trucks a day");
    let h = history(&db, &pipes2.to_string());
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(
        h[0]["attachment"], "agreed",
        "the new extractor finds the pipes"
    );
    assert_eq!(h[0]["on_claim"], pipes2);
    let h = history(&db, &volume2.to_string());
    assert_eq!(h[0]["attachment"], "agreed");
    assert_eq!(h[0]["reviewer"], "second reader");
    // The loose-inspection claim is gone: its rejection is orphaned, kept and listed.
    assert!(!claims(&db)
        .iter()
        .any(|c| c["kind"] == "condition" && c["condition"]["value"] == "loose"));
    let orphans = json(&bw(&db, None, &["review", "orphans", "--format", "json"]));
    let orphans = orphans.as_array().unwrap();
    assert_eq!(orphans.len(), 1, "{orphans:?}");
    assert_eq!(orphans[0]["action"], "reject");
    assert_eq!(orphans[0]["attachment"], "orphaned");
    assert!(orphans[0]["text"].as_str().unwrap().contains("loose"));
    // The added claim still counts, and the picture is the one reviewed before.
    let h = history(&db, &format!("a{added}"));
    assert_eq!(h[0]["attachment"], "added");
    let a2 = json(&bw(&db, None, &["analyze", "--format", "json"]));
    assert_eq!(corridor(&a2, "dandong-sinuiju")["reviewed"], 3);
}

#[test]
fn export_gold_is_scored_by_the_corpus_scorer() {
    let scorer = root().join("../shared/corpus/score_extract.py");
    if !scorer.exists() {
        eprintln!("skipped: {} is absent", scorer.display());
        return;
    }
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: no python3");
        return;
    }
    let d = common::tmp("review-cli", "gold");
    let db = d.join("g.db");
    let reports = root().join("examples/reports");
    ok(&bw(
        &db,
        None,
        &[
            "ingest",
            reports.join("02_dandong_crackdown.md").to_str().unwrap(),
        ],
    ));
    let quanhe = claim_with(&db, "movement", "from Quanhe to Wonjong");
    let rice = claim_with(&db, "movement", "Only rice, flour and cooking oil");
    ok(&bw(&db, None, &["review", "confirm", &quanhe.to_string()]));
    ok(&bw(
        &db,
        None,
        &["review", "correct", &rice.to_string(), "--mode", "road"],
    ));
    let out = d.join("gold-out");
    ok(&bw(
        &db,
        None,
        &["review", "export-gold", out.to_str().unwrap()],
    ));
    let again = bw(&db, None, &["review", "export-gold", out.to_str().unwrap()]);
    assert_eq!(
        again.status.code(),
        Some(2),
        "files are not replaced without --force"
    );
    let gold: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::fs::read_dir(out.join("gold"))
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path(),
        )
        .unwrap(),
    )
    .unwrap();
    let required: Vec<&Value> = gold["movements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["optional"] == false)
        .collect();
    assert_eq!(required.len(), 2, "{gold}");
    assert!(required
        .iter()
        .any(|m| m["mode"] == "road" && m["hs2"].as_array().unwrap().iter().any(|h| h == "10")));
    let o = Command::new("python3")
        .arg(&scorer)
        .arg(env!("CARGO_BIN_EXE_borderwatch"))
        .arg(out.join("reports"))
        .arg(out.join("gold"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let last = text.lines().last().unwrap_or_default();
    // The extractor agrees with what the analyst confirmed; the corrected mode is not scored.
    assert!(last.starts_with("extract-f1 places="), "{text}");
    assert!(last.contains("corridors=1.00"), "{text}");
}
