//! `regex` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "regex",
    doc: "",
    functions: &[],
    constant: |_| None,
};
