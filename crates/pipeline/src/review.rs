//! Making reviews, for the command line and the server alike: the claim a review names (a
//! stored claim, or one an analyst added) as the analyst sees it now, a judgement of it
//! stored as a review of the same subject, a claim added on a span of a source, and where
//! the store's reviews stand.
//!
//! Refuses: argv, HTTP and the clock (who reviews and when come in), SQL (the store's), and
//! deciding what reviews mean for the analysis (`analyze::reviewed`). A request that names
//! nothing, or values the packs do not know, comes back as `Err(Refused)` with one line saying
//! why; `StoreError` means the environment failed.

use borderwatch_analyze::reviewed::{attach, Attached, Candidate};
use borderwatch_model::{
    Attachment, Claim, ClaimKind, Correction, Date, Direction, Evidence, HsCode, Polarity,
    RejectReason, Review, ReviewAction,
};
use borderwatch_reference::Gazetteer;
use borderwatch_screen::Screener;
use borderwatch_store::{ClaimFilter, ReviewFilter, SourceRow, Store, StoreError};

use crate::reviewed::screen_claim;

/// Why a review was not made: what it named does not exist, or a value is not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// No such claim, review or source.
    NotFound(String),
    /// A value the packs or the source refuse.
    Bad(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::NotFound(m) | Refused::Bad(m) => f.write_str(m),
        }
    }
}

/// What a review names: a stored claim, or a claim added by a review (`aN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Claim(i64),
    Added(i64),
}

impl Target {
    /// `123` (a claim id) or `a7` (the claim review 7 added).
    pub fn parse(v: &str) -> Option<Target> {
        let n = |s: &str| s.parse::<i64>().ok().filter(|n| *n > 0);
        match v.strip_prefix('a') {
            Some(rest) => n(rest).map(Target::Added),
            None => n(v).map(Target::Claim),
        }
    }
}

/// A source's reviews, attached to its claims of today.
pub struct SourceState {
    pub reviews: Vec<Review>,
    pub attached: Attached,
}

pub fn source_state(store: &Store, source_id: i64) -> Result<SourceState, StoreError> {
    let claims = store.claims(&ClaimFilter {
        source_id: Some(source_id),
        skip_reasons: true,
        ..ClaimFilter::default()
    })?;
    let reviews = store.reviews(&ReviewFilter {
        source_id: Some(source_id),
        ..ReviewFilter::default()
    })?;
    let candidates: Vec<Candidate> = claims
        .iter()
        .map(|c| Candidate {
            id: c.id,
            source_id: c.source_id,
            claim: &c.claim,
        })
        .collect();
    let attached = attach(&candidates, &reviews);
    Ok(SourceState { reviews, attached })
}

/// The claim a review names as the analyst sees it now (its reviews applied), with the
/// anchor a new review of it takes.
pub struct Subject {
    pub source_id: i64,
    /// The first review of this claim, when it has one.
    pub subject: Option<i64>,
    pub claim_id: Option<i64>,
    pub extractor_version: String,
    /// As extracted (an added claim: as added).
    pub base: Claim,
    /// With its reviews applied.
    pub seen: Claim,
    pub span: [usize; 2],
    pub kind: ClaimKind,
}

/// The reviews of a subject, oldest first.
pub fn reviews_of<'a>(st: &'a SourceState, s: &Subject) -> Vec<&'a Review> {
    st.reviews
        .iter()
        .filter(|r| Some(r.subject_id()) == s.subject)
        .collect()
}

pub fn find(
    store: &Store,
    t: Target,
) -> Result<Result<(Subject, SourceState), Refused>, StoreError> {
    match t {
        Target::Claim(id) => {
            let Some(c) = store.claim(id)? else {
                return Ok(Err(Refused::NotFound(format!("no claim {id}"))));
            };
            let st = source_state(store, c.source_id)?;
            let judged = st.attached.claims.get(&id);
            let mut seen = c.claim.clone();
            if let Some(j) = judged {
                j.values.apply(&mut seen);
            }
            Ok(Ok((
                Subject {
                    source_id: c.source_id,
                    subject: judged.map(|j| j.subject),
                    claim_id: Some(id),
                    extractor_version: c.extractor_version.clone(),
                    span: c.claim.evidence.span,
                    kind: c.claim.kind,
                    base: c.claim,
                    seen,
                },
                st,
            )))
        }
        Target::Added(rid) => {
            let all = store.reviews(&ReviewFilter::default())?;
            let Some(first) = all.iter().find(|r| r.id == rid) else {
                return Ok(Err(Refused::NotFound(format!("no review {rid}"))));
            };
            let subject = first.subject_id();
            let st = source_state(store, first.source_id)?;
            let Some(a) = st.attached.added.iter().find(|a| a.subject == subject) else {
                // Attached to an extracted claim since: that claim is the one to review.
                let on = st.attached.reviews.get(&rid).and_then(|(_, c)| *c);
                return Ok(Err(Refused::NotFound(match on {
                    Some(c) => format!("a{rid}: the added claim is now claim {c}; review that"),
                    None => format!("a{rid}: review {rid} added no claim"),
                })));
            };
            let origin = st
                .reviews
                .iter()
                .find(|r| r.id == subject)
                .cloned()
                .unwrap_or_else(|| first.clone());
            let base = origin
                .claim
                .as_deref()
                .cloned()
                .unwrap_or_else(|| a.claim.clone());
            let seen = a.claim.clone();
            Ok(Ok((
                Subject {
                    source_id: origin.source_id,
                    subject: Some(subject),
                    claim_id: None,
                    extractor_version: origin.extractor_version,
                    span: origin.span,
                    kind: origin.kind,
                    base,
                    seen,
                },
                st,
            )))
        }
    }
}

/// A person's judgement of a claim.
#[derive(Debug, Clone)]
pub struct Judgement {
    pub action: ReviewAction,
    pub reason: Option<RejectReason>,
    pub correction: Option<Correction>,
    pub reviewer: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    pub note: Option<String>,
}

/// The places, crossings and HS codes a correction names, checked against the packs.
pub fn check_correction(gz: &Gazetteer, c: &Correction) -> Result<(), Refused> {
    for (field, v) in [("from", &c.from), ("to", &c.to), ("at", &c.at)] {
        if let Some(Some(p)) = v {
            if gz.place(p).is_none() {
                return Err(Refused::Bad(format!("{field} {p:?}: no such place id")));
            }
        }
    }
    if let Some(Some(x)) = &c.via {
        if gz.crossing(x).is_none() {
            return Err(Refused::Bad(format!("via {x:?}: no such crossing id")));
        }
    }
    for g in c.goods.iter().flatten() {
        if g.text.trim().is_empty() {
            return Err(Refused::Bad("goods: an item without words".into()));
        }
        if let Some(h) = &g.hs {
            HsCode::parse(h).map_err(|e| Refused::Bad(format!("goods {h:?}: {e}")))?;
        }
    }
    if let Some(Some(w)) = &c.when {
        if let (Some(a), Some(b)) = (w.start, w.end) {
            if b < a {
                return Err(Refused::Bad(format!(
                    "when {a}..{b}: ends before it starts"
                )));
            }
        }
    }
    Ok(())
}

/// Stores a judgement of the claim `t` names, as a review of the same subject as its earlier
/// reviews. The subject is looked up and the review written in one write transaction, so two
/// people judging one claim at once make two reviews of one subject, never two subjects.
pub fn judge(
    store: &mut Store,
    gz: &Gazetteer,
    t: Target,
    j: Judgement,
) -> Result<Result<Review, Refused>, StoreError> {
    store.begin_batch()?;
    let r = judge_now(store, gz, t, j);
    // Nothing written when refused: the commit ends an empty transaction.
    store.commit_batch()?;
    r
}

fn judge_now(
    store: &Store,
    gz: &Gazetteer,
    t: Target,
    j: Judgement,
) -> Result<Result<Review, Refused>, StoreError> {
    if j.action == ReviewAction::Add {
        return Ok(Err(Refused::Bad(
            "an added claim is made on a span of a source, not on a claim".into(),
        )));
    }
    if j.action == ReviewAction::Correct {
        match &j.correction {
            Some(c) if !c.is_empty() => {
                if let Err(e) = check_correction(gz, c) {
                    return Ok(Err(e));
                }
            }
            _ => {
                return Ok(Err(Refused::Bad(
                    "a correction gives at least one field".into(),
                )))
            }
        }
    }
    let (s, _) = match find(store, t)? {
        Ok(x) => x,
        Err(e) => return Ok(Err(e)),
    };
    let mut j = j;
    if let Some(c) = &mut j.correction {
        place_in(c, &s.base.evidence.text, s.base.evidence.span);
    }
    let mut r = Review {
        id: 0,
        subject: s.subject,
        action: j.action,
        source_id: s.source_id,
        source: String::new(),
        span: s.span,
        kind: s.kind,
        claim_id: s.claim_id,
        was: Some(Correction::of(&s.seen)),
        reason: match j.action {
            ReviewAction::Reject => Some(j.reason.unwrap_or(RejectReason::Other)),
            _ => None,
        },
        correction: match j.action {
            ReviewAction::Correct => j.correction,
            _ => None,
        },
        claim: None,
        reviewer: j.reviewer,
        at: j.at,
        note: j.note.filter(|n| !n.trim().is_empty()),
        extractor_version: s.extractor_version,
    };
    r.id = store.add_review(&r)?;
    Ok(Ok(r))
}

/// The source and the words of bytes `span` of it, where a claim is to be added.
pub fn selection(
    store: &Store,
    source: i64,
    span: [usize; 2],
) -> Result<Result<(SourceRow, String), Refused>, StoreError> {
    let Some(src) = store.source(source)? else {
        return Ok(Err(Refused::NotFound(format!("no source {source}"))));
    };
    if src.kind != "report" {
        return Ok(Err(Refused::Bad(format!(
            "source {source} ({}) is a shipment file; claims are added on reports",
            src.name
        ))));
    }
    let bytes = store.source_bytes(source)?.unwrap_or_default();
    if span[0] >= span[1] || span[1] > bytes.len() {
        return Ok(Err(Refused::Bad(format!(
            "span {}..{}: not a span of source {source} ({} bytes)",
            span[0],
            span[1],
            bytes.len()
        ))));
    }
    match std::str::from_utf8(&bytes[span[0]..span[1]]) {
        Ok(q) => Ok(Ok((src, q.to_string()))),
        Err(_) => Ok(Err(Refused::Bad(format!(
            "span {}..{}: invalid-utf8: not whole characters of text",
            span[0], span[1]
        )))),
    }
}

/// Places goods and quantities the analyst gave without a span at their words in the quote
/// (bytes `span` of the source), else on the whole selection.
pub fn place_in(c: &mut Correction, quote: &str, span: [usize; 2]) {
    let lower = quote.to_lowercase();
    let at = |text: &str| {
        let t = text.to_lowercase();
        match lower.find(&t) {
            Some(i) if !t.is_empty() && lower.len() == quote.len() => {
                [span[0] + i, span[0] + i + t.len()]
            }
            _ => span,
        }
    };
    for g in c.goods.iter_mut().flatten() {
        if g.span == [0, 0] {
            g.span = at(&g.text);
        }
    }
    for q in c.quantities.iter_mut().flatten() {
        if q.span == [0, 0] {
            q.span = at(&q.text);
        }
    }
    if let Some(Some(w)) = &mut c.when {
        if w.span == [0, 0] {
            w.span = at(&w.text);
        }
    }
}

/// Stores a claim an analyst added on bytes `span` of a source (`quote` their words), its
/// values given as a correction of an empty claim of `kind`, screened as extraction would.
#[allow(clippy::too_many_arguments)]
pub fn add_claim(
    store: &Store,
    gz: &Gazetteer,
    screener: &Screener,
    src: &SourceRow,
    span: [usize; 2],
    quote: &str,
    kind: ClaimKind,
    values: &Correction,
    j: Judgement,
    today: Date,
    extractor_version: &str,
) -> Result<Result<Review, Refused>, StoreError> {
    if let Err(e) = check_correction(gz, values) {
        return Ok(Err(e));
    }
    let mut claim = Claim {
        source: src.name.clone(),
        kind,
        from: None,
        to: None,
        via: None,
        at: None,
        direction: Direction::Unknown,
        mode: None,
        load: None,
        polarity: Polarity::Affirmed,
        hedged: false,
        goods: vec![],
        quantities: vec![],
        when: None,
        places: vec![],
        status: None,
        planned: false,
        condition: None,
        change: None,
        evidence: Evidence {
            span,
            text: quote.to_string(),
            attribution: None,
            attribution_span: None,
            context: None,
        },
        verdicts: vec![],
    };
    values.apply(&mut claim);
    claim.kind = kind;
    claim.places = claim
        .from
        .iter()
        .chain(&claim.to)
        .chain(&claim.at)
        .cloned()
        .collect();
    let published = src
        .published
        .as_deref()
        .and_then(|d| borderwatch_model::parse_date(d).ok());
    screen_claim(screener, &mut claim, published, today);
    let mut r = Review {
        id: 0,
        subject: None,
        action: ReviewAction::Add,
        source_id: src.id,
        source: src.name.clone(),
        span,
        kind,
        claim_id: None,
        was: None,
        reason: None,
        correction: None,
        claim: Some(Box::new(claim)),
        reviewer: j.reviewer,
        at: j.at,
        note: j.note.filter(|n| !n.trim().is_empty()),
        extractor_version: extractor_version.to_string(),
    };
    r.id = store.add_review(&r)?;
    Ok(Ok(r))
}

/// How many reviews are attached, agreed, added and orphaned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    pub attached: usize,
    pub agreed: usize,
    pub added: usize,
    pub orphaned: usize,
}

/// Where the store's reviews stand against today's claims.
pub fn standing(store: &Store) -> Result<Standing, StoreError> {
    let all = store.reviews(&ReviewFilter::default())?;
    let sources: std::collections::BTreeSet<i64> = all.iter().map(|r| r.source_id).collect();
    let mut n = Standing::default();
    for s in sources {
        for (a, _) in source_state(store, s)?.attached.reviews.values() {
            match a {
                Attachment::Attached => n.attached += 1,
                Attachment::Agreed => n.agreed += 1,
                Attachment::Added => n.added += 1,
                Attachment::Orphaned => n.orphaned += 1,
            }
        }
    }
    Ok(n)
}

/// Every orphaned review, oldest first, with the words at its span.
pub fn orphans(store: &Store) -> Result<Vec<(Review, String)>, StoreError> {
    let all = store.reviews(&ReviewFilter::default())?;
    let sources: std::collections::BTreeSet<i64> = all.iter().map(|r| r.source_id).collect();
    let mut out = Vec::new();
    for s in sources {
        let st = source_state(store, s)?;
        let bytes = store.source_bytes(s)?.unwrap_or_default();
        for r in st.reviews {
            if st.attached.reviews.get(&r.id).map(|a| a.0) != Some(Attachment::Orphaned) {
                continue;
            }
            let words = bytes
                .get(r.span[0]..r.span[1])
                .map(|b| String::from_utf8_lossy(b).replace('\n', " "))
                .unwrap_or_default();
            out.push((r, words));
        }
    }
    out.sort_by_key(|(r, _)| r.id);
    Ok(out)
}
