//! `--db postgres://…`: the bundled examples ingested into a PostgreSQL database give the same
//! claims and the same analysis as in an SQLite file, and `db check` passes on both.
//!
//! Needs `BORDERWATCH_TEST_POSTGRES` (see `scripts/postgres.sh`); without it the test says it
//! was skipped.

use std::process::Command;

fn bw(db: &str, args: &[&str]) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let o = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .current_dir(root)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{args:?} on {db}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn the_examples_read_the_same_from_postgres_and_sqlite() {
    let Ok(admin) = std::env::var("BORDERWATCH_TEST_POSTGRES") else {
        eprintln!("skipped: BORDERWATCH_TEST_POSTGRES is not set (scripts/postgres.sh start)");
        return;
    };
    let name = format!("bw_cli_{}", std::process::id());
    let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let pg = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let dir = std::env::temp_dir().join(format!("bw-pgcli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let lite = dir.join("s.db").display().to_string();

    for db in [&lite, &pg] {
        bw(db, &["ingest", "examples"]);
        // A second ingest finds every source already stored.
        assert!(bw(db, &["ingest", "examples"]).contains("new 0"));
        assert!(bw(db, &["db", "check"]).starts_with("ok: schema"));
    }
    for args in [
        &["query", "claims"][..],
        &["query", "shipments"],
        &["analyze", "--format", "json"],
    ] {
        assert_eq!(bw(&pg, args), bw(&lite, args), "{args:?}");
    }
    drop(c);
    let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
}
