//! `log` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "log",
    doc: "",
    functions: &[],
    constant: |_| None,
};
