//! Goods of a clause: the goods tokens that are goods here (heads of noun phrases in goods
//! positions), with their HS codes.
//!
//! A material right before goods that the lexicon classifies several ways ("aluminium window
//! frames": wood, aluminium or plastic joinery) picks the code in the material's chapter, and the
//! two are one item.
//!
//! Refuses: deciding from the part of speech (noun_phrase) or screening (the claim builder).

use super::*;

impl Doc<'_, '_> {
    pub(super) fn goods(&self, toks: &[Tok]) -> Vec<GoodsItem> {
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
        // The item just pushed, with its token's start and end.
        let mut last: Option<(usize, usize)> = None;
        for t in toks {
            let Tk::Goods(i) = t.tk else { continue };
            if self.not_goods_here(toks, t) || self.names_no_cargo(toks, t) {
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
                // "clothes, food, tractors and small trucks": a vehicle in a list of goods is
                // goods too.
                let listed = last.is_some_and(|(_, e)| {
                    e <= t.start && {
                        let gap = clean[e..t.start].trim();
                        let rest = gap
                            .strip_prefix(',')
                            .map(str::trim_start)
                            .map(|g| g.strip_prefix("and ").unwrap_or(g))
                            .or_else(|| gap.strip_prefix("and"))
                            .or_else(|| gap.strip_prefix("or"));
                        rest.is_some_and(|r| r.split_whitespace().count() <= 1)
                    }
                });
                if !traded && !listed {
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
            if let Some(start) = self.of_material(&mut out, last, t, e) {
                last = Some((start, t.end));
                seen.insert(clean[start..t.end].to_lowercase());
                continue;
            }
            if !seen.insert(text.to_lowercase()) {
                continue;
            }
            // "the pipes" after "steel pipes": the goods named just before, by their head noun.
            if let Some(prev) = self.antecedent(t, &text) {
                last = Some((t.start, t.end));
                out.push(GoodsItem {
                    text,
                    span: self.text.span(t.start, t.end),
                    ..prev
                });
                continue;
            }
            let k = e.hs.len() as f64;
            last = Some((t.start, t.end));
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
}

impl Doc<'_, '_> {
    /// "aluminium window frames": the last item (a material, its token ending right before `t`)
    /// chooses among `e`'s codes the one in its chapter; the item becomes the whole phrase.
    /// Returns the merged item's start.
    fn of_material(
        &self,
        out: &mut [GoodsItem],
        last: Option<(usize, usize)>,
        t: &Tok,
        e: &borderwatch_reference::hs::LexEntry,
    ) -> Option<usize> {
        let (start, end) = last?;
        let clean = &self.text.clean;
        if e.hs.len() < 2 || !clean[end..t.start].chars().all(|c| c == ' ') {
            return None;
        }
        let prev = out.last_mut()?;
        if prev.text.contains(' ') {
            return None;
        }
        let chapter = prev.hs.as_deref()?.get(..2)?;
        let pick = e.hs.iter().find(|h| h.starts_with(chapter))?.clone();
        prev.text = clean[start..t.end].to_string();
        prev.alternatives = e.hs.iter().filter(|h| **h != pick).cloned().collect();
        prev.hs = Some(pick);
        prev.product = e.product.clone();
        prev.span = self.text.span(start, t.end);
        Some(start)
    }
}
