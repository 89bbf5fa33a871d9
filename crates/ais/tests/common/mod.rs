//! Helpers shared by the tests: where the repository and `../shared` are, goldens.
#![allow(dead_code)]

use std::path::PathBuf;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// `../shared` (the public data sets), or `None` after saying why the test skips.
pub fn shared() -> Option<PathBuf> {
    let p = repo().join("../shared");
    if p.join("DESIGN.md").exists() {
        Some(p)
    } else {
        eprintln!("skipped: ../shared is absent (the public data sets live there)");
        None
    }
}

/// Compares `got` with the golden file `tests/expected/NAME`; `BLESS=1` rewrites it.
pub fn golden(name: &str, got: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expected")
        .join(name);
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (BLESS=1 writes it)", path.display()));
    if want != got {
        for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
            if w != g {
                panic!(
                    "{name} differs at line {}:\n want {w}\n  got {g}\n(BLESS=1 rewrites it)",
                    i + 1
                );
            }
        }
        panic!(
            "{name}: {} lines expected, {} got (BLESS=1 rewrites it)",
            want.lines().count(),
            got.lines().count()
        );
    }
}
