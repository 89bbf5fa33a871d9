//! The article of a saved web page: which parts of an HTML page are the article, and which are
//! the page around it (navigation, related stories, comments, share bars, banners, footers).
//!
//! Blocks are scored by their text and links, readability-style: every block of running text
//! adds to the score of the elements above it (more for commas and length), a container's score
//! shrinks with its share of link text, and the best container — with the siblings that score
//! near it and whatever lies between them — is the article. The headline before it and the
//! lead material between the headline and the article (standfirst, byline, lead photo and its
//! caption) stay; inside the article, link lists and marked boilerplate go, figures and
//! captions stay. Class, id, role and itemprop hints (`data/extract/page.toml`) weigh in when a
//! page has them; the density scores decide when it has none. A page too short to score, or
//! one that is all article, keeps everything but its navigation-like elements.
//!
//! Owns: the byte ranges of an HTML text to leave out. Refuses: reading text (that is
//! `decode.rs`) and any guess at what the article says.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::html::{attr, Kind, Token};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HintSet {
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    itemprops: Vec<String>,
    #[serde(default)]
    words: Vec<String>,
    #[serde(default)]
    tokens: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Hints {
    boilerplate: HintSet,
    article: HintSet,
}

const HINTS_TOML: &str = include_str!("../../../data/extract/page.toml");

fn hints() -> &'static Hints {
    static H: OnceLock<Hints> = OnceLock::new();
    // The pack is compiled in and parsed by a unit test, so this cannot fail at run time.
    H.get_or_init(|| toml::from_str(HINTS_TOML).unwrap_or_else(|e| panic!("page.toml: {e}")))
}

impl HintSet {
    /// Whether a class or id value names this set.
    fn names(&self, value: &str) -> bool {
        let lower = value.to_ascii_lowercase();
        self.words.iter().any(|w| lower.contains(w.as_str()))
            || lower
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|part| self.tokens.iter().any(|t| t == part))
    }
}

/// Block-level elements: text inside them is a block of its own.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dd",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tbody",
    "thead",
    "tr",
    "td",
    "th",
    "caption",
    "figure",
    "figcaption",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "blockquote",
    "pre",
    "address",
    "body",
    "html",
    "form",
    "menu",
    "dialog",
    "details",
    "summary",
    "center",
];

/// Tags a start tag of which closes an open `<p>`.
const CLOSES_P: &[&str] = &[
    "p",
    "div",
    "ul",
    "ol",
    "dl",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figure",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "blockquote",
    "pre",
    "form",
    "main",
];

/// How far up the open elements an end tag looks for its start (bounds the work on broken
/// markup; real pages nest far less).
const CLOSE_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Tag {
    #[default]
    Other,
    Body,
    Div,
    Para,
    Heading1,
    Heading,
    Link,
    List,
    Item,
    Figure,
    Caption,
    Img,
    Article,
    Cell,
}

#[derive(Debug, Clone, Default)]
struct El {
    tag: Tag,
    /// The tag name's byte range.
    name: (usize, usize),
    block: bool,
    /// A block element is among its children.
    block_child: bool,
    parent: usize,
    start: usize,
    end: usize,
    /// Last element index inside this one (elements are numbered in document order).
    last: usize,
    /// Navigation-like: a boilerplate tag or role, or a boilerplate class/id not also an article one.
    boiler: bool,
    /// This or an ancestor is `boiler`.
    in_boiler: bool,
    /// An `h1`, `<main>` or `role=main` is inside: the element wraps the article.
    wraps_article: bool,
    /// Class, id, role and itemprop weight (readability's ±25).
    weight: f32,
    semantic_article: bool,
    /// Text directly in this block (inline descendants included), its link part, its commas.
    own: u32,
    own_link: u32,
    commas: u32,
    /// Whole-subtree text, link text and links.
    text: u32,
    link: u32,
    links: u32,
    score: f32,
    scored: bool,
    /// Text ends a sentence.
    sentence_end: bool,
}

impl El {
    fn link_density(&self) -> f32 {
        if self.text == 0 {
            0.0
        } else {
            self.link as f32 / self.text as f32
        }
    }
}

fn tag_of(name: &str) -> Tag {
    match name.to_ascii_lowercase().as_str() {
        "body" => Tag::Body,
        "div" | "section" | "main" => Tag::Div,
        "p" | "pre" | "blockquote" => Tag::Para,
        "h1" => Tag::Heading1,
        "h2" | "h3" | "h4" | "h5" | "h6" => Tag::Heading,
        "a" => Tag::Link,
        "ul" | "ol" | "dl" => Tag::List,
        "li" | "dd" | "dt" => Tag::Item,
        "figure" | "picture" => Tag::Figure,
        "figcaption" | "caption" => Tag::Caption,
        "img" => Tag::Img,
        "article" => Tag::Article,
        "td" | "th" => Tag::Cell,
        _ => Tag::Other,
    }
}

/// The parsed page: elements in document order (0 is the document itself).
struct Page {
    els: Vec<El>,
}

fn parse(s: &str, toks: &[Token]) -> Page {
    let h = hints();
    let mut els = vec![El {
        block: true,
        end: s.len(),
        ..El::default()
    }];
    let mut open: Vec<usize> = vec![0];
    let mut blocks: Vec<usize> = vec![0];
    let mut links_open = 0usize;
    let close = |els: &mut Vec<El>,
                 open: &mut Vec<usize>,
                 blocks: &mut Vec<usize>,
                 links_open: &mut usize,
                 at: usize| {
        if let Some(e) = open.pop() {
            els[e].end = at;
            if blocks.last() == Some(&e) {
                blocks.pop();
            }
            if els[e].tag == Tag::Link {
                *links_open = links_open.saturating_sub(1);
            }
        }
    };
    for t in toks {
        match t.kind {
            Kind::Skip => {}
            Kind::Text => {
                let text = &s[t.start..t.end];
                let chars = text.chars().filter(|c| !c.is_whitespace()).count() as u32;
                if chars == 0 {
                    continue;
                }
                let owner = *blocks.last().unwrap_or(&0);
                let e = &mut els[owner];
                e.own += chars;
                if links_open > 0 {
                    e.own_link += chars;
                }
                e.commas += text.matches([',', '，', '、']).count() as u32;
                e.sentence_end = text.trim_end().ends_with(['.', '!', '?', '"', '”', '。']);
            }
            Kind::End => {
                let name = t.name(s);
                let depth = open.len().min(CLOSE_DEPTH);
                let found = (1..depth).find(|&k| {
                    let e = open[open.len() - k];
                    let (a, z) = els[e].name;
                    e != 0 && s[a..z].eq_ignore_ascii_case(name)
                });
                if let Some(k) = found {
                    for _ in 1..k {
                        close(&mut els, &mut open, &mut blocks, &mut links_open, t.start);
                    }
                    close(&mut els, &mut open, &mut blocks, &mut links_open, t.end);
                }
            }
            Kind::Start { void } => {
                let name = t.name(s);
                let lname = name.to_ascii_lowercase();
                // Implicit ends: a block closes an open paragraph, an item closes an open item.
                let top = *open.last().unwrap_or(&0);
                if (CLOSES_P.contains(&lname.as_str()) && els[top].tag == Tag::Para && top != 0)
                    || (els[top].tag == Tag::Item && matches!(lname.as_str(), "li" | "dd" | "dt"))
                {
                    close(&mut els, &mut open, &mut blocks, &mut links_open, t.start);
                }
                let parent = *open.last().unwrap_or(&0);
                let tag = tag_of(name);
                let mut e = El {
                    tag,
                    name: t.name,
                    block: BLOCKS.contains(&lname.as_str()),
                    parent,
                    start: t.start,
                    end: t.end,
                    ..El::default()
                };
                // Hints.
                let class = attr(s, t, "class").unwrap_or("");
                let id = attr(s, t, "id").unwrap_or("");
                let role = attr(s, t, "role").unwrap_or("").to_ascii_lowercase();
                let itemprop = attr(s, t, "itemprop").unwrap_or("").to_ascii_lowercase();
                let bad_tag = h.boilerplate.tags.iter().any(|x| x == &lname)
                    || h.boilerplate.roles.iter().any(|x| x == &role);
                let good_tag = h.article.tags.iter().any(|x| x == &lname)
                    || h.article.roles.iter().any(|x| x == &role)
                    || h.article.itemprops.iter().any(|x| x == &itemprop);
                let bad = [class, id]
                    .iter()
                    .filter(|v| h.boilerplate.names(v))
                    .count();
                let good = [class, id].iter().filter(|v| h.article.names(v)).count();
                e.weight = 25.0 * (good as f32 + f32::from(u8::from(good_tag)) - bad as f32);
                e.semantic_article = good_tag;
                e.wraps_article = tag == Tag::Heading1 || lname == "main" || role == "main";
                e.boiler =
                    !matches!(tag, Tag::Body) && (bad_tag || (bad > 0 && good == 0 && !good_tag));
                e.in_boiler = e.boiler || els[parent].in_boiler;
                let idx = els.len();
                e.last = idx;
                if e.block {
                    els[parent].block_child = true;
                }
                els.push(e);
                if !void {
                    open.push(idx);
                    if els[idx].block {
                        blocks.push(idx);
                    }
                    if tag == Tag::Link {
                        links_open += 1;
                    }
                }
            }
        }
    }
    while open.len() > 1 {
        close(&mut els, &mut open, &mut blocks, &mut links_open, s.len());
    }
    // Subtree totals, children before parents.
    for i in (1..els.len()).rev() {
        let (own, own_link, links, last, wraps) = {
            let e = &els[i];
            (
                e.own + e.text,
                e.own_link + e.link,
                e.links + u32::from(e.tag == Tag::Link),
                e.last,
                e.wraps_article,
            )
        };
        let e = &mut els[i];
        e.text = own;
        e.link = own_link;
        e.links = links;
        let p = e.parent;
        let pe = &mut els[p];
        pe.text += own;
        pe.link += own_link;
        pe.links += links;
        pe.last = pe.last.max(last);
        pe.wraps_article |= wraps;
    }
    // A navigation-like element that holds the headline or the main content is a wrapper of
    // the whole page (a form around everything, a body class), not boilerplate.
    for i in 1..els.len() {
        let e = &els[i];
        let boiler = e.boiler && !e.wraps_article;
        let in_boiler = boiler || els[e.parent].in_boiler;
        let e = &mut els[i];
        e.boiler = boiler;
        e.in_boiler = in_boiler;
    }
    let root = &mut els[0];
    root.text += root.own;
    root.link += root.own_link;
    Page { els }
}

/// Readability's content score of every container above a block of text.
fn score(page: &mut Page) {
    let els = &mut page.els;
    for i in 1..els.len() {
        let e = &els[i];
        if !e.block || e.own < 25 || e.in_boiler || e.own_link * 2 > e.own {
            continue;
        }
        let content = 1.0 + e.commas as f32 + (e.own as f32 / 100.0).min(3.0);
        let mut a = e.parent;
        for level in 0..5 {
            if a == 0 {
                break;
            }
            let anc = &mut els[a];
            if !anc.scored {
                anc.scored = true;
                anc.score = anc.weight
                    + match anc.tag {
                        Tag::Div | Tag::Article => 5.0,
                        Tag::Para | Tag::Cell => 3.0,
                        Tag::List | Tag::Item => -3.0,
                        Tag::Heading | Tag::Heading1 => -5.0,
                        _ => 0.0,
                    };
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            anc.score += content / divider;
            a = anc.parent;
        }
    }
    for e in els.iter_mut() {
        if e.scored {
            e.score *= 1.0 - e.link_density();
        }
    }
}

/// The best container, climbed to an ancestor that scores as well.
fn top(page: &Page) -> Option<usize> {
    let els = &page.els;
    let mut best: Option<usize> = None;
    for (i, e) in els.iter().enumerate().skip(1) {
        if e.scored && !e.in_boiler && best.is_none_or(|b| e.score > els[b].score) {
            best = Some(i);
        }
    }
    let mut top = best?;
    // Climb while a parent scores nearly as well (the article spread over several children);
    // a parent well below the best is a page wrapper, not the article.
    let best_score = els[top].score;
    let mut last = best_score;
    let floor = last / 3.0;
    let mut p = els[top].parent;
    while p != 0 && els[p].tag != Tag::Body {
        if !els[p].scored {
            p = els[p].parent;
            continue;
        }
        if els[p].score < floor {
            break;
        }
        if els[p].score > last && els[p].score >= best_score * 0.75 {
            top = p;
            break;
        }
        last = els[p].score;
        p = els[p].parent;
    }
    // An only child stands for its parent.
    while els[top].parent != 0
        && els[els[top].parent].tag != Tag::Body
        && children(els, els[top].parent).count() == 1
    {
        top = els[top].parent;
    }
    // The article element it sits in, when the page marks one.
    let mut a = els[top].parent;
    while a != 0 && els[a].tag != Tag::Body {
        if els[a].semantic_article && els[a].tag == Tag::Article && !els[a].in_boiler {
            top = a;
            break;
        }
        a = els[a].parent;
    }
    Some(top)
}

fn children(els: &[El], p: usize) -> impl Iterator<Item = usize> + '_ {
    let mut c = p + 1;
    std::iter::from_fn(move || {
        (c <= els[p].last && c < els.len()).then(|| {
            let here = c;
            c = els[c].last + 1;
            here
        })
    })
}

/// Whether an element is a list of links, or a block that is all link ("Read more: …").
fn link_list(e: &El) -> bool {
    let ld = e.link_density();
    (e.links >= 3 && ld > 0.5)
        || (e.block
            && e.links >= 1
            && ld > 0.9
            && !matches!(e.tag, Tag::Heading | Tag::Heading1 | Tag::Caption))
}

/// Byte ranges of `s` (sorted, disjoint) that are not the article.
pub(crate) fn outside_article(s: &str, toks: &[Token]) -> Vec<(usize, usize)> {
    let mut page = parse(s, toks);
    score(&mut page);
    let els = &page.els;
    let mut drop = Vec::new();
    let Some(root) = top(&page) else {
        // Nothing to score: keep all but navigation-like elements.
        drop_boiler(els, &mut drop);
        return merge(drop);
    };
    // The article: the root, or the root with the siblings that score near it and what lies
    // between them.
    let mut region: Vec<usize> = Vec::new();
    let parent = els[root].parent;
    if parent == 0 || matches!(els[root].tag, Tag::Body) {
        region.push(root);
    } else {
        let threshold = (els[root].score * 0.2).max(10.0);
        let sibs: Vec<usize> = children(els, parent).collect();
        let kept: Vec<bool> = sibs
            .iter()
            .map(|&c| {
                let e = &els[c];
                let ld = e.link_density();
                c == root
                    || (!e.in_boiler
                        && ((e.scored && e.score >= threshold)
                            || (e.tag == Tag::Para && e.own > 80 && ld < 0.25)
                            || (e.tag == Tag::Para && e.own > 0 && ld == 0.0 && e.sentence_end)))
            })
            .collect();
        let first = kept.iter().position(|&k| k);
        let last = kept.iter().rposition(|&k| k);
        for (k, &c) in sibs.iter().enumerate() {
            let between = first.is_some_and(|f| k > f) && last.is_some_and(|l| k < l);
            let e = &els[c];
            if kept[k] || (between && !e.in_boiler && !link_list(e)) {
                region.push(c);
            }
        }
    }
    let start = els[region[0]].start;
    // The headline: an h1 in the article, else the last one before it (not a logo link), else
    // the last h2 before it.
    let has_h1 = region
        .iter()
        .any(|&r| (r..=els[r].last).any(|i| els[i].tag == Tag::Heading1));
    let mut lead: Option<usize> = None;
    if !has_h1 {
        let heading = |tag: Tag| {
            (1..region[0]).rev().find(|&i| {
                let e = &els[i];
                e.tag == tag
                    && e.end <= start
                    && !e.in_boiler
                    && e.own > 0
                    && e.link_density() < 0.5
            })
        };
        lead = heading(Tag::Heading1).or_else(|| heading(Tag::Heading));
    }
    // Keep: the headline, the lead material after it, the region; drop the rest.
    let mut keep: Vec<(usize, usize)> = Vec::new();
    if let Some(h) = lead {
        keep.push((els[h].start, els[h].end));
        // Blocks between the headline and the article that are not navigation or link lists:
        // standfirst, byline, the lead photo and its caption.
        let mut i = els[h].last + 1;
        while i < els.len() && els[i].start < start {
            let e = &els[i];
            if e.end > start {
                i += 1; // an ancestor of the article: look inside
            } else if e.in_boiler || link_list(e) {
                i = e.last + 1;
            } else if (e.block && !e.block_child) || e.tag == Tag::Img {
                keep.push((e.start, e.end));
                i = e.last + 1;
            } else {
                i += 1;
            }
        }
    }
    for &r in &region {
        keep.push((els[r].start, els[r].end));
        // Inside the article: marked boilerplate and link lists go; the path to the root stays.
        let mut i = r + 1;
        while i <= els[r].last {
            let e = &els[i];
            let on_path = i <= root && root <= e.last;
            let caption = matches!(e.tag, Tag::Figure | Tag::Caption | Tag::Img);
            if !on_path && (e.boiler || (link_list(e) && !caption)) {
                drop.push((e.start, e.end));
                i = e.last + 1;
                continue;
            }
            i += 1;
        }
    }
    keep.sort_unstable();
    // Everything outside the kept ranges goes.
    let mut at = 0;
    for (a, z) in keep {
        if a > at {
            drop.push((at, a));
        }
        at = at.max(z);
    }
    if at < s.len() {
        drop.push((at, s.len()));
    }
    merge(drop)
}

/// Drops every navigation-like element.
fn drop_boiler(els: &[El], out: &mut Vec<(usize, usize)>) {
    let mut i = 1;
    while i < els.len() {
        if els[i].boiler {
            out.push((els[i].start, els[i].end));
            i = els[i].last + 1;
        } else {
            i += 1;
        }
    }
}

fn merge(mut v: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    v.retain(|&(a, z)| a < z);
    v.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(v.len());
    for (a, z) in v {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(z),
            _ => out.push((a, z)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(s: &str) -> String {
        let toks = crate::html::tokenize(s);
        let mut out = String::new();
        let mut at = 0;
        for (a, z) in outside_article(s, &toks) {
            out.push_str(&s[at..a]);
            at = z;
        }
        out.push_str(&s[at..]);
        out
    }

    #[test]
    fn a_form_around_the_whole_page_is_not_boilerplate() {
        let p = "<p>Trucks carried flour from Dandong to Sinuiju, a trader said, and came back \
                 empty in the evening, as they have done all week.</p>";
        let s = format!(
            "<html><body><form id=\"page\"><nav><a href=/>Home</a></nav><h1>Flour trucks</h1>\
             <div>{p}{p}{p}</div><div class=\"comments\"><p>First! A long comment that says \
             nothing at all about the border, or trade, or anything.</p></div></form></body></html>"
        );
        let k = kept(&s);
        assert!(
            k.contains("Flour trucks") && k.matches("Trucks carried").count() == 3,
            "{k}"
        );
        assert!(!k.contains("Home") && !k.contains("First!"), "{k}");
    }

    #[test]
    fn hints_pack_parses() {
        let h = super::hints();
        assert!(h.boilerplate.tags.iter().any(|t| t == "nav"));
        assert!(h.article.names("article-body"));
        assert!(h.boilerplate.names("related-stories"));
        assert!(h.boilerplate.names("ad-slot") && !h.boilerplate.names("header"));
    }
}
