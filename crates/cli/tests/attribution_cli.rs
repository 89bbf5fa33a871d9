//! Who said it never reaches a default output. A property over the example reports, our test
//! reports, the attribution fixtures (`tests/attribution/`: HTML tags and entities, Markdown
//! emphasis, speakers the extractor misses, a context sentence with its own speaker) and the
//! observer reports the simulation generates: no output of any command, format or API route
//! contains a word that the sources use only to name who said something, nor the folders the
//! files were ingested from; and `--include-attribution` / `include_attribution=true` does show
//! who said it.
//!
//! The words naming a speaker are the attribution spans the extractor finds plus the phrases
//! listed in `tests/attribution/speakers.txt` (written by hand, for the speakers it misses). A
//! word counts when it is not a stop word and the corpus uses it nowhere else, so a place named
//! both in an attribution and in a claim may still be shown.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use common::tmp;
use serde_json::Value;

/// The folder the corpus is copied into: no output may name it.
const PRIVATE: &str = "analyst-private-folder";

/// Words too common to identify anyone, and the words of the marker and the field names.
const STOP: &[&str] = &[
    "the", "and", "who", "that", "from", "with", "for", "our", "one", "them", "two", "this",
    "source", "sources", "withheld", "named", "called", "quote", "its", "not", "could", "located",
    "another",
];

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bw_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// Report files under `root`, as names relative to it.
fn reports(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if ["txt", "md", "html"]
                .iter()
                .any(|x| p.extension().is_some_and(|e| e == *x))
            {
                let rel = p.strip_prefix(root).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect()
}

/// What a corpus hides: per file, the byte ranges naming a speaker; and the words only those
/// ranges use.
struct Hidden {
    spans: BTreeMap<String, Vec<(usize, usize)>>,
    secret: BTreeSet<String>,
    /// Every attribution the extractor found, as it gives it with `--include-attribution`.
    attributions: BTreeSet<String>,
}

fn hidden(root: &Path) -> Hidden {
    let files = reports(root);
    let listed =
        std::fs::read_to_string(manifest().join("tests/attribution/speakers.txt")).unwrap();
    let listed: Vec<(String, String)> = listed
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (f, p) = l.split_once('\t').expect("FILE<TAB>phrase");
            (f.to_string(), p.to_string())
        })
        .collect();
    let mut spans: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    let mut attributions = BTreeSet::new();
    let mut texts = BTreeMap::new();
    let mut args = vec!["extract", "--include-attribution", "--format", "jsonl"];
    args.extend(files.iter().map(String::as_str));
    let o = bw_in(root, &args);
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        let c: Value = serde_json::from_str(line).unwrap();
        let v = spans
            .entry(c["source"].as_str().unwrap().to_string())
            .or_default();
        if let Some(a) = c["evidence"]["attribution"].as_str() {
            attributions.insert(a.to_string());
        }
        if let Some(s) = c["evidence"]["attribution_span"].as_array() {
            v.push((
                s[0].as_u64().unwrap() as usize,
                s[1].as_u64().unwrap() as usize,
            ));
        }
    }
    for f in &files {
        let bytes = std::fs::read(root.join(f)).unwrap();
        let raw = String::from_utf8_lossy(&bytes).into_owned();
        let v = spans.entry(f.clone()).or_default();
        for (lf, phrase) in &listed {
            if lf == f || lf == "*" {
                v.extend(
                    raw.match_indices(phrase.as_str())
                        .map(|(i, m)| (i, i + m.len())),
                );
            }
        }
        texts.insert(f.clone(), raw);
    }
    // The words inside the spans, less those the corpus uses anywhere else.
    let mut inside = BTreeSet::new();
    let mut outside = BTreeSet::new();
    for (f, raw) in &texts {
        let mut blanked = raw.clone().into_bytes();
        for &(s, e) in &spans[f] {
            inside.extend(words(&raw[s..e]));
            for b in &mut blanked[s..e] {
                *b = b' ';
            }
        }
        outside.extend(words(&String::from_utf8_lossy(&blanked)));
    }
    let stop: BTreeSet<String> = STOP.iter().map(|s| s.to_string()).collect();
    // Markup inside a span is not a word of it.
    let markup = ["nbsp", "amp", "quot"];
    let secret = inside
        .into_iter()
        .filter(|w| !outside.contains(w) && !stop.contains(w) && !markup.contains(&w.as_str()))
        .collect();
    Hidden {
        spans,
        secret,
        attributions,
    }
}

/// A running `borderwatch serve`, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(db: &Path) -> Server {
        let (child, addr) = common::serve(db, "127.0.0.1:0", &[]);
        Server { child, addr }
    }

    fn call(&self, method: &str, path: &str, body: &str) -> String {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.0\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let at = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(0, |p| p + 4);
        let body = String::from_utf8_lossy(&raw[at..]).into_owned();
        let head = String::from_utf8_lossy(&raw[..at]);
        assert!(
            head.contains(" 200 ") || head.contains(" 201 "),
            "{method} {path}: {head}{body}"
        );
        body
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every default output over the corpus at `root`, labelled.
fn default_outputs(root: &Path, work: &Path) -> Vec<(String, String)> {
    let db = work.join("store.db");
    let dbs = db.to_str().unwrap();
    let files = reports(root);
    let mut out = Vec::new();
    let mut add = |label: &str, s: String| out.push((label.to_string(), s));
    let o = bw_in(work, &["--db", dbs, "ingest", root.to_str().unwrap()]);
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", text(&o));
    add("ingest", text(&o));
    for fmt in ["jsonl", "json", "md"] {
        let mut args = vec!["extract", "--format", fmt];
        args.extend(files.iter().map(String::as_str));
        add(
            &format!("extract --format {fmt}"),
            text(&bw_in(root, &args)),
        );
    }
    let q = |args: &[&str]| {
        let mut a = vec!["--db", dbs];
        a.extend_from_slice(args);
        text(&bw_in(work, &a))
    };
    for what in ["claims", "sources", "issues", "shipments"] {
        for fmt in ["json", "csv", "table"] {
            add(
                &format!("query {what} --format {fmt}"),
                q(&["query", what, "--format", fmt]),
            );
        }
    }
    let claims: Value = serde_json::from_str(&String::from_utf8_lossy(
        &bw_in(work, &["--db", dbs, "query", "claims", "--format", "json"]).stdout,
    ))
    .unwrap();
    let ids: Vec<i64> = claims
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(!ids.is_empty());
    // Every claim is in the JSON above; `show` and the API's single claim for a spread of them.
    let step = ids.len().div_ceil(40);
    let ids: Vec<i64> = ids.into_iter().step_by(step).collect();
    for id in &ids {
        add(
            &format!("show claim {id}"),
            q(&["show", "claim", &id.to_string()]),
        );
    }
    // Reviews: a confirmation and a correction on some claims, and a claim added over the
    // whole evidence of another (its quote holds who said it); then every review output.
    for (i, c) in claims
        .as_array()
        .unwrap()
        .iter()
        .step_by(step)
        .take(6)
        .enumerate()
    {
        let id = c["id"].as_i64().unwrap().to_string();
        let o = if i % 2 == 0 {
            q(&["review", "confirm", &id, "--reviewer", "ana"])
        } else {
            q(&[
                "review",
                "correct",
                &id,
                "--mode",
                "road",
                "--reviewer",
                "ana",
            ])
        };
        add(&format!("review of claim {id}"), o);
        let [a, b] = [
            c["evidence"]["span"][0].as_u64().unwrap(),
            c["evidence"]["span"][1].as_u64().unwrap(),
        ];
        let span = format!("{a}..{b}");
        let source = c["source_id"].as_i64().unwrap().to_string();
        add(
            &format!("review add on source {source}"),
            q(&[
                "review", "add", "--source", &source, "--span", &span, "--kind", "storage",
            ]),
        );
        add(
            &format!("review history {id}"),
            q(&["review", "history", &id]),
        );
        add(
            &format!("review history {id} --format json"),
            q(&["review", "history", &id, "--format", "json"]),
        );
        add(
            &format!("show claim {id} (reviewed)"),
            q(&["show", "claim", &id]),
        );
    }
    for fmt in ["table", "json"] {
        add(
            &format!("review queue --format {fmt}"),
            q(&["review", "queue", "--limit", "500", "--format", fmt]),
        );
        add(
            &format!("review orphans --format {fmt}"),
            q(&["review", "orphans", "--format", fmt]),
        );
    }
    let gold = work.join("gold-out");
    add(
        "review export-gold",
        q(&["review", "export-gold", gold.to_str().unwrap()]),
    );
    for sub in ["reports", "gold"] {
        for e in std::fs::read_dir(gold.join(sub)).unwrap() {
            let p = e.unwrap().path();
            add(
                &format!("export-gold {}", p.display()),
                String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned(),
            );
        }
    }
    for fmt in ["md", "json", "html"] {
        add(
            &format!("analyze --format {fmt}"),
            q(&["analyze", "--format", fmt]),
        );
    }
    for args in [
        &["export", "--format", "geojson"][..],
        &["export", "--format", "kml"],
        &["export", "--format", "ftm"],
        &["export", "--format", "csv", "--what", "claims"],
        &["export", "--format", "csv", "--what", "corridors"],
    ] {
        add(&args.join(" "), q(args));
    }
    // The main job writes the report where asked; its own lines name the paths it was given.
    let run_db = work.join("run.db");
    let report = work.join("report.html");
    let o = bw_in(
        work,
        &[
            "--db",
            run_db.to_str().unwrap(),
            "run",
            "--fresh",
            root.to_str().unwrap(),
            "--out",
            report.to_str().unwrap(),
        ],
    );
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", text(&o));
    add(
        "run: the HTML report",
        std::fs::read_to_string(&report).unwrap(),
    );
    let server = Server::start(&db);
    for path in [
        "/api/claims?limit=500".to_string(),
        "/api/findings".into(),
        "/api/corridors".into(),
        "/api/sources".into(),
        "/api/issues".into(),
    ] {
        add(&format!("GET {path}"), server.call("GET", &path, ""));
    }
    for id in &ids {
        let path = format!("/api/claims/{id}");
        add(&format!("GET {path}"), server.call("GET", &path, ""));
    }
    let corridors: Value = serde_json::from_str(&server.call("GET", "/api/corridors", "")).unwrap();
    for c in corridors["corridors"].as_array().into_iter().flatten() {
        let path = format!(
            "/api/corridors/{}",
            c["id"].as_str().unwrap().replace('>', "%3E")
        );
        add(&format!("GET {path}"), server.call("GET", &path, ""));
    }
    let sources: Value = serde_json::from_str(&server.call("GET", "/api/sources", "")).unwrap();
    for s in sources["sources"].as_array().unwrap() {
        let path = format!("/api/sources/{}?text=true", s["id"]);
        add(&format!("GET {path}"), server.call("GET", &path, ""));
    }
    for f in &files {
        let body = serde_json::json!({
            "text": std::fs::read_to_string(root.join(f)).unwrap(),
            "name": Path::new(f).file_name().unwrap().to_str().unwrap(),
        });
        add(
            &format!("POST /api/extract {f}"),
            server.call("POST", "/api/extract", &body.to_string()),
        );
    }
    drop(server);
    // Uploads into a store that holds none of them yet: what each upload answers, and what the
    // store then serves of them.
    let empty = work.join("nothing-yet");
    std::fs::create_dir_all(&empty).unwrap();
    let up_db = work.join("uploads.db");
    let o = bw_in(
        work,
        &[
            "--db",
            up_db.to_str().unwrap(),
            "ingest",
            empty.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let server = Server::start(&up_db);
    for f in &files {
        let name = Path::new(f).file_name().unwrap().to_str().unwrap();
        let path = format!("/api/sources?name={}", name.replace(' ', "%20"));
        let body = std::fs::read_to_string(root.join(f)).unwrap();
        add(&format!("POST {path}"), server.call("POST", &path, &body));
    }
    let sources: Value = serde_json::from_str(&server.call("GET", "/api/sources", "")).unwrap();
    let n = sources["sources"].as_array().unwrap().len();
    assert!(
        n > 0 && n <= files.len(),
        "{n} sources from {} uploads",
        files.len()
    );
    add(
        "uploads: GET /api/claims",
        server.call("GET", "/api/claims?limit=500", ""),
    );
    for s in sources["sources"].as_array().unwrap() {
        let path = format!("/api/sources/{}?text=true", s["id"]);
        add(
            &format!("uploads: GET {path}"),
            server.call("GET", &path, ""),
        );
    }
    out
}

fn assert_nothing_leaks(root: &Path, work: &Path, h: &Hidden) {
    assert!(
        !h.secret.is_empty(),
        "the corpus hides no words: the test would prove nothing"
    );
    let mut leaks = Vec::new();
    for (label, s) in default_outputs(root, work) {
        if s.contains(PRIVATE) {
            leaks.push(format!("{label}: names the folder ingested"));
        }
        let found: BTreeSet<String> = words(&s)
            .into_iter()
            .filter(|w| h.secret.contains(w))
            .collect();
        if !found.is_empty() {
            leaks.push(format!("{label}: {found:?}"));
        }
    }
    assert!(
        leaks.is_empty(),
        "who said it leaks ({} outputs):\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

fn private_corpus(name: &str) -> (PathBuf, PathBuf) {
    let work = tmp("attribution", name);
    let root = work.join(PRIVATE).join("..").join(PRIVATE).join("corpus");
    std::fs::create_dir_all(&root).unwrap();
    (work, root)
}

/// The example reports and shipments, our test reports and the attribution fixtures.
fn written_corpus(name: &str) -> (PathBuf, PathBuf) {
    let (work, root) = private_corpus(name);
    let m = manifest();
    copy_dir(&m.join("../../examples"), &root);
    copy_dir(&m.join("../../tests/reports"), &root.join("reports"));
    copy_dir(&m.join("tests/attribution/reports"), &root.join("reports"));
    (work, root)
}

#[test]
fn no_default_output_names_a_speaker_of_our_reports() {
    let (work, root) = written_corpus("written");
    let h = hidden(&root);
    for w in [
        "smuggler",
        "ryom",
        "gwang",
        "byung",
        "forwarders",
        "logistics",
        "jang",
    ] {
        assert!(h.secret.contains(w), "{w} is hidden: {:?}", h.secret);
    }
    assert_nothing_leaks(&root, &work, &h);
}

#[test]
fn no_default_output_names_a_speaker_of_generated_reports() {
    let (work, root) = private_corpus("generated");
    let o = bw_in(
        &work,
        &["simulate", "--days", "45", "--out", root.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!reports(&root).is_empty(), "the simulation wrote reports");
    let h = hidden(&root);
    assert_nothing_leaks(&root, &work, &h);
}

#[test]
fn include_attribution_shows_who_said_it() {
    let (work, root) = written_corpus("included");
    let h = hidden(&root);
    assert!(
        // The speaker, not the listener of "told our reporter".
        h.attributions.contains("two freight forwarders in Dandong"),
        "{:?}",
        h.attributions
    );
    let db = work.join("store.db");
    let dbs = db.to_str().unwrap();
    let o = bw_in(&work, &["--db", dbs, "ingest", root.to_str().unwrap()]);
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", text(&o));
    let q = |args: &[&str]| {
        let mut a = vec!["--db", dbs];
        a.extend_from_slice(args);
        text(&bw_in(&work, &a))
    };
    let mut outputs = vec![
        (
            "query claims --format json --include-attribution".to_string(),
            q(&[
                "query",
                "claims",
                "--format",
                "json",
                "--include-attribution",
            ]),
        ),
        (
            "export --format csv --what claims --include-attribution".into(),
            q(&[
                "export",
                "--format",
                "csv",
                "--what",
                "claims",
                "--include-attribution",
            ]),
        ),
    ];
    let files = reports(&root);
    let mut args = vec!["extract", "--include-attribution", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    outputs.push((
        "extract --include-attribution".into(),
        text(&bw_in(&root, &args)),
    ));
    let server = Server::start(&db);
    outputs.push((
        "GET /api/claims?include_attribution=true".into(),
        server.call("GET", "/api/claims?limit=500&include_attribution=true", ""),
    ));
    for (label, s) in &outputs {
        for a in &h.attributions {
            assert!(s.contains(a.as_str()), "{label} lacks {a:?}");
        }
    }
    // One claim shown whole, and a source's text as archived.
    let claims: Value = serde_json::from_str(&q(&["query", "claims", "--format", "json"])).unwrap();
    let with = claims
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["source"] == "reports/02_dandong_crackdown.md")
        .unwrap();
    let id = with["id"].to_string();
    let shown = q(&["show", "claim", &id, "--include-attribution"]);
    assert!(
        shown.contains("\"attribution\": \"a trader in Dandong\""),
        "{shown}"
    );
    assert!(!q(&["show", "claim", &id]).contains("a trader in Dandong"));
    let src = with["source_id"].to_string();
    let full = server.call(
        "GET",
        &format!("/api/sources/{src}?text=true&include_attribution=true"),
        "",
    );
    assert!(full.contains("a trader in Dandong said"), "{full}");
    let masked = server.call("GET", &format!("/api/sources/{src}?text=true"), "");
    let v: Value = serde_json::from_str(&masked).unwrap();
    let f: Value = serde_json::from_str(&full).unwrap();
    assert_eq!(
        v["text"].as_str().unwrap().len(),
        f["text"].as_str().unwrap().len(),
        "masking keeps byte offsets"
    );
    // Spans hidden in the text are still inside it.
    let spans = &h.spans["reports/02_dandong_crackdown.md"];
    assert!(!spans.is_empty());
}

#[test]
fn no_default_output_names_a_speaker_of_the_shared_corpus() {
    let corpus = manifest().join("../../../shared/corpus/reports");
    if !corpus.is_dir() {
        println!("skipping: {} is absent", corpus.display());
        return;
    }
    let (work, root) = private_corpus("shared");
    copy_dir(&corpus, &root.join("reports"));
    let h = hidden(&root);
    assert_nothing_leaks(&root, &work, &h);
}

/// One request to a server with an API token; the status and the body (errors included).
fn ask_as(addr: &str, token: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |p| p + 4);
    let head = String::from_utf8_lossy(&raw[..at]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, String::from_utf8_lossy(&raw[at..]).into_owned())
}

/// On a server with users, a viewer and an analyst never see who said it — by any route,
/// asking for it or not, in an answer or in an error — and a source-handler does.
#[test]
fn on_a_team_server_only_source_handlers_see_who_said_it() {
    let (work, root) = written_corpus("team");
    let h = hidden(&root);
    let db = work.join("store.db");
    let dbs = db.to_str().unwrap();
    let o = bw_in(&work, &["--db", dbs, "ingest", root.to_str().unwrap()]);
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", text(&o));
    let mut tokens = Vec::new();
    for role in ["viewer", "analyst", "source-handler"] {
        let o = bw_in(
            &work,
            &[
                "--db",
                dbs,
                "users",
                "add",
                &role.replace('-', ""),
                "--role",
                role,
            ],
        );
        assert!(o.status.success(), "{}", text(&o));
        let t = String::from_utf8_lossy(&o.stdout)
            .split_whitespace()
            .find(|w| w.starts_with("bwt_"))
            .unwrap()
            .to_string();
        tokens.push((role, t));
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(["--db", dbs, "serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap()
        .to_string();
    let handler = &tokens[2].1;
    let (_, claims) = ask_as(&addr, handler, "GET", "/api/claims?limit=500", "");
    let claims: Value = serde_json::from_str(&claims).unwrap();
    let claims = claims["claims"].as_array().unwrap().clone();
    let (_, corridors) = ask_as(&addr, handler, "GET", "/api/corridors", "");
    let corridors: Value = serde_json::from_str(&corridors).unwrap();
    let (_, sources) = ask_as(&addr, handler, "GET", "/api/sources", "");
    let sources: Value = serde_json::from_str(&sources).unwrap();
    let mut gets: Vec<String> = vec![
        "/api/claims?limit=500".into(),
        "/api/findings".into(),
        "/api/corridors?detail=true".into(),
        "/api/sources".into(),
        "/api/issues".into(),
        "/api/reviews/queue?limit=500".into(),
        "/api/reviews/orphans".into(),
    ];
    for c in &claims {
        gets.push(format!("/api/claims/{}", c["id"]));
        gets.push(format!("/api/claims/{}/reviews", c["id"]));
    }
    for c in corridors["corridors"].as_array().unwrap() {
        gets.push(format!(
            "/api/corridors/{}",
            c["id"].as_str().unwrap().replace('>', "%3E")
        ));
    }
    for s in sources["sources"].as_array().unwrap() {
        gets.push(format!("/api/sources/{}", s["id"]));
        gets.push(format!("/api/sources/{}?text=true", s["id"]));
    }
    let files = reports(&root);
    for (role, token) in &tokens[..2] {
        // An analyst reviews a few claims first, with a note naming a speaker.
        if *role == "analyst" {
            for c in claims.iter().take(3) {
                let body =
                    r#"{"action":"confirm","reviewer":"x","note":"a trader in Dandong said so"}"#;
                let path = format!("/api/claims/{}/reviews", c["id"]);
                let (st, b) = ask_as(&addr, token, "POST", &path, body);
                assert_eq!(st, 201, "{b}");
            }
        }
        let mut leaks = Vec::new();
        let mut check = |label: String, body: &str| {
            let found: BTreeSet<String> = words(body)
                .into_iter()
                .filter(|w| h.secret.contains(w))
                .collect();
            if !found.is_empty() {
                leaks.push(format!("{label}: {found:?}"));
            }
        };
        for path in &gets {
            let (st, body) = ask_as(&addr, token, "GET", path, "");
            check(format!("{role} GET {path} ({st})"), &body);
            let sep = if path.contains('?') { '&' } else { '?' };
            let asked = format!("{path}{sep}include_attribution=true");
            let (st, body) = ask_as(&addr, token, "GET", &asked, "");
            assert_eq!(st, 403, "{role} GET {asked}: {body}");
            assert!(body.contains("\"forbidden\""), "{body}");
            check(format!("{role} GET {asked} ({st})"), &body);
        }
        for f in &files {
            for with in [false, true] {
                let body = serde_json::json!({
                    "text": std::fs::read_to_string(root.join(f)).unwrap(),
                    "name": Path::new(f).file_name().unwrap().to_str().unwrap(),
                    "include_attribution": with,
                });
                let (st, b) = ask_as(&addr, token, "POST", "/api/extract", &body.to_string());
                check(format!("{role} POST /api/extract {f} {with} ({st})"), &b);
            }
        }
        assert!(
            leaks.is_empty(),
            "who said it leaks to a {role}:\n{}",
            leaks.join("\n")
        );
    }
    // The source-handler sees it.
    let (st, body) = ask_as(
        &addr,
        handler,
        "GET",
        "/api/claims?limit=500&include_attribution=true",
        "",
    );
    assert_eq!(st, 200);
    for a in &h.attributions {
        assert!(body.contains(a.as_str()), "the source-handler lacks {a:?}");
    }
    let _ = child.kill();
    let _ = child.wait();
}
