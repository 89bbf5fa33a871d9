//! Attaching reviews to claims, case by case: two claims of one kind on one sentence told
//! apart by their values, a condition about another aspect never taken for the one reviewed,
//! reviews folded in order (a later confirmation undoes a rejection), `reviewed_only`.

use std::sync::Arc;

use borderwatch_analyze::reviewed::{apply, attach, Candidate, State};
use borderwatch_analyze::ClaimIn;
use borderwatch_model::{
    Attachment, Claim, ClaimKind, ConditionValue, Correction, Direction, Evidence, Polarity,
    RejectReason, Review, ReviewAction,
};

fn claim(kind: ClaimKind, span: [usize; 2], dir: Direction, to: &str) -> Claim {
    Claim {
        source: "r.txt".into(),
        kind,
        from: None,
        to: Some(to.into()),
        via: None,
        at: None,
        direction: dir,
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
            text: "x".into(),
            attribution: None,
            attribution_span: None,
            context: None,
        },
        verdicts: vec![],
    }
}

fn review(id: i64, action: ReviewAction, c: &Claim) -> Review {
    Review {
        id,
        subject: None,
        action,
        source_id: 1,
        source: "r.txt".into(),
        span: c.evidence.span,
        kind: c.kind,
        claim_id: None,
        was: Some(Correction::of(c)),
        reason: (action == ReviewAction::Reject).then_some(RejectReason::Duplicate),
        correction: None,
        claim: None,
        reviewer: "ana".into(),
        at: "2024-01-01T00:00:00Z".into(),
        note: None,
        extractor_version: "1".into(),
    }
}

fn cands(claims: &[(i64, Claim)]) -> Vec<Candidate<'_>> {
    claims
        .iter()
        .map(|(id, c)| Candidate {
            id: *id,
            source_id: 1,
            claim: c,
        })
        .collect()
}

#[test]
fn claims_sharing_a_sentence_are_told_apart_by_their_values() {
    let a = claim(
        ClaimKind::Movement,
        [0, 40],
        Direction::Inbound,
        "kp.sinuiju",
    );
    let b = claim(
        ClaimKind::Movement,
        [0, 40],
        Direction::Outbound,
        "cn.dandong",
    );
    let reviews = [
        review(1, ReviewAction::Confirm, &b),
        review(2, ReviewAction::Reject, &a),
    ];
    // Re-extracted in the other order, with new ids.
    let now = [(20, b.clone()), (21, a.clone())];
    let at = attach(&cands(&now), &reviews);
    assert_eq!(at.reviews[&1], (Attachment::Agreed, Some(20)));
    assert_eq!(at.reviews[&2], (Attachment::Attached, Some(21)));
    assert_eq!(
        at.claims[&21].state,
        State::Rejected(RejectReason::Duplicate)
    );
}

#[test]
fn a_condition_about_another_aspect_is_not_the_one_reviewed() {
    let mut loose = claim(ClaimKind::Condition, [0, 40], Direction::Unknown, "kp.x");
    loose.condition = Some(ConditionValue {
        aspect: "inspection".into(),
        value: "loose".into(),
    });
    let mut fees = loose.clone();
    fees.condition = Some(ConditionValue {
        aspect: "fees".into(),
        value: "low".into(),
    });
    let at = attach(
        &cands(&[(5, fees)]),
        &[review(1, ReviewAction::Reject, &loose)],
    );
    assert_eq!(at.reviews[&1], (Attachment::Orphaned, None));
    assert!(at.claims.is_empty());
}

#[test]
fn reviews_fold_in_order_and_reviewed_only_keeps_what_a_person_vouched_for() {
    let a = claim(
        ClaimKind::Movement,
        [0, 40],
        Direction::Inbound,
        "kp.sinuiju",
    );
    let b = claim(
        ClaimKind::Movement,
        [41, 80],
        Direction::Inbound,
        "kp.sinuiju",
    );
    let mut later = review(2, ReviewAction::Confirm, &a);
    later.subject = Some(1);
    let reviews = [review(1, ReviewAction::Reject, &a), later];
    let ins = |c: &Claim, id| ClaimIn::new(id, 1, Arc::from("r.txt"), None, c.clone());
    let source = |_: i64| (Arc::from("r.txt"), None);
    let (kept, at, n) = apply(
        vec![ins(&a, 10), ins(&b, 11)],
        &reviews,
        false,
        &source,
        &|_, _| {},
    );
    assert_eq!(at.claims[&10].state, State::Confirmed);
    assert_eq!(kept.len(), 2);
    assert!(kept[0].reviewed && !kept[1].reviewed);
    assert_eq!((n.confirmed, n.rejected), (1, 0));
    let (kept, _, n) = apply(
        vec![ins(&a, 10), ins(&b, 11)],
        &reviews,
        true,
        &source,
        &|_, _| {},
    );
    assert_eq!(kept.iter().map(|c| c.id).collect::<Vec<_>>(), [10]);
    assert_eq!(n.unreviewed_left_out, 1);
}
