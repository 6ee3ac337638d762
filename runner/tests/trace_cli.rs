//! `mlpy-test --trace`: a failing case shows its trace.

mod support;

use support::{project, run_in, stdout};

const SPEC: &str = r#"
[[case]]
name = "reads then fails"
grant = ["file:read:/data/*"]
files = { "/data/a.txt" = "abc" }
code = '''
import file;
function load(p) { return file.read(p); }
a = load("/data/a.txt");
b = load("/etc/shadow");
'''
expect.result = "abc"

[[case]]
name = "passes"
code = 'result = 1;'
expect.result = 1
"#;

#[test]
fn failing_cases_show_their_trace() {
    let dir = project(&[("specs/t.mltest", SPEC)]);
    let run = |trace: bool| {
        let args: &[&str] = if trace {
            &["specs", "--trace"]
        } else {
            &["specs"]
        };
        let o = run_in(dir.path(), args);
        assert_eq!(o.status.code(), Some(1));
        stdout(&o)
    };
    let out = run(true);
    let at = out.find("trace:").unwrap_or_else(|| panic!("{out}"));
    let lines: Vec<&str> = out[at..].lines().skip(1).take(6).map(str::trim).collect();
    assert!(
        lines[0].ends_with("capability file:read /data/a.txt granted  at specs/t.mltest:8:27"),
        "{out}"
    );
    assert!(
        lines[1].contains("file.read /data/a.txt -> 3 bytes"),
        "{out}"
    );
    assert!(
        lines[2].contains("capability file:read /etc/shadow DENIED"),
        "{out}"
    );
    assert!(lines[3].contains("error CapabilityViolation"), "{out}");
    assert_eq!(lines[4], "in load at specs/t.mltest:8:27", "{out}");
    assert_eq!(lines[5], "in <main> at specs/t.mltest:10:5", "{out}");
    assert_eq!(
        out.matches("trace:").count(),
        1,
        "only the failing case: {out}"
    );
    assert!(!run(false).contains("trace:"));
}

/// A case with a callback: the callback's events follow the code's on one
/// timeline (times never go back).
#[test]
fn callback_traces_follow_the_code() {
    let spec = r#"
grant = ["file:read:/data/*"]
files = { "/data/a.txt" = "abc" }
code = '''
import file;
x = 0;
for (i in range(20000)) { x = x + i; }
first = file.read("/data/a.txt");
function load(p) { return file.read(p); }
'''
callback = { function = "load", args = ["/etc/shadow"] }
expect.result = "abc"
"#;
    let dir = project(&[("specs/cb.mltest", spec)]);
    let out = stdout(&run_in(dir.path(), &["specs", "--trace"]));
    let at = out.find("trace:").unwrap_or_else(|| panic!("{out}"));
    let events: Vec<(f64, String)> = out[at..]
        .lines()
        .skip(1)
        .filter_map(|l| {
            let (ms, rest) = l.trim().split_once(" ms  ")?;
            Some((ms.parse().ok()?, rest.to_string()))
        })
        .collect();
    let names: Vec<&str> = events
        .iter()
        .map(|(_, e)| e.split_whitespace().next().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        ["capability", "file.read", "callback", "capability", "error"],
        "{out}"
    );
    let times: Vec<f64> = events.iter().map(|(t, _)| *t).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{out}");
    // The callback starts after the code's loop and read, not at 0.
    assert!(times[2] >= times[1] && times[2] > 0.0, "{out}");
}
