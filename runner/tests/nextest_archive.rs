//! The README's recipe for spreading the suite over machines, run for
//! real: copy the specs and fixtures into `target/mlpy-specs/`, build a
//! nextest archive with the `ci` profile (whose `archive.include` carries
//! them), and run it in three shards (`--partition hash:K/3`), each
//! extracted into a fresh directory whose workspace holds nothing but
//! `Cargo.toml`. Together the shards run every case exactly once, and the
//! cases read their specs and fixtures from the archive.

mod nested;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `cargo` for nextest runs that find their specs on their own.
fn cargo() -> Command {
    let mut cmd = nested::cargo();
    cmd.env_remove("MLTEST_SPECS_DIR")
        .env_remove("NEXTEST_PROFILE")
        .env("NEXTEST_EXPERIMENTAL_LIBTEST_JSON", "1");
    cmd
}

fn target_dir() -> PathBuf {
    // This test binary is target/<profile>/deps/nextest_archive-HASH.
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
#[ignore = "builds and extracts a nextest archive three times (about 15 s); CI runs it"]
fn archive_shards_run_every_case_once() {
    let staged = target_dir().join("mlpy-specs");
    let _ = std::fs::remove_dir_all(&staged);
    // 40 cases in 4 files; each reads a fixture that only the archive has.
    write(&staged.join("fixtures/twice.ml"), "n * 2;\n");
    let mut names = Vec::new();
    for f in 0..4 {
        let mut text = String::new();
        for c in 0..10 {
            let n = f * 10 + c;
            text.push_str(&format!(
                "[[case]]\nname = \"n{n}\"\ncode_file = \"twice.ml\"\nglobals = {{ n = {n} }}\nexpect.result = {}\n\n",
                n * 2
            ));
            names.push(format!("archived::f{f}::n{n}"));
        }
        write(&staged.join(format!("specs/archived/f{f}.mltest")), &text);
    }

    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("specs.tar.zst");
    let out = cargo()
        .args(["nextest", "archive", "--profile", "ci", "--test", "specs"])
        .arg("--archive-file")
        .arg(&archive)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&staged);

    // Fresh directories: the workspace has only its manifest.
    let workspace = work.path().join("checkout");
    std::fs::create_dir(&workspace).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"),
        workspace.join("Cargo.toml"),
    )
    .unwrap();
    let mut runs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for k in 1..=3 {
        let extract = work.path().join(format!("shard{k}"));
        std::fs::create_dir(&extract).unwrap();
        let out = cargo()
            .args(["nextest", "run", "--archive-file"])
            .arg(&archive)
            .arg("--extract-to")
            .arg(&extract)
            .arg("--workspace-remap")
            .arg(&workspace)
            .args(["--partition", &format!("hash:{k}/3")])
            .args(["--message-format", "libtest-json"])
            .current_dir(work.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "shard {k}: {stderr}");
        let mut ran = 0;
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if v["type"] == "test" && v["event"] != "started" {
                let name = v["name"].as_str().unwrap();
                let name = name.strip_prefix("mlpy-test::specs$").unwrap_or(name);
                runs.entry(name.to_string())
                    .or_default()
                    .push(v["event"].as_str().unwrap().to_string());
                ran += 1;
            }
        }
        assert!(ran > 0, "shard {k} ran nothing: {stderr}");
    }
    let once: BTreeMap<String, Vec<String>> = names
        .iter()
        .map(|n| (n.clone(), vec!["ok".to_string()]))
        .collect();
    assert_eq!(runs, once, "every case exactly once, and passing");
}
