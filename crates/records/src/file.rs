//! Shipment files (CSV with a header, or JSON lines) → rows, each a shipment or an issue with its
//! line: recognising a file by its header (`sniff`), and all the rows of a file held in memory
//! (`read_rows`, over the streaming reader of `stream.rs`).

use borderwatch_model::{Date, Issue, IssueCode, Shipment};

use crate::{json_fields, parse_row, Columns, Field};

/// How a shipment file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

/// One data row of a file: a shipment, or the issue that rejects it (with its line, and the raw
/// row as the value when the issue names no single field).
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub result: Result<Shipment, Issue>,
}

/// Recognises a shipment file by its first line: a CSV header naming a goods column and a
/// direction column, or a JSON object with such keys. `None` for anything else (a report).
/// UTF-16 with a byte order mark is judged as the UTF-8 it reads as.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if crate::utf16::is_utf16(bytes) {
        return sniff_utf8(&crate::head(bytes).ok()?);
    }
    sniff_utf8(bytes)
}

fn sniff_utf8(bytes: &[u8]) -> Option<Format> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let first = bytes
        .split(|&b| b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))?;
    let first = std::str::from_utf8(first).ok()?.trim();
    if first.starts_with('{') {
        let obj: serde_json::Map<String, serde_json::Value> = serde_json::from_str(first).ok()?;
        let keys: Vec<String> = obj.keys().cloned().collect();
        return Columns::looks_like_shipments(&keys).then_some(Format::Jsonl);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(first.as_bytes());
    let rec = rdr.records().next()?.ok()?;
    let header: Vec<String> = rec.iter().map(str::to_string).collect();
    (header.len() > 1 && Columns::looks_like_shipments(&header)).then_some(Format::Csv)
}

/// Reads every row of a file held in memory (an upload), through the same streaming reader as
/// a file on disk. A header that lacks the columns screening needs fails the whole file (one line
/// naming what was found); every other problem rejects one row. Rows read = shipments + rejected
/// issues, always.
pub fn read_rows(
    bytes: &[u8],
    format: Format,
    overrides: &[(String, String)],
    default_date: Date,
) -> Result<Vec<Row>, String> {
    let mut rows = crate::Rows::new(bytes, format, overrides, default_date)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next_row() {
        out.push(r.map_err(|e| e.to_string())?);
    }
    Ok(out)
}

/// The fields a JSON object can carry, in the order `parse_row` reads them.
const JSON_KEYS: [Field; 13] = [
    Field::Hs,
    Field::Description,
    Field::Direction,
    Field::Date,
    Field::Quantity,
    Field::Unit,
    Field::Value,
    Field::Product,
    Field::Id,
    Field::Origin,
    Field::Destination,
    Field::Crossing,
    Field::Mode,
];

/// Parses one JSON-lines object: keys renamed to fields (by `--map`, then by name), then read like
/// a CSV row.
pub fn parse_json_row(
    text: &str,
    overrides: &[(String, String)],
    default_date: Date,
) -> Result<(serde_json::Map<String, serde_json::Value>, Shipment), Issue> {
    let obj = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(o)) => o,
        Ok(_) => {
            return Err(Issue::new(
                IssueCode::BadJson,
                "the line is json but not an object",
            ))
        }
        Err(e) => return Err(Issue::new(IssueCode::BadJson, format!("not json: {e}"))),
    };
    // serde_json keeps the last of two equal keys; which one was meant cannot be known.
    if let Err(e) = serde_json::from_str::<UniqueKeys>(text) {
        return Err(Issue::new(IssueCode::BadJson, e.to_string()));
    }
    let keys: Vec<String> = JSON_KEYS.iter().map(|f| f.name().to_string()).collect();
    let cols = Columns::from_header(&keys, &[]).map_err(|e| Issue::new(IssueCode::BadJson, e))?;
    let mut canon = serde_json::Map::new();
    let mapped: Vec<Field> = overrides
        .iter()
        .filter_map(|(_, f)| Field::parse(f))
        .collect();
    let mut from: std::collections::BTreeMap<Field, &str> = Default::default();
    for (k, v) in &obj {
        let f = match overrides.iter().find(|(c, _)| c == k) {
            Some((_, f)) => Field::parse(f),
            // A field given by --map ignores the keys that name it.
            None => Field::parse(k).filter(|f| !mapped.contains(f)),
        };
        if let Some(f) = f {
            if let Some(first) = from.insert(f, k) {
                return Err(Issue::new(
                    IssueCode::BadJson,
                    format!(
                        "keys {first:?} and {k:?} both give {}: ambiguous; say which with \
                         --map KEY=FIELD",
                        f.name()
                    ),
                ));
            }
            canon.insert(f.name().to_string(), v.clone());
        }
    }
    let vals = json_fields(&canon, &keys);
    let refs: Vec<&str> = vals.iter().map(String::as_str).collect();
    parse_row(&cols, &refs, default_date).map(|s| (obj, s))
}

/// A JSON object read only to refuse a key given twice (at the top level, where keys are
/// fields).
struct UniqueKeys;

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = UniqueKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a json object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<UniqueKeys, A::Error> {
                let mut seen = std::collections::HashSet::new();
                while let Some(k) = m.next_key::<String>()? {
                    m.next_value::<serde::de::IgnoredAny>()?;
                    if !seen.insert(k.clone()) {
                        return Err(serde::de::Error::custom(format!(
                            "key {k:?} is given twice: ambiguous"
                        )));
                    }
                }
                Ok(UniqueKeys)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> Date {
        borderwatch_model::parse_date("2020-01-01").unwrap()
    }

    fn summary(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| match &r.result {
                Ok(s) => format!(
                    "{} ok {} {} {:?} {:?}",
                    r.line,
                    s.hs.as_ref().map(|h| h.to_string()).unwrap_or_default(),
                    s.direction,
                    s.crossing,
                    s.mode
                ),
                Err(i) => format!("{} {} {:?}", r.line, i.code, i.value),
            })
            .collect()
    }

    use crate::utf16::tests::utf16;

    #[test]
    fn sniff_knows_shipments_by_header() {
        assert_eq!(
            sniff(b"\xef\xbb\xbfhs_code,direction,date\n8418,in,2020-01-01\n"),
            Some(Format::Csv)
        );
        assert_eq!(
            sniff(b"\n{\"hs\":\"8418\",\"direction\":\"in\"}\n"),
            Some(Format::Jsonl)
        );
        assert_eq!(sniff(b"Trucks crossed at Dandong, a source said.\n"), None);
        assert_eq!(sniff(b"{\"title\": \"not a shipment\"}"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn every_row_is_a_shipment_or_an_issue() {
        let csv = "shipment_id,hs_code,direction,crossing,mode\nA,8418,in,quanhe-wonjong,road\nB,84x8,in,,\n\nC,2709,out,dandong-sinuiju,boat\nD,1006\n";
        let rows = read_rows(csv.as_bytes(), Format::Csv, &[], day()).unwrap();
        assert_eq!(
            summary(&rows),
            [
                "2 ok 8418 inbound Some(\"quanhe-wonjong\") Some(Road)",
                "3 bad-hs-code Some(\"84x8\")",
                "5 bad-mode Some(\"boat\")",
                "6 wrong-field-count Some(\"D,1006\")",
            ]
        );
        let jl = "{\"hs\":\"8418\",\"flow\":\"in\",\"via\":\"x\"}\nnot json\n[1]\n";
        let rows = read_rows(jl.as_bytes(), Format::Jsonl, &[], day()).unwrap();
        assert_eq!(
            summary(&rows),
            [
                "1 ok 8418 inbound Some(\"x\") None",
                "2 bad-json Some(\"not json\")",
                "3 bad-json Some(\"[1]\")",
            ]
        );
        // The same files saved as UTF-16, either way round: the same rows on the same lines.
        for (text, format) in [(csv, Format::Csv), (jl, Format::Jsonl)] {
            let want = summary(&read_rows(text.as_bytes(), format, &[], day()).unwrap());
            for little in [true, false] {
                let bytes = utf16(text, little);
                assert_eq!(sniff(&bytes), Some(format), "{text}");
                let rows = read_rows(&bytes, format, &[], day()).unwrap();
                assert_eq!(summary(&rows), want, "little-endian {little}");
            }
        }
        let e = read_rows(b"a,b\n1,2\n", Format::Csv, &[], day()).unwrap_err();
        assert!(
            e.starts_with("line 1: the header has no goods column"),
            "{e}"
        );
    }
}
