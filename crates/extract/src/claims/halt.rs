//! Flows halted by a rule or a status: "China banned exports of coal", "a ban on coal imports",
//! "imports were suspended", "smuggling at the crossing has stopped". The movement the clause
//! names is denied, not done.
//!
//! A ban word (`policy.ban`) or a closing or suspending status word must govern a trade word
//! near it (an import or export word, or a status subject such as "trade" or "smuggling"):
//! "coal, which is banned" or "an iron gate closes" halt nothing. Refuses: deciding the claim's
//! other fields.

use borderwatch_model::RouteStatus;

use super::Facts;

/// How far (bytes) a trade word may stand from the word that halts it, on the side it usually
/// stands: after a ban ("banned exports of"), before a status ("exports have stopped"); and on
/// the other side ("imports were banned", "suspended imports").
const NEAR: usize = 60;
const OTHER_SIDE: usize = 30;

pub(super) fn halted(f: &Facts) -> bool {
    let trade: Vec<usize> = f
        .import
        .into_iter()
        .chain(f.export)
        .chain(f.subjects.iter().copied())
        .collect();
    // A trade word within `after` bytes after `end`, or within `before` bytes before `start`.
    let governs = |start: usize, end: usize, before: usize, after: usize| {
        trade
            .iter()
            .any(|&w| (w >= end && w - end < after) || (w < start && start - w < before))
    };
    let banned = f.ban.is_some_and(|b| governs(b, b, OTHER_SIDE, NEAR));
    banned
        || f.status.iter().any(|&(st, a, b)| {
            matches!(st, RouteStatus::Closed | RouteStatus::Suspended)
                && governs(a, b, NEAR, OTHER_SIDE)
        })
}
