//! `borderwatch rules`: the rulebook as JSON or Markdown, every measure with its citation.

use std::io::Write;
use std::path::PathBuf;

use borderwatch_reference::rulebook::Measure;
use serde_json::json;

use crate::{load_reference, Outcome};

#[derive(clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Md)]
    format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Json,
    Md,
}

pub fn run(data: &Option<PathBuf>, a: &Args) -> Outcome {
    let r = load_reference(data)?;
    let rb = &r.rulebook;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match a.format {
        Format::Json => {
            let v = json!({ "regime": rb.regime, "measures": rb.measures });
            serde_json::to_writer_pretty(&mut out, &v).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Md => {
            writeln!(out, "# {}\n", rb.regime.name)?;
            writeln!(
                out,
                "Target: {}. Source: {}.\n",
                rb.regime.target, rb.regime.source
            )?;
            writeln!(
                out,
                "| id | citation | in force | direction | status | HS | summary |"
            )?;
            writeln!(out, "|---|---|---|---|---|---|---|")?;
            for m in &rb.measures {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    m.id,
                    m.citation(),
                    period(m),
                    m.direction.as_str(),
                    m.status,
                    hs_list(m),
                    m.summary
                )?;
            }
            for m in &rb.measures {
                writeln!(out, "\n## {}\n\n{} — {}\n", m.id, m.citation(), m.summary)?;
                writeln!(out, "- goods: {}", m.goods)?;
                writeln!(
                    out,
                    "- in force: {}; confidence {:?}",
                    period(m),
                    m.confidence
                )?;
                if let Some(c) = &m.cap {
                    let q = c.quantity.map(|q| format!("{q} ")).unwrap_or_default();
                    writeln!(
                        out,
                        "- cap: {q}{} per {}{}",
                        c.unit,
                        c.period,
                        c.alternative
                            .as_deref()
                            .map(|x| format!(" ({x})"))
                            .unwrap_or_default()
                    )?;
                }
                if let Some(w) = &m.wind_down {
                    writeln!(out, "- wind-down to {}: {}", w.until, w.note)?;
                }
                for e in &m.exemptions {
                    writeln!(out, "- exemption: {e}")?;
                }
                for e in m.hs.iter().filter(|e| e.note.is_some()) {
                    writeln!(out, "- HS {}: {}", e.code, e.note.as_deref().unwrap_or(""))?;
                }
                if let Some(n) = &m.note {
                    writeln!(out, "- note: {n}")?;
                }
            }
        }
    }
    out.flush()?;
    Ok(0)
}

fn period(m: &Measure) -> String {
    match (&m.until, &m.superseded_by) {
        (Some(u), Some(s)) => format!("{} to {} (then {s})", m.starts(), u),
        (Some(u), None) => format!("{} to {}", m.starts(), u),
        _ => format!("from {}", m.starts()),
    }
}

fn hs_list(m: &Measure) -> String {
    if m.hs.is_empty() {
        return "not HS-defined".into();
    }
    m.hs.iter()
        .map(|e| e.code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
