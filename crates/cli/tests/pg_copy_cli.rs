//! `borderwatch db copy` between SQLite and a real PostgreSQL server: a store with reports,
//! shipments, a vessel track with its positions, users, an audit log and reviews goes into
//! PostgreSQL and back, and the copy back is the same store table for table (counts and
//! hashes), passes `db check` and gives the same analysis. A destination that holds anything
//! is refused, PostgreSQL keeps the reviews and the audit log append-only, and no error shows
//! a password.
//!
//! Needs a server: `BORDERWATCH_TEST_POSTGRES` is the URL of a database whose user may create
//! databases (`scripts/test.sh` starts one with `scripts/postgres.sh`). Without it, each test
//! prints why it is skipped.

mod common;

use std::path::Path;

use common::{bw, out, tmp};

/// A new, empty database on the test server, dropped when the guard goes.
struct Database {
    admin: String,
    name: String,
    url: String,
}

impl Database {
    fn new(tag: &str) -> Option<Database> {
        let Ok(admin) = std::env::var("BORDERWATCH_TEST_POSTGRES") else {
            eprintln!("skipped: BORDERWATCH_TEST_POSTGRES is not set (scripts/postgres.sh start)");
            return None;
        };
        let name = format!("bw_test_{}_{tag}", std::process::id());
        let mut c = postgres::Client::connect(&admin, postgres::NoTls)
            .unwrap_or_else(|e| panic!("BORDERWATCH_TEST_POSTGRES: {e}"));
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let (base, _) = admin.rsplit_once('/').expect("a URL ending in /DATABASE");
        let url = format!("{base}/{name}");
        Some(Database { admin, name, url })
    }

    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn ok(o: &std::process::Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    out(o)
}

fn err(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A store with something in every kind of table: the examples, a vessel track, two users,
/// a review (and the audit entries these make).
fn full_store(db: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let examples = root.join("examples");
    let o = bw(db, &["ingest", examples.to_str().unwrap()]);
    assert!(matches!(o.status.code(), Some(0 | 2)), "{o:?}");
    let track = root.join("crates/analyze/tests/fixtures/tracks/sts-flagged.nmea");
    let o = bw(db, &["ingest", track.to_str().unwrap()]);
    assert!(matches!(o.status.code(), Some(0 | 2)), "{o:?}");
    ok(&bw(db, &["users", "add", "ana", "--role", "analyst"]));
    ok(&bw(
        db,
        &["users", "add", "sam", "--role", "source-handler"],
    ));
    ok(&bw(db, &["review", "confirm", "1", "--reviewer", "ana"]));
}

/// `table rows sha256 HASH` lines of `db copy`'s output.
fn tables(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.contains(" sha256 "))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn a_store_goes_to_postgresql_and_back_unchanged() {
    let Some(pg) = Database::new("roundtrip") else {
        return;
    };
    let dir = tmp("pgcopy", "roundtrip");
    let (a, b) = (dir.join("a.db"), dir.join("b.db"));
    full_store(&a);

    let there = ok(&bw(&a, &["db", "copy", a.to_str().unwrap(), &pg.url]));
    assert!(
        there.contains("counts and hashes equal on both sides"),
        "{there}"
    );
    let back = ok(&bw(&a, &["db", "copy", &pg.url, b.to_str().unwrap()]));
    // The same rows and hashes both ways, for every table of the schema.
    let (t1, t2) = (tables(&there), tables(&back));
    assert_eq!(t1.len(), 19, "{there}");
    assert_eq!(t1, t2);
    for t in [
        "sources",
        "claims",
        "shipments",
        "track_positions",
        "reviews",
        "users",
        "audit",
    ] {
        let line = t1.iter().find(|l| l.starts_with(&format!("{t} "))).unwrap();
        assert!(
            !line.starts_with(&format!("{t} 0 ")),
            "{t} was empty: {line}"
        );
    }
    // PostgreSQL holds the rows as SQLite did.
    let mut c = pg.client();
    let n: i64 = c
        .query_one("SELECT count(*) FROM claims", &[])
        .unwrap()
        .get(0);
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&bw(&a, &["query", "claims", "--format", "json"]))).unwrap();
    assert_eq!(n as usize, listed.as_array().map_or(0, Vec::len));

    // The copy back is a whole store: it checks, and the analysis of it is the same.
    let check = ok(&bw(&b, &["db", "check"]));
    assert!(check.starts_with("ok: schema"), "{check}");
    let (ja, jb) = (dir.join("a.json"), dir.join("b.json"));
    for (db, j) in [(&a, &ja), (&b, &jb)] {
        ok(&bw(
            db,
            &["analyze", "--format", "json", "--out", j.to_str().unwrap()],
        ));
    }
    assert_eq!(std::fs::read(&ja).unwrap(), std::fs::read(&jb).unwrap());
    // The team's store recorded the copies in its audit log: the entry went with the copy.
    let log = ok(&bw(&b, &["audit", "--action", "export"]));
    assert!(log.contains("db copy to postgres://"), "{log}");
    assert!(log.contains("db copy from postgres://"), "{log}");
}

#[test]
fn postgresql_keeps_reviews_and_the_audit_log_append_only() {
    let Some(pg) = Database::new("appendonly") else {
        return;
    };
    let dir = tmp("pgcopy", "appendonly");
    let a = dir.join("a.db");
    full_store(&a);
    ok(&bw(&a, &["db", "copy", a.to_str().unwrap(), &pg.url]));
    let mut c = pg.client();
    for (sql, why) in [
        ("UPDATE reviews SET note = 'x'", "reviews are never changed"),
        ("DELETE FROM reviews", "reviews are never deleted"),
        ("TRUNCATE reviews CASCADE", "reviews are never deleted"),
        (
            "UPDATE audit SET actor = 'x'",
            "the audit log is never changed",
        ),
        ("DELETE FROM audit", "the audit log is never deleted from"),
    ] {
        let e = c.batch_execute(sql).unwrap_err();
        let msg = e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_default();
        assert!(msg.contains(why), "{sql}: {msg}");
    }
    // New rows get ids after the copied ones.
    let next: i64 = c
        .query_one(
            "INSERT INTO reasons (text) VALUES ('a reason no claim has') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    let max: i64 = c
        .query_one("SELECT max(id) FROM reasons WHERE id < $1", &[&next])
        .unwrap()
        .get(0);
    assert_eq!(next, max + 1);
}

#[test]
fn a_destination_that_holds_anything_is_refused() {
    let Some(pg) = Database::new("refused") else {
        return;
    };
    let dir = tmp("pgcopy", "refused");
    let a = dir.join("a.db");
    full_store(&a);
    // A database with another program's table is not written to.
    pg.client()
        .batch_execute("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x')")
        .unwrap();
    let o = bw(&a, &["db", "copy", a.to_str().unwrap(), &pg.url]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(err(&o).contains("not an empty database"), "{}", err(&o));
    let n: i64 = pg
        .client()
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 1, "the refused copy created tables");
    // …nor read as a store.
    let o = bw(
        &a,
        &["db", "copy", &pg.url, dir.join("c.db").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(err(&o).contains("not a borderwatch store"), "{}", err(&o));
    assert!(!dir.join("c.db").exists());
    // An SQLite path that exists is never overwritten.
    let o = bw(&a, &["db", "copy", &pg.url, a.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(err(&o).contains("already exists"), "{}", err(&o));
}

#[test]
fn errors_never_show_a_password() {
    let dir = tmp("pgcopy", "password");
    let a = dir.join("a.db");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let o = bw(&a, &["ingest", examples.to_str().unwrap()]);
    assert!(matches!(o.status.code(), Some(0 | 2)), "{o:?}");
    // Port 9 on loopback: nothing listens, the connection is refused.
    for url in [
        "postgres://ana:hunter2-secret@127.0.0.1:9/bw",
        "postgres://ana@127.0.0.1:9/bw?password=hunter2-secret",
    ] {
        let o = bw(&a, &["db", "copy", a.to_str().unwrap(), url]);
        assert_eq!(o.status.code(), Some(2), "{o:?}");
        let e = err(&o);
        assert!(e.contains("cannot connect"), "{e}");
        assert!(e.contains("127.0.0.1:9/bw"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
    }
    // Between two SQLite files the command says what to use instead.
    let o = bw(
        &a,
        &[
            "db",
            "copy",
            a.to_str().unwrap(),
            dir.join("b.db").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(err(&o).contains("db backup"), "{}", err(&o));
}
