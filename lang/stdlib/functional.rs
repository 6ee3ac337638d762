//! `functional` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "functional",
    doc: "",
    functions: &[],
    constant: |_| None,
};
