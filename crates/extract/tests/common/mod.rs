//! Shared helpers for the extract tests.

use borderwatch_extract::{Extraction, Extractor, Options};
use borderwatch_model::{Claim, Date, Polarity};
use borderwatch_reference::Reference;

pub fn reference() -> &'static Reference {
    static R: std::sync::OnceLock<Reference> = std::sync::OnceLock::new();
    R.get_or_init(|| Reference::embedded().expect("embedded packs load"))
}

pub fn date(s: &str) -> Date {
    borderwatch_model::parse_date(s).expect("valid date")
}

pub fn extract(name: &str, bytes: &[u8], published: Option<Date>) -> Extraction {
    let x = Extractor::new(reference()).expect("matcher compiles");
    let mut o = Options::new(date("2024-01-01"));
    o.published = published;
    x.extract(name, bytes, &o).expect("text input")
}

/// One line per claim: kind, direction, ends, crossing and the facts tests care about.
pub fn render(c: &Claim) -> String {
    let mut s = c.kind.as_str().to_string();
    if c.polarity == Polarity::Negated {
        s.push_str(" NOT");
    }
    if let Some(st) = c.status {
        s.push_str(&format!(" {}", format!("{st:?}").to_lowercase()));
    }
    if let Some(cv) = &c.condition {
        s.push_str(&format!(" {}={}", cv.aspect, cv.value));
    }
    if let Some(ch) = &c.change {
        s.push_str(&format!(
            " {}: {} -> {}",
            ch.subject, ch.before.text, ch.after.text
        ));
    }
    if c.kind.as_str() == "mention" {
        s.push_str(&format!(" {}", c.places.join(",")));
    }
    if matches!(c.kind.as_str(), "movement" | "storage") {
        s.push_str(&format!(" {}", c.direction));
    }
    if c.from.is_some() || c.to.is_some() {
        s.push_str(&format!(
            " {}>{}",
            c.from.as_deref().unwrap_or("?"),
            c.to.as_deref().unwrap_or("?")
        ));
    }
    if let Some(v) = &c.via {
        s.push_str(&format!(" via={v}"));
    }
    if let Some(a) = &c.at {
        s.push_str(&format!(" at={a}"));
    }
    if let Some(m) = c.mode {
        s.push_str(&format!(" mode={m}"));
    }
    if let Some(l) = c.load {
        s.push_str(&format!(" load={}", format!("{l:?}").to_lowercase()));
    }
    if c.hedged {
        s.push_str(" hedged");
    }
    if c.planned {
        s.push_str(" planned");
    }
    if !c.goods.is_empty() {
        let g: Vec<String> = c
            .goods
            .iter()
            .map(|g| format!("{}:{}", g.text, g.hs.as_deref().unwrap_or("?")))
            .collect();
        s.push_str(&format!(" goods=[{}]", g.join(", ")));
    }
    for q in &c.quantities {
        let max = q.max.map(|m| format!("..{m}")).unwrap_or_default();
        let per = q
            .per
            .as_deref()
            .map(|p| format!("/{p}"))
            .unwrap_or_default();
        s.push_str(&format!(
            " qty={}{}{}{}({:?})",
            q.value,
            max,
            q.unit
                .as_deref()
                .map(|u| format!(" {u}"))
                .unwrap_or_default(),
            per,
            q.qualifier
        ));
    }
    if let Some(w) = &c.when {
        match (w.start, w.end) {
            (Some(a), Some(b)) if a == b => s.push_str(&format!(" when={a}")),
            (Some(a), Some(b)) => s.push_str(&format!(" when={a}..{b}")),
            _ => s.push_str(&format!(" when={:?}", w.text)),
        }
        if w.since {
            s.push('+');
        }
    }
    if let Some(a) = &c.evidence.attribution {
        s.push_str(&format!(" by={a:?}"));
    }
    s
}
