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

mod attribution;
mod build;
mod clauses;
mod condition;
mod direction;
mod endpoints;
mod facts;
mod frames;
mod goods;
mod halt;
mod infrastructure;
pub(crate) use infrastructure::Phrases;
mod mentions;
mod movement;
mod nominal;
mod not_cargo;
mod noun_phrase;
mod place_mention;
mod place_reference;
mod policy;
mod quantity;
mod report_direction;
mod report_setting;
mod routes;
mod sentence;
mod shared_crossing;
mod state;
mod status;
mod storage;
mod tokens;
mod when;

use clauses::{
    boundary_before, ends_with_ci, possessive_between, split_clauses, token_at, window, word_at,
};
use facts::{prev_cue, rule_followed};
use halt::{background_ban, denied_flow, halt_denied, halted, OTHER_SIDE as HALT_OTHER_SIDE};
use movement::{Clause, Walk};
use routes::{dedup, flip, has_place, orient, reversed};

/// Most routes one clause can make claims for.
const MAX_ROUTES: usize = 24;

/// How many sentences back a reference word ("the trucks", "the route") or the same traffic
/// named again may point.
const REFERENCE_REACH: usize = 12;

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

/// Goods named once and referred to again ("These items include tyres … The merchandise
/// flows through …"): the sentence that last referred to them keeps the chain going; the
/// sentence that named them is the evidence each reference quotes.
#[derive(Clone)]
struct GoodsChain {
    last: usize,
    named: usize,
    goods: Vec<GoodsItem>,
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
    /// The latest goods named in any clause ("the cargo"), with the sentence that named them.
    last_goods: Option<GoodsChain>,
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
    /// Where the last leg carrying goods ended (sentence, place): the transfer point a later
    /// leg of the same goods starts from.
    last_leg_end: Option<(usize, String)>,
    /// Words pointing back to a place ("this yard"): their start and the sentence that named it.
    place_refs: Vec<(usize, usize)>,
    claim_keys: HashSet<String>,
    crossing_memo: std::cell::RefCell<CrossingMemo>,
    /// (sentence that named it, direction, crossing) of movements with a known direction.
    recent_directions: Vec<(usize, Direction, String)>,
    /// (sentence, direction) of every clause so far that says which way goods go across the
    /// border, whether or not it made a claim (claims::report_direction).
    stated_directions: Vec<(usize, Direction)>,
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
    /// Where the first word saying the load is empty starts.
    empty_at: Option<usize>,
    storage: bool,
    mode: Option<Mode>,
    /// Every mode cue with its position (for the legs of a chain).
    modes: Vec<(usize, Mode)>,
    /// Modes implied by the clause's verbs (frames), weaker than a vehicle or mode word.
    frame_modes: Vec<(usize, Mode)>,
    negation: Option<usize>,
    /// Every negation word (start, end): "no suspension of trade" denies the halt.
    negations: Vec<(usize, usize)>,
    /// A rule or decision that forbids or halts the flow ("banned exports of").
    ban: Option<usize>,
    /// Where background phrases end ("following", "despite"): a halt just after one is not
    /// the clause's own.
    backgrounds: Vec<usize>,
    /// The Security Council or a resolution is named: its bans are law, not a flow.
    rulemaker: bool,
    exception: Option<usize>,
    ref_vehicle: bool,
    /// The mode of the vehicle a reference names ("the freight trains": rail).
    vehicle_mode: Option<Mode>,
    ref_cargo: bool,
    /// The cargo referred back to is a pronoun object ("ship them"): it points to goods on a
    /// route named place to place.
    ref_pronoun: bool,
    /// A noun that names cargo in general ("freight", "goods", "shipments").
    cargo_noun: bool,
    /// People are what moves ("defectors were repatriated").
    people: bool,
    /// The clause describes a way, not traffic on it ("the new line links A with B").
    infrastructure: bool,

    ref_route: bool,
    other_route: bool,
    status: Vec<(RouteStatus, usize, usize)>,
    planned: Vec<usize>,
    status_subject: bool,
    /// Where the status subjects are ("smuggling … suspended").
    subjects: Vec<usize>,
    /// Where the flows of goods among them are ("smuggling", "trade"; not "the border").
    flows: Vec<(usize, usize)>,
    /// A country other than the DPRK that is the subject of an import or export word ("China
    /// has suspended imports"): the trade is seen from its side.
    trading_country: Option<String>,
    conditions: Vec<(&'static str, &'static str)>,
    policy_subject: Option<(usize, usize)>,
    to_country: Option<String>,
    from_country: Option<String>,
    /// A `to`/`from` cue names a place the gazetteer does not know ("to Incheon"): that end
    /// is somewhere, but not where the direction could assume.
    unknown_to: bool,
    unknown_from: bool,
    with_country: Option<String>,
}

impl Facts {
    /// The mode cues strictly between two positions, in order (`modes` is sorted, so a long
    /// chain of legs stays linear).
    fn modes_between(&self, after: usize, before: usize) -> &[(usize, Mode)] {
        let lo = self.modes.partition_point(|x| x.0 <= after);
        let hi = self.modes.partition_point(|x| x.0 < before);
        &self.modes[lo..hi.max(lo)]
    }

    /// The mode cues before a position.
    fn modes_before(&self, before: usize) -> &[(usize, Mode)] {
        &self.modes[..self.modes.partition_point(|x| x.0 < before)]
    }
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
            last_leg_end: None,
            place_refs: Vec::new(),
            crossing_memo: Default::default(),
            recent_directions: Vec::new(),
            stated_directions: Vec::new(),
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
        self.resolve_place_references();
        self.sentence_frame = vec![None; self.sents.len()];
        for i in 0..self.sents.len() {
            // A request whose client has gone stops here rather than running to the end.
            if i % 256 == 0 && self.opts.cancelled() {
                break;
            }
            self.sentence(i);
        }
        self.narrow_country_ends();
        self.place_mentions();
        std::mem::take(&mut self.claims)
    }
}

struct ClaimBase {
    si: usize,
    clause: (usize, usize),
    hedged: bool,
    attribution: Option<(String, usize, usize)>,
}
