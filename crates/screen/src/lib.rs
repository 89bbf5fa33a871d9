//! Screening: goods × direction × date → a verdict citing the measures that decide it.
//!
//! Owns: reading a [`Rulebook`] into a [`Screener`] and answering "is this allowed?" for one item:
//! HS prefix matching (most specific entry wins inside a measure), coarse codes that only partly
//! overlap a measure (`review`, naming what would be caught), product types HS cannot tell apart
//! (condensate vs crude, aviation fuel vs diesel), value thresholds (luxury annexes), dates
//! (adoption, later cap periods, supersession, contract wind-downs, and what came later), HS
//! version drift, and plain words through the goods lexicon.
//!
//! Refuses: I/O, clocks and logging. The date is an argument; the rulebook and HS pack are
//! arguments. The same inputs always give the same verdict.

use std::fmt::Write as _;

use borderwatch_model::{Date, Direction, HsCode, Shipment, Status};
use borderwatch_reference::hs::{ChangeKind, HsPack};
use borderwatch_reference::rulebook::{HsBasis, MeasureKind, Rulebook};
use borderwatch_reference::Measure;
use serde::Serialize;

/// Why a shipment row without a code and with unknown words needs review.
pub const UNKNOWN_GOODS_REASON: &str =
    "review: no hs code and the goods lexicon knows none of the description's words";

/// The goods to screen: a code plus what the source said about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Goods {
    pub hs: HsCode,
    /// A product type finer than HS (from the lexicon), e.g. `condensate`.
    pub product: Option<String>,
    /// Value per item in USD, when known (luxury thresholds).
    pub value_usd: Option<f64>,
    /// How sure the classification is (1.0 for a declared code).
    pub confidence: f64,
    /// The words the code came from, when it came from words.
    pub phrase: Option<String>,
}

impl Goods {
    pub fn code(hs: HsCode) -> Goods {
        Goods {
            hs,
            product: None,
            value_usd: None,
            confidence: 1.0,
            phrase: None,
        }
    }
}

/// One measure's part in a verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Citation {
    pub id: String,
    pub instrument: String,
    pub paragraph: String,
    /// What this measure makes of the goods.
    pub status: Status,
    /// Why, in a short clause.
    pub effect: String,
}

/// The answer for one goods item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub hs: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    pub direction: Direction,
    pub date: Date,
    pub status: Status,
    pub measures: Vec<Citation>,
    /// One line a compliance officer can read.
    pub reason: String,
    /// 0..1: the lexicon's confidence × the measure's × the HS basis's.
    pub confidence: f64,
    /// Things worth knowing that do not change the status (catch-alls, later measures, drift).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Verdict {
    /// The reason, led by the words the code came from when it came from words
    /// ("[rice cookers → HS 8516] prohibited: …").
    pub fn reason_with_words(&self) -> String {
        match &self.text {
            Some(t) if !self.hs.is_empty() => format!("[{t} → HS {}] {}", self.hs, self.reason),
            _ => self.reason.clone(),
        }
    }

    /// The measure ids, `;`-joined (for CSV).
    pub fn measure_ids(&self) -> String {
        self.measures
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// One measure's effect on one query, before combining.
#[derive(Debug, Clone)]
struct Effect<'r> {
    measure: &'r Measure,
    status: Status,
    effect: String,
    weight: f64,
}

/// How a measure's HS scope meets a code.
enum Scope<'r> {
    None,
    /// The code lies inside an entry (the most specific one).
    Full(&'r CompiledEntry),
    /// The code is coarser than some entries: they would catch part of it.
    Partial(Vec<&'r CompiledEntry>),
}

#[derive(Debug, Clone)]
struct CompiledEntry {
    code: String,
    status: Status,
    product: Option<String>,
    value_over_usd: Option<f64>,
    basis: HsBasis,
    note: Option<String>,
    exclude: bool,
}

#[derive(Debug, Clone)]
struct CompiledMeasure {
    index: usize,
    entries: Vec<CompiledEntry>,
}

/// A rulebook compiled for screening, with the HS pack for titles, words and version changes.
#[derive(Debug, Clone)]
pub struct Screener<'r> {
    rulebook: &'r Rulebook,
    hs: &'r HsPack,
    compiled: Vec<CompiledMeasure>,
    /// Every date at which some measure's effect can change (for caching by period).
    boundaries: Vec<Date>,
    /// Every value threshold in the rulebook (for caching by value class).
    thresholds: Vec<f64>,
}

impl<'r> Screener<'r> {
    /// Compiles the rulebook. Ranges are expanded; entries keep the measure's status unless they
    /// override it. Invalid codes cannot reach here: `Reference::validate` refuses them.
    pub fn new(rulebook: &'r Rulebook, hs: &'r HsPack) -> Screener<'r> {
        let mut compiled = Vec::new();
        let mut boundaries = Vec::new();
        let mut thresholds = Vec::new();
        for (index, m) in rulebook.measures.iter().enumerate() {
            boundaries.push(m.adopted);
            boundaries.push(m.starts());
            boundaries.extend(m.until);
            if let Some(w) = &m.wind_down {
                boundaries.extend(w.until.succ_opt());
            }
            let mut entries = Vec::new();
            for e in &m.hs {
                thresholds.extend(e.value_over_usd);
                for code in e.codes().unwrap_or_default() {
                    entries.push(CompiledEntry {
                        code,
                        status: e.status.unwrap_or(m.status),
                        product: e.product.clone(),
                        value_over_usd: e.value_over_usd,
                        basis: e.basis.unwrap_or(m.hs_basis),
                        note: e.note.clone(),
                        exclude: e.exclude,
                    });
                }
            }
            compiled.push(CompiledMeasure { index, entries });
        }
        boundaries.sort();
        boundaries.dedup();
        thresholds.sort_by(f64::total_cmp);
        thresholds.dedup();
        Screener {
            rulebook,
            hs,
            compiled,
            boundaries,
            thresholds,
        }
    }

    pub fn rulebook(&self) -> &'r Rulebook {
        self.rulebook
    }

    /// The goods the lexicon finds in words, one per candidate code, most likely first.
    pub fn goods_from_words(&self, text: &str) -> Vec<Goods> {
        self.hs
            .classify(text)
            .into_iter()
            .filter_map(|c| {
                Some(Goods {
                    hs: HsCode::parse(&c.hs).ok()?,
                    product: c.product,
                    value_usd: None,
                    confidence: c.confidence,
                    phrase: Some(c.phrase),
                })
            })
            .collect()
    }

    /// Screens words: each lexicon phrase found becomes a candidate with its own verdict.
    /// Returns no verdicts when the lexicon knows none of the words.
    pub fn screen_text(&self, text: &str, direction: Direction, date: Date) -> Vec<Verdict> {
        self.goods_from_words(text)
            .iter()
            .map(|g| self.screen(g, direction, date))
            .collect()
    }

    /// Screens one goods item moving in `direction` on `date`.
    /// The goods a shipment row declares: its HS code, else the most likely candidate of its
    /// description's first phrase (whose words the verdict then cites). `None` when the row has no
    /// code and the lexicon knows none of its words.
    pub fn shipment_goods(&self, s: &Shipment) -> Option<Goods> {
        self.shipment_goods_with(s, |text| self.goods_from_words(text).into_iter().next())
    }

    /// As [`Screener::shipment_goods`], with the words looked up by `words` (batch callers cache
    /// it: a file repeats its descriptions).
    pub fn shipment_goods_with(
        &self,
        s: &Shipment,
        words: impl FnOnce(&str) -> Option<Goods>,
    ) -> Option<Goods> {
        let mut g = match &s.hs {
            Some(hs) => Goods::code(hs.clone()),
            None => words(s.description.as_deref()?)?,
        };
        g.value_usd = s.value_per_item_usd();
        if s.product.is_some() {
            g.product = s.product.clone();
        }
        Some(g)
    }

    /// Screens one shipment row for its direction and date. A row whose goods cannot be named is
    /// `review`, saying so.
    pub fn screen_shipment(&self, s: &Shipment) -> Verdict {
        match self.shipment_goods(s) {
            Some(g) => self.screen(&g, s.direction, s.date),
            None => Verdict {
                hs: String::new(),
                text: s.description.clone(),
                product: s.product.clone(),
                direction: s.direction,
                date: s.date,
                status: Status::Review,
                measures: Vec::new(),
                reason: UNKNOWN_GOODS_REASON.to_string(),
                confidence: 0.0,
                notes: Vec::new(),
            },
        }
    }

    pub fn screen(&self, goods: &Goods, direction: Direction, date: Date) -> Verdict {
        match direction {
            Direction::Inbound | Direction::Outbound => self.screen_one_way(goods, direction, date),
            Direction::Domestic => {
                let mut v = self.blank(goods, direction, date);
                v.reason =
                    "permitted: a domestic movement does not cross into or out of the DPRK".into();
                v.confidence = round2(0.9 * goods.confidence);
                v
            }
            Direction::Unknown => {
                // Without a direction, say what the stricter direction would mean.
                let a = self.screen_one_way(goods, Direction::Inbound, date);
                let b = self.screen_one_way(goods, Direction::Outbound, date);
                let (mut v, other) = if b.status > a.status { (b, a) } else { (a, b) };
                v.direction = Direction::Unknown;
                v.notes.insert(
                    0,
                    format!(
                        "direction unknown: the stricter direction is shown ({}); the other gives {}",
                        v.status, other.status
                    ),
                );
                v
            }
        }
    }

    fn blank(&self, goods: &Goods, direction: Direction, date: Date) -> Verdict {
        Verdict {
            hs: goods.hs.to_string(),
            text: goods.phrase.clone(),
            product: goods.product.clone(),
            direction,
            date,
            status: Status::Permitted,
            measures: Vec::new(),
            reason: String::new(),
            confidence: 0.0,
            notes: Vec::new(),
        }
    }

    fn screen_one_way(&self, goods: &Goods, direction: Direction, date: Date) -> Verdict {
        let mut v = self.blank(goods, direction, date);
        // HS version drift: an old code is screened as its successor.
        let mut code = goods.hs.as_str().to_string();
        for ch in &self.hs.changes {
            if !code.starts_with(&ch.code) {
                continue;
            }
            match ch.kind {
                ChangeKind::Moved => {
                    let new = format!("{}{}", ch.successor, &code[ch.code.len()..]);
                    v.notes.push(format!(
                        "HS {code} is a {} code: screened as its {} successor {new} ({})",
                        ch.version, ch.successor_version, ch.note
                    ));
                    code = new;
                    break;
                }
                ChangeKind::Split => v.notes.push(format!(
                    "HS {} {}: in {}, {}",
                    ch.code, ch.version, ch.successor_version, ch.note
                )),
            }
        }
        let title = self
            .hs
            .title(&code)
            .map(|(c, t)| format!("{c} {t}"))
            .unwrap_or_default();

        let mut effects: Vec<Effect> = Vec::new();
        let mut later: Vec<(Date, &Measure, Status)> = Vec::new();
        let mut earlier: Vec<(&Measure, Status)> = Vec::new();
        let mut catch_alls: Vec<&Measure> = Vec::new();
        for cm in &self.compiled {
            let m = &self.rulebook.measures[cm.index];
            if m.kind == MeasureKind::Exemption || !m.direction.covers(direction) {
                continue;
            }
            let Some((status, effect, weight)) = self.effect_of(m, cm, goods, &code) else {
                if m.kind == MeasureKind::CatchAll {
                    catch_alls.push(m);
                }
                continue;
            };
            if date < m.starts() {
                later.push((m.starts(), m, status));
                continue;
            }
            if m.until.is_some_and(|u| date >= u) {
                earlier.push((m, status));
                continue;
            }
            let (status, effect) = match &m.wind_down {
                Some(w) if date <= w.until && status == Status::Prohibited => (
                    Status::Review,
                    format!(
                        "{effect}; within the contract wind-down to {}: {}",
                        w.until, w.note
                    ),
                ),
                _ => (status, effect),
            };
            effects.push(Effect {
                measure: m,
                status,
                effect,
                weight,
            });
        }

        effects.sort_by(|a, b| {
            b.status
                .cmp(&a.status)
                .then(a.measure.adopted.cmp(&b.measure.adopted))
        });
        let status = effects.first().map_or(Status::Permitted, |e| e.status);
        v.status = status;
        v.measures = effects
            .iter()
            .map(|e| Citation {
                id: e.measure.id.clone(),
                instrument: e.measure.instrument.clone(),
                paragraph: e.measure.paragraph.clone(),
                status: e.status,
                effect: e.effect.clone(),
            })
            .collect();

        let subject = if title.is_empty() {
            format!("HS {code}")
        } else {
            format!("HS {title}")
        };
        let dir_words = match direction {
            Direction::Inbound => "into the DPRK",
            _ => "out of the DPRK",
        };
        let mut reason = String::new();
        if let Some(top) = effects.first() {
            let _ = write!(
                reason,
                "{}: {} {} — {}",
                status, subject, dir_words, top.effect
            );
            let _ = write!(reason, " [{}: {}]", top.measure.id, top.measure.citation());
            for e in effects
                .iter()
                .skip(1)
                .filter(|e| e.status != Status::Permitted)
                .take(3)
            {
                let _ = write!(
                    reason,
                    "; also {}: {} ({})",
                    e.status, e.effect, e.measure.id
                );
            }
            let w = effects
                .iter()
                .filter(|e| e.status == status)
                .map(|e| e.weight)
                .fold(0.0, f64::max);
            v.confidence = round2(w * goods.confidence);
        } else {
            let _ = write!(
                reason,
                "permitted: no UN measure covers {subject} {dir_words} at this date"
            );
            v.confidence = round2(0.9 * goods.confidence);
        }
        later.sort_by_key(|(d, m, _)| (*d, m.id.clone()));
        if let Some((d, m, s)) = later.iter().find(|(_, _, s)| *s > status) {
            let _ = write!(
                reason,
                "; from {d} it is {s} under {} ({})",
                m.id,
                m.citation()
            );
        }
        if status == Status::Permitted {
            if let Some((m, s)) = earlier.iter().max_by_key(|(m, _)| m.until) {
                let _ = write!(
                    reason,
                    "; it was {s} under {} until {}",
                    m.id,
                    m.until.unwrap_or(date)
                );
            }
        }
        for (d, m, s) in later.iter().skip(1).filter(|(_, _, s)| *s > status).take(3) {
            v.notes.push(format!("from {d}: {s} under {}", m.id));
        }
        // Catch-alls never decide a code, but they always apply in principle: say so, once.
        let food_or_medicine = self
            .rulebook
            .regime
            .food_and_medicine_chapters
            .iter()
            .any(|c| code.starts_with(c.as_str()));
        if !food_or_medicine && status != Status::Prohibited {
            let ids: Vec<&str> = catch_alls
                .iter()
                .filter(|m| m.in_force(date))
                .map(|m| m.id.as_str())
                .collect();
            if !ids.is_empty() {
                v.notes.push(format!(
                    "catch-alls ({}) apply if the end use is military or WMD-related: not decidable from the code",
                    ids.join(", ")
                ));
            }
        }
        v.reason = reason;
        v
    }

    /// What a measure makes of the goods, ignoring dates: status, a clause, and a weight.
    fn effect_of(
        &self,
        m: &Measure,
        cm: &CompiledMeasure,
        goods: &Goods,
        code: &str,
    ) -> Option<(Status, String, f64)> {
        let weight = |basis: HsBasis| m.confidence.weight() * basis.weight();
        if let Some(p) = &goods.product {
            if m.products.iter().any(|x| x == p) {
                return Some((
                    m.status,
                    format!(
                        "{} is a {} product: {}",
                        goods.phrase.as_deref().unwrap_or("the goods"),
                        p,
                        m.summary.trim_end_matches('.')
                    ),
                    weight(m.hs_basis.min(HsBasis::Analyst)),
                ));
            }
        }
        match scope(cm, code, goods.product.as_deref()) {
            Scope::None => None,
            Scope::Full(e) => {
                let mut status = e.status;
                let mut clause = m.summary.trim_end_matches('.').to_string();
                if let Some(note) = &e.note {
                    let _ = write!(clause, "; {note}");
                }
                if let Some(p) = &e.product {
                    match &goods.product {
                        Some(q) if q == p => {}
                        Some(_) => return None,
                        None => {
                            status = Status::Review;
                            clause = format!(
                                "HS {} is shared: {} is {} ({}); check the product type",
                                e.code, p, e.status, m.id
                            );
                            if let Some(note) = &e.note {
                                let _ = write!(clause, " — {note}");
                            }
                        }
                    }
                }
                if let Some(t) = e.value_over_usd {
                    match goods.value_usd {
                        Some(v) if v <= t => return None,
                        Some(_) => {}
                        None => {
                            status = status.min(Status::Review);
                            let _ = write!(clause, "; value unknown: caught above USD {t}");
                        }
                    }
                }
                Some((status, clause, weight(e.basis)))
            }
            Scope::Partial(es) => {
                let mut caught: Vec<String> = es
                    .iter()
                    .filter(|e| !e.exclude)
                    .map(|e| {
                        let t = self.hs.title(&e.code).map(|(_, t)| t).unwrap_or_default();
                        format!("{} {}", e.code, t)
                    })
                    .collect();
                caught.dedup();
                let more = caught.len().saturating_sub(4);
                caught.truncate(4);
                let mut list = caught.join(", ");
                if more > 0 {
                    let _ = write!(list, " and {more} more");
                }
                let top = es.iter().map(|e| e.status).max().unwrap_or(Status::Review);
                Some((
                    Status::Review,
                    format!(
                        "HS {code} is coarser than this measure, which makes {} {}: give a finer code",
                        top,
                        list
                    ),
                    weight(m.hs_basis),
                ))
            }
        }
    }

    /// A key under which verdicts can be cached in batch screening: the same key always gives the
    /// same verdict.
    pub fn cache_key(&self, goods: &Goods, direction: Direction, date: Date) -> CacheKey {
        let period = self.boundaries.partition_point(|b| *b <= date) as u16;
        let value_class = match goods.value_usd {
            None => u16::MAX,
            Some(v) => self.thresholds.partition_point(|t| *t < v) as u16,
        };
        CacheKey {
            hs: goods.hs.clone(),
            product: goods.product.clone(),
            direction,
            period,
            value_class,
        }
    }
}

fn scope<'c>(cm: &'c CompiledMeasure, code: &str, product: Option<&str>) -> Scope<'c> {
    let mut full: Option<&CompiledEntry> = None;
    let mut partial = Vec::new();
    // An entry for another known product type (jet fuel when the goods are diesel) cannot apply.
    let other_product = |e: &CompiledEntry| match (&e.product, product) {
        (Some(p), Some(q)) => p != q,
        _ => false,
    };
    for e in cm.entries.iter().filter(|e| !other_product(e)) {
        if code.starts_with(&e.code) {
            if full.is_none_or(|f| e.code.len() > f.code.len()) {
                full = Some(e);
            }
        } else if e.code.starts_with(code) {
            partial.push(e);
        }
    }
    match full {
        Some(f) if f.exclude => Scope::None,
        Some(f) => {
            // A finer entry inside the matched one (e.g. 7202 inside 72) can change the answer.
            let finer: Vec<&CompiledEntry> = partial
                .iter()
                .copied()
                .filter(|e| e.status > f.status || e.exclude)
                .collect();
            if finer.is_empty() {
                Scope::Full(f)
            } else {
                Scope::Partial(finer)
            }
        }
        None if partial.is_empty() => Scope::None,
        None => Scope::Partial(partial),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// See [`Screener::cache_key`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    hs: HsCode,
    product: Option<String>,
    direction: Direction,
    period: u16,
    value_class: u16,
}
