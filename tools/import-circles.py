#!/usr/bin/env python3
"""Import circles between the source files of one crate.

    python3 tools/import-circles.py lang [--bare] [--mods] [-v]

Reads every `crate::`/`super::`/`self::` path in each .rs file (use lines
and inline paths; unit-test modules left out), resolves it to the deepest
file module it names, and prints the strongly connected components of that
file graph with more than one file. `--mods` also counts `mod x;`
declarations as edges (parent -> child); `--bare` also counts paths that
start at a child module without `self::` (`access::index(..)` in vm/mod.rs).
"""
import os
import re
import sys


def module_files(root):
    files = {}
    for d, _, names in os.walk(root):
        if "/tests" in d[len(root):] or d[len(root):].startswith("tests"):
            continue
        for n in names:
            if not n.endswith(".rs"):
                continue
            p = os.path.join(d, n)
            rel = os.path.relpath(p, root)
            parts = rel[:-3].split(os.sep)
            if parts[-1] in ("mod", "lib"):
                parts = parts[:-1]
            files[tuple(parts)] = rel
    return files


def expand(prefix, body):
    """Paths of a use tree `prefix::{a, b::{c, d}}`."""
    body = body.strip()
    if not body.startswith("{"):
        return [prefix + "::" + body if prefix else body]
    out, depth, cur = [], 0, ""
    for ch in body[1:-1]:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    res = []
    for item in out:
        item = item.strip()
        if not item:
            continue
        m = re.match(r"^([\w:]*?)(::)?(\{.*\})$", item, re.S)
        if m and m.group(3):
            sub = (prefix + "::" + m.group(1)) if m.group(1) else prefix
            res += expand(sub, m.group(3))
        else:
            res.append(prefix + "::" + item)
    return res


def resolve(path, here, files):
    parts = [p.strip() for p in path.split("::")]
    parts = [re.sub(r"\s+as\s+\w+$", "", p) for p in parts]
    if parts[0] == "crate":
        mod = []
    elif parts[0] in ("super", "self"):
        mod = list(here)
        while parts and parts[0] in ("super", "self"):
            if parts[0] == "super":
                mod = mod[:-1]
            parts = parts[1:]
        parts = ["crate"] + parts
    else:
        return None
    best = tuple(mod)
    for p in parts[1:]:
        cand = tuple(mod) + (p,)
        if cand in files:
            mod.append(p)
            best = cand
        else:
            break
    return best if best in files else None


def graph(root, with_mods, bare):
    files = module_files(root)
    edges = {f: set() for f in files}
    for mod, rel in files.items():
        src = open(os.path.join(root, rel)).read()
        src = re.sub(r"//[^\n]*", "", src)
        # Unit tests (`#[cfg(test)] mod tests { use super::*; .. }`) are not
        # part of the layering.
        src = re.split(r"#\[cfg\(test\)\]\s*mod\s", src)[0]
        # An indented `use super::` sits in an inline module of this file.
        src = re.sub(r"(?m)^([ \t]+use\s+)super::", r"\1self::", src)
        paths = []
        for m in re.finditer(r"\buse\s+((?:crate|super|self)(?:::[^;]*)?);", src, re.S):
            tree = m.group(1)
            if "::{" in tree:
                i = tree.index("::{")
                paths += expand(tree[:i], tree[i + 2:])
            else:
                paths.append(tree)
        for m in re.finditer(r"(?<![\w:])((?:crate|super)(?:::\w+)+)", src):
            paths.append(m.group(1))
        if bare:
            # Paths that start at a child module (`access::x`, `use env::Y`).
            for m in re.finditer(r"(?<![\w:])(\w+)((?:::\w+)+)", src):
                if mod + (m.group(1),) in files:
                    paths.append("self::" + m.group(1) + m.group(2))
        for p in paths:
            t = resolve(p, mod, files)
            if t is not None and t != mod:
                edges[mod].add(t)
        if with_mods:
            for m in re.finditer(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", src, re.M):
                child = mod + (m.group(1),)
                if child in files:
                    edges[mod].add(child)
    return files, edges


def sccs(edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main():
    root = sys.argv[1]
    with_mods = "--mods" in sys.argv
    bare = "--bare" in sys.argv
    files, edges = graph(root, with_mods, bare)
    big = [c for c in sccs(edges) if len(c) > 1]
    print(f"{len(files)} files, {sum(len(e) for e in edges.values())} edges, "
          f"{len(big)} circle(s)" + (" (mod declarations counted)" if with_mods else "")
          + (" (paths from child modules counted)" if bare else ""))
    for c in sorted(big, key=len, reverse=True):
        names = sorted(files[m] for m in c)
        print(f"  {len(c)} files: " + " ".join(names))
        if "-v" in sys.argv:
            for m in sorted(c):
                inside = sorted(files[t] for t in edges[m] if t in c)
                print(f"    {files[m]} -> {' '.join(inside)}")


if __name__ == "__main__":
    main()
