//! The reviewed state: analysts' reviews attached to today's claims, and the claims the
//! analysis takes once the reviews are applied.
//!
//! A review belongs to its anchor — the source, the evidence span and the claim's kind — not to
//! a claim row, so it survives re-extraction. Every review of one claim shares a subject (the
//! first review of it); a subject is attached to the claim of its source and kind whose
//! evidence span best matches the anchor (the same span; else one span holding the other;
//! else most of the shorter one shared), ties broken by how many of the values the analyst saw
//! the claim still has. Each claim takes one subject at most. An added claim that a claim of
//! today's extraction now covers (same kind, direction and corridor) attaches to it; otherwise
//! it counts on its own. A subject that matches nothing is orphaned: kept, listed, not applied.
//!
//! A subject's reviews are folded in order: a confirmation holds the values the analyst saw to
//! be right, a correction sets the fields it gives, a rejection leaves the claim out (until a
//! later confirmation or correction). A review whose values the claim already has is `agreed`.
//!
//! Refuses: SQL, the clock and screening (the caller screens corrected goods again through the
//! closure it passes).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use borderwatch_model::{
    Attachment, Claim, ClaimKind, Correction, Date, RejectReason, Review, ReviewAction,
};

use crate::ClaimIn;

/// What the reviews of a claim decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Confirmed,
    Corrected,
    Rejected(RejectReason),
    /// An analyst's claim (standing alone, or over the extracted claim that now covers it).
    Added,
}

impl State {
    pub const fn as_str(self) -> &'static str {
        match self {
            State::Confirmed => "confirmed",
            State::Corrected => "corrected",
            State::Rejected(_) => "rejected",
            State::Added => "added",
        }
    }

    /// A person vouches for the claim's values (what "reviewed" counts).
    pub const fn vouched(self) -> bool {
        !matches!(self, State::Rejected(_))
    }
}

/// The judgement of one claim: its state and the values the reviews give it.
#[derive(Debug, Clone)]
pub struct Judged {
    pub subject: i64,
    pub state: State,
    pub values: Correction,
}

/// An added claim no extracted claim covers.
#[derive(Debug, Clone)]
pub struct Added {
    pub subject: i64,
    pub source_id: i64,
    pub state: State,
    /// The claim with every later correction applied.
    pub claim: Claim,
}

/// Where every review stands.
#[derive(Debug, Clone, Default)]
pub struct Attached {
    /// Per review id: its attachment and the claim it is on (none when added or orphaned).
    pub reviews: BTreeMap<i64, (Attachment, Option<i64>)>,
    /// Per claim id: what its reviews decided.
    pub claims: HashMap<i64, Judged>,
    /// Added claims standing alone, by subject id.
    pub added: Vec<Added>,
}

impl Attached {
    /// The reviews whose anchor matches nothing any more.
    pub fn orphaned(&self) -> impl Iterator<Item = i64> + '_ {
        self.reviews
            .iter()
            .filter(|(_, (a, _))| *a == Attachment::Orphaned)
            .map(|(id, _)| *id)
    }

    /// The ids of the reviews on a claim, oldest first.
    pub fn on_claim(&self, claim: i64) -> Vec<i64> {
        self.reviews
            .iter()
            .filter(|(_, (_, c))| *c == Some(claim))
            .map(|(id, _)| *id)
            .collect()
    }
}

/// A claim of today's extraction, as attaching sees it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub id: i64,
    pub source_id: i64,
    pub claim: &'a Claim,
}

fn len(s: [usize; 2]) -> usize {
    s[1].saturating_sub(s[0])
}

/// How well a claim's evidence span matches an anchor (higher is better), or `None` when it
/// does not: the same span; one span holding the other; more than half of the shorter shared.
fn span_fit(anchor: [usize; 2], span: [usize; 2], add: bool) -> Option<(u8, usize)> {
    let shared = anchor[1]
        .min(span[1])
        .saturating_sub(anchor[0].max(span[0]));
    if anchor == span {
        return Some((3, shared));
    }
    let holds = span[0] <= anchor[0] && anchor[1] <= span[1];
    if holds {
        return Some((2, shared));
    }
    // An analyst's selection is a part of a sentence: only a claim holding most of it covers it.
    let inside = !add && anchor[0] <= span[0] && span[1] <= anchor[1] && len(span) > 0;
    if inside {
        return Some((2, shared));
    }
    let shorter = if add {
        len(anchor)
    } else {
        len(anchor).min(len(span))
    };
    (shared * 2 > shorter && shared > 0).then_some((1, shared))
}

/// How many of the values a subject's reviewer saw a claim still has.
fn likeness(was: Option<&Correction>, c: &Claim) -> usize {
    let Some(w) = was else { return 0 };
    let fields: [bool; 8] = [
        w.from.as_ref() == Some(&c.from),
        w.to.as_ref() == Some(&c.to),
        w.via.as_ref() == Some(&c.via),
        w.direction == Some(c.direction),
        w.mode == Some(c.mode),
        w.load == Some(c.load),
        w.polarity == Some(c.polarity),
        w.goods.as_ref().is_some_and(|g| {
            let a: Vec<_> = g.iter().map(|g| &g.hs).collect();
            let b: Vec<_> = c.goods.iter().map(|g| &g.hs).collect();
            a == b
        }),
    ];
    fields.iter().filter(|x| **x).count()
}

/// The subject's anchor, values and the kinds a claim may have to match it.
struct Subject<'r> {
    id: i64,
    reviews: Vec<&'r Review>,
}

impl Subject<'_> {
    fn latest(&self) -> &Review {
        self.reviews[self.reviews.len() - 1]
    }
    fn added(&self) -> Option<&Claim> {
        self.reviews[0].claim.as_deref()
    }
    fn kinds(&self) -> Vec<ClaimKind> {
        let mut k: Vec<ClaimKind> = self.reviews.iter().map(|r| r.kind).collect();
        k.extend(
            self.reviews
                .iter()
                .filter_map(|r| r.correction.as_ref().and_then(|c| c.kind)),
        );
        k.sort();
        k.dedup();
        k
    }
    /// An added claim attaches only to a claim saying the same movement: same direction and
    /// corridor where the analyst gave them.
    fn accepts(&self, c: &Claim) -> bool {
        let Some(a) = self.added() else { return true };
        let same = |x: &Option<String>, y: &Option<String>| x.is_none() || x == y;
        a.direction == c.direction && same(&a.via, &c.via) && same(&a.from, &c.from) && {
            same(&a.to, &c.to)
        }
    }
    /// The reviews folded in order.
    fn fold(&self) -> (State, Correction) {
        let mut state = State::Confirmed;
        let mut values = Correction::default();
        for r in &self.reviews {
            match r.action {
                ReviewAction::Confirm => {
                    if let Some(w) = &r.was {
                        values = w.clone();
                    }
                    if state != State::Added {
                        state = State::Confirmed;
                    }
                }
                ReviewAction::Correct => {
                    if let Some(c) = &r.correction {
                        values.then(c);
                    }
                    if state != State::Added {
                        state = State::Corrected;
                    }
                }
                ReviewAction::Reject => {
                    state = State::Rejected(r.reason.unwrap_or(RejectReason::Other));
                }
                ReviewAction::Add => {
                    if let Some(c) = &r.claim {
                        values = Correction::of(c);
                    }
                    state = State::Added;
                }
            }
        }
        (state, values)
    }
}

/// Whether a review says what the claim already says.
fn agrees(r: &Review, c: &Claim) -> bool {
    match r.action {
        ReviewAction::Confirm => r.was.as_ref().is_none_or(|w| w.agrees_with(c)),
        ReviewAction::Correct => r.correction.as_ref().is_some_and(|x| x.agrees_with(c)),
        ReviewAction::Add => r
            .claim
            .as_ref()
            .is_some_and(|a| Correction::of(a).agrees_with(c)),
        ReviewAction::Reject => false,
    }
}

/// Attaches reviews (in id order) to today's claims.
pub fn attach(claims: &[Candidate], reviews: &[Review]) -> Attached {
    let mut subjects: BTreeMap<i64, Subject> = BTreeMap::new();
    for r in reviews {
        subjects
            .entry(r.subject_id())
            .or_insert_with(|| Subject {
                id: r.subject_id(),
                reviews: Vec::new(),
            })
            .reviews
            .push(r);
    }
    // Only the sources with reviews are indexed: a large store has a million claims and a
    // few thousand reviews.
    let mut by_source: HashMap<i64, Vec<&Candidate>> =
        reviews.iter().map(|r| (r.source_id, Vec::new())).collect();
    for c in claims {
        if let Some(v) = by_source.get_mut(&c.source_id) {
            v.push(c);
        }
    }
    // Every (subject, claim) pair that fits, best first; each side taken once.
    type Fit = ((u8, usize, usize), i64, i64);
    let mut fits: Vec<Fit> = Vec::new();
    for s in subjects.values() {
        let latest = s.latest();
        let kinds = s.kinds();
        // Anchored on the analyst's selection rather than on a claim's evidence.
        let add = s.added().is_some() && latest.span == s.reviews[0].span;
        for c in by_source.get(&latest.source_id).into_iter().flatten() {
            if !kinds.contains(&c.claim.kind)
                || !s.accepts(c.claim)
                || latest.was.as_ref().is_some_and(|w| w.rules_out(c.claim))
            {
                continue;
            }
            let Some((class, shared)) = span_fit(latest.span, c.claim.evidence.span, add) else {
                continue;
            };
            let like = likeness(latest.was.as_ref(), c.claim);
            fits.push(((class, like, shared), s.id, c.id));
        }
    }
    // Best fit first; among equals the older subject and the earlier claim.
    fits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut claim_of: HashMap<i64, i64> = HashMap::new();
    let mut taken: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for (_, subject, claim) in fits {
        if claim_of.contains_key(&subject) || taken.contains(&claim) {
            continue;
        }
        claim_of.insert(subject, claim);
        taken.insert(claim);
    }
    let by_id: HashMap<i64, &Claim> = by_source
        .values()
        .flatten()
        .map(|c| (c.id, c.claim))
        .collect();
    let mut out = Attached::default();
    for s in subjects.values() {
        let (state, values) = s.fold();
        match claim_of.get(&s.id) {
            Some(&claim) => {
                let c = by_id[&claim];
                for r in &s.reviews {
                    let a = if agrees(r, c) {
                        Attachment::Agreed
                    } else {
                        Attachment::Attached
                    };
                    out.reviews.insert(r.id, (a, Some(claim)));
                }
                out.claims.insert(
                    claim,
                    Judged {
                        subject: s.id,
                        state,
                        values,
                    },
                );
            }
            None => match s.added() {
                Some(a) => {
                    for r in &s.reviews {
                        out.reviews.insert(r.id, (Attachment::Added, None));
                    }
                    let mut claim = a.clone();
                    values.apply(&mut claim);
                    out.added.push(Added {
                        subject: s.id,
                        source_id: s.reviews[0].source_id,
                        state,
                        claim,
                    });
                }
                None => {
                    for r in &s.reviews {
                        out.reviews.insert(r.id, (Attachment::Orphaned, None));
                    }
                }
            },
        }
    }
    out
}

/// What applying the reviews did, for the outputs that say "reviewed N of M".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    pub confirmed: usize,
    pub corrected: usize,
    pub rejected: usize,
    pub added: usize,
    pub orphaned: usize,
    /// Claims left out because no person vouched for them (`reviewed_only`).
    pub unreviewed_left_out: usize,
}

/// The claims the analysis takes: rejected ones out, corrected values in (and screened again
/// through `rescreen`, with the claim's source publication date), added claims in, each
/// vouched-for claim marked `reviewed`; with `reviewed_only`, claims no person vouched for
/// are left out. `source` names a source id and gives its publication date, for added claims.
/// Added claims take the id `-subject` (they have no claim row) and cite their review.
pub fn apply(
    claims: Vec<ClaimIn>,
    reviews: &[Review],
    reviewed_only: bool,
    source: &dyn Fn(i64) -> (Arc<str>, Option<Date>),
    rescreen: &dyn Fn(&mut Claim, Option<Date>),
) -> (Vec<ClaimIn>, Attached, Applied) {
    if reviews.is_empty() && !reviewed_only {
        return (claims, Attached::default(), Applied::default());
    }
    let attached = {
        // Only the claims of reviewed sources are candidates.
        let sources: std::collections::HashSet<i64> = reviews.iter().map(|r| r.source_id).collect();
        let candidates: Vec<Candidate> = claims
            .iter()
            .filter(|c| sources.contains(&c.source_id))
            .map(|c| Candidate {
                id: c.id,
                source_id: c.source_id,
                claim: &c.claim,
            })
            .collect();
        attach(&candidates, reviews)
    };
    let mut n = Applied {
        orphaned: attached.orphaned().count(),
        ..Applied::default()
    };
    // In place: a million claims are not copied into a second vector.
    let mut out = claims;
    out.retain_mut(|c| {
        let Some(j) = attached.claims.get(&c.id) else {
            if reviewed_only {
                n.unreviewed_left_out += 1;
            }
            return !reviewed_only;
        };
        match j.state {
            State::Rejected(_) => {
                n.rejected += 1;
                return false;
            }
            State::Confirmed => n.confirmed += 1,
            State::Corrected => n.corrected += 1,
            State::Added => n.added += 1,
        }
        // The quote is never corrected, so the claim's story key stays as it was made.
        if !j.values.agrees_with(&c.claim) {
            j.values.apply(&mut c.claim);
            rescreen(&mut c.claim, c.published);
        }
        c.reviewed = true;
        true
    });
    out.reserve(attached.added.len());
    for a in &attached.added {
        if !a.state.vouched() {
            n.rejected += 1;
            continue;
        }
        n.added += 1;
        let (name, published) = source(a.source_id);
        let mut claim = a.claim.clone();
        claim.source = name.to_string();
        rescreen(&mut claim, published);
        let mut c = ClaimIn::new(-a.subject, a.source_id, name, published, claim);
        c.reviewed = true;
        c.review = Some(a.subject);
        out.push(c);
    }
    (out, attached, n)
}
