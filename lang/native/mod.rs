//! What native functions need: the definitions of builtin functions and
//! modules, typed capabilities, argument helpers and the pieces several
//! modules share. Builtins and standard-library modules build on this
//! layer only, never on each other.

pub mod sort;
