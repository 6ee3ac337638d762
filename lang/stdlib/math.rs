//! `math` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "math",
    doc: "",
    functions: &[],
    constant: |_| None,
};
