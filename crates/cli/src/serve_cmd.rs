//! `borderwatch serve`: the API and the web UI over the store.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::store_cmd::db_path;
use crate::{load_reference, Failure, Outcome};

#[derive(clap::Args)]
pub struct Args {
    /// Where to listen. The default is loopback only: the store holds sensitive sources.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Open the store read-only and refuse uploads.
    #[arg(long)]
    read_only: bool,
    /// The largest request body (uploads, extraction previews), in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 16)]
    max_body_mib: usize,
}

pub fn run(data: &Option<PathBuf>, db: &Option<PathBuf>, a: &Args) -> Outcome {
    // The server shares the reference packs with every request for as long as it runs.
    let reference: &'static borderwatch_reference::Reference =
        Box::leak(Box::new(load_reference(data)?));
    if !a.addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {} — anyone who can reach it can read the store{}",
            a.addr,
            if a.read_only { "" } else { " and add to it" }
        );
    }
    let config = borderwatch_server::Config {
        addr: a.addr,
        db: db_path(db),
        read_only: a.read_only,
        max_body: a.max_body_mib.saturating_mul(1024 * 1024),
    };
    let clock = borderwatch_server::Clock {
        today: crate::today,
        now: crate::store_cmd::now,
    };
    let db_shown = config.db.display().to_string();
    borderwatch_server::serve(config, reference, clock, |addr| {
        let mut o = std::io::stdout().lock();
        let _ = writeln!(
            o,
            "listening on http://{addr}/ (store {db_shown}); Ctrl-C stops"
        );
        let _ = o.flush();
    })
    .map_err(|e| Failure::input(format!("error: {e}")))?;
    Ok(0)
}
