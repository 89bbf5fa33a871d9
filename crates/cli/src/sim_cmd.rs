//! `borderwatch simulate`: run a scenario of the border network and write its ground-truth
//! shipments, daily flows and observer reports; `simulate compare A B` shows how flows and the
//! prohibited share move between corridors.

use std::io::Write;
use std::path::{Path, PathBuf};

use borderwatch_sim::{scenario, FlowOut, ShipmentOut, Sink, Summary};

use crate::{load_reference, Failure, Outcome};

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    compare: Option<SimCommand>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(clap::Subcommand)]
enum SimCommand {
    /// Run two scenarios (files or built-in names) and show what moves between corridors.
    Compare {
        a: String,
        b: String,
        #[command(flatten)]
        common: Common,
        /// Override a field in B only (the what-if): PATH=VALUE. Repeatable.
        #[arg(long = "set-b", value_name = "PATH=VALUE")]
        sets_b: Vec<String>,
        /// Also write the comparison as HTML (with a chart) here.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct Common {
    /// Days to run (default: the scenario's).
    #[arg(long)]
    days: Option<u32>,
    /// Random seed (default: the scenario's); the same seed gives the same run.
    #[arg(long)]
    seed: Option<u64>,
    /// Override a field: PATH=VALUE, e.g. crossing.quanhe-wonjong.inspection.prohibited=0.8.
    /// Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<String>,
}

#[derive(clap::Args)]
struct RunArgs {
    /// A scenario file, or a built-in name (default, tighten-quanhe).
    #[arg(long, default_value = "default")]
    scenario: String,
    #[command(flatten)]
    common: Common,
    /// Where to write shipments.csv, flows.csv, reports/ and summary.txt.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

fn scenario_text(s: &str) -> Result<(String, String), Failure> {
    if let Some((name, text)) = scenario::BUILT_IN.iter().find(|(n, _)| *n == s) {
        return Ok((format!("{name} (built in)"), text.to_string()));
    }
    let text = std::fs::read_to_string(s).map_err(|e| {
        let names: Vec<&str> = scenario::BUILT_IN.iter().map(|(n, _)| *n).collect();
        Failure::input(format!(
            "error: --scenario {s}: {e} (built-in scenarios: {})",
            names.join(", ")
        ))
    })?;
    Ok((s.to_string(), text))
}

/// Writes the run's files as they come.
struct Files {
    shipments: csv::Writer<std::io::BufWriter<std::fs::File>>,
    flows: csv::Writer<std::io::BufWriter<std::fs::File>>,
    reports: PathBuf,
    /// The fleet's AIS feed and truth (`tracks.nmea`, `ships.csv`), opened with their first
    /// line: a scenario without `[ships]` writes neither.
    out: PathBuf,
    tracks: Option<std::io::BufWriter<std::fs::File>>,
    ships: Option<csv::Writer<std::io::BufWriter<std::fs::File>>>,
    /// The fleet's planted sea events and near misses (`sea_events.csv`).
    sea_events: Option<csv::Writer<std::io::BufWriter<std::fs::File>>>,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Sink for Files {
    fn shipment(&mut self, s: &ShipmentOut) -> Result<(), String> {
        self.shipments
            .write_record([
                s.shipment_id.as_str(),
                &s.leg.to_string(),
                &s.date.to_string(),
                s.hs.as_str(),
                &s.description,
                s.direction.as_str(),
                &s.quantity_t.to_string(),
                "t",
                &s.value_usd.to_string(),
                &s.origin,
                &s.destination,
                s.crossing.as_deref().unwrap_or(""),
                s.mode.as_str(),
                &s.route,
                s.class.as_str(),
                bool_str(s.inspected),
                bool_str(s.seized),
                &s.stored_days.to_string(),
                bool_str(s.transshipped),
                bool_str(s.rerouted),
            ])
            .map_err(err)
    }
    fn flow(&mut self, f: &FlowOut) -> Result<(), String> {
        self.flows
            .write_record([
                f.date.to_string().as_str(),
                &f.corridor,
                f.direction.as_str(),
                f.mode.as_str(),
                f.class.as_str(),
                &f.loads.to_string(),
                &f.seized.to_string(),
                &f.empty_vehicles.to_string(),
                &f.waiting.to_string(),
            ])
            .map_err(err)
    }
    fn report(&mut self, name: &str, text: &str) -> Result<(), String> {
        std::fs::write(self.reports.join(name), text).map_err(err)
    }
    fn track(&mut self, line: &str) -> Result<(), String> {
        use std::io::Write;
        if self.tracks.is_none() {
            let p = self.out.join("tracks.nmea");
            let f = std::fs::File::create(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            self.tracks = Some(std::io::BufWriter::with_capacity(1 << 20, f));
        }
        let w = self.tracks.as_mut().ok_or("tracks.nmea is not open")?;
        writeln!(w, "{line}").map_err(err)
    }
    fn vessel(&mut self, t: &borderwatch_sim::ships::VesselTruth) -> Result<(), String> {
        if self.ships.is_none() {
            let p = self.out.join("ships.csv");
            let f = std::fs::File::create(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
            w.write_record(borderwatch_pipeline::SIM_SHIPS_HEADER)
                .map_err(err)?;
            self.ships = Some(w);
        }
        let w = self.ships.as_mut().ok_or("ships.csv is not open")?;
        w.write_record([
            t.mmsi.to_string().as_str(),
            &t.name,
            &t.imo.map(|i| i.to_string()).unwrap_or_default(),
            t.behaviour,
            t.expected,
            &t.partner.map(|p| p.to_string()).unwrap_or_default(),
        ])
        .map_err(err)
    }
    fn sea_event(&mut self, e: &borderwatch_sim::ships::EventTruth) -> Result<(), String> {
        if self.sea_events.is_none() {
            let p = self.out.join("sea_events.csv");
            let f = std::fs::File::create(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
            w.write_record(borderwatch_pipeline::SIM_SEA_EVENTS_HEADER)
                .map_err(err)?;
            self.sea_events = Some(w);
        }
        let w = self
            .sea_events
            .as_mut()
            .ok_or("sea_events.csv is not open")?;
        let time = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_else(|| t.to_string())
        };
        w.write_record([
            e.kind,
            &e.mmsi.to_string(),
            &e.partner.map(|p| p.to_string()).unwrap_or_default(),
            &time(e.start),
            &time(e.end),
            &format!("{:.2}", (e.end - e.start) as f64 / 3600.0),
            bool_str(e.is_event),
            e.why_not.as_deref().unwrap_or(""),
            if e.kind == "dark" {
                bool_str(e.dprk_reachable)
            } else {
                ""
            },
        ])
        .map_err(err)
    }
}

fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// Keeps nothing (a compare run needs only the totals).
struct Discard;

impl Sink for Discard {
    fn shipment(&mut self, _: &ShipmentOut) -> Result<(), String> {
        Ok(())
    }
    fn flow(&mut self, _: &FlowOut) -> Result<(), String> {
        Ok(())
    }
    fn report(&mut self, _: &str, _: &str) -> Result<(), String> {
        Ok(())
    }
}

fn files(out: &Path) -> Result<Files, Failure> {
    let io = |p: &Path, e: std::io::Error| Failure::input(format!("error: {}: {e}", p.display()));
    let reports = out.join("reports");
    std::fs::create_dir_all(&reports).map_err(|e| io(&reports, e))?;
    let open = |name: &str, header: &[&str]| -> Result<_, Failure> {
        let p = out.join(name);
        let f = std::fs::File::create(&p).map_err(|e| io(&p, e))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, f));
        w.write_record(header)
            .map_err(|e| Failure::input(format!("error: {}: {e}", p.display())))?;
        Ok(w)
    };
    Ok(Files {
        out: out.to_path_buf(),
        tracks: None,
        ships: None,
        sea_events: None,
        shipments: open(
            "shipments.csv",
            &[
                "shipment_id",
                "leg",
                "date",
                "hs",
                "description",
                "direction",
                "quantity",
                "unit",
                "value_usd",
                "origin",
                "destination",
                "crossing",
                "mode",
                "route",
                "truth_class",
                "truth_inspected",
                "truth_seized",
                "truth_stored_days",
                "truth_transshipped",
                "truth_rerouted",
            ],
        )?,
        flows: open("flows.csv", borderwatch_pipeline::SIM_FLOWS_HEADER)?,
        reports,
    })
}

fn summary_text(name: &str, s: &Summary, secs: f64) -> String {
    let mut t = format!(
        "scenario: {name}\ndays: {}\nloads crossed: {} ({:.0} a second)\nobserver reports: {}\n\
         loads in flight at the end: {}; at most at once: {}\n\n{:<44} {:<9} {:>9} {:>10} {:>8} {:>10} {:>12}\n",
        s.days,
        s.shipments,
        s.shipments as f64 / secs.max(1e-9),
        s.reports,
        s.in_flight_at_end,
        s.peak_in_flight,
        "corridor",
        "direction",
        "loads",
        "prohibited",
        "seized",
        "empty veh.",
        "stored days"
    );
    for ((c, d), x) in &s.by_corridor {
        t.push_str(&format!(
            "{c:<44} {:<9} {:>9} {:>9.1}% {:>8} {:>10} {:>12}\n",
            d.as_str(),
            x.loads,
            x.prohibited_share() * 100.0,
            x.seized,
            x.empty_vehicles,
            x.stored_load_days
        ));
    }
    t
}

pub fn run(data: &Option<PathBuf>, a: &Args) -> Outcome {
    let reference = load_reference(data)?;
    match &a.compare {
        Some(SimCommand::Compare {
            a: sa,
            b: sb,
            common,
            sets_b,
            html,
        }) => {
            let mut sums = Vec::new();
            for (s, extra) in [(sa, &Vec::new()), (sb, sets_b)] {
                let (name, text) = scenario_text(s)?;
                let sets: Vec<String> = common.sets.iter().chain(extra).cloned().collect();
                let sum = borderwatch_sim::run(
                    &name,
                    &text,
                    &sets,
                    common.days,
                    common.seed,
                    &reference,
                    &mut Discard,
                )
                .map_err(|e| Failure::input(format!("error: {e}")))?;
                sums.push(sum);
            }
            let rows = borderwatch_sim::compare::rows(&sums[0], &sums[1]);
            let b_name = if sets_b.is_empty() {
                sb.clone()
            } else {
                format!("{sb} with {}", sets_b.join(", "))
            };
            let mut o = std::io::stdout().lock();
            o.write_all(borderwatch_sim::compare::table(&rows, sa, &b_name).as_bytes())?;
            if let Some(p) = html {
                std::fs::write(p, borderwatch_sim::compare::html(&rows, sa, &b_name))
                    .map_err(|e| Failure::input(format!("error: {}: {e}", p.display())))?;
                eprintln!("wrote {}", p.display());
            }
            Ok(0)
        }
        None => {
            let r = &a.run;
            let out = r.out.as_ref().ok_or_else(|| {
                Failure::input("error: --out DIR is needed (where the run's files go)")
            })?;
            let (name, text) = scenario_text(&r.scenario)?;
            let mut sink = files(out)?;
            let t0 = std::time::Instant::now();
            let sum = borderwatch_sim::run(
                &name,
                &text,
                &r.common.sets,
                r.common.days,
                r.common.seed,
                &reference,
                &mut sink,
            )
            .map_err(|e| Failure::input(format!("error: {e}")))?;
            sink.shipments.flush()?;
            sink.flows.flush()?;
            if let Some(t) = &mut sink.tracks {
                std::io::Write::flush(t)?;
            }
            if let Some(w) = &mut sink.ships {
                w.flush()?;
            }
            let secs = t0.elapsed().as_secs_f64();
            let text = summary_text(&name, &sum, secs);
            std::fs::write(out.join("summary.txt"), &text)
                .map_err(|e| Failure::input(format!("error: {}: {e}", out.display())))?;
            print!("{text}");
            println!("wrote {}", out.display());
            Ok(0)
        }
    }
}
