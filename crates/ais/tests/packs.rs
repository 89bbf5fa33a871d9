//! The generated packs are what their scripts make from the shared data (rerun with `--check`
//! when python3 and `../shared` are here; otherwise the test says why it skips), and they load.

mod common;

use std::process::Command;

use borderwatch_ais::{Mids, Ports, Watchlist};
use borderwatch_reference::Reference;

#[test]
fn the_embedded_packs_load() {
    assert_eq!(Mids::embedded().len(), 289);
    assert_eq!(Watchlist::embedded().lists().count(), 1);
    let g = Reference::embedded().unwrap().gazetteer;
    let ports = Ports::embedded(&g);
    // The gazetteer's Nampo is the port of that LOCODE, not searoute's.
    let nampo: Vec<_> = ports
        .ports
        .iter()
        .filter(|p| p.locode.as_deref() == Some("KPNAM"))
        .collect();
    assert_eq!(nampo.len(), 1);
    assert_eq!(nampo[0].id, "kp.nampo-port");
    assert!(ports.ports.len() > 290);
}

fn check(script: &str, args: &[&str]) {
    let run = Command::new("python3")
        .arg(common::repo().join("scripts").join(script))
        .args(args)
        .arg("--check")
        .output();
    match run {
        Err(e) => println!("skipped {script}: cannot run python3 ({e})"),
        Ok(r) => assert!(
            r.status.success(),
            "{script} --check: the committed pack is not what the script makes (rerun it): {}",
            String::from_utf8_lossy(&r.stderr)
        ),
    }
}

#[test]
fn generated_packs_are_what_the_scripts_make() {
    let Some(shared) = common::shared() else {
        return;
    };
    let data = shared.join("data");
    let s = |p: &str| data.join(p).display().to_string();
    if std::path::Path::new("/usr/share/iso-codes/json/iso_3166-1.json").exists() {
        check("gen-ais-mid.py", &["--source", &s("ais-mid-codes/mid.csv")]);
    } else {
        println!("skipped gen-ais-mid.py: Debian's iso-codes are not installed");
    }
    check(
        "gen-designated-vessels.py",
        &[
            "--source",
            &s("ofac-sdn-dprk/sdn_dprk_2024-05-03.csv"),
            "--published",
            "2024-05-03",
        ],
    );
    check(
        "gen-ais-ports.py",
        &["--source", &s("searoute-ports-neasia/ports_neasia.geojson")],
    );
}

/// The grid finds what a look at every port finds.
#[test]
fn nearest_within_agrees_with_every_port() {
    let g = Reference::embedded().unwrap().gazetteer;
    let ports = Ports::embedded(&g);
    let mut n = 0;
    for i in 0..400 {
        let (lat, lon) = (
            30.0 + (i % 20) as f64 * 0.97,
            118.0 + (i / 20) as f64 * 1.31,
        );
        for km in [3.0, 10.0, 60.0] {
            let slow = ports
                .nearest(lat, lon)
                .filter(|(_, d)| *d <= km)
                .map(|(p, d)| (p.id.clone(), d));
            let fast = ports
                .nearest_within(lat, lon, km)
                .map(|(i, d)| (ports.ports[i].id.clone(), d));
            assert_eq!(slow, fast, "{lat},{lon} within {km} km");
            n += usize::from(fast.is_some());
        }
    }
    assert!(n > 50, "{n}");
}
