//! Winnowing (Schleimer, Wilkerson and Aiken, 2003; what MOSS, JPlag's successors and Dolos
//! use): every run of [`K`] tokens is hashed, and of every [`WINDOW`] consecutive hashes the
//! smallest is kept as a fingerprint. Two sources that share a run of at least
//! `K + WINDOW - 1` tokens share a fingerprint; runs shorter than `K` (common idioms) never
//! count.

use super::tokens::Kind;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Tokens per hashed run: about a line or two of code.
pub const K: usize = 12;
/// Hashes per window.
pub const WINDOW: usize = 8;

/// The hash of every run of [`K`] tokens, in order (none for fewer than `K` tokens). The same
/// hasher with the same keys throughout a run, so hashes compare across sources.
pub fn runs(kinds: &[Kind]) -> Vec<u64> {
    kinds
        .windows(K)
        .map(|run| {
            let mut hasher = DefaultHasher::new();
            run.hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

/// The fingerprints of `hashes`: (hash, index of its run), the rightmost minimum of every
/// window, each taken once; all of them when there are fewer than a window's worth.
pub fn winnow(hashes: &[u64]) -> Vec<(u64, usize)> {
    if hashes.len() <= WINDOW {
        return hashes.iter().copied().zip(0..).collect();
    }
    let mut chosen: Vec<(u64, usize)> = Vec::new();
    for (start, window) in hashes.windows(WINDOW).enumerate() {
        let (offset, hash) =
            window.iter().enumerate().rev().min_by_key(|(_, hash)| **hash).expect("a window is never empty");
        let at = start + offset;
        if chosen.last().is_none_or(|(_, last)| *last != at) {
            chosen.push((*hash, at));
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_window_keeps_its_rightmost_minimum_once() {
        let hashes = [77, 72, 42, 17, 98, 50, 17, 98, 8, 88, 67, 39, 77, 72, 42, 17, 98];
        let chosen: Vec<u64> = winnow(&hashes).into_iter().map(|(h, _)| h).collect();
        // The paper's example has windows of 4; with 8 the minima are 17 (at 6), 8, then 17 (at 15).
        assert_eq!(chosen, [17, 8, 17]);
        let positions: Vec<usize> = winnow(&hashes).into_iter().map(|(_, at)| at).collect();
        assert_eq!(positions, [6, 8, 15]);
    }

    #[test]
    fn a_shared_run_long_enough_shares_a_fingerprint() {
        let shared: Vec<Kind> = (0..K + WINDOW - 1).map(|i| Kind::Punct(char::from(b'a' + (i % 26) as u8))).collect();
        let mut one = vec![Kind::Literal; 30];
        one.extend(&shared);
        let mut two = shared.clone();
        two.extend(vec![Kind::Identifier; 40]);
        let prints = |kinds: &[Kind]| -> std::collections::HashSet<u64> {
            winnow(&runs(kinds)).into_iter().map(|(h, _)| h).collect()
        };
        assert!(!prints(&one).is_disjoint(&prints(&two)));
        assert!(runs(&shared[..K - 1]).is_empty(), "fewer than K tokens have no run");
    }
}
