//! When a claim happened: the time expression of its clause, else of its sentence.
//!
//! Refuses: the document's own date as a claim's time when the text says none.

use super::*;

impl Doc<'_, '_> {
    /// The first time in the clause, else in the sentence.
    pub(super) fn when(&self, cs: usize, ce: usize, ss: usize, se: usize) -> Option<When> {
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

    pub(super) fn times_in(&self, a: usize, b: usize) -> impl Iterator<Item = &TimeExpr> {
        self.cur_times
            .iter()
            .filter(move |t| t.start >= a && t.end <= b)
    }
}
