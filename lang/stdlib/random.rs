//! `random` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "random",
    doc: "",
    functions: &[],
    constant: |_| None,
};
