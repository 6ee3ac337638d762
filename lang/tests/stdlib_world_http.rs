//! `http` against scripted responses and against a real HTTP server on
//! 127.0.0.1 started by the test, with the network capability in front.

mod common;

use common::*;
use mlpy_lang::host::{Host, HttpError, HttpRequest, Route, ScriptedHttp, UreqHttp};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[track_caller]
fn expect_denied(src: &str, grants: &[&str], host: Host, resource: &str) {
    common::expect_denied(src, grants, host, "network:http", resource);
}

fn scripted() -> Arc<ScriptedHttp> {
    Arc::new(
        ScriptedHttp::new()
            .route(
                Route::new("GET", "http://api.example.com/users")
                    .json(r#"[{"id": 1, "name": "ann"}]"#)
                    .header("X-Total", "1"),
            )
            .route(
                Route::new("POST", "http://api.example.com/users")
                    .status(201)
                    .body("made"),
            )
            .route(Route::new("*", "http://api.example.com/echo*").body("echo"))
            .route(
                Route::new("GET", "http://api.example.com/missing")
                    .status(404)
                    .body("nope"),
            )
            .route(
                Route::new("GET", "http://api.example.com/old")
                    .status(302)
                    .header("Location", "/new"),
            )
            .route(Route::new("GET", "http://api.example.com/new").body("moved"))
            .route(
                Route::new("POST", "http://api.example.com/form")
                    .status(303)
                    .header("Location", "http://api.example.com/done"),
            )
            .route(Route::new("GET", "http://api.example.com/done").body("done"))
            .route(
                Route::new("GET", "http://api.example.com/away")
                    .status(301)
                    .header("Location", "http://evil.net/steal"),
            )
            .route(
                Route::new("GET", "http://api.example.com/loop")
                    .status(302)
                    .header("Location", "/loop"),
            )
            .route(Route::new("GET", "http://api.example.com/slow").delay(Duration::from_secs(5)))
            .route(
                Route::new("GET", "http://api.example.com/down")
                    .fail(HttpError::Network("connection refused".into())),
            )
            .route(Route::new("GET", "http://api.example.com/binary").body(vec![b'o', b'k', 0xff]))
            .route(Route::new("GET", "http://api.example.com/bad-json").body("{nope"))
            .route(Route::new("GET", "*").body("anything")),
    )
}

fn host_with(http: &Arc<ScriptedHttp>) -> Host {
    let mut host = Host::captured();
    host.http = http.clone();
    host
}

const API: &[&str] = &["network:http:api.example.com"];

#[test]
fn responses() {
    let http = scripted();
    let src = r#"
        import http;
        r = http.get("http://api.example.com/users");
        m = http.get("http://api.example.com/missing");
        [r.status(), r.statusText(), r.status_text(), r.ok(), r.json(), r.headers()["Content-Type"],
         r.header("x-total"), r.header("nope"), r.text(), r.body() == r.text(), typeof(r),
         m.status(), m.ok(), m.text(), http.get("http://api.example.com/binary").text(),
         len(http.get("http://api.example.com/binary").bytes())]
    "#;
    assert_eq!(
        expect_ok(src, API, host_with(&http)),
        "[200, 'OK', 'OK', True, [{'id': 1, 'name': 'ann'}], 'application/json', '1', None, \
         '[{\"id\": 1, \"name\": \"ann\"}]', True, 'HttpResponse', 404, False, 'nope', 'ok\u{fffd}', 3]"
    );
    expect_err(
        r#"import http; http.get("http://api.example.com/bad-json").json()"#,
        API,
        host_with(&http),
        "ValueError",
    );
}

#[test]
fn requests_are_sent_as_asked() {
    let http = scripted();
    let src = r#"
        import http;
        a = http.post("http://api.example.com/users", {body: {name: "x", tags: [1, true]}, headers: {"X-Req": 7}});
        b = http.put("http://api.example.com/echo/1", {body: "raw text", headers: {"Content-Type": "text/plain", "User-Agent": "mine"}});
        c = http.patch("http://api.example.com/echo/2");
        d = http.delete("http://api.example.com/echo/3", {"Authorization": "Bearer t"});
        e = http.head("http://api.example.com/echo/4", null, 5);
        f = http.request({method: "options", url: "http://api.example.com/echo/5", timeout: 1.5});
        g = http.request({url: "http://API.example.com:80/echo/6?q=1#frag"});
        [a.status(), a.text(), b.text(), c.ok(), d.ok(), e.ok(), f.ok(), g.ok()]
    "#;
    assert_eq!(
        expect_ok(src, API, host_with(&http)),
        "[201, 'made', 'echo', True, True, True, True, True]"
    );
    let reqs = http.requests();
    let summary: Vec<(String, String)> = reqs
        .iter()
        .map(|r| (r.method.clone(), r.url.clone()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("POST".into(), "http://api.example.com/users".into()),
            ("PUT".into(), "http://api.example.com/echo/1".into()),
            ("PATCH".into(), "http://api.example.com/echo/2".into()),
            ("DELETE".into(), "http://api.example.com/echo/3".into()),
            ("HEAD".into(), "http://api.example.com/echo/4".into()),
            ("OPTIONS".into(), "http://api.example.com/echo/5".into()),
            ("GET".into(), "http://api.example.com/echo/6?q=1".into()),
        ]
    );
    let header = |r: &HttpRequest, name: &str| {
        r.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        reqs[0].body.as_deref(),
        Some(&br#"{"name": "x", "tags": [1, true]}"#[..])
    );
    assert_eq!(
        header(&reqs[0], "Content-Type").as_deref(),
        Some("application/json")
    );
    assert_eq!(header(&reqs[0], "X-Req").as_deref(), Some("7"));
    assert_eq!(
        header(&reqs[0], "User-Agent").as_deref(),
        Some("ML-HTTP-Client/1.0")
    );
    assert_eq!(reqs[1].body.as_deref(), Some(&b"raw text"[..]));
    assert_eq!(header(&reqs[1], "User-Agent").as_deref(), Some("mine"));
    assert_eq!(
        header(&reqs[1], "Content-Type").as_deref(),
        Some("text/plain")
    );
    assert_eq!(reqs[2].body, None);
    assert_eq!(
        header(&reqs[3], "Authorization").as_deref(),
        Some("Bearer t")
    );
    // The default is 30 s, bounded by the test run's 20 s deadline.
    assert!(
        reqs[0].timeout > Duration::from_secs(19) && reqs[0].timeout <= Duration::from_secs(30)
    );
    assert_eq!(reqs[4].timeout, Duration::from_secs(5));
    assert_eq!(reqs[5].timeout, Duration::from_millis(1500));
}

#[test]
fn redirects_are_followed_and_checked() {
    let http = scripted();
    assert_eq!(
        expect_ok(
            r#"import http; [http.get("http://api.example.com/old").text(), http.post("http://api.example.com/form", {body: "x"}).text()]"#,
            API,
            host_with(&http)
        ),
        "['moved', 'done']"
    );
    let reqs = http.requests();
    assert_eq!(reqs[1].url, "http://api.example.com/new");
    // 303 turns the POST into a GET without a body.
    assert_eq!(
        (reqs[3].method.as_str(), reqs[3].body.as_ref()),
        ("GET", None)
    );
    // A redirect to a host that was not granted is a violation.
    let http = scripted();
    expect_denied(
        r#"import http; http.get("http://api.example.com/away")"#,
        API,
        host_with(&http),
        "http://evil.net/steal",
    );
    assert_eq!(
        http.requests().len(),
        1,
        "the redirect target was contacted"
    );
    // Redirect loops end after a few hops with the last redirect response.
    let http = scripted();
    assert_eq!(
        expect_ok(
            r#"import http; http.get("http://api.example.com/loop").status()"#,
            API,
            host_with(&http)
        ),
        "302"
    );
    assert_eq!(http.requests().len(), 6);
}

#[test]
fn failures_are_clear_errors() {
    let http = scripted();
    let start = Instant::now();
    let msg = expect_err(
        r#"import http; http.get("http://api.example.com/slow", null, 0.05)"#,
        API,
        host_with(&http),
        "RuntimeError",
    );
    assert!(msg.starts_with("Network error: timed out"), "{msg}");
    assert!(start.elapsed() < Duration::from_secs(3));
    let msg = expect_err(
        r#"import http; http.get("http://api.example.com/down")"#,
        API,
        host_with(&http),
        "RuntimeError",
    );
    assert_eq!(msg, "Network error: connection refused");
    // No network at all (the default captured host).
    let msg = expect_err(
        r#"import http; http.get("http://api.example.com/")"#,
        API,
        Host::captured(),
        "RuntimeError",
    );
    assert!(msg.starts_with("Network error:"), "{msg}");
    for (src, kind) in [
        (r#"http.get("ftp://api.example.com/")"#, "ValueError"),
        (r#"http.get("api.example.com/x")"#, "ValueError"),
        (
            r#"http.get("http://api.example.com@evil.net/")"#,
            "ValueError",
        ),
        (
            r#"http.get("http://evil.net\\@api.example.com/")"#,
            "ValueError",
        ),
        (r#"http.get("http://api.example.com:99999/")"#, "ValueError"),
        (r#"http.get("http://exa mple.com/")"#, "ValueError"),
        (r#"http.get(42)"#, "TypeError"),
        (r#"http.get("http://api.example.com/", "h")"#, "TypeError"),
        (
            r#"http.get("http://api.example.com/", null, -1)"#,
            "ValueError",
        ),
        (
            r#"http.get("http://api.example.com/", null, "soon")"#,
            "TypeError",
        ),
        (
            r#"http.get("http://api.example.com/", {"X-A": "a\r\nInjected: 1"})"#,
            "ValueError",
        ),
        (
            r#"http.get("http://api.example.com/", {"Bad Name": "x"})"#,
            "ValueError",
        ),
        (
            r#"http.post("http://api.example.com/", "body")"#,
            "TypeError",
        ),
        (
            r#"http.post("http://api.example.com/", {body: print})"#,
            "TypeError",
        ),
        (r#"http.request({method: "GET"})"#, "KeyError"),
        (
            r#"http.request({url: "http://api.example.com/", method: "GE T"})"#,
            "ValueError",
        ),
        (r#"http.request("http://api.example.com/")"#, "TypeError"),
    ] {
        let (ran, v) = run_w(
            &format!("import http; {src}"),
            &["network:http"],
            host_with(&scripted()),
        );
        match ran.result {
            Err((k, _, m)) => assert!(
                k == kind || (kind == "TypeError" && k == "ValueError" && src.contains("print")),
                "{src}: {k}: {m}"
            ),
            Ok(r) => panic!("{src} gave {r}"),
        }
        assert!(
            v.is_empty(),
            "{src}: bad input must not count as a violation: {v:?}"
        );
    }
}

#[test]
fn every_request_function_is_gated() {
    let calls = [
        r#"http.get("{U}")"#,
        r#"http.post("{U}", {body: "x"})"#,
        r#"http.put("{U}")"#,
        r#"http.patch("{U}")"#,
        r#"http.delete("{U}")"#,
        r#"http.head("{U}")"#,
        r#"http.request({method: "GET", url: "{U}"})"#,
    ];
    for call in calls {
        let src = |u: &str| format!("import http; {}", call.replace("{U}", u));
        let ok = "http://api.example.com/echo/x";
        // Allowed.
        for grants in [
            &["network:http:api.example.com"][..],
            &["network:http:*.example.com"],
            &["network.http"],
            &["network:http:api.example.com:80"],
            &["network:http:api.example.com:*"],
        ] {
            expect_ok(&src(ok), grants, host_with(&scripted()));
        }
        expect_ok(
            &src("https://api.example.com/echo"),
            &["network:https:api.example.com"],
            host_with(&scripted()),
        );
        // Denied without a grant.
        let http = scripted();
        expect_denied(&src(ok), &[], host_with(&http), ok);
        assert!(
            http.requests().is_empty(),
            "a denied request reached the client"
        );
        // Near misses (denied for the URL itself).
        for (url, grants) in [
            ("http://api.example.com.evil.net/x", API),
            (
                "http://evilapi.example.com/x",
                &["network:http:*.api.example.com"][..],
            ),
            (
                "http://api.example.com/x",
                &["network:http:*.api.example.com"][..],
            ),
            ("http://api.example.com:8080/x", API),
            ("https://api.example.com:80/x", API),
            (
                "http://api.example.com/x",
                &["network:https:api.example.com"][..],
            ),
            (
                "http://api.example.com/x",
                &["network:http:api.example.com:8443"][..],
            ),
            (
                "http://other.com/x",
                &["file:read", "env:read:*", "network.socket"][..],
            ),
        ] {
            let http = scripted();
            expect_denied(&src(url), grants, host_with(&http), url);
            assert!(http.requests().is_empty());
        }
    }
}

#[test]
fn url_helpers_need_no_grant() {
    let src = r#"
        import http;
        [http.encodeURI("hello world/é?&"), http.encode_uri("a~b_c.d-e"), http.decodeURI("hello%20world%2F%C3%A9"),
         http.decode_uri("100%"), http.encodeQuery({a: "x y", b: true, c: null, d: [1, 2], "k&": "="}),
         http.encode_query({}), http.parseQuery("?a=1&a=2&b=&c=x+y&d&e=%41"), http.parse_query("")]
    "#;
    assert_eq!(
        expect_ok(src, &[], Host::captured()),
        "['hello%20world/%C3%A9%3F%26', 'a~b_c.d-e', 'hello world/é', '100%', \
         'a=x+y&b=True&c=None&d=%5B1%2C+2%5D&k%26=%3D', '', {'a': ['1', '2'], 'c': 'x y', 'e': 'A'}, {}]"
    );
    expect_err(
        "import http; http.encodeQuery([1])",
        &[],
        Host::captured(),
        "TypeError",
    );
    expect_err(
        "import http; http.parseQuery(1)",
        &[],
        Host::captured(),
        "TypeError",
    );
}

// ---- a real server on 127.0.0.1 ----

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
}

/// Serves up to `max` connections on 127.0.0.1 (a free port) in a thread
/// that gives up after 20 s. The handler sees the request line, headers and
/// body.
fn serve(
    max: usize,
    handler: fn(&str, &str, &[u8]) -> Reply,
) -> (u16, std::thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut served = 0;
        while served < max && Instant::now() < deadline {
            match listener.accept() {
                Ok((stream, _)) => {
                    served += 1;
                    let _ = handle_conn(stream, handler);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
        served
    });
    (port, handle)
}

fn handle_conn(mut s: TcpStream, handler: fn(&str, &str, &[u8]) -> Reply) -> std::io::Result<()> {
    s.set_nonblocking(false)?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = s.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = &buf[head_end..buf.len().min(head_end + len)];
    let request_line = head.lines().next().unwrap_or("").to_string();
    let reply = handler(&request_line, &head, body);
    std::thread::sleep(reply.delay);
    let mut out = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let _ = s.write_all(out.as_bytes());
    let _ = s.write_all(&reply.body);
    let _ = s.flush();
    Ok(())
}

fn echo(line: &str, head: &str, body: &[u8]) -> Reply {
    let agent = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("User-Agent: ")
                .or_else(|| l.strip_prefix("user-agent: "))
        })
        .unwrap_or("")
        .to_string();
    let path = line.split(' ').nth(1).unwrap_or("");
    if path == "/redirect" {
        return Reply {
            status: 302,
            headers: vec![("Location".into(), "/echo?from=redirect".into())],
            body: Vec::new(),
            delay: Duration::ZERO,
        };
    }
    if path == "/slow" {
        return Reply {
            status: 200,
            headers: Vec::new(),
            body: b"late".to_vec(),
            delay: Duration::from_millis(1500),
        };
    }
    if path == "/big" {
        return Reply {
            status: 200,
            headers: Vec::new(),
            body: vec![b'x'; 5000],
            delay: Duration::ZERO,
        };
    }
    let body = format!(
        r#"{{"request": "{}", "agent": "{}", "body": "{}"}}"#,
        line,
        agent,
        String::from_utf8_lossy(body)
    );
    Reply {
        status: if path.starts_with("/missing") {
            404
        } else {
            200
        },
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.into_bytes(),
        delay: Duration::ZERO,
    }
}

fn real_host() -> Host {
    let mut host = Host::captured();
    host.http = Arc::new(UreqHttp::new());
    host
}

#[test]
fn real_server_round_trips() {
    let (port, server) = serve(5, echo);
    let grant = format!("network:http:127.0.0.1:{port}");
    let src = format!(
        r#"
        import http;
        base = "http://127.0.0.1:{port}";
        a = http.get(base + "/echo?x=1");
        b = http.post(base + "/echo", {{body: "payload"}});
        c = http.get(base + "/missing");
        d = http.get(base + "/redirect");
        [a.status(), a.json(), b.json()["body"], b.json()["request"], c.status(), c.ok(), d.json()["request"],
         a.headers()["Content-Type"]]
        "#
    );
    assert_eq!(
        expect_ok(&src, &[&grant], real_host()),
        "[200, {'request': 'GET /echo?x=1 HTTP/1.1', 'agent': 'ML-HTTP-Client/1.0', 'body': ''}, \
         'payload', 'POST /echo HTTP/1.1', 404, False, 'GET /echo?from=redirect HTTP/1.1', 'application/json']"
    );
    assert_eq!(
        server.join().unwrap(),
        5,
        "one connection per request (the redirect makes two)"
    );
}

#[test]
fn real_server_gate_and_failures() {
    let (port, server) = serve(2, echo);
    let url = format!("http://127.0.0.1:{port}/echo");
    // Without the port in the grant only port 80 is allowed.
    expect_denied(
        &format!(r#"import http; http.get("{url}")"#),
        &["network:http:127.0.0.1"],
        real_host(),
        &url,
    );
    expect_denied(
        &format!(r#"import http; http.get("{url}")"#),
        &["network:http:localhost:*"],
        real_host(),
        &url,
    );
    // Timeouts end the request.
    let start = Instant::now();
    let msg = expect_err(
        &format!(r#"import http; http.get("http://127.0.0.1:{port}/slow", null, 0.2)"#),
        &["network:http:127.0.0.1:*"],
        real_host(),
        "RuntimeError",
    );
    assert!(msg.starts_with("Network error:"), "{msg}");
    assert!(
        start.elapsed() < Duration::from_millis(1400),
        "timeout took {:?}",
        start.elapsed()
    );
    // Bodies over the cap are an error, not a truncated text.
    let mut host = Host::captured();
    let mut client = UreqHttp::new();
    client.max_body = 100;
    host.http = Arc::new(client);
    let msg = expect_err(
        &format!(r#"import http; http.get("http://127.0.0.1:{port}/big")"#),
        &["network:http:127.0.0.1:*"],
        host,
        "RuntimeError",
    );
    assert!(msg.contains("larger than"), "{msg}");
    server.join().unwrap();
    // Nobody listens on a closed port.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let msg = expect_err(
        &format!(r#"import http; http.get("http://127.0.0.1:{closed}/")"#),
        &["network:http:127.0.0.1:*"],
        real_host(),
        "RuntimeError",
    );
    assert!(msg.starts_with("Network error:"), "{msg}");
}

#[test]
fn the_execution_deadline_bounds_a_request() {
    use mlpy_lang::capability::GrantSet;
    use mlpy_lang::syntax::SourceFile;
    use mlpy_lang::vm::{run_on_vm_thread, Limits};
    use mlpy_lang::{compile, ErrorKind, Vm};
    let http = scripted();
    let mut host = Host::captured();
    host.http = http.clone();
    let (kind, elapsed) = run_on_vm_thread(move || {
        let src = r#"import http; try { http.get("http://api.example.com/slow"); } except (e) { "caught"; }"#;
        let program = compile(Arc::new(SourceFile::new("t.ml", src))).unwrap();
        let grants = GrantSet::parse(&["network:http:api.example.com"]).unwrap();
        let mut vm = Vm::new(host, Arc::new(grants), Limits::default());
        let start = Instant::now();
        vm.set_deadline(Some(start + Duration::from_millis(100)));
        let r = vm.run(&program);
        (r.err().map(|e| e.kind()), start.elapsed())
    });
    // The timeout is the execution's (not catchable), and comes on time.
    assert_eq!(kind, Some(ErrorKind::Timeout));
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert!(http.requests()[0].timeout <= Duration::from_millis(100));
}
