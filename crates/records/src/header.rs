//! Finding columns by header name, for any kind of row (shipments here, vessel positions in
//! `borderwatch-ais`), with `--map COLUMN=FIELD` overrides.
//!
//! Owns: the one rule for turning a header and `--map` pairs into a column per field, and the
//! refusals of what is ambiguous — a column named twice, two columns or two `--map` for one
//! field, one column mapped twice, a `--map` naming an unknown field or a missing column.
//!
//! Refuses: deciding which fields a kind of row requires (its caller checks that), and settling
//! ambiguity by column order.

use std::collections::BTreeMap;

/// The fields one kind of row can carry, with the header names that give each.
pub trait HeaderField: Copy + Ord + Sized {
    /// The field a header name (or a `--map` right-hand side) gives, if any.
    fn parse(name: &str) -> Option<Self>;
    /// The field's canonical name, used in messages.
    fn name(self) -> &'static str;
    /// Every canonical name, comma-separated, for the message about an unknown field.
    fn all_names() -> &'static str;
}

/// Maps header names to fields. `overrides` are `column=field` pairs that win over the names.
pub fn map_header<F: HeaderField>(
    header: &[String],
    overrides: &[(String, String)],
) -> Result<BTreeMap<F, usize>, String> {
    const CHOOSE: &str = "ambiguous: say which with --map COLUMN=FIELD, or rename one";
    for (i, h) in header.iter().enumerate() {
        let h = h.trim();
        if h.is_empty() {
            continue;
        }
        if let Some(j) = header[..i].iter().position(|x| x.trim() == h) {
            return Err(format!(
                "columns {} and {} are both named {h:?}: {CHOOSE}",
                j + 1,
                i + 1
            ));
        }
    }
    let mut mapped: BTreeMap<F, (usize, &str)> = BTreeMap::new();
    for (k, (col, field)) in overrides.iter().enumerate() {
        let f = F::parse(field).ok_or_else(|| {
            format!(
                "--map {col}={field}: unknown field {field:?} ({})",
                F::all_names()
            )
        })?;
        let i = header
            .iter()
            .position(|h| h.trim() == col.trim())
            .ok_or_else(|| format!("--map {col}={field}: no column {col:?} in the header"))?;
        if overrides[..k].iter().any(|(c, _)| c.trim() == col.trim()) {
            return Err(format!("--map {col}= is given twice: ambiguous"));
        }
        if let Some((_, other)) = mapped.get(&f) {
            return Err(format!(
                "--map {other}={} and --map {col}={field} both give {}: ambiguous",
                overrides
                    .iter()
                    .find(|(c, _)| c == other)
                    .map_or("", |(_, f)| f.as_str()),
                f.name()
            ));
        }
        mapped.insert(f, (i, col));
    }
    let mut index: BTreeMap<F, usize> = mapped.iter().map(|(f, (i, _))| (*f, *i)).collect();
    for (i, h) in header.iter().enumerate() {
        // A mapped column is that field only; a field given by --map ignores its names.
        if mapped.values().any(|(j, _)| *j == i) {
            continue;
        }
        let Some(f) = F::parse(h) else { continue };
        if mapped.contains_key(&f) {
            continue;
        }
        if let Some(&j) = index.get(&f) {
            return Err(format!(
                "columns {} ({}) and {} ({}) both give {}: {CHOOSE}",
                j + 1,
                header[j].trim(),
                i + 1,
                h.trim(),
                f.name()
            ));
        }
        index.insert(f, i);
    }
    Ok(index)
}
