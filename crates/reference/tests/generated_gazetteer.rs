//! The generated GeoNames pack merged into the hand gazetteer: spellings and romanisations resolve
//! to the hand ids, ids stay unique, precision rules hold, and the committed pack is what
//! `scripts/gen-gazetteer.py` makes from the GeoNames extract.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use borderwatch_reference::gazetteer::Named;
use borderwatch_reference::text::fold;
use borderwatch_reference::Reference;

/// (name as written, the id it must resolve to).
const SPELLINGS: &[(&str, &str)] = &[
    ("Shinuiju", "kp.sinuiju"),
    ("Sinŭiju", "kp.sinuiju"),
    ("Nampho", "kp.nampo"),
    ("North Hamkyung", "kp.north-hamgyong"),
    ("North Hamgyeong", "kp.north-hamgyong"),
    ("South Hamkyong", "kp.south-hamgyong"),
    ("RaSon", "kp.rason"),
    ("Tumangan", "kp.tumangang"),
    ("Ryanggang", "kp.ryanggang"),
    ("Yanggang", "kp.ryanggang"),
    ("Makhalino", "ru.makhalino"),
    ("Vostochny", "ru.vostochny-port"),
    ("Kraskino", "ru.kraskino"),
    ("Slavyanka", "ru.slavyanka"),
    ("Onsong", "kp.onsong"),
    ("Onsŏng", "kp.onsong"),
    ("Longjing", "cn.longjing"),
    ("Langtou", "cn.langtoucun"),
    ("Sinpa", "kp.sinpa"),
    ("Kholmsk", "ru.kholmsk"),
    ("Weifang", "cn.weifang"),
    ("Hoeryeong", "kp.hoeryong"),
    ("Gyeongwon", "kp.kyongwon"),
    ("Cheongjin", "kp.chongjin"),
    ("Najin", "kp.rajin"),
    ("Kimjongsuk", "kp.sinpa"),
    // The Khasan district and the ports on the routes.
    ("Khasan", "ru.khasan"),
    ("Zarubino", "ru.zarubino"),
    ("Posyet", "ru.posyet"),
    ("Nakhodka", "ru.nakhodka"),
    ("Vladivostok", "ru.vladivostok"),
    ("Haeju", "kp.haeju"),
    ("Wonsan", "kp.wonsan"),
    ("Songnim", "kp.songnim"),
    ("Sonbong", "kp.sonbong"),
    ("Longkou", "cn.longkou"),
    ("Dalian", "cn.dalian"),
    ("Yantai", "cn.yantai"),
    ("Qingdao", "cn.qingdao"),
    ("Weihai", "cn.weihai"),
];

#[test]
fn spellings_resolve_to_the_right_place() {
    let r = Reference::embedded().unwrap();
    let mut wrong = Vec::new();
    for (name, id) in SPELLINGS {
        let got = r.gazetteer.resolve(name);
        if got != vec![Named::Place(id.to_string())] {
            wrong.push(format!("{name:?} → {got:?}, want {id}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn hand_places_keep_their_display_name_and_ids_stay_unique() {
    let r = Reference::embedded().unwrap();
    let mut seen = BTreeSet::new();
    for p in &r.gazetteer.places {
        assert!(seen.insert(p.id.as_str()), "duplicate id {}", p.id);
    }
    // The generated pack adds names after the hand ones.
    let s = r.gazetteer.place("kp.sinuiju").unwrap();
    assert_eq!(s.name(), "Sinuiju");
    assert!(s.names.iter().any(|n| n == "Shinuiju"));
    // GeoNames places that are hand places add no second entry.
    let geonames: Vec<u64> = r
        .gazetteer
        .places
        .iter()
        .filter_map(|p| p.geonames)
        .collect();
    let unique: BTreeSet<u64> = geonames.iter().copied().collect();
    assert_eq!(geonames.len(), unique.len(), "a GeoNames id appears twice");
    assert!(
        r.gazetteer.places.len() > 300,
        "only {} places",
        r.gazetteer.places.len()
    );
}

/// Names that are English words, very short or shared by many places never name a generated place.
#[test]
fn precision_rules_hold() {
    let r = Reference::embedded().unwrap();
    let hand: BTreeSet<String> = hand_ids();
    for word in [
        "post", "bridge", "long", "kim", "dong", "li", "nam", "new", "river",
    ] {
        let got: Vec<_> = r
            .gazetteer
            .resolve(word)
            .into_iter()
            .filter(|n| !hand.contains(n.id()))
            .collect();
        assert!(got.is_empty(), "{word:?} names {got:?}");
    }
    for p in r.gazetteer.places.iter().filter(|p| !hand.contains(&p.id)) {
        for n in &p.names {
            let f = fold(n);
            let latin = f.chars().all(|c| c.is_ascii() || !c.is_alphabetic());
            if latin {
                let letters = f.chars().filter(|c| c.is_alphabetic()).count();
                assert!(letters >= 4, "{}: name {n:?} is too short", p.id);
            }
        }
    }
}

#[test]
fn a_data_dir_with_its_own_places_brings_its_own_generated_pack() {
    // The broken fixture replaces places.toml and has no generated pack: nothing generated is
    // merged into it (its ids are not the embedded ones).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    let r = Reference::load(Some(&dir)).unwrap();
    assert!(r.gazetteer.places.iter().all(|p| p.geonames.is_none()
        || std::fs::read_to_string(dir.join("gazetteer/places.toml"))
            .unwrap()
            .contains(&p.geonames.unwrap().to_string())));
}

fn hand_ids() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("data/gazetteer/places.toml")).unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix("id = \""))
        .map(|l| l.trim_end_matches('"').to_string())
        .collect()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The committed pack is what the script makes (rerun when python3, the GeoNames extract and the
/// word list are here; otherwise say why not).
#[test]
fn generated_pack_is_what_the_script_makes() {
    let source = root().join("../shared/data/geonames-border-region/places_cn_kp_ru_kr_bbox.csv");
    let source = if source.exists() {
        source
    } else {
        PathBuf::from("/work/shared/data/geonames-border-region/places_cn_kp_ru_kr_bbox.csv")
    };
    if !source.exists() {
        println!(
            "skipped: the GeoNames extract is not here ({})",
            source.display()
        );
        return;
    }
    if !Path::new("/usr/share/dict/words").exists() {
        println!("skipped: the English word list /usr/share/dict/words is not here (wamerican)");
        return;
    }
    let pack = root().join("data/gazetteer/generated/geonames.toml");
    let committed = std::fs::read_to_string(&pack).unwrap();
    let date = committed
        .lines()
        .find_map(|l| l.strip_prefix("# Generated: "))
        .expect("the pack's header has its date")
        .to_string();
    let out = std::env::temp_dir().join(format!("bw-geonames-{}.toml", std::process::id()));
    let run = Command::new("python3")
        .arg(root().join("scripts/gen-gazetteer.py"))
        .arg("--source")
        .arg(&source)
        .arg("--date")
        .arg(&date)
        .arg("--out")
        .arg(&out)
        .output();
    let run = match run {
        Ok(r) => r,
        Err(e) => {
            println!("skipped: cannot run python3 ({e})");
            return;
        }
    };
    assert!(
        run.status.success(),
        "script failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let made = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    assert!(
        made == committed,
        "data/gazetteer/generated/geonames.toml is not what scripts/gen-gazetteer.py makes; rerun it"
    );
}
