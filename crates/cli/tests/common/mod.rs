//! Helpers shared by the command-line tests: run the binary on a database, read its output,
//! make a fresh scratch folder, start a server.

#![allow(dead_code)] // each test file uses some of these

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

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

/// Starts `borderwatch --db DB serve --addr ADDR EXTRA…` and waits for its first line
/// ("listening on http://HOST:PORT/ …"); returns the process and `HOST:PORT`.
pub fn serve(db: &Path, addr: &str, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .arg("--db")
        .arg(db)
        .args(["serve", "--addr", addr])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    (child, addr)
}

/// The string `field` of every item of a JSON list ("" where an item has none), for asserting
/// a list's kinds, actions or quotes in one line.
pub fn texts<'a>(list: &'a serde_json::Value, field: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|x| x[field].as_str().unwrap_or_default())
        .collect()
}
