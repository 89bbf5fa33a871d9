//! `borderwatch hs lookup|import`: codes and goods words, and the official nomenclature.

use std::io::Write;
use std::path::PathBuf;

use borderwatch_model::HsCode;
use borderwatch_reference::hs::Nomenclature;

use crate::{data_dir, load_reference, Failure, Outcome};

#[derive(clap::Subcommand)]
pub enum HsCommand {
    /// Explain a code, or classify goods words through the lexicon.
    #[command(
        after_help = "Examples:\n  borderwatch hs lookup 8418\n  borderwatch hs lookup \"fever reducers\"\n  borderwatch hs lookup cooker"
    )]
    Lookup {
        /// An HS code (2-10 digits, dots allowed) or goods words.
        query: String,
    },
    /// Import the official HS nomenclature (layout: section,hscode,description,parent,level).
    #[command(
        after_help = "Examples:\n  borderwatch hs import harmonized-system-hs2022.csv\n  borderwatch --data ./packs hs import hs2017.csv --version HS2017"
    )]
    Import {
        file: PathBuf,
        /// Version label (default: read from the file name, e.g. hs2022 → HS2022).
        #[arg(long)]
        version: Option<String>,
    },
}

pub fn run(data: &Option<PathBuf>, c: &HsCommand) -> Outcome {
    match c {
        HsCommand::Lookup { query } => lookup(data, query),
        HsCommand::Import { file, version } => import(data, file, version.as_deref()),
    }
}

fn lookup(data: &Option<PathBuf>, query: &str) -> Outcome {
    let r = load_reference(data)?;
    let hs = &r.hs;
    let mut out = std::io::stdout().lock();
    let looks_like_code = query
        .trim()
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ' ');
    if looks_like_code {
        let code = HsCode::parse(query).map_err(|e| Failure::input(format!("error: {e}")))?;
        let c = code.as_str();
        let mut prefix = String::new();
        for part in c.as_bytes().chunks(2) {
            prefix.push_str(std::str::from_utf8(part).unwrap_or(""));
            if let Some((k, t)) = hs.title(&prefix).filter(|(k, _)| *k == prefix) {
                writeln!(out, "{k:<10} {t}")?;
            }
        }
        if !hs.is_known(c) {
            writeln!(
                out,
                "(HS {c}: heading not in the pack; import the nomenclature for a description)"
            )?;
        }
        for ch in hs.changes_for(c) {
            writeln!(
                out,
                "version: {} {} → {} {} ({})",
                ch.code, ch.version, ch.successor, ch.successor_version, ch.note
            )?;
        }
        let words: Vec<String> = hs
            .phrases_for(c)
            .iter()
            .map(|e| e.phrases[0].clone())
            .collect();
        if !words.is_empty() {
            writeln!(out, "goods words: {}", words.join(", "))?;
        }
        let measures: Vec<&str> = r
            .rulebook
            .measures
            .iter()
            .filter(|m| {
                m.hs.iter().any(|e| {
                    e.codes()
                        .unwrap_or_default()
                        .iter()
                        .any(|x| c.starts_with(x.as_str()) || x.starts_with(c))
                })
            })
            .map(|m| m.id.as_str())
            .collect();
        if !measures.is_empty() {
            writeln!(
                out,
                "named by measures: {} (screen it for a verdict)",
                measures.join(", ")
            )?;
        }
        return Ok(0);
    }
    let found = hs.classify(query);
    if !found.is_empty() {
        for cand in &found {
            let title = hs.title(&cand.hs).map(|(_, t)| t).unwrap_or_default();
            let product = cand
                .product
                .as_deref()
                .map(|p| format!(" [{p}]"))
                .unwrap_or_default();
            writeln!(
                out,
                "{:<24} {:<8} {:.2}  {}{}",
                cand.phrase, cand.hs, cand.confidence, title, product
            )?;
        }
        return Ok(0);
    }
    let similar = hs.search(query);
    let nomen = hs.search_nomenclature(query);
    if similar.is_empty() && nomen.is_empty() {
        return Err(Failure::input(format!(
            "no goods phrase or code matches {query:?}"
        )));
    }
    for e in similar.iter().take(20) {
        writeln!(out, "{:<32} {}", e.phrases[0], e.hs.join(" "))?;
    }
    for (code, d) in nomen.iter().take(20) {
        writeln!(out, "{code:<10} {d}")?;
    }
    Ok(0)
}

fn import(data: &Option<PathBuf>, file: &PathBuf, version: Option<&str>) -> Outcome {
    let bytes = std::fs::read(file)
        .map_err(|e| Failure::input(format!("error: {}: {e}", file.display())))?;
    let version = match version {
        Some(v) => v.to_ascii_uppercase(),
        None => {
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            let year = ["2022", "2017", "2012", "2007"]
                .into_iter()
                .find(|y| name.contains(y));
            match year {
                Some(y) => format!("HS{y}"),
                None => {
                    return Err(Failure::input(format!(
                        "error: {}: cannot tell the HS version from the name; pass --version",
                        file.display()
                    )))
                }
            }
        }
    };
    let n = Nomenclature::parse(&file.display().to_string(), &bytes, &version)
        .map_err(|e| Failure::input(format!("error: {e}")))?;
    let dir = data_dir(data)
        .ok_or_else(|| Failure::input("error: no data directory: pass --data DIR"))?;
    let dest_dir = dir.join("hs");
    std::fs::create_dir_all(&dest_dir)?;
    let dest = dest_dir.join(format!("nomenclature-{version}.csv"));
    // Write beside, then rename: a crash never leaves a half-written nomenclature.
    let tmp = dest.with_extension("csv.tmp");
    std::fs::write(&tmp, &bytes)?;
    std::fs::rename(&tmp, &dest)?;
    println!(
        "imported {} codes of {version} into {}",
        n.descriptions.len(),
        dest.display()
    );
    Ok(0)
}
