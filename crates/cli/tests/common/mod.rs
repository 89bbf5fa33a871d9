//! Helpers shared by the command-line tests: run the binary on a database, read its output,
//! make a fresh scratch folder.

#![allow(dead_code)] // each test file uses some of these

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `borderwatch --db DB ARGS…`.
pub fn bw(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("binary runs")
}

pub fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// An empty folder for one test (`group` keeps test files apart).
pub fn tmp(group: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bw-{group}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
