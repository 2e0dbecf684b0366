"""Source bytes -> FileFacts.

The fast path uses stdlib `ast`. When the host `ast` rejects a file with a plain
SyntaxError (for example a Python 3.12 f-string on a 3.11 host), libcst — the
parser of record — gets a go through `extract_cst`. Files that are too deep for
`ast`, or whose estimated nesting or size is beyond what libcst handles in reasonable
time, are *not* handed to libcst: its native parser overflows the C stack or runs for
minutes on them, and one file must never take the whole run down.

Only statements are walked in general. Expressions are walked only when a cheap
regex pre-screen says the file may hold what we look for (a discriminator key or a
banned name), which keeps extraction close to the cost of `ast.parse` itself.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import re
import warnings
from dataclasses import dataclass
from typing import Any, Iterator, cast

from ssotcheck.model import (
    ClassFact,
    DictLiteralFact,
    FileFacts,
    FunctionFact,
    ImportFact,
    MemberFact,
    NameUse,
    ParseError,
    Span,
)

MAX_FILE_BYTES = 20 * 1024 * 1024
IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
# `try:` statements; `try/except*` (3.11+) has the same fields.
_TRY_NODES: tuple[type[ast.stmt], ...] = (
    (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,))
_SUPPRESS_RE = re.compile(
    r"#\s*(?:ssotcheck:\s*(ignore-file|ignore)(?:\[([A-Z0-9, ]+)\])?|noqa:\s*((?:SSOT\d*[, ]*)+))"
)


@dataclass(frozen=True)
class ExtractOptions:
    discriminators: tuple[str, ...] = ("type", "event_type")
    banned: tuple[str, ...] = ()  # dotted banned API names
    legacy: tuple[str, ...] = ()  # dotted legacy paths (the registry's old side)

    def discriminator_re(self) -> re.Pattern[str] | None:
        if not self.discriminators:
            return None
        alt = "|".join(re.escape(d) for d in sorted(self.discriminators))
        return re.compile(rf"""["']({alt})["']\s*:""")

    def banned_tokens(self) -> frozenset[str]:
        return frozenset(part for name in self.banned for part in name.split("."))

    def legacy_parents(self) -> tuple[frozenset[str], frozenset[str]]:
        """The proper dotted prefixes of the legacy paths, and every component of those."""
        return _legacy_parents(self.legacy)


@functools.lru_cache(maxsize=8)
def _legacy_parents(legacy: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    parents = frozenset(old[:i] for old in legacy for i, c in enumerate(old) if c == ".")
    return parents, frozenset(part for p in parents for part in p.split("."))


def line_count(text: str) -> int:
    """Lines as an editor shows them: a final line without a newline still counts."""
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    return breaks + (bool(text) and not text.endswith(("\n", "\r")))


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# ------------------------------------------------------------------ decoding


def decode_source(data: bytes) -> tuple[str | None, ParseError | None]:
    """Bytes -> text, or the reason the file is not analysable Python source."""
    if len(data) > MAX_FILE_BYTES:
        return None, ParseError("too-large", f"file is {len(data) // 1024 // 1024} MB; the limit is "
                                f"{MAX_FILE_BYTES // 1024 // 1024} MB")
    nul = data.find(b"\0")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        sample = data[:1024]
        printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in sample)
        if printable < len(sample) * 0.7:
            # Lines mean nothing in a binary file: point at its start.
            return None, ParseError("binary", "binary file with a .py name (not text)")
        return None, ParseError("nul-byte", f"source contains a NUL byte at line {line}", line)
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    else:
        # PEP 263: a coding cookie on one of the first two lines.
        head = b"\n".join(data.split(b"\n", 2)[:2])
        m = _CODING_RE.search(head)
        if m:
            encoding = m.group(1).decode("ascii", "replace")
    try:
        return data.decode(encoding), None
    except LookupError:
        return None, ParseError("encoding", f"unknown source encoding {encoding!r}")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, ParseError(
            "encoding", f"invalid {encoding} at line {line} (byte offset {exc.start}): {exc.reason}",
            line,
        )


def suppressions(text: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """`# ssotcheck: ignore[SSOT201]`, `# noqa: SSOT201`, `# ssotcheck: ignore-file`."""
    if "ssotcheck:" not in text and "noqa" not in text:
        return ()
    out: list[tuple[int, tuple[str, ...]]] = []
    # Lines as Python counts them (not str.splitlines, which also breaks at form feeds and
    # \u2028): a `# noqa` after such a character must still name the statement's line.
    lines = _NEWLINE_RE.split(text) if "\r" in text else text.split("\n")
    for lineno, line in enumerate(lines, 1):
        if "#" not in line:
            continue
        m = _SUPPRESS_RE.search(line)
        if not m:
            continue
        codes_txt = m.group(2) or m.group(3) or ""
        codes = tuple(sorted({c for c in re.split(r"[,\s]+", codes_txt) if c})) or ("",)
        out.append((0 if m.group(1) == "ignore-file" else lineno, codes))
    return tuple(out)


# ------------------------------------------------------------- value helpers


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a Name/Attribute chain; the callee for a call; the base of a subscript."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            return ".".join(reversed(parts))
        elif isinstance(node, ast.Call) and not parts:
            node = node.func
        elif isinstance(node, ast.Subscript) and not parts:
            node = node.value
        else:
            return None


def normalise_value(node: ast.AST | None) -> str | None:
    """A short, parser-independent text for a value: literals by repr, names dotted."""
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        return repr(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(
        node.operand, ast.Constant
    ) and isinstance(node.operand.value, (int, float, complex)):
        return repr(-node.operand.value)
    if isinstance(node, (ast.Name, ast.Attribute)):
        return dotted(node) or "<expr>"
    if isinstance(node, ast.Call):
        d = dotted(node.func)
        return f"{d}()" if d else "<expr>"
    if isinstance(node, ast.Tuple) and all(isinstance(e, ast.Constant) for e in node.elts):
        return repr(tuple(e.value for e in node.elts))  # type: ignore[attr-defined]
    return "<expr>"


def literal_strings(ann: ast.AST) -> tuple[str, ...]:
    """String arguments of `Literal["a", "b"]` (also inside `Required[...]`, `Final[...]`)."""
    if not isinstance(ann, ast.Subscript):
        return ()
    head = dotted(ann.value) or ""
    inner = ann.slice
    if head.rsplit(".", 1)[-1] in ("Required", "NotRequired", "Final", "ClassVar", "Annotated"):
        if isinstance(inner, ast.Tuple) and inner.elts:
            inner = inner.elts[0]
        return literal_strings(inner)
    if head.rsplit(".", 1)[-1] != "Literal":
        return ()
    elts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
    return tuple(e.value for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str))


def annotation_head(ann: ast.AST) -> str | None:
    return dotted(ann) if isinstance(ann, (ast.Name, ast.Attribute, ast.Subscript)) else None


def is_type_checking_test(test: ast.AST) -> bool:
    d = dotted(test) if isinstance(test, (ast.Name, ast.Attribute)) else None
    return d is not None and d.rsplit(".", 1)[-1] == "TYPE_CHECKING"


def is_main_guard_test(test: ast.AST) -> bool:
    """`__name__ == "__main__"`, either way round: the script-entry guard.

    Only this exact form counts. `!=`, `is`, `in`, chained comparisons and guards combined
    with other conditions (`... and DEBUG`) are ordinary tests, whose imports may well run
    on import, so treating them as guards could hide a real import cycle.
    """
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)):
        return False
    left, right = test.left, test.comparators[0]
    return ((_is_dunder_name(left) and _is_main_string(right))
            or (_is_main_string(left) and _is_dunder_name(right)))


def _is_dunder_name(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "__name__"


def _is_main_string(node: ast.AST) -> bool:
    # `type(...) is str`: b"__main__" is a Constant too, and never equals `__name__`.
    return isinstance(node, ast.Constant) and type(node.value) is str and node.value == "__main__"


def handler_catches_import_error(handlers: list[ast.ExceptHandler]) -> bool:
    for h in handlers:
        if h.type is None:
            return True
        types = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
        for t in types:
            d = dotted(t) if isinstance(t, (ast.Name, ast.Attribute)) else None
            if d and d.rsplit(".", 1)[-1] in IMPORT_ERRORS:
                return True
    return False


# ------------------------------------------------------------------ extractor


class _Columns:
    """ast columns are UTF-8 byte offsets; facts use character offsets (as libcst does)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: list[str] | None = None
        self.ascii = text.isascii()

    def char(self, line: int, byte_col: int) -> int:
        if self.ascii or byte_col <= 0:
            return byte_col
        if self._lines is None:
            # The tokenizer ends lines at \r\n, \r and \n alike (not at the other breaks
            # str.splitlines knows), so a file saved with old Mac endings maps right too.
            text = self._text
            self._lines = _NEWLINE_RE.split(text) if "\r" in text else text.split("\n")
        if line - 1 >= len(self._lines):
            return byte_col
        raw = self._lines[line - 1].encode("utf-8")
        return len(raw[:byte_col].decode("utf-8", errors="ignore"))

    def span(self, node: ast.AST) -> Span:
        line = node.lineno  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or line
        end_col = getattr(node, "end_col_offset", None) or 0
        return Span(line, self.char(line, node.col_offset), end_line,  # type: ignore[attr-defined]
                    self.char(end_line, end_col))


# One body on `_Collector`'s walk stack: (statements, in_function, type_checking, in_try,
# in_main_guard, module_level, class_prefix). The flags hold for every statement of the
# body and are inherited by the bodies nested in it.
_Frame = tuple[Iterator[ast.stmt], bool, bool, bool, bool, bool, str]


class _Collector:
    def __init__(self, cols: _Columns) -> None:
        self.cols = cols
        self.imports: list[ImportFact] = []
        self.classes: list[ClassFact] = []
        self.functions: list[FunctionFact] = []
        self.constants: list[str] = []
        self.all_names: tuple[str, ...] | None = None

    # Statement walk: an explicit stack instead of recursion keeps deep files safe. Each
    # entry is an iterator over one body, so statements are visited in source order
    # (which `__all__ += [...]` and every ordered fact depend on).
    def run(self, module: ast.Module) -> None:
        stack: list[_Frame] = [(iter(module.body), False, False, False, False, True, "")]
        while stack:
            body, in_func, tc, in_try, main, top, prefix = stack[-1]
            depth = len(stack)
            for stmt in body:
                self._stmt(stmt, in_func, tc, in_try, main, top, prefix, stack)
                if len(stack) != depth:
                    # `_stmt` pushed sub-bodies (last-first) above this body's iterator:
                    # walk them before the statement that follows; this loop resumes later.
                    break
            else:
                stack.pop()

    def _stmt(self, stmt: ast.stmt, in_func: bool, tc: bool, in_try: bool, main: bool,
              top: bool, prefix: str, stack: list[_Frame]) -> None:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            self._import(stmt, in_func, tc, in_try, main)
        elif isinstance(stmt, ast.ClassDef):
            self.classes.append(self._class(stmt, prefix, nested=in_func or bool(prefix)))
            stack.append((iter(stmt.body), in_func, tc, in_try, main, False,
                          f"{prefix}{stmt.name}."))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if top:
                self.functions.append(FunctionFact(
                    stmt.name, stmt.lineno, isinstance(stmt, ast.AsyncFunctionDef),
                    tuple(d for d in (dotted(x) for x in stmt.decorator_list) if d)))
            stack.append((iter(stmt.body), True, tc, in_try, main, False,
                          f"{prefix}{stmt.name}.<locals>."))
        elif isinstance(stmt, ast.If):
            is_tc = tc or is_type_checking_test(stmt.test)
            # The guard is recognised in module scope only (`top`: also inside a module-level
            # if/try/with ...), where `__name__` is the module's own name. Its `else:` /
            # `elif` runs on a plain import, so the orelse keeps the outer flag.
            is_main = main or (top and is_main_guard_test(stmt.test))
            stack.append((iter(stmt.orelse), in_func, tc, in_try, main, top, prefix))
            stack.append((iter(stmt.body), in_func, is_tc, in_try, is_main, top, prefix))
        elif isinstance(stmt, _TRY_NODES):
            stmt = cast(ast.Try, stmt)  # TryStar has the same fields
            shim = in_try or handler_catches_import_error(stmt.handlers)
            stack.append((iter(stmt.finalbody), in_func, tc, in_try, main, top, prefix))
            stack.append((iter(stmt.orelse), in_func, tc, in_try, main, top, prefix))
            for h in reversed(stmt.handlers):
                stack.append((iter(h.body), in_func, tc, shim, main, top, prefix))
            stack.append((iter(stmt.body), in_func, tc, shim, main, top, prefix))
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            stack.append((iter(stmt.orelse), in_func, tc, in_try, main, top, prefix))
            stack.append((iter(stmt.body), in_func, tc, in_try, main, top, prefix))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            stack.append((iter(stmt.body), in_func, tc, in_try, main, top, prefix))
        elif isinstance(stmt, getattr(ast, "Match", ())):
            for case in reversed(stmt.cases):  # type: ignore[attr-defined]
                stack.append((iter(case.body), in_func, tc, in_try, main, top, prefix))
        elif top and isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            self._module_assign(stmt)

    def _import(self, stmt: ast.Import | ast.ImportFrom, in_func: bool, tc: bool,
                in_try: bool, main: bool) -> None:
        stmt_span = self.cols.span(stmt)
        for alias in stmt.names:
            span = self.cols.span(alias) if hasattr(alias, "lineno") else stmt_span
            if isinstance(stmt, ast.Import):
                fact = ImportFact(alias.name, None, alias.asname, 0, span, stmt_span,
                                  in_func, tc, in_try, main)
            else:
                fact = ImportFact(stmt.module or "", alias.name, alias.asname, stmt.level or 0,
                                  span, stmt_span, in_func, tc, in_try, main)
            self.imports.append(fact)

    def _module_assign(self, stmt: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for t in targets:
            names = t.elts if isinstance(t, (ast.Tuple, ast.List)) else [t]
            for n in names:
                if isinstance(n, ast.Name):
                    self.constants.append(n.id)
                    if n.id == "__all__" and stmt.value is not None:
                        self._all(stmt.value, isinstance(stmt, ast.AugAssign))

    def _all(self, value: ast.AST, augment: bool) -> None:
        if isinstance(value, (ast.List, ast.Tuple)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
        ):
            names = tuple(e.value for e in value.elts)  # type: ignore[attr-defined]
            self.all_names = (self.all_names or ()) + names if augment else names

    def _class(self, node: ast.ClassDef, prefix: str, nested: bool) -> ClassFact:
        members: list[MemberFact] = []
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                members.append(MemberFact(stmt.name, "method", stmt.lineno))
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                members.append(MemberFact(
                    stmt.target.id, "field", stmt.lineno, normalise_value(stmt.value),
                    annotation_head(stmt.annotation), literal_strings(stmt.annotation)))
            elif isinstance(stmt, ast.Assign):
                value = normalise_value(stmt.value)
                for t in stmt.targets:
                    if isinstance(t, ast.Name):
                        members.append(MemberFact(t.id, "assign", stmt.lineno, value))
            elif isinstance(stmt, ast.ClassDef):
                members.append(MemberFact(stmt.name, "class", stmt.lineno))
        bases = tuple(d for d in (dotted(b) for b in node.bases) if d)
        keywords = tuple((k.arg, normalise_value(k.value) or "") for k in node.keywords if k.arg)
        decorators = tuple(d for d in (dotted(x) for x in node.decorator_list) if d)
        return ClassFact(node.name, prefix.replace(".<locals>", "") + node.name,
                         self.cols.span(node), bases, keywords, decorators, tuple(members), nested)


# Scopes whose bindings can hide a module-level name from the code inside them. Class
# bodies are not among them: the functions nested in a class do not see its names.
_FUNCTION_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_FRAME_NODES = frozenset({*_FUNCTION_SCOPES, *_COMPREHENSIONS, ast.comprehension})
_NAMED_SCOPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})


def _walk_with_scope(tree: ast.Module) -> Iterator[tuple[ast.AST, ast.AST | None, str | None, Any]]:
    """Every node with its parent, the qualname of the enclosing def/class and the
    function-like scopes the node is evaluated in, as a linked list `(scope, outer)`
    innermost first, or None at module level (iterative). A def's decorators,
    defaults and annotations, and a comprehension's first iterable, are evaluated
    outside it."""
    stack: list[tuple[ast.AST, ast.AST | None, str | None, Any]] = [(tree, None, None, None)]
    pop, extend, children_of = stack.pop, stack.extend, ast.iter_child_nodes
    while stack:
        node, parent, scope, frames = pop()
        yield node, parent, scope, frames
        kind = type(node)
        if kind in _NAMED_SCOPES:
            scope = f"{scope}.{cast(Any, node).name}" if scope else cast(Any, node).name
        if kind in _FRAME_NODES:
            extend(_scoped_children(node, parent, scope, frames))
        else:
            extend([(child, node, scope, frames) for child in children_of(node)][::-1])


def _scoped_children(node: ast.AST, parent: ast.AST | None, scope: str | None, frames: Any
                     ) -> list[tuple[ast.AST, ast.AST | None, str | None, Any]]:
    """The children of a def, lambda or comprehension (or a comprehension's `for`) with
    the scopes each is evaluated in, in reverse order for the walk's stack."""
    out: list[tuple[ast.AST, ast.AST | None, str | None, Any]] = []
    n = cast(Any, node)
    if isinstance(node, ast.comprehension):
        # only the first `for`'s iterable is evaluated outside the comprehension
        first = frames is not None and cast(Any, parent).generators[0] is node
        for child in ast.iter_child_nodes(node):
            out.append((child, node, scope, frames[1] if first and child is n.iter else frames))
    else:
        body = (node, frames)
        whole = isinstance(node, _COMPREHENSIONS)
        for child in ast.iter_child_nodes(node):
            inside = whole or isinstance(child, ast.stmt) or child is n.body
            out.append((child, node, scope, body if inside else frames))
    return out[::-1]


def _shadowed(head: str, frames: Any, bindings: dict[int, tuple[frozenset[str], ...]],
              compute: Any) -> bool:
    """Whether `head` is a local of one of the function-like scopes in `frames` (innermost
    first): then a chain starting with it is not the module-level name. A `global`
    declaration sends it to module level; `nonlocal` to the next enclosing function."""
    while frames is not None:
        scope, frames = frames
        known = bindings.get(id(scope))
        if known is None:
            known = bindings[id(scope)] = compute(scope)
        local, declared_global, declared_nonlocal = known
        if head in declared_global:
            return False
        if head in declared_nonlocal:
            continue
        if head in local:
            return True
    return False


def _target_names(target: ast.AST) -> Iterator[str]:
    for n in ast.walk(target):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            yield n.id


def scope_bindings(scope: ast.AST) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(names bound in a def / lambda / comprehension, names it declares `global`,
    names it declares `nonlocal`). For a comprehension: its `for` targets. For a function:
    parameters, every assigned / deleted name, except-as and match captures, nested def
    and class names, and walrus targets (also those inside its comprehensions), but
    nothing bound inside nested functions or classes. Not imports: `import os` inside a
    function binds the module itself, and the file's import facts already resolve it."""
    if isinstance(scope, _COMPREHENSIONS):
        return frozenset(n for gen in scope.generators for n in _target_names(gen.target)
                         ), frozenset(), frozenset()
    fn = cast(Any, scope)
    a = fn.args
    names = {arg.arg for arg in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg)
             if arg is not None}
    declared_global: set[str] = set()
    declared_nonlocal: set[str] = set()
    stack: list[tuple[ast.AST, bool]] = [
        (n, False) for n in (fn.body if isinstance(fn.body, list) else [fn.body])]
    while stack:
        node, in_comprehension = stack.pop()
        if isinstance(node, ast.Name):
            if not in_comprehension and not isinstance(node.ctx, ast.Load):
                names.add(node.id)
            continue
        if isinstance(node, ast.NamedExpr):
            if isinstance(node.target, ast.Name):
                names.add(node.target.id)  # binds in the function, even from a comprehension
            stack.append((node.value, in_comprehension))
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Global):
            declared_global.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            declared_nonlocal.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
            if node.name:
                names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        inner = in_comprehension or isinstance(node, _COMPREHENSIONS)
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))
    return frozenset(names), frozenset(declared_global), frozenset(declared_nonlocal)


def _expressions(tree: ast.Module, cols: _Columns, want_dicts: bool, discriminators: set[str],
                 tokens: frozenset[str]) -> tuple[list[DictLiteralFact], list[NameUse]]:
    dicts: list[DictLiteralFact] = []
    uses: list[NameUse] = []
    bindings: dict[int, tuple[frozenset[str], ...]] = {}
    for node, parent, scope, frames in _walk_with_scope(tree):
        if want_dicts and isinstance(node, ast.Dict):
            fact = _dict_literal(node, cols, discriminators, scope)
            if fact:
                dicts.append(fact)
        elif tokens and isinstance(node, (ast.Name, ast.Attribute)):
            if isinstance(parent, ast.Attribute) and parent.value is node:
                continue  # only the longest chain is a use
            chain = dotted(node)
            if chain is None or not tokens.intersection(chain.split(".")):
                continue
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                continue
            if frames is not None and _shadowed(chain.partition(".")[0], frames, bindings,
                                                scope_bindings):
                continue  # a parameter or local of an enclosing function, not the import
            is_call = isinstance(parent, ast.Call) and parent.func is node
            uses.append(NameUse(chain, cols.span(node), is_call))
    return dicts, uses


def _dict_literal(node: ast.Dict, cols: _Columns, discriminators: set[str],
                  scope: str | None) -> DictLiteralFact | None:
    keys: list[str] = []
    found: tuple[str, str] | None = None
    for k, v in zip(node.keys, node.values):
        if not (isinstance(k, ast.Constant) and isinstance(k.value, str)):
            return None  # `**spread` or a computed key: not a schema-shaped literal
        keys.append(k.value)
        if found is None and k.value in discriminators and isinstance(v, ast.Constant) and \
                isinstance(v.value, str):
            found = (k.value, v.value)
    if found is None:
        return None
    return DictLiteralFact(cols.span(node), tuple(keys), found[0], found[1], scope)


def interesting_tokens(imports: tuple[ImportFact, ...] | list[ImportFact],
                       options: ExtractOptions) -> frozenset[str]:
    """Names whose chains may be banned uses or legacy uses in this file.

    Banned: every component of a banned name, and the names imports bind to a path on
    the way to (or under) one. Legacy: only the names bound by imports whose binding
    reaches a proper prefix of a legacy path (`import a.b` binds `a`; `import a.b as m`
    and `from a import b` bind `a.b`), since a chain through any other binding either
    cannot reach a legacy path or goes through an import SSOT201 already reports. That
    is a set lookup per import, so a registry of hundreds of entries costs nothing here.
    A relative import cannot be resolved yet: its bound name counts when the name it
    imports is a component of such a prefix (an over-approximation).
    """
    if not options.banned and not options.legacy:
        return frozenset()
    tokens = set(options.banned_tokens())
    for imp in imports:
        if imp.level:
            continue
        target = imp.module if imp.name is None else f"{imp.module}.{imp.name}"
        for banned in options.banned:
            if banned == target or banned.startswith(target + ".") or target.startswith(banned + "."):
                tokens.add(imp.bound_name)
    if options.legacy:
        parents, components = options.legacy_parents()
        for imp in imports:
            if imp.name == "*":
                continue
            if imp.level:
                if (imp.name or imp.module.rpartition(".")[2]) in components:
                    tokens.add(imp.bound_name)
                continue
            if imp.name is None and imp.alias is None:
                bound = imp.module.partition(".")[0]  # `import a.b` binds `a`
            else:
                bound = imp.module if imp.name is None else f"{imp.module}.{imp.name}"
            if bound in parents:
                tokens.add(imp.bound_name)
    return frozenset(tokens)


def expression_plan(text: str, imports: list[ImportFact],
                    options: ExtractOptions) -> tuple[bool, frozenset[str]]:
    """Whether to collect dict literals, and which name tokens may start a banned use.

    Both parsers apply the same text pre-screen, so they agree on *what* is collected
    even for odd spellings the screen misses (e.g. a concatenated `"ty" "pe"` key).
    """
    dre = options.discriminator_re()
    # [perf] Each regex below is tried only when a substring it cannot match without is
    # present: `in` scans text several times faster than the regex engine, and on a large
    # tree these two scans of every file cost ~5% of a cold run. Same answers by
    # construction (the discriminator pattern needs the name followed by a quote).
    want_dicts = bool(dre and any(d + '"' in text or d + "'" in text
                                  for d in options.discriminators) and dre.search(text))
    tokens = interesting_tokens(imports, options)
    if tokens:
        if not any(t in text for t in tokens):
            tokens = frozenset()
        else:
            token_re = re.compile(
                r"\b(?:" + "|".join(re.escape(t) for t in sorted(tokens)) + r")\b")
            if not token_re.search(text):
                tokens = frozenset()
    return want_dicts, tokens


def assemble(path: str, text: str, digest: str, col: _Collector, dicts: list[DictLiteralFact],
             uses: list[NameUse], parser: str) -> FileFacts:
    return FileFacts(
        path=path, content_hash=digest, lines=line_count(text),
        imports=tuple(col.imports), classes=tuple(col.classes), functions=tuple(col.functions),
        constants=tuple(col.constants), all_names=col.all_names,
        dict_literals=tuple(sorted(dicts, key=lambda d: (d.span.line, d.span.column))),
        name_uses=tuple(sorted(uses, key=lambda u: (u.span.line, u.span.column))),
        suppressions=suppressions(text), parser=parser,
    )


def facts_from_ast(path: str, text: str, tree: ast.Module, digest: str,
                   options: ExtractOptions) -> FileFacts:
    cols = _Columns(text)
    col = _Collector(cols)
    col.run(tree)
    want_dicts, tokens = expression_plan(text, col.imports, options)
    dicts: list[DictLiteralFact] = []
    uses: list[NameUse] = []
    if want_dicts or tokens:
        dicts, uses = _expressions(tree, cols, want_dicts, set(options.discriminators), tokens)
    return assemble(path, text, digest, col, dicts, uses, "ast")


# libcst's native parser recurses on the C stack and, on a chain of nested calls or
# subscripts, takes time that grows much faster than linearly (about 36 s for 1,000
# nested calls, a crash at 2,000 nested parentheses). Its Python side then recurses once
# more per level to compute positions. So a file the host `ast` rejects is only handed
# to libcst when a cheap over-estimate of its expression depth stays well below that.
LIBCST_MAX_DEPTH = 300
# libcst needs about 25x the time of `ast.parse` and some 400 bytes of memory per source
# byte; past this size one fallback file would dominate a whole run's time and memory.
LIBCST_MAX_CHARS = 1024 * 1024
_DEPTH_TOKEN_RE = re.compile(
    r"(?P<nl>\r\n|\r|\n)"
    r"|[ \t\f]+|\\(?:\r\n|\r|\n)?|#[^\r\n]*"
    r"|(?P<str>(?:[rRbBuUfF]{1,2})?(?:"
    r"'''(?:[^\\]|\\.)*?(?:'''|\Z)"
    r'|"""(?:[^\\]|\\.)*?(?:"""|\Z)'
    r"|'(?:[^'\\\r\n]|\\.)*'?"
    r'|"(?:[^"\\\r\n]|\\.)*"?))'
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<num>\.?\d[\w.]*)"
    r"|(?P<open>[(\[{])"
    r"|(?P<close>[)\]}])"
    r"|(?P<sep>[,;])"
    r"|(?P<op>\*\*=?|//=?|<<=?|>>=?|->|:=|[-+*/%@&|^<>=!]=|[-+*/%@&|^~<>.])"
    r"|(?P<other>.)",
    re.DOTALL,
)
# Keywords that nest the expression after them inside a new node (`for`: each clause of
# a comprehension nests the next one in libcst).
_CHAIN_KEYWORDS = frozenset({"and", "or", "not", "if", "else", "lambda", "await", "in", "is",
                             "yield", "from", "for"})
# Hard keywords: a bracket after one of these opens a new atom, not a call or subscript.
_NOT_CALLABLE = _CHAIN_KEYWORDS | frozenset({
    "return", "del", "assert", "raise", "import", "as", "while", "with", "elif", "except",
    "global", "nonlocal", "pass", "break", "continue", "class", "def", "async", "try",
    "finally"})
_FSTRING_PREFIX = re.compile(r"[rRbBuU]?[fF]|[fF][rR]")


def expression_depth_estimate(text: str) -> int:
    """An upper-bound-minded estimate of how deeply libcst's tree for `text` nests.

    Every operator, dot, chaining keyword, adjacent string or trailer (`f()`, `a[0]`)
    adds one level to the bracket it appears in, until a comma or the end of the logical
    line starts a sibling; every open bracket adds two. Strings and comments are skipped
    so prose in docstrings does not count, except the inside of f-strings, whose
    replacement fields are code. An `elif` chain nests each branch in the previous one,
    so its longest run is added. Unbalanced input (half a 3.12 f-string, a syntax error)
    can only make the estimate coarser, never raise.
    """
    expression, elif_run = _estimate(text)
    return expression + elif_run


def _estimate(text: str) -> tuple[int, int]:
    levels = [0]  # chain length per open bracket; levels[0] is the statement itself
    # Deepest f-string replacement field seen in each open bracket. It keeps counting
    # after the string: a later operator nests the string deeper (`f"{a}" + 1` puts the
    # string under the `+`), and so does every operator applied to the closed bracket.
    inners = [0]
    total = best = 0
    prev = ""  # kind of the previous significant token, to spot trailers
    line_start = 0  # offset where the current logical line begins
    elif_runs: dict[int, int] = {}  # indentation -> `elif` branches chained so far
    best_elif = 0
    for m in _DEPTH_TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind is None:
            continue  # whitespace, comments, line continuations
        if kind == "nl":
            if len(levels) == 1:
                total -= levels[0]
                levels[0] = 0
                inners[0] = 0
                prev = ""
                line_start = m.end()
            continue
        word = m.group() if kind == "name" else ""
        if prev == "" and len(levels) == 1:  # the first token of a logical line
            indent = m.start() - line_start
            if word == "elif":
                run = elif_runs[indent] = elif_runs.get(indent, 0) + 1
                best_elif = max(best_elif, run)
            elif word != "else":
                # A new statement ends every chain at its indentation and deeper.
                elif_runs = {i: r for i, r in elif_runs.items() if i < indent}
        if kind == "open":
            if prev in ("name", "close", "str"):
                levels[-1] += 1
                total += 1
            levels.append(0)
            inners.append(0)
        elif kind == "close":
            if len(levels) > 1:
                total -= levels.pop()
                closed = inners.pop()
                inners[-1] = max(inners[-1], closed)
        elif kind == "sep":
            total -= levels[-1]
            levels[-1] = 0
        elif kind == "op" or (kind == "str" and prev == "str") or word in _CHAIN_KEYWORDS:
            levels[-1] += 1
            total += 1
        if kind == "str" and _FSTRING_PREFIX.match(m.group()):
            # The replacement fields of an f-string nest inside it (3.12 allows any depth).
            inner, inner_elif = _estimate(_string_body(m.group()))
            inners[-1] = max(inners[-1], inner + inner_elif)
        prev = "kw" if word in _NOT_CALLABLE else kind
        depth = total + 2 * (len(levels) - 1) + inners[-1]
        if depth > best:
            best = depth
    return best, best_elif


def _string_body(token: str) -> str:
    """The text between the quotes of a string token (which may lack its closing quote)."""
    start = next(i for i, ch in enumerate(token) if ch in "'\"")
    quote = token[start] * 3 if token[start:start + 3] in ("'''", '"""') else token[start]
    body = token[start + len(quote):]
    return body[:-len(quote)] if body.endswith(quote) else body


def _too_deep_for_libcst(text: str) -> bool:
    return expression_depth_estimate(text) > LIBCST_MAX_DEPTH


def _parse_quietly(text: str, path: str) -> ast.Module:
    # Invalid escapes like "\d" warn while parsing (a SyntaxWarning on 3.12+); those are
    # the analysed project's business and must not flood ssotcheck's stderr.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, filename=path)


_TOO_DEEP_MESSAGES = ("too many nested", "too many levels of indentation",
                      "too many statically nested")


def extract(path: str, data: bytes, options: ExtractOptions) -> FileFacts:
    """Never raises for bad input: problems become `FileFacts.error`."""
    digest = content_hash(data)
    text, err = decode_source(data)
    if err is not None or text is None:
        return FileFacts(path=path, content_hash=digest, lines=0, parser="none", error=err)
    try:
        tree = _parse_quietly(text, path)
    except SyntaxError as exc:
        return _after_syntax_error(path, text, digest, options, exc)
    except (RecursionError, MemoryError):
        return _failed(path, digest, text, ParseError(
            "too-deep", "expression nesting too deep for the Python parser"))
    except ValueError as exc:  # e.g. source code string cannot contain null bytes
        return _failed(path, digest, text, ParseError("syntax", str(exc)))
    try:
        return facts_from_ast(path, text, tree, digest, options)
    except RecursionError:
        return _failed(path, digest, text, ParseError("too-deep", "nesting too deep to analyse"))


def _after_syntax_error(path: str, text: str, digest: str, options: ExtractOptions,
                        exc: SyntaxError) -> FileFacts:
    """The host `ast` said no: give libcst a go unless the file is too deep for it."""
    msg = exc.msg or "invalid syntax"
    line = exc.lineno or 1
    if any(m in msg for m in _TOO_DEEP_MESSAGES):
        return _failed(path, digest, text, ParseError("too-deep", f"nesting too deep: {msg}",
                                                      line))
    if len(text) > LIBCST_MAX_CHARS:
        return _failed(path, digest, text, ParseError(
            "too-large", f"syntax error ({msg}) in a {len(text) // 1024} KB file; the fallback "
                         f"parser only reads files up to {LIBCST_MAX_CHARS // 1024} KB", line))
    if _too_deep_for_libcst(text):
        return _failed(path, digest, text, ParseError(
            "too-deep", f"syntax error ({msg}) in a file nested too deeply for the fallback "
                        f"parser", line))
    from ssotcheck.index.extract_cst import CstTooDeep, CstUnavailable, facts_from_cst

    try:
        return facts_from_cst(path, text, digest, options)
    except CstTooDeep:
        return _failed(path, digest, text, ParseError(
            "too-deep", f"nesting too deep for the fallback parser (Python said: {msg})", line))
    except CstUnavailable:
        pass
    except Exception as bug:  # a bug in the fallback must cost one file, not the run
        return _failed(path, digest, text, ParseError(
            "internal", f"ssotcheck failed on this file in its libcst fallback "
                        f"({type(bug).__name__}: {bug}); please report it", line))
    col = (exc.offset or 1) - 1  # SyntaxError.offset counts characters from 1
    return _failed(path, digest, text, ParseError("syntax", f"syntax error: {msg}", line,
                                                  max(col, 0)))


def _failed(path: str, digest: str, text: str, err: ParseError) -> FileFacts:
    return FileFacts(path=path, content_hash=digest, lines=line_count(text), parser="none",
                     error=err)
