//! AST → bytecode. Locals and captured variables are resolved to slots at
//! compile time; only globals are linked by name, once per run.

pub mod code;
mod scope;

pub use code::{Arg, ArgKind, BinOp, Capture, Cmp, Const, FuncProto, GlobalName, Op, Program};

use crate::syntax::ast::*;
use crate::syntax::{parse, SourceFile, SyntaxError};
use scope::{def_key, ScopeTree};
type HashMap<K, V> = ahash::AHashMap<K, V>;
use std::fmt;
use std::sync::Arc;

/// A syntax or compile error with its location.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub span: Span,
    /// What would have been accepted there, when there were several choices.
    pub expected: Vec<String>,
    /// `SyntaxError`, or `SecurityError` for names ML code may not use.
    pub kind: crate::error::ErrorKind,
}

/// All errors found in one source file.
#[derive(Clone, Debug)]
pub struct CompileError {
    /// The file compiled.
    pub file: Arc<SourceFile>,
    /// Its errors, in source order (at most [`crate::syntax::parser::MAX_ERRORS`] from the parser).
    pub diagnostics: Vec<Diagnostic>,
}

impl CompileError {
    /// Every error with its source line and caret.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            let notes: Vec<String> = if d.expected.is_empty() {
                Vec::new()
            } else {
                vec![format!("expected one of: {}", d.expected.join(", "))]
            };
            let label = match d.kind {
                crate::error::ErrorKind::SecurityError => "security error",
                _ => "syntax error",
            };
            out.push_str(&self.file.render(label, &d.message, d.span, &notes));
        }
        out
    }

    /// The first error's 1-based line and column.
    pub fn first_location(&self) -> (u32, u32) {
        let lc = self.file.line_col(self.diagnostics[0].span.start);
        (lc.line, lc.column)
    }

    /// The first error's message.
    pub fn first_message(&self) -> &str {
        &self.diagnostics[0].message
    }

    /// The first error's kind: `SyntaxError` or `SecurityError`.
    pub fn first_kind(&self) -> crate::error::ErrorKind {
        self.diagnostics[0].kind
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.first_location();
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.name,
            line,
            col,
            self.first_message()
        )
    }
}

impl std::error::Error for CompileError {}

/// Compile options for code that joins an existing environment.
#[derive(Default)]
pub struct CompileOptions<'a> {
    /// Names already defined in the target environment (a session's globals).
    pub known_globals: Option<&'a dyn Fn(&str) -> bool>,
}

/// Parses and compiles a source file.
pub fn compile(file: Arc<SourceFile>) -> Result<Arc<Program>, CompileError> {
    compile_with(file, &CompileOptions::default())
}

/// Parses and compiles a source file with `options`.
pub fn compile_with(
    file: Arc<SourceFile>,
    options: &CompileOptions,
) -> Result<Arc<Program>, CompileError> {
    let ast = parse(&file).map_err(|errs| CompileError {
        file: file.clone(),
        diagnostics: errs.into_iter().map(from_syntax).collect(),
    })?;
    compile_ast(file, &ast, options)
}

fn from_syntax(e: SyntaxError) -> Diagnostic {
    Diagnostic {
        message: e.message,
        span: e.span,
        expected: e.expected,
        kind: crate::error::ErrorKind::SyntaxError,
    }
}

/// Compiles an already parsed file.
pub fn compile_ast(
    file: Arc<SourceFile>,
    ast: &crate::syntax::ast::Program,
    options: &CompileOptions,
) -> Result<Arc<Program>, CompileError> {
    let no_globals = |_: &str| false;
    let known = options.known_globals.unwrap_or(&no_globals);
    let tree = ScopeTree::build(ast, known);
    let mut c = Compiler {
        tree: &tree,
        protos: Vec::new(),
        globals: Vec::new(),
        global_index: HashMap::new(),
        errors: tree
            .errors
            .iter()
            .map(|(m, s)| Diagnostic {
                message: m.clone(),
                span: *s,
                expected: Vec::new(),
                kind: crate::error::ErrorKind::SyntaxError,
            })
            .collect(),
        capabilities: Vec::new(),
        funcs: Vec::new(),
    };
    for name in &tree.scopes[0].locals {
        let idx = c.global(name);
        c.globals[idx as usize].assigned = true;
    }
    c.protos.push(placeholder_proto());
    c.begin_function(0, "<main>", 0, Span::default());
    c.block(&ast.stmts);
    c.emit(Op::PushUndef, Span::default());
    c.emit(Op::Return, Span::default());
    let main = c.end_function();
    c.protos[0] = main;
    if !c.errors.is_empty() {
        return Err(CompileError {
            file,
            diagnostics: c.errors,
        });
    }
    Ok(Arc::new(Program::new(
        file,
        c.protos,
        c.globals,
        c.capabilities,
    )))
}

fn placeholder_proto() -> FuncProto {
    FuncProto {
        name: "".into(),
        nparams: 0,
        nlocals: 0,
        code: Vec::new(),
        spans: Vec::new(),
        arg_spans: Vec::new(),
        consts: Vec::new(),
        cells: Vec::new(),
        captures: Vec::new(),
        local_names: Vec::new(),
        span: Span::default(),
    }
}

/// How a name is reached from the current function.
#[derive(Clone, Copy)]
enum NameRef {
    Local(u32),
    Cell(u32),
    Free(u32),
    Global(u32),
}

struct LoopCtx {
    /// Where `continue` goes.
    continue_target: usize,
    break_jumps: Vec<usize>,
    /// Try contexts open when the loop started.
    try_depth: usize,
}

struct TryCtx<'a> {
    handler_active: bool,
    finally: Option<&'a Block>,
}

struct FuncState<'a> {
    scope: usize,
    proto: FuncProto,
    slots: HashMap<String, u32>,
    str_consts: HashMap<String, u32>,
    /// Numeric constants by kind and bits, so a loop's literals share one.
    num_consts: HashMap<(bool, u64), u32>,
    loops: Vec<LoopCtx>,
    tries: Vec<TryCtx<'a>>,
    /// Hidden slots for intermediate results of arithmetic (see
    /// [`Compiler::computed`]) free for the next one.
    free_temps: Vec<u32>,
    /// The last forward jump target patched (they only grow): whether
    /// some jump lands right after the last instruction emitted.
    last_target: Option<usize>,
}

struct Compiler<'a> {
    tree: &'a ScopeTree,
    protos: Vec<FuncProto>,
    globals: Vec<GlobalName>,
    global_index: HashMap<String, u32>,
    errors: Vec<Diagnostic>,
    capabilities: Vec<CapabilityDecl>,
    funcs: Vec<FuncState<'a>>,
}

impl<'a> Compiler<'a> {
    fn f(&mut self) -> &mut FuncState<'a> {
        self.funcs.last_mut().expect("function state")
    }

    fn error(&mut self, message: impl Into<String>, span: Span) {
        self.errors.push(Diagnostic {
            message: message.into(),
            span,
            expected: Vec::new(),
            kind: crate::error::ErrorKind::SyntaxError,
        });
    }

    /// As in mlpy, names starting with `__` (Python's internals) may not be
    /// read, called as members or declared as functions: a `SecurityError`
    /// before the program runs.
    fn check_dunder(&mut self, what: &str, name: &str, span: Span) {
        if name.starts_with("__") {
            self.errors.push(Diagnostic {
                message: format!("Dunder {what} '{name}' is forbidden in ML code"),
                span,
                expected: Vec::new(),
                kind: crate::error::ErrorKind::SecurityError,
            });
        }
    }

    fn global(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.global_index.get(name) {
            return i;
        }
        let i = self.globals.len() as u32;
        self.globals.push(GlobalName {
            name: name.into(),
            assigned: false,
        });
        self.global_index.insert(name.to_string(), i);
        i
    }

    fn begin_function(&mut self, scope: usize, name: &str, nparams: u32, span: Span) {
        let s = &self.tree.scopes[scope];
        let mut proto = placeholder_proto();
        proto.name = name.into();
        proto.nparams = nparams;
        proto.span = span;
        let mut slots = HashMap::new();
        if scope != 0 {
            for (i, local) in s.locals.iter().enumerate() {
                slots.insert(local.clone(), i as u32);
                proto.local_names.push(local.as_str().into());
                if s.captured.contains(local) {
                    proto.cells.push((i as u32, i < s.nparams));
                }
            }
        }
        proto.nlocals = proto.local_names.len() as u32;
        self.funcs.push(FuncState {
            scope,
            proto,
            slots,
            str_consts: HashMap::new(),
            num_consts: HashMap::new(),
            loops: Vec::new(),
            tries: Vec::new(),
            free_temps: Vec::new(),
            last_target: None,
        });
    }

    fn end_function(&mut self) -> FuncProto {
        let f = self.funcs.pop().expect("function state");
        f.proto
    }

    fn emit(&mut self, op: Op, span: Span) -> usize {
        let p = &mut self.f().proto;
        p.code.push(op);
        p.spans.push(span);
        p.code.len() - 1
    }

    fn here(&mut self) -> usize {
        self.f().proto.code.len()
    }

    fn patch(&mut self, at: usize) {
        let target = self.here() as u32;
        self.patch_to(at, target);
    }

    fn patch_to(&mut self, at: usize, target: u32) {
        self.f().last_target = Some(target as usize);
        let op = &mut self.f().proto.code[at];
        *op = match *op {
            Op::Jump(_) => Op::Jump(target),
            Op::JumpIfFalse(_) => Op::JumpIfFalse(target),
            Op::JumpIfTrue(_) => Op::JumpIfTrue(target),
            Op::JumpIfFalseOrPop(_) => Op::JumpIfFalseOrPop(target),
            Op::JumpIfTrueOrPop(_) => Op::JumpIfTrueOrPop(target),
            Op::PushHandler(_) => Op::PushHandler(target),
            Op::ForIter(slot, _) => Op::ForIter(slot, target),
            Op::RangeIter(argc, _) => Op::RangeIter(argc, target),
            Op::CmpLocalIntJump(c, s, i, _) => Op::CmpLocalIntJump(c, s, i, target),
            Op::CmpGlobalIntJump(c, s, i, _) => Op::CmpGlobalIntJump(c, s, i, target),
            other => other,
        };
    }

    fn temp(&mut self) -> u32 {
        let p = &mut self.f().proto;
        let slot = p.nlocals;
        p.nlocals += 1;
        p.local_names.push("<temp>".into());
        slot
    }

    fn str_const(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.f().str_consts.get(s) {
            return i;
        }
        let f = self.f();
        let i = f.proto.consts.len() as u32;
        f.proto.consts.push(Const::Str(s.into()));
        f.str_consts.insert(s.to_string(), i);
        i
    }

    fn add_const(&mut self, c: Const) -> u32 {
        let p = &mut self.f().proto;
        p.consts.push(c);
        p.consts.len() as u32 - 1
    }

    fn resolve(&mut self, name: &str) -> NameRef {
        let f = self.funcs.last().expect("function state");
        let scope = &self.tree.scopes[f.scope];
        if f.scope != 0 {
            if let Some(&slot) = f.slots.get(name) {
                return if scope.captured.contains(name) {
                    NameRef::Cell(slot)
                } else {
                    NameRef::Local(slot)
                };
            }
            if let Some(i) = scope.frees.get_index_of(name) {
                return NameRef::Free(i as u32);
            }
        }
        NameRef::Global(self.global(name))
    }

    fn num_const(&mut self, c: Const) -> u32 {
        let key = match c {
            Const::Int(i) => (false, i as u64),
            Const::Float(f) => (true, f.to_bits()),
            _ => return self.add_const(c),
        };
        if let Some(&i) = self.f().num_consts.get(&key) {
            return i;
        }
        let i = self.add_const(c);
        self.f().num_consts.insert(key, i);
        i
    }

    /// The operand `e` read in place by a fused instruction, when it is a
    /// plain variable or a literal (`None`: it must be computed first).
    fn direct(&mut self, e: &Expr) -> Option<Arg> {
        match &e.kind {
            // Dunder names go the long way, which reports them.
            ExprKind::Name(n) if !n.starts_with("__") => match self.resolve(n) {
                NameRef::Local(s) => Arg::new(ArgKind::Local, s),
                NameRef::Global(g) => Arg::new(ArgKind::Global, g),
                NameRef::Free(i) => Arg::new(ArgKind::Free, i),
                NameRef::Cell(_) => None,
            },
            ExprKind::Int(i) => Arg::new(ArgKind::Const, self.num_const(Const::Int(*i))),
            ExprKind::Float(f) => Arg::new(ArgKind::Const, self.num_const(Const::Float(*f))),
            ExprKind::Str(s) => Arg::new(ArgKind::Const, self.str_const(s)),
            ExprKind::Unary {
                op: UnaryOp::Neg,
                operand,
            } => match negate_literal(operand)? {
                Folded::Int(i) => Arg::new(ArgKind::Const, self.num_const(Const::Int(i))),
                Folded::Float(f) => Arg::new(ArgKind::Const, self.num_const(Const::Float(f))),
                Folded::Big(_) => None,
            },
            _ => None,
        }
    }

    /// Where an assignment to `name` can be written in place.
    fn direct_target(&mut self, name: &str) -> Option<Arg> {
        match self.resolve(name) {
            NameRef::Local(s) => Arg::new(ArgKind::Local, s),
            NameRef::Global(g) => Arg::new(ArgKind::Global, g),
            NameRef::Free(i) => Arg::new(ArgKind::Free, i),
            NameRef::Cell(_) => None,
        }
    }

    /// Operands of a binary operation, in Python's order: the left side is
    /// read in place only when the right one is too (so that computing the
    /// right side cannot change it, or fail before it); otherwise it is
    /// evaluated first into a temporary (or onto the stack). Arithmetic
    /// sub-expressions are computed into temporaries, so that a chain such
    /// as `zr * zr + zi * zi` never touches the value stack. The operands'
    /// temporaries are free again once the instruction that reads them is
    /// emitted (the callers emit it next).
    fn operands(&mut self, lhs: &'a Expr, rhs: &'a Expr) -> (Arg, Arg, [Span; 2]) {
        let b = self.direct(rhs);
        let a = match b {
            Some(_) => self.direct(lhs),
            // A literal cannot change or fail; a variable is read first.
            None => self.direct(lhs).filter(|a| a.kind() == ArgKind::Const),
        };
        let a = match a {
            Some(a) => a,
            None => self.computed(lhs),
        };
        let b = match b {
            Some(b) => b,
            None => self.computed(rhs),
        };
        self.release(a);
        self.release(b);
        (a, b, [lhs.span, rhs.span])
    }

    /// Evaluates `e` into a temporary slot when it is arithmetic or a
    /// variable (its value now), else onto the stack.
    fn computed(&mut self, e: &'a Expr) -> Arg {
        match &e.kind {
            ExprKind::Binary { op, lhs, rhs } if !is_stringy_add(e) => {
                let (a, b, spans) = self.operands(lhs, rhs);
                match self.expr_temp() {
                    Some(dst) => {
                        self.emit_fused(Op::bin(*op, dst, a, b), spans, e.span);
                        dst
                    }
                    None => {
                        self.emit_fused(Op::bin(*op, Arg::STACK, a, b), spans, e.span);
                        Arg::STACK
                    }
                }
            }
            ExprKind::Name(_) => match (self.direct(e), self.expr_temp()) {
                (Some(src), Some(dst)) => {
                    self.emit_fused(Op::Move(dst, src), [e.span; 2], e.span);
                    dst
                }
                (_, dst) => {
                    if let Some(dst) = dst {
                        self.release(dst);
                    }
                    self.expr(e);
                    Arg::STACK
                }
            },
            _ => {
                self.expr(e);
                Arg::STACK
            }
        }
    }

    /// A free temporary slot as an operand (`None` past the operand range).
    fn expr_temp(&mut self) -> Option<Arg> {
        let slot = match self.f().free_temps.pop() {
            Some(s) => s,
            None => self.temp(),
        };
        let arg = Arg::new(ArgKind::Temp, slot);
        if arg.is_none() {
            self.f().free_temps.push(slot);
        }
        arg
    }

    /// Frees `arg` when it is a temporary (its reader has been emitted).
    fn release(&mut self, arg: Arg) {
        if arg.kind() == ArgKind::Temp {
            self.f().free_temps.push(arg.index() as u32);
        }
    }

    /// Emits a fused instruction and the spans of its operands.
    fn emit_fused(&mut self, op: Op, arg_spans: [Span; 2], span: Span) -> usize {
        let at = self.emit(op, span);
        self.f().proto.arg_spans.push((at as u32, arg_spans));
        at
    }

    fn load_name(&mut self, name: &str, span: Span) {
        self.check_dunder("identifier", name, span);
        let op = match self.resolve(name) {
            NameRef::Local(s) => Op::LoadLocal(s),
            NameRef::Cell(s) => Op::LoadCell(s),
            NameRef::Free(i) => Op::LoadFree(i),
            NameRef::Global(g) => Op::LoadGlobal(g),
        };
        self.emit(op, span);
    }

    fn store_name(&mut self, name: &str, span: Span) {
        let op = match self.resolve(name) {
            NameRef::Local(s) => Op::StoreLocal(s),
            NameRef::Cell(s) => Op::StoreCell(s),
            NameRef::Free(i) => Op::StoreFree(i),
            NameRef::Global(g) => Op::StoreGlobal(g),
        };
        self.emit(op, span);
    }

    fn is_main(&self) -> bool {
        self.funcs.len() == 1
    }

    // ---- statements ----

    fn block(&mut self, stmts: &'a [Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, stmt: &'a Stmt) {
        let span = stmt.span;
        match &stmt.kind {
            StmtKind::Expr(e) => {
                self.expr(e);
                let op = if self.is_main() {
                    Op::SetResult
                } else {
                    Op::Pop
                };
                self.emit(op, span);
            }
            StmtKind::Assign { target, value } => self.assign(target, value, span),
            StmtKind::Destructure { pattern, value } => {
                self.expr(value);
                match pattern {
                    Pattern::Array(names) => {
                        self.emit(Op::UnpackSeq(names.len() as u32), span);
                        for n in names {
                            self.store_name(&n.name, n.span);
                        }
                    }
                    Pattern::Object(names) => {
                        let tmp = self.temp();
                        self.emit(Op::StoreLocal(tmp), span);
                        for n in names {
                            self.emit(Op::LoadLocal(tmp), span);
                            let k = self.str_const(&n.name);
                            self.emit(Op::PushConst(k), n.span);
                            self.emit(Op::Index, n.span);
                            self.store_name(&n.name, n.span);
                        }
                    }
                }
            }
            StmtKind::If {
                branches,
                else_block,
            } => {
                let mut ends = Vec::new();
                for (cond, body) in branches {
                    let skip = self.cond_jump(cond);
                    self.block(&body.stmts);
                    ends.push(self.emit(Op::Jump(0), span));
                    for j in skip {
                        self.patch(j);
                    }
                }
                if let Some(b) = else_block {
                    self.block(&b.stmts);
                }
                for j in ends {
                    self.patch(j);
                }
            }
            StmtKind::While { cond, body } => {
                let top = self.here();
                let exit = self.cond_jump(cond);
                let try_depth = self.f().tries.len();
                self.f().loops.push(LoopCtx {
                    continue_target: top,
                    break_jumps: Vec::new(),
                    try_depth,
                });
                let body_top = self.here();
                self.block(&body.stmts);
                let more = if compiles_quietly(cond) {
                    self.loop_back(cond, body_top, span)
                } else {
                    self.emit(Op::Loop(top as u32), span);
                    Vec::new()
                };
                for j in exit.into_iter().chain(more) {
                    self.patch(j);
                }
                let lp = self.f().loops.pop().expect("loop");
                for j in lp.break_jumps {
                    self.patch(j);
                }
            }
            StmtKind::For { var, iter, body } => {
                self.iterable(iter);
                let it = self.temp();
                self.emit(Op::StoreLocal(it), iter.span);
                let top = self.here();
                let next = self.emit(Op::ForIter(it, 0), iter.span);
                self.store_name(&var.name, var.span);
                let try_depth = self.f().tries.len();
                self.f().loops.push(LoopCtx {
                    continue_target: top,
                    break_jumps: Vec::new(),
                    try_depth,
                });
                self.block(&body.stmts);
                self.emit(Op::Loop(top as u32), span);
                self.patch(next);
                let lp = self.f().loops.pop().expect("loop");
                for j in lp.break_jumps {
                    self.patch(j);
                }
                // Release the iterator (and what it holds) promptly.
                self.emit(Op::PushNull, span);
                self.emit(Op::StoreLocal(it), span);
            }
            StmtKind::Try {
                body,
                handlers,
                finally,
            } => self.try_stmt(body, handlers, finally.as_ref(), span),
            StmtKind::Throw(e) => {
                self.expr(e);
                self.emit(Op::Throw, span);
            }
            StmtKind::Return(Some(Expr {
                kind: ExprKind::Name(n),
                ..
            })) if self.f().tries.is_empty() && !self.is_main() => match self.resolve(n) {
                NameRef::Local(slot) => {
                    self.check_dunder("identifier", n, span);
                    self.emit(Op::ReturnLocal(slot), span);
                }
                _ => {
                    self.load_name(n, span);
                    self.emit(Op::Return, span);
                }
            },
            StmtKind::Return(e) => {
                match e {
                    Some(e) => self.expr(e),
                    None => {
                        self.emit(Op::PushNull, span);
                    }
                }
                self.exit_tries(0);
                self.emit(Op::Return, span);
            }
            StmtKind::Break | StmtKind::Continue => {
                let is_break = matches!(stmt.kind, StmtKind::Break);
                let Some(lp) = self.f().loops.last() else {
                    let word = if is_break { "break" } else { "continue" };
                    self.error(format!("'{word}' outside loop"), span);
                    return;
                };
                let (depth, target) = (lp.try_depth, lp.continue_target);
                self.exit_tries(depth);
                if is_break {
                    let j = self.emit(Op::Jump(0), span);
                    self.f().loops.last_mut().expect("loop").break_jumps.push(j);
                } else {
                    self.emit(Op::Loop(target as u32), span);
                }
            }
            StmtKind::Nonlocal(_) => {}
            StmtKind::Function(def) => {
                let name = def
                    .name
                    .as_ref()
                    .map(|n| n.name.as_str())
                    .unwrap_or("<anonymous>");
                self.check_dunder("function name", name, span);
                self.function(def, name);
                self.store_name(name, span);
            }
            StmtKind::Import { path, alias } => {
                let dotted: Vec<&str> = path.iter().map(|p| p.name.as_str()).collect();
                let k = self.str_const(&dotted.join("."));
                // `import a.b.c;` binds `a`; `import a.b.c as x;` binds the leaf.
                let (binding, op) = match alias {
                    Some(a) => (a.name.clone(), Op::Import(k)),
                    None if path.len() > 1 => (path[0].name.clone(), Op::ImportRoot(k)),
                    None => (path[0].name.clone(), Op::Import(k)),
                };
                self.emit(op, span);
                self.store_name(&binding, span);
            }
            StmtKind::Capability(decl) => self.capabilities.push(decl.clone()),
        }
    }

    /// Emits pops of handlers and inline `finally` bodies for every try
    /// context deeper than `depth` (innermost first), for a jump out.
    fn exit_tries(&mut self, depth: usize) {
        let n = self.f().tries.len();
        for i in (depth..n).rev() {
            let (active, finally) = {
                let t = &self.f().tries[i];
                (t.handler_active, t.finally)
            };
            if active {
                self.emit(Op::PopHandler, Span::default());
            }
            if let Some(fin) = finally {
                let saved: Vec<TryCtx<'a>> = self.f().tries.drain(i..).collect();
                self.block(&fin.stmts);
                self.f().tries.extend(saved);
            }
        }
    }

    fn try_stmt(
        &mut self,
        body: &'a Block,
        handlers: &'a [ExceptClause],
        finally: Option<&'a Block>,
        span: Span,
    ) {
        let handler = handlers.first();
        if handler.is_none() && finally.is_none() {
            self.block(&body.stmts);
            return;
        }
        let h1 = self.emit(Op::PushHandler(0), span);
        self.f().tries.push(TryCtx {
            handler_active: true,
            finally,
        });
        self.block(&body.stmts);
        self.f().tries.pop();
        self.emit(Op::PopHandler, span);
        if let Some(fin) = finally {
            self.block(&fin.stmts);
        }
        let mut ends = vec![self.emit(Op::Jump(0), span)];
        self.patch(h1);
        // Error value on the stack.
        match handler {
            Some(h) => {
                match &h.name {
                    Some(n) => self.store_name(&n.name, n.span),
                    None => {
                        self.emit(Op::Pop, h.span);
                    }
                }
                let h2 = finally.map(|_| self.emit(Op::PushHandler(0), h.span));
                self.f().tries.push(TryCtx {
                    handler_active: finally.is_some(),
                    finally,
                });
                self.block(&h.body.stmts);
                self.f().tries.pop();
                if let (Some(fin), Some(h2)) = (finally, h2) {
                    self.emit(Op::PopHandler, h.span);
                    self.block(&fin.stmts);
                    ends.push(self.emit(Op::Jump(0), span));
                    self.patch(h2);
                    self.finally_reraise(fin, span);
                }
            }
            None => {
                let fin = finally.expect("finally");
                self.finally_reraise(fin, span);
            }
        }
        for j in ends {
            self.patch(j);
        }
    }

    /// Error on the stack: run `finally`, then raise the error again.
    fn finally_reraise(&mut self, fin: &'a Block, span: Span) {
        let tmp = self.temp();
        self.emit(Op::StoreLocal(tmp), span);
        self.block(&fin.stmts);
        self.emit(Op::LoadLocal(tmp), span);
        self.emit(Op::Reraise, span);
    }

    /// Compiles a condition and returns the jumps taken when it is false.
    /// `name <cmp> int` with a plain local or a global: the operands of a
    /// fused compare-and-branch.
    fn cmp_int(&mut self, cond: &Expr) -> Option<(Cmp, NameRef, i32)> {
        let ExprKind::Binary { op, lhs, rhs } = &cond.kind else {
            return None;
        };
        let cmp = match op {
            BinOp::Lt => Cmp::Lt,
            BinOp::Le => Cmp::Le,
            BinOp::Gt => Cmp::Gt,
            BinOp::Ge => Cmp::Ge,
            _ => return None,
        };
        let (ExprKind::Name(n), ExprKind::Int(k)) = (&lhs.kind, &rhs.kind) else {
            return None;
        };
        let k = i32::try_from(*k).ok()?;
        match self.resolve(n) {
            r @ (NameRef::Local(_) | NameRef::Global(_)) => Some((cmp, r, k)),
            _ => None,
        }
    }

    /// A `while` condition again at the end of the body: jumps back to
    /// `target` (the top of the body, through a `Loop` with its interrupt
    /// check) while it holds. Returns the jumps that leave the loop.
    fn loop_back(&mut self, cond: &'a Expr, target: usize, span: Span) -> Vec<usize> {
        let mut exits = Vec::new();
        match self.cmp_int(cond) {
            Some((cmp, NameRef::Local(slot), k)) => match self.take_step(NameRef::Local(slot)) {
                Some((step, at)) => {
                    let op = Op::AddLoopIfLocalInt(cmp, slot, step, k);
                    self.emit_fused(op, [at, cond.span], cond.span);
                }
                None => {
                    self.emit(Op::LoopIfLocalInt(cmp, slot, k), cond.span);
                }
            },
            Some((cmp, NameRef::Global(g), k)) => match self.take_step(NameRef::Global(g)) {
                Some((step, at)) => {
                    let op = Op::AddLoopIfGlobalInt(cmp, g, step, k);
                    self.emit_fused(op, [at, cond.span], cond.span);
                }
                None => {
                    self.emit(Op::LoopIfGlobalInt(cmp, g, k), cond.span);
                }
            },
            _ => match &cond.kind {
                ExprKind::Logic {
                    op: LogicOp::And,
                    lhs,
                    rhs,
                } => {
                    exits = self.cond_jump(lhs);
                    exits.extend(self.loop_back(rhs, target, span));
                    return exits;
                }
                _ => match comparison(cond) {
                    Some((op, lhs, rhs)) => {
                        let (a, b, spans) = self.operands(lhs, rhs);
                        self.emit_fused(Op::Test(op, true, a, b), spans, cond.span);
                    }
                    None => exits = self.cond_jump(cond),
                },
            },
        }
        self.emit(Op::Loop(target as u32), span);
        exits
    }

    /// The `x = x + step` of `var` that the body just ended with (an
    /// `AddLocalInt` or `AddGlobalInt` no jump lands after), taken back
    /// out for the loop condition on `var` to do: its step and span.
    fn take_step(&mut self, var: NameRef) -> Option<(i32, Span)> {
        let here = self.here();
        let f = self.f();
        if f.last_target == Some(here) {
            return None;
        }
        let step = match (f.proto.code.last()?, var) {
            (&Op::AddLocalInt(s, k), NameRef::Local(v)) if s == v => k,
            (&Op::AddGlobalInt(g, k), NameRef::Global(v)) if g == v => k,
            _ => return None,
        };
        f.proto.code.pop();
        let span = f.proto.spans.pop()?;
        Some((step, span))
    }

    fn cond_jump(&mut self, cond: &'a Expr) -> Vec<usize> {
        // Fused compare-and-branch for `name <cmp> int`.
        match self.cmp_int(cond) {
            Some((cmp, NameRef::Local(slot), k)) => {
                return vec![self.emit(Op::CmpLocalIntJump(cmp, slot, k, 0), cond.span)]
            }
            Some((cmp, NameRef::Global(g), k)) => {
                return vec![self.emit(Op::CmpGlobalIntJump(cmp, g, k, 0), cond.span)]
            }
            _ => {}
        }
        match &cond.kind {
            ExprKind::Logic {
                op: LogicOp::And,
                lhs,
                rhs,
            } => {
                let mut jumps = self.cond_jump(lhs);
                jumps.extend(self.cond_jump(rhs));
                jumps
            }
            _ => match comparison(cond) {
                Some((op, lhs, rhs)) => {
                    let (a, b, spans) = self.operands(lhs, rhs);
                    self.emit_fused(Op::Test(op, false, a, b), spans, cond.span);
                    vec![self.emit(Op::Jump(0), cond.span)]
                }
                None => {
                    self.expr(cond);
                    vec![self.emit(Op::JumpIfFalse(0), cond.span)]
                }
            },
        }
    }

    fn assign(&mut self, target: &'a Target, value: &'a Expr, span: Span) {
        match target {
            Target::Name(id) => {
                // `x = x + k` on a plain local: one fused instruction.
                if let ExprKind::Binary {
                    op: BinOp::Add,
                    lhs,
                    rhs,
                } = &value.kind
                {
                    if let (ExprKind::Name(n), ExprKind::Int(k)) = (&lhs.kind, &rhs.kind) {
                        if n == &id.name {
                            if let Ok(k) = i32::try_from(*k) {
                                match self.resolve(n) {
                                    NameRef::Local(slot) => {
                                        self.emit(Op::AddLocalInt(slot, k), value.span);
                                        return;
                                    }
                                    NameRef::Global(g) => {
                                        self.emit(Op::AddGlobalInt(g, k), value.span);
                                        return;
                                    }
                                    _ => {}
                                }
                            }
                        }
                    }
                }
                match &value.kind {
                    ExprKind::Function(def) if def.name.is_none() => self.function(def, &id.name),
                    ExprKind::Binary { op, lhs, rhs } if !is_stringy_add(value) => {
                        if let Some(dst) = self.direct_target(&id.name) {
                            let (a, b, spans) = self.operands(lhs, rhs);
                            self.emit_fused(Op::bin(*op, dst, a, b), spans, value.span);
                            return;
                        }
                        self.expr(value);
                    }
                    _ => match (self.direct(value), self.direct_target(&id.name)) {
                        (Some(src), Some(dst)) => {
                            self.emit_fused(Op::Move(dst, src), [value.span; 2], value.span);
                            return;
                        }
                        _ => self.expr(value),
                    },
                }
                self.store_name(&id.name, span);
            }
            Target::Index { object, index } => {
                self.expr(value);
                self.expr(object);
                self.expr(index);
                self.emit(Op::StoreIndex, span);
            }
            Target::Slice {
                object,
                start,
                stop,
                step,
            } => {
                self.expr(value);
                self.expr(object);
                let mask = self.slice_parts(start.as_ref(), stop.as_ref(), step.as_ref());
                self.emit(Op::StoreSlice(mask), span);
            }
            Target::Member { object, name } => {
                self.expr(value);
                self.expr(object);
                let k = self.str_const(&name.name);
                self.emit(Op::StoreMember(k), span);
            }
        }
    }

    fn slice_parts(
        &mut self,
        start: Option<&'a Expr>,
        stop: Option<&'a Expr>,
        step: Option<&'a Expr>,
    ) -> u8 {
        let mut mask = 0;
        for (bit, part) in [start, stop, step].into_iter().enumerate() {
            if let Some(e) = part {
                self.expr(e);
                mask |= 1 << bit;
            }
        }
        mask
    }

    fn function(&mut self, def: &'a FuncDef, name: &str) {
        let Some(&scope) = self.tree.by_def.get(&def_key(def)) else {
            self.error("internal error: function scope missing", def.span);
            return;
        };
        self.begin_function(scope, name, def.params.len() as u32, def.span);
        match &def.body {
            FuncBody::Block(b) => {
                self.block(&b.stmts);
                self.emit(Op::PushNull, b.span);
                self.emit(Op::Return, b.span);
            }
            FuncBody::Expr(e) => {
                self.expr(e);
                self.emit(Op::Return, e.span);
            }
        }
        let mut proto = self.end_function();
        // Where each free variable comes from in the creating function.
        let frees: Vec<String> = self.tree.scopes[scope].frees.iter().cloned().collect();
        for free in frees {
            let cap = match self.resolve(&free) {
                NameRef::Cell(slot) => Capture::Local(slot),
                NameRef::Free(i) => Capture::Free(i),
                _ => {
                    self.error(format!("internal error: cannot capture '{free}'"), def.span);
                    Capture::Free(0)
                }
            };
            proto.captures.push(cap);
        }
        let index = self.protos.len() as u32;
        self.protos.push(proto);
        self.emit(Op::MakeClosure(index), def.span);
    }

    // ---- expressions ----

    fn expr(&mut self, e: &'a Expr) {
        let span = e.span;
        match &e.kind {
            ExprKind::Null => {
                self.emit(Op::PushNull, span);
            }
            ExprKind::Bool(true) => {
                self.emit(Op::PushTrue, span);
            }
            ExprKind::Bool(false) => {
                self.emit(Op::PushFalse, span);
            }
            ExprKind::Int(i) => self.int(*i, span),
            ExprKind::BigInt(b) => {
                let k = self.add_const(Const::Big(b.clone()));
                self.emit(Op::PushConst(k), span);
            }
            ExprKind::Float(f) => {
                let k = self.add_const(Const::Float(*f));
                self.emit(Op::PushConst(k), span);
            }
            ExprKind::Str(s) => {
                let k = self.str_const(s);
                self.emit(Op::PushConst(k), span);
            }
            ExprKind::Name(n) => self.load_name(n, span),
            ExprKind::Array(items) => {
                for item in items {
                    self.expr(item);
                }
                self.emit(Op::MakeArray(items.len() as u32), span);
            }
            ExprKind::Object(props) => {
                for (key, value) in props {
                    let k = self.str_const(&key.name);
                    self.emit(Op::PushConst(k), key.span);
                    self.expr(value);
                }
                self.emit(Op::MakeObject(props.len() as u32), span);
            }
            ExprKind::Unary { op, operand } => {
                if let (UnaryOp::Neg, Some(folded)) = (op, negate_literal(operand)) {
                    match folded {
                        Folded::Int(i) => self.int(i, span),
                        Folded::Float(f) => {
                            let k = self.add_const(Const::Float(f));
                            self.emit(Op::PushConst(k), span);
                        }
                        Folded::Big(b) => {
                            let k = self.add_const(Const::Big(b));
                            self.emit(Op::PushConst(k), span);
                        }
                    }
                    return;
                }
                self.expr(operand);
                let op = match op {
                    UnaryOp::Neg => Op::Neg,
                    UnaryOp::Plus => Op::Pos,
                    UnaryOp::Not => Op::Not,
                };
                self.emit(op, span);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                // `local ± int`: one fused instruction.
                if let (BinOp::Add | BinOp::Sub, ExprKind::Name(n), ExprKind::Int(k)) =
                    (op, &lhs.kind, &rhs.kind)
                {
                    let k = if *op == BinOp::Sub {
                        k.checked_neg()
                    } else {
                        Some(*k)
                    };
                    if let (NameRef::Local(slot), Some(Ok(k))) =
                        (self.resolve(n), k.map(i32::try_from))
                    {
                        self.emit(Op::LoadLocalAddInt(slot, k), span);
                        return;
                    }
                }
                if *op == BinOp::Add && is_stringy_add(e) {
                    self.expr(lhs);
                    self.expr(rhs);
                    self.emit(Op::AddStr, span);
                    return;
                }
                let (a, b, spans) = self.operands(lhs, rhs);
                self.emit_fused(Op::bin(*op, Arg::STACK, a, b), spans, span);
            }
            ExprKind::Logic { op, lhs, rhs } => {
                self.expr(lhs);
                let j = match op {
                    LogicOp::And => self.emit(Op::JumpIfFalseOrPop(0), span),
                    LogicOp::Or => self.emit(Op::JumpIfTrueOrPop(0), span),
                };
                self.expr(rhs);
                self.patch(j);
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond);
                let skip = self.emit(Op::JumpIfFalse(0), span);
                self.expr(then);
                let end = self.emit(Op::Jump(0), span);
                self.patch(skip);
                self.expr(otherwise);
                self.patch(end);
            }
            ExprKind::Index { object, index } => {
                self.expr(object);
                self.expr(index);
                self.emit(Op::Index, span);
            }
            ExprKind::Slice {
                object,
                start,
                stop,
                step,
            } => {
                self.expr(object);
                let mask = self.slice_parts(start.as_deref(), stop.as_deref(), step.as_deref());
                self.emit(Op::Slice(mask), span);
            }
            ExprKind::Member { object, name } => {
                self.check_dunder("member access", &name.name, name.span);
                self.expr(object);
                let k = self.str_const(&name.name);
                self.emit(Op::GetMember(k), span);
            }
            ExprKind::Call { callee, args } => {
                if let ExprKind::Member { object, name } = &callee.kind {
                    self.check_dunder("member access", &name.name, name.span);
                    self.expr(object);
                    for a in args {
                        self.expr(a);
                    }
                    let k = self.str_const(&name.name);
                    self.emit(Op::CallMethod(k, args.len() as u32), span);
                } else {
                    self.expr(callee);
                    for a in args {
                        self.expr(a);
                    }
                    self.emit(Op::Call(args.len() as u32), span);
                }
            }
            ExprKind::Function(def) => self.function(def, "<lambda>"),
        }
    }

    /// Pushes an iterator over `iter`. A call of a plain name may be a
    /// call of `range`, which the VM then iterates lazily (`Op::RangeIter`).
    fn iterable(&mut self, iter: &'a Expr) {
        match &iter.kind {
            ExprKind::Call { callee, args } if matches!(callee.kind, ExprKind::Name(_)) => {
                self.expr(callee);
                for a in args {
                    self.expr(a);
                }
                let argc = args.len() as u32;
                let lazy = self.emit(Op::RangeIter(argc, 0), iter.span);
                self.emit(Op::Call(argc), iter.span);
                self.emit(Op::GetIter, iter.span);
                self.patch(lazy);
            }
            _ => {
                self.expr(iter);
                self.emit(Op::GetIter, iter.span);
            }
        }
    }

    fn int(&mut self, i: i64, span: Span) {
        match i32::try_from(i) {
            Ok(small) => {
                self.emit(Op::PushInt(small), span);
            }
            Err(_) => {
                let k = self.add_const(Const::Int(i));
                self.emit(Op::PushConst(k), span);
            }
        }
    }
}

enum Folded {
    Int(i64),
    Float(f64),
    Big(num_bigint::BigInt),
}

fn negate_literal(e: &Expr) -> Option<Folded> {
    use num_traits::ToPrimitive;
    match &e.kind {
        ExprKind::Int(i) => Some(match i.checked_neg() {
            Some(n) => Folded::Int(n),
            None => Folded::Big(-num_bigint::BigInt::from(*i)),
        }),
        ExprKind::Float(f) => Some(Folded::Float(-f)),
        ExprKind::BigInt(b) => {
            let n = -b.clone();
            Some(match n.to_i64() {
                Some(i) => Folded::Int(i),
                None => Folded::Big(n),
            })
        }
        _ => None,
    }
}

/// mlpy's compile-time string rule (section 5.1): a `+` whose operand is a
/// string literal, or a `+` containing one, concatenates displays.
/// Can `e` be compiled twice with no difference but the code: no compile
/// errors to report twice, no function to define twice. A `while`
/// condition that can is compiled again at the end of the body.
fn compiles_quietly(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_) => true,
        ExprKind::Name(n) => !n.starts_with("__"),
        ExprKind::Unary { operand, .. } => compiles_quietly(operand),
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::Logic { lhs, rhs, .. } => {
            compiles_quietly(lhs) && compiles_quietly(rhs)
        }
        _ => false,
    }
}

fn is_stringy_add(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Binary {
            op: BinOp::Add,
            lhs,
            rhs,
        } => {
            matches!(lhs.kind, ExprKind::Str(_))
                || matches!(rhs.kind, ExprKind::Str(_))
                || is_stringy_add(lhs)
                || is_stringy_add(rhs)
        }
        _ => false,
    }
}

/// `lhs <cmp> rhs` when `cond` is a comparison: the branch forms of
/// `while` and `if` compile it into one fused [`Op::Test`].
fn comparison(cond: &Expr) -> Option<(BinOp, &Expr, &Expr)> {
    match &cond.kind {
        ExprKind::Binary {
            op: op @ (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Gt | BinOp::Le | BinOp::Ge),
            lhs,
            rhs,
        } => Some((*op, lhs, rhs)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::capability::GrantSet;
    use crate::host::Host;
    use crate::syntax::SourceFile;
    use crate::vm::{Limits, Vm};
    use std::sync::Arc;

    /// How running `src` fails: kind, line, column, message and rendering.
    fn failure(src: &str) -> (String, Option<u32>, Option<u32>, String, String) {
        let program = super::compile(Arc::new(SourceFile::new("t.ml", src))).expect("compiles");
        let mut vm = Vm::new(
            Host::captured(),
            Arc::new(GrantSet::all()),
            Limits::default(),
        );
        let info = vm.run(&program).err().expect("fails").info();
        (
            info.kind,
            info.line,
            info.column,
            info.message,
            info.rendered,
        )
    }

    #[test]
    fn a_while_condition_fails_alike_before_the_first_iteration_and_after_one() {
        // The condition is compiled twice: before the body and again at
        // its end (`loop_back`). `x` is a string at the first check in
        // the first program, only at the second check in the other.
        for cond in [
            "x < 3",
            "x - 1 < y",
            "x >= 0 && x - 1 < y",
            "y > 0 && x < 3",
        ] {
            let at_first = failure(&format!(
                "y = 1;\nx = \"a\";\nwhile ({cond}) {{ x = \"a\"; }}"
            ));
            let at_second = failure(&format!("y = 1;\nx = 0;\nwhile ({cond}) {{ x = \"a\"; }}"));
            assert_eq!(at_first.0, "TypeError", "{cond}");
            assert_eq!(at_first, at_second, "{cond}");
        }
    }

    fn result(src: &str) -> String {
        let program = super::compile(Arc::new(SourceFile::new("t.ml", src))).expect("compiles");
        let mut vm = Vm::new(
            Host::captured(),
            Arc::new(GrantSet::all()),
            Limits::default(),
        );
        crate::value::py_repr(&vm.run(&program).expect("runs").value)
    }

    #[test]
    fn a_counting_loop_steps_in_its_condition_and_keeps_exact_integers() {
        let near = i64::MAX - 2;
        for (var, wrap) in [
            ("i", ("", "")),
            ("j", ("function f() {", "return j; } f();")),
        ] {
            let src = format!(
                "{}{var} = {near}; n = 0;\nwhile ({var} > 0) {{ n = n + 1; if (n > 4) {{ break; }} {var} = {var} + 1; }}\n{}",
                wrap.0,
                if wrap.1.is_empty() { format!("{var};") } else { wrap.1.to_string() }
            );
            let program =
                super::compile(Arc::new(SourceFile::new("t.ml", &src))).expect("compiles");
            assert!(program.disassemble().contains("AddLoopIf"), "{src}");
            // Past i64::MAX the step goes on exactly, as a big integer.
            assert_eq!(result(&src), (near as i128 + 4).to_string(), "{src}");
        }
        // A step inside a branch stays a separate instruction.
        let src =
            "i = 0; k = 0;\nwhile (i < 10) { k = k + 1; if (k % 2 == 0) { i = i + 1; } }\n[i, k];";
        assert_eq!(result(src), "[10, 20]");
        let program = super::compile(Arc::new(SourceFile::new("t.ml", src))).expect("compiles");
        assert!(!program.disassemble().contains("AddLoopIf"));
    }
}
