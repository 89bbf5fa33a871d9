//! Store behaviour: migrations, idempotent ingest, newer schemas refused, filters, reprocess,
//! evidence traceable to the archived bytes, backup and check.

use borderwatch_model::{Claim, ClaimKind, Direction, Evidence, GoodsItem, Polarity, When};
use borderwatch_model::{ClaimVerdict, Shipment, Status};
use borderwatch_store::{
    ClaimFilter, Content, Counts, Ingested, PreparedClaim, ShipmentInput, SourceInput, Store,
    SCHEMA_VERSION,
};

mod engines;

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

fn put(s: &mut Store, run: i64, bytes: &[u8], claims: &[Claim], version: &str) -> Ingested {
    let prepared = PreparedClaim::all(claims.to_vec()).unwrap();
    s.ingest(
        run,
        &src(bytes),
        Content::Claims(&prepared),
        &[],
        version,
        "t",
    )
    .unwrap()
}

fn counts(sources: i64, claims: i64, shipments: i64, issues: i64) -> Counts {
    Counts {
        sources,
        claims,
        shipments,
        issues,
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
    engines::each("idem", |e| {
        let mut s = e.open();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        let run = s.begin_run("test", "2026-01-01T00:00:00Z").unwrap();
        let c = vec![claim(
            ClaimKind::Movement,
            "dandong-sinuiju",
            "1006",
            "2023-05-10",
        )];
        let a = put(&mut s, run, TEXT.as_bytes(), &c, "x");
        let b = put(&mut s, run, TEXT.as_bytes(), &c, "x");
        let Ingested::New(id) = a else {
            panic!("first ingest is new")
        };
        assert_eq!(b, Ingested::Unchanged(id));
        assert_eq!(s.counts().unwrap(), counts(1, 1, 0, 0));
        // Every stored claim's evidence is the archived bytes at its span.
        let bytes = s.source_bytes(id).unwrap().unwrap();
        for r in s.claims(&ClaimFilter::default()).unwrap() {
            let [a, b] = r.claim.evidence.span;
            assert_eq!(&bytes[a..b], r.claim.evidence.text.as_bytes());
        }
        assert!(s.check().unwrap().is_empty());
        // Reopening migrates nothing and keeps the data.
        drop(s);
        let s = e.open();
        assert_eq!(s.counts().unwrap(), counts(1, 1, 0, 0));
    });
}

#[test]
fn every_filter_narrows() {
    engines::each("filters", |e| {
        let mut s = e.open();
        let run = s.begin_run("test", "t").unwrap();
        let claims = vec![
            claim(ClaimKind::Movement, "dandong-sinuiju", "1006", "2023-05-10"),
            claim(ClaimKind::Movement, "quanhe-wonjong", "8418", "2021-02-01"),
            claim(ClaimKind::Storage, "dandong-sinuiju", "8418", "2022-08-15"),
        ];
        put(&mut s, run, TEXT.as_bytes(), &claims, "x");
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
        let kinds: Vec<&str> = claims.iter().map(|c| c.kind.as_str()).collect();
        for kind in ["movement", "storage", "status"] {
            assert_eq!(
                n(ClaimFilter {
                    place: Some("kp.sinuiju".into()),
                    kind: Some(kind.into()),
                    ..Default::default()
                }),
                kinds.iter().filter(|k| **k == kind).count(),
                "place and kind: {kind}"
            );
        }
        // Paging: the ids after a cursor, and only the ids asked for.
        let all: Vec<i64> = s
            .claims(&ClaimFilter::default())
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(
            n(ClaimFilter {
                after: Some(all[0]),
                ..Default::default()
            }),
            all.len() - 1
        );
        assert_eq!(
            n(ClaimFilter {
                ids: Some(vec![all[2], all[0]]),
                ..Default::default()
            }),
            2
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
    });
}

#[test]
fn reprocess_replaces_claims_in_one_go() {
    engines::each("reprocess", |e| {
        let mut s = e.open();
        let run = s.begin_run("test", "t").unwrap();
        let c = vec![claim(
            ClaimKind::Movement,
            "dandong-sinuiju",
            "1006",
            "2023-05-10",
        )];
        let Ingested::New(id) = put(&mut s, run, TEXT.as_bytes(), &c, "v1") else {
            panic!()
        };
        let c2 = PreparedClaim::all(vec![c[0].clone(), c[0].clone()]).unwrap();
        s.replace_claims(id, run, &c2, &[], "v2").unwrap();
        let rows = s.claims(&ClaimFilter::default()).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.extractor_version == "v2"));
    });
}

#[test]
fn a_newer_schema_is_refused_and_backup_copies() {
    let d = tmp("newer");
    let path = d.join("b.db");
    let s = Store::open(&path).unwrap();
    s.backup(&d.join("copy.db"), false).unwrap();
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

#[test]
fn verdicts_and_quotes_come_back_whole() {
    engines::each("verdicts", |e| {
        let mut s = e.open();
        let run = s.begin_run("test", "t").unwrap();
        let mut c = claim(ClaimKind::Movement, "dandong-sinuiju", "8418", "2023-05-10");
        let v = ClaimVerdict {
            hs: "8418".into(),
            status: Status::Prohibited,
            measures: vec!["unsc-2397-op7".into()],
            date: borderwatch_model::parse_date("2023-05-10").unwrap(),
            reason: "prohibited: HS 8418 into the DPRK [unsc-2397-op7]".into(),
        };
        c.verdicts = vec![v.clone(), v];
        let twice = vec![c.clone(), c.clone()];
        put(&mut s, run, TEXT.as_bytes(), &twice, "x");
        let back: Vec<Claim> = s
            .claims(&ClaimFilter::default())
            .unwrap()
            .into_iter()
            .map(|r| r.claim)
            .collect();
        assert_eq!(back, twice);
    });
}

#[test]
fn shipments_are_stored_screened_and_filtered() {
    engines::each("shipments", |e| {
        let mut s = e.open();
        let run = s.begin_run("test", "t").unwrap();
        let row = |line: u64, hs: &str, crossing: &str, day: &str, status: Status| ShipmentInput {
            line,
            shipment: Shipment {
                id: Some(format!("S-{line}")),
                hs: Some(borderwatch_model::HsCode::parse(hs).unwrap()),
                description: None,
                direction: Direction::Inbound,
                date: borderwatch_model::parse_date(day).unwrap(),
                quantity: Some(3.0),
                unit: Some("t".into()),
                value_usd: None,
                product: None,
                origin: Some("cn.dandong".into()),
                destination: Some("kp.sinuiju".into()),
                crossing: Some(crossing.into()),
                mode: Some(borderwatch_model::Mode::Rail),
            },
            status,
            measures: vec![],
            reason: format!("{status}: because"),
        };
        let rows = vec![
            row(
                2,
                "841810",
                "dandong-sinuiju",
                "2019-05-01",
                Status::Prohibited,
            ),
            row(3, "1006", "quanhe-wonjong", "2019-06-01", Status::Permitted),
        ];
        let file = b"hs,direction\n...";
        let mut source = src(file);
        source.kind = "shipments";
        let issues = vec![borderwatch_model::Issue::new(
            borderwatch_model::IssueCode::BadHsCode,
            "hs code \"84x8\" is not digits",
        )
        .value("84x8")
        .at("f.csv", 4)];
        s.ingest(run, &source, Content::Shipments(&rows), &issues, "x", "t")
            .unwrap();
        assert_eq!(s.counts().unwrap(), counts(1, 0, 2, 1));
        let n = |set: &dyn Fn(&mut ClaimFilter)| {
            let mut f = ClaimFilter::default();
            set(&mut f);
            s.shipments(&f).unwrap().len()
        };
        assert_eq!(n(&|_| {}), 2);
        assert_eq!(n(&|f| f.crossing = Some("quanhe-wonjong".into())), 1);
        assert_eq!(n(&|f| f.hs = Some("84".into())), 1);
        assert_eq!(n(&|f| f.place = Some("kp.sinuiju".into())), 2);
        assert_eq!(n(&|f| f.since = Some("2019-05-15".into())), 1);
        assert_eq!(n(&|f| f.until = Some("2019-05-15".into())), 1);
        assert_eq!(n(&|f| f.direction = Some("outbound".into())), 0);
        let back = s.shipments(&ClaimFilter::default()).unwrap();
        assert_eq!(back[0].shipment, rows[0].shipment);
        assert_eq!(back[0].reason, "prohibited: because");
        assert_eq!(back[1].status, Status::Permitted);
        let issue = &s.issues().unwrap()[0];
        assert_eq!(
            (issue.line, issue.value.as_deref()),
            (Some(4), Some("84x8"))
        );
    });
}

#[test]
fn a_batch_commits_whole_or_not_at_all() {
    engines::each("batch", |e| {
        let mut s = e.open();
        let run = s.begin_run("test", "t").unwrap();
        let c = vec![claim(
            ClaimKind::Movement,
            "dandong-sinuiju",
            "1006",
            "2023-05-10",
        )];
        let text = |n: &str| format!("{TEXT} {n}").into_bytes();
        s.begin_batch().unwrap();
        put(&mut s, run, &text("one"), &c, "x");
        put(&mut s, run, &text("two"), &c, "x");
        // Within the batch the same bytes are already known.
        assert!(matches!(
            put(&mut s, run, &text("two"), &c, "x"),
            Ingested::Unchanged(_)
        ));
        s.commit_batch().unwrap();
        s.begin_batch().unwrap();
        put(&mut s, run, &text("three"), &c, "x");
        // A reader sees only committed batches.
        let reader = e.open();
        assert_eq!(reader.counts().unwrap(), counts(2, 2, 0, 0));
        // The process ends with the batch open: it is lost whole.
        drop(s);
        assert_eq!(reader.counts().unwrap(), counts(2, 2, 0, 0));
        let s = e.open();
        assert!(s.check().unwrap().is_empty());
        assert_eq!(s.source_hashes().unwrap().len(), 2);
    });
}

#[test]
fn the_analysis_read_is_the_whole_read_less_what_it_leaves_out() {
    engines::each("lean", |e| {
        let mut s = e.open();
        let run = s.begin_run("test", "t").unwrap();
        let v = ClaimVerdict {
            hs: "8418".into(),
            status: Status::Prohibited,
            measures: vec!["unsc-2397-op7".into(), "unsc-2397-op8".into()],
            date: borderwatch_model::parse_date("2023-05-10").unwrap(),
            reason: "prohibited: HS 8418 into the DPRK [unsc-2397-op7]".into(),
        };
        // Enough claims for several batches on several threads, some with verdicts, attribution
        // and an earlier sentence, over three sources.
        for n in 0..3 {
            let claims: Vec<Claim> = (0..5000)
                .map(|i| {
                    let mut c = claim(ClaimKind::Movement, "dandong-sinuiju", "8418", "2023-05-10");
                    if i % 3 == 0 {
                        c.verdicts = vec![v.clone()];
                    }
                    if i % 4 == 0 {
                        c.evidence.attribution = Some("Trucks".into());
                        c.evidence.attribution_span = Some([0, 6]);
                        c.evidence.context = Some(borderwatch_model::Context {
                            span: [0, 6],
                            text: "Trucks".into(),
                        });
                    }
                    c.quantities = vec![borderwatch_model::Quantity {
                        value: i as f64,
                        max: None,
                        unit: Some("truck".into()),
                        per: Some("day".into()),
                        qualifier: borderwatch_model::Qualifier::Exact,
                        text: format!("{i} trucks a day"),
                        span: [0, 0],
                    }];
                    c
                })
                .collect();
            let bytes = format!("{TEXT} {n}");
            put(&mut s, run, bytes.as_bytes(), &claims, "x");
        }
        let whole = s.claims(&ClaimFilter::default()).unwrap();
        for attribution in [false, true] {
            let lean = s
                .claims_for_analysis(attribution, |id, source, c| (id, source, c))
                .unwrap();
            assert_eq!(lean.len(), whole.len());
            for (w, (id, source, c)) in whole.iter().zip(&lean) {
                assert_eq!((w.id, w.source_id), (*id, *source));
                let mut want = w.claim.clone();
                want.source.clear();
                want.places.clear();
                want.evidence.context = None;
                if !attribution {
                    want.evidence.attribution = None;
                }
                for v in &mut want.verdicts {
                    v.reason.clear();
                }
                assert_eq!(c, &want, "claim {id}");
            }
        }
        // An unreadable row is an error naming the claim, not a panic or a hang.
        drop(s);
        borderwatch_store::testing::set_claim_json(&e.at, 7000, "{not json").unwrap();
        let s = e.open();
        let e = s.claims_for_analysis(false, |id, _, _| id).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("claim 7000: stored JSON unreadable"),
            "{e}"
        );
    });
}

#[test]
fn a_snapshot_sees_one_state_while_another_process_writes() {
    engines::each("snapshot", |e| {
        let mut w = e.open();
        let run = w.begin_run("test", "t").unwrap();
        let c = vec![claim(
            ClaimKind::Movement,
            "dandong-sinuiju",
            "1006",
            "2023-05-10",
        )];
        put(&mut w, run, b"first", &c, "x");
        let r = e.open();
        let (before, during) = r
            .snapshot(|s| {
                let before = s.counts()?;
                // Another connection commits a second source in the middle of the snapshot.
                put(&mut w, run, b"second", &c, "x");
                Ok((before, s.counts()?))
            })
            .unwrap();
        assert_eq!(before, counts(1, 1, 0, 0));
        assert_eq!(
            during, before,
            "the snapshot saw a write made after it began"
        );
        assert_eq!(r.counts().unwrap(), counts(2, 2, 0, 0));
    });
}

/// Many processes' worth of connections opening one fresh store at once: the migrations run
/// once, under a lock, and every opener waits for them instead of failing.
#[test]
fn openers_racing_on_a_fresh_store_all_succeed() {
    for round in 0..8 {
        let d = tmp(&format!("race-{round}"));
        let path = d.join("b.db");
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let s = Store::open(&path).map_err(|e| e.to_string())?;
                    let run = s.begin_run("t", "now").map_err(|e| format!("run {e}"))?;
                    Ok::<i64, String>(run)
                })
            })
            .collect();
        for h in handles {
            let r = h.join().unwrap();
            assert!(r.is_ok(), "round {round}: {r:?}");
        }
        assert_eq!(
            Store::open(&path).unwrap().schema_version().unwrap(),
            SCHEMA_VERSION
        );
    }
}

/// A damaged store is refused for writing (nothing more goes into it) with its path named;
/// reading commands still open it so `db check` can say what is wrong.
#[test]
fn a_damaged_store_is_refused_for_writing() {
    let d = tmp("damaged");
    let path = d.join("b.db");
    {
        let mut s = Store::open(&path).unwrap();
        let run = s.begin_run("t", "now").unwrap();
        for i in 0..300 {
            let text = format!("{TEXT} Copy {i}.");
            put(&mut s, run, text.as_bytes(), &[], "v");
        }
    }
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 8 * 4096, "{}", bytes.len());
    // Garbage over two whole pages near the end (the schema on page 1 stays readable, so the
    // store still opens and only a check finds the damage).
    let n = bytes.len();
    for b in &mut bytes[n - 3 * 4096..n - 4096] {
        *b = 0x5a;
    }
    std::fs::write(&path, &bytes).unwrap();
    let e = Store::open_for_writing(&path)
        .err()
        .expect("a damaged store is refused");
    assert!(
        e.to_string().contains(&path.display().to_string()) && e.to_string().contains("damaged"),
        "{e}"
    );
    let s = Store::open_existing(&path).unwrap();
    let problems = s.check().unwrap();
    assert!(!problems.is_empty());
}

/// Read commands open only what exists: a mistyped path is an error, not a new empty store.
#[test]
fn opening_an_existing_store_never_creates_one() {
    let d = tmp("existing");
    let path = d.join("typo.db");
    let e = Store::open_existing(&path).err().expect("refused");
    assert!(
        e.to_string().contains("typo.db") && e.to_string().contains("no such store"),
        "{e}"
    );
    assert!(!path.exists(), "nothing was created");
    Store::open(&path).unwrap();
    assert!(Store::open_existing(&path).is_ok());
}

/// What a file is, before a command deletes or replaces it.
#[test]
fn probe_tells_a_store_from_other_files() {
    use borderwatch_store::Probe;
    let d = tmp("probe");
    assert_eq!(borderwatch_store::probe(&d.join("none.db")), Probe::Absent);
    std::fs::write(d.join("empty.db"), b"").unwrap();
    assert_eq!(borderwatch_store::probe(&d.join("empty.db")), Probe::Empty);
    std::fs::write(d.join("notes.txt"), b"my notes\n").unwrap();
    assert!(matches!(
        borderwatch_store::probe(&d.join("notes.txt")),
        Probe::Other(why) if why.contains("not an SQLite database")
    ));
    borderwatch_store::testing::write_other_database(&d.join("other.db")).unwrap();
    assert!(matches!(
        borderwatch_store::probe(&d.join("other.db")),
        Probe::Other(why) if why.contains("not a borderwatch store")
    ));
    Store::open(&d.join("b.db")).unwrap();
    assert_eq!(borderwatch_store::probe(&d.join("b.db")), Probe::Store);
    assert!(matches!(borderwatch_store::probe(&d), Probe::Other(_)));
}

/// A backup never replaces a file unless forced, and is written whole or not at all.
#[test]
fn backup_refuses_an_existing_target_and_replaces_it_whole_when_forced() {
    let d = tmp("backup-safe");
    let mut s = Store::open(&d.join("b.db")).unwrap();
    let run = s.begin_run("t", "now").unwrap();
    put(&mut s, run, TEXT.as_bytes(), &[], "v");
    let target = d.join("copy.db");
    std::fs::write(&target, b"keep me").unwrap();
    let e = s.backup(&target, false).unwrap_err();
    assert!(
        e.to_string().contains("copy.db") && e.to_string().contains("exists"),
        "{e}"
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"keep me");
    let e = s.backup(&d.join("b.db"), true).unwrap_err();
    assert!(e.to_string().contains("the store itself"), "{e}");
    s.backup(&target, true).unwrap();
    assert_eq!(Store::open(&target).unwrap().counts().unwrap().sources, 1);
    let left: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A PostgreSQL database becomes a store when a writer first opens it, exactly once however
/// many open it at the same moment; a read before that is refused, and so is a database that
/// holds another program's tables.
#[test]
fn a_postgres_database_gets_the_schema_once_and_only_when_empty() {
    use borderwatch_store::{Access, Location};
    let Some(e) = engines::postgres("pgopen") else {
        return;
    };
    let err = Store::open_at(&e.at, Access::Existing)
        .err()
        .expect("refused");
    assert!(err.0.contains("no store in this database yet"), "{err}");
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let (at, barrier) = (e.at.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                Store::open_at(&at, Access::Write).map(|s| s.schema_version().unwrap())
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().unwrap(), SCHEMA_VERSION);
    }
    assert!(Store::open_at(&e.at, Access::ReadOnly).is_ok());

    let other = engines::postgres("pgother").unwrap();
    let Location::Postgres(url) = &other.at else {
        unreachable!()
    };
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.batch_execute("CREATE TABLE contacts (name TEXT)")
        .unwrap();
    drop(c);
    for access in [Access::Create, Access::Existing, Access::ReadOnly] {
        let err = Store::open_at(&other.at, access).err().expect("refused");
        assert!(
            err.0.contains("not a borderwatch store"),
            "{access:?}: {err}"
        );
        assert!(!err.0.contains("password"), "{err}");
    }
}
