"""Differential test: a run that reuses the cache of earlier runs equals a run from scratch.

Runs are (or will be) incremental: facts are reused per file, whole-run results are reused
when nothing changed, and findings of rule families whose inputs did not change may be
reused with their line numbers remapped. Whatever the machinery, its output must be
exactly what a run from scratch computes. So every test here edits a real tree (the
benchmark generator's monorepo with every rule planted, and a copy of examples/), and after
each edit (or batch of edits) runs the pipeline twice:

* incremental: `use_cache=True` with one persistent cache directory for the whole test, so
  state accumulates across runs the way it does on a developer's machine;
* reference: `use_cache=False`, nothing shared with earlier runs.

and asserts that findings (every field), concepts, scores, scope, suppressed/baselined
counts, file counts, the facts behind the index and the JSON report are equal, for the
whole tree and for a report scope (`paths=`, as the pre-commit hook runs it).

Parsing dominates a from-scratch run, so the reference parses through a memo keyed by the
exact (path, bytes, options) the extractor receives: `extract` is a pure function of those,
and everything downstream of it (index, checks, gates, scores) still runs from scratch.
`test_memoised_reference_equals_a_true_scratch_run` checks that shortcut against plain
`use_cache=False` runs; `test_comparison_detects_*` check that the comparison can fail.

Edits are drawn by a seeded `random.Random` (the long sequences; the seed is in every
failure message) and by hypothesis (derandomized under CI, see conftest). A failure prints
the edit log and which findings differ.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssotcheck.gates import baseline as baseline_gate
from ssotcheck.index import parse as parse_mod
from ssotcheck.model import Finding, Fix, Location
from ssotcheck.pipeline import RunResult
from ssotcheck.report import json_format

from tests.conftest import run_on, write_tree

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

NodeT = TypeVar("NodeT", bound=ast.AST)

GEN_FILES = 160
GEN_SEED = 11
# Files are aged past the racy window (as after a checkout some time ago) so the cache may
# trust their stat; each edit then gets a fresh, unique mtime, sometimes an old one (trusted
# by stat), sometimes "now" (racy: confirmed by content).
AGE_NS = 30 * 24 * 3600 * 10**9


# =============================================================================== running

_EXTRACT_MEMO: dict[Any, Any] = {}


@contextlib.contextmanager
def _memoised_extract() -> Iterator[None]:
    """Within the block, `extract(path, data, options)` is answered from a memo keyed by
    exactly its arguments (it is a pure function of them). Only used for reference runs."""
    original = getattr(parse_mod, "extract", None)
    if original is None:  # parsing was reorganised: the reference just runs slower
        yield
        return

    def memo(*args: Any, **kwargs: Any) -> Any:
        try:
            key = (args, tuple(sorted(kwargs.items())))
            hash(key)
        except TypeError:
            return original(*args, **kwargs)
        hit = _EXTRACT_MEMO.get(key)
        if hit is None:
            hit = _EXTRACT_MEMO[key] = original(*args, **kwargs)
        return hit

    parse_mod.extract = memo  # type: ignore[assignment]
    try:
        yield
    finally:
        parse_mod.extract = original  # type: ignore[assignment]


def reference_run(root: Path, paths: tuple[str, ...] = (), *, memo: bool = True) -> RunResult:
    """From scratch: no cache directory at all; jobs=1 so parsing stays in this process."""
    ctx = _memoised_extract() if memo else contextlib.nullcontext()
    with ctx:
        return run_on(root, jobs=1, paths=paths, use_cache=False)


def incremental_run(root: Path, cache_dir: Path, paths: tuple[str, ...] = (),
                    jobs: int = 1) -> RunResult:
    return run_on(root, jobs=jobs, paths=paths, use_cache=True, cache_dir=cache_dir)


# ============================================================================ comparison

def _finding_row(f: Finding) -> tuple[Any, ...]:
    # Every field, nested ones included (location, related, fix), so a field added to the
    # model later is compared too.
    return dataclasses.astuple(f)


def _show_finding(f: Finding) -> str:
    loc = f.location
    rel = "; ".join(f"{r.path}:{r.line}:{r.column}" for r in f.related)
    return (f"{f.rule} {loc.path}:{loc.line}:{loc.column}-{loc.end_line}:{loc.end_column} "
            f"key={f.key!r} area={f.area!r} concept={f.concept!r} related=[{rel}] "
            f"fix={f.fix!r} sev={f.severity.value} msg={f.message!r}")


def _stat_counts(r: RunResult) -> tuple[int, int, int, int]:
    s = r.stats
    return (s.files_discovered, s.files_analyzed, s.files_failed, s.files_excluded)


def _findings_diff(inc: RunResult, ref: RunResult) -> list[str]:
    if inc.findings == ref.findings:  # dataclass equality: every field, nested ones too
        return []
    a = Counter(_finding_row(f) for f in inc.findings)
    b = Counter(_finding_row(f) for f in ref.findings)
    by_row = {_finding_row(f): f for f in (*inc.findings, *ref.findings)}
    out: list[str] = []
    for row in sorted(a - b, key=repr):
        out.append(f"  only incremental: {_show_finding(by_row[row])}")
    for row in sorted(b - a, key=repr):
        out.append(f"  only scratch:     {_show_finding(by_row[row])}")
    if not out:  # equal as multisets, so the order differs
        out.append("  same findings in a different order")
    return out


def differences(inc: RunResult, ref: RunResult, *, facts: bool = True) -> list[str]:
    """Human-readable differences between two results (empty when they are equal)."""
    out: list[str] = []
    fd = _findings_diff(inc, ref)
    if fd:
        out.append(f"findings differ ({len(inc.findings)} incremental vs {len(ref.findings)} "
                   f"scratch):")
        out.extend(fd)
    if inc.concepts != ref.concepts:
        ca = [dataclasses.astuple(c) for c in inc.concepts]
        cb = [dataclasses.astuple(c) for c in ref.concepts]
        out.append("concepts differ:")
        out.extend(f"  only incremental: {c!r}" for c in ca if c not in cb)
        out.extend(f"  only scratch:     {c!r}" for c in cb if c not in ca)
        if sorted(map(repr, ca)) == sorted(map(repr, cb)):
            out.append("  same concepts in a different order")
    if inc.scores != ref.scores:
        out.append(f"scores differ:\n  incremental: {inc.scores!r}\n  scratch:     {ref.scores!r}")
    if inc.scope != ref.scope:
        sa, sb = set(inc.scope), set(ref.scope)
        out.append(f"scope differs: only incremental {sorted(sa - sb)}, only scratch "
                   f"{sorted(sb - sa)}" + ("" if sa != sb else " (order)"))
    if inc.suppressed != ref.suppressed:
        out.append(f"suppressed differs: {inc.suppressed} incremental vs {ref.suppressed} scratch")
    if inc.baselined != ref.baselined:
        out.append(f"baselined differs: {inc.baselined} incremental vs {ref.baselined} scratch")
    if _stat_counts(inc) != _stat_counts(ref):
        out.append("file counts (discovered, analysed, failed, excluded) differ: "
                   f"{_stat_counts(inc)} incremental vs {_stat_counts(ref)} scratch")
    if tuple(inc.index.paths) != tuple(ref.index.paths):
        out.append("index paths differ")
    elif facts:
        # What `ssotcheck fix` and the graph export read; forces a deferred index to load.
        fa, fb = inc.index.files, ref.index.files
        bad = sorted(p for p in fb if fa.get(p) != fb[p])
        if bad:
            out.append(f"facts differ for {bad[:5]}{' ...' if len(bad) > 5 else ''}")
    if not out and json_format.render(inc) != json_format.render(ref):
        out.append("JSON reports differ although every compared field is equal")
    return out


def assert_same(inc: RunResult, ref: RunResult, context: str = "") -> None:
    diff = differences(inc, ref)
    assert not diff, (f"incremental run differs from a run from scratch\n{context}\n"
                      + "\n".join(diff))


# ================================================================================ text

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """Lines as Python numbers them (\\r\\n, \\r, \\n; not \\f or \\u2028), ends kept."""
    return _LINE_RE.findall(text)


def newline_of(text: str) -> str:
    m = re.search(r"\r\n|\r|\n", text)
    return m.group(0) if m else "\n"


def insert_lines(text: str, at: int, new: list[str]) -> str:
    """Insert `new` (no line ends) before 0-based line `at`."""
    lines = split_lines(text)
    nl = newline_of(text)
    at = max(0, min(at, len(lines)))
    if at == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += nl
    lines[at:at] = [s + nl for s in new]
    return "".join(lines)


def replace_lines(text: str, start: int, end: int, new: list[str]) -> str:
    """Replace 0-based lines [start, end) by `new`."""
    lines = split_lines(text)
    nl = newline_of(text)
    lines[start:end] = [s + nl for s in new]
    return "".join(lines)


def indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


_PARSED: dict[str, ast.Module | None] = {}


def parse(text: str) -> ast.Module | None:
    """The file's syntax tree (memoised by text; callers never mutate it), or None."""
    if text in _PARSED:
        return _PARSED[text]
    try:
        tree: ast.Module | None = ast.parse(text)
    except Exception:  # syntax errors, surrogates, NUL bytes: only line-level edits apply
        tree = None
    if len(_PARSED) > 5000:
        _PARSED.clear()
    _PARSED[text] = tree
    return tree


def module_name(rel: str) -> str:
    parts = rel[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def first_body_index(tree: ast.Module) -> int:
    """0-based line before which a top-level statement may go: after the docstring and
    `from __future__` imports (which must stay first)."""
    at = 0
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            at = node.end_lineno or node.lineno
        elif (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
              and isinstance(node.value.value, str) and node is tree.body[0]):
            at = node.end_lineno or node.lineno
        else:
            break
    return at


def after_imports_index(tree: ast.Module) -> int:
    at = first_body_index(tree)
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            at = max(at, node.end_lineno or node.lineno)
    return at


def top_boundaries(tree: ast.Module) -> list[int]:
    """0-based lines before which a new top-level statement may be inserted."""
    lo = first_body_index(tree)
    out = {lo}
    for node in tree.body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        if start >= lo:
            out.add(start)
        out.add(node.end_lineno or node.lineno)
    return sorted(out)


def enum_classes(tree: ast.Module) -> list[ast.ClassDef]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any("Enum" in ast.unparse(b) for b in node.bases):
            out.append(node)
    return out


def simple_members(cls: ast.ClassDef) -> list[ast.Assign]:
    return [n for n in cls.body if isinstance(n, ast.Assign) and len(n.targets) == 1
            and isinstance(n.targets[0], ast.Name) and n.lineno == n.end_lineno]


def functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            and n.body and n.body[0].lineno > n.lineno]


# =========================================================================== workbench

@dataclasses.dataclass
class Workbench:
    """A tree under edit, its persistent cache, and the log of what was done to it."""

    root: Path
    cache_dir: Path
    rng: random.Random
    label: str
    clock: int = 0
    counter: int = 0
    log: list[str] = dataclasses.field(default_factory=list)
    step_paths: list[str] = dataclasses.field(default_factory=list)
    recent: list[str] = dataclasses.field(default_factory=list)  # files written, in order
    broken: dict[str, str] = dataclasses.field(default_factory=dict)  # path -> good text
    config_toggles: dict[str, bool] = dataclasses.field(default_factory=dict)
    last: RunResult | None = None  # the latest reference result, for finding-targeted edits
    runs: int = 0
    cache_hits: int = 0
    base_ns: int = dataclasses.field(default_factory=lambda: time.time_ns() - AGE_NS)

    # ------------------------------------------------------------------ file access
    def files(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.py")
                      if ".git" not in p.parts and p.is_file())

    def read(self, rel: str) -> str:
        with open(self.root / rel, encoding="utf-8", errors="surrogateescape", newline="") as fh:
            return fh.read()

    def _stamp(self, p: Path) -> None:
        self.clock += 1
        if self.rng.random() < 0.7:  # old and unique: the cache may trust stat
            t = self.base_ns + self.clock * 1_000_000_000
            os.utime(p, ns=(t, t))
        # else: leave "now" (racy: confirmed by content next time)

    def write(self, rel: str, text: str) -> None:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "w", encoding="utf-8", errors="surrogateescape", newline="") as fh:
            fh.write(text)
        self._stamp(p)
        self.step_paths.append(rel)
        self.recent.append(rel)

    def touch(self, rel: str) -> None:
        self._stamp(self.root / rel)
        self.step_paths.append(rel)

    def delete(self, rel: str) -> None:
        (self.root / rel).unlink()
        self.broken.pop(rel, None)

    def move(self, src: str, dst: str) -> None:
        (self.root / dst).parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.root / src, self.root / dst)
        if src in self.broken:
            self.broken[dst] = self.broken.pop(src)
        self.step_paths.append(dst)

    def unique(self) -> int:
        self.counter += 1
        return self.counter

    # ------------------------------------------------------------------ choosing
    def pick(self, pred: Callable[[str, str, ast.Module | None], bool] | None = None,
             parsed: bool = False) -> tuple[str, str, ast.Module | None] | None:
        """A random file (favouring ones with findings) that satisfies `pred`."""
        files = self.files()
        hot = sorted({f.path for f in self.last.findings} & set(files)) if self.last else []
        order = self.rng.sample(files, len(files))
        if hot and self.rng.random() < 0.5:
            order = self.rng.sample(hot, len(hot)) + order
        recent = [p for p in dict.fromkeys(reversed(self.recent)) if p in files][:8]
        if recent and self.rng.random() < 0.3:  # people edit the same files again and again
            order = self.rng.sample(recent, len(recent)) + order
        for rel in order[:60]:
            text = self.read(rel)
            tree = parse(text)
            if parsed and tree is None:
                continue
            if pred is None or pred(rel, text, tree):
                return rel, text, tree
        return None

    def pick_node(self, nodes: Callable[[ast.Module], list[NodeT]]
                  ) -> tuple[str, str, ast.Module, NodeT] | None:
        """A random parsed file with at least one of `nodes(tree)`, and one of those."""
        got = self.pick(lambda r, t, tree: tree is not None and bool(nodes(tree)), parsed=True)
        if not got:
            return None
        rel, text, tree = got
        assert tree is not None
        return rel, text, tree, self.rng.choice(nodes(tree))

    def pick_finding(self, pred: Callable[[Finding], bool] = lambda f: True) -> Finding | None:
        if self.last is None:
            return None
        cands = [f for f in self.last.findings if pred(f) and (self.root / f.path).is_file()]
        return self.rng.choice(cands) if cands else None

    def some_module(self, exclude: str = "") -> str:
        files = [f for f in self.files() if f != exclude and "/" in f
                 and re.fullmatch(r"[\w/]+\.py", f)]
        return module_name(self.rng.choice(files))

    # ------------------------------------------------------------------ comparing
    def check(self, what: str = "", *, scoped: bool = True, jobs: int = 1) -> RunResult:
        context = f"[{self.label}] after step {what or len(self.log)}; edits so far:\n" + \
            "\n".join(f"  {i + 1}. {e}" for i, e in enumerate(self.log[-40:]))
        inc = incremental_run(self.root, self.cache_dir, jobs=jobs)
        self.runs += 1
        self.cache_hits += inc.stats.cache_hits
        ref = reference_run(self.root)
        assert_same(inc, ref, context)
        self.last = ref
        if scoped:
            paths = self.report_scope()
            inc_s = incremental_run(self.root, self.cache_dir, paths)
            ref_s = reference_run(self.root, paths)
            assert_same(inc_s, ref_s, f"{context}\nreport scope: {paths}")
        self.step_paths = []
        return ref

    def report_scope(self) -> tuple[str, ...]:
        files = self.files()
        chosen = [p for p in dict.fromkeys(self.step_paths) if p in files]
        chosen += self.rng.sample(files, min(2, len(files)))
        if self.last is not None and self.last.findings:
            chosen.append(self.rng.choice(self.last.findings).path)
        if self.rng.random() < 0.3:
            chosen.append(self.rng.choice(files).split("/")[0] + "/")
        return tuple(dict.fromkeys(p for p in chosen if p.endswith("/") or p in files))

    def apply(self, op: str, seed: int | None = None) -> str:
        """Apply edit `op` (a name in OPS), drawing its targets from `seed` when given;
        falls back to another edit when this one finds nothing to act on."""
        if seed is not None:
            self.rng = random.Random(seed)
        names = [op] + self.rng.sample(FALLBACK_OPS, len(FALLBACK_OPS))
        for name in names:
            done = OPS[name](self)
            if done:
                self.log.append(f"{name}: {done}")
                return done
        raise AssertionError("no edit applied")  # pragma: no cover - fallbacks always apply


# ================================================================================ edits
# Each edit returns a description, or None when it found nothing to act on.

EditOp = Callable[[Workbench], "str | None"]


def on_picked_file(parsed: bool = False) -> Callable[[Callable[..., "str | None"]], EditOp]:
    """For edits that start from one random file: the operation gets (wb, rel, text, tree),
    tree not None when `parsed`; no file to pick means no edit."""
    def wrap(op: Callable[..., "str | None"]) -> EditOp:
        @functools.wraps(op)
        def run(wb: Workbench) -> str | None:
            got = wb.pick(parsed=parsed)
            return None if got is None else op(wb, *got)
        return run
    return wrap


@on_picked_file()
def op_insert_top(wb: Workbench, rel: str, text: str, _: ast.Module | None) -> str | None:
    new = wb.rng.choice([[""], [f"# header {wb.unique()}"], ["", "# two lines", ""]])
    wb.write(rel, insert_lines(text, 0, new))
    return f"insert {len(new)} line(s) at the top of {rel}"


@on_picked_file(parsed=True)
def op_insert_middle(wb: Workbench, rel: str, text: str, tree: ast.Module) -> str | None:
    spots = top_boundaries(tree)
    # inside class bodies too (members and methods move)
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        spots += [n.lineno - 1 for n in cls.body[1:]]
    at = wb.rng.choice(spots)
    lines = split_lines(text)
    ind = indent_of(lines[at]) if at < len(lines) else ""
    new = wb.rng.choice([[""], [ind + f"# moved {wb.unique()}"], ["", "", ""],
                         [ind + "# ümlaut ✓ comment"], ["\x0c"]])
    wb.write(rel, insert_lines(text, at, new))
    return f"insert {new!r} before line {at + 1} of {rel}"


def op_insert_above_finding(wb: Workbench) -> str | None:
    f = wb.pick_finding(lambda f: f.rule != "SSOT000")
    if not f:
        return None
    text = wb.read(f.path)
    lines = split_lines(text)
    at = min(f.line - 1, len(lines))
    ind = indent_of(lines[at]) if at < len(lines) else ""
    n = wb.rng.randint(1, 3)
    wb.write(f.path, insert_lines(text, at, [ind + f"# shift {wb.unique()}"] * n))
    return f"insert {n} comment line(s) above {f.rule} at {f.path}:{f.line}"


@on_picked_file()
def op_append_end(wb: Workbench, rel: str, text: str, _: ast.Module | None) -> str | None:
    wb.write(rel, insert_lines(text, len(split_lines(text)), ["", f"# trailer {wb.unique()}"]))
    return f"append comment at the end of {rel}"


def op_delete_blank(wb: Workbench) -> str | None:
    def has_blank(rel: str, text: str, tree: ast.Module | None) -> bool:
        return any(not s.strip() for s in split_lines(text))

    got = wb.pick(has_blank)
    if not got:
        return None
    rel, text, _ = got
    blanks = [i for i, s in enumerate(split_lines(text)) if not s.strip()]
    at = wb.rng.choice(blanks)
    wb.write(rel, replace_lines(text, at, at + 1, []))
    return f"delete blank line {at + 1} of {rel}"


@on_picked_file(parsed=True)
def op_append_function(wb: Workbench, rel: str, text: str, _: ast.Module) -> str | None:
    k = wb.unique()
    wb.write(rel, insert_lines(text, len(split_lines(text)),
                               ["", "", f"def added_{k}(value):", f"    return value + {k}"]))
    return f"append function added_{k} to {rel}"


def op_rename_function(wb: Workbench) -> str | None:
    got = wb.pick_node(lambda tree: [n for n in tree.body if isinstance(
        n, (ast.FunctionDef, ast.AsyncFunctionDef))])
    if not got:
        return None
    rel, text, tree, fn = got
    new = f"{fn.name}_renamed{wb.unique()}"
    lines = split_lines(text)
    i = fn.lineno - 1
    lines[i] = re.sub(rf"\bdef {re.escape(fn.name)}\b", f"def {new}", lines[i], count=1)
    wb.write(rel, "".join(lines))
    return f"rename function {fn.name} -> {new} in {rel}"


@on_picked_file(parsed=True)
def op_add_constant(wb: Workbench, rel: str, text: str, tree: ast.Module) -> str | None:
    k = wb.unique()
    at = after_imports_index(tree)
    wb.write(rel, insert_lines(text, at, [f"ADDED_CONSTANT_{k} = {k}"]))
    return f"add constant ADDED_CONSTANT_{k} at line {at + 1} of {rel}"


@on_picked_file(parsed=True)
def op_namespace_edit(wb: Workbench, rel: str, text: str, tree: ast.Module) -> str | None:
    """What decides whether a module's names can be known (SSOT205): a module-level
    `__getattr__`, a dynamic `globals()` update, a `global` declaration, `__all__`."""
    k = wb.unique()
    new = wb.rng.choice([
        ["def __getattr__(name):", "    raise AttributeError(name)"],
        [f"globals()['dyn_{k}'] = {k}"],
        [f"def _late_{k}():", f"    global LATE_{k}", f"    LATE_{k} = 1"],
        [f"__all__ = ['missing_{k}']"],
    ])
    at = after_imports_index(tree)
    wb.write(rel, insert_lines(text, at, new))
    return f"add {new[0]!r} at line {at + 1} of {rel}"


def op_edit_body(wb: Workbench) -> str | None:
    got = wb.pick_node(functions)
    if not got:
        return None
    rel, text, tree, fn = got
    stmts = [s for s in ast.walk(fn) if isinstance(s, ast.stmt) and s is not fn
             and s.lineno == s.end_lineno and not isinstance(s, (ast.FunctionDef, ast.ClassDef,
                                                                 ast.AsyncFunctionDef))]
    if not stmts:
        return None
    s = wb.rng.choice(stmts)
    lines = split_lines(text)
    ind = indent_of(lines[s.lineno - 1])
    k = wb.unique()
    if wb.rng.random() < 0.5:  # same line count
        new = [ind + f"_changed_{k} = {k}"]
        kind = "replace one line"
        if isinstance(s, ast.Return) or wb.rng.random() < 0.3:
            new = [ind + "pass"]
        wb.write(rel, replace_lines(text, s.lineno - 1, s.lineno, new))
    else:  # more lines
        new = [ind + f"_extra_{k} = {k}", ind + f"_extra_{k} += 1"]
        kind = "insert two lines"
        wb.write(rel, insert_lines(text, s.lineno - 1, new))
    return f"{kind} in body of {fn.name} at {rel}:{s.lineno}"


def _legacy_import_lines(wb: Workbench) -> list[str]:
    cfg = (wb.root / "pyproject.toml").read_text(encoding="utf-8")
    m = re.search(r"\[tool\.ssotcheck\.legacy-imports\]\n((?:\"[^\"]+\" = .*\n)+)", cfg)
    out = []
    for old in re.findall(r"^\"([^\"]+)\"", m.group(1) if m else "", re.M):
        mod, _, name = old.rpartition(".")
        out += [f"import {old}", f"from {mod} import {name}", f"from {mod} import {name} as Legacy"]
    return out


@on_picked_file(parsed=True)
def op_add_import(wb: Workbench, rel: str, text: str, tree: ast.Module) -> str | None:
    k = wb.unique()
    choices = [
        ["import pickle"],
        ["import os"],
        ["from os import environ"],
        ["import os", f"HOME_{k} = os.environ.get('HOME')"],
        ["from os import getenv as read_env", f"USER_{k} = read_env('USER')"],
        [f"import {wb.some_module(rel)}"],
        [f"from {wb.some_module(rel)} import *"],
        ["try:", f"    import {wb.some_module(rel)}", "except ImportError:", "    pass"],
        ["from typing import TYPE_CHECKING", "if TYPE_CHECKING:",
         f"    import {wb.some_module(rel)}"],
        [f"_é{k} = 'ü'; import os.path"],  # a column after non-ASCII text
        # SSOT205: a name or a submodule that does not exist, guarded or not
        [f"from {wb.some_module(rel)} import missing_{k}"],
        [f"import {wb.some_module(rel)}.gone_{k}"],
        ["try:", f"    from {wb.some_module(rel)} import fallback_{k}",
         "except ImportError:", "    pass"],
        # third-party: inert (nothing refers to the name), or not (a referenced name)
        [f"import json as _json_{k}"],
        ["from collections import OrderedDict"],
        ["from enum import Enum"],
        ["import unittest"],
    ] + [[line] for line in _legacy_import_lines(wb)]
    new = wb.rng.choice(choices)
    at = wb.rng.choice([first_body_index(tree), after_imports_index(tree)])
    wb.write(rel, insert_lines(text, at, new))
    return f"add {new!r} at line {at + 1} of {rel}"


def _top_imports(tree: ast.Module) -> list[ast.stmt]:
    return [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))
            and not (isinstance(n, ast.ImportFrom) and n.module == "__future__")]


def op_remove_import(wb: Workbench) -> str | None:
    f = wb.pick_finding(lambda f: f.rule in ("SSOT201", "SSOT203", "SSOT204", "SSOT202"))
    if f is not None and wb.rng.random() < 0.5:
        text = wb.read(f.path)
        tree = parse(text)
        nodes = [n for n in (_top_imports(tree) if tree else [])
                 if n.lineno <= f.line <= (n.end_lineno or n.lineno)]
        if nodes:
            n = nodes[0]
            wb.write(f.path, replace_lines(text, n.lineno - 1, n.end_lineno or n.lineno, []))
            return f"remove the import under {f.rule} at {f.path}:{f.line}"
    got = wb.pick_node(_top_imports)
    if not got:
        return None
    rel, text, tree, n = got
    wb.write(rel, replace_lines(text, n.lineno - 1, n.end_lineno or n.lineno, []))
    return f"remove import at {rel}:{n.lineno}"


def op_change_import(wb: Workbench) -> str | None:
    got = wb.pick_node(_top_imports)
    if not got:
        return None
    rel, text, tree, n = got
    # Same number of lines, so only this statement's meaning changes.
    span = (n.end_lineno or n.lineno) - n.lineno + 1
    other = wb.some_module(rel)
    new = [f"import {other}"] + ["pass"] * (span - 1)
    wb.write(rel, replace_lines(text, n.lineno - 1, n.end_lineno or n.lineno, new))
    return f"change import at {rel}:{n.lineno} to `import {other}`"


def op_make_cycle(wb: Workbench) -> str | None:
    """A imports B (in the tree); make B import A. Without such a pair, import both ways."""
    mods = {module_name(r): r for r in wb.files()}
    for _ in range(20):
        got = wb.pick(parsed=True)
        if not got:
            return None
        a_rel, _, tree = got
        assert tree is not None
        targets = []
        for n in _top_imports(tree):
            if isinstance(n, ast.Import):
                targets += [a.name for a in n.names if a.name in mods]
            elif isinstance(n, ast.ImportFrom) and n.level == 0 and n.module in mods:
                targets.append(n.module)
        targets = [t for t in targets if mods[t] != a_rel]
        if not targets:
            continue
        b_rel = mods[wb.rng.choice(targets)]
        b_text = wb.read(b_rel)
        b_tree = parse(b_text)
        if b_tree is None:
            continue
        a_mod = module_name(a_rel)
        wb.write(b_rel, insert_lines(b_text, after_imports_index(b_tree), [f"import {a_mod}"]))
        return f"make a cycle: {b_rel} now imports {a_mod} (which imports it)"
    return None


def op_break_cycle(wb: Workbench) -> str | None:
    f = wb.pick_finding(lambda f: f.rule == "SSOT204")
    if f is None:
        return None
    for loc in (f.location, *f.related):
        if not (wb.root / loc.path).is_file():
            continue
        text = wb.read(loc.path)
        tree = parse(text)
        for n in _top_imports(tree) if tree else []:
            if n.lineno <= loc.line <= (n.end_lineno or n.lineno):
                wb.write(loc.path, replace_lines(text, n.lineno - 1, n.end_lineno or n.lineno,
                                                 ["pass"] * ((n.end_lineno or n.lineno)
                                                             - n.lineno + 1)))
                return f"break a cycle: drop the import at {loc.path}:{loc.line}"
    return None


def _pick_enum(wb: Workbench) -> tuple[str, str, ast.Module, ast.ClassDef] | None:
    split = wb.pick_finding(lambda f: f.rule == "SSOT101")
    candidates: list[str] = []
    if split is not None and wb.rng.random() < 0.6:
        candidates = [split.path] + [r.path for r in split.related]
    for rel in candidates:
        if (wb.root / rel).is_file():
            text = wb.read(rel)
            tree = parse(text)
            enums = [c for c in (enum_classes(tree) if tree else []) if simple_members(c)]
            if tree and enums:
                return rel, text, tree, wb.rng.choice(enums)
    return wb.pick_node(lambda tree: [c for c in enum_classes(tree) if simple_members(c)])


def op_enum_edit(wb: Workbench) -> str | None:
    got = _pick_enum(wb)
    if not got:
        return None
    rel, text, _, cls = got
    members = simple_members(cls)
    m = wb.rng.choice(members)
    lines = split_lines(text)
    line = lines[m.lineno - 1]
    ind = indent_of(line)
    name = m.targets[0].id  # type: ignore[attr-defined]
    k = wb.unique()
    kind = wb.rng.choice(["add", "remove", "rename", "value"])
    if kind == "remove" and len(members) < 2:
        kind = "add"
    if kind == "add":
        last = members[-1].end_lineno or members[-1].lineno
        wb.write(rel, insert_lines(text, last, [ind + f"ADDED_{k} = 'added_{k}'"]))
    elif kind == "remove":
        wb.write(rel, replace_lines(text, m.lineno - 1, m.lineno, []))
    elif kind == "rename":
        lines[m.lineno - 1] = line.replace(name, f"{name}_R{k}", 1)
        wb.write(rel, "".join(lines))
    else:
        new = re.sub(r"=.*?(\s*(#.*)?)(\r\n|\r|\n)?$",
                     lambda mm: f"= 'changed_{k}'{mm.group(1)}{mm.group(3) or ''}", line, count=1)
        lines[m.lineno - 1] = new
        wb.write(rel, "".join(lines))
    return f"enum {cls.name}: {kind} member {name} in {rel}"


def op_duplicate_class(wb: Workbench) -> str | None:
    got = wb.pick_node(lambda tree: [n for n in tree.body if isinstance(n, ast.ClassDef)])
    if not got:
        return None
    rel, text, tree, cls = got
    body = [s.rstrip("\r\n") for s in
            split_lines(text)[cls.lineno - 1: cls.end_lineno or cls.lineno]]
    target = wb.pick(lambda r, t, tr: r != rel and tr is not None, parsed=True)
    if not target:
        return None
    trel, ttext, _ = target
    if wb.rng.random() < 0.5:
        body = [f"class {cls.name}:", "    pass"]
    wb.write(trel, insert_lines(ttext, len(split_lines(ttext)), ["", ""] + body))
    return f"copy class {cls.name} from {rel} to the end of {trel}"


def op_rename_class(wb: Workbench) -> str | None:
    got = wb.pick_node(lambda tree: [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)])
    if not got:
        return None
    rel, text, tree, cls = got
    lines = split_lines(text)
    new = f"{cls.name}Renamed{wb.unique()}"
    lines[cls.lineno - 1] = re.sub(rf"\bclass {cls.name}\b", f"class {new}",
                                   lines[cls.lineno - 1], count=1)
    wb.write(rel, "".join(lines))
    return f"rename class {cls.name} -> {new} in {rel}"


def _test_base(wb: Workbench) -> tuple[str, str]:
    cfg = (wb.root / "pyproject.toml").read_text(encoding="utf-8")
    m = re.search(r"base-classes = \[\"([\w.]+)\"", cfg)
    dotted = m.group(1) if m else "unittest.TestCase"
    mod, _, name = dotted.rpartition(".")
    return mod, name


def op_change_bases(wb: Workbench) -> str | None:
    def test_classes(tree: ast.Module | None) -> list[ast.ClassDef]:
        return [n for n in (tree.body if tree else []) if isinstance(n, ast.ClassDef)
                and n.name.startswith("Test")]

    got = wb.pick(lambda r, t, tree: bool(test_classes(tree)), parsed=True)
    if not got:
        got = wb.pick(lambda r, t, tree: tree is not None and any(
            isinstance(n, ast.ClassDef) for n in tree.body), parsed=True)
    if not got:
        return None
    rel, text, tree = got
    assert tree is not None
    classes = test_classes(tree) or [n for n in tree.body if isinstance(n, ast.ClassDef)]
    cls = wb.rng.choice(classes)
    lines = split_lines(text)
    header = lines[cls.lineno - 1]
    m = re.match(r"(\s*class \w+)(\([^()]*\))?(:.*)", header, re.S)
    if not m:
        return None
    mod, base = _test_base(wb)
    bases, imports = wb.rng.choice([
        (f"({base})", [f"from {mod} import {base}"]),
        ("(unittest.TestCase)", ["import unittest"]),
        ("", []),
        ("(object)", []),
        (f"({mod}.{base})", [f"import {mod}"]),
        ("(SomeExternalMixin)", ["from externallib import SomeExternalMixin"]),
    ])
    lines[cls.lineno - 1] = m.group(1) + bases + m.group(3)
    new_text = "".join(lines)
    if imports:
        new_text = insert_lines(new_text, after_imports_index(tree), imports)
    wb.write(rel, new_text)
    return f"class {cls.name} in {rel}: bases {m.group(2) or '()'} -> {bases or '()'}"


def op_suppress(wb: Workbench) -> str | None:
    f = wb.pick_finding()
    if f is None:
        return None
    text = wb.read(f.path)
    lines = split_lines(text)
    if wb.rng.random() < 0.2:
        wb.write(f.path, insert_lines(text, 0, ["# ssotcheck: ignore-file"]))
        return f"ignore-file in {f.path}"
    if f.line - 1 >= len(lines):
        return None
    comment = wb.rng.choice([f"# noqa: {f.rule}", f"# ssotcheck: ignore[{f.rule}]",
                             "# ssotcheck: ignore", f"# noqa: {f.rule[:5]}",
                             "# noqa: SSOT999"])
    line = lines[f.line - 1]
    body = line.rstrip("\r\n")
    lines[f.line - 1] = f"{body}  {comment}{line[len(body):]}"
    wb.write(f.path, "".join(lines))
    return f"suppress {f.rule} at {f.path}:{f.line} with {comment!r}"


def op_unsuppress(wb: Workbench) -> str | None:
    rx = re.compile(r"\s*# (noqa: SSOT\w*|ssotcheck: ignore(\[\w+\]|-file)?)")
    got = wb.pick(lambda r, t, tree: bool(rx.search(t)))
    if not got:
        return None
    rel, text, _ = got
    wb.write(rel, rx.sub("", text, count=1))
    return f"remove a suppression comment from {rel}"


def op_break_syntax(wb: Workbench) -> str | None:
    got = wb.pick(lambda r, t, tree: r not in wb.broken, parsed=True)
    if not got:
        return None
    rel, text, tree = got
    assert tree is not None
    wb.broken[rel] = text
    k = wb.unique()
    at = wb.rng.choice(top_boundaries(tree))
    wb.write(rel, insert_lines(text, at, [f"def broken_{k}(:"]))
    return f"syntax error at {rel}:{at + 1}"


def op_fix_syntax(wb: Workbench) -> str | None:
    live = [r for r in sorted(wb.broken) if (wb.root / r).is_file()]
    if not live:
        return None
    rel = wb.rng.choice(live)
    wb.write(rel, wb.broken.pop(rel))
    return f"fix the syntax error in {rel}"


def op_add_file(wb: Workbench) -> str | None:
    files = wb.files()
    pkg_dirs = sorted({f.rsplit("/", 1)[0] for f in files if f.endswith("/__init__.py")})
    k = wb.unique()
    rel = f"{wb.rng.choice(pkg_dirs or [''])}/added_{k}.py".lstrip("/")
    src = wb.rng.choice(files)
    kind = wb.rng.choice(["copy", "module", "test"])
    if kind == "copy":  # every class in it is now defined twice
        text = wb.read(src)
    elif kind == "module":
        text = (f'"""Added module {k}."""\nfrom enum import Enum\n\nimport {wb.some_module()}\n'
                f"\n\nclass Added{k}Status(Enum):\n    NEW = 'new'\n    DONE = 'done'\n"
                f"\n\ndef payload():\n    return {{'type': 'added_{k}', 'id': 1}}\n")
    else:
        rel = f"tests/test_added_{k}.py"
        text = f"import unittest\n\n\nclass TestAdded{k}(unittest.TestCase):\n" \
               "    def test_it(self):\n        assert True\n"
    wb.write(rel, text)
    return f"add file {rel} ({kind}{' of ' + src if kind == 'copy' else ''})"


@on_picked_file()
def op_delete_file(wb: Workbench, rel: str, *_: object) -> str | None:
    wb.delete(rel)
    return f"delete {rel}"


@on_picked_file()
def op_move_file(wb: Workbench, rel: str, *_: object) -> str | None:
    dirs = sorted({f.rsplit("/", 1)[0] for f in wb.files() if "/" in f})
    dst = f"{wb.rng.choice(dirs)}/moved_{wb.unique()}_{rel.rsplit('/', 1)[-1]}"
    wb.move(rel, dst)
    return f"move {rel} -> {dst}"


@on_picked_file()
def op_touch(wb: Workbench, rel: str, *_: object) -> str | None:
    wb.touch(rel)
    return f"touch {rel} (mtime only)"


def op_rewrite_same(wb: Workbench) -> str | None:
    got = wb.pick()
    if not got:
        return None
    wb.write(got[0], got[1])
    return f"rewrite {got[0]} with identical content"


def op_line_endings(wb: Workbench) -> str | None:
    got = wb.pick(parsed=True)
    if not got:
        return None
    rel, text, _ = got
    nl = wb.rng.choice(["\r\n", "\r", "\n"])
    wb.write(rel, re.sub(r"\r\n|\r|\n", nl, text))
    return f"line endings of {rel} -> {nl!r}"


def op_insert_above_related(wb: Workbench) -> str | None:
    """Shift lines in a file a finding points *into* (not its own file)."""
    if wb.last is None:
        return None
    by_file: dict[str, list[tuple[Location, Finding]]] = {}
    for f in wb.last.findings:
        for r in f.related:
            if r.path != f.path and (wb.root / r.path).is_file():
                by_file.setdefault(r.path, []).append((r, f))
    if not by_file:
        return None
    # uniform over the files pointed into, so a rarely referenced file gets its turn
    loc, f = wb.rng.choice(by_file[wb.rng.choice(sorted(by_file))])
    text = wb.read(loc.path)
    at = 0 if wb.rng.random() < 0.5 else max(0, loc.line - 1)
    lines = split_lines(text)
    ind = indent_of(lines[at]) if at < len(lines) else ""
    wb.write(loc.path, insert_lines(text, at, [ind + f"# related shift {wb.unique()}"]))
    return f"insert a line before {loc.path}:{at + 1} (related to {f.rule} in {f.path})"


def op_add_reexport(wb: Workbench) -> str | None:
    """`pkg/__init__.py` re-exports a name of `pkg/mod.py` (a class, function or constant,
    sometimes a new constant in a new module starting with an import), and another file
    imports it through the package: SSOT202 when enabled."""
    inits = [f for f in wb.files() if f.endswith("/__init__.py") and parse(wb.read(f))]
    wb.rng.shuffle(inits)
    for init in inits[:20]:
        pkg_dir = init.rsplit("/", 1)[0]
        pkg = module_name(init)
        k = wb.unique()
        if wb.rng.random() < 0.5:
            mod_rel = f"{pkg_dir}/reexported_{k}.py"
            name = f"REEXPORTED_{k}"
            wb.write(mod_rel, f"import os\n{name} = os.sep\n\n\ndef helper_{k}():\n"
                              f"    return {name}\n")
        else:
            mods = [f for f in wb.files() if f.startswith(pkg_dir + "/")
                    and "/" not in f[len(pkg_dir) + 1:] and f != init]
            wb.rng.shuffle(mods)
            mod_rel, name = "", ""
            for m in mods[:10]:
                tree = parse(wb.read(m))
                if tree is None:
                    continue
                names = [n.name for n in tree.body if isinstance(
                    n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))]
                names += [t.id for n in tree.body if isinstance(n, ast.Assign)
                          for t in n.targets if isinstance(t, ast.Name)]
                if names:
                    mod_rel, name = m, wb.rng.choice(names)
                    break
            if not mod_rel:
                continue
        init_text = wb.read(init)
        init_tree = parse(init_text)
        assert init_tree is not None
        wb.write(init, insert_lines(init_text, after_imports_index(init_tree),
                                    [f"from {module_name(mod_rel)} import {name}"]))
        user = wb.pick(lambda r, t, tree: not r.startswith(pkg_dir + "/"), parsed=True)
        if user is None:
            return None
        urel, utext, utree = user
        assert utree is not None
        wb.write(urel, insert_lines(utext, after_imports_index(utree),
                                    [f"from {pkg} import {name}"]))
        return f"{init} re-exports {name} from {mod_rel}; {urel} imports it from {pkg}"
    return None


def op_define_imported(wb: Workbench) -> str | None:
    """Add or remove the definition of a name some file imports from a project module."""
    mods = {module_name(r): r for r in wb.files()}
    for _ in range(30):
        got = wb.pick(parsed=True)
        if not got:
            return None
        tree = got[2]
        assert tree is not None
        pairs = [(n.module, a.name) for n in _top_imports(tree) if isinstance(n, ast.ImportFrom)
                 and n.level == 0 and n.module in mods for a in n.names if a.name != "*"]
        pairs = [(m, a) for m, a in pairs if f"{m}.{a}" not in mods]
        if not pairs:
            continue
        mod, name = wb.rng.choice(pairs)
        rel = mods[mod]
        text = wb.read(rel)
        mtree = parse(text)
        if mtree is None:
            continue
        lines = split_lines(text)
        for n in mtree.body:
            if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
                    and n.name == name:
                i = n.lineno - 1
                lines[i] = re.sub(rf"\b{re.escape(name)}\b", f"{name}_gone{wb.unique()}",
                                  lines[i], count=1)
                wb.write(rel, "".join(lines))
                return f"undefine {name} in {rel} (imported by {got[0]})"
        new = wb.rng.choice([[f"{name} = None"], [f"def {name}():", "    return None"],
                             [f"class {name}:", "    pass"]])
        wb.write(rel, insert_lines(text, len(lines), [""] + new))
        return f"define {name} in {rel} as {new[0]!r} (imported by {got[0]})"
    return None


def op_respace(wb: Workbench) -> str | None:
    """Columns move, nothing else: extra spaces inside a statement on a finding's line."""
    f = wb.pick_finding(lambda f: f.rule != "SSOT000")
    if f is None:
        return None
    text = wb.read(f.path)
    lines = split_lines(text)
    if f.line - 1 >= len(lines):
        return None
    line = lines[f.line - 1]
    new = re.sub(r"\b(import|from|class|as) ", r"\1  ", line, count=1)
    if new == line:
        new = re.sub(r"([(\[{,]) ?(?=\S)", r"\1  ", line, count=1)
    if new == line:
        return None
    lines[f.line - 1] = new
    wb.write(f.path, "".join(lines))
    return f"respace {f.path}:{f.line} ({f.rule})"


def op_prefix_statement(wb: Workbench) -> str | None:
    """`_ö = 0; <statement>`: the statement's columns move by characters, not bytes."""
    f = wb.pick_finding(lambda f: f.rule != "SSOT000")
    if f is None:
        return None
    text = wb.read(f.path)
    tree = parse(text)
    if tree is None:
        return None
    simple = (ast.Import, ast.ImportFrom, ast.Assign, ast.Expr, ast.Return, ast.AnnAssign)
    starts = {n.lineno: n for n in ast.walk(tree) if isinstance(n, simple)
              and n.lineno == f.line}
    if not starts:
        return None
    node = starts[f.line]
    lines = split_lines(text)
    line = lines[f.line - 1]
    ind = indent_of(line)
    k = wb.unique()
    lines[f.line - 1] = f"{ind}_ö{k} = 'ü'; {line[len(ind):]}"
    wb.write(f.path, "".join(lines))
    return f"prefix the {type(node).__name__} at {f.path}:{f.line} with a non-ASCII statement"


TRIPLE_QUOTES = ('"' * 3, "'" * 3)


def op_indent_block(wb: Workbench) -> str | None:
    """Wrap a top-level statement in `if True:`: same facts, one line down, 4 columns right."""
    f = wb.pick_finding(lambda f: f.rule != "SSOT000")
    rel = f.path if f is not None and wb.rng.random() < 0.7 else None
    if rel is None:
        got = wb.pick(parsed=True)
        if not got:
            return None
        rel = got[0]
    text = wb.read(rel)
    tree = parse(text)
    if tree is None:
        return None
    nodes = [n for n in tree.body if not (isinstance(n, ast.ImportFrom)
                                          and n.module == "__future__")
             and not isinstance(n, ast.Expr)]
    if f is not None and rel == f.path:
        nodes = [n for n in nodes if n.lineno <= f.line <= (n.end_lineno or n.lineno)] or nodes
    if not nodes:
        return None
    n = wb.rng.choice(nodes)
    start = min([n.lineno] + [d.lineno for d in getattr(n, "decorator_list", [])]) - 1
    end = n.end_lineno or n.lineno
    lines = split_lines(text)
    block = [s.rstrip("\r\n") for s in lines[start:end]]
    if any(q in s for s in block for q in TRIPLE_QUOTES) or any(
            s.rstrip().endswith("\\") for s in block):
        return None  # string contents would change
    new = ["if True:"] + [("    " + s) if s.strip() else s for s in block]
    wb.write(rel, replace_lines(text, start, end, new))
    return f"wrap lines {start + 1}-{end} of {rel} in `if True:`"


def op_tabs(wb: Workbench) -> str | None:
    got = wb.pick(parsed=True)
    if not got:
        return None
    rel, text, _ = got
    new = re.sub(r"(?m)^((?:    )+)", lambda m: "\t" * (len(m.group(1)) // 4), text)
    if new == text:
        return None
    wb.write(rel, new)
    return f"indent {rel} with tabs"


def op_noop(wb: Workbench) -> str | None:
    return "no change"


CONFIG_EDITS: dict[str, tuple[str, str]] = {
    # name -> (anchor to insert after, or "" for the end of the file; text)
    "ignore-SSOT3": ('src = ["."]\n', 'ignore = ["SSOT3"]\n'),
    "select-SSOT1-SSOT2": ('src = ["."]\n', 'select = ["SSOT1", "SSOT2"]\n'),
    "exclude-legacy": ('src = ["."]\n', 'exclude = ["**/legacy/**", "**/migrations/**"]\n'),
    "baseline": ('src = ["."]\n', 'baseline = "ssot-baseline.json"\n'),
    "ban-pickle": ("", '\n[tool.ssotcheck.banned-api."pickle"]\nuse = "json"\n'),
    "extra-area": ("[tool.ssotcheck.areas]\n", 'hot = ["**/api/**", "**/billing/**"]\n'),
}


def op_config(wb: Workbench) -> str | None:
    rel = "pyproject.toml"
    cfg = (wb.root / rel).read_text(encoding="utf-8")
    names = [n for n in CONFIG_EDITS if CONFIG_EDITS[n][0] == "" or CONFIG_EDITS[n][0] in cfg]
    name = wb.rng.choice(names)
    anchor, text = CONFIG_EDITS[name]
    if text in cfg:
        new = cfg.replace(text, "", 1)
        what = "remove"
    else:
        new = cfg + text if not anchor else cfg.replace(anchor, anchor + text, 1)
        what = "add"
        # keys must be unique in a table: drop another edit of the same key first
        key = text.split(" =", 1)[0]
        if anchor == 'src = ["."]\n' and re.search(rf"^{key} = ", cfg, re.M):
            return None
    if name == "baseline" and what == "add" and wb.last is not None:
        # record today's findings: later edits move them, and baselining must still match
        recorded = baseline_gate.record(list(wb.last.findings), None, "reset", "2026-01-01")
        baseline_gate.write(recorded.baseline, wb.root / "ssot-baseline.json")
    wb.write(rel, new)
    return f"config: {what} {name}"


def op_non_canonical(wb: Workbench) -> str | None:
    rel = "pyproject.toml"
    cfg = (wb.root / rel).read_text(encoding="utf-8")
    if "non-canonical = true" in cfg:
        new, what = cfg.replace("non-canonical = true", "non-canonical = false", 1), "off"
    elif "non-canonical = false" in cfg:
        new, what = cfg.replace("non-canonical = false", "non-canonical = true", 1), "on"
    else:
        new, what = cfg + "\n[tool.ssotcheck.imports]\nnon-canonical = true\n", "on"
    wb.write(rel, new)
    return f"config: SSOT202 (non-canonical imports) {what}"


OPS: dict[str, Callable[[Workbench], str | None]] = {
    "insert_top": op_insert_top,
    "insert_middle": op_insert_middle,
    "insert_above_finding": op_insert_above_finding,
    "append_end": op_append_end,
    "delete_blank": op_delete_blank,
    "append_function": op_append_function,
    "rename_function": op_rename_function,
    "add_constant": op_add_constant,
    "edit_body": op_edit_body,
    "add_import": op_add_import,
    "remove_import": op_remove_import,
    "change_import": op_change_import,
    "make_cycle": op_make_cycle,
    "break_cycle": op_break_cycle,
    "enum_edit": op_enum_edit,
    "duplicate_class": op_duplicate_class,
    "rename_class": op_rename_class,
    "change_bases": op_change_bases,
    "suppress": op_suppress,
    "unsuppress": op_unsuppress,
    "break_syntax": op_break_syntax,
    "fix_syntax": op_fix_syntax,
    "add_file": op_add_file,
    "delete_file": op_delete_file,
    "move_file": op_move_file,
    "touch": op_touch,
    "rewrite_same": op_rewrite_same,
    "line_endings": op_line_endings,
    "config": op_config,
    "non_canonical": op_non_canonical,
    "noop": op_noop,
    "insert_above_related": op_insert_above_related,
    "add_reexport": op_add_reexport,
    "define_imported": op_define_imported,
    "namespace_edit": op_namespace_edit,
    "respace": op_respace,
    "prefix_statement": op_prefix_statement,
    "indent_block": op_indent_block,
    "tabs": op_tabs,
}
# Always applicable (on any tree with a file in it), tried when the drawn edit is not.
FALLBACK_OPS = ["insert_top", "append_end", "touch"]
# Weighted towards the edits that move or change findings.
WEIGHTS: dict[str, int] = {name: 2 for name in OPS}
WEIGHTS.update(insert_middle=5, insert_above_finding=5, insert_above_related=4, edit_body=4,
               add_import=4, remove_import=3, enum_edit=4, respace=3, indent_block=3,
               config=1, non_canonical=1, noop=1, line_endings=1, rewrite_same=1, tabs=1)
OP_NAMES = sorted(OPS)


def draw_op(rng: random.Random) -> str:
    return rng.choices(OP_NAMES, weights=[WEIGHTS[n] for n in OP_NAMES])[0]


# ============================================================================ fixtures

def _age(root: Path) -> None:
    old = time.time_ns() - AGE_NS - 10**12
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, ns=(old, old))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("incr-template") / "tree"
    generate.generate(GEN_FILES, root, GEN_SEED, force=True)
    # SSOT202 (non-canonical imports) is opt-in; on here so re-export chains are checked
    # too (the `non_canonical` edit turns it off and on again).
    cfg = root / "pyproject.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8")
                   + "\n[tool.ssotcheck.imports]\nnon-canonical = true\n", encoding="utf-8")
    _age(root)
    return root


def _copy(src: Path, dst: Path) -> Path:
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, copy_function=shutil.copy2)
    return dst


def _workbench(src: Path, tmp: Path, seed: int, label: str) -> Workbench:
    root = _copy(src, tmp / "tree")
    _age(root)
    cache = tmp / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    return Workbench(root, cache, random.Random(seed), label)


def _run_sequence(wb: Workbench, steps: int, seed: int, *, max_batch: int = 3,
                  scoped_every: int = 1) -> None:
    rng = random.Random(seed)
    for step in range(steps):
        for _ in range(1 if rng.random() < 0.6 else rng.randint(2, max_batch)):
            wb.apply(draw_op(rng), rng.getrandbits(32))
        wb.check(f"{step + 1}", scoped=step % scoped_every == 0)


# =============================================================================== tests

def test_every_edit_kind_once_then_a_long_random_sequence(generated: Path,
                                                          tmp_path: Path) -> None:
    """One cache for the whole test: each kind of edit once (in a fixed order), then a long
    seeded random sequence, so state from many earlier incremental runs accumulates."""
    seed = 20240611
    wb = _workbench(generated, tmp_path, seed, f"generated tree, seed {seed}")
    first = wb.check("initial (cold cache)")
    assert {f.rule for f in first.findings} >= {"SSOT000", "SSOT101", "SSOT102", "SSOT103",
                                                "SSOT201", "SSOT203", "SSOT204", "SSOT301"}
    wb.check("warm, nothing changed")
    rng = random.Random(seed)
    for name in OP_NAMES:
        wb.apply(name, rng.getrandbits(32))
        wb.check(name)
    # a syntax error is fixed again (break_syntax above left one behind)
    wb.apply("fix_syntax", rng.getrandbits(32))
    wb.check("fix_syntax")
    _run_sequence(wb, 35, seed + 1)
    assert wb.runs > 40 and wb.cache_hits > 0, "the incremental runs never used the cache"
    assert any(e.startswith(("break_syntax", "suppress", "config")) for e in wb.log)
    # the final state once more against a true scratch run (no memo, no cache)
    assert_same(incremental_run(wb.root, wb.cache_dir), reference_run(wb.root, memo=False),
                "final state vs a true scratch run")


def test_examples_tree_in_a_git_work_tree(tmp_path: Path) -> None:
    """examples/ (SSOT202 enabled, an `exclude` glob) as a git work tree, so files are
    discovered through git: new files are untracked, deleted ones still in the index."""
    seed = 7
    wb = _workbench(EXAMPLES, tmp_path, seed, f"examples/ in git, seed {seed}")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"]
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run([*git, "init", "-q"], cwd=wb.root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=wb.root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "init"], cwd=wb.root, check=True)
    wb.check("initial")
    # a file under an excluded directory: absent from the whole-tree run, analysed when
    # named explicitly (as pre-commit does), which changes the set of files between runs
    wb.write("platform_core/migrations/0001_initial.py",
             "import os\nfrom enum import Enum\n\nHOME = os.environ.get('HOME')\n\n\n"
             "class ExecutionStatus(Enum):\n    OK = 'ok'\n")
    wb.log.append("add excluded platform_core/migrations/0001_initial.py")
    wb.check("excluded file")
    explicit = ("platform_core/migrations/0001_initial.py", "platform_core/billing/")
    assert_same(incremental_run(wb.root, wb.cache_dir, explicit),
                reference_run(wb.root, explicit), "explicitly named excluded file")
    wb.check("after the explicit run")
    _run_sequence(wb, 30, seed, max_batch=4)


def test_jobs_2_process_pool(generated: Path, tmp_path: Path) -> None:
    """Parsing in worker processes (cold cache, then a batch of >= 8 changed files so the
    warm run uses the pool too) gives the same results."""
    seed = 99
    wb = _workbench(generated, tmp_path, seed, f"jobs=2, seed {seed}")
    wb.check("cold, jobs=2", jobs=2, scoped=False)
    rng = random.Random(seed)
    for name in ["insert_above_finding", "enum_edit", "add_import", "break_syntax",
                 "move_file", "add_file", "insert_middle", "change_bases", "edit_body",
                 "insert_top", "duplicate_class"]:
        wb.apply(name, rng.getrandbits(32))
    assert len(set(wb.step_paths)) >= 8
    wb.check("batch of 11 edits, jobs=2", jobs=2)


EDIT = st.tuples(st.sampled_from(OP_NAMES), st.integers(0, 2**32 - 1))


@pytest.fixture(scope="module")
def hyp_space(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A fixed location for hypothesis examples (results are keyed by the root path), and a
    warm cache for it, copied afresh for every example."""
    base = tmp_path_factory.mktemp("incr-hyp")
    tree = _copy(generated, base / "tree")
    warm = base / "warm-cache"
    incremental_run(tree, warm)
    return {"template": generated, "tree": tree, "warm": warm, "base": base}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=st.lists(st.lists(EDIT, min_size=1, max_size=3), min_size=1, max_size=4))
def test_hypothesis_edit_batches(hyp_space: dict[str, Path], batches: list) -> None:
    base = hyp_space["base"]
    root = _copy(hyp_space["template"], hyp_space["tree"])
    cache = _copy(hyp_space["warm"], base / "cache")
    wb = Workbench(root, cache, random.Random(0), f"hypothesis batches={batches!r}")
    wb.last = reference_run(root)
    for i, batch in enumerate(batches):
        for op, seed in batch:
            wb.apply(op, seed)
        wb.check(f"batch {i + 1}")


# ---------------------------------------------------------- the comparison can fail

@pytest.fixture(scope="module")
def base_result(generated: Path) -> RunResult:
    return reference_run(generated)


def _tampered(r: RunResult, i: int, **changes: Any) -> RunResult:
    findings = list(r.findings)
    findings[i] = dataclasses.replace(findings[i], **changes)
    return dataclasses.replace(r, findings=tuple(findings))


def test_comparison_detects_any_changed_finding_field(base_result: RunResult) -> None:
    r = base_result
    assert differences(r, r) == []
    i = next(i for i, f in enumerate(r.findings) if f.related)
    f = r.findings[i]
    loc = f.location
    cases = {
        "line": _tampered(r, i, location=dataclasses.replace(loc, line=loc.line + 1)),
        "column": _tampered(r, i, location=dataclasses.replace(loc, column=loc.column + 1)),
        "end_line": _tampered(r, i, location=dataclasses.replace(
            loc, end_line=(loc.end_line or 0) + 1)),
        "related": _tampered(r, i, related=(*f.related[:-1], dataclasses.replace(
            f.related[-1], line=f.related[-1].line + 3))),
        "message": _tampered(r, i, message=f.message + "!"),
        "key": _tampered(r, i, key=f.key + "x"),
        "area": _tampered(r, i, area="elsewhere"),
        "concept": _tampered(r, i, concept="Other"),
        "fix": _tampered(r, i, fix=None if f.fix else Fix("tampered", safe=False)),
        "dropped": dataclasses.replace(r, findings=r.findings[1:]),
        "order": dataclasses.replace(r, findings=r.findings[::-1]),
        "concepts": dataclasses.replace(r, concepts=r.concepts[1:]),
        "scores": dataclasses.replace(r, scores=dataclasses.replace(
            r.scores, violations=r.scores.violations + 1)),
        "scope": dataclasses.replace(r, scope=r.scope[1:]),
        "suppressed": dataclasses.replace(r, suppressed=r.suppressed + 1),
        "baselined": dataclasses.replace(r, baselined=r.baselined + 1),
    }
    for name, other in cases.items():
        diff = differences(other, r, facts=False)
        assert diff, f"a changed {name} went unnoticed"
        with pytest.raises(AssertionError):
            assert_same(other, r)
    line_diff = "\n".join(differences(cases["line"], r, facts=False))
    assert f"{f.path}:{f.line + 1}" in line_diff and f"{f.path}:{f.line}:" in line_diff, line_diff


def test_comparison_detects_a_real_edit(generated: Path, tmp_path: Path) -> None:
    """Results of a tree before and after a one-line shift above a finding differ, and the
    message names the moved finding: the comparison is not vacuous on real results."""
    wb = _workbench(generated, tmp_path, 3, "sanity")
    before = reference_run(wb.root)
    wb.last = before
    f = next(f for f in before.findings if f.rule == "SSOT201")
    text = wb.read(f.path)
    wb.write(f.path, insert_lines(text, f.line - 1, ["# one more line"]))
    after = reference_run(wb.root)
    diff = "\n".join(differences(before, after))
    assert f"only incremental: {f.rule} {f.path}:{f.line}:" in diff, diff
    assert f"only scratch:     {f.rule} {f.path}:{f.line + 1}:" in diff, diff
    assert "facts differ" in diff
    # and a stale cache *would* be caught: results served for the old tree differ too
    stale = incremental_run(wb.root, tmp_path / "c")
    assert differences(stale, before, facts=False)


def test_memoised_reference_equals_a_true_scratch_run(generated: Path, tmp_path: Path) -> None:
    wb = _workbench(generated, tmp_path, 5, "memo check")
    rng = random.Random(5)
    wb.last = reference_run(wb.root)
    for name in ["insert_above_finding", "enum_edit", "break_syntax", "config", "add_file"]:
        wb.apply(name, rng.getrandbits(32))
    memo = reference_run(wb.root)
    true = reference_run(wb.root, memo=False)
    assert differences(memo, true) == []
    # the memo really is what the reference runs parse through
    memo_paths = {key[0][0] for key in _EXTRACT_MEMO if key[0]}
    assert set(wb.files()) <= memo_paths


# ------------------------------------------------------ scripted position-only edits

REEXPORT_TREE: dict[str, str | bytes] = {
    "pyproject.toml": '[tool.ssotcheck]\nsrc = ["."]\n\n[tool.ssotcheck.imports]\n'
                      "non-canonical = true\n",
    "pkg/__init__.py": "from pkg.impl import LIMIT, helper, Thing\n",
    # line 1 is an import: a fact starts where a position-less location falls back to
    "pkg/impl.py": "import os\nLIMIT = os.sep\n\n\ndef helper():\n    return LIMIT\n\n\n"
                   "class Thing:\n    pass\n",
    "app.py": "from pkg import LIMIT\nfrom pkg import helper\nfrom pkg import Thing\n",
    "tests/test_app.py": "import unittest\n\nfrom pkg import Thing\n\n\n"
                         "class TestApp(unittest.TestCase):\n    def test_it(self):\n"
                         "        assert Thing\n",
}
SCRIPTED_EDITS: dict[str, tuple[str, Callable[[str], str]]] = {
    # name -> (file, edit): each keeps every fact and moves positions only
    "comment above line 1 of a re-export home": (
        "pkg/impl.py", lambda t: "# moved down\n" + t),
    "blank line above a re-exported function": (
        "pkg/impl.py", lambda t: t.replace("def helper", "\ndef helper")),
    "columns of a re-exported class": (
        "pkg/impl.py", lambda t: t.replace("class Thing", "class  Thing")),
    "re-exported constant moved into `if True:`": (
        "pkg/impl.py", lambda t: t.replace("LIMIT = os.sep", "if True:\n    LIMIT = os.sep")),
    "comment above the re-exporting package's import": (
        "pkg/__init__.py", lambda t: "# moved down\n" + t),
    "importer's import moved right": (
        "app.py", lambda t: t.replace("from pkg import LIMIT", "_ö = 0; from pkg import LIMIT")),
    "test class moved down": (
        "tests/test_app.py", lambda t: "\n\n" + t),
}


@pytest.mark.parametrize("name", sorted(SCRIPTED_EDITS))
def test_scripted_position_only_edit(name: str, tmp_path: Path) -> None:
    """Edits that move positions and change nothing else are exactly the ones whose
    findings an incremental run re-uses with moved locations: every location a finding
    carries (related ones too) must move as a run from scratch would place it."""
    write_tree(tmp_path / "src", REEXPORT_TREE)
    wb = _workbench(tmp_path / "src", tmp_path, 0, f"scripted: {name}")
    first = wb.check("initial")
    assert any(f.rule == "SSOT202" for f in first.findings)
    rel, edit = SCRIPTED_EDITS[name]
    wb.write(rel, edit(wb.read(rel)))
    wb.log.append(name)
    wb.check(name)
