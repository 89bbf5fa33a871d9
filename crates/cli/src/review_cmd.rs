//! `borderwatch review`: the analyst's work on claims — the queue of claims to look at,
//! confirm, reject, correct, add, a claim's history, the orphaned reviews, and the reviewed
//! sources written out as gold files.
//!
//! Owns the flags of a review and turning them into a `Review` (places and crossings checked
//! against the gazetteer, goods through the lexicon, dates and spans parsed). Refuses deciding
//! what a review means for a claim (`analyze::reviewed`) and SQL (`store`). Who said it is left
//! out of every output unless `--include-attribution` is given.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use borderwatch_analyze::reviewed::Attached;
use borderwatch_model::{
    redact, Attachment, Claim, ClaimKind, Correction, Direction, GoodsItem, HsCode, IssueCode,
    Load, Mode, Polarity, Precision, Qualifier, Quantity, RejectReason, Review, ReviewAction,
    Status, When,
};
use borderwatch_pipeline::review::{self, Judgement, Refused, SourceState, Subject, Target};
use borderwatch_pipeline::reviewed::{load_reviewed, View};
use borderwatch_pipeline::Detail;
use borderwatch_reference::Reference;
use borderwatch_screen::Screener;
use borderwatch_store::Store;
use clap::{Subcommand, ValueEnum};

use crate::store_cmd::{now, open, open_for_writing, store_err};
use crate::{load_reference, Failure, Outcome};

#[derive(clap::Args)]
pub struct ReviewArgs {
    /// Who reviews: default $BORDERWATCH_REVIEWER, else the system user.
    #[arg(long, global = true, value_name = "NAME")]
    reviewer: Option<String>,
    #[command(subcommand)]
    command: ReviewCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Reason {
    NotAMovement,
    WrongPlace,
    WrongGoods,
    WrongDirection,
    Duplicate,
    Other,
}

impl From<Reason> for RejectReason {
    fn from(r: Reason) -> RejectReason {
        match r {
            Reason::NotAMovement => RejectReason::NotAMovement,
            Reason::WrongPlace => RejectReason::WrongPlace,
            Reason::WrongGoods => RejectReason::WrongGoods,
            Reason::WrongDirection => RejectReason::WrongDirection,
            Reason::Duplicate => RejectReason::Duplicate,
            Reason::Other => RejectReason::Other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Movement,
    Storage,
    Condition,
    Status,
    Policy,
    Mention,
}

impl From<Kind> for ClaimKind {
    fn from(k: Kind) -> ClaimKind {
        match k {
            Kind::Movement => ClaimKind::Movement,
            Kind::Storage => ClaimKind::Storage,
            Kind::Condition => ClaimKind::Condition,
            Kind::Status => ClaimKind::Status,
            Kind::Policy => ClaimKind::Policy,
            Kind::Mention => ClaimKind::Mention,
        }
    }
}

/// New values, one flag per field; `none` clears a field that may be empty.
#[derive(clap::Args, Default)]
pub struct Fields {
    #[arg(long, value_enum)]
    kind: Option<Kind>,
    /// Place id (e.g. cn.dandong), or `none`.
    #[arg(long, value_name = "PLACE")]
    from: Option<String>,
    #[arg(long, value_name = "PLACE")]
    to: Option<String>,
    /// Crossing id (e.g. dandong-sinuiju), or `none`.
    #[arg(long, value_name = "CROSSING")]
    via: Option<String>,
    /// Where goods are held or what a condition is about (place id), or `none`.
    #[arg(long, value_name = "PLACE")]
    at: Option<String>,
    /// inbound, outbound, domestic or unknown.
    #[arg(long)]
    direction: Option<String>,
    /// rail, road, sea, air, pipeline, or `none`.
    #[arg(long)]
    mode: Option<String>,
    /// loaded, empty, or `none`.
    #[arg(long)]
    load: Option<String>,
    /// affirmed or negated.
    #[arg(long)]
    polarity: Option<String>,
    /// A goods item as `HS:words` (e.g. `8418:refrigerators`) or words the lexicon knows;
    /// repeat for each item (the list replaces the claim's); `none` for no goods.
    #[arg(long, value_name = "GOODS")]
    goods: Vec<String>,
    /// A quantity as `VALUE[-MAX] [UNIT][/PER]` (e.g. `300 truck/day`); repeat for each;
    /// `none` for none.
    #[arg(long, value_name = "QUANTITY")]
    quantity: Vec<String>,
    /// When: `DATE` or `DATE..DATE`, or `none`.
    #[arg(long, value_name = "DATES")]
    when: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Subcommand)]
pub enum ReviewCommand {
    /// Claims to look at: those behind findings and with prohibited goods first.
    Queue {
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// The claim is right as it stands.
    Confirm {
        /// Claim id (`aN` for a claim added by review N).
        id: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// The claim is wrong.
    Reject {
        id: String,
        #[arg(long, value_enum)]
        reason: Reason,
        #[arg(long)]
        note: Option<String>,
    },
    /// Some of the claim's values are wrong: give the right ones.
    Correct {
        id: String,
        #[command(flatten)]
        fields: Fields,
        #[arg(long)]
        note: Option<String>,
    },
    /// A claim the extractor missed, on bytes A..B of a source.
    Add {
        /// Source id (see `query sources`).
        #[arg(long)]
        source: i64,
        /// Byte span of the words the claim rests on, `A..B`.
        #[arg(long, value_name = "A..B")]
        span: String,
        #[command(flatten)]
        fields: Fields,
        #[arg(long)]
        note: Option<String>,
    },
    /// A claim's reviews, oldest first (also after reprocess).
    History {
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Keep who said it in added claims' quotes (it can identify a person).
        #[arg(long)]
        include_attribution: bool,
    },
    /// Reviews whose claim today's extraction no longer has.
    Orphans {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[arg(long)]
        include_attribution: bool,
    },
    /// Write the reviewed sources as gold files (DIR/reports, DIR/gold) for score_extract.py.
    ExportGold {
        dir: PathBuf,
        /// Write the reports as archived; by default who said it is withheld in them.
        #[arg(long)]
        include_attribution: bool,
        /// Replace files already in DIR/reports and DIR/gold.
        #[arg(long)]
        force: bool,
    },
}

pub const EXAMPLES: &str = "Examples:
  borderwatch review queue
  borderwatch review confirm 12
  borderwatch review reject 13 --reason wrong-direction --note \"the trucks came back\"
  borderwatch review correct 14 --direction outbound --mode road --goods 8418:refrigerators
  borderwatch review add --source 3 --span 120..188 --kind movement --from cn.quanhe --to kp.wonjong --direction inbound --goods \"steel pipes\"
  borderwatch review history 14
  borderwatch review orphans
  borderwatch review export-gold gold-out/";

/// Who is reviewing: `--reviewer`, else `$BORDERWATCH_REVIEWER`, else the system user.
fn reviewer(explicit: &Option<String>) -> String {
    let given = explicit
        .clone()
        .or_else(|| std::env::var("BORDERWATCH_REVIEWER").ok())
        .filter(|s| !s.trim().is_empty());
    if let Some(r) = given {
        return r.trim().to_string();
    }
    for v in ["USER", "LOGNAME", "USERNAME"] {
        if let Some(u) = std::env::var(v).ok().filter(|s| !s.is_empty()) {
            return u;
        }
    }
    #[cfg(unix)]
    {
        // SAFETY: getuid has no preconditions and cannot fail.
        return format!("uid {}", unsafe { libc::getuid() });
    }
    #[allow(unreachable_code)]
    "unknown".into()
}

fn bad(flag: &str, value: &str, code: IssueCode, why: impl std::fmt::Display) -> Failure {
    Failure::input(format!("error: {flag} {value:?}: {code}: {why}"))
}

fn nullable(v: &str) -> Option<&str> {
    (!v.eq_ignore_ascii_case("none")).then_some(v)
}

/// A place id the gazetteer knows, or `none`.
fn place(r: &Reference, flag: &str, v: &str) -> Result<Option<String>, Failure> {
    let Some(v) = nullable(v) else {
        return Ok(None);
    };
    if r.gazetteer.place(v).is_none() {
        return Err(bad(
            flag,
            v,
            IssueCode::UnknownPlace,
            "no such place id (see `borderwatch places`)",
        ));
    }
    Ok(Some(v.to_string()))
}

fn direction(v: &str) -> Result<Direction, Failure> {
    match v {
        "inbound" => Ok(Direction::Inbound),
        "outbound" => Ok(Direction::Outbound),
        "domestic" => Ok(Direction::Domestic),
        "unknown" => Ok(Direction::Unknown),
        _ => Err(bad(
            "--direction",
            v,
            IssueCode::BadDirection,
            "expected inbound, outbound, domestic or unknown",
        )),
    }
}

fn date(flag: &str, v: &str) -> Result<borderwatch_model::Date, Failure> {
    borderwatch_model::parse_date(v).map_err(|e| bad(flag, v, IssueCode::BadDate, e))
}

/// A goods item from `HS:words` or words, placed at its words in the quote when they are there.
fn goods_item(
    screener: &Screener,
    v: &str,
    quote: &str,
    span: [usize; 2],
) -> Result<GoodsItem, Failure> {
    let (hs, text) = match v.split_once(':') {
        Some((code, words)) if code.trim().chars().all(|c| c.is_ascii_digit()) => {
            let code = HsCode::parse(code.trim())
                .map_err(|e| bad("--goods", v, IssueCode::BadHsCode, e))?;
            (code.as_str().to_string(), words.trim().to_string())
        }
        _ => {
            let found = screener.goods_from_words(v).into_iter().next();
            let Some(g) = found else {
                return Err(bad(
                    "--goods",
                    v,
                    IssueCode::UnknownGoods,
                    "the goods lexicon does not know these words; give the code as HS:words",
                ));
            };
            (g.hs.as_str().to_string(), v.trim().to_string())
        }
    };
    if text.is_empty() {
        return Err(bad("--goods", v, IssueCode::MissingField, "no words"));
    }
    let at = quote
        .to_lowercase()
        .find(&text.to_lowercase())
        .map(|i| [span[0] + i, span[0] + i + text.len()])
        .unwrap_or(span);
    Ok(GoodsItem {
        text,
        hs: Some(hs),
        alternatives: vec![],
        product: None,
        confidence: 1.0,
        span: at,
    })
}

/// `300 truck/day`, `3-4 wagon`, `12 tonne`.
fn quantity(v: &str, span: [usize; 2]) -> Result<Quantity, Failure> {
    let (num, rest) = v.trim().split_once(' ').unwrap_or((v.trim(), ""));
    let (lo, hi) = match num.split_once('-') {
        Some((a, b)) => (a, Some(b)),
        None => (num, None),
    };
    let n = |s: &str| {
        s.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| {
                bad(
                    "--quantity",
                    v,
                    IssueCode::BadNumber,
                    "expected VALUE[-MAX] [UNIT][/PER]",
                )
            })
    };
    let value = n(lo)?;
    let max = hi.map(n).transpose()?;
    let rest = rest.trim();
    let (unit, per) = match rest.split_once('/') {
        Some((u, p)) => (u.trim(), Some(p.trim().to_string())),
        None => (rest, None),
    };
    Ok(Quantity {
        value,
        max,
        unit: (!unit.is_empty()).then(|| unit.to_string()),
        per: per.filter(|p| !p.is_empty()),
        qualifier: if max.is_some() {
            Qualifier::Range
        } else {
            Qualifier::Exact
        },
        text: v.trim().to_string(),
        span,
    })
}

impl Fields {
    /// The fields given, checked against the packs; goods and quantities are placed in `quote`
    /// (bytes `span` of the source).
    fn correction(
        &self,
        r: &Reference,
        screener: &Screener,
        quote: &str,
        span: [usize; 2],
    ) -> Result<Correction, Failure> {
        let mut c = Correction {
            kind: self.kind.map(ClaimKind::from),
            ..Correction::default()
        };
        if let Some(v) = &self.from {
            c.from = Some(place(r, "--from", v)?);
        }
        if let Some(v) = &self.to {
            c.to = Some(place(r, "--to", v)?);
        }
        if let Some(v) = &self.at {
            c.at = Some(place(r, "--at", v)?);
        }
        if let Some(v) = &self.via {
            c.via = Some(match nullable(v) {
                None => None,
                Some(v) if r.gazetteer.crossing(v).is_some() => Some(v.to_string()),
                Some(v) => {
                    return Err(bad(
                        "--via",
                        v,
                        IssueCode::UnknownPlace,
                        "no such crossing id (see `borderwatch places`)",
                    ))
                }
            });
        }
        if let Some(v) = &self.direction {
            c.direction = Some(direction(v)?);
        }
        if let Some(v) = &self.mode {
            c.mode = Some(match nullable(v) {
                None => None,
                Some(m) => Some(match m {
                    "rail" => Mode::Rail,
                    "road" => Mode::Road,
                    "sea" => Mode::Sea,
                    "air" => Mode::Air,
                    "pipeline" => Mode::Pipeline,
                    _ => {
                        return Err(bad(
                            "--mode",
                            m,
                            IssueCode::BadMode,
                            "expected rail, road, sea, air, pipeline or none",
                        ))
                    }
                }),
            });
        }
        if let Some(v) = &self.load {
            c.load = Some(match nullable(v) {
                None => None,
                Some("loaded") => Some(Load::Loaded),
                Some("empty") => Some(Load::Empty),
                Some(other) => {
                    return Err(Failure::input(format!(
                        "error: --load {other:?}: expected loaded, empty or none"
                    )))
                }
            });
        }
        if let Some(v) = &self.polarity {
            c.polarity = Some(match v.as_str() {
                "affirmed" => Polarity::Affirmed,
                "negated" => Polarity::Negated,
                other => {
                    return Err(Failure::input(format!(
                        "error: --polarity {other:?}: expected affirmed or negated"
                    )))
                }
            });
        }
        if !self.goods.is_empty() {
            let mut items = Vec::new();
            for g in &self.goods {
                if nullable(g).is_some() {
                    items.push(goods_item(screener, g, quote, span)?);
                }
            }
            c.goods = Some(items);
        }
        if !self.quantity.is_empty() {
            let mut qs = Vec::new();
            for q in &self.quantity {
                if nullable(q).is_some() {
                    qs.push(quantity(q, span)?);
                }
            }
            c.quantities = Some(qs);
        }
        if let Some(v) = &self.when {
            c.when = Some(match nullable(v) {
                None => None,
                Some(w) => {
                    let (a, b) = w.split_once("..").unwrap_or((w, w));
                    let (start, end) = (date("--when", a)?, date("--when", b)?);
                    if end < start {
                        return Err(Failure::input(format!(
                            "error: --when {w:?}: ends before it starts"
                        )));
                    }
                    Some(When {
                        start: Some(start),
                        end: Some(end),
                        precision: if start == end {
                            Precision::Day
                        } else {
                            Precision::Period
                        },
                        since: false,
                        text: w.to_string(),
                        span,
                    })
                }
            });
        }
        Ok(c)
    }
}

fn target(v: &str) -> Result<Target, Failure> {
    Target::parse(v).ok_or_else(|| {
        Failure::input(format!(
            "error: {v:?}: not a claim id (a number, or aN for a claim added by review N)"
        ))
    })
}

fn refused<T>(r: Result<Result<T, Refused>, borderwatch_store::StoreError>) -> Result<T, Failure> {
    r.map_err(store_err)?
        .map_err(|e| Failure::input(format!("error: {e}")))
}

fn find(store: &Store, t: Target) -> Result<(Subject, SourceState), Failure> {
    refused(review::find(store, t))
}

fn write_review(
    reference: &Reference,
    db: &Option<PathBuf>,
    who: &Option<String>,
    id: &str,
    action: ReviewAction,
    build: impl FnOnce(&Subject) -> Result<(Option<RejectReason>, Option<Correction>), Failure>,
    note: &Option<String>,
) -> Outcome {
    drop(open(db)?);
    let mut store = open_for_writing(db)?;
    let t = target(id)?;
    let (s, _) = find(&store, t)?;
    let (reason, correction) = build(&s)?;
    let j = Judgement {
        action,
        reason,
        correction,
        reviewer: reviewer(who),
        at: now(),
        note: note.clone(),
    };
    let r = refused(review::judge(&mut store, &reference.gazetteer, t, j))?;
    let what = match action {
        ReviewAction::Confirm => "confirmed",
        ReviewAction::Reject => "rejected",
        ReviewAction::Correct => "corrected",
        ReviewAction::Add => "added",
    };
    let fields = r
        .correction
        .as_ref()
        .map(|c| format!(" ({})", c.fields().join(", ")))
        .unwrap_or_default();
    println!("review {}: {what} {id}{fields} by {}", r.id, r.reviewer);
    Ok(0)
}

pub fn run(data: &Option<PathBuf>, db: &Option<PathBuf>, a: &ReviewArgs) -> Outcome {
    let who = &a.reviewer;
    match &a.command {
        ReviewCommand::Confirm { id, note } => write_review(
            &load_reference(data)?,
            db,
            who,
            id,
            ReviewAction::Confirm,
            |_| Ok((None, None)),
            note,
        ),
        ReviewCommand::Reject { id, reason, note } => write_review(
            &load_reference(data)?,
            db,
            who,
            id,
            ReviewAction::Reject,
            |_| Ok((Some(RejectReason::from(*reason)), None)),
            note,
        ),
        ReviewCommand::Correct { id, fields, note } => {
            let reference = load_reference(data)?;
            let screener = Screener::new(&reference.rulebook, &reference.hs);
            write_review(
                &reference,
                db,
                who,
                id,
                ReviewAction::Correct,
                |s| {
                    let quote = s.base.evidence.text.clone();
                    let c =
                        fields.correction(&reference, &screener, &quote, s.base.evidence.span)?;
                    Ok((None, Some(c)))
                },
                note,
            )
        }
        ReviewCommand::Add {
            source,
            span,
            fields,
            note,
        } => add(data, db, who, *source, span, fields, note),
        ReviewCommand::History {
            id,
            format,
            include_attribution,
        } => history(db, id, *format, *include_attribution),
        ReviewCommand::Orphans {
            format,
            include_attribution,
        } => orphans(db, *format, *include_attribution),
        ReviewCommand::Queue { limit, format } => queue(data, db, *limit, *format),
        ReviewCommand::ExportGold {
            dir,
            include_attribution,
            force,
        } => export_gold(data, db, dir, *include_attribution, *force),
    }
}

fn parse_span(v: &str) -> Result<[usize; 2], Failure> {
    let err = || Failure::input(format!("error: --span {v:?}: expected A..B (byte offsets)"));
    let (a, b) = v.split_once("..").ok_or_else(err)?;
    let (a, b) = (
        a.trim().parse::<usize>().map_err(|_| err())?,
        b.trim().parse::<usize>().map_err(|_| err())?,
    );
    if a >= b {
        return Err(Failure::input(format!(
            "error: --span {v:?}: the span is empty or ends before it starts"
        )));
    }
    Ok([a, b])
}

fn add(
    data: &Option<PathBuf>,
    db: &Option<PathBuf>,
    who: &Option<String>,
    source: i64,
    span: &str,
    fields: &Fields,
    note: &Option<String>,
) -> Outcome {
    let reference = load_reference(data)?;
    let screener = Screener::new(&reference.rulebook, &reference.hs);
    let span = parse_span(span)?;
    let Some(kind) = fields.kind else {
        return Err(Failure::input(
            "error: review add: --kind is required (movement, storage, condition, status, policy)",
        ));
    };
    drop(open(db)?);
    let store = open_for_writing(db)?;
    let (src, quote) = refused(review::selection(&store, source, span))?;
    let values = fields.correction(&reference, &screener, &quote, span)?;
    let j = Judgement {
        action: ReviewAction::Add,
        reason: None,
        correction: None,
        reviewer: reviewer(who),
        at: now(),
        note: note.clone(),
    };
    let r = refused(review::add_claim(
        &store,
        &reference.gazetteer,
        &screener,
        &src,
        span,
        &quote,
        kind.into(),
        &values,
        j,
        crate::today(),
        borderwatch_extract::VERSION,
    ))?;
    println!(
        "review {}: added claim a{} on source {source} bytes {}..{} by {}",
        r.id, r.id, span[0], span[1], r.reviewer
    );
    Ok(0)
}

/// A note as shown: its likely speakers withheld unless attribution was asked for.
fn shown_note(n: &Option<String>, attribution: bool) -> String {
    match n {
        Some(n) if attribution => n.clone(),
        Some(n) => redact::text(n),
        None => String::new(),
    }
}

fn review_json(
    r: &Review,
    a: Option<&(Attachment, Option<i64>)>,
    attribution: bool,
) -> serde_json::Value {
    let mut r = if attribution { r.clone() } else { r.redacted() };
    if !attribution {
        r.note = r.note.as_ref().map(|n| redact::text(n));
    }
    let mut v = serde_json::to_value(&r).unwrap_or_default();
    if let (Some(o), Some((att, claim))) = (v.as_object_mut(), a) {
        o.insert("attachment".into(), att.as_str().into());
        o.insert(
            "on_claim".into(),
            claim.map_or(serde_json::Value::Null, serde_json::Value::from),
        );
    }
    v
}

/// One line per review: id, when, who, what, where it stands, note.
fn review_line(r: &Review, a: Option<&(Attachment, Option<i64>)>, attribution: bool) -> String {
    let what = match r.action {
        ReviewAction::Reject => {
            format!("reject {}", r.reason.map_or("other", RejectReason::as_str))
        }
        ReviewAction::Correct => format!(
            "correct {}",
            r.correction
                .as_ref()
                .map(|c| c.fields().join(","))
                .unwrap_or_default()
        ),
        ReviewAction::Add => format!("add {}", r.kind.as_str()),
        ReviewAction::Confirm => "confirm".into(),
    };
    let stands = match a {
        Some((att, Some(c))) => format!("{} (claim {c})", att.as_str()),
        Some((att, None)) => att.as_str().to_string(),
        None => String::new(),
    };
    let note = shown_note(&r.note, attribution);
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}",
        r.id, r.at, r.reviewer, what, stands, note
    )
}

pub fn history(db: &Option<PathBuf>, id: &str, format: Format, attribution: bool) -> Outcome {
    let store = open(db)?;
    let t = target(id)?;
    let (s, st) = find(&store, t)?;
    print_reviews(
        &review::reviews_of(&st, &s),
        &st.attached,
        format,
        attribution,
    );
    Ok(0)
}

fn print_reviews(list: &[&Review], attached: &Attached, format: Format, attribution: bool) {
    match format {
        Format::Json => {
            let v: Vec<serde_json::Value> = list
                .iter()
                .map(|r| review_json(r, attached.reviews.get(&r.id), attribution))
                .collect();
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Table => {
            println!("review\tat\treviewer\taction\tstands\tnote");
            for r in list {
                println!(
                    "{}",
                    review_line(r, attached.reviews.get(&r.id), attribution)
                );
            }
        }
    }
}

/// `show claim` calls this: the claim's reviews and the state they leave it in.
pub fn reviews_of_claim(store: &Store, id: i64, attribution: bool) -> Result<Vec<String>, Failure> {
    let (s, st) = find(store, Target::Claim(id))?;
    let Some(subject) = s.subject else {
        return Ok(vec!["reviews: none".into()]);
    };
    let state = st.attached.claims.get(&id).map_or("", |j| j.state.as_str());
    let mut out = vec![format!("reviews: {state}")];
    if s.seen != s.base {
        out.push(format!("as reviewed: {}", summary(&s.seen)));
    }
    for r in st.reviews.iter().filter(|r| r.subject_id() == subject) {
        out.push(format!(
            "  {}",
            review_line(r, st.attached.reviews.get(&r.id), attribution)
        ));
    }
    Ok(out)
}

/// A claim's judged values on one line: "movement inbound cn.a → kp.b via x road loaded
/// goods 8418:refrigerators".
fn summary(c: &Claim) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".into());
    let mut parts = vec![
        c.kind.as_str().to_string(),
        c.direction.to_string(),
        format!("{} → {}", opt(&c.from), opt(&c.to)),
    ];
    if let Some(v) = &c.via {
        parts.push(format!("via {v}"));
    }
    if let Some(m) = c.mode {
        parts.push(m.to_string());
    }
    if let Some(l) = c.load {
        parts.push(format!("{l:?}").to_lowercase());
    }
    if c.polarity == Polarity::Negated {
        parts.push("negated".into());
    }
    if !c.goods.is_empty() {
        let g: Vec<String> = c
            .goods
            .iter()
            .map(|g| format!("{}:{}", g.hs.as_deref().unwrap_or(""), g.text))
            .collect();
        parts.push(format!("goods {}", g.join("; ")));
    }
    parts.join(" ")
}

pub fn orphans(db: &Option<PathBuf>, format: Format, attribution: bool) -> Outcome {
    let store = open(db)?;
    let list: Vec<(Review, (Attachment, Option<i64>), String)> = review::orphans(&store)
        .map_err(store_err)?
        .into_iter()
        .map(|(r, words)| {
            let words = if attribution {
                words
            } else {
                redact::text(&words)
            };
            (r, (Attachment::Orphaned, None), words)
        })
        .collect();
    match format {
        Format::Json => {
            let v: Vec<serde_json::Value> = list
                .iter()
                .map(|(r, a, words)| {
                    let mut v = review_json(r, Some(a), attribution);
                    if let Some(o) = v.as_object_mut() {
                        o.insert("text".into(), words.clone().into());
                    }
                    v
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Table => {
            println!("review\tat\treviewer\taction\tstands\tnote\tsource\tspan\tkind\ttext");
            for (r, a, words) in &list {
                println!(
                    "{}\t{}\t{}..{}\t{}\t{}",
                    review_line(r, Some(a), attribution),
                    r.source,
                    r.span[0],
                    r.span[1],
                    r.kind.as_str(),
                    words
                );
            }
        }
    }
    if list.is_empty() {
        eprintln!("no orphaned reviews");
    }
    Ok(0)
}

fn queue(data: &Option<PathBuf>, db: &Option<PathBuf>, limit: usize, format: Format) -> Outcome {
    let reference = load_reference(data)?;
    let screener = Screener::new(&reference.rulebook, &reference.hs);
    let view = View {
        as_of: None,
        reviewed_only: false,
        today: crate::today(),
    };
    let r = load_reviewed(
        &open(db)?,
        Detail::Analysis { attribution: false },
        &screener,
        &view,
    )
    .map_err(store_err)?;
    let options = borderwatch_analyze::Options {
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        ..borderwatch_analyze::Options::with_units(&reference.cues.quantity)
    };
    let analysis = borderwatch_analyze::analyze(
        &r.inputs.claims,
        &r.inputs.shipments,
        &reference.gazetteer,
        &options,
    );
    // Why each claim is worth a look: the first finding citing it, else prohibited goods.
    let mut why: HashMap<i64, (usize, String)> = HashMap::new();
    for (i, f) in analysis.findings.iter().enumerate() {
        for e in &f.evidence {
            if let Some(c) = e.claim {
                why.entry(c).or_insert((i, f.id.clone()));
            }
        }
    }
    let n = analysis.findings.len();
    let mut rows: Vec<(usize, i64, String, &borderwatch_analyze::ClaimIn)> = r
        .inputs
        .claims
        .iter()
        .filter(|c| c.review.is_none() && !r.attached.claims.contains_key(&c.id))
        .map(|c| {
            let prohibited = c
                .claim
                .verdicts
                .iter()
                .any(|v| v.status == Status::Prohibited);
            let (rank, reason) = match why.get(&c.id) {
                Some((i, f)) => (*i, format!("finding {f}")),
                None if prohibited => (n, "prohibited goods".into()),
                None => (n + 1, String::new()),
            };
            (rank, c.id, reason, c)
        })
        .collect();
    let total = rows.len();
    rows.sort_by_key(|(rank, id, _, _)| (*rank, *id));
    rows.truncate(limit);
    let corridor = |c: &Claim| borderwatch_analyze::corridor_of_claim(c).unwrap_or_default();
    let goods = |c: &Claim| {
        c.goods
            .iter()
            .map(|g| format!("{}:{}", g.hs.as_deref().unwrap_or(""), g.text))
            .collect::<Vec<_>>()
            .join("; ")
    };
    match format {
        Format::Json => {
            let v: Vec<serde_json::Value> = rows
                .iter()
                .map(|(_, id, reason, c)| {
                    serde_json::json!({
                        "id": id,
                        "why": reason,
                        "source": &*c.source,
                        "kind": c.claim.kind,
                        "direction": c.claim.direction,
                        "corridor": corridor(&c.claim),
                        "goods": goods(&c.claim),
                        "quote": c.claim.evidence.redacted_text(),
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Table => {
            println!("claim\twhy\tsource\tkind\tdirection\tcorridor\tgoods\tquote");
            for (_, id, reason, c) in &rows {
                let mut q = c.claim.evidence.redacted_text().replace('\n', " ");
                if q.chars().count() > 100 {
                    q = q.chars().take(99).collect::<String>() + "…";
                }
                println!(
                    "{id}\t{reason}\t{}\t{}\t{}\t{}\t{}\t{q}",
                    c.source,
                    c.claim.kind.as_str(),
                    c.claim.direction,
                    corridor(&c.claim),
                    goods(&c.claim)
                );
            }
        }
    }
    eprintln!(
        "{} of {total} unreviewed claims shown; {} reviews orphaned (review orphans)",
        rows.len(),
        r.applied.orphaned
    );
    Ok(0)
}

/// A file name for a source in the gold folder: its id, then its name with folders flattened.
fn report_file(id: i64, name: &str) -> String {
    let flat: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{id:03}_{flat}")
}

fn gold_direction(d: Direction) -> Option<&'static str> {
    match d {
        Direction::Inbound => Some("into"),
        Direction::Outbound => Some("out"),
        Direction::Domestic => Some("domestic"),
        Direction::Unknown => None,
    }
}

/// The gold file of one reviewed source (the format of the shared corpus's README): claims a
/// person confirmed, corrected or added are required; the others are optional (nobody looked
/// at them); rejected ones are left out.
fn gold_of(r: &Reference, report: &str, claims: &[(&Claim, bool)]) -> serde_json::Value {
    let gz = &r.gazetteer;
    let below_country = |p: &String| {
        gz.place(p)
            .is_some_and(|p| p.kind != borderwatch_model::PlaceKind::Country)
    };
    let mut places: BTreeSet<String> = BTreeSet::new();
    let mut optional_places: BTreeSet<String> = BTreeSet::new();
    let mut goods: Vec<serde_json::Value> = Vec::new();
    let mut seen_goods: BTreeSet<(String, String, bool)> = BTreeSet::new();
    let mut movements: Vec<serde_json::Value> = Vec::new();
    for (c, vouched) in claims {
        let named = c
            .from
            .iter()
            .chain(&c.to)
            .chain(&c.at)
            .chain(&c.places)
            .filter(|p| below_country(p));
        for p in named {
            if *vouched {
                places.insert(p.clone());
            } else {
                optional_places.insert(p.clone());
            }
        }
        if let Some(x) = c.via.as_ref().and_then(|v| gz.crossing(v)) {
            for s in &x.sides {
                if *vouched {
                    places.insert(s.clone());
                } else {
                    optional_places.insert(s.clone());
                }
            }
        }
        let Some(dir) = gold_direction(c.direction) else {
            continue;
        };
        if matches!(c.kind, ClaimKind::Movement | ClaimKind::Storage) {
            for g in &c.goods {
                let Some(hs) = &g.hs else { continue };
                let key = (hs.clone(), dir.to_string(), *vouched);
                if !seen_goods.insert(key) {
                    continue;
                }
                let mut item = serde_json::json!({
                    "text": g.text, "direction": dir, "optional": !vouched,
                });
                if let Some(o) = item.as_object_mut() {
                    if hs.len() >= 4 {
                        o.insert("hs4".into(), hs[..4].into());
                        o.insert("alt".into(), serde_json::json!([]));
                    } else {
                        o.insert("hs2".into(), hs[..2.min(hs.len())].into());
                    }
                }
                goods.push(item);
            }
        }
        if c.kind != ClaimKind::Movement {
            continue;
        }
        // Ends as place ids (the scorer resolves ids through the gazetteer); a crossing's
        // sides stand for the ends the claim leaves open.
        let sides = c
            .via
            .as_ref()
            .and_then(|v| gz.crossing(v))
            .map(|x| x.sides.clone());
        let (cn_side, kp_side) = match &sides {
            Some([a, b]) => (Some(a.clone()), Some(b.clone())),
            None => (None, None),
        };
        let (from_side, to_side) = match c.direction {
            Direction::Outbound => (kp_side, cn_side),
            _ => (cn_side, kp_side),
        };
        let from = c.from.clone().or(from_side);
        let to = c.to.clone().or(to_side);
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        let mut hs2: Vec<String> = c
            .goods
            .iter()
            .filter_map(|g| g.hs.as_ref().map(|h| h[..2.min(h.len())].to_string()))
            .collect();
        hs2.sort();
        hs2.dedup();
        movements.push(serde_json::json!({
            "from": [from],
            "to": [to],
            "direction": dir,
            "hs2": hs2,
            "load": c.load,
            "mode": c.mode,
            "polarity": c.polarity,
            "optional": !vouched,
        }));
    }
    let optional_places: Vec<&String> = optional_places
        .iter()
        .filter(|p| !places.contains(*p))
        .collect();
    serde_json::json!({
        "report": report,
        "split": "review",
        "places": places,
        "optional_places": optional_places,
        "goods": goods,
        "movements": movements,
        "claims": [],
    })
}

fn export_gold(
    data: &Option<PathBuf>,
    db: &Option<PathBuf>,
    dir: &Path,
    attribution: bool,
    force: bool,
) -> Outcome {
    let reference = load_reference(data)?;
    let screener = Screener::new(&reference.rulebook, &reference.hs);
    let store = open(db)?;
    crate::guard::output(
        "export-gold",
        dir,
        crate::store_cmd::db_file(db).as_deref(),
        &[],
    )?;
    let view = View {
        as_of: None,
        reviewed_only: false,
        today: crate::today(),
    };
    let r = load_reviewed(&store, Detail::Full, &screener, &view).map_err(store_err)?;
    let reviewed: BTreeSet<i64> = r.reviews.iter().map(|x| x.source_id).collect();
    let mut by_source: BTreeMap<i64, Vec<(&Claim, bool)>> = BTreeMap::new();
    for c in &r.inputs.claims {
        if reviewed.contains(&c.source_id) {
            by_source
                .entry(c.source_id)
                .or_default()
                .push((&c.claim, c.reviewed));
        }
    }
    let (reports, gold) = (dir.join("reports"), dir.join("gold"));
    for d in [&reports, &gold] {
        let used = std::fs::read_dir(d).is_ok_and(|mut e| e.next().is_some());
        if used && !force {
            return Err(Failure::input(format!(
                "error: export-gold {}: already holds files (give --force to replace them)",
                d.display()
            )));
        }
    }
    for d in [&reports, &gold] {
        std::fs::create_dir_all(d)
            .map_err(|e| Failure::input(format!("error: {}: {e}", d.display())))?;
    }
    let mut written = 0;
    for s in &reviewed {
        let Some(src) = store.source(*s).map_err(store_err)? else {
            continue;
        };
        let bytes = store
            .source_bytes(*s)
            .map_err(store_err)?
            .unwrap_or_default();
        let claims = by_source.remove(s).unwrap_or_default();
        let text: Vec<u8> = if attribution {
            bytes
        } else {
            let spans: Vec<[usize; 2]> = claims
                .iter()
                .filter_map(|(c, _)| c.evidence.attribution_span)
                .collect();
            match borderwatch_extract::redact::source_text(&src.name, &bytes, &spans) {
                Some(t) => t.into_bytes(),
                None => {
                    eprintln!("warning: {}: not readable as text; left out", src.name);
                    continue;
                }
            }
        };
        let file = report_file(*s, &src.name);
        let path = reports.join(&file);
        std::fs::write(&path, text)
            .map_err(|e| Failure::input(format!("error: {}: {e}", path.display())))?;
        let g = gold_of(&reference, &file, &claims);
        let path = gold.join(format!("{s:03}.json"));
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&g).unwrap_or_default() + "\n",
        )
        .map_err(|e| Failure::input(format!("error: {}: {e}", path.display())))?;
        written += 1;
    }
    println!(
        "wrote {written} reviewed sources to {} (reports/, gold/); score with: score_extract.py BIN {} {}",
        dir.display(),
        reports.display(),
        gold.display()
    );
    Ok(0)
}
