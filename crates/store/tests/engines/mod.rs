//! The engines a store test runs on: SQLite always, and PostgreSQL when
//! `BORDERWATCH_TEST_POSTGRES` names a server (`scripts/postgres.sh start`), each test in a
//! database of its own, dropped when the test ends. Without the variable a test says that its
//! PostgreSQL half was skipped.

#![allow(dead_code)]

use borderwatch_store::{Access, Location, Store};

/// One engine's store for one test.
pub struct Engine {
    pub name: &'static str,
    pub at: Location,
    /// The server's admin URL and the database to drop afterwards (PostgreSQL only).
    cleanup: Option<(String, String)>,
}

impl Engine {
    /// Opens (creating on first use) this test's store.
    pub fn open(&self) -> Store {
        Store::open_at(&self.at, Access::Create).unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }

    pub fn is_pg(&self) -> bool {
        matches!(self.at, Location::Postgres(_))
    }

    /// The SQLite file (SQLite-only steps of a test: damage, pragmas).
    pub fn path(&self) -> Option<&std::path::Path> {
        match &self.at {
            Location::Sqlite(p) => Some(p),
            Location::Postgres(_) => None,
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.cleanup {
            if let Ok(mut c) = postgres::Client::connect(admin, postgres::NoTls) {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// A fresh SQLite file for `test` under the temporary folder.
pub fn sqlite(test: &str) -> Engine {
    let d = std::env::temp_dir().join(format!("bw-engines-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    Engine {
        name: "sqlite",
        at: Location::Sqlite(d.join("store.db")),
        cleanup: None,
    }
}

/// A fresh, empty PostgreSQL database for `test`, when a server is configured.
pub fn postgres(test: &str) -> Option<Engine> {
    let Ok(admin) = std::env::var("BORDERWATCH_TEST_POSTGRES") else {
        eprintln!("{test}: PostgreSQL skipped: BORDERWATCH_TEST_POSTGRES is not set (scripts/postgres.sh start)");
        return None;
    };
    let safe: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let mut name = format!("bw_t{}_{safe}", std::process::id());
    name.truncate(63);
    let mut c = postgres::Client::connect(&admin, postgres::NoTls)
        .unwrap_or_else(|e| panic!("BORDERWATCH_TEST_POSTGRES: {e}"));
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    Some(Engine {
        name: "postgresql",
        at: Location::Postgres(format!("{base}/{name}")),
        cleanup: Some((admin.clone(), name)),
    })
}

/// Runs `body` on SQLite and then, when configured, on PostgreSQL.
pub fn each(test: &str, body: impl Fn(&Engine)) {
    body(&sqlite(test));
    if let Some(pg) = postgres(test) {
        body(&pg);
    }
}
