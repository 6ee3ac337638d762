//! `mltest.schema.json` (for editor completion through taplo / Even Better
//! TOML) is derived from the spec model and must stay in sync with it.
//! Regenerate with `MLTEST_UPDATE_SCHEMA=1 cargo test -p mlpy-harness --test schema`.

use mlpy_harness::spec::schema_json;
use std::path::Path;

fn schema_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("mltest.schema.json")
}

#[test]
fn committed_schema_is_up_to_date() {
    let fresh = schema_json();
    let path = schema_path();
    if std::env::var_os("MLTEST_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: run MLTEST_UPDATE_SCHEMA=1 cargo test -p mlpy-harness --test schema",
        path.display()
    );
}

#[test]
fn schema_knows_every_key_and_rejects_others() {
    let schema: serde_json::Value = serde_json::from_str(&schema_json()).unwrap();
    assert_eq!(schema["title"], "MltestFile");
    assert_eq!(schema["additionalProperties"], false);
    let props = schema["properties"].as_object().unwrap();
    for key in [
        "name",
        "code",
        "code_file",
        "grant",
        "timeout",
        "tags",
        "ignore",
        "skip",
        "files",
        "files_dir",
        "http",
        "env",
        "clock",
        "seed",
        "stdin",
        "modules",
        "module_paths",
        "globals",
        "callback",
        "each",
        "concurrency",
        "bench",
        "differs_on",
        "expect",
        "case",
    ] {
        assert!(props.contains_key(key), "missing {key}");
    }
    let expect = &schema["definitions"]["ExpectTable"];
    assert_eq!(expect["additionalProperties"], false);
    let mut keys: Vec<&String> = expect["properties"].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "calls",
            "error",
            "globals",
            "result",
            "result_json",
            "stderr",
            "stderr_contains",
            "stdout",
            "stdout_contains",
            "stdout_matches",
            "timeout",
            "tolerance",
            "violation"
        ]
    );
    assert!(schema["definitions"]["CaseTable"]["properties"]
        .get("case")
        .is_none());
}

/// Regenerates the schema file (`cargo test -p mlpy-harness --test schema -- --ignored`).
#[test]
#[ignore]
fn regenerate_schema() {
    std::fs::write(schema_path(), schema_json()).unwrap();
}
