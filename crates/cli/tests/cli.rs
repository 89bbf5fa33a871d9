//! End-to-end tests of the `borderwatch` binary: the interfaces other tools rely on, the
//! done-when screening cases with their exit codes, and batch accounting on broken input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bw(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(args)
        .output()
        .expect("binary runs")
}

/// Runs a batch screen of `input` into `out` with rejects to `rej`, plus `extra` arguments.
fn batch(input: &Path, out: &Path, rej: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "screen",
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend(["--rejects", rej.to_str().unwrap()]);
    args.extend(extra);
    bw(&args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bw-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if p.join("DESIGN.md").exists() {
        Some(p)
    } else {
        eprintln!("skipped: ../shared is absent");
        None
    }
}

#[test]
fn places_json_keeps_the_design_contract() {
    let o = bw(&["places", "--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let places = v["places"].as_array().unwrap();
    let dandong = places.iter().find(|p| p["id"] == "cn.dandong").unwrap();
    for key in ["id", "kind", "country", "names", "parent", "lat", "lon"] {
        assert!(!dandong[key].is_null(), "place lacks {key}");
    }
    assert_eq!(dandong["country"], "CN");
    assert_eq!(dandong["parent"], "cn.liaoning");
    let crossings = v["crossings"].as_array().unwrap();
    let cn_kp = crossings
        .iter()
        .filter(|c| {
            c["sides"][0].as_str().unwrap().starts_with("cn.")
                && c["sides"][1].as_str().unwrap().starts_with("kp.")
        })
        .count();
    assert!(cn_kp >= 12, "{cn_kp} China–DPRK crossings");
    let khasan = crossings
        .iter()
        .find(|c| c["id"] == "khasan-tumangang")
        .unwrap();
    assert_eq!(
        khasan["sides"],
        serde_json::json!(["ru.khasan", "kp.tumangang"])
    );
    assert_eq!(khasan["modes"], serde_json::json!(["rail"]));
}

#[test]
fn places_geojson_and_csv() {
    let o = bw(&["places", "--format", "geojson"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    let f = v["features"].as_array().unwrap();
    assert!(f
        .iter()
        .any(|x| x["id"] == "quanhe-wonjong" && x["geometry"]["type"] == "LineString"));
    assert!(f
        .iter()
        .any(|x| x["id"] == "kp.nampo-port" && x["properties"]["locode"] == "KPNAM"));
    let csv = stdout(&bw(&["places", "--format", "csv"]));
    assert!(csv.starts_with("type,id,kind,country"));
    assert!(csv
        .lines()
        .any(|l| l.starts_with("crossing,dandong-sinuiju,")));
}

#[test]
fn every_place_name_in_the_corpus_reports_resolves_through_the_places_output() {
    // The scorer resolves names through `places --format json`; check the same way it does.
    let Some(shared) = shared() else { return };
    let v: serde_json::Value =
        serde_json::from_slice(&bw(&["places", "--format", "json"]).stdout).unwrap();
    let mut names = std::collections::HashSet::new();
    for p in v["places"]
        .as_array()
        .unwrap()
        .iter()
        .chain(v["crossings"].as_array().unwrap())
    {
        names.insert(p["id"].as_str().unwrap().to_lowercase());
        for n in p["names"].as_array().unwrap() {
            names.insert(n.as_str().unwrap().to_lowercase());
        }
    }
    let mut missing = Vec::new();
    for e in std::fs::read_dir(shared.join("corpus/gold")).unwrap() {
        let gold: serde_json::Value =
            serde_json::from_slice(&std::fs::read(e.unwrap().path()).unwrap()).unwrap();
        for n in gold["places"].as_array().unwrap() {
            if !names.contains(&n.as_str().unwrap().to_lowercase()) {
                missing.push(n.to_string());
            }
        }
    }
    assert!(missing.is_empty(), "unresolved: {missing:?}");
}

#[test]
fn rules_json_holds_every_measure_with_citation() {
    let v: serde_json::Value =
        serde_json::from_slice(&bw(&["rules", "--format", "json"]).stdout).unwrap();
    let ms = v["measures"].as_array().unwrap();
    assert_eq!(ms.len(), 37);
    for m in ms {
        assert!(
            m["instrument"]
                .as_str()
                .unwrap()
                .starts_with("UNSC resolution"),
            "{m}"
        );
        assert!(!m["paragraph"].as_str().unwrap().is_empty());
        assert!(!m["summary"].as_str().unwrap().is_empty());
    }
    let md = stdout(&bw(&["rules", "--format", "md"]));
    assert!(md.contains("| unsc-2397-op7 | UNSC resolution 2397 (2017), para. 7 |"));
}

#[test]
fn screen_done_when_cases_and_exit_codes() {
    // (hs, direction, date, expected status): the done-when cases.
    let cases = [
        ("6704", "outbound", "2019-06-01", "permitted"),
        ("1212", "outbound", "2018-02-01", "prohibited"),
        ("8418", "inbound", "2017-06-01", "permitted"),
        ("8418", "inbound", "2018-03-01", "prohibited"),
        ("2710", "inbound", "2019-01-01", "capped"),
    ];
    let screen = |hs, dir, date, fail_on| {
        bw(&[
            "screen",
            "--hs",
            hs,
            "--direction",
            dir,
            "--date",
            date,
            "--format",
            "json",
            "--fail-on",
            fail_on,
        ])
    };
    for (hs, dir, date, want) in cases {
        let o = screen(hs, dir, date, "prohibited");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["verdicts"][0]["status"], want, "{hs} {dir} {date}");
        let code = o.status.code().unwrap();
        assert_eq!(
            code,
            if want == "prohibited" { 1 } else { 0 },
            "{hs} {dir} {date}: exit code"
        );
    }
    let o = screen("2710", "inbound", "2019-01-01", "review");
    assert_eq!(
        o.status.code(),
        Some(1),
        "capped counts for --fail-on review"
    );
}

#[test]
fn screen_text_and_bad_input() {
    let o = bw(&[
        "screen",
        "--text",
        "electric rice cookers",
        "--direction",
        "inbound",
        "--date",
        "2019-05-01",
    ]);
    let t = stdout(&o);
    assert!(
        t.contains("PROHIBITED") && t.contains("unsc-2397-op7"),
        "{t}"
    );
    let o = bw(&["screen", "--hs", "841", "--direction", "inbound"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("\"841\" has 3 digits"));
    let o = bw(&["screen", "--hs", "8418", "--direction", "export"]);
    assert_eq!(o.status.code(), Some(2));
    let o = bw(&["screen", "--text", "zzqx blorf", "--direction", "in"]);
    assert_eq!(o.status.code(), Some(2));
    let o = bw(&[
        "screen",
        "--hs",
        "8418",
        "--direction",
        "in",
        "--date",
        "2019-02-30",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn batch_accounting_holds_on_broken_rows() {
    let d = tmp("batch");
    let input = d.join("in.csv");
    let mut bytes = b"hs,description,direction,date,value\n".to_vec();
    bytes.extend_from_slice(b"8418,fridges,inbound,2019-01-01,100\n");
    bytes.extend_from_slice(b"1212,seaweed,outbound,2018-02-01,\n");
    bytes.extend_from_slice(b",wigs,outbound,2019-01-01,\n");
    bytes.extend_from_slice(b"84x8,bad code,inbound,2019-01-01,\n");
    bytes.extend_from_slice(b"8418,fridges,sideways,2019-01-01,\n");
    bytes.extend_from_slice(b"8418,fridges,inbound,2019-02-30,\n");
    bytes.extend_from_slice(b"8418,fridges,inbound\n");
    bytes.extend_from_slice(b"8418,bad \xff\xfe bytes,inbound,2019-01-01,\n");
    bytes.extend_from_slice(b"8418,fridges,inbound,2019-01-01,lots\n");
    bytes.extend_from_slice(b"\"8418\",\"quoted, with comma\",inbound,2019-01-01,5\n");
    std::fs::write(&input, bytes).unwrap();
    let out = d.join("out.csv");
    let rej = d.join("rej.csv");
    let o = batch(&input, &out, &rej, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8_lossy(&o.stderr);
    assert!(
        summary.contains("read 10, screened 4, rejected 6"),
        "{summary}"
    );
    let out_rows = csv::Reader::from_path(&out).unwrap().records().count();
    assert_eq!(out_rows, 4);
    let rejects: Vec<csv::StringRecord> = csv::Reader::from_path(&rej)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect();
    let codes: Vec<(&str, &str)> = rejects.iter().map(|r| (&r[0], &r[1])).collect();
    assert_eq!(
        codes,
        [
            ("5", "bad-hs-code"),
            ("6", "bad-direction"),
            ("7", "bad-date"),
            ("8", "wrong-field-count"),
            ("9", "invalid-utf8"),
            ("10", "bad-number")
        ]
    );
    assert!(rejects[4][2].contains("byte 9"), "{}", &rejects[4][2]);
    let verdicts = std::fs::read_to_string(&out).unwrap();
    assert!(verdicts.contains("8418,fridges,inbound,2019-01-01,100,prohibited,unsc-2397-op7,"));
    assert!(verdicts.contains("\"quoted, with comma\""));
}

#[test]
fn batch_jsonl_and_column_maps() {
    let d = tmp("jsonl");
    let input = d.join("in.jsonl");
    std::fs::write(
        &input,
        "{\"HS Code\": \"1212\", \"direction\": \"from_dprk\", \"date\": \"2019-01-01\"}\n\
         {\"goods\": \"false eyelashes\", \"direction\": \"out\", \"date\": \"2019-01-01\"}\n\
         not json\n\
         [1,2]\n\
         {\"HS Code\": 8418, \"direction\": \"in\"}\n",
    )
    .unwrap();
    let out = d.join("out.jsonl");
    let o = batch(
        &input,
        &out,
        &d.join("r.csv"),
        &["--map", "HS Code=hs", "--date", "2019-06-01"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("read 5, screened 3, rejected 2"));
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows[0]["verdict"], "prohibited");
    assert_eq!(rows[1]["verdict"], "permitted");
    assert_eq!(
        rows[2]["verdict"], "prohibited",
        "numeric code, default date"
    );
    assert_eq!(rows[0]["HS Code"], "1212", "input fields are kept");
}

#[test]
fn batch_header_problems_are_usage_errors() {
    let d = tmp("header");
    let input = d.join("in.csv");
    std::fs::write(&input, "a,b\n1,2\n").unwrap();
    let o = bw(&[
        "screen",
        "--input",
        input.to_str().unwrap(),
        "--rejects",
        d.join("r.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no goods column"));
    let o = bw(&["screen", "--input", "/nonexistent/x.csv"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn hs_lookup_codes_and_words() {
    let t = stdout(&bw(&["hs", "lookup", "8418"]));
    assert!(
        t.contains("84 ") && t.contains("8418") && t.contains("refrigerator"),
        "{t}"
    );
    assert!(t.contains("unsc-2397-op7"), "{t}");
    let t = stdout(&bw(&["hs", "lookup", "fever reducers"]));
    assert!(t.contains("3004"), "{t}");
    let t = stdout(&bw(&["hs", "lookup", "cooker"]));
    assert!(t.contains("8516"), "{t}");
}

#[test]
fn hs_import_enriches_lookups() {
    let Some(shared) = shared() else { return };
    let d = tmp("import");
    let file = shared.join("data/hs-nomenclature/harmonized-system-hs2022.csv");
    let o = bw(&[
        "--data",
        d.to_str().unwrap(),
        "hs",
        "import",
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("HS2022"));
    let t = stdout(&bw(&[
        "--data",
        d.to_str().unwrap(),
        "hs",
        "lookup",
        "841821",
    ]));
    assert!(t.contains("841821"), "official subheading described: {t}");
    let bad = d.join("bad-2022.csv");
    std::fs::write(
        &bad,
        "section,hscode,description,parent,level\nI,0101x,horses,01,4\n",
    )
    .unwrap();
    let o = bw(&[
        "--data",
        d.to_str().unwrap(),
        "hs",
        "import",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 2"));
}

#[test]
fn data_check_and_bad_data_dir() {
    let o = bw(&["data", "check"]);
    assert!(o.status.success());
    assert!(stdout(&o).starts_with("ok: "));
    let o = bw(&["--data", "/nonexistent-dir", "places"]);
    assert_eq!(o.status.code(), Some(2));
}

fn bw_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("binary runs");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn extract_jsonl_keeps_the_design_contract() {
    let text = "Early in May, lorries loaded with refrigerators drove into North Korea's Rason through Hunchun, a source in China said.\n";
    let o = bw_stdin(
        &["extract", "--published", "2023-05-24", "-"],
        text.as_bytes(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let line = stdout(&o);
    let c: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    for key in [
        "source",
        "kind",
        "from",
        "to",
        "via",
        "direction",
        "mode",
        "load",
        "polarity",
        "hedged",
        "goods",
        "quantities",
        "when",
        "places",
        "evidence",
        "verdicts",
    ] {
        assert!(c.get(key).is_some(), "missing {key} in {c}");
    }
    assert_eq!(c["source"], "-");
    assert_eq!(c["kind"], "movement");
    assert_eq!(c["via"], "quanhe-wonjong");
    assert_eq!(c["to"], "kp.rason");
    assert_eq!(c["direction"], "inbound");
    assert_eq!(c["goods"][0]["hs"], "8418");
    assert_eq!(c["when"]["start"], "2023-05-01");
    assert_eq!(c["verdicts"][0]["status"], "prohibited");
    // Who said it is left out unless asked for; the span still points at the whole sentence.
    assert!(c["evidence"]["attribution"].is_null(), "{c}");
    assert!(c["evidence"].get("attribution_span").is_none(), "{c}");
    assert_eq!(
        c["evidence"]["text"],
        "Early in May, lorries loaded with refrigerators drove into North Korea's Rason through Hunchun, [source withheld]."
    );
    let o = bw_stdin(
        &[
            "extract",
            "--published",
            "2023-05-24",
            "--include-attribution",
            "-",
        ],
        text.as_bytes(),
    );
    let c: serde_json::Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(c["evidence"]["attribution"], "a source in China");
    let [s, e] = [
        c["evidence"]["span"][0].as_u64().unwrap() as usize,
        c["evidence"]["span"][1].as_u64().unwrap() as usize,
    ];
    assert_eq!(&text[s..e], c["evidence"]["text"].as_str().unwrap());
}

#[test]
fn extract_md_and_json_formats() {
    let d = tmp("extract-formats");
    let f = d.join("r.txt");
    std::fs::write(&f, "Freight trains return to China from Sinuiju empty.\n").unwrap();
    let o = bw(&["extract", "--format", "md", f.to_str().unwrap()]);
    assert!(o.status.success());
    let md = stdout(&o);
    assert!(md.contains("**movement** outbound"), "{md}");
    assert!(
        md.contains("> Freight trains return to China from Sinuiju empty."),
        "{md}"
    );
    let o = bw(&["extract", "--format", "json", f.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["claims"][0]["load"], "empty");
    assert!(v["issues"].as_array().unwrap().is_empty());
}

#[test]
fn extract_bad_input_is_a_clear_error() {
    let d = tmp("extract-bad");
    let bin = d.join("photo.jpg");
    std::fs::write(&bin, b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01").unwrap();
    let good = d.join("ok.txt");
    std::fs::write(
        &good,
        b"Trucks carried rice from Dandong to Sinuiju \xFF today.\n",
    )
    .unwrap();
    let o = bw(&["extract", bin.to_str().unwrap(), good.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("photo.jpg: binary-input: not text: binary data at byte 4"),
        "{err}"
    );
    assert!(
        err.contains("ok.txt: invalid-utf8: invalid utf-8 at byte 44"),
        "{err}"
    );
    // The good file still gives its claims.
    assert!(stdout(&o).contains("\"kind\":\"movement\""));
    let o = bw(&["extract", "--max-bytes", "10", good.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("too-large"));
    let o = bw(&["extract", "--published", "May 5", good.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let o = bw(&["extract", d.join("missing.txt").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.txt: cannot read"));
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_output_quietly() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    // `run` says what it did on stdout; the reader has gone away before it does.
    let d = tmp("pipe");
    let report = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/reports/01_dandong_january.txt");
    let mut child = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .arg("--db")
        .arg(d.join("p.db"))
        .arg("run")
        .arg(&report)
        .arg("--out")
        .arg(d.join("r.html"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    // Ended by SIGPIPE (as `cat` would be), or done before the pipe closed.
    assert!(
        o.status.signal() == Some(13) || o.status.success(),
        "{:?} {err}",
        o.status
    );
}

#[test]
fn a_value_must_be_a_non_negative_number_and_applies_to_words_too() {
    let one = |v: &str, goods: &[&str]| {
        let mut args = vec!["screen"];
        args.extend(goods);
        let value = format!("--value={v}");
        args.extend(["--direction", "inbound", "--date", "2023-05-01", &value]);
        bw(&args)
    };
    // A negative value would put rugs under their USD 500 threshold: permitted.
    for v in ["-1000", "-0.01", "NaN", "inf", "-inf", "1e400"] {
        let o = one(v, &["--hs", "5701"]);
        assert_eq!(o.status.code(), Some(2), "{v}: {}", stdout(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("--value") && err.contains("non-negative"),
            "{v}: {err}"
        );
    }
    let o = one("1000", &["--hs", "5701"]);
    assert!(stdout(&o).contains("PROHIBITED"), "{}", stdout(&o));
    let o = one("1000", &["--text", "rugs"]);
    assert!(stdout(&o).contains("PROHIBITED"), "{}", stdout(&o));
    let o = one("100", &["--text", "rugs"]);
    assert!(stdout(&o).contains("PERMITTED"), "{}", stdout(&o));
}

#[test]
fn ambiguous_columns_keys_and_maps_are_refused() {
    let d = tmp("ambiguous");
    let out = d.join("out.csv");
    let rej = d.join("rej.csv");
    for (name, text, maps, want) in [
        (
            "two.csv",
            "hs,hs_code,direction\n8418,1006,inbound\n",
            &[][..],
            "both give hs",
        ),
        (
            "twice.csv",
            "hs,direction,hs\n8418,inbound,1006\n",
            &[][..],
            "both named \"hs\"",
        ),
        (
            "maps.csv",
            "a,b,direction\n8418,1006,inbound\n",
            &["--map", "a=hs", "--map", "b=hs"][..],
            "both give hs",
        ),
    ] {
        let input = d.join(name);
        std::fs::write(&input, text).unwrap();
        let o = batch(&input, &out, &rej, maps);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stdout(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(want) && err.contains("ambiguous"),
            "{name}: {err}"
        );
    }
    // A JSON line with a key twice is a rejected row, kept with its reason.
    let input = d.join("dup.jsonl");
    std::fs::write(
        &input,
        "{\"hs\":\"8418\",\"direction\":\"inbound\",\"hs\":\"1006\"}\n{\"hs\":\"8418\",\"direction\":\"inbound\"}\n",
    )
    .unwrap();
    let o = batch(&input, &out, &rej, &[]);
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{o:?}"
    );
    let rejects = std::fs::read_to_string(&rej).unwrap();
    assert!(rejects.contains("given twice"), "{rejects}");
    let _ = std::fs::remove_dir_all(d);
}
