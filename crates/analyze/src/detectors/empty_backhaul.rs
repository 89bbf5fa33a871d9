//! `empty-backhaul` — fires when a corridor is reported loaded one way and empty (or carrying
//! nothing) the other: goods flow in one direction only, the signature of one-sided trade or of
//! returns that go unrecorded.
//!
//! Loaded: an affirmed movement with `load: loaded` or with goods. Empty: an affirmed movement
//! with `load: empty`, or a negated movement ("nothing goes the other way"). Score: independent
//! sources × (0.6, +0.2 with two or more empty reports, +0.2 with two or more loaded ones).

use borderwatch_model::{ClaimKind, Direction, Finding, Load, Polarity};

use super::{dir_words, finding, moving};
use crate::{ClaimIn, Context};

pub fn detect(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for k in ctx.corridors() {
        let on = ctx.on(k);
        for (there, back) in [
            (Direction::Inbound, Direction::Outbound),
            (Direction::Outbound, Direction::Inbound),
        ] {
            let loaded: Vec<&ClaimIn> = on
                .iter()
                .copied()
                .filter(|c| {
                    moving(c, there)
                        && (c.claim.load == Some(Load::Loaded) || !c.claim.goods.is_empty())
                })
                .collect();
            let empty: Vec<&ClaimIn> = on
                .iter()
                .copied()
                .filter(|c| {
                    c.claim.kind == ClaimKind::Movement
                        && c.claim.direction == back
                        && (c.claim.load == Some(Load::Empty)
                            || c.claim.polarity == Polarity::Negated)
                })
                .collect();
            if loaded.is_empty() || empty.is_empty() {
                continue;
            }
            let strength = 0.6
                + if empty.len() >= 2 { 0.2 } else { 0.0 }
                + if loaded.len() >= 2 { 0.2 } else { 0.0 };
            let name = ctx.corridor_name(k);
            // Every loaded claim counts towards the sources; the evidence list is capped later.
            let mut claims = empty.clone();
            claims.extend(loaded.iter());
            out.push(finding(
                ctx,
                "empty-backhaul",
                format!("{name}: loaded {}, empty on the way back", dir_words(there)),
                format!(
                    "{} report(s) of loaded movements {} through {name} and {} of empty returns \
                     or of nothing moving {}.",
                    loaded.len(),
                    dir_words(there),
                    empty.len(),
                    dir_words(back)
                ),
                vec![k.to_string()],
                &claims,
                strength,
            ));
        }
    }
    out
}
