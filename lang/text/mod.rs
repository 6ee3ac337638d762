//! Python-compatible text: `str` methods, `float` parsing and repr, and
//! `format`/f-string specs, written to match CPython character for character.

pub mod pyfloat;
pub mod pyformat;
pub mod pystr;
