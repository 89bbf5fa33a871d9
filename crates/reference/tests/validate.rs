//! The embedded packs pass every validation rule (unique ids, parents, declared ambiguity,
//! country boxes, known HS codes, cited measures).

use borderwatch_reference::Reference;

#[test]
fn embedded_packs_validate() {
    let r = Reference::embedded().expect("packs load");
    let problems = r.validate();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn pack_sizes_meet_the_floor() {
    let r = Reference::embedded().unwrap();
    let cn_kp = r
        .gazetteer
        .crossings
        .iter()
        .filter(|c| c.sides[0].starts_with("cn.") && c.sides[1].starts_with("kp."))
        .count();
    assert!(cn_kp >= 12, "only {cn_kp} China–DPRK crossings");
    assert!(r.gazetteer.crossing("khasan-tumangang").is_some());
    assert_eq!(r.hs.chapters.len(), 97);
    assert!(
        r.hs.phrase_count() >= 600,
        "lexicon has {} phrases",
        r.hs.phrase_count()
    );
}

/// A pack with one of each mistake reports each one, precisely. `BLESS=1` rewrites the expectation.
#[test]
fn broken_packs_report_every_problem() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    let r = Reference::load(Some(&dir)).expect("broken packs still parse");
    let got = r.validate().join("\n") + "\n";
    let expected_path = dir.join("expected.txt");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&expected_path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&expected_path).unwrap();
    assert_eq!(
        got, want,
        "validation output changed; rerun with BLESS=1 if intended"
    );
}

#[test]
fn unknown_fields_are_refused_with_the_file_named() {
    let dir = tempdir();
    std::fs::create_dir_all(dir.join("gazetteer")).unwrap();
    std::fs::write(
        dir.join("gazetteer/crossings.toml"),
        "[[crossing]]\nid = \"a-b\"\nnames = []\nsides = [\"cn\", \"kp\"]\nmodes = []\ncolour = \"red\"\n",
    )
    .unwrap();
    let err = Reference::load(Some(&dir)).unwrap_err().to_string();
    assert!(
        err.contains("crossings.toml") && err.contains("colour"),
        "{err}"
    );
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("bw-ref-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn unit_plurals_come_from_the_cue_pack() {
    let r = borderwatch_reference::Reference::embedded().unwrap();
    let q = &r.cues.quantity;
    let got: Vec<&str> = ["truck", "box", "tonne", "day", "yuan", "kg", "unknown"]
        .iter()
        .map(|u| q.plural(u))
        .collect();
    assert_eq!(
        got,
        ["trucks", "boxes", "tonnes", "days", "yuan", "kg", "unknown"]
    );
}

/// The validation problems of the shipped cue pack with `from` replaced by `to` once, loaded
/// from a data directory of its own (`name`).
fn problems_with_changed_cues(name: &str, from: &str, to: &str) -> String {
    let dir = tempdir().join(name);
    std::fs::create_dir_all(dir.join("extract")).unwrap();
    let cues = include_str!("../../../data/extract/cues.toml").replacen(from, to, 1);
    assert_ne!(
        cues,
        include_str!("../../../data/extract/cues.toml"),
        "{from:?} not found"
    );
    std::fs::write(dir.join("extract/cues.toml"), cues).unwrap();
    let r = Reference::load(Some(&dir)).expect("the changed pack parses");
    r.validate().join("\n")
}

/// An object verb that is not a movement verb would never be read: validation names it.
#[test]
fn object_verbs_must_be_movement_verbs() {
    let problems = problems_with_changed_cues(
        "object-verbs",
        "object_verbs = [",
        "object_verbs = [\"fetched\", ",
    );
    assert!(
        problems.contains("movement.object_verbs: \"fetched\" is not in movement.verbs"),
        "{problems}"
    );
}

/// A demonym keyed by a place that is no country names no end: validation names it.
#[test]
fn demonyms_are_keyed_by_countries() {
    let problems = problems_with_changed_cues(
        "demonyms",
        "[direction.demonyms]\n",
        "[direction.demonyms]\n\"cn.dandong\" = [\"Dandong\"]\n",
    );
    assert!(
        problems.contains("direction.demonyms: \"cn.dandong\" is not a country of the gazetteer"),
        "{problems}"
    );
    assert!(Reference::load(None).unwrap().validate().is_empty());
}
