//! Capability tokens and granted sets.
//!
//! A grant set is an immutable value attached to one execution; there is
//! no global or thread-local "current context". Usage counts of tokens with
//! a `uses=` limit live in the VM that runs the execution ([`Usage`]).
//!
//! Token syntax (see `docs/capabilities.md`):
//!
//! ```text
//! KIND[:ACTION[:PATTERN]][;uses=N][;expires=TIME]
//! kind.action[:PATTERN | =PATTERN][;uses=N][;expires=TIME]     (mlpy's names)
//! ```
//!
//! Capabilities guard the world (files, network, environment, program
//! arguments), not computation: mlpy's names for pure modules, console,
//! clock, randomness and hashing parse as harmless no-ops.

mod glob;
pub mod url;

pub use glob::{PathGlob, TextGlob};
pub use url::{Scheme, Target, Url};

use std::fmt;

/// What a token is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Files and directories (`file:read`, `file:write`, ...).
    File,
    /// HTTP(S) requests (`network:http`).
    Network,
    /// Environment variables (`env:read`, `env:write`).
    Env,
    /// The program's arguments (`args:read`).
    Args,
    /// A name that guards nothing (pure modules, console, clock, ...).
    Inert,
}

impl Kind {
    /// The kind's name as written in tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::File => "file",
            Kind::Network => "network",
            Kind::Env => "env",
            Kind::Args => "args",
            Kind::Inert => "inert",
        }
    }
}

/// Action bits, per kind.
pub mod action {
    /// Read a file or list a directory.
    pub const FILE_READ: u8 = 1;
    /// Create or replace a file or directory.
    pub const FILE_WRITE: u8 = 2;
    /// Append to a file.
    pub const FILE_APPEND: u8 = 4;
    /// Delete a file or directory.
    pub const FILE_DELETE: u8 = 8;
    /// Plain-http requests (a `network:http` token grants both schemes).
    pub const NET_HTTP: u8 = 1;
    /// HTTPS requests.
    pub const NET_HTTPS: u8 = 2;
    /// Read a variable.
    pub const ENV_READ: u8 = 1;
    /// Set or delete a variable.
    pub const ENV_WRITE: u8 = 2;
    /// Read the arguments.
    pub const ARGS_READ: u8 = 1;
}

use action::*;

/// One action name: the bit a request for it needs, and the bits a token
/// naming it grants (`file:write` also grants appending; `network:http`
/// also grants https).
struct ActionSpec {
    name: &'static str,
    need: u8,
    grant: u8,
}

struct KindSpec {
    name: &'static str,
    kind: Kind,
    actions: &'static [ActionSpec],
    /// Bits granted by the kind alone (`file`) or by `kind:*`.
    all: u8,
}

const fn a(name: &'static str, need: u8, grant: u8) -> ActionSpec {
    ActionSpec { name, need, grant }
}

const fn inert(name: &'static str, actions: &'static [ActionSpec]) -> KindSpec {
    KindSpec {
        name,
        kind: Kind::Inert,
        actions,
        all: 0,
    }
}

const FILE_ACTIONS: &[ActionSpec] = &[
    a("read", FILE_READ, FILE_READ),
    a("write", FILE_WRITE, FILE_WRITE | FILE_APPEND),
    a("append", FILE_APPEND, FILE_APPEND),
    a("delete", FILE_DELETE, FILE_DELETE),
];

static KINDS: &[KindSpec] = &[
    KindSpec {
        name: "file",
        kind: Kind::File,
        actions: FILE_ACTIONS,
        all: FILE_READ | FILE_WRITE | FILE_APPEND | FILE_DELETE,
    },
    // mlpy's `path.read` / `path.write` are file rights under another name
    // (the first two file actions).
    KindSpec {
        name: "path",
        kind: Kind::File,
        actions: FILE_ACTIONS.split_at(2).0,
        all: FILE_READ | FILE_WRITE | FILE_APPEND,
    },
    KindSpec {
        name: "network",
        kind: Kind::Network,
        actions: &[
            a("http", NET_HTTP, NET_HTTP | NET_HTTPS),
            a("https", NET_HTTPS, NET_HTTPS),
            // Granted by mlpy's test runner; no function opens sockets.
            a("socket", 0, 0),
        ],
        all: NET_HTTP | NET_HTTPS,
    },
    KindSpec {
        name: "env",
        kind: Kind::Env,
        actions: &[
            a("read", ENV_READ, ENV_READ),
            a("write", ENV_WRITE, ENV_WRITE),
        ],
        all: ENV_READ | ENV_WRITE,
    },
    KindSpec {
        name: "args",
        kind: Kind::Args,
        actions: &[a("read", ARGS_READ, ARGS_READ)],
        all: ARGS_READ,
    },
    inert("math", &[a("compute", 0, 0)]),
    inert("json", &[a("parse", 0, 0), a("serialize", 0, 0)]),
    inert("regex", &[a("compile", 0, 0), a("match", 0, 0)]),
    inert("collections", &[a("read", 0, 0), a("transform", 0, 0)]),
    inert("functional", &[a("compose", 0, 0), a("transform", 0, 0)]),
    inert("random", &[a("generate", 0, 0), a("sample", 0, 0)]),
    inert("datetime", &[a("create", 0, 0), a("now", 0, 0)]),
    inert("console", &[a("write", 0, 0), a("error", 0, 0)]),
    inert("crypto", &[a("hash", 0, 0), a("random", 0, 0)]),
    inert("log", &[a("write", 0, 0)]),
];

/// Every capability name mlpy's stdlib checks (plus the two its runner
/// grants), in mlpy's dotted spelling: what "all" grants, as names.
pub const MLPY_NAMES: &[&str] = &[
    "args.read",
    "collections.read",
    "collections.transform",
    "console.error",
    "console.write",
    "crypto.hash",
    "crypto.random",
    "datetime.create",
    "datetime.now",
    "env.read",
    "env.write",
    "file.append",
    "file.delete",
    "file.read",
    "file.write",
    "functional.compose",
    "functional.transform",
    "json.parse",
    "json.serialize",
    "log.write",
    "math.compute",
    "network.http",
    "network.https",
    "network.socket",
    "path.read",
    "path.write",
    "random.generate",
    "random.sample",
    "regex.compile",
    "regex.match",
];

fn kind_spec(name: &str) -> Option<&'static KindSpec> {
    KINDS.iter().find(|k| k.name == name)
}

/// A malformed capability token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenError {
    /// The token as written.
    pub token: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid capability '{}': {}", self.token, self.reason)
    }
}

impl std::error::Error for TokenError {}

/// Which resources a token covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// No pattern: every resource of the kind.
    Any,
    /// Paths matching a glob (`/data/**`).
    Path(PathGlob),
    /// Hosts (and ports) matching a host pattern (`*.example.com:8443`).
    Host(HostPattern),
    /// Variable names matching a wildcard pattern (`APP_*`).
    Key(TextGlob),
}

impl Pattern {
    /// The pattern as written; `None` for [`Pattern::Any`].
    pub fn text(&self) -> Option<String> {
        match self {
            Pattern::Any => None,
            Pattern::Path(p) => Some(p.as_str().to_string()),
            Pattern::Host(h) => Some(h.to_string()),
            Pattern::Key(k) => Some(k.as_str().to_string()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum HostPat {
    Any,
    Exact(Box<str>),
    /// `*.example.com` is stored as `.example.com`.
    Suffix(Box<str>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PortPat {
    /// Only the scheme's default port (80 for http, 443 for https).
    Default,
    Any,
    Exact(u16),
}

/// `HOST[:PORT]`: an exact host, `*.domain` (any subdomain, at any depth,
/// but not the domain itself) or `*`; a port number or `*`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostPattern {
    host: HostPat,
    port: PortPat,
}

impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.host {
            HostPat::Any => f.write_str("*")?,
            HostPat::Exact(h) => f.write_str(h)?,
            HostPat::Suffix(s) => write!(f, "*{s}")?,
        }
        match self.port {
            PortPat::Default => Ok(()),
            PortPat::Any => f.write_str(":*"),
            PortPat::Exact(p) => write!(f, ":{p}"),
        }
    }
}

impl HostPattern {
    /// Parses `HOST[:PORT]`, where HOST is `*`, `*.domain` or a name/address and PORT a number or `*`.
    pub fn parse(text: &str) -> Result<HostPattern, String> {
        let t = text.trim();
        if t.contains("://") || t.contains('/') {
            return Err(
                "network patterns are HOST[:PORT] (e.g. api.example.com:8443), not URLs".into(),
            );
        }
        if t.contains('@') {
            return Err("network patterns cannot contain '@'".into());
        }
        // Split off the port: for `[v6]:p` after the bracket, else the last ':'.
        let (host_text, port_text) = if t.starts_with('[') {
            match t.find(']') {
                Some(i) => match &t[i + 1..] {
                    "" => (t, None),
                    rest => match rest.strip_prefix(':') {
                        Some(p) => (&t[..=i], Some(p)),
                        None => return Err(format!("invalid host pattern '{t}'")),
                    },
                },
                None => return Err(format!("invalid host pattern '{t}'")),
            }
        } else {
            match t.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (t, None),
            }
        };
        let port = match port_text {
            None => PortPat::Default,
            Some("*") => PortPat::Any,
            Some(p) => PortPat::Exact(url::parse_port(p)?),
        };
        let host = if host_text == "*" {
            HostPat::Any
        } else if let Some(domain) = host_text.strip_prefix("*.") {
            let (h, _) =
                url::split_host_port(domain).map_err(|e| format!("{e} in host pattern '{t}'"))?;
            if h.contains('*') {
                return Err("only one leading '*.' wildcard is allowed in host patterns".into());
            }
            HostPat::Suffix(format!(".{h}").into())
        } else if host_text.contains('*') {
            return Err(format!(
                "host patterns allow '*' only alone or as a leading '*.' (got '{host_text}')"
            ));
        } else {
            let (h, _) = url::split_host_port(host_text)
                .map_err(|e| format!("{e} in host pattern '{t}'"))?;
            HostPat::Exact(h.into())
        };
        Ok(HostPattern { host, port })
    }

    /// Does the pattern cover this URL's host and port?
    pub fn matches(&self, u: &Url) -> bool {
        self.matches_target(&Target {
            scheme: u.scheme,
            host: std::borrow::Cow::Borrowed(&u.host),
            port: u.port,
        })
    }

    /// Does the pattern cover this target's host and port?
    pub fn matches_target(&self, u: &Target<'_>) -> bool {
        let host_ok = match &self.host {
            HostPat::Any => true,
            HostPat::Exact(h) => **h == *u.host,
            HostPat::Suffix(s) => u.host.len() > s.len() && u.host.ends_with(&**s),
        };
        host_ok
            && match self.port {
                PortPat::Default => u.port == u.scheme.default_port(),
                PortPat::Any => true,
                PortPat::Exact(p) => u.port == p,
            }
    }
}

/// One granted capability, e.g. `file:read:/data/*`.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    kind: Kind,
    /// Granted action bits (0 for inert names).
    grants: u8,
    /// The action as written (`read`, `*`), `None` for a bare kind.
    action: Option<String>,
    pattern: Pattern,
    max_uses: Option<u32>,
    /// Seconds since the Unix epoch.
    expires_at: Option<f64>,
    /// The token's text (with constraint suffixes).
    text: String,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn word_end(s: &str) -> usize {
    s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len())
}

/// Splits `kind.action`, `kind:action[:pattern]` etc. into its parts.
fn split_spec(spec: &str) -> Result<(&str, Option<&str>, Option<&str>), String> {
    let k_end = word_end(spec);
    let kind = &spec[..k_end];
    if kind.is_empty() {
        return Err("expected a kind such as 'file', 'network', 'env' or 'args'".into());
    }
    let rest = &spec[k_end..];
    if rest.is_empty() {
        return Ok((kind, None, None));
    }
    if let Some(after) = rest.strip_prefix('.') {
        // mlpy spelling: kind.action, then optionally ':PATTERN' or '=PATTERN'.
        let a_end = if after.starts_with('*') {
            1
        } else {
            word_end(after)
        };
        let action = &after[..a_end];
        let tail = &after[a_end..];
        let pattern = match tail.chars().next() {
            None => None,
            Some(':') | Some('=') => Some(&tail[1..]),
            Some(_) => return Err(format!("unexpected '{tail}' after '{kind}.{action}'")),
        };
        return Ok((kind, Some(action), pattern));
    }
    if let Some(after) = rest.strip_prefix(':') {
        return Ok(match after.split_once(':') {
            Some((action, pattern)) => (kind, Some(action), Some(pattern)),
            None => (kind, Some(after), None),
        });
    }
    Err(format!(
        "unexpected '{rest}' after '{kind}' (use KIND:ACTION:PATTERN)"
    ))
}

/// Parses `2030-01-01T00:00:00Z`, `2030-01-01` (midnight UTC) or a number
/// of seconds since the Unix epoch.
fn parse_time(text: &str) -> Result<f64, String> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp() as f64 + f64::from(t.timestamp_subsec_nanos()) / 1e9);
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc().timestamp() as f64);
        }
    }
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        _ => Err(format!(
            "invalid expiry '{text}' (use RFC 3339 like 2030-01-01T00:00:00Z, a date, or Unix seconds)"
        )),
    }
}

/// ISO 8601 UTC text for an expiry.
pub fn format_time(unix: f64) -> String {
    let secs = unix.floor();
    let nanos = ((unix - secs) * 1e9) as u32;
    match chrono::DateTime::from_timestamp(secs as i64, nanos) {
        Some(t) => t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        None => format!("{unix}"),
    }
}

impl Token {
    /// Parses one token; see the module documentation for the syntax.
    pub fn parse(text: &str) -> Result<Token, TokenError> {
        let t = text.trim();
        let err = |reason: String| TokenError {
            token: t.to_string(),
            reason,
        };
        if t.is_empty() {
            return Err(err("empty capability".into()));
        }
        let mut parts = t.split(';');
        let spec = parts.next().unwrap_or("").trim();
        let (kind_name, action, pattern) = split_spec(spec).map_err(err)?;
        let kind_lc = kind_name.to_ascii_lowercase();
        let Some(ks) = kind_spec(&kind_lc) else {
            let known: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
            return Err(err(format!(
                "unknown kind '{kind_name}' (known: {})",
                known.join(", ")
            )));
        };
        let grants = match action {
            None => ks.all,
            Some("*") => ks.all,
            Some("") => return Err(err("empty action".into())),
            Some(a) => {
                let a_lc = a.to_ascii_lowercase();
                match ks.actions.iter().find(|s| s.name == a_lc) {
                    Some(s) => s.grant,
                    None => {
                        let known: Vec<&str> = ks.actions.iter().map(|s| s.name).collect();
                        return Err(err(format!(
                            "unknown action '{a}' for '{}' (known: {}, *)",
                            ks.name,
                            known.join(", ")
                        )));
                    }
                }
            }
        };
        let pattern = match pattern.map(str::trim) {
            None => Pattern::Any,
            Some("") => return Err(err("empty pattern".into())),
            Some(p) => match ks.kind {
                Kind::File => Pattern::Path(PathGlob::parse(p).map_err(err)?),
                Kind::Network => Pattern::Host(HostPattern::parse(p).map_err(err)?),
                Kind::Env => {
                    if p.contains(['=', '\0']) {
                        return Err(err(
                            "environment key patterns cannot contain '=' or NUL".into()
                        ));
                    }
                    if p == "*" {
                        Pattern::Any
                    } else {
                        Pattern::Key(TextGlob::new(p))
                    }
                }
                Kind::Args => {
                    if p != "*" {
                        return Err(err("args capabilities take no pattern".into()));
                    }
                    Pattern::Any
                }
                Kind::Inert => Pattern::Any,
            },
        };
        let mut token = Token {
            kind: ks.kind,
            grants,
            action: action.map(|a| a.to_ascii_lowercase()),
            pattern,
            max_uses: None,
            expires_at: None,
            text: t.to_string(),
        };
        let (mut seen_uses, mut seen_exp) = (false, false);
        for c in parts {
            let c = c.trim();
            let (key, value) = c.split_once('=').ok_or_else(|| {
                err(format!(
                    "constraint '{c}' must be key=value (uses=N or expires=TIME)"
                ))
            })?;
            match key.trim() {
                "uses" if !seen_uses => {
                    seen_uses = true;
                    let n: u32 = value.trim().parse().map_err(|_| {
                        err(format!(
                            "uses must be a whole number, got '{}'",
                            value.trim()
                        ))
                    })?;
                    if n == 0 {
                        return Err(err("uses must be at least 1".into()));
                    }
                    token.max_uses = Some(n);
                }
                "expires" if !seen_exp => {
                    seen_exp = true;
                    token.expires_at = Some(parse_time(value.trim()).map_err(err)?);
                }
                "uses" | "expires" => {
                    return Err(err(format!("constraint '{}' given twice", key.trim())))
                }
                other => {
                    return Err(err(format!(
                        "unknown constraint '{other}' (known: uses, expires)"
                    )))
                }
            }
        }
        Ok(token)
    }

    /// Limits the token to `n` uses per execution (builder form of `;uses=N`).
    pub fn with_max_uses(mut self, n: u32) -> Token {
        self.max_uses = Some(n);
        self.text = self.rebuild_text();
        self
    }

    /// Makes the token invalid after `unix_seconds` (`;expires=TIME`).
    pub fn with_expiry(mut self, unix_seconds: f64) -> Token {
        self.expires_at = Some(unix_seconds);
        self.text = self.rebuild_text();
        self
    }

    /// [`Token::with_expiry`] from a `SystemTime`.
    pub fn expiring_at(self, at: std::time::SystemTime) -> Token {
        let secs = match at.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_secs_f64(),
            Err(e) => -e.duration().as_secs_f64(),
        };
        self.with_expiry(secs)
    }

    fn base_text(&self) -> &str {
        self.text.split(';').next().unwrap_or("")
    }

    fn rebuild_text(&self) -> String {
        let mut t = self.base_text().to_string();
        if let Some(n) = self.max_uses {
            t.push_str(&format!(";uses={n}"));
        }
        if let Some(e) = self.expires_at {
            t.push_str(&format!(";expires={}", format_time(e)));
        }
        t
    }

    /// What the token is about.
    pub fn kind(&self) -> Kind {
        self.kind
    }
    /// The token as written.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// Which resources it covers.
    pub fn pattern(&self) -> &Pattern {
        &self.pattern
    }
    /// How many times it may be used in one execution, if limited.
    pub fn max_uses(&self) -> Option<u32> {
        self.max_uses
    }
    /// When it expires (seconds since the epoch), if it does.
    pub fn expires_at(&self) -> Option<f64> {
        self.expires_at
    }
    /// Names of the granted actions, e.g. `["write", "append"]`.
    pub fn operations(&self) -> Vec<&'static str> {
        let Some(ks) = KINDS
            .iter()
            .find(|k| k.kind == self.kind && k.name != "path")
        else {
            return Vec::new();
        };
        ks.actions
            .iter()
            .filter(|s| s.need != 0 && self.grants & s.need != 0)
            .map(|s| s.name)
            .collect()
    }

    /// Resource match (ignoring validity).
    fn covers(&self, req: &Request, res: &Resource<'_>, mode: Mode) -> bool {
        if self.kind != req.kind {
            return false;
        }
        let need = match res {
            Resource::Url(u) => match u.scheme {
                Scheme::Http => NET_HTTP,
                Scheme::Https => NET_HTTPS,
            },
            _ => req.need,
        };
        if self.grants & need == 0 {
            return false;
        }
        match (&self.pattern, res) {
            (Pattern::Any, _) => true,
            (Pattern::Path(g), Resource::Path(p)) => match mode {
                Mode::Exact => g.matches_fast(p),
                Mode::Listing => g.matches_or_below(p),
            },
            (Pattern::Host(h), Resource::Url(u)) => h.matches_target(u),
            (Pattern::Key(k), Resource::Text(key)) => match mode {
                Mode::Exact => k.matches(key),
                Mode::Listing => true,
            },
            _ => false,
        }
    }
}

/// A requested capability: kind plus the action bit needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    /// What is asked for.
    pub kind: Kind,
    /// For network requests the URL's scheme decides the bit.
    pub need: u8,
}

impl Request {
    /// `file:read`, `file.read`, `path.write`, `network:http`, ... One
    /// action is required; inert names give a request of kind `Inert`.
    pub fn parse(name: &str) -> Option<Request> {
        let (kind, action) = match name.split_once([':', '.']) {
            Some((k, a)) => (k, a),
            None => return None,
        };
        let action = action.split(':').next().unwrap_or(action);
        let ks = kind_spec(kind)?;
        let spec = ks.actions.iter().find(|s| s.name == action)?;
        Some(Request {
            kind: ks.kind,
            need: spec.need,
        })
    }
}

/// A capability a native function needs: the name errors, traces and
/// `requiredCapabilities` show, and the request it makes of the grant set.
/// One constant (see [`cap`]) serves both the function's declaration in
/// its module table and its check (`Vm::require`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cap {
    /// mlpy's name with a colon: `file:read`.
    pub name: &'static str,
    /// What the grant set is asked for.
    pub request: Request,
}

/// The capabilities natives declare and check.
pub mod cap {
    use super::{action, Cap, Kind, Request};

    const fn cap(name: &'static str, kind: Kind, need: u8) -> Cap {
        Cap {
            name,
            request: Request { kind, need },
        }
    }

    /// Read a file or list a directory (resource: the absolute path).
    pub const FILE_READ: Cap = cap("file:read", Kind::File, action::FILE_READ);
    /// Create or replace a file or directory.
    pub const FILE_WRITE: Cap = cap("file:write", Kind::File, action::FILE_WRITE);
    /// Append to a file.
    pub const FILE_APPEND: Cap = cap("file:append", Kind::File, action::FILE_APPEND);
    /// Delete a file or directory.
    pub const FILE_DELETE: Cap = cap("file:delete", Kind::File, action::FILE_DELETE);
    /// Make an HTTP(S) request (resource: the URL; the scheme decides the
    /// action bit).
    pub const NETWORK_HTTP: Cap = cap("network:http", Kind::Network, action::NET_HTTP);
    /// Read an environment variable (resource: its name).
    pub const ENV_READ: Cap = cap("env:read", Kind::Env, action::ENV_READ);
    /// Set or delete an environment variable.
    pub const ENV_WRITE: Cap = cap("env:write", Kind::Env, action::ENV_WRITE);
    /// Read the program's command-line arguments.
    pub const ARGS_READ: Cap = cap("args:read", Kind::Args, action::ARGS_READ);
}

/// How a resource must match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The resource itself must be covered.
    Exact,
    /// The resource or something below it must be covered (listing a
    /// directory, or enumerating environment variables).
    Listing,
}

enum Resource<'a> {
    Text(&'a str),
    /// An absolute, normalised path.
    Path(&'a str),
    Url(Target<'a>),
}

/// Why a check failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Denial {
    /// No token covers the resource.
    NotGranted,
    /// A covering token exists but has expired.
    Expired {
        /// The token that expired.
        token: String,
    },
    /// A covering token exists but its uses are spent.
    UsedUp {
        /// The token whose uses are spent.
        token: String,
    },
    /// The resource itself is malformed (e.g. a bad URL, a relative path).
    BadResource(String),
}

/// Uses consumed per token, for one execution.
#[derive(Clone, Debug, Default)]
pub struct Usage {
    used: Vec<u32>,
}

impl Usage {
    /// Uses of token number `token` so far.
    pub fn get(&self, token: usize) -> u32 {
        self.used.get(token).copied().unwrap_or(0)
    }
    /// Counts one use of token number `token`.
    pub fn charge(&mut self, token: usize) {
        if self.used.len() <= token {
            self.used.resize(token + 1, 0);
        }
        self.used[token] = self.used[token].saturating_add(1);
    }
    /// Forgets every use (a new execution).
    pub fn reset(&mut self) {
        self.used.clear();
    }
}

/// What `getCapabilityInfo` reports about the token granting a name.
#[derive(Clone, Debug, PartialEq)]
pub struct GrantInfo {
    /// The token's text (the name asked for when everything is granted).
    pub token: String,
    /// Uses of the token so far in this execution.
    pub usage_count: u32,
    /// The resource pattern; `None` for an unrestricted grant.
    pub patterns: Option<Vec<String>>,
    /// The actions granted; `None` for mlpy's dotted names.
    pub operations: Option<Vec<&'static str>>,
    /// The use limit, if any.
    pub max_usage: Option<u32>,
    /// When the grant expires (ISO 8601), if it does.
    pub expires_at: Option<String>,
}

/// The capabilities granted to one execution. Immutable once built.
#[derive(Clone, Debug, Default)]
pub struct GrantSet {
    tokens: Vec<Token>,
    allow_all: bool,
    has_expiry: bool,
    /// Token indices per gated kind (file, network, env, args).
    by_kind: [Vec<u16>; 4],
}

fn kind_slot(k: Kind) -> Option<usize> {
    match k {
        Kind::File => Some(0),
        Kind::Network => Some(1),
        Kind::Env => Some(2),
        Kind::Args => Some(3),
        Kind::Inert => None,
    }
}

impl GrantSet {
    /// Nothing granted.
    pub fn none() -> GrantSet {
        GrantSet::default()
    }
    /// Everything granted, unconstrained (mlpy's test-runner setting).
    pub fn all() -> GrantSet {
        GrantSet {
            allow_all: true,
            ..GrantSet::default()
        }
    }
    /// A grant set of these parsed tokens.
    pub fn from_tokens(tokens: Vec<Token>) -> GrantSet {
        let has_expiry = tokens.iter().any(|t| t.expires_at.is_some());
        let mut by_kind: [Vec<u16>; 4] = Default::default();
        for (i, t) in tokens.iter().enumerate() {
            if let (Some(slot), Ok(i)) = (kind_slot(t.kind), u16::try_from(i)) {
                by_kind[slot].push(i);
            }
        }
        GrantSet {
            tokens,
            allow_all: false,
            has_expiry,
            by_kind,
        }
    }
    /// Parses every token; the first malformed one is the error.
    pub fn parse<S: AsRef<str>>(tokens: &[S]) -> Result<GrantSet, TokenError> {
        Ok(GrantSet::from_tokens(
            tokens
                .iter()
                .map(|t| Token::parse(t.as_ref()))
                .collect::<Result<_, _>>()?,
        ))
    }

    /// The tokens granted.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }
    /// Is everything granted ([`GrantSet::all`])?
    pub fn allows_all(&self) -> bool {
        self.allow_all
    }
    /// True if some token expires (then checks need the clock).
    pub fn has_expiry(&self) -> bool {
        self.has_expiry
    }

    /// Checks one request. `Ok(Some(i))`: granted by use-limited token `i`,
    /// which the caller charges; `Ok(None)`: granted, nothing to count.
    pub fn check(
        &self,
        req: Request,
        resource: &str,
        mode: Mode,
        now: f64,
        usage: &Usage,
    ) -> Result<Option<usize>, Denial> {
        if self.allow_all || req.kind == Kind::Inert {
            return Ok(None);
        }
        let res = match req.kind {
            Kind::Network => {
                Resource::Url(url::parse_target(resource).map_err(Denial::BadResource)?.0)
            }
            Kind::File if !resource.starts_with('/') => {
                return Err(Denial::BadResource(format!(
                    "'{resource}' is not an absolute path"
                )))
            }
            Kind::File => Resource::Path(resource),
            _ => Resource::Text(resource),
        };
        let mut denial = Denial::NotGranted;
        let Some(slot) = kind_slot(req.kind) else {
            return Ok(None);
        };
        for &i in &self.by_kind[slot] {
            let i = usize::from(i);
            let t = &self.tokens[i];
            if !t.covers(&req, &res, mode) {
                continue;
            }
            if t.expires_at.is_some_and(|e| now >= e) {
                denial = Denial::Expired {
                    token: t.text.clone(),
                };
                continue;
            }
            match t.max_uses {
                None => return Ok(None),
                Some(max) if usage.get(i) < max => return Ok(Some(i)),
                Some(_) => {
                    if denial == Denial::NotGranted {
                        denial = Denial::UsedUp {
                            token: t.text.clone(),
                        };
                    }
                }
            }
        }
        Err(denial)
    }

    /// Whether a capability of this name (`file.read`, `file:read`,
    /// `network`) is granted, ignoring resource patterns, use limits and
    /// expiry. Inert names (`math.compute`) are always "granted": they
    /// guard nothing.
    pub fn has_named(&self, name: &str) -> bool {
        let Ok(want) = Token::parse(name) else {
            return false;
        };
        if want.kind == Kind::Inert || self.allow_all {
            return true;
        }
        let need = match want.action.as_deref() {
            None | Some("*") => None,
            Some(a) => KINDS
                .iter()
                .filter(|k| k.kind == want.kind)
                .flat_map(|k| k.actions.iter())
                .find(|s| s.name == a)
                .map(|s| s.need),
        };
        self.tokens.iter().any(|t| {
            t.kind == want.kind
                && match need {
                    None => t.grants != 0,
                    Some(0) => t.action == want.action,
                    Some(bit) => t.grants & bit != 0,
                }
        })
    }

    /// Details of the first token granting `name` (what
    /// `getCapabilityInfo` reports).
    pub fn info(&self, name: &str) -> Option<GrantInfo> {
        self.info_with(name, &Usage::default())
    }

    /// [`GrantSet::info`] with this execution's usage counts.
    pub fn info_with(&self, name: &str, usage: &Usage) -> Option<GrantInfo> {
        let want = Token::parse(name).ok()?;
        if self.allow_all || want.kind == Kind::Inert {
            return Some(GrantInfo {
                token: name.trim().to_string(),
                usage_count: 0,
                patterns: None,
                operations: None,
                max_usage: None,
                expires_at: None,
            });
        }
        let (i, t) = self
            .tokens
            .iter()
            .enumerate()
            .find(|(_, t)| t.kind == want.kind && t.grants & want.grants != 0)?;
        Some(GrantInfo {
            token: t.text.clone(),
            usage_count: usage.get(i),
            // As in mlpy: no patterns for an unrestricted grant, and no
            // operations for mlpy's dotted names (`file.read`), which name none.
            patterns: t.pattern.text().map(|p| vec![p]),
            operations: t.text.contains(':').then(|| t.operations()),
            max_usage: t.max_uses,
            expires_at: t.expires_at.map(format_time),
        })
    }

    /// Token texts, sorted (for `getCapabilities()` and reports). With
    /// everything granted: mlpy's capability names.
    pub fn names(&self) -> Vec<String> {
        if self.allow_all {
            return MLPY_NAMES.iter().map(|s| s.to_string()).collect();
        }
        let mut v: Vec<String> = self.tokens.iter().map(|t| t.text.clone()).collect();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(tokens: &[&str]) -> GrantSet {
        GrantSet::parse(tokens).unwrap()
    }

    #[test]
    fn each_cap_asks_for_what_its_name_says() {
        use cap::*;
        let all = [
            FILE_READ,
            FILE_WRITE,
            FILE_APPEND,
            FILE_DELETE,
            NETWORK_HTTP,
            ENV_READ,
            ENV_WRITE,
            ARGS_READ,
        ];
        for c in all {
            assert_eq!(Request::parse(c.name), Some(c.request), "{}", c.name);
        }
    }

    fn ok(g: &GrantSet, cap: &str, res: &str) -> bool {
        g.check(
            Request::parse(cap).unwrap(),
            res,
            Mode::Exact,
            0.0,
            &Usage::default(),
        )
        .is_ok()
    }

    #[test]
    fn parses_forms_and_aliases() {
        for t in [
            "file:read:/data/*",
            "file:write:/tmp/out/**",
            "file:append:/var/log/app.log",
            "file:delete:/tmp/**",
            "network:http:api.example.com",
            "network:http:*.example.com:8443",
            "network:https:api.example.com",
            "env:read:HOME",
            "env:read:*",
            "env:write:*",
            "args:read",
            "console:write",
            "file.read",
            "file.read:/data/*",
            "file.read=/data/*",
            "path.read",
            "path.write:/tmp/**",
            "network.http",
            "network.https",
            "network.socket",
            "file",
            "file:*:/data/**",
            "file:read:/data/*;uses=3;expires=2030-01-01T00:00:00Z",
            "file:read:/x;expires=2030-01-01",
        ] {
            Token::parse(t).unwrap_or_else(|e| panic!("{t}: {e}"));
        }
        for name in MLPY_NAMES {
            Token::parse(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn malformed_tokens_name_themselves() {
        for (t, why) in [
            ("", "empty"),
            ("files:read", "unknown kind"),
            ("file:raed", "unknown action"),
            ("file:read:data/*", "absolute"),
            ("file:read:/data/../etc", "normalised"),
            ("file:read:", "empty pattern"),
            ("network:http:https://x.com/", "not URLs"),
            ("network:http:a*.com", "'*'"),
            ("network:http:x.com:99999", "port"),
            ("args:read:/x", "no pattern"),
            ("file:read:/x;uses=0", "at least 1"),
            ("file:read:/x;uses=many", "whole number"),
            ("file:read:/x;expires=soon", "expiry"),
            ("file:read:/x;color=red", "unknown constraint"),
            ("file:read:/x;uses=1;uses=2", "twice"),
            ("file.read/x", "unexpected"),
        ] {
            let e = Token::parse(t).unwrap_err();
            let msg = e.to_string();
            assert!(
                msg.starts_with(&format!("invalid capability '{}'", t.trim())),
                "{msg}"
            );
            assert!(msg.contains(why), "{t}: {msg}");
        }
    }

    #[test]
    fn file_matching() {
        let g = set(&["file:read:/data/*", "file:write:/tmp/out/**"]);
        assert!(ok(&g, "file:read", "/data/a.txt"));
        assert!(!ok(&g, "file:read", "/data2/a.txt"));
        assert!(!ok(&g, "file:read", "/data/sub/a.txt"));
        assert!(!ok(&g, "file:write", "/data/a.txt"));
        assert!(ok(&g, "file:write", "/tmp/out"));
        assert!(ok(&g, "file:write", "/tmp/out/x/y"));
        assert!(ok(&g, "file:append", "/tmp/out/x"), "write implies append");
        assert!(!ok(&g, "file:delete", "/tmp/out/x"));
        assert!(!ok(&g, "file:read", "/tmp/out/x"));
        assert!(ok(&g, "path.read", "/data/a.txt"));
        assert!(ok(&g, "path.write", "/tmp/out/a"));
        assert!(g
            .check(
                cap::FILE_READ.request,
                "data/a.txt",
                Mode::Exact,
                0.0,
                &Usage::default()
            )
            .is_err());
        let whole = set(&["file"]);
        assert!(ok(&whole, "file:delete", "/etc/passwd"));
        assert!(!ok(&whole, "env:read", "HOME"));
    }

    #[test]
    fn network_matching() {
        let g = set(&[
            "network:http:api.example.com",
            "network:http:*.svc.example.com:8443",
            "network:https:secure.example.com",
        ]);
        assert!(ok(&g, "network:http", "http://api.example.com/x"));
        assert!(ok(&g, "network:http", "https://api.example.com/x"));
        assert!(ok(&g, "network:http", "HTTP://API.EXAMPLE.COM/"));
        assert!(!ok(&g, "network:http", "http://api.example.com:8080/"));
        assert!(!ok(&g, "network:http", "https://api.example.com:80/"));
        assert!(!ok(&g, "network:http", "http://api.example.com.evil.net/"));
        assert!(!ok(&g, "network:http", "http://evilapi.example.com/"));
        assert!(!ok(&g, "network:http", "http://api.example.com@evil.net/"));
        assert!(ok(&g, "network:http", "https://a.svc.example.com:8443/"));
        assert!(ok(&g, "network:http", "http://a.b.svc.example.com:8443/"));
        assert!(!ok(&g, "network:http", "http://svc.example.com:8443/"));
        assert!(!ok(&g, "network:http", "http://a.svc.example.com/"));
        assert!(ok(&g, "network:http", "https://secure.example.com/"));
        assert!(!ok(&g, "network:http", "http://secure.example.com/"));
        assert!(!ok(&g, "network:http", "ftp://api.example.com/"));
        let any = set(&["network:http"]);
        assert!(ok(&any, "network:http", "http://x.y:1234/"));
        let star = set(&["network:http:*"]);
        assert!(ok(&star, "network:http", "http://x.y/"));
        assert!(!ok(&star, "network:http", "http://x.y:1234/"));
        let local = set(&["network:http:127.0.0.1:*"]);
        assert!(ok(&local, "network:http", "http://127.0.0.1:5555/"));
        assert!(!ok(&local, "network:http", "http://localhost:5555/"));
    }

    #[test]
    fn env_and_args() {
        let g = set(&["env:read:APP_*", "env:write:TMP", "args:read"]);
        assert!(ok(&g, "env:read", "APP_KEY"));
        assert!(!ok(&g, "env:read", "HOME"));
        assert!(!ok(&g, "env:write", "APP_KEY"));
        assert!(ok(&g, "env:write", "TMP"));
        assert!(ok(&g, "args:read", "argv"));
        assert!(!ok(&set(&["env:read"]), "args:read", "argv"));
        assert!(ok(&set(&["env.read"]), "env:read", "ANY"));
    }

    #[test]
    fn inert_names_grant_nothing_but_need_nothing() {
        let g = set(&["math.compute", "console.write", "crypto.hash"]);
        assert!(!ok(&g, "file:read", "/x"));
        assert!(ok(&GrantSet::none(), "math.compute", ""));
        assert!(GrantSet::none().has_named("math.compute"));
        assert!(!GrantSet::none().has_named("file.read"));
        assert!(set(&["file:read:/x"]).has_named("file.read"));
        assert!(!set(&["file:read:/x"]).has_named("file.write"));
        assert!(set(&["file:write:/x"]).has_named("file.append"));
        assert!(set(&["network.https"]).has_named("network.https"));
        assert!(set(&["network.socket"]).has_named("network.socket"));
        assert!(!set(&["network.socket"]).has_named("network.http"));
    }

    #[test]
    fn uses_and_expiry() {
        let g = set(&[
            "file:read:/a/*;uses=2",
            "file:read:/b/*;expires=2000-01-01T00:00:00Z",
        ]);
        let mut u = Usage::default();
        for _ in 0..2 {
            let r = g.check(cap::FILE_READ.request, "/a/x", Mode::Exact, 0.0, &u);
            assert_eq!(r, Ok(Some(0)));
            u.charge(0);
        }
        assert!(matches!(
            g.check(cap::FILE_READ.request, "/a/x", Mode::Exact, 0.0, &u),
            Err(Denial::UsedUp { .. })
        ));
        let before = parse_time("1999-12-31T23:59:59Z").unwrap();
        let after = parse_time("2000-01-01T00:00:00Z").unwrap();
        assert_eq!(
            g.check(cap::FILE_READ.request, "/b/x", Mode::Exact, before, &u),
            Ok(None)
        );
        assert!(matches!(
            g.check(cap::FILE_READ.request, "/b/x", Mode::Exact, after, &u),
            Err(Denial::Expired { .. })
        ));
        let built = Token::parse("file:read:/c/*")
            .unwrap()
            .with_max_uses(1)
            .with_expiry(after);
        assert_eq!(
            built.text(),
            "file:read:/c/*;uses=1;expires=2000-01-01T00:00:00Z"
        );
        assert_eq!(Token::parse(built.text()).unwrap(), built);
    }

    #[test]
    fn listing_mode() {
        let g = set(&["file:read:/data/sub/*.txt"]);
        let u = Usage::default();
        assert!(g
            .check(cap::FILE_READ.request, "/data", Mode::Listing, 0.0, &u)
            .is_ok());
        assert!(g
            .check(cap::FILE_READ.request, "/data", Mode::Exact, 0.0, &u)
            .is_err());
        assert!(g
            .check(cap::FILE_READ.request, "/etc", Mode::Listing, 0.0, &u)
            .is_err());
    }

    #[test]
    fn info_and_names() {
        let g = set(&["file:write:/tmp/**;uses=5", "env.read"]);
        let info = g.info("file.write").unwrap();
        assert_eq!(info.patterns, Some(vec!["/tmp/**".to_string()]));
        assert_eq!(info.operations, Some(vec!["write", "append"]));
        assert_eq!(info.max_usage, Some(5));
        assert!(g.info("file.delete").is_none());
        assert_eq!(g.names(), vec!["env.read", "file:write:/tmp/**;uses=5"]);
        assert_eq!(GrantSet::all().names().len(), MLPY_NAMES.len());
    }
}
