//! Claim assembly: tokens of a document → claims.
//!
//! Per sentence: find the attribution (and leave its words out), split into clauses, give every
//! place a role from the cue before it (from, to, via/at, or none), fold qualifiers ("Dandong in
//! China's Liaoning Province") into the place they qualify, then build the claims the clause
//! supports: policy (a subject changing "from X to Y"), status (a route or mode opened, closed,
//! suspended, resumed), condition (inspection, fees, visibility), storage (held at a place) and
//! movement (a direction signal plus goods, a route, a load or a mode). Clauses without places
//! borrow the route of their sibling clause; sentences that refer back borrow the route of the
//! frame they refer to.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use borderwatch_model::{
    Change, Claim, ClaimKind, ClaimVerdict, ConditionValue, Context, Date, Direction, Evidence,
    GoodsItem, HsCode, Issue, IssueCode, Load, Mode, PlaceKind, Polarity, Qualifier, Quantity,
    RouteStatus, When,
};
use borderwatch_reference::gazetteer::Named;
use borderwatch_screen::Goods;

use crate::decode::Text;
use crate::matcher::{Hit, Role};
use crate::numbers::{numbers, words, Num};
use crate::segment::{sentences, Sentence};
use crate::tagger::{self, Tagged};
use crate::time::{times, TimeExpr};
use crate::{Extractor, Options};

mod endpoints;
mod frames;
mod halt;
mod noun_phrase;

use halt::halted;

/// Most routes one clause can make claims for.
const MAX_ROUTES: usize = 24;

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
enum Tk {
    Place(Rc<str>),
    Crossing(Rc<str>),
    Goods(usize),
    Cue(Role),
}

#[derive(Debug, Clone)]
struct Tok {
    start: usize,
    end: usize,
    tk: Tk,
}

/// How a place relates to the movement in its clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PRole {
    From,
    To,
    Via,
    /// One of two ends named in no order ("between Dandong and Sinuiju").
    Between,
    At,
    None,
}

#[derive(Debug, Clone)]
struct Mention {
    /// Place id, or crossing id when `crossing`.
    id: String,
    crossing: bool,
    start: usize,
    end: usize,
    role: PRole,
    /// Qualifies another place ("in China's Liaoning Province").
    qualifier: bool,
    /// Named only as a comparison ("compared to Hunchun").
    compared: bool,
    /// Follows an exception cue ("except through Hunchun").
    excepted: bool,
    /// Took its role from the place before it ("to Longkou and Lianyungang").
    coordinated: bool,
}

/// A route as a claim carries it.
#[derive(Debug, Clone, PartialEq)]
struct Route {
    from: Option<String>,
    to: Option<String>,
    via: Option<String>,
    direction: Direction,
    mode: Option<Mode>,
    /// The place named for the crossing ("through Hunchun"), put at its end once the direction
    /// is known.
    named: Option<String>,
    /// A place named for the crossing's other side ("from Sinuiju … through Dandong").
    named_other: Option<String>,
    /// One leg of a chain ("trucked from Dandong to Longkou and shipped to Nampo"): its
    /// direction comes from its own ends.
    leg: bool,
}

/// A route a later sentence can refer back to, with the sentence that named it.
#[derive(Debug, Clone)]
struct Frame {
    routes: Vec<Route>,
    sentence: usize,
}

pub(crate) struct Doc<'a, 'r> {
    x: &'a Extractor<'r>,
    source: &'a str,
    text: &'a Text,
    opts: &'a Options,
    toks: Vec<Tok>,
    sents: Vec<Sentence>,
    claims: Vec<Claim>,
    pub(crate) issues: Vec<Issue>,
    /// Routes named by the latest sentence that named any.
    last_routes: Option<Frame>,
    /// The frame each sentence used or made (for goods lists continued in the next sentence).
    sentence_frame: Vec<Option<Frame>>,
    /// Attribution text and span per sentence.
    attribution: Vec<Option<(String, usize, usize)>>,
    verdict_cache: HashMap<(String, Option<String>, Direction, Date), ClaimVerdict>,
    /// The latest goods named in any clause, with the sentence that named them ("the cargo").
    last_goods: Option<(usize, Vec<GoodsItem>)>,
    /// Sentences whose routes are the way back of an earlier route.
    returning: BTreeSet<usize>,
    /// Time expressions and numbers of the sentence being read (found once per sentence).
    cur_times: Vec<TimeExpr>,
    cur_nums: Vec<Num>,
    cur_places: Vec<String>,
    /// Parts of speech of the sentence being read (tagged only when it names goods).
    cur_tags: Tagged,
    /// The latest storage claim's place, with its sentence: goods "unloaded" from a parked
    /// train leave from where it stands.
    last_storage: Option<(usize, String)>,
    claim_keys: HashSet<String>,
    crossing_memo: std::cell::RefCell<CrossingMemo>,
    /// (sentence that named it, direction, crossing) of movements with a known direction.
    recent_directions: Vec<(usize, Direction, String)>,
}

type CrossingMemo = HashMap<(String, Option<String>), Option<String>>;

/// Clause-level facts gathered from tokens.
#[derive(Debug, Default, Clone)]
struct Facts {
    import: Option<usize>,
    export: Option<usize>,
    move_verb: Option<usize>,
    /// Every word that moves goods (verbs, import/export words), by position.
    triggers: Vec<usize>,
    ret: bool,
    reverse: bool,
    load: Option<Load>,
    storage: bool,
    mode: Option<Mode>,
    /// Every mode cue with its position (for the legs of a chain).
    modes: Vec<(usize, Mode)>,
    /// Modes implied by the clause's verbs (frames), weaker than a vehicle or mode word.
    frame_modes: Vec<(usize, Mode)>,
    negation: Option<usize>,
    /// A rule or decision that forbids or halts the flow ("banned exports of").
    ban: Option<usize>,
    exception: Option<usize>,
    ref_vehicle: bool,
    ref_cargo: bool,
    ref_route: bool,
    other_route: bool,
    status: Vec<(RouteStatus, usize, usize)>,
    planned: Vec<usize>,
    status_subject: bool,
    /// Where the status subjects are ("smuggling … suspended").
    subjects: Vec<usize>,
    /// A country other than the DPRK that is the subject of an import or export word ("China
    /// has suspended imports"): the trade is seen from its side.
    trading_country: Option<String>,
    conditions: Vec<(&'static str, &'static str)>,
    policy_subject: Option<(usize, usize)>,
    to_country: Option<String>,
    from_country: Option<String>,
    with_country: Option<String>,
}

impl<'a, 'r> Doc<'a, 'r> {
    pub(crate) fn new(
        x: &'a Extractor<'r>,
        source: &'a str,
        text: &'a Text,
        opts: &'a Options,
    ) -> Doc<'a, 'r> {
        Doc {
            x,
            source,
            text,
            opts,
            toks: Vec::new(),
            sents: Vec::new(),
            claims: Vec::new(),
            issues: Vec::new(),
            last_routes: None,
            sentence_frame: Vec::new(),
            attribution: Vec::new(),
            verdict_cache: HashMap::new(),
            last_goods: None,
            returning: BTreeSet::new(),
            cur_times: Vec::new(),
            cur_nums: Vec::new(),
            cur_places: Vec::new(),
            cur_tags: Tagged::default(),
            last_storage: None,
            crossing_memo: Default::default(),
            recent_directions: Vec::new(),
            claim_keys: HashSet::new(),
        }
    }

    fn gz(&self) -> &'r borderwatch_reference::Gazetteer {
        &self.x.reference.gazetteer
    }

    pub(crate) fn run(&mut self) -> Vec<Claim> {
        let clean = &self.text.clean;
        self.sents = sentences(clean);
        self.tokenize();
        self.find_attributions();
        self.sentence_frame = vec![None; self.sents.len()];
        for i in 0..self.sents.len() {
            // A request whose client has gone stops here rather than running to the end.
            if i % 256 == 0 && self.opts.cancelled() {
                break;
            }
            self.sentence(i);
        }
        std::mem::take(&mut self.claims)
    }

    // ---- tokens -------------------------------------------------------------------------

    fn tokenize(&mut self) {
        let clean = &self.text.clean;
        let found = self.x.matcher.scan(clean);
        let mut toks = Vec::with_capacity(found.len() * 2);
        let mut ambiguous: Vec<(usize, Vec<Named>)> = Vec::new();
        for f in &found {
            for hit in &self.x.matcher.payloads[f.pattern] {
                let tk = match hit {
                    Hit::Goods(i) => Tk::Goods(*i),
                    Hit::Cue(r) => Tk::Cue(*r),
                    Hit::Place(named) => match self.one_thing(named) {
                        Some(n) => named_tk(&n),
                        None => {
                            ambiguous.push((toks.len(), named.clone()));
                            Tk::Place(Rc::from(""))
                        }
                    },
                };
                toks.push(Tok {
                    start: f.start,
                    end: f.end,
                    tk,
                });
            }
        }
        // Ambiguous names: the candidate whose neighbourhood the document mentions wins.
        let mentioned: BTreeSet<String> = toks
            .iter()
            .filter_map(|t| match &t.tk {
                Tk::Place(id) if !id.is_empty() => Some(id.to_string()),
                Tk::Crossing(id) => Some(id.to_string()),
                _ => None,
            })
            .collect();
        for (k, named) in ambiguous {
            let scored: Vec<(usize, &Named)> = named
                .iter()
                .map(|n| (self.neighbourhood(n).intersection(&mentioned).count(), n))
                .collect();
            let best = scored.iter().map(|s| s.0).max().unwrap_or(0);
            let winners: Vec<&Named> = scored
                .iter()
                .filter(|s| s.0 == best && best > 0)
                .map(|s| s.1)
                .collect();
            if winners.len() == 1 {
                toks[k].tk = named_tk(winners[0]);
            } else {
                let t = &toks[k];
                let [s, _] = self.text.span(t.start, t.end);
                self.issues.push(
                    Issue::new(
                        IssueCode::AmbiguousPlace,
                        format!(
                            "byte {s}: {:?} names {} and the report does not say which",
                            &clean[t.start..t.end],
                            named.iter().map(Named::id).collect::<Vec<_>>().join(", ")
                        ),
                    )
                    .value(&clean[t.start..t.end]),
                );
                if let Some(i) = self.issues.last_mut() {
                    i.file = Some(self.source.into());
                }
            }
        }
        toks.retain(|t| !matches!(&t.tk, Tk::Place(id) if id.is_empty()));
        // "Tumen River" is not Tumen.
        let not_after: Vec<(usize, usize)> = toks
            .iter()
            .filter(|t| t.tk == Tk::Cue(Role::NotAfterPlace))
            .map(|t| (t.start, t.end))
            .collect();
        toks.retain(|t| {
            !matches!(t.tk, Tk::Place(_) | Tk::Crossing(_))
                || !not_after.iter().any(|&(s, _)| s > t.end && s <= t.end + 1)
        });
        self.toks = toks;
    }

    /// The one thing a set of names means, when it is one (a crossing with its own bridge).
    fn one_thing(&self, named: &[Named]) -> Option<Named> {
        if named.len() == 1 {
            return Some(named[0].clone());
        }
        let crossings: Vec<&Named> = named
            .iter()
            .filter(|n| matches!(n, Named::Crossing(_)))
            .collect();
        if crossings.len() == 1 {
            let c = self.gz().crossing(crossings[0].id())?;
            let all = named.iter().all(|n| match n {
                Named::Crossing(_) => true,
                Named::Place(id) => c.bridges.contains(id) || c.facilities.contains(id),
            });
            if all {
                return Some(crossings[0].clone());
            }
        }
        None
    }

    /// Places that make a candidate likely: its ancestors below country level, and the sides
    /// of its crossings with their ancestors.
    fn neighbourhood(&self, n: &Named) -> BTreeSet<String> {
        let gz = self.gz();
        let mut seeds: Vec<String> = vec![n.id().to_string()];
        match n {
            Named::Crossing(id) => {
                if let Some(c) = gz.crossing(id) {
                    seeds.extend(c.sides.iter().cloned());
                }
            }
            Named::Place(id) => {
                for c in gz.crossings_at(id) {
                    seeds.extend(c.sides.iter().cloned());
                    seeds.push(c.id.clone());
                }
            }
        }
        let mut out = BTreeSet::new();
        for s in seeds {
            out.insert(s.clone());
            for p in gz.ancestry(&s) {
                if !matches!(p.kind, PlaceKind::Country | PlaceKind::Province) {
                    out.insert(p.id.clone());
                }
            }
        }
        out.remove(n.id());
        out
    }

    fn toks_in(&self, s: usize, e: usize) -> std::ops::Range<usize> {
        let a = self.toks.partition_point(|t| t.start < s);
        let b = self.toks.partition_point(|t| t.start < e);
        a..b.max(a)
    }

    // ---- attribution --------------------------------------------------------------------

    fn find_attributions(&mut self) {
        let clean = &self.text.clean;
        let mut out: Vec<Option<(String, usize, usize)>> = Vec::with_capacity(self.sents.len());
        let mut last_named: Option<String> = None;
        for s in &self.sents {
            let r = self.toks_in(s.start, s.end);
            let toks = &self.toks[r];
            let mut found = None;
            for (k, t) in toks.iter().enumerate() {
                if t.tk != Tk::Cue(Role::AttrVerb) {
                    continue;
                }
                let verb = &clean[t.start..t.end];
                if verb.eq_ignore_ascii_case("according to") {
                    let e = clean[t.end..s.end]
                        .find([',', '.', ';'])
                        .map_or(s.end, |i| t.end + i);
                    found = Some((t.end, e));
                    break;
                }
                // Head before the verb, within the last two comma segments.
                let before = toks[..k]
                    .iter()
                    .rev()
                    .take_while(|h| t.start - h.end < 160)
                    .find(|h| h.tk == Tk::Cue(Role::AttrHead));
                if let Some(h) = before {
                    let mut b = boundary_before(clean, s.start, h.start);
                    // "…, who declined to be named, told RFA": the head's segment starts earlier.
                    if b > h.start {
                        b = s.start;
                    }
                    found = Some((b, t.start));
                    break;
                }
                // Head after the verb: "said the source in Dandong."
                let after = toks[k + 1..]
                    .iter()
                    .take_while(|h| h.start - t.end < 40)
                    .find(|h| h.tk == Tk::Cue(Role::AttrHead))
                    .filter(|h| {
                        // "said the source", "said a trader in Dandong": only little words between.
                        clean[t.end..h.start].split_whitespace().count() <= 3
                            && !clean[t.end..h.start].contains([',', '“', '"'])
                            && verb.len() <= 9
                    });
                if let Some(h) = after {
                    let e = clean[h.end..s.end]
                        .find([',', '.', ';', '“', '"'])
                        .map_or(s.end, |i| h.end + i);
                    found = Some((t.end, e));
                    break;
                }
            }
            let att = found.map(|(a, b)| {
                let a = a + clean[a..b].len() - clean[a..b].trim_start().len();
                let b = a + clean[a..b].trim().trim_end_matches([',', '”', '"']).len();
                let mut t = clean[a..b].to_string();
                if matches!(t.to_ascii_lowercase().as_str(), "he" | "she" | "they") {
                    if let Some(prev) = &last_named {
                        t = prev.clone();
                    }
                } else {
                    last_named = Some(t.clone());
                }
                (t, a, b)
            });
            out.push(att);
        }
        // Sentences inside a quotation take the attribution of the quote's paragraph. One pass
        // each way keeps this linear in the sentences: the quote marks before a sentence are
        // counted on from the sentence before, and the next attributed sentence of the same
        // paragraph is found from the end.
        let n = self.sents.len();
        let mut next_attributed: Vec<Option<usize>> = vec![None; n];
        for i in (0..n.saturating_sub(1)).rev() {
            if self.sents[i + 1].paragraph == self.sents[i].paragraph {
                next_attributed[i] = if out[i + 1].is_some() {
                    Some(i + 1)
                } else {
                    next_attributed[i + 1]
                };
            }
        }
        let (mut opens, mut closes, mut counted_to) = (0usize, 0usize, 0usize);
        for i in 0..n {
            let s = self.sents[i];
            if i == 0 || self.sents[i - 1].paragraph != s.paragraph {
                (opens, closes, counted_to) = (0, 0, s.start);
            }
            let before = &clean[counted_to..s.start];
            opens += before.matches(['“', '"']).count();
            closes += before.matches('”').count();
            counted_to = s.start;
            if out[i].is_some() {
                continue;
            }
            let opened = opens > closes;
            let starts_quote = clean[s.start..].starts_with(['“', '"']);
            if !(opened || starts_quote) {
                continue;
            }
            if let Some((t, _, _)) = next_attributed[i].and_then(|j| out[j].clone()) {
                // Borrowed attribution has no span inside this sentence.
                out[i] = Some((t, usize::MAX, usize::MAX));
            }
        }
        self.attribution = out;
    }

    // ---- one sentence -------------------------------------------------------------------

    fn sentence(&mut self, si: usize) {
        let s = self.sents[si];
        let att = self.attribution[si].clone();
        let (att_s, att_e) = att
            .as_ref()
            .map_or((usize::MAX, usize::MAX), |a| (a.1, a.2));
        let r = self.toks_in(s.start, s.end);
        // Only sentences naming a place, goods, or a status, condition, policy, storage or load
        // word can make a claim; the rest (most of an article) are skipped cheaply.
        let promising = self.toks[r.clone()].iter().any(|t| match &t.tk {
            Tk::Place(_) | Tk::Crossing(_) | Tk::Goods(_) => true,
            Tk::Cue(role) => matches!(
                role,
                Role::Status(_)
                    | Role::Condition(..)
                    | Role::PolicySubject
                    | Role::Storage
                    | Role::LoadEmpty
                    | Role::LoadFull
                    | Role::Return
                    | Role::Reverse
                    | Role::RefVehicle
                    | Role::RefCargo
                    | Role::RefRoute
            ),
        });
        if !promising {
            return;
        }
        self.cur_times = times(&self.text.clean, s.start, s.end);
        self.cur_nums = numbers(&self.text.clean, s.start, s.end);
        self.cur_places = self.sentence_places(si);
        self.cur_tags = if self.toks[r.clone()]
            .iter()
            .any(|t| matches!(t.tk, Tk::Goods(_)))
        {
            tagger::tag(&self.x.reference.pos, &self.text.clean, s.start, s.end)
        } else {
            Tagged::default()
        };
        // "May" in "early May" is a month, not a hedge.
        let time_spans: Vec<(usize, usize)> =
            self.cur_times.iter().map(|t| (t.start, t.end)).collect();
        let toks: Vec<Tok> = self.toks[r]
            .iter()
            .filter(|t| !(t.start >= att_s && t.end <= att_e))
            .filter(|t| {
                !matches!(t.tk, Tk::Cue(_))
                    || !time_spans.iter().any(|&(a, b)| t.start >= a && t.end <= b)
            })
            // Speech words ("said", "source") are about the telling, not the trade.
            .filter(|t| !matches!(t.tk, Tk::Cue(Role::AttrHead) | Tk::Cue(Role::AttrVerb)))
            .cloned()
            .collect();
        let clauses = split_clauses(&toks, &self.text.clean, s.start, s.end);
        let sentence_hedged = toks.iter().any(|t| t.tk == Tk::Cue(Role::Hedge));
        let sentence_mode = toks.iter().find_map(|t| match t.tk {
            Tk::Cue(Role::Mode(m)) => Some(m),
            _ => None,
        });
        let all_mentions = self.mentions(&toks);
        let mut sentence_routes: Vec<Route> = Vec::new();
        let mut frame_used: Option<Frame> = None;
        let mut prev_clause_routes: Vec<Route> = Vec::new();
        let mut prev_direction = Direction::Unknown;
        for (ci, &(cs, ce)) in clauses.iter().enumerate() {
            let ctoks: Vec<Tok> = toks
                .iter()
                .filter(|t| t.start >= cs && t.start < ce)
                .cloned()
                .collect();
            let facts = self.facts(&ctoks);
            let mentions: Vec<Mention> = all_mentions
                .iter()
                .filter(|m| m.start >= cs && m.start < ce)
                .cloned()
                .collect();
            let base = ClaimBase {
                si,
                clause: (cs, ce),
                hedged: sentence_hedged,
                attribution: att.clone(),
            };
            // Policy first: "shortened the quarantine period from 7–20 days to 3–4 days".
            if let Some(c) = self.policy(&base, &facts, &ctoks) {
                self.push(c);
                continue;
            }
            let own_places = mentions.iter().any(|m| !m.qualifier && !m.compared);
            // Sibling clauses share the sentence's places unless they point elsewhere.
            let sibling: Vec<Mention> = if own_places || facts.other_route {
                Vec::new()
            } else {
                all_mentions
                    .iter()
                    .filter(|m| !m.qualifier && !m.compared && (m.start < cs || m.start >= ce))
                    .cloned()
                    .collect()
            };
            let subject: Vec<Mention> = if own_places {
                mentions.clone()
            } else {
                sibling.clone()
            };
            self.statuses(&base, &facts, &subject, sentence_mode);
            self.conditions(&base, &facts, &subject);
            self.storage(&base, &facts, &ctoks, &subject, sentence_mode);
            // Movement.
            let mode = facts.mode.or(sentence_mode);
            let mut routes = self.routes(&facts, &mentions, mode, false);
            let mut context: Option<usize> = None;
            let has_signal = facts.import.is_some()
                || facts.export.is_some()
                || facts.ret
                || facts.reverse
                || facts.to_country.is_some()
                || facts.from_country.is_some()
                || mentions
                    .iter()
                    .any(|m| matches!(m.role, PRole::From | PRole::To) && !m.qualifier);
            let triggered = facts.move_verb.is_some()
                || facts.import.is_some()
                || facts.export.is_some()
                || facts.ret
                || facts.load.is_some()
                || facts.mode.is_some();
            let mut goods = self.goods(&ctoks);
            if goods.is_empty() && facts.ref_cargo {
                // "The cargo is trucked from …": the goods of a sentence just before.
                if let Some((j, g)) = self
                    .last_goods
                    .clone()
                    .filter(|(j, _)| *j < si && si - j <= 2)
                {
                    goods = g;
                    context = Some(j);
                }
            }
            if !goods.is_empty() && context.is_none() {
                self.last_goods = Some((si, goods.clone()));
            }
            if routes.is_empty() && !facts.other_route {
                if facts.ret || facts.reverse {
                    // "…but come back empty", "nothing goes the other way": the route just named.
                    let back = if prev_clause_routes.is_empty() {
                        // The way back of a route named in the sentence just before, in the same
                        // paragraph ("Wagons coming back to Russia …").
                        let prev = si
                            .checked_sub(1)
                            .filter(|&p| self.sents[p].paragraph == s.paragraph);
                        match prev.and_then(|p| self.sentence_frame[p].clone().map(|f| (p, f))) {
                            Some((p, f)) if f.routes.iter().any(has_place) => {
                                context = Some(f.sentence);
                                // The sentence before was itself the way back (its frame keeps
                                // the route it borrowed, already turned round).
                                if self.returning.contains(&f.sentence)
                                    || self.returning.contains(&p)
                                {
                                    // Already the way back: "They return empty. Nothing comes back."
                                    f.routes.iter().map(reversed).collect()
                                } else {
                                    f.routes
                                }
                            }
                            _ => Vec::new(),
                        }
                    } else {
                        prev_clause_routes.clone()
                    };
                    let back = if back.is_empty()
                        && (facts.ref_vehicle || facts.ref_cargo || facts.ref_route)
                    {
                        // "The trucks return to China empty": the frame the trucks came from.
                        match self.refer_back(si, &facts) {
                            Some(f) => {
                                context = Some(f.sentence);
                                f.routes
                            }
                            None => Vec::new(),
                        }
                    } else {
                        back
                    };
                    routes = back.iter().map(reversed).collect();
                    if !routes.is_empty() {
                        self.returning.insert(si);
                    }
                } else if !sibling.is_empty() && ci > 0 {
                    routes = prev_clause_routes.clone();
                } else if facts.ref_route || facts.ref_vehicle || facts.ref_cargo {
                    if let Some(f) = self.refer_back(si, &facts) {
                        context = Some(f.sentence);
                        routes = f.routes.clone();
                        frame_used = Some(f);
                    }
                } else if !goods.is_empty() && !has_signal && !facts.storage {
                    // A goods list continued from the sentence before ("There were also …").
                    if let Some(f) = si
                        .checked_sub(1)
                        .and_then(|p| self.sentence_frame[p].clone())
                    {
                        context = Some(f.sentence);
                        routes = f.routes.clone();
                        frame_used = Some(f);
                    }
                }
            }
            let borrowed = context.is_some();
            let inherited = !routes.is_empty() && !own_places && ci > 0;
            // Through a named crossing with goods or a denial, direction unsaid: still a movement.
            let through = mentions.iter().any(|m| {
                (m.crossing
                    || matches!(m.role, PRole::Via | PRole::Between)
                    || self.is_crossing_part(&m.id))
                    && !m.qualifier
                    && !m.compared
            });
            let routed = through
                && routes.iter().any(|r| r.via.is_some())
                && facts.move_verb.is_some()
                && (facts.negation.is_some() || !goods.is_empty());
            let has_signal = has_signal || (inherited && triggered) || routed;
            if !(has_signal || borrowed) || !(triggered || !goods.is_empty() || borrowed) {
                if !routes.is_empty() && facts.mode.is_some() {
                    // A vehicle on a named route, direction unsaid: later sentences may refer to
                    // it. When it refers back to a frame on the same crossing, that frame says
                    // which way it goes.
                    let back = (facts.ref_vehicle || facts.ref_cargo)
                        .then(|| self.refer_back(si, &facts))
                        .flatten()
                        .filter(|f| {
                            f.routes
                                .iter()
                                .any(|r| r.via.is_some() && routes.iter().any(|q| q.via == r.via))
                        });
                    match back {
                        Some(f) => sentence_routes.extend(f.routes),
                        None => sentence_routes.extend(routes.iter().cloned()),
                    }
                }
                continue;
            }
            let mut direction = self.direction(&facts, &mentions);
            if direction == Direction::Unknown && facts.reverse {
                direction = flip(prev_direction);
            } else if direction == Direction::Unknown && inherited {
                direction = routes[0].direction;
            }
            let quantities = self.quantities(&ctoks, cs, ce);
            if routes.is_empty() {
                routes.push(Route {
                    from: None,
                    to: None,
                    via: None,
                    direction,
                    mode,
                    named: None,
                    named_other: None,
                    leg: false,
                });
            }
            let halted = halted(&facts);
            let negated = match (facts.negation, facts.exception) {
                _ if halted && facts.negation.is_none() => true,
                (Some(_), Some(_)) => false,
                // A denial governs a movement word after it: "nothing goes", "did not
                // export"; not "goods entering X are not subject to sanctions".
                (Some(n), None) => {
                    let after = facts.triggers.iter().any(|&t| t > n)
                        || mentions.iter().any(|m| m.role == PRole::To && m.start > n);
                    after || facts.triggers.is_empty()
                }
                _ => false,
            };
            let concrete = !goods.is_empty()
                || facts.load.is_some()
                || !quantities.is_empty()
                || routes.iter().any(has_place);
            // A borrowed route adds nothing without goods, numbers, a load or a denial of its own.
            let adds =
                !goods.is_empty() || !quantities.is_empty() || facts.load.is_some() || negated;
            if !concrete || (borrowed && !adds) {
                prev_clause_routes = routes.into_iter().filter(has_place).collect();
                prev_direction = direction;
                continue;
            }
            // Traffic denied on a route with no direction said: denied both ways.
            // Later sentences that refer back take the route as named, not both directions.
            let as_named = (negated && direction == Direction::Unknown).then(|| routes.clone());
            if as_named.is_some() {
                routes = self.both_ways(routes);
            }
            let mut made = Vec::new();
            for route in &routes {
                // A leg, a borrowed route with nothing said of direction, or the way back of a
                // route keeps the route's own direction.
                let own = route.direction != Direction::Unknown;
                let keep = (route.leg && own)
                    || (borrowed && direction == Direction::Unknown)
                    || ((facts.ret || facts.reverse) && own);
                let mut dir = if keep { route.direction } else { direction };
                let mut claim_context = context;
                if dir == Direction::Unknown {
                    // Direction unsaid on a crossing just written about: the way the last
                    // movement on it went ("… exports clothing through Dandong. Twenty trucks
                    // loaded with textiles cross the bridge every day.").
                    let last = route.via.as_ref().and_then(|v| {
                        self.recent_directions
                            .iter()
                            .rev()
                            .find(|(j, _, rv)| rv == v && j + 3 >= si && *j < si)
                            .map(|(j, d, _)| (*j, *d))
                    });
                    if let Some((j, d)) = last {
                        dir = d;
                        claim_context = claim_context.or(Some(j));
                    }
                }
                let route = orient(self.gz(), route, dir);
                let route = Route {
                    mode: if route.leg {
                        route.mode.or(mode)
                    } else {
                        mode.or(route.mode)
                    },
                    ..route
                };
                made.push(route.clone());
                if let (Some(v), false) = (&route.via, dir == Direction::Unknown) {
                    let origin = claim_context.unwrap_or(si);
                    self.recent_directions.push((origin, dir, v.clone()));
                }
                let (from, to) = self.country_ends(&route, &facts, dir);
                let corridor = match (&from, &to) {
                    (Some(a), Some(b)) => self.corridor_between(si, a, b, route.mode),
                    _ => None,
                };
                let (from, to, via, claim_context) = match corridor {
                    Some((r, j)) => (r.from, r.to, r.via.or(route.via.clone()), Some(j)),
                    None => (from, to, route.via.clone(), claim_context),
                };
                let (from, claim_context, dir) = match (from, self.stored_origin(si, &facts)) {
                    (None, Some((j, at))) if to.as_deref() != Some(at.as_str()) => {
                        let d = self.direction_between(&at, to.as_deref()).unwrap_or(dir);
                        (Some(at), claim_context.or(Some(j)), d)
                    }
                    (from, _) => (from, claim_context, dir),
                };
                let mut c = self.claim(&base, ClaimKind::Movement, &mentions, claim_context);
                c.from = from;
                c.to = to;
                c.via = via;
                c.direction = dir;
                c.mode = route.mode;
                c.load = facts.load;
                // "agreed … to export", "will carry": intended, not done.
                c.planned = facts
                    .planned
                    .iter()
                    .any(|&p| facts.triggers.iter().any(|&t| p < t && t - p < 60));
                c.polarity = if negated {
                    Polarity::Negated
                } else {
                    Polarity::Affirmed
                };
                c.goods = goods.clone();
                c.quantities = quantities.clone();
                c.when = self.when(cs, ce, s.start, s.end);
                self.screen(&mut c);
                self.push(c);
            }
            if let Some(named) = as_named {
                made = named;
            }
            prev_direction = made.first().map_or(direction, |r| r.direction);
            let placed: Vec<Route> = made.iter().filter(|r| has_place(r)).cloned().collect();
            if let Some(origin) = context.filter(|_| borrowed) {
                // A borrowed route keeps pointing at the sentence that named it, so a chain of
                // references ("the train" … "the cargo" … "there were also") cites the origin.
                prev_clause_routes = placed;
                frame_used = Some(Frame {
                    routes: made.clone(),
                    sentence: origin,
                });
            } else if !placed.is_empty() {
                sentence_routes.extend(placed.iter().cloned());
                prev_clause_routes = placed;
            } else if frame_used.is_none() {
                frame_used = Some(Frame {
                    routes: made.clone(),
                    sentence: si,
                });
            }
        }
        if !sentence_routes.is_empty() {
            let f = Frame {
                routes: dedup(sentence_routes),
                sentence: si,
            };
            self.last_routes = Some(f.clone());
            self.sentence_frame[si] = Some(f);
        } else {
            self.sentence_frame[si] = frame_used.or_else(|| {
                // A sentence that names a vehicle or cargo refers to the latest frame.
                let refers = toks
                    .iter()
                    .any(|t| matches!(t.tk, Tk::Cue(Role::RefVehicle) | Tk::Cue(Role::RefCargo)));
                if refers {
                    self.refer_back(si, &Facts::default())
                } else {
                    None
                }
            });
        }
    }

    /// The frame a reference word points to: the latest named routes, else the latest frame.
    fn refer_back(&self, si: usize, facts: &Facts) -> Option<Frame> {
        if facts.ref_route {
            if let Some(f) = &self.last_routes {
                return Some(f.clone());
            }
        }
        let recent = || {
            (0..si)
                .rev()
                .take(12)
                .filter_map(|j| self.sentence_frame[j].clone())
        };
        if let Some(m) = facts.mode {
            if let Some(f) = recent().find(|f| f.routes.iter().any(|r| r.mode == Some(m))) {
                return Some(f);
            }
        }
        recent().find(|f| {
            facts.mode.is_none()
                || f.routes
                    .iter()
                    .any(|r| r.mode.is_none() || r.mode == facts.mode)
        })
    }

    // ---- facts, mentions and roles ------------------------------------------------------

    fn facts(&self, toks: &[Tok]) -> Facts {
        let mut f = Facts::default();
        for (k, t) in toks.iter().enumerate() {
            if let Tk::Cue(role) = t.tk {
                self.frame_of(role, t, &mut f);
            }
            let Tk::Cue(role) = t.tk else {
                if let Tk::Place(id) = &t.tk {
                    if self.is_country(id) {
                        let prev = prev_cue(toks, k, &self.text.clean);
                        match prev {
                            Some(Role::To) => f.to_country = Some(id.to_string()),
                            Some(Role::From) => f.from_country = Some(id.to_string()),
                            _ => {
                                let before = &self.text.clean[..t.start];
                                if ends_with_ci(before.trim_end(), "with") {
                                    f.with_country = Some(id.to_string());
                                }
                                if self.trades_as_subject(toks, k) {
                                    f.trading_country = Some(id.to_string());
                                }
                            }
                        }
                    }
                }
                continue;
            };
            match role {
                Role::Import => {
                    f.import.get_or_insert(t.start);
                    f.triggers.push(t.start);
                }
                Role::Export => {
                    f.export.get_or_insert(t.start);
                    f.triggers.push(t.start);
                }
                Role::MoveVerb => {
                    f.move_verb.get_or_insert(t.start);
                    f.triggers.push(t.start);
                }
                Role::Return => f.ret = true,
                Role::Reverse => f.reverse = true,
                Role::LoadEmpty => f.load = Some(Load::Empty),
                Role::LoadFull if f.load.is_none() => f.load = Some(Load::Loaded),
                Role::Storage => f.storage = true,
                Role::Mode(m) => {
                    f.mode.get_or_insert(m);
                    f.modes.push((t.start, m));
                }
                Role::Negation => {
                    f.negation.get_or_insert(t.start);
                }
                Role::Exception => {
                    f.exception.get_or_insert(t.start);
                }
                Role::Ban => {
                    f.ban.get_or_insert(t.start);
                }
                Role::RefVehicle => f.ref_vehicle = true,
                Role::RefCargo => f.ref_cargo = true,
                Role::RefRoute => f.ref_route = true,
                Role::OtherRoute => f.other_route = true,
                Role::Status(s) => f.status.push((s, t.start, t.end)),
                Role::Planned => f.planned.push(t.start),
                Role::StatusSubject => {
                    f.status_subject = true;
                    f.subjects.push(t.start);
                }
                Role::Condition(a, v) if !f.conditions.contains(&(a, v)) => {
                    f.conditions.push((a, v))
                }
                Role::PolicySubject => {
                    f.policy_subject.get_or_insert((t.start, t.end));
                }
                Role::To | Role::From => {
                    // "entered", "departed" move things too.
                    let w = &self.text.clean[t.start..t.end];
                    if w.len() > 4 {
                        f.move_verb.get_or_insert(t.start);
                        f.triggers.push(t.start);
                    }
                }
                _ => {}
            }
        }
        // A verb's mode counts where no vehicle or mode word says otherwise: per leg (its
        // position among the modes) and for the clause.
        if f.mode.is_none() {
            f.mode = f.frame_modes.first().map(|x| x.1);
        }
        for &(p, m) in &f.frame_modes {
            f.modes.push((p, m));
        }
        f.modes.sort_by_key(|x| x.0);
        f
    }

    fn is_country(&self, id: &str) -> bool {
        self.gz()
            .place(id)
            .is_some_and(|p| p.kind == PlaceKind::Country)
    }

    fn country(&self, id: &str) -> Option<String> {
        if let Some(c) = self.x.countries.get(id) {
            return Some(c.clone());
        }
        let c = self.gz().crossing(id)?;
        self.country(&c.sides[0])
    }

    fn is_ancestor(&self, anc: &str, of: &str) -> bool {
        if let Some(up) = self.x.ancestors.get(of) {
            return up.iter().any(|a| a == anc);
        }
        match self.gz().crossing(of) {
            Some(c) => c.sides.iter().any(|s| self.is_ancestor(anc, s)),
            None => false,
        }
    }

    /// Place mentions of a sentence (outside the attribution) with their roles.
    fn mentions(&self, toks: &[Tok]) -> Vec<Mention> {
        let clean = &self.text.clean;
        let mut out: Vec<Mention> = Vec::new();
        let mut compared_from: Option<usize> = None;
        let mut exception_from: Option<usize> = None;
        let mut break_at: Vec<usize> = Vec::new();
        for (k, t) in toks.iter().enumerate() {
            match &t.tk {
                Tk::Cue(Role::Comparison) => compared_from = Some(t.end),
                Tk::Cue(Role::Exception) => exception_from = Some(t.end),
                Tk::Cue(Role::Break) => {
                    compared_from = None;
                    break_at.push(t.start);
                }
                Tk::Place(id) | Tk::Crossing(id) => {
                    let crossing = matches!(t.tk, Tk::Crossing(_));
                    if !crossing && self.is_country(id) {
                        continue;
                    }
                    let mut role = match prev_cue(toks, k, clean) {
                        Some(Role::From) => PRole::From,
                        Some(Role::To) => PRole::To,
                        Some(Role::Via) | Some(Role::Exception) => PRole::Via,
                        Some(Role::At) => PRole::At,
                        Some(Role::Between) => PRole::Between,
                        _ => PRole::None,
                    };
                    if role == PRole::None {
                        // A postposition glued to the name: "단둥에서", "신의주로".
                        let p = &self.x.reference.cues.prep;
                        let after = &clean[t.end..];
                        if p.from_after.iter().any(|x| after.starts_with(x.as_str())) {
                            role = PRole::From;
                        } else if p.to_after.iter().any(|x| after.starts_with(x.as_str())) {
                            role = PRole::To;
                        }
                    }
                    let mut qualifier = false;
                    let mut coordinated = false;
                    if let Some(prev) = out.last() {
                        let gap = &clean[prev.end..t.start];
                        let g = gap.trim().to_ascii_lowercase();
                        let k = break_at.partition_point(|&b| b <= prev.end);
                        let same_clause = break_at.get(k).is_none_or(|&b| b >= t.start);
                        // "Dandong in China's Liaoning Province", "Dandong, China", "Hunchun's
                        // Quanhe customs house".
                        if same_clause
                            && self.is_ancestor(id, &prev.id)
                            && (matches!(g.as_str(), "in" | "," | "of" | "")
                                || g.starts_with("in ")
                                || g.ends_with(" of"))
                        {
                            qualifier = true;
                        } else if same_clause
                            && self.is_ancestor(&prev.id, id)
                            && matches!(g.as_str(), "" | "s" | "'s" | "’s")
                            && possessive_between(clean, prev.end, t.start)
                        {
                            // The earlier name qualifies this one: inherit its role.
                            let prev_role = prev.role;
                            if let Some(p) = out.last_mut() {
                                p.qualifier = true;
                            }
                            role = prev_role;
                        } else if same_clause
                            && matches!(g.as_str(), "and" | "or" | "," | ", and" | ", or" | "/")
                            && role == PRole::None
                        {
                            // Coordination: "through Linjiang or Hunchun".
                            let anchor = out
                                .iter()
                                .rev()
                                .find(|m| !m.qualifier)
                                .map_or(prev.role, |m| m.role);
                            role = anchor;
                            coordinated = true;
                        }
                    }
                    out.push(Mention {
                        id: id.to_string(),
                        crossing,
                        start: t.start,
                        end: t.end,
                        role,
                        qualifier,
                        compared: compared_from.is_some_and(|c| t.start >= c),
                        excepted: exception_from.is_some_and(|c| t.start >= c),
                        coordinated,
                    });
                }
                _ => {}
            }
        }
        // "the route connecting Dandong … and Sinuiju": both ends with the same role.
        out
    }

    // ---- routes and direction -----------------------------------------------------------

    fn direction(&self, f: &Facts, mentions: &[Mention]) -> Direction {
        let endpoint = |role: PRole| {
            mentions
                .iter()
                .filter(|m| m.role == role && !m.qualifier && !m.compared)
                .find_map(|m| self.country(&m.id))
        };
        let from_c = endpoint(PRole::From).or_else(|| f.from_country.clone());
        let to_c = endpoint(PRole::To).or_else(|| f.to_country.clone());
        let kp = |c: &Option<String>| c.as_deref().map(|c| c == "kp");
        match (kp(&from_c), kp(&to_c)) {
            (Some(a), Some(b)) if a == b => return Direction::Domestic,
            (Some(true), Some(false)) => return Direction::Outbound,
            (Some(false), Some(true)) => return Direction::Inbound,
            (_, Some(true)) => return Direction::Inbound,
            (_, Some(false)) => return Direction::Outbound,
            (Some(true), None) => return Direction::Outbound,
            (Some(false), None) => return Direction::Inbound,
            _ => {}
        }
        // "China imports coal": out of the DPRK; "Russia exports oil": into it.
        if f.trading_country.as_deref().is_some_and(|c| c != "kp") {
            match (f.import, f.export) {
                (Some(_), None) => return Direction::Outbound,
                (None, Some(_)) => return Direction::Inbound,
                _ => {}
            }
        }
        match (f.import, f.export) {
            (Some(i), Some(e)) => {
                if i < e {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                }
            }
            (Some(_), None) => Direction::Inbound,
            (None, Some(_)) => Direction::Outbound,
            _ => Direction::Unknown,
        }
    }

    /// The crossing a place stands for, if one: its own, the one it serves, or the only one
    /// below it. `other` narrows to crossings that also reach that place.
    fn crossing_for(&self, place: &str, other: Option<&str>) -> Option<String> {
        let key = (place.to_string(), other.map(str::to_string));
        if let Some(hit) = self.crossing_memo.borrow().get(&key) {
            return hit.clone();
        }
        let found = self.crossing_for_uncached(place, other);
        self.crossing_memo.borrow_mut().insert(key, found.clone());
        found
    }

    fn crossing_for_uncached(&self, place: &str, other: Option<&str>) -> Option<String> {
        let gz = self.gz();
        if gz.crossing(place).is_some() {
            return Some(place.to_string());
        }
        let kind = gz.place(place)?.kind;
        if matches!(kind, PlaceKind::Country | PlaceKind::Province) {
            return None;
        }
        let reaches = |c: &borderwatch_reference::Crossing, p: &str| {
            c.sides.iter().any(|s| s == p || self.is_ancestor(p, s))
                || c.bridges.iter().any(|b| b == p)
                || c.facilities.iter().any(|b| b == p)
        };
        let mut cands: Vec<&borderwatch_reference::Crossing> =
            gz.crossings.iter().filter(|c| reaches(c, place)).collect();
        if let Some(o) = other {
            let narrowed: Vec<_> = cands.iter().copied().filter(|c| reaches(c, o)).collect();
            if !narrowed.is_empty() {
                cands = narrowed;
            }
        }
        if cands.len() > 1 {
            let direct: Vec<_> = cands
                .iter()
                .copied()
                .filter(|c| {
                    c.sides.iter().any(|s| s == place)
                        || c.facilities.iter().any(|s| s == place)
                        || c.bridges.iter().any(|s| s == place)
                        || c.serves.iter().any(|s| s == place)
                })
                .collect();
            if !direct.is_empty() {
                cands = direct;
            }
        }
        (cands.len() == 1).then(|| cands[0].id.clone())
    }

    /// Routes named in a clause (explicit from/to, legs, or one per crossing named), at most
    /// [`MAX_ROUTES`]: a list of fifty crossings is not prose.
    fn routes(
        &self,
        f: &Facts,
        mentions: &[Mention],
        mode: Option<Mode>,
        with_country: bool,
    ) -> Vec<Route> {
        let mut r = self.routes_all(f, mentions, mode, with_country);
        r.truncate(MAX_ROUTES);
        r
    }

    fn routes_all(
        &self,
        f: &Facts,
        mentions: &[Mention],
        mode: Option<Mode>,
        with_country: bool,
    ) -> Vec<Route> {
        let usable: Vec<&Mention> = mentions
            .iter()
            .filter(|m| !m.qualifier && !m.compared)
            .filter(|m| f.exception.is_none() || m.excepted || m.role != PRole::Via)
            .collect();
        let by = |r: PRole| usable.iter().copied().filter(move |m| m.role == r);
        if let [a, b, ..] = by(PRole::Between).collect::<Vec<_>>()[..] {
            if let Some(r) = self.route_between(a, b, mode) {
                return vec![r];
            }
        }
        let from: Option<&Mention> = by(PRole::From).next();
        let to: Option<&Mention> = by(PRole::To).next();
        let mut out = Vec::new();
        // A chain of legs: "from A to B and shipped to C".
        let tos: Vec<&Mention> = by(PRole::To)
            .filter(|m| !m.crossing && !m.coordinated)
            .collect();
        if tos.len() >= 2 && tos.iter().all(|m| self.gz().crossing(&m.id).is_none()) {
            let mut stops: Vec<&Mention> = from.into_iter().filter(|m| !m.crossing).collect();
            stops.extend(
                tos.iter()
                    .copied()
                    .filter(|m| from.is_none_or(|fm| m.start > fm.start)),
            );
            for w in stops.windows(2) {
                let (a, b) = (w[0], w[1]);
                // The leg's mode: the last mode word before its end, preferring one inside it.
                let inside = f.modes.iter().any(|(q, _)| *q > a.start && *q < b.start);
                let mode = f
                    .modes
                    .iter()
                    .rfind(|(p, _)| *p < b.start && (*p > a.start || !inside))
                    .map(|x| x.1)
                    .or(mode);
                let mut r = Route {
                    from: Some(a.id.clone()),
                    to: Some(b.id.clone()),
                    via: self
                        .crossing_for(&a.id, Some(&b.id))
                        .filter(|c| self.crossing_reaches(c, Some(&b.id))),
                    direction: Direction::Unknown,
                    mode,
                    named: None,
                    named_other: None,
                    leg: true,
                };
                let ca = self.country(&a.id);
                let cb = self.country(&b.id);
                r.direction = match (ca.as_deref(), cb.as_deref()) {
                    (Some(x), Some(y)) if x == y => Direction::Domestic,
                    (_, Some("kp")) => Direction::Inbound,
                    (Some("kp"), _) => Direction::Outbound,
                    _ => Direction::Unknown,
                };
                if r.direction == Direction::Domestic {
                    r.via = None;
                }
                // A leg that leaves from a port goes by sea unless the text says otherwise.
                let is_port = |id: &str| {
                    self.gz()
                        .place(id)
                        .is_some_and(|p| p.kind == PlaceKind::Port)
                };
                if r.mode.is_none_or(|m| {
                    m == Mode::Road && !f.modes.iter().any(|(p, _)| *p > a.start && *p < b.start)
                }) && is_port(&a.id)
                {
                    r.mode = Some(Mode::Sea);
                }
                out.push(r);
            }
            if !out.is_empty() {
                return out;
            }
        }
        let alternatives: Vec<&Mention> = by(PRole::To).filter(|m| !m.crossing).collect();
        if alternatives.len() >= 2 && alternatives[1..].iter().all(|m| m.coordinated) {
            // "to Chinese ports such as Longkou and Lianyungang": one route per destination.
            for t in alternatives.iter().take(MAX_ROUTES) {
                out.push(Route {
                    from: from.filter(|m| !m.crossing).map(|m| m.id.clone()),
                    to: Some(t.id.clone()),
                    via: from
                        .and_then(|f| self.crossing_for(&f.id, Some(&t.id)))
                        .filter(|c| self.crossing_reaches(c, Some(&t.id))),
                    direction: Direction::Unknown,
                    mode,
                    named: None,
                    named_other: None,
                    leg: false,
                });
            }
            return out;
        }
        if from.is_some() || to.is_some() {
            let via_named = usable
                .iter()
                .find(|m| m.crossing || matches!(m.role, PRole::Via))
                .map(|m| m.id.clone());
            let pid = |m: Option<&Mention>| m.filter(|m| !m.crossing).map(|m| m.id.clone());
            let mut r = Route {
                from: pid(from),
                to: pid(to),
                via: None,
                direction: Direction::Unknown,
                mode,
                named: None,
                named_other: None,
                leg: false,
            };
            // The crossing: one named, else the one joining the two ends.
            let via = via_named
                .as_deref()
                .and_then(|v| self.crossing_for(v, r.to.as_deref().or(r.from.as_deref())))
                .or_else(|| {
                    let a = r.from.as_deref()?;
                    self.crossing_for(a, r.to.as_deref())
                        .filter(|c| r.to.is_none() || self.crossing_reaches(c, r.to.as_deref()))
                })
                .or_else(|| {
                    let b = r.to.as_deref()?;
                    self.crossing_for(b, r.from.as_deref())
                        .filter(|c| r.from.is_none() || self.crossing_reaches(c, r.from.as_deref()))
                });
            // A via place on the non-target side is where the goods come from (or go to).
            if let Some(v) = via_named.as_deref() {
                if self.gz().crossing(v).is_none() {
                    let kp = self.country(v).as_deref() == Some("kp");
                    let to_kp = r.to.as_deref().and_then(|t| self.country(t)).as_deref()
                        == Some("kp")
                        || f.to_country.as_deref() == Some("kp");
                    if r.from.is_none() && kp != to_kp {
                        r.from = Some(v.to_string());
                    } else if r.to.is_none() && kp == to_kp && r.from.is_some() {
                        r.to = Some(v.to_string());
                    }
                }
            }
            r.via = via;
            out.push(r);
            return out;
        }
        // No from/to: each crossing named (or stood for) is a route.
        let mut seen = BTreeSet::new();
        // One mention per country is enough to find the other side of a crossing.
        let mut by_country: Vec<(Option<String>, &str)> = Vec::new();
        for m in &usable {
            let c = self.country(&m.id);
            if !by_country.iter().any(|(k, _)| *k == c) {
                by_country.push((c, m.id.as_str()));
            }
        }
        for m in &usable {
            if out.len() >= MAX_ROUTES {
                break;
            }
            let mc = self.country(&m.id);
            let partner = by_country.iter().find(|(c, _)| *c != mc).map(|(_, id)| *id);
            match self.crossing_for(&m.id, partner) {
                Some(c) => {
                    if !seen.insert(c.clone()) {
                        // The crossing again, by its other side: both ends are named.
                        if let Some(r) = out.iter_mut().find(|r| r.via.as_deref() == Some(&c)) {
                            let other_side = r.named.as_deref().map(|n| self.country(n))
                                != Some(self.country(&m.id));
                            if !m.crossing && r.named_other.is_none() && other_side {
                                r.named_other = Some(m.id.clone());
                            }
                        }
                    } else {
                        out.push(Route {
                            from: None,
                            to: None,
                            via: Some(c),
                            direction: Direction::Unknown,
                            mode,
                            named: (!m.crossing).then(|| m.id.clone()),
                            named_other: None,
                            leg: false,
                        });
                    }
                }
                None => {
                    // A province or inland city: it places the goods on its side.
                    if !m.crossing && seen.insert(m.id.clone()) {
                        let kp = self.country(&m.id).as_deref() == Some("kp");
                        out.push(Route {
                            from: None,
                            to: None,
                            via: None,
                            direction: Direction::Unknown,
                            mode,
                            named: None,
                            named_other: None,
                            leg: false,
                        });
                        let last = out.last_mut().expect("just pushed");
                        // Oriented later; remember the side in from (kp) or to (other).
                        if kp {
                            last.from = Some(m.id.clone());
                        } else {
                            last.to = Some(m.id.clone());
                        }
                        last.via = None;
                        if let Some(r) = out.last_mut() {
                            r.direction = Direction::Unknown;
                        }
                    }
                }
            }
        }
        // A route "with Russia": the only crossing with that country for the mode.
        if out.is_empty() && with_country {
            if let Some(c) = f.with_country.as_deref().filter(|c| *c != "kp") {
                let cands: Vec<_> = self
                    .gz()
                    .crossings
                    .iter()
                    .filter(|x| self.country(&x.sides[0]).as_deref() == Some(c))
                    .filter(|x| mode.is_none_or(|m| x.modes.contains(&m)))
                    .collect();
                if cands.len() == 1 {
                    out.push(Route {
                        from: None,
                        to: None,
                        via: Some(cands[0].id.clone()),
                        direction: Direction::Unknown,
                        mode,
                        named: None,
                        named_other: None,
                        leg: false,
                    });
                }
            }
        }
        out
    }

    /// A bridge or facility of a crossing: naming it names the crossing.
    fn is_crossing_part(&self, place: &str) -> bool {
        self.gz()
            .crossings
            .iter()
            .any(|c| c.bridges.iter().chain(&c.facilities).any(|b| b == place))
    }

    fn crossing_reaches(&self, crossing: &str, place: Option<&str>) -> bool {
        let (Some(c), Some(p)) = (self.gz().crossing(crossing), place) else {
            return true;
        };
        c.sides
            .iter()
            .any(|s| s == p || self.is_ancestor(p, s) || self.is_ancestor(s, p))
            || c.facilities.iter().any(|s| s == p)
            || c.bridges.iter().any(|s| s == p)
    }

    // ---- goods, quantities, time --------------------------------------------------------

    fn goods(&self, toks: &[Tok]) -> Vec<GoodsItem> {
        let clean = &self.text.clean;
        let lex = &self.x.reference.hs.lexicon;
        let mut out: Vec<GoodsItem> = Vec::new();
        let span_has = |t: &Tok, role: fn(&Role) -> bool| {
            window(toks, t.start, t.start).iter().any(|u| {
                u.start == t.start && u.end == t.end && matches!(&u.tk, Tk::Cue(r) if role(r))
            })
        };
        let mut seen: HashSet<String> = HashSet::new();
        let goods_count = toks.iter().filter(|t| matches!(t.tk, Tk::Goods(_))).count();
        for t in toks {
            let Tk::Goods(i) = t.tk else { continue };
            if self.not_goods_here(toks, t) {
                continue;
            }
            // "oil tankers", "coal trucks" as one phrase: its head is the vehicle.
            let vehicle_head = self.ends_in_vehicle(t);
            // "cargo trucks carried rice": the trucks are the mode. "imported trucks": goods.
            if vehicle_head || span_has(t, |r| matches!(r, Role::Mode(_) | Role::Unit(_))) {
                // Traded: an import/export word right before ("imported trucks"), or a trade
                // noun and "of" ("shipments of trucks").
                let before = clean[..t.start].trim_end();
                let of_at = ends_with_ci(before, " of").then(|| before.len() - 3);
                let traded = window(toks, t.start.saturating_sub(40), t.start)
                    .iter()
                    .any(|u| {
                        (u.end <= t.start
                            && t.start - u.end <= 12
                            && matches!(u.tk, Tk::Cue(Role::Import | Role::Export)))
                            || of_at.is_some_and(|o| {
                                u.end <= o
                                    && o - u.end <= 1
                                    && matches!(
                                        u.tk,
                                        Tk::Cue(Role::Import | Role::Export | Role::MoveVerb)
                                    )
                            })
                    });
                if !traded {
                    continue;
                }
            }
            // "boxes of cooking oil", "burlap bags … were sugar": the container is not the goods.
            if goods_count > 1 && span_has(t, |r| matches!(r, Role::Packaging)) {
                continue;
            }
            // A goods phrase that is also a cue of another kind in the same span stays goods
            // only when no place shares the span.
            let mut e = &lex[i];
            let text = clean[t.start..t.end].to_string();
            if !text.contains(' ') {
                if let Some(prev) = out.last() {
                    let gap = clean[..t.start].trim_end();
                    let coordinated =
                        gap.ends_with(" and") || gap.ends_with(" or") || gap.ends_with(',');
                    let qual = prev
                        .text
                        .split(' ')
                        .next()
                        .filter(|_| prev.text.contains(' '));
                    if let (true, Some(q)) = (coordinated, qual) {
                        if let Some(shared) = self.x.reference.hs.entry(&format!("{q} {text}")) {
                            e = shared;
                        }
                    }
                }
            }
            if !seen.insert(text.to_lowercase()) {
                continue;
            }
            // "the pipes" after "steel pipes": the goods named just before, by their head noun.
            if let Some(prev) = self.antecedent(t, &text) {
                out.push(GoodsItem {
                    text,
                    span: self.text.span(t.start, t.end),
                    ..prev
                });
                continue;
            }
            let k = e.hs.len() as f64;
            out.push(GoodsItem {
                text,
                hs: e.hs.first().cloned(),
                alternatives: e.hs.iter().skip(1).cloned().collect(),
                product: e.product.clone(),
                confidence: (e.confidence * (1.0 - 0.0 / (2.0 * k)) * 100.0).round() / 100.0,
                span: self.text.span(t.start, t.end),
            });
        }
        out
    }

    fn quantities(&self, toks: &[Tok], cs: usize, ce: usize) -> Vec<Quantity> {
        let clean = &self.text.clean;
        let nums = self.nums_in(cs, ce);
        let time_spans: Vec<(usize, usize)> =
            self.times_in(cs, ce).map(|t| (t.start, t.end)).collect();
        let nums: Vec<Num> = nums
            .into_iter()
            .filter(|n| !time_spans.iter().any(|&(a, b)| n.start >= a && n.end <= b))
            .collect();
        let cue_after = |pos: usize, limit: usize| {
            window(toks, pos, pos + limit)
                .iter()
                .filter_map(|t| match t.tk {
                    Tk::Cue(r) => Some((r, t.start, t.end)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        let mut out: Vec<Quantity> = Vec::new();
        let mut k = 0;
        while k < nums.len() {
            let n = nums[k];
            let mut end = n.end;
            let mut max = None;
            // "three to four", "three or four", "7-20"
            if let Some(n2) = nums.get(k + 1) {
                let gap = clean[n.end..n2.start].trim().to_ascii_lowercase();
                if matches!(gap.as_str(), "to" | "or" | "-" | "–" | "and") && n2.value > n.value {
                    max = Some(n2.value);
                    end = n2.end;
                    k += 1;
                }
            }
            // Qualifier before ("over 10", "up to 300") or after ("300 or more").
            let before = window(toks, n.start.saturating_sub(40), n.start)
                .iter()
                .rev()
                .find(|t| t.end <= n.start && n.start - t.end <= 2)
                .and_then(|t| match t.tk {
                    Tk::Cue(r @ (Role::AtLeast | Role::AtMost | Role::About)) => Some(r),
                    _ => None,
                });
            let after_cues = cue_after(end, 2);
            let after = after_cues.iter().find_map(|(r, _, e)| match r {
                Role::AtLeast | Role::AtMost | Role::About => Some((*r, *e)),
                _ => None,
            });
            if let Some((_, e)) = after {
                end = e;
            }
            let unit_cues = cue_after(end, 2);
            let unit = unit_cues.iter().find_map(|(r, _, e)| match r {
                Role::Unit(u) => Some((self.x.matcher.units[*u as usize].clone(), *e)),
                _ => None,
            });
            let Some((unit, uend)) = unit else {
                k += 1;
                continue;
            };
            if self.x.reference.cues.quantity.measures.contains(&unit) {
                k += 1;
                continue;
            }
            let qualifier = match (after.map(|a| a.0).or(before), max) {
                (_, Some(_)) => Qualifier::Range,
                (Some(Role::AtLeast), _) => Qualifier::AtLeast,
                (Some(Role::AtMost), _) => {
                    // "up to 300 or more" reads as at least.
                    Qualifier::AtMost
                }
                (Some(Role::About), _) => Qualifier::About,
                _ => Qualifier::Exact,
            };
            let qualifier = if after.map(|a| a.0) == Some(Role::AtLeast) {
                Qualifier::AtLeast
            } else {
                qualifier
            };
            // A rate: "daily" after, or "each" before (per the unit counted just before).
            let each = window(toks, n.start.saturating_sub(40), n.start)
                .iter()
                .any(|t| t.tk == Tk::Cue(Role::Each) && t.end <= n.start && n.start - t.end < 24);
            let per = if each {
                out.last().and_then(|q| q.unit.clone())
            } else {
                // The rate word follows within a few words ("300 trucks … daily"); a count of
                // conveyances takes the clause's rate word however far it trails ("300 trucks,
                // each carrying 10 tons, cross … daily").
                let conveyance = self.x.reference.cues.quantity.conveyances.contains(&unit);
                let reach = if conveyance { ce } else { (uend + 80).min(ce) };
                window(toks, uend, reach).iter().find_map(|t| match t.tk {
                    Tk::Cue(Role::Per(p)) => Some(self.x.matcher.periods[p as usize].clone()),
                    _ => None,
                })
            };
            let start = n.start;
            out.push(Quantity {
                value: n.value,
                max,
                unit: Some(unit),
                per,
                qualifier,
                text: clean[start..uend].to_string(),
                span: self.text.span(start, uend),
            });
            k += 1;
        }
        // A rate cue for the first count ("300 trucks … daily") applies once.
        out
    }

    /// The first time in the clause, else in the sentence.
    fn when(&self, cs: usize, ce: usize, ss: usize, se: usize) -> Option<When> {
        let clean = &self.text.clean;
        let t: Option<&TimeExpr> = self
            .times_in(cs, ce)
            .next()
            .or_else(|| self.times_in(ss, se).next());
        t.map(|t| {
            let span = self.text.span(t.start, t.end);
            t.resolve(clean, self.opts.published, span)
        })
    }

    // ---- the other claim kinds ----------------------------------------------------------

    fn policy(&self, base: &ClaimBase, f: &Facts, toks: &[Tok]) -> Option<Claim> {
        let (ss, se) = f.policy_subject?;
        let clean = &self.text.clean;
        let ce = base.clause.1;
        let ws = words(clean, ss, ce);
        let lw: Vec<String> = ws
            .iter()
            .map(|&(a, b)| clean[a..b].to_ascii_lowercase())
            .collect();
        let all = self.nums_in(ss, ce);
        let from_at = (0..lw.len()).find(|&i| {
            lw[i] == "from"
                && ws
                    .get(i + 1)
                    .is_some_and(|w| all.iter().any(|n| n.start == w.0))
        })?;
        let nums = self.nums_in(ws[from_at].1, ce);
        let first = nums.first()?;
        // before: N [to|or N] [unit]; after: "to" [only] N [or|to N] [unit]
        // (value, max, unit, next number index, end of the text read)
        type Read = (f64, Option<f64>, Option<String>, usize, usize);
        let parse = |i: usize| -> Option<Read> {
            let a = nums.get(i)?;
            let mut j = i;
            let mut max = None;
            if let Some(b) = nums.get(i + 1) {
                let g = clean[a.end..b.start].trim().to_ascii_lowercase();
                if matches!(g.as_str(), "to" | "or" | "-" | "–") {
                    max = Some(b.value);
                    j = i + 1;
                }
            }
            let end = nums[j].end;
            let unit = toks
                .iter()
                .find(|t| t.start >= end && t.start <= end + 2)
                .and_then(|t| match t.tk {
                    Tk::Cue(Role::Unit(u)) => {
                        Some((self.x.matcher.units[u as usize].clone(), t.end))
                    }
                    _ => None,
                });
            let (unit, uend) = match unit {
                Some((u, e)) => (Some(u), e),
                None => (None, end),
            };
            Some((a.value, max, unit, j + 1, uend))
        };
        if clean[ws[from_at].1..first.start].trim().len() > 2 {
            return None;
        }
        let (v1, m1, u1, next, e1) = parse(0)?;
        let mk = |v: f64, m: Option<f64>, u: Option<String>, s: usize, e: usize| Quantity {
            value: v,
            max: m,
            unit: u,
            per: None,
            qualifier: if m.is_some() {
                Qualifier::Range
            } else {
                Qualifier::Exact
            },
            text: clean[s..e].to_string(),
            span: self.text.span(s, e),
        };
        let (before, after) = match nums.get(next) {
            Some(n2)
                if clean[e1..n2.start]
                    .trim()
                    .to_ascii_lowercase()
                    .trim_end_matches(" only")
                    .trim_end_matches(" just")
                    .starts_with("to") =>
            {
                let (v2, m2, u2, _, e2) = parse(next)?;
                let u1 = u1.or(u2.clone());
                (
                    mk(v1, m1, u1, first.start, e1),
                    mk(v2, m2, u2, n2.start, e2),
                )
            }
            _ => {
                // "from 20 to 50": a single pair read as before → after.
                let m1 = m1?;
                let second = nums.get(1)?;
                (
                    mk(v1, None, u1.clone(), first.start, first.end),
                    mk(m1, None, u1, second.start, e1),
                )
            }
        };
        let mut c = self.claim(base, ClaimKind::Policy, &[], None);
        c.change = Some(Box::new(Change {
            subject: clean[ss..se].to_string(),
            before,
            after,
        }));
        c.mode = f.mode;
        let s = self.sents[base.si];
        c.when = self.when(base.clause.0, base.clause.1, s.start, s.end);
        Some(c)
    }

    fn statuses(
        &mut self,
        base: &ClaimBase,
        f: &Facts,
        subject: &[Mention],
        sentence_mode: Option<Mode>,
    ) {
        if f.status.is_empty() {
            return;
        }
        let about_traffic = f.status_subject || f.mode.is_some() || !subject.is_empty();
        if !about_traffic {
            return;
        }
        let mode = f.mode.or(sentence_mode);
        let mut routes = self.routes(f, subject, mode, true);
        if routes.is_empty() && f.ref_route {
            // "Rail traffic on the link had been suspended": the route named before.
            if let Some(fr) = &self.last_routes {
                routes = fr
                    .routes
                    .iter()
                    .filter(|r| r.via.is_some())
                    .cloned()
                    .collect();
            }
        }
        let clean = &self.text.clean;
        let mut seen = BTreeSet::new();
        for &(st, s0, _) in &f.status {
            let negated = f.negation.is_some_and(|n| n < s0 && s0 - n < 40);
            let planned = f.planned.iter().any(|&p| p < s0 && s0 - p < 40);
            if !seen.insert((st, planned, negated)) {
                continue;
            }
            // The time just after the status word, else the clause's first.
            let s = self.sents[base.si];
            let t = self
                .times_in(s0, base.clause.1)
                .next()
                .or_else(|| self.times_in(base.clause.0, base.clause.1).next())
                .or_else(|| self.times_in(s.start, s.end).next())
                .cloned();
            let targets: Vec<Option<&Route>> = if routes.is_empty() {
                vec![None]
            } else {
                routes.iter().map(Some).collect()
            };
            for r in targets {
                let mut c = self.claim(base, ClaimKind::Status, subject, None);
                c.status = Some(st);
                c.mode = mode;
                c.planned = planned;
                c.polarity = if negated {
                    Polarity::Negated
                } else {
                    Polarity::Affirmed
                };
                if let Some(r) = r {
                    c.via = r.via.clone();
                    if r.via.is_some() {
                        c.at = r.from.clone().or(r.to.clone());
                    }
                }
                c.when = t.as_ref().map(|t| {
                    let span = self.text.span(t.start, t.end);
                    t.resolve(clean, self.opts.published, span)
                });
                self.push(c);
            }
        }
    }

    fn conditions(&mut self, base: &ClaimBase, f: &Facts, subject: &[Mention]) {
        if f.conditions.is_empty() {
            return;
        }
        let mut targets: Vec<(Option<String>, Option<String>)> = Vec::new();
        for m in subject.iter().filter(|m| !m.qualifier && !m.compared) {
            let via = self.crossing_for(&m.id, None);
            let at = (!m.crossing).then(|| m.id.clone());
            if !targets
                .iter()
                .any(|t| t.0 == via && (via.is_some() || t.1 == at))
            {
                targets.push((via, at));
            }
        }
        if targets.is_empty() {
            return;
        }
        for &(aspect, value) in &f.conditions {
            for (via, at) in &targets {
                let mut c = self.claim(base, ClaimKind::Condition, subject, None);
                c.via = via.clone();
                c.at = at.clone();
                c.condition = Some(ConditionValue {
                    aspect: aspect.to_string(),
                    value: value.to_string(),
                });
                let s = self.sents[base.si];
                c.when = self.when(base.clause.0, base.clause.1, s.start, s.end);
                c.direction = Direction::Unknown;
                self.push(c);
            }
        }
    }

    fn storage(
        &mut self,
        base: &ClaimBase,
        f: &Facts,
        toks: &[Tok],
        subject: &[Mention],
        sentence_mode: Option<Mode>,
    ) {
        if !f.storage {
            return;
        }
        let goods = self.goods(toks);
        let vehicle = f.mode.is_some() || f.ref_vehicle || f.ref_cargo || sentence_mode.is_some();
        if goods.is_empty() && !vehicle {
            return;
        }
        let Some(at) = subject
            .iter()
            .filter(|m| !m.qualifier && !m.compared && !m.crossing)
            .max_by_key(|m| self.gz().ancestry(&m.id).len())
        else {
            return;
        };
        let mut c = self.claim(base, ClaimKind::Storage, subject, None);
        self.last_storage = Some((base.si, at.id.clone()));
        c.at = Some(at.id.clone());
        c.via = self.crossing_for(&at.id, None);
        c.mode = f.mode.or(sentence_mode);
        c.load = f.load;
        c.goods = goods;
        let s = self.sents[base.si];
        let clean = &self.text.clean;
        let cue = toks
            .iter()
            .find(|t| t.tk == Tk::Cue(Role::Storage))
            .map_or(base.clause.0, |t| t.start);
        let ts: Vec<TimeExpr> = self.times_in(cue, base.clause.1).cloned().collect();
        c.when = match ts.first() {
            Some(t) => Some(t.resolve(clean, self.opts.published, self.text.span(t.start, t.end))),
            None => self.when(base.clause.0, base.clause.1, s.start, s.end),
        };
        c.direction = Direction::Unknown;
        self.screen(&mut c);
        self.push(c);
    }

    // ---- claim plumbing -----------------------------------------------------------------

    fn claim(
        &self,
        base: &ClaimBase,
        kind: ClaimKind,
        mentions: &[Mention],
        context: Option<usize>,
    ) -> Claim {
        let s = self.sents[base.si];
        let clean = &self.text.clean;
        let mut places: Vec<String> = self.cur_places.clone();
        let _ = mentions;
        let context = context.or_else(|| {
            // No place of its own: the previous sentence of the paragraph sets the scene.
            let prev = base.si.checked_sub(1)?;
            let ps = self.sents[prev];
            (places.is_empty() && ps.paragraph == s.paragraph && self.names_place(prev))
                .then_some(prev)
        });
        let context = context.filter(|&j| j != base.si).map(|j| {
            let cs = self.sents[j];
            for t in &self.toks[self.toks_in(cs.start, cs.end)] {
                if let Tk::Place(id) = &t.tk {
                    let in_att = self.attribution[j]
                        .as_ref()
                        .is_some_and(|a| t.start >= a.1 && t.end <= a.2);
                    if !in_att && !places.iter().any(|p| **p == **id) {
                        places.push(id.to_string());
                    }
                }
            }
            Context {
                span: self.text.span(cs.start, cs.end),
                text: clean[cs.start..cs.end].to_string(),
            }
        });
        self.finish_claim(base, kind, places, context)
    }

    /// Every place of sentence `si` outside its attribution, in order.
    fn sentence_places(&self, si: usize) -> Vec<String> {
        let s = self.sents[si];
        let clean = &self.text.clean;
        let mut places: Vec<String> = Vec::new();
        let (as_, ae) = self.attribution[si]
            .as_ref()
            .map_or((usize::MAX, usize::MAX), |a| (a.1, a.2));
        for t in &self.toks[self.toks_in(s.start, s.end)] {
            if t.start >= as_ && t.end <= ae {
                continue;
            }
            if let Tk::Place(id) = &t.tk {
                if !places.iter().any(|p| **p == **id) {
                    places.push(id.to_string());
                }
            }
            // "the Changbai-Hyesan route" names Changbai and Hyesan too.
            if let Tk::Crossing(id) = &t.tk {
                for p in self.places_in_crossing_name(id, &clean[t.start..t.end]) {
                    if !places.contains(&p) {
                        places.push(p);
                    }
                }
            }
        }
        places
    }

    fn finish_claim(
        &self,
        base: &ClaimBase,
        kind: ClaimKind,
        places: Vec<String>,
        context: Option<Context>,
    ) -> Claim {
        let s = self.sents[base.si];
        let clean = &self.text.clean;
        let (attribution, attribution_span) = match &base.attribution {
            Some((t, a, b)) if *a != usize::MAX => (Some(t.clone()), Some(self.text.span(*a, *b))),
            Some((t, _, _)) => (Some(t.clone()), None),
            None => (None, None),
        };
        Claim {
            source: self.source.to_string(),
            kind,
            from: None,
            to: None,
            via: None,
            at: None,
            direction: Direction::Unknown,
            mode: None,
            load: None,
            polarity: Polarity::Affirmed,
            hedged: base.hedged,
            goods: Vec::new(),
            quantities: Vec::new(),
            when: None,
            places,
            status: None,
            planned: false,
            condition: None,
            change: None,
            evidence: Evidence {
                span: self.text.span(s.start, s.end),
                text: clean[s.start..s.end].to_string(),
                attribution,
                attribution_span,
                context,
            },
            verdicts: Vec::new(),
        }
    }

    fn times_in(&self, a: usize, b: usize) -> impl Iterator<Item = &TimeExpr> {
        self.cur_times
            .iter()
            .filter(move |t| t.start >= a && t.end <= b)
    }

    fn nums_in(&self, a: usize, b: usize) -> Vec<Num> {
        self.cur_nums
            .iter()
            .filter(|n| n.start >= a && n.end <= b)
            .copied()
            .collect()
    }

    /// The crossing's sides (or their towns) whose names appear in the words naming it.
    fn places_in_crossing_name(&self, id: &str, words: &str) -> Vec<String> {
        let gz = self.gz();
        let Some(c) = gz.crossing(id) else {
            return Vec::new();
        };
        let folded = format!(" {} ", borderwatch_reference::text::fold(words));
        let mut out = Vec::new();
        for side in &c.sides {
            for p in gz.ancestry(side) {
                if matches!(p.kind, PlaceKind::Country | PlaceKind::Province) {
                    break;
                }
                let hit = p.names.iter().any(|n| {
                    let f = borderwatch_reference::text::fold(n);
                    !f.is_empty() && folded.contains(&format!(" {f} "))
                });
                if hit {
                    out.push(p.id.clone());
                    break;
                }
            }
        }
        out
    }

    /// Whether sentence `j` names a place below country level outside its attribution.
    fn names_place(&self, j: usize) -> bool {
        let s = self.sents[j];
        self.toks[self.toks_in(s.start, s.end)]
            .iter()
            .any(|t| match &t.tk {
                Tk::Place(id) => {
                    !self.is_country(id)
                        && !self.attribution[j]
                            .as_ref()
                            .is_some_and(|a| t.start >= a.1 && t.end <= a.2)
                }
                Tk::Crossing(_) => true,
                _ => false,
            })
    }

    /// Screens every classified goods item for the claim's direction and date.
    fn screen(&mut self, c: &mut Claim) {
        let date = c
            .when
            .as_ref()
            .and_then(|w| w.start)
            .or(self.opts.published)
            .unwrap_or(self.opts.as_of);
        let mut out = Vec::new();
        for g in &c.goods {
            let Some(hs) = &g.hs else { continue };
            let key = (hs.clone(), g.product.clone(), c.direction, date);
            if let Some(v) = self.verdict_cache.get(&key) {
                if !out.contains(v) {
                    out.push(v.clone());
                }
                continue;
            }
            let Ok(code) = HsCode::parse(hs) else {
                continue;
            };
            let goods = Goods {
                hs: code,
                product: g.product.clone(),
                value_usd: None,
                confidence: g.confidence,
                phrase: Some(g.text.clone()),
            };
            let v = self.x.screener.screen(&goods, c.direction, date);
            let cv = ClaimVerdict {
                hs: hs.clone(),
                status: v.status,
                measures: v.measures.iter().map(|m| m.id.clone()).collect(),
                date,
                reason: v.reason,
            };
            self.verdict_cache.insert(key, cv.clone());
            if !out.contains(&cv) {
                out.push(cv);
            }
        }
        c.verdicts = out;
    }

    fn push(&mut self, c: Claim) {
        // Two clauses can state the same thing; keep one claim per identity.
        let key = format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            c.kind,
            c.evidence.span,
            c.from,
            c.to,
            c.via,
            c.at,
            c.direction,
            c.polarity,
            c.status,
            c.condition,
            c.goods
                .iter()
                .map(|g| (&g.text, g.span))
                .collect::<Vec<_>>(),
            c.change.as_ref().map(|x| &x.subject),
        );
        if self.claim_keys.insert(key) {
            self.claims.push(c);
        }
    }
}

struct ClaimBase {
    si: usize,
    clause: (usize, usize),
    hedged: bool,
    attribution: Option<(String, usize, usize)>,
}

fn named_tk(n: &Named) -> Tk {
    match n {
        Named::Place(id) => Tk::Place(Rc::from(id.as_str())),
        Named::Crossing(id) => Tk::Crossing(Rc::from(id.as_str())),
    }
}

/// The role cue right before token `k`: the nearest from/to cue within a short reach, else
/// the nearest via/at cue, skipping country names, "of" and determiners ("departed China's
/// border city of Dandong").
fn prev_cue(toks: &[Tok], k: usize, clean: &str) -> Option<Role> {
    let here = toks[k].start;
    let mut near: Option<Role> = None;
    let mut j = k;
    let mut last_start = here;
    let mut last_span = (here, toks[k].end);
    while j > 0 {
        j -= 1;
        let t = &toks[j];
        let same_span = (t.start, t.end) == last_span;
        if t.end > last_start && !same_span {
            continue; // overlaps the token after it
        }
        last_span = (t.start, t.end);
        if here - t.end > 60 {
            break;
        }
        // Words between this token and the last one: too many and the link is lost.
        if !same_span {
            let gap_words = clean[t.end.min(last_start)..last_start]
                .split_whitespace()
                .count();
            if gap_words > 4 {
                break;
            }
        }
        last_start = t.start;
        match &t.tk {
            Tk::Cue(r @ (Role::From | Role::To)) => return Some(*r),
            Tk::Cue(r @ (Role::Via | Role::At | Role::Exception | Role::Between)) => {
                if near.is_none() {
                    near = Some(*r);
                }
            }
            Tk::Cue(Role::Of) | Tk::Cue(Role::Return) => {}
            Tk::Place(_) | Tk::Crossing(_) => {
                // Only a country or a qualifier may stand between a cue and its place.
                let w = &clean[t.start..t.end];
                let country_like =
                    w.split_whitespace().count() <= 2 && clean[t.end..].starts_with(['\'', '’']);
                if !country_like {
                    break;
                }
            }
            Tk::Cue(Role::Break) => break,
            _ => {
                if near.is_some() {
                    break;
                }
            }
        }
    }
    near
}

/// Case-insensitive `ends_with` that looks only at the tail (never copies the prefix).
fn ends_with_ci(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.is_char_boundary(s.len() - suffix.len())
        && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// The tokens starting in `[a, b]` (tokens are sorted by start): a window, not a scan.
fn window(toks: &[Tok], a: usize, b: usize) -> &[Tok] {
    let i = toks.partition_point(|t| t.start < a);
    let j = toks.partition_point(|t| t.start <= b);
    &toks[i..j.max(i)]
}

fn possessive_between(clean: &str, a: usize, b: usize) -> bool {
    let g = &clean[a..b];
    g.starts_with("'s") || g.starts_with("’s") || g.starts_with('\'') || g.starts_with('’')
}

/// Clause ranges of a sentence: breaks at clause cues, at a comma before a negation ("…, nothing
/// goes the other way"), and between an import and a later export ("imports from China and
/// exports of …").
fn split_clauses(toks: &[Tok], clean: &str, s: usize, e: usize) -> Vec<(usize, usize)> {
    let mut cuts: Vec<usize> = Vec::new();
    let mut seen_dir: Option<Role> = None;
    let opener = clean[s..e].trim_start_matches(['“', '"', '‘', '\'', ' ']);
    let opener_at = e - opener.len();
    if toks
        .iter()
        .any(|t| t.tk == Tk::Cue(Role::Subordinator) && t.start == opener_at)
    {
        if let Some(c) = clean[opener_at..e].find(',') {
            cuts.push(opener_at + c + 1);
        }
    }
    for t in toks {
        match t.tk {
            Tk::Cue(Role::Reverse) => {
                let w = clean[t.start..t.end].to_ascii_lowercase();
                if w.starts_with("in ") && t.start > s + 2 {
                    cuts.push(t.start);
                }
            }
            Tk::Cue(Role::Break) if t.start > s + 2 => cuts.push(t.start),
            Tk::Cue(Role::Negation)
                if clean[..t.start].trim_end().ends_with(',') && t.start > s + 2 =>
            {
                cuts.push(t.start)
            }
            Tk::Cue(r @ (Role::Import | Role::Export)) => {
                if let Some(prev) = seen_dir {
                    if prev != r {
                        // Cut before "and"/"," preceding the second direction word.
                        let before = clean[..t.start].trim_end();
                        let cut = if before.ends_with(" and") {
                            before.len() - 3
                        } else {
                            t.start
                        };
                        cuts.push(cut.max(s + 1));
                    }
                }
                seen_dir = Some(r);
            }
            _ => {}
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    let mut a = s;
    for c in cuts {
        if c > a {
            out.push((a, c));
            a = c;
        }
    }
    out.push((a, e));
    out
}

fn reversed(r: &Route) -> Route {
    Route {
        from: r.to.clone(),
        to: r.from.clone(),
        via: r.via.clone(),
        direction: flip(r.direction),
        mode: r.mode,
        named: r.named.clone(),
        named_other: r.named_other.clone(),
        leg: r.leg,
    }
}

fn flip(d: Direction) -> Direction {
    match d {
        Direction::Inbound => Direction::Outbound,
        Direction::Outbound => Direction::Inbound,
        d => d,
    }
}

fn has_place(r: &Route) -> bool {
    r.from.is_some() || r.to.is_some() || r.via.is_some()
}

fn dedup(v: Vec<Route>) -> Vec<Route> {
    let mut out: Vec<Route> = Vec::new();
    for r in v {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// Fills the ends of a route from its crossing in the given direction, keeping named ends.
fn orient(gz: &borderwatch_reference::Gazetteer, r: &Route, dir: Direction) -> Route {
    let mut out = r.clone();
    out.direction = dir;
    // A lone province or inland city was stored on its side; put it at the right end.
    if r.via.is_none() {
        if let (Some(p), None) | (None, Some(p)) = (&r.from, &r.to) {
            let kp = gz.place(p).is_some_and(|x| x.country == "KP");
            let at_from = match dir {
                Direction::Inbound => !kp,
                Direction::Outbound => kp,
                _ => r.from.is_some(),
            };
            (out.from, out.to) = if at_from {
                (Some(p.clone()), None)
            } else {
                (None, Some(p.clone()))
            };
        }
        return out;
    }
    // Ends are only what the text names: the place that stood for the crossing goes to its
    // side's end; an unnamed end stays null (the crossing's sides are in `via`).
    for n in r.named.iter().chain(&r.named_other) {
        // Placed for an earlier direction: place it again for this one.
        if out.from.as_ref() == Some(n) {
            out.from = None;
        }
        if out.to.as_ref() == Some(n) {
            out.to = None;
        }
        let kp = gz.place(n).is_some_and(|p| p.country == "KP");
        match (dir, kp) {
            (Direction::Inbound, false) | (Direction::Outbound, true) => {
                out.from = out.from.take().or(Some(n.clone()))
            }
            (Direction::Inbound, true) | (Direction::Outbound, false) => {
                out.to = out.to.take().or(Some(n.clone()))
            }
            _ => {}
        }
    }
    // Named ends on the wrong side for the direction (a borrowed route read the other way).
    let is_kp = |id: &Option<String>| {
        id.as_deref()
            .and_then(|i| gz.place(i))
            .is_some_and(|p| p.country == "KP")
    };
    if dir == Direction::Inbound && is_kp(&out.from) && !is_kp(&out.to) && out.to.is_some() {
        std::mem::swap(&mut out.from, &mut out.to);
    }
    if dir == Direction::Outbound && !is_kp(&out.from) && is_kp(&out.to) && out.from.is_some() {
        std::mem::swap(&mut out.from, &mut out.to);
    }
    out
}

/// Where the noun phrase ending at `head` begins: after the last comma, closing quote, colon or
/// "that" before it in the sentence.
fn boundary_before(clean: &str, sentence_start: usize, head: usize) -> usize {
    let seg = &clean[sentence_start..head];
    let mut b = sentence_start;
    for (i, c) in seg.char_indices() {
        if matches!(c, ',' | '”' | '"' | ':' | ';' | '—') {
            b = sentence_start + i + c.len_utf8();
        }
    }
    let lower = clean[b..head].to_ascii_lowercase();
    if let Some(k) = lower.rfind(" that ") {
        b += k + 6;
    }
    b
}
