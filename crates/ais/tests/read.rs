//! Reading NMEA files: our own fixture's messages and issues as a golden
//! (`tests/expected/sea.txt`, `BLESS=1` rewrites it), and the count of every shared sample.

mod common;

use borderwatch_ais::{read_all, Decoded, Message, Options, TimeFrom};

fn time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn render(m: &Decoded) -> String {
    let from = match m.time_from {
        TimeFrom::Tag => "tag",
        TimeFrom::Group => "group",
        TimeFrom::Gatehouse => "pghp",
        TimeFrom::File => "file",
    };
    let mut s = format!(
        "lines {}-{} {} ({from}) type {} mmsi {}",
        m.lines.first,
        m.lines.last,
        time(m.time),
        m.message.msg_type(),
        m.message.mmsi()
    );
    if let Some(f) = m.message.fix() {
        s += &format!(
            " at {},{} speed {:?} course {:?} heading {:?} status {:?}",
            f.lat, f.lon, f.speed, f.course, f.heading, f.status
        );
    } else if let Message::Position { .. } = m.message {
        s += " position not available";
    }
    if let Some(id) = m.message.identity() {
        s += &format!(" identity {}", serde_json::to_string(&id).unwrap());
    }
    s
}

#[test]
fn our_fixture_reads_as_expected() {
    let path = common::fixture("sea.nmea");
    let bytes = std::fs::read(&path).unwrap();
    let (msgs, issues, tally) = read_all(&bytes[..], "sea.nmea", Options::default()).unwrap();
    assert_eq!(tally.read, tally.decoded + tally.rejected);
    assert_eq!(tally.rejected as usize, issues.len());
    let mut out = String::new();
    for m in &msgs {
        out += &render(m);
        out.push('\n');
    }
    for i in &issues {
        out += &format!("{i} [{}]\n", i.value.as_deref().unwrap_or(""));
    }
    out += &format!("{tally}\n");
    common::golden("sea.txt", &out);
    // With a time stated for the file, the one line with no time of its own is decoded.
    let opts = Options {
        file_time: Some(1_714_521_000),
    };
    let (with, _, t2) = read_all(&bytes[..], "sea.nmea", opts).unwrap();
    assert_eq!(with.len(), msgs.len() + 1);
    assert_eq!(t2.rejected, tally.rejected - 1);
    assert!(with
        .iter()
        .any(|m| m.time_from == TimeFrom::File && m.lines.first == 22));
}

#[test]
fn shared_samples_are_counted_line_by_line() {
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = shared.join("data/ais-nmea-pyais");
    let mut seen = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if !(name.ends_with(".ais") || name.ends_with(".txt")) {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        let (msgs, issues, tally) = read_all(&bytes[..], &name, Options::default()).unwrap();
        assert_eq!(tally.read, tally.decoded + tally.rejected, "{name}");
        assert_eq!(tally.rejected as usize, issues.len(), "{name}");
        assert_eq!(tally.messages as usize, msgs.len(), "{name}");
        // Every non-blank, non-comment line is read.
        let lines = String::from_utf8_lossy(&bytes)
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
            .count() as u64;
        assert_eq!(tally.read, lines, "{name}");
        // Every issue names the file, its line and the raw text.
        for i in &issues {
            assert!(
                i.file.is_some() && i.line.is_some() && i.value.is_some(),
                "{i}"
            );
        }
        seen.push(format!("{name}: {tally}"));
    }
    seen.sort();
    for s in &seen {
        println!("{s}");
    }
    assert_eq!(seen.len(), 5);
}

/// Fragments that never complete are dropped as incomplete within a bounded window, so the
/// reader holds only a few open messages however long the file.
#[test]
fn open_fragments_stay_bounded() {
    let mut text = String::new();
    for i in 0..20_000u32 {
        // Fragment 1 of 2 with a changing id, never followed by fragment 2.
        let body = format!("AIVDM,2,1,{},A,568rO0@2;=Wl9QUcL00htpN0P4V3L0,0", i % 10);
        let sum = body.bytes().fold(0u8, |a, b| a ^ b);
        text += &format!(
            "\\c:1714521600*{:02X}\\!{body}*{sum:02X}\n",
            "c:1714521600".bytes().fold(0u8, |a, b| a ^ b)
        );
    }
    let (msgs, issues, tally) = read_all(text.as_bytes(), "f", Options::default()).unwrap();
    assert!(msgs.is_empty());
    assert_eq!(issues.len(), 20_000);
    assert_eq!(tally.rejected, 20_000);
    assert!(issues
        .iter()
        .all(|i| i.code == borderwatch_model::IssueCode::IncompleteMessage));
}

/// Garbage never panics: random bytes, and real sentences cut and mangled at random, are read
/// into messages or issues, with the count holding.
#[test]
fn mangled_input_is_counted_never_a_panic() {
    let base = std::fs::read(common::fixture("sea.nmea")).unwrap();
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..200 {
        let mut bytes = base.clone();
        for _ in 0..(next() % 40) {
            if bytes.is_empty() {
                break;
            }
            let i = (next() as usize) % bytes.len();
            match next() % 4 {
                0 => bytes[i] = next() as u8,
                1 => {
                    bytes.remove(i);
                }
                2 => bytes.insert(i, b"\\!,*\n$"[(next() % 6) as usize]),
                _ => bytes.truncate(i.max(1)),
            }
        }
        let (msgs, issues, t) = read_all(&bytes[..], "m", Options::default()).unwrap();
        assert_eq!(t.read, t.decoded + t.rejected);
        assert_eq!(t.rejected as usize, issues.len());
        assert_eq!(t.messages as usize, msgs.len());
    }
}

/// A line over the limit is one rejected line, its length said, its bytes skipped; the lines
/// around it keep their numbers. A last line without a line break is read.
#[test]
fn long_lines_are_rejected_and_skipped() {
    use borderwatch_ais::reader::MAX_LINE_BYTES;
    let good = "\\c:1714521600*5A\\!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23";
    for long in [MAX_LINE_BYTES + 1, 3 * 256 * 1024 + 17] {
        let text = format!(
            "{good}\n{}\n{good}\n{}\n{good}",
            "x".repeat(long),
            "y".repeat(MAX_LINE_BYTES)
        );
        let (msgs, issues, t) = read_all(text.as_bytes(), "f", Options::default()).unwrap();
        assert_eq!(
            msgs.iter().map(|m| m.lines.first).collect::<Vec<_>>(),
            [1, 3, 5]
        );
        assert_eq!((t.read, t.decoded, t.rejected), (5, 3, 2));
        assert_eq!(issues[0].line, Some(2));
        assert_eq!(
            issues[0].message,
            format!("the line is {long} bytes, over the limit of {MAX_LINE_BYTES}; skipped")
        );
        assert!(issues[0].value.as_ref().unwrap().len() < 400);
        // A line of exactly the limit is read (and is no sentence).
        assert_eq!(
            (issues[1].line, issues[1].code),
            (Some(4), borderwatch_model::IssueCode::BadSentence)
        );
    }
}
