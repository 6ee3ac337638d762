//! Choosing which tests of a list run, the way libtest and nextest
//! choose: name filters (substring or `--exact`), `--skip`, tags, ignored
//! tests, the failures of the last run, and partitions that split a suite
//! into shards (`count:K/N`, `hash:K/N`) so that every test lands in
//! exactly one.

use crate::spec::Test;
use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

/// What to do with tests marked `ignore`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Ignored {
    /// Select them; they are reported as ignored, not run.
    #[default]
    Default,
    /// Select only them, and run them (`--ignored`).
    Only,
    /// Select and run them with the others (`--include-ignored`).
    Include,
}

/// A shard of the suite.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Partition {
    /// Test number i (0-based, in selection order) goes to shard i % N + 1.
    Count {
        /// This shard, 1-based.
        shard: u64,
        /// The number of shards (N).
        of: u64,
    },
    /// A test goes to shard hash(name) % N + 1: stable when tests are
    /// added or removed elsewhere.
    Hash {
        /// This shard, 1-based.
        shard: u64,
        /// The number of shards (N).
        of: u64,
    },
}

impl FromStr for Partition {
    type Err = String;

    fn from_str(s: &str) -> Result<Partition, String> {
        let bad =
            || format!("invalid partition '{s}': expected count:K/N or hash:K/N with 1 <= K <= N");
        let (kind, rest) = s.split_once(':').ok_or_else(bad)?;
        let (k, n) = rest.split_once('/').ok_or_else(bad)?;
        let (shard, of): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if shard == 0 || of == 0 || shard > of {
            return Err(bad());
        }
        match kind {
            "count" => Ok(Partition::Count { shard, of }),
            "hash" => Ok(Partition::Hash { shard, of }),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Partition::Count { shard, of } => write!(f, "count:{shard}/{of}"),
            Partition::Hash { shard, of } => write!(f, "hash:{shard}/{of}"),
        }
    }
}

/// FNV-1a: a hash that is the same on every machine and every run.
fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Which tests run.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Keep tests whose name contains one of these (or equals one, with
    /// `exact`); none = all.
    pub filters: Vec<String>,
    /// Filters must equal the name, not be part of it.
    pub exact: bool,
    /// Leave out tests whose name contains one of these (equals, with
    /// `exact`).
    pub skip: Vec<String>,
    /// Keep tests with one of these tags; none = all.
    pub tags: Vec<String>,
    /// Leave out tests with one of these tags.
    pub exclude_tags: Vec<String>,
    /// What to do with ignored tests.
    pub ignored: Ignored,
    /// Keep only these names (the last run's failures).
    pub only: Option<HashSet<String>>,
    /// Keep only this shard.
    pub partition: Option<Partition>,
}

impl Selection {
    /// Whether `t` passes every filter but the partition.
    pub fn matches(&self, t: &Test) -> bool {
        let name_is = |f: &String| {
            if self.exact {
                t.name() == *f
            } else {
                t.name().contains(f.as_str())
            }
        };
        // A file that cannot be read has no known tags: tag filters keep it.
        let tags_ok = t.is_file_error()
            || ((self.tags.is_empty() || self.tags.iter().any(|x| t.summary.tags.contains(x)))
                && !self.exclude_tags.iter().any(|x| t.summary.tags.contains(x)));
        (self.filters.is_empty() || self.filters.iter().any(name_is))
            && !self.skip.iter().any(name_is)
            && tags_ok
            && (self.ignored != Ignored::Only
                || t.summary.ignore.is_some()
                || t.summary.skip.is_some())
            && self.only.as_ref().is_none_or(|o| o.contains(t.name()))
    }

    /// Whether every test is selected (no filter, skip, tag, ignored
    /// mode, failure list or partition): then a front end can load the
    /// whole suite in the pass that names it.
    pub fn keeps_all(&self) -> bool {
        self.filters.is_empty()
            && self.skip.is_empty()
            && self.tags.is_empty()
            && self.exclude_tags.is_empty()
            && self.ignored == Ignored::Default
            && self.only.is_none()
            && self.partition.is_none()
    }

    /// The selected tests in order, and how many were left out.
    pub fn select(&self, tests: Vec<Test>) -> (Vec<Test>, usize) {
        let total = tests.len();
        let mut kept: Vec<Test> = tests.into_iter().filter(|t| self.matches(t)).collect();
        if let Some(p) = self.partition {
            let mut i = 0u64;
            kept.retain(|t| {
                let n = match p {
                    Partition::Count { of, .. } => {
                        i += 1;
                        (i - 1) % of
                    }
                    Partition::Hash { of, .. } => stable_hash(t.name()) % of,
                };
                let shard = match p {
                    Partition::Count { shard, .. } | Partition::Hash { shard, .. } => shard,
                };
                n + 1 == shard
            });
        }
        let out = total - kept.len();
        (kept, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Body, CaseSummary};
    use std::path::PathBuf;

    fn test(name: &str, tags: &[&str], ignore: bool) -> Test {
        Test {
            summary: CaseSummary {
                full_name: name.into(),
                line: 1,
                col: 1,
                ignore: ignore.then(String::new),
                skip: None,
                tags: tags.iter().map(|t| t.to_string()).collect(),
                bench: false,
            },
            file: PathBuf::from("x.mltest"),
            body: Body::Listed,
        }
    }

    fn names(sel: &Selection, tests: &[Test]) -> (Vec<String>, usize) {
        let (kept, out) = sel.select(tests.to_vec());
        (kept.into_iter().map(|t| t.summary.full_name).collect(), out)
    }

    fn suite() -> Vec<Test> {
        vec![
            test("a::one", &["fast"], false),
            test("a::two", &["slow"], false),
            test("b::one", &[], true),
            test("b::one::more", &["fast"], false),
        ]
    }

    #[test]
    fn filters_exact_skip_tags_and_ignored() {
        let s = suite();
        let sel = |f: fn(&mut Selection)| {
            let mut x = Selection::default();
            f(&mut x);
            names(&x, &s)
        };
        assert_eq!(sel(|x| x.filters = vec!["one".into()]).0.len(), 3);
        assert_eq!(
            sel(|x| {
                x.filters = vec!["b::one".into()];
                x.exact = true;
            }),
            (vec!["b::one".to_string()], 3)
        );
        assert_eq!(sel(|x| x.skip = vec!["b::".into()]).0, ["a::one", "a::two"]);
        assert_eq!(
            sel(|x| x.tags = vec!["fast".into()]).0,
            ["a::one", "b::one::more"]
        );
        assert_eq!(
            sel(|x| x.exclude_tags = vec!["fast".into()]).0,
            ["a::two", "b::one"]
        );
        assert_eq!(sel(|x| x.ignored = Ignored::Only).0, ["b::one"]);
        assert_eq!(
            sel(|x| x.only = Some(["a::two".to_string()].into())).0,
            ["a::two"]
        );
    }

    #[test]
    fn partitions_cover_every_test_once() {
        let tests: Vec<Test> = (0..100)
            .map(|i| test(&format!("t::{i}"), &[], false))
            .collect();
        for kind in ["count", "hash"] {
            let mut seen = Vec::new();
            for k in 1..=3 {
                let sel = Selection {
                    partition: Some(format!("{kind}:{k}/3").parse().unwrap()),
                    ..Selection::default()
                };
                let (kept, out) = names(&sel, &tests);
                assert_eq!(kept.len() + out, 100);
                assert!(!kept.is_empty(), "{kind}:{k}/3 is empty");
                seen.extend(kept);
            }
            seen.sort();
            let mut all: Vec<String> = tests.iter().map(|t| t.name().to_string()).collect();
            all.sort();
            assert_eq!(seen, all, "{kind}");
        }
        let count = Selection {
            partition: Some(Partition::Count { shard: 2, of: 3 }),
            ..Selection::default()
        };
        assert_eq!(names(&count, &tests).0[..2], ["t::1", "t::4"]);
    }

    #[test]
    fn partition_syntax() {
        assert_eq!(
            "hash:2/5".parse::<Partition>(),
            Ok(Partition::Hash { shard: 2, of: 5 })
        );
        for bad in [
            "count:0/3",
            "count:4/3",
            "hash:1/0",
            "slice:1/2",
            "count:1",
            "x",
        ] {
            assert!(bad.parse::<Partition>().is_err(), "{bad}");
        }
        assert_eq!(stable_hash("a"), 0xaf63dc4c8601ec8c);
    }
}
