//! The ML parser: hand-written recursive descent over the token vector of
//! [`super::lexer`], producing [`ast::Program`].
//!
//! Grammar: section 2 of the language reference with the precedence of
//! section 3, plus the superset of section 19 (`let`/`const`, JS arrows,
//! `else if`, calls after any postfix, trailing commas, unary `+`).
//!
//! Errors: every error is recorded and parsing resumes at the next statement
//! (the failed statement is skipped up to its `;` or closing `}`); at most
//! [`MAX_ERRORS`] are reported. Recursion is bounded by [`MAX_DEPTH`] levels of
//! nested expressions and blocks, beyond which parsing stops with "nesting
//! too deep". Operator and postfix chains (`a + b + ...`, `a.b.c(...)`) count
//! towards the limit too, so the height of the produced tree stays bounded
//! (by about `3 * MAX_DEPTH`) for any input.

use super::ast::{self, *};
use super::lexer::{tokenize, Keyword as K, Lexed, Tok, Token};
use super::source::SourceFile;
use num_bigint::BigInt;
use std::fmt;
use std::rc::Rc;

/// Maximum nesting of expressions and blocks (combined).
pub const MAX_DEPTH: usize = 200;
/// At most this many errors are reported per file.
pub const MAX_ERRORS: usize = 20;

/// A syntax (or lexical) error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub span: Span,
    /// What would have been accepted at this point (e.g. "`,`", "`)`"),
    /// when there is more than one alternative; empty otherwise.
    pub expected: Vec<String>,
}

impl SyntaxError {
    /// An error without alternatives.
    pub fn new(message: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            span,
            expected: Vec::new(),
        }
    }

    /// Renders the error rustc-style with the source line and a caret.
    pub fn render(&self, file: &SourceFile) -> String {
        let notes: Vec<String> = match self.expected.len() {
            0 => Vec::new(),
            1 => vec![format!("expected {}", self.expected[0])],
            _ => vec![format!("expected one of {}", self.expected.join(", "))],
        };
        file.render("syntax error", &self.message, self.span, &notes)
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses a whole source file. On failure returns every error found (sorted
/// by position, at most [`MAX_ERRORS`]).
pub fn parse(file: &SourceFile) -> Result<ast::Program, Vec<SyntaxError>> {
    if file.text.len() >= u32::MAX as usize {
        return Err(vec![SyntaxError::new(
            "source file too large (4 GiB or more)",
            Span::new(0, 0),
        )]);
    }
    let Lexed {
        tokens,
        strings,
        bigints,
        errors: lex_errors,
    } = tokenize(&file.text);
    let mut p = Parser {
        file,
        src: &file.text,
        toks: tokens,
        strings,
        bigints,
        pos: 0,
        depth: 0,
        errors: lex_errors
            .into_iter()
            .map(|e| SyntaxError::new(e.message, e.span))
            .collect(),
        bail: false,
    };
    if p.errors.len() >= MAX_ERRORS {
        p.bail = true;
    }
    let program = p.parse_program();
    if p.errors.is_empty() {
        Ok(program)
    } else {
        let mut errors = p.errors;
        errors.sort_by_key(|e| (e.span.start, e.span.end));
        errors.truncate(MAX_ERRORS);
        Err(errors)
    }
}

/// Marker for "an error has been recorded (or a lexer error was hit);
/// unwind to the statement level and recover".
#[derive(Debug)]
struct Stop;

type PResult<T> = Result<T, Stop>;

struct Parser<'a> {
    file: &'a SourceFile,
    src: &'a str,
    toks: Vec<Token>,
    strings: Vec<String>,
    bigints: Vec<BigInt>,
    pos: usize,
    depth: usize,
    errors: Vec<SyntaxError>,
    /// Set when parsing must stop altogether (too deep, too many errors).
    bail: bool,
}

/// Binary operators: (precedence, operator). Higher binds tighter.
#[derive(Clone, Copy)]
enum BinKind {
    Bin(BinOp),
    Logic(LogicOp),
}

fn binary_op(tok: Tok) -> Option<(u8, BinKind)> {
    use BinKind::*;
    Some(match tok {
        Tok::OrOr => (1, Logic(LogicOp::Or)),
        Tok::AndAnd => (2, Logic(LogicOp::And)),
        Tok::EqEq => (3, Bin(BinOp::Eq)),
        Tok::NotEq => (3, Bin(BinOp::Ne)),
        Tok::Lt => (4, Bin(BinOp::Lt)),
        Tok::Gt => (4, Bin(BinOp::Gt)),
        Tok::Le => (4, Bin(BinOp::Le)),
        Tok::Ge => (4, Bin(BinOp::Ge)),
        Tok::Plus => (5, Bin(BinOp::Add)),
        Tok::Minus => (5, Bin(BinOp::Sub)),
        Tok::Star => (6, Bin(BinOp::Mul)),
        Tok::Slash => (6, Bin(BinOp::Div)),
        Tok::SlashSlash => (6, Bin(BinOp::FloorDiv)),
        Tok::Percent => (6, Bin(BinOp::Mod)),
        _ => return None,
    })
}

const PERMISSIONS: [&str; 5] = ["read", "write", "execute", "network", "system"];

fn quoted(s: &str) -> String {
    format!("`{s}`")
}

/// A short human description of an expression, for "cannot assign to ...".
fn describe_expr(kind: &ExprKind) -> &'static str {
    match kind {
        ExprKind::Null | ExprKind::Bool(_) => "a literal value",
        ExprKind::Int(_) | ExprKind::BigInt(_) | ExprKind::Float(_) => "a number",
        ExprKind::Str(_) => "a string",
        ExprKind::Name(_) => "a name",
        ExprKind::Array(_) => "an array literal (use `[a, b] = ...` with names only)",
        ExprKind::Object(_) => "an object literal (use `{a, b} = ...` with names only)",
        ExprKind::Unary { .. } => "a unary expression",
        ExprKind::Binary { .. } | ExprKind::Logic { .. } => "an operator expression",
        ExprKind::Ternary { .. } => "a conditional expression",
        ExprKind::Index { .. } | ExprKind::Slice { .. } => "an index expression",
        ExprKind::Member { .. } => "a member",
        ExprKind::Call { .. } => "a function call",
        ExprKind::Function(_) => "a function",
    }
}

impl<'a> Parser<'a> {
    // ----------------------------------------------------------------------
    // Token access

    fn peek(&self) -> Tok {
        self.toks[self.pos].tok
    }

    fn peek_at(&self, n: usize) -> Tok {
        self.toks
            .get(self.pos + n)
            .map(|t| t.tok)
            .unwrap_or(Tok::Eof)
    }

    fn span(&self) -> Span {
        self.toks[self.pos].span
    }

    fn at(&self, tok: Tok) -> bool {
        self.peek() == tok
    }

    /// Consumes the current token (never moves past `Eof`) and returns its span.
    fn bump(&mut self) -> Span {
        let span = self.span();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        span
    }

    fn eat(&mut self, tok: Tok) -> Option<Span> {
        if self.at(tok) {
            Some(self.bump())
        } else {
            None
        }
    }

    /// End offset of the last consumed token.
    fn prev_end(&self) -> u32 {
        if self.pos == 0 {
            0
        } else {
            self.toks[self.pos - 1].span.end
        }
    }

    fn text(&self, span: Span) -> &'a str {
        let src: &'a str = self.src;
        src.get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// The decoded text of a string literal token. Each token is consumed
    /// once, so the payload is moved out rather than cloned.
    fn take_string(&mut self, i: u32) -> String {
        self.strings
            .get_mut(i as usize)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    fn take_bigint(&mut self, i: u32) -> BigInt {
        self.bigints
            .get_mut(i as usize)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// An identifier token's name (keywords included).
    fn ident_at(&self, span: Span) -> Ident {
        Ident {
            name: self.text(span).to_string(),
            span,
        }
    }

    fn is_word(tok: Tok) -> bool {
        matches!(tok, Tok::Ident | Tok::Kw(_))
    }

    /// Describes the current token for "found ..." messages.
    fn describe_current(&self) -> String {
        let t = self.toks[self.pos];
        match t.tok {
            Tok::Eof => "end of file".to_string(),
            Tok::Ident => format!("identifier `{}`", self.text(t.span)),
            Tok::Kw(k) if k.is_literal() => format!("`{}`", k.as_str()),
            Tok::Kw(k) => format!("keyword `{}`", k.as_str()),
            Tok::Int(_) | Tok::BigInt(_) | Tok::Float(_) => {
                format!("number `{}`", self.text(t.span))
            }
            Tok::Str(_) => {
                let raw = self.text(t.span);
                if raw.chars().count() > 24 {
                    let head: String = raw.chars().take(20).collect();
                    format!("string `{head}...`")
                } else {
                    format!("string `{raw}`")
                }
            }
            Tok::Error => "invalid input".to_string(),
            other => quoted(other.punct_str().unwrap_or("?")),
        }
    }

    // ----------------------------------------------------------------------
    // Errors

    /// Records an error unless one was already reported at the same place.
    fn report(&mut self, message: String, span: Span, expected: Vec<String>) {
        if self.bail {
            return;
        }
        if self.errors.iter().any(|e| e.span.start == span.start) {
            return;
        }
        self.errors.push(SyntaxError {
            message,
            span,
            expected,
        });
        if self.errors.len() >= MAX_ERRORS {
            self.bail = true;
        }
    }

    /// Reports "`{what}`, found <current token>" at the current token and
    /// returns `Err(Stop)`. Silent when the current token is a lexer error
    /// (that error is already reported).
    fn fail<T>(&mut self, what: impl Into<String>) -> PResult<T> {
        self.fail_expected(what, Vec::new())
    }

    fn fail_expected<T>(&mut self, what: impl Into<String>, expected: Vec<String>) -> PResult<T> {
        if self.peek() != Tok::Error {
            let message = format!("{}, found {}", what.into(), self.describe_current());
            self.report(message, self.span(), expected);
        }
        Err(Stop)
    }

    /// Consumes `tok` or fails with "expected `tok` {context}, found ...".
    fn expect(&mut self, tok: Tok, context: &str) -> PResult<Span> {
        if let Some(span) = self.eat(tok) {
            return Ok(span);
        }
        let name = tok.punct_str().unwrap_or("?");
        if context.is_empty() {
            self.fail(format!("expected `{name}`"))
        } else {
            self.fail(format!("expected `{name}` {context}"))
        }
    }

    /// Consumes the `;` ending a statement. When it is missing but the next
    /// token starts a new line (or is `}` / end of file), the error is
    /// reported and parsing continues as if it were there.
    fn expect_semi(&mut self, context: &str) -> PResult<u32> {
        if let Some(span) = self.eat(Tok::Semi) {
            return Ok(span.end);
        }
        let end = self.prev_end();
        let recoverable =
            self.newline_before_current() || matches!(self.peek(), Tok::RBrace | Tok::Eof);
        let result = self.fail::<u32>(format!("expected `;` {context}"));
        if recoverable && self.peek() != Tok::Error {
            Ok(end)
        } else {
            result
        }
    }

    /// Enters one nesting level (expression or block).
    fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_DEPTH {
            return self.too_deep();
        }
        self.depth += 1;
        Ok(())
    }

    /// Reports "nesting too deep" at the current token and stops parsing.
    fn too_deep<T>(&mut self) -> PResult<T> {
        let span = self.span();
        self.report(
            format!(
                "nesting too deep (more than {MAX_DEPTH} levels of nested expressions and blocks)"
            ),
            span,
            Vec::new(),
        );
        self.bail = true;
        Err(Stop)
    }

    /// Skips the rest of a failed statement that started at token `start`.
    /// Rescans from there, tracking brackets, and stops after the first `;`
    /// outside braces, after a `}` that closes everything the statement
    /// opened (plus a `;` right after it; unless `elif`/`else`/`except`/
    /// `finally` follows), before an unmatched `}`, or before a statement
    /// keyword that begins a line outside braces.
    fn recover(&mut self, start: usize) {
        self.pos = start;
        let mut braces = 0usize;
        let mut others = 0usize;
        let mut first = true;
        loop {
            match self.peek() {
                Tok::Eof => return,
                Tok::Semi if braces == 0 => {
                    self.bump();
                    return;
                }
                Tok::LBrace => braces += 1,
                Tok::LParen | Tok::LBracket => others += 1,
                Tok::RParen | Tok::RBracket => others = others.saturating_sub(1),
                Tok::RBrace => {
                    if braces == 0 {
                        return;
                    }
                    braces -= 1;
                    if braces == 0 && others == 0 {
                        self.bump();
                        match self.peek() {
                            Tok::Kw(K::Elif | K::Else | K::Except | K::Finally) => continue,
                            Tok::Semi => {
                                self.bump();
                                return;
                            }
                            _ => return,
                        }
                    }
                }
                Tok::Kw(k)
                    if braces == 0
                        && !first
                        && k.starts_statement()
                        && self.newline_before_current() =>
                {
                    return
                }
                _ => {}
            }
            self.bump();
            first = false;
        }
    }

    /// Whether a line break separates the current token from the previous one.
    fn newline_before_current(&self) -> bool {
        self.src
            .get(self.prev_end() as usize..self.span().start as usize)
            .is_some_and(|gap| gap.contains('\n'))
    }

    // ----------------------------------------------------------------------
    // Statements
    //
    // Functions on the recursion path (blocks, statements with blocks,
    // expressions) keep their stack frames small: statements are pushed into
    // the caller's vector instead of being returned by value, and error
    // messages are formatted in separate leaf functions. This matters for
    // unoptimised builds, where every temporary gets its own stack slot.

    fn parse_program(&mut self) -> Program {
        let mut stmts = Vec::new();
        while !self.bail {
            match self.peek() {
                Tok::Eof => break,
                Tok::RBrace => {
                    let span = self.bump();
                    self.report(
                        "unexpected `}` (there is no open block to close)".to_string(),
                        span,
                        Vec::new(),
                    );
                    continue;
                }
                _ => {}
            }
            let start = self.pos;
            if self.parse_stmt(true, &mut stmts).is_err() {
                if self.bail {
                    break;
                }
                // Error paths do not unwind the depth counter.
                self.depth = 0;
                self.recover(start);
            }
        }
        Program { stmts }
    }

    /// `{ statement* }`. `after` completes "expected `{` ...".
    fn parse_block(&mut self, after: &'static str) -> PResult<Block> {
        if !self.at(Tok::LBrace) {
            return self.fail_block_start(after);
        }
        self.enter()?;
        let result = self.parse_block_inner();
        self.depth -= 1;
        result
    }

    #[cold]
    fn fail_block_start<T>(&mut self, after: &str) -> PResult<T> {
        if after.is_empty() {
            self.fail("expected `{`")
        } else {
            self.fail(format!("expected `{{` {after}"))
        }
    }

    fn parse_block_inner(&mut self) -> PResult<Block> {
        let open = self.bump();
        let mut stmts = Vec::new();
        loop {
            match self.peek() {
                Tok::RBrace => break,
                Tok::Eof => return self.fail_unclosed_block(open),
                _ => {}
            }
            let start = self.pos;
            let depth = self.depth;
            if self.parse_stmt(false, &mut stmts).is_err() {
                if self.bail {
                    return Err(Stop);
                }
                // Error paths do not unwind the depth counter.
                self.depth = depth;
                self.recover(start);
            }
        }
        let close = self.bump();
        Ok(Block {
            stmts,
            span: open.to(close),
        })
    }

    #[cold]
    fn fail_unclosed_block<T>(&mut self, open: Span) -> PResult<T> {
        let lc = self.file.line_col(open.start);
        self.fail(format!(
            "expected `}}` to close the block opened at line {}, column {}",
            lc.line, lc.column
        ))
    }

    /// Parses one statement into `out` (nothing is pushed for a statement
    /// that is reported as misplaced, e.g. a nested `import`).
    fn parse_stmt(&mut self, top: bool, out: &mut Vec<Stmt>) -> PResult<()> {
        match self.peek() {
            Tok::Kw(k) => match k {
                K::Function => self.parse_function_decl(out),
                K::If => self.parse_if(out),
                K::While => self.parse_while(out),
                K::For => self.parse_for(out),
                K::Try => self.parse_try(out),
                K::Return => self.parse_return(out),
                K::Throw => self.parse_throw(out),
                K::Break | K::Continue => self.parse_break_continue(k, out),
                K::Nonlocal => self.parse_nonlocal(out),
                K::Let | K::Const => self.parse_let(k, out),
                K::Import => self.parse_import(top, out),
                K::Capability => self.parse_capability(top, out),
                K::Elif | K::Else | K::Except | K::Finally | K::In | K::As => {
                    self.fail_misplaced_keyword(k)
                }
                K::Fn | K::True | K::False | K::Null | K::Undefined => self.parse_simple(out),
            },
            Tok::Semi => {
                let span = self.bump();
                self.report(
                    "unexpected `;`: empty statements are not allowed".to_string(),
                    span,
                    Vec::new(),
                );
                Ok(())
            }
            Tok::LBracket | Tok::LBrace if self.is_pattern_assign() => {
                self.parse_destructure(self.span(), out)
            }
            Tok::RParen | Tok::RBracket | Tok::Comma | Tok::Colon | Tok::Arrow => {
                self.fail("expected a statement")
            }
            _ => self.parse_simple(out),
        }
    }

    #[cold]
    fn fail_misplaced_keyword<T>(&mut self, k: K) -> PResult<T> {
        let message = match k {
            K::Elif | K::Else => format!(
                "`{}` without a matching `if`: expected a statement",
                k.as_str()
            ),
            K::Except | K::Finally => format!(
                "`{}` without a matching `try`: expected a statement",
                k.as_str()
            ),
            _ => "expected a statement".to_string(),
        };
        self.fail(message)
    }

    fn push_top_level_only(&mut self, stmt: Stmt, top: bool, what: &str, out: &mut Vec<Stmt>) {
        if top {
            out.push(stmt);
        } else {
            self.report(
                format!("`{what}` is only allowed at the top level of a file, not inside a block"),
                stmt.span,
                Vec::new(),
            );
        }
    }

    /// Expression statement or assignment.
    fn parse_simple(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let start = self.span().start;
        let expr = self.parse_expr()?;
        let stmt = if self.at(Tok::Assign) {
            self.finish_assign(start, expr)?
        } else {
            self.finish_expr_stmt(start, expr)?
        };
        out.push(stmt);
        Ok(())
    }

    /// After `target` at `=`: `= value ;`.
    fn finish_assign(&mut self, start: u32, expr: Expr) -> PResult<Stmt> {
        let target = self.expr_to_target(expr)?;
        self.bump();
        let value = self.parse_expr()?;
        let end = self.expect_semi("after the assignment")?;
        Ok(Stmt {
            kind: StmtKind::Assign { target, value },
            span: Span { start, end },
        })
    }

    fn finish_expr_stmt(&mut self, start: u32, expr: Expr) -> PResult<Stmt> {
        if let ExprKind::Name(name) = &expr.kind {
            if name == "var" && self.at(Tok::Ident) {
                return self.fail(
                    "`var` is not supported (write `x = ...` or `let x = ...`): expected `;` after expression",
                );
            }
        }
        let end = self.expect_semi("after expression")?;
        Ok(Stmt {
            kind: StmtKind::Expr(expr),
            span: Span { start, end },
        })
    }

    fn expr_to_target(&mut self, expr: Expr) -> PResult<Target> {
        let span = expr.span;
        Ok(match expr.kind {
            ExprKind::Name(name) => Target::Name(Ident { name, span }),
            ExprKind::Index { object, index } => Target::Index {
                object: *object,
                index: *index,
            },
            ExprKind::Slice {
                object,
                start,
                stop,
                step,
            } => Target::Slice {
                object: *object,
                start: start.map(|e| *e),
                stop: stop.map(|e| *e),
                step: step.map(|e| *e),
            },
            ExprKind::Member { object, name } => Target::Member {
                object: *object,
                name,
            },
            other => {
                self.report(
                    format!(
                        "cannot assign to {}; the left side of `=` must be a name, `x[i]`, `x[a:b]` or `x.name`",
                        describe_expr(&other)
                    ),
                    span,
                    Vec::new(),
                );
                return Err(Stop);
            }
        })
    }

    /// At `[` or `{`: is this `[a, b] = ` / `{a, b} = ` (identifiers only)?
    fn is_pattern_assign(&self) -> bool {
        let close = match self.peek() {
            Tok::LBracket => Tok::RBracket,
            Tok::LBrace => Tok::RBrace,
            _ => return false,
        };
        let tok = |i: usize| self.toks.get(i).map(|t| t.tok).unwrap_or(Tok::Eof);
        let mut i = self.pos + 1;
        if tok(i) != Tok::Ident {
            return false;
        }
        loop {
            // At an identifier.
            i += 1;
            match tok(i) {
                Tok::Comma => {
                    i += 1;
                    match tok(i) {
                        Tok::Ident => continue,
                        t if t == close => break,
                        _ => return false,
                    }
                }
                t if t == close => break,
                _ => return false,
            }
        }
        tok(i + 1) == Tok::Assign
    }

    /// `[a, b]` or `{a, b}` (trailing comma allowed).
    fn parse_pattern(&mut self) -> PResult<Pattern> {
        let is_array = match self.peek() {
            Tok::LBracket => true,
            Tok::LBrace => false,
            _ => return self.fail("expected a destructuring pattern `[a, b]` or `{a, b}`"),
        };
        let close = if is_array { Tok::RBracket } else { Tok::RBrace };
        let close_str = if is_array { "`]`" } else { "`}`" };
        self.bump();
        let mut names = Vec::new();
        loop {
            if names.is_empty() || !self.at(close) {
                if !self.at(Tok::Ident) {
                    return self.fail("expected a name in the destructuring pattern");
                }
                let span = self.bump();
                names.push(self.ident_at(span));
            }
            if self.eat(close).is_some() {
                break;
            }
            if self.eat(Tok::Comma).is_none() {
                return self.fail_expected(
                    format!("expected `,` or {close_str} in the destructuring pattern"),
                    vec!["`,`".into(), close_str.into()],
                );
            }
        }
        Ok(if is_array {
            Pattern::Array(names)
        } else {
            Pattern::Object(names)
        })
    }

    /// `pattern = expr ;` (`start` is where the statement began).
    fn parse_destructure(&mut self, start: Span, out: &mut Vec<Stmt>) -> PResult<()> {
        let pattern = self.parse_pattern()?;
        self.expect(Tok::Assign, "after the destructuring pattern")?;
        let value = self.parse_expr()?;
        let end = self.expect_semi("after the assignment")?;
        out.push(Stmt {
            kind: StmtKind::Destructure { pattern, value },
            span: Span {
                start: start.start,
                end,
            },
        });
        Ok(())
    }

    /// `let x = e;`, `let x;`, `let [a, b] = e;`, `let {a, b} = e;`
    /// (`const` alike).
    fn parse_let(&mut self, kw: K, out: &mut Vec<Stmt>) -> PResult<()> {
        let start = self.bump();
        match self.peek() {
            Tok::Ident => {
                let span = self.bump();
                let name = self.ident_at(span);
                let value = if self.eat(Tok::Assign).is_some() {
                    self.parse_expr()?
                } else if self.at(Tok::Semi) {
                    Expr {
                        kind: ExprKind::Null,
                        span,
                    }
                } else {
                    return self.fail_let_name(kw, &name.name);
                };
                let end = self.expect_semi("after the declaration")?;
                out.push(Stmt {
                    kind: StmtKind::Assign {
                        target: Target::Name(name),
                        value,
                    },
                    span: Span {
                        start: start.start,
                        end,
                    },
                });
                Ok(())
            }
            Tok::LBracket | Tok::LBrace => self.parse_destructure(start, out),
            _ => self.fail(format!(
                "expected a name or a destructuring pattern after `{}`",
                kw.as_str()
            )),
        }
    }

    #[cold]
    fn fail_let_name<T>(&mut self, kw: K, name: &str) -> PResult<T> {
        self.fail_expected(
            format!("expected `=` or `;` after `{} {}`", kw.as_str(), name),
            vec!["`=`".into(), "`;`".into()],
        )
    }

    /// `function name(params) { ... }`
    fn parse_function_decl(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let start = self.bump();
        let (name, params) = self.parse_function_head()?;
        let body = self.parse_block("to start the function body")?;
        let span = start.to(body.span);
        let def = FuncDef {
            name: Some(name),
            params,
            body: FuncBody::Block(body),
            span,
        };
        out.push(Stmt {
            kind: StmtKind::Function(Rc::new(def)),
            span,
        });
        Ok(())
    }

    /// After `function`: `name(params)`.
    fn parse_function_head(&mut self) -> PResult<(Ident, Vec<Ident>)> {
        if !self.at(Tok::Ident) {
            if self.at(Tok::LParen) {
                return self.fail(
                    "expected a function name after `function` (anonymous functions are written `fn(x) => ...`)",
                );
            }
            return self.fail("expected a function name after `function`");
        }
        let name_span = self.bump();
        let name = self.ident_at(name_span);
        if !self.at(Tok::LParen) {
            return self.fail(format!(
                "expected `(` after the function name `{}`",
                name.name
            ));
        }
        let params = self.parse_params()?;
        Ok((name, params))
    }

    /// At `(`: `( [param {, param} [,]] )` where `param = IDENT [: TYPE]`.
    fn parse_params(&mut self) -> PResult<Vec<Ident>> {
        self.expect(Tok::LParen, "to start the parameter list")?;
        let mut params: Vec<Ident> = Vec::new();
        // Names seen so far: a duplicate check per parameter in O(1), so
        // a function with tens of thousands of parameters parses in
        // linear time.
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        loop {
            if self.eat(Tok::RParen).is_some() {
                break;
            }
            if !self.at(Tok::Ident) {
                if params.is_empty() {
                    return self.fail_expected(
                        "expected a parameter name or `)`",
                        vec!["a parameter name".into(), "`)`".into()],
                    );
                }
                return self.fail("expected a parameter name");
            }
            let span = self.bump();
            let param = self.ident_at(span);
            if self.eat(Tok::Colon).is_some() {
                // A type annotation: parsed and ignored.
                if Self::is_word(self.peek()) {
                    self.bump();
                } else {
                    return self.fail("expected a type name after `:`");
                }
            }
            if !seen.insert(param.name.clone()) {
                self.report(
                    format!("duplicate parameter name `{}`", param.name),
                    param.span,
                    Vec::new(),
                );
            }
            params.push(param);
            if self.eat(Tok::Comma).is_some() {
                continue;
            }
            if self.eat(Tok::RParen).is_some() {
                break;
            }
            if self.at(Tok::Assign) {
                return self
                    .fail("default parameter values are not supported: expected `,` or `)`");
            }
            return self.fail_expected(
                "expected `,` or `)` in the parameter list",
                vec!["`,`".into(), "`)`".into()],
            );
        }
        Ok(params)
    }

    /// `( expr ) block` after `if`/`elif`/`else if`/`while`, pushed onto
    /// `branches`.
    fn parse_branch(&mut self, kw: K, branches: &mut Vec<(Expr, Block)>) -> PResult<()> {
        let cond = self.parse_condition(kw)?;
        let block = self.parse_block(match kw {
            K::If => "after `if (...)` (braces are required)",
            K::Elif => "after `elif (...)` (braces are required)",
            _ => "after `while (...)` (braces are required)",
        })?;
        branches.push((cond, block));
        Ok(())
    }

    /// `( expr )` after `if`/`elif`/`while`.
    fn parse_condition(&mut self, kw: K) -> PResult<Expr> {
        let (before, after) = match kw {
            K::If => ("after `if`", "after the `if` condition"),
            K::Elif => ("after `elif`", "after the `elif` condition"),
            _ => ("after `while`", "after the `while` condition"),
        };
        self.expect(Tok::LParen, before)?;
        let cond = self.parse_expr()?;
        self.expect(Tok::RParen, after)?;
        Ok(cond)
    }

    fn parse_if(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let start = self.bump();
        let mut branches = Vec::new();
        self.parse_branch(K::If, &mut branches)?;
        let mut else_block = None;
        loop {
            match self.peek() {
                Tok::Kw(K::Elif) => {
                    self.bump();
                    self.parse_branch(K::Elif, &mut branches)?;
                }
                Tok::Kw(K::Else) => {
                    self.bump();
                    if self.eat(Tok::Kw(K::If)).is_some() {
                        self.parse_branch(K::If, &mut branches)?;
                    } else {
                        else_block =
                            Some(self.parse_block("or `if` after `else` (braces are required)")?);
                        break;
                    }
                }
                _ => break,
            }
        }
        let end = match (&else_block, branches.last()) {
            (Some(b), _) | (None, Some((_, b))) => b.span,
            (None, None) => start,
        };
        out.push(Stmt {
            kind: StmtKind::If {
                branches,
                else_block,
            },
            span: start.to(end),
        });
        Ok(())
    }

    fn parse_while(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let start = self.bump();
        let mut parts = Vec::with_capacity(1);
        self.parse_branch(K::While, &mut parts)?;
        let Some((cond, body)) = parts.pop() else {
            return Err(Stop);
        };
        let span = start.to(body.span);
        out.push(Stmt {
            kind: StmtKind::While { cond, body },
            span,
        });
        Ok(())
    }

    fn parse_for(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let start = self.bump();
        let (var, iter) = self.parse_for_head()?;
        let body = self.parse_block("after `for (...)` (braces are required)")?;
        let span = start.to(body.span);
        out.push(Stmt {
            kind: StmtKind::For { var, iter, body },
            span,
        });
        Ok(())
    }

    /// `( name in expr )`
    fn parse_for_head(&mut self) -> PResult<(Ident, Expr)> {
        self.expect(Tok::LParen, "after `for`")?;
        if !self.at(Tok::Ident) {
            return self.fail("expected a loop variable name in `for (x in ...)`");
        }
        let span = self.bump();
        let var = self.ident_at(span);
        if self.eat(Tok::Kw(K::In)).is_none() {
            return self.fail(format!("expected `in` after `for ({}`", var.name));
        }
        let iter = self.parse_expr()?;
        self.expect(Tok::RParen, "after the `for` iterable")?;
        Ok((var, iter))
    }

    fn parse_try(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let start = self.bump();
        let body = self.parse_block("after `try`")?;
        let mut handlers = Vec::new();
        while self.at(Tok::Kw(K::Except)) {
            self.parse_except(&mut handlers)?;
        }
        let finally = if self.eat(Tok::Kw(K::Finally)).is_some() {
            Some(self.parse_block("after `finally`")?)
        } else {
            None
        };
        let end = match (&finally, handlers.last()) {
            (Some(b), _) => b.span,
            (None, Some(h)) => h.span,
            (None, None) => body.span,
        };
        out.push(Stmt {
            kind: StmtKind::Try {
                body,
                handlers,
                finally,
            },
            span: start.to(end),
        });
        Ok(())
    }

    /// `except [ ( name ) ] block`
    fn parse_except(&mut self, handlers: &mut Vec<ExceptClause>) -> PResult<()> {
        let kw = self.bump();
        let name = if self.at(Tok::LParen) {
            Some(self.parse_except_name()?)
        } else {
            None
        };
        let body = self.parse_block("after `except`")?;
        handlers.push(ExceptClause {
            name,
            span: kw.to(body.span),
            body,
        });
        Ok(())
    }

    fn parse_except_name(&mut self) -> PResult<Ident> {
        self.bump();
        if !self.at(Tok::Ident) {
            return self.fail("expected a name in `except (name)`");
        }
        let span = self.bump();
        self.expect(Tok::RParen, "after the `except` variable")?;
        Ok(self.ident_at(span))
    }

    fn parse_return(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let start = self.bump();
        let value = if self.at(Tok::Semi) || self.at(Tok::RBrace) || self.at(Tok::Eof) {
            None
        } else {
            Some(self.parse_expr()?)
        };
        let end = self.expect_semi(if value.is_some() {
            "after the `return` value"
        } else {
            "after `return`"
        })?;
        out.push(Stmt {
            kind: StmtKind::Return(value),
            span: Span {
                start: start.start,
                end,
            },
        });
        Ok(())
    }

    fn parse_throw(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let start = self.bump();
        if !self.at(Tok::LBrace) {
            return self.fail(
                "`throw` needs an object literal such as `throw {message: \"...\"};`: expected `{`",
            );
        }
        let value = self.parse_object()?;
        let end = self.expect_semi("after the thrown object")?;
        out.push(Stmt {
            kind: StmtKind::Throw(value),
            span: Span {
                start: start.start,
                end,
            },
        });
        Ok(())
    }

    fn parse_break_continue(&mut self, k: K, out: &mut Vec<Stmt>) -> PResult<()> {
        let start = self.bump();
        let (kind, context) = if k == K::Break {
            (StmtKind::Break, "after `break`")
        } else {
            (StmtKind::Continue, "after `continue`")
        };
        let end = self.expect_semi(context)?;
        out.push(Stmt {
            kind,
            span: Span {
                start: start.start,
                end,
            },
        });
        Ok(())
    }

    fn parse_nonlocal(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let start = self.bump();
        let mut names = Vec::new();
        loop {
            if !self.at(Tok::Ident) {
                return self.fail("expected a variable name after `nonlocal`");
            }
            let span = self.bump();
            names.push(self.ident_at(span));
            if self.eat(Tok::Comma).is_none() {
                break;
            }
        }
        let end = self.expect_semi("after the `nonlocal` names")?;
        out.push(Stmt {
            kind: StmtKind::Nonlocal(names),
            span: Span {
                start: start.start,
                end,
            },
        });
        Ok(())
    }

    /// `import a.b.c [as alias];`
    fn parse_import(&mut self, top: bool, out: &mut Vec<Stmt>) -> PResult<()> {
        let start = self.bump();
        let mut path = Vec::new();
        loop {
            if !self.at(Tok::Ident) {
                return self.fail("expected a module name");
            }
            let span = self.bump();
            path.push(self.ident_at(span));
            if self.eat(Tok::Dot).is_none() {
                break;
            }
        }
        let mut alias = None;
        if self.eat(Tok::Kw(K::As)).is_some() {
            if !self.at(Tok::Ident) {
                return self.fail("expected an alias name after `as`");
            }
            let span = self.bump();
            alias = Some(self.ident_at(span));
        }
        let end = self.expect_semi("after the `import`")?;
        let stmt = Stmt {
            kind: StmtKind::Import { path, alias },
            span: Span {
                start: start.start,
                end,
            },
        };
        self.push_top_level_only(stmt, top, "import", out);
        Ok(())
    }

    /// `capability Name { resource "glob"; allow read ["target"]; }`
    fn parse_capability(&mut self, top: bool, out: &mut Vec<Stmt>) -> PResult<()> {
        let start = self.bump();
        if !self.at(Tok::Ident) {
            return self.fail("expected a capability name after `capability`");
        }
        let span = self.bump();
        let name = self.ident_at(span);
        self.expect(Tok::LBrace, "after the capability name")?;
        let mut resources = Vec::new();
        let mut allows = Vec::new();
        let end = loop {
            match self.peek() {
                Tok::RBrace => break self.bump(),
                Tok::Ident if self.text(self.span()) == "resource" => {
                    self.bump();
                    match self.peek() {
                        Tok::Str(i) => {
                            self.bump();
                            resources.push(self.take_string(i));
                        }
                        _ => return self.fail("expected a string after `resource`"),
                    }
                    self.expect(Tok::Semi, "after the resource")?;
                }
                Tok::Ident if self.text(self.span()) == "allow" => {
                    self.bump();
                    let word = self.text(self.span());
                    if !(self.at(Tok::Ident) && PERMISSIONS.contains(&word)) {
                        return self.fail_expected(
                            "expected a permission after `allow`",
                            PERMISSIONS.iter().map(|p| quoted(p)).collect(),
                        );
                    }
                    let permission = word.to_string();
                    self.bump();
                    let target = match self.peek() {
                        Tok::Str(i) => {
                            self.bump();
                            Some(self.take_string(i))
                        }
                        _ => None,
                    };
                    allows.push((permission, target));
                    self.expect(Tok::Semi, "after the permission")?;
                }
                _ => {
                    return self.fail_expected(
                        "expected `resource`, `allow` or `}` in the capability block",
                        vec!["`resource`".into(), "`allow`".into(), "`}`".into()],
                    )
                }
            }
        };
        let stmt = Stmt {
            kind: StmtKind::Capability(CapabilityDecl {
                name,
                resources,
                allows,
            }),
            span: start.to(end),
        };
        self.push_top_level_only(stmt, top, "capability", out);
        Ok(())
    }

    // ----------------------------------------------------------------------
    // Expressions

    /// `expr = or_expr [ "?" expr ":" expr ]`, one nesting level.
    fn parse_expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let result = self.parse_ternary();
        self.depth -= 1;
        result
    }

    fn parse_ternary(&mut self) -> PResult<Expr> {
        let cond = self.parse_binary(1)?;
        if !self.at(Tok::Question) {
            return Ok(cond);
        }
        self.bump();
        let then = self.parse_expr()?;
        self.expect(Tok::Colon, "in the conditional expression `c ? a : b`")?;
        let otherwise = self.parse_expr()?;
        Ok(ternary_node(cond, then, otherwise))
    }

    /// Precedence climbing over the left-associative binary levels. Each
    /// operator after the first pushes the operands before it one more level
    /// down the tree, so it counts as a nesting level for the rest of the
    /// chain (this keeps the height of the AST bounded, e.g. for
    /// `a + a + ... + a`, to about twice [`MAX_DEPTH`]).
    fn parse_binary(&mut self, min_prec: u8) -> PResult<Expr> {
        let base = self.depth;
        let mut lhs = self.parse_unary()?;
        let mut first = true;
        while let Some((prec, op)) = binary_op(self.peek()) {
            if prec < min_prec {
                break;
            }
            self.bump();
            if !first {
                self.enter()?;
            }
            first = false;
            let rhs = self.parse_binary(prec + 1)?;
            lhs = binary_node(op, lhs, rhs);
        }
        self.depth = base;
        Ok(lhs)
    }

    /// `( "!" | "-" | "+" )* postfix`; each prefix operator is a nesting level.
    fn parse_unary(&mut self) -> PResult<Expr> {
        if matches!(self.peek(), Tok::Bang | Tok::Minus | Tok::Plus) {
            self.parse_prefixed()
        } else {
            self.parse_postfix()
        }
    }

    /// Prefix operators are consecutive tokens: they are counted here and
    /// read back from the token vector once the operand is parsed.
    fn parse_prefixed(&mut self) -> PResult<Expr> {
        let first = self.pos;
        while matches!(self.peek(), Tok::Bang | Tok::Minus | Tok::Plus) {
            if self.depth + (self.pos - first) >= MAX_DEPTH {
                return self.too_deep();
            }
            self.bump();
        }
        let count = self.pos - first;
        self.depth += count;
        let operand = self.parse_postfix();
        self.depth -= count;
        let mut expr = operand?;
        for tok in self.toks[first..first + count].iter().rev() {
            let op = match tok.tok {
                Tok::Bang => UnaryOp::Not,
                Tok::Minus => UnaryOp::Neg,
                _ => UnaryOp::Plus,
            };
            expr = unary_node(op, tok.span, expr);
        }
        Ok(expr)
    }

    /// `primary { "." NAME | "[" subscript "]" | "(" args ")" }`. Like binary
    /// operators, each postfix operation after the first counts as one
    /// nesting level (a method call `.name(args)` counts once).
    fn parse_postfix(&mut self) -> PResult<Expr> {
        let arrow = self.at_arrow();
        let mut expr = self.parse_primary(arrow)?;
        if arrow {
            // An arrow's body has already taken everything it could.
            return Ok(expr);
        }
        let base = self.depth;
        let mut first = true;
        let mut after_dot = false;
        loop {
            let tok = self.peek();
            let method_call = after_dot && tok == Tok::LParen;
            if !first && !method_call && matches!(tok, Tok::Dot | Tok::LBracket | Tok::LParen) {
                self.enter()?;
            }
            first = false;
            after_dot = tok == Tok::Dot;
            expr = match tok {
                Tok::Dot => self.parse_member(expr)?,
                Tok::LBracket => self.parse_subscript(expr)?,
                Tok::LParen => self.parse_call(expr)?,
                _ => break,
            };
        }
        self.depth = base;
        Ok(expr)
    }

    /// At `.`: `.name` (any identifier-shaped word, keywords included).
    fn parse_member(&mut self, object: Expr) -> PResult<Expr> {
        self.bump();
        if !Self::is_word(self.peek()) {
            return self.fail("expected a member name after `.`");
        }
        let span = self.bump();
        let name = self.ident_at(span);
        let span = object.span.to(span);
        Ok(Expr {
            kind: ExprKind::Member {
                object: Box::new(object),
                name,
            },
            span,
        })
    }

    /// At `(`: call arguments (trailing comma allowed).
    fn parse_call(&mut self, callee: Expr) -> PResult<Expr> {
        self.bump();
        let mut args = Vec::new();
        loop {
            if self.at(Tok::RParen) {
                break;
            }
            args.push(self.parse_expr()?);
            if self.eat(Tok::Comma).is_some() {
                continue;
            }
            if self.at(Tok::RParen) {
                break;
            }
            return self.fail_either("expected `,` or `)` after the argument", "`,`", "`)`");
        }
        let close = self.bump();
        let span = callee.span.to(close);
        Ok(Expr {
            kind: ExprKind::Call {
                callee: Box::new(callee),
                args,
            },
            span,
        })
    }

    #[cold]
    fn fail_either<T>(&mut self, what: &str, a: &str, b: &str) -> PResult<T> {
        self.fail_expected(what, vec![a.to_string(), b.to_string()])
    }

    /// At `[`: `[ expr ]` or a slice `[ [start] : [stop] [: [step]] ]`.
    fn parse_subscript(&mut self, object: Expr) -> PResult<Expr> {
        self.bump();
        let start = if self.at(Tok::Colon) {
            None
        } else {
            let index = self.parse_expr()?;
            if !self.at(Tok::Colon) {
                let close = self.expect_close_bracket()?;
                let span = object.span.to(close);
                return Ok(Expr {
                    kind: ExprKind::Index {
                        object: Box::new(object),
                        index: Box::new(index),
                    },
                    span,
                });
            }
            Some(Box::new(index))
        };
        self.bump(); // the first `:`
        let stop = if self.at(Tok::Colon) || self.at(Tok::RBracket) {
            None
        } else {
            Some(Box::new(self.parse_expr()?))
        };
        let step = if self.eat(Tok::Colon).is_some() && !self.at(Tok::RBracket) {
            Some(Box::new(self.parse_expr()?))
        } else {
            None
        };
        let close = self.expect_close_bracket()?;
        let span = object.span.to(close);
        Ok(Expr {
            kind: ExprKind::Slice {
                object: Box::new(object),
                start,
                stop,
                step,
            },
            span,
        })
    }

    fn expect_close_bracket(&mut self) -> PResult<Span> {
        if let Some(span) = self.eat(Tok::RBracket) {
            return Ok(span);
        }
        self.fail_either("expected `]` after the index", "`]`", "`:`")
    }

    /// Whether the current token starts an arrow function: `fn`, `name =>`
    /// or `( ... ) =>`.
    fn at_arrow(&self) -> bool {
        match self.peek() {
            Tok::Kw(K::Fn) => true,
            Tok::Ident => self.peek_at(1) == Tok::Arrow,
            Tok::LParen => self.paren_starts_arrow(),
            _ => false,
        }
    }

    /// At `(`: do the tokens up to the next bracket form `( ... ) =>`?
    /// (The contents are then parsed, and checked, as a parameter list.) The
    /// scan stops at the first bracket or `;`, so total scanning stays linear.
    fn paren_starts_arrow(&self) -> bool {
        let mut i = self.pos + 1;
        loop {
            match self.toks.get(i).map(|t| t.tok).unwrap_or(Tok::Eof) {
                Tok::RParen => {
                    return self.toks.get(i + 1).map(|t| t.tok) == Some(Tok::Arrow);
                }
                Tok::LParen
                | Tok::LBracket
                | Tok::LBrace
                | Tok::RBracket
                | Tok::RBrace
                | Tok::Semi
                | Tok::Arrow
                | Tok::Eof => return false,
                _ => i += 1,
            }
        }
    }

    /// `arrow` tells whether `at_arrow` holds.
    fn parse_primary(&mut self, arrow: bool) -> PResult<Expr> {
        if arrow {
            return self.parse_arrow();
        }
        match self.peek() {
            Tok::LParen => self.parse_paren(),
            Tok::LBracket => self.parse_array(),
            Tok::LBrace => self.parse_object(),
            _ => self.parse_atom(),
        }
    }

    /// Literals and names (no recursion).
    fn parse_atom(&mut self) -> PResult<Expr> {
        let span = self.span();
        let kind = match self.peek() {
            Tok::Int(v) => ExprKind::Int(v),
            Tok::BigInt(i) => ExprKind::BigInt(self.take_bigint(i)),
            Tok::Float(v) => ExprKind::Float(v),
            Tok::Str(i) => ExprKind::Str(self.take_string(i)),
            Tok::Kw(K::True) => ExprKind::Bool(true),
            Tok::Kw(K::False) => ExprKind::Bool(false),
            Tok::Kw(K::Null | K::Undefined) => ExprKind::Null,
            Tok::Ident => ExprKind::Name(self.text(span).to_string()),
            Tok::Kw(K::Function) => {
                return self.fail(
                    "expected an expression (anonymous functions are written `fn(x) => ...`)",
                )
            }
            _ => return self.fail("expected an expression"),
        };
        self.bump();
        Ok(Expr { kind, span })
    }

    /// `( expr )`; the span includes the parentheses.
    fn parse_paren(&mut self) -> PResult<Expr> {
        let open = self.bump();
        let mut inner = self.parse_expr()?;
        let close = self.expect(Tok::RParen, "to close the parenthesis")?;
        inner.span = open.to(close);
        Ok(inner)
    }

    /// `fn(params) => body`, `(params) => body` or `name => body`.
    fn parse_arrow(&mut self) -> PResult<Expr> {
        let start = self.span();
        let params = match self.peek() {
            Tok::Ident => {
                self.bump();
                vec![self.ident_at(start)]
            }
            Tok::LParen => self.parse_params()?,
            _ => {
                self.bump();
                if !self.at(Tok::LParen) {
                    return self.fail("expected `(` after `fn`");
                }
                self.parse_params()?
            }
        };
        self.expect(Tok::Arrow, "after the parameter list")?;
        let body = if self.at(Tok::LBrace) && !self.brace_is_object() {
            FuncBody::Block(self.parse_block("")?)
        } else {
            FuncBody::Expr(Box::new(self.parse_expr()?))
        };
        Ok(arrow_node(start, params, body))
    }

    /// At `{` after `=>`: `{}` or `{ NAME :` / `{ STRING :` is an object.
    fn brace_is_object(&self) -> bool {
        match self.peek_at(1) {
            Tok::RBrace => true,
            Tok::Ident | Tok::Kw(_) | Tok::Str(_) => self.peek_at(2) == Tok::Colon,
            _ => false,
        }
    }

    fn parse_array(&mut self) -> PResult<Expr> {
        let open = self.bump();
        let mut items = Vec::new();
        loop {
            if self.at(Tok::RBracket) {
                break;
            }
            items.push(self.parse_expr()?);
            if self.eat(Tok::Comma).is_some() {
                continue;
            }
            if self.at(Tok::RBracket) {
                break;
            }
            return self.fail_either("expected `,` or `]` in the array literal", "`,`", "`]`");
        }
        let close = self.bump();
        Ok(Expr {
            kind: ExprKind::Array(items),
            span: open.to(close),
        })
    }

    fn parse_object(&mut self) -> PResult<Expr> {
        let open = self.bump();
        let mut props = Vec::new();
        loop {
            if self.at(Tok::RBrace) {
                break;
            }
            let key = self.parse_property_key()?;
            let value = self.parse_expr()?;
            props.push((key, value));
            if self.eat(Tok::Comma).is_some() {
                continue;
            }
            if self.at(Tok::RBrace) {
                break;
            }
            return self.fail_either("expected `,` or `}` in the object literal", "`,`", "`}`");
        }
        let close = self.bump();
        Ok(Expr {
            kind: ExprKind::Object(props),
            span: open.to(close),
        })
    }

    /// `NAME :` or `STRING :` (keywords are names here).
    fn parse_property_key(&mut self) -> PResult<Ident> {
        let span = self.span();
        let key = match self.peek() {
            Tok::Ident | Tok::Kw(_) => self.ident_at(span),
            Tok::Str(i) => Ident {
                name: self.take_string(i),
                span,
            },
            Tok::Int(_) | Tok::BigInt(_) | Tok::Float(_) => {
                return self.fail(
                    "object keys must be names or strings (numbers are not allowed as keys): expected a property name",
                )
            }
            _ => {
                return self.fail_either(
                    "expected a property name or `}`",
                    "a property name",
                    "`}`",
                )
            }
        };
        self.bump();
        if !self.at(Tok::Colon) {
            return self.fail(format!(
                "expected `:` after the property name `{}`",
                key.name
            ));
        }
        self.bump();
        Ok(key)
    }
}

fn binary_node(op: BinKind, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    let (lhs, rhs) = (Box::new(lhs), Box::new(rhs));
    Expr {
        kind: match op {
            BinKind::Bin(op) => ExprKind::Binary { op, lhs, rhs },
            BinKind::Logic(op) => ExprKind::Logic { op, lhs, rhs },
        },
        span,
    }
}

fn ternary_node(cond: Expr, then: Expr, otherwise: Expr) -> Expr {
    let span = cond.span.to(otherwise.span);
    Expr {
        kind: ExprKind::Ternary {
            cond: Box::new(cond),
            then: Box::new(then),
            otherwise: Box::new(otherwise),
        },
        span,
    }
}

fn unary_node(op: UnaryOp, op_span: Span, operand: Expr) -> Expr {
    let span = op_span.to(operand.span);
    Expr {
        kind: ExprKind::Unary {
            op,
            operand: Box::new(operand),
        },
        span,
    }
}

fn arrow_node(start: Span, params: Vec<Ident>, body: FuncBody) -> Expr {
    let end = match &body {
        FuncBody::Block(b) => b.span,
        FuncBody::Expr(e) => e.span,
    };
    let span = start.to(end);
    Expr {
        kind: ExprKind::Function(Rc::new(FuncDef {
            name: None,
            params,
            body,
            span,
        })),
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn file(src: &str) -> SourceFile {
        SourceFile::new("t.ml", src)
    }

    fn prog(src: &str) -> Program {
        let f = file(src);
        match parse(&f) {
            Ok(p) => p,
            Err(errors) => {
                let rendered: Vec<String> = errors.iter().map(|e| e.render(&f)).collect();
                panic!(
                    "unexpected syntax errors in {src:?}:\n{}",
                    rendered.join("\n")
                );
            }
        }
    }

    fn errs(src: &str) -> Vec<SyntaxError> {
        match parse(&file(src)) {
            Ok(p) => panic!("expected a syntax error for {src:?}, got {p:?}"),
            Err(e) => e,
        }
    }

    /// The single error of `src`, with its 1-based line and column.
    fn err1(src: &str) -> (String, u32, u32) {
        let e = errs(src);
        assert_eq!(e.len(), 1, "{src:?}: expected one error, got {e:#?}");
        let lc = file(src).line_col(e[0].span.start);
        (e[0].message.clone(), lc.line, lc.column)
    }

    fn assert_err(src: &str, needle: &str, line: u32, column: u32) {
        let (msg, l, c) = err1(src);
        assert!(
            msg.contains(needle),
            "{src:?}: {msg:?} does not contain {needle:?}"
        );
        assert_eq!((l, c), (line, column), "{src:?}: position of {msg:?}");
    }

    fn stmt(src: &str) -> Stmt {
        let mut p = prog(src);
        assert_eq!(p.stmts.len(), 1, "{src:?}");
        p.stmts.pop().unwrap()
    }

    /// Parses `src;` as one expression statement.
    fn expr(src: &str) -> Expr {
        match stmt(&format!("{src};")).kind {
            StmtKind::Expr(e) => e,
            other => panic!("{src:?} is not an expression statement: {other:?}"),
        }
    }

    fn sx(src: &str) -> String {
        sexpr(&expr(src))
    }

    fn opt(e: &Option<Box<Expr>>) -> String {
        e.as_ref().map(|e| sexpr(e)).unwrap_or_else(|| "_".into())
    }

    /// A compact S-expression rendering of an expression.
    fn sexpr(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Null => "null".into(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Int(v) => v.to_string(),
            ExprKind::BigInt(v) => format!("{v}n"),
            ExprKind::Float(v) => format!("{v:?}"),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Array(items) => {
                format!(
                    "[{}]",
                    items.iter().map(sexpr).collect::<Vec<_>>().join(" ")
                )
            }
            ExprKind::Object(props) => format!(
                "{{{}}}",
                props
                    .iter()
                    .map(|(k, v)| format!("{}:{}", k.name, sexpr(v)))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            ExprKind::Unary { op, operand } => {
                let op = match op {
                    UnaryOp::Neg => "neg",
                    UnaryOp::Plus => "pos",
                    UnaryOp::Not => "not",
                };
                format!("({op} {})", sexpr(operand))
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let op = match op {
                    BinOp::Add => "+",
                    BinOp::Sub => "-",
                    BinOp::Mul => "*",
                    BinOp::Div => "/",
                    BinOp::FloorDiv => "//",
                    BinOp::Mod => "%",
                    BinOp::Eq => "==",
                    BinOp::Ne => "!=",
                    BinOp::Lt => "<",
                    BinOp::Gt => ">",
                    BinOp::Le => "<=",
                    BinOp::Ge => ">=",
                };
                format!("({op} {} {})", sexpr(lhs), sexpr(rhs))
            }
            ExprKind::Logic { op, lhs, rhs } => {
                let op = match op {
                    LogicOp::And => "&&",
                    LogicOp::Or => "||",
                };
                format!("({op} {} {})", sexpr(lhs), sexpr(rhs))
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => format!("(? {} {} {})", sexpr(cond), sexpr(then), sexpr(otherwise)),
            ExprKind::Index { object, index } => {
                format!("(idx {} {})", sexpr(object), sexpr(index))
            }
            ExprKind::Slice {
                object,
                start,
                stop,
                step,
            } => format!(
                "(slice {} {} {} {})",
                sexpr(object),
                opt(start),
                opt(stop),
                opt(step)
            ),
            ExprKind::Member { object, name } => format!("(. {} {})", sexpr(object), name.name),
            ExprKind::Call { callee, args } => {
                let mut s = format!("(call {}", sexpr(callee));
                for a in args {
                    s.push(' ');
                    s.push_str(&sexpr(a));
                }
                s.push(')');
                s
            }
            ExprKind::Function(def) => {
                let params: Vec<&str> = def.params.iter().map(|p| p.name.as_str()).collect();
                let body = match &def.body {
                    FuncBody::Expr(e) => sexpr(e),
                    FuncBody::Block(b) => format!("{{block {}}}", b.stmts.len()),
                };
                format!("(fn ({}) {body})", params.join(" "))
            }
        }
    }

    fn text_of(src: &str, span: Span) -> &str {
        &src[span.start as usize..span.end as usize]
    }

    // ------------------------------------------------------------------
    // Expressions

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(sx("1 + 2 * 3"), "(+ 1 (* 2 3))");
        assert_eq!(sx("(1 + 2) * 3"), "(* (+ 1 2) 3)");
        assert_eq!(sx("1 - 2 - 3"), "(- (- 1 2) 3)");
        assert_eq!(sx("8 / 4 / 2"), "(/ (/ 8 4) 2)");
        assert_eq!(sx("x // 2 % 3 * 4"), "(* (% (// x 2) 3) 4)");
        assert_eq!(sx("a || b && c"), "(|| a (&& b c))");
        assert_eq!(sx("a && b || c && d"), "(|| (&& a b) (&& c d))");
        assert_eq!(sx("a || b || c"), "(|| (|| a b) c)");
        assert_eq!(sx("!a == b"), "(== (not a) b)");
        assert_eq!(sx("-a.b"), "(neg (. a b))");
        assert_eq!(sx("-a[0](1)"), "(neg (call (idx a 0) 1))");
        assert_eq!(sx("a ? b : c ? d : e"), "(? a b (? c d e))");
        assert_eq!(sx("a ? b ? c : d : e"), "(? a (? b c d) e)");
        assert_eq!(sx("a || b ? c : d"), "(? (|| a b) c d)");
        assert_eq!(sx("3 > 2 > 1"), "(> (> 3 2) 1)");
        assert_eq!(sx("1 == 1 == true"), "(== (== 1 1) true)");
        assert_eq!(sx("a < b == c >= d"), "(== (< a b) (>= c d))");
        assert_eq!(sx("a + b <= c * d"), "(<= (+ a b) (* c d))");
        assert_eq!(sx("a != b && c"), "(&& (!= a b) c)");
        assert_eq!(sx("!!a"), "(not (not a))");
        assert_eq!(sx("- -a"), "(neg (neg a))");
        assert_eq!(sx("-+-a"), "(neg (pos (neg a)))");
        assert_eq!(sx("-2 * 3"), "(* (neg 2) 3)");
    }

    #[test]
    fn literals() {
        assert_eq!(sx("null"), "null");
        assert_eq!(sx("undefined"), "null");
        assert_eq!(sx("true"), "true");
        assert_eq!(sx("false"), "false");
        assert_eq!(sx("42"), "42");
        assert_eq!(sx("007"), "7");
        assert_eq!(sx("3.5"), "3.5");
        assert_eq!(sx("1."), "1.0");
        assert_eq!(sx(".5"), "0.5");
        assert_eq!(sx("1e3"), "1000.0");
        assert_eq!(sx("2.5E-3"), "0.0025");
        assert_eq!(sx("99999999999999999999"), "99999999999999999999n");
        assert_eq!(sx("-9223372036854775808"), "(neg 9223372036854775808n)");
        assert_eq!(sx("'it\\'s'"), "\"it's\"");
        assert_eq!(sx(r#""\d+""#), r#""\\d+""#);
        assert_eq!(sx("trueish"), "trueish");
        assert_eq!(sx("fnord"), "fnord");
        assert_eq!(sx("[]"), "[]");
        assert_eq!(sx("[1, [2, 3], {}]"), "[1 [2 3] {}]");
        assert_eq!(
            sx(r#"({a: 1, "b c": 2, 'd': [3], true: 4, if: 5, fn: 6, null: 7})"#),
            r#"{a:1 b c:2 d:[3] true:4 if:5 fn:6 null:7}"#
        );
        assert_eq!(sx("{a: {b: {}}}"), "{a:{b:{}}}");
    }

    #[test]
    fn signs_are_unary_operators() {
        assert_eq!(sx("3 -5"), "(- 3 5)");
        assert_eq!(sx("[a, -1]"), "[a (neg 1)]");
        assert_eq!(sx("+5"), "(pos 5)");
        // Superset: unary plus on anything.
        assert_eq!(sx("+x"), "(pos x)");
        assert_eq!(sx("+f(x).y"), "(pos (. (call f x) y))");
    }

    #[test]
    fn floor_division_and_comments() {
        match stmt("x = 7 // 2; // comment").kind {
            StmtKind::Assign { value, .. } => assert_eq!(sexpr(&value), "(// 7 2)"),
            other => panic!("{other:?}"),
        }
        match stmt("x = [1, 2 // c\n];").kind {
            StmtKind::Assign { value, .. } => assert_eq!(sexpr(&value), "[1 (// 2 c)]"),
            other => panic!("{other:?}"),
        }
        let p = prog("// header\nx = f( // first\n 1, // second\n 2); // done\nif (x) // why\n{ y = 1; } // end\n");
        assert_eq!(p.stmts.len(), 2);
        let p = prog("function f(a) // doc\n{ return a // 2; }\ng = fn(a) // doc\n => a;");
        assert_eq!(p.stmts.len(), 2);
    }

    #[test]
    fn postfix_member_index_slice_call() {
        assert_eq!(sx("a.b.c"), "(. (. a b) c)");
        assert_eq!(sx("a.if.true.fn.read"), "(. (. (. (. a if) true) fn) read)");
        assert_eq!(sx("a[0][1]"), "(idx (idx a 0) 1)");
        assert_eq!(sx("a[c ? 1 : 2]"), "(idx a (? c 1 2))");
        assert_eq!(sx("a[1:2]"), "(slice a 1 2 _)");
        assert_eq!(sx("a[:]"), "(slice a _ _ _)");
        assert_eq!(sx("a[::]"), "(slice a _ _ _)");
        assert_eq!(sx("a[::-1]"), "(slice a _ _ (neg 1))");
        assert_eq!(sx("a[-2:]"), "(slice a (neg 2) _ _)");
        assert_eq!(sx("a[:3]"), "(slice a _ 3 _)");
        assert_eq!(sx("a[1:2:3]"), "(slice a 1 2 3)");
        assert_eq!(sx("a[1::2]"), "(slice a 1 _ 2)");
        assert_eq!(sx("a[:2:]"), "(slice a _ 2 _)");
        assert_eq!(sx("f()"), "(call f)");
        assert_eq!(sx("f(1, 2)"), "(call f 1 2)");
        assert_eq!(
            sx("s.strip().upper()"),
            "(call (. (call (. s strip)) upper))"
        );
        // Calls after any postfix (superset of mlpy).
        assert_eq!(sx("f(1)(2)"), "(call (call f 1) 2)");
        assert_eq!(sx("a[0](1)"), "(call (idx a 0) 1)");
        assert_eq!(sx("(fn(x) => x)(1)"), "(call (fn (x) x) 1)");
        assert_eq!(sx("getF()()"), "(call (call getF))");
        assert_eq!(sx("{a: 1}.a"), "(. {a:1} a)");
        assert_eq!(sx("[1, 2][0]"), "(idx [1 2] 0)");
        assert_eq!(sx("'abc'.length"), "(. \"abc\" length)");
    }

    #[test]
    fn trailing_commas() {
        assert_eq!(sx("[1, 2,]"), "[1 2]");
        assert_eq!(sx("({a: 1,})"), "{a:1}");
        assert_eq!(sx("f(1, 2,)"), "(call f 1 2)");
        assert_eq!(sx("fn(a, b,) => a"), "(fn (a b) a)");
        assert_eq!(sx("(a, b,) => a"), "(fn (a b) a)");
        match stmt("function f(a, b,) {}").kind {
            StmtKind::Function(def) => assert_eq!(def.params.len(), 2),
            other => panic!("{other:?}"),
        }
        for bad in ["[,];", "[1,,2];", "f(,);", "({,});", "fn(,) => 1;"] {
            errs(bad);
        }
    }

    #[test]
    fn arrows() {
        assert_eq!(sx("fn(x) => x * 2"), "(fn (x) (* x 2))");
        assert_eq!(sx("fn() => 1"), "(fn () 1)");
        assert_eq!(sx("(a, b) => a + b"), "(fn (a b) (+ a b))");
        assert_eq!(sx("() => 1"), "(fn () 1)");
        assert_eq!(sx("(a) => a"), "(fn (a) a)");
        assert_eq!(sx("x => x + 1"), "(fn (x) (+ x 1))");
        assert_eq!(sx("(x: number, y: string) => x"), "(fn (x y) x)");
        // `{}` and `{k: v}` bodies are object literals; otherwise a block.
        assert_eq!(sx("fn() => {}"), "(fn () {})");
        assert_eq!(sx("fn() => {a: 1}"), "(fn () {a:1})");
        assert_eq!(sx("fn() => {'a': 1, b: 2}"), "(fn () {a:1 b:2})");
        assert_eq!(sx("fn() => {if: 1}"), "(fn () {if:1})");
        assert_eq!(sx("fn() => { return 1; }"), "(fn () {block 1})");
        assert_eq!(sx("x => { y = x; z = y; }"), "(fn (x) {block 2})");
        assert_eq!(sx("(a, b) => { a; }"), "(fn (a b) {block 1})");
        assert_eq!(sx("fn() => {x;}"), "(fn () {block 1})");
        // The body is a whole expression, ternary included.
        assert_eq!(
            sx(r#"fn(x) => x > 0 ? "p" : "n""#),
            r#"(fn (x) (? (> x 0) "p" "n"))"#
        );
        assert_eq!(sx("fn(x) => x + 1 ? a : b"), "(fn (x) (? (+ x 1) a b))");
        assert_eq!(sx("fn(x) => x(3)"), "(fn (x) (call x 3))");
        // ... but a `,` in an argument list ends it.
        assert_eq!(sx("f(fn(x) => x, 2)"), "(call f (fn (x) x) 2)");
        assert_eq!(sx("map(xs, x => x * 2)"), "(call map xs (fn (x) (* x 2)))");
        assert_eq!(
            sx("f((a, b) => a, (c) => c)"),
            "(call f (fn (a b) a) (fn (c) c))"
        );
        assert_eq!(sx("[x => 1, y => 2]"), "[(fn (x) 1) (fn (y) 2)]");
        assert_eq!(sx("({f: x => x, g: 1})"), "{f:(fn (x) x) g:1}");
        // Arrows as operands and in ternaries.
        assert_eq!(sx("1 + fn(a) => a + 1"), "(+ 1 (fn (a) (+ a 1)))");
        assert_eq!(sx("c ? fn() => a : b"), "(? c (fn () a) b)");
        assert_eq!(sx("fn() => fn() => 1"), "(fn () (fn () 1))");
        assert_eq!(sx("a => b => a + b"), "(fn (a) (fn (b) (+ a b)))");
        // Parentheses that are not followed by `=>` are grouping.
        assert_eq!(sx("(a)"), "a");
        assert_eq!(sx("(a) + (b)"), "(+ a b)");
        assert_eq!(sx("((a, b) => a)(1, 2)"), "(call (fn (a b) a) 1 2)");
    }

    #[test]
    fn arrow_errors() {
        assert_err(
            "f = (a, 1) => a;",
            "expected a parameter name, found number `1`",
            1,
            9,
        );
        assert_err("f = fn(a, a) => a;", "duplicate parameter name `a`", 1, 11);
        assert_err("f = (a, a) => a;", "duplicate parameter name `a`", 1, 9);
        assert_err(
            "f = fn x => x;",
            "expected `(` after `fn`, found identifier `x`",
            1,
            8,
        );
        assert_err(
            "f = fn(a) a;",
            "expected `=>` after the parameter list",
            1,
            11,
        );
        assert_err(
            "f = (a = 1) => a;",
            "default parameter values are not supported",
            1,
            8,
        );
        assert_err(
            "f = function(a) { return a; };",
            "anonymous functions are written `fn(x) => ...`",
            1,
            5,
        );
        // A block body cannot be called directly.
        assert_err(
            "f = fn() => { x; }(1);",
            "expected `;` after the assignment",
            1,
            19,
        );
    }

    // ------------------------------------------------------------------
    // Statements

    #[test]
    fn assignments_and_targets() {
        let src = "x = 1; a[0] = 2; a[1:2] = b; o.k = 3; o.if = 4; a.b[c].d = 5; (x) = 6;";
        let p = prog(src);
        let kinds: Vec<String> = p
            .stmts
            .iter()
            .map(|s| match &s.kind {
                StmtKind::Assign { target, value } => {
                    let t = match target {
                        Target::Name(id) => format!("name {}", id.name),
                        Target::Index { object, index } => {
                            format!("index {} {}", sexpr(object), sexpr(index))
                        }
                        Target::Slice {
                            object,
                            start,
                            stop,
                            ..
                        } => format!(
                            "slice {} {:?} {:?}",
                            sexpr(object),
                            start.as_ref().map(sexpr),
                            stop.as_ref().map(sexpr)
                        ),
                        Target::Member { object, name } => {
                            format!("member {} {}", sexpr(object), name.name)
                        }
                    };
                    format!("{t} = {}", sexpr(value))
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                "name x = 1",
                "index a 0 = 2",
                "slice a Some(\"1\") Some(\"2\") = b",
                "member o k = 3",
                "member o if = 4",
                "member (idx (. a b) c) d = 5",
                "name x = 6",
            ]
        );
        assert_err("f() = 1;", "cannot assign to a function call", 1, 1);
        assert_err("1 = x;", "cannot assign to a number", 1, 1);
        assert_err(
            "a + b = c;",
            "cannot assign to an operator expression",
            1,
            1,
        );
        assert_err("null = 1;", "cannot assign to a literal value", 1, 1);
        assert_err("[] = x;", "cannot assign to an array literal", 1, 1);
        assert_err("[a, 1] = x;", "cannot assign to an array literal", 1, 1);
        assert_err(
            "a = b = c;",
            "expected `;` after the assignment, found `=`",
            1,
            7,
        );
    }

    #[test]
    fn let_and_const() {
        match stmt("let x = 5;").kind {
            StmtKind::Assign {
                target: Target::Name(id),
                value,
            } => {
                assert_eq!(id.name, "x");
                assert_eq!(sexpr(&value), "5");
            }
            other => panic!("{other:?}"),
        }
        match stmt("const y = fn(a) => a;").kind {
            StmtKind::Assign {
                target: Target::Name(id),
                ..
            } => assert_eq!(id.name, "y"),
            other => panic!("{other:?}"),
        }
        match stmt("let x;").kind {
            StmtKind::Assign {
                target: Target::Name(id),
                value,
            } => {
                assert_eq!(id.name, "x");
                assert_eq!(value.kind, ExprKind::Null);
            }
            other => panic!("{other:?}"),
        }
        match stmt("let [a, b] = e;").kind {
            StmtKind::Destructure {
                pattern: Pattern::Array(names),
                value,
            } => {
                assert_eq!(
                    names.iter().map(|n| &n.name[..]).collect::<Vec<_>>(),
                    ["a", "b"]
                );
                assert_eq!(sexpr(&value), "e");
            }
            other => panic!("{other:?}"),
        }
        match stmt("const {a, b} = e;").kind {
            StmtKind::Destructure {
                pattern: Pattern::Object(names),
                ..
            } => assert_eq!(names.len(), 2),
            other => panic!("{other:?}"),
        }
        assert_err(
            "let if = 1;",
            "expected a name or a destructuring pattern after `let`, found keyword `if`",
            1,
            5,
        );
        assert_err(
            "let x y;",
            "expected `=` or `;` after `let x`, found identifier `y`",
            1,
            7,
        );
        assert_err(
            "let [a, 1] = x;",
            "expected a name in the destructuring pattern",
            1,
            9,
        );
        assert_err(
            "let [a, b];",
            "expected `=` after the destructuring pattern",
            1,
            11,
        );
        assert_err("let = 1;", "after `let`, found `=`", 1, 5);
        // `let` is reserved.
        assert_err("let = 1;", "expected a name", 1, 5);
        errs("x = let;");
    }

    #[test]
    fn destructuring_versus_expression_statements() {
        let src = "[a, b] = e; {a, b} = e; [a, b,] = e; [1, a]; {a: 1}; {}; [a, b]; [a, 1]; [a]; []; [a] == b;";
        let p = prog(src);
        let shapes: Vec<String> = p
            .stmts
            .iter()
            .map(|s| match &s.kind {
                StmtKind::Destructure {
                    pattern: Pattern::Array(n),
                    ..
                } => format!("array pattern {}", n.len()),
                StmtKind::Destructure {
                    pattern: Pattern::Object(n),
                    ..
                } => format!("object pattern {}", n.len()),
                StmtKind::Expr(e) => sexpr(e),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            shapes,
            vec![
                "array pattern 2",
                "object pattern 2",
                "array pattern 2",
                "[1 a]",
                "{a:1}",
                "{}",
                "[a b]",
                "[a 1]",
                "[a]",
                "[]",
                "(== [a] b)",
            ]
        );
        // `{a, b};` is neither an object literal nor a pattern.
        assert_err(
            "{a, b};",
            "expected `:` after the property name `a`, found `,`",
            1,
            3,
        );
    }

    #[test]
    fn if_elif_else() {
        match stmt("if (a) { x; } elif (b) { y; } else if (c) { z; } else { w; }").kind {
            StmtKind::If {
                branches,
                else_block,
            } => {
                let conds: Vec<String> = branches.iter().map(|(c, _)| sexpr(c)).collect();
                assert_eq!(conds, ["a", "b", "c"]);
                assert!(branches.iter().all(|(_, b)| b.stmts.len() == 1));
                assert_eq!(else_block.unwrap().stmts.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        match stmt("if (a) {} else if (b) {}").kind {
            StmtKind::If {
                branches,
                else_block,
            } => {
                assert_eq!(branches.len(), 2);
                assert!(else_block.is_none());
            }
            other => panic!("{other:?}"),
        }
        assert_err(
            "if (c) x;",
            "expected `{` after `if (...)` (braces are required), found identifier `x`",
            1,
            8,
        );
        assert_err(
            "if (c) {} else x;",
            "expected `{` or `if` after `else`",
            1,
            16,
        );
        assert_err("while (c) x;", "expected `{` after `while (...)`", 1, 11);
        assert_err(
            "if c {}",
            "expected `(` after `if`, found identifier `c`",
            1,
            4,
        );
        assert_err(
            "if (c {}",
            "expected `)` after the `if` condition, found `{`",
            1,
            7,
        );
        assert_err("else { }", "`else` without a matching `if`", 1, 1);
        assert_err(
            "x = 1;\nelif (a) { }",
            "`elif` without a matching `if`",
            2,
            1,
        );
    }

    #[test]
    fn loops_and_jumps() {
        match stmt("while (i < 10) { i = i + 1; if (i == 5) { break; } continue; }").kind {
            StmtKind::While { cond, body } => {
                assert_eq!(sexpr(&cond), "(< i 10)");
                assert_eq!(body.stmts.len(), 3);
                assert_eq!(body.stmts[2].kind, StmtKind::Continue);
            }
            other => panic!("{other:?}"),
        }
        match stmt("for (x in [1, 2]) { print(x); }").kind {
            StmtKind::For { var, iter, body } => {
                assert_eq!(var.name, "x");
                assert_eq!(sexpr(&iter), "[1 2]");
                assert_eq!(body.stmts.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        // break/continue outside loops are left to the compiler.
        assert_eq!(prog("break; continue;").stmts.len(), 2);
        assert_err(
            "for (x of xs) {}",
            "expected `in` after `for (x`, found identifier `of`",
            1,
            8,
        );
        assert_err("for (1 in xs) {}", "expected a loop variable name", 1, 6);
        assert_err(
            "break",
            "expected `;` after `break`, found end of file",
            1,
            6,
        );
    }

    #[test]
    fn try_except_finally() {
        match stmt("try { }").kind {
            StmtKind::Try {
                body,
                handlers,
                finally,
            } => {
                assert!(body.stmts.is_empty());
                assert!(handlers.is_empty());
                assert!(finally.is_none());
            }
            other => panic!("{other:?}"),
        }
        match stmt("try { a(); } except (e) { b(); } except { c(); } finally { d(); }").kind {
            StmtKind::Try {
                handlers, finally, ..
            } => {
                assert_eq!(handlers.len(), 2);
                assert_eq!(handlers[0].name.as_ref().unwrap().name, "e");
                assert!(handlers[1].name.is_none());
                assert!(finally.is_some());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(prog("try { } finally { }").stmts.len(), 1);
        assert_err("try x;", "expected `{` after `try`", 1, 5);
        assert_err(
            "try {} except (1) {}",
            "expected a name in `except (name)`",
            1,
            16,
        );
        assert_err("finally {}", "`finally` without a matching `try`", 1, 1);
    }

    #[test]
    fn throw_requires_an_object_literal() {
        match stmt(r#"throw {message: "bad", code: 2};"#).kind {
            StmtKind::Throw(e) => assert_eq!(sexpr(&e), r#"{message:"bad" code:2}"#),
            other => panic!("{other:?}"),
        }
        assert_eq!(prog("throw {};").stmts.len(), 1);
        assert_err("throw e;", "`throw` needs an object literal", 1, 7);
        assert_err("throw \"x\";", "`throw` needs an object literal", 1, 7);
        assert_err(
            "throw {a: 1} + 1;",
            "expected `;` after the thrown object, found `+`",
            1,
            14,
        );
    }

    #[test]
    fn return_nonlocal() {
        assert_eq!(stmt("return;").kind, StmtKind::Return(None));
        match stmt("return a + 1;").kind {
            StmtKind::Return(Some(e)) => assert_eq!(sexpr(&e), "(+ a 1)"),
            other => panic!("{other:?}"),
        }
        match stmt("nonlocal a, b;").kind {
            StmtKind::Nonlocal(names) => assert_eq!(names.len(), 2),
            other => panic!("{other:?}"),
        }
        assert_err(
            "nonlocal;",
            "expected a variable name after `nonlocal`",
            1,
            9,
        );
        assert_err(
            "return 1 2;",
            "expected `;` after the `return` value, found number `2`",
            1,
            10,
        );
    }

    #[test]
    fn function_declarations() {
        match stmt("function add(a: number, b) { return a + b; }").kind {
            StmtKind::Function(def) => {
                assert_eq!(def.name.as_ref().unwrap().name, "add");
                let names: Vec<&str> = def.params.iter().map(|p| p.name.as_str()).collect();
                assert_eq!(names, ["a", "b"]);
                match &def.body {
                    FuncBody::Block(b) => assert_eq!(b.stmts.len(), 1),
                    other => panic!("{other:?}"),
                }
            }
            other => panic!("{other:?}"),
        }
        // Anywhere a statement is.
        let p = prog(
            "if (a) { function f() {} } while (b) { function g() { function h() {} } } try { function i() {} } except { }",
        );
        assert_eq!(p.stmts.len(), 3);
        assert_err(
            "function f(a, b, a) {}",
            "duplicate parameter name `a`",
            1,
            18,
        );
        assert_err(
            "function (a) {}",
            "expected a function name after `function`",
            1,
            10,
        );
        assert_err(
            "function f {}",
            "expected `(` after the function name `f`",
            1,
            12,
        );
        assert_err(
            "function f() return 1;",
            "expected `{` to start the function body",
            1,
            14,
        );
        assert_err(
            "function f(a b) {}",
            "expected `,` or `)` in the parameter list, found identifier `b`",
            1,
            14,
        );
        assert_err("function f(a:) {}", "expected a type name after `:`", 1, 14);
    }

    #[test]
    fn imports_and_capabilities_at_top_level_only() {
        let p = prog("import math; import a.b.c; import a.b as c;");
        let shapes: Vec<(Vec<String>, Option<String>)> = p
            .stmts
            .iter()
            .map(|s| match &s.kind {
                StmtKind::Import { path, alias } => (
                    path.iter().map(|i| i.name.clone()).collect(),
                    alias.as_ref().map(|a| a.name.clone()),
                ),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(shapes[0], (vec!["math".to_string()], None));
        assert_eq!(shapes[1].0, ["a", "b", "c"]);
        assert_eq!(shapes[2], (vec!["a".into(), "b".into()], Some("c".into())));

        let src = r#"capability FileAccess {
            resource "data/*.txt";
            resource "out/**";
            allow read;
            allow write "out/*";
            allow network "api.example.com";
        }"#;
        match stmt(src).kind {
            StmtKind::Capability(c) => {
                assert_eq!(c.name.name, "FileAccess");
                assert_eq!(c.resources, ["data/*.txt", "out/**"]);
                assert_eq!(
                    c.allows,
                    vec![
                        ("read".to_string(), None),
                        ("write".to_string(), Some("out/*".to_string())),
                        ("network".to_string(), Some("api.example.com".to_string())),
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(prog("capability Empty { }").stmts.len(), 1);
        assert_err(
            "function f() {\n  import math;\n}",
            "`import` is only allowed at the top level",
            2,
            3,
        );
        assert_err(
            "if (x) { capability C { allow read; } }",
            "`capability` is only allowed at the top level",
            1,
            10,
        );
        assert_err(
            "capability C { allow fly; }",
            "expected a permission after `allow`, found identifier `fly`",
            1,
            22,
        );
        assert_err(
            "capability C { resource data; }",
            "expected a string after `resource`",
            1,
            25,
        );
        assert_err(
            "capability C { x = 1; }",
            "expected `resource`, `allow` or `}`",
            1,
            16,
        );
        assert_err(
            "import 5;",
            "expected a module name, found number `5`",
            1,
            8,
        );
        assert_err("import a as;", "expected an alias name after `as`", 1, 12);
    }

    #[test]
    fn capability_words_are_ordinary_names_elsewhere() {
        let p = prog(
            "read = 1; write = read + file.read(x); network = system; execute = fn(resource) => resource; allow = {read: 1}; x = o.allow.write;",
        );
        assert_eq!(p.stmts.len(), 6);
    }

    #[test]
    fn keywords_after_dot_and_as_keys() {
        assert_eq!(
            sx("o.import.as.let.const"),
            "(. (. (. (. o import) as) let) const)"
        );
        assert_eq!(sx("({let: 1, else: 2})"), "{let:1 else:2}");
        assert_err("({1: 2});", "numbers are not allowed as keys", 1, 3);
        assert_err(
            "x = {a 1};",
            "expected `:` after the property name `a`, found number `1`",
            1,
            8,
        );
        assert_err(
            "x = o.;",
            "expected a member name after `.`, found `;`",
            1,
            7,
        );
        assert_err(
            "x = o.5;",
            "expected `;` after the assignment, found number `.5`",
            1,
            6,
        );
    }

    #[test]
    fn empty_statements_and_stray_tokens() {
        assert_err("x = 1;;", "empty statements are not allowed", 1, 7);
        assert_err(";", "empty statements are not allowed", 1, 1);
        assert_err("}", "unexpected `}`", 1, 1);
        assert_err("x = 1; )", "expected a statement, found `)`", 1, 8);
        assert_err(
            "x = (1, 2);",
            "expected `)` to close the parenthesis, found `,`",
            1,
            7,
        );
        assert_err("x = 1 +;", "expected an expression, found `;`", 1, 8);
        assert_err(
            "x y;",
            "expected `;` after expression, found identifier `y`",
            1,
            3,
        );
        assert_err("var x = 1;", "`var` is not supported", 1, 5);
        assert_err("x = a[];", "expected an expression, found `]`", 1, 7);
        assert_err("x = a[1;", "expected `]` after the index, found `;`", 1, 8);
        assert_err(
            "f(1 2);",
            "expected `,` or `)` after the argument, found number `2`",
            1,
            5,
        );
        assert_err(
            "x = [1 2];",
            "expected `,` or `]` in the array literal",
            1,
            8,
        );
        assert_err(
            "x = {a: 1 b: 2};",
            "expected `,` or `}` in the object literal",
            1,
            11,
        );
        assert_err(
            "x = c ? 1;",
            "expected `:` in the conditional expression",
            1,
            10,
        );
        assert_err(
            "x = 1 => 2;",
            "expected `;` after the assignment, found `=>`",
            1,
            7,
        );
        assert!(prog("").stmts.is_empty());
        assert!(prog("   // nothing\n").stmts.is_empty());
    }

    #[test]
    fn lexical_errors_are_reported_once() {
        assert_err(
            "x += 1;",
            "`+=` is not supported; write `x = x + ...`",
            1,
            3,
        );
        assert_err("x = a ** 2;", "`**` is not supported", 1, 7);
        assert_err("i++;", "`++` is not supported", 1, 2);
        assert_err("if (a === b) {}", "`===` is not supported", 1, 7);
        assert_err("x = a & b;", "`&` is not supported", 1, 7);
        assert_err("x = a | b;", "`|` is not supported", 1, 7);
        assert_err("# comment\nx = 1;", "unexpected character `#`", 1, 1);
        assert_err("x = 1; /* note */", "block comments", 1, 8);
        assert_err("x = 0x10;", "hexadecimal", 1, 5);
        assert_err("x = é;", "unexpected character `é`", 1, 5);
        assert_err("x = 1;\ny = 'abc;\nz = 2;\n", "unterminated string", 2, 5);
        assert_err("s = \"abc", "unterminated string", 1, 5);
        // A lexical error and a later syntax error are both reported.
        let e = errs("x = a # b;\ny = ;");
        assert_eq!(e.len(), 2, "{e:#?}");
        assert!(e[0].message.contains('#'));
        assert!(e[1].message.contains("expected an expression, found `;`"));
    }

    // ------------------------------------------------------------------
    // Recovery, limits

    #[test]
    fn several_errors_per_file() {
        let src = "x = 1 +;\ny = 2;\nif (a) b;\nz = (;\nw = 3;\nfunction f() {\n  a = ;\n  b = 1;\n}\nc = ];\nok = 4;\n";
        let f = file(src);
        let e = parse(&f).unwrap_err();
        let lines: Vec<u32> = e.iter().map(|e| f.line_col(e.span.start).line).collect();
        assert_eq!(lines, vec![1, 3, 4, 7, 10], "{e:#?}");
    }

    #[test]
    fn missing_semicolon_at_line_end_does_not_swallow_the_next_statement() {
        let src = "x = 1\ny = 2\nz = ;\n";
        let f = file(src);
        let e = parse(&f).unwrap_err();
        let pos: Vec<(u32, u32)> = e
            .iter()
            .map(|e| {
                let lc = f.line_col(e.span.start);
                (lc.line, lc.column)
            })
            .collect();
        assert_eq!(pos, vec![(2, 1), (3, 1), (3, 5)], "{e:#?}");
        assert!(e[0]
            .message
            .contains("expected `;` after the assignment, found identifier `y`"));
    }

    #[test]
    fn recovery_inside_blocks_and_after_broken_headers() {
        let src = "if (a +) {\n  x = 1;\n} else {\n  y = ;\n}\nwhile (b) {\n  z = [;\n}\nok = 1;\n";
        let f = file(src);
        let e = parse(&f).unwrap_err();
        let lines: Vec<u32> = e.iter().map(|e| f.line_col(e.span.start).line).collect();
        assert_eq!(lines, vec![1, 7], "{e:#?}");
        // Unclosed blocks at the end of the file: one error.
        let src = "function f() {\n  if (x) {\n    y = 1;\n";
        let (msg, line, col) = err1(src);
        assert_eq!(
            msg,
            "expected `}` to close the block opened at line 2, column 10, found end of file"
        );
        assert_eq!((line, col), (4, 1));
        // A stray closing brace in the middle.
        let e = errs("x = 1;\n}\ny = ;\n");
        assert_eq!(e.len(), 2, "{e:#?}");
    }

    #[test]
    fn errors_are_capped() {
        let src = "x = ;\n".repeat(100);
        assert_eq!(errs(&src).len(), MAX_ERRORS);
        let src = "x = #;\n".repeat(100);
        assert_eq!(errs(&src).len(), MAX_ERRORS);
        let src = "@".repeat(100_000);
        assert_eq!(errs(&src).len(), MAX_ERRORS);
    }

    fn assert_too_deep(src: &str) {
        let e = errs(src);
        assert!(
            e.iter().any(|e| e.message.contains("nesting too deep")),
            "{:?}...: {e:#?}",
            &src[..src.len().min(40)]
        );
        assert!(e.len() <= MAX_ERRORS);
    }

    #[test]
    fn nesting_depth_is_limited() {
        let n = 100_000;
        assert_too_deep(&"(".repeat(n));
        assert_too_deep(&"[".repeat(n));
        assert_too_deep(&"!".repeat(n));
        assert_too_deep(&"- ".repeat(n));
        assert_too_deep(&"+ ".repeat(n));
        // `--` and `++` are lexical errors, so no nesting at all here.
        assert_eq!(errs(&"-".repeat(n)).len(), MAX_ERRORS);
        assert_eq!(errs(&"+".repeat(n + 1)).len(), MAX_ERRORS);
        assert_too_deep(&format!("x = {}1;", "- ".repeat(n)));
        assert_too_deep(&format!("x = {}1{};", "(".repeat(n), ")".repeat(n)));
        assert_too_deep(&format!("x = {}1{};", "[".repeat(n), "]".repeat(n)));
        assert_too_deep(&format!("x = {}1{};", "{a: ".repeat(n), "}".repeat(n)));
        assert_too_deep(&format!("x = {}1;", "fn() => ".repeat(n)));
        assert_too_deep(&format!("x = {}1;", "a => ".repeat(n)));
        assert_too_deep(&format!("x = {}1;", "() => ".repeat(n)));
        assert_too_deep(&format!("x = {}1;", "a ? b : ".repeat(n)));
        assert_too_deep(&format!("x = {}1;", "f(".repeat(n)));
        assert_too_deep(&format!("x = {}1;", "a[".repeat(n)));
        assert_too_deep(&"if (a) {".repeat(n));
        // Long operator and postfix chains nest in the tree as well.
        assert_too_deep(&format!("x = {}1;", "a + ".repeat(n)));
        assert_too_deep(&format!("x = {}1;", "a * b + ".repeat(n)));
        assert_too_deep(&format!("x = a{};", ".b(1)[2]".repeat(n)));
        assert_too_deep(&format!("x = a{};", "()".repeat(n)));
        assert_too_deep(&format!("{}{}", "if (a) {".repeat(n), "}".repeat(n)));
        assert_too_deep(&"function f() {".repeat(n));
        assert_too_deep(&format!("x = {}1;", "fn() => { return ".repeat(n)));
        // Blocks and expressions count together.
        assert_too_deep(&format!(
            "{}x = {}1{};{}",
            "while (a) {".repeat(120),
            "(".repeat(120),
            ")".repeat(120),
            "}".repeat(120)
        ));
        // `{` is not nesting at statement start (object key expected).
        errs(&"{".repeat(n));
    }

    #[test]
    fn nesting_below_the_limit_is_fine() {
        let d = MAX_DEPTH - 10;
        prog(&format!("x = {}1{};", "(".repeat(d), ")".repeat(d)));
        prog(&format!("x = {}1{};", "[".repeat(d), "]".repeat(d)));
        prog(&format!("x = {}1{};", "{a: ".repeat(d), "}".repeat(d)));
        prog(&format!("x = {}1;", "- ".repeat(d)));
        prog(&format!("x = {}1;", "!".repeat(d)));
        prog(&format!("x = {}1;", "fn() => ".repeat(d)));
        prog(&format!("x = {}1;", "a ? b : ".repeat(d)));
        prog(&format!("x = {}1{};", "f(".repeat(d), ")".repeat(d)));
        prog(&format!("{}x = 1;{}", "if (a) {".repeat(d), "}".repeat(d)));
        prog(&format!("{}{}", "function f() {".repeat(d), "}".repeat(d)));
        // Long flat programs are not nesting.
        let flat = "x = a + b * c - d;\n".repeat(20_000);
        assert_eq!(prog(&flat).stmts.len(), 20_000);
        prog(&format!("x = {}1;", "a + ".repeat(d)));
        prog(&format!(
            "x = {}1;",
            "a || b && c == d < e + f * ".repeat(d / 6)
        ));
        prog(&format!("x = a{};", ".b".repeat(d)));
        prog(&format!("x = a{};", "(1)".repeat(d)));
        prog(&format!("x = a{};", "[0]".repeat(d)));
        prog(&format!("x = a{};", ".b(1)[2]".repeat(d / 3)));
        prog(&format!("x = {}1{};", "f(".repeat(d), ")".repeat(d)));
        prog(&format!("x = {}1{};", "a.b(".repeat(d), ")".repeat(d)));
        prog(&format!("x = {}1{};", "a + (".repeat(d), ")".repeat(d)));
        let elifs = format!("if (a) {{}}{}", " else if (b) {}".repeat(10_000));
        prog(&elifs);
    }

    fn expr_height(e: &Expr) -> usize {
        let kids: Vec<&Expr> = match &e.kind {
            ExprKind::Array(items) => items.iter().collect(),
            ExprKind::Object(props) => props.iter().map(|(_, v)| v).collect(),
            ExprKind::Unary { operand, .. } => vec![operand],
            ExprKind::Binary { lhs, rhs, .. } | ExprKind::Logic { lhs, rhs, .. } => {
                vec![lhs, rhs]
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => vec![cond, then, otherwise],
            ExprKind::Index { object, index } => vec![object, index],
            ExprKind::Slice {
                object,
                start,
                stop,
                step,
            } => std::iter::once(&**object)
                .chain([start, stop, step].into_iter().flatten().map(|b| &**b))
                .collect(),
            ExprKind::Member { object, .. } => vec![object],
            ExprKind::Call { callee, args } => {
                std::iter::once(&**callee).chain(args.iter()).collect()
            }
            ExprKind::Function(def) => match &def.body {
                FuncBody::Expr(e) => vec![e],
                FuncBody::Block(b) => return 1 + block_height(b),
            },
            _ => Vec::new(),
        };
        1 + kids.into_iter().map(expr_height).max().unwrap_or(0)
    }

    fn block_height(b: &Block) -> usize {
        1 + b.stmts.iter().map(stmt_height).max().unwrap_or(0)
    }

    fn stmt_height(s: &Stmt) -> usize {
        1 + match &s.kind {
            StmtKind::Expr(e) | StmtKind::Throw(e) | StmtKind::Return(Some(e)) => expr_height(e),
            StmtKind::Assign { value, .. } | StmtKind::Destructure { value, .. } => {
                expr_height(value)
            }
            StmtKind::If {
                branches,
                else_block,
            } => branches
                .iter()
                .map(|(c, b)| expr_height(c).max(block_height(b)))
                .chain(else_block.iter().map(block_height))
                .max()
                .unwrap_or(0),
            StmtKind::While { cond, body } => expr_height(cond).max(block_height(body)),
            StmtKind::For { iter, body, .. } => expr_height(iter).max(block_height(body)),
            StmtKind::Function(def) => match &def.body {
                FuncBody::Block(b) => block_height(b),
                FuncBody::Expr(e) => expr_height(e),
            },
            StmtKind::Try {
                body,
                handlers,
                finally,
            } => handlers
                .iter()
                .map(|h| block_height(&h.body))
                .chain(finally.iter().map(block_height))
                .fold(block_height(body), usize::max),
            _ => 0,
        }
    }

    #[test]
    fn tree_height_stays_bounded() {
        // Deeply nested first operands followed by chains as long as the
        // parser accepts: the tree height stays within about 3 * MAX_DEPTH.
        let shapes: Vec<Box<dyn Fn(usize) -> String>> = vec![
            Box::new(|n| {
                format!(
                    "x = {}1{}{};",
                    "[".repeat(150),
                    "]".repeat(150),
                    " + a".repeat(n)
                )
            }),
            Box::new(|n| {
                format!(
                    "x = {}1{}{};",
                    "[".repeat(150),
                    "]".repeat(150),
                    ".b()".repeat(n)
                )
            }),
            Box::new(|n| {
                format!(
                    "x = {}1{}{};",
                    "[".repeat(150),
                    "]".repeat(150),
                    "[0]".repeat(n)
                )
            }),
            Box::new(|n| format!("x = {}1{};", "a.b(".repeat(n), ")".repeat(n))),
            Box::new(|n| format!("x = {}1{};", "a + b * (".repeat(n), ")".repeat(n))),
            Box::new(|n| format!("x = {}1;", "a + ".repeat(n))),
            Box::new(|n| {
                format!(
                    "{}x = a{};{}",
                    "if (a) {".repeat(100),
                    ".b()".repeat(n),
                    "}".repeat(100)
                )
            }),
        ];
        for shape in &shapes {
            let mut best = 0;
            let mut n = 1;
            while n < 2000 {
                match parse(&file(&shape(n))) {
                    Ok(p) => best = best.max(p.stmts.iter().map(stmt_height).max().unwrap_or(0)),
                    Err(e) => {
                        assert!(e[0].message.contains("nesting too deep"), "{e:?}");
                        break;
                    }
                }
                n += 7;
            }
            assert!(n < 2000, "{}: no limit reached", shape(3));
            assert!(best <= 3 * MAX_DEPTH + 10, "{}: height {best}", shape(3));
            assert!(best > MAX_DEPTH / 2, "{}: height {best}", shape(3));
        }
    }

    // ------------------------------------------------------------------
    // Spans, rendering

    #[test]
    fn spans_cover_the_source_text() {
        let src = "x = (a + b) * c;\nif (x) { y = f(1, 2).z; } else { w = [1]; }\ng = fn(p, q) => p;\nh = r => { return r; };";
        let p = prog(src);
        let s0 = &p.stmts[0];
        assert_eq!(text_of(src, s0.span), "x = (a + b) * c;");
        let StmtKind::Assign { target, value } = &s0.kind else {
            panic!()
        };
        let Target::Name(id) = target else { panic!() };
        assert_eq!(text_of(src, id.span), "x");
        assert_eq!(text_of(src, value.span), "(a + b) * c");
        let ExprKind::Binary { lhs, rhs, .. } = &value.kind else {
            panic!()
        };
        assert_eq!(text_of(src, lhs.span), "(a + b)");
        assert_eq!(text_of(src, rhs.span), "c");

        let s1 = &p.stmts[1];
        assert_eq!(
            text_of(src, s1.span),
            "if (x) { y = f(1, 2).z; } else { w = [1]; }"
        );
        let StmtKind::If {
            branches,
            else_block,
        } = &s1.kind
        else {
            panic!()
        };
        assert_eq!(text_of(src, branches[0].0.span), "x");
        assert_eq!(text_of(src, branches[0].1.span), "{ y = f(1, 2).z; }");
        let inner = &branches[0].1.stmts[0];
        assert_eq!(text_of(src, inner.span), "y = f(1, 2).z;");
        let StmtKind::Assign { value, .. } = &inner.kind else {
            panic!()
        };
        assert_eq!(text_of(src, value.span), "f(1, 2).z");
        let ExprKind::Member { object, name } = &value.kind else {
            panic!()
        };
        assert_eq!(text_of(src, object.span), "f(1, 2)");
        assert_eq!(text_of(src, name.span), "z");
        assert_eq!(
            text_of(src, else_block.as_ref().unwrap().span),
            "{ w = [1]; }"
        );

        let StmtKind::Assign { value, .. } = &p.stmts[2].kind else {
            panic!()
        };
        assert_eq!(text_of(src, value.span), "fn(p, q) => p");
        let ExprKind::Function(def) = &value.kind else {
            panic!()
        };
        assert_eq!(text_of(src, def.span), "fn(p, q) => p");
        assert_eq!(text_of(src, def.params[1].span), "q");

        let StmtKind::Assign { value, .. } = &p.stmts[3].kind else {
            panic!()
        };
        assert_eq!(text_of(src, value.span), "r => { return r; }");

        let src = "function f(a) {\n  return a[1:2];\n}\n";
        let p = prog(src);
        assert_eq!(text_of(src, p.stmts[0].span), src.trim_end());
        let StmtKind::Function(def) = &p.stmts[0].kind else {
            panic!()
        };
        assert_eq!(text_of(src, def.name.as_ref().unwrap().span), "f");
        let FuncBody::Block(b) = &def.body else {
            panic!()
        };
        assert_eq!(text_of(src, b.stmts[0].span), "return a[1:2];");

        let src = "  -x.y;  [a, b] = e;  let {c} = d;  try { } except (err) { } ";
        let p = prog(src);
        assert_eq!(text_of(src, p.stmts[0].span), "-x.y;");
        assert_eq!(text_of(src, p.stmts[1].span), "[a, b] = e;");
        assert_eq!(text_of(src, p.stmts[2].span), "let {c} = d;");
        assert_eq!(text_of(src, p.stmts[3].span), "try { } except (err) { }");
        let StmtKind::Try { handlers, .. } = &p.stmts[3].kind else {
            panic!()
        };
        assert_eq!(text_of(src, handlers[0].span), "except (err) { }");
        assert_eq!(text_of(src, handlers[0].name.as_ref().unwrap().span), "err");
    }

    #[test]
    fn render_and_display() {
        let src = "x = 1;\nf(1 2);\n";
        let f = file(src);
        let e = parse(&f).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(
            e[0].to_string(),
            "expected `,` or `)` after the argument, found number `2`"
        );
        assert_eq!(e[0].expected, vec!["`,`", "`)`"]);
        let out = e[0].render(&f);
        assert!(
            out.starts_with("syntax error: expected `,` or `)` after the argument"),
            "{out}"
        );
        assert!(out.contains("--> t.ml:2:5"), "{out}");
        assert!(out.contains("2 | f(1 2);"), "{out}");
        assert!(out.contains("  |     ^\n"), "{out}");
        assert!(out.contains("= expected one of `,`, `)`"), "{out}");
        // No note without alternatives.
        let e = parse(&file("x y;")).unwrap_err();
        assert!(e[0].expected.is_empty());
        assert!(!e[0].render(&file("x y;")).contains(" = "));
    }

    // ------------------------------------------------------------------
    // A realistic program; speed

    const SAMPLE: &str = r#"// Inventory report
import math;
import collections as coll;
capability Report { resource "out/*.txt"; allow write "out/*"; }

let items = [
    {name: "apple", price: 1.25, qty: 10},
    {name: "pear", price: 0.75, qty: 0},
    {name: "fig", price: 3., qty: 7,},
];
const threshold = .5;
let total;

function value(item: object) {
    return item.price * item.qty;
}

function summarize(list, key) {
    result = {};
    for (it in list) {
        k = it[key];
        if (k == null) {
            continue;
        } elif (typeof(k) == "string") {
            result[k] = value(it);
        } else if (k > 0) {
            result[str(k)] = -value(it);
        } else {
            break;
        }
    }
    return result;
}

counter = 0;
function bump(n) {
    nonlocal counter;
    counter = counter + n;
    return counter;
}

make_adder = fn(a) => fn(b) => a + b;
double = x => x * 2;
pick = (a, b) => a > b ? a : b;
empty = fn() => {};
block = fn(x) => {
    y = x // 2;
    return y % 3;
};

try {
    s = summarize(items, "name");
    [first, second] = [s.apple, s["pear"]];
    {apple, fig} = s;
    total = apple + fig;
    if (!(total >= threshold) || total != total) {
        throw {message: "bad total", code: 1};
    }
} except (e) {
    print("error: " + str(e));
} finally {
    print("done");
}

i = 0;
while (i < 10 && counter < 100) {
    bump(i);
    i = i + 1;
}
evens = coll.filter(fn(x) => x % 2 == 0, [1, 2, 3, 4, 5, 6,]);
rev = evens[::-1];
mid = evens[1:-1];
squares = [];
for (n in evens) { squares.append(math.pow(n, 2)); }
text = 'it\'s "quoted"\n\ttab \u00e9 \d';
big = 123456789012345678901234567890;
f = make_adder(1)(2);
g = [double][0](21);
h = (fn(x) => x + 1)(41);
obj = {if: 1, "else": 2, true: 3};
obj.read = obj.if + obj.true;
read = 5; write = read;
x = 7 // 2; // floor division, then a comment
y = -x + +x - - x;
z = 3 -5;
label = x > 3 ? "big" : x > 1 ? "mid" : "small";
nums = [1, -2, 3.5, 1e3, 2.5E-3, 007];
let [p, q] = [1, 2];
let {name, price} = items[0];
matrix = [[1, 2], [3, 4]];
matrix[0][1] = matrix[1][0] * 2;
matrix[1][0:1] = [9];
console.log(label, nums, matrix, text, big);

function fib(n) {
    if (n < 2) {
        return n;
    }
    return fib(n - 1) + fib(n - 2);
}

function make_counter() {
    count = 0;
    function inc() {
        nonlocal count;
        count = count + 1;
        return count;
    }
    return {inc: inc, get: fn() => count};
}

c = make_counter();
c.inc(); c.inc();
words = "the quick brown fox".split(" ");
lengths = {};
for (w in words) {
    lengths[w] = len(w);
}
sorted_words = sorted(words, fn(a) => -len(a));
report = "";
for (w in sorted_words) {
    report = report + w + "=" + str(lengths[w]) + "; ";
}
result = total;
"#;

    #[test]
    fn parses_a_realistic_program() {
        let p = prog(SAMPLE);
        assert!(p.stmts.len() > 40, "{}", p.stmts.len());
        assert!((110..=130).contains(&SAMPLE.lines().count()));
    }

    /// `cargo test --release -p mlpy-lang parse_speed -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn parse_speed() {
        let f = file(SAMPLE);
        let lines = SAMPLE.lines().count();
        let n = 20_000;
        let start = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(parse(std::hint::black_box(&f)).unwrap());
        }
        let per = start.elapsed() / n;
        println!("parse of {lines} lines: {per:?} per run");
    }

    // ------------------------------------------------------------------
    // Fuzzing: never panic

    const FRAGMENTS: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ";",
        ":",
        ".",
        "?",
        "=",
        "=>",
        "==",
        "!=",
        "<",
        ">",
        "<=",
        ">=",
        "+",
        "-",
        "*",
        "/",
        "//",
        "%",
        "!",
        "&&",
        "||",
        "x",
        "y",
        "f",
        "1",
        "2.5",
        ".5",
        "1e3",
        "\"s\"",
        "'t'",
        "\"",
        "'",
        "fn",
        "function",
        "if",
        "elif",
        "else",
        "while",
        "for",
        "in",
        "try",
        "except",
        "finally",
        "throw",
        "return",
        "break",
        "continue",
        "nonlocal",
        "import",
        "as",
        "capability",
        "resource",
        "allow",
        "read",
        "true",
        "false",
        "null",
        "undefined",
        "let",
        "const",
        "\n",
        "// c\n",
        "#",
        "+=",
        "**",
        "é",
        "\\",
        "0x1",
        "/*",
        "*/",
        "99999999999999999999999",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let f = file(&text);
            if let Err(errors) = parse(&f) {
                prop_assert!(!errors.is_empty() && errors.len() <= MAX_ERRORS);
                for e in &errors {
                    prop_assert!(e.span.start <= e.span.end);
                    prop_assert!(e.span.end as usize <= text.len());
                    let _ = e.render(&f);
                }
            }
        }

        #[test]
        fn token_soup_never_panics(
            picks in proptest::collection::vec((0..FRAGMENTS.len(), any::<bool>()), 0..120)
        ) {
            let mut text = String::new();
            for (i, space) in picks {
                text.push_str(FRAGMENTS[i]);
                if space {
                    text.push(' ');
                }
            }
            let f = file(&text);
            if let Err(errors) = parse(&f) {
                prop_assert!(!errors.is_empty() && errors.len() <= MAX_ERRORS);
                for e in &errors {
                    prop_assert!(e.span.end as usize <= text.len());
                    let _ = e.render(&f);
                }
            }
        }

        #[test]
        fn mutated_programs_never_panic(cut in 0..SAMPLE.len(), len in 0usize..20, insert in 0..FRAGMENTS.len()) {
            let mut text = SAMPLE.to_string();
            let start = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let end = (start + len..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
            text.replace_range(start..end, FRAGMENTS[insert]);
            let f = file(&text);
            if let Err(errors) = parse(&f) {
                for e in &errors {
                    let _ = e.render(&f);
                }
            }
        }
    }
}
