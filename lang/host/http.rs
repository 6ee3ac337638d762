//! HTTP clients: a scripted in-memory one for tests and a real blocking one
//! (`ureq` with rustls).
//!
//! Neither follows redirects: a 3xx comes back as a response, and the
//! `http` module follows it itself after checking the capability for the
//! new URL (so a redirect cannot lead to a host that was not granted).

use super::*;
use crate::capability::{TextGlob, Url};
use std::io::Read;
use std::sync::Mutex;

/// Largest response body read (10 MiB).
pub const MAX_BODY: usize = 10 * 1024 * 1024;
/// Timeout when the program gives none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The `User-Agent` header of real requests.
pub const USER_AGENT: &str = "ML-HTTP-Client/1.0";

/// The standard reason phrase of a status code ("" if unknown).
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        418 => "I'm a teapot",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[derive(Clone, Debug)]
enum UrlMatch {
    Exact(String),
    Glob(TextGlob),
}

impl UrlMatch {
    fn new(url: &str) -> UrlMatch {
        if url.contains(['*', '?', '[']) {
            UrlMatch::Glob(TextGlob::new(url))
        } else {
            // Compare canonical forms, so `http://h` matches `http://h/`.
            UrlMatch::Exact(
                Url::parse(url)
                    .map(|u| u.canonical())
                    .unwrap_or_else(|_| url.to_string()),
            )
        }
    }
    fn matches(&self, url: &str) -> bool {
        match self {
            UrlMatch::Exact(u) => u == url,
            UrlMatch::Glob(g) => g.matches(url),
        }
    }
}

/// One scripted answer: which requests it matches and what it returns.
#[derive(Clone, Debug)]
pub struct Route {
    /// Upper-case method, or `None` for any.
    method: Option<String>,
    url: UrlMatch,
    reply: Result<HttpResponse, HttpError>,
    delay: Duration,
    /// How many more requests it answers (`None` = unlimited).
    remaining: Option<usize>,
}

impl Route {
    /// A route for `method` (`"*"` = any) and `url` (exact, or a glob
    /// where `*` matches any run of characters) answering `200 OK` with an
    /// empty body until changed.
    pub fn new(method: &str, url: &str) -> Route {
        Route {
            method: (method != "*").then(|| method.to_ascii_uppercase()),
            url: UrlMatch::new(url),
            reply: Ok(HttpResponse {
                status: 200,
                status_text: "OK".into(),
                headers: Vec::new(),
                body: Vec::new(),
            }),
            delay: Duration::ZERO,
            remaining: None,
        }
    }
    /// Answers with this status (and its reason phrase).
    pub fn status(mut self, status: u16) -> Route {
        if let Ok(r) = &mut self.reply {
            r.status = status;
            r.status_text = reason_phrase(status).into();
        }
        self
    }
    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Route {
        if let Ok(r) = &mut self.reply {
            r.headers.push((name.into(), value.into()));
        }
        self
    }
    /// Answers with this body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Route {
        if let Ok(r) = &mut self.reply {
            r.body = body.into();
        }
        self
    }
    /// A JSON body with `Content-Type: application/json`.
    pub fn json(self, body: &str) -> Route {
        self.header("Content-Type", "application/json").body(body)
    }
    /// Waits this long before answering; longer than the request's timeout
    /// gives [`HttpError::Timeout`] after the timeout.
    pub fn delay(mut self, delay: Duration) -> Route {
        self.delay = delay;
        self
    }
    /// Fails instead of answering.
    pub fn fail(mut self, error: HttpError) -> Route {
        self.reply = Err(error);
        self
    }
    /// Answers only the next `n` matching requests.
    pub fn times(mut self, n: usize) -> Route {
        self.remaining = Some(n);
        self
    }
}

/// Scripted responses, in the order the routes were added (the first
/// matching route answers). Every request is recorded. A request no route
/// matches gets `404 Not Found` with the body
/// `no scripted response for METHOD URL` and header `X-Scripted: unmatched`.
#[derive(Debug, Default)]
pub struct ScriptedHttp {
    routes: Mutex<Vec<Route>>,
    requests: Mutex<Vec<HttpRequest>>,
}

impl ScriptedHttp {
    /// A client without routes (every request gets the unmatched 404).
    pub fn new() -> ScriptedHttp {
        ScriptedHttp::default()
    }
    /// Adds a route answering `status` with a text body.
    pub fn on(self, method: &str, url: &str, status: u16, body: &str) -> ScriptedHttp {
        self.route(Route::new(method, url).status(status).body(body))
    }
    /// Adds a route (builder style).
    pub fn route(self, route: Route) -> ScriptedHttp {
        self.add(route);
        self
    }
    /// Adds a route to a client already shared with a host.
    pub fn add(&self, route: Route) {
        self.routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(route);
    }
    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl HttpClient for ScriptedHttp {
    fn request(&self, req: &HttpRequest) -> Result<HttpResponse, HttpError> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(req.clone());
        let found = {
            let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
            routes
                .iter_mut()
                .find(|r| {
                    r.remaining != Some(0)
                        && r.method.as_deref().is_none_or(|m| m == req.method)
                        && r.url.matches(&req.url)
                })
                .map(|r| {
                    if let Some(n) = &mut r.remaining {
                        *n -= 1;
                    }
                    (r.reply.clone(), r.delay)
                })
        };
        match found {
            Some((reply, delay)) => {
                if delay > req.timeout {
                    std::thread::sleep(req.timeout);
                    return Err(HttpError::Timeout);
                }
                if !delay.is_zero() {
                    std::thread::sleep(delay);
                }
                reply
            }
            None => Ok(HttpResponse {
                status: 404,
                status_text: "Not Found".into(),
                headers: vec![("X-Scripted".into(), "unmatched".into())],
                body: format!("no scripted response for {} {}", req.method, req.url).into_bytes(),
            }),
        }
    }
}

/// The real network through `ureq` (blocking, rustls). Redirects are not
/// followed; bodies are read up to `max_body` bytes.
pub struct UreqHttp {
    agent: ureq::Agent,
    /// Largest response body read; larger gives [`HttpError::TooLarge`].
    pub max_body: usize,
}

impl Default for UreqHttp {
    fn default() -> UreqHttp {
        UreqHttp::new()
    }
}

impl std::fmt::Debug for UreqHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "UreqHttp {{ max_body: {} }}", self.max_body)
    }
}

impl UreqHttp {
    /// A client with the default timeout and body cap.
    pub fn new() -> UreqHttp {
        UreqHttp {
            agent: ureq::AgentBuilder::new()
                .timeout(DEFAULT_TIMEOUT)
                .redirects(0)
                .user_agent(USER_AGENT)
                .build(),
            max_body: MAX_BODY,
        }
    }
}

fn is_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) {
                return true;
            }
        }
        cur = err.source();
    }
    false
}

/// `content-type` → `Content-Type`.
pub fn title_case(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn read_body(resp: ureq::Response, max: usize) -> Result<(HttpResponse, bool), HttpError> {
    let status = resp.status();
    let status_text = resp.status_text().to_string();
    // ureq lower-cases names; give them the usual `Content-Type` casing.
    let mut names = resp.headers_names();
    names.dedup();
    let mut seen: Vec<String> = Vec::new();
    let mut headers = Vec::new();
    for name in names {
        if seen.contains(&name) {
            continue;
        }
        for v in resp.all(&name) {
            headers.push((title_case(&name), v.to_string()));
        }
        seen.push(name);
    }
    let mut body = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let read = resp.into_reader().take(limit).read_to_end(&mut body);
    if let Err(e) = read {
        return Err(if is_timeout(&e) {
            HttpError::Timeout
        } else {
            HttpError::Network(format!("reading the response failed: {e}"))
        });
    }
    let too_large = body.len() > max;
    Ok((
        HttpResponse {
            status,
            status_text,
            headers,
            body,
        },
        too_large,
    ))
}

impl HttpClient for UreqHttp {
    fn request(&self, req: &HttpRequest) -> Result<HttpResponse, HttpError> {
        let mut r = self
            .agent
            .request(&req.method, &req.url)
            .timeout(req.timeout);
        for (k, v) in &req.headers {
            r = r.set(k, v);
        }
        let sent = match &req.body {
            Some(b) => r.send_bytes(b),
            None => r.call(),
        };
        let resp = match sent {
            Ok(resp) => resp,
            Err(ureq::Error::Status(_, resp)) => resp,
            Err(ureq::Error::Transport(t)) => {
                return Err(match t.kind() {
                    ureq::ErrorKind::InvalidUrl | ureq::ErrorKind::UnknownScheme => {
                        HttpError::InvalidUrl(t.to_string())
                    }
                    _ if is_timeout(&t) => HttpError::Timeout,
                    _ if t.to_string().contains("timed out") => HttpError::Timeout,
                    _ => HttpError::Network(t.to_string()),
                })
            }
        };
        let (resp, too_large) = read_body(resp, self.max_body)?;
        if too_large {
            return Err(HttpError::TooLarge);
        }
        Ok(resp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, url: &str) -> HttpRequest {
        HttpRequest {
            method: method.into(),
            url: url.into(),
            headers: Vec::new(),
            body: None,
            timeout: Duration::from_millis(50),
        }
    }

    #[test]
    fn scripted_routes() {
        let http = ScriptedHttp::new()
            .on("GET", "http://api.test/users", 200, "[]")
            .route(
                Route::new("POST", "http://api.test/*")
                    .status(201)
                    .json("{}"),
            )
            .route(Route::new("*", "http://once.test/").body("first").times(1))
            .route(Route::new("GET", "http://slow.test/").delay(Duration::from_secs(5)))
            .route(
                Route::new("GET", "http://down.test/").fail(HttpError::Network("refused".into())),
            );
        let r = http.request(&req("GET", "http://api.test/users")).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, b"[]".as_slice()));
        let r = http.request(&req("POST", "http://api.test/a/b")).unwrap();
        assert_eq!((r.status, r.status_text.as_str()), (201, "Created"));
        assert_eq!(
            r.headers,
            vec![("Content-Type".into(), "application/json".into())]
        );
        assert_eq!(
            http.request(&req("PUT", "http://once.test/")).unwrap().body,
            b"first"
        );
        assert_eq!(
            http.request(&req("PUT", "http://once.test/"))
                .unwrap()
                .status,
            404
        );
        let start = std::time::Instant::now();
        assert_eq!(
            http.request(&req("GET", "http://slow.test/")),
            Err(HttpError::Timeout)
        );
        assert!(start.elapsed() < Duration::from_secs(2));
        assert!(matches!(
            http.request(&req("GET", "http://down.test/")),
            Err(HttpError::Network(_))
        ));
        let miss = http.request(&req("GET", "http://api.test/other")).unwrap();
        assert_eq!(miss.status, 404);
        assert_eq!(
            miss.body,
            b"no scripted response for GET http://api.test/other"
        );
        assert_eq!(http.requests().len(), 7);
        assert_eq!(http.requests()[1].method, "POST");
    }
}
