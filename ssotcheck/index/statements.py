"""Statement-level facts, shared by both extractors.

`StatementCollector` walks an `ast` statement tree: the host parser's tree on the fast
path (`extract`), or the shallow statement tree `extract_cst` lowers libcst's tree to. So
import flags, class members, `__all__` handling and ordering cannot drift between the
two paths. Also here: the value helpers the collector applies, character columns, the
scope-shadowing test both expression walks use, and `assemble`, which builds FileFacts.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from typing import Any, Iterator, cast

from ssotcheck.index.options import touches
from ssotcheck.index.source import (
    class_code,
    copied_from,
    is_generated,
    line_count,
    namesake_owners,
    source_lines,
    suppressions,
)
from ssotcheck.model import (
    ABSENCE,
    FALLBACK,
    HARD,
    PROBE,
    ClassFact,
    DictLiteralFact,
    FileFacts,
    FunctionFact,
    ImportFact,
    MemberFact,
    NameUse,
    Span,
)

IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


# `try:` statements; `try/except*` (3.11+) has the same fields.
_TRY_NODES: tuple[type[ast.stmt], ...] = (
    (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,))


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


# pydantic `Field`, dataclasses `field`, attrs `attr.ib`/`attrib`: whether the call gives
# the field a default decides whether the field is required.
_FIELD_CALLS = frozenset({"Field", "field", "ib", "attrib"})
_DEFAULT_KEYWORDS = frozenset({"default", "default_factory", "factory"})


def _field_default(call: ast.Call) -> bool:
    if any(k.arg in _DEFAULT_KEYWORDS for k in call.keywords):
        return True
    first = call.args[0] if call.args else None
    # `Field(...)` spells "required" with an Ellipsis; `Field(None)` has a default.
    return first is not None and not (isinstance(first, ast.Constant) and first.value is ...)


_DEPRECATED = re.compile(r"^\W*(deprecated|obsolete)\b|\.\. deprecated::", re.IGNORECASE | re.M)


def says_deprecated(node: ast.ClassDef) -> bool:
    """The class docstring opens a line with "DEPRECATED" (or "obsolete"), or holds a
    Sphinx `.. deprecated::` directive: the class is a compatibility stub."""
    first = node.body[0] if node.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
            first.value.value, str):
        return bool(_DEPRECATED.search(first.value.value))
    return False


# Methods that build the object: a deprecation decorator on one of them deprecates the class.
_CONSTRUCTORS = frozenset({"__init__", "__new__"})


# A decorator whose name names one part of what it decorates deprecates only that part:
# `@deprecate_arg("x")`, `@deprecate_kwarg`, `@deprecated_param` on transformers' and
# qiskit's `__init__`s warn about one argument, and the class is as alive as before.
_DEPRECATED_PARTS = frozenset({
    "arg", "args", "argument", "arguments", "kwarg", "kwargs", "param", "params",
    "parameter", "parameters", "option", "options", "keyword", "keywords", "positional",
    "dims", "alias", "aliases", "attribute", "attr", "message", "docstring",
    # helpers around deprecations, not deprecations: `@ignore_..._deprecation_warnings`
    "ignore", "mock", "warnings", "is",
})
_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def deprecates(decorator: str) -> bool:
    """A decorator (dotted name, callee of a call) whose name says it deprecates what it
    decorates as a whole: `@deprecated(...)`, `@deprecation.deprecated`,
    `@deprecate_func(since="1.3")`, `@deprecated_class`, and not `@deprecate_arg`."""
    last = decorator.rsplit(".", 1)[-1]
    if "deprecat" not in last.lower():
        return False
    return not any(w.lower() in _DEPRECATED_PARTS for w in _NAME_WORDS.findall(last))


def deprecating(decorators: list[ast.expr]) -> bool:
    """On a class's `__init__` or `__new__`, a decorator that deprecates it (`deprecates`)
    makes every use of the class warn, as qiskit's `@deprecate_func` on
    `PulseDefaults.__init__` does, so the class is on its way out."""
    for d in decorators:
        name = dotted(d)  # a call's callee: `dotted` reads through `(...)`
        if name and deprecates(name):
            return True
    return False


def deprecation_warning(stmt: ast.stmt) -> bool:
    """A module-level `warnings.warn(...)` whose message (a positional string) says
    "deprecated", or whose category (positional) is a `...DeprecationWarning`, or a
    module-level call of a function whose name says it deprecates (`deprecates`): importing
    the module warns that it is kept only for old imports (scrapy's
    `spidermiddlewares/offsite.py`), so its classes are stubs. Positional arguments only:
    both extractors see those the same way."""
    if not isinstance(stmt, ast.Expr) or not isinstance(stmt.value, ast.Call):
        return False
    call = stmt.value
    func = dotted(call.func)
    if func and deprecates(func):
        # The project's own helper, called on the module itself: diffusers'
        # `deprecate("diffusers.utils.testing_utils", "1.0.0", "... is deprecated ...")`.
        return True
    if not func or func.rsplit(".", 1)[-1] != "warn":
        return False
    for arg in call.args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            if "deprecat" in arg.value.lower():
                return True
            continue
        category = dotted(arg)
        if category and category.rsplit(".", 1)[-1].endswith("DeprecationWarning"):
            return True
    return False


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
        if d and d.rsplit(".", 1)[-1] in _FIELD_CALLS and _field_default(node):
            return f"{d}(default)"  # a schema field with a default: not required
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


# Spellings of one type (`typing.List[str]` and `list[str]`): compared by their builtin name.
_TYPE_ALIASES = {"List": "list", "Dict": "dict", "Set": "set", "FrozenSet": "frozenset",
                 "Tuple": "tuple", "Type": "type", "Text": "str", "DefaultDict": "defaultdict"}
# Wrappers that say how a field is declared, not what it holds (requiredness is compared
# on its own; `Annotated`'s metadata is a validator's business).
_TYPE_WRAPPERS = frozenset({"Required", "NotRequired", "ReadOnly", "Final", "Annotated"})
# Types that say nothing to compare: a field typed `Any` fits any copy's type.
_UNKNOWN_TYPES = frozenset({"Any", "object"})
# Annotations nested deeper than this (quoted forward references included) are not told.
_TYPE_DEPTH = 8


def annotation_type(ann: ast.AST | None, depth: int = 0) -> str | None:
    """A field annotation as one spelling of its type, so that two schemas' fields can be
    compared: dotted names by their last part, `typing` aliases by the builtin
    (`List` -> `list`), `Optional[X]`, `Union[X, Y]` and `X | Y` as a sorted union, quoted
    forward references parsed, wrappers (`NotRequired[X]`, `Annotated[X, ...]`) dropped.
    None when it cannot be told (a call, a `Any`, anything unusual): not compared."""
    if ann is None or depth > _TYPE_DEPTH:
        return None
    if isinstance(ann, ast.Constant):
        if ann.value is None:
            return "None"
        quoted = _quoted(ann)
        return None if quoted is None else annotation_type(quoted, depth + 1)
    if isinstance(ann, (ast.Name, ast.Attribute)):
        name = (dotted(ann) or "").rpartition(".")[2]
        return None if not name or name in _UNKNOWN_TYPES else _TYPE_ALIASES.get(name, name)
    members = _union_members(ann, depth)
    if members is not None:
        # `None` last, as people write it.
        return " | ".join(sorted(members, key=lambda t: (t == "None", t)))
    if not isinstance(ann, ast.Subscript):
        return None
    head, args = _subscript(ann, depth)
    if head is None or not args:
        return None
    if head in _TYPE_WRAPPERS:
        return annotation_type(args[0], depth + 1)
    if head == "Literal":
        values = [a.value for a in args if isinstance(a, ast.Constant)]
        if len(values) != len(args):
            return None
        return f"Literal[{', '.join(sorted(map(repr, values)))}]"
    held = [annotation_type(a, depth + 1) for a in args]
    if any(t is None for t in held):
        return None
    return f"{head}[{', '.join(cast(list[str], held))}]"


def _quoted(ann: ast.Constant) -> ast.expr | None:
    """A forward reference's annotation (`"list[Item]"`), or None."""
    if not isinstance(ann.value, str):
        return None
    try:
        return ast.parse(ann.value.strip(), mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def _subscript(ann: ast.Subscript, depth: int) -> tuple[str | None, list[ast.expr]]:
    """The spelling of a subscript's head (`Optional`, `list`) and its arguments."""
    args = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
    return annotation_type(ann.value, depth + 1), args


def _union_members(ann: ast.AST, depth: int) -> set[str] | None:
    """The members of `ann` as a union (`X | Y`, `Optional[X]`, `Union[X, Y]`, unions of
    unions, quoted ones), taken from the tree, since a member's own spelling may hold
    ` | ` (`list[int | None]`); None when `ann` is no union or a member cannot be told."""
    if depth > _TYPE_DEPTH:
        return None
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
        parts: list[ast.expr] = [ann.left, ann.right]
        found: set[str] = set()
    elif isinstance(ann, ast.Subscript):
        head, args = _subscript(ann, depth)
        if head not in ("Optional", "Union") or not args:
            return None
        parts, found = (args[:1], {"None"}) if head == "Optional" else (args, set())
    else:
        return None
    for part in parts:
        quoted = _quoted(part) if isinstance(part, ast.Constant) else None
        inner = _union_members(quoted if quoted is not None else part, depth + 1)
        if inner is None:
            one = annotation_type(part, depth + 1)
            if one is None:
                return None
            inner = {one}
        found |= inner
    return found


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


# The import contexts of `ImportFact.guard`, weakest first (see `stronger`).
_GUARD_RANK = {"": 0, HARD: 1, PROBE: 2, FALLBACK: 3, ABSENCE: 4}
# `pytest.raises(...)`, `self.assertRaises(...)`, `self.assertRaisesRegex(...)`
_RAISES_CALLS = frozenset({"raises", "assertRaises", "assertRaisesRegex", "assertRaisesRegexp"})
# What a failing import raises, and what `pytest.importorskip` raises when it skips.
_ABSENCE_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "skip.Exception",
                             "Skipped"})


def stronger(a: str, b: str) -> str:
    return a if _GUARD_RANK[a] >= _GUARD_RANK[b] else b


def _error_names(node: ast.AST) -> list[str]:
    types = node.elts if isinstance(node, ast.Tuple) else [node]
    return [d for d in (dotted(t) if isinstance(t, (ast.Name, ast.Attribute)) else None
                        for t in types) if d]


def is_absence_assertion(expr: ast.AST) -> bool:
    """`pytest.raises(ImportError)`, `self.assertRaises(ModuleNotFoundError)`,
    `raises((ImportError, AttributeError), match=...)`, `pytest.raises(pytest.skip.Exception)`:
    a block whose imports are expected to fail."""
    if not isinstance(expr, ast.Call) or not expr.args:
        return False
    func = dotted(expr.func) if isinstance(expr.func, (ast.Name, ast.Attribute)) else None
    if func is None or func.rsplit(".", 1)[-1] not in _RAISES_CALLS:
        return False
    return any(name.endswith(err) and (name == err or name.endswith("." + err))
               for name in _error_names(expr.args[0]) for err in _ABSENCE_ERRORS)


def _walk_body(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement in these statements, nested blocks included, but not the bodies
    of nested functions and classes."""
    stack = list(body)
    while stack:
        stmt = stack.pop()
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for name in ("body", "orelse", "finalbody"):
            stack.extend(getattr(stmt, name, ()))
        for h in getattr(stmt, "handlers", ()):
            stack.extend(h.body)
        for case in getattr(stmt, "cases", ()):
            stack.extend(case.body)


def _import_names(body: list[ast.stmt]) -> set[str]:
    """The names the imports in these statements bind."""
    names: set[str] = set()
    for stmt in _walk_body(body):
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for alias in stmt.names:
                bound = alias.asname or alias.name
                names.add(bound if isinstance(stmt, ast.ImportFrom) else bound.split(".")[0])
    return names


def _assigned_names(body: list[ast.stmt]) -> set[str]:
    return {t.id for stmt in _walk_body(body) if isinstance(stmt, ast.Assign)
            for t in stmt.targets if isinstance(t, ast.Name)}


def _is_fallback(body_names: set[str], handler: list[ast.stmt]) -> bool:
    """The handler imports an alternative for a name the `try:` body imports: the same
    name (`import psycopg2 as Database`), or one it then binds to that name (`from
    functools import lru_cache` + `cache = lru_cache(...)`). An unrelated import in a
    broad handler (`except Exception: import traceback`) is no fallback."""
    imported = _import_names(handler)
    if not imported:
        return False
    return bool((imported | _assigned_names(handler)) & body_names)


# Calls that record, fail, skip or log (by the callee's last name): `pytest.fail(...)`,
# `self.fail(...)`, `violations.append(...)`, `logger.warning(...)`, `print(...)`.
_RECORDING_CALLS = frozenset({
    "fail", "skip", "xfail", "append", "add", "extend", "record", "report", "print", "warn",
    "warning", "error", "exception", "info", "debug", "critical", "log"})


def _records(stmt: ast.stmt) -> bool:
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    func = stmt.value.func
    name = dotted(func) if isinstance(func, (ast.Name, ast.Attribute)) else None
    return name is not None and name.rsplit(".", 1)[-1] in _RECORDING_CALLS


def _only_records(body: list[ast.stmt]) -> bool:
    """Every statement just passes, records, fails or logs (`pass`, a docstring or `...`,
    continue/break, or a call `_records` accepts)."""
    for stmt in body:
        if isinstance(stmt, (ast.Pass, ast.Continue, ast.Break)):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        if not _records(stmt):
            return False
    return True


def _calls(body: list[ast.stmt]) -> bool:
    return any(_records(s) for s in body)


def try_guard(stmt: ast.Try) -> str:
    """What a `try:` says about the imports in it (see `ImportFact.guard`), "" when no
    handler catches ImportError."""
    if not handler_catches_import_error(stmt.handlers):
        return ""
    body_names = _import_names(stmt.body)
    if any(_is_fallback(body_names, h.body) for h in stmt.handlers):
        return FALLBACK
    if all(_only_records(h.body) for h in stmt.handlers) and (
            any(_calls(h.body) for h in stmt.handlers)
            or _calls(stmt.body) or _calls(stmt.orelse)):
        # `except ImportError: pytest.fail(...)`, or `except ImportError: pass` after a
        # body / else that records the import succeeding (`violations.append(...)`)
        return PROBE
    return HARD


class Columns:
    """ast columns are UTF-8 byte offsets; facts use character offsets (as libcst does)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: list[str] | None = None
        self.ascii = text.isascii()

    def char(self, line: int, byte_col: int) -> int:
        if self.ascii or byte_col <= 0:
            return byte_col
        if self._lines is None:
            # A file saved with old Mac endings (\r) maps right too.
            self._lines = source_lines(self._text)
        if line - 1 >= len(self._lines):
            return byte_col
        raw = self._lines[line - 1].encode("utf-8")
        return len(raw[:byte_col].decode("utf-8", errors="ignore"))

    def span(self, node: ast.AST) -> Span:
        n = cast(Any, node)
        line = n.lineno
        end_line = n.end_lineno or line
        end_col = n.end_col_offset or 0
        if self.ascii:  # [perf] byte and character columns agree: most files of real code
            return Span(line, n.col_offset, end_line, end_col)
        return Span(line, self.char(line, n.col_offset), end_line, self.char(end_line, end_col))


# One body on `StatementCollector`'s walk stack: (statements, in_function, type_checking, guard,
# in_main_guard, module_level, class_prefix). The flags hold for every statement of the
# body and are inherited by the bodies nested in it. `guard` is (ImportFact.in_try,
# ImportFact.guard).
_Guard = tuple[bool, str]
_Frame = tuple[Iterator[ast.stmt], bool, bool, _Guard, bool, bool, str]
_NO_GUARD: _Guard = (False, "")


# Statements `StatementCollector._stmt` records nothing for and has no body to descend into,
# and those it reads at module level only.
_IGNORED = frozenset({ast.Return, ast.Raise, ast.Pass, ast.Break, ast.Continue, ast.Delete,
                      ast.Assert, ast.Nonlocal})
_MODULE_LEVEL_ONLY = frozenset({ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr})
_ASSIGNS = frozenset({ast.Assign, ast.AnnAssign, ast.AugAssign})
_LOOPS = frozenset({ast.For, ast.AsyncFor, ast.While})
_MATCH: type | None = getattr(ast, "Match", None)
# Compound statements other than def and class.
_BLOCKS = frozenset({ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith,
                     *_TRY_NODES, *((_MATCH,) if _MATCH is not None else ())})


class StatementCollector:
    def __init__(self, cols: Columns) -> None:
        self.cols = cols
        self.imports: list[ImportFact] = []
        self.classes: list[ClassFact] = []
        self.functions: list[FunctionFact] = []
        self.constants: list[str] = []
        self.aliases: list[tuple[str, str]] = []
        self.all_names: tuple[str, ...] | None = None
        self.all_line = 0  # the first `__all__` assignment's line
        self._all_unknown = False  # `__all__` was once assigned a value that is no literal
        self.global_names: list[str] = []  # declared `global` in a function
        self.dynamic_names = False  # see `dynamic_statement`
        self.attribute_assigns: list[str] = []  # module-level `name.attr = ...` targets
        self.deprecated_module = False  # see `deprecation_warning`
        self.script_entry = False  # a module-level `if __name__ == "__main__":`
        self._keywords: list[int] | None = None  # see `run`

    # Statement walk: an explicit stack instead of recursion keeps deep files safe. Each
    # entry is an iterator over one body, so statements are visited in source order
    # (which `__all__ += [...]` and every ordered fact depend on).
    def run(self, module: ast.Module, keyword_lines: list[int] | None = None) -> None:
        """`keyword_lines`: `options.keyword_lines` of the text, to skip the nested bodies
        that cannot hold an import, class or `global` (None: walk every body)."""
        self._keywords = keyword_lines
        # In the module's own body only: a warning under an `if` or `except` is a condition.
        self.deprecated_module = any(type(s) is ast.Expr and deprecation_warning(s)
                                     for s in module.body)
        stack: list[_Frame] = [(iter(module.body), False, False, _NO_GUARD, False, True, "")]
        while stack:
            body, in_func, tc, in_try, main, top, prefix = stack[-1]
            depth = len(stack)
            for stmt in body:
                kind = type(stmt)
                if kind in _IGNORED or (not top and kind in _MODULE_LEVEL_ONLY):
                    continue  # [perf] what `_stmt` would fall through on, without its tests
                if not top and kind in _BLOCKS and not self._may_nest([stmt]):
                    continue  # an if/for/try/with/match below module level: as `_may_nest`
                self._stmt(stmt, in_func, tc, in_try, main, top, prefix, stack)
                if len(stack) != depth:
                    # `_stmt` pushed sub-bodies (last-first) above this body's iterator:
                    # walk them before the statement that follows; this loop resumes later.
                    break
            else:
                stack.pop()

    def _stmt(self, stmt: ast.stmt, in_func: bool, tc: bool, in_try: _Guard, main: bool,
              top: bool, prefix: str, stack: list[_Frame]) -> None:
        # [perf] Dispatch on the exact node type (both extractors build plain `ast` nodes),
        # most frequent first: a chain of isinstance tests was a tenth of the walk.
        kind = type(stmt)
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            fn = cast(ast.FunctionDef, stmt)
            if top:
                self.functions.append(FunctionFact(
                    fn.name, fn.lineno, kind is ast.AsyncFunctionDef,
                    tuple(d for d in (dotted(x) for x in fn.decorator_list) if d)))
            if self._may_nest(fn.body):
                stack.append((iter(fn.body), True, tc, in_try, main, False,
                              f"{prefix}{fn.name}.<locals>."))
        elif kind is ast.Import or kind is ast.ImportFrom:
            self._import(cast("ast.Import | ast.ImportFrom", stmt), in_func, tc, in_try, main)
        elif kind is ast.ClassDef:
            cls = cast(ast.ClassDef, stmt)
            self.classes.append(self._class(cls, prefix, nested=in_func or bool(prefix)))
            if self._may_nest(cls.body):
                stack.append((iter(cls.body), in_func, tc, in_try, main, False,
                              f"{prefix}{cls.name}."))
        elif kind in _ASSIGNS:
            if top:
                self._module_assign(cast("ast.Assign | ast.AnnAssign | ast.AugAssign", stmt))
                if not self.dynamic_names:
                    self.dynamic_names = dynamic_statement(stmt)
        elif kind is ast.Expr:
            if top and not self.dynamic_names:
                self.dynamic_names = dynamic_statement(stmt)
        elif kind is ast.If:
            test = cast(ast.If, stmt)
            is_tc = tc or is_type_checking_test(test.test)
            # The guard is recognised in module scope only (`top`: also inside a module-level
            # if/try/with ...), where `__name__` is the module's own name. Its `else:` /
            # `elif` runs on a plain import, so the orelse keeps the outer flag.
            is_main = main or (top and is_main_guard_test(test.test))
            self.script_entry = self.script_entry or is_main
            stack.append((iter(test.orelse), in_func, tc, in_try, main, top, prefix))
            stack.append((iter(test.body), in_func, is_tc, in_try, is_main, top, prefix))
        elif kind in _TRY_NODES:
            block = cast(ast.Try, stmt)  # TryStar has the same fields
            shim = (in_try[0] or handler_catches_import_error(block.handlers),
                    stronger(in_try[1], try_guard(block)))
            stack.append((iter(block.finalbody), in_func, tc, in_try, main, top, prefix))
            stack.append((iter(block.orelse), in_func, tc, in_try, main, top, prefix))
            for h in reversed(block.handlers):
                stack.append((iter(h.body), in_func, tc, shim, main, top, prefix))
            stack.append((iter(block.body), in_func, tc, shim, main, top, prefix))
        elif kind in _LOOPS:
            loop = cast(ast.For, stmt)
            stack.append((iter(loop.orelse), in_func, tc, in_try, main, top, prefix))
            stack.append((iter(loop.body), in_func, tc, in_try, main, top, prefix))
        elif kind is ast.With or kind is ast.AsyncWith:
            with_ = cast(ast.With, stmt)
            guard = in_try
            if any(is_absence_assertion(item.context_expr) for item in with_.items):
                guard = (in_try[0], ABSENCE)
            stack.append((iter(with_.body), in_func, tc, guard, main, top, prefix))
        elif kind is _MATCH:
            for case in reversed(stmt.cases):  # type: ignore[attr-defined]
                stack.append((iter(case.body), in_func, tc, in_try, main, top, prefix))
        elif kind is ast.Global:
            self.global_names.extend(cast(ast.Global, stmt).names)

    def _may_nest(self, body: list[ast.stmt]) -> bool:
        """Whether a def or class body (walked below module level, where only imports,
        classes and `global` count) may hold one of those: its lines hold their keyword."""
        if not body:
            return False
        kw = self._keywords
        if kw is None:
            return True
        last = body[-1]
        return touches(kw, body[0].lineno, last.end_lineno or last.lineno)

    def _import(self, stmt: ast.Import | ast.ImportFrom, in_func: bool, tc: bool,
                context: _Guard, main: bool) -> None:
        stmt_span = self.cols.span(stmt)
        in_try, guard = context
        for alias in stmt.names:
            span = self.cols.span(alias) if hasattr(alias, "lineno") else stmt_span
            if isinstance(stmt, ast.Import):
                fact = ImportFact(alias.name, None, alias.asname, 0, span, stmt_span,
                                  in_func, tc, in_try, main, guard)
            else:
                fact = ImportFact(stmt.module or "", alias.name, alias.asname, stmt.level or 0,
                                  span, stmt_span, in_func, tc, in_try, main, guard)
            self.imports.append(fact)

    def _module_assign(self, stmt: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if not isinstance(stmt, ast.AugAssign) and stmt.value is not None:
            # `Base = SSotBaseTestCase`, `Base = x.Base`, `A = B = C`: an alias per name
            value = normalise_value(stmt.value)
            for t in targets:
                if isinstance(t, ast.Name) and value is not None:
                    self.aliases.append((t.id, value))
        for t in targets:
            names = t.elts if isinstance(t, (ast.Tuple, ast.List)) else [t]
            for n in names:
                if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name):
                    # `base.dialect = ...`: sets a name in the module `base` may be.
                    self.attribute_assigns.append(f"{n.value.id}.{n.attr}")
                elif isinstance(n, ast.Name):
                    self.constants.append(n.id)
                    if n.id == "__all__" and stmt.value is not None:
                        self.all_line = self.all_line or stmt.lineno
                        self._all(stmt.value, isinstance(stmt, ast.AugAssign))

    def _all(self, value: ast.AST, augment: bool) -> None:
        if isinstance(value, (ast.List, ast.Tuple)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
        ):
            if augment and self._all_unknown:
                return  # `__all__ = a + b` then `__all__ += [...]`: still not all known
            names = tuple(e.value for e in value.elts)  # type: ignore[attr-defined]
            self.all_names = (self.all_names or ()) + names if augment else names
            self._all_unknown = False
        else:
            # Not a literal: what it lists is unknown, whatever is added to it later.
            self.all_names = None
            self._all_unknown = True

    def _class(self, node: ast.ClassDef, prefix: str, nested: bool) -> ClassFact:
        members: list[MemberFact] = []
        deprecated = says_deprecated(node)
        for stmt in _class_body(node.body):
            kind = type(stmt)  # [perf] exact types, as in `_stmt`
            if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                fn = cast(ast.FunctionDef, stmt)
                members.append(MemberFact(fn.name, "method", stmt.lineno,
                                          is_async=kind is ast.AsyncFunctionDef))
                if not deprecated and fn.decorator_list and fn.name in _CONSTRUCTORS:
                    deprecated = deprecating(fn.decorator_list)
            elif kind is ast.Assign:
                value = normalise_value(cast(ast.Assign, stmt).value)
                for t in cast(ast.Assign, stmt).targets:
                    if type(t) is ast.Name:
                        members.append(MemberFact(t.id, "assign", stmt.lineno, value))
            elif kind is ast.AnnAssign:
                ann = cast(ast.AnnAssign, stmt)
                if type(ann.target) is ast.Name:
                    members.append(MemberFact(
                        ann.target.id, "field", stmt.lineno,
                        normalise_value(ann.value), annotation_head(ann.annotation),
                        literal_strings(ann.annotation),
                        type=annotation_type(ann.annotation)))
            elif kind is ast.ClassDef:
                members.append(MemberFact(cast(ast.ClassDef, stmt).name, "class", stmt.lineno))
        bases = tuple(d for d in (dotted(b) for b in node.bases) if d)
        keywords = tuple((k.arg, normalise_value(k.value) or "") for k in node.keywords if k.arg)
        decorators = tuple(d for d in (dotted(x) for x in node.decorator_list) if d)
        return ClassFact(node.name, prefix.replace(".<locals>", "") + node.name,
                         self.cols.span(node), bases, keywords, decorators, tuple(members), nested,
                         deprecated)


_TRY = (ast.Try, getattr(ast, "TryStar", ast.Try))


def _class_body(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """A class body's statements, those under an `if` (both branches) or a `try` (every
    part) included: a member declared under `if TYPE_CHECKING:` or a feature flag
    (open-webui's pgvector `DocumentChunk`, whose `text` and `vmetadata` columns depend on
    `PGVECTOR_PGCRYPTO`), or bound in `try:` with a fallback in `except ImportError:`, is
    a member of the class whichever branch runs."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            yield from _class_body(stmt.body)
            yield from _class_body(stmt.orelse)
        elif isinstance(stmt, _TRY):
            yield from _class_body(stmt.body)
            for handler in stmt.handlers:
                yield from _class_body(handler.body)
            yield from _class_body(stmt.orelse)
            yield from _class_body(stmt.finalbody)
        else:
            yield stmt


_NAMESPACE_CALLS = frozenset({"globals", "vars", "locals"})


def _namespace_call(node: ast.AST) -> bool:
    """`globals()`, `vars()` or `locals()` (at module level, the module's namespace)."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in _NAMESPACE_CALLS and not node.args and not node.keywords)


def _sys_modules(node: ast.AST) -> bool:
    """`sys.modules[...]`."""
    return isinstance(node, ast.Subscript) and dotted(node.value) == "sys.modules"


def dynamic_statement(stmt: ast.stmt) -> bool:
    """Whether a module-level statement binds names no static reading can list:
    `globals()[k] = v`, `globals().update(...)`, `vars()[k] = v`, a namespace handed to a
    call (`exec(src, globals())`, `_install(locals())`), `exec(...)`, `sys.modules[...]`
    replaced or changed (`sys.modules[__name__] = ...`, `setattr(sys.modules[...], ...)`)."""
    if isinstance(stmt, ast.Expr):
        call = stmt.value
        if not isinstance(call, ast.Call):
            return False
        func = call.func
        if isinstance(func, ast.Attribute):
            return _namespace_call(func.value) or _sys_modules(func.value) or (
                isinstance(func.value, ast.Attribute) and _sys_modules(func.value.value))
        if isinstance(func, ast.Name) and func.id == "exec":
            return True
        return any(_namespace_call(a) or _sys_modules(a) for a in call.args)
    targets = stmt.targets if isinstance(stmt, ast.Assign) else \
        [stmt.target] if isinstance(stmt, (ast.AugAssign, ast.AnnAssign)) else []
    for t in targets:
        if isinstance(t, ast.Subscript) and (_namespace_call(t.value) or _sys_modules(t)
                                             or _sys_modules(t.value)):
            return True
        if isinstance(t, ast.Attribute) and _sys_modules(t.value):
            return True
    return False


def shadowed(head: str, frames: Any, bindings: dict[int, tuple[frozenset[str], ...]],
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


def _top_level(c: ClassFact, owners: tuple[str, ...], lines: list[str]) -> ClassFact:
    """A top-level class with what is read from the text around it: the names it may reach
    its namesake through, and its code (for two or more members)."""
    if len(c.members) < 2:
        return replace(c, namesake_owners=owners) if owners else c
    counts, sketch = class_code(lines, [(m.name, m.line) for m in c.members], c.span.end_line)
    return replace(c, namesake_owners=owners, member_code=counts, code_sketch=sketch)


def assemble(path: str, text: str, digest: str, col: StatementCollector, dicts: list[DictLiteralFact],
             uses: list[NameUse], parser: str) -> FileFacts:
    classes = tuple(col.classes)
    if col.deprecated_module:
        # A module that warns it is deprecated when imported holds stubs only.
        classes = tuple(c if c.deprecated else replace(c, deprecated=True) for c in classes)
    markers = copied_from(text)
    if markers:
        classes = tuple(replace(c, copied_from=markers[c.span.line])
                        if c.span.line in markers else c for c in classes)
    # Top-level classes only: SSOT103 leaves nested classes out, and a nested name like
    # `Meta` recurs in every model of a module.
    # Owners once per name: a module may define a name twice (a fallback under `try:`).
    owners = {c.name: namesake_owners(text, c.name) for c in classes if not c.nested}
    if owners:
        lines = source_lines(text)
        classes = tuple(c if c.nested else _top_level(c, owners[c.name], lines) for c in classes)
    return FileFacts(
        path=path, content_hash=digest, lines=line_count(text),
        imports=tuple(col.imports), classes=classes, functions=tuple(col.functions),
        constants=tuple(col.constants), all_names=col.all_names, all_line=col.all_line,
        dynamic_names=col.dynamic_names, global_names=tuple(sorted(set(col.global_names))),
        attribute_assigns=tuple(sorted(set(col.attribute_assigns))), aliases=tuple(col.aliases),
        dict_literals=tuple(sorted(dicts, key=lambda d: (d.span.line, d.span.column))),
        name_uses=tuple(sorted(uses, key=lambda u: (u.span.line, u.span.column))),
        suppressions=suppressions(text), generated=is_generated(text),
        script_entry=col.script_entry, parser=parser,
    )
