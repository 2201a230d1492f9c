//! `--shard K/N`: which slice of a class this machine grades, so that a CI matrix or an
//! indexed Kubernetes job can split a class of thousands, each job taking every N-th student.

use crate::error::SetupError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// From 1.
    pub index: usize,
    pub total: usize,
}

impl Shard {
    /// `K/N`, or `auto`: from the usual CI variables (GitLab's `CI_NODE_INDEX`/`CI_NODE_TOTAL`,
    /// CircleCI's `CIRCLE_NODE_INDEX`/`CIRCLE_NODE_TOTAL`, Buildkite's
    /// `BUILDKITE_PARALLEL_JOB`/`BUILDKITE_PARALLEL_JOB_COUNT`, a Kubernetes indexed job's
    /// `JOB_COMPLETION_INDEX` with `CHECKER_SHARD_TOTAL`) or `CHECKER_SHARD=K/N`.
    pub fn parse(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, SetupError> {
        if text == "auto" {
            return Shard::from_env(env).ok_or_else(|| {
                SetupError::Refused(
                    "--shard auto found no shard in the environment (CHECKER_SHARD=K/N, CI_NODE_INDEX and \
                     CI_NODE_TOTAL, CIRCLE_NODE_INDEX and CIRCLE_NODE_TOTAL, BUILDKITE_PARALLEL_JOB and \
                     BUILDKITE_PARALLEL_JOB_COUNT, or JOB_COMPLETION_INDEX with CHECKER_SHARD_TOTAL)"
                        .into(),
                )
            });
        }
        Shard::fixed(text)
    }

    /// `K/N`.
    fn fixed(text: &str) -> Result<Shard, SetupError> {
        let bad = || SetupError::Refused(format!("--shard {text:?}: expected K/N with 1 <= K <= N, or auto"));
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, total): (usize, usize) =
            (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if total == 0 || index == 0 || index > total {
            return Err(bad());
        }
        Ok(Shard { index, total })
    }

    fn from_env(env: impl Fn(&str) -> Option<String>) -> Option<Shard> {
        let number = |name: &str| env(name).and_then(|v| v.trim().parse::<usize>().ok());
        if let Some(text) = env("CHECKER_SHARD") {
            return Shard::fixed(&text).ok();
        }
        // (index variable, total variable, whether the index counts from 0)
        let sources = [
            ("CI_NODE_INDEX", "CI_NODE_TOTAL", false),
            ("CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL", true),
            ("BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", true),
            ("JOB_COMPLETION_INDEX", "CHECKER_SHARD_TOTAL", true),
        ];
        sources.iter().find_map(|(index, total, from_zero)| {
            let (index, total) = (number(index)?, number(total)?);
            let index = if *from_zero { index + 1 } else { index };
            (index >= 1 && index <= total).then_some(Shard { index, total })
        })
    }

    /// Whether the item at `position` (in a fixed order, from 0) is this shard's.
    pub fn takes(&self, position: usize) -> bool {
        position % self.total == self.index - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(Shard::parse("2/3", env(&[])).unwrap(), Shard { index: 2, total: 3 });
        for bad in ["0/3", "4/3", "1/0", "x/2", "3", ""] {
            assert!(Shard::parse(bad, env(&[])).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_the_usual_ci_variables() {
        let k8s = [("JOB_COMPLETION_INDEX", "0"), ("CHECKER_SHARD_TOTAL", "4")];
        assert_eq!(Shard::parse("auto", env(&k8s)).unwrap(), Shard { index: 1, total: 4 });
        let gitlab = [("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "2")];
        assert_eq!(Shard::parse("auto", env(&gitlab)).unwrap(), Shard { index: 2, total: 2 });
        assert_eq!(Shard::parse("auto", env(&[("CHECKER_SHARD", "3/5")])).unwrap(), Shard { index: 3, total: 5 });
        assert!(Shard::parse("auto", env(&[])).is_err());
    }

    #[test]
    fn the_shards_cover_everything_once() {
        let shards: Vec<Shard> = (1..=3).map(|index| Shard { index, total: 3 }).collect();
        for position in 0..10 {
            assert_eq!(shards.iter().filter(|s| s.takes(position)).count(), 1);
        }
    }
}
