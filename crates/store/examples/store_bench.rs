//! Store benchmark: how fast the store takes claims that are already extracted (the writer's
//! share of `ingest`), and how fast filtered queries answer on a store of a million claims.
//!
//! usage: store_bench CLAIMS.jsonl DB [TARGET_CLAIMS]
//!
//! CLAIMS.jsonl is `borderwatch extract --format jsonl` output; each claim's `source` names the
//! report file, whose bytes are archived with it. Sources are ingested round after round (each
//! round's bytes marked, so they are new sources) until TARGET_CLAIMS (default 1,000,000) are
//! stored, committing every 20,000 rows as `ingest` does.

use std::collections::BTreeMap;
use std::time::Instant;

use borderwatch_model::Claim;
use borderwatch_store::{ClaimFilter, Content, PreparedClaim, SourceInput, Store};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

/// How many sources the run stored before reaching the target.
fn run_sources(work: &[(String, Vec<u8>, Vec<PreparedClaim>)], target: usize) -> usize {
    let mut n = 0;
    let mut stored = 0;
    for (_, _, c) in work {
        if stored >= target {
            break;
        }
        stored += c.len();
        n += 1;
    }
    n
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [claims_path, db] = [args.first(), args.get(1)].map(|a| a.cloned());
    let (Some(claims_path), Some(db)) = (claims_path, db) else {
        return Err("usage: store_bench CLAIMS.jsonl DB [TARGET_CLAIMS]".into());
    };
    let target: usize = args
        .get(2)
        .map(|t| t.parse().map_err(|e| format!("TARGET_CLAIMS {t:?}: {e}")))
        .transpose()?
        .unwrap_or(1_000_000);
    let text = std::fs::read_to_string(&claims_path).map_err(|e| format!("{claims_path}: {e}"))?;
    let mut by_source: BTreeMap<String, Vec<Claim>> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let c: Claim =
            serde_json::from_str(line).map_err(|e| format!("{claims_path}:{}: {e}", i + 1))?;
        by_source.entry(c.source.clone()).or_default().push(c);
    }
    let per_round: usize = by_source.values().map(Vec::len).sum();
    if per_round == 0 {
        return Err(format!("{claims_path}: no claims"));
    }
    let rounds = target.div_ceil(per_round);
    // Everything the extraction workers do (reading, preparing rows) happens before the clock.
    let mut work = Vec::new();
    for round in 0..rounds {
        for (name, claims) in &by_source {
            let mut bytes = std::fs::read(name).map_err(|e| format!("{name}: {e}"))?;
            bytes.extend_from_slice(format!("\n<!-- round {round} -->\n").as_bytes());
            let prepared = PreparedClaim::all(claims.clone()).map_err(|e| e.0)?;
            work.push((format!("{name}#{round}"), bytes, prepared));
        }
    }
    let _ = std::fs::remove_file(&db);
    let mut store = Store::open(db.as_ref()).map_err(|e| e.0)?;
    let run = store.begin_run("bench", "now").map_err(|e| e.0)?;
    let t = Instant::now();
    let mut stored = 0usize;
    let mut in_batch = 0usize;
    store.begin_batch().map_err(|e| e.0)?;
    for (name, bytes, claims) in &work {
        if stored >= target {
            break;
        }
        if in_batch >= 20_000 {
            store.commit_batch().map_err(|e| e.0)?;
            store.begin_batch().map_err(|e| e.0)?;
            in_batch = 0;
        }
        let src = SourceInput {
            name,
            media_type: "text/plain",
            kind: "report",
            published: None,
            bytes,
        };
        store
            .ingest(run, &src, Content::Claims(claims), &[], "bench", "now")
            .map_err(|e| e.0)?;
        stored += claims.len();
        in_batch += claims.len() + 1;
    }
    store.commit_batch().map_err(|e| e.0)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{{\"what\": \"store ingest\", \"sources\": {}, \"claims\": {stored}, \"seconds\": {secs:.2}, \"claims_per_s\": {:.0}}}",
        work.len().min(run_sources(&work, target)),
        stored as f64 / secs
    );
    drop(store);

    // Queries on a fresh connection, as `query` runs them: median of 7 runs each.
    let store = Store::open(db.as_ref()).map_err(|e| e.0)?;
    let f = |set: &dyn Fn(&mut ClaimFilter)| {
        let mut f = ClaimFilter::default();
        set(&mut f);
        f
    };
    let queries: Vec<(&str, ClaimFilter)> = vec![
        (
            "--crossing quanhe-wonjong --direction inbound --hs 84",
            f(&|f| {
                f.crossing = Some("quanhe-wonjong".into());
                f.direction = Some("inbound".into());
                f.hs = Some("84".into());
            }),
        ),
        (
            "--place kp.sinuiju --kind storage",
            f(&|f| {
                f.place = Some("kp.sinuiju".into());
                f.kind = Some("storage".into());
            }),
        ),
        (
            "--hs 2701 --since 2023-01-01",
            f(&|f| {
                f.hs = Some("2701".into());
                f.since = Some("2023-01-01".into());
            }),
        ),
        (
            "--crossing dandong-sinuiju --direction outbound --limit 100",
            f(&|f| {
                f.crossing = Some("dandong-sinuiju".into());
                f.direction = Some("outbound".into());
                f.limit = Some(100);
            }),
        ),
    ];
    for (label, q) in &queries {
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..7 {
            let t = Instant::now();
            rows = store.claims(q).map_err(|e| e.0)?.len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{{\"what\": \"query claims {label}\", \"claims_in_store\": {stored}, \"rows\": {rows}, \"median_ms\": {:.1}}}",
            times[3]
        );
    }
    Ok(())
}
