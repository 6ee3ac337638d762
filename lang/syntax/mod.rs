//! Lexing, parsing and source diagnostics.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod source;

pub use ast::Span;
pub use lexer::MAX_INT_DIGITS;
pub use parser::{parse, SyntaxError};
pub use source::{LineCol, SourceFile};
