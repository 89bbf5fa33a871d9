//! `borderwatch screen`: one item (`--hs` or `--text`), or a shipments file (`--input`), streamed.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use borderwatch_model::{parse_date, Date, Direction, HsCode, Issue, IssueCode, Status};
use borderwatch_records::{parse_json_row, parse_row, utf8_fields, Columns, Shipment};
use borderwatch_report::csv_cell;
use borderwatch_screen::{CacheKey, Goods, Screener, Verdict};
use indicatif::{ProgressBar, ProgressStyle};

use crate::{load_reference, today, Failure, Outcome};

pub const EXAMPLES: &str = "Examples:
  borderwatch screen --hs 8418 --direction inbound --date 2019-05-01
  borderwatch screen --text \"electric rice cookers\" --direction inbound --format json
  borderwatch screen --hs 2710 --direction inbound --fail-on prohibited
  borderwatch screen --input shipments.csv --output verdicts.csv --rejects rejects.csv
  borderwatch screen --input feed.jsonl --map \"HS Code=hs\" --date 2024-01-01

Directions are relative to the DPRK: inbound (into it; also to_dprk, in) or outbound (out of it;
also from_dprk, out). Without --date, today's date is used (batch: for rows without a date).
Batch files: columns are found by header name (hs/hs_code, description/goods, direction, date,
quantity, unit, value, product); rows that cannot be screened go to --rejects with line and reason.";

#[derive(clap::Args)]
pub struct Args {
    /// An HS code (2-10 digits; dots and spaces allowed).
    #[arg(long, conflicts_with_all = ["text", "input"])]
    hs: Option<String>,
    /// Goods in plain words, classified through the goods lexicon.
    #[arg(long, conflicts_with = "input")]
    text: Option<String>,
    /// A shipments file (.csv or .jsonl; `-` reads CSV from standard input).
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
    /// inbound (into the DPRK) or outbound (out of it).
    #[arg(long, required_unless_present = "input")]
    direction: Option<String>,
    /// Date of the movement, YYYY-MM-DD (default: today).
    #[arg(long)]
    date: Option<String>,
    /// Value of one item in USD (luxury thresholds; batch: value ÷ quantity when the unit counts items).
    #[arg(long, value_parser = usd)]
    value: Option<f64>,
    /// Product type when HS cannot tell (e.g. condensate, crude, aviation-fuel).
    #[arg(long)]
    product: Option<String>,
    /// Output format for one item.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with 1 when a verdict at least this severe is found.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Batch: where verdicts go (default: standard output). .jsonl writes JSON lines.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Batch: where rejected rows go, with line and reason (default: <output>.rejects.csv, or
    /// rejects.csv when writing to standard output).
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// Batch: map a column to a field, e.g. --map "HS Code=hs". Repeatable.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    map: Vec<String>,
    /// Batch: the input's kind, when the extension does not say.
    #[arg(long, value_enum)]
    kind: Option<Kind>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOn {
    Prohibited,
    Capped,
    Review,
}

impl FailOn {
    fn hit(self, s: Status) -> bool {
        let floor = match self {
            FailOn::Prohibited => Status::Prohibited,
            FailOn::Capped => Status::Capped,
            FailOn::Review => Status::Review,
        };
        // `review` asks for anything that is not plainly permitted.
        s >= floor || (matches!(self, FailOn::Review) && s != Status::Permitted)
    }
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
enum Kind {
    Csv,
    Jsonl,
}

pub fn run(data: &Option<PathBuf>, a: &Args) -> Outcome {
    let date = match &a.date {
        Some(d) => parse_date(d).map_err(|e| Failure::input(format!("error: --date: {e}")))?,
        None => today(),
    };
    let r = load_reference(data)?;
    let screener = Screener::new(&r.rulebook, &r.hs);
    if let Some(input) = &a.input {
        return batch(&screener, a, input, date);
    }
    let raw_dir = a.direction.as_deref().unwrap_or_default();
    let direction = Direction::parse_loose(raw_dir).ok_or_else(|| {
        Failure::input(format!("error: --direction {raw_dir:?}: expected inbound or outbound (into or out of the DPRK)"))
    })?;
    let verdicts: Vec<Verdict> = if let Some(hs) = &a.hs {
        let code = HsCode::parse(hs).map_err(|e| Failure::input(format!("error: --hs: {e}")))?;
        let goods = Goods {
            hs: code,
            product: a.product.clone(),
            value_usd: a.value,
            confidence: 1.0,
            phrase: None,
        };
        vec![screener.screen(&goods, direction, date)]
    } else if let Some(text) = &a.text {
        // Each candidate is screened with the value and product given, as a code would be.
        let vs: Vec<Verdict> = screener
            .goods_from_words(text)
            .into_iter()
            .map(|mut g| {
                g.value_usd = a.value;
                if a.product.is_some() {
                    g.product = a.product.clone();
                }
                screener.screen(&g, direction, date)
            })
            .collect();
        if vs.is_empty() {
            return Err(Failure::input(format!(
                "error: --text {text:?}: the goods lexicon knows none of these words; try `borderwatch hs lookup` or give --hs"
            )));
        }
        vs
    } else {
        return Err(Failure::input(
            "error: give --hs CODE, --text WORDS or --input FILE",
        ));
    };
    let mut out = std::io::stdout().lock();
    match a.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &serde_json::json!({ "verdicts": verdicts }))
                .map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => {
            for v in &verdicts {
                write_text(&mut out, v, &r.hs)?;
            }
        }
    }
    let hit = a
        .fail_on
        .is_some_and(|f| verdicts.iter().any(|v| f.hit(v.status)));
    Ok(if hit { 1 } else { 0 })
}

fn write_text(
    out: &mut impl Write,
    v: &Verdict,
    hs: &borderwatch_reference::HsPack,
) -> std::io::Result<()> {
    let title = hs
        .title(&v.hs)
        .map(|(_, t)| format!(" ({t})"))
        .unwrap_or_default();
    let words = v
        .text
        .as_deref()
        .map(|t| format!("\"{t}\" → "))
        .unwrap_or_default();
    writeln!(
        out,
        "{words}HS {}{title} · {} · {}",
        v.hs, v.direction, v.date
    )?;
    writeln!(
        out,
        "  {}  (confidence {:.2})",
        v.status.as_str().to_uppercase(),
        v.confidence
    )?;
    writeln!(out, "  {}", v.reason)?;
    for c in &v.measures {
        writeln!(
            out,
            "  - {} [{}] {}, para. {}: {}",
            c.id, c.status, c.instrument, c.paragraph, c.effect
        )?;
    }
    for n in &v.notes {
        writeln!(out, "  note: {n}")?;
    }
    writeln!(out)
}

/// What a batch row gets: the verdict columns, rendered once per cache key.
struct Rendered {
    status: Status,
    measures: String,
    reason: String,
}

fn render(v: &Verdict) -> Rc<Rendered> {
    Rc::new(Rendered {
        status: v.status,
        measures: v.measure_ids(),
        reason: v.reason_with_words(),
    })
}

struct Batch<'s, 'r> {
    screener: &'s Screener<'r>,
    verdicts: HashMap<CacheKey, Rc<Rendered>>,
    words: HashMap<String, Option<Goods>>,
    unknown_words: Rc<Rendered>,
    counts: [u64; 4],
    fail_on: Option<FailOn>,
    hit: bool,
}

impl Batch<'_, '_> {
    fn screen(&mut self, s: &Shipment) -> Rc<Rendered> {
        let (screener, cache) = (self.screener, &mut self.words);
        let goods = screener.shipment_goods_with(s, |text| {
            if !cache.contains_key(text) {
                if cache.len() > 100_000 {
                    cache.clear();
                }
                // The most likely candidate of the first phrase decides the row; its words are cited.
                let g = screener.goods_from_words(text).into_iter().next();
                cache.insert(text.to_string(), g);
            }
            cache[text].clone()
        });
        let Some(goods) = goods else {
            return self.count(self.unknown_words.clone());
        };
        let key = self.screener.cache_key(&goods, s.direction, s.date);
        if let Some(r) = self.verdicts.get(&key) {
            return self.count(r.clone());
        }
        let r = render(&self.screener.screen(&goods, s.direction, s.date));
        if self.verdicts.len() > 200_000 {
            self.verdicts.clear(); // memory stays bounded whatever the file holds
        }
        self.verdicts.insert(key, r.clone());
        self.count(r)
    }

    fn count(&mut self, r: Rc<Rendered>) -> Rc<Rendered> {
        self.counts[r.status as usize] += 1;
        if self.fail_on.is_some_and(|f| f.hit(r.status)) {
            self.hit = true;
        }
        r
    }
}

fn batch(screener: &Screener, a: &Args, input: &Path, date: Date) -> Outcome {
    let kind = a.kind.unwrap_or_else(|| {
        let ext = input
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if ext == "jsonl" || ext == "ndjson" {
            Kind::Jsonl
        } else {
            Kind::Csv
        }
    });
    let map = parse_maps(&a.map)?;
    let name = input.display().to_string();
    let (reader, len): (Box<dyn Read>, Option<u64>) = if name == "-" {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        let f = File::open(input).map_err(|e| Failure::input(format!("error: {name}: {e}")))?;
        let len = f.metadata().ok().map(|m| m.len());
        (Box::new(f), len)
    };
    // A file saved as UTF-16 (with its byte order mark) is read as the UTF-8 it holds.
    let reader = borderwatch_records::Utf8Reader::new(reader);
    let rejects_path = a.rejects.clone().unwrap_or_else(|| match &a.output {
        Some(p) => PathBuf::from(format!("{}.rejects.csv", p.display())),
        None => PathBuf::from("rejects.csv"),
    });
    if let Some(o) = &a.output {
        crate::guard::output("--output", o, None, &[input])?;
        crate::guard::distinct(("--output", o), ("--rejects", &rejects_path))?;
    }
    crate::guard::output("--rejects", &rejects_path, None, &[input])?;
    let out_kind = match &a.output {
        Some(p) if p.extension().is_some_and(|e| e == "jsonl") => Kind::Jsonl,
        Some(_) => Kind::Csv,
        None => kind,
    };
    let out: Box<dyn Write> = match &a.output {
        Some(p) => Box::new(
            File::create(p).map_err(|e| Failure::input(format!("error: {}: {e}", p.display())))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let rejects_file = File::create(&rejects_path)
        .map_err(|e| Failure::input(format!("error: {}: {e}", rejects_path.display())))?;
    let mut rejects = csv::Writer::from_writer(BufWriter::new(rejects_file));
    rejects.write_record(["line", "code", "message", "value", "row"])?;

    let progress = if std::io::stderr().is_terminal() {
        let pb = len
            .map(ProgressBar::new)
            .unwrap_or_else(ProgressBar::new_spinner);
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} {bytes}/{total_bytes} {bar:30} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb
    } else {
        ProgressBar::hidden()
    };

    let mut b = Batch {
        screener,
        verdicts: HashMap::new(),
        words: HashMap::new(),
        unknown_words: Rc::new(Rendered {
            status: Status::Review,
            measures: String::new(),
            reason: borderwatch_screen::UNKNOWN_GOODS_REASON.into(),
        }),
        counts: [0; 4],
        fail_on: a.fail_on,
        hit: false,
    };
    let mut read = 0u64;
    let mut rejected = 0u64;
    let mut reject =
        |issue: Issue, line: u64, raw: &str, rejects: &mut csv::Writer<_>| -> std::io::Result<()> {
            rejected += 1;
            let issue = issue.at(name.clone(), line);
            rejects.write_record(
                [
                    line.to_string().as_str(),
                    issue.code.as_str(),
                    issue.message.as_str(),
                    issue.value.as_deref().unwrap_or(""),
                    raw,
                ]
                .map(csv_cell),
            )?;
            Ok(())
        };
    let out = BufWriter::with_capacity(1 << 20, out);
    match kind {
        Kind::Csv => {
            let mut rdr = csv::ReaderBuilder::new()
                .flexible(true)
                .has_headers(false)
                .buffer_capacity(1 << 20)
                .from_reader(reader);
            let mut header = csv::ByteRecord::new();
            if !rdr
                .read_byte_record(&mut header)
                .map_err(|e| Failure::input(format!("error: {name}: {e}")))?
            {
                return Err(Failure::input(format!(
                    "error: {name}: the file is empty (expected a header row)"
                )));
            }
            let header: Vec<String> = header
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    std::str::from_utf8(f)
                        .map(|s| s.trim_start_matches('\u{feff}').to_string())
                        .map_err(|_| {
                            Failure::input(format!(
                                "error: {name}:1: header field {} is not utf-8",
                                i + 1
                            ))
                        })
                })
                .collect::<Result<_, _>>()?;
            let cols = Columns::from_header(&header, &map)
                .map_err(|e| Failure::input(format!("error: {name}:1: {e}")))?;
            let mut sink = Sink::new(out_kind, out);
            sink.header(&header)?;
            let mut rec = csv::ByteRecord::new();
            loop {
                let more = match rdr.read_byte_record(&mut rec) {
                    Ok(m) => m,
                    Err(e) => {
                        let line = e.position().map(|p| p.line()).unwrap_or(read + 2);
                        read += 1;
                        reject(
                            Issue::new(IssueCode::WrongFieldCount, e.to_string()),
                            line,
                            "",
                            &mut rejects,
                        )?;
                        continue;
                    }
                };
                if !more {
                    break;
                }
                read += 1;
                let line = rec.position().map(|p| p.line()).unwrap_or(read + 1);
                if read.is_multiple_of(65_536) {
                    progress.set_position(rec.position().map(|p| p.byte()).unwrap_or(0));
                }
                let fields = utf8_fields(&rec);
                let parsed = match &fields {
                    Err(i) => Err(i.clone()),
                    Ok(fields) => parse_row(&cols, fields, date),
                };
                match parsed {
                    Err(issue) => {
                        let raw = rec
                            .iter()
                            .map(String::from_utf8_lossy)
                            .collect::<Vec<_>>()
                            .join(",");
                        reject(issue, line, &raw, &mut rejects)?;
                    }
                    Ok(s) => {
                        let r = b.screen(&s);
                        sink.row(&header, fields.as_deref().unwrap_or_default(), &r)?;
                    }
                }
            }
            sink.flush()?;
        }
        Kind::Jsonl => {
            let mut rdr = BufReader::with_capacity(1 << 20, reader);
            let mut sink = Sink::new(out_kind, out);
            let out_names: Vec<String> = ["line", "hs", "description", "direction", "date"]
                .map(String::from)
                .to_vec();
            sink.header(&out_names)?;
            let mut buf = Vec::new();
            let mut line = 0u64;
            let mut bytes = 0u64;
            loop {
                buf.clear();
                let n = rdr.read_until(b'\n', &mut buf)?;
                if n == 0 {
                    break;
                }
                line += 1;
                bytes += n as u64;
                if buf.iter().all(|c| c.is_ascii_whitespace()) {
                    continue;
                }
                read += 1;
                if read.is_multiple_of(65_536) {
                    progress.set_position(bytes);
                }
                let raw = String::from_utf8_lossy(&buf).trim_end().to_string();
                let parsed = match std::str::from_utf8(&buf) {
                    Err(e) => Err(Issue::new(
                        IssueCode::InvalidUtf8,
                        format!("invalid utf-8 at byte {} of the line", e.valid_up_to()),
                    )),
                    Ok(text) => parse_json_row(text, &map, date),
                };
                match parsed {
                    Err(issue) => reject(issue, line, &raw, &mut rejects)?,
                    Ok((o, s)) => {
                        let r = b.screen(&s);
                        if let Sink::Csv(_) = sink {
                            let (ln, hs, ds) = (
                                line.to_string(),
                                s.hs.as_ref().map(|h| h.to_string()).unwrap_or_default(),
                                s.date.to_string(),
                            );
                            let desc = s.description.as_deref().unwrap_or("");
                            sink.row(&out_names, &[&ln, &hs, desc, s.direction.as_str(), &ds], &r)?;
                        } else {
                            sink.object(o, &r)?;
                        }
                    }
                }
            }
            sink.flush()?;
        }
    }
    rejects.flush()?;
    progress.finish_and_clear();
    let screened: u64 = b.counts.iter().sum();
    eprintln!(
        "read {read}, screened {screened}, rejected {rejected} (prohibited {}, capped {}, review {}, permitted {}); rejects in {}",
        b.counts[Status::Prohibited as usize],
        b.counts[Status::Capped as usize],
        b.counts[Status::Review as usize],
        b.counts[Status::Permitted as usize],
        rejects_path.display()
    );
    debug_assert_eq!(read, screened + rejected);
    Ok(if b.hit { 1 } else { 0 })
}

/// Where verdict rows go: CSV records or JSON lines.
#[allow(clippy::large_enum_variant)] // one sink per run: size is irrelevant
enum Sink<W: Write> {
    Csv(csv::Writer<W>),
    Json(W),
}

impl<W: Write> Sink<W> {
    fn new(kind: Kind, w: W) -> Self {
        match kind {
            Kind::Csv => Sink::Csv(csv::WriterBuilder::new().flexible(true).from_writer(w)),
            Kind::Jsonl => Sink::Json(w),
        }
    }
    fn header(&mut self, names: &[String]) -> std::io::Result<()> {
        if let Sink::Csv(w) = self {
            w.write_record(
                names
                    .iter()
                    .map(String::as_str)
                    .chain(["verdict", "measures", "reason"])
                    .map(csv_cell),
            )?;
        }
        Ok(())
    }
    /// One row: the input's fields (names, values) plus the verdict columns.
    fn row(&mut self, names: &[String], values: &[&str], r: &Rendered) -> std::io::Result<()> {
        match self {
            Sink::Csv(w) => {
                w.write_record(
                    values
                        .iter()
                        .copied()
                        .chain([r.status.as_str(), r.measures.as_str(), r.reason.as_str()])
                        .map(csv_cell),
                )?;
            }
            Sink::Json(w) => {
                let obj = names
                    .iter()
                    .zip(values)
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.to_string())))
                    .collect();
                let mut buf = Vec::new();
                write_json_row(&mut buf, obj, r)?;
                w.write_all(&buf)?;
            }
        }
        Ok(())
    }
    fn object(
        &mut self,
        o: serde_json::Map<String, serde_json::Value>,
        r: &Rendered,
    ) -> std::io::Result<()> {
        let mut buf = Vec::new();
        write_json_row(&mut buf, o, r)?;
        match self {
            Sink::Json(w) => w.write_all(&buf),
            Sink::Csv(_) => unreachable!("objects go to JSON sinks"),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Csv(w) => w.flush(),
            Sink::Json(w) => w.flush(),
        }
    }
}

fn write_json_row(
    buf: &mut Vec<u8>,
    mut obj: serde_json::Map<String, serde_json::Value>,
    r: &Rendered,
) -> std::io::Result<()> {
    obj.insert("verdict".into(), r.status.as_str().into());
    obj.insert("measures".into(), r.measures.as_str().into());
    obj.insert("reason".into(), r.reason.as_str().into());
    serde_json::to_writer(&mut *buf, &obj).map_err(std::io::Error::from)?;
    buf.push(b'\n');
    Ok(())
}

/// `--value`: read as the batch path reads a row's value — a negative, NaN or infinite value
/// would pass under a luxury threshold.
fn usd(raw: &str) -> Result<f64, String> {
    raw.trim()
        .replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("{raw:?} is not a non-negative number of USD"))
}

/// `--map COLUMN=FIELD` arguments as pairs.
pub fn parse_maps(maps: &[String]) -> Result<Vec<(String, String)>, Failure> {
    maps.iter()
        .map(|m| {
            m.split_once('=')
                .map(|(c, f)| (c.to_string(), f.to_string()))
                .ok_or_else(|| Failure::input(format!("error: --map {m:?}: expected COLUMN=FIELD")))
        })
        .collect()
}
