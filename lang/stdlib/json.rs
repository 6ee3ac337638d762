//! `json` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "json",
    doc: "",
    functions: &[],
    constant: |_| None,
};
