//! Which events get a call-back when the required rate is below 100%.
//!
//! Each event draws a number from a hash of its ref (so the choice is reproducible and does not
//! follow arrival order) and is selected when the draw falls under the rate. On top of that a
//! running quota keeps the selected share of its cohort — site × category × calendar month — at
//! or above the rate after every intake: when the draws alone would leave the cohort short, the
//! event is selected to fill the quota.

use serde::Serialize;

/// The group a required rate is measured over.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Cohort {
    pub site: String,
    pub category: String,
    /// `YYYY-MM` of the completion date.
    pub month: String,
}

/// What a cohort holds so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CohortCount {
    pub events: u64,
    pub selected: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub selected: bool,
    pub reason: String,
}

/// Decides one event. `forced` names a reason the event must be selected whatever the draw.
pub fn choose(
    reference: &str,
    rate: f64,
    major: bool,
    so_far: CohortCount,
    forced: Option<&str>,
) -> Selection {
    let pct = |r: f64| format!("{:.0}%", r * 100.0);
    let sel = |reason: String| Selection {
        selected: true,
        reason,
    };
    // A forced reason comes first even at a full rate: a repeat complaint is selected anyway,
    // but the reason is what the supervisor needs to see.
    if let Some(why) = forced {
        return sel(why.to_string());
    }
    if rate >= 1.0 {
        return sel(format!("rate {}", pct(rate)));
    }
    if major {
        return sel("major complaint: always called back".into());
    }
    let n = so_far.events + 1;
    let needed = (rate * n as f64 - 1e-9).ceil().max(0.0) as u64;
    if so_far.selected < needed {
        return sel(format!(
            "quota: keeps the month's share at {} ({}/{n})",
            pct(rate),
            so_far.selected + 1
        ));
    }
    let draw = unit_draw(reference);
    if draw < rate {
        sel(format!("sampled: draw {draw:.3} < {}", pct(rate)))
    } else {
        Selection {
            selected: false,
            reason: format!(
                "not sampled: draw {draw:.3} ≥ {}; share stays {}/{n}",
                pct(rate),
                so_far.selected
            ),
        }
    }
}

/// A number in [0, 1) fixed by the ref alone.
fn unit_draw(reference: &str) -> f64 {
    (stable_hash(reference) >> 11) as f64 / (1u64 << 53) as f64
}

/// A hash that is the same on every machine and in every release (FNV-1a, then a SplitMix64
/// finaliser so near-identical refs like `R-1`, `R-2` land far apart).
pub fn stable_hash(s: &str) -> u64 {
    let mut h = StableHasher::new();
    h.feed(s);
    h.finish()
}

/// [`stable_hash`] fed piece by piece: the hash of the pieces' concatenation, without making it.
pub struct StableHasher(u64);

impl StableHasher {
    pub fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    pub fn feed(&mut self, s: &str) {
        for b in s.bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 30;
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 27;
        h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^ (h >> 31)
    }
}

impl Default for StableHasher {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_rate_and_major_are_always_selected() {
        let c = CohortCount {
            events: 10,
            selected: 10,
        };
        assert!(choose("X", 1.0, false, c, None).selected);
        assert!(choose("X", 0.1, true, c, None).selected);
    }

    #[test]
    fn quota_fills_a_short_cohort() {
        let c = CohortCount {
            events: 4,
            selected: 2,
        };
        let s = choose("R-anything", 0.6, false, c, None);
        assert!(s.selected, "{s:?}");
        assert!(s.reason.starts_with("quota"));
    }

    #[test]
    fn the_draw_is_fixed_by_the_ref() {
        assert_eq!(unit_draw("R-17"), unit_draw("R-17"));
        assert_ne!(unit_draw("R-17"), unit_draw("R-18"));
        assert!((0.0..1.0).contains(&unit_draw("")));
    }
}
