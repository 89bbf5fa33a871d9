//! Times the detectors (port calls and voyages, dark periods, encounters, loitering) on synthetic tracks: `cargo run --release -p
//! borderwatch-ais --example ais_events -- VESSELS POSITIONS_EACH` (random walks in the Yellow
//! Sea, one position a minute; for measuring, not a test).

use borderwatch_ais::events::{dark, encounters, loitering, port_calls, Options, Point, Track};
use borderwatch_ais::Ports;
use borderwatch_reference::Reference;

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (vessels, each) = (
        args.first().copied().unwrap_or(1000),
        args.get(1).copied().unwrap_or(2000),
    );
    let mut seed: u64 = 0x2545f4914f6cdd1d;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let tracks: Vec<Track> = (0..vessels)
        .map(|v| {
            let (mut lat, mut lon) = (35.0 + rnd() * 4.0, 120.5 + rnd() * 5.0);
            let points = (0..each)
                .map(|i| {
                    lat += (rnd() - 0.5) * 0.004;
                    lon += (rnd() - 0.5) * 0.004;
                    Point {
                        time: 1_714_521_600 + i as i64 * 60,
                        lat,
                        lon,
                        speed: Some(rnd() * 12.0),
                        file: 0,
                        line: v * each + i,
                    }
                })
                .collect();
            Track {
                mmsi: 412_000_000 + v as u32,
                points,
            }
        })
        .collect();
    let reference = Reference::embedded().expect("packs");
    let ports = Ports::embedded(&reference.gazetteer);
    let files = vec!["synthetic".to_string()];
    let o = Options::default();
    let t = std::time::Instant::now();
    let d = dark::dark_periods(&tracks, &ports, &files, &o);
    let e = encounters::encounters(&tracks, &ports, &files, &o);
    let gaps_and_encounters = t.elapsed();
    let c = port_calls::port_calls_and_voyages(&tracks, &ports, &files, &o);
    let l = loitering::loitering(&tracks, &ports, &files, &o);
    println!(
        "{} positions: {} dark periods, {} encounters in {:.2?}; {} port calls and voyages, {} loitering, all in {:.2?}",
        vessels * each,
        d.len(),
        e.len(),
        gaps_and_encounters,
        c.len(),
        l.len(),
        t.elapsed()
    );
}
