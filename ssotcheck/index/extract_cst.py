"""libcst fallback extractor: the parser of record for files the host `ast` rejects.

It must produce exactly the FileFacts that `extract.facts_from_ast` produces for the same
source (tests/test_parser_parity.py holds both paths to that), so it shares as much of
the ast path as it can instead of re-implementing it:

* Statements. The libcst tree is lowered to a *shallow* `ast` statement tree: the
  statement kinds `StatementCollector` looks at, carrying libcst's positions (already character
  offsets, as facts want). `StatementCollector` then runs on it unchanged, so import flags,
  class members, `__all__` handling and ordering cannot drift between the two paths.
* Values (bases, decorators, annotations, assigned values, `if` tests ...). Each is
  re-parsed from its own source text with the host `ast` (a sub-expression usually
  parses even when the file as a whole does not), so the ast helpers see exactly what
  they see on the fast path. When that fails (the expression itself holds 3.12-only
  syntax) a small libcst -> ast converter builds the few node kinds the helpers inspect.
* Dict literals and banned-name uses need every expression with its position and parent,
  so they come from an iterative walk of the libcst tree that mirrors `_expressions`,
  including what `ast` does *not* model as a `Name` (definition names, keyword argument
  names, attribute names, `except ... as e`, match-pattern captures).

This module imports libcst at the top on purpose: `extract` imports this module only
when it needs the fallback, so a run over valid code never pays libcst's import cost.
"""

from __future__ import annotations

import ast
import difflib
import re
import sys
import warnings
from dataclasses import replace
from typing import Any, Iterator, Mapping, Sequence, cast

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

from ssotcheck.index.options import (ExtractOptions, candidate_lines, expression_plan,
                                     keyword_lines, touches)
from ssotcheck.index.source import NEWLINE_RE
from ssotcheck.index.statements import Columns, StatementCollector, assemble, shadowed
from ssotcheck.model import DictLiteralFact, FileFacts, NameUse, Span

# libcst's position pass and code generation recurse in Python a few frames per tree
# level. `extract` only hands over files whose estimated depth is at most
# LIBCST_MAX_DEPTH (300), which needs more than the default limit of 1,000 frames but
# stays far from the C stack's limit.
_RECURSION_LIMIT = 20_000


class CstUnavailable(Exception):
    """libcst could not parse the source either; the caller reports the ast error."""


class CstTooDeep(CstUnavailable):
    """libcst parsed the source but the tree is too deep to walk safely."""


def facts_from_cst(path: str, text: str, digest: str, options: ExtractOptions, *,
                   reparse: bool = True) -> FileFacts:
    """FileFacts for `text` through libcst; `parser="libcst"`.

    `reparse=False` skips re-parsing sub-expressions with the host `ast` and always uses
    the libcst -> ast converter, so tests can hold the converter to the same facts.
    """
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
    try:
        # Invalid escapes in the analysed code warn when literals are evaluated; they
        # are the project's business, not noise for ssotcheck's stderr.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                module = cst.parse_module(text)
            except RecursionError as exc:
                raise CstTooDeep("too deep for libcst's parser") from exc
            except Exception as exc:  # ParserSyntaxError, and whatever else the native parser raises
                raise CstUnavailable(str(exc)) from exc
            try:
                positions = _source_positions(
                    MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider),
                    module, text)
                return _CstExtractor(module, positions, text, reparse).facts(
                    path, text, digest, options)
            except RecursionError as exc:
                raise CstTooDeep("too deep to walk the libcst tree") from exc
    finally:
        sys.setrecursionlimit(old_limit)


class _ShiftedPositions:
    """libcst's positions with their lines moved to the source's (`_source_positions`)."""

    def __init__(self, positions: Mapping[cst.CSTNode, CodeRange], lines: Sequence[int]
                 ) -> None:
        self.positions, self.lines = positions, lines

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        r = self.positions[node]
        return CodeRange(CodePosition(self._line(r.start.line), r.start.column),
                         CodePosition(self._line(r.end.line), r.end.column))

    def _line(self, line: int) -> int:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else line


def _source_positions(positions: Mapping[cst.CSTNode, CodeRange], module: cst.Module,
                      text: str) -> Mapping[cst.CSTNode, CodeRange] | _ShiftedPositions:
    """Positions whose lines are the source's own.

    libcst numbers lines in the code it generates back from its tree, and that code is the
    source except where libcst's tokenizer loses something: a line holding only a
    backslash continuation at the start of a statement (`\\` alone, then `    3`)
    vanishes, and every line after it would be reported one too early (libcst 1.9;
    `ast` numbers them right). Each generated line is matched to the source line it
    came from; a line libcst changed takes the offset of the nearest matched line above.

    Generating the code again costs a tenth of the fallback's time (530 files of
    homeassistant that Python 3.11 cannot parse: 4.4 s of 58 s), so it is done only when
    the module ends on another line than the source does: a lost line shows there."""
    breaks = len(NEWLINE_RE.findall(text))
    # libcst ends a module on the line after its last line break, and adds one of its own
    # to a source that does not end with one.
    ends = breaks + (1 if not text or text.endswith(("\n", "\r")) else 2)
    if positions[module].end.line == ends:
        return positions
    generated = module.code
    if generated == text:
        return positions
    mine, theirs = NEWLINE_RE.split(generated), NEWLINE_RE.split(text)
    offsets = [0] * len(mine)
    blocks = difflib.SequenceMatcher(None, mine, theirs, autojunk=False).get_matching_blocks()
    # Each block's offset holds from its first line down to the next block's: a line
    # libcst changed, below a block, moves as the lines above it did.
    for block, after in zip(blocks, blocks[1:]):
        offsets[block.a:after.a] = [block.b - block.a] * (after.a - block.a)
    return _ShiftedPositions(positions, [k + 1 + offsets[k] for k in range(len(mine))])


# ------------------------------------------------------------ libcst -> ast values

_SINGLETONS = {"True": True, "False": False, "None": None}
_UNARY = {cst.Minus: ast.USub, cst.Plus: ast.UAdd, cst.BitInvert: ast.Invert, cst.Not: ast.Not}


def _opaque() -> ast.expr:
    """Stands for any expression the ast helpers only ever call "<expr>"."""
    return ast.expr()


def _literal(node: cst.BaseExpression) -> Any:
    """The value of a literal node, or `_NO_VALUE` when it has none (an f-string part,
    a number Python refuses such as a 5,000-digit integer)."""
    try:
        value = node.evaluated_value  # type: ignore[attr-defined]
    except (ValueError, SyntaxError, TypeError, MemoryError, OverflowError):
        return _NO_VALUE
    return _NO_VALUE if value is None else value


_NO_VALUE = object()


def convert(node: cst.BaseExpression) -> ast.expr:
    """The ast node kinds the value helpers in `extract` inspect, built from libcst.

    Anything else becomes an opaque `ast.expr`, which those helpers treat like the
    BinOp, Lambda or JoinedStr the real `ast` would have produced.
    """
    if isinstance(node, cst.Name):
        if node.value in _SINGLETONS:
            return ast.Constant(_SINGLETONS[node.value])
        return ast.Name(node.value, ast.Load())
    if isinstance(node, cst.Attribute):
        return ast.Attribute(convert(node.value), node.attr.value, ast.Load())
    if isinstance(node, cst.Call):
        # Positional arguments (as ast has them, `*a` included) and keyword names:
        # `dynamic_statement` looks for `f(globals())`, `statements.is_absence_assertion`
        # reads the first argument of `pytest.raises(...)`, and `statements.normalise_value`
        # asks whether `Field(...)` has a default (first positional or a default keyword).
        args = [ast.Starred(convert(a.value), ast.Load()) if a.star == "*" else convert(a.value)
                for a in node.args if a.keyword is None and a.star != "**"]
        keywords = [ast.keyword(a.keyword.value, _opaque()) for a in node.args
                    if a.keyword is not None]
        return ast.Call(convert(node.func), args, keywords)
    if isinstance(node, cst.Subscript):
        elements = list(node.slice)
        if len(elements) == 1 and not isinstance(elements[0].comma, cst.Comma):
            index = _subscript_index(elements[0].slice)
        else:
            index = ast.Tuple([_subscript_index(e.slice) for e in elements], ast.Load())
        return ast.Subscript(convert(node.value), index, ast.Load())
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float,
                         cst.Imaginary)):
        value = _literal(node)
        # An f-string part leaves no value: ast says JoinedStr, which no helper matches.
        return _opaque() if value is _NO_VALUE else ast.Constant(value)
    if isinstance(node, cst.Ellipsis):
        return ast.Constant(...)
    if isinstance(node, cst.UnaryOperation):
        op = _UNARY.get(type(node.operator))
        return ast.UnaryOp(op(), convert(node.expression)) if op else _opaque()
    if isinstance(node, (cst.Tuple, cst.List)):
        elts = [ast.Starred(convert(e.value), ast.Load()) if isinstance(e, cst.StarredElement)
                else convert(e.value) for e in node.elements]
        return (ast.Tuple if isinstance(node, cst.Tuple) else ast.List)(elts, ast.Load())
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        # `str | None` in an annotation (`statements.annotation_type`).
        return ast.BinOp(convert(node.left), ast.BitOr(), convert(node.right))
    if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
        # A single `==` is what `statements.is_main_guard_test` looks for
        # (`__name__ == "__main__"`); every other comparison it, like the value helpers,
        # treats as an opaque expression.
        target = node.comparisons[0]
        if isinstance(target.operator, cst.Equal):
            return ast.Compare(convert(node.left), [ast.Eq()], [convert(target.comparator)])
    return _opaque()


def _target(expr: ast.expr) -> ast.Name | ast.Attribute | ast.Subscript:
    """An assignment target as ast types it (libcst has already checked the grammar)."""
    return cast("ast.Name | ast.Attribute | ast.Subscript", expr)


def _no_arguments() -> ast.arguments:
    return ast.arguments([], [], None, [], [], None, [])


def _subscript_index(index: cst.BaseSlice) -> ast.expr:
    if isinstance(index, cst.Index):
        value = convert(index.value)
        return ast.Starred(value, ast.Load()) if index.star else value
    return _opaque()  # a slice `a:b`


def _str_value(node: cst.BaseExpression) -> str | None:
    """The text of a plain string literal (what ast calls a str Constant), else None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = _literal(node)
        return value if isinstance(value, str) else None
    return None


def _dotted_name(node: cst.BaseExpression) -> str:
    """`a.b.c` of an import's module or alias name (always a Name/Attribute chain)."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
    return ".".join(reversed(parts))


def _chain(node: cst.Name | cst.Attribute) -> str | None:
    """What `statements.dotted` returns for a Name/Attribute chain, read off libcst."""
    parts: list[str] = []
    cur: cst.BaseExpression = node
    while isinstance(cur, cst.Attribute):
        parts.append(cur.attr.value)
        cur = cur.value
    if not isinstance(cur, cst.Name) or cur.value in _SINGLETONS:
        return None
    parts.append(cur.value)
    return ".".join(reversed(parts))


# ---------------------------------------------------------------- expression walk

def _fields(*pairs: tuple[str, tuple[str, ...]]) -> dict[type, tuple[str, ...]]:
    """Map node classes to field names, leaving out classes this libcst lacks."""
    out: dict[type, tuple[str, ...]] = {}
    for cls_name, names in pairs:
        cls = getattr(cst, cls_name, None)
        if cls is not None:
            out[cls] = names
    return out


# Fields that hold identifiers ast keeps as plain strings, not Name nodes: never uses.
_IDENTIFIER_FIELDS = _fields(
    ("FunctionDef", ("name",)), ("ClassDef", ("name",)), ("Param", ("name",)),
    ("Arg", ("keyword",)), ("Attribute", ("attr",)), ("ExceptHandler", ("name",)),
    ("ExceptStarHandler", ("name",)), ("MatchAs", ("name",)), ("MatchStar", ("name",)),
    ("MatchMapping", ("rest",)), ("MatchKeywordElement", ("key",)),
    ("MatchSingleton", ("value",)), ("TypeVar", ("name",)), ("TypeVarTuple", ("name",)),
    ("ParamSpec", ("name",)),
)
# Fields ast gives a Store or Del context: a bare name there binds, it is not a use.
_TARGET_FIELDS = _fields(
    ("AssignTarget", ("target",)), ("AnnAssign", ("target",)), ("AugAssign", ("target",)),
    ("For", ("target",)), ("CompFor", ("target",)), ("NamedExpr", ("target",)),
    ("AsName", ("name",)), ("Del", ("target",)), ("TypeAlias", ("name",)),
)
# Nodes whose elements inherit a target context (`a, *b = ...`, `for (x, y) in ...`).
_TARGET_CONTAINERS = (cst.Tuple, cst.List, cst.Element, cst.StarredElement)
# Statements that hold no expressions ast would walk.
_OPAQUE_STATEMENTS = (cst.Import, cst.ImportFrom, cst.Global, cst.Nonlocal)
# Statements without fields that `statements.try_guard` reads in a `try:` statement.
_SHAPE_STATEMENTS: tuple[tuple[type, type[ast.stmt]], ...] = (
    (cst.Pass, ast.Pass), (cst.Continue, ast.Continue), (cst.Break, ast.Break))
_SCOPES = (cst.FunctionDef, cst.ClassDef)
_FUNCTION_SCOPES = (cst.FunctionDef, cst.Lambda)
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
_EXCEPT_HANDLERS = tuple(getattr(cst, n) for n in ("ExceptHandler", "ExceptStarHandler")
                         if hasattr(cst, n))
_MATCH_CAPTURES = tuple(getattr(cst, n) for n in ("MatchAs", "MatchStar") if hasattr(cst, n))
_MATCH_MAPPING = tuple(getattr(cst, n) for n in ("MatchMapping",) if hasattr(cst, n))


def _callee_name(func: cst.CSTNode) -> str:
    """Mirror of `extract.callee_name`."""
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


def _dict_sinks(node: cst.Dict, parent: cst.CSTNode | None, calls: dict[int, cst.Call]
                ) -> set[str] | None:
    """Mirror of `extract._dict_sinks`."""
    if isinstance(parent, cst.Return):
        return {"return"}
    if isinstance(parent, cst.Yield):
        return {"yield"}
    if isinstance(parent, cst.Arg) and not parent.star and id(parent) in calls:
        return {f"call:{_callee_name(calls[id(parent)].func)}"}
    if isinstance(parent, cst.AnnAssign) and parent.value is node:
        ann = parent.annotation.annotation
        if isinstance(ann, cst.Subscript):
            ann = ann.value
        return {f"annotated:{_callee_name(ann)}"}
    if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(
            parent.targets[0].target, cst.Name):
        return None
    return set()


def _name_sinks(scope: cst.CSTNode) -> dict[str, set[str]]:
    """Mirror of `extract.name_sinks`."""
    out: dict[str, set[str]] = {}
    stack = [scope]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if isinstance(node, cst.Return) and isinstance(node.value, cst.Name):
            out.setdefault(node.value.value, set()).add("return")
        elif isinstance(node, cst.Yield) and isinstance(node.value, cst.Name):
            out.setdefault(node.value.value, set()).add("yield")
        elif isinstance(node, cst.Call):
            for arg in node.args:
                if not arg.star and isinstance(arg.value, cst.Name):
                    out.setdefault(arg.value.value, set()).add(
                        f"call:{_callee_name(node.func)}")
    return out


def _target_names(target: cst.CSTNode) -> Iterator[str]:
    """Names a comprehension's `for` target binds (through tuples, lists and stars)."""
    stack = [target]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            yield node.value
        elif isinstance(node, (cst.Tuple, cst.List)):
            stack.extend(node.elements)
        elif isinstance(node, (cst.Element, cst.StarredElement)):
            stack.append(node.value)


_SEMICOLON_RE = re.compile(r"[ \t\f]*;")


class _CstExtractor:
    def __init__(self, module: cst.Module, positions: Any, text: str, reparse: bool) -> None:
        self.module = module
        self.positions = positions
        self.text = text
        self.reparse = reparse
        self._lines: list[str] | None = None

    # ------------------------------------------------------------------ facts
    def facts(self, path: str, text: str, digest: str, options: ExtractOptions) -> FileFacts:
        shallow = ast.Module(body=self._statements(self.module.body), type_ignores=[])
        # Positions are already character offsets: an all-ASCII `Columns` passes them on.
        collector = StatementCollector(Columns(""))
        collector.run(shallow, keyword_lines(text))
        want_dicts, tokens = expression_plan(text, collector.imports, options)
        dicts: list[DictLiteralFact] = []
        uses: list[NameUse] = []
        if want_dicts or tokens:
            lines = candidate_lines(text, want_dicts, tokens, options)
            dicts, uses = self._expressions(want_dicts, set(options.discriminators), tokens,
                                            lines)
        return assemble(path, text, digest, collector, dicts, uses, "libcst")

    def _range(self, node: cst.CSTNode) -> CodeRange:
        return self.positions[node]

    def _span(self, node: cst.CSTNode) -> Span:
        r = self._range(node)
        return Span(r.start.line, r.start.column, r.end.line, r.end.column)

    def _at(self, target: ast.AST, node: cst.CSTNode) -> Any:
        r = self._range(node)
        end = r.end.column
        if isinstance(node, cst.BaseCompoundStatement):
            end += self._trailing_semicolon(r.end.line, end)
        target.lineno, target.col_offset = r.start.line, r.start.column  # type: ignore[attr-defined]
        target.end_lineno, target.end_col_offset = r.end.line, end  # type: ignore[attr-defined]
        return target

    def _trailing_semicolon(self, line: int, column: int) -> int:
        """CPython ends a compound statement after its last statement's trailing `;`
        (`class A:\n    x = 1 ;`); libcst's range stops before it. How many characters
        to add so both parsers give the same end."""
        if self._lines is None:
            self._lines = NEWLINE_RE.split(self.text)
        if line - 1 >= len(self._lines):
            return 0
        m = _SEMICOLON_RE.match(self._lines[line - 1], column)
        return m.end() - column if m else 0

    # ------------------------------------------------------------- values
    def value(self, node: cst.BaseExpression) -> ast.expr:
        """The ast the host parser gives for this sub-expression's own text."""
        if self.reparse:
            code = self.module.code_for_node(node)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return ast.parse(code, mode="eval").body
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                pass  # 3.12-only syntax inside it (or `yield`, `*a` alone): convert
        return convert(node)

    # --------------------------------------------------------- statements
    def _statements(self, body: Sequence[cst.CSTNode], shapes: bool = False
                    ) -> list[ast.stmt]:
        """`shapes`: also lower the statements `statements.try_guard` reads in a `try:` body,
        handler or `else:` (expression statements, pass, continue, break)."""
        out: list[ast.stmt] = []
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    lowered = self._small(small, shapes)
                    if lowered is not None:
                        out.append(lowered)
            else:
                lowered = self._compound(stmt)
                if lowered is not None:
                    out.append(lowered)
                elif shapes:
                    out.append(self._unread(stmt))
        return out

    def _unread(self, node: cst.CSTNode) -> ast.stmt:
        """A statement `StatementCollector` skips, where `try_guard` must still see that
        something is there: a handler that raises or returns is no mere record."""
        return self._at(ast.Raise(exc=None, cause=None), node)

    def _suite(self, suite: cst.BaseSuite, shapes: bool = False) -> list[ast.stmt]:
        if isinstance(suite, cst.SimpleStatementSuite):
            return [s for s in (self._small(x, shapes) for x in suite.body) if s is not None]
        return self._statements(suite.body, shapes)

    def _small(self, node: cst.BaseSmallStatement, shapes: bool = False) -> ast.stmt | None:
        if shapes:
            if isinstance(node, cst.Expr):
                return self._at(ast.Expr(self.value(node.value)), node)
            for cst_kind, ast_kind in _SHAPE_STATEMENTS:
                if isinstance(node, cst_kind):
                    return self._at(ast_kind(), node)
        if isinstance(node, cst.Import):
            names = [self._at(ast.alias(_dotted_name(a.name), self._asname(a)), a)
                     for a in node.names]
            return self._at(ast.Import(names), node)
        if isinstance(node, cst.ImportFrom):
            if isinstance(node.names, cst.ImportStar):
                names = [self._at(ast.alias("*", None), node.names)]
            else:
                names = [self._at(ast.alias(_dotted_name(a.name), self._asname(a)), a)
                         for a in node.names]
            module = _dotted_name(node.module) if node.module is not None else None
            return self._at(ast.ImportFrom(module, names, len(node.relative)), node)
        if isinstance(node, cst.Assign):
            return self._at(ast.Assign([self.value(t.target) for t in node.targets],
                                       self.value(node.value)), node)
        if isinstance(node, cst.AnnAssign):
            value = self.value(node.value) if node.value is not None else None
            return self._at(ast.AnnAssign(_target(self.value(node.target)),
                                          self.value(node.annotation.annotation), value,
                                          simple=1), node)
        if isinstance(node, cst.Global):
            return self._at(ast.Global([n.name.value for n in node.names]), node)
        if isinstance(node, cst.Expr):
            # For `statements.dynamic_statement`: `globals().update(...)`, `exec(...)`.
            return self._at(ast.Expr(self.value(node.value)), node)
        if isinstance(node, cst.AugAssign):
            return self._at(ast.AugAssign(_target(self.value(node.target)), ast.Add(),
                                          self.value(node.value)), node)
        if isinstance(node, cst.Expr) and isinstance(node.value, (cst.SimpleString,
                                                                    cst.ConcatenatedString)):
            value = _literal(node.value)  # a docstring, when it opens a class body
            if isinstance(value, str):
                return self._at(ast.Expr(ast.Constant(value)), node)
        # Nothing else `StatementCollector` reads; in a try's parts `try_guard` reads that
        # there is a statement (`raise`, `return`, `del`) that records nothing.
        return self._unread(node) if shapes else None

    @staticmethod
    def _asname(alias: cst.ImportAlias) -> str | None:
        if alias.asname is None:
            return None
        name = alias.asname.name
        return name.value if isinstance(name, cst.Name) else None

    def _compound(self, node: cst.CSTNode) -> ast.stmt | None:
        if isinstance(node, cst.ClassDef):
            bases = [ast.Starred(self.value(a.value), ast.Load()) if a.star == "*"
                     else self.value(a.value) for a in node.bases]
            keywords = [ast.keyword(a.keyword.value if a.keyword else None, self.value(a.value))
                        for a in node.keywords]
            return self._at(ast.ClassDef(
                node.name.value, bases, keywords, self._suite(node.body),
                [self.value(d.decorator) for d in node.decorators]), node)
        if isinstance(node, cst.FunctionDef):
            fn_kind = ast.AsyncFunctionDef if node.asynchronous is not None else ast.FunctionDef
            # Complete nodes (empty where `StatementCollector` does not look), so the shallow tree
            # stays valid for `ast` on every supported Python.
            fn = fn_kind(node.name.value, _no_arguments(), self._suite(node.body),
                         [self.value(d.decorator) for d in node.decorators], None, None)
            return self._at(fn, node)
        if isinstance(node, cst.If):
            return self._at(ast.If(self.value(node.test), self._suite(node.body),
                                   self._orelse(node.orelse)), node)
        if isinstance(node, (cst.Try, cst.TryStar)):
            # ast.TryStar is 3.11+; on 3.10 `StatementCollector` treats `except*` as a plain try.
            try_kind = ast.Try if isinstance(node, cst.Try) else getattr(ast, "TryStar", ast.Try)
            handlers = [ast.ExceptHandler(self.value(h.type) if h.type is not None else None,
                                          None, self._suite(h.body, True))
                        for h in node.handlers]
            final = self._suite(node.finalbody.body) if node.finalbody is not None else []
            orelse = self._suite(node.orelse.body, True) if node.orelse is not None else []
            return self._at(try_kind(self._suite(node.body, True), handlers, orelse, final),
                            node)
        if isinstance(node, cst.For):
            for_kind = ast.AsyncFor if node.asynchronous is not None else ast.For
            return self._at(for_kind(ast.Name("_", ast.Store()), _opaque(),
                                     self._suite(node.body), self._orelse(node.orelse), None),
                            node)
        if isinstance(node, cst.While):
            return self._at(ast.While(_opaque(), self._suite(node.body),
                                      self._orelse(node.orelse)), node)
        if isinstance(node, cst.With):
            with_kind = ast.AsyncWith if node.asynchronous is not None else ast.With
            # the items' expressions: `with pytest.raises(ImportError):` (statements reads them)
            items = [ast.withitem(self.value(item.item), None) for item in node.items]
            return self._at(with_kind(items, self._suite(node.body), None), node)
        if isinstance(node, cst.Match):
            cases = [ast.match_case(ast.MatchAs(), None, self._suite(c.body))
                     for c in node.cases]
            return self._at(ast.Match(_opaque(), cases), node)
        return None

    def _orelse(self, node: cst.CSTNode | None) -> list[ast.stmt]:
        if node is None:
            return []
        if isinstance(node, cst.If):  # `elif`: ast nests it as an If in orelse
            lowered = self._compound(node)
            return [lowered] if lowered is not None else []
        return self._suite(node.body)  # type: ignore[attr-defined]

    # -------------------------------------------------------- expressions
    def _expressions(self, want_dicts: bool, discriminators: set[str], tokens: frozenset[str],
                     lines: list[int]) -> tuple[list[DictLiteralFact], list[NameUse]]:
        """Mirror of `extract._expressions` over the libcst tree (iterative), pruned to
        the statements that touch `lines` in the same way."""
        dicts: list[DictLiteralFact] = []
        uses: list[NameUse] = []
        bindings: dict[int, tuple[frozenset[str], ...]] = {}
        calls: dict[int, cst.Call] = {}  # argument node -> its call
        local_sinks: dict[int, dict[str, set[str]]] = {}
        # (node, parent, qualname of the enclosing def/class, in a Store/Del target,
        #  enclosing function-like scopes as in `extract._walk_with_scope`)
        stack: list[tuple[cst.CSTNode, cst.CSTNode | None, str | None, bool, Any]] = [
            (self.module, None, None, False, None)]
        while stack:
            node, parent, scope, target, frames = stack.pop()
            if isinstance(node, _OPAQUE_STATEMENTS):
                continue
            if isinstance(node, cst.BaseStatement):
                r = self._range(node)
                decorators = getattr(node, "decorators", ())
                first = self._range(decorators[0]).start.line if decorators else r.start.line
                if not touches(lines, min(first, r.start.line), r.end.line):
                    continue
            if want_dicts and isinstance(node, cst.Arg) and isinstance(parent, cst.Call):
                calls[id(node)] = parent
            if want_dicts and isinstance(node, cst.Dict):
                fact = self._dict_literal(node, discriminators, scope)
                if fact is not None:
                    sinks = _dict_sinks(node, parent, calls)
                    if sinks is None:  # bound to a name: where the name goes
                        where = self.module if frames is None else frames[0]
                        known = local_sinks.get(id(where))
                        if known is None:
                            known = local_sinks[id(where)] = _name_sinks(where)
                        name = cast(cst.Name, cast(cst.Assign, parent).targets[0].target).value
                        sinks = known.get(name, set())
                    dicts.append(replace(fact, sinks=tuple(sorted(sinks))))
            elif tokens and isinstance(node, (cst.Name, cst.Attribute)):
                use = self._use(node, parent, target, tokens)
                if use is not None and not (frames is not None and shadowed(
                        use.chain.partition(".")[0], frames, bindings, self._bindings)):
                    uses.append(use)
            inner = scope
            if isinstance(node, _SCOPES):
                inner = f"{scope}.{node.name.value}" if scope else node.name.value
            children = reversed(list(self._children(node, target, inner)))
            body: Any = (node, frames)
            if isinstance(node, _FUNCTION_SCOPES):
                stack.extend((*c, body if c[0] is node.body else frames) for c in children)
            elif isinstance(node, _COMPREHENSIONS):
                stack.extend((*c, body) for c in children)
            elif isinstance(node, cst.CompFor) and isinstance(parent, _COMPREHENSIONS):
                # the first `for`'s iterable is evaluated outside the comprehension
                stack.extend((*c, frames[1] if c[0] is node.iter else frames)
                             for c in children)
            else:
                stack.extend((*c, frames) for c in children)
        return dicts, uses

    def _bindings(self, scope: cst.CSTNode
                  ) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """Mirror of `extract.scope_bindings`."""
        if isinstance(scope, _COMPREHENSIONS):
            names: set[str] = set()
            comp_for: cst.CompFor | None = scope.for_in
            while comp_for is not None:
                names.update(_target_names(comp_for.target))
                comp_for = comp_for.inner_for_in
            return frozenset(names), frozenset(), frozenset()
        fn = cast(Any, scope)
        p = fn.params
        names = {prm.name.value for prm in (*p.posonly_params, *p.params, *p.kwonly_params)}
        for star in (p.star_arg, p.star_kwarg):
            if isinstance(star, cst.Param):
                names.add(star.name.value)
        declared_global: set[str] = set()
        declared_nonlocal: set[str] = set()
        stack: list[tuple[cst.CSTNode, bool, bool]] = [(fn.body, False, False)]
        while stack:
            node, target, in_comprehension = stack.pop()
            if isinstance(node, cst.Name):
                if target and not in_comprehension:
                    names.add(node.value)
                continue
            if isinstance(node, cst.NamedExpr):
                if isinstance(node.target, cst.Name):
                    names.add(node.target.value)
                stack.append((node.value, False, in_comprehension))
                continue
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                names.add(node.name.value)
                continue
            if isinstance(node, cst.Lambda):
                continue
            if isinstance(node, (cst.Global, cst.Nonlocal)):
                declared = declared_global if isinstance(node, cst.Global) else declared_nonlocal
                declared.update(item.name.value for item in node.names)
                continue
            if isinstance(node, (cst.Import, cst.ImportFrom)):
                continue  # binds the imported thing itself (see `scope_bindings`)
            if isinstance(node, _EXCEPT_HANDLERS):
                if node.name is not None and isinstance(node.name.name, cst.Name):
                    names.add(node.name.name.value)
            elif isinstance(node, _MATCH_CAPTURES):
                if node.name is not None:
                    names.add(node.name.value)
            elif isinstance(node, _MATCH_MAPPING) and node.rest is not None:
                names.add(node.rest.value)
            inner = in_comprehension or isinstance(node, _COMPREHENSIONS)
            stack.extend((child, child_target, inner)
                         for child, _, _, child_target in self._children(node, target, None))
        return frozenset(names), frozenset(declared_global), frozenset(declared_nonlocal)

    def _children(self, node: cst.CSTNode, target: bool, scope: str | None
                  ) -> Iterator[tuple[cst.CSTNode, cst.CSTNode, str | None, bool]]:
        skip = {id(getattr(node, f, None)) for f in _IDENTIFIER_FIELDS.get(type(node), ())}
        targets = {id(getattr(node, f, None)) for f in _TARGET_FIELDS.get(type(node), ())}
        inherit = target and isinstance(node, _TARGET_CONTAINERS)
        for child in node.children:
            if id(child) in skip:
                continue
            yield child, node, scope, inherit or id(child) in targets

    def _use(self, node: cst.Name | cst.Attribute, parent: cst.CSTNode | None, target: bool,
             tokens: frozenset[str]) -> NameUse | None:
        if isinstance(parent, cst.Attribute) and parent.value is node:
            return None  # only the longest chain is a use
        if isinstance(node, cst.Name) and target:
            return None  # a bare name being bound or deleted
        chain = _chain(node)
        if chain is None or not tokens.intersection(chain.split(".")):
            return None
        is_call = isinstance(parent, cst.Call) and parent.func is node
        return NameUse(chain, self._span(node), is_call)

    def _dict_literal(self, node: cst.Dict, discriminators: set[str], scope: str | None
                      ) -> DictLiteralFact | None:
        keys: list[str] = []
        found: tuple[str, str] | None = None
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return None  # `**spread`: not a schema-shaped literal
            key = _str_value(element.key)
            if key is None:
                return None
            keys.append(key)
            if found is None and key in discriminators:
                value = _str_value(element.value)
                if value is not None:
                    found = (key, value)
        if found is None:
            return None
        nested = []
        for element in node.elements:
            inner = cast(cst.DictElement, element).value
            if isinstance(inner, cst.Dict):
                inner_keys = [_str_value(e.key) if isinstance(e, cst.DictElement) else None
                              for e in inner.elements]
                if all(k is not None for k in inner_keys):
                    nested.append((cast(str, _str_value(cast(cst.DictElement, element).key)),
                                   tuple(cast(list[str], inner_keys))))
        return DictLiteralFact(self._span(node), tuple(keys), found[0], found[1], scope,
                               nested=tuple(nested))
