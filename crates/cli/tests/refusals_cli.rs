//! Common mistakes refused before they destroy anything (exit 2, the path named), and folders
//! and files that change or misbehave while an ingest walks and reads them.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::{bw, out};

fn tmp(name: &str) -> PathBuf {
    common::tmp("refusals", name)
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const REPORT: &str = "Trucks carried refrigerators from Dandong to Sinuiju in May 2023.\n";

fn refused(o: &Output, words: &[&str]) {
    assert_eq!(o.status.code(), Some(2), "{}{}", out(o), err(o));
    let e = err(o);
    for w in words {
        assert!(e.contains(w), "{w:?} not in {e:?}");
    }
}

#[test]
fn run_fresh_deletes_only_a_borderwatch_store() {
    let d = tmp("fresh");
    std::fs::write(d.join("r.txt"), REPORT).unwrap();
    let notes = d.join("notes.txt");
    std::fs::write(&notes, "my own notes\n").unwrap();
    let report = d.join("report.html");
    let r = d.join("r.txt");
    let args = |db: &Path| {
        bw(
            db,
            &[
                "run",
                "--fresh",
                r.to_str().unwrap(),
                "--out",
                report.to_str().unwrap(),
            ],
        )
    };
    refused(&args(&notes), &["notes.txt", "not an SQLite database"]);
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my own notes\n");
    let other = d.join("contacts.db");
    borderwatch_store::testing::write_other_database(&other).unwrap();
    let before = std::fs::read(&other).unwrap();
    refused(&args(&other), &["contacts.db", "not a borderwatch store"]);
    assert_eq!(std::fs::read(&other).unwrap(), before);
    // A store is replaced, as asked.
    let db = d.join("b.db");
    assert!(args(&db).status.success());
    let o = args(&db);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&bw(&db, &["query", "sources"])).lines().count() == 2);
}

#[test]
fn outputs_never_overwrite_the_store_or_an_input() {
    let d = tmp("outputs");
    let r = d.join("r.txt");
    std::fs::write(&r, REPORT).unwrap();
    let db = d.join("b.db");
    assert!(bw(&db, &["ingest", r.to_str().unwrap()]).status.success());
    let store_bytes = std::fs::read(&db).unwrap();
    let dbs = db.to_str().unwrap();
    let rs = r.to_str().unwrap();
    refused(&bw(&db, &["analyze", "--out", dbs]), &["b.db", "the store"]);
    refused(
        &bw(&db, &["export", "--format", "kml", "--out", dbs]),
        &["b.db", "the store"],
    );
    refused(
        &bw(&db, &["run", rs, "--out", dbs]),
        &["--out", "b.db", "the store"],
    );
    refused(
        &bw(&db, &["run", rs, "--out", rs]),
        &["--out", "r.txt", "input"],
    );
    // The same file by another spelling.
    let other = format!("{}/./r.txt", d.display());
    refused(
        &bw(&db, &["run", d.to_str().unwrap(), "--out", &other]),
        &["input"],
    );
    assert_eq!(std::fs::read(&db).unwrap(), store_bytes);
    assert_eq!(std::fs::read_to_string(&r).unwrap(), REPORT);
    // screen: the verdicts or the rejects onto the input.
    let csv = d.join("s.csv");
    let rows = "hs,direction,date\n8418,in,2023-01-01\n";
    std::fs::write(&csv, rows).unwrap();
    let cs = csv.to_str().unwrap();
    refused(
        &bw(&db, &["screen", "--input", cs, "--output", cs]),
        &["--output", "s.csv", "input"],
    );
    refused(
        &bw(&db, &["screen", "--input", cs, "--rejects", cs]),
        &["--rejects", "s.csv", "input"],
    );
    let v = d.join("v.csv");
    let vs = v.to_str().unwrap();
    refused(
        &bw(
            &db,
            &["screen", "--input", cs, "--output", vs, "--rejects", vs],
        ),
        &["--rejects", "v.csv", "--output"],
    );
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), rows);
}

#[test]
fn backup_keeps_an_existing_file_unless_forced() {
    let d = tmp("backup");
    let r = d.join("r.txt");
    std::fs::write(&r, REPORT).unwrap();
    let db = d.join("b.db");
    assert!(bw(&db, &["ingest", r.to_str().unwrap()]).status.success());
    let target = d.join("copy.db");
    std::fs::write(&target, "precious").unwrap();
    let ts = target.to_str().unwrap();
    refused(
        &bw(&db, &["db", "backup", ts]),
        &["copy.db", "already exists", "--force"],
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    refused(
        &bw(&db, &["db", "backup", db.to_str().unwrap(), "--force"]),
        &["the store itself"],
    );
    let o = bw(&db, &["db", "backup", ts, "--force"]);
    assert!(o.status.success(), "{}", err(&o));
    let o = bw(&target, &["db", "check"]);
    assert!(
        out(&o).starts_with("ok:") && out(&o).contains("1 sources"),
        "{}",
        out(&o)
    );
}

#[test]
fn read_commands_refuse_a_store_that_does_not_exist() {
    let d = tmp("missing");
    let db = d.join("typo.db");
    for args in [
        &["query", "sources"][..],
        &["query", "claims"],
        &["db", "check"],
        &["db", "backup", "x.db"],
        &["show", "claim", "1"],
        &["analyze"],
        &["export", "--format", "kml"],
        &["reprocess"],
    ] {
        let o = bw(&db, args);
        refused(&o, &["typo.db", "no such store"]);
        assert!(!db.exists(), "{args:?} created the store");
    }
}

/// A store of 200 reports, folded into one file (no WAL) with two pages near its end broken:
/// it still opens, and only a check finds the damage. Returns the damaged file and its bytes.
fn damaged_store(d: &Path) -> (PathBuf, Vec<u8>) {
    let reports = d.join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    for i in 0..200 {
        std::fs::write(
            reports.join(format!("{i:03}.txt")),
            format!("{REPORT}Copy {i}.\n"),
        )
        .unwrap();
    }
    let db = d.join("b.db");
    let o = bw(&db, &["ingest", reports.to_str().unwrap()]);
    assert!(o.status.success(), "{}", err(&o));
    // Fold the WAL in, then break two pages near the end of the file.
    assert!(
        bw(&db, &["db", "backup", d.join("copy.db").to_str().unwrap()])
            .status
            .success()
    );
    let db = d.join("copy.db");
    let mut bytes = std::fs::read(&db).unwrap();
    let n = bytes.len();
    for b in &mut bytes[n - 3 * 4096..n - 4096] {
        *b = 0x5a;
    }
    std::fs::write(&db, &bytes).unwrap();
    (db, bytes)
}

#[test]
fn a_damaged_store_takes_no_new_ingest() {
    let d = tmp("damaged");
    let (db, bytes) = damaged_store(&d);
    std::fs::write(d.join("new.txt"), "Trains carried rice to Sinuiju.\n").unwrap();
    let o = bw(&db, &["ingest", d.join("new.txt").to_str().unwrap()]);
    refused(&o, &["copy.db", "damaged"]);
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "nothing was written");
    let o = bw(&db, &["db", "check"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", out(&o), err(&o));
}

/// `serve` takes uploads, so it opens the store as `ingest` does: a mistyped path is not made
/// into an empty store, and a damaged store is refused before the server starts.
#[test]
fn serve_starts_only_on_an_existing_sound_store() {
    let d = tmp("serve");
    let typo = d.join("typo.db");
    let o = bw_within(&typo, &["serve", "--addr", "127.0.0.1:0"], 30);
    refused(&o, &["typo.db", "no such store"]);
    assert!(!typo.exists(), "serve created the store");
    let (db, bytes) = damaged_store(&d);
    let o = bw_within(&db, &["serve", "--addr", "127.0.0.1:0"], 30);
    refused(&o, &["copy.db", "damaged"]);
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "nothing was written");
}

/// Runs `borderwatch --db DB ARGS…`, killed after `secs` (a hang is a failure, not a stuck run).
fn bw_within(db: &Path, args: &[&str], secs: u64) -> Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t0.elapsed().as_secs() > secs {
            child.kill().unwrap();
            let o = child.wait_with_output().unwrap();
            panic!("still running after {secs} s: {}", err(&o));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn ingest_walks_each_folder_once_and_stays_inside_the_tree() {
    use std::os::unix::fs::symlink;
    let d = tmp("walk");
    let root = d.join("reports");
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    std::fs::write(root.join("a/one.txt"), REPORT).unwrap();
    std::fs::write(
        root.join("a/b/two.txt"),
        "Trains carried rice to Sinuiju.\n",
    )
    .unwrap();
    let secret = d.join("secret.txt");
    std::fs::write(&secret, "Private notes: nobody may read this.\n").unwrap();
    for i in 0..6 {
        symlink("..", root.join(format!("a/b/up{i}"))).unwrap();
        symlink("../..", root.join(format!("a/b/top{i}"))).unwrap();
    }
    symlink(&secret, root.join("a/leak.txt")).unwrap();
    let fifo = root.join("a/pipe.txt");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let db = d.join("b.db");
    let o = bw_within(&db, &["ingest", root.to_str().unwrap()], 60);
    assert!(o.status.success(), "{}{}", out(&o), err(&o));
    let s = out(&o);
    assert!(
        s.contains("files 4: new 2, unchanged 0, failed 0, skipped 2;"),
        "{s}"
    );
    let e = err(&o);
    assert!(e.contains("leak.txt") && e.contains("link-outside"), "{e}");
    assert!(
        e.contains("pipe.txt") && e.contains("not-a-regular-file"),
        "{e}"
    );
    let sources = out(&bw(&db, &["query", "sources"]));
    assert!(
        !sources.contains("leak") && sources.lines().count() == 3,
        "{sources}"
    );
    let issues = out(&bw(&db, &["query", "issues"]));
    assert!(
        issues.contains("link-outside") && issues.contains("not-a-regular-file"),
        "{issues}"
    );
}
