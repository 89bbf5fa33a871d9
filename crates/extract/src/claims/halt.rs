//! Flows halted by a rule or a status: "China banned exports of coal", "a ban on coal imports",
//! "imports were suspended", "smuggling at the crossing has stopped". The movement the clause
//! names is denied, not done.
//!
//! A ban word (`policy.ban`) or a closing or suspending status word must govern a trade word
//! near it (an import or export word, or a flow such as "trade" or "smuggling", `status.flows`):
//! "coal, which is banned" or "an iron gate closes" halt nothing. Refuses: deciding the claim's
//! other fields.
//!
//! A closing or suspending status right before a verb of carrying in its -ing form halts that
//! verb too ("they stopped shipping coal").
//!
//! A resumption or opening in the same clause ends the halt: nothing is halted then.
//!
//! A negation just before the halting word denies the halt itself ("there has been no
//! suspension of trade", "they will not stop trade"): nothing is halted then.

use borderwatch_model::RouteStatus;

use super::{word_at, Facts};

/// How far (bytes) a trade word may stand from the word that halts it, on the side it usually
/// stands: after a ban ("banned exports of"), before a status ("exports have stopped"); and on
/// the other side ("imports were banned", "suspended imports").
const NEAR: usize = 60;
pub(super) const OTHER_SIDE: usize = 30;

/// Most words between a negation and the halting word it denies ("not been officially
/// suspended").
const DENIAL_GAP_WORDS: usize = 4;

/// Most words between a background phrase and the halt it backgrounds ("following China's
/// ban").
const BACKGROUND_GAP_WORDS: usize = 3;

/// A word that halts a flow, with its span: a ban word (`ban`) or a closing or suspending
/// status.
struct Halt {
    start: usize,
    end: usize,
    ban: bool,
}

/// Whether `a..b` is a short stretch of words: in order, no clause punctuation, at most
/// `words` words.
fn near_before(clean: &str, a: usize, b: usize, words: usize) -> bool {
    a <= b && {
        let gap = &clean[a..b];
        !gap.contains([',', ';', '.', ':']) && gap.split_whitespace().count() <= words
    }
}

/// Every word that halts a flow, except one a background phrase just before makes the
/// clause's background ("after weeks at sea following the ban").
fn halt_words<'f>(f: &'f Facts, clean: &'f str) -> impl Iterator<Item = Halt> + 'f {
    f.ban
        .map(|b| Halt {
            start: b,
            end: b,
            ban: true,
        })
        .into_iter()
        .chain(
            f.status
                .iter()
                .filter(|(st, ..)| matches!(st, RouteStatus::Closed | RouteStatus::Suspended))
                .map(|&(_, start, end)| Halt {
                    start,
                    end,
                    ban: false,
                }),
        )
        .filter(move |h| {
            !f.backgrounds
                .iter()
                .any(|&b| near_before(clean, b, h.start, BACKGROUND_GAP_WORDS))
        })
}

/// A negation right before a halting word, in the same stretch of words.
pub(super) fn halt_denied(f: &Facts, clean: &str) -> bool {
    halt_words(f, clean).any(|h| {
        f.negations
            .iter()
            .any(|&(_, e)| near_before(clean, e, h.start, DENIAL_GAP_WORDS))
    })
}

pub(super) fn halted(f: &Facts, clean: &str) -> bool {
    // "Trucks have resumed carrying freight after a two-year shutdown": the halt is the past
    // the resumption ends.
    if f.status
        .iter()
        .any(|(st, ..)| matches!(st, RouteStatus::Resumed | RouteStatus::Opened))
    {
        return false;
    }
    let trade: Vec<(usize, usize)> = f
        .import
        .into_iter()
        .chain(f.export)
        .map(|p| (p, p))
        .chain(f.flows.iter().copied())
        .collect();
    // A trade word starting within `after` bytes after `end`, or ending within `before` bytes
    // before `start` ("cross-border smuggling at Manpo, Jagang province, has since been halted").
    let governs = |start: usize, end: usize, before: usize, after: usize| {
        trade.iter().any(|&(ws, we)| {
            (ws >= end && ws - end < after) || (ws < start && start - we.min(start) < before)
        })
    };
    // A ban governs what follows it ("banned exports of"), a status what precedes it
    // ("exports have stopped"). A flow the clause names well before the ban is its own
    // ("the first shipments from Russia since the ban on oil shipments").
    let own_flow_before =
        |start: usize| f.triggers.first().is_some_and(|&t| t + OTHER_SIDE < start);
    // "Smugglers have stopped carrying copper": a status right before a verb of carrying in
    // its -ing form halts that verb.
    let halts_gerund = |h: &Halt| {
        f.triggers.iter().any(|&t| {
            let verb = word_at(clean, t);
            t >= h.end
                && clean[h.end..t].trim().is_empty()
                && verb.len() > 4
                && verb.ends_with("ing")
        })
    };
    halt_words(f, clean).any(|h| match h.ban {
        true => governs(h.start, h.end, OTHER_SIDE, NEAR) && !own_flow_before(h.start),
        false => governs(h.start, h.end, NEAR, OTHER_SIDE) || halts_gerund(&h),
    })
}

/// Whether a flow of goods is named right after a denial, with at most one word between:
/// "no traffic", "no cross-border trade", "not a single shipment".
pub(super) fn denied_flow(f: &Facts, clean: &str) -> bool {
    f.flows.iter().any(|&(ws, _)| {
        f.negations.iter().any(|&(_, ne)| {
            ne <= ws
                && clean[ne..ws].split_whitespace().count() <= 1
                && !clean[ne..ws].contains(',')
        })
    })
}

/// Whether the clause names its own flow well before `start` ("the first shipments from Russia
/// since the Council set limits on oil shipments").
fn own_flow_before(f: &Facts, start: usize) -> bool {
    f.triggers.first().is_some_and(|&t| t + OTHER_SIDE < start)
}

/// A ban that is the clause's background, not its state, with the stretch it governs: "since
/// the Council set limits on fuel shipments", "following the ban on coal imports". The goods
/// it names are the rule's, not the cargo's.
pub(super) fn background_ban(f: &Facts, clean: &str) -> Option<(usize, usize)> {
    let b = f.ban?;
    let background = f
        .backgrounds
        .iter()
        .any(|&e| near_before(clean, e, b, BACKGROUND_GAP_WORDS));
    (background || own_flow_before(f, b)).then_some((b, b + NEAR))
}
