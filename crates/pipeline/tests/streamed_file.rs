//! A shipment file streamed from disk is stored whole and as it was judged: one rewritten in
//! between (same size, same modification time, other bytes) leaves nothing behind.

use std::collections::HashSet;

use borderwatch_extract::{Extractor, Options};
use borderwatch_model::IssueCode;
use borderwatch_pipeline::{Kind, Prep, Prepared};
use borderwatch_reference::Reference;
use borderwatch_screen::Screener;
use borderwatch_store::Store;

#[test]
fn a_file_rewritten_between_hash_and_read_is_not_stored() {
    let d = std::env::temp_dir().join(format!("bw-pipeline-{}-streamed", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let reference = Reference::load(None).unwrap();
    let extractor = Extractor::new(&reference).unwrap();
    let screener = Screener::new(&reference.rulebook, &reference.hs);
    let opts = Options::new(borderwatch_model::parse_date("2020-01-01").unwrap());
    let known = HashSet::new();
    let prep = Prep {
        extractor: &extractor,
        screener: &screener,
        gazetteer: &reference.gazetteer,
        opts: &opts,
        kind: Kind::Auto,
        map: &[],
        known: &known,
        tracks: None,
    };
    let path = d.join("rows.csv");
    std::fs::write(&path, "hs,direction\n8418,in\n1006,in\n").unwrap();
    let name = path.display().to_string();
    let mut store = Store::open(&d.join("b.db")).unwrap();
    let run = store.begin_run("t", "now").unwrap();
    let write = |store: &mut Store, p: &Prepared| match p {
        Prepared::ShipmentFile {
            path,
            media,
            format,
            size,
            sha256,
        } => prep
            .write_file(
                store, run, &name, path, media, *format, *size, sha256, "now",
            )
            .unwrap(),
        _ => panic!("not a shipment file on disk"),
    };
    // Judged and hashed, then rewritten with the same size and modification time.
    let p = prep.inspect_shipment_file(&name, &path);
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::fs::write(&path, "hs,direction\n8418,in\n1006,ou\n").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let e = write(&mut store, &p).unwrap_err();
    assert_eq!(e.code, IssueCode::ChangedWhileRead);
    assert!(e.message.contains("SHA-256"), "{e:?}");
    assert_eq!(store.counts().unwrap().sources, 0);
    assert_eq!(store.counts().unwrap().shipments, 0);
    // Judged again, it is stored whole.
    let p = prep.inspect_shipment_file(&name, &path);
    let w = write(&mut store, &p).unwrap();
    assert!(w.new);
    assert_eq!((w.shipments, w.rejected), (1, 1));
    let id = w.source.unwrap();
    assert_eq!(
        store.source_bytes(id).unwrap().unwrap(),
        std::fs::read(&path).unwrap()
    );
    // The same bytes again add nothing.
    let p = prep.inspect_shipment_file(&name, &path);
    let w = write(&mut store, &p).unwrap();
    assert!(!w.new && w.source == Some(id));
}
