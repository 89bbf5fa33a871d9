//! The reviewed state read from a store: reviews re-attached after the claims are replaced
//! (a second extraction given as fixture claims), agreed when the new claims already say what
//! the review said, orphaned when nothing matches, an added claim joining the claim that now
//! covers it; and the picture as known on a day.

use borderwatch_model::{
    Attachment, Claim, ClaimKind, ConditionValue, Correction, Direction, Evidence, GoodsItem,
    Polarity, RejectReason, Review, ReviewAction,
};
use borderwatch_pipeline::reviewed::{load_reviewed, View};
use borderwatch_pipeline::Detail;
use borderwatch_screen::Screener;
use borderwatch_store::{Content, Ingested, PreparedClaim, SourceInput, Store};

// Sentence spans: [0, 45) [46, 92) [93, 137)
const TEXT: &str = "Trucks carried rice from Dandong to Sinuiju. \
Refrigerators went in over the bridge at dawn. \
Inspections at Dandong are strict these days.";

fn span_of(s: &str) -> [usize; 2] {
    let a = TEXT.find(s).unwrap();
    [a, a + s.len()]
}

fn movement(sentence: &str, goods: &[(&str, &str)]) -> Claim {
    let span = span_of(sentence);
    Claim {
        source: "r.txt".into(),
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
        goods: goods
            .iter()
            .map(|(text, hs)| GoodsItem {
                text: text.to_string(),
                hs: Some(hs.to_string()),
                alternatives: vec![],
                product: None,
                confidence: 0.9,
                span: span_of(text),
            })
            .collect(),
        quantities: vec![],
        when: None,
        places: vec![],
        status: None,
        planned: false,
        condition: None,
        change: None,
        evidence: Evidence {
            span,
            text: sentence.into(),
            attribution: None,
            attribution_span: None,
            context: None,
        },
        verdicts: vec![],
    }
}

fn condition(sentence: &str, aspect: &str, value: &str) -> Claim {
    let mut c = movement(sentence, &[]);
    c.kind = ClaimKind::Condition;
    c.from = None;
    c.to = None;
    c.direction = Direction::Unknown;
    c.condition = Some(ConditionValue {
        aspect: aspect.into(),
        value: value.into(),
    });
    c
}

const RICE: &str = "Trucks carried rice from Dandong to Sinuiju.";
const FRIDGES: &str = "Refrigerators went in over the bridge at dawn.";
const STRICT: &str = "Inspections at Dandong are strict these days.";

fn review(action: ReviewAction, c: &Claim, id: i64, day: &str) -> Review {
    Review {
        id: 0,
        subject: None,
        action,
        source_id: 1,
        source: String::new(),
        span: c.evidence.span,
        kind: c.kind,
        claim_id: Some(id),
        was: Some(Correction::of(c)),
        reason: None,
        correction: None,
        claim: None,
        reviewer: "ana".into(),
        at: format!("{day}T10:00:00Z"),
        note: None,
        extractor_version: "1".into(),
    }
}

fn view(as_of: Option<&str>) -> View {
    View {
        as_of: as_of.map(|d| borderwatch_model::parse_date(d).unwrap()),
        reviewed_only: false,
        today: borderwatch_model::parse_date("2024-06-01").unwrap(),
    }
}

#[test]
fn reviews_follow_their_anchor_through_a_new_extraction() {
    let d = std::env::temp_dir().join(format!("bw-reviewed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let reference = borderwatch_reference::Reference::load(None).unwrap();
    let screener = Screener::new(&reference.rulebook, &reference.hs);
    let mut s = Store::open(&d.join("r.db")).unwrap();
    let run = s.begin_run("test", "2024-01-10T08:00:00Z").unwrap();
    // The first extraction: rice, the fridges without their goods, strict inspection.
    let first = vec![
        movement(RICE, &[("rice", "1006")]),
        movement(FRIDGES, &[]),
        condition(STRICT, "inspection", "strict"),
    ];
    let src = SourceInput {
        name: "r.txt",
        media_type: "text/plain",
        kind: "report",
        published: None,
        bytes: TEXT.as_bytes(),
    };
    let prepared = PreparedClaim::all(first.clone()).unwrap();
    let Ingested::New(source) = s
        .ingest(
            run,
            &src,
            Content::Claims(&prepared),
            &[],
            "1",
            "2024-01-10T08:00:00Z",
        )
        .unwrap()
    else {
        panic!("new")
    };
    assert_eq!(source, 1);
    let ids: Vec<i64> = s
        .claims(&Default::default())
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    // Reviews over three months: confirm the rice, correct the fridges' goods, reject the
    // inspection, add a movement on "over the bridge at dawn".
    s.add_review(&review(
        ReviewAction::Confirm,
        &first[0],
        ids[0],
        "2024-02-01",
    ))
    .unwrap();
    let mut fix = review(ReviewAction::Correct, &first[1], ids[1], "2024-03-01");
    fix.correction = Some(Correction {
        goods: Some(vec![GoodsItem {
            text: "Refrigerators".into(),
            hs: Some("8418".into()),
            alternatives: vec![],
            product: None,
            confidence: 1.0,
            span: span_of("Refrigerators"),
        }]),
        ..Correction::default()
    });
    s.add_review(&fix).unwrap();
    let mut no = review(ReviewAction::Reject, &first[2], ids[2], "2024-04-01");
    no.reason = Some(RejectReason::Other);
    s.add_review(&no).unwrap();
    let mut added = movement(FRIDGES, &[]);
    added.evidence.span = span_of("over the bridge at dawn");
    added.direction = Direction::Outbound;
    let mut add = review(ReviewAction::Add, &added, 0, "2024-05-01");
    add.span = added.evidence.span;
    add.claim_id = None;
    add.was = None;
    add.claim = Some(Box::new(added));
    s.add_review(&add).unwrap();

    let now = load_reviewed(&s, Detail::Full, &screener, &view(None)).unwrap();
    assert_eq!(
        (
            now.applied.confirmed,
            now.applied.corrected,
            now.applied.rejected,
            now.applied.added
        ),
        (1, 1, 1, 1)
    );
    let fridges = now.inputs.claims.iter().find(|c| c.id == ids[1]).unwrap();
    assert_eq!(fridges.claim.goods[0].hs.as_deref(), Some("8418"));
    assert!(fridges.reviewed);
    assert_eq!(
        fridges.claim.verdicts[0].status,
        borderwatch_model::Status::Prohibited,
        "corrected goods are screened again"
    );
    assert!(
        now.inputs.claims.iter().all(|c| c.id != ids[2]),
        "rejected: left out"
    );
    assert_eq!(
        now.inputs.claims.len(),
        3,
        "rice, fridges and the added claim"
    );

    // As known on 2024-03-15: the confirmation and the correction, not the rejection or the
    // addition. Before the ingest: nothing at all.
    let then = load_reviewed(&s, Detail::Full, &screener, &view(Some("2024-03-15"))).unwrap();
    assert_eq!(then.reviews.len(), 2);
    assert_eq!(then.inputs.claims.len(), 3);
    assert_eq!(then.applied.rejected, 0);
    let before = load_reviewed(&s, Detail::Full, &screener, &view(Some("2024-01-09"))).unwrap();
    assert!(before.inputs.claims.is_empty() && before.inputs.sources.is_empty());

    // A new extraction: the rice sentence read with the sentence after it (a longer span),
    // the fridges now with their goods, the inspection gone, an outbound movement on the
    // fridges sentence (what the analyst added).
    let mut rice = movement(RICE, &[("rice", "1006")]);
    rice.evidence.span = [0, span_of(FRIDGES)[1]];
    rice.evidence.text = TEXT[..span_of(FRIDGES)[1]].into();
    let mut out = movement(FRIDGES, &[]);
    out.direction = Direction::Outbound;
    let second = vec![rice, movement(FRIDGES, &[("Refrigerators", "8418")]), out];
    s.replace_claims(source, run, &PreparedClaim::all(second).unwrap(), &[], "2")
        .unwrap();
    let new_ids: Vec<i64> = s
        .claims(&Default::default())
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    let later = load_reviewed(&s, Detail::Full, &screener, &view(None)).unwrap();
    let at: Vec<(Attachment, Option<i64>)> = later.attached.reviews.values().copied().collect();
    assert_eq!(
        at,
        [
            (Attachment::Agreed, Some(new_ids[0])),
            (Attachment::Agreed, Some(new_ids[1])),
            (Attachment::Orphaned, None),
            (Attachment::Agreed, Some(new_ids[2])),
        ]
    );
    assert_eq!(later.applied.orphaned, 1);
    assert_eq!(
        later.inputs.claims.len(),
        3,
        "the added claim is the new outbound one"
    );
    assert!(later
        .inputs
        .claims
        .iter()
        .all(|c| c.reviewed && c.review.is_none()));
}
