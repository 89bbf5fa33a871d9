//! Reviews through the API of a real server over the example data: confirm, reject, correct
//! a claim's direction and goods, add a claim on a span of a source, see the corridor picture
//! change on the next request; errors from the one table; a read-only server refuses them.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Child;

use common::{bw, tmp};
use serde_json::Value;

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(db: &Path, extra: &[&str]) -> Server {
        let (child, addr) = common::serve(db, "127.0.0.1:0", extra);
        Server { child, addr }
    }

    fn call(&self, method: &str, path: &str, body: &str) -> (u16, Value) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
        let mut b = raw[split + 4..].to_vec();
        if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            b = dechunk(&b);
        }
        (status, serde_json::from_slice(&b).unwrap_or(Value::Null))
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
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[eol + 2 + n + 2..];
    }
    out
}

fn dandong(s: &Server) -> Value {
    let (st, v) = s.call("GET", "/api/corridors?detail=true", "");
    assert_eq!(st, 200, "{v}");
    v["corridors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "dandong-sinuiju")
        .cloned()
        .unwrap()
}

#[test]
fn reviews_through_the_api_change_the_next_picture() {
    let d = tmp("review-api", "examples");
    let db = d.join("ex.db");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/reports");
    assert!(bw(&db, &["ingest", examples.to_str().unwrap()])
        .status
        .success());
    let s = Server::start(&db, &[]);
    let (_, claims) = s.call("GET", "/api/claims?limit=500", "");
    let claims = claims["claims"].as_array().unwrap().clone();
    let find = |words: &str| -> i64 {
        claims
            .iter()
            .find(|c| {
                c["kind"] == "movement" && c["evidence"]["text"].as_str().unwrap().contains(words)
            })
            .unwrap_or_else(|| panic!("no claim quoting {words:?}"))["id"]
            .as_i64()
            .unwrap()
    };
    let before = dandong(&s);
    assert_eq!(before["reviewed"], 0);

    let declared = find("declared as building materials");
    let back = find("come back to China empty");
    let (st, v) = s.call(
        "POST",
        &format!("/api/claims/{declared}/reviews"),
        r#"{"action": "reject", "reason": "not-a-movement", "reviewer": "ana"}"#,
    );
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["review"]["action"], "reject");
    // Correct the empty trucks' direction and goods.
    let (st, v) = s.call(
        "POST",
        &format!("/api/claims/{back}/reviews"),
        r#"{"action": "correct", "reviewer": "ana", "note": "they carry fridges back",
            "correction": {"direction": "outbound", "load": "loaded",
                           "goods": [{"text": "refrigerators", "hs": "8418", "confidence": 1.0, "span": [0, 0]}]}}"#,
    );
    assert_eq!(st, 201, "{v}");
    let (st, h) = s.call("GET", &format!("/api/claims/{back}/reviews"), "");
    assert_eq!(st, 200);
    assert_eq!(h["state"], "corrected");
    assert_eq!(h["reviews"][0]["reviewer"], "ana");
    // Add a claim on the headline of the first report.
    let (_, sources) = s.call("GET", "/api/sources", "");
    let first = sources["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "01_dandong_january.txt")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (st, v) = s.call(
        "POST",
        &format!("/api/sources/{first}/claims"),
        r#"{"span": [0, 50], "kind": "movement", "reviewer": "ana",
            "values": {"via": "dandong-sinuiju", "direction": "inbound",
                       "goods": [{"text": "Machinery", "hs": "84", "confidence": 1.0, "span": [0, 0]}]}}"#,
    );
    assert_eq!(st, 201, "{v}");
    assert_eq!(
        v["review"]["claim"]["goods"][0]["span"],
        serde_json::json!([0, 9])
    );
    // The added claim is reviewed like any other, named `aN` (or `-N`, as exports write it).
    let added = v["review"]["id"].as_i64().expect("the review's id");
    let (st, v) = s.call(
        "POST",
        &format!("/api/claims/a{added}/reviews"),
        r#"{"action": "confirm", "reviewer": "ana", "note": "seen on the imagery too"}"#,
    );
    assert_eq!(st, 201, "{v}");
    let (st, h) = s.call("GET", &format!("/api/claims/-{added}/reviews"), "");
    assert_eq!(st, 200, "{h}");
    let actions = common::texts(&h["reviews"], "action");
    assert_eq!(actions, ["add", "confirm"], "{h}");
    let (st, v) = s.call("GET", "/api/claims/a0/reviews", "");
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (400, Some("bad-parameter")),
        "{v}"
    );

    // The next corridor request reflects all of it.
    let after = dandong(&s);
    assert_eq!(after["reviewed"], 2, "{after}");
    assert_eq!(after["claims"], before["claims"], "one rejected, one added");
    let outbound_goods: Vec<String> = after["flows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["direction"] == "outbound")
        .flat_map(|f| f["goods"].as_array().cloned().unwrap_or_default())
        .map(|g| g["chapter"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(outbound_goods.contains(&"84".to_string()), "{after}");

    // Errors from the table.
    let (st, v) = s.call(
        "POST",
        "/api/claims/999999/reviews",
        r#"{"action": "confirm", "reviewer": "ana"}"#,
    );
    assert_eq!((st, v["error"]["code"].as_str()), (404, Some("not-found")));
    let (st, v) = s.call(
        "POST",
        &format!("/api/claims/{back}/reviews"),
        r#"{"action": "reject", "reason": "boring", "reviewer": "ana"}"#,
    );
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (400, Some("bad-body")),
        "{v}"
    );
    let (st, v) = s.call(
        "POST",
        &format!("/api/claims/{back}/reviews"),
        r#"{"action": "correct", "reviewer": "ana", "correction": {"from": "cn.atlantis"}}"#,
    );
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (400, Some("bad-body")),
        "{v}"
    );
    let (st, v) = s.call(
        "POST",
        &format!("/api/sources/{first}/claims"),
        r#"{"span": [0, 99999], "kind": "movement", "reviewer": "ana"}"#,
    );
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (400, Some("bad-body")),
        "{v}"
    );
    let (st, q) = s.call("GET", "/api/reviews/queue?limit=500", "");
    assert_eq!(st, 200, "{q}");
    let queued: Vec<i64> = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["claim"]["id"].as_i64().unwrap())
        .collect();
    assert!(
        !queued.contains(&back) && !queued.contains(&declared),
        "{queued:?}"
    );
    assert_eq!(queued.len(), claims.len() - 2, "every other claim, once");
    assert!(q["items"][0]["why"]
        .as_str()
        .unwrap()
        .starts_with("finding "));
    let (st, v) = s.call("GET", "/api/reviews/orphans", "");
    assert_eq!(st, 200);
    assert_eq!(v["reviews"], serde_json::json!([]));
    let (_, doc) = s.call("GET", "/api/openapi.json", "");
    for p in [
        "/api/claims/{id}/reviews",
        "/api/sources/{id}/claims",
        "/api/reviews/orphans",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} in the OpenAPI document");
    }
    drop(s);

    let ro = Server::start(&db, &["--read-only"]);
    let (st, v) = ro.call(
        "POST",
        &format!("/api/claims/{back}/reviews"),
        r#"{"action": "confirm", "reviewer": "ana"}"#,
    );
    assert_eq!((st, v["error"]["code"].as_str()), (403, Some("read-only")));
    let (st, h) = ro.call("GET", &format!("/api/claims/{back}/reviews"), "");
    assert_eq!((st, h["reviews"].as_array().map(Vec::len)), (200, Some(1)));
}
