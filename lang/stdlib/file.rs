//! `file` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "file",
    doc: "",
    functions: &[],
    constant: |_| None,
};
