//! The ML abstract syntax tree. Every node carries the byte span it came from.

use num_bigint::BigInt;
use std::rc::Rc;

/// A half-open byte range `[start, end)` into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// The span `[start, end)`.
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

/// A name with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it stands.
    pub span: Span,
}

/// A whole source file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Program {
    /// The statements, in order.
    pub stmts: Vec<Stmt>,
}

/// `{ ... }`: statements and the span of the braces.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The statements, in order.
    pub stmts: Vec<Stmt>,
    /// From `{` to `}`.
    pub span: Span,
}

/// A statement with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What statement it is.
    pub kind: StmtKind,
    /// Where it stands.
    pub span: Span,
}

/// The statements.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `e;`
    Expr(Expr),
    /// `target = value;` and `let x = value;` (`let x;` has value `null`).
    Assign {
        /// What is assigned.
        target: Target,
        /// The value assigned.
        value: Expr,
    },
    /// `[a, b] = e;` / `{a, b} = e;` (also with `let`).
    Destructure {
        /// The names bound.
        pattern: Pattern,
        /// The value taken apart.
        value: Expr,
    },
    /// `if (c) {..} elif (c) {..} else {..}`; `else if` is folded into `branches`.
    If {
        /// Each condition with the block it guards, in order.
        branches: Vec<(Expr, Block)>,
        /// The `else` block.
        else_block: Option<Block>,
    },
    /// `while (cond) { body }`
    While {
        /// The loop's condition.
        cond: Expr,
        /// The loop's body.
        body: Block,
    },
    /// `for (var in iter) { body }`
    For {
        /// The loop variable.
        var: Ident,
        /// What is iterated.
        iter: Expr,
        /// The loop's body.
        body: Block,
    },
    /// `try { body } except (e) { .. } finally { .. }`
    Try {
        /// The guarded block.
        body: Block,
        /// Only the first clause can ever run (mlpy semantics), but all are kept.
        handlers: Vec<ExceptClause>,
        /// The `finally` block.
        finally: Option<Block>,
    },
    /// `throw {...};` (the parser only accepts an object literal).
    Throw(Expr),
    /// `return;` or `return e;`
    Return(Option<Expr>),
    /// `break;`
    Break,
    /// `continue;`
    Continue,
    /// `nonlocal a, b;`
    Nonlocal(Vec<Ident>),
    /// `function name(params) { ... }`
    Function(Rc<FuncDef>),
    /// `import a.b.c as alias;` (top level only).
    Import {
        /// The dotted module name's parts.
        path: Vec<Ident>,
        /// The name it is bound to instead of the first part.
        alias: Option<Ident>,
    },
    /// `capability Name { resource "glob"; allow read "x"; }`: inert metadata.
    Capability(CapabilityDecl),
}

/// The left side of an assignment.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A variable.
    Name(Ident),
    /// `object[index] = ..`
    Index {
        /// The container.
        object: Expr,
        /// The index or key.
        index: Expr,
    },
    /// `object[start:stop:step] = ..`
    Slice {
        /// The array.
        object: Expr,
        /// The first index, if given.
        start: Option<Expr>,
        /// The end index, if given.
        stop: Option<Expr>,
        /// The step, if given.
        step: Option<Expr>,
    },
    /// `object.name = ..`
    Member {
        /// The object.
        object: Expr,
        /// The member's name.
        name: Ident,
    },
}

/// A destructuring pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    /// `[a, b] = e`: items by position.
    Array(Vec<Ident>),
    /// `{a, b} = e`: members by name.
    Object(Vec<Ident>),
}

/// `except (name) { body }`
#[derive(Clone, Debug, PartialEq)]
pub struct ExceptClause {
    /// The name the error is bound to, if any.
    pub name: Option<Ident>,
    /// The handler.
    pub body: Block,
    /// Where the clause stands.
    pub span: Span,
}

/// A function: a declaration or a function expression.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncDef {
    /// `None` for arrows.
    pub name: Option<Ident>,
    /// The parameter names.
    pub params: Vec<Ident>,
    /// The body.
    pub body: FuncBody,
    /// Where the function stands.
    pub span: Span,
}

/// A function's body.
#[derive(Clone, Debug, PartialEq)]
pub enum FuncBody {
    /// A block: `return` gives the value (else null).
    Block(Block),
    /// An arrow's expression body: its value is returned.
    Expr(Box<Expr>),
}

/// `capability Name { resource ..; allow ..; }`
#[derive(Clone, Debug, PartialEq)]
pub struct CapabilityDecl {
    /// The declaration's name.
    pub name: Ident,
    /// The `resource` patterns.
    pub resources: Vec<String>,
    /// `(permission, optional target)`, e.g. `("write", Some("out/*"))`.
    pub allows: Vec<(String, Option<String>)>,
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What expression it is.
    pub kind: ExprKind,
    /// Where it stands.
    pub span: Span,
}

/// A unary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Plus,
    /// `!x`
    Not,
}

/// A binary arithmetic or comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `//`
    FloorDiv,
    /// `%`
    Mod,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
}

/// A short-circuit operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicOp {
    /// `&&`
    And,
    /// `||`
    Or,
}

/// The expressions.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer literal that fits in i64.
    Int(i64),
    /// An integer literal too large for i64.
    BigInt(BigInt),
    /// A float literal.
    Float(f64),
    /// Escape sequences already decoded.
    Str(String),
    /// A variable.
    Name(String),
    /// `[a, b]`
    Array(Vec<Expr>),
    /// Keys are identifiers or string literals (raw text); later duplicates win.
    Object(Vec<(Ident, Expr)>),
    /// `op operand`
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `lhs op rhs`
    Binary {
        /// The operator.
        op: BinOp,
        /// The left operand.
        lhs: Box<Expr>,
        /// The right operand.
        rhs: Box<Expr>,
    },
    /// `lhs && rhs`, `lhs || rhs`
    Logic {
        /// The operator.
        op: LogicOp,
        /// The left operand (always evaluated).
        lhs: Box<Expr>,
        /// The right operand (evaluated only when needed).
        rhs: Box<Expr>,
    },
    /// `cond ? then : otherwise`
    Ternary {
        /// The condition.
        cond: Box<Expr>,
        /// The value when it holds.
        then: Box<Expr>,
        /// The value when it does not.
        otherwise: Box<Expr>,
    },
    /// `object[index]`
    Index {
        /// The container.
        object: Box<Expr>,
        /// The index or key.
        index: Box<Expr>,
    },
    /// `object[start:stop:step]`
    Slice {
        /// The string, array or tuple.
        object: Box<Expr>,
        /// The first index, if given.
        start: Option<Box<Expr>>,
        /// The end index, if given.
        stop: Option<Box<Expr>>,
        /// The step, if given.
        step: Option<Box<Expr>>,
    },
    /// `object.name`
    Member {
        /// The object.
        object: Box<Expr>,
        /// The member's name.
        name: Ident,
    },
    /// `callee(args)`
    Call {
        /// What is called.
        callee: Box<Expr>,
        /// The arguments, in order.
        args: Vec<Expr>,
    },
    /// `fn(a) => e`, `(a, b) => {..}`, `x => e`.
    Function(Rc<FuncDef>),
}
