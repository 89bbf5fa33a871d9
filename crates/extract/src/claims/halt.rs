//! Flows halted by a rule or a status: "China banned exports of coal", "a ban on coal imports",
//! "imports were suspended", "smuggling at the crossing has stopped". The movement the clause
//! names is denied, not done.
//!
//! A ban word (`policy.ban`) or a closing or suspending status word must govern a trade word
//! near it (an import or export word, or a flow such as "trade" or "smuggling", `status.flows`):
//! "coal, which is banned" or "an iron gate closes" halt nothing. Refuses: deciding the claim's
//! other fields.
//!
//! A resumption or opening in the same clause ends the halt: nothing is halted then.
//!
//! A negation just before the halting word denies the halt itself ("there has been no
//! suspension of trade", "they will not stop trade"): nothing is halted then.

use borderwatch_model::RouteStatus;

use super::Facts;

/// How far (bytes) a trade word may stand from the word that halts it, on the side it usually
/// stands: after a ban ("banned exports of"), before a status ("exports have stopped"); and on
/// the other side ("imports were banned", "suspended imports").
const NEAR: usize = 60;
const OTHER_SIDE: usize = 30;

/// Most words between a negation and the halting word it denies ("not been officially
/// suspended").
const DENIAL_GAP_WORDS: usize = 4;

/// Most words between a background phrase and the halt it backgrounds ("following China's
/// ban").
const BACKGROUND_GAP_WORDS: usize = 3;

/// Start of every word that halts a flow: a ban word, a closing or suspending status; not one
/// that a background phrase just before makes the clause's background ("after weeks at sea
/// following the ban").
fn halt_words<'f>(f: &'f Facts, clean: &'f str) -> impl Iterator<Item = usize> + 'f {
    f.ban
        .into_iter()
        .chain(
            f.status
                .iter()
                .filter(|(st, ..)| matches!(st, RouteStatus::Closed | RouteStatus::Suspended))
                .map(|&(_, a, _)| a),
        )
        .filter(move |&h| {
            !f.backgrounds.iter().any(|&b| {
                b <= h && {
                    let gap = &clean[b..h];
                    !gap.contains([',', ';', '.', ':'])
                        && gap.split_whitespace().count() <= BACKGROUND_GAP_WORDS
                }
            })
        })
}

/// A negation right before a halting word, in the same stretch of words.
pub(super) fn halt_denied(f: &Facts, clean: &str) -> bool {
    halt_words(f, clean).any(|h| {
        f.negations.iter().any(|&(_, e)| {
            e <= h && {
                let gap = &clean[e..h];
                !gap.contains([',', ';', '.', ':'])
                    && gap.split_whitespace().count() <= DENIAL_GAP_WORDS
            }
        })
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
    let ends: Vec<(usize, usize)> = f.status.iter().map(|&(_, a, b)| (a, b)).collect();
    halt_words(f, clean).any(|h| {
        if f.ban == Some(h) && governs(h, h, OTHER_SIDE, NEAR) {
            return true;
        }
        ends.iter()
            .any(|&(a, b)| a == h && governs(a, b, NEAR, OTHER_SIDE))
    })
}
