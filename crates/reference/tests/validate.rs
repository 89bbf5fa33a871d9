//! The embedded packs pass every validation rule (unique ids, parents, declared ambiguity,
//! country boxes, known HS codes, cited measures).

use borderwatch_reference::Reference;

#[test]
fn embedded_packs_validate() {
    let r = Reference::embedded().expect("packs load");
    let problems = r.validate();
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
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
    assert!(r.hs.phrase_count() >= 600, "lexicon has {} phrases", r.hs.phrase_count());
}
