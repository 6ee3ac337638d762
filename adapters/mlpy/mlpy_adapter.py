"""mlpy-test's backend for the real mlpy: the process protocol, version 1
(docs/process-protocol.md), on top of mlpy's integration API.

Each run transpiles the ML code with mlpy's `MLTranspiler` and executes the
generated Python in a fresh namespace inside a capability context holding
the request's grants as mlpy capability tokens (the way mlpy's
documentation runs transpiled code with capabilities). The adapter is ours;
mlpy is used as it is.

mlpy keeps process-wide state (its module registry, imported user modules,
the capability manager), so every run happens in a child forked from a
process that has imported mlpy and warmed its parser once: a run costs a
fork instead of Python's start-up, and nothing one run does is seen by the
next. A child that misses its deadline is killed.

Usage: PYTHON mlpy_adapter.py --mlpy-path DIR (or MLPY_PATH=DIR), where DIR
holds the `mlpy` package (it is put first on sys.path). Run it with a Python that has mlpy's dependencies
(mlpy-test takes that interpreter from MLPY_PYTHON).
"""

import ast
import base64
import contextlib
import datetime
import glob
import http.client
import io
import json
import math
import os
import re
import select
import shutil
import signal
import sys
import tempfile
import time
import traceback
import types
import urllib.error
import urllib.parse
import urllib.request

PROTOCOL = 1
# The real one: the file tree stands in for shutil.rmtree during a run.
RMTREE = shutil.rmtree

# Every spec feature is honoured (see Run, FileTree, MockHttp, FixedClock);
# a feature added to the protocol later would be declared unsupported here,
# with the reason.
UNSUPPORTED = {}
FEATURES = [
    "files",
    "http",
    "clock",
    "env",
    "seed",
    "stdin",
    "argv",
    "modules",
    "globals",
    "callbacks",
    "concurrency",
    "timeouts",
    "stderr",
]

# Capabilities that guard no part of the world. The native runtime needs
# no grant for them; mlpy's stdlib demands them, so every run holds them.
PURE = (
    "console.write console.error math.compute regex.compile regex.match json.parse "
    "json.serialize datetime.create datetime.now collections.read collections.transform "
    "functional.compose functional.transform random.generate random.sample crypto.hash "
    "crypto.random log.write string.read string.write"
).split()

# Our kind:action -> the mlpy capability names the same functions check.
ACTIONS = {
    "file": {
        "read": ["file.read", "path.read"],
        "write": ["file.write", "file.append", "path.write"],
        "append": ["file.append"],
        "delete": ["file.delete", "path.write"],
    },
    "path": {
        "read": ["path.read", "file.read"],
        "write": ["path.write", "file.write", "file.append"],
    },
    "network": {
        "http": ["network.http"],
        "https": ["network.http", "network.https"],
        "socket": ["network.socket"],
    },
    "env": {"read": ["env.read"], "write": ["env.write"]},
    "args": {"read": ["args.read"]},
}

# Python exception classes -> the kinds the native runtime reports.
KINDS = [
    "SyntaxError",
    "CapabilityError",
    "SecurityError",
    "MLUserException",
    "ZeroDivisionError",
    "UnboundLocalError",
    "NameError",
    "RecursionError",
    "KeyError",
    "IndexError",
    "TypeError",
    "AttributeError",
    "OverflowError",
    "MemoryError",
    "FileNotFoundError",
    "ImportError",
    "ValueError",
    "OSError",
    "RuntimeError",
]
KIND_NAMES = {
    "CapabilityError": "CapabilityViolation",
    "MLUserException": "UserError",
    "ModuleNotFoundError": "ImportError",
}


def fatal(message):
    sys.stderr.write(f"mlpy adapter: {message}\n")
    sys.stderr.flush()
    sys.exit(2)


def load_mlpy():
    # `--mlpy-path DIR` (as mlpy-test passes it), else MLPY_PATH.
    args = sys.argv[1:]
    path = args[args.index("--mlpy-path") + 1] if "--mlpy-path" in args[:-1] else os.environ.get("MLPY_PATH")
    if not path:
        fatal(
            "MLPY_PATH is not set: point it at the directory holding the mlpy "
            "package (for example ../shared/reference/mlpy/src)"
        )
    if not os.path.isfile(os.path.join(path, "mlpy", "__init__.py")):
        fatal(f"MLPY_PATH={path} does not hold the mlpy package (no mlpy/__init__.py)")
    sys.path.insert(0, os.path.abspath(path))
    try:
        from mlpy.ml.transpiler import MLTranspiler
        from mlpy.runtime import whitelist_validator
        from mlpy.runtime.capabilities.manager import get_capability_manager
        from mlpy.runtime.capabilities.tokens import create_capability_token
        import mlpy.version
    except Exception as e:  # a missing dependency, a broken copy
        fatal(
            f"cannot import mlpy from MLPY_PATH={path} with {sys.executable}: {e!r}. "
            "mlpy needs Python 3.12 with its dependencies: python3.12 -m venv VENV && "
            "VENV/bin/pip install lark click rich pygments psutil typing-extensions pyyaml "
            "prompt_toolkit, then MLPY_PYTHON=VENV/bin/python"
        )
    return MLTranspiler, whitelist_validator, get_capability_manager, create_capability_token, mlpy


class Timeout(BaseException):
    """Raised by the alarm at a run's deadline; ML code cannot catch it."""


LAST = "__mlpy_test_last__"
PROGRAM = "__mlpy_test_program__"
LOCALS = "__mlpy_test_locals__"
FELL_OFF = "__mlpy_test_no_return__"


class LastValue(ast.NodeTransformer):
    """Remembers the value of every top-level expression statement (the
    native program-result rule); function bodies are left alone."""

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_ClassDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_Expr(self, node):
        target = ast.Name(id=LAST, ctx=ast.Store())
        return ast.copy_location(ast.Assign(targets=[target], value=node.value), node)


def program(python, wrap):
    """mlpy's generated module, run the way mlpy runs it. A program
    (`wrap`) runs as mlpy's runner runs it: inside one function, so
    top-level names are that function's variables (`nonlocal` reaches them,
    and using one before it is assigned is an UnboundLocalError). Code with
    injected globals runs as mlpy's integration API runs it: at module
    level, with the globals as module variables (mlpy's REPL-mode code turns
    a top-level function's `nonlocal` into `global`). Either way the
    program's variables are kept in LOCALS however it ends."""
    tree = ast.parse(python)
    body = tree.body
    # The module docstring is mlpy's banner, not an ML expression.
    head = body[:1] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else []
    statements = [LastValue().visit(s) for s in body[len(head):]]
    if not wrap:
        keep = ast.parse(f"{LOCALS}.update(globals())").body[0]
        tree.body = head + [ast.Try(body=statements or [ast.Pass()], handlers=[], orelse=[], finalbody=[keep])]
        return ast.fix_missing_locations(tree)
    statements.append(ast.parse(f"return {FELL_OFF}").body[0])
    keep = ast.parse(f"{LOCALS}.update(locals())").body[0]
    wrapper = ast.FunctionDef(
        name=PROGRAM,
        args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
        body=[ast.Try(body=statements, handlers=[], orelse=[], finalbody=[keep])],
        decorator_list=[],
        returns=None,
        type_params=[],
    )
    tree.body = head + [ast.copy_location(wrapper, body[0]) if body else wrapper]
    return ast.fix_missing_locations(tree)


def line_map(source_map):
    """Generated line -> (ML line, column), from mlpy's source map."""
    out = {}
    info = (source_map or {}).get("debugInfo") or {}
    for m in info.get("detailedMappings") or []:
        try:
            out[int(m["generated"]["line"])] = (int(m["original"]["line"]), int(m["original"]["column"]))
        except (KeyError, TypeError, ValueError):
            pass
    return out


def to_data(v, depth=0):
    """A Python value as the protocol's plain data."""
    if depth > 100:
        return "<...>"
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        if math.isnan(v):
            return {"$float": "nan"}
        if math.isinf(v):
            return {"$float": "inf" if v > 0 else "-inf"}
        return v
    if isinstance(v, (list, tuple)):
        return [to_data(x, depth + 1) for x in v]
    if isinstance(v, dict):
        return {str(k): to_data(x, depth + 1) for k, x in v.items()}
    if callable(v) and hasattr(v, "__name__"):
        return f"<function {v.__name__}>"
    return str(v)


def from_data(v):
    if isinstance(v, list):
        return [from_data(x) for x in v]
    if isinstance(v, dict):
        if len(v) == 1 and "$float" in v:
            return float(v["$float"])
        return {k: from_data(x) for k, x in v.items()}
    return v


def reported_globals(variables):
    out = {}
    for k, v in variables.items():
        if k.startswith("_") or k == "builtin":
            continue
        if callable(v) or type(v).__module__.startswith("mlpy.stdlib") or isinstance(v, type(sys)):
            continue
        out[k] = to_data(v)
    return out


def resource_of(capability, arg):
    """A call's argument as the resource a capability guards: file paths
    made absolute and normalised (the working directory is `/`)."""
    if capability.split(".")[0] in ("file", "path"):
        return os.path.normpath(os.path.join("/", os.path.expanduser(arg)))
    return arg


def parse_time(text):
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    if len(text) == 10:
        text += "T00:00:00Z"
    dt = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp()


def grant_names(token):
    """Our capability token -> (mlpy names, pattern, max uses, expiry)."""
    parts = token.strip().split(";")
    head, uses, expires = parts[0], None, None
    for c in parts[1:]:
        key, _, value = c.partition("=")
        if key.strip() == "uses":
            uses = int(value)
        elif key.strip() == "expires":
            expires = parse_time(value)
    pattern = None
    if ":" in head and "." in head.split(":", 1)[0]:
        # mlpy's dotted form with a pattern: kind.action:PATTERN
        head, pattern = head.split(":", 1)
    elif "=" in head and "." in head.split("=", 1)[0]:
        head, pattern = head.split("=", 1)
    if "." in head and ":" not in head:
        kind, _, action = head.partition(".")
    else:
        kind, _, rest = head.partition(":")
        action, _, pat = rest.partition(":")
        pattern = pat or pattern
    kind, action = kind.lower(), action.lower()
    actions = ACTIONS.get(kind)
    if actions is None:
        return [head], pattern, uses, expires
    chosen = actions.keys() if action in ("", "*") else [action]
    names = []
    for a in chosen:
        names.extend(actions.get(a, [f"{kind}.{a}"]))
    return names, pattern, uses, expires


class Adapter:
    def __init__(self):
        (
            MLTranspiler,
            self.gate,
            get_manager,
            self.make_token,
            mlpy,
        ) = load_mlpy()
        self.MLTranspiler = MLTranspiler
        self.manager = get_manager()
        self.version = getattr(mlpy.version, "__version__", None) or getattr(mlpy, "__version__", None)
        self.transpilers = {}
        self.violations = []
        # Every capability check that fails is recorded, caught by the
        # program or not (mlpy itself keeps no such record), with the
        # call's first argument as the resource (the path, key or URL).
        original_check = self.gate.check_capabilities
        original_call = self.gate.safe_call
        calls = []

        def recording_check(required):
            try:
                original_check(required)
            except self.gate.CapabilityError:
                have = self.manager_context_types()
                missing = [r for r in required if r not in have] or list(required)
                func, args = calls[-1] if calls else (None, ())
                for m in missing:
                    v = {"capability": m}
                    # copy(src, dst) and move(src, dst) write their second path.
                    two_paths = getattr(func, "__name__", "") in ("copy", "move")
                    i = 1 if two_paths and m.endswith((".write", ".append")) else 0
                    if len(args) > i and isinstance(args[i], str):
                        v["resource"] = resource_of(m, args[i])
                    self.violations.append(v)
                raise

        def recording_call(func, *args, **kwargs):
            calls.append((func, args))
            try:
                return original_call(func, *args, **kwargs)
            finally:
                calls.pop()

        self.gate.check_capabilities = recording_check
        self.gate.safe_call = recording_call

    def manager_context_types(self):
        from mlpy.runtime.capabilities.context import get_current_context

        ctx = get_current_context()
        if ctx is None:
            return set()
        try:
            return set(ctx.get_all_capabilities())
        except Exception:
            return set()

    def transpiler(self, repl_mode):
        if repl_mode not in self.transpilers:
            self.transpilers[repl_mode] = self.MLTranspiler(repl_mode=repl_mode)
        return self.transpilers[repl_mode]

    def tokens(self, grants, clock=None):
        """mlpy tokens for our grants. An expiry is measured from the run's
        clock (the world's, if it sets one) and given to mlpy as the same
        time from now."""
        tokens = {}
        now = float(clock["at"]) if clock else time.time()
        for name in PURE:
            tokens[name] = self.make_token(name)
        for g in grants:
            names, pattern, uses, expires = grant_names(g)
            if expires is not None and expires <= now:
                continue  # an expired grant grants nothing
            for n in names:
                kw = {}
                if pattern:
                    kw["resource_patterns"] = [pattern]
                if uses is not None:
                    kw["max_usage_count"] = uses
                if expires is not None:
                    kw["expires_in"] = datetime.timedelta(seconds=expires - now)
                tokens[n] = self.make_token(n, **kw)
        return list(tokens.values())

    def warm_up(self):
        """Loads the parser (and its lexer's patterns) in the parent, so
        children start warm."""
        program = """
            import math;
            function f(a, b) { if (a > b && !(a == 1) || b <= 2) { return a; } elif (a != b) { return b; } else { return null; } }
            x = [1, 2.5, "s", 's', true, false, {k: -1, "q": 1 // 2 % 3}];
            for (i in range(3)) { while (i < 2) { i = i + 1; break; } continue; }
            try { throw {message: "m"}; } except (e) { print(str(e)); } finally { y = x[0:1]; }
            z = fn(q) => q * 2;
            r = f(1, 2) >= 1 ? z(3) : math.sqrt(4) / 1;
        """
        for repl_mode in (False, True):
            self.transpiler(repl_mode).transpile_to_python(program)

    # ---- one run ----

    def run(self, req):
        """Runs one request in a forked child and returns its outcome."""
        rid = req.get("id", 0)
        timeout = req.get("timeout_ms")
        # The parent owns the run's scratch directory, so that a child killed
        # at its deadline leaves nothing behind.
        scratch = tempfile.mkdtemp(prefix="mlpy-test-")
        try:
            return self.run_in_child(req, rid, timeout, scratch)
        finally:
            RMTREE(scratch, ignore_errors=True)

    def run_in_child(self, req, rid, timeout, scratch):
        read_fd, write_fd = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            die_with_parent(parent)
            code = 0
            try:
                outcome = Run(req, scratch).outcome(self)
            except BaseException as e:  # the child must always answer
                outcome = internal_error(rid, e)
                code = 1
            try:
                # Python limits int-to-text conversion; the outcome is exact.
                sys.set_int_max_str_digits(0)
                with os.fdopen(write_fd, "w", encoding="utf-8") as w:
                    w.write(json.dumps(outcome, ensure_ascii=False))
            finally:
                os._exit(code)
        os.close(write_fd)
        # The child stops itself at the deadline; this is the backstop.
        deadline = time.monotonic() + timeout / 1000.0 + 0.5 if timeout else None
        chunks = []
        with os.fdopen(read_fd, "rb") as r:
            while True:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    return {"id": rid, "status": "timeout"}
                ready, _, _ = select.select([r], [], [], left)
                if ready:
                    chunk = os.read(r.fileno(), 1 << 16)
                    if not chunk:
                        break
                    chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        try:
            return json.loads(b"".join(chunks).decode("utf-8"))
        except ValueError:
            return internal_error(rid, RuntimeError(f"the run's process ended without an outcome (wait status {status})"))


def die_with_parent(parent):
    """A forked run must not outlive the adapter: when the harness kills the
    adapter (a cancelled or hung run), the kernel kills the child too
    (Linux's PR_SET_PDEATHSIG; elsewhere the child's own deadline stops it)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # it died before prctl took effect
            os._exit(1)
    except (OSError, AttributeError):
        pass


def internal_error(rid, e):
    return {
        "id": rid,
        "status": "error",
        "error": {"kind": "InternalError", "message": f"mlpy adapter: {e!r}", "line": None, "column": None},
    }


class Run:
    """One run, inside its forked child: the request's world is set up in
    the process itself (environment, arguments, stdin, working directory,
    random seed, files), since the process ends with the run."""

    def __init__(self, req, scratch):
        self.req = req
        self.world = req.get("world") or {}
        self.tmp = scratch

    def setup(self):
        world = self.world
        # Nothing the program does may write on the protocol's stdout.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.environ.clear()
        os.environ.update(world.get("env") or {})
        os.chdir(self.tmp)
        sys.argv = [world.get("script") or "main.ml"] + list(world.get("argv") or [])
        sys.stdin = io.StringIO(world.get("stdin") or "")
        import random

        random.seed(world.get("seed") or 0)
        FileTree(self.tmp, world.get("files") or {}).install()
        self.http = MockHttp(world.get("http") or [])
        self.http.install()
        if world.get("clock"):
            FixedClock(world["clock"]).install()

    def module_dir(self):
        """User modules in a scratch directory (mlpy writes its transpiled
        .py files next to them)."""
        mods = os.path.join(self.tmp, "modules")
        os.makedirs(mods, exist_ok=True)
        for d in self.world.get("module_paths") or []:
            if os.path.isdir(d):
                shutil.copytree(d, mods, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        for dotted, source in (self.world.get("modules") or {}).items():
            path = os.path.join(mods, *dotted.split(".")) + ".ml"
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(source)
        return mods

    def outcome(self, adapter):
        self.setup()
        return self.execute(adapter)

    def execute(self, adapter):
        req = self.req
        rid = req.get("id", 0)
        out, err = io.StringIO(), io.StringIO()
        adapter.violations = []
        result = {"id": rid, "status": "ok", "value": None}
        name = req.get("name") or "main.ml"
        code = "\n" * (max(int(req.get("first_line") or 1), 1) - 1) + req.get("code", "")
        globals_in = {k: from_data(v) for k, v in (req.get("globals") or {}).items()}
        mods = self.module_dir()
        transpiler = adapter.transpiler(repl_mode=bool(globals_in))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            python, issues, source_map = transpiler.transpile_to_python(
                code,
                source_file=os.path.join(self.tmp, "main.ml"),
                strict_security=True,
                generate_source_maps=True,
                import_paths=[mods],
                allow_current_dir=False,
            )
        lines = line_map(source_map)
        if python is None:
            result.update(status="error", error=transpile_error(issues))
        else:
            fell_off = object()
            variables = {}
            # mlpy trusts functions defined in `__main__` (the program's own).
            ns = {"__name__": "__main__", LOCALS: variables, FELL_OFF: fell_off}
            ns.update(globals_in)
            wrap = not globals_in
            try:
                with adapter.manager.capability_context("mlpy_test_run", adapter.tokens(req.get("grants") or [], self.world.get("clock"))):
                    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                        alarm(req.get("timeout_ms"))
                        try:
                            exec(compile(program(python, wrap), name, "exec"), ns)
                            value = ns[PROGRAM]() if wrap else fell_off
                            if value is fell_off:
                                value = variables.get(LAST)
                                if value is None:
                                    value = variables.get("result")
                            cb = req.get("callback")
                            if cb:
                                value = call(variables, cb["function"], [from_data(a) for a in cb.get("args") or []])
                        finally:
                            signal.setitimer(signal.ITIMER_REAL, 0)
                result["value"] = to_data(value)
            except Timeout:
                result = {"id": rid, "status": "timeout"}
            except Exception as e:
                result.update(status="error", value=None, error=runtime_error(e, name, lines))
                if result["error"]["kind"] == "CapabilityViolation":
                    result["status"] = "violation"
            variables.pop(LAST, None)
            result["globals"] = reported_globals(variables)
        result["stdout"] = out.getvalue()
        result["stderr"] = err.getvalue()
        result["violations"] = adapter.violations
        result["http_calls"] = self.http.calls
        return result


def alarm(timeout_ms):
    if timeout_ms:
        def fire(signum, frame):
            raise Timeout()

        signal.signal(signal.SIGALRM, fire)
        signal.setitimer(signal.ITIMER_REAL, timeout_ms / 1000.0)


def call(ns, function, args):
    f = ns.get(function)
    if f is None:
        raise NameError(f"name '{function}' is not defined")
    if not callable(f):
        raise TypeError(f"'{type(f).__name__}' object is not callable")
    return f(*args)


def kind_of(e):
    for cls in type(e).__mro__:
        if cls.__name__ in KINDS:
            return KIND_NAMES.get(cls.__name__, cls.__name__)
        if cls.__name__ in KIND_NAMES:
            return KIND_NAMES[cls.__name__]
    return "RuntimeError"


def runtime_error(e, name, lines):
    line = column = None
    frames = traceback.extract_tb(e.__traceback__)
    if isinstance(e, SyntaxError) and e.filename == name and e.lineno:
        # mlpy generated Python that does not compile: where in it.
        frames = [traceback.FrameSummary(name, e.lineno, "")]
    for frame in reversed(frames):
        if frame.filename == name and frame.lineno:
            known = [g for g in lines if g <= frame.lineno]
            if known:
                line, column = lines[max(known)]
            break
    message = str(e)
    if type(e).__name__ == "KeyError" and e.args:
        message = repr(e.args[0])
    return {"kind": kind_of(e), "message": message, "line": line, "column": column}


def transpile_error(issues):
    for issue in issues:
        e = issue.error
        cls = type(e).__name__
        message = getattr(e, "message", str(e))
        if cls == "MLSecurityError":
            kind = "SecurityError"
        elif "Unknown identifier" in message:
            kind = "NameError"
        else:
            kind = "SyntaxError"
        return {
            "kind": kind,
            "message": message.split("\n")[0],
            "line": getattr(e, "line_number", None),
            "column": getattr(e, "column", None),
        }
    return {"kind": "SyntaxError", "message": "mlpy produced no code", "line": None, "column": None}


class FileTree:
    """The request's file tree under a scratch root. While a run is active,
    mlpy's file-touching stdlib modules get stand-ins for `os`, `open`,
    `shutil` and `glob` that take every path as a path of the tree (the
    working directory is `/`) and report paths of the tree, so
    `/data/a.txt` is the tree's file and nothing outside it is reachable."""

    MODULES = ("file_bridge", "path_bridge", "csv_bridge", "crypto_bridge", "log_bridge")

    def __init__(self, tmp, files):
        self.root = os.path.join(tmp, "root")
        os.makedirs(self.root)
        for path, content in files.items():
            real = self.real(path)
            os.makedirs(os.path.dirname(real), exist_ok=True)
            if isinstance(content, dict):
                data = base64.b64decode(content["base64"])
            else:
                data = content.encode("utf-8")
            with open(real, "wb") as f:
                f.write(data)

    def absolute(self, path):
        """A program's path as an absolute, normalised path of the tree
        (`~` is the environment's HOME, as in mlpy)."""
        path = os.path.expanduser(os.fspath(path))
        return os.path.normpath(os.path.join("/", path))

    def real(self, path):
        if isinstance(path, str) and path.startswith(self.root + os.sep):
            return path  # already a path of the tree
        return os.path.join(self.root, self.absolute(path).lstrip("/"))

    def virtual(self, real):
        rel = os.path.relpath(real, self.root)
        return "/" if rel == "." else "/" + rel

    def install(self):
        import builtins

        real_glob = glob

        tree = self

        def mapped(fn, count=1):
            def wrapper(*args, **kwargs):
                args = [tree.real(a) if i < count and isinstance(a, (str, os.PathLike)) else a for i, a in enumerate(args)]
                return fn(*args, **kwargs)

            return wrapper

        path = types.SimpleNamespace(**{k: getattr(os.path, k) for k in dir(os.path) if not k.startswith("__")})
        for name in ("exists", "isfile", "isdir", "islink", "getsize", "getmtime", "getatime", "getctime", "lexists"):
            setattr(path, name, mapped(getattr(os.path, name)))
        path.abspath = self.absolute
        path.realpath = self.absolute
        fake_os = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")})
        fake_os.path = path
        for name in ("listdir", "makedirs", "mkdir", "remove", "unlink", "rmdir", "stat", "lstat", "scandir", "chmod"):
            setattr(fake_os, name, mapped(getattr(os, name)))
        for name in ("rename", "replace"):
            setattr(fake_os, name, mapped(getattr(os, name), 2))
        fake_os.getcwd = lambda: "/"

        def walk(top, *args, **kwargs):
            for root, dirs, files in os.walk(tree.real(top), *args, **kwargs):
                yield tree.virtual(root), dirs, files

        fake_os.walk = walk
        fake_shutil = types.SimpleNamespace(**{k: getattr(shutil, k) for k in dir(shutil) if not k.startswith("__")})
        for name in ("copy", "copy2", "copyfile", "move", "copytree"):
            setattr(fake_shutil, name, mapped(getattr(shutil, name), 2))
        fake_shutil.rmtree = mapped(RMTREE)

        def tree_glob(pattern, *args, **kwargs):
            found = real_glob.glob(tree.real(pattern), *args, **kwargs)
            return [tree.virtual(f) for f in found]

        fake_glob = types.SimpleNamespace(glob=tree_glob, iglob=lambda *a, **k: iter(tree_glob(*a, **k)), escape=real_glob.escape)
        stand_ins = {"os": fake_os, "shutil": fake_shutil, "glob": fake_glob, "open": mapped(builtins.open)}

        def patch(module):
            for name, value in stand_ins.items():
                setattr(module, name, value)
            # log.add_file opens its file through the logging package.
            logging = getattr(module, "logging", None)
            if isinstance(logging, types.ModuleType):
                proxy = types.SimpleNamespace(
                    **{k: getattr(logging, k) for k in dir(logging) if not k.startswith("__")}
                )
                proxy.FileHandler = mapped(logging.FileHandler)
                module.logging = proxy

        for name in self.MODULES:
            patch_bridge(name, patch)
        # Bridges that import shutil inside a function get the real module:
        # its rmtree stands in too (this process ends with the run).
        shutil.rmtree = fake_shutil.rmtree


def patch_bridge(stem, patch):
    """Applies `patch` to mlpy's stdlib bridge module `stem` (for example
    `datetime_bridge`) now if it is loaded, else when it loads: bridges load
    when the program imports them, which registers them with mlpy's
    modules() list, so they are not loaded ahead."""
    name = f"mlpy.stdlib.{stem}"
    if name in sys.modules:
        patch(sys.modules[name])
    BRIDGE_PATCHES.setdefault(name, []).append(patch)
    from mlpy.stdlib.module_registry import ModuleMetadata

    if getattr(ModuleMetadata._load_python_bridge, "patched", False):
        return
    load = ModuleMetadata._load_python_bridge

    def load_and_patch(metadata):
        instance = load(metadata)
        module = sys.modules.get(f"mlpy.stdlib.{metadata.file_path.stem}")
        for fix in BRIDGE_PATCHES.get(getattr(module, "__name__", ""), []):
            fix(module)
        return instance

    load_and_patch.patched = True
    ModuleMetadata._load_python_bridge = load_and_patch


BRIDGE_PATCHES = {}


class MockHttp:
    """The request's http mocks in place of the network: `urlopen` (which
    mlpy's http module calls) answers from the first mock that matches the
    method and URL (`*` matches any run of characters), fails like an
    unreachable host when none does, and records every request."""

    def __init__(self, mocks):
        self.mocks = mocks
        self.calls = []

    def install(self):
        urllib.request.urlopen = self.urlopen

    @staticmethod
    def matches(pattern, url):
        regex = ".*".join(re.escape(part) for part in pattern.split("*"))
        return re.fullmatch(regex, url, re.S) is not None

    def urlopen(self, req, timeout=None, **_):
        method = req.get_method().upper() if hasattr(req, "get_method") else "GET"
        url = req.full_url if hasattr(req, "full_url") else str(req)
        return self.open(method, url, timeout, 0)

    def open(self, method, url, timeout, redirects):
        self.calls.append({"method": method, "url": url})
        for m in self.mocks:
            if m.get("method") and m["method"].upper() != method:
                continue
            if not self.matches(m["url"], url):
                continue
            delay = (m.get("delay_ms") or 0) / 1000.0
            if timeout is not None and delay > timeout:
                time.sleep(timeout)
                raise urllib.error.URLError("timed out")
            time.sleep(delay)
            if m.get("error") == "timeout":
                raise urllib.error.URLError("timed out")
            if m.get("error"):
                raise urllib.error.URLError("connection refused (mocked)")
            body = m.get("body") or ""
            data = body.encode("utf-8") if isinstance(body, str) else base64.b64decode(body["base64"])
            status = int(m.get("status") or 200)
            reason = http.client.responses.get(status, "")
            headers = http.client.HTTPMessage()
            for k, v in m.get("headers") or []:
                headers[k] = v
            location = headers.get("Location")
            if status in (301, 302, 303, 307, 308) and location and redirects < 10:
                # urllib follows redirects itself (303, and 301/302 of a
                # POST, become GET).
                target = urllib.parse.urljoin(url, location)
                method = method if status in (307, 308) or method in ("GET", "HEAD") else "GET"
                return self.open(method, target, timeout, redirects + 1)
            if status >= 400:
                raise urllib.error.HTTPError(url, status, reason, headers, io.BytesIO(data))
            return MockResponse(status, reason, headers, data)
        raise urllib.error.URLError("no mocked response matches this request")


class MockResponse(io.BytesIO):
    def __init__(self, status, reason, headers, data):
        super().__init__(data)
        self.status = status
        self.reason = reason
        self.headers = headers

    def getcode(self):
        return self.status


class FixedClock:
    """The request's clock in place of the real one for mlpy's datetime
    and log modules: `now()` and `today()` read it (each reading advances it
    by the step), and local time is UTC plus the clock's offset."""

    def __init__(self, spec):
        self.at = float(spec.get("at", 0))
        self.step = float(spec.get("step_ms") or 0) / 1000.0
        self.offset = int(spec.get("offset") or 0)

    def read(self):
        t = self.at
        self.at += self.step
        return t

    def install(self):
        import datetime as real

        # Local time: a fixed offset (POSIX TZ counts west of UTC).
        o = abs(self.offset)
        sign = "-" if self.offset >= 0 else "+"
        os.environ["TZ"] = f"MLT{sign}{o // 3600:02d}:{o % 3600 // 60:02d}"
        time.tzset()
        clock = self

        class FixedDateTime(real.datetime):
            @classmethod
            def now(cls, tz=None):
                return real.datetime.fromtimestamp(clock.read(), tz)

            @classmethod
            def utcnow(cls):
                return real.datetime.fromtimestamp(clock.read(), real.timezone.utc).replace(tzinfo=None)

            @classmethod
            def today(cls):
                return cls.now()

        class FixedDate(real.date):
            @classmethod
            def today(cls):
                return FixedDateTime.now().date()

        module = types.SimpleNamespace(**{k: getattr(real, k) for k in dir(real) if not k.startswith("__")})
        module.datetime = FixedDateTime
        module.date = FixedDate

        def datetime_bridge(m):
            m._dt = module

        def log_bridge(m):
            m.datetime = FixedDateTime
            # Log lines take their time from the logging package.
            import logging

            logging.time = types.SimpleNamespace(
                **{k: getattr(time, k) for k in dir(time) if not k.startswith("__")}
            )
            logging.time.time_ns = lambda: int(clock.read() * 1e9)
            logging.time.time = clock.read

        patch_bridge("datetime_bridge", datetime_bridge)
        patch_bridge("log_bridge", log_bridge)


def main():
    # `python -c` puts the working directory first on sys.path.
    if sys.path and sys.path[0] in ("", "."):
        sys.path.pop(0)
    stdout = sys.stdout

    def send(msg):
        stdout.write(json.dumps(msg, ensure_ascii=False) + "\n")
        stdout.flush()

    first = sys.stdin.readline()
    try:
        hello = json.loads(first)
    except ValueError:
        fatal("expected the protocol's hello line on stdin")
    if hello.get("type") != "hello" or hello.get("protocol") != PROTOCOL:
        send({"type": "error", "message": f"only protocol version {PROTOCOL} is supported"})
        return 2
    adapter = Adapter()
    adapter.warm_up()
    send(
        {
            "type": "hello",
            "protocol": PROTOCOL,
            "implementation": {"name": "mlpy", "version": adapter.version},
            "features": FEATURES,
            "unsupported": UNSUPPORTED,
        }
    )
    stdin = sys.stdin
    for line in stdin:
        line = line.strip()
        if not line:
            continue
        try:
            msg = json.loads(line)
        except ValueError as e:
            send({"type": "error", "message": f"invalid message: {e}"})
            continue
        if msg.get("type") == "bye":
            break
        if msg.get("type") != "run":
            send({"type": "error", "message": f"unexpected message type {msg.get('type')!r}"})
            continue
        try:
            result = adapter.run(msg)
        except Exception as e:  # the adapter must answer every run
            result = internal_error(msg.get("id", 0), e)
        result["type"] = "outcome"
        send(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
