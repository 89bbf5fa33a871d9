//! The one way a report says goods go: "trading firms are told to get forbidden goods into the
//! DPRK. … The cargo passes Manpo's customs post." The second
//! sentence names a crossing and no direction; the report so far has said only "into".
//!
//! Every clause read so far that states a direction across the border (by its import or
//! export word, its country ends or the sides of its places) is noted, whether or not it made
//! a claim. A movement through a crossing whose own clause, route and crossing leave the
//! direction unsaid takes the direction the earlier clauses stated, when they all stated the
//! same one; it quotes the latest of them as context when that sentence names no source of its
//! own.
//!
//! Refuses: a report that has said both ways (then the direction stays unknown); clauses after
//! the movement; traffic denied both ways; a route with no crossing or with an end in a country
//! the crossing does not join ("coal carried from Kholmsk" says nothing of the DPRK's side).

use super::*;

impl Doc<'_, '_> {
    /// Notes the direction a clause states, if it states one across the border.
    pub(super) fn note_stated_direction(&mut self, si: usize, f: &Facts, mentions: &[Mention]) {
        let d = self.direction(f, mentions);
        if matches!(d, Direction::Inbound | Direction::Outbound)
            && self.stated_directions.last() != Some(&(si, d))
        {
            self.stated_directions.push((si, d));
        }
    }

    /// The direction every clause before sentence `si` stated, when there is exactly one,
    /// with the latest sentence stating it that may be quoted (none when it names a source).
    pub(super) fn report_direction(
        &self,
        si: usize,
        route: &Route,
    ) -> Option<(Option<usize>, Direction)> {
        let crossing = self.gz().crossing(route.via.as_deref()?)?;
        let joins: Vec<String> = crossing
            .sides
            .iter()
            .filter_map(|s| self.country(s))
            .collect();
        let fits = |end: &Option<String>| {
            end.as_deref()
                .is_none_or(|e| self.country(e).is_some_and(|c| joins.contains(&c)))
        };
        if !fits(&route.from) || !fits(&route.to) {
            return None;
        }
        let mut before = self.stated_directions.iter().filter(|(j, _)| *j < si);
        let &(_, d) = before.next()?;
        if self
            .stated_directions
            .iter()
            .any(|&(j, e)| j < si && e != d)
        {
            return None;
        }
        let quotable = self
            .stated_directions
            .iter()
            .rev()
            .find(|&&(j, _)| j < si && self.attribution[j].is_none())
            .map(|&(j, _)| j);
        Some((quotable, d))
    }
}
