//! `http` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "http",
    doc: "",
    functions: &[],
    constant: |_| None,
};
