//! A shipment: one structured record (a declaration, manifest or log row).

use serde::{Deserialize, Serialize};

use crate::{Date, Direction, HsCode, Mode};

/// One screenable shipment row, with where it went when the record says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shipment {
    /// The record's own id (declaration or manifest number), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub hs: Option<HsCode>,
    pub description: Option<String>,
    pub direction: Direction,
    pub date: Date,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    pub value_usd: Option<f64>,
    pub product: Option<String>,
    /// Place ids (or names as written, when the gazetteer does not know them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// Crossing id (or the name as written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crossing: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
}

impl Shipment {
    /// Value of one item in USD, for per-item thresholds: the row's value divided by its quantity
    /// when the unit counts items; unknown otherwise (a line total says nothing about one rug).
    pub fn value_per_item_usd(&self) -> Option<f64> {
        let counted = self.unit.as_deref().is_some_and(|u| {
            matches!(
                u.trim().to_ascii_lowercase().as_str(),
                "unit"
                    | "units"
                    | "u"
                    | "pc"
                    | "pcs"
                    | "piece"
                    | "pieces"
                    | "item"
                    | "items"
                    | "set"
                    | "sets"
                    | "each"
                    | "ea"
            )
        });
        match (self.value_usd, self.quantity) {
            (Some(v), Some(q)) if counted && q > 0.0 => Some(v / q),
            _ => None,
        }
    }
}
