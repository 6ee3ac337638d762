//! Capability tokens and granted sets.
//!
//! A grant set is an immutable value attached to one execution; there is
//! no global or thread-local "current context".

use std::fmt;

/// One granted capability, e.g. `file:read:/data/*`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: String,
    pub action: Option<String>,
    pub pattern: Option<String>,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenError {
    pub token: String,
    pub reason: String,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid capability '{}': {}", self.token, self.reason)
    }
}

impl std::error::Error for TokenError {}

impl Token {
    /// Parses `KIND:ACTION:PATTERN` (or mlpy's dotted `kind.action`).
    pub fn parse(text: &str) -> Result<Token, TokenError> {
        let err = |reason: &str| TokenError {
            token: text.to_string(),
            reason: reason.to_string(),
        };
        let t = text.trim();
        if t.is_empty() {
            return Err(err("empty capability"));
        }
        let (kind, rest) = if let Some((k, r)) = t.split_once(':') {
            (k, Some(r))
        } else if let Some((k, a)) = t.split_once('.') {
            (k, Some(a))
        } else {
            (t, None)
        };
        if kind.is_empty() || !kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(err("the kind must be a word such as 'file' or 'network'"));
        }
        let (action, pattern) = match rest {
            None => (None, None),
            Some(r) => match r.split_once(':') {
                Some((a, p)) => (Some(a.to_string()), Some(p.to_string())),
                None => (Some(r.to_string()), None),
            },
        };
        if action.as_deref() == Some("") {
            return Err(err("empty action"));
        }
        Ok(Token {
            kind: kind.to_string(),
            action,
            pattern,
            text: t.to_string(),
        })
    }
}

/// The capabilities granted to one execution.
#[derive(Clone, Debug, Default)]
pub struct GrantSet {
    pub tokens: Vec<Token>,
    pub allow_all: bool,
}

impl GrantSet {
    pub fn none() -> GrantSet {
        GrantSet::default()
    }
    pub fn all() -> GrantSet {
        GrantSet {
            tokens: Vec::new(),
            allow_all: true,
        }
    }
    pub fn parse<S: AsRef<str>>(tokens: &[S]) -> Result<GrantSet, TokenError> {
        Ok(GrantSet {
            tokens: tokens
                .iter()
                .map(|t| Token::parse(t.as_ref()))
                .collect::<Result<_, _>>()?,
            allow_all: false,
        })
    }
    /// Whether a capability of this name (`file.read`, `file:read`) is
    /// granted, ignoring resource patterns.
    pub fn has_named(&self, name: &str) -> bool {
        if self.allow_all {
            return true;
        }
        let Ok(want) = Token::parse(name) else {
            return false;
        };
        self.tokens.iter().any(|t| {
            t.kind == want.kind && (want.action.is_none() || t.action == want.action)
        })
    }

    /// Details of a granted capability, as plain data.
    pub fn info(&self, name: &str) -> Option<crate::value::Data> {
        use crate::value::Data;
        let want = Token::parse(name).ok()?;
        let t = self
            .tokens
            .iter()
            .find(|t| t.kind == want.kind && (want.action.is_none() || t.action == want.action))?;
        let mut m = indexmap::IndexMap::new();
        m.insert("type".to_string(), Data::Str(t.text.clone()));
        m.insert("available".to_string(), Data::Bool(true));
        m.insert("usage_count".to_string(), Data::Int(0));
        m.insert(
            "patterns".to_string(),
            Data::Array(t.pattern.iter().map(|p| Data::Str(p.clone())).collect()),
        );
        m.insert("operations".to_string(), Data::Array(t.action.iter().map(|a| Data::Str(a.clone())).collect()));
        m.insert("max_usage".to_string(), Data::Null);
        m.insert("expires_at".to_string(), Data::Null);
        Some(Data::Object(m))
    }

    /// Token texts, for `getCapabilities()` and reports.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.tokens.iter().map(|t| t.text.clone()).collect();
        v.sort();
        v
    }
}
