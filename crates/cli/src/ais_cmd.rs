//! `borderwatch ais`: vessel tracks from AIS NMEA files and position tables.
//!
//! `ais read` prints the positions and static reports (JSON lines), `ais vessels` the vessels
//! with their identity over time and identity events, `ais events` the events at sea (port
//! calls, voyages, dark periods, encounters, loitering) and identity events. Every file ends
//! with its count on standard error (`read N = decoded D + rejected R`); rejected lines go to
//! `--rejects` (CSV: file, line, code, message, raw) or, the first twenty, to standard error.
//!
//! Owns argv, files and output; every rule is in `borderwatch-ais`. Files are kept apart
//! by what they hold (NMEA sentences, or a CSV header naming MMSI, lat and lon), not by name.
//! The AIS packs come from the data directory when it has them (`ais/generated/mid.toml`,
//! `ais/generated/ports.toml`, `ais/generated/ofac-sdn-dprk.toml`), else the embedded copies;
//! every `ais/designated/*.toml` there is a further designated-vessel list (the UN 1718
//! Committee's, say).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use borderwatch_ais::events::{self, dark, encounters, loitering, port_calls};
use borderwatch_ais::{
    parse_time, Item, Mids, NmeaReader, Options, Ports, Record, TableReader, VesselBook, Watchlist,
};
use borderwatch_model::Issue;

use crate::{data_dir, load_reference, Failure, Outcome};

/// A pack file from the data directory when it has it, else the embedded copy.
fn pack(data: &Option<PathBuf>, rel: &str, embedded: &str) -> Result<(String, String), Failure> {
    if let Some(p) = data_dir(data).map(|d| d.join(rel)).filter(|p| p.exists()) {
        let text = std::fs::read_to_string(&p)
            .map_err(|e| Failure::input(format!("error: {}: {e}", p.display())))?;
        return Ok((p.display().to_string(), text));
    }
    Ok((format!("<embedded>/data/{rel}"), embedded.to_string()))
}

pub(crate) fn mids(data: &Option<PathBuf>) -> Result<Mids, Failure> {
    let (name, text) = pack(
        data,
        "ais/generated/mid.toml",
        borderwatch_ais::mid::EMBEDDED,
    )?;
    Mids::parse(&name, &text).map_err(|e| Failure::input(format!("error: {e}")))
}

/// The embedded lists (each replaceable), then every `ais/designated/*.toml` of the data
/// directory, in name order.
pub(crate) fn watchlist(data: &Option<PathBuf>) -> Result<Watchlist, Failure> {
    let mut w = Watchlist::default();
    let bad = |e: String| Failure::input(format!("error: {e}"));
    for (rel, text) in borderwatch_ais::designated::EMBEDDED {
        let rel = rel.trim_start_matches("data/");
        let (name, text) = pack(data, rel, text)?;
        w.add(&name, &text).map_err(bad)?;
    }
    if let Some(dir) = data_dir(data)
        .map(|d| d.join("ais/designated"))
        .filter(|d| d.is_dir())
    {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| Failure::input(format!("error: {}: {e}", dir.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for p in files {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| Failure::input(format!("error: {}: {e}", p.display())))?;
            w.add(&p.display().to_string(), &text).map_err(bad)?;
        }
    }
    Ok(w)
}

/// The ports: the gazetteer's and the data directory's (else the embedded) searoute pack.
pub(crate) fn ports(
    data: &Option<PathBuf>,
    gazetteer: &borderwatch_reference::Gazetteer,
) -> Result<Ports, Failure> {
    let (name, text) = pack(
        data,
        "ais/generated/ports.toml",
        borderwatch_ais::ports::EMBEDDED,
    )?;
    Ports::new(gazetteer, &name, &text).map_err(|e| Failure::input(format!("error: {e}")))
}

/// What `ingest` needs to read vessel tracks.
pub(crate) fn track_setup(
    data: &Option<PathBuf>,
    gazetteer: &borderwatch_reference::Gazetteer,
    file_time: &Option<String>,
) -> Result<borderwatch_pipeline::TrackSetup, Failure> {
    let file_time = match file_time {
        None => None,
        Some(t) => {
            Some(parse_time(t).map_err(|e| Failure::input(format!("error: --file-time: {e}")))?)
        }
    };
    Ok(borderwatch_pipeline::TrackSetup {
        mids: mids(data)?,
        watch: watchlist(data)?,
        ports: ports(data, gazetteer)?,
        file_time,
    })
}

pub const EXAMPLES: &str = "Examples:
  borderwatch ais read tracks.nmea > positions.jsonl
  borderwatch ais read --file-time 2024-05-01T00:00:00Z --rejects rejects.csv feed.txt
  borderwatch ais read --map ship=mmsi --map when=time positions.csv
  borderwatch ais vessels tracks.nmea positions.csv
  borderwatch ais events positions.csv";

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// Positions and static reports, one JSON object a line.
    Read(Common),
    /// Vessels: flag by MMSI, identities over time, designated-vessel matches; then identity
    /// events (name, IMO and call sign changes, invalid IMO numbers, shared MMSIs).
    Vessels(Common),
    /// Events at sea: port calls, voyages, dark periods, encounters, loitering; then identity
    /// events.
    Events(Common),
}

#[derive(clap::Args)]
struct Common {
    /// NMEA files (`!AIVDM`/`!AIVDO`, tag blocks, `$PGHP`) or position tables (CSV).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The time of every message or row without one of its own (Unix seconds, RFC 3339 or
    /// YYYY-MM-DD HH:MM:SS, UTC). Without it such messages and rows are rejected.
    #[arg(long, value_name = "TIME")]
    file_time: Option<String>,
    /// Position tables: take COLUMN as FIELD (mmsi, time, lat, lon, speed, course, heading,
    /// status, name, imo, callsign, ship_type, draught, destination). Repeatable.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    map: Vec<String>,
    /// Where rejected lines go (CSV); default: the first twenty to standard error.
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
}

/// Rejected lines, to a file or (the first few) to standard error.
struct Rejects {
    file: Option<csv::Writer<std::io::BufWriter<std::fs::File>>>,
    shown: u64,
    total: u64,
}

const SHOWN: u64 = 20;

impl Rejects {
    fn add(&mut self, i: &Issue) -> Result<(), Failure> {
        self.total += 1;
        match &mut self.file {
            Some(w) => w.write_record([
                i.file.as_deref().unwrap_or(""),
                &i.line.map(|l| l.to_string()).unwrap_or_default(),
                i.code.as_str(),
                &i.message,
                i.value.as_deref().unwrap_or(""),
            ])?,
            None if self.shown < SHOWN => {
                self.shown += 1;
                eprintln!("{i}");
            }
            None => {}
        }
        Ok(())
    }
    fn finish(self) -> Result<(), Failure> {
        if let Some(mut w) = self.file {
            w.flush()?;
        } else if self.total > self.shown {
            eprintln!(
                "… {} more rejected lines (give --rejects FILE to keep them all)",
                self.total - self.shown
            );
        }
        Ok(())
    }
}

/// Whether a file holds NMEA sentences (else it is read as a position table).
fn is_nmea(path: &Path) -> std::io::Result<bool> {
    let mut r = BufReader::new(std::fs::File::open(path)?.take(64 << 10));
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Ok(true);
        }
        let t = line.trim_start_matches('\u{feff}').trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        return Ok(t.starts_with(['!', '$', '\\']));
    }
}

/// Reads every file, passing each record on with its file id; prints each file's count.
fn read_files(
    c: &Common,
    mut each: impl FnMut(u32, &str, Record) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let file_time = match &c.file_time {
        None => None,
        Some(t) => {
            Some(parse_time(t).map_err(|e| Failure::input(format!("error: --file-time: {e}")))?)
        }
    };
    let map: Vec<(String, String)> = c
        .map
        .iter()
        .map(|m| {
            m.split_once('=')
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .ok_or_else(|| Failure::input(format!("error: --map {m:?}: expected COLUMN=FIELD")))
        })
        .collect::<Result<_, _>>()?;
    let inputs: Vec<&Path> = c.files.iter().map(PathBuf::as_path).collect();
    let mut rejects = Rejects {
        file: match &c.rejects {
            None => None,
            Some(p) => {
                crate::guard::output("--rejects", p, None, &inputs)?;
                let mut w = csv::Writer::from_writer(std::io::BufWriter::new(
                    std::fs::File::create(p).map_err(|e| {
                        Failure::input(format!("error: --rejects {}: {e}", p.display()))
                    })?,
                ));
                w.write_record(["file", "line", "code", "message", "raw"])?;
                Some(w)
            }
        },
        shown: 0,
        total: 0,
    };
    for (id, path) in c.files.iter().enumerate() {
        let name = path.display().to_string();
        let open = |p: &Path| {
            std::fs::File::open(p).map_err(|e| Failure::input(format!("error: {name}: {e}")))
        };
        let nmea = is_nmea(path).map_err(|e| Failure::input(format!("error: {name}: {e}")))?;
        let tally = if nmea {
            let opts = Options { file_time };
            let mut r = NmeaReader::new(open(path)?, &name, opts);
            while let Some(item) = r.next_item() {
                match item.map_err(|e| Failure::input(format!("error: {name}: {e}")))? {
                    Item::Message(m) => {
                        for rec in m.records() {
                            each(id as u32, &name, rec)?;
                        }
                    }
                    Item::Issue(i) => rejects.add(&i)?,
                }
            }
            r.tally()
        } else {
            let mut r = TableReader::new(open(path)?, &name, &map, file_time)
                .map_err(|e| Failure::input(format!("error: {e}")))?;
            while let Some(row) = r.next_row() {
                match row
                    .map_err(|e| Failure::input(format!("error: {name}: {e}")))?
                    .result
                {
                    Ok(recs) => {
                        for rec in recs {
                            each(id as u32, &name, rec)?;
                        }
                    }
                    Err(i) => rejects.add(&i)?,
                }
            }
            r.tally()
        };
        eprintln!("{name}: {tally}");
    }
    rejects.finish()
}

pub fn run(data: &Option<PathBuf>, a: &Args) -> Outcome {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match &a.what {
        What::Read(c) => {
            read_files(c, |_, name, rec| {
                let mut v =
                    serde_json::to_value(&rec).map_err(|e| Failure::input(e.to_string()))?;
                v["file"] = serde_json::Value::from(name);
                writeln!(out, "{v}")?;
                Ok(())
            })?;
        }
        What::Vessels(c) | What::Events(c) => {
            let (mids, watch) = (mids(data)?, watchlist(data)?);
            let mut book = VesselBook::new(&mids, &watch, Default::default());
            // File ids are the files' places on the command line.
            let files: Vec<String> = c.files.iter().map(|p| p.display().to_string()).collect();
            for f in &files {
                book.file(f);
            }
            // One position a minute per vessel is kept for the events: they work in minutes.
            let o = events::Options::default();
            let mut tracks = events::TrackBuilder::new(60, &o);
            let events_wanted = matches!(a.what, What::Events(_));
            read_files(c, |id, _, rec| {
                book.add(id, &rec);
                if events_wanted {
                    tracks.add(id, &rec);
                }
                Ok(())
            })?;
            let (vessels, identity_events) = book.finish();
            if events_wanted {
                let reference = load_reference(data)?;
                let ports = ports(data, &reference.gazetteer)?;
                let tracks = tracks.finish();
                let mut all = port_calls::port_calls_and_voyages(&tracks, &ports, &files, &o);
                all.extend(dark::dark_periods(&tracks, &ports, &files, &o));
                all.extend(encounters::encounters(&tracks, &ports, &files, &o));
                all.extend(loitering::loitering(&tracks, &ports, &files, &o));
                all.sort_by(|x, y| (x.start, &x.vessels).cmp(&(y.start, &y.vessels)));
                for e in &all {
                    writeln!(
                        out,
                        "{}",
                        serde_json::to_string(e).map_err(|e| Failure::input(e.to_string()))?
                    )?;
                }
            } else {
                for v in &vessels {
                    writeln!(
                        out,
                        "{}",
                        serde_json::to_string(v).map_err(|e| Failure::input(e.to_string()))?
                    )?;
                }
            }
            for e in &identity_events {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(e).map_err(|e| Failure::input(e.to_string()))?
                )?;
            }
        }
    }
    out.flush()?;
    Ok(0)
}
