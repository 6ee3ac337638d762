//! `path` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "path",
    doc: "",
    functions: &[],
    constant: |_| None,
};
