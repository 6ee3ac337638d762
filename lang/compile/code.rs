//! Bytecode: the instruction set and compiled programs.
//!
//! A [`Program`] is immutable plain data (`Send + Sync`): one compile serves
//! many runs on many threads. Each run materialises its constants and links
//! its global names into its own environment.

pub use crate::syntax::ast::BinOp;
use crate::syntax::ast::CapabilityDecl;
use crate::syntax::{SourceFile, Span};
use num_bigint::BigInt;
use std::sync::Arc;

/// One VM instruction. Operands are slot, constant or jump indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Pushes `null`.
    PushNull,
    /// The main program's implicit end (distinguishes it from `return`).
    PushUndef,
    /// Pushes `true`.
    PushTrue,
    /// Pushes `false`.
    PushFalse,
    /// Pushes a small integer.
    PushInt(i32),
    /// Pushes constant `n` of the function.
    PushConst(u32),
    /// Drops the top of the stack.
    Pop,
    /// Pushes local slot `n`.
    LoadLocal(u32),
    /// Pops into local slot `n`.
    StoreLocal(u32),
    /// A local captured by an inner function: its slot holds a cell.
    LoadCell(u32),
    /// Pops into the cell in local slot `n`.
    StoreCell(u32),
    /// A variable of an enclosing function, through the closure's cells.
    LoadFree(u32),
    /// Pops into captured variable `n`.
    StoreFree(u32),
    /// Pushes global `n` (or the builtin of that name while it is unassigned).
    LoadGlobal(u32),
    /// Pops into global `n`.
    StoreGlobal(u32),
    /// `dst = a <op> b` for arithmetic and comparisons, its operands read
    /// where they live (see [`Arg`]): one instruction for `s = s + i % 7`'s
    /// outer `+`, no pushes for variables and constants.
    Bin(BinOp, Arg, Arg, Arg),
    /// `dst = a + b`: [`Op::Bin`] of the four arithmetic operators float
    /// code is made of are their own instructions (see [`Op::bin`]): one
    /// dispatch instead of two, the operator known where it is computed.
    Add(Arg, Arg, Arg),
    /// `dst = a - b` (see [`Op::Add`]).
    Sub(Arg, Arg, Arg),
    /// `dst = a * b` (see [`Op::Add`]).
    Mul(Arg, Arg, Arg),
    /// `dst = a / b` (see [`Op::Add`]).
    Div(Arg, Arg, Arg),
    /// The comparison `a <op> b` of a branch: when it equals the flag, jump
    /// to the target of the `Jump` that follows; otherwise skip that jump.
    /// At the end of a `while` body (see [`Op::LoopIfLocalInt`]) a `Loop`
    /// follows instead, taken with its interrupt check.
    Test(BinOp, bool, Arg, Arg),
    /// `dst = src`.
    Move(Arg, Arg),
    /// `+` under the string rule: concatenates the displays of both sides.
    AddStr,
    /// `-x`.
    Neg,
    /// `+x`.
    Pos,
    /// `!x`.
    Not,
    /// Jumps to instruction `n`.
    Jump(u32),
    /// A backward jump: checks the interrupt flag and deadline.
    Loop(u32),
    /// Pops; jumps when it is falsy.
    JumpIfFalse(u32),
    /// Pops; jumps when it is truthy.
    JumpIfTrue(u32),
    /// `&&`: jump keeping the operand when falsy, else pop it.
    JumpIfFalseOrPop(u32),
    /// `||`: jump keeping the operand when truthy, else pop it.
    JumpIfTrueOrPop(u32),
    /// Pops `n` items into a new array.
    MakeArray(u32),
    /// `n` key/value pairs on the stack (keys are string constants).
    MakeObject(u32),
    /// Stack: object, index; pushes `object[index]`.
    Index,
    /// Stack: value, object, index.
    StoreIndex,
    /// Bit 0: start, bit 1: stop, bit 2: step present on the stack.
    Slice(u8),
    /// Stack: value, object, then the present bounds.
    StoreSlice(u8),
    /// Replaces an object with its member named by string constant `n`.
    GetMember(u32),
    /// Stack: value, object.
    StoreMember(u32),
    /// Calls the callee below `n` arguments, replacing them with the result.
    Call(u32),
    /// Method call: receiver and args on the stack; operand 0 is the name.
    CallMethod(u32, u32),
    /// Returns the top of the stack to the caller.
    Return,
    /// Pushes a closure of prototype `n`, capturing as it declares.
    MakeClosure(u32),
    /// Replaces the top of the stack with an iterator over it.
    GetIter,
    /// `for (x in f(args))`: when the callee below the `n` arguments is
    /// the `range` builtin, replaces callee and arguments with a lazy
    /// iterator over the range and jumps to the target (past the call and
    /// `GetIter`); otherwise does nothing. The array `range` would build is
    /// never visible to the program, so only memory and time differ.
    RangeIter(u32, u32),
    /// Iterator in the local slot; pushes the next item or jumps when done.
    ForIter(u32, u32),
    /// Installs an exception handler at the target.
    PushHandler(u32),
    /// Removes the innermost handler.
    PopHandler,
    /// `throw {...}`: pops the object.
    Throw,
    /// Pops a caught error value and raises it again.
    Reraise,
    /// Pops a sequence of exactly n items and pushes them, first on top.
    UnpackSeq(u32),
    /// Pushes the module named by the string constant.
    Import(u32),
    /// `import a.b.c;`: pushes the namespace bound to `a`.
    ImportRoot(u32),
    /// Top-level expression statement: pops into the program result.
    SetResult,
    // Fused instructions for hot loops.
    /// `local <cmp> int`: jump to the target when false.
    CmpLocalIntJump(Cmp, u32, i32, u32),
    /// `global <cmp> int`: jump to the target when false.
    CmpGlobalIntJump(Cmp, u32, i32, u32),
    /// The end of a `while` body, its condition `local <cmp> int` compiled
    /// again: while it holds, takes the `Loop` that follows (its interrupt
    /// check, then back to the top of the body) without dispatching it;
    /// otherwise skips it and leaves the loop. One instruction per
    /// iteration fewer than jumping back to the condition at the top.
    LoopIfLocalInt(Cmp, u32, i32),
    /// `global <cmp> int` at the end of a `while` body (see
    /// [`Op::LoopIfLocalInt`]).
    LoopIfGlobalInt(Cmp, u32, i32),
    /// `local = local + step` ending a `while` body whose condition is
    /// `local <cmp> int` (operands: cmp, slot, step, int): the step, then
    /// [`Op::LoopIfLocalInt`]. One dispatch per iteration fewer for the
    /// counting loop; the step's errors point at the step (its operand
    /// span 0), the comparison's at the condition.
    AddLoopIfLocalInt(Cmp, u32, i32, i32),
    /// `global = global + step` ending a `while` body, fused with its
    /// `global <cmp> int` condition (see [`Op::AddLoopIfLocalInt`]).
    AddLoopIfGlobalInt(Cmp, u32, i32, i32),
    /// `local = local + int`.
    AddLocalInt(u32, i32),
    /// `global = global + int`.
    AddGlobalInt(u32, i32),
    /// Pushes `local + int` (also `local - int`).
    LoadLocalAddInt(u32, i32),
    /// `return local;`
    ReturnLocal(u32),
}

impl Op {
    /// `dst = a <op> b`: the operator's own instruction where it has one.
    pub fn bin(op: BinOp, dst: Arg, a: Arg, b: Arg) -> Op {
        match op {
            BinOp::Add => Op::Add(dst, a, b),
            BinOp::Sub => Op::Sub(dst, a, b),
            BinOp::Mul => Op::Mul(dst, a, b),
            BinOp::Div => Op::Div(dst, a, b),
            _ => Op::Bin(op, dst, a, b),
        }
    }
}

/// Where an operand of [`Op::Bin`], [`Op::Test`] or [`Op::Move`] is read
/// (or its result written): the value stack (popped or pushed), a plain
/// local slot, a global, a constant, or a captured variable. Packed in 32
/// bits: 3 of kind, 29 of index.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Arg(u32);

/// Where an [`Arg`] lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// Popped from or pushed to the value stack.
    Stack,
    /// A plain local slot.
    Local,
    /// A global.
    Global,
    /// A constant of the function.
    Const,
    /// A captured variable.
    Free,
    /// A hidden slot of the frame holding an intermediate result (see
    /// `Compiler::computed`): read like a local, but a reader that keeps
    /// the value takes it out, so the slot holds no reference afterwards.
    Temp,
}

impl Arg {
    /// The value stack.
    pub const STACK: Arg = Arg(0);
    const SHIFT: u32 = 29;
    const MASK: u32 = (1 << Arg::SHIFT) - 1;

    /// `None` when the index does not fit (the operand then goes through
    /// the stack).
    pub fn new(kind: ArgKind, index: u32) -> Option<Arg> {
        (index <= Arg::MASK).then_some(Arg(((kind as u32) << Arg::SHIFT) | index))
    }
    /// Where the operand lives.
    #[inline(always)]
    pub fn kind(self) -> ArgKind {
        match self.0 >> Arg::SHIFT {
            0 => ArgKind::Stack,
            1 => ArgKind::Local,
            2 => ArgKind::Global,
            3 => ArgKind::Const,
            4 => ArgKind::Free,
            _ => ArgKind::Temp,
        }
    }
    /// The kind's number (`ArgKind as u32`), for dispatching on the
    /// kinds of several operands at once.
    #[inline(always)]
    pub fn raw_kind(self) -> u32 {
        self.0 >> Arg::SHIFT
    }
    /// Its slot, global or constant index.
    #[inline(always)]
    pub fn index(self) -> usize {
        (self.0 & Arg::MASK) as usize
    }
    /// Is it the value stack?
    #[inline(always)]
    pub fn is_stack(self) -> bool {
        self.0 == 0
    }
}

impl std::fmt::Debug for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let k = match self.kind() {
            ArgKind::Stack => return f.write_str("S"),
            ArgKind::Local => "L",
            ArgKind::Global => "G",
            ArgKind::Const => "K",
            ArgKind::Free => "F",
            ArgKind::Temp => "T",
        };
        write!(f, "{k}{}", self.index())
    }
}

/// The comparison of a fused compare-and-branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Cmp {
    /// Does an ordering satisfy the comparison?
    #[inline]
    pub fn holds(self, o: std::cmp::Ordering) -> bool {
        match self {
            Cmp::Lt => o.is_lt(),
            Cmp::Le => o.is_le(),
            Cmp::Gt => o.is_gt(),
            Cmp::Ge => o.is_ge(),
        }
    }
}

/// A constant of a function, as compiled (materialised per run).
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// An integer that fits in i64.
    Int(i64),
    /// A float.
    Float(f64),
    /// An integer outside i64.
    Big(BigInt),
    /// A string.
    Str(Box<str>),
}

/// Where a closure's captured cell comes from in the creating function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capture {
    /// The creator's local slot (which holds a cell).
    Local(u32),
    /// The creator's own captured cell at this index.
    Free(u32),
}

/// A compiled function (the top level is one too).
#[derive(Clone, Debug)]
pub struct FuncProto {
    /// Its name (`<main>` for the top level).
    pub name: Box<str>,
    /// Declared parameters (the first slots).
    pub nparams: u32,
    /// Slots including parameters and hidden temporaries.
    pub nlocals: u32,
    /// The instructions.
    pub code: Vec<Op>,
    /// The source span of each instruction, for error locations.
    pub spans: Vec<Span>,
    /// For fused instructions reading variables in place: the spans of
    /// their two operands (`(pc, [a, b])`, by pc), so that reading an
    /// unbound variable is reported at the variable.
    pub arg_spans: Vec<(u32, [Span; 2])>,
    /// The constants its instructions index.
    pub consts: Vec<Const>,
    /// Slots holding cells: `(slot, is_parameter)`.
    pub cells: Vec<(u32, bool)>,
    /// What a closure of it captures, in cell order.
    pub captures: Vec<Capture>,
    /// Slot names, for UnboundLocalError messages.
    pub local_names: Vec<Box<str>>,
    /// The function's source span.
    pub span: Span,
}

impl FuncProto {
    /// The invariants of [`Program::check`] for one function.
    fn check(&self, nglobals: usize, nprotos: usize) -> Result<(), String> {
        let n = self.code.len();
        if !matches!(self.code.last(), Some(Op::Return | Op::ReturnLocal(_))) {
            return Err("does not end in Return".into());
        }
        let arg = |a: Arg| -> bool {
            match a.kind() {
                ArgKind::Const => a.index() < self.consts.len(),
                ArgKind::Global => a.index() < nglobals,
                ArgKind::Free => a.index() < self.captures.len(),
                ArgKind::Stack | ArgKind::Local | ArgKind::Temp => true,
            }
        };
        for (pc, op) in self.code.iter().enumerate() {
            let (target, k, g, free, args) = match *op {
                Op::Jump(t)
                | Op::Loop(t)
                | Op::JumpIfFalse(t)
                | Op::JumpIfTrue(t)
                | Op::JumpIfFalseOrPop(t)
                | Op::JumpIfTrueOrPop(t)
                | Op::PushHandler(t)
                | Op::ForIter(_, t)
                | Op::RangeIter(_, t)
                | Op::CmpLocalIntJump(_, _, _, t) => (Some(t), None, None, None, [None; 3]),
                Op::CmpGlobalIntJump(_, g, _, t) => (Some(t), None, Some(g), None, [None; 3]),
                Op::LoopIfLocalInt(..)
                | Op::LoopIfGlobalInt(..)
                | Op::AddLoopIfLocalInt(..)
                | Op::AddLoopIfGlobalInt(..) => {
                    if !matches!(self.code.get(pc + 1), Some(Op::Loop(_))) {
                        return Err(format!("{op:?} at {pc} without its Loop"));
                    }
                    let g = match *op {
                        Op::LoopIfGlobalInt(_, g, _) | Op::AddLoopIfGlobalInt(_, g, _, _) => {
                            Some(g)
                        }
                        _ => None,
                    };
                    (None, None, g, None, [None; 3])
                }
                Op::PushConst(k)
                | Op::GetMember(k)
                | Op::StoreMember(k)
                | Op::CallMethod(k, _)
                | Op::Import(k)
                | Op::ImportRoot(k) => (None, Some(k), None, None, [None; 3]),
                Op::LoadGlobal(g) | Op::StoreGlobal(g) | Op::AddGlobalInt(g, _) => {
                    (None, None, Some(g), None, [None; 3])
                }
                Op::LoadFree(i) | Op::StoreFree(i) => (None, None, None, Some(i), [None; 3]),
                Op::Bin(_, d, a, b)
                | Op::Add(d, a, b)
                | Op::Sub(d, a, b)
                | Op::Mul(d, a, b)
                | Op::Div(d, a, b) => (None, None, None, None, [Some(d), Some(a), Some(b)]),
                Op::Test(_, _, a, b) => {
                    if !matches!(self.code.get(pc + 1), Some(Op::Jump(_) | Op::Loop(_))) {
                        return Err(format!("Test at {pc} without its Jump"));
                    }
                    (None, None, None, None, [Some(a), Some(b), None])
                }
                Op::Move(d, a) => (None, None, None, None, [Some(d), Some(a), None]),
                Op::MakeClosure(p) if p as usize >= nprotos => {
                    return Err(format!("MakeClosure at {pc}: no function {p}"));
                }
                Op::PushNull
                | Op::PushUndef
                | Op::PushTrue
                | Op::PushFalse
                | Op::PushInt(_)
                | Op::Pop
                | Op::LoadLocal(_)
                | Op::StoreLocal(_)
                | Op::LoadCell(_)
                | Op::StoreCell(_)
                | Op::AddStr
                | Op::Neg
                | Op::Pos
                | Op::Not
                | Op::MakeArray(_)
                | Op::MakeObject(_)
                | Op::Index
                | Op::StoreIndex
                | Op::Slice(_)
                | Op::StoreSlice(_)
                | Op::Call(_)
                | Op::Return
                | Op::MakeClosure(_)
                | Op::GetIter
                | Op::PopHandler
                | Op::Throw
                | Op::Reraise
                | Op::UnpackSeq(_)
                | Op::SetResult
                | Op::AddLocalInt(..)
                | Op::LoadLocalAddInt(..)
                | Op::ReturnLocal(_) => (None, None, None, None, [None; 3]),
            };
            let ok = target.is_none_or(|t| (t as usize) < n)
                && k.is_none_or(|k| (k as usize) < self.consts.len())
                && g.is_none_or(|g| (g as usize) < nglobals)
                && free.is_none_or(|i| (i as usize) < self.captures.len())
                && args.iter().flatten().all(|&a| arg(a));
            if !ok {
                return Err(format!("operand out of range at {pc}: {op:?}"));
            }
        }
        Ok(())
    }
}

/// A global name the program uses.
#[derive(Clone, Debug)]
pub struct GlobalName {
    /// The name.
    pub name: Box<str>,
    /// Assigned somewhere at top level (reading it early is UnboundLocalError).
    pub assigned: bool,
}

/// A compiled program: `protos[0]` is the top level. Made only by
/// [`Program::new`], which checks what the VM relies on
/// (`non_exhaustive` keeps other crates from building one).
#[derive(Debug)]
#[non_exhaustive]
pub struct Program {
    /// The source compiled.
    pub file: Arc<SourceFile>,
    /// The functions; `protos[0]` is the top level. Not `pub`: the VM's
    /// unchecked reads rely on [`Program::check`], so no code outside the
    /// crate may change a checked program (`Arc::get_mut` would allow it).
    pub(crate) protos: Vec<FuncProto>,
    /// The global names, indexed by `LoadGlobal`/`StoreGlobal` (not `pub`,
    /// as for `protos`).
    pub(crate) globals: Vec<GlobalName>,
    /// `capability` declarations: inert metadata, they grant nothing.
    pub capabilities: Vec<CapabilityDecl>,
}

// SAFETY-free check that programs can be shared across threads.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Program>();
};

impl Program {
    /// The functions; `protos()[0]` is the top level.
    pub fn protos(&self) -> &[FuncProto] {
        &self.protos
    }
    /// The global names, indexed by `LoadGlobal`/`StoreGlobal`.
    pub fn globals(&self) -> &[GlobalName] {
        &self.globals
    }
    /// A program of these functions (`protos[0]` is the top level), after
    /// checking what the VM relies on (see [`Program::check`]).
    pub(crate) fn new(
        file: Arc<SourceFile>,
        protos: Vec<FuncProto>,
        globals: Vec<GlobalName>,
        capabilities: Vec<CapabilityDecl>,
    ) -> Program {
        let program = Program {
            file,
            protos,
            globals,
            capabilities,
        };
        program.check();
        program
    }

    /// Checks what the VM relies on without checking again at run time:
    /// every jump target is an instruction, every function ends in
    /// `Return` (so execution never runs off its code), a `Test` is
    /// followed by its `Jump` (or `Loop`), a `LoopIf…` or `AddLoopIf…` by
    /// its `Loop`, and every constant, global and captured
    /// variable index is in range. A violation is a compiler bug: it
    /// panics here, at compile time, instead of reading out of bounds.
    fn check(&self) {
        for (i, p) in self.protos.iter().enumerate() {
            if let Err(what) = p.check(self.globals.len(), self.protos.len()) {
                panic!("compiler bug: function {i} ({}): {what}", p.name);
            }
        }
    }

    /// Human-readable bytecode listing (for debugging and tests).
    pub fn disassemble(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for (i, p) in self.protos.iter().enumerate() {
            let _ = writeln!(
                out,
                "proto {i} {} params={} locals={} cells={:?} captures={:?}",
                p.name, p.nparams, p.nlocals, p.cells, p.captures
            );
            for (pc, op) in p.code.iter().enumerate() {
                let _ = writeln!(out, "  {pc:4} {op:?}");
            }
        }
        out
    }
}
