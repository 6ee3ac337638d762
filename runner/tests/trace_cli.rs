//! `mlpy-test --trace`: a failing case shows its trace.

use std::process::Command;

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
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("specs")).unwrap();
    std::fs::write(dir.path().join("specs/t.mltest"), SPEC).unwrap();
    let run = |trace: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mlpy-test"));
        cmd.arg("specs").current_dir(dir.path());
        if trace {
            cmd.arg("--trace");
        }
        let o = cmd.output().unwrap();
        assert_eq!(o.status.code(), Some(1));
        String::from_utf8_lossy(&o.stdout).into_owned()
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
