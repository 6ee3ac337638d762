//! The bytecode interpreter.
//!
//! Calls between ML functions never recurse in Rust: frames live in a
//! vector. Native functions that call back into ML (sorting keys, `map`,
//! callbacks from hosts) re-enter [`Vm::call_value`], which runs a nested
//! dispatch loop; that nesting is limited separately.

pub(crate) mod access;
mod arith;
mod capcheck;
mod env;
pub mod import;
pub(crate) mod iter;
pub mod methods;
mod tracing;

pub use crate::limits::{
    byte_cost, parse_duration, run_on_vm_thread, Interrupt, Limits, Meter, CHECK_INTERVAL,
    VM_THREAD_STACK,
};
pub use env::{break_cycles as env_break_cycles, Env, GlobalCell, ProgramRt};

use crate::compile::{Arg, ArgKind, BinOp, Capture, FuncProto, Op, Program};
use crate::error::{ErrorKind, ErrorLoc, MlError, VmResult};
use crate::host::Host;
use crate::native::Registry;
use crate::value::{self, ErrorObj, Key, Object, Value};
use arith::Num;
use smallvec::SmallVec;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

/// A function value: a prototype plus its captured cells.
pub struct Closure {
    /// The linked program the function was defined in.
    pub rt: Rc<ProgramRt>,
    /// Index of its prototype in the program.
    pub proto: u32,
    /// The variables it captured, shared with the scope that defined them.
    pub cells: Box<[Rc<RefCell<Value>>]>,
    /// `rt.program.protos[proto]` and `rt.consts[proto]`, found once
    /// here instead of on every call and return.
    func: *const FuncProto,
    consts: *const [Value],
}

impl Closure {
    /// The function `proto` of `rt`'s program (an index in range).
    ///
    /// # Panics
    /// Unless `cells` has one cell per variable the function captures
    /// (the dispatch loop indexes them unchecked).
    pub fn new(rt: Rc<ProgramRt>, proto: u32, cells: Box<[Rc<RefCell<Value>>]>) -> Closure {
        let func: *const FuncProto = &rt.program.protos[proto as usize];
        assert_eq!(
            cells.len(),
            rt.program.protos[proto as usize].captures.len(),
            "a closure's cells match its captures"
        );
        let consts: *const [Value] = &*rt.consts[proto as usize];
        Closure {
            rt,
            proto,
            cells,
            func,
            consts,
        }
    }
    /// The compiled function.
    #[inline(always)]
    pub fn func(&self) -> &FuncProto {
        // SAFETY: `func` points into `self.rt.program`, which `self.rt`
        // keeps alive and which is never mutated after compiling.
        unsafe { &*self.func }
    }
    /// The function's constants, materialised for its program.
    #[inline(always)]
    fn consts(&self) -> &[Value] {
        // SAFETY: `consts` points to the boxed slice `self.rt.consts[proto]`,
        // which `self.rt` owns and nothing mutates or frees while it lives
        // (`ProgramRt` is shared behind `Rc` and has no interior mutability).
        unsafe { &*self.consts }
    }
    /// The function's name (`<lambda>` for a function expression).
    pub fn name(&self) -> &str {
        &self.func().name
    }
    /// How many parameters it declares.
    pub fn arity(&self) -> usize {
        self.func().nparams as usize
    }
}

struct Frame {
    /// The running function. It is owned by the callee slot just below
    /// `base` (every call keeps the function value there until the frame
    /// returns), so the frame needs no reference count of its own.
    closure: *const Closure,
    pc: usize,
    /// Stack index of the first argument (the callee sits just below).
    base: usize,
}

/// What the dispatch loop does after [`Vm::exec_other`].
enum Flow {
    /// The next instruction.
    Next,
    /// Jump to this instruction.
    Jump(usize),
    /// A frame was pushed: run it.
    Enter,
}

#[derive(Clone, Copy)]
struct Handler {
    frame: usize,
    stack_len: usize,
    target: usize,
}

/// What a finished program produced.
pub struct RunResult {
    /// Section 13: last top-level expression value, else `result`, else null.
    pub value: Value,
}

/// The arguments of a native call.
pub type Args<'a> = &'a [Value];

/// One ML execution context: stack, globals, host backends and grants.
pub struct Vm {
    stack: Vec<Value>,
    frames: Vec<Frame>,
    handlers: Vec<Handler>,
    /// Top-level variables of the main program (a session keeps them).
    pub env: Env,
    /// The backends through which natives reach the world.
    pub host: Host,
    /// The capabilities this execution holds.
    pub grants: Arc<crate::capability::GrantSet>,
    /// Every denied capability check, caught or not.
    pub violations: Vec<crate::error::Violation>,
    /// Uses of use-limited capability tokens in this execution.
    pub capability_uses: crate::capability::Usage,
    /// Call depth, sizes and memory budget of this execution.
    pub limits: Limits,
    /// The flag a host raises to stop the run.
    pub interrupt: Interrupt,
    deadline: Option<Instant>,
    /// Work units left before the next interrupt check (see [`Vm::charge`]);
    /// never 0 between instructions.
    fuel: u32,
    /// The thread's allocation count past which this execution's memory
    /// budget is spent (set when a top-level run or call starts).
    memory_limit: isize,
    native_depth: u32,
    last_expr: Value,
    /// What this VM can call and import without ML source.
    pub registry: &'static Registry,
    /// Modules imported so far, by dotted name.
    pub modules: import::ModuleCache,
    /// The file of the program being run, for user-module resolution.
    pub current_file: Option<Arc<crate::syntax::SourceFile>>,
    /// Records boundary events when a host asks for a trace (`None`: off).
    pub tracer: Option<Arc<crate::trace::Tracer>>,
}

impl Vm {
    /// A VM whose builtins and native modules are `registry`'s
    /// ([`Vm::new`] gives the standard library's).
    pub fn with_registry(
        registry: &'static Registry,
        host: Host,
        grants: Arc<crate::capability::GrantSet>,
        limits: Limits,
    ) -> Vm {
        Vm {
            stack: Vec::with_capacity(256),
            frames: Vec::with_capacity(16),
            handlers: Vec::new(),
            env: Env::new(),
            host,
            grants,
            violations: Vec::new(),
            capability_uses: Default::default(),
            limits,
            interrupt: Interrupt::new(),
            deadline: None,
            fuel: CHECK_INTERVAL as u32,
            memory_limit: isize::MAX,
            native_depth: 0,
            last_expr: Value::Null,
            registry,
            modules: Default::default(),
            current_file: None,
            tracer: None,
        }
    }

    /// Sets the wall-clock deadline checked on loops and calls.
    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    /// Runs a compiled program in this VM's global environment.
    pub fn run(&mut self, program: &Arc<Program>) -> VmResult<RunResult> {
        self.start_budget();
        let rt = ProgramRt::link(program, &mut self.env, self.registry);
        self.current_file = Some(program.file.clone());
        self.last_expr = Value::Null;
        let main = Rc::new(Closure::new(rt, 0, Box::new([])));
        let entry = self.frames.len();
        let returned = self.call_closure_entry(main, SmallVec::new(), entry)?;
        let value = match returned {
            Value::Undef => {
                if matches!(self.last_expr, Value::Null) {
                    self.env.get("result").unwrap_or(Value::Null)
                } else {
                    std::mem::take(&mut self.last_expr)
                }
            }
            explicit => explicit,
        };
        Ok(RunResult { value })
    }

    /// Runs a user module's top level in its own environment.
    pub fn run_module(&mut self, program: &Arc<Program>, env: &mut Env) -> VmResult<()> {
        let rt = ProgramRt::link(program, env, self.registry);
        let main = Rc::new(Closure::new(rt, 0, Box::new([])));
        let saved = std::mem::take(&mut self.last_expr);
        let entry = self.frames.len();
        let r = self.call_closure_entry(main, SmallVec::new(), entry);
        self.last_expr = saved;
        r.map(|_| ())
    }

    /// Calls any callable value with arguments (used by natives and hosts).
    pub fn call_value(&mut self, f: &Value, args: &[Value]) -> VmResult<Value> {
        self.start_budget();
        match f {
            Value::Function(c) => {
                let entry = self.frames.len();
                self.call_closure_entry(c.clone(), args.iter().cloned().collect(), entry)
            }
            Value::Builtin(def) => self.call_native_guarded(args, |vm| (def.func)(vm, args)),
            Value::Native(n) => {
                let n = n.clone();
                self.call_native_guarded(args, |vm| (n.func)(vm, args))
            }
            other => Err(not_callable(other)),
        }
    }

    /// Calls a native function after charging for its inputs: a native's
    /// work grows at least with the size of what it is given.
    fn call_native_guarded(
        &mut self,
        args: &[Value],
        f: impl FnOnce(&mut Vm) -> VmResult<Value>,
    ) -> VmResult<Value> {
        if self.native_depth as usize >= self.limits.max_native_depth {
            return Err(recursion_error());
        }
        self.charge_call(None, args)?;
        self.native_depth += 1;
        let r = stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || f(self));
        self.native_depth -= 1;
        r
    }

    fn call_closure_entry(
        &mut self,
        closure: Rc<Closure>,
        args: SmallVec<[Value; 8]>,
        entry: usize,
    ) -> VmResult<Value> {
        if self.native_depth as usize >= self.limits.max_native_depth {
            return Err(recursion_error());
        }
        let callee_at = self.stack.len();
        self.stack.push(Value::Function(closure.clone()));
        let argc = args.len();
        self.stack.extend(args);
        if let Err(e) = self.push_frame(Rc::as_ptr(&closure), argc) {
            self.stack.truncate(callee_at);
            return Err(e);
        }
        self.native_depth += 1;
        // Nested runs recurse in Rust: grow the native stack on demand so
        // any thread (a host's, a test's) can run deep callback chains.
        let r = stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || self.execute(entry));
        self.native_depth -= 1;
        if r.is_err() {
            self.stack.truncate(callee_at);
        }
        r
    }

    /// Enters `closure`, whose function value sits in the callee slot
    /// below its `argc` arguments at the top of the stack.
    #[inline(always)]
    fn push_frame(&mut self, closure: *const Closure, argc: usize) -> VmResult<()> {
        // SAFETY: the callee slot holds an `Rc` of this closure (see `Frame`).
        let c = unsafe { &*closure };
        let proto = c.func();
        if argc != proto.nparams as usize {
            return Err(arity_error(&proto.name, proto.nparams as usize, argc));
        }
        if self.frames.len() >= self.limits.max_call_depth {
            return Err(recursion_error());
        }
        self.tick()?;
        let base = self.stack.len() - argc;
        let extra = (proto.nlocals - proto.nparams) as usize;
        if self.stack.len() + extra > self.limits.max_stack {
            return Err(recursion_error());
        }
        for _ in 0..extra {
            self.stack.push(Value::Undef);
        }
        for &(slot, is_param) in &proto.cells {
            let slot = base + slot as usize;
            let initial = if is_param {
                std::mem::take(&mut self.stack[slot])
            } else {
                Value::Undef
            };
            self.stack[slot] = Value::Cell(Rc::new(RefCell::new(initial)));
        }
        self.frames.push(Frame {
            closure,
            pc: 0,
            base,
        });
        Ok(())
    }

    /// One unit of fuel: the dispatch loop's backward jumps and calls.
    #[inline(always)]
    fn tick(&mut self) -> VmResult<()> {
        self.fuel -= 1;
        if self.fuel == 0 {
            return self.out_of_fuel();
        }
        Ok(())
    }

    /// Charges `cost` units of work (one unit is about one VM loop
    /// iteration) and checks the interrupt and deadline whenever the fuel
    /// runs out. Natives charge in proportion to their work, before and
    /// while they do it, so a loop of expensive calls is checked as often
    /// as a loop of cheap ones and one long call stops part-way.
    #[inline(always)]
    pub fn charge(&mut self, cost: usize) -> VmResult<()> {
        if cost >= self.fuel as usize {
            return self.out_of_fuel();
        }
        self.fuel -= cost as u32;
        Ok(())
    }

    // The charges of the dispatch loop's slow paths, out of line so that
    // the loop's hot instructions stay small.

    /// Charges an operation on `a` and `b` (see `operands_cost`), then
    /// runs it: one error site in the dispatch loop for both.
    #[inline(never)]
    fn charged<T>(
        &mut self,
        a: &Value,
        b: &Value,
        op: impl FnOnce(&mut Vm) -> VmResult<T>,
    ) -> VmResult<T> {
        self.charge(operands_cost(a, b))?;
        op(self)
    }

    /// A builtin method call, charged for its receiver and arguments.
    #[inline(never)]
    fn call_method_charged(&mut self, recv: &Value, name: &str, args: &[Value]) -> VmResult<Value> {
        self.charge_call(methods::passes_over(recv, name, args).then_some(recv), args)?;
        methods::call_method(self, recv, name, args)
    }

    /// Charges a native call (or method call on `recv`) for its inputs.
    #[inline(never)]
    fn charge_call(&mut self, recv: Option<&Value>, args: &[Value]) -> VmResult<()> {
        let recv = recv.map_or(0, Value::work_size);
        self.charge(1 + recv + args.iter().map(Value::work_size).sum::<usize>())
    }

    /// The checks behind [`Vm::charge`], kept out of the dispatch loop.
    #[cold]
    #[inline(never)]
    fn out_of_fuel(&mut self) -> VmResult<()> {
        self.fuel = CHECK_INTERVAL as u32;
        self.check_interrupt()?;
        crate::limits::check_memory(self.memory_limit, 0)
    }

    /// A meter for work done without `&mut Vm` (see [`Meter`]).
    pub fn meter(&self) -> Meter<'_> {
        Meter::new(&self.interrupt, self.deadline, self.memory_limit)
    }

    /// Fails with MemoryError if allocating `bytes` more would spend the
    /// execution's memory budget; natives ask before large allocations.
    pub fn reserve(&self, bytes: usize) -> VmResult<()> {
        crate::limits::check_memory(self.memory_limit, bytes)
    }

    /// Starts the memory budget when a top-level run or call begins: from
    /// here, this thread may allocate `limits.max_memory` bytes more.
    fn start_budget(&mut self) {
        if self.frames.is_empty() && self.native_depth == 0 {
            let now = crate::memory::thread_allocated();
            self.memory_limit =
                now.saturating_add(self.limits.max_memory.min(isize::MAX as usize) as isize);
        }
    }

    /// Raises Timeout or Cancelled when the run must stop.
    pub fn check_interrupt(&self) -> VmResult<()> {
        crate::limits::check(Some(&self.interrupt), self.deadline)
    }

    /// Runs frames until the frame at depth `entry` returns; returns its value.
    fn execute(&mut self, entry: usize) -> VmResult<Value> {
        'outer: loop {
            let frame = self.frames.last().expect("frame");
            // SAFETY: the callee slot's `Rc` keeps the closure alive for as
            // long as the frame exists, and the pointee never moves. Every
            // path that pops or truncates this frame (`Return`, unwinding)
            // leaves the loop body (`continue 'outer` or `return`) before
            // `closure` or anything borrowed from it is used again, except
            // a return to a frame running the same closure (the pointers
            // are equal), whose callee slot keeps it alive in turn.
            let closure: &Closure = unsafe { &*frame.closure };
            let mut pc = frame.pc;
            let mut base = frame.base;
            // The program and the function's prototype are found from
            // `closure` where needed (mostly on error paths), so that a
            // call or return reloads only what the hot instructions use.
            let code = &closure.func().code[..];
            let consts = closure.consts();
            let globals = &closure.rt.globals[..];
            // Unchecked reads of instructions, constants, globals and
            // captured cells. SAFETY: `Program::new` checked that every jump
            // target is an instruction of its function, that each function
            // ends in `Return` (so `pc` never runs past the end: the
            // instruction after a non-jump is in range), that a `Test` has
            // its `Jump` next, and that every constant, global and captured
            // variable index is below the function's constant count, the
            // program's global count and its capture count. `consts` and
            // `globals` have exactly those lengths (`ProgramRt::link`), and
            // `cells` one per capture (`Closure::new`). Frames resume only
            // at 0, a checked target, or the instruction after a call.
            macro_rules! at {
                ($slice:expr, $i:expr) => {{
                    let i: usize = $i;
                    debug_assert!(i < $slice.len());
                    unsafe { $slice.get_unchecked(i) }
                }};
            }
            macro_rules! fail {
                ($e:expr) => {{
                    let err: MlError = $e;
                    let loc = ErrorLoc {
                        file: closure.rt.program.file.clone(),
                        span: closure.func().spans
                            [pc.saturating_sub(1).min(closure.func().spans.len() - 1)],
                    };
                    self.frames.last_mut().expect("frame").pc = pc;
                    self.unwind(err.with_loc(loc), entry)?;
                    continue 'outer;
                }};
            }
            macro_rules! tri {
                ($e:expr) => {
                    match $e {
                        Ok(v) => v,
                        Err(e) => fail!(e),
                    }
                };
            }
            macro_rules! operand {
                ($arg:expr, $which:expr) => {
                    match self.read_arg($arg, base, closure, consts, globals, closure.func()) {
                        Ok(v) => v,
                        Err(e) => fail!(e.with_loc(arg_loc(
                            &closure.rt.program,
                            closure.func(),
                            pc - 1,
                            $which
                        ))),
                    }
                };
            }
            // `a <op> b` on numbers, read in place: `None` leaves the
            // operands as they were for the general path. The operands'
            // kinds are dispatched on once, together: the common pairs
            // get straight-line code (`peek_kind`), the rest `peek_arg`.
            macro_rules! fast_operands {
                ($op:expr, $a:expr, $b:expr) => {{
                    let (a, b): (Arg, Arg) = ($a, $b);
                    // Numbers of the kinds (see `ArgKind`).
                    const S: u32 = ArgKind::Stack as u32;
                    const L: u32 = ArgKind::Local as u32;
                    const G: u32 = ArgKind::Global as u32;
                    const K: u32 = ArgKind::Const as u32;
                    const F: u32 = ArgKind::Free as u32;
                    const T: u32 = ArgKind::Temp as u32;
                    macro_rules! shaped {
                        ($ka:expr, $kb:expr) => {{
                            // SAFETY: the operands of this function's
                            // instruction, of kinds `$ka` and `$kb`.
                            let r = unsafe {
                                arith::fast(
                                    $op,
                                    self.peek_kind::<{ $ka }>(
                                        a.index(),
                                        ($kb == S) as usize,
                                        base,
                                        closure,
                                        consts,
                                        globals,
                                    ),
                                    self.peek_kind::<{ $kb }>(
                                        b.index(),
                                        0,
                                        base,
                                        closure,
                                        consts,
                                        globals,
                                    ),
                                )
                            };
                            let popped = ($ka == S) as usize + ($kb == S) as usize;
                            if popped > 0 && r.is_some() {
                                // SAFETY: the stack operands are numbers
                                // (the fast path took them), which own
                                // nothing to drop.
                                unsafe { self.stack.set_len(self.stack.len() - popped) };
                            }
                            r
                        }};
                    }
                    // The pairs of kinds, `a`'s in the high bits.
                    const LL: u32 = L << 3 | L;
                    const LT: u32 = L << 3 | T;
                    const TL: u32 = T << 3 | L;
                    const TT: u32 = T << 3 | T;
                    const LK: u32 = L << 3 | K;
                    const TK: u32 = T << 3 | K;
                    const KL: u32 = K << 3 | L;
                    const KT: u32 = K << 3 | T;
                    const LG: u32 = L << 3 | G;
                    const TG: u32 = T << 3 | G;
                    const GL: u32 = G << 3 | L;
                    const GT: u32 = G << 3 | T;
                    const GG: u32 = G << 3 | G;
                    const GK: u32 = G << 3 | K;
                    const KG: u32 = K << 3 | G;
                    const SS: u32 = S << 3 | S;
                    const SK: u32 = S << 3 | K;
                    const LF: u32 = L << 3 | F;
                    const TF: u32 = T << 3 | F;
                    const SG: u32 = S << 3 | G;
                    const GS: u32 = G << 3 | S;
                    match (a.raw_kind() << 3) | b.raw_kind() {
                        LL | LT | TL | TT => shaped!(L, L),
                        LK | TK => shaped!(L, K),
                        KL | KT => shaped!(K, L),
                        LG | TG => shaped!(L, G),
                        GL | GT => shaped!(G, L),
                        GG => shaped!(G, G),
                        GK => shaped!(G, K),
                        KG => shaped!(K, G),
                        SS => shaped!(S, S),
                        SK => shaped!(S, K),
                        LF | TF => shaped!(L, F),
                        SG => shaped!(S, G),
                        GS => shaped!(G, S),
                        _ => {
                            // SAFETY: the operands of this function's instruction.
                            let r = unsafe {
                                arith::fast(
                                    $op,
                                    self.peek_arg(
                                        a,
                                        b.is_stack() as usize,
                                        base,
                                        closure,
                                        consts,
                                        globals,
                                    ),
                                    self.peek_arg(b, 0, base, closure, consts, globals),
                                )
                            };
                            if r.is_some() && (a.is_stack() || b.is_stack()) {
                                let n = self.stack.len()
                                    - a.is_stack() as usize
                                    - b.is_stack() as usize;
                                // SAFETY: the stack operands are numbers (the fast
                                // path took them), which own nothing to drop.
                                unsafe { self.stack.set_len(n) };
                            }
                            r
                        }
                    }
                }};
            }
            macro_rules! slow_operands {
                ($op:expr, $a:expr, $b:expr) => {{
                    let (a, b): (Arg, Arg) = ($a, $b);
                    let bv = b.is_stack().then(|| self.stack.pop().expect("operand"));
                    let av = operand!(a, 0);
                    let bv = match bv {
                        Some(v) => v,
                        None => operand!(b, 1),
                    };
                    tri!(self.binary_slow($op, &av, &bv))
                }};
            }
            macro_rules! write_arg {
                ($dst:expr, $v:expr) => {{
                    let dst: Arg = $dst;
                    let v = $v;
                    let i = dst.index();
                    match dst.kind() {
                        ArgKind::Stack => self.stack.push(v),
                        ArgKind::Local | ArgKind::Temp => set_slot(&mut self.stack[base + i], v),
                        ArgKind::Global => {
                            let cell = at!(globals, i);
                            // SAFETY: as in `peek_arg`, no borrow of a
                            // variable's cell is held between instructions;
                            // this one ends before the old value is dropped.
                            drop_unless_plain(std::mem::replace(unsafe { &mut *cell.as_ptr() }, v));
                        }
                        ArgKind::Free => set_slot(&mut at!(closure.cells, i).borrow_mut(), v),
                        ArgKind::Const => unreachable!("a constant as destination"),
                    }
                }};
            }
            // `put_num` into global `i`.
            macro_rules! put_global_num {
                ($i:expr, $n:expr) => {{
                    let cell = at!(globals, $i);
                    // SAFETY: as in `peek_arg`, no borrow of a variable's
                    // cell is held between instructions; the old value
                    // `put_num` may drop cannot reach this cell (the
                    // globals keep it alive).
                    put_num(unsafe { &mut *cell.as_ptr() }, $n)
                }};
            }
            // `write_arg!` of a number (see `put_num`).
            macro_rules! write_num {
                ($dst:expr, $n:expr) => {{
                    let (dst, n): (Arg, Num) = ($dst, $n);
                    let i = dst.index();
                    match dst.kind() {
                        ArgKind::Local | ArgKind::Temp => put_num(&mut self.stack[base + i], n),
                        ArgKind::Global => put_global_num!(i, n),
                        ArgKind::Stack => self.stack.push(n.value()),
                        ArgKind::Free => put_num(&mut at!(closure.cells, i).borrow_mut(), n),
                        ArgKind::Const => unreachable!("a constant as destination"),
                    }
                }};
            }
            // `dst = a <op> b`, the operator constant in the dedicated
            // instructions so that the fast path is straight-line code.
            macro_rules! bin {
                ($op:expr, $dst:expr, $a:expr, $b:expr) => {
                    match fast_operands!($op, $a, $b) {
                        Some(n) => write_num!($dst, n),
                        None => {
                            let r = slow_operands!($op, $a, $b);
                            write_arg!($dst, r);
                        }
                    }
                };
            }
            // `local <cmp> int` of the fused compare-and-branch instructions.
            macro_rules! local_int_holds {
                ($cmp:expr, $s:expr, $k:expr) => {{
                    let (cmp, s, k): (crate::compile::Cmp, u32, i32) = ($cmp, $s, $k);
                    match &self.stack[base + s as usize] {
                        Value::Int(i) => cmp.holds(i.cmp(&(k as i64))),
                        Value::Undef => {
                            fail!(unbound_local(&closure.func().local_names[s as usize]))
                        }
                        other => {
                            let ord = tri!(value::compare(other, &Value::Int(k as i64)));
                            ord.is_some_and(|o| cmp.holds(o))
                        }
                    }
                }};
            }
            // `global <cmp> int`, likewise.
            macro_rules! global_int_holds {
                ($cmp:expr, $g:expr, $k:expr) => {{
                    let (cmp, g, k): (crate::compile::Cmp, u32, i32) = ($cmp, $g, $k);
                    let cell = at!(globals, g as usize);
                    // SAFETY: as in `peek_arg`.
                    let fast = match unsafe { &*cell.as_ptr() } {
                        Value::Int(i) => Some(cmp.holds(i.cmp(&(k as i64)))),
                        _ => None,
                    };
                    match fast {
                        Some(h) => h,
                        None => {
                            let v = at!(globals, g as usize).borrow().clone();
                            let v = match v {
                                Value::Undef => tri!(self.global_fallback(&closure.rt, g)),
                                v => v,
                            };
                            let ord = tri!(value::compare(&v, &Value::Int(k as i64)));
                            ord.is_some_and(|o| cmp.holds(o))
                        }
                    }
                }};
            }
            // The `Loop` that follows a `while` body's condition: taken as
            // if dispatched (its interrupt check first, so that a timeout
            // points at the loop) while the condition holds, else skipped.
            macro_rules! take_loop {
                ($holds:expr) => {{
                    let holds: bool = $holds;
                    let Op::Loop(t) = *at!(code, pc) else {
                        unreachable!("a loop condition without its Loop")
                    };
                    pc += 1;
                    if holds {
                        tri!(self.tick());
                        pc = t as usize;
                    }
                }};
            }
            // `local = local + int`; `$err` places the error.
            macro_rules! add_local_int {
                ($s:expr, $k:expr, $err:expr) => {{
                    let (s, k): (u32, i32) = ($s, $k);
                    let slot = &mut self.stack[base + s as usize];
                    match slot {
                        Value::Int(i) if i.checked_add(k as i64).is_some() => {
                            *i += k as i64;
                        }
                        Value::Undef => {
                            fail!($err(unbound_local(&closure.func().local_names[s as usize])))
                        }
                        _ => {
                            let cur = slot.clone();
                            let r =
                                value::ops::add(&cur, &Value::Int(k as i64), self.limits.max_len);
                            let r = tri!(r.map_err($err));
                            self.stack[base + s as usize] = r;
                        }
                    }
                }};
            }
            // `global = global + int`; `$err` places the error.
            macro_rules! add_global_int {
                ($g:expr, $k:expr, $err:expr) => {{
                    let (g, k): (u32, i32) = ($g, $k);
                    let cell = at!(globals, g as usize);
                    // SAFETY: no `Ref` or `RefMut` of a variable's cell
                    // is held between instructions (see `peek_arg`),
                    // and this one ends within the statement.
                    let done = match unsafe { &mut *cell.as_ptr() } {
                        Value::Int(i) if i.checked_add(k as i64).is_some() => {
                            *i += k as i64;
                            true
                        }
                        _ => false,
                    };
                    if !done {
                        let v = cell.borrow().clone();
                        let v = match v {
                            Value::Undef => {
                                tri!(self.global_fallback(&closure.rt, g).map_err($err))
                            }
                            v => v,
                        };
                        let r = value::ops::add(&v, &Value::Int(k as i64), self.limits.max_len);
                        *cell.borrow_mut() = tri!(r.map_err($err));
                    }
                }};
            }
            loop {
                // Matched in place: copying the instruction out first made
                // the compiler spill it to the stack on every dispatch.
                let at = pc;
                pc += 1;
                match *at!(code, at) {
                    Op::PushNull => self.stack.push(Value::Null),
                    Op::PushTrue => self.stack.push(Value::Bool(true)),
                    Op::PushFalse => self.stack.push(Value::Bool(false)),
                    Op::PushInt(i) => self.stack.push(Value::Int(i as i64)),
                    Op::PushConst(k) => self.stack.push(at!(consts, k as usize).clone()),
                    Op::Pop => {
                        self.stack.pop();
                    }
                    Op::LoadLocal(s) => {
                        let v = &self.stack[base + s as usize];
                        if let Value::Undef = v {
                            fail!(unbound_local(&closure.func().local_names[s as usize]));
                        }
                        let v = v.clone();
                        self.stack.push(v);
                    }
                    Op::StoreLocal(s) => {
                        let v = self.stack.pop().expect("value");
                        set_slot(&mut self.stack[base + s as usize], v);
                    }
                    Op::LoadCell(s) => {
                        let v = match &self.stack[base + s as usize] {
                            Value::Cell(c) => c.borrow().clone(),
                            _ => Value::Undef,
                        };
                        if let Value::Undef = v {
                            fail!(unbound_local(&closure.func().local_names[s as usize]));
                        }
                        self.stack.push(v);
                    }
                    Op::StoreCell(s) => {
                        let v = self.stack.pop().expect("value");
                        if let Value::Cell(c) = &self.stack[base + s as usize] {
                            *c.borrow_mut() = v;
                        }
                    }
                    Op::LoadFree(i) => {
                        let v = at!(closure.cells, i as usize).borrow().clone();
                        if let Value::Undef = v {
                            fail!(unbound_free());
                        }
                        self.stack.push(v);
                    }
                    Op::StoreFree(i) => {
                        let v = self.stack.pop().expect("value");
                        *at!(closure.cells, i as usize).borrow_mut() = v;
                    }
                    Op::LoadGlobal(g) => {
                        let cell = at!(globals, g as usize);
                        // SAFETY: as in `peek_arg`, no `RefMut` of a
                        // variable's cell is held between instructions.
                        let v = match unsafe { &*cell.as_ptr() } {
                            Value::Undef => tri!(self.global_fallback(&closure.rt, g)),
                            v => v.clone(),
                        };
                        self.stack.push(v);
                    }
                    Op::StoreGlobal(g) => {
                        let v = self.stack.pop().expect("value");
                        let cell = at!(globals, g as usize);
                        // SAFETY: as in `peek_arg`, no borrow of a
                        // variable's cell is held between instructions;
                        // this one ends before the old value is dropped.
                        let old = std::mem::replace(unsafe { &mut *cell.as_ptr() }, v);
                        drop_unless_plain(old);
                    }
                    Op::Bin(op, dst, a, b) => bin!(op, dst, a, b),
                    Op::Add(dst, a, b) => bin!(BinOp::Add, dst, a, b),
                    Op::Sub(dst, a, b) => bin!(BinOp::Sub, dst, a, b),
                    Op::Mul(dst, a, b) => bin!(BinOp::Mul, dst, a, b),
                    Op::Div(dst, a, b) => bin!(BinOp::Div, dst, a, b),
                    Op::Test(op, when, a, b) => {
                        let holds = match fast_operands!(op, a, b) {
                            Some(Num::Bool(x)) => x,
                            _ => matches!(slow_operands!(op, a, b), Value::Bool(true)),
                        };
                        // The compiler puts the branch's `Jump` (or, ending
                        // a `while` body, its `Loop`) next.
                        match *at!(code, pc) {
                            Op::Jump(t) if holds == when => pc = t as usize,
                            Op::Loop(_) => take_loop!(holds == when),
                            _ => pc += 1,
                        }
                    }
                    Op::Move(dst, src) => {
                        const L: u32 = ArgKind::Local as u32;
                        const G: u32 = ArgKind::Global as u32;
                        const K: u32 = ArgKind::Const as u32;
                        const T: u32 = ArgKind::Temp as u32;
                        // A number read from a source of kind `$k`.
                        macro_rules! num_of {
                            ($k:expr) => {{
                                // SAFETY: the operand of this function's
                                // instruction, of kind `$k`.
                                match unsafe {
                                    self.peek_kind::<{ $k }>(
                                        src.index(),
                                        0,
                                        base,
                                        closure,
                                        consts,
                                        globals,
                                    )
                                } {
                                    Value::Int(i) => Some(Num::Int(*i)),
                                    Value::Float(f) => Some(Num::Float(*f)),
                                    _ => None,
                                }
                            }};
                        }
                        // The common pairs of kinds (see `fast_operands!`).
                        const LG: u32 = L << 3 | G;
                        const TG: u32 = T << 3 | G;
                        const GL: u32 = G << 3 | L;
                        const GT: u32 = G << 3 | T;
                        const GG: u32 = G << 3 | G;
                        const LK: u32 = L << 3 | K;
                        const TK: u32 = T << 3 | K;
                        const GK: u32 = G << 3 | K;
                        const LL: u32 = L << 3 | L;
                        const LT: u32 = L << 3 | T;
                        const TL: u32 = T << 3 | L;
                        const TT: u32 = T << 3 | T;
                        let done =
                            match (dst.raw_kind() << 3) | src.raw_kind() {
                                LG | TG => num_of!(G)
                                    .map(|n| put_num(&mut self.stack[base + dst.index()], n)),
                                LK | TK => num_of!(K)
                                    .map(|n| put_num(&mut self.stack[base + dst.index()], n)),
                                LL | LT | TL | TT => num_of!(L)
                                    .map(|n| put_num(&mut self.stack[base + dst.index()], n)),
                                GL | GT => num_of!(L).map(|n| put_global_num!(dst.index(), n)),
                                GG => num_of!(G).map(|n| put_global_num!(dst.index(), n)),
                                GK => num_of!(K).map(|n| put_global_num!(dst.index(), n)),
                                _ => {
                                    // SAFETY: the operand of this function's instruction.
                                    match unsafe {
                                        self.peek_arg(src, 0, base, closure, consts, globals)
                                    } {
                                        Value::Int(i) => Some(Num::Int(*i)),
                                        Value::Float(f) => Some(Num::Float(*f)),
                                        _ => None,
                                    }
                                    .map(|n| {
                                        if src.is_stack() {
                                            // SAFETY: the top is a number, which
                                            // owns nothing to drop.
                                            unsafe { self.stack.set_len(self.stack.len() - 1) };
                                        }
                                        write_num!(dst, n);
                                    })
                                }
                            };
                        if done.is_none() {
                            let v = operand!(src, 0);
                            write_arg!(dst, v);
                        }
                    }
                    Op::Not => {
                        let a = self.stack.pop().expect("operand");
                        self.stack.push(Value::Bool(!a.truthy()));
                    }
                    Op::Jump(t) => pc = t as usize,
                    Op::Loop(t) => {
                        // Checked before the jump, so that a timeout
                        // points at the loop, not at the code before it.
                        tri!(self.tick());
                        pc = t as usize;
                    }
                    Op::JumpIfFalse(t) => {
                        if !self.stack.pop().expect("cond").truthy() {
                            pc = t as usize;
                        }
                    }
                    Op::JumpIfTrue(t) => {
                        if self.stack.pop().expect("cond").truthy() {
                            pc = t as usize;
                        }
                    }
                    Op::JumpIfFalseOrPop(t) => {
                        if !self.stack.last().expect("cond").truthy() {
                            pc = t as usize;
                        } else {
                            self.stack.pop();
                        }
                    }
                    Op::JumpIfTrueOrPop(t) => {
                        if self.stack.last().expect("cond").truthy() {
                            pc = t as usize;
                        } else {
                            self.stack.pop();
                        }
                    }
                    Op::CmpLocalIntJump(cmp, s, k, t) => {
                        if !local_int_holds!(cmp, s, k) {
                            pc = t as usize;
                        }
                    }
                    Op::LoopIfLocalInt(cmp, s, k) => take_loop!(local_int_holds!(cmp, s, k)),
                    Op::LoopIfGlobalInt(cmp, g, k) => take_loop!(global_int_holds!(cmp, g, k)),
                    Op::CmpGlobalIntJump(cmp, g, k, t) => {
                        if !global_int_holds!(cmp, g, k) {
                            pc = t as usize;
                        }
                    }
                    Op::AddLocalInt(s, k) => add_local_int!(s, k, |e| e),
                    Op::AddGlobalInt(g, k) => add_global_int!(g, k, |e| e),
                    Op::AddLoopIfLocalInt(cmp, s, step, k) => {
                        add_local_int!(s, step, |e: MlError| at_fused_step(e, closure, pc - 1));
                        take_loop!(local_int_holds!(cmp, s, k))
                    }
                    Op::AddLoopIfGlobalInt(cmp, g, step, k) => {
                        add_global_int!(g, step, |e: MlError| at_fused_step(e, closure, pc - 1));
                        take_loop!(global_int_holds!(cmp, g, k))
                    }
                    Op::Call(argc) => {
                        let callee_at = self.stack.len() - argc as usize - 1;
                        match &self.stack[callee_at] {
                            Value::Function(c) => {
                                let c = Rc::as_ptr(c);
                                self.frames.last_mut().expect("frame").pc = pc;
                                tri!(self.push_frame(c, argc as usize));
                                if std::ptr::eq(c, closure) {
                                    // A recursive call: the code, constants
                                    // and globals are the ones at hand.
                                    pc = 0;
                                    base = self.frames.last().expect("frame").base;
                                    continue;
                                }
                                continue 'outer;
                            }
                            Value::Builtin(def) => {
                                let def = *def;
                                let args: SmallVec<[Value; 8]> =
                                    take_args(&mut self.stack, callee_at + 1);
                                self.stack.pop();
                                self.frames.last_mut().expect("frame").pc = pc;
                                let r = tri!(
                                    self.call_native_guarded(&args, |vm| (def.func)(vm, &args))
                                );
                                self.stack.push(r);
                            }
                            Value::Native(n) => {
                                let n = n.clone();
                                let args: SmallVec<[Value; 8]> =
                                    take_args(&mut self.stack, callee_at + 1);
                                self.stack.pop();
                                self.frames.last_mut().expect("frame").pc = pc;
                                let r =
                                    tri!(self.call_native_guarded(&args, |vm| (n.func)(vm, &args)));
                                self.stack.push(r);
                            }
                            other => fail!(not_callable(other)),
                        }
                    }
                    Op::LoadLocalAddInt(s, k) => {
                        let v = match &self.stack[base + s as usize] {
                            Value::Int(i) => match i.checked_add(k as i64) {
                                Some(r) => Value::Int(r),
                                None => {
                                    tri!(value::ops::add(&Value::Int(*i), &Value::Int(k as i64), 0))
                                }
                            },
                            Value::Undef => {
                                fail!(unbound_local(&closure.func().local_names[s as usize]))
                            }
                            other => {
                                let other = other.clone();
                                tri!(value::ops::add(
                                    &other,
                                    &Value::Int(k as i64),
                                    self.limits.max_len
                                ))
                            }
                        };
                        self.stack.push(v);
                    }
                    Op::ReturnLocal(_) | Op::Return => {
                        let result = match code[at] {
                            Op::ReturnLocal(s) => {
                                let v = std::mem::take(&mut self.stack[base + s as usize]);
                                if let Value::Undef = v {
                                    fail!(unbound_local(&closure.func().local_names[s as usize]));
                                }
                                v
                            }
                            _ => self.stack.pop().expect("return value"),
                        };
                        let frame = self.frames.pop().expect("frame");
                        let depth = self.frames.len();
                        while self.handlers.last().is_some_and(|h| h.frame >= depth) {
                            self.handlers.pop();
                        }
                        if depth == entry {
                            self.stack.truncate(frame.base - 1);
                            return Ok(result);
                        }
                        // The result takes the callee's slot: no push.
                        let callee = std::mem::replace(&mut self.stack[frame.base - 1], result);
                        self.drop_above(frame.base);
                        match callee {
                            // Every frame's callee slot holds its function.
                            Value::Function(f) => drop(f),
                            other => drop_value(other),
                        }
                        let caller = self.frames.last().expect("frame");
                        if std::ptr::eq(caller.closure, frame.closure) {
                            // Back from a recursive call: same code,
                            // constants and globals (see `closure`).
                            pc = caller.pc;
                            base = caller.base;
                            continue;
                        }
                        continue 'outer;
                    }
                    Op::ForIter(s, t) => {
                        let next = match &self.stack[base + s as usize] {
                            Value::Iter(it) => it.borrow_mut().next(),
                            _ => Ok(None),
                        };
                        let next = tri!(next);
                        match next {
                            Some(v) => self.stack.push(v),
                            None => pc = t as usize,
                        }
                    }
                    Op::PushHandler(t) => self.handlers.push(Handler {
                        frame: self.frames.len() - 1,
                        stack_len: self.stack.len(),
                        target: t as usize,
                    }),
                    Op::PopHandler => {
                        self.handlers.pop();
                    }
                    Op::Throw => {
                        let obj = self.stack.pop().expect("thrown");
                        fail!(thrown_error(obj));
                    }
                    Op::Reraise => {
                        let v = self.stack.pop().expect("error");
                        let err = match v {
                            Value::Error(e) => e.error.clone(),
                            other => thrown_error(other),
                        };
                        self.frames.last_mut().expect("frame").pc = pc;
                        self.unwind(err, entry)?;
                        continue 'outer;
                    }
                    Op::SetResult => {
                        self.last_expr = self.stack.pop().expect("value");
                    }
                    op @ (Op::AddStr
                    | Op::Neg
                    | Op::Pos
                    | Op::MakeArray(..)
                    | Op::MakeObject(..)
                    | Op::StoreIndex
                    | Op::Slice(..)
                    | Op::StoreSlice(..)
                    | Op::GetMember(..)
                    | Op::StoreMember(..)
                    | Op::CallMethod(..)
                    | Op::MakeClosure(..)
                    | Op::GetIter
                    | Op::RangeIter(..)
                    | Op::UnpackSeq(..)
                    | Op::Import(..)
                    | Op::ImportRoot(..)) => match self.exec_other(op, pc, base, closure, consts) {
                        Ok(Flow::Next) => {}
                        Ok(Flow::Jump(t)) => pc = t,
                        Ok(Flow::Enter) => continue 'outer,
                        Err(e) => fail!(e),
                    },
                    Op::Index => {
                        // In line: `access::get_index` reads `list[int]`
                        // in line too.
                        let idx = self.stack.pop().expect("index");
                        let obj = self.stack.pop().expect("object");
                        let r = tri!(access::get_index(&obj, &idx));
                        self.stack.push(r);
                    }
                    Op::PushUndef => self.stack.push(Value::Undef),
                }
            }
        }
    }

    /// The instructions that build, index, iterate, import and call
    /// methods, out of line: they always call out of the loop anyway, and
    /// keeping them out of `execute` keeps its hot instructions small.
    /// `pc` is the next instruction's.
    #[inline(never)]
    fn exec_other(
        &mut self,
        op: Op,
        pc: usize,
        base: usize,
        closure: &Closure,
        consts: &[Value],
    ) -> VmResult<Flow> {
        match op {
            Op::AddStr => {
                let b = self.stack.pop().expect("operand");
                let a = self.stack.pop().expect("operand");
                if let (Value::Str(x), Value::Str(y)) = (&a, &b) {
                    // Two strings: no display copies, no rescan.
                    self.charge(operands_cost(&a, &b))?;
                    let len = x.as_str().len() + y.as_str().len();
                    value::ops::check_len(len, self.limits.max_len)?;
                    self.stack
                        .push(Value::Str(Rc::new(value::MlStr::concat(x, y))));
                    return Ok(Flow::Next);
                }
                let s = self.charged(&a, &b, |vm| {
                    let mut s = vm.display(&a, value::Style::Str)?;
                    s.push_str(&vm.display(&b, value::Style::Str)?);
                    Ok(s)
                })?;
                value::ops::check_len(s.len(), self.limits.max_len)?;
                self.stack.push(Value::string(s));
            }
            Op::Neg => {
                let a = self.stack.pop().expect("operand");
                let r = value::ops::neg(&a)?;
                self.stack.push(r);
            }
            Op::Pos => {
                let a = self.stack.pop().expect("operand");
                let r = value::ops::pos(&a)?;
                self.stack.push(r);
            }
            Op::MakeArray(n) => {
                let at = self.stack.len() - n as usize;
                let items: Vec<Value> = self.stack.drain(at..).collect();
                self.stack.push(Value::array(items));
            }
            Op::MakeObject(n) => {
                let at = self.stack.len() - 2 * n as usize;
                let mut obj = Object::with_capacity(n as usize);
                let mut it = self.stack.drain(at..);
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    if let Value::Str(s) = k {
                        obj.insert(Key::Str(s), v);
                    }
                }
                drop(it);
                self.stack.push(Value::object(obj));
            }
            Op::StoreIndex => {
                let idx = self.stack.pop().expect("index");
                let obj = self.stack.pop().expect("object");
                let v = self.stack.pop().expect("value");
                access::set_index(&obj, &idx, v, self.limits.max_len)?;
            }
            Op::Slice(mask) => {
                let parts = self.pop_slice_parts(mask);
                let obj = self.stack.pop().expect("object");
                let r = self.charged(&obj, &Value::Null, |vm| {
                    access::get_slice(&obj, &parts, &mut vm.meter())
                })?;
                self.stack.push(r);
            }
            Op::StoreSlice(mask) => {
                let parts = self.pop_slice_parts(mask);
                let obj = self.stack.pop().expect("object");
                let v = self.stack.pop().expect("value");
                access::set_slice(&obj, &parts, v, self.limits.max_len, &mut self.meter())?;
            }
            Op::GetMember(k) => {
                let obj = self.stack.pop().expect("object");
                let name = consts[k as usize].as_str().unwrap_or("");
                let r = access::get_member(self, &obj, name)?;
                self.stack.push(r);
            }
            Op::StoreMember(k) => {
                let obj = self.stack.pop().expect("object");
                let v = self.stack.pop().expect("value");
                let name = consts[k as usize].as_str().unwrap_or("");
                access::set_member(&obj, name, v, self.limits.max_len)?;
            }
            Op::CallMethod(k, argc) => {
                let recv_at = self.stack.len() - argc as usize - 1;
                let name = consts[k as usize].clone();
                let name = name.as_str().unwrap_or("");
                self.frames.last_mut().expect("frame").pc = pc;
                // Object entries and module members are plain calls.
                let recv = self.stack[recv_at].clone();
                let target = access::method_target(&recv, name)?;
                match target {
                    access::MethodTarget::Value(Value::Function(c)) => {
                        // The function takes the receiver's slot as
                        // its callee slot, which owns it (`Frame`).
                        let ptr = Rc::as_ptr(&c);
                        self.stack[recv_at] = Value::Function(c);
                        self.push_frame(ptr, argc as usize)?;
                        return Ok(Flow::Enter);
                    }
                    access::MethodTarget::Value(f) => {
                        let args: SmallVec<[Value; 8]> = take_args(&mut self.stack, recv_at + 1);
                        self.stack.pop();
                        let r = self.call_value(&f, &args)?;
                        self.stack.push(r);
                    }
                    access::MethodTarget::Builtin => {
                        let args: SmallVec<[Value; 8]> = take_args(&mut self.stack, recv_at + 1);
                        let recv = self.stack.pop().expect("receiver");
                        let r = self.call_method_charged(&recv, name, &args)?;
                        self.stack.push(r);
                    }
                }
            }
            Op::MakeClosure(p) => {
                let child = &closure.rt.program.protos[p as usize];
                let cells = child
                    .captures
                    .iter()
                    .map(|cap| match cap {
                        Capture::Local(slot) => match &self.stack[base + *slot as usize] {
                            Value::Cell(c) => c.clone(),
                            _ => Rc::new(RefCell::new(Value::Undef)),
                        },
                        Capture::Free(i) => closure.cells[*i as usize].clone(),
                    })
                    .collect();
                self.stack.push(Value::Function(Rc::new(Closure::new(
                    closure.rt.clone(),
                    p,
                    cells,
                ))));
            }
            Op::GetIter => {
                let v = self.stack.pop().expect("iterable");
                let it = iter::Iter::new(&v)?;
                self.stack.push(Value::Iter(Rc::new(RefCell::new(it))));
            }
            Op::RangeIter(argc, t) => {
                let callee_at = self.stack.len() - argc as usize - 1;
                if matches!(&self.stack[callee_at], Value::Builtin(d) if iter::is_range(d)) {
                    self.frames.last_mut().expect("frame").pc = pc;
                    self.charge(1)?;
                    let (start, step, left) = iter::range_params(&self.stack[callee_at + 1..])?;
                    self.stack.truncate(callee_at);
                    let it = iter::Iter::Range {
                        next: start as i128,
                        step,
                        left,
                    };
                    self.stack.push(Value::Iter(Rc::new(RefCell::new(it))));
                    return Ok(Flow::Jump(t as usize));
                }
            }
            Op::UnpackSeq(n) => {
                let v = self.stack.pop().expect("sequence");
                let items = self.charged(&v, &Value::Null, |vm| {
                    iter::collect(&v, vm.limits.max_len, &mut vm.meter())
                })?;
                if items.len() != n as usize {
                    return Err(MlError::value_error(if items.len() > n as usize {
                        format!("too many values to unpack (expected {n})")
                    } else {
                        format!(
                            "not enough values to unpack (expected {n}, got {})",
                            items.len()
                        )
                    }));
                }
                self.stack.extend(items.into_iter().rev());
            }
            Op::Import(k) | Op::ImportRoot(k) => {
                let path = consts[k as usize].as_str().unwrap_or("").to_string();
                self.frames.last_mut().expect("frame").pc = pc;
                let m = import::import(self, &path, matches!(op, Op::ImportRoot(_)))?;
                self.stack.push(m);
            }
            _ => unreachable!("exec_other: {op:?}"),
        }
        Ok(Flow::Next)
    }

    /// Reads an operand of a fused instruction where it lives (a stack
    /// operand is popped).
    #[inline(always)]
    fn read_arg(
        &mut self,
        arg: Arg,
        base: usize,
        closure: &Closure,
        consts: &[Value],
        globals: &[GlobalCell],
        proto: &FuncProto,
    ) -> VmResult<Value> {
        let i = arg.index();
        match arg.kind() {
            ArgKind::Stack => Ok(self.stack.pop().expect("operand")),
            ArgKind::Local => match &self.stack[base + i] {
                Value::Undef => Err(unbound_local(&proto.local_names[i])),
                v => Ok(v.clone()),
            },
            ArgKind::Const => Ok(consts[i].clone()),
            ArgKind::Temp => Ok(std::mem::take(&mut self.stack[base + i])),
            ArgKind::Global => match globals[i].borrow().clone() {
                Value::Undef => self.global_fallback(&closure.rt, i as u32),
                v => Ok(v),
            },
            ArgKind::Free => match closure.cells[i].borrow().clone() {
                Value::Undef => Err(unbound_free()),
                v => Ok(v),
            },
        }
    }

    /// An operand of a fused instruction where it lives, without reading
    /// it out (`depth`: its place below the top, for a stack operand).
    ///
    /// # Safety
    /// `arg` is an operand of an instruction of `closure`'s function, and
    /// `consts` and `globals` are its constants and its program's globals
    /// (the indices are then in range, see `execute`).
    #[inline(always)]
    unsafe fn peek_arg<'v>(
        &'v self,
        arg: Arg,
        depth: usize,
        base: usize,
        closure: &'v Closure,
        consts: &'v [Value],
        globals: &'v [GlobalCell],
    ) -> &'v Value {
        let i = arg.index();
        // SAFETY (the last three): the index is in range (see `execute`'s
        // `at!`). For the cells: the VM holds no `RefMut` of a variable's
        // cell between instructions (writes borrow within one statement),
        // and the returned reference ends before this instruction writes
        // anything.
        match arg.kind() {
            ArgKind::Stack => &self.stack[self.stack.len() - 1 - depth],
            ArgKind::Local | ArgKind::Temp => &self.stack[base + i],
            ArgKind::Const => unsafe { consts.get_unchecked(i) },
            ArgKind::Global => unsafe { &*globals.get_unchecked(i).as_ptr() },
            ArgKind::Free => unsafe { &*closure.cells.get_unchecked(i).as_ptr() },
        }
    }

    /// [`Vm::peek_arg`] for an operand known to be of kind `K` (an
    /// `ArgKind` number; `Temp` reads as `Local`): no dispatch on its kind.
    ///
    /// # Safety
    /// As for [`Vm::peek_arg`], and the operand is of kind `K`.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn peek_kind<'v, const K: u32>(
        &'v self,
        i: usize,
        depth: usize,
        base: usize,
        closure: &'v Closure,
        consts: &'v [Value],
        globals: &'v [GlobalCell],
    ) -> &'v Value {
        // SAFETY: as in `peek_arg`.
        unsafe {
            if K == ArgKind::Stack as u32 {
                &self.stack[self.stack.len() - 1 - depth]
            } else if K == ArgKind::Local as u32 || K == ArgKind::Temp as u32 {
                &self.stack[base + i]
            } else if K == ArgKind::Const as u32 {
                consts.get_unchecked(i)
            } else if K == ArgKind::Global as u32 {
                &*globals.get_unchecked(i).as_ptr()
            } else {
                &*closure.cells.get_unchecked(i).as_ptr()
            }
        }
    }

    /// Truncates the stack to `len`, dropping only the values that own
    /// something (a returning frame's locals are mostly numbers).
    #[inline(always)]
    fn drop_above(&mut self, len: usize) {
        let end = self.stack.len();
        if len >= end {
            return;
        }
        // SAFETY: `len..end` are initialised values; the length drops to
        // `len` first, and each of them is then read out exactly once (a
        // drop that panicked would leak the rest, never drop one twice).
        unsafe {
            self.stack.set_len(len);
            let tail = self.stack.as_ptr().add(len);
            for i in 0..end - len {
                let v = &*tail.add(i);
                if !matches!(
                    v,
                    Value::Null
                        | Value::Bool(_)
                        | Value::Int(_)
                        | Value::Float(_)
                        | Value::Builtin(_)
                        | Value::Undef
                ) {
                    drop_value(std::ptr::read(v));
                }
            }
        }
    }

    fn pop_slice_parts(&mut self, mask: u8) -> [Option<Value>; 3] {
        let mut parts: [Option<Value>; 3] = [None, None, None];
        for bit in (0..3).rev() {
            if mask & (1 << bit) != 0 {
                parts[bit] = self.stack.pop();
            }
        }
        parts
    }

    fn global_fallback(&self, rt: &ProgramRt, g: u32) -> VmResult<Value> {
        if let Some(def) = rt.builtins[g as usize] {
            return Ok(Value::Builtin(def));
        }
        let info = &rt.program.globals[g as usize];
        if &*info.name == "builtin" {
            return Ok(Value::Module(Rc::new(value::Module::Std(
                self.registry.builtins,
            ))));
        }
        Err(if info.assigned {
            MlError::new(
                ErrorKind::UnboundLocalError,
                format!("variable '{}' referenced before assignment", info.name),
            )
        } else {
            MlError::new(
                ErrorKind::NameError,
                format!("name '{}' is not defined", info.name),
            )
        })
    }

    /// Transfers control to the nearest handler above `entry`, or unwinds
    /// to `entry` and returns the error.
    #[cold]
    fn unwind(&mut self, err: MlError, entry: usize) -> VmResult<()> {
        if err.kind().is_catchable() {
            if let Some(h) = self.handlers.last().copied() {
                if h.frame >= entry {
                    if self.tracer.is_some() {
                        self.trace_error(&err, true);
                    }
                    self.handlers.pop();
                    self.frames.truncate(h.frame + 1);
                    self.stack.truncate(h.stack_len);
                    self.stack
                        .push(Value::Error(Rc::new(ErrorObj { error: err })));
                    self.frames[h.frame].pc = h.target;
                    return Ok(());
                }
            }
        }
        if entry == 0 && self.tracer.is_some() {
            // The error leaves the VM: this is the run's (or call's) end.
            self.trace_error(&err, false);
        }
        let mut err = err;
        // Record the call chain while unwinding, innermost first.
        for f in self.frames[entry..].iter().rev().skip(1) {
            if err.0.trace.len() >= 20 {
                break;
            }
            // SAFETY: frames at or above `entry` are still live here.
            let c = unsafe { &*f.closure };
            let proto = &c.rt.program.protos[c.proto as usize];
            let site = proto.spans.get(f.pc.saturating_sub(1)).map(|s| ErrorLoc {
                file: c.rt.program.file.clone(),
                span: *s,
            });
            err.0.trace.push((proto.name.to_string(), site));
        }
        if let Some(f) = self.frames.get(entry) {
            let base = f.base;
            self.stack.truncate(base.saturating_sub(1));
        }
        self.frames.truncate(entry);
        while self.handlers.last().is_some_and(|h| h.frame >= entry) {
            self.handlers.pop();
        }
        Err(err)
    }

    /// The text form of `v` as program-visible text: whole, or a
    /// MemoryError past the size limit, or stopped by the deadline.
    pub fn display(&self, v: &Value, style: value::Style) -> VmResult<String> {
        value::try_display(v, style, self.limits.max_len, &mut self.meter())
    }

    /// Writes to the execution's standard output. Captured output is
    /// capped at `limits.max_output` bytes (a MemoryError past it).
    pub fn write_out(&mut self, text: &str) -> VmResult<()> {
        self.check_output(text)?;
        self.host.console.write_out(text);
        self.check_reader()
    }

    /// Writes to the execution's standard error (capped like stdout).
    pub fn write_err(&mut self, text: &str) -> VmResult<()> {
        self.check_output(text)?;
        self.host.console.write_err(text);
        self.check_reader()
    }

    /// Ends the run (uncatchably, as a cancellation) once the console's
    /// reader has gone: `mlpy-test run x.ml | head -1` stops at once
    /// instead of computing output nobody reads until its deadline.
    fn check_reader(&self) -> VmResult<()> {
        if self.host.console.closed() {
            return Err(MlError::new(
                ErrorKind::Cancelled,
                "the output's reader has gone (broken pipe)",
            ));
        }
        Ok(())
    }

    fn check_output(&self, text: &str) -> VmResult<()> {
        let held = self.host.console.captured_len();
        if held.saturating_add(text.len()) > self.limits.max_output {
            return Err(MlError::new(
                ErrorKind::MemoryError,
                format!(
                    "captured output would pass its limit of {} bytes (Limits::max_output)",
                    self.limits.max_output
                ),
            ));
        }
        Ok(())
    }

    /// Frees everything the run left behind, including reference cycles
    /// through globals (a function refers to itself through its name).
    pub fn clear_globals(&mut self) {
        self.env.clear();
        self.modules.clear();
    }

    /// Clears per-run state after an error so the VM can be reused.
    pub fn reset_stack(&mut self) {
        self.stack.clear();
        self.frames.clear();
        self.handlers.clear();
        self.native_depth = 0;
    }
}

/// Work units of a binary operation: a pass over both operands, and for
/// a repetition (`s * n`, `[x] * n`) the result it builds.
#[inline]
fn operands_cost(a: &Value, b: &Value) -> usize {
    match (a, b) {
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => 0,
        (seq @ (Value::Str(_) | Value::Array(_) | Value::Tuple(_)), Value::Int(n))
        | (Value::Int(n), seq @ (Value::Str(_) | Value::Array(_) | Value::Tuple(_)))
            if *n > 0 =>
        {
            seq.work_size().saturating_mul(*n as usize)
        }
        _ => a.work_size() + b.work_size(),
    }
}

/// Drops a value that owns something, out of line.
#[inline(never)]
fn drop_value(v: Value) {
    drop(v)
}

#[cold]
fn recursion_error() -> MlError {
    MlError::new(
        ErrorKind::RecursionError,
        "maximum recursion depth exceeded",
    )
}

#[cold]
fn unbound_free() -> MlError {
    MlError::new(
        ErrorKind::NameError,
        "free variable referenced before assignment in enclosing scope",
    )
}

/// An error of the step of a fused `AddLoopIf*Int` at `pc`: located at the
/// step (its first operand span), not at the loop condition.
#[cold]
fn at_fused_step(e: MlError, closure: &Closure, pc: usize) -> MlError {
    e.with_loc(arg_loc(&closure.rt.program, closure.func(), pc, 0))
}

/// Where operand `which` (0: left, 1: right) of the fused instruction at
/// `pc` is in the source.
#[cold]
fn arg_loc(program: &Program, proto: &FuncProto, pc: usize, which: usize) -> ErrorLoc {
    let span = match proto.arg_spans.binary_search_by_key(&(pc as u32), |e| e.0) {
        Ok(i) => proto.arg_spans[i].1[which],
        Err(_) => proto.spans[pc],
    };
    ErrorLoc {
        file: program.file.clone(),
        span,
    }
}

#[cold]
fn unbound_local(name: &str) -> MlError {
    MlError::new(
        ErrorKind::UnboundLocalError,
        format!("local variable '{name}' referenced before assignment"),
    )
}

/// The TypeError for calling `v`.
#[cold]
pub fn not_callable(v: &Value) -> MlError {
    MlError::type_error(format!("'{}' object is not callable", v.kind_name()))
}

/// The TypeError for calling `name` with `got` arguments instead of `expected`.
#[cold]
pub fn arity_error(name: &str, expected: usize, got: usize) -> MlError {
    let plural = if expected == 1 { "" } else { "s" };
    MlError::type_error(format!(
        "{name}() takes {expected} positional argument{plural} but {got} {} given",
        if got == 1 { "was" } else { "were" }
    ))
}

/// The error raised by `throw obj;`.
#[cold]
pub fn thrown_error(obj: Value) -> MlError {
    let message = match &obj {
        Value::Object(o) => match o.borrow().get_str("message") {
            Some(Value::Str(s)) => s.as_str().to_string(),
            Some(other) => value::py_str(other),
            None => "User-defined exception".to_string(),
        },
        other => value::py_str(other),
    };
    MlError::thrown(message, Rc::new(obj))
}

/// `*slot = n`, the number written in place (no value assembled in
/// memory first and copied, which stalls on store forwarding) when the
/// old value owns nothing, as in a loop of arithmetic.
#[inline(always)]
fn put_num(slot: &mut Value, n: Num) {
    if matches!(
        slot,
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Undef
    ) {
        // SAFETY: `slot` is a valid, exclusive place whose value owns
        // nothing, so overwriting it without dropping it leaks nothing.
        unsafe {
            match n {
                Num::Int(i) => std::ptr::write(slot, Value::Int(i)),
                Num::Float(f) => std::ptr::write(slot, Value::Float(f)),
                Num::Bool(b) => std::ptr::write(slot, Value::Bool(b)),
            }
        }
    } else {
        *slot = n.value();
    }
}

/// `*slot = v`, calling the (out-of-line) drop of the old value only when
/// it owns something: numbers overwrite numbers in hot loops.
#[inline(always)]
fn set_slot(slot: &mut Value, v: Value) {
    drop_unless_plain(std::mem::replace(slot, v));
}

/// Drops `v` out of line when it owns something; a number is just let go.
#[inline(always)]
fn drop_unless_plain(v: Value) {
    if matches!(
        v,
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Undef
    ) {
        std::mem::forget(v);
    } else {
        drop_value(v);
    }
}

/// Moves the values of `stack` from `at` on into a call's arguments (the
/// generic `drain(..).collect()` cost about 100 instructions per call).
#[inline(always)]
fn take_args(stack: &mut Vec<Value>, at: usize) -> SmallVec<[Value; 8]> {
    let mut args = SmallVec::new();
    let n = stack.len().checked_sub(at).expect("call arguments");
    if n > args.inline_size() {
        args.extend(stack.drain(at..));
        return args;
    }
    // SAFETY: `at + n == stack.len()` and `n` values fit in `args`'s
    // inline room: each value moves bitwise into `args`, which owns them
    // from `set_len` on, and the stack's length drops to `at` so it no
    // longer owns them. Nothing in between can panic.
    unsafe {
        let (from, to) = (stack.as_ptr().add(at), args.as_mut_ptr());
        for i in 0..n {
            to.add(i).write(from.add(i).read());
        }
        stack.set_len(at);
        args.set_len(n);
    }
    args
}
