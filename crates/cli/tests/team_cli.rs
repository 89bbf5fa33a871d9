//! A team server: `borderwatch users` and `audit` on the command line, and `serve` over a
//! store with users — every route family asked by nobody and by each role, sessions with their
//! cookie and CSRF value, sign-in limits, the audit of it all and its chain, single-analyst
//! mode kept to loopback, and HTTPS.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::{bw, out, tmp};
use serde_json::Value;

const PASSWORD: &str = "a long enough password";

/// A store with the examples and one user of each role; their tokens by role.
fn team_store(name: &str) -> (PathBuf, Vec<(&'static str, String)>) {
    let d = tmp("team", name);
    let db = d.join("t.db");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let o = bw(&db, &["ingest", examples.to_str().unwrap()]);
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", out(&o));
    let mut tokens = Vec::new();
    for role in ["viewer", "analyst", "source-handler", "admin"] {
        let name = role.replace('-', "");
        let o = add_user(&db, &name, role);
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        tokens.push((role, token_of(&out(&o))));
    }
    (db, tokens)
}

fn add_user(db: &Path, name: &str, role: &str) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .arg("--db")
        .arg(db)
        .args(["users", "add", name, "--role", role, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(c.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    c.wait_with_output().unwrap()
}

fn token_of(s: &str) -> String {
    s.split_whitespace()
        .find(|w| w.starts_with("bwt_"))
        .unwrap_or_else(|| panic!("no token in {s:?}"))
        .to_string()
}

struct Server {
    child: Child,
    addr: String,
}

struct Answer {
    status: u16,
    head: String,
    body: Value,
    text: String,
}

impl Server {
    fn start(db: &Path, extra: &[&str]) -> Server {
        Server::start_at(db, "127.0.0.1:0", extra)
    }

    fn start_at(db: &Path, addr: &str, extra: &[&str]) -> Server {
        let (child, addr) = common::serve(db, addr, extra);
        Server { child, addr }
    }

    /// One request with extra header lines; `body` with a JSON content type when not empty.
    fn ask(&self, method: &str, path: &str, headers: &[String], body: &str) -> Answer {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.0\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for h in headers {
            head.push_str(h);
            head.push_str("\r\n");
        }
        write!(s, "{head}\r\n{body}").unwrap();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let at = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(raw.len(), |p| p + 4);
        let head = String::from_utf8_lossy(&raw[..at]).into_owned();
        let text = String::from_utf8_lossy(&raw[at..]).into_owned();
        Answer {
            status: head
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0),
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            head,
            text,
        }
    }

    fn with_token(&self, method: &str, path: &str, token: Option<&str>, body: &str) -> Answer {
        let h: Vec<String> = token
            .map(|t| vec![format!("Authorization: Bearer {t}")])
            .unwrap_or_default();
        self.ask(method, path, &h, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn code(a: &Answer) -> &str {
    a.body["error"]["code"].as_str().unwrap_or("")
}

/// The lowest role each route family needs (None: open), as the task's table says.
fn routes(
    claim: i64,
    source: i64,
    corridor: &str,
) -> Vec<(&'static str, String, String, Option<usize>)> {
    let review = r#"{"action":"confirm","reviewer":"x"}"#.to_string();
    let add = r#"{"span":[0,10],"kind":"storage","reviewer":"x"}"#.to_string();
    let e = String::new;
    vec![
        ("GET", "/api/openapi.json".into(), e(), None),
        ("GET", "/api/health".into(), e(), Some(0)),
        ("GET", "/api/places".into(), e(), Some(0)),
        ("GET", "/api/corridors".into(), e(), Some(0)),
        ("GET", format!("/api/corridors/{corridor}"), e(), Some(0)),
        ("GET", "/api/claims".into(), e(), Some(0)),
        ("GET", format!("/api/claims/{claim}"), e(), Some(0)),
        ("GET", format!("/api/claims/{claim}/reviews"), e(), Some(0)),
        ("GET", "/api/findings".into(), e(), Some(0)),
        ("GET", "/api/sources".into(), e(), Some(0)),
        ("GET", format!("/api/sources/{source}"), e(), Some(0)),
        ("POST", "/api/screen".into(), r#"{"hs":"8418","direction":"inbound","date":"2024-01-01"}"#.into(), Some(0)),
        ("GET", format!("/api/sources/{source}?text=true"), e(), Some(1)),
        ("GET", "/api/issues".into(), e(), Some(1)),
        ("GET", "/api/reviews/queue".into(), e(), Some(1)),
        ("GET", "/api/reviews/orphans".into(), e(), Some(1)),
        ("POST", "/api/extract".into(), r#"{"text":"Trucks carried rice from Dandong to Sinuiju."}"#.into(), Some(1)),
        ("POST", format!("/api/claims/{claim}/reviews"), review, Some(1)),
        ("POST", format!("/api/sources/{source}/claims"), add, Some(1)),
        ("GET", "/api/claims?include_attribution=true".to_string(), e(), Some(2)),
        ("GET", format!("/api/claims/{claim}?include_attribution=true"), e(), Some(2)),
        ("GET", format!("/api/claims/{claim}/reviews?include_attribution=true"), e(), Some(2)),
        ("GET", format!("/api/sources/{source}?text=true&include_attribution=true"), e(), Some(2)),
        ("GET", "/api/reviews/queue?include_attribution=true".into(), e(), Some(2)),
        ("POST", "/api/extract".into(), r#"{"text":"A trader said trucks carried rice from Dandong to Sinuiju.","include_attribution":true}"#.into(), Some(2)),
        ("GET", "/api/users".into(), e(), Some(3)),
        ("GET", "/api/audit".into(), e(), Some(3)),
    ]
}

#[test]
fn every_route_family_checks_the_role_on_the_server() {
    let (db, tokens) = team_store("roles");
    let s = Server::start(&db, &[]);
    let admin = &tokens[3].1;
    let claims = s.with_token("GET", "/api/claims?limit=1", Some(admin), "");
    let claim = claims.body["claims"][0]["id"].as_i64().unwrap();
    let source = claims.body["claims"][0]["source_id"].as_i64().unwrap();
    let corridors = s.with_token("GET", "/api/corridors", Some(admin), "");
    let corridor = corridors.body["corridors"][0]["id"]
        .as_str()
        .unwrap()
        .replace('>', "%3E");
    for (method, path, body, need) in routes(claim, source, &corridor) {
        let a = s.with_token(method, &path, None, &body);
        match need {
            None => assert_eq!(a.status, 200, "{method} {path} open: {}", a.text),
            Some(_) => {
                assert_eq!(a.status, 401, "{method} {path} without a token: {}", a.text);
                assert_eq!(code(&a), "unauthenticated");
            }
        }
        let Some(need) = need else { continue };
        for (rank, (role, token)) in tokens.iter().enumerate() {
            let a = s.with_token(method, &path, Some(token), &body);
            if rank < need {
                assert_eq!(a.status, 403, "{role}: {method} {path}: {}", a.text);
                assert_eq!(code(&a), "forbidden", "{role}: {method} {path}");
            } else {
                assert!(
                    (200..300).contains(&a.status),
                    "{role}: {method} {path}: {} {}",
                    a.status,
                    a.text
                );
            }
        }
    }
    // A token unknown, or malformed, is refused as such.
    let a = s.with_token("GET", "/api/claims", Some("bwt_nope"), "");
    assert_eq!((a.status, code(&a)), (401, "unauthenticated"));
    let a = s.ask(
        "GET",
        "/api/claims",
        &["Authorization: Basic eDp5".into()],
        "",
    );
    assert_eq!((a.status, code(&a)), (401, "unauthenticated"));
    // A review is recorded under the signed-in user, not the name in the body.
    let a = s.with_token(
        "GET",
        &format!("/api/claims/{claim}/reviews"),
        Some(admin),
        "",
    );
    let names: Vec<&str> = a.body["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["reviewer"].as_str())
        .collect();
    assert!(
        names.contains(&"analyst") && !names.contains(&"x"),
        "{names:?}"
    );
    // The document says which role each route needs.
    let doc = s.with_token("GET", "/api/openapi.json", None, "").body;
    let op = &doc["paths"]["/api/sources"]["post"];
    assert_eq!(op["x-borderwatch-role"], "analyst", "{op}");
    assert!(op["responses"]["401"].is_object());
    assert_eq!(
        doc["paths"]["/api/audit"]["get"]["x-borderwatch-role"],
        "admin"
    );
    assert_eq!(
        doc["paths"]["/api/claims"]["get"]["x-borderwatch-role"],
        "viewer"
    );
    drop(s);

    // Everything refused is in the audit log, with who and from where.
    let o = bw(&db, &["audit", "--action", "refused", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let refused: Vec<Value> = out(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(refused.iter().any(|e| e["actor"] == "viewer"
        && e["outcome"] == "forbidden"
        && e["target"]
            .as_str()
            .unwrap()
            .contains("include_attribution=true")
        && e["address"] == "127.0.0.1"));
    assert!(refused
        .iter()
        .any(|e| e["actor"].is_null() && e["outcome"] == "unauthenticated"));
    let o = bw(
        &db,
        &[
            "audit",
            "--user",
            "sourcehandler",
            "--action",
            "read-attribution",
        ],
    );
    assert!(
        out(&o).contains("/api/claims?include_attribution=true"),
        "{}",
        out(&o)
    );
    let o = bw(
        &db,
        &["audit", "--user", "sourcehandler", "--action", "read-text"],
    );
    assert!(
        out(&o).contains("text=true&include_attribution=true"),
        "{}",
        out(&o)
    );
    let o = bw(&db, &["audit", "--user", "analyst", "--action", "review"]);
    assert_eq!(out(&o).lines().count(), 2, "{}", out(&o));
    // Exports and attribution shown on the command line of a team's store are logged too.
    let o = bw(
        &db,
        &[
            "export",
            "--format",
            "csv",
            "--what",
            "claims",
            "--include-attribution",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(bw(
        &db,
        &["show", "claim", &claim.to_string(), "--include-attribution"]
    )
    .status
    .success());
    let o = bw(&db, &["audit", "--action", "export"]);
    assert!(
        out(&o).contains("export csv claims") && out(&o).contains("with attribution"),
        "{}",
        out(&o)
    );
    let o = bw(&db, &["audit", "--action", "read-attribution"]);
    assert!(out(&o).contains(&format!("claim {claim}")), "{}", out(&o));
    let o = bw(&db, &["db", "check"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
}

fn cookie_of(head: &str) -> Option<String> {
    head.lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .map(|l| l.split_once(':').unwrap().1.trim().to_string())
}

#[test]
fn sessions_carry_a_cookie_and_a_csrf_value_and_end() {
    let (db, _) = team_store("sessions");
    let s = Server::start(&db, &["--session-hours", "1"]);
    let signin = |name: &str, pw: &str| {
        s.ask(
            "POST",
            "/api/session",
            &[],
            &serde_json::json!({"name": name, "password": pw}).to_string(),
        )
    };
    let a = signin("analyst", PASSWORD);
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["role"], "analyst");
    let set = cookie_of(&a.head).expect("a cookie");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=3600"] {
        assert!(set.contains(attr), "{set}");
    }
    assert!(!set.contains("Secure"), "plain HTTP: {set}");
    let cookie = format!("Cookie: {}", set.split(';').next().unwrap());
    let csrf = a.body["csrf"].as_str().unwrap().to_string();

    let me = s.ask("GET", "/api/session", std::slice::from_ref(&cookie), "");
    assert_eq!(
        (me.status, me.body["user"].as_str()),
        (200, Some("analyst"))
    );
    let claims = s.ask(
        "GET",
        "/api/claims?limit=1",
        std::slice::from_ref(&cookie),
        "",
    );
    assert_eq!(claims.status, 200);
    let claim = claims.body["claims"][0]["id"].as_i64().unwrap();
    let path = format!("/api/claims/{claim}/reviews");
    let body = r#"{"action":"confirm","reviewer":"x"}"#;
    // A write of the session without its CSRF value, or with another, is refused.
    let a = s.ask("POST", &path, std::slice::from_ref(&cookie), body);
    assert_eq!((a.status, code(&a)), (403, "csrf-failed"), "{}", a.text);
    let a = s.ask(
        "POST",
        &path,
        &[cookie.clone(), "X-CSRF-Token: 00".into()],
        body,
    );
    assert_eq!((a.status, code(&a)), (403, "csrf-failed"));
    let with = [cookie.clone(), format!("X-CSRF-Token: {csrf}")];
    let a = s.ask("POST", &path, &with, body);
    assert_eq!(a.status, 201, "{}", a.text);
    // The role still holds for a session.
    let a = s.ask("GET", "/api/audit", &with, "");
    assert_eq!((a.status, code(&a)), (403, "forbidden"));

    // Signing out ends the session; the cookie no longer lets anything in.
    let a = s.ask("DELETE", "/api/session", std::slice::from_ref(&cookie), "");
    assert_eq!((a.status, code(&a)), (403, "csrf-failed"));
    let a = s.ask("DELETE", "/api/session", &with, "");
    assert_eq!(a.status, 204, "{}", a.text);
    assert!(cookie_of(&a.head).unwrap().contains("Max-Age=0"));
    let a = s.ask("GET", "/api/claims", std::slice::from_ref(&cookie), "");
    assert_eq!((a.status, code(&a)), (401, "unauthenticated"));

    // A new role ends the sessions too.
    let a = signin("viewer", PASSWORD);
    let cookie = format!(
        "Cookie: {}",
        cookie_of(&a.head).unwrap().split(';').next().unwrap()
    );
    assert_eq!(
        s.ask("GET", "/api/claims", std::slice::from_ref(&cookie), "")
            .status,
        200
    );
    let o = bw(&db, &["users", "set-role", "viewer", "analyst"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        s.ask("GET", "/api/claims", std::slice::from_ref(&cookie), "")
            .status,
        401
    );

    // Wrong passwords: refused alike for a wrong name; then the account is locked for a
    // while, its right password included, and other accounts are not.
    let a = signin("nobody", PASSWORD);
    assert_eq!((a.status, code(&a)), (401, "sign-in-failed"));
    for _ in 0..5 {
        let a = signin("admin", "not the password");
        assert_eq!((a.status, code(&a)), (401, "sign-in-failed"));
        assert!(!a.text.contains("admin"), "{}", a.text);
    }
    let a = signin("admin", PASSWORD);
    assert_eq!(
        (a.status, code(&a)),
        (429, "too-many-attempts"),
        "{}",
        a.text
    );
    assert!(
        a.head.to_ascii_lowercase().contains("retry-after:"),
        "{}",
        a.head
    );
    assert_eq!(signin("sourcehandler", PASSWORD).status, 200);
    // A name that is no user name (tabs, a newline) is refused without a password check and
    // logged quoted, on one line.
    let a = signin("eve\tx\nforged\tline", PASSWORD);
    assert_eq!((a.status, code(&a)), (401, "sign-in-failed"));
    let a = signin("analyst", &"x".repeat(100_000));
    assert_eq!((a.status, code(&a)), (401, "sign-in-failed"));
    drop(s);
    let o = bw(&db, &["audit"]);
    for l in out(&o).lines() {
        assert!(
            l.split('\t').count() >= 7 && !l.starts_with("forged"),
            "{l:?}"
        );
    }

    let o = bw(&db, &["audit", "--action", "sign-in"]);
    let text = out(&o);
    assert!(
        text.contains("sign-in-failed") && text.contains("too-many-attempts"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("\tanalyst\tsign-in\t") && l.ends_with("\tok")),
        "{text}"
    );
    let o = bw(&db, &["audit", "--action", "sign-out"]);
    assert_eq!(out(&o).lines().count(), 1, "{}", out(&o));
}

#[test]
fn every_answer_has_the_security_headers_and_no_cors() {
    let (db, tokens) = team_store("headers");
    let s = Server::start(&db, &[]);
    for (path, token) in [
        ("/api/claims", Some(tokens[0].1.as_str())),
        ("/api/claims", None),
        ("/", None),
    ] {
        let a = s.with_token("GET", path, token, "");
        let h = a.head.to_ascii_lowercase();
        for want in [
            "x-content-type-options: nosniff",
            "x-frame-options: deny",
            "referrer-policy: no-referrer",
            "content-security-policy:",
            "frame-ancestors 'none'",
        ] {
            assert!(h.contains(want), "{path}: {want} in {h}");
        }
        assert!(!h.contains("access-control-allow"), "{path}: {h}");
        assert!(!h.contains("strict-transport-security"), "plain HTTP: {h}");
    }
    // A preflight from another origin gets no CORS answer.
    let a = s.ask(
        "OPTIONS",
        "/api/claims",
        &[
            "Origin: http://evil.example".into(),
            "Access-Control-Request-Method: GET".into(),
        ],
        "",
    );
    assert!(
        !a.head.to_ascii_lowercase().contains("access-control-allow"),
        "{}",
        a.head
    );
}

#[test]
fn without_users_serve_keeps_to_loopback_and_needs_no_sign_in() {
    let d = tmp("team", "single");
    let db = d.join("s.db");
    let empty = d.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(bw(&db, &["ingest", empty.to_str().unwrap()])
        .status
        .success());
    for addr in ["0.0.0.0:0", "[::]:0", "192.0.2.1:0"] {
        let o = bw(&db, &["serve", "--addr", addr]);
        assert_eq!(o.status.code(), Some(2), "{addr}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("no users") && err.contains("users add"),
            "{err}"
        );
    }
    let s = Server::start(&db, &[]);
    let a = s.with_token("GET", "/api/claims?include_attribution=true", None, "");
    assert_eq!(a.status, 200, "{}", a.text);
    let a = s.with_token("GET", "/api/session", None, "");
    assert_eq!(
        (a.body["mode"].as_str(), a.body["role"].as_str()),
        (Some("single"), Some("admin"))
    );
    drop(s);
    // With a user, any address may be listened on (and every request then needs a sign-in).
    assert_eq!(add_user(&db, "ana", "admin").status.code(), Some(0));
    let mut s = Server::start_at(&db, "0.0.0.0:0", &[]);
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    s.addr = format!("127.0.0.1:{port}");
    let a = s.with_token("GET", "/api/claims", None, "");
    assert_eq!((a.status, code(&a)), (401, "unauthenticated"));
}

#[test]
fn users_and_audit_on_the_command_line() {
    let d = tmp("team", "cli");
    let db = d.join("c.db");
    let empty = d.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(bw(&db, &["ingest", empty.to_str().unwrap()])
        .status
        .success());
    let o = bw(&db, &["users", "list"]);
    assert!(out(&o).contains("no users"), "{}", out(&o));

    // A made password and a first token, shown once.
    let o = bw(&db, &["users", "add", "ana", "--role", "admin"]);
    assert_eq!(o.status.code(), Some(0));
    let text = out(&o);
    assert!(
        text.contains("added ana (admin)") && text.contains("password: "),
        "{text}"
    );
    let pw = text
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .unwrap()
        .to_string();
    assert!(pw.len() >= 20, "{pw}");
    token_of(&text);
    // The store keeps hashes only.
    let bytes = std::fs::read(&db).unwrap();
    let wal = std::fs::read(d.join("c.db-wal")).unwrap_or_default();
    for b in [&bytes, &wal] {
        assert!(!b.windows(pw.len()).any(|w| w == pw.as_bytes()));
        assert!(!b.windows(68).any(|w| w == token_of(&text).as_bytes()));
    }

    // Errors are clear and exit 2.
    for (args, want) in [
        (
            &["users", "add", "ana", "--role", "viewer"][..],
            "already exists",
        ),
        (&["users", "add", "x y", "--role", "viewer"], "user name"),
        (
            &["users", "add", "bo", "--role", "root"],
            "viewer, analyst, source-handler, admin",
        ),
        (
            &["users", "set-role", "nobody", "viewer"],
            "no user \"nobody\"",
        ),
        (&["users", "disable", "nobody"], "no user"),
        (
            &["users", "token", "ana", "--revoke", "99"],
            "no live token 99",
        ),
        (&["audit", "--since", "yesterday"], "--since"),
    ] {
        let o = bw(&db, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
    }
    let mut c = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .arg("--db")
        .arg(&db)
        .args(["users", "add", "bo", "--role", "viewer", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(c.stdin.take().unwrap(), "short").unwrap();
    let o = c.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("at least 12"));

    assert_eq!(add_user(&db, "bo", "viewer").status.code(), Some(0));
    for args in [
        &["users", "set-role", "bo", "analyst"][..],
        &["users", "token", "bo", "--label", "cron", "--days", "7"],
        &["users", "token", "bo", "--revoke", "2"],
        &["users", "disable", "bo"],
        &["users", "enable", "bo"],
    ] {
        let o = bw(&db, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {o:?}");
    }
    let o = bw(&db, &["users", "reset", "bo"]);
    assert!(out(&o).contains("password: "), "{}", out(&o));
    let o = bw(&db, &["users", "list", "--format", "json"]);
    let v: Value = serde_json::from_str(&out(&o)).unwrap();
    let bo = v["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "bo")
        .unwrap();
    assert_eq!(
        (bo["role"].as_str(), bo["disabled"].as_bool()),
        (Some("analyst"), Some(false))
    );
    // Disabling revoked the cron token and the first one.
    assert_eq!(bo["live_tokens"], 0);
    let o = bw(&db, &["users", "token", "bo", "--list"]);
    assert_eq!(
        out(&o).lines().filter(|l| l.contains("revoked")).count(),
        2,
        "{}",
        out(&o)
    );

    let o = bw(&db, &["audit"]);
    let actions: Vec<String> = out(&o)
        .lines()
        .map(|l| l.split('\t').nth(3).unwrap().to_string())
        .collect();
    assert_eq!(
        actions,
        [
            "user-add",
            "token-add",
            "user-add",
            "token-add",
            "user-role",
            "token-add",
            "token-revoke",
            "user-disable",
            "user-enable",
            "user-reset"
        ]
    );
    assert!(out(&o)
        .lines()
        .all(|l| l.split('\t').nth(2).unwrap().starts_with("cli:")));
    let o = bw(&db, &["audit", "--action", "user-role", "--format", "json"]);
    let e: Value = serde_json::from_str(out(&o).trim()).unwrap();
    assert_eq!(
        (e["target"].as_str(), e["detail"].as_str()),
        (Some("user bo"), Some("viewer -> analyst"))
    );
    let o = bw(&db, &["audit", "--limit", "1"]);
    assert!(out(&o).starts_with("10\t"), "{}", out(&o));
    let head = out(&bw(&db, &["audit", "--head"]));
    assert!(
        head.starts_with("10\t") && head.trim().len() == 3 + 64,
        "{head}"
    );

    // An entry changed in the table is found by `db check` (exit 1).
    assert_eq!(bw(&db, &["db", "check"]).status.code(), Some(0));
    borderwatch_store::audit::testing::tamper(
        &db,
        "UPDATE audit SET actor = 'cli:eve' WHERE id = 4",
    )
    .unwrap();
    let o = bw(&db, &["db", "check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("entry 4 does not match its hash"));
}

/// `openssl` makes a certificate for the test; without it the HTTPS test says so and skips.
fn certificate(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let o = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .ok()?;
    o.status.success().then_some((cert, key))
}

#[test]
fn https_with_a_certificate_and_a_secure_cookie() {
    let d = tmp("team", "tls-certificate");
    let Some((cert, key)) = certificate(&d) else {
        eprintln!("skipped: no openssl to make a test certificate");
        return;
    };
    if Command::new("curl").arg("--version").output().is_err() {
        eprintln!("skipped: no curl to speak HTTPS to the server");
        return;
    }
    let (db, _) = team_store("tls");
    // A key that is not a key is refused at start, naming the file.
    let o = bw(
        &db,
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            cert.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--tls-key"),
        "{o:?}"
    );
    let s = Server::start(
        &db,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    let port = s.addr.rsplit(':').next().unwrap();
    let o = Command::new("curl")
        .args(["-sk", "-i", "-H", "Content-Type: application/json", "-d"])
        .arg(serde_json::json!({"name": "viewer", "password": PASSWORD}).to_string())
        .arg(format!("https://localhost:{port}/api/session"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout).to_ascii_lowercase();
    assert!(text.starts_with("http/1.1 200"), "{text}");
    assert!(
        text.contains("secure") && text.contains("httponly"),
        "{text}"
    );
    assert!(text.contains("strict-transport-security"), "{text}");
    // Plain HTTP on the TLS port gets nothing served.
    let a = s.ask("GET", "/api/health", &[], "");
    assert_ne!(a.status, 200);
}

#[test]
fn a_read_only_team_server_signs_in_and_audits_but_stores_nothing() {
    let (db, tokens) = team_store("read-only");
    let s = Server::start(&db, &["--read-only"]);
    let a = s.ask(
        "POST",
        "/api/session",
        &[],
        &serde_json::json!({"name": "analyst", "password": PASSWORD}).to_string(),
    );
    assert_eq!(a.status, 200, "{}", a.text);
    let a = s.with_token(
        "POST",
        "/api/sources?name=x.txt",
        Some(&tokens[1].1),
        "Trucks carried rice.",
    );
    assert_eq!((a.status, code(&a)), (403, "read-only"), "{}", a.text);
    let a = s.with_token(
        "GET",
        "/api/claims?include_attribution=true",
        Some(&tokens[0].1),
        "",
    );
    assert_eq!((a.status, code(&a)), (403, "forbidden"));
    drop(s);
    let o = bw(&db, &["audit", "--limit", "2"]);
    let text = out(&o);
    assert!(text.contains("\tanalyst\tsign-in\t"), "{text}");
    assert!(text.contains("\tviewer\trefused\t"), "{text}");
    assert_eq!(bw(&db, &["db", "check"]).status.code(), Some(0));
}

#[test]
fn a_session_unused_too_long_has_ended() {
    let (db, _) = team_store("idle");
    let s = Server::start(&db, &["--session-idle-minutes", "30"]);
    let a = s.ask(
        "POST",
        "/api/session",
        &[],
        &serde_json::json!({"name": "viewer", "password": PASSWORD}).to_string(),
    );
    let cookie = format!(
        "Cookie: {}",
        cookie_of(&a.head).unwrap().split(';').next().unwrap()
    );
    assert_eq!(
        s.ask("GET", "/api/claims", std::slice::from_ref(&cookie), "")
            .status,
        200
    );
    // Last used 31 minutes ago (written as the server would have, had nobody asked since).
    let then = borderwatch_store::auth::timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
            - 31 * 60,
    );
    borderwatch_store::testing::run_sql(&db, &format!("UPDATE sessions SET seen_at = '{then}'"))
        .unwrap();
    let a = s.ask("GET", "/api/claims", std::slice::from_ref(&cookie), "");
    assert_eq!((a.status, code(&a)), (401, "unauthenticated"));
}

#[test]
fn admins_manage_users_through_the_api() {
    let (db, tokens) = team_store("admin-api");
    let s = Server::start(&db, &[]);
    let admin = Some(tokens[3].1.as_str());
    let viewer = Some(tokens[0].1.as_str());
    let add = r#"{"name":"newbie","role":"analyst"}"#;
    let a = s.with_token("POST", "/api/users", viewer, add);
    assert_eq!((a.status, code(&a)), (403, "forbidden"));
    let a = s.with_token("POST", "/api/users", admin, add);
    assert_eq!(a.status, 201, "{}", a.text);
    let password = a.body["password"].as_str().unwrap().to_string();
    let token = a.body["token"].as_str().unwrap().to_string();
    assert_eq!(a.body["user"]["role"], "analyst");
    let a = s.with_token("POST", "/api/users", admin, add);
    assert_eq!((a.status, code(&a)), (400, "bad-body"));
    assert!(a.text.contains("already exists"));
    // The new account works with what was answered once.
    assert_eq!(
        s.with_token("GET", "/api/issues", Some(&token), "").status,
        200
    );
    let signin = serde_json::json!({"name": "newbie", "password": password}).to_string();
    assert_eq!(s.ask("POST", "/api/session", &[], &signin).status, 200);

    for (body, want) in [
        (r#"{"role":"viewer"}"#, "viewer"),
        (r#"{"disabled":true}"#, "viewer"),
    ] {
        let a = s.with_token("POST", "/api/users/newbie", admin, body);
        assert_eq!(a.status, 200, "{body}: {}", a.text);
        assert_eq!(a.body["user"]["role"], want);
    }
    assert_eq!(
        s.with_token("GET", "/api/claims", Some(&token), "").status,
        401
    );
    let a = s.with_token("POST", "/api/users/newbie", admin, r#"{"disabled":false}"#);
    assert_eq!(a.body["user"]["disabled"], false);
    let a = s.with_token(
        "POST",
        "/api/users/newbie",
        admin,
        r#"{"reset_password":true}"#,
    );
    let again = a.body["password"].as_str().unwrap();
    assert_ne!(again, password);
    assert_eq!(s.ask("POST", "/api/session", &[], &signin).status, 401);
    for (body, want) in [
        (r#"{}"#, "exactly one change"),
        (r#"{"role":"viewer","disabled":true}"#, "exactly one change"),
        (r#"{"role":"root"}"#, "expected one of"),
    ] {
        let a = s.with_token("POST", "/api/users/newbie", admin, body);
        assert_eq!((a.status, code(&a)), (400, "bad-body"), "{body}");
        assert!(a.text.contains(want), "{body}: {}", a.text);
    }
    let a = s.with_token("POST", "/api/users/nobody", admin, r#"{"disabled":true}"#);
    assert_eq!((a.status, code(&a)), (404, "not-found"));
    // The last enabled admin stays one.
    let a = s.with_token("POST", "/api/users/admin", admin, r#"{"role":"viewer"}"#);
    assert_eq!((a.status, code(&a)), (403, "forbidden"), "{}", a.text);
    assert!(a.text.contains("last enabled admin"));
    drop(s);
    let o = bw(&db, &["audit", "--user", "admin"]);
    let text = out(&o);
    let actions: Vec<&str> = text
        .lines()
        .map(|l| l.split('\t').nth(3).unwrap())
        .filter(|a| a.starts_with("user-"))
        .collect();
    assert_eq!(
        actions,
        [
            "user-add",
            "user-role",
            "user-disable",
            "user-enable",
            "user-reset"
        ],
        "{text}"
    );
    assert!(text.contains("analyst -> viewer"), "{text}");
}
