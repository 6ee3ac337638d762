//! `http`: blocking HTTP requests through `vm.host.http`, plus pure URL
//! helpers.
//!
//! Every request needs `network:http` for its URL (host and port are
//! matched; `network:https` grants https URLs only). URLs are parsed
//! strictly (`capability::Url`): bad ones are a `ValueError`, and the
//! canonical form that was checked is exactly what is sent. Redirects are
//! followed here (at most 5), checking the capability again for every new
//! URL; 301/302/303 turn the request into a GET without a body, and
//! `Authorization`/`Cookie` headers are dropped when the host changes.
//!
//! HTTP error statuses are responses (check `ok()`); network failures and
//! timeouts are `RuntimeError("Network error: ...")`.

use crate::capability::cap::NETWORK_HTTP;
use crate::capability::Url;
use crate::error::{ErrorKind, MlError, VmResult};
use crate::host::http::{DEFAULT_TIMEOUT, USER_AGENT};
use crate::host::{HttpError, HttpRequest, HttpResponse};
use crate::limits::{byte_cost, Meter};
use crate::native::args::arity;
use crate::native::native_module;
use crate::value::{expect_str, py_str, ObjCell, Object, Style, Value};
use crate::vm::Vm;
use std::rc::Rc;
use std::time::Duration;

use crate::native::args::{check_len, opt, str_arg};

const MAX_REDIRECTS: usize = 5;

// ---- pure helpers ----

/// Bytes between two charges of the percent codecs.
const CODEC_CHUNK: usize = 16 * 1024;

fn percent_encode(
    text: &str,
    safe: &[u8],
    plus_for_space: bool,
    meter: &mut Meter,
) -> VmResult<String> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if i % CODEC_CHUNK == 0 {
            meter.charge(1 + byte_cost(CODEC_CHUNK) * 3)?;
        }
        if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || safe.contains(&b) {
            out.push(b as char);
        } else if b == b' ' && plus_for_space {
            out.push('+');
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    Ok(out)
}

/// Python's `unquote` (invalid escapes kept, bad UTF-8 replaced).
fn percent_decode(text: &str, plus_for_space: bool, meter: &mut Meter) -> VmResult<String> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let mut next_charge = 0;
    while i < b.len() {
        if i >= next_charge {
            meter.charge(1 + byte_cost(CODEC_CHUNK) * 3)?;
            next_charge = i + CODEC_CHUNK;
        }
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_for_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn encode_uri(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("encodeURI", args, 1, 1)?;
    let t = str_arg(args, 0, "encodeURI", "text")?;
    Ok(Value::string(percent_encode(
        t,
        b"/",
        false,
        &mut vm.meter(),
    )?))
}

fn decode_uri(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("decodeURI", args, 1, 1)?;
    let t = str_arg(args, 0, "decodeURI", "text")?;
    Ok(Value::string(percent_decode(t, false, &mut vm.meter())?))
}

/// The one argument of `func`, which must be an object (`what` says which).
fn one_object<'a>(args: &'a [Value], func: &str, what: &str) -> VmResult<&'a Rc<ObjCell>> {
    arity(func, args, 1, 1)?;
    match &args[0] {
        Value::Object(o) => Ok(o),
        other => Err(MlError::type_error(format!(
            "{func}() expected {what}, not {}",
            other.kind_name()
        ))),
    }
}

fn encode_query(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let o = one_object(args, "encodeQuery", "an object")?;
    let mut meter = vm.meter();
    let mut out = String::new();
    for (k, v) in o.borrow().iter() {
        meter.charge(1)?;
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&percent_encode(
            &py_str(&k.to_value()),
            b"",
            true,
            &mut meter,
        )?);
        out.push('=');
        // A string value is encoded where it is; any other value's text is
        // built under the deadline and the size limit.
        let shown;
        let text = match v {
            Value::Str(s) => s.as_str(),
            other => {
                shown = vm.display(other, Style::Str)?;
                &shown
            }
        };
        out.push_str(&percent_encode(text, b"", true, &mut meter)?);
        check_len(vm, out.len())?;
    }
    Ok(Value::string(out))
}

fn parse_query(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    arity("parseQuery", args, 1, 1)?;
    let t = str_arg(args, 0, "parseQuery", "text")?;
    let t = t.strip_prefix('?').unwrap_or(t);
    // Keys in first-seen order, found by hash (a linear search made a
    // query of a million distinct keys quadratic).
    let mut pairs: indexmap::IndexMap<String, Vec<String>> = indexmap::IndexMap::new();
    let mut meter = vm.meter();
    for item in t.split('&') {
        meter.charge(1)?;
        let Some((k, v)) = item.split_once('=') else {
            continue;
        };
        if v.is_empty() {
            continue;
        }
        let (k, v) = (
            percent_decode(k, true, &mut meter)?,
            percent_decode(v, true, &mut meter)?,
        );
        pairs.entry(k).or_default().push(v);
    }
    let mut o = Object::new();
    for (k, mut vals) in pairs {
        let v = if vals.len() == 1 {
            Value::string(vals.remove(0))
        } else {
            Value::array(vals.into_iter().map(Value::string).collect())
        };
        o.insert_str(&k, v);
    }
    Ok(Value::object(o))
}

// ---- requests ----

struct Options {
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    timeout: Duration,
}

fn valid_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn headers_arg(vm: &Vm, v: Option<&Value>, func: &str) -> VmResult<Vec<(String, String)>> {
    let Some(v) = v else {
        return Ok(Vec::new());
    };
    let Value::Object(o) = v else {
        return Err(MlError::type_error(format!(
            "{func}(): headers must be an object, not {}",
            v.kind_name()
        )));
    };
    let mut out = Vec::new();
    for (k, val) in o.borrow().iter() {
        let name = py_str(&k.to_value());
        let value = vm.display(val, Style::Str)?;
        if !valid_token(&name) {
            return Err(MlError::value_error(format!(
                "{func}(): invalid header name {name:?}"
            )));
        }
        if value.contains(['\r', '\n', '\0']) {
            return Err(MlError::value_error(format!(
                "{func}(): header {name} contains a line break"
            )));
        }
        out.push((name, value));
    }
    Ok(out)
}

fn timeout_arg(v: Option<&Value>, func: &str) -> VmResult<Duration> {
    let Some(v) = v else {
        return Ok(DEFAULT_TIMEOUT);
    };
    let secs = v
        .as_f64()
        .filter(|_| !matches!(v, Value::Bool(_)))
        .ok_or_else(|| {
            MlError::type_error(format!("{func}(): timeout must be a number of seconds"))
        })?;
    if !secs.is_finite() || secs <= 0.0 || secs > 86_400.0 {
        return Err(MlError::value_error(format!(
            "{func}(): timeout must be more than 0 and at most 86400 seconds, got {secs}"
        )));
    }
    Ok(Duration::from_secs_f64(secs))
}

fn has_header(h: &[(String, String)], name: &str) -> bool {
    h.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
}

fn body_arg(
    vm: &Vm,
    v: Option<&Value>,
    headers: &mut Vec<(String, String)>,
) -> VmResult<Option<Vec<u8>>> {
    Ok(match v {
        None => None,
        Some(Value::Str(s)) => Some(s.as_str().as_bytes().to_vec()),
        Some(Value::Bytes(b)) => Some(b.to_vec()),
        Some(other) => {
            let text = super::json::to_json_text(other, None, vm.limits.max_len, vm.meter())?;
            if !has_header(headers, "Content-Type") {
                headers.push(("Content-Type".into(), "application/json".into()));
            }
            Some(text.into_bytes())
        }
    })
}

/// `{body, headers, timeout}` of post/put/patch/request.
fn options_arg(vm: &Vm, v: Option<&Value>, func: &str) -> VmResult<Options> {
    let Some(v) = v else {
        return Ok(Options {
            headers: Vec::new(),
            body: None,
            timeout: DEFAULT_TIMEOUT,
        });
    };
    let Value::Object(o) = v else {
        return Err(MlError::type_error(format!(
            "{func}(): options must be an object {{body, headers, timeout}}, not {}",
            v.kind_name()
        )));
    };
    let o = o.borrow();
    let get = |k: &str| o.get_str(k).filter(|v| !matches!(v, Value::Null));
    let mut headers = headers_arg(vm, get("headers"), func)?;
    let body = body_arg(vm, get("body"), &mut headers)?;
    let timeout = timeout_arg(get("timeout"), func)?;
    Ok(Options {
        headers,
        body,
        timeout,
    })
}

fn http_error(e: HttpError, timeout: Duration) -> MlError {
    match e {
        HttpError::Network(m) => MlError::runtime(format!("Network error: {m}")),
        HttpError::Timeout => MlError::runtime(format!(
            "Network error: timed out after {} s",
            timeout.as_secs_f64()
        )),
        HttpError::InvalidUrl(m) => MlError::value_error(format!("Invalid URL: {m}")),
        HttpError::TooLarge => MlError::runtime(format!(
            "Network error: the response body is larger than {} bytes",
            crate::host::http::MAX_BODY
        )),
    }
}

fn parse_url(url: &str) -> VmResult<Url> {
    Url::parse(url).map_err(|e| MlError::value_error(format!("Invalid URL '{url}': {e}")))
}

fn send(vm: &mut Vm, method: &str, url: &str, opts: Options) -> VmResult<Value> {
    let mut method = method.to_ascii_uppercase();
    if !valid_token(&method) {
        return Err(MlError::value_error(format!(
            "invalid HTTP method {method:?}"
        )));
    }
    let mut current = parse_url(url)?;
    let mut headers = opts.headers;
    if !has_header(&headers, "User-Agent") {
        headers.push(("User-Agent".into(), USER_AGENT.into()));
    }
    let mut body = opts.body;
    let mut hops = 0;
    loop {
        let target = current.canonical();
        vm.require(NETWORK_HTTP, &target)?;
        // The execution's deadline bounds the request too.
        vm.check_interrupt()?;
        let timeout = match vm.time_left() {
            Some(left) if left < opts.timeout => left.max(Duration::from_millis(1)),
            _ => opts.timeout,
        };
        let req = HttpRequest {
            method: method.clone(),
            url: target,
            headers: headers.clone(),
            body: body.clone(),
            timeout,
        };
        let client = vm.host.http.clone();
        let resp = client.request(&req);
        vm.check_interrupt()?;
        let resp = resp.map_err(|e| http_error(e, timeout))?;
        let location = resp
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Location"))
            .map(|(_, v)| v.clone());
        match location {
            Some(loc)
                if matches!(resp.status, 301 | 302 | 303 | 307 | 308) && hops < MAX_REDIRECTS =>
            {
                hops += 1;
                let next = current.join(&loc).map_err(|e| {
                    MlError::value_error(format!("Invalid redirect to '{loc}': {e}"))
                })?;
                if resp.status == 303 || (matches!(resp.status, 301 | 302) && method != "HEAD") {
                    if method != "HEAD" {
                        method = "GET".into();
                    }
                    body = None;
                    headers.retain(|(k, _)| {
                        !k.eq_ignore_ascii_case("Content-Type")
                            && !k.eq_ignore_ascii_case("Content-Length")
                    });
                }
                if next.host != current.host || next.port != current.port {
                    headers.retain(|(k, _)| {
                        !k.eq_ignore_ascii_case("Authorization")
                            && !k.eq_ignore_ascii_case("Cookie")
                    });
                }
                current = next;
            }
            _ => return Ok(Value::host(Response(Rc::new(resp)))),
        }
    }
}

fn simple(vm: &mut Vm, args: &[Value], method: &str, func: &str) -> VmResult<Value> {
    arity(func, args, 1, 3)?;
    let url = str_arg(args, 0, func, "url")?;
    let headers = headers_arg(vm, opt(args, 1), func)?;
    let timeout = timeout_arg(opt(args, 2), func)?;
    send(
        vm,
        method,
        url,
        Options {
            headers,
            body: None,
            timeout,
        },
    )
}

fn with_body(vm: &mut Vm, args: &[Value], method: &str, func: &str) -> VmResult<Value> {
    arity(func, args, 1, 2)?;
    let url = str_arg(args, 0, func, "url")?;
    let opts = options_arg(vm, opt(args, 1), func)?;
    send(vm, method, url, opts)
}

/// One native per HTTP method: `$how` (`simple` or `with_body`) sends it.
macro_rules! methods {
    ($($name:ident => $how:ident($method:literal);)*) => {$(
        fn $name(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
            $how(vm, args, $method, stringify!($name))
        }
    )*};
}

methods! {
    get => simple("GET");
    delete => simple("DELETE");
    head => simple("HEAD");
    post => with_body("POST");
    put => with_body("PUT");
    patch => with_body("PATCH");
}

fn request(vm: &mut Vm, args: &[Value]) -> VmResult<Value> {
    let o = one_object(
        args,
        "request",
        "an object {method, url, headers, body, timeout}",
    )?;
    let (method, url) = {
        let o = o.borrow();
        let method = match o.get_str("method").filter(|v| !matches!(v, Value::Null)) {
            Some(m) => expect_str(m, "request", "method")?.to_string(),
            None => "GET".to_string(),
        };
        let url = match o.get_str("url") {
            Some(u) => expect_str(u, "request", "url")?.to_string(),
            None => {
                return Err(MlError::new(
                    ErrorKind::KeyError,
                    "request() options need a 'url'",
                ))
            }
        };
        (method, url)
    };
    let opts = options_arg(vm, Some(&args[0]), "request")?;
    send(vm, &method, &url, opts)
}

/// `HttpResponse` host object.
pub struct Response(Rc<HttpResponse>);

impl Response {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.body).into_owned()
    }
    fn headers(&self) -> Value {
        let mut o = Object::new();
        for (k, v) in &self.0.headers {
            let joined = match o.get_str(k) {
                Some(prev) => format!("{}, {v}", py_str(prev)),
                None => v.clone(),
            };
            o.insert_str(k, Value::string(joined));
        }
        Value::object(o)
    }
}

const RESPONSE_METHODS: &[&str] = &[
    "status",
    "statusText",
    "status_text",
    "headers",
    "header",
    "body",
    "text",
    "bytes",
    "ok",
    "json",
];

impl Response {
    fn call(&self, _vm: &mut Vm, name: &str, args: &[Value]) -> VmResult<Value> {
        let none = |f: &str| arity(f, args, 0, 0);
        match name {
            "status" => none(name).map(|_| Value::Int(i64::from(self.0.status))),
            "statusText" | "status_text" => none(name).map(|_| Value::str(&self.0.status_text)),
            "headers" => none(name).map(|_| self.headers()),
            "header" => arity(name, args, 1, 1).and_then(|_| {
                let n = str_arg(args, 0, "header", "name")?;
                Ok(self
                    .0
                    .headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(n))
                    .map_or(Value::Null, |(_, v)| Value::str(v)))
            }),
            "body" | "text" => none(name).map(|_| Value::string(self.text())),
            "bytes" => none(name).map(|_| Value::Bytes(Rc::new(self.0.body.clone()))),
            "ok" => none(name).map(|_| Value::Bool((200..300).contains(&self.0.status))),
            "json" => none(name).and_then(|_| {
                super::json::parse_text(&self.text())
                    .map(|(v, _)| v)
                    .map_err(|e| MlError::value_error(format!("JSON parsing failed: {e}")))
            }),
            _ => unreachable!("checked by call_method"),
        }
    }
}

host_object!(Response, "HttpResponse", RESPONSE_METHODS, |o| format!(
    "<HttpResponse [{}]>",
    o.0.status
));

native_module! {
    name: "http",
    doc: "HTTP requests (network:http for the URL's host and port) and URL helpers",
    functions: {
        "get" => get [NETWORK_HTTP], "(url, headers = null, timeout = null): HttpResponse";
        "delete" => delete [NETWORK_HTTP], "(url, headers = null, timeout = null): HttpResponse";
        "head" => head [NETWORK_HTTP], "(url, headers = null, timeout = null): HttpResponse";
        "post" => post [NETWORK_HTTP], "(url, {body, headers, timeout}): HttpResponse";
        "put" => put [NETWORK_HTTP], "(url, {body, headers, timeout}): HttpResponse";
        "patch" => patch [NETWORK_HTTP], "(url, {body, headers, timeout}): HttpResponse";
        "request" => request [NETWORK_HTTP], "({method, url, headers, body, timeout}): HttpResponse";
        "encodeURI" | "encode_uri" => encode_uri, "(text): percent-encode (keeps /)";
        "decodeURI" | "decode_uri" => decode_uri, "(text): percent-decode";
        "encodeQuery" | "encode_query" => encode_query, "(object): a=1&b=x";
        "parseQuery" | "parse_query" => parse_query, "(text): object (repeated keys give lists)";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_codec() {
        let m = &mut crate::limits::Meter::unlimited();
        assert_eq!(
            percent_encode("hello world/é?", b"/", false, m).unwrap(),
            "hello%20world/%C3%A9%3F"
        );
        assert_eq!(percent_encode("a b&c", b"", true, m).unwrap(), "a+b%26c");
        assert_eq!(
            percent_decode("hello%20world%C3%A9", false, m).unwrap(),
            "helloworldé".replace("world", " world")
        );
        assert_eq!(percent_decode("100%", false, m).unwrap(), "100%");
        assert_eq!(percent_decode("%zz%4", false, m).unwrap(), "%zz%4");
        assert_eq!(percent_decode("a+b", true, m).unwrap(), "a b");
        assert_eq!(percent_decode("%ff", false, m).unwrap(), "\u{fffd}");
    }
}
