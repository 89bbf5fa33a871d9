//! The store from the command line: ingest counts, idempotence, malformed files failing alone,
//! queries, reprocess, and the kill test (kill -9 mid-ingest, reopen, check, re-run).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

use common::{bw, out};

fn tmp(name: &str) -> PathBuf {
    common::tmp("store-cli", name)
}

fn own_reports() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/reports")
}

/// `n` distinct reports (our test reports with a numbered line appended) in `dir`.
fn many_reports(dir: &Path, n: usize) {
    let base: Vec<(String, Vec<u8>)> = std::fs::read_dir(own_reports())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    for i in 0..n {
        let (name, bytes) = &base[i % base.len()];
        let mut b = bytes.clone();
        b.extend_from_slice(format!("\n\nCopy {i} of the report.\n").as_bytes());
        std::fs::write(dir.join(format!("{i:04}-{name}")), b).unwrap();
    }
}

fn summary_counts(o: &Output) -> String {
    out(o).lines().last().unwrap_or_default().to_string()
}

/// The `claims N` count of an ingest summary line.
fn claims_in(summary: &str) -> usize {
    summary
        .split("claims ")
        .nth(1)
        .and_then(|r| r.split(';').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no claim count in {summary:?}"))
}

#[test]
fn ingest_twice_adds_nothing_and_bad_files_fail_alone() {
    let d = tmp("twice");
    let db = d.join("b.db");
    let reports = d.join("reports");
    std::fs::create_dir_all(reports.join("nested")).unwrap();
    let own = std::fs::read_dir(own_reports()).unwrap().count();
    for e in std::fs::read_dir(own_reports()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), reports.join("nested").join(e.file_name())).unwrap();
    }
    std::fs::write(reports.join("broken.txt"), b"\x00\x01\x02binary").unwrap();
    std::fs::write(reports.join("notes.csv"), b"a,b\n").unwrap();
    std::fs::write(reports.join("photo.jpg"), b"\xff\xd8").unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/shipments.csv");
    std::fs::copy(examples, reports.join("shipments.csv")).unwrap();
    let o = bw(&db, &["ingest", reports.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "a failed file makes exit 2");
    let s = summary_counts(&o);
    // The example shipments: 20 rows read = 16 stored + 4 rejected (each kept as an issue).
    assert!(
        s.starts_with(&format!(
            "files {}: new {}, unchanged 0, failed 2, skipped 1; claims ",
            own + 4,
            own + 1
        )) && s.contains("; shipments 16; rows rejected 4; "),
        "{s}"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("broken.txt: binary-input"), "{err}");
    assert!(
        err.contains("notes.csv: missing-field: not a shipment file"),
        "{err}"
    );
    let o = bw(&db, &["ingest", reports.to_str().unwrap()]);
    let s2 = summary_counts(&o);
    assert!(
        s2.starts_with(&format!(
            "files {}: new 0, unchanged {}, failed 2, skipped 1; claims 0; shipments 0; rows rejected 0",
            own + 4,
            own + 1
        )),
        "{s2}"
    );
    // Shipments: screened, with names resolved to gazetteer ids, and filtered.
    let o = bw(
        &db,
        &[
            "query",
            "shipments",
            "--crossing",
            "quanhe-wonjong",
            "--hs",
            "84",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| r["verdict"] == "prohibited" && r["crossing"] == "quanhe-wonjong"));
    let o = bw(&db, &["query", "issues", "--format", "csv"]);
    assert!(out(&o).contains("bad-direction"), "{}", out(&o));
    let o = bw(&db, &["query", "shipments", "--kind", "movement"]);
    assert_eq!(o.status.code(), Some(2));
    // The failure is kept as an issue; the database checks out.
    let o = bw(&db, &["query", "issues", "--format", "csv"]);
    assert!(out(&o).contains("binary-input"));
    let o = bw(&db, &["db", "check"]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(
        out(&o).starts_with(&format!(
            "ok: schema {}, {} sources,",
            borderwatch_store::SCHEMA_VERSION,
            own + 1
        )),
        "{}",
        out(&o)
    );
    // Queries and show.
    let o = bw(
        &db,
        &[
            "query",
            "claims",
            "--crossing",
            "tumen-namyang",
            "--direction",
            "inbound",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!v.as_array().unwrap().is_empty());
    let id = v[0]["id"].as_i64().unwrap().to_string();
    let o = bw(&db, &["show", "claim", &id]);
    assert!(out(&o).contains("> "), "{}", out(&o));
    let o = bw(&db, &["show", "claim", "999999"]);
    assert_eq!(o.status.code(), Some(2));
    let o = bw(&db, &["reprocess"]);
    assert!(
        out(&o).starts_with(&format!("sources {}: reprocessed {};", own + 1, own)),
        "{}",
        out(&o)
    );
    let o = bw(&db, &["db", "backup", d.join("copy.db").to_str().unwrap()]);
    assert!(o.status.success());
}

#[test]
fn kill_nine_mid_ingest_leaves_whole_files_and_a_rerun_finishes() {
    let d = tmp("kill");
    let reports = d.join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    many_reports(&reports, 600);
    // The reference: one clean run.
    let clean = d.join("clean.db");
    let started = std::time::Instant::now();
    let o = bw(&clean, &["ingest", reports.to_str().unwrap()]);
    // Kill times are fractions of a whole run on this machine as loaded now, so a busy machine
    // does not make every kill land before the store exists.
    let whole = started.elapsed().as_millis() as u64;
    assert!(o.status.success());
    let want = summary_counts(&o);
    let want_claims = claims_in(&want);

    let db = d.join("b.db");
    // Kill at several points; each time the database must open, check out and hold whole files.
    let mut partial = 0;
    for percent in [10u64, 30, 50, 20, 70] {
        let delay_ms = whole * percent / 100;
        let mut child = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
            .arg("--db")
            .arg(&db)
            .args(["ingest", "--batch-rows", "40", reports.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        if !db.exists() {
            continue; // killed before it created the store: nothing to check
        }
        let o = bw(&db, &["db", "check"]);
        assert!(
            o.status.success(),
            "after kill at {delay_ms} ms: {}",
            out(&o)
        );
        let n = out(&bw(&db, &["query", "sources", "--format", "csv"]))
            .lines()
            .count()
            - 1;
        if n > 0 && n < 600 {
            partial += 1;
        }
    }
    assert!(
        partial > 0,
        "no kill landed mid-ingest; make the batch larger"
    );
    let o = bw(&db, &["ingest", reports.to_str().unwrap()]);
    assert!(o.status.success());
    // Every file is in exactly once with all its claims: the same totals as the clean run.
    let sources = bw(&db, &["query", "sources", "--format", "csv"]);
    assert_eq!(out(&sources).lines().count(), 601);
    let clean_claims = bw(&clean, &["query", "claims", "--format", "csv"]);
    let got_claims = bw(&db, &["query", "claims", "--format", "csv"]);
    assert_eq!(
        out(&got_claims).lines().count(),
        out(&clean_claims).lines().count()
    );
    assert_eq!(out(&got_claims).lines().count() - 1, want_claims);
}

#[test]
fn the_shared_corpus_ingests_once_and_traces_back() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/reports");
    if !corpus.is_dir() {
        println!("skipping: {} is absent", corpus.display());
        return;
    }
    let d = tmp("shared");
    let db = d.join("b.db");
    let first = summary_counts(&bw(&db, &["ingest", corpus.to_str().unwrap()]));
    let n: usize = std::fs::read_dir(&corpus).unwrap().count();
    assert!(
        first.starts_with(&format!("files {n}: new {n}, unchanged 0, failed 0")),
        "{first}"
    );
    let second = summary_counts(&bw(&db, &["ingest", corpus.to_str().unwrap()]));
    assert!(
        second.starts_with(&format!("files {n}: new 0, unchanged {n}, failed 0")),
        "{second}"
    );
    // Same claims as before the second run, and every evidence span inside its archived bytes.
    let o = bw(&db, &["db", "check"]);
    assert!(o.status.success(), "{}", out(&o));
    let claims: serde_json::Value = serde_json::from_slice(
        &bw(
            &db,
            &[
                "query",
                "claims",
                "--format",
                "json",
                "--include-attribution",
            ],
        )
        .stdout,
    )
    .unwrap();
    let first_claims = claims_in(&first);
    assert_eq!(claims.as_array().unwrap().len(), first_claims);
    for c in claims.as_array().unwrap() {
        // Named by its path inside the folder ingested.
        let name = c["source"].as_str().unwrap();
        assert!(!name.contains('/'), "{name}");
        let file = std::fs::read(corpus.join(name)).unwrap();
        let (a, b) = (
            c["evidence"]["span"][0].as_u64().unwrap() as usize,
            c["evidence"]["span"][1].as_u64().unwrap() as usize,
        );
        assert_eq!(
            String::from_utf8_lossy(&file[a..b]),
            c["evidence"]["text"].as_str().unwrap()
        );
    }
}

#[test]
fn readers_work_while_an_ingest_writes() {
    let d = tmp("readers");
    let reports = d.join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    many_reports(&reports, 600);
    let db = d.join("b.db");
    // The database exists before the writer starts, so readers never race its creation.
    let empty = d.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(bw(&db, &["ingest", empty.to_str().unwrap()])
        .status
        .success());
    assert!(bw(&db, &["db", "check"]).status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .arg("--db")
        .arg(&db)
        .args(["ingest", "--batch-rows", "40", reports.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut seen = Vec::new();
    while child.try_wait().unwrap().is_none() {
        let o = bw(&db, &["query", "sources", "--format", "csv"]);
        assert!(o.status.success(), "a reader failed during ingest");
        seen.push(out(&o).lines().count() - 1);
        let o = bw(
            &db,
            &[
                "query",
                "claims",
                "--crossing",
                "dandong-sinuiju",
                "--limit",
                "5",
            ],
        );
        assert!(o.status.success(), "a reader failed during ingest");
    }
    assert!(child.wait().unwrap().success());
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "sources only ever grow: {seen:?}"
    );
    assert!(
        seen.iter().any(|&n| n > 0 && n < 600),
        "no read landed mid-ingest: {seen:?}"
    );
}

#[test]
fn shipment_places_resolve_to_ids_or_are_reported() {
    let d = tmp("places");
    let db = d.join("b.db");
    let f = d.join("s.csv");
    std::fs::write(
        &f,
        "hs,direction,date,origin,destination,crossing\n\
         8418,in,2023-05-01,Hunchun,Rason,Quanhe\n\
         1006,in,2023-05-02,Dandong,Sinuiju,Atlantis Bridge\n",
    )
    .unwrap();
    let o = bw(&db, &["ingest", f.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(
        out(&o).contains("shipments 2; rows rejected 0; issues 1"),
        "{}",
        out(&o)
    );
    let o = bw(&db, &["query", "shipments", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["origin"], "cn.hunchun");
    assert_eq!(v[0]["crossing"], "quanhe-wonjong");
    // Unknown names are kept as written and reported, never dropped or guessed.
    assert_eq!(v[1]["crossing"], "Atlantis Bridge");
    let o = bw(&db, &["query", "issues", "--format", "csv"]);
    assert!(out(&o).contains("unknown-place"), "{}", out(&o));
}

/// `text` as UTF-16 with its byte order mark (how spreadsheet programs save "Unicode text").
fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut b = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in text.encode_utf16() {
        b.extend(if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    b
}

/// A shipment file saved as UTF-16 (either byte order) is ingested and screened as the same
/// file in UTF-8 is: the same shipments, the same rejected rows on the same lines.
#[test]
fn utf16_shipment_files_are_read_like_utf8() {
    let d = tmp("utf16");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/shipments.csv");
    let text = std::fs::read_to_string(examples).unwrap();
    let mut seen = Vec::new();
    for (variant, bytes) in [
        ("utf8", text.as_bytes().to_vec()),
        ("le", utf16(&text, true)),
        ("be", utf16(&text, false)),
    ] {
        let dir = d.join(variant);
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("shipments.csv");
        std::fs::write(&f, &bytes).unwrap();
        let db = dir.join("b.db");
        let ingest = bw(&db, &["ingest", f.to_str().unwrap()]);
        let ingest = format!("{:?} {}", ingest.status.code(), out(&ingest));
        let shipments = out(&bw(&db, &["query", "shipments", "--format", "csv"]));
        let issues = out(&bw(&db, &["query", "issues", "--format", "csv"]));
        let rejects = dir.join("rejects.csv");
        let screened = bw(
            &db,
            &[
                "screen",
                "--input",
                f.to_str().unwrap(),
                "--rejects",
                rejects.to_str().unwrap(),
            ],
        );
        let rejected = std::fs::read_to_string(&rejects).unwrap();
        seen.push((variant, ingest, shipments, issues, out(&screened), rejected));
    }
    let (_, ingest, shipments, issues, screened, rejected) = &seen[0];
    assert!(ingest.contains("rows rejected"), "{ingest}");
    assert!(rejected.lines().count() > 1, "{rejected}");
    for (variant, i, s, is, sc, r) in &seen[1..] {
        assert_eq!(i, ingest, "{variant}");
        assert_eq!(s, shipments, "{variant}");
        assert_eq!(is, issues, "{variant}");
        assert_eq!(sc, screened, "{variant}");
        assert_eq!(r, rejected, "{variant}");
    }
}
