//! The web UI bundle, embedded at build time from `ui/dist` when it was built
//! (`scripts/build-ui.sh`). Without it `/` says how to build it; the API works either way.

use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// Whether this binary carries the UI.
pub fn built() -> bool {
    !ASSETS.is_empty()
}

fn media_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("");
    match ext {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

/// `GET /` and every path outside `/api/`: the bundle's file, else its `index.html` (the UI
/// routes in the browser).
pub async fn asset(uri: Uri) -> Response {
    if !built() {
        return (
            StatusCode::OK,
            Html(
                "<!doctype html><meta charset=utf-8><title>borderwatch</title>\
                 <p>The web UI is not built into this binary. Run <code>scripts/build-ui.sh</code> \
                 and rebuild; the API is at <a href=\"/api/openapi.json\">/api/openapi.json</a>.",
            ),
        )
            .into_response();
    }
    let path = uri.path();
    let found = ASSETS
        .iter()
        .find(|(p, _)| *p == path)
        .or_else(|| ASSETS.iter().find(|(p, _)| *p == "/index.html"));
    match found {
        Some((p, bytes)) => {
            let cache = if p.starts_with("/assets/") {
                // Vite names bundle files by content hash.
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            (
                [
                    (header::CONTENT_TYPE, media_type(p)),
                    (header::CACHE_CONTROL, cache),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                    // Scripts come from the bundle only: a report's text can never run as code,
                    // even if it reached the page as markup.
                    (header::CONTENT_SECURITY_POLICY, CSP),
                ],
                *bytes,
            )
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
