//! `borderwatch serve`: every API route and every error code, against a real server on a
//! loopback port over the example data.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::{bw, tmp};
use serde_json::Value;

/// A running `borderwatch serve`, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(db: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
            .arg("--db")
            .arg(db)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        // "listening on http://127.0.0.1:PORT/ (store …)"
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
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
    let kinds: Vec<&str> = f["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
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
        "/api/openapi.json",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    assert!(paths["/api/sources"].get("post").is_some());
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
            let (st, b) = s.call("DELETE", "/api/claims", "text/plain", b"");
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
