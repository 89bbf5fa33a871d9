//! `borderwatch extract`: reports → claims as JSONL, JSON or a Markdown review sheet.

use std::io::{Read, Write};
use std::path::PathBuf;

use borderwatch_extract::{Extraction, Extractor, Options};
use borderwatch_model::{Claim, ClaimKind, Issue, Polarity};
use borderwatch_report::md_escape as md;
use clap::ValueEnum;

use crate::{load_reference, Failure, Outcome};

pub const EXAMPLES: &str = "Examples:
  borderwatch extract --published 2023-05-20 report.txt
  borderwatch extract --format md reports/*.html > review.md
  curl -s … | borderwatch extract --format json -";

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Jsonl,
    Json,
    Md,
}

#[derive(clap::Args)]
pub struct Args {
    /// Report files (plain text, Markdown or HTML); `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Publication date (YYYY-MM-DD): resolves "on Monday", "this month", "early May".
    #[arg(long, value_name = "DATE")]
    published: Option<String>,
    /// Date to screen goods on when a claim has no time of its own (default: --published, else today).
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// Worker threads over files (default: all cores).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Largest report accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = borderwatch_extract::DEFAULT_MAX_BYTES)]
    max_bytes: usize,
    /// Keep who said it in the claims (it can identify a person).
    #[arg(long)]
    include_attribution: bool,
}

fn parse_date(flag: &str, v: &Option<String>) -> Result<Option<borderwatch_model::Date>, Failure> {
    v.as_deref()
        .map(|d| {
            borderwatch_model::parse_date(d)
                .map_err(|e| Failure::input(format!("error: {flag} {d:?}: {e}")))
        })
        .transpose()
}

type FileResult = (String, Result<Extraction, String>);

pub fn run(data: &Option<PathBuf>, a: &Args) -> Outcome {
    let reference = load_reference(data)?;
    let extractor =
        Extractor::new(&reference).map_err(|e| Failure::input(format!("error: {e}")))?;
    let published = parse_date("--published", &a.published)?;
    let as_of = parse_date("--date", &a.date)?
        .or(published)
        .unwrap_or_else(crate::today);
    let mut opts = Options::new(as_of);
    opts.published = published;
    opts.max_bytes = a.max_bytes;

    let jobs = a
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, a.files.len().max(1));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    // Data problems are warnings; a big batch prints the first ones and a count.
    const MAX_WARNINGS: usize = 50;
    let mut warned = 0usize;
    let mut all: Vec<FileResult> = Vec::new();
    crate::pool::ordered(
        &a.files,
        jobs,
        |path| one(&extractor, path, &opts),
        |_, (name, mut r)| -> std::io::Result<()> {
            match &mut r {
                Err(e) => {
                    eprintln!("error: {name}: {e}");
                    failed = true;
                }
                Ok(x) => {
                    if !a.include_attribution {
                        // Only the evidence changes (`Claim::redacted`): the rest is not copied.
                        borderwatch_model::Claim::redact_all(&mut x.claims);
                    }
                    for i in &x.issues {
                        if warned < MAX_WARNINGS {
                            eprintln!("warning: {i}");
                        }
                        warned += 1;
                    }
                    match a.format {
                        Format::Jsonl => {
                            for c in &x.claims {
                                serde_json::to_writer(&mut out, c)
                                    .map_err(std::io::Error::other)?;
                                out.write_all(b"\n")?;
                            }
                        }
                        Format::Json => {}
                        Format::Md => write_md(&mut out, &name, x)?,
                    }
                }
            }
            if let Format::Json = a.format {
                all.push((name, r));
            }
            Ok(())
        },
    )?;
    let all_claims: Vec<&Claim> = all
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok())
        .flat_map(|x| &x.claims)
        .collect();
    let all_issues: Vec<&Issue> = all
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok())
        .flat_map(|x| &x.issues)
        .collect();
    if let Format::Json = a.format {
        let v = serde_json::json!({ "claims": all_claims, "issues": all_issues });
        serde_json::to_writer_pretty(&mut out, &v).map_err(std::io::Error::other)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    if warned > MAX_WARNINGS {
        eprintln!("warning: {} more warnings not shown", warned - MAX_WARNINGS);
    }
    Ok(if failed { 2 } else { 0 })
}

fn one(x: &Extractor, path: &PathBuf, opts: &Options) -> FileResult {
    let name = path.display().to_string();
    let bytes = if name == "-" {
        let mut b = Vec::new();
        match std::io::stdin()
            .take(opts.max_bytes as u64 + 1)
            .read_to_end(&mut b)
        {
            Ok(_) => b,
            Err(e) => return (name, Err(format!("cannot read: {e}"))),
        }
    } else {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => return (name, Err("is a directory".into())),
            Ok(m) if m.len() > opts.max_bytes as u64 => {
                return (
                    name,
                    Err(format!(
                        "too-large: {} bytes is over the limit of {} bytes for one report",
                        m.len(),
                        opts.max_bytes
                    )),
                )
            }
            Err(e) => return (name, Err(format!("cannot read: {e}"))),
            Ok(_) => {}
        }
        match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => return (name, Err(format!("cannot read: {e}"))),
        }
    };
    let r = x
        .extract(&name, &bytes, opts)
        .map_err(|e| format!("{}: {}", e.code, e.message));
    (name, r)
}

/// The review sheet: one line per claim, its evidence quoted underneath.
fn write_md(out: &mut impl Write, name: &str, x: &Extraction) -> std::io::Result<()> {
    writeln!(out, "# {}\n", md(name))?;
    writeln!(out, "{} claims.\n", x.claims.len())?;
    for (i, c) in x.claims.iter().enumerate() {
        writeln!(out, "{}. {}", i + 1, summary(c))?;
        let quote = md(&c.evidence.text);
        writeln!(
            out,
            "   > {} — bytes {}–{}",
            quote, c.evidence.span[0], c.evidence.span[1]
        )?;
        if let Some(ctx) = &c.evidence.context {
            writeln!(out, "   > (refers to) {}", md(&ctx.text))?;
        }
        if let Some(a) = &c.evidence.attribution {
            writeln!(out, "   > — {}", md(a))?;
        }
    }
    writeln!(out)?;
    Ok(())
}

fn summary(c: &Claim) -> String {
    let mut s = format!("**{}**", c.kind.as_str());
    if c.polarity == Polarity::Negated {
        s.push_str(" NOT");
    }
    let ends = |s: &mut String| {
        if c.from.is_some() || c.to.is_some() {
            s.push_str(&format!(
                " {} → {}",
                c.from.as_deref().unwrap_or("?"),
                c.to.as_deref().unwrap_or("?")
            ));
        }
        if let Some(v) = &c.via {
            s.push_str(&format!(" via {v}"));
        }
        if let Some(a) = &c.at {
            s.push_str(&format!(" at {a}"));
        }
    };
    match c.kind {
        ClaimKind::Movement | ClaimKind::Storage => {
            s.push_str(&format!(" {}", c.direction));
            ends(&mut s);
        }
        ClaimKind::Status => {
            if let Some(st) = c.status {
                s.push_str(&format!(" {st:?}").to_lowercase());
            }
            if c.planned {
                s.push_str(" (planned)");
            }
            ends(&mut s);
        }
        ClaimKind::Condition => {
            if let Some(cv) = &c.condition {
                s.push_str(&format!(" {} {}", md(&cv.aspect), md(&cv.value)));
            }
            ends(&mut s);
        }
        ClaimKind::Mention => {
            let p: Vec<String> = c.places.iter().map(|p| md(p)).collect();
            s.push_str(&format!(" {}", p.join(", ")));
        }
        ClaimKind::Policy => {
            if let Some(ch) = &c.change {
                s.push_str(&format!(
                    " {}: {} → {}",
                    md(&ch.subject),
                    md(&ch.before.text),
                    md(&ch.after.text)
                ));
            }
        }
    }
    if let Some(m) = c.mode {
        s.push_str(&format!(", {m}"));
    }
    if let Some(l) = c.load {
        s.push_str(&format!(", {}", format!("{l:?}").to_lowercase()));
    }
    if !c.goods.is_empty() {
        let g: Vec<String> = c
            .goods
            .iter()
            .map(|g| format!("{} ({})", md(&g.text), g.hs.as_deref().unwrap_or("?")))
            .collect();
        s.push_str(&format!("; goods: {}", g.join(", ")));
    }
    if !c.quantities.is_empty() {
        let q: Vec<String> = c.quantities.iter().map(|q| md(&q.text)).collect();
        s.push_str(&format!("; quantities: {}", q.join(", ")));
    }
    if let Some(w) = &c.when {
        let text = md(&w.text);
        match (w.start, w.end) {
            (Some(a), Some(b)) if a == b => s.push_str(&format!("; when: {text} ({a})")),
            (Some(a), Some(b)) => s.push_str(&format!("; when: {text} ({a}..{b})")),
            _ => s.push_str(&format!("; when: {text}")),
        }
    }
    let flagged: Vec<String> = c
        .verdicts
        .iter()
        .filter(|v| v.status != borderwatch_model::Status::Permitted)
        .map(|v| format!("{} {} [{}]", v.hs, v.status.as_str(), v.measures.join(", ")))
        .collect();
    if !flagged.is_empty() {
        s.push_str(&format!("; screening: {}", flagged.join("; ")));
    }
    if c.hedged {
        s.push_str(" _(hedged)_");
    }
    s
}
