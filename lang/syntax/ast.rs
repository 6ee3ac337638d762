//! The ML abstract syntax tree. Every node carries the byte span it came from.

use num_bigint::BigInt;
use std::rc::Rc;

/// A half-open byte range `[start, end)` into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A whole source file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Program {
    pub stmts: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `e;`
    Expr(Expr),
    /// `target = value;` and `let x = value;` (`let x;` has value `null`).
    Assign {
        target: Target,
        value: Expr,
    },
    /// `[a, b] = e;` / `{a, b} = e;` (also with `let`).
    Destructure {
        pattern: Pattern,
        value: Expr,
    },
    /// `if (c) {..} elif (c) {..} else {..}`; `else if` is folded into `branches`.
    If {
        branches: Vec<(Expr, Block)>,
        else_block: Option<Block>,
    },
    While {
        cond: Expr,
        body: Block,
    },
    For {
        var: Ident,
        iter: Expr,
        body: Block,
    },
    Try {
        body: Block,
        /// Only the first clause can ever run (mlpy semantics), but all are kept.
        handlers: Vec<ExceptClause>,
        finally: Option<Block>,
    },
    /// `throw {...};` (the parser only accepts an object literal).
    Throw(Expr),
    Return(Option<Expr>),
    Break,
    Continue,
    Nonlocal(Vec<Ident>),
    /// `function name(params) { ... }`
    Function(Rc<FuncDef>),
    /// `import a.b.c as alias;` (top level only).
    Import {
        path: Vec<Ident>,
        alias: Option<Ident>,
    },
    /// `capability Name { resource "glob"; allow read "x"; }`: inert metadata.
    Capability(CapabilityDecl),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Name(Ident),
    Index {
        object: Expr,
        index: Expr,
    },
    Slice {
        object: Expr,
        start: Option<Expr>,
        stop: Option<Expr>,
        step: Option<Expr>,
    },
    Member {
        object: Expr,
        name: Ident,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    Array(Vec<Ident>),
    Object(Vec<Ident>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExceptClause {
    pub name: Option<Ident>,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FuncDef {
    /// `None` for arrows.
    pub name: Option<Ident>,
    pub params: Vec<Ident>,
    pub body: FuncBody,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FuncBody {
    Block(Block),
    /// An arrow's expression body: its value is returned.
    Expr(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CapabilityDecl {
    pub name: Ident,
    pub resources: Vec<String>,
    /// `(permission, optional target)`, e.g. `("write", Some("out/*"))`.
    pub allows: Vec<(String, Option<String>)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Plus,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicOp {
    And,
    Or,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer literal too large for i64.
    BigInt(BigInt),
    Float(f64),
    /// Escape sequences already decoded.
    Str(String),
    Name(String),
    Array(Vec<Expr>),
    /// Keys are identifiers or string literals (raw text); later duplicates win.
    Object(Vec<(Ident, Expr)>),
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Logic {
        op: LogicOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Ternary {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    Index {
        object: Box<Expr>,
        index: Box<Expr>,
    },
    Slice {
        object: Box<Expr>,
        start: Option<Box<Expr>>,
        stop: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    Member {
        object: Box<Expr>,
        name: Ident,
    },
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    /// `fn(a) => e`, `(a, b) => {..}`, `x => e`.
    Function(Rc<FuncDef>),
}
