//! Seeded randomness for the checks: varied workloads, orders and timings that still give the
//! same verdict on every run.
//!
//! A check draws its seed from [`seed`]: fixed per check (so a grade never depends on luck),
//! or the value of `CHECKER_SEED` when a student replays a failure. A failing check names its
//! seed with [`replay_hint`], and `CHECKER_SEED=<seed> checker submit <exercise>` runs the very
//! same workload again.

use std::time::Duration;

/// The variable that replays a check's random choices; the checker passes it to hidden checks.
pub const SEED_VARIABLE: &str = "CHECKER_SEED";

/// A small, fast generator (SplitMix64): good enough to vary a workload, and the same
/// sequence for the same seed on every machine.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A random pause that shakes up the interleaving of threads: usually nothing, sometimes
    /// a `yield_now`, now and then a sleep of up to `max`.
    pub fn jitter(&mut self, max: Duration) {
        match self.below(10) {
            0..=5 => {}
            6..=8 => std::thread::yield_now(),
            _ => std::thread::sleep(max.mul_f64(self.below(1000) as f64 / 1000.0)),
        }
    }

    /// An independent generator for another thread.
    pub fn split(&mut self) -> Rng {
        Rng::new(self.next_u64())
    }

    /// The items in a random order.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i as u64 + 1) as usize);
        }
    }
}

/// The seed of the running check: `CHECKER_SEED` if set to a number, else a value fixed for
/// the check's name.
pub fn seed() -> u64 {
    if let Some(seed) = std::env::var(SEED_VARIABLE).ok().and_then(|v| v.trim().parse().ok()) {
        return seed;
    }
    // FNV-1a of the check's name: stable across runs, machines and Rust versions.
    crate::check_name().bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// "seed 123 (to replay: CHECKER_SEED=123 checker submit ex05)", for a failure's text.
pub fn replay_hint(seed: u64, exercise: &str) -> String {
    // The seed as text: a u64 does not fit a Fluent number (an f64) exactly.
    crate::text!("support-replay-hint", seed = seed.to_string(), variable = SEED_VARIABLE, exercise)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_sequence_and_shuffles_keep_every_item() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        let sa: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let sb: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(sa, sb);
        assert_ne!(sa[0], Rng::new(43).next_u64());
        let mut items: Vec<u32> = (0..50).collect();
        a.shuffle(&mut items);
        assert_ne!(items, (0..50).collect::<Vec<_>>());
        items.sort_unstable();
        assert_eq!(items, (0..50).collect::<Vec<_>>());
        assert!((0..1000).all(|_| a.below(7) < 7));
        assert!(replay_hint(5, "ex05").contains("CHECKER_SEED=5 checker submit ex05"));
    }
}
