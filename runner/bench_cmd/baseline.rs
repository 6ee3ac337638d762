//! Saved baselines: every case's samples keyed by its stable test name,
//! in `DIR/NAME.json`.

use super::measure::Measured;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file format's version (the first, unversioned format kept one
/// summary per case and cannot be compared statistically).
const FORMAT: u32 = 2;

#[derive(Serialize, Deserialize)]
pub struct Baseline {
    pub format: u32,
    /// Results by test name.
    pub cases: BTreeMap<String, Measured>,
}

/// The file of baseline `name` in `dir`; the name must be a plain file
/// name.
pub fn path(dir: &Path, name: &str) -> Result<PathBuf, String> {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.starts_with('.');
    if ok {
        Ok(dir.join(format!("{name}.json")))
    } else {
        Err(format!(
            "invalid baseline name '{name}': use a plain name such as main or before-change"
        ))
    }
}

pub fn load(dir: &Path, name: &str) -> Result<Baseline, String> {
    let path = path(dir, name)?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a baseline (invalid JSON: {e})", path.display()))?;
    if value.get("format").and_then(|f| f.as_u64()) != Some(FORMAT as u64) {
        return Err(format!(
            "{}: saved by an older mlpy-test (one summary per case, no samples); save it again with --save-baseline {name}",
            path.display()
        ));
    }
    serde_json::from_value(value).map_err(|e| format!("{}: invalid baseline: {e}", path.display()))
}

pub fn save(dir: &Path, name: &str, cases: &BTreeMap<String, Measured>) -> Result<PathBuf, String> {
    let path = path(dir, name)?;
    let baseline = Baseline {
        format: FORMAT,
        cases: cases.clone(),
    };
    let text = serde_json::to_string(&baseline).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir)
        .and_then(|_| std::fs::write(&path, text))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_and_old_files_are_explained() {
        let dir = tempfile::tempdir().unwrap();
        assert!(path(dir.path(), "../x").is_err());
        assert!(path(dir.path(), "").is_err());
        assert!(path(dir.path(), "main").is_ok());
        std::fs::write(dir.path().join("old.json"), r#"{"a::b": {"latency": {}}}"#).unwrap();
        let e = load(dir.path(), "old").err().unwrap();
        assert!(e.contains("saved by an older mlpy-test"), "{e}");
        std::fs::write(dir.path().join("bad.json"), "{").unwrap();
        assert!(load(dir.path(), "bad")
            .err()
            .unwrap()
            .contains("invalid JSON"));
        assert!(load(dir.path(), "none")
            .err()
            .unwrap()
            .contains("cannot read baseline"));
        let saved = save(dir.path(), "new", &BTreeMap::new()).unwrap();
        assert!(saved.ends_with("new.json"));
        assert!(load(dir.path(), "new").unwrap().cases.is_empty());
    }
}
