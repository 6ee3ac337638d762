//! A strict parser for the URLs ML programs may request.
//!
//! The same parsed form is used for the capability check and for the
//! request itself (through [`Url::canonical`]), so a URL cannot mean one
//! host to the check and another to the HTTP client. Anything ambiguous is
//! rejected instead of interpreted: user info (`user@host`), backslashes,
//! whitespace and control characters, percent-encoded or non-ASCII host
//! names, schemes other than http and https.

use std::borrow::Cow;
use std::fmt;

/// The schemes the `http` module and network capabilities know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `http://`
    Http,
    /// `https://`
    Https,
}

impl Scheme {
    /// 80 or 443.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
    /// `http` or `https`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// An absolute http(s) URL, normalised for capability checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// The URL's scheme.
    pub scheme: Scheme,
    /// Lower-case host name, IPv4 address, or `[v6]` with brackets.
    pub host: String,
    /// The effective port (the scheme's default when none was written).
    pub port: u16,
    /// Path and query, starting with `/`; the fragment is dropped.
    pub path: String,
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

fn host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_'
}

/// The parts of a URL a capability check looks at, borrowed where possible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target<'a> {
    /// The URL's scheme.
    pub scheme: Scheme,
    /// Lower-case host name, IPv4 address, or `[v6]` with brackets.
    pub host: Cow<'a, str>,
    /// The effective port.
    pub port: u16,
}

/// Parses the scheme and authority of a URL; returns them and the rest
/// (path, query, fragment).
pub fn parse_target(text: &str) -> Result<(Target<'_>, &str), String> {
    let t = text.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\n' || c == '\r');
    if t.is_empty() {
        return Err("empty URL".into());
    }
    let bad_ascii = |b: u8| b <= b' ' || b == 0x7f || b == b'\\';
    if t.bytes().any(|b| bad_ascii(b) || b >= 0x80) {
        if let Some(c) = t
            .chars()
            .find(|c| c.is_control() || c.is_whitespace() || *c == '\\')
        {
            return Err(format!("URL contains a forbidden character {:?}", c));
        }
    }
    // Byte scans rather than substring searches: this runs on every check.
    let Some((scheme, rest)) = t
        .find(':')
        .and_then(|i| Some((&t[..i], t[i + 1..].strip_prefix("//")?)))
    else {
        return Err("URL must start with http:// or https://".into());
    };
    let scheme = if scheme.eq_ignore_ascii_case("http") {
        Scheme::Http
    } else if scheme.eq_ignore_ascii_case("https") {
        Scheme::Https
    } else {
        return Err(format!(
            "unsupported URL scheme '{scheme}' (only http and https)"
        ));
    };
    let end = rest
        .bytes()
        .position(|b| b == b'/' || b == b'?' || b == b'#')
        .unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err("user names or passwords in URLs are not supported".into());
    }
    let (host, port) = split_host_port(authority)?;
    let port = port.unwrap_or(scheme.default_port());
    Ok((Target { scheme, host, port }, tail))
}

impl Url {
    /// Parses `http(s)://host[:port][/path][?query][#fragment]`.
    pub fn parse(text: &str) -> Result<Url, String> {
        let (target, tail) = parse_target(text)?;
        let tail = match tail.find('#') {
            Some(i) => &tail[..i],
            None => tail,
        };
        let path = if tail.starts_with('/') {
            tail.to_string()
        } else {
            format!("/{tail}")
        };
        Ok(Url {
            scheme: target.scheme,
            host: target.host.into_owned(),
            port: target.port,
            path,
        })
    }

    /// The URL as sent: scheme, host, port only when not the default, path.
    pub fn canonical(&self) -> String {
        if self.port == self.scheme.default_port() {
            format!("{}://{}{}", self.scheme.as_str(), self.host, self.path)
        } else {
            format!(
                "{}://{}:{}{}",
                self.scheme.as_str(),
                self.host,
                self.port,
                self.path
            )
        }
    }

    /// Resolves a redirect target (`Location`) against this URL.
    pub fn join(&self, location: &str) -> Result<Url, String> {
        let loc = location.trim();
        if loc.contains("://") {
            return Url::parse(loc);
        }
        if let Some(rest) = loc.strip_prefix("//") {
            return Url::parse(&format!("{}://{rest}", self.scheme.as_str()));
        }
        let base = Url {
            path: String::new(),
            ..self.clone()
        }
        .canonical();
        if loc.starts_with('/') {
            return Url::parse(&format!("{base}{loc}"));
        }
        let path_only = self.path.split('?').next().unwrap_or("/");
        let dir = match path_only.rfind('/') {
            Some(i) => &path_only[..=i],
            None => "/",
        };
        Url::parse(&format!("{base}{dir}{loc}"))
    }
}

/// Splits `host[:port]` (or `[v6][:port]`) and validates both parts; the
/// host comes back in lower case.
pub fn split_host_port(authority: &str) -> Result<(Cow<'_, str>, Option<u16>), String> {
    let (host, port): (Cow<'_, str>, Option<&str>) = if let Some(rest) = authority.strip_prefix('[')
    {
        let Some(close) = rest.find(']') else {
            return Err(format!("invalid IPv6 host in '{authority}'"));
        };
        let inner = &rest[..close];
        if inner.is_empty()
            || !inner
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err(format!("invalid IPv6 host '[{inner}]'"));
        }
        let after = &rest[close + 1..];
        let port = match after {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .ok_or_else(|| format!("invalid host '{authority}'"))?,
            ),
        };
        (
            Cow::Owned(format!("[{}]", inner.to_ascii_lowercase())),
            port,
        )
    } else {
        let (h, p) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        if h.is_empty() {
            return Err("URL has no host".into());
        }
        if !h.bytes().all(|b| host_char(b as char)) {
            return Err(format!("invalid host name '{h}'"));
        }
        let h = h.strip_suffix('.').unwrap_or(h);
        if h.is_empty() || h.starts_with('.') || h.as_bytes().windows(2).any(|w| w == b"..") {
            return Err(format!("invalid host name '{h}'"));
        }
        let h = if h.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(h.to_ascii_lowercase())
        } else {
            Cow::Borrowed(h)
        };
        (h, p)
    };
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(parse_port(p)?),
    };
    Ok((host, port))
}

/// A decimal port number from 1 to 65535; an error names the text otherwise.
pub fn parse_port(p: &str) -> Result<u16, String> {
    if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid port '{p}'"));
    }
    match p.parse::<u16>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("invalid port '{p}'")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_canonicalises() {
        let u = Url::parse("HTTPS://API.Example.com/v1/x?q=1#frag").unwrap();
        assert_eq!(u.scheme, Scheme::Https);
        assert_eq!(u.host, "api.example.com");
        assert_eq!(u.port, 443);
        assert_eq!(u.path, "/v1/x?q=1");
        assert_eq!(u.canonical(), "https://api.example.com/v1/x?q=1");
        let u = Url::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("127.0.0.1", 8080, "/")
        );
        assert_eq!(u.canonical(), "http://127.0.0.1:8080/");
        let u = Url::parse("http://[::1]:9/x").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("[::1]", 9));
        let u = Url::parse("http://example.com./a").unwrap();
        assert_eq!(u.host, "example.com");
        let u = Url::parse("http://h?x=1").unwrap();
        assert_eq!(u.path, "/?x=1");
    }

    #[test]
    fn rejects_ambiguous_urls() {
        for bad in [
            "",
            "ftp://x/",
            "file:///etc/passwd",
            "api.example.com/x",
            "http://api.example.com@evil.net/",
            "http://evil.net\\@api.example.com/",
            "http://exa mple.com/",
            "http://ex%61mple.com/",
            "http://exämple.com/",
            "http://x:0/",
            "http://x:65536/",
            "http://x:abc/",
            "http:///x",
            "http://[zz]/",
            "http://a..b/",
        ] {
            assert!(Url::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn joins_redirects() {
        let u = Url::parse("http://a.com:81/x/y?q").unwrap();
        assert_eq!(u.join("/z").unwrap().canonical(), "http://a.com:81/z");
        assert_eq!(u.join("z").unwrap().canonical(), "http://a.com:81/x/z");
        assert_eq!(
            u.join("https://b.com/").unwrap().canonical(),
            "https://b.com/"
        );
        assert_eq!(u.join("//c.com/p").unwrap().canonical(), "http://c.com/p");
    }
}
