//! The fleet: the same scenario and seed write the same AIS lines; every line reads back
//! (decoded, or rejected when the receiver garbled it); each behaviour has its truth.

use borderwatch_ais::reader::{read_all, Options};
use borderwatch_reference::Reference;
use borderwatch_sim::scenario;

fn fleet(sets: &[&str]) -> (Vec<String>, Vec<borderwatch_sim::ships::VesselTruth>) {
    let r = Reference::embedded().unwrap();
    let text = scenario::BUILT_IN
        .iter()
        .find(|(n, _)| *n == "sea")
        .unwrap()
        .1;
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let (sc, _) = scenario::load("sea", text, &sets, &r).unwrap();
    let cfg = sc.ships.clone().expect("the sea scenario has a fleet");
    borderwatch_sim::ships::sail(&sc, &cfg, &r).unwrap()
}

#[test]
fn the_fleet_is_deterministic_and_reads_back() {
    let (lines, truth) = fleet(&["ships.days=3"]);
    assert_eq!(fleet(&["ships.days=3"]).0, lines);
    assert_ne!(fleet(&["ships.days=3", "seed=7"]).0, lines);
    let text = lines.join("\n") + "\n";
    let (msgs, issues, tally) =
        read_all(text.as_bytes(), "tracks.nmea", Options::default()).unwrap();
    assert_eq!(tally.read as usize, lines.len());
    assert_eq!(tally.read, tally.decoded + tally.rejected);
    // Garbled lines are rare, and each is a checksum or payload problem, never a panic.
    assert!(tally.rejected * 200 < tally.read, "{tally:?}");
    assert!(issues.iter().all(|i| i.line.is_some()));
    assert!(!msgs.is_empty());
    let kinds: Vec<&str> = truth.iter().map(|t| t.behaviour).collect();
    for k in [
        "trader",
        "outage",
        "dark-short",
        "meet-short",
        "designated",
        "inbound",
        "dark-near",
        "dark-far",
        "meet-flagged",
        "meet-plain",
    ] {
        assert!(kinds.contains(&k), "{k}");
    }
    // Meetings come in pairs, each naming the other.
    for t in truth.iter().filter(|t| t.partner.is_some()) {
        let p = truth.iter().find(|x| Some(x.mmsi) == t.partner).unwrap();
        assert_eq!(p.partner, Some(t.mmsi));
    }
}

#[test]
fn without_ships_no_fleet_sails() {
    let r = Reference::embedded().unwrap();
    let (sc, _) = scenario::load("default", scenario::DEFAULT, &[], &r).unwrap();
    assert!(sc.ships.is_none());
}
