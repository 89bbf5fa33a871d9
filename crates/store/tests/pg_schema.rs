//! The PostgreSQL schema is the SQLite schema in PostgreSQL's types: an empty store copied into
//! a new PostgreSQL database has the same tables, columns (checked by the copy itself) and
//! secondary indexes.
//!
//! Needs `BORDERWATCH_TEST_POSTGRES` (see `scripts/postgres.sh`); without it the test says it
//! was skipped.

use std::collections::BTreeSet;

use borderwatch_store::{copy, Location, Store};

#[test]
fn an_empty_store_has_the_same_tables_and_indexes_on_both_engines() {
    let Ok(admin) = std::env::var("BORDERWATCH_TEST_POSTGRES") else {
        eprintln!("skipped: BORDERWATCH_TEST_POSTGRES is not set (scripts/postgres.sh start)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("bw-pgschema-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("empty.db");
    drop(Store::open(&db).unwrap());

    let name = format!("bw_schema_{}", std::process::id());
    let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);

    let report = copy(
        &Location::Sqlite(db.clone()),
        &Location::Postgres(url.clone()),
    )
    .unwrap();
    assert!(report.tables.iter().all(|t| t.rows == 0));

    let sqlite = rusqlite::Connection::open(&db).unwrap();
    let names = |sql: &str| -> BTreeSet<String> {
        let mut st = sqlite.prepare(sql).unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let sqlite_tables = names("SELECT name FROM sqlite_schema WHERE type = 'table'");
    let sqlite_indexes =
        names("SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%'");

    let mut pg = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let set = |pg: &mut postgres::Client, sql: &str| -> BTreeSet<String> {
        pg.query(sql, &[])
            .unwrap()
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect()
    };
    let mut pg_tables = set(
        &mut pg,
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
    );
    assert!(pg_tables.remove("borderwatch_meta"));
    assert_eq!(pg_tables, sqlite_tables);
    // Keys and unique constraints have their own names on each engine; the rest must match.
    let pg_indexes = set(
        &mut pg,
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' \
         AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'",
    );
    assert_eq!(pg_indexes, sqlite_indexes);
    drop(pg);
    let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
}
