//! Glob matching for capability patterns.
//!
//! Two flavours share one wildcard matcher:
//! - [`PathGlob`]: absolute paths, matched segment by segment. `*` and `?`
//!   never cross a `/`; a whole segment `**` matches any number of
//!   segments (including none, so `/out/**` matches `/out` itself).
//! - [`TextGlob`]: a flat string (environment keys); `*` matches any run.
//!
//! Both support `*`, `?` and `[abc]` / `[a-z]` / `[!abc]` classes, compare
//! case-sensitively, and never allocate while matching short paths.

use smallvec::SmallVec;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Char(char),
    /// Any run of characters (within one segment for paths).
    Star,
    /// Exactly one character.
    One,
    Class {
        negated: bool,
        ranges: Box<[(char, char)]>,
    },
}

impl Tok {
    fn matches(&self, c: char) -> bool {
        match self {
            Tok::Char(x) => *x == c,
            Tok::Star | Tok::One => true,
            Tok::Class { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
        }
    }
}

/// Parses wildcard text into tokens. An unterminated `[` is a literal.
fn tokens(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => {
                if out.last() != Some(&Tok::Star) {
                    out.push(Tok::Star);
                }
                i += 1;
            }
            '?' => {
                out.push(Tok::One);
                i += 1;
            }
            '[' => match parse_class(&chars, i) {
                Some((tok, next)) => {
                    out.push(tok);
                    i = next;
                }
                None => {
                    out.push(Tok::Char('['));
                    i += 1;
                }
            },
            c => {
                out.push(Tok::Char(c));
                i += 1;
            }
        }
    }
    out
}

/// `[...]` starting at `start`; returns the class and the index after `]`.
fn parse_class(chars: &[char], start: usize) -> Option<(Tok, usize)> {
    let mut i = start + 1;
    let negated = matches!(chars.get(i), Some('!') | Some('^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let first = i;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && i > first {
            return Some((
                Tok::Class {
                    negated,
                    ranges: ranges.into_boxed_slice(),
                },
                i + 1,
            ));
        }
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|&h| h != ']') {
            let hi = chars[i + 2];
            ranges.push((c, hi));
            i += 3;
        } else {
            ranges.push((c, c));
            i += 1;
        }
    }
}

fn has_wildcards(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// Whole-string wildcard match (iterative, with single-star backtracking).
fn match_tokens(p: &[Tok], s: &str) -> bool {
    let (mut pi, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        let c = s[si..].chars().next();
        if let Some(c) = c {
            if let Some(tok) = p.get(pi) {
                if matches!(tok, Tok::Star) {
                    if pi + 1 == p.len() {
                        return true;
                    }
                    star = Some((pi + 1, si));
                    pi += 1;
                    continue;
                }
                if tok.matches(c) {
                    pi += 1;
                    si += c.len_utf8();
                    continue;
                }
            }
        } else {
            while p.get(pi) == Some(&Tok::Star) {
                pi += 1;
            }
            if pi == p.len() {
                return true;
            }
        }
        // Mismatch: let the last star swallow one more character.
        match star {
            Some((sp, ss)) => match s[ss..].chars().next() {
                Some(c) => {
                    let next = ss + c.len_utf8();
                    star = Some((sp, next));
                    pi = sp;
                    si = next;
                }
                None => return false,
            },
            None => return false,
        }
    }
}

/// A flat wildcard pattern (environment variable names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextGlob {
    text: Box<str>,
    toks: Option<Box<[Tok]>>,
}

impl TextGlob {
    /// A pattern from its text (`*` matches any run of characters).
    pub fn new(text: &str) -> TextGlob {
        TextGlob {
            text: text.into(),
            toks: has_wildcards(text).then(|| tokens(text).into_boxed_slice()),
        }
    }
    /// Does `s` match the whole pattern?
    pub fn matches(&self, s: &str) -> bool {
        match &self.toks {
            None => *self.text == *s,
            Some(t) => match_tokens(t, s),
        }
    }
    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    /// `**`: any number of segments.
    Deep,
    Lit(Box<str>),
    /// `*`: any one segment.
    Any,
    /// `*.csv`
    Suffix(Box<str>),
    /// `app*`
    Prefix(Box<str>),
    Glob(Box<[Tok]>),
}

impl Seg {
    fn parse(seg: &str) -> Seg {
        if seg == "**" {
            return Seg::Deep;
        }
        if !has_wildcards(seg) {
            return Seg::Lit(seg.into());
        }
        let toks = tokens(seg);
        let lits = |ts: &[Tok]| -> Option<String> {
            ts.iter()
                .map(|t| match t {
                    Tok::Char(c) => Some(*c),
                    _ => None,
                })
                .collect()
        };
        match toks.as_slice() {
            [Tok::Star] => Seg::Any,
            [Tok::Star, rest @ ..] if lits(rest).is_some() => {
                Seg::Suffix(lits(rest).unwrap_or_default().into())
            }
            [init @ .., Tok::Star] if lits(init).is_some() => {
                Seg::Prefix(lits(init).unwrap_or_default().into())
            }
            _ => Seg::Glob(toks.into_boxed_slice()),
        }
    }

    #[inline]
    fn matches(&self, s: &str) -> bool {
        match self {
            Seg::Deep | Seg::Any => true,
            Seg::Lit(l) => **l == *s,
            Seg::Suffix(x) => s.ends_with(&**x),
            Seg::Prefix(x) => s.starts_with(&**x),
            Seg::Glob(t) => match_tokens(t, s),
        }
    }
}

/// A pattern over absolute, normalised paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathGlob {
    text: Box<str>,
    segs: Box<[Seg]>,
    /// The leading literal segments as a path (`/data/reports`): every
    /// matching path starts with it, so most misses cost one comparison.
    prefix: Box<str>,
    /// How many leading segments the prefix holds.
    lits: usize,
}

/// Path segments, split once per check.
pub type Segs<'a> = SmallVec<[&'a str; 16]>;

/// The segments of an absolute, normalised path.
pub fn split(path: &str) -> Segs<'_> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

impl PathGlob {
    /// Parses an absolute path pattern. `*` or `**` alone mean every path.
    pub fn parse(text: &str) -> Result<PathGlob, String> {
        let t = text.trim();
        let body = if t == "*" || t == "**" { "/**" } else { t };
        if !body.starts_with('/') {
            return Err(format!(
                "file patterns must be absolute paths (start with '/'), got '{t}'"
            ));
        }
        let mut segs: Vec<Seg> = Vec::new();
        for seg in body.split('/').filter(|s| !s.is_empty()) {
            if seg == "." || seg == ".." {
                return Err(format!(
                    "file patterns must be normalised: '{seg}' is not allowed in '{t}'"
                ));
            }
            let s = Seg::parse(seg);
            if s == Seg::Deep && segs.last() == Some(&Seg::Deep) {
                continue;
            }
            segs.push(s);
        }
        let mut prefix = String::new();
        let mut lits = 0;
        for s in &segs {
            match s {
                Seg::Lit(l) => {
                    prefix.push('/');
                    prefix.push_str(l);
                    lits += 1;
                }
                _ => break,
            }
        }
        Ok(PathGlob {
            text: t.into(),
            segs: segs.into_boxed_slice(),
            prefix: prefix.into(),
            lits,
        })
    }

    /// A cheap necessary condition for [`PathGlob::matches`]: the path
    /// starts with the pattern's literal leading segments.
    #[inline]
    pub fn prefix_ok(&self, path: &str) -> bool {
        path.starts_with(&*self.prefix)
    }

    /// [`PathGlob::matches`] on a path already split with [`split`].
    #[inline]
    pub fn matches_segs(&self, segs: &[&str]) -> bool {
        match_segs(&self.segs, segs)
    }

    /// Matches without splitting the path: the literal prefix is compared
    /// as a string, the rest segment by segment in place.
    #[inline]
    pub fn matches_fast(&self, path: &str) -> bool {
        let Some(rest) = path.strip_prefix(&*self.prefix) else {
            return false;
        };
        let rest = match rest.strip_prefix('/') {
            Some(r) => r,
            None if rest.is_empty() => rest,
            None => return false,
        };
        match_path(&self.segs[self.lits..], rest)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Does the pattern match this absolute, normalised path?
    pub fn matches(&self, path: &str) -> bool {
        self.matches_fast(path)
    }

    /// Could the pattern match this path or anything below it? (Used to
    /// decide whether a directory may be listed.)
    pub fn matches_or_below(&self, path: &str) -> bool {
        let segs = split(path);
        prefix_segs(&self.segs, &segs)
    }
}

/// Segment-level wildcard matching in one pass: `**` is a star over whole
/// segments, every other pattern segment matches exactly one path segment.
/// As in the classic linear wildcard matcher, a mismatch only ever goes
/// back to the most recent `**` and lets it take one more segment, so a
/// check costs at most (path segments × pattern segments) segment
/// comparisons, never exponential time, and needs no recursion.
fn match_segs(p: &[Seg], s: &[&str]) -> bool {
    let (mut pi, mut si) = (0usize, 0usize);
    // After a `**`: where the rest of the pattern starts, and the first
    // path segment the `**` has not taken yet.
    let mut star: Option<(usize, usize)> = None;
    loop {
        match p.get(pi) {
            Some(Seg::Deep) => {
                if pi + 1 == p.len() {
                    return true;
                }
                star = Some((pi + 1, si));
                pi += 1;
                continue;
            }
            Some(seg) if si < s.len() && seg.matches(s[si]) => {
                pi += 1;
                si += 1;
                continue;
            }
            Some(_) => {}
            None if si == s.len() => return true,
            None => {}
        }
        match star {
            Some((sp, taken)) if taken < s.len() => {
                star = Some((sp, taken + 1));
                pi = sp;
                si = taken + 1;
            }
            _ => return false,
        }
    }
}

/// [`match_segs`] on the path text (without its leading `/`).
fn match_path(p: &[Seg], s: &str) -> bool {
    let segs: Segs = s.split('/').filter(|x| !x.is_empty()).collect();
    match_segs(p, &segs)
}

fn prefix_segs(p: &[Seg], s: &[&str]) -> bool {
    let Some((first, tail)) = s.split_first() else {
        return true;
    };
    match p.split_first() {
        None => false,
        Some((Seg::Deep, _)) => true,
        Some((seg, rest)) => seg.matches(first) && prefix_segs(rest, tail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pm(p: &str, s: &str) -> bool {
        PathGlob::parse(p).unwrap().matches(s)
    }

    #[test]
    fn deep_patterns_on_very_long_paths() {
        let g = PathGlob::parse("/srv/**/public/**/x.txt").unwrap();
        let mut long = String::from("/srv");
        for i in 0..32_000 {
            long.push_str(if i % 2 == 0 { "/public" } else { "/a" });
        }
        assert!(!g.matches(&long));
        assert!(g.matches(&format!("{long}/x.txt")));
        assert!(!g.matches(&format!("{long}/x.txt/y")));
        let many = PathGlob::parse("/**/a/**/a/**/a/**/b").unwrap();
        assert!(!many.matches(&long.replace("public", "a")));
        assert!(many.matches(&format!("{}/b", long.replace("public", "a"))));
        // `**` also matches no segment at all.
        assert!(pm("/x/**", "/x"));
        assert!(pm("/x/**/y", "/x/y"));
        assert!(pm("/**/y/**", "/y"));
        assert!(!pm("/x/**/y", "/x"));
    }

    #[test]
    fn text_globs() {
        let g = TextGlob::new("APP_*");
        assert!(g.matches("APP_"));
        assert!(g.matches("APP_KEY"));
        assert!(!g.matches("XAPP_KEY"));
        assert!(TextGlob::new("*").matches(""));
        assert!(TextGlob::new("a*b*c").matches("aXXbYYc"));
        assert!(!TextGlob::new("a*b*c").matches("aXXbYY"));
        assert!(TextGlob::new("H?ME").matches("HOME"));
        assert!(!TextGlob::new("H?ME").matches("HME"));
        assert!(TextGlob::new("[A-C]x").matches("Bx"));
        assert!(!TextGlob::new("[!A-C]x").matches("Bx"));
        assert!(TextGlob::new("[!A-C]x").matches("Dx"));
        assert!(TextGlob::new("é*").matches("été"));
        assert!(TextGlob::new("[").matches("["));
        assert!(TextGlob::new("[]]").matches("]"));
        assert!(TextGlob::new("*a").matches("aaaa"));
        assert!(!TextGlob::new("*a").matches("aaab"));
    }

    #[test]
    fn path_globs() {
        for (pattern, path, want) in [
            ("/data/*", "/data/a.txt", true),
            ("/data/*", "/data", false),
            ("/data/*", "/data/sub/a.txt", false),
            ("/data/*", "/data2/a.txt", false),
            ("/data/**", "/data", true),
            ("/data/**", "/data/sub/a.txt", true),
            ("/data/**", "/data2", false),
            ("/data/*.txt", "/data/a.txt", true),
            ("/data/*.txt", "/data/a.csv", false),
            ("/data/**/*.txt", "/data/a.txt", true),
            ("/data/**/*.txt", "/data/x/y/a.txt", true),
            ("/a/?/c", "/a/b/c", true),
            ("/a/?/c", "/a/bb/c", false),
            ("*", "/anything/at/all", true),
            ("/", "/", true),
            ("/", "/x", false),
            ("//data//x", "/data/x", true),
            ("/data/x", "/data/x", true),
            ("/data/**/x/*.txt", "/data/a/x/b/x/c.txt", true),
            ("/data/**/x/*.txt", "/data/a/x/b/y/c.txt", false),
            ("/**/*.txt", "/a.txt", true),
            ("/data", "/data/x", false),
            ("/data", "/data", true),
            ("/data", "/datax", false),
            ("/data/*", "/datax/y", false),
            ("/a/**/b/*", "/a/b/c", true),
            ("/a/*/c", "/a/b/c", true),
            ("/a/[bc]/?", "/a/c/d", true),
            ("/x/**", "/y", false),
        ] {
            // The in-place match and the segment-by-segment one agree.
            let g = PathGlob::parse(pattern).unwrap();
            assert_eq!(g.matches(path), want, "{pattern} {path}");
            assert_eq!(
                g.matches_segs(&split(path)),
                want,
                "segments: {pattern} {path}"
            );
        }
        assert!(PathGlob::parse("data/*").is_err());
        assert!(PathGlob::parse("/data/../etc").is_err());
    }

    #[test]
    fn listing_prefixes() {
        let g = PathGlob::parse("/data/sub/*.txt").unwrap();
        assert!(g.matches_or_below("/"));
        assert!(g.matches_or_below("/data"));
        assert!(g.matches_or_below("/data/sub"));
        assert!(g.matches_or_below("/data/sub/a.txt"));
        assert!(!g.matches_or_below("/data/other"));
        assert!(!g.matches_or_below("/data/sub/a.txt/x"));
        let deep = PathGlob::parse("/data/**").unwrap();
        assert!(deep.matches_or_below("/data/x/y"));
        assert!(!deep.matches_or_below("/etc"));
    }
}
