//! The one table of API error codes. Every error the API returns is `{"error": {"code",
//! "message"}}` with a code from this table; clients match on the code, never on the message.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// A stable error code and its HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A query or path parameter is malformed (a date, a direction, an HS code, a number).
    BadParameter,
    /// The request body is not the JSON the route takes.
    BadBody,
    /// No such route, claim, source, corridor or place.
    NotFound,
    /// The route exists but not with this method.
    MethodNotAllowed,
    /// The body is over the server's size limit.
    PayloadTooLarge,
    /// An upload is neither a report nor a shipment file (by its name and header).
    UnsupportedFile,
    /// The input cannot be read as what it claims to be (binary, oversize, unreadable rows).
    BadInput,
    /// Screening words the goods lexicon does not know.
    UnknownGoods,
    /// The server was started with `--read-only`: nothing can be stored.
    ReadOnly,
    /// The request's `Host` is neither loopback nor a name the server was told to answer to
    /// (`--allow-host`): a page that rebinds its own name to this address cannot read the store.
    HostNotAllowed,
    /// A write (any method but GET and HEAD) from another origin, or one a web page could send
    /// across origins without asking (no `Content-Type` other than a form's or `text/plain`, and
    /// no `X-Borderwatch` header).
    CrossOriginWrite,
    /// The client was too slow: the request body did not arrive in time.
    Timeout,
    /// The server is at its limit of connections or of heavy requests (extraction, uploads);
    /// try again shortly (`Retry-After`).
    Busy,
    /// The store has users and the request has no live session or API token (none, unknown,
    /// expired, revoked, or of a disabled user).
    Unauthenticated,
    /// The user's role does not allow the route, or what it asks for (attribution and raw
    /// source text need `source-handler`).
    Forbidden,
    /// A signed-in write without the session's CSRF value (`X-CSRF-Token`).
    CsrfFailed,
    /// A sign-in with a wrong name or password, or of a disabled account.
    SignInFailed,
    /// Too many failed sign-ins for the account or from the address lately (`Retry-After`).
    TooManyAttempts,
    /// The store failed (the environment, not the request).
    StoreFailed,
    /// A bug: the server could not finish the request.
    Internal,
}

/// Every code, for the OpenAPI document and the tests.
pub const CODES: &[Code] = &[
    Code::BadParameter,
    Code::BadBody,
    Code::NotFound,
    Code::MethodNotAllowed,
    Code::PayloadTooLarge,
    Code::UnsupportedFile,
    Code::BadInput,
    Code::UnknownGoods,
    Code::ReadOnly,
    Code::HostNotAllowed,
    Code::CrossOriginWrite,
    Code::Timeout,
    Code::Busy,
    Code::Unauthenticated,
    Code::Forbidden,
    Code::CsrfFailed,
    Code::SignInFailed,
    Code::TooManyAttempts,
    Code::StoreFailed,
    Code::Internal,
];

impl Code {
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::BadParameter => "bad-parameter",
            Code::BadBody => "bad-body",
            Code::NotFound => "not-found",
            Code::MethodNotAllowed => "method-not-allowed",
            Code::PayloadTooLarge => "payload-too-large",
            Code::UnsupportedFile => "unsupported-file",
            Code::BadInput => "bad-input",
            Code::UnknownGoods => "unknown-goods",
            Code::ReadOnly => "read-only",
            Code::HostNotAllowed => "host-not-allowed",
            Code::CrossOriginWrite => "cross-origin-write",
            Code::Timeout => "timeout",
            Code::Busy => "busy",
            Code::Unauthenticated => "unauthenticated",
            Code::Forbidden => "forbidden",
            Code::CsrfFailed => "csrf-failed",
            Code::SignInFailed => "sign-in-failed",
            Code::TooManyAttempts => "too-many-attempts",
            Code::StoreFailed => "store-failed",
            Code::Internal => "internal",
        }
    }

    pub const fn status(self) -> StatusCode {
        match self {
            Code::BadParameter | Code::BadBody => StatusCode::BAD_REQUEST,
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Code::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Code::UnsupportedFile => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::BadInput | Code::UnknownGoods => StatusCode::UNPROCESSABLE_ENTITY,
            Code::ReadOnly
            | Code::HostNotAllowed
            | Code::CrossOriginWrite
            | Code::Forbidden
            | Code::CsrfFailed => StatusCode::FORBIDDEN,
            Code::Unauthenticated | Code::SignInFailed => StatusCode::UNAUTHORIZED,
            Code::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            Code::Timeout => StatusCode::REQUEST_TIMEOUT,
            Code::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Code::StoreFailed | Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// An error response.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: Code,
    pub message: String,
    /// Seconds for `Retry-After`, when the code says to wait.
    pub retry: Option<u64>,
}

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            retry: None,
        }
    }

    /// With a `Retry-After` of `secs`.
    pub fn retry_after(mut self, secs: u64) -> ApiError {
        self.retry = Some(secs);
        self
    }

    /// A malformed parameter: names it and quotes the value.
    pub fn param(name: &str, value: &str, why: impl std::fmt::Display) -> ApiError {
        ApiError::new(Code::BadParameter, format!("{name} {value:?}: {why}"))
    }
}

impl From<borderwatch_store::StoreError> for ApiError {
    fn from(e: borderwatch_store::StoreError) -> ApiError {
        ApiError::new(Code::StoreFailed, format!("store: {}", e.0))
    }
}

/// The body of every error.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A code from the error table: bad-parameter, bad-body, not-found, method-not-allowed,
    /// payload-too-large, unsupported-file, bad-input, unknown-goods, read-only,
    /// host-not-allowed, cross-origin-write, timeout, busy, unauthenticated, forbidden,
    /// csrf-failed, sign-in-failed, too-many-attempts, store-failed, internal.
    pub code: &'static str,
    /// One lowercase line naming the value at fault.
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.as_str(),
                message: self.message,
            },
        };
        let mut r = (self.code.status(), Json(body)).into_response();
        // For the audit layer: which refusal this was.
        r.extensions_mut().insert(self.code);
        if let Some(secs) = self.retry {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        match self.code {
            // A client that waits a moment is served.
            Code::Busy if self.retry.is_none() => {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            // The connection is not reused after a slow body: part of it may still be coming.
            Code::Timeout => {
                r.headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            _ => {}
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_map_to_error_statuses() {
        let mut seen = std::collections::HashSet::new();
        for c in CODES {
            assert!(seen.insert(c.as_str()), "duplicate {}", c.as_str());
            assert!(c
                .as_str()
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '-'));
            assert!(c.status().is_client_error() || c.status().is_server_error());
        }
    }
}
