//! `borderwatch serve`: every API route and every error code, against a real server on a
//! loopback port over the example data.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Child;

use common::{bw, tmp};
use serde_json::Value;

/// A running `borderwatch serve`, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(db: &Path, extra: &[&str]) -> Server {
        let (child, addr) = common::serve(db, "127.0.0.1:0", extra);
        Server { child, addr }
    }

    /// One request; returns the status and the body.
    fn call(&self, method: &str, path: &str, ctype: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        )
        .unwrap();
        // The server may answer (413) before reading the whole body.
        let _ = s.write_all(body);
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a response head");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
        let mut body = raw[split + 4..].to_vec();
        if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            body = dechunk(&body);
        }
        (status, body)
    }

    /// One request written as given (`head` without the blank line); returns the status, the
    /// head and the body.
    fn raw(&self, head: &str, body: &[u8]) -> (u16, String, Value) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        let _ = write!(s, "{head}\r\nConnection: close\r\n\r\n");
        let _ = s.write_all(body);
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no response head for {head:?}"));
        let h = String::from_utf8_lossy(&raw[..split]).to_string();
        let status: u16 = h.split(' ').nth(1).unwrap().parse().unwrap();
        let v = serde_json::from_slice(&raw[split + 4..]).unwrap_or(Value::Null);
        (status, h, v)
    }

    fn get(&self, path: &str) -> (u16, Value) {
        let (st, b) = self.call("GET", path, "text/plain", b"");
        (st, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    fn post_json(&self, path: &str, body: &str) -> (u16, Value) {
        let (st, b) = self.call("POST", path, "application/json", body.as_bytes());
        (st, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    fn upload(&self, query: &str, body: &[u8]) -> (u16, Value) {
        let (st, b) = self.call(
            "POST",
            &format!("/api/sources?{query}"),
            "application/octet-stream",
            body,
        );
        (st, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let n = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[eol + 2 + n + 2..];
    }
}

/// The error code of an error body.
fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

fn examples_db(name: &str) -> (PathBuf, PathBuf) {
    let dir = tmp("serve", name);
    let db = dir.join("ex.db");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let o = bw(&db, &["ingest", examples.to_str().unwrap()]);
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(2),
        "{o:?}"
    );
    (dir, db)
}

#[test]
fn every_route_answers_over_the_examples() {
    let (dir, db) = examples_db("routes");
    let s = Server::start(&db, &[]);

    let (st, h) = s.get("/api/health");
    assert_eq!(st, 200);
    let total = h["claims"].as_i64().unwrap();
    assert!(total > 10, "{h}");
    assert_eq!(h["read_only"], false);

    let (st, p) = s.get("/api/places");
    assert_eq!(st, 200);
    assert!(p["places"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == "cn.dandong"));
    assert!(p["crossings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == "quanhe-wonjong"));

    // Corridors, and each filter narrowing them.
    let (st, c) = s.get("/api/corridors");
    assert_eq!(st, 200);
    let all = c["corridors"].as_array().unwrap();
    assert!(all.iter().any(|x| x["id"] == "dandong-sinuiju"), "{c}");
    let (_, inbound) = s.get("/api/corridors?direction=inbound&status=prohibited");
    for cor in inbound["corridors"].as_array().unwrap() {
        for f in cor["flows"].as_array().unwrap() {
            assert_eq!(f["direction"], "inbound");
            assert!(f["prohibited_items"].as_u64().unwrap() > 0);
            assert!(
                f.get("goods").is_none(),
                "the summary leaves the goods lists out"
            );
        }
    }
    let (_, detail) = s.get("/api/corridors?direction=inbound&status=prohibited&detail=true");
    for cor in detail["corridors"].as_array().unwrap() {
        for f in cor["flows"].as_array().unwrap() {
            assert!(f["goods"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["prohibited"].as_u64().unwrap() > 0));
        }
    }
    let (_, by_rail) = s.get("/api/corridors?mode=rail&hs=84");
    for cor in by_rail["corridors"].as_array().unwrap() {
        for f in cor["flows"].as_array().unwrap() {
            assert_eq!(f["mode"], "rail");
        }
    }
    let (st, early) = s.get("/api/corridors?until=2000-01-01");
    assert_eq!(st, 200);
    assert!(early["corridors"].as_array().unwrap().len() < all.len());

    let (st, one) = s.get("/api/corridors/dandong-sinuiju");
    assert_eq!(st, 200);
    assert_eq!(one["corridor"]["id"], "dandong-sinuiju");
    assert!(one["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["corridors"]
            .as_array()
            .unwrap()
            .contains(&"dandong-sinuiju".into())));

    // Claims: paging by cursor reaches every claim exactly once.
    let mut seen = Vec::new();
    let mut next = String::new();
    loop {
        let (st, page) = s.get(&format!("/api/claims?limit=4{next}"));
        assert_eq!(st, 200);
        for c in page["claims"].as_array().unwrap() {
            seen.push(c["id"].as_i64().unwrap());
            assert!(
                c["evidence"]["attribution"].is_null(),
                "attribution left out: {c}"
            );
        }
        match page["next"].as_i64() {
            Some(n) => next = format!("&after={n}"),
            None => break,
        }
    }
    assert_eq!(seen.len() as i64, total);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));

    // A leg corridor (no crossing) lists its claims through the analysis.
    let leg = all
        .iter()
        .find(|x| x["kind"] == "leg" && x["claims"].as_u64().unwrap_or(0) > 0)
        .expect("a leg with claims in the examples");
    let leg_id = leg["id"].as_str().unwrap().replace('>', "%3E");
    let (st, on_leg) = s.get(&format!("/api/claims?corridor={leg_id}"));
    assert_eq!(st, 200);
    assert_eq!(
        on_leg["claims"].as_array().unwrap().len() as u64,
        leg["claims"].as_u64().unwrap()
    );
    let (_, q) = s.get("/api/claims?crossing=quanhe-wonjong&direction=inbound&kind=movement");
    for c in q["claims"].as_array().unwrap() {
        assert_eq!(c["via"], "quanhe-wonjong");
        assert_eq!(c["direction"], "inbound");
    }

    let first = seen[0];
    let (st, one) = s.get(&format!("/api/claims/{first}"));
    assert_eq!(st, 200);
    assert_eq!(one["claim"]["id"], first);

    let (st, f) = s.get("/api/findings");
    assert_eq!(st, 200);
    let kinds = common::texts(&f["findings"], "kind");
    assert!(
        kinds.contains(&"warehousing") && kinds.contains(&"transshipment"),
        "{kinds:?}"
    );
    let (_, w) = s.get("/api/findings?kind=warehousing&min_score=0");
    assert!(w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["kind"] == "warehousing"));

    // Sources: metadata, evidence spans inside the text, text only on request.
    let (st, src) = s.get("/api/sources");
    assert_eq!(st, 200);
    let report = src["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == "report" && x["claims"].as_i64().unwrap() > 0)
        .unwrap();
    let id = report["id"].as_i64().unwrap();
    let (_, bare) = s.get(&format!("/api/sources/{id}"));
    assert!(bare["text"].is_null());
    let (st, full) = s.get(&format!("/api/sources/{id}?text=true"));
    assert_eq!(st, 200);
    let text = full["text"].as_str().unwrap();
    let spans = full["evidence"].as_array().unwrap();
    assert!(!spans.is_empty());
    for e in spans {
        let [a, b] = [
            e["span"][0].as_u64().unwrap(),
            e["span"][1].as_u64().unwrap(),
        ];
        assert!(a < b && b as usize <= text.len(), "{e}");
    }

    let (st, _) = s.get("/api/issues");
    assert_eq!(st, 200);

    // Screening by code and by words.
    let (st, v) = s.post_json(
        "/api/screen",
        r#"{"hs":"8418","direction":"inbound","date":"2023-05-01"}"#,
    );
    assert_eq!(st, 200);
    assert_eq!(v["verdicts"][0]["status"], "prohibited");
    assert_eq!(v["verdicts"][0]["measures"][0]["id"], "unsc-2397-op7");
    let (st, v) = s.post_json(
        "/api/screen",
        r#"{"words":"rice","direction":"inbound","date":"2023-05-01"}"#,
    );
    assert_eq!(st, 200);
    assert_eq!(v["verdicts"][0]["status"], "permitted");

    // Extraction preview: claims out, nothing stored.
    let text =
        "Sources say freight trains carried refrigerators from Dandong into Sinuiju on Monday.";
    let (st, x) = s.post_json(
        "/api/extract",
        &serde_json::json!({"text": text, "published": "2023-05-10"}).to_string(),
    );
    assert_eq!(st, 200);
    let claims = x["claims"].as_array().unwrap();
    assert!(
        claims
            .iter()
            .any(|c| c["via"] == "dandong-sinuiju" && c["goods"][0]["hs"] == "8418"),
        "{x}"
    );
    assert_eq!(s.get("/api/health").1["claims"].as_i64().unwrap(), total);

    // Upload: stored once, the picture follows; the same bytes again add nothing.
    let report = b"Cargo trucks loaded with tires crossed from Quanhe into Wonjong on 3 May 2023.";
    let (st, u) = s.upload("name=upload.txt", report);
    assert_eq!(st, 201, "{u}");
    assert_eq!(u["new"], true);
    assert!(u["claims"].as_u64().unwrap() >= 1);
    let (st, again) = s.upload("name=upload-copy.txt", report);
    assert_eq!(st, 200);
    assert_eq!(again["new"], false);
    assert_eq!(again["source"], u["source"]);
    let after = s.get("/api/health").1["claims"].as_i64().unwrap();
    assert_eq!(after, total + u["claims"].as_i64().unwrap());
    let (_, c2) = s.get("/api/corridors");
    let q_claims = |v: &Value| {
        v["corridors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == "quanhe-wonjong")
            .map(|x| x["claims"].as_u64().unwrap())
            .unwrap_or(0)
    };
    assert!(
        q_claims(&c2) > q_claims(&c),
        "the analysis follows the upload"
    );
    let (st, ship) = s.upload(
        "name=rows.csv",
        b"date,hs,description,direction,crossing\n2023-05-01,8418,fridges,inbound,Quanhe\n2023-05-02,xx,bad,inbound,Quanhe\n",
    );
    assert_eq!(st, 201, "{ship}");
    assert_eq!(
        (ship["shipments"].as_u64(), ship["rejected"].as_u64()),
        (Some(1), Some(1))
    );

    // An ingest by another process is seen by the next request (the analysis is keyed by the
    // store's fingerprint).
    let extra = dir.join("later.txt");
    std::fs::write(
        &extra,
        "Freight trains loaded with coal crossed from Tumen into Namyang on 9 June 2023.",
    )
    .unwrap();
    let before = s.get("/api/health").1["claims"].as_i64().unwrap();
    let o = bw(&db, &["ingest", extra.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(s.get("/api/health").1["claims"].as_i64().unwrap() > before);
    let (_, c3) = s.get("/api/corridors");
    assert!(
        c3["corridors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == "tumen-namyang"),
        "{c3}"
    );

    // The OpenAPI document names every route.
    let (st, doc) = s.get("/api/openapi.json");
    assert_eq!(st, 200);
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/health",
        "/api/places",
        "/api/corridors",
        "/api/corridors/{id}",
        "/api/claims",
        "/api/claims/{id}",
        "/api/findings",
        "/api/sources",
        "/api/sources/{id}",
        "/api/issues",
        "/api/screen",
        "/api/extract",
        "/api/vessels",
        "/api/vessels/{mmsi}",
        "/api/tracks",
        "/api/openapi.json",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    assert!(paths["/api/sources"].get("post").is_some());
    // Every operation documents the errors any route can give (an unknown parameter, a Host
    // not allowed, the store failing, the server at its limit), writes also a slow or large
    // body: a client generated from the document knows every status it may be answered.
    for (p, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let mut want = vec!["400", "403", "500", "503"];
            if method == "post" {
                want.extend(["408", "413"]);
            }
            for status in want {
                assert!(
                    responses.contains_key(status),
                    "{method} {p} does not document {status}: {:?}",
                    responses.keys().collect::<Vec<_>>()
                );
            }
        }
    }
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn every_error_code_is_json_from_the_table() {
    let (dir, db) = examples_db("errors");
    let s = Server::start(&db, &["--max-body-mib", "1"]);
    let cases: Vec<(&str, (u16, Value))> = vec![
        ("bad-parameter", s.get("/api/corridors?since=2023-13-01")),
        ("bad-parameter", s.get("/api/claims?direction=sideways")),
        ("bad-parameter", s.get("/api/claims?limit=0")),
        ("bad-parameter", s.get("/api/claims?colour=red")),
        ("bad-parameter", s.get("/api/claims/abc")),
        ("bad-parameter", s.get("/api/corridors?status=maybe")),
        ("bad-body", s.post_json("/api/screen", "{not json")),
        (
            "bad-body",
            s.post_json("/api/screen", r#"{"direction":"inbound","extra":1}"#),
        ),
        (
            "bad-body",
            s.post_json("/api/screen", r#"{"direction":"inbound"}"#),
        ),
        ("not-found", s.get("/api/claims/99999999")),
        ("not-found", s.get("/api/sources/99999999")),
        ("not-found", s.get("/api/corridors/nowhere-nothing")),
        ("not-found", s.get("/api/no-such-route")),
        ("method-not-allowed", {
            let (st, b) = s.call("DELETE", "/api/claims", "application/json", b"");
            (st, serde_json::from_slice(&b).unwrap())
        }),
        (
            "payload-too-large",
            s.upload("name=big.txt", &vec![b'a'; 2 * 1024 * 1024]),
        ),
        (
            "unsupported-file",
            s.upload("name=photo.jpeg", b"\xff\xd8\xff"),
        ),
        (
            "bad-input",
            s.upload("name=binary.txt", b"\x00\x01\x02\x03binary\x00\x00\x00"),
        ),
        (
            "unknown-goods",
            s.post_json("/api/screen", r#"{"words":"zzqx","direction":"inbound"}"#),
        ),
    ];
    for (want, (status, body)) in &cases {
        assert_eq!(code(body), *want, "{body}");
        let expected = match *want {
            "bad-parameter" | "bad-body" => 400,
            "not-found" => 404,
            "method-not-allowed" => 405,
            "payload-too-large" => 413,
            "unsupported-file" => 415,
            "bad-input" | "unknown-goods" => 422,
            _ => 0,
        };
        assert_eq!(*status, expected, "{want}: {body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    drop(s);

    // Read-only: reads work, uploads are refused, the store is not touched.
    let ro = Server::start(&db, &["--read-only"]);
    assert_eq!(ro.get("/api/health").1["read_only"], true);
    assert_eq!(ro.get("/api/corridors").0, 200);
    let (st, b) = ro.upload("name=x.txt", b"Trucks crossed from Dandong.");
    assert_eq!((st, code(&b)), (403, "read-only"), "{b}");
    drop(ro);

    // The store failing under a running server is `store-failed` (500), not a hang or a panic.
    let broken = dir.join("broken.db");
    std::fs::copy(&db, &broken).unwrap();
    let bs = Server::start(&broken, &["--read-only"]);
    assert_eq!(bs.get("/api/health").0, 200);
    std::fs::write(&broken, vec![b'x'; 8192]).unwrap();
    let (st, b) = bs.get("/api/claims?limit=1");
    assert_eq!((st, code(&b)), (500, "store-failed"), "{b}");
    drop(bs);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_missing_store_or_a_busy_port_is_a_clear_error() {
    let dir = tmp("serve", "start");
    let o = bw(
        &dir.join("absent.db"),
        &["serve", "--read-only", "--addr", "127.0.0.1:0"],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("absent.db") && err.contains("no such database"),
        "{err}"
    );
    let (_d, db) = examples_db("busy");
    let s = Server::start(&db, &[]);
    let o = bw(&db, &["serve", "--addr", &s.addr]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&s.addr) && err.contains("cannot listen"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// An upload is preceded by the quick check `ingest` runs: damage done to the store while the
/// server runs is found before the upload is written over it (`store-failed`, nothing stored).
#[test]
fn an_upload_into_a_store_damaged_since_start_is_refused() {
    let (dir, db) = examples_db("damaged");
    let copy = dir.join("copy.db");
    assert!(bw(&db, &["db", "backup", copy.to_str().unwrap()])
        .status
        .success());
    let s = Server::start(&copy, &[]);
    assert_eq!(s.get("/api/health").0, 200);
    // Garbage over two pages near the end: the store still opens, a check finds the damage.
    let mut bytes = std::fs::read(&copy).unwrap();
    let n = bytes.len();
    assert!(n > 8 * 4096, "{n}");
    for b in &mut bytes[n - 3 * 4096..n - 4096] {
        *b = 0x5a;
    }
    std::fs::write(&copy, &bytes).unwrap();
    let wal = PathBuf::from(format!("{}-wal", copy.display()));
    let wal_len = || std::fs::metadata(&wal).map_or(0, |m| m.len());
    let before = wal_len();
    let (st, b) = s.upload(
        "name=new.txt",
        b"Trains carried rice from Dandong to Sinuiju in May 2023.\n",
    );
    assert_eq!((st, code(&b)), (500, "store-failed"), "{b}");
    let msg = b["error"]["message"].as_str().unwrap();
    assert!(msg.contains("damaged") && msg.contains("copy.db"), "{msg}");
    assert_eq!(std::fs::read(&copy).unwrap(), bytes, "nothing was written");
    assert_eq!(wal_len(), before, "nothing was logged");
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}

/// `(status, code)` of a response.
fn sc((st, _, v): (u16, String, Value)) -> (u16, String) {
    (st, code(&v).to_string())
}

#[test]
fn only_loopback_or_allowed_hosts_are_answered() {
    let (dir, db) = examples_db("hosts");
    let s = Server::start(&db, &["--allow-host", "borderwatch.lan"]);
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    for host in [
        s.addr.clone(),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
        "127.0.0.1".to_string(),
        "borderwatch.lan".to_string(),
        format!("borderwatch.lan:{port}"),
    ] {
        let r = s.raw(&format!("GET /api/health HTTP/1.1\r\nHost: {host}"), b"");
        assert_eq!(r.0, 200, "{host}: {r:?}");
    }
    // A page whose name was rebound to 127.0.0.1 sends its own name.
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("borderwatch.lan.evil:{port}"),
        "".to_string(),
    ] {
        for path in ["/api/health", "/api/claims", "/", "/index.html"] {
            let r = s.raw(&format!("GET {path} HTTP/1.1\r\nHost: {host}"), b"");
            assert_eq!(
                sc(r.clone()),
                (403, "host-not-allowed".into()),
                "{host} {path}: {r:?}"
            );
            assert!(r.2["error"]["message"]
                .as_str()
                .unwrap()
                .contains("--allow-host"));
        }
    }
    // No Host at all (HTTP/1.0) is refused too.
    let r = s.raw("GET /api/health HTTP/1.0", b"");
    assert_eq!(sc(r), (403, "host-not-allowed".into()));
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn writes_from_other_origins_or_without_a_preflighted_type_are_refused() {
    let (dir, db) = examples_db("origin");
    let s = Server::start(&db, &[]);
    let host = &s.addr;
    let screen = br#"{"hs":"8418","direction":"inbound","date":"2023-05-01"}"#;
    let post = |path: &str, extra: &str, body: &[u8]| {
        s.raw(
            &format!(
                "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}{extra}",
                body.len()
            ),
            body,
        )
    };
    // The UI's own requests: same origin, JSON or octet-stream.
    let same = format!("\r\nOrigin: http://{host}");
    let ok = post(
        "/api/screen",
        &format!("{same}\r\nContent-Type: application/json"),
        screen,
    );
    assert_eq!(ok.0, 200, "{ok:?}");
    let ok = post(
        "/api/sources?name=same-origin.txt",
        &format!("{same}\r\nContent-Type: application/octet-stream"),
        b"Trucks carried tires from Quanhe into Wonjong on 4 May 2023.",
    );
    assert_eq!(ok.0, 201, "{ok:?}");
    // Another origin, a sandboxed page (`null`), or a lookalike port: refused.
    for origin in [
        "http://evil.example".to_string(),
        "null".to_string(),
        format!("http://{host}.evil.example"),
        "http://127.0.0.1:1".to_string(),
        format!("file://{host}"),
    ] {
        for (path, ctype, body) in [
            ("/api/screen", "application/json", &screen[..]),
            ("/api/extract", "application/json", br#"{"text":"x"}"#),
            (
                "/api/sources?name=forged.txt",
                "application/octet-stream",
                b"Forged report.",
            ),
        ] {
            let r = post(
                path,
                &format!("\r\nOrigin: {origin}\r\nContent-Type: {ctype}"),
                body,
            );
            assert_eq!(
                sc(r.clone()),
                (403, "cross-origin-write".into()),
                "{origin} {path}: {r:?}"
            );
        }
    }
    // What a form or a no-cors fetch can send without asking: a simple type (or none) and no
    // Origin (older browsers, other tools) — refused unless the X-Borderwatch header says a
    // program sent it.
    for ctype in [
        "",
        "\r\nContent-Type: text/plain",
        "\r\nContent-Type: text/plain; charset=utf-8",
        "\r\nContent-Type: application/x-www-form-urlencoded",
        "\r\nContent-Type: multipart/form-data; boundary=x",
        "\r\nContent-Type: Text/Plain",
    ] {
        let r = post(
            "/api/sources?name=form.txt",
            ctype,
            b"A forged report from a form.",
        );
        assert_eq!(
            sc(r.clone()),
            (403, "cross-origin-write".into()),
            "{ctype:?}: {r:?}"
        );
        assert!(r.2["error"]["message"]
            .as_str()
            .unwrap()
            .contains("x-borderwatch"));
    }
    let ok = post(
        "/api/sources?name=scripted.txt",
        "\r\nContent-Type: text/plain\r\nX-Borderwatch: 1",
        b"Trucks carried tires from Quanhe into Wonjong on 5 May 2023.",
    );
    assert_eq!(ok.0, 201, "{ok:?}");
    // Nothing forged was stored.
    let (_, src) = s.get("/api/sources");
    let names: Vec<&str> = src["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.contains("forged") || n.contains("form")),
        "{names:?}"
    );
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn unknown_parameters_bad_values_and_ambiguous_bodies_are_refused() {
    let (dir, db) = examples_db("params");
    let s = Server::start(&db, &[]);
    for path in [
        "/api/health?verbose=1",
        "/api/places?x=1",
        "/api/sources?all=true",
        "/api/issues?limit=3",
        "/api/openapi.json?format=yaml",
        "/api/corridors?colour=red",
        "/api/findings?kind=garbage",
        "/api/findings?corridor=nowhere",
        "/api/findings?min_score=NaN",
        "/api/claims?crossing=nowhere",
        "/api/claims?corridor=nowhere",
        "/api/claims?corridor=",
        "/api/claims?place=atlantis",
        "/api/claims?kind=movement&kind=storage",
        "/api/claims?include_attribution=maybe",
        "/api/sources/1?text=yes",
    ] {
        let (st, v) = s.get(path);
        assert_eq!((st, code(&v)), (400, "bad-parameter"), "{path}: {v}");
    }
    // Known values still pass; a well-formed corridor the store has no claims on has none.
    assert_eq!(s.get("/api/findings?kind=warehousing").0, 200);
    let (st, v) = s.get("/api/claims?corridor=kp.kaesong%3Ekp.nampo");
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["claims"].as_array().map(Vec::len), Some(0), "{v}");
    assert_eq!(s.get("/api/findings?corridor=dandong-sinuiju").0, 200);
    assert_eq!(
        s.get("/api/claims?crossing=dandong-sinuiju&place=cn.dandong")
            .0,
        200
    );
    let screen = r#"{"hs":"8418","direction":"inbound"}"#;
    for (path, body) in [
        ("/api/screen?x=1", screen),
        ("/api/extract?x=1", r#"{"text":"x"}"#),
    ] {
        let (st, v) = s.post_json(path, body);
        assert_eq!((st, code(&v)), (400, "bad-parameter"), "{path}: {v}");
    }
    // A key given twice is ambiguous.
    for body in [
        r#"{"hs":"8418","direction":"inbound","direction":"outbound"}"#,
        r#"{"text":"a","text":"b"}"#,
    ] {
        let path = if body.contains("text") {
            "/api/extract"
        } else {
            "/api/screen"
        };
        let (st, v) = s.post_json(path, body);
        assert_eq!((st, code(&v)), (400, "bad-body"), "{body}: {v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("duplicate"),
            "{v}"
        );
    }
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn screening_values_and_sizes_are_bounded() {
    let (dir, db) = examples_db("screen-caps");
    let s = Server::start(&db, &[]);
    // A luxury item's value decides its verdict: a value that is not a non-negative number
    // must not make it `permitted`.
    for v in ["-1", "-0.5", "1e400"] {
        let (st, b) = s.post_json(
            "/api/screen",
            &format!(
                r#"{{"hs":"8703","direction":"inbound","date":"2023-05-01","value_usd":{v}}}"#
            ),
        );
        assert!(
            st == 400 && ["bad-parameter", "bad-body"].contains(&code(&b)),
            "{v}: {st} {b}"
        );
    }
    let (st, _) = s.post_json(
        "/api/screen",
        r#"{"hs":"8703","direction":"inbound","date":"2023-05-01","value_usd":0}"#,
    );
    assert_eq!(st, 200);
    // Words are capped in bytes and in candidates, and the error says so.
    let long = "rice ".repeat(4000);
    let (st, b) = s.post_json(
        "/api/screen",
        &serde_json::json!({"words": long, "direction": "inbound"}).to_string(),
    );
    assert_eq!((st, code(&b)), (413, "payload-too-large"), "{b}");
    let m = b["error"]["message"].as_str().unwrap();
    assert!(m.contains("words") && m.contains("at most"), "{m}");
    let many = "rice, tires, coal, ".repeat(100);
    let (st, b) = s.post_json(
        "/api/screen",
        &serde_json::json!({"words": many, "direction": "inbound"}).to_string(),
    );
    assert_eq!((st, code(&b)), (422, "bad-input"), "{b}");
    let m = b["error"]["message"].as_str().unwrap();
    assert!(m.contains("candidates") && m.contains("at most"), "{m}");
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn upload_names_with_control_characters_or_too_long_are_refused() {
    let (dir, db) = examples_db("names");
    let s = Server::start(&db, &[]);
    let long = format!("{}.txt", "a".repeat(300));
    for name in [
        "tab%09name.txt",
        "new%0Aline.txt",
        "bell%07.txt",
        "del%7F.txt",
        "c1%C2%85.txt",
        "rtl%E2%80%AEtxt.exe",
        long.as_str(),
        ".",
        "..",
    ] {
        let (st, v) = s.upload(&format!("name={name}"), b"Trucks crossed from Quanhe.");
        assert_eq!((st, code(&v)), (400, "bad-parameter"), "{name}: {v}");
    }
    let (st, v) = s.upload(
        "name=%ED%95%9C%EA%B8%80.txt",
        b"Trucks carried tires from Quanhe into Wonjong on 6 May 2023.",
    );
    assert_eq!(st, 201, "{v}");
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}

/// Reads from a connection until the server closes it; the seconds it took.
fn seconds_until_closed(c: &mut TcpStream) -> f64 {
    let t = std::time::Instant::now();
    c.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match c.read(&mut buf) {
            Ok(0) | Err(_) => return t.elapsed().as_secs_f64(),
            Ok(_) => {}
        }
    }
}

#[test]
fn slow_clients_are_timed_out_and_connections_capped() {
    let (dir, db) = examples_db("slow");
    let s = Server::start(&db, &["--header-timeout", "1", "--body-timeout", "1"]);
    // A head that never ends.
    let mut c = TcpStream::connect(&s.addr).unwrap();
    write!(
        c,
        "GET /api/health HTTP/1.1\r\nHost: {}\r\nX-Slow: ",
        s.addr
    )
    .unwrap();
    let t = seconds_until_closed(&mut c);
    assert!(t < 4.0, "head: closed after {t}s");
    // A body that never comes: 408 from the table, then closed.
    let mut c = TcpStream::connect(&s.addr).unwrap();
    write!(
        c,
        "POST /api/screen HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"hs\":",
        s.addr
    )
    .unwrap();
    let t = std::time::Instant::now();
    let mut got = Vec::new();
    c.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let _ = c.read_to_end(&mut got);
    assert!(t.elapsed().as_secs_f64() < 4.0, "body: {:?}", t.elapsed());
    let got = String::from_utf8_lossy(&got);
    assert!(
        got.starts_with("HTTP/1.1 408") && got.contains("\"timeout\""),
        "{got}"
    );
    // A kept-alive connection that goes quiet.
    let mut c = TcpStream::connect(&s.addr).unwrap();
    write!(c, "GET /api/places HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr).unwrap();
    let t = seconds_until_closed(&mut c);
    assert!(t < 4.0, "idle: closed after {t}s");
    // A client that asks and asks but never reads: once the answers fill the buffers and it
    // takes nothing for the body timeout, the connection is closed.
    let mut c = TcpStream::connect(&s.addr).unwrap();
    let ask = format!("GET /api/openapi.json HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr);
    c.write_all(ask.repeat(1500).as_bytes()).unwrap();
    std::thread::sleep(std::time::Duration::from_secs(4));
    let mut got = Vec::new();
    c.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    // Closed (the unread requests make it a reset), not still open when the read times out.
    let ended = match c.read_to_end(&mut got) {
        Ok(_) => true,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    };
    let answers = got.windows(12).filter(|w| w == b"HTTP/1.1 200").count();
    assert!(ended && answers < 1500, "{answers} answers, ended: {ended}");
    drop(s);
    // Four silent connections fill the server; the fifth is told it is busy, at once (a longer
    // head timeout, so the silent ones are still there on a slow machine).
    let s = Server::start(&db, &["--header-timeout", "10", "--max-connections", "4"]);
    let silent: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(&s.addr).unwrap())
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let t = std::time::Instant::now();
    let r = s.raw(
        &format!("GET /api/health HTTP/1.1\r\nHost: {}", s.addr),
        b"",
    );
    assert_eq!(sc(r.clone()), (503, "busy".into()), "{r:?}");
    assert!(r.1.to_ascii_lowercase().contains("retry-after"), "{r:?}");
    assert!(t.elapsed().as_secs_f64() < 3.0, "{:?}", t.elapsed());
    drop(silent);
    // Once they are gone (or timed out) the server answers again.
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(s.get("/api/health").0, 200);
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}

/// A report long enough that extracting it takes a while.
fn long_report() -> Vec<u8> {
    "Freight trucks carried rice and tires from Dandong into Sinuiju on 3 May 2023, a driver said.\n"
        .repeat(60_000)
        .into_bytes()
}

#[test]
fn heavy_requests_are_bounded_and_an_upload_whose_client_left_is_not_stored() {
    let (dir, db) = examples_db("heavy");
    let s = Server::start(&db, &["--max-heavy", "1", "--max-body-mib", "16"]);
    let body = serde_json::json!({"text": String::from_utf8(long_report()).unwrap()}).to_string();
    let mut c = TcpStream::connect(&s.addr).unwrap();
    write!(
        c,
        "POST /api/extract HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        s.addr,
        body.len()
    )
    .unwrap();
    c.write_all(body.as_bytes()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    // The one heavy slot is taken: a second extraction or an upload is told to come back.
    let (st, v) = s.post_json("/api/extract", r#"{"text":"Trucks crossed from Quanhe."}"#);
    assert_eq!((st, code(&v)), (503, "busy"), "{v}");
    let (st, v) = s.upload("name=while-busy.txt", b"Trucks crossed from Quanhe.");
    assert_eq!((st, code(&v)), (503, "busy"), "{v}");
    // Light routes are not held up.
    assert_eq!(s.get("/api/health").0, 200);
    drop(c);

    // An upload whose client hangs up before it is answered is not stored.
    let sources = |s: &Server| s.get("/api/sources").1["sources"].as_array().unwrap().len();
    // Wait for the slot (the abandoned extraction ends or is cancelled).
    let t = std::time::Instant::now();
    while s.post_json("/api/extract", r#"{"text":"x"}"#).0 == 503 {
        assert!(
            t.elapsed().as_secs() < 300,
            "the heavy slot never came back"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let before = sources(&s);
    let report = long_report();
    let mut c = TcpStream::connect(&s.addr).unwrap();
    write!(
        c,
        "POST /api/sources?name=abandoned.txt HTTP/1.1\r\nHost: {}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        s.addr,
        report.len()
    )
    .unwrap();
    c.write_all(&report).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(c);
    let t = std::time::Instant::now();
    while s.post_json("/api/extract", r#"{"text":"x"}"#).0 == 503 {
        assert!(
            t.elapsed().as_secs() < 300,
            "the heavy slot never came back"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!(sources(&s), before, "the abandoned upload was stored");
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_uploaded_vessel_track_is_stored_and_its_findings_cite_its_lines() {
    let (dir, db) = examples_db("track");
    let s = Server::start(&db, &[]);
    let track = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../analyze/tests/fixtures/tracks/sts-flagged.nmea"),
    )
    .unwrap();
    let mut body = track.clone();
    body.extend_from_slice(b"!AIVDM,1,1,,A,15MrVH0000KH<:V:NtBLoqFP2H9:,0*00\n");
    let (st, v) = s.upload("name=meeting.nmea", &body);
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["rejected"], 1, "{v}");
    assert!(
        v["issues"][0].as_str().unwrap().contains("bad-checksum"),
        "{v}"
    );
    let (st, f) = s.get("/api/findings?kind=ship-to-ship");
    assert_eq!(st, 200, "{f}");
    let ev = &f["findings"][0]["evidence"][0];
    assert_eq!(ev["source"], "meeting.nmea", "{f}");
    assert_eq!(ev["lines"].as_array().map(Vec::len), Some(2), "{f}");

    // The vessel panel: both vessels of the meeting, each with its encounter and positions.
    let (st, list) = s.get("/api/vessels");
    assert_eq!(st, 200, "{list}");
    let vessels = list["vessels"].as_array().unwrap();
    assert_eq!(vessels.len(), 2, "{list}");
    for v in vessels {
        assert_eq!(v["events"]["encounter"], 1, "{v}");
        assert!(v["positions"].as_u64().unwrap() > 50, "{v}");
    }
    let mmsi = vessels[0]["vessel"]["mmsi"].as_u64().unwrap();
    let other = vessels[1]["vessel"]["mmsi"].as_u64().unwrap();
    let (st, d) = s.get(&format!("/api/vessels/{mmsi}"));
    assert_eq!(st, 200, "{d}");
    assert!(!d["identities"].as_array().unwrap().is_empty(), "{d}");
    // One track file: its identity was seen over all the file's positions of the vessel.
    assert_eq!(
        d["identities"][0]["first_seen"], d["vessel"]["first_seen"],
        "{d}"
    );
    assert_eq!(
        d["identities"][0]["last_seen"], d["vessel"]["last_seen"],
        "{d}"
    );
    let enc = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "encounter")
        .unwrap_or_else(|| panic!("{d}"));
    assert_eq!(enc["with"][0]["mmsi"], other, "{d}");
    let cite = &enc["evidence"][0];
    assert_eq!(cite["source"], "meeting.nmea", "{d}");
    assert!(cite["lines"][0].as_u64().unwrap() >= 2, "{d}");
    // The evidence cites lines; the lines themselves (source text) are not in the answer.
    assert!(!d.to_string().contains("!AIVDM"), "{d}");

    // Its track: one line, thinned harder far out than close in, within the period only.
    let (st, t) = s.get(&format!("/api/tracks?mmsi={mmsi}&zoom=12"));
    assert_eq!(st, 200, "{t}");
    assert_eq!(t["type"], "FeatureCollection", "{t}");
    let near = &t["features"][0];
    assert_eq!(near["properties"]["mmsi"], mmsi, "{t}");
    let points = |v: &Value| {
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["points"].as_u64().unwrap())
            .sum::<u64>()
    };
    let (_, far) = s.get(&format!("/api/tracks?mmsi={mmsi}&zoom=2"));
    assert!(points(&far) < points(&t), "{far} vs {t}");
    assert!(points(&far) >= 2, "{far}");
    let (_, both) = s.get("/api/tracks?bbox=30,110,45,135&since=2024-04-30&until=2024-05-02");
    assert_eq!(
        both["positions"].as_u64(),
        Some(
            vessels
                .iter()
                .map(|v| v["positions"].as_u64().unwrap())
                .sum()
        ),
        "{both}"
    );
    let (_, none) = s.get("/api/tracks?since=2025-01-01");
    assert_eq!(none["features"].as_array().map(Vec::len), Some(0), "{none}");
    let (_, away) = s.get("/api/tracks?bbox=-10,0,0,10");
    assert_eq!(away["features"].as_array().map(Vec::len), Some(0), "{away}");

    // Bad values name the parameter and the value.
    for (path, word) in [
        ("/api/vessels/abc", "abc"),
        ("/api/vessels/1234567890", "1234567890"),
        ("/api/tracks?bbox=1,2,3", "bbox"),
        ("/api/tracks?bbox=50,0,40,10", "south"),
        ("/api/tracks?zoom=30", "zoom"),
        ("/api/tracks?since=May", "since"),
        ("/api/tracks?colour=red", "colour"),
    ] {
        let (st, v) = s.get(path);
        assert_eq!((st, code(&v)), (400, "bad-parameter"), "{path}: {v}");
        assert!(v.to_string().contains(word), "{path}: {v}");
    }
    let (st, v) = s.get("/api/vessels/1");
    assert_eq!((st, code(&v)), (404, "not-found"), "{v}");
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}
