//! The border-network simulation: aggregate flows of goods across the DPRK's borders under
//! enforcement what-ifs, and ground truth for the detectors.
//!
//! Owns: scenario files (`scenario.rs`: demand, crossings and modes with capacity, closures,
//! inspection by verdict class, fees, quarantine and visibility; sea routes; costs; dated
//! changes; `--set` overrides), the day-by-day run over the gazetteer's network (`engine.rs`:
//! logit route choice over cost with congestion, queues and storage at shut or full gates,
//! re-routing to the sea, inspection and seizure, empty backhaul), observer reports
//! (`observe.rs`), a fleet on the sea routes writing AIS with the truth of what each vessel did
//! (`ships.rs`), and comparing two runs (`compare.rs`).
//!
//! Refuses: the store, files and the clock. Results stream to a `Sink` the caller provides;
//! the same scenario and seed give the same run. Whether goods are prohibited is the rulebook's
//! answer (through `screen`), never the scenario's.

pub mod compare;
pub mod engine;
pub mod observe;
pub mod scenario;
pub mod ships;

pub use engine::{FlowOut, ShipmentOut, Sim, Sink, Summary, Totals};
pub use scenario::Scenario;

/// Loads and runs a scenario in one go (`days`/`seed` override the file's).
pub fn run(
    name: &str,
    text: &str,
    sets: &[String],
    days: Option<u32>,
    seed: Option<u64>,
    reference: &borderwatch_reference::Reference,
    sink: &mut dyn Sink,
) -> Result<Summary, String> {
    let mut sets = sets.to_vec();
    if let Some(d) = days {
        sets.push(format!("days={d}"));
    }
    if let Some(s) = seed {
        sets.push(format!("seed={s}"));
    }
    let (sc, base) = scenario::load(name, text, &sets, reference)?;
    let fleet = match &sc.ships {
        Some(cfg) => Some(ships::sail(&sc, cfg, reference)?),
        None => None,
    };
    let summary = Sim::new(sc, base, reference).run(sink)?;
    if let Some(f) = fleet {
        for l in &f.lines {
            sink.track(l)?;
        }
        for t in &f.vessels {
            sink.vessel(t)?;
        }
        for e in &f.events {
            sink.sea_event(e)?;
        }
    }
    Ok(summary)
}
