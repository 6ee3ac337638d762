//! Scope analysis (section 10): which names are local to each function,
//! which are captured by inner functions (cells), and which are free.
//!
//! Python's rules: a name bound anywhere in a function body is local to it
//! unless declared `nonlocal`; other names resolve to the nearest enclosing
//! function that binds them, else to the program (globals and builtins).

use crate::syntax::ast::*;
type IndexSet<T> = indexmap::IndexSet<T, ahash::RandomState>;
type HashMap<K, V> = ahash::AHashMap<K, V>;
type HashSet<T> = ahash::AHashSet<T>;

#[derive(Default, Debug)]
pub struct Scope {
    pub parent: Option<usize>,
    /// Bound names: parameters first, then in order of appearance.
    pub locals: IndexSet<String>,
    pub nparams: usize,
    pub nonlocals: Vec<Ident>,
    /// Names used here that are not local (candidates for free variables).
    pub uses: IndexSet<String>,
    /// Locals that inner functions capture.
    pub captured: HashSet<String>,
    /// Free variables, in capture order.
    pub frees: IndexSet<String>,
}

pub struct ScopeTree {
    pub scopes: Vec<Scope>,
    /// FuncDef address → scope index.
    pub by_def: HashMap<usize, usize>,
    pub errors: Vec<(String, Span)>,
}

pub fn def_key(def: &FuncDef) -> usize {
    def as *const FuncDef as usize
}

impl ScopeTree {
    /// Analyses a program. `known_globals` are names that exist in the
    /// environment already (a session's earlier definitions).
    pub fn build(program: &Program, known_globals: &dyn Fn(&str) -> bool) -> ScopeTree {
        let mut tree = ScopeTree {
            scopes: vec![Scope::default()],
            by_def: HashMap::new(),
            errors: Vec::new(),
        };
        tree.collect_block(0, &program.stmts);
        tree.resolve(known_globals);
        tree
    }

    fn new_scope(&mut self, parent: usize, def: &FuncDef) -> usize {
        let id = self.scopes.len();
        let mut scope = Scope {
            parent: Some(parent),
            ..Scope::default()
        };
        for p in &def.params {
            scope.locals.insert(p.name.clone());
        }
        scope.nparams = def.params.len();
        self.scopes.push(scope);
        self.by_def.insert(def_key(def), id);
        // Nonlocal declarations first, so that later bindings honour them.
        if let FuncBody::Block(b) = &def.body {
            let mut nl = Vec::new();
            collect_nonlocals(&b.stmts, &mut nl);
            for n in &nl {
                if def.params.iter().any(|p| p.name == n.name) {
                    self.errors.push((
                        format!("name '{}' is a parameter and nonlocal", n.name),
                        n.span,
                    ));
                }
            }
            self.scopes[id].nonlocals = nl;
        }
        match &def.body {
            FuncBody::Block(b) => self.collect_block(id, &b.stmts),
            FuncBody::Expr(e) => self.collect_expr(id, e),
        }
        id
    }

    fn bind(&mut self, scope: usize, name: &str) {
        let s = &mut self.scopes[scope];
        if s.nonlocals.iter().any(|n| n.name == name) {
            s.uses.insert(name.to_string());
        } else {
            s.locals.insert(name.to_string());
        }
    }

    fn use_name(&mut self, scope: usize, name: &str) {
        self.scopes[scope].uses.insert(name.to_string());
    }

    fn collect_block(&mut self, scope: usize, stmts: &[Stmt]) {
        for stmt in stmts {
            self.collect_stmt(scope, stmt);
        }
    }

    fn collect_stmt(&mut self, scope: usize, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Expr(e) | StmtKind::Throw(e) => self.collect_expr(scope, e),
            StmtKind::Assign { target, value } => {
                self.collect_expr(scope, value);
                match target {
                    Target::Name(id) => self.bind(scope, &id.name),
                    Target::Index { object, index } => self.collect_all(scope, [object, index]),
                    Target::Slice {
                        object,
                        start,
                        stop,
                        step,
                    } => self.collect_all(
                        scope,
                        [Some(object), start.as_ref(), stop.as_ref(), step.as_ref()]
                            .into_iter()
                            .flatten(),
                    ),
                    Target::Member { object, .. } => self.collect_expr(scope, object),
                }
            }
            StmtKind::Destructure { pattern, value } => {
                self.collect_expr(scope, value);
                let (Pattern::Array(names) | Pattern::Object(names)) = pattern;
                for n in names {
                    self.bind(scope, &n.name);
                }
            }
            StmtKind::If {
                branches,
                else_block,
            } => {
                for (c, b) in branches {
                    self.collect_expr(scope, c);
                    self.collect_block(scope, &b.stmts);
                }
                if let Some(b) = else_block {
                    self.collect_block(scope, &b.stmts);
                }
            }
            StmtKind::While { cond, body } => {
                self.collect_expr(scope, cond);
                self.collect_block(scope, &body.stmts);
            }
            StmtKind::For { var, iter, body } => {
                self.collect_expr(scope, iter);
                self.bind(scope, &var.name);
                self.collect_block(scope, &body.stmts);
            }
            StmtKind::Try {
                body,
                handlers,
                finally,
            } => {
                self.collect_block(scope, &body.stmts);
                for h in handlers {
                    if let Some(n) = &h.name {
                        self.bind(scope, &n.name);
                    }
                    self.collect_block(scope, &h.body.stmts);
                }
                if let Some(f) = finally {
                    self.collect_block(scope, &f.stmts);
                }
            }
            StmtKind::Return(e) => {
                if let Some(e) = e {
                    self.collect_expr(scope, e);
                }
            }
            StmtKind::Break | StmtKind::Continue | StmtKind::Capability(_) => {}
            StmtKind::Nonlocal(names) => {
                if scope == 0 {
                    for n in names {
                        self.errors.push((
                            format!(
                                "nonlocal declaration of '{}' not allowed at top level",
                                n.name
                            ),
                            n.span,
                        ));
                    }
                }
            }
            StmtKind::Function(def) => {
                if let Some(n) = &def.name {
                    self.bind(scope, &n.name);
                }
                self.new_scope(scope, def);
            }
            StmtKind::Import { path, alias } => {
                let name = alias.as_ref().unwrap_or(&path[0]);
                self.bind(scope, &name.name);
            }
        }
    }

    /// [`Self::collect_expr`] of each expression, in order.
    fn collect_all<'e>(&mut self, scope: usize, exprs: impl IntoIterator<Item = &'e Expr>) {
        for e in exprs {
            self.collect_expr(scope, e);
        }
    }

    fn collect_expr(&mut self, scope: usize, expr: &Expr) {
        match &expr.kind {
            ExprKind::Name(n) => self.use_name(scope, n),
            ExprKind::Array(items) => self.collect_all(scope, items),
            ExprKind::Object(props) => self.collect_all(scope, props.iter().map(|(_, e)| e)),
            ExprKind::Unary { operand, .. } => self.collect_expr(scope, operand),
            ExprKind::Binary { lhs, rhs, .. } | ExprKind::Logic { lhs, rhs, .. } => {
                self.collect_all(scope, [&**lhs, rhs])
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => self.collect_all(scope, [&**cond, then, otherwise]),
            ExprKind::Index { object, index } => self.collect_all(scope, [&**object, index]),
            ExprKind::Slice {
                object,
                start,
                stop,
                step,
            } => self.collect_all(
                scope,
                [
                    Some(&**object),
                    start.as_deref(),
                    stop.as_deref(),
                    step.as_deref(),
                ]
                .into_iter()
                .flatten(),
            ),
            ExprKind::Member { object, .. } => self.collect_expr(scope, object),
            ExprKind::Call { callee, args } => {
                self.collect_all(scope, std::iter::once(&**callee).chain(args))
            }
            ExprKind::Function(def) => {
                self.new_scope(scope, def);
            }
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::BigInt(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_) => {}
        }
    }

    /// Links every non-local use to the nearest enclosing function that
    /// binds it, marking cells and free variables along the way.
    fn resolve(&mut self, known_globals: &dyn Fn(&str) -> bool) {
        for id in 1..self.scopes.len() {
            let uses: Vec<String> = self.scopes[id]
                .uses
                .iter()
                .filter(|n| !self.scopes[id].locals.contains(*n))
                .cloned()
                .collect();
            for name in uses {
                self.link(id, &name);
            }
            let nonlocals = self.scopes[id].nonlocals.clone();
            for n in nonlocals {
                if !self.link(id, &n.name)
                    && !self.scopes[0].locals.contains(&n.name)
                    && !known_globals(&n.name)
                {
                    self.errors.push((
                        format!("no binding for nonlocal '{}' found", n.name),
                        n.span,
                    ));
                }
            }
        }
    }

    /// Returns true if `name` resolved to an enclosing function's local.
    fn link(&mut self, id: usize, name: &str) -> bool {
        let mut path = vec![id];
        let mut cur = self.scopes[id].parent;
        while let Some(p) = cur {
            if p == 0 {
                return false;
            }
            if self.scopes[p].locals.contains(name) {
                self.scopes[p].captured.insert(name.to_string());
                for &s in &path {
                    self.scopes[s].frees.insert(name.to_string());
                }
                return true;
            }
            path.push(p);
            cur = self.scopes[p].parent;
        }
        false
    }
}

fn collect_nonlocals(stmts: &[Stmt], out: &mut Vec<Ident>) {
    for stmt in stmts {
        match &stmt.kind {
            StmtKind::Nonlocal(names) => out.extend(names.iter().cloned()),
            StmtKind::If {
                branches,
                else_block,
            } => {
                for (_, b) in branches {
                    collect_nonlocals(&b.stmts, out);
                }
                if let Some(b) = else_block {
                    collect_nonlocals(&b.stmts, out);
                }
            }
            StmtKind::While { body, .. } | StmtKind::For { body, .. } => {
                collect_nonlocals(&body.stmts, out)
            }
            StmtKind::Try {
                body,
                handlers,
                finally,
            } => {
                collect_nonlocals(&body.stmts, out);
                for h in handlers {
                    collect_nonlocals(&h.body.stmts, out);
                }
                if let Some(f) = finally {
                    collect_nonlocals(&f.stmts, out);
                }
            }
            _ => {}
        }
    }
}
