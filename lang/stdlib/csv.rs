//! `csv` (placeholder until implemented).

use super::ModuleDef;

pub static MODULE: ModuleDef = ModuleDef {
    name: "csv",
    doc: "",
    functions: &[],
    constant: |_| None,
};
