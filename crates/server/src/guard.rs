//! Who may talk to the server: the checks every request passes before a route sees it.
//!
//! Owns: the `Host` check (loopback, the address listened on, or a name given with
//! `--allow-host`; anything else is `host-not-allowed`, so a page that rebinds its own name to
//! this address reads nothing) and the write check (every method but GET and HEAD: an `Origin`,
//! when sent, must be this server's own, `Sec-Fetch-Site` must not say another site, and the
//! request must carry a content type a web page cannot send across origins without a preflight
//! — anything but a form's or `text/plain` — or the `X-Borderwatch` header; else
//! `cross-origin-write`). The server answers no preflight, so a browser never lets another
//! origin send such a request.
//!
//! Refuses: nothing else; the routes check their own parameters.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, Code};
use crate::AppState;

/// The header a program (not a page) adds to a write sent with a simple content type.
pub const WRITE_HEADER: &str = "x-borderwatch";

/// The names the server answers to besides loopback.
#[derive(Debug, Clone, Default)]
pub struct Hosts {
    /// Lowercase, without a port or a trailing dot.
    pub names: Vec<String>,
    /// The address listened on, when it is one address (not 0.0.0.0 or ::).
    pub bound: Option<IpAddr>,
}

/// The host part of a `Host` value (or an authority): lowercase, port and trailing dot removed,
/// IPv6 brackets removed. `None` when it is not a host at all.
pub(crate) fn host_part(value: &str) -> Option<String> {
    let v = value.trim();
    let host = if let Some(rest) = v.strip_prefix('[') {
        let (ip6, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
            return None;
        }
        ip6
    } else {
        match v.rsplit_once(':') {
            Some((h, port)) if is_port(port) => h,
            Some(_) => return None,
            None => v,
        }
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn is_port(p: &str) -> bool {
    !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
}

impl Hosts {
    /// Whether a request naming `host` is for this server.
    pub fn allows(&self, value: &str) -> bool {
        let Some(h) = host_part(value) else {
            return false;
        };
        if h == "localhost" || self.names.contains(&h) {
            return true;
        }
        match h.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback() || self.bound == Some(ip),
            Err(_) => false,
        }
    }
}

/// An origin (`scheme://host[:port]`) as `host:port` with the scheme's default port filled in,
/// lowercase; `None` for `null` and anything that is not http(s).
fn origin_authority(origin: &str) -> Option<String> {
    let o = origin.trim().to_ascii_lowercase();
    let (rest, default) = if let Some(r) = o.strip_prefix("http://") {
        (r, "80")
    } else if let Some(r) = o.strip_prefix("https://") {
        (r, "443")
    } else {
        return None;
    };
    if rest.is_empty() || rest.contains(['/', '?', '#', '@']) {
        return None;
    }
    Some(with_port(rest, default))
}

fn with_port(authority: &str, default: &str) -> String {
    let a = authority.to_ascii_lowercase();
    let has_port = match a.rsplit_once(':') {
        Some((h, p)) => is_port(p) && (!h.starts_with('[') || h.ends_with(']')),
        None => false,
    };
    if has_port {
        a
    } else {
        format!("{a}:{default}")
    }
}

/// Whether `Origin` names the server the request was sent to (its `Host`).
fn same_origin(origin: &str, host: &str) -> bool {
    let Some(o) = origin_authority(origin) else {
        return false;
    };
    let default = if origin.trim().to_ascii_lowercase().starts_with("https://") {
        "443"
    } else {
        "80"
    };
    o == with_port(host.trim(), default)
}

/// A content type a page may send to any origin without a preflight (Fetch's CORS-safelisted
/// request header), or none at all.
fn is_simple_content_type(h: &HeaderMap) -> bool {
    let Some(v) = h.get(header::CONTENT_TYPE) else {
        return true;
    };
    let Ok(v) = v.to_str() else {
        return false;
    };
    let essence = v
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
    )
}

/// Checks one request's host, and a write's origin and content type.
pub fn check(
    hosts: &Hosts,
    method: &Method,
    h: &HeaderMap,
    authority: Option<&str>,
) -> Result<(), ApiError> {
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    let refused = |shown: &str| {
        ApiError::new(
            Code::HostNotAllowed,
            format!(
                "host {shown:?} is not this server's: it answers to loopback (localhost, \
                 127.0.0.1, [::1]){} and to names given with --allow-host",
                hosts
                    .bound
                    .filter(|ip| !ip.is_loopback())
                    .map(|ip| format!(", {ip}"))
                    .unwrap_or_default()
            ),
        )
    };
    let host = match host {
        Some(v) if hosts.allows(v) => v,
        Some(v) => return Err(refused(v)),
        None => return Err(refused("")),
    };
    // An absolute-form request line names its own host; it must be this server's too.
    if let Some(a) = authority {
        if !hosts.allows(a) {
            return Err(refused(a));
        }
    }
    if *method == Method::GET || *method == Method::HEAD {
        return Ok(());
    }
    let cross = |why: String| ApiError::new(Code::CrossOriginWrite, why);
    if let Some(o) = h.get(header::ORIGIN) {
        let o = o.to_str().unwrap_or("");
        if !same_origin(o, host) {
            return Err(cross(format!(
                "origin {o:?} is not this server's (http://{host}): writes from other pages \
                 are refused"
            )));
        }
    }
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return Err(cross(format!(
                "sec-fetch-site {site:?}: writes from other sites are refused"
            )));
        }
    }
    if is_simple_content_type(h) && !h.contains_key(WRITE_HEADER) {
        let got = h
            .get(header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        return Err(cross(format!(
            "a write must say what it sends with a type a web page cannot send to another \
             origin (application/json, application/octet-stream), or carry the header \
             {WRITE_HEADER}; got content-type {}",
            got.map_or("none".to_string(), |g| format!("{g:?}"))
        )));
    }
    Ok(())
}

/// The middleware: every request, every route (the UI's files included).
pub async fn guard(State(s): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let authority = req.uri().authority().map(|a| a.as_str().to_string());
    match check(&s.hosts, req.method(), req.headers(), authority.as_deref()) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let h = Hosts {
            names: vec!["borderwatch.lan".into()],
            bound: Some("192.168.1.5".parse().unwrap()),
        };
        for ok in [
            "localhost",
            "LOCALHOST:8080",
            "localhost.",
            "127.0.0.1:1",
            "127.1.2.3",
            "[::1]:8080",
            "[::1]",
            "borderwatch.lan",
            "borderwatch.lan:80",
            "192.168.1.5:8080",
        ] {
            assert!(h.allows(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.example",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "borderwatch.lan.evil",
            "192.168.1.6",
            "[::1",
            "[::1]x",
            "localhost:port",
            "::1",
            "0.0.0.0",
        ] {
            assert!(!h.allows(bad), "{bad}");
        }
    }

    #[test]
    fn origins() {
        assert!(same_origin("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assert!(same_origin("http://LocalHost:8080", "localhost:8080"));
        assert!(same_origin("http://borderwatch.lan", "borderwatch.lan:80"));
        assert!(same_origin("https://borderwatch.lan", "borderwatch.lan"));
        assert!(!same_origin(
            "http://borderwatch.lan",
            "borderwatch.lan:8080"
        ));
        assert!(!same_origin("null", "127.0.0.1:8080"));
        assert!(!same_origin("http://127.0.0.1:8081", "127.0.0.1:8080"));
        assert!(!same_origin("http://127.0.0.1:8080.evil", "127.0.0.1:8080"));
        assert!(!same_origin("file://", "127.0.0.1:8080"));
        assert!(!same_origin("http://a@127.0.0.1:8080", "127.0.0.1:8080"));
    }
}
