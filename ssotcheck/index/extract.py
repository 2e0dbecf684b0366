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
import re
import warnings
from dataclasses import replace
from typing import Any, Iterator, cast

from ssotcheck.index.options import (ExtractOptions, candidate_lines, expression_plan,
                                     keyword_lines, touches)
from ssotcheck.index.source import content_hash, decode_source, line_count
from ssotcheck.index.statements import Columns, StatementCollector, assemble, dotted, shadowed
from ssotcheck.model import DictLiteralFact, FileFacts, NameUse, ParseError

# Scopes whose bindings can hide a module-level name from the code inside them. Class
# bodies are not among them: the functions nested in a class do not see its names.
_FUNCTION_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


_FRAME_NODES = frozenset({*_FUNCTION_SCOPES, *_COMPREHENSIONS, ast.comprehension})


_NAMED_SCOPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})


# Every statement node type: the units `candidate_lines` prunes the expression walk by.
_STATEMENTS = frozenset(
    t for t in vars(ast).values() if isinstance(t, type) and issubclass(t, ast.stmt))


# The other nodes that carry a line range (expressions, keywords, arguments, aliases,
# handlers, patterns): pruned by `candidate_lines` like statements, without decorators.
_POSITIONED = frozenset(
    t for t in vars(ast).values() if isinstance(t, type) and issubclass(t, ast.AST)
    and "lineno" in t._attributes and t not in _STATEMENTS)


# Fields whose values are never nodes the walk acts on: names and other scalars, and the
# expression contexts and operators (a `Load()` under every name: a third of the nodes).
_SCALAR_FIELDS = frozenset({"ctx", "op", "ops", "id", "attr", "name", "arg", "asname",
                            "module", "level", "kind", "type_comment", "conversion",
                            "is_async", "simple", "tag", "kwd_attrs"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {
    t: () if t in (ast.Constant, ast.MatchSingleton) else tuple(
        f for f in t._fields if f not in _SCALAR_FIELDS)
    for t in vars(ast).values() if isinstance(t, type) and issubclass(t, ast.AST)}


def _children(node: ast.AST) -> list[ast.AST]:
    """`ast.iter_child_nodes` in the same order, without a generator per node and without
    the children that never matter here (see `_SCALAR_FIELDS`)."""
    out: list[ast.AST] = []
    fields = _CHILD_FIELDS.get(type(node))
    if fields is None:  # a node type this table does not know: all of them
        return list(ast.iter_child_nodes(node))
    for name in fields:
        value = getattr(node, name, None)
        if value is None:
            continue
        if type(value) is list:
            out += [v for v in value if isinstance(v, ast.AST)]
        elif isinstance(value, ast.AST):
            out.append(value)
    return out


def _walk_with_scope(tree: ast.Module, lines: list[int]
                     ) -> Iterator[tuple[ast.AST, ast.AST | None, str | None, Any]]:
    """Every node with its parent, the qualname of the enclosing def/class and the
    function-like scopes the node is evaluated in, as a linked list `(scope, outer)`
    innermost first, or None at module level (iterative). A def's decorators,
    defaults and annotations, and a comprehension's first iterable, are evaluated
    outside it. Nodes none of whose lines is in `lines` (a statement's decorators
    included) are left out, with everything inside them."""
    stack: list[tuple[ast.AST, ast.AST | None, str | None, Any]] = [(tree, None, None, None)]
    pop, extend = stack.pop, stack.extend
    line_set = frozenset(lines)
    while stack:
        node, parent, scope, frames = pop()
        kind = type(node)
        if kind in _POSITIONED:
            # [perf] Subexpressions too: in a statement that spans many lines (a long call,
            # a dict display) most of them lie on lines the pre-screen never saw.
            n = cast(Any, node)
            first, last = n.lineno, n.end_lineno
            if first == last or last is None:
                if first not in line_set:
                    continue
            elif not touches(lines, first, last):
                continue
        elif kind in _STATEMENTS:
            n = cast(Any, node)
            decorators = getattr(n, "decorator_list", None)
            first = decorators[0].lineno if decorators else n.lineno
            if not touches(lines, first, n.end_lineno or n.lineno):
                continue
        yield node, parent, scope, frames
        if kind in _NAMED_SCOPES:
            scope = f"{scope}.{cast(Any, node).name}" if scope else cast(Any, node).name
        if kind in _FRAME_NODES:
            extend(_scoped_children(node, parent, scope, frames))
        else:
            extend([(child, node, scope, frames) for child in reversed(_children(node))])


def _scoped_children(node: ast.AST, parent: ast.AST | None, scope: str | None, frames: Any
                     ) -> list[tuple[ast.AST, ast.AST | None, str | None, Any]]:
    """The children of a def, lambda or comprehension (or a comprehension's `for`) with
    the scopes each is evaluated in, in reverse order for the walk's stack."""
    out: list[tuple[ast.AST, ast.AST | None, str | None, Any]] = []
    n = cast(Any, node)
    if isinstance(node, ast.comprehension):
        # only the first `for`'s iterable is evaluated outside the comprehension
        first = frames is not None and cast(Any, parent).generators[0] is node
        for child in _children(node):
            out.append((child, node, scope, frames[1] if first and child is n.iter else frames))
    else:
        body = (node, frames)
        whole = isinstance(node, _COMPREHENSIONS)
        for child in _children(node):
            inside = whole or isinstance(child, ast.stmt) or child is n.body
            out.append((child, node, scope, body if inside else frames))
    return out[::-1]


def _target_names(target: ast.AST) -> Iterator[str]:
    for n in ast.walk(target):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            yield n.id


def _parameters(fn: Any) -> set[str]:
    a = fn.args
    return {arg.arg for arg in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg)
            if arg is not None}


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
    names = _parameters(fn)
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


_BODIES = ("body", "orelse", "finalbody")
_PLAIN_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_NO_TARGETS = (*_COMPREHENSIONS, ast.Lambda)


def statement_bindings(scope: ast.AST) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """`scope_bindings` for a file without `:=`, from statements alone.

    [perf] Without a walrus only statements bind names (assignment, `for`, `with`,
    `del` targets, `except ... as`, match captures, nested defs, `global`/`nonlocal`),
    so the expressions in between need not be walked; `scope_bindings` visits every node
    of the function (~10% of extraction time on real code). Same answer, tested on every
    function of this repository and of the parity fixtures.
    """
    if isinstance(scope, _COMPREHENSIONS + (ast.Lambda,)):
        return scope_bindings(scope)  # small, and a lambda body is an expression
    fn = cast(Any, scope)
    names = _parameters(fn)
    declared_global: set[str] = set()
    declared_nonlocal: set[str] = set()
    targets: list[ast.AST] = []
    stack: list[ast.stmt] = list(fn.body)
    while stack:
        st = stack.pop()
        if isinstance(st, _PLAIN_SCOPES):
            names.add(st.name)
            continue
        if isinstance(st, ast.Assign):
            targets += st.targets
        elif isinstance(st, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
            targets.append(st.target)
        elif isinstance(st, ast.Delete):
            targets += st.targets
        elif isinstance(st, (ast.With, ast.AsyncWith)):
            targets += [i.optional_vars for i in st.items if i.optional_vars is not None]
        elif isinstance(st, ast.Global):
            declared_global.update(st.names)
        elif isinstance(st, ast.Nonlocal):
            declared_nonlocal.update(st.names)
        elif isinstance(st, _TRY_STATEMENTS):
            for h in cast(ast.Try, st).handlers:
                if h.name:
                    names.add(h.name)
                stack += h.body
        elif isinstance(st, ast.Match):
            for case in st.cases:
                for node in ast.walk(case.pattern):
                    if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                        names.add(node.name)
                    elif isinstance(node, ast.MatchMapping) and node.rest:
                        names.add(node.rest)
                stack += case.body
        for field in _BODIES:
            body = getattr(st, field, None)
            if body:
                stack += body
    while targets:
        node = targets.pop()
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                names.add(node.id)
        elif not isinstance(node, _NO_TARGETS):  # their names are not the function's
            targets += ast.iter_child_nodes(node)
    return frozenset(names), frozenset(declared_global), frozenset(declared_nonlocal)


_TRY_STATEMENTS = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)


def _expressions(tree: ast.Module, cols: Columns, want_dicts: bool, discriminators: set[str],
                 tokens: frozenset[str], lines: list[int], walrus: bool = True
                 ) -> tuple[list[DictLiteralFact], list[NameUse]]:
    dicts: list[DictLiteralFact] = []
    uses: list[NameUse] = []
    bindings: dict[int, tuple[frozenset[str], ...]] = {}
    calls: dict[int, ast.Call] = {}  # keyword node -> its call, for dicts passed by keyword
    local_sinks: dict[int, dict[str, set[str]]] = {}
    compute = scope_bindings if walrus else statement_bindings
    for node, parent, scope, frames in _walk_with_scope(tree, lines):
        if want_dicts and isinstance(node, ast.keyword) and isinstance(parent, ast.Call):
            calls[id(node)] = parent
        if want_dicts and isinstance(node, ast.Dict):
            fact = _dict_literal(node, cols, discriminators, scope)
            if fact:
                sinks = _dict_sinks(node, parent, calls)
                if sinks is None:  # bound to a name: where the name goes
                    where = tree if frames is None else frames[0]
                    known = local_sinks.get(id(where))
                    if known is None:
                        known = local_sinks[id(where)] = name_sinks(where)
                    sinks = known.get(cast(Any, parent).targets[0].id, set())
                dicts.append(replace(fact, sinks=tuple(sorted(sinks))))
        elif tokens and isinstance(node, (ast.Name, ast.Attribute)):
            if isinstance(parent, ast.Attribute) and parent.value is node:
                continue  # only the longest chain is a use
            chain = dotted(node)
            if chain is None or not tokens.intersection(chain.split(".")):
                continue
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                continue
            if frames is not None and shadowed(chain.partition(".")[0], frames, bindings,
                                                compute):
                continue  # a parameter or local of an enclosing function, not the import
            is_call = isinstance(parent, ast.Call) and parent.func is node
            uses.append(NameUse(chain, cols.span(node), is_call))
    return dicts, uses


def callee_name(func: ast.AST) -> str:
    """`ws.send_json(...)` -> `send_json`: the name a call's words are read from."""
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def annotation_name(ann: ast.AST) -> str:
    """`AgentStarted`, `events.AgentStarted`, `dict[str, Any]` -> its last plain name."""
    if isinstance(ann, ast.Subscript):
        ann = ann.value
    return callee_name(ann)


def _dict_sinks(node: ast.Dict, parent: ast.AST | None, calls: dict[int, ast.Call]
                ) -> set[str] | None:
    """Where a dict display goes (see `DictLiteralFact.sinks`); None when it is bound to a
    plain name, whose uses decide."""
    if isinstance(parent, ast.Return):
        return {"return"}
    if isinstance(parent, ast.Yield):
        return {"yield"}
    if isinstance(parent, ast.Call) and node in parent.args:
        return {f"call:{callee_name(parent.func)}"}
    if isinstance(parent, ast.keyword) and parent.arg is not None and id(parent) in calls:
        return {f"call:{callee_name(calls[id(parent)].func)}"}
    if isinstance(parent, ast.AnnAssign) and parent.value is node:
        return {f"annotated:{annotation_name(parent.annotation)}"}
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(
            parent.targets[0], ast.Name):
        return None
    return set()


def name_sinks(scope: ast.AST) -> dict[str, set[str]]:
    """Plain names of a scope (a function, or the module) -> where they go: returned,
    yielded, or passed to a call (`ws.send(msg)`, `send(message=msg)`). Nested scopes
    are included: a module constant sent from a function is still sent."""
    out: dict[str, set[str]] = {}
    for node in ast.walk(scope):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Name):
            out.setdefault(node.value.id, set()).add("return")
        elif isinstance(node, ast.Yield) and isinstance(node.value, ast.Name):
            out.setdefault(node.value.id, set()).add("yield")
        elif isinstance(node, ast.Call):
            args = [a for a in node.args if isinstance(a, ast.Name)] + [
                k.value for k in node.keywords if k.arg is not None
                and isinstance(k.value, ast.Name)]
            for arg in args:
                out.setdefault(arg.id, set()).add(
                    f"call:{callee_name(node.func)}")
    return out


def _dict_literal(node: ast.Dict, cols: Columns, discriminators: set[str],
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
    nested: list[tuple[str, tuple[str, ...]]] = []
    for k, v in zip(node.keys, node.values):
        if isinstance(v, ast.Dict) and all(isinstance(ik, ast.Constant) and isinstance(
                ik.value, str) for ik in v.keys):
            nested.append((cast(str, cast(ast.Constant, k).value), tuple(
                cast(str, cast(ast.Constant, ik).value) for ik in v.keys)))
    return DictLiteralFact(cols.span(node), tuple(keys), found[0], found[1], scope,
                           nested=tuple(nested))


def facts_from_ast(path: str, text: str, tree: ast.Module, digest: str,
                   options: ExtractOptions) -> FileFacts:
    cols = Columns(text)
    col = StatementCollector(cols)
    col.run(tree, keyword_lines(text))
    want_dicts, tokens = expression_plan(text, col.imports, options)
    dicts: list[DictLiteralFact] = []
    uses: list[NameUse] = []
    if want_dicts or tokens:
        lines = candidate_lines(text, want_dicts, tokens, options)
        dicts, uses = _expressions(tree, cols, want_dicts, set(options.discriminators), tokens,
                                   lines, ":=" in text)
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
