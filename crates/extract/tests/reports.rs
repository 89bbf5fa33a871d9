//! The project's own test reports (`tests/reports/`, with gold in `tests/gold/` in the corpus
//! scorer's format): each report's claims are compared with `tests/expected/NAME.claims`
//! (`BLESS=1` rewrites them), and every claim must quote evidence that supports it — in these
//! reports and in the shared development corpora (`../shared/corpus/reports` and `real/reports`,
//! skipped with a printed reason when absent).

mod common;

use std::path::{Path, PathBuf};

use borderwatch_model::{Claim, ClaimKind, Direction};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn reports(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.is_file());
    v.sort();
    v
}

#[test]
fn own_reports_match_expected_claims() {
    let dir = root().join("tests/reports");
    let expected_dir = root().join("tests/expected");
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    let files = reports(&dir);
    assert!(
        files.len() >= 3,
        "test reports missing in {}",
        dir.display()
    );
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let x = common::extract(&name, &bytes, Some(common::date("2024-06-20")));
        let got: String = x.claims.iter().map(|c| common::render(c) + "\n").collect();
        let exp_path = expected_dir.join(format!("{name}.claims"));
        if bless {
            std::fs::create_dir_all(&expected_dir).unwrap();
            std::fs::write(&exp_path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&exp_path).unwrap_or_default();
        if want != got {
            failures.push(format!("{name}:\n--- expected\n{want}--- got\n{got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "BLESS=1 to accept:\n{}",
        failures.join("\n")
    );
}

/// Evidence supports the claim: the span is the quote, and every place, crossing end and goods
/// phrase the claim names is in the quote or its context.
fn check_evidence(file: &str, bytes: &[u8], claims: &[Claim], plain: bool) -> Vec<String> {
    let gz = &common::reference().gazetteer;
    let mut bad = Vec::new();
    for c in claims {
        let e = &c.evidence;
        let quote = match e.context.as_ref() {
            Some(ctx) => format!("{} {}", ctx.text, e.text),
            None => e.text.clone(),
        };
        let folded = borderwatch_reference::text::fold(&quote);
        if plain {
            let raw = String::from_utf8_lossy(&bytes[e.span[0]..e.span[1]]);
            if raw != e.text {
                bad.push(format!(
                    "{file}: span {:?} is not the quote {:?}",
                    e.span, e.text
                ));
            }
        }
        for g in &c.goods {
            if !quote.contains(&g.text) {
                bad.push(format!(
                    "{file}: goods {:?} not in evidence {:?}",
                    g.text, e.text
                ));
            }
        }
        let named = |id: &str| {
            let (names, exact): (Vec<String>, Vec<String>) = match gz.place(id) {
                Some(p) => (p.names.clone(), p.exact_names.clone()),
                None => (
                    gz.crossing(id).map(|x| x.names.clone()).unwrap_or_default(),
                    Vec::new(),
                ),
            };
            names.iter().any(|n| {
                let f = borderwatch_reference::text::fold(n);
                !f.is_empty() && folded.contains(&f)
            }) || exact.iter().any(|n| quote.contains(n.as_str()))
        };
        // The DPRK as a whole is the end a direction implies ("…shipped the coal on to
        // Weifang": it came from the DPRK).
        let implied = |id: &str| {
            id == "kp" && matches!(c.direction, Direction::Inbound | Direction::Outbound)
        };
        for id in c.from.iter().chain(&c.to).chain(&c.places) {
            if implied(id) {
                continue;
            }
            // A crossing's facility or a place is named itself or through a child's name.
            let ok = named(id)
                || gz
                    .places
                    .iter()
                    .any(|p| gz.ancestry(&p.id).iter().any(|a| a.id == *id) && named(&p.id));
            if !ok {
                bad.push(format!("{file}: {id} is not named in evidence {quote:?}"));
            }
        }
        if let Some(v) = &c.via {
            let x = gz.crossing(v).expect("crossing exists");
            let ok = named(v)
                || x.sides
                    .iter()
                    .chain(&x.facilities)
                    .chain(&x.bridges)
                    .chain(&x.serves)
                    .any(|s| named(s))
                || c.kind == ClaimKind::Status;
            if !ok {
                bad.push(format!(
                    "{file}: crossing {v} has no name in evidence {quote:?}"
                ));
            }
        }
    }
    bad
}

#[test]
fn every_claim_quotes_supporting_evidence() {
    // The real reports need not all make claims (one names its places only inside who said it).
    let mut dirs = vec![(root().join("tests/reports"), true)];
    for (shared, claims) in [
        ("../shared/corpus/reports", true),
        ("../shared/corpus/real/reports", false),
    ] {
        let shared = root().join(shared);
        if shared.is_dir() {
            dirs.push((shared, claims));
        } else {
            println!("skipping the shared corpus: {} is absent", shared.display());
        }
    }
    let mut bad = Vec::new();
    for (d, claims) in dirs {
        for path in reports(&d) {
            let name = path.display().to_string();
            let bytes = std::fs::read(&path).unwrap();
            let x = common::extract(&name, &bytes, None);
            assert!(!claims || !x.claims.is_empty(), "{name}: no claims");
            let plain = !name.ends_with(".html") && !name.ends_with(".md");
            bad.extend(check_evidence(&name, &bytes, &x.claims, plain));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Long lines and long lists: every input completes and stays bounded (a quadratic step would
/// make this test crawl; the fuzz target covers arbitrary bytes).
#[test]
fn long_lines_and_lists() {
    let goods = "rice, flour, steel, coal, sugar, ".repeat(4000);
    let text = format!("Trucks carried {goods}and soap from Dandong to Sinuiju.\n");
    let x = common::extract("long.txt", text.as_bytes(), None);
    assert_eq!(x.claims.len(), 1);
    assert_eq!(x.claims[0].goods.len(), 6);

    let numbers = "12 trucks ".repeat(20000);
    let x = common::extract("numbers.txt", numbers.as_bytes(), None);
    assert!(x.claims.len() <= 1);

    let crossings = "through Hunchun or Changbai or Dandong or Tumen ".repeat(5000);
    let text = format!("Steel was imported {crossings}.\n");
    let x = common::extract("routes.txt", text.as_bytes(), None);
    assert!(x.claims.len() <= 24, "{} claims", x.claims.len());

    // Words pointing back to a place with no place before them read only their reach.
    let refs = "Trucks left this town for the same port. ".repeat(20000);
    let x = common::extract("refs.txt", refs.as_bytes(), None);
    assert!(x.claims.is_empty(), "{} claims", x.claims.len());

    let tags = "< a ".repeat(20000) + ">";
    let x = common::extract("tags.html", tags.as_bytes(), None);
    assert!(x.claims.is_empty());
}
