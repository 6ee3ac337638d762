//! `crypto` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "crypto",
    doc: "",
    functions: &[],
    constant: |_| None,
};
