//! The store read back in its reviewed state: the sources and reviews known on a day, the
//! reviews attached to today's claims and applied, corrected goods screened again.
//!
//! Refuses: SQL (the store's), attaching and applying (the analysis's `reviewed`), the clock
//! ("today" comes in).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use borderwatch_analyze::reviewed::{self, Applied, Attached};
use borderwatch_model::{Claim, ClaimVerdict, Date, HsCode, Review};
use borderwatch_screen::{Goods, Screener};
use borderwatch_store::{ReviewFilter, Store, StoreError};

use crate::{load_now, Detail, Inputs};

/// Which state of the store to read.
#[derive(Debug, Clone, Copy)]
pub struct View {
    /// The picture as known on this day: the sources ingested and the reviews made by then.
    pub as_of: Option<Date>,
    /// Only claims a person confirmed, corrected or added.
    pub reviewed_only: bool,
    /// The screening date of a claim with neither a time nor a publication date.
    pub today: Date,
}

/// The analysis inputs in their reviewed state, with where every review stands.
pub struct Reviewed {
    pub inputs: Inputs,
    pub reviews: Vec<Review>,
    pub attached: Attached,
    pub applied: Applied,
}

/// Screens every classified goods item of a claim for its direction and date (its own time,
/// else `published`, else `today`), as extraction does.
pub fn screen_claim(screener: &Screener, c: &mut Claim, published: Option<Date>, today: Date) {
    let date = c
        .when
        .as_ref()
        .and_then(|w| w.start)
        .or(published)
        .unwrap_or(today);
    let mut out: Vec<ClaimVerdict> = Vec::new();
    for g in &c.goods {
        let Some(code) = g.hs.as_deref().and_then(|h| HsCode::parse(h).ok()) else {
            continue;
        };
        let goods = Goods {
            hs: code,
            product: g.product.clone(),
            value_usd: None,
            confidence: g.confidence,
            phrase: Some(g.text.clone()),
        };
        let v = screener.screen(&goods, c.direction, date);
        let cv = ClaimVerdict {
            hs: v.hs.clone(),
            status: v.status,
            measures: v.measures.iter().map(|m| m.id.clone()).collect(),
            date,
            reason: v.reason,
        };
        if !out.contains(&cv) {
            out.push(cv);
        }
    }
    c.verdicts = out;
}

/// Reads the store in one snapshot and applies its reviews.
pub fn load_reviewed(
    store: &Store,
    detail: Detail,
    screener: &Screener,
    view: &View,
) -> Result<Reviewed, StoreError> {
    store.snapshot(|store| {
        let sources = store.sources()?;
        let mut inputs = load_now(store, detail, &sources)?;
        let mut reviews = store.reviews(&ReviewFilter {
            until: view.as_of.map(|d| d.to_string()),
            ..ReviewFilter::default()
        })?;
        if let Some(day) = view.as_of {
            let day = day.to_string();
            let known: HashSet<i64> = sources
                .iter()
                .filter(|s| s.ingested_at.get(..10).is_some_and(|d| d <= day.as_str()))
                .map(|s| s.id)
                .collect();
            inputs.claims.retain(|c| known.contains(&c.source_id));
            inputs.shipments.retain(|s| known.contains(&s.source_id));
            inputs.tracks.retain(|t| known.contains(&t.source_id));
            inputs.sources.retain(|s| known.contains(&s.id));
            reviews.retain(|r| known.contains(&r.source_id));
        }
        let about: HashMap<i64, (Arc<str>, Option<Date>)> = sources
            .iter()
            .map(|s| {
                let published = s
                    .published
                    .as_deref()
                    .and_then(|d| borderwatch_model::parse_date(d).ok());
                (s.id, (Arc::from(s.name.as_str()), published))
            })
            .collect();
        let source = |id: i64| {
            about
                .get(&id)
                .cloned()
                .unwrap_or_else(|| (Arc::from(""), None))
        };
        let today = view.today;
        let rescreen =
            |c: &mut Claim, published: Option<Date>| screen_claim(screener, c, published, today);
        let claims = std::mem::take(&mut inputs.claims);
        let (claims, attached, applied) =
            reviewed::apply(claims, &reviews, view.reviewed_only, &source, &rescreen);
        inputs.claims = claims;
        Ok(Reviewed {
            inputs,
            reviews,
            attached,
            applied,
        })
    })
}
