//! `datetime` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "datetime",
    doc: "",
    functions: &[],
    constant: |_| None,
};
