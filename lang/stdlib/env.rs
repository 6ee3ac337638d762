//! `env` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "env",
    doc: "",
    functions: &[],
    constant: |_| None,
};
