//! Store behaviour: migrations, idempotent ingest, newer schemas refused, filters, reprocess,
//! evidence traceable to the archived bytes, backup and check.

use borderwatch_model::{Claim, ClaimKind, Direction, Evidence, GoodsItem, Polarity, When};
use borderwatch_store::{ClaimFilter, Ingested, SourceInput, Store, SCHEMA_VERSION};

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("bw-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const TEXT: &str = "Trucks carried rice from Dandong to Sinuiju in May 2023.";

fn claim(kind: ClaimKind, via: &str, hs: &str, day: &str) -> Claim {
    let date = borderwatch_model::parse_date(day).unwrap();
    Claim {
        source: "r.txt".into(),
        kind,
        from: Some("cn.dandong".into()),
        to: Some("kp.sinuiju".into()),
        via: Some(via.into()),
        at: None,
        direction: Direction::Inbound,
        mode: None,
        load: None,
        polarity: Polarity::Affirmed,
        hedged: false,
        goods: vec![GoodsItem {
            text: "rice".into(),
            hs: Some(hs.into()),
            alternatives: vec![],
            product: None,
            confidence: 0.9,
            span: [14, 18],
        }],
        quantities: vec![],
        when: Some(When {
            start: Some(date),
            end: Some(date),
            precision: borderwatch_model::Precision::Day,
            since: false,
            text: day.into(),
            span: [0, 0],
        }),
        places: vec!["cn.dandong".into(), "kp.sinuiju".into()],
        status: None,
        planned: false,
        condition: None,
        change: None,
        evidence: Evidence {
            span: [0, TEXT.len()],
            text: TEXT.into(),
            attribution: None,
            attribution_span: None,
            context: None,
        },
        verdicts: vec![],
    }
}

fn src(bytes: &[u8]) -> SourceInput<'_> {
    SourceInput {
        name: "r.txt",
        media_type: "text/plain",
        kind: "report",
        published: None,
        bytes,
    }
}

#[test]
fn ingest_is_idempotent_and_traceable() {
    let d = tmp("idem");
    let mut s = Store::open(&d.join("b.db")).unwrap();
    assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    let run = s.begin_run("test", "2026-01-01T00:00:00Z").unwrap();
    let c = vec![claim(
        ClaimKind::Movement,
        "dandong-sinuiju",
        "1006",
        "2023-05-10",
    )];
    let a = s
        .ingest(run, &src(TEXT.as_bytes()), &c, &[], "x", "t")
        .unwrap();
    let b = s
        .ingest(run, &src(TEXT.as_bytes()), &c, &[], "x", "t")
        .unwrap();
    let Ingested::New(id) = a else {
        panic!("first ingest is new")
    };
    assert_eq!(b, Ingested::Unchanged(id));
    assert_eq!(s.counts().unwrap(), (1, 1, 0));
    // Every stored claim's evidence is the archived bytes at its span.
    let bytes = s.source_bytes(id).unwrap().unwrap();
    for r in s.claims(&ClaimFilter::default()).unwrap() {
        let [a, b] = r.claim.evidence.span;
        assert_eq!(&bytes[a..b], r.claim.evidence.text.as_bytes());
    }
    assert!(s.check().unwrap().is_empty());
    // Reopening migrates nothing and keeps the data.
    drop(s);
    let s = Store::open(&d.join("b.db")).unwrap();
    assert_eq!(s.counts().unwrap(), (1, 1, 0));
}

#[test]
fn every_filter_narrows() {
    let d = tmp("filters");
    let mut s = Store::open(&d.join("b.db")).unwrap();
    let run = s.begin_run("test", "t").unwrap();
    let claims = vec![
        claim(ClaimKind::Movement, "dandong-sinuiju", "1006", "2023-05-10"),
        claim(ClaimKind::Movement, "quanhe-wonjong", "8418", "2021-02-01"),
        claim(ClaimKind::Storage, "dandong-sinuiju", "8418", "2022-08-15"),
    ];
    s.ingest(run, &src(TEXT.as_bytes()), &claims, &[], "x", "t")
        .unwrap();
    let n = |f: ClaimFilter| s.claims(&f).unwrap().len();
    assert_eq!(n(ClaimFilter::default()), 3);
    assert_eq!(
        n(ClaimFilter {
            crossing: Some("quanhe-wonjong".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        n(ClaimFilter {
            place: Some("kp.sinuiju".into()),
            ..Default::default()
        }),
        3
    );
    assert_eq!(
        n(ClaimFilter {
            place: Some("kp.rason".into()),
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        n(ClaimFilter {
            direction: Some("outbound".into()),
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        n(ClaimFilter {
            hs: Some("84".into()),
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        n(ClaimFilter {
            hs: Some("1006".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        n(ClaimFilter {
            kind: Some("storage".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        n(ClaimFilter {
            since: Some("2022-01-01".into()),
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        n(ClaimFilter {
            until: Some("2022-01-01".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        n(ClaimFilter {
            source: Some("r.txt".into()),
            ..Default::default()
        }),
        3
    );
    assert_eq!(
        n(ClaimFilter {
            source: Some("1".into()),
            ..Default::default()
        }),
        3
    );
    assert_eq!(
        n(ClaimFilter {
            source: Some("other.txt".into()),
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        n(ClaimFilter {
            limit: Some(2),
            ..Default::default()
        }),
        2
    );
}

#[test]
fn reprocess_replaces_claims_in_one_go() {
    let d = tmp("reprocess");
    let mut s = Store::open(&d.join("b.db")).unwrap();
    let run = s.begin_run("test", "t").unwrap();
    let c = vec![claim(
        ClaimKind::Movement,
        "dandong-sinuiju",
        "1006",
        "2023-05-10",
    )];
    let Ingested::New(id) = s
        .ingest(run, &src(TEXT.as_bytes()), &c, &[], "v1", "t")
        .unwrap()
    else {
        panic!()
    };
    let c2 = vec![c[0].clone(), c[0].clone()];
    s.replace_claims(id, run, &c2, &[], "v2").unwrap();
    let rows = s.claims(&ClaimFilter::default()).unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.extractor_version == "v2"));
}

#[test]
fn a_newer_schema_is_refused_and_backup_copies() {
    let d = tmp("newer");
    let path = d.join("b.db");
    let s = Store::open(&path).unwrap();
    s.backup(&d.join("copy.db")).unwrap();
    assert_eq!(
        Store::open(&d.join("copy.db"))
            .unwrap()
            .schema_version()
            .unwrap(),
        SCHEMA_VERSION
    );
    drop(s);
    borderwatch_store::testing::set_schema_version(&path, SCHEMA_VERSION + 1).unwrap();
    let err = Store::open(&path)
        .err()
        .expect("newer schema refused")
        .to_string();
    assert!(err.contains("newer than this borderwatch knows"), "{err}");
}
