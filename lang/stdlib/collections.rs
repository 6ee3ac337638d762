//! `collections` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "collections",
    doc: "",
    functions: &[],
    constant: |_| None,
};
