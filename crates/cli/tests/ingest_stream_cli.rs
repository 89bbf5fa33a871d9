//! `ingest` streams shipment files: memory stays bounded whatever the file's size, a file that
//! is not a shipment file is refused from its first line, and rows over the size limits are
//! rejected rows with a reason. (Alone in its file: the memory test reads the peak of this
//! process's children.)

use std::io::Write;

mod common;

use common::{bw, out};

/// The largest resident size of any child process waited for so far, in bytes.
#[cfg(unix)]
fn children_peak_rss() -> u64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) }, 0);
    u.ru_maxrss as u64 * 1024
}

#[cfg(unix)]
#[test]
fn shipment_files_stream_through_bounded_memory() {
    let d = common::tmp("ingest-stream", "memory");
    // About 240 MB in few rows (each under the field limit), so the run is quick even in a
    // debug build: held whole, as before, it took several times its size.
    let path = d.join("big.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "shipment_id,date,hs_code,description,direction").unwrap();
    let filler = "x".repeat(60_000);
    let rows = 4_000;
    for i in 0..rows {
        writeln!(f, "S{i},2019-05-02,841810,refrigerators {filler},inbound").unwrap();
    }
    // A row over the field limit, and one over the record limit: rejected, not held.
    writeln!(f, "S-big,2019-05-02,8418,{},inbound", "y".repeat(70_000)).unwrap();
    writeln!(
        f,
        "S-huge,2019-05-02,8418,\"{}\",inbound",
        "z\n".repeat(600_000)
    )
    .unwrap();
    writeln!(f, "S-last,2019-05-02,1006,rice,inbound").unwrap();
    drop(f);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size > 230_000_000, "{size}");
    let db = d.join("b.db");
    let o = bw(&db, &["ingest", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = out(&o);
    assert!(
        s.contains(&format!("shipments {}; rows rejected 2;", rows + 1)),
        "{s}"
    );
    let peak = children_peak_rss();
    assert!(
        peak < size * 3 / 4,
        "peak resident size {} MB for a {} MB file",
        peak >> 20,
        size >> 20
    );
    // The archived bytes are the file's bytes.
    let store = borderwatch_store::Store::open(&db).unwrap();
    let src = &store.sources().unwrap()[0];
    assert_eq!(src.size as u64, size);
    let bytes = store.source_bytes(src.id).unwrap().unwrap();
    assert!(bytes == std::fs::read(&path).unwrap());
    drop(bytes);
    let o = bw(&db, &["query", "issues", "--format", "csv"]);
    let issues = out(&o);
    assert!(
        issues.contains("too-large") && issues.contains("field 4 is 70000 bytes"),
        "{issues}"
    );
    assert!(issues.contains("the row is"), "{issues}");
    // A file named .csv that is not a shipment file is refused from its first line.
    let notes = d.join("notes.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&notes).unwrap());
    writeln!(f, "Trucks crossed at Dandong, a source said.").unwrap();
    for _ in 0..200_000 {
        writeln!(f, "{}", "more text ".repeat(10)).unwrap();
    }
    drop(f);
    let o = bw(&db, &["ingest", notes.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("notes.csv: missing-field: not a shipment file"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
