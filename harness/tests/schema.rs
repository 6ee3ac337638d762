//! `mltest.schema.json` (for editor completion through taplo / Even Better
//! TOML) and the key tables of `docs/mltest-format.md` are derived from the
//! key declarations (`harness/spec/keys.rs`) and must stay in sync with
//! them. Regenerate both with
//! `MLTEST_UPDATE_SCHEMA=1 cargo test -p mlpy-harness --test schema`.

use mlpy_harness::spec::keys::{ExpectTable, Fields, Key, RowTable};
use mlpy_harness::spec::{schema_json, with_key_tables};
use std::path::{Path, PathBuf};

fn workspace_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join(name)
}

/// Checks a generated file (or rewrites it under `MLTEST_UPDATE_SCHEMA`).
fn in_sync(name: &str, fresh: impl FnOnce(&str) -> String) {
    let path = workspace_file(name);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let fresh = fresh(&committed);
    if std::env::var_os("MLTEST_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    assert!(
        committed == fresh,
        "{} is stale: run MLTEST_UPDATE_SCHEMA=1 cargo test -p mlpy-harness --test schema",
        path.display()
    );
}

#[test]
fn committed_schema_is_up_to_date() {
    in_sync("mltest.schema.json", |_| schema_json());
}

#[test]
fn docs_key_tables_are_up_to_date() {
    in_sync("docs/mltest-format.md", with_key_tables);
    let docs = std::fs::read_to_string(workspace_file("docs/mltest-format.md")).unwrap();
    for marker in ["case", "row", "expect"] {
        assert!(
            docs.contains(&format!("<!-- keys:{marker} -->\n")),
            "the docs lack the {marker} key table"
        );
    }
}

fn names(keys: &[Key]) -> Vec<&str> {
    let mut names: Vec<&str> = keys.iter().map(|k| k.name).collect();
    names.sort();
    names
}

fn properties(table: &serde_json::Value) -> Vec<&str> {
    assert_eq!(table["additionalProperties"], false);
    let mut keys: Vec<&str> = table["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    keys
}

#[test]
fn schema_knows_every_key_and_rejects_others() {
    let schema: serde_json::Value = serde_json::from_str(&schema_json()).unwrap();
    assert_eq!(schema["title"], "MltestFile");
    let mut top = names(Fields::KEYS);
    top.push("case");
    top.sort();
    assert_eq!(properties(&schema), top);
    for key in ["code", "grant", "files", "expect", "differs_on", "memory"] {
        assert!(top.contains(&key), "missing {key}");
    }
    let definitions = &schema["definitions"];
    assert_eq!(
        properties(&definitions["CaseTable"]),
        names(Fields::KEYS),
        "a [[case]] has every file-level key but `case`"
    );
    assert_eq!(properties(&definitions["RowTable"]), names(RowTable::KEYS));
    assert_eq!(
        properties(&definitions["ExpectTable"]),
        names(ExpectTable::KEYS)
    );
    for key in ["result", "stdout_matches", "violation", "calls"] {
        assert!(names(ExpectTable::KEYS).contains(&key), "missing {key}");
    }
}

/// Regenerates the schema file (`cargo test -p mlpy-harness --test schema -- --ignored`).
#[test]
#[ignore]
fn regenerate_schema() {
    std::fs::write(workspace_file("mltest.schema.json"), schema_json()).unwrap();
}
