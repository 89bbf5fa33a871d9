//! Comparing two runs: how loads and the prohibited share move between corridors when a
//! scenario changes (the what-if a policy team asks: tighten one crossing, where does the trade
//! go?). Text for the terminal, an SVG chart for the HTML page.

use std::collections::BTreeSet;
use std::fmt::Write;

use borderwatch_model::Direction;

use crate::engine::{Summary, Totals};

/// One corridor and direction in both runs.
pub struct Row {
    pub corridor: String,
    pub direction: Direction,
    pub a: Totals,
    pub b: Totals,
}

pub fn rows(a: &Summary, b: &Summary) -> Vec<Row> {
    let keys: BTreeSet<_> = a.by_corridor.keys().chain(b.by_corridor.keys()).collect();
    keys.into_iter()
        .map(|k| Row {
            corridor: k.0.clone(),
            direction: k.1,
            a: a.by_corridor.get(k).cloned().unwrap_or_default(),
            b: b.by_corridor.get(k).cloned().unwrap_or_default(),
        })
        .filter(|r| r.a.loads + r.b.loads > 0)
        .collect()
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A fixed-width table: loads and prohibited share in A and B, and the change.
pub fn table(rows: &[Row], a_name: &str, b_name: &str) -> String {
    let mut s = format!(
        "A = {a_name}\nB = {b_name}\n\n{:<44} {:<9} {:>9} {:>9} {:>8} {:>9} {:>9} {:>9}\n",
        "corridor", "direction", "loads A", "loads B", "change", "prohib A", "prohib B", "change"
    );
    for r in rows {
        let change = if r.a.loads == 0 {
            "new".to_string()
        } else {
            format!(
                "{:+.0}%",
                (r.b.loads as f64 / r.a.loads as f64 - 1.0) * 100.0
            )
        };
        let _ = writeln!(
            s,
            "{:<44} {:<9} {:>9} {:>9} {:>8} {:>9} {:>9} {:>+8.1}pp",
            r.corridor,
            r.direction.as_str(),
            r.a.loads,
            r.b.loads,
            change,
            pct(r.a.prohibited_share()),
            pct(r.b.prohibited_share()),
            (r.b.prohibited_share() - r.a.prohibited_share()) * 100.0
        );
    }
    let total = |f: &dyn Fn(&Row) -> u64| rows.iter().map(f).sum::<u64>();
    let _ = writeln!(
        s,
        "\nprohibited loads: A {} ({} seized), B {} ({} seized)",
        total(&|r| r.a.prohibited),
        total(&|r| r.a.seized),
        total(&|r| r.b.prohibited),
        total(&|r| r.b.seized)
    );
    s
}

fn esc(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One self-contained HTML page: paired bars of prohibited loads per corridor in A and B, and
/// the table.
pub fn html(rows: &[Row], a_name: &str, b_name: &str) -> String {
    let shown: Vec<&Row> = rows
        .iter()
        .filter(|r| r.direction == Direction::Inbound && r.a.prohibited + r.b.prohibited > 0)
        .collect();
    let max = shown
        .iter()
        .map(|r| r.a.prohibited.max(r.b.prohibited))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let (w, row_h) = (900.0, 34.0);
    let h = 40.0 + row_h * shown.len() as f64;
    let mut svg = format!(
        r##"<svg viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Prohibited loads per corridor, A against B"><text x="0" y="14" font-size="12">Prohibited loads into the DPRK per corridor: <tspan fill="#8a8f98">■ A</tspan> <tspan fill="#c62828">■ B</tspan></text>"##
    );
    for (i, r) in shown.iter().enumerate() {
        let y = 30.0 + row_h * i as f64;
        let bar = |n: u64| 560.0 * n as f64 / max;
        let _ = write!(
            svg,
            r##"<text x="0" y="{}" font-size="11">{}</text><rect x="320" y="{y}" width="{:.1}" height="12" fill="#8a8f98"><title>A: {}</title></rect><rect x="320" y="{}" width="{:.1}" height="12" fill="#c62828"><title>B: {}</title></rect>"##,
            y + 16.0,
            esc(&r.corridor),
            bar(r.a.prohibited),
            r.a.prohibited,
            y + 13.0,
            bar(r.b.prohibited),
            r.b.prohibited
        );
    }
    svg.push_str("</svg>");
    format!(
        "<!doctype html><meta charset=utf-8><title>borderwatch simulate compare</title>\
         <style>body{{font:14px system-ui,sans-serif;margin:2rem;max-width:960px}}pre{{font-size:12px}}</style>\
         <h1>What changes between two scenarios</h1>{svg}<pre>{}</pre>",
        esc(&table(rows, a_name, b_name))
    )
}
