//! mlpy-lang: the ML scripting language of the mlpy project (parser,
//! compiler, virtual machine, builtins and standard library).

pub mod syntax;
