//! `borderwatch serve`: the API and the web UI over the store.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::store_cmd::db_path;
use crate::{load_reference, Failure, Outcome};

#[derive(clap::Args)]
pub struct Args {
    /// Where to listen. The default is loopback only: the store holds sensitive sources. Any
    /// other address needs users in the store (`borderwatch users add`): without them every
    /// request may read everything, so only loopback is served.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Open the store read-only and refuse uploads.
    #[arg(long)]
    read_only: bool,
    /// The largest request body (uploads, extraction previews), in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 16)]
    max_body_mib: usize,
    /// A name (besides loopback) that requests may give as their Host, e.g. the machine's name
    /// on a team network; repeatable. Requests naming any other host are refused, so a web page
    /// that rebinds its own name to this address cannot read the store.
    #[arg(long, value_name = "NAME")]
    allow_host: Vec<String>,
    /// Seconds a client has to send a request's head (also how long a kept-alive connection may
    /// stay quiet).
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_timeout: u64,
    /// Seconds a client has to send a request's body (and the longest it may leave an answer
    /// unread).
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    body_timeout: u64,
    /// Connections served at once; more are answered "busy".
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=65536))]
    max_connections: u64,
    /// Extraction previews and uploads run at once (default: the number of cores); more are
    /// answered "busy".
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    max_heavy: Option<u64>,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key. Sessions' cookies are
    /// then marked Secure.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Hours a sign-in lasts (when the store has users).
    #[arg(long, value_name = "HOURS", default_value_t = 12, value_parser = clap::value_parser!(u64).range(1..=720))]
    session_hours: u64,
    /// Minutes a sign-in may go unused before it ends.
    #[arg(long, value_name = "MINUTES", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=43200))]
    session_idle_minutes: u64,
}

pub fn run(data: &Option<PathBuf>, db: &Option<PathBuf>, a: &Args) -> Outcome {
    // The server shares the reference packs with every request for as long as it runs.
    let reference: &'static borderwatch_reference::Reference =
        Box::leak(Box::new(load_reference(data)?));
    let mut config = borderwatch_server::Config::new(a.addr, db_path(db));
    config.read_only = a.read_only;
    config.max_body = a.max_body_mib.saturating_mul(1024 * 1024);
    config.allow_hosts = a.allow_host.clone();
    config.header_timeout = Duration::from_secs(a.header_timeout);
    config.body_timeout = Duration::from_secs(a.body_timeout);
    config.max_connections = a.max_connections as usize;
    if let Some(n) = a.max_heavy {
        config.max_heavy = n as usize;
    }
    config.session_ttl = Duration::from_secs(a.session_hours * 3600);
    config.session_idle = Duration::from_secs(a.session_idle_minutes * 60);
    if let (Some(c), Some(k)) = (&a.tls_cert, &a.tls_key) {
        config.tls = Some((c.clone(), k.clone()));
    }
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let clear = !a.addr.ip().is_loopback() && config.tls.is_none();
    let clock = borderwatch_server::Clock {
        today: crate::today,
        now: crate::store_cmd::now,
        secs: crate::unix_secs,
    };
    let db_shown = config.db.display().to_string();
    borderwatch_server::serve(config, reference, clock, |addr| {
        if clear {
            eprintln!(
                "warning: listening on {addr} without TLS — passwords, tokens and session \
                 cookies cross the network in the clear; give --tls-cert and --tls-key, or put \
                 a TLS reverse proxy in front"
            );
        }
        let mut o = std::io::stdout().lock();
        let _ = writeln!(
            o,
            "listening on {scheme}://{addr}/ (store {db_shown}); Ctrl-C stops"
        );
        let _ = o.flush();
    })
    .map_err(|e| Failure::input(format!("error: {e}")))?;
    Ok(0)
}
