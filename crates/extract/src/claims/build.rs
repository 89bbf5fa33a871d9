//! Claim plumbing shared by every claim kind: the base of a claim (evidence, attribution,
//! hedges, context), screening its goods, and keeping one claim per identity.
//!
//! Refuses: deciding what a clause claims.

use super::*;

impl Doc<'_, '_> {
    pub(super) fn claim(
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
        // "…from this yard": the sentence that named the yard's place.
        let context = context.or_else(|| {
            self.place_reference_in(base.clause.0, base.clause.1)
                .filter(|&j| j != base.si)
        });
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
                    if !self.in_attribution(j, t.start, t.end)
                        && !places.iter().any(|p| **p == **id)
                    {
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

    pub(super) fn finish_claim(
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

    /// Screens every classified goods item for the claim's direction and date.
    pub(super) fn screen(&mut self, c: &mut Claim) {
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

    pub(super) fn push(&mut self, c: Claim) {
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
