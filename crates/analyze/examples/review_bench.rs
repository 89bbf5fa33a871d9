//! Applying reviews at scale: a million claims (ten per source) and 10,000 reviews (confirmed,
//! corrected, rejected in turn), timed through `reviewed::apply`.
//!
//! usage: cargo run --release -p borderwatch-analyze --example review_bench [CLAIMS] [REVIEWS]

use std::sync::Arc;
use std::time::Instant;

use borderwatch_analyze::reviewed::apply;
use borderwatch_analyze::ClaimIn;
use borderwatch_model::{
    Claim, ClaimKind, Correction, Direction, Evidence, Mode, Polarity, RejectReason, Review,
    ReviewAction,
};

fn claim(i: usize) -> Claim {
    let at = (i % 10) * 100;
    Claim {
        source: "s".into(),
        kind: ClaimKind::Movement,
        from: Some("cn.dandong".into()),
        to: Some("kp.sinuiju".into()),
        via: Some("dandong-sinuiju".into()),
        at: None,
        direction: Direction::Inbound,
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
            span: [at, at + 90],
            text: format!("Trucks carried goods number {i} from Dandong to Sinuiju."),
            attribution: None,
            attribution_span: None,
            context: None,
        },
        verdicts: vec![],
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let m: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let name: Arc<str> = Arc::from("s.txt");
    let claims: Vec<ClaimIn> = (0..n)
        .map(|i| {
            ClaimIn::new(
                i as i64 + 1,
                (i / 10) as i64 + 1,
                name.clone(),
                None,
                claim(i),
            )
        })
        .collect();
    let step = (n / m).max(1);
    let reviews: Vec<Review> = (0..m)
        .map(|k| {
            let i = (k * step) % n;
            let c = claim(i);
            let action = [
                ReviewAction::Confirm,
                ReviewAction::Correct,
                ReviewAction::Reject,
            ][k % 3];
            Review {
                id: k as i64 + 1,
                subject: None,
                action,
                source_id: (i / 10) as i64 + 1,
                source: "s.txt".into(),
                span: c.evidence.span,
                kind: c.kind,
                claim_id: Some(i as i64 + 1),
                was: Some(Correction::of(&c)),
                reason: (action == ReviewAction::Reject).then_some(RejectReason::Other),
                correction: (action == ReviewAction::Correct).then(|| Correction {
                    mode: Some(Some(Mode::Road)),
                    ..Correction::default()
                }),
                claim: None,
                reviewer: "bench".into(),
                at: "2024-01-01T00:00:00Z".into(),
                note: None,
                extractor_version: "1".into(),
            }
        })
        .collect();
    let source = |_: i64| (Arc::from("s.txt"), None);
    let t = Instant::now();
    let (kept, attached, applied) = apply(claims, &reviews, false, &source, &|_, _| {});
    let took = t.elapsed();
    println!(
        "{n} claims, {m} reviews: applied in {:.3} s; kept {} claims; {:?}; {} reviews placed",
        took.as_secs_f64(),
        kept.len(),
        applied,
        attached.reviews.len()
    );
}
