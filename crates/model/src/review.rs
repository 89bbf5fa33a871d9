//! Reviews: an analyst's judgement of a claim — confirmed, rejected with a reason, corrected
//! field by field, or a claim the extractor missed added on a span of the source.
//!
//! Owns the vocabulary of a review and the pure field-level operations on it: applying a
//! correction to a claim, and telling whether a claim already holds a correction's values.
//!
//! Refuses: deciding which claim a review belongs to (the analysis attaches reviews to claims,
//! by source, evidence span and kind), storing reviews (the store) and who may see them.

use serde::{Deserialize, Deserializer, Serialize};

use crate::{
    Claim, ClaimKind, ConditionValue, Direction, GoodsItem, Load, Mode, Polarity, Quantity,
    RouteStatus, When,
};

/// What a review does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewAction {
    /// The claim is right as it stands.
    Confirm,
    /// The claim is wrong (with a reason).
    Reject,
    /// Some of the claim's values are wrong; the review gives the right ones.
    Correct,
    /// A claim the extractor missed, on a span of the source the analyst selected.
    Add,
}

impl ReviewAction {
    pub const fn as_str(self) -> &'static str {
        match self {
            ReviewAction::Confirm => "confirm",
            ReviewAction::Reject => "reject",
            ReviewAction::Correct => "correct",
            ReviewAction::Add => "add",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewAction> {
        Some(match s {
            "confirm" => ReviewAction::Confirm,
            "reject" => ReviewAction::Reject,
            "correct" => ReviewAction::Correct,
            "add" => ReviewAction::Add,
            _ => return None,
        })
    }
}

/// Why a claim was rejected: a short fixed list, so rejections can be counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RejectReason {
    NotAMovement,
    WrongPlace,
    WrongGoods,
    WrongDirection,
    Duplicate,
    Other,
}

impl RejectReason {
    pub const ALL: [RejectReason; 6] = [
        RejectReason::NotAMovement,
        RejectReason::WrongPlace,
        RejectReason::WrongGoods,
        RejectReason::WrongDirection,
        RejectReason::Duplicate,
        RejectReason::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            RejectReason::NotAMovement => "not-a-movement",
            RejectReason::WrongPlace => "wrong-place",
            RejectReason::WrongGoods => "wrong-goods",
            RejectReason::WrongDirection => "wrong-direction",
            RejectReason::Duplicate => "duplicate",
            RejectReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<RejectReason> {
        RejectReason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A present-but-null field reads as `Some(None)` ("clear it"), a missing one as `None`
/// ("leave it").
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// New values for some of a claim's fields; a field left `None` keeps the claim's value.
/// For the fields a claim may leave empty, `Some(None)` clears the value.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ClaimKind>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub from: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub to: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub via: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub at: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub mode: Option<Option<Mode>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub load: Option<Option<Load>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polarity: Option<Polarity>,
    /// The whole goods list as it should be (each with its HS code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goods: Option<Vec<GoodsItem>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantities: Option<Vec<Quantity>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub when: Option<Option<When>>,
    /// A condition claim's aspect and value.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub condition: Option<Option<ConditionValue>>,
    /// A status claim's opening, closing, suspension or resumption.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub status: Option<Option<RouteStatus>>,
}

impl Correction {
    /// No field given.
    pub fn is_empty(&self) -> bool {
        self == &Correction::default()
    }

    /// The names of the fields given, in a fixed order.
    pub fn fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut add = |given: bool, name| {
            if given {
                out.push(name)
            }
        };
        add(self.kind.is_some(), "kind");
        add(self.from.is_some(), "from");
        add(self.to.is_some(), "to");
        add(self.via.is_some(), "via");
        add(self.at.is_some(), "at");
        add(self.direction.is_some(), "direction");
        add(self.mode.is_some(), "mode");
        add(self.load.is_some(), "load");
        add(self.polarity.is_some(), "polarity");
        add(self.goods.is_some(), "goods");
        add(self.quantities.is_some(), "quantities");
        add(self.when.is_some(), "when");
        add(self.condition.is_some(), "condition");
        add(self.status.is_some(), "status");
        out
    }

    /// A later correction's fields over this one's.
    pub fn then(&mut self, later: &Correction) {
        fn over<T: Clone>(a: &mut Option<T>, b: &Option<T>) {
            if b.is_some() {
                a.clone_from(b);
            }
        }
        over(&mut self.kind, &later.kind);
        over(&mut self.from, &later.from);
        over(&mut self.to, &later.to);
        over(&mut self.via, &later.via);
        over(&mut self.at, &later.at);
        over(&mut self.direction, &later.direction);
        over(&mut self.mode, &later.mode);
        over(&mut self.load, &later.load);
        over(&mut self.polarity, &later.polarity);
        over(&mut self.goods, &later.goods);
        over(&mut self.quantities, &later.quantities);
        over(&mut self.when, &later.when);
        over(&mut self.condition, &later.condition);
        over(&mut self.status, &later.status);
    }

    /// The claim with these values in place. Verdicts are not touched: the caller screens
    /// the corrected goods again.
    pub fn apply(&self, c: &mut Claim) {
        fn set<T: Clone>(dst: &mut T, v: &Option<T>) {
            if let Some(v) = v {
                dst.clone_from(v);
            }
        }
        set(&mut c.kind, &self.kind);
        set(&mut c.from, &self.from);
        set(&mut c.to, &self.to);
        set(&mut c.via, &self.via);
        set(&mut c.at, &self.at);
        set(&mut c.direction, &self.direction);
        set(&mut c.mode, &self.mode);
        set(&mut c.load, &self.load);
        set(&mut c.polarity, &self.polarity);
        set(&mut c.goods, &self.goods);
        set(&mut c.quantities, &self.quantities);
        set(&mut c.when, &self.when);
        set(&mut c.condition, &self.condition);
        set(&mut c.status, &self.status);
    }

    /// Whether the claim already holds every value given (goods by words and HS code,
    /// quantities by value, unit and rate, time by its dates).
    pub fn agrees_with(&self, c: &Claim) -> bool {
        fn same<T: PartialEq>(want: &Option<T>, have: &T) -> bool {
            want.as_ref().is_none_or(|w| w == have)
        }
        let goods = |g: &[GoodsItem]| -> Vec<(String, Option<String>)> {
            let mut v: Vec<_> = g
                .iter()
                .map(|g| (g.text.to_lowercase(), g.hs.clone()))
                .collect();
            v.sort();
            v
        };
        let quantities = |q: &[Quantity]| -> Vec<String> {
            let mut v: Vec<String> = q
                .iter()
                .map(|q| format!("{}|{:?}|{:?}|{:?}", q.value, q.max, q.unit, q.per))
                .collect();
            v.sort();
            v
        };
        let dates = |w: &Option<When>| w.as_ref().map(|w| (w.start, w.end));
        same(&self.kind, &c.kind)
            && same(&self.from, &c.from)
            && same(&self.to, &c.to)
            && same(&self.via, &c.via)
            && same(&self.at, &c.at)
            && same(&self.direction, &c.direction)
            && same(&self.mode, &c.mode)
            && same(&self.load, &c.load)
            && same(&self.polarity, &c.polarity)
            && self
                .goods
                .as_ref()
                .is_none_or(|g| goods(g) == goods(&c.goods))
            && self
                .quantities
                .as_ref()
                .is_none_or(|q| quantities(q) == quantities(&c.quantities))
            && self
                .when
                .as_ref()
                .is_none_or(|w| dates(w) == dates(&c.when))
            && same(&self.condition, &c.condition)
            && same(&self.status, &c.status)
    }

    /// Whether a claim cannot be the one these values were seen on: a condition about
    /// another aspect, or another status (two such claims can share one sentence and kind).
    pub fn rules_out(&self, c: &Claim) -> bool {
        let aspect = matches!(
            (&self.condition, &c.condition),
            (Some(Some(a)), Some(b)) if a.aspect != b.aspect
        );
        let status = matches!((self.status, c.status), (Some(Some(a)), Some(b)) if a != b);
        aspect || status
    }

    /// Every value of a claim that a review can judge, as a correction giving them all (what
    /// a confirmation holds to be right).
    pub fn of(c: &Claim) -> Correction {
        Correction {
            kind: Some(c.kind),
            from: Some(c.from.clone()),
            to: Some(c.to.clone()),
            via: Some(c.via.clone()),
            at: Some(c.at.clone()),
            direction: Some(c.direction),
            mode: Some(c.mode),
            load: Some(c.load),
            polarity: Some(c.polarity),
            goods: Some(c.goods.clone()),
            quantities: Some(c.quantities.clone()),
            when: Some(c.when.clone()),
            condition: Some(c.condition.clone()),
            status: Some(c.status),
        }
    }
}

/// One stored review. Reviews are never changed: a new judgement is a new review, and the
/// history of a claim is the list of its reviews.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub id: i64,
    /// The review of the same claim this one follows (its first review), when there is one:
    /// every review of one claim shares it, so they move together after re-extraction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<i64>,
    pub action: ReviewAction,
    /// The anchor: the source, the evidence span and the kind of the claim reviewed (for an
    /// added claim: the span the analyst selected and the kind given).
    pub source_id: i64,
    pub source: String,
    pub span: [usize; 2],
    pub kind: ClaimKind,
    /// The id the claim had when it was reviewed (ids change when a source is reprocessed;
    /// the anchor is what a review belongs to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_id: Option<i64>,
    /// The values the claim had when it was reviewed (confirm, reject, correct): tells claims
    /// on one span apart after re-extraction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was: Option<Correction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RejectReason>,
    /// The new values (correct).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<Correction>,
    /// The claim added (add), its evidence quoting the span selected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<Box<Claim>>,
    pub reviewer: String,
    /// When the review was made (`YYYY-MM-DDTHH:MM:SSZ`).
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The extractor version whose claim was reviewed.
    pub extractor_version: String,
}

impl Review {
    /// The id every review of the same claim shares.
    pub fn subject_id(&self) -> i64 {
        self.subject.unwrap_or(self.id)
    }

    /// The day the review was made, from its timestamp.
    pub fn day(&self) -> Option<crate::Date> {
        crate::parse_date(self.at.get(..10)?).ok()
    }

    /// The review without who said it, for outputs: an added claim's quote goes through
    /// [`crate::redact`].
    pub fn redacted(&self) -> Review {
        let mut r = self.clone();
        if let Some(c) = &r.claim {
            r.claim = Some(Box::new(c.redacted()));
        }
        r
    }
}

/// Where a review stands against the claims of today's extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Attachment {
    /// On a claim, and it changes or judges it.
    Attached,
    /// On a claim that already says what the review says (the extractor now agrees).
    Agreed,
    /// An added claim no extracted claim covers: it counts on its own.
    Added,
    /// Nothing extracted matches its anchor any more: kept and listed, not applied.
    Orphaned,
}

impl Attachment {
    pub const fn as_str(self) -> &'static str {
        match self {
            Attachment::Attached => "attached",
            Attachment::Agreed => "agreed",
            Attachment::Added => "added",
            Attachment::Orphaned => "orphaned",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_null_field_clears_and_a_missing_one_keeps() {
        let c: Correction = serde_json::from_str(r#"{"from": null, "mode": "road"}"#).unwrap();
        assert_eq!(c.from, Some(None));
        assert_eq!(c.to, None);
        assert_eq!(c.mode, Some(Some(Mode::Road)));
        assert_eq!(c.fields(), ["from", "mode"]);
        let back = serde_json::to_string(&c).unwrap();
        assert_eq!(back, r#"{"from":null,"mode":"road"}"#);
        assert!(serde_json::from_str::<Correction>(r#"{"colour": "red"}"#).is_err());
    }

    #[test]
    fn reasons_round_trip() {
        for r in RejectReason::ALL {
            assert_eq!(RejectReason::parse(r.as_str()), Some(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
        assert_eq!(RejectReason::parse("wrong"), None);
    }
}
