//! `args` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "args",
    doc: "",
    functions: &[],
    constant: |_| None,
};
