//! Reads NMEA files and prints the count of each: `cargo run --release -p borderwatch-ais
//! --example ais_read -- [--file-time UNIX] FILE...` (for measuring the reader).

use borderwatch_ais::{Item, NmeaReader, Options};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut opts = Options::default();
    if args.first().map(String::as_str) == Some("--file-time") {
        opts.file_time = args.get(1).and_then(|t| t.parse().ok());
        args.drain(..2);
    }
    for path in args {
        let f = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let start = std::time::Instant::now();
        let mut r = NmeaReader::new(f, &path, opts.clone());
        let mut positions = 0u64;
        while let Some(item) = r.next_item() {
            if let Item::Message(m) = item.expect("read") {
                positions += m.records().count() as u64;
            }
        }
        println!(
            "{path}: {} ({positions} records) in {:.2?}",
            r.tally(),
            start.elapsed()
        );
    }
}
