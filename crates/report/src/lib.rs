//! Rendering an analysis for people and for other tools.
//!
//! Owns: the Markdown report, the self-contained HTML report (an SVG map of the border drawn from
//! the gazetteer's coordinates, the status timeline, the corridor table, the findings with their
//! quoted evidence), and the exports (`export.rs`: GeoJSON, KML, CSV, FollowTheMoney entities; `track_map.rs`:
//! vessel-track events as map features).
//!
//! Refuses: deciding anything (the analysis is done) and I/O (callers write the strings). Every
//! piece of report text is escaped; attribution appears only if the analysis kept it.

use std::fmt::Write as _;

use borderwatch_analyze::{Analysis, Corridor};
use borderwatch_model::Finding;

pub mod export;
mod html;
pub mod track_map;

pub use export::csv_cell;
pub use html::{html, html_with_paths};

/// Escapes text for HTML and XML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for Markdown: it reads as the same words and can start nothing — no link,
/// image, emphasis, code, table cell, HTML, entity or new block. Line breaks become spaces (a
/// quote is one paragraph); the characters that mark up text anywhere are backslash-escaped
/// (CommonMark lets any ASCII punctuation be), and so are those that start a block at the
/// start of a line (`#`, `-`, `+`, `=`, `>`, a number and `.`/`)`).
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let text = s.trim_start();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    for (i, c) in text.chars().enumerate() {
        match c {
            '\r' | '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if digits > 0 && i == digits => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The share as a percentage.
pub fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// The prohibited share of a corridor over all its flows (items weighted).
pub fn corridor_share(c: &Corridor) -> f64 {
    let (mut p, mut n) = (0usize, 0usize);
    for f in &c.flows {
        for g in &f.goods {
            p += g.prohibited;
            n += g.prohibited + g.capped + g.review + g.permitted;
        }
    }
    if n == 0 {
        0.0
    } else {
        p as f64 / n as f64
    }
}

/// A count of reports with how many of them a person reviewed, when any: "5 (reviewed 3 of 5)".
pub fn reports_cell(claims: usize, reviewed: usize) -> String {
    if reviewed == 0 {
        claims.to_string()
    } else {
        format!("{claims} (reviewed {reviewed} of {claims})")
    }
}

/// The cells of a corridor table row (Markdown and HTML): corridor, direction, mode, period,
/// reports, records, independent sources, loaded, empty, prohibited share, goods by chapter.
pub fn flow_cells(c: &Corridor, f: &borderwatch_analyze::Flow) -> Vec<String> {
    let goods: Vec<String> = f
        .goods
        .iter()
        .map(|g| {
            let prohibited = if g.prohibited > 0 {
                format!(", {} prohibited", g.prohibited)
            } else {
                String::new()
            };
            format!(
                "{}: {}{prohibited} ({})",
                g.chapter,
                g.items,
                g.examples.join(", ")
            )
        })
        .collect();
    vec![
        c.name.clone(),
        f.direction.to_string(),
        f.mode.map(|m| m.to_string()).unwrap_or_default(),
        f.period.clone(),
        reports_cell(f.claims, f.reviewed),
        f.shipments.to_string(),
        f.independent_sources.to_string(),
        f.loaded.to_string(),
        f.empty.to_string(),
        pct(f.prohibited_share),
        goods.join("; "),
    ]
}

/// A Unix time as "2024-05-01 06:00 UTC".
pub fn utc(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| t.to_string())
}

/// One vessel-track event as the report's tables show it: when it began, its kind, the vessels,
/// what the track shows, and the file and lines it rests on (never the lines' text).
pub fn track_row(t: &borderwatch_analyze::TrackFigure) -> [String; 5] {
    let e = &t.event;
    let vessels: Vec<String> = e.vessels.iter().map(|v| v.label()).collect();
    let lines: Vec<String> = e
        .evidence
        .iter()
        .map(|l| format!("{} lines {}–{}", l.source, l.lines[0], l.lines[1]))
        .collect();
    [
        utc(e.start),
        e.kind.as_str().to_string(),
        vessels.join(", "),
        e.summary.clone(),
        lines.join("; "),
    ]
}

/// The Markdown report.
pub fn markdown(a: &Analysis) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# borderwatch analysis\n");
    let _ = writeln!(
        s,
        "{} sources ({} independent), {} corridors, {} findings.\n",
        a.sources,
        a.independent_sources,
        a.corridors.len(),
        a.findings.len()
    );
    let _ = writeln!(s, "## Findings\n");
    for f in &a.findings {
        finding_md(&mut s, f);
    }
    if !a.tracks.is_empty() {
        let _ = writeln!(s, "## Vessel tracks\n");
        let _ = writeln!(
            s,
            "| from | event | vessels | what the track shows | evidence |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|");
        for t in &a.tracks {
            let [from, kind, vessels, summary, lines] = track_row(t);
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                md_escape(&from),
                kind,
                md_escape(&vessels),
                md_escape(&summary),
                md_escape(&lines)
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "## Corridors\n");
    let _ = writeln!(
        s,
        "| corridor | direction | mode | period | reports | records | independent sources | loaded | empty | prohibited share | goods (HS chapter: items, prohibited) |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|");
    for c in &a.corridors {
        for f in &c.flows {
            let cells: Vec<String> = flow_cells(c, f).iter().map(|x| md_escape(x)).collect();
            let _ = writeln!(s, "| {} |", cells.join(" | "));
        }
        for k in &c.conditions {
            let _ = writeln!(
                s,
                "| {} | condition | | | {} | | {} | | | | {} {} |",
                md_escape(&c.name),
                reports_cell(k.claims, k.reviewed),
                k.independent_sources,
                md_escape(&k.aspect),
                md_escape(&k.value)
            );
        }
    }
    s
}

fn finding_md(s: &mut String, f: &Finding) {
    let _ = writeln!(
        s,
        "### {} — {}\n\n{} (score {:.2}, {} independent source{}{})\n",
        md_escape(&f.id),
        md_escape(&f.title),
        md_escape(&f.summary),
        f.score,
        f.independent_sources,
        if f.independent_sources == 1 { "" } else { "s" },
        if f.claims > 0 {
            format!(", reviewed {} of {}", f.reviewed, f.claims)
        } else {
            String::new()
        }
    );
    for e in &f.evidence {
        let _ = writeln!(
            s,
            "> {}  \n> — {} \\[{}\\]\n",
            md_escape(&e.quote).replace('\n', "  \n> "),
            md_escape(&e.source),
            match e.lines {
                Some([a, b]) => format!("lines {a}–{b}"),
                None => format!("{}–{}", e.span[0], e.span[1]),
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping_leaves_words_and_no_markup() {
        for (raw, want) in [
            ("plain words, 3.5 t on 3 May", "plain words, 3.5 t on 3 May"),
            ("[x](http://e) ![i](j)", "\\[x\\](http://e) \\!\\[i\\](j)"),
            (
                "<script>a&amp;b</script>",
                "\\<script\\>a\\&amp;b\\</script\\>",
            ),
            (
                "**b** _i_ `c` ~~s~~ a|b",
                "\\*\\*b\\*\\* \\_i\\_ \\`c\\` \\~\\~s\\~\\~ a\\|b",
            ),
            ("# head", "\\# head"),
            ("- item", "\\- item"),
            ("12. item", "12\\. item"),
            ("1) item", "1\\) item"),
            ("line\nbreak\r\n> quote", "line break  \\> quote"),
            ("back\\slash", "back\\\\slash"),
        ] {
            assert_eq!(md_escape(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        for (raw, want) in [
            ("=1+2", "'=1+2"),
            ("+cmd", "'+cmd"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("\r", "'\r"),
            ("\t=1", "'\t=1"),
            ("＝1+2", "'＝1+2"),
            ("＋cmd", "'＋cmd"),
            ("－2+3", "'－2+3"),
            ("＠SUM(A1)", "'＠SUM(A1)"),
            ("－12", "'－12"),
            ("-", "'-"),
            ("-12.5", "-12.5"),
            ("+3", "+3"),
            ("12", "12"),
            ("rice", "rice"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(&*csv_cell(raw), want, "{raw:?}");
        }
    }
}
