#!/usr/bin/env python3
"""CI guard: no new import circle between the source files of a crate.

    python3 tools/check-import-circles.py

The one circle allowed is the value<->vm tie in lang/ (natives take
`&mut Vm`, values hold natives and closures): every file of a circle in
lang/ must be one of ALLOWED, and there is at most one such circle; harness/
and runner/ have none. The allowed set may only shrink. Before it reads the
tree, the guard checks itself on a small fixture with a known circle, and it
refuses a crate in which it finds no imports at all, so a broken reader
fails instead of passing.
"""
import importlib.util
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "import_circles", os.path.join(HERE, "import-circles.py"))
circles = importlib.util.module_from_spec(spec)
spec.loader.exec_module(circles)

# Files allowed in the value<->vm tie, relative to lang/.
ALLOWED = {"native/mod.rs", "value/mod.rs", "vm/mod.rs", "vm/iter.rs"}
# Crate roots (relative to the repository) and their allowed files.
CRATES = {"lang": ALLOWED, "harness": set(), "runner": set()}


def found(root):
    """(number of import edges, circles as sorted lists of files)."""
    files, edges = circles.graph(root, with_mods=False, bare=False)
    big = [sorted(files[m] for m in c) for c in circles.sccs(edges) if len(c) > 1]
    return sum(len(e) for e in edges.values()), big


def problems(root, allowed):
    n_edges, big = found(root)
    if n_edges == 0:
        return [f"{root}: no imports found at all (is the reader broken?)"]
    out = []
    for c in big:
        extra = [f for f in c if f not in allowed]
        if extra:
            out.append(f"{root}: circle of {len(c)} files: {' '.join(c)}"
                       f" (not allowed: {' '.join(extra)})")
    if len(big) > 1 and not out:
        out.append(f"{root}: {len(big)} circles where at most one is allowed")
    return out


def self_check():
    """The guard sees a circle through `use`, through an inline
    `super::` path and across folders, and none in a tree without one."""
    fixture = {
        "lib.rs": "mod a;\nmod b;\nmod c;\nmod d;\n",
        "a.rs": "use crate::b::B;\npub struct A;\n",
        "b.rs": "pub struct B;\nfn f() -> super::c::C { todo!() }\n",
        "c/mod.rs": "use crate::{a::A, d::D};\npub struct C;\n",
        "d.rs": "pub struct D;\n",
    }
    with tempfile.TemporaryDirectory() as tmp:
        for rel, text in fixture.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)), exist_ok=True)
            with open(os.path.join(tmp, rel), "w") as f:
                f.write(text)
        bad = problems(tmp, set())
        want = f"{tmp}: circle of 3 files: a.rs b.rs c/mod.rs (not allowed: a.rs b.rs c/mod.rs)"
        assert bad == [want], f"the fixture's circle was not reported: {bad}"
        assert problems(tmp, {"a.rs", "b.rs", "c/mod.rs"}) == [], "an allowed circle failed"
        with open(os.path.join(tmp, "c/mod.rs"), "w") as f:
            f.write("use crate::d::D;\npub struct C;\n")
        assert problems(tmp, set()) == [], "a tree without a circle failed"
        for rel in fixture:
            with open(os.path.join(tmp, rel), "w") as f:
                f.write("pub struct X;\n")
        assert problems(tmp, set()), "a tree without imports passed"


def main():
    self_check()
    os.chdir(os.path.dirname(HERE))
    bad = [p for root, allowed in CRATES.items() for p in problems(root, allowed)]
    for p in bad:
        print("import circle:", p, file=sys.stderr)
    if bad:
        print("Break the circle (see ARCHITECTURE.md, layering), or shrink ALLOWED"
              " in tools/check-import-circles.py; it may not grow.", file=sys.stderr)
        return 1
    print("import circles: only the allowed value<->vm tie")
    return 0


if __name__ == "__main__":
    sys.exit(main())
