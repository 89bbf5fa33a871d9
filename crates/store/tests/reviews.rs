//! Reviews in the store: every kind written and read back as written, never changed or
//! deleted, refused when their anchor lies outside the source, read as known on a day, and
//! seen by the store's fingerprint.

use borderwatch_model::{
    Claim, ClaimKind, Correction, Direction, Evidence, Mode, Polarity, RejectReason, Review,
    ReviewAction,
};
use borderwatch_store::testing::run_sql_at;
use borderwatch_store::{Content, Ingested, PreparedClaim, ReviewFilter, SourceInput, Store};

mod engines;

const TEXT: &str = "Trucks carried rice from Dandong to Sinuiju. The trucks came back empty.";

fn claim(span: [usize; 2]) -> Claim {
    Claim {
        source: "r.txt".into(),
        kind: ClaimKind::Movement,
        from: Some("cn.dandong".into()),
        to: Some("kp.sinuiju".into()),
        via: None,
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
            span,
            text: TEXT[span[0]..span[1]].into(),
            attribution: None,
            attribution_span: None,
            context: None,
        },
        verdicts: vec![],
    }
}

fn store(e: &engines::Engine) -> (Store, i64, i64) {
    let mut s = e.open();
    let run = s.begin_run("test", "2024-01-10T08:00:00Z").unwrap();
    let prepared = PreparedClaim::all(vec![claim([0, 44])]).unwrap();
    let src = SourceInput {
        name: "r.txt",
        media_type: "text/plain",
        kind: "report",
        published: None,
        bytes: TEXT.as_bytes(),
    };
    let Ingested::New(id) = s
        .ingest(
            run,
            &src,
            Content::Claims(&prepared),
            &[],
            "x",
            "2024-01-10T08:00:00Z",
        )
        .unwrap()
    else {
        panic!("new source")
    };
    let claim_id = s.claims(&Default::default()).unwrap()[0].id;
    (s, id, claim_id)
}

fn review(source_id: i64, action: ReviewAction, at: &str) -> Review {
    Review {
        id: 0,
        subject: None,
        action,
        source_id,
        source: String::new(),
        span: [0, 44],
        kind: ClaimKind::Movement,
        claim_id: Some(1),
        was: Some(Correction::of(&claim([0, 44]))),
        reason: None,
        correction: None,
        claim: None,
        reviewer: "ana".into(),
        at: at.into(),
        note: None,
        extractor_version: "x".into(),
    }
}

#[test]
fn every_kind_reads_back_as_written() {
    engines::each("kinds", |e| {
        let (s, src, claim_id) = store(e);
        let mut confirm = review(src, ReviewAction::Confirm, "2024-01-11T09:00:00Z");
        confirm.claim_id = Some(claim_id);
        confirm.note = Some("checked against the photo".into());
        let first = s.add_review(&confirm).unwrap();
        let mut reject = review(src, ReviewAction::Reject, "2024-01-12T09:00:00Z");
        reject.subject = Some(first);
        reject.reason = Some(RejectReason::WrongDirection);
        let mut correct = review(src, ReviewAction::Correct, "2024-01-13T09:00:00Z");
        correct.subject = Some(first);
        correct.correction = Some(Correction {
            direction: Some(Direction::Outbound),
            mode: Some(Some(Mode::Road)),
            via: Some(None),
            ..Correction::default()
        });
        let mut add = review(src, ReviewAction::Add, "2024-01-14T09:00:00Z");
        add.span = [45, 72];
        add.was = None;
        add.claim_id = None;
        add.claim = Some(Box::new(claim([45, 72])));
        let mut want = vec![confirm, reject, correct, add];
        for r in want.iter_mut().skip(1) {
            r.id = s.add_review(r).unwrap();
        }
        want[0].id = first;
        for r in &mut want {
            r.source = "r.txt".into();
        }
        let back = s.reviews(&ReviewFilter::default()).unwrap();
        assert_eq!(back, want);
        // A source's reviews; the reviews known on a day.
        let mine = ReviewFilter {
            source_id: Some(src),
            ..ReviewFilter::default()
        };
        assert_eq!(s.reviews(&mine).unwrap().len(), 4);
        let then = ReviewFilter {
            until: Some("2024-01-12".into()),
            ..ReviewFilter::default()
        };
        let ids: Vec<i64> = s.reviews(&then).unwrap().iter().map(|r| r.id).collect();
        assert_eq!(ids, [want[0].id, want[1].id]);
        assert!(s.check().unwrap().is_empty());
    });
}

#[test]
fn reviews_are_never_changed_and_their_anchor_is_checked() {
    engines::each("append", |e| {
        let (s, src, _) = store(e);
        let before = s.fingerprint().unwrap();
        let id = s
            .add_review(&review(src, ReviewAction::Confirm, "2024-01-11T09:00:00Z"))
            .unwrap();
        assert_ne!(
            s.fingerprint().unwrap(),
            before,
            "a review changes the fingerprint"
        );
        let sql = |q: &str| run_sql_at(&e.at, &q.replace("?1", &id.to_string()));
        let upd = sql("UPDATE reviews SET reviewer = 'x' WHERE id = ?1");
        assert!(upd.unwrap_err().to_string().contains("never changed"));
        let del = sql("DELETE FROM reviews WHERE id = ?1");
        assert!(del.unwrap_err().to_string().contains("never deleted"));
        let mut outside = review(src, ReviewAction::Confirm, "2024-01-11T09:00:00Z");
        outside.span = [10, 999];
        let e = s.add_review(&outside).unwrap_err().to_string();
        assert!(e.contains("span 10..999 lies outside source"), "{e}");
        let e = s
            .add_review(&review(src + 7, ReviewAction::Confirm, "t"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no source"), "{e}");
        let mut follows = review(src, ReviewAction::Confirm, "t");
        follows.subject = Some(id + 40);
        assert!(s.add_review(&follows).is_err());
        assert_eq!(s.reviews(&ReviewFilter::default()).unwrap().len(), 1);
    });
}
