//! The HTML report: one self-contained file (inline CSS and SVG, no script, nothing fetched);
//! its map has a "Vessel tracks" layer when the analysis has track events.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use borderwatch_analyze::{Analysis, Corridor};
use borderwatch_model::{Direction, Finding, TrackEventKind};
use borderwatch_reference::Gazetteer;

use crate::track_map::{Shape, TrackLayer, VesselPath};
use crate::{escape, pct};

const W: f64 = 960.0;
const H: f64 = 560.0;

/// A lon/lat → SVG projection (equirectangular, scaled by the cosine of the middle latitude).
struct Proj {
    lon0: f64,
    lat1: f64,
    k: f64,
    kx: f64,
}

impl Proj {
    fn new(points: &[(f64, f64)]) -> Proj {
        let (mut lo0, mut lo1, mut la0, mut la1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(lon, lat) in points {
            lo0 = lo0.min(lon);
            lo1 = lo1.max(lon);
            la0 = la0.min(lat);
            la1 = la1.max(lat);
        }
        if points.is_empty() {
            (lo0, lo1, la0, la1) = (124.0, 131.0, 38.5, 43.5);
        }
        let pad = 0.6;
        let (lo0, lo1, la0, la1) = (lo0 - pad, lo1 + pad, la0 - pad, la1 + pad);
        let kx = ((la0 + la1) / 2.0).to_radians().cos();
        let k = ((W - 40.0) / ((lo1 - lo0) * kx)).min((H - 40.0) / (la1 - la0));
        Proj {
            lon0: lo0,
            lat1: la1,
            k,
            kx,
        }
    }
    fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            20.0 + (lon - self.lon0) * self.kx * self.k,
            20.0 + (self.lat1 - lat) * self.k,
        )
    }
}

fn place_xy(gz: &Gazetteer, id: &str) -> Option<(f64, f64)> {
    let p = gz.place(id)?;
    Some((p.lon?, p.lat?))
}

/// Where a crossing sits: the middle of its two sides.
fn crossing_xy(gz: &Gazetteer, id: &str) -> Option<(f64, f64)> {
    let c = gz.crossing(id)?;
    let (a, b) = (place_xy(gz, &c.sides[0])?, place_xy(gz, &c.sides[1])?);
    Some(((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0))
}

/// Green (nothing prohibited) to red (all prohibited).
fn share_colour(x: f64) -> String {
    let x = x.clamp(0.0, 1.0);
    let (r0, g0, b0) = (42.0, 157.0, 143.0);
    let (r1, g1, b1) = (214.0, 40.0, 40.0);
    format!(
        "rgb({:.0},{:.0},{:.0})",
        r0 + (r1 - r0) * x,
        g0 + (g1 - g0) * x,
        b0 + (b1 - b0) * x
    )
}

fn dir_share(c: &Corridor, d: Direction) -> (usize, f64) {
    let (mut claims, mut p, mut n) = (0usize, 0usize, 0usize);
    for f in c.flows.iter().filter(|f| f.direction == d) {
        claims += f.claims + f.shipments;
        for g in &f.goods {
            p += g.prohibited;
            n += g.prohibited + g.capped + g.review + g.permitted;
        }
    }
    (claims, if n == 0 { 0.0 } else { p as f64 / n as f64 })
}

fn map(a: &Analysis, gz: &Gazetteer, paths: &[VesselPath]) -> String {
    // The border: China–DPRK and Russia–DPRK crossings, west to east (they sit on the Yalu and
    // Tumen, so the line through them follows the rivers).
    let mut border: Vec<(f64, f64, &str)> = gz
        .crossings
        .iter()
        .filter_map(|c| crossing_xy(gz, &c.id).map(|(x, y)| (x, y, c.id.as_str())))
        .collect();
    border.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut pts: Vec<(f64, f64)> = border.iter().map(|b| (b.0, b.1)).collect();
    for c in &a.corridors {
        for e in &c.ends {
            if let Some(p) = place_xy(gz, e) {
                pts.push(p);
            }
        }
    }
    let ports = crate::track_map::gazetteer_ports(gz);
    let mut tracks = crate::track_map::layer(&a.tracks, &ports);
    tracks.paths = paths.to_vec();
    for p in paths {
        pts.extend(p.coords.iter().map(|c| (c[0], c[1])));
    }
    for t in &tracks.features {
        match &t.shape {
            Shape::Point(p) => pts.push((p[0], p[1])),
            Shape::Line(l) => pts.extend(l.iter().map(|p| (p[0], p[1]))),
        }
    }
    let pr = Proj::new(&pts);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg viewBox="0 0 {W} {H}" role="img" aria-label="Map of the China/Russia–DPRK border with corridors" xmlns="http://www.w3.org/2000/svg">
<defs><marker id="ah" viewBox="0 0 10 10" refX="8" refY="5" markerUnits="userSpaceOnUse" markerWidth="12" markerHeight="12" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>
<rect width="{W}" height="{H}" fill="#f4f1ea"/>"##
    );
    let line: Vec<String> = border
        .iter()
        .map(|&(lon, lat, _)| {
            let (x, y) = pr.xy(lon, lat);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#4a6fa5" stroke-width="3" stroke-dasharray="8 4"><title>The border (Yalu and Tumen rivers), drawn through the crossings</title></polyline>"##,
        line.join(" ")
    );
    for (label, lon, lat) in [
        ("CHINA", 125.0, 42.6),
        ("DPRK", 127.0, 39.6),
        ("RUSSIA", 131.2, 43.2),
    ] {
        let (x, y) = pr.xy(lon, lat);
        if (0.0..W).contains(&x) && (0.0..H).contains(&y) {
            let _ = write!(
                s,
                r##"<text x="{x:.0}" y="{y:.0}" font-size="22" fill="#8a8070" letter-spacing="4">{label}</text>"##
            );
        }
    }
    // Corridors: legs as lines, crossings as two arrows (into the DPRK, out of it).
    for c in &a.corridors {
        let (n_in, s_in) = dir_share(c, Direction::Inbound);
        let (n_out, s_out) = dir_share(c, Direction::Outbound);
        let title = escape(&format!(
            "{}: into the DPRK {} reports, {} prohibited; out of the DPRK {} reports, {} prohibited",
            c.name,
            n_in,
            pct(s_in),
            n_out,
            pct(s_out)
        ));
        if c.kind == "leg" {
            let (Some(p0), Some(p1)) = (place_xy(gz, &c.ends[0]), place_xy(gz, &c.ends[1])) else {
                continue;
            };
            let ((x0, y0), (x1, y1)) = (pr.xy(p0.0, p0.1), pr.xy(p1.0, p1.1));
            // A leg can lie inside one country (Dandong → Longkou): every direction counts.
            let n: usize = c.flows.iter().map(|f| f.claims + f.shipments).sum();
            let share = crate::corridor_share(c);
            let _ = write!(
                s,
                r##"<line x1="{x0:.1}" y1="{y0:.1}" x2="{x1:.1}" y2="{y1:.1}" stroke="{}" stroke-width="{:.1}" marker-end="url(#ah)" opacity="0.85"><title>{title}</title></line>"##,
                share_colour(share),
                1.5 + 1.5 * (n.max(1) as f64).sqrt()
            );
            continue;
        }
        let Some((lon, lat)) = crossing_xy(gz, &c.id) else {
            continue;
        };
        let (x, y) = pr.xy(lon, lat);
        for (n, share, dx, dy0, dy1) in [
            (n_in, s_in, -7.0, -28.0, 6.0),
            (n_out, s_out, 7.0, 6.0, -28.0),
        ] {
            if n == 0 {
                continue;
            }
            let _ = write!(
                s,
                r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="{:.1}" marker-end="url(#ah)"><title>{title}</title></line>"##,
                x + dx,
                y + dy0,
                x + dx,
                y + dy1,
                share_colour(share),
                1.5 + 1.5 * (n as f64).sqrt()
            );
        }
    }
    track_layer(&mut s, &pr, &tracks);
    for &(lon, lat, id) in &border {
        let (x, y) = pr.xy(lon, lat);
        let name = gz
            .crossing(id)
            .and_then(|c| c.names.first().cloned())
            .unwrap_or_else(|| id.to_string());
        let active = a.corridors.iter().any(|c| c.id == id);
        let _ = write!(
            s,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="{}" fill="{}" stroke="#222"><title>{}</title></circle>"##,
            if active { 5 } else { 3 },
            if active { "#222" } else { "#fff" },
            escape(&name)
        );
        if active {
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="12" fill="#222">{}</text>"##,
                x + 12.0,
                y + 14.0,
                escape(&name)
            );
        }
    }
    // Places at the ends of legs (ports, cities) with their names; a label is left out where a
    // crossing or another place is already named within a few pixels.
    let mut named = std::collections::BTreeSet::new();
    let mut labels: Vec<(f64, f64)> = border
        .iter()
        .filter(|b| a.corridors.iter().any(|c| c.id == b.2))
        .map(|&(lon, lat, _)| pr.xy(lon, lat))
        .collect();
    for c in a.corridors.iter().filter(|c| c.kind == "leg") {
        for e in &c.ends {
            if !named.insert(e.clone()) {
                continue;
            }
            if let (Some((lon, lat)), Some(p)) = (place_xy(gz, e), gz.place(e)) {
                let (x, y) = pr.xy(lon, lat);
                let _ = write!(
                    s,
                    r##"<rect x="{:.1}" y="{:.1}" width="7" height="7" fill="#4a6fa5"><title>{}</title></rect>"##,
                    x - 3.5,
                    y - 3.5,
                    escape(p.names.first().map(String::as_str).unwrap_or(e))
                );
                if labels
                    .iter()
                    .any(|&(lx, ly)| (lx - x).abs() < 70.0 && (ly - y).abs() < 16.0)
                {
                    continue;
                }
                labels.push((x, y));
                let _ = write!(
                    s,
                    r##"<text x="{:.1}" y="{:.1}" font-size="12">{}</text>"##,
                    x + 8.0,
                    y - 6.0,
                    escape(p.names.first().map(String::as_str).unwrap_or(e))
                );
            }
        }
    }
    let _ = write!(
        s,
        r##"<g font-size="12"><rect x="{}" y="{}" width="250" height="74" fill="#fff" opacity="0.9" stroke="#aaa"/>
<line x1="{lx}" y1="{}" x2="{lx}" y2="{}" stroke="{}" stroke-width="4" marker-end="url(#ah)"/><text x="{}" y="{}">into the DPRK (down), out (up)</text>
<rect x="{lx}" y="{}" width="14" height="10" fill="{}"/><rect x="{}" y="{}" width="14" height="10" fill="{}"/><text x="{}" y="{}">no prohibited → all prohibited</text>
<text x="{lx}" y="{}">width: number of reports and records</text></g>"##,
        W - 270.0,
        H - 94.0,
        H - 86.0,
        H - 64.0,
        share_colour(0.5),
        W - 236.0,
        H - 72.0,
        H - 56.0,
        share_colour(0.0),
        W - 238.0,
        H - 56.0,
        share_colour(1.0),
        W - 218.0,
        H - 47.0,
        H - 30.0,
        lx = W - 256.0,
    );
    s.push_str("</svg>");
    s
}

/// The "Vessel tracks" layer: voyages as thin lines, dark periods as dashed red lines from
/// where the vessel went dark to where it reappeared, port calls, encounters and loitering as
/// marks; each with a tooltip saying what the track shows and its file and lines.
fn track_layer(s: &mut String, pr: &Proj, l: &TrackLayer) {
    if l.features.is_empty() && l.paths.is_empty() {
        return;
    }
    s.push_str(r##"<g id="vessel-tracks" aria-label="Vessel tracks">"##);
    for p in &l.paths {
        let pts: Vec<String> = p
            .coords
            .iter()
            .map(|c| {
                let (x, y) = pr.xy(c[0], c[1]);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(
            s,
            r##"<polyline class="track-positions" points="{}" fill="none" stroke="#1f5fa8" stroke-width="1" opacity="0.5"><title>MMSI {} positions, {} – {}</title></polyline>"##,
            pts.join(" "),
            p.mmsi,
            crate::track_map::rfc3339(p.start),
            crate::track_map::rfc3339(p.end),
        );
    }
    for t in &l.features {
        let e = &t.figure.event;
        let title = escape(&format!(
            "{} ({})",
            e.summary,
            crate::track_map::evidence_text(t.figure)
        ));
        match &t.shape {
            Shape::Line(line) => {
                let pts: Vec<String> = line
                    .iter()
                    .map(|p| {
                        let (x, y) = pr.xy(p[0], p[1]);
                        format!("{x:.1},{y:.1}")
                    })
                    .collect();
                let (stroke, dash) = if t.dashed {
                    ("#d03030", r##" stroke-dasharray="6 4""##)
                } else {
                    ("#0060b0", "")
                };
                let _ = write!(
                    s,
                    r##"<polyline class="track-{}" points="{}" fill="none" stroke="{stroke}" stroke-width="2"{dash} opacity="0.8"><title>{title}</title></polyline>"##,
                    e.kind.as_str(),
                    pts.join(" ")
                );
            }
            Shape::Point(p) => {
                let (x, y) = pr.xy(p[0], p[1]);
                let (mark, tag) = match e.kind {
                    TrackEventKind::Encounter => (
                        format!(
                            r##"<path d="M{x:.1},{:.1} l6,6 l-6,6 l-6,-6 z" fill="#d03030" stroke="#222""##,
                            y - 6.0
                        ),
                        "path",
                    ),
                    TrackEventKind::Loitering => (
                        format!(
                            r##"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="#e0a020" stroke="#222""##
                        ),
                        "circle",
                    ),
                    _ => (
                        format!(
                            r##"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="#0060b0" stroke="#fff""##
                        ),
                        "circle",
                    ),
                };
                let _ = write!(
                    s,
                    r##"{mark} class="track-{}"><title>{title}</title></{tag}>"##,
                    e.kind.as_str()
                );
            }
        }
    }
    s.push_str("</g>");
}

/// The key to the track layer and what it leaves out, below the map.
fn track_key(a: &Analysis, gz: &Gazetteer) -> String {
    let l = crate::track_map::layer(&a.tracks, &crate::track_map::gazetteer_ports(gz));
    if l.features.is_empty() && l.unplaced.is_empty() {
        return String::new();
    }
    let mut s = format!(
        "<p class=\"meta\">Vessel tracks on the map: {} events — voyages as blue lines from port to port, dark periods as dashed red lines from where the vessel went dark to where it reappeared, port calls as blue dots, encounters as red diamonds, loitering as orange dots.",
        l.features.len()
    );
    if !l.unplaced.is_empty() {
        let _ = write!(
            s,
            " Not on the map (no coordinates for a port or position): {} events, listed under Vessel tracks.",
            l.unplaced.len()
        );
    }
    s.push_str("</p>");
    s
}

fn timeline(a: &Analysis) -> String {
    let mut events: Vec<(borderwatch_model::Date, String, String)> = Vec::new();
    for c in &a.corridors {
        for e in &c.timeline {
            if let Some(d) = e.date {
                let mode = e.mode.map(|m| format!(" {m}")).unwrap_or_default();
                events.push((d, format!("{}{mode}", c.name), e.status.clone()));
            }
        }
    }
    for f in &a.findings {
        if f.kind == "status-change" && f.corridors.is_empty() {
            if let Some(d) = f.period.start {
                events.push((d, f.title.clone(), String::new()));
            }
        }
    }
    if events.is_empty() {
        return "<p>No dated openings or closures in the reports analysed.</p>".into();
    }
    events.sort();
    let (d0, d1) = (events[0].0, events[events.len() - 1].0);
    let span = ((d1 - d0).num_days().max(1)) as f64;
    let h = 40.0 + 22.0 * events.len() as f64;
    let mut s = format!(
        r##"<svg viewBox="0 0 {W} {h}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Timeline of openings and closures"><line x1="40" y1="20" x2="{}" y2="20" stroke="#555"/>"##,
        W - 300.0
    );
    let _ = write!(
        s,
        r##"<text x="40" y="14" font-size="11">{d0}</text><text x="{}" y="14" font-size="11" text-anchor="end">{d1}</text>"##,
        W - 300.0
    );
    for (i, (d, who, what)) in events.iter().enumerate() {
        let x = 40.0 + (W - 340.0) * ((*d - d0).num_days() as f64 / span);
        let y = 40.0 + 22.0 * i as f64;
        let colour = match what.as_str() {
            "closed" | "suspended" => "#d62828",
            "resumed" | "opened" => "#2a9d8f",
            _ => "#555",
        };
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="20" x2="{x:.1}" y2="{y:.1}" stroke="#ccc"/><circle cx="{x:.1}" cy="{y:.1}" r="5" fill="{colour}"/><text x="{:.1}" y="{:.1}" font-size="12">{d} {} {}</text>"##,
            x + 8.0,
            y + 4.0,
            escape(who),
            escape(what)
        );
    }
    s.push_str("</svg>");
    s
}

fn finding_html(s: &mut String, f: &Finding) {
    let _ = write!(
        s,
        r##"<section class="finding" id="{}"><h3><span class="kind">{}</span> {}</h3><p>{}</p><p class="meta">score {:.2} · {} independent source{}{}{}</p>"##,
        escape(&f.id),
        escape(&f.kind),
        escape(&f.title),
        escape(&f.summary),
        f.score,
        f.independent_sources,
        if f.independent_sources == 1 { "" } else { "s" },
        if f.claims > 0 {
            format!(" · reviewed {} of {}", f.reviewed, f.claims)
        } else {
            String::new()
        },
        match (f.period.start, f.period.end) {
            (Some(a), Some(b)) if a != b => format!(" · {a} to {b}"),
            (Some(a), _) => format!(" · {a}"),
            _ => String::new(),
        }
    );
    for e in &f.evidence {
        let _ = write!(
            s,
            r##"<blockquote>{}<footer>{} · {}{}</footer></blockquote>"##,
            escape(&e.quote).replace('\n', "<br>"),
            escape(&e.source),
            match e.lines {
                Some([a, b]) => format!("lines {a}–{b}"),
                None => format!("bytes {}–{}", e.span[0], e.span[1]),
            },
            e.attribution
                .as_ref()
                .map(|a| format!(" · said by {}", escape(a)))
                .unwrap_or_default()
        );
    }
    s.push_str("</section>");
}

/// What vessel tracks show: one row per event, with the file and lines it rests on.
fn tracks_html(s: &mut String, a: &Analysis) {
    s.push_str("<h2>Vessel tracks</h2><table><tr><th>from</th><th>event</th><th>vessels</th><th>what the track shows</th><th>evidence</th></tr>");
    for t in &a.tracks {
        let cells = crate::track_row(t);
        s.push_str("<tr>");
        for c in &cells {
            let _ = write!(s, "<td>{}</td>", escape(c));
        }
        s.push_str("</tr>");
    }
    s.push_str("</table>");
}

/// The whole report as one HTML document.
pub fn html(a: &Analysis, gz: &Gazetteer, title: &str) -> String {
    html_with_paths(a, gz, title, &[])
}

/// [`html`] with the vessels' positions drawn on its map as thin lines under the events.
pub fn html_with_paths(a: &Analysis, gz: &Gazetteer, title: &str, paths: &[VesselPath]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{t}</title><style>
body{{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1000px;padding:1em;color:#222}}
h1{{font-size:1.6em}} h2{{margin-top:1.6em;border-bottom:1px solid #ccc}}
table{{border-collapse:collapse;width:100%;font-size:13px}} td,th{{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}}
th{{background:#f0ede6}} .finding{{border-left:4px solid #4a6fa5;padding:0 1em;margin:1em 0}}
.kind{{font:12px monospace;background:#eee;padding:2px 5px;border-radius:3px}} .meta{{color:#666;font-size:13px}}
blockquote{{margin:.5em 0;padding:.3em .8em;background:#faf8f3;border-left:3px solid #ccc}} footer{{color:#777;font-size:12px}}
svg{{width:100%;height:auto;border:1px solid #ddd}}
</style></head><body><h1>{t}</h1><p>{} sources ({} independent of one another), {} corridors, {} findings. Every figure links to the sentences or records behind it; who said what is left out unless asked for.</p>"##,
        a.sources,
        a.independent_sources,
        a.corridors.len(),
        a.findings.len(),
        t = escape(title)
    );
    s.push_str("<h2>Map</h2>");
    s.push_str(&map(a, gz, paths));
    s.push_str(&track_key(a, gz));
    s.push_str("<h2>Timeline</h2>");
    s.push_str(&timeline(a));
    s.push_str("<h2>Findings</h2>");
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &a.findings {
        *by_kind.entry(&f.kind).or_default() += 1;
    }
    let _ = write!(
        s,
        "<p>{}</p>",
        by_kind
            .iter()
            .map(|(k, n)| format!("{} {}", n, escape(k)))
            .collect::<Vec<_>>()
            .join(" · ")
    );
    for f in &a.findings {
        finding_html(&mut s, f);
    }
    if !a.tracks.is_empty() {
        tracks_html(&mut s, a);
    }
    s.push_str("<h2>Corridors</h2><table><tr><th>corridor</th><th>direction</th><th>mode</th><th>period</th><th>reports</th><th>records</th><th>independent sources</th><th>loaded</th><th>empty</th><th>prohibited share</th><th>goods (HS chapter: items, prohibited)</th><th>conditions</th></tr>");
    for c in &a.corridors {
        let conds: Vec<String> = c
            .conditions
            .iter()
            .map(|k| format!("{} {} ({})", k.aspect, k.value, k.claims))
            .collect();
        for f in &c.flows {
            s.push_str("<tr>");
            for cell in crate::flow_cells(c, f) {
                let _ = write!(s, "<td>{}</td>", escape(&cell));
            }
            let _ = write!(s, "<td>{}</td></tr>", escape(&conds.join("; ")));
        }
        if c.flows.is_empty() {
            let _ = write!(
                s,
                "<tr><td>{}</td><td colspan=\"10\">no movements reported</td><td>{}</td></tr>",
                escape(&c.name),
                escape(&conds.join("; "))
            );
        }
    }
    s.push_str("</table></body></html>\n");
    s
}
