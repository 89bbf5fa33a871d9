//! Structured inputs (shipment CSV and JSON lines) → typed shipment rows, or an [`Issue`] saying
//! exactly why a row is unusable.
//!
//! Owns: finding columns by header name (with `--map column=field` overrides), checking field
//! counts, UTF-8, HS codes, directions, dates and numbers, row by row, without buffering the file.
//!
//! Refuses: deciding verdicts (that is `screen`), and reading whole files into memory (`Rows`
//! streams them, with limits on record and field sizes). A row is either a [`Shipment`] or an
//! `Issue` — never dropped. What is ambiguous is refused, never settled by order: a column named
//! twice, two columns or two `--map` for one field, a JSON key given twice.

use std::collections::BTreeMap;

use borderwatch_model::{parse_date, Date, Direction, HsCode, Issue, IssueCode, Mode};

pub use borderwatch_model::Shipment;

mod file;
mod header;
mod stream;
mod utf16;
pub use file::{parse_json_row, read_rows, sniff, Format, Row};
pub use header::{map_header, HeaderField};
pub use stream::{head, Rows, MAX_FIELD_BYTES, MAX_HEADER_BYTES, MAX_RECORD_BYTES};
pub use utf16::Utf8Reader;

/// The fields a shipment row can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Hs,
    Description,
    Direction,
    Date,
    Quantity,
    Unit,
    Value,
    Product,
    Id,
    Origin,
    Destination,
    Crossing,
    Mode,
}

impl Field {
    pub fn parse(s: &str) -> Option<Field> {
        Some(
            match s
                .trim()
                .to_ascii_lowercase()
                .replace([' ', '-'], "_")
                .as_str()
            {
                "hs" | "hs_code" | "hscode" | "hs6" | "hs4" | "commodity_code" | "tariff_code" => {
                    Field::Hs
                }
                "description" | "goods" | "commodity" | "item" | "goods_description" => {
                    Field::Description
                }
                "direction" | "flow" => Field::Direction,
                "date" | "shipment_date" | "ship_date" | "declaration_date" => Field::Date,
                "quantity" | "qty" => Field::Quantity,
                "unit" | "units" | "uom" => Field::Unit,
                "value" | "value_usd" | "usd" => Field::Value,
                "product" | "product_type" => Field::Product,
                "shipment_id" | "id" | "record_id" | "declaration_id" | "declaration" => Field::Id,
                "origin" | "from" | "origin_place" | "loading_place" => Field::Origin,
                "destination" | "to" | "dest" | "destination_place" => Field::Destination,
                "crossing" | "border_crossing" | "port_of_entry" | "via" => Field::Crossing,
                "mode" | "transport_mode" | "mode_of_transport" => Field::Mode,
                _ => return None,
            },
        )
    }
    pub fn name(self) -> &'static str {
        HeaderField::name(self)
    }
}

impl HeaderField for Field {
    fn parse(name: &str) -> Option<Field> {
        Field::parse(name)
    }
    fn all_names() -> &'static str {
        "hs, description, direction, date, quantity, unit, value, product, shipment_id, origin, destination, crossing, mode"
    }
    fn name(self) -> &'static str {
        match self {
            Field::Hs => "hs",
            Field::Description => "description",
            Field::Direction => "direction",
            Field::Date => "date",
            Field::Quantity => "quantity",
            Field::Unit => "unit",
            Field::Value => "value",
            Field::Product => "product",
            Field::Id => "shipment_id",
            Field::Origin => "origin",
            Field::Destination => "destination",
            Field::Crossing => "crossing",
            Field::Mode => "mode",
        }
    }
}

/// Where each field sits in a row.
#[derive(Debug, Clone)]
pub struct Columns {
    pub width: usize,
    pub index: BTreeMap<Field, usize>,
    pub names: Vec<String>,
}

impl Columns {
    /// Maps header names to fields. `overrides` are `column=field` pairs that win over the names.
    /// Errors name the unknown field or the column that is not in the header, and refuse what
    /// is ambiguous: a column name given twice, two columns that give one field (unless a
    /// `--map` says which), two `--map` to one field, one column mapped twice.
    pub fn from_header(
        header: &[String],
        overrides: &[(String, String)],
    ) -> Result<Columns, String> {
        let index = map_header::<Field>(header, overrides)?;
        if !index.contains_key(&Field::Hs) && !index.contains_key(&Field::Description) {
            return Err(format!(
                "the header has no goods column (hs, hs_code or description, goods); found: {}",
                header.join(", ")
            ));
        }
        if !index.contains_key(&Field::Direction) {
            return Err(format!(
                "the header has no direction column; found: {}",
                header.join(", ")
            ));
        }
        Ok(Columns {
            width: header.len(),
            index,
            names: header.to_vec(),
        })
    }

    /// Whether a header names a goods column and a direction column (ambiguous or not): the
    /// file is a shipment file, to be read or refused as one.
    pub fn looks_like_shipments(header: &[String]) -> bool {
        let fields: Vec<Field> = header.iter().filter_map(|h| Field::parse(h)).collect();
        fields
            .iter()
            .any(|f| matches!(f, Field::Hs | Field::Description))
            && fields.contains(&Field::Direction)
    }

    fn get<'a>(&self, fields: &'a [&'a str], f: Field) -> Option<&'a str> {
        self.index
            .get(&f)
            .and_then(|&i| fields.get(i))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }
}

/// Parses one row's fields (already UTF-8) into a shipment. `default_date` applies when the row
/// has no date. The issue carries the field's raw value; the caller adds file and line.
pub fn parse_row(cols: &Columns, fields: &[&str], default_date: Date) -> Result<Shipment, Issue> {
    if fields.len() != cols.width {
        return Err(Issue::new(
            IssueCode::WrongFieldCount,
            format!(
                "{} fields where the header has {}",
                fields.len(),
                cols.width
            ),
        ));
    }
    let hs = match cols.get(fields, Field::Hs) {
        None => None,
        Some(raw) => Some(
            HsCode::parse(raw).map_err(|why| Issue::new(IssueCode::BadHsCode, why).value(raw))?,
        ),
    };
    let description = cols.get(fields, Field::Description).map(str::to_string);
    if hs.is_none() && description.is_none() {
        return Err(Issue::new(
            IssueCode::MissingField,
            "no hs code and no description",
        ));
    }
    let direction = match cols.get(fields, Field::Direction) {
        None => return Err(Issue::new(IssueCode::MissingField, "no direction")),
        Some(raw) => Direction::parse_loose(raw).ok_or_else(|| {
            Issue::new(
                IssueCode::BadDirection,
                format!("direction {raw:?} is not inbound/outbound (or to_dprk/from_dprk, in/out)"),
            )
            .value(raw)
        })?,
    };
    let date = match cols.get(fields, Field::Date) {
        None => default_date,
        Some(raw) => {
            parse_date(raw).map_err(|why| Issue::new(IssueCode::BadDate, why).value(raw))?
        }
    };
    let number = |f: Field| -> Result<Option<f64>, Issue> {
        match cols.get(fields, f) {
            None => Ok(None),
            Some(raw) => raw
                .replace(',', "")
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .map(Some)
                .ok_or_else(|| {
                    Issue::new(
                        IssueCode::BadNumber,
                        format!("{} {raw:?} is not a non-negative number", f.name()),
                    )
                    .value(raw)
                }),
        }
    };
    let mode = match cols.get(fields, Field::Mode) {
        None => None,
        Some(raw) => Some(
            raw.parse::<Mode>()
                .map_err(|why| Issue::new(IssueCode::BadMode, why).value(raw))?,
        ),
    };
    let text = |f: Field| cols.get(fields, f).map(str::to_string);
    Ok(Shipment {
        id: text(Field::Id),
        origin: text(Field::Origin),
        destination: text(Field::Destination),
        crossing: text(Field::Crossing),
        mode,
        hs,
        description,
        direction,
        date,
        quantity: number(Field::Quantity)?,
        unit: cols.get(fields, Field::Unit).map(str::to_string),
        value_usd: number(Field::Value)?,
        product: cols.get(fields, Field::Product).map(str::to_string),
    })
}

/// Checks a raw byte field is UTF-8, naming the byte offset within the row when it is not.
pub fn utf8_field(bytes: &[u8], field_start: usize) -> Result<&str, Issue> {
    std::str::from_utf8(bytes).map_err(|e| {
        Issue::new(
            IssueCode::InvalidUtf8,
            format!(
                "invalid utf-8 at byte {} of the row",
                field_start + e.valid_up_to()
            ),
        )
        .value(String::from_utf8_lossy(bytes).into_owned())
    })
}

/// Every field of a CSV record as UTF-8, or the issue naming the first bad byte's offset.
pub fn utf8_fields(rec: &csv::ByteRecord) -> Result<Vec<&str>, Issue> {
    let mut fields = Vec::with_capacity(rec.len());
    let mut offset = 0;
    for f in rec.iter() {
        fields.push(utf8_field(f, offset)?);
        offset += f.len() + 1;
    }
    Ok(fields)
}

/// Every field of a split record as UTF-8, or the issue naming the first bad byte's offset.
pub fn utf8_fields_of(fields: &[Vec<u8>]) -> Result<Vec<&str>, Issue> {
    let mut out = Vec::with_capacity(fields.len());
    let mut offset = 0;
    for f in fields {
        out.push(utf8_field(f, offset)?);
        offset += f.len() + 1;
    }
    Ok(out)
}

/// Flattens a JSON object's values to strings in the order of `keys` (for JSON-lines input).
pub fn json_fields(
    obj: &serde_json::Map<String, serde_json::Value>,
    keys: &[String],
) -> Vec<String> {
    keys.iter()
        .map(|k| match obj.get(k) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(h: &str) -> Columns {
        let header: Vec<String> = h.split(',').map(String::from).collect();
        Columns::from_header(&header, &[]).unwrap()
    }

    fn check(header: &str, row: &str, expect: &str) {
        let c = cols(header);
        let fields: Vec<&str> = row.split(',').collect();
        let got = match parse_row(&c, &fields, parse_date("2020-01-01").unwrap()) {
            Ok(s) => format!(
                "ok {} {} {} q={:?} v={:?}",
                s.hs.map(|h| h.to_string())
                    .unwrap_or_else(|| s.description.clone().unwrap_or_default()),
                s.direction,
                s.date,
                s.quantity,
                s.value_usd
            ),
            Err(i) => format!("{}: {}", i.code, i.message),
        };
        assert_eq!(got, expect, "row {row:?}");
    }

    #[test]
    fn rows_parse_or_say_why() {
        let h = "HS_Code,Direction,Date,Qty,Value";
        check(
            h,
            "8418.10,inbound,2019-05-01,3,1200",
            "ok 841810 inbound 2019-05-01 q=Some(3.0) v=Some(1200.0)",
        );
        check(
            h,
            "8418,to_dprk,,,",
            "ok 8418 inbound 2020-01-01 q=None v=None",
        );
        check(
            h,
            "84x8,inbound,2019-05-01,,",
            "bad-hs-code: hs code \"84x8\" has a character 'x' that is not a digit",
        );
        check(h, "8418,export,2019-05-01,,", "bad-direction: direction \"export\" is not inbound/outbound (or to_dprk/from_dprk, in/out)");
        check(
            h,
            "8418,inbound,2019-13-01,,",
            "bad-date: date \"2019-13-01\" is not a valid YYYY-MM-DD date (input is out of range)",
        );
        check(
            h,
            "8418,inbound,2019-05-01,-3,",
            "bad-number: quantity \"-3\" is not a non-negative number",
        );
        check(
            h,
            "8418,inbound",
            "wrong-field-count: 2 fields where the header has 5",
        );
        check(
            h,
            ",inbound,2019-05-01,,",
            "missing-field: no hs code and no description",
        );
        check(
            "goods,flow",
            "rice cookers,out",
            "ok rice cookers outbound 2020-01-01 q=None v=None",
        );
    }

    #[test]
    fn value_per_item_needs_a_counted_unit() {
        let c = cols("hs,direction,quantity,unit,value");
        let d = parse_date("2020-01-01").unwrap();
        let row = |r: &str| parse_row(&c, &r.split(',').collect::<Vec<_>>(), d).unwrap();
        assert_eq!(row("5701,in,4,pcs,2400").value_per_item_usd(), Some(600.0));
        assert_eq!(row("5701,in,4,t,2400").value_per_item_usd(), None);
        assert_eq!(row("5701,in,,pcs,2400").value_per_item_usd(), None);
    }

    #[test]
    fn headers_need_goods_and_direction_and_maps_are_checked() {
        let h: Vec<String> = ["a", "b"].map(String::from).to_vec();
        assert!(Columns::from_header(&h, &[])
            .unwrap_err()
            .contains("no goods column"));
        let m = [
            ("a".to_string(), "hs".to_string()),
            ("b".to_string(), "direction".to_string()),
        ];
        assert!(Columns::from_header(&h, &m).is_ok());
        let bad = [("zz".to_string(), "hs".to_string())];
        assert!(Columns::from_header(&h, &bad)
            .unwrap_err()
            .contains("no column \"zz\""));
    }

    fn header(h: &str) -> Vec<String> {
        h.split(',').map(String::from).collect()
    }

    fn map(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(c, f)| (c.to_string(), f.to_string()))
            .collect()
    }

    /// Two columns for one field, a column named twice, two `--map` to one field: which one is
    /// meant cannot be known, so the header is refused and the message says how to choose.
    #[test]
    fn ambiguous_headers_and_maps_are_refused() {
        for (h, m, want) in [
            (
                "hs,hs_code,direction",
                &[][..],
                "columns 1 (hs) and 2 (hs_code) both give hs",
            ),
            (
                "hs,direction,hs",
                &[][..],
                "columns 1 and 3 are both named \"hs\"",
            ),
            (
                "hs,direction,notes,notes",
                &[][..],
                "columns 3 and 4 are both named \"notes\"",
            ),
            ("hs,direction,to_dprk,flow", &[][..], "both give direction"),
            (
                "a,b,direction",
                &[("a", "hs"), ("b", "hs")][..],
                "--map a=hs and --map b=hs both give hs",
            ),
            (
                "a,b,direction",
                &[("a", "hs"), ("a", "description")][..],
                "--map a= is given twice",
            ),
            (
                "a,a,direction",
                &[("a", "hs")][..],
                "columns 1 and 2 are both named \"a\"",
            ),
        ] {
            let e = Columns::from_header(&header(h), &map(m)).unwrap_err();
            assert!(
                e.contains(want) && e.contains("ambiguous"),
                "{h} {m:?}: {e}"
            );
        }
        // Saying which column is meant settles it; blank names (trailing commas) are no names.
        let c = Columns::from_header(
            &header("hs,hs_code,direction,,"),
            &map(&[("hs_code", "hs")]),
        )
        .unwrap();
        assert_eq!(c.index[&Field::Hs], 1);
        assert!(Columns::from_header(&header("hs,direction,,"), &[]).is_ok());
    }

    #[test]
    fn duplicate_json_keys_are_refused() {
        let d = parse_date("2020-01-01").unwrap();
        for (line, want) in [
            (
                r#"{"hs":"8418","direction":"inbound","hs":"1006"}"#,
                "key \"hs\" is given twice",
            ),
            (
                r#"{"hs":"8418","hs_code":"1006","direction":"in"}"#,
                "keys \"hs\" and \"hs_code\" both give hs",
            ),
        ] {
            let e = crate::file::parse_json_row(line, &[], d).unwrap_err();
            assert!(
                e.message.contains(want) && e.message.contains("ambiguous"),
                "{line}: {e}"
            );
        }
        let m = map(&[("code", "hs")]);
        let (_, s) =
            crate::file::parse_json_row(r#"{"code":"8418","hs":"1006","direction":"in"}"#, &m, d)
                .unwrap();
        assert_eq!(s.hs.unwrap().to_string(), "8418");
    }
}
