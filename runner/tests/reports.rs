//! The machine formats stay valid for their consumers: every `--format
//! json` line parses, and the `--junit` file is read by a real JUnit
//! consumer (Python's junitparser, which CI installs) with the right
//! counts, names and messages, whatever the names and the output hold.

mod support;

use serde_json::Value;
use std::process::Command;

const JUNITPARSER: &str = r#"
import json, sys
from junitparser import JUnitXml, Failure, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
cases = []
for suite in xml:
    for case in suite:
        kinds = [type(r).__name__ for r in case.result]
        messages = [r.message for r in case.result]
        cases.append({"name": case.name, "kinds": kinds, "messages": messages})
print(json.dumps({"tests": xml.tests, "failures": xml.failures, "skipped": xml.skipped, "cases": cases}))
"#;

#[test]
fn json_lines_and_junit_are_valid() {
    let dir = support::project(&[
        ("specs/r.mltest", support::OUTCOMES),
        ("specs/broken.mltest", "code = [\n"),
    ]);
    let o = support::run_in(dir.path(), &["--format", "json", "--junit", "report.xml"]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = String::from_utf8(o.stdout).unwrap();
    let events: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let finished = events.last().unwrap();
    assert_eq!(finished["event"], "finished");
    assert_eq!(
        (
            &finished["passed"],
            &finished["failed"],
            &finished["ignored"],
            &finished["skipped"]
        ),
        (&1.into(), &2.into(), &1.into(), &2.into())
    );
    let statuses: Vec<(&str, &str)> = events
        .iter()
        .filter(|e| e["event"] == "case")
        .map(|e| (e["name"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    for skipped in ["r::skipped", "r::skipped without a reason"] {
        assert!(statuses.contains(&(skipped, "skipped")), "{statuses:?}");
    }
    assert!(
        statuses.contains(&("broken::<spec error>", "failed")),
        "{statuses:?}"
    );

    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let parsed = Command::new(&python)
        .args(["-c", JUNITPARSER, "report.xml"])
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    let stderr = String::from_utf8_lossy(&parsed.stderr);
    assert!(
        !stderr.contains("No module named 'junitparser'"),
        "install it: {python} -m pip install junitparser"
    );
    assert!(
        parsed.status.success(),
        "junitparser rejected the report: {stderr}"
    );
    let report: Value = serde_json::from_slice(&parsed.stdout).unwrap();
    assert_eq!(
        (&report["tests"], &report["failures"], &report["skipped"]),
        (&6.into(), &2.into(), &3.into()),
        "{report}"
    );
    let case = |name: &str| {
        report["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {report}"))
            .clone()
    };
    assert_eq!(case("r::passes <&\"'>")["kinds"], serde_json::json!([]));
    let fails = case("r::fails");
    assert_eq!(fails["kinds"], serde_json::json!(["Failure"]));
    assert!(fails["messages"][0]
        .as_str()
        .unwrap()
        .contains("case 'fails' failed"));
    assert_eq!(
        case("r::ignored")["messages"],
        serde_json::json!(["ignored: reason with <markup> & \"quotes\""])
    );
    for skipped in ["r::skipped", "r::skipped without a reason"] {
        assert_eq!(case(skipped)["kinds"], serde_json::json!(["Skipped"]));
    }
    assert_eq!(
        case("broken::<spec error>")["kinds"],
        serde_json::json!(["Failure"])
    );
}
