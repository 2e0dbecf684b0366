"""The import codemod: point imports at their canonical path, keeping the file's layout.

Input is a file's bytes and the requests derived from findings (where the import is,
what it should import instead); output is the new bytes or the reason the file is left
alone. The codemod never decides *what* is legacy: the checks did that.

What each rewrite does, and whether it is safe (applied by default) or unsafe (only
with --unsafe-fixes), following ruff's definitions:

- safe: rename an import in place (`from a.b import X as Y` -> `from x.y import X as Y`,
  `import a.b as m` -> `import x.y as m`, a relative import becomes absolute). The name
  the import binds never changes, so no other line has to.
- safe: split a `from` import whose names now live in different modules. The names that
  stay keep the original statement; the moved ones get a copy of it (same parentheses,
  comments and indentation) on the next line. A name whose new home is a top-level
  module becomes `import new as bound`; refused when that would drop a comment, as such
  an import has no place for one.
- unsafe: `import a.b` without an alias binds `a`, so every `a.b.` attribute use in the
  file is rewritten too. Refused when scope analysis cannot prove that is all it takes
  (the old package is still used another way, the new top-level name is taken, a use
  sits in a string annotation).
- unsafe: merge moved names into an earlier `from new import ...` in the same block,
  removing the old statement when nothing is left of it. Refused when that would drop a
  comment or a blank line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence, Union

import ast

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider, Scope, ScopeProvider
from libcst.metadata.scope_provider import BaseAssignment, ImportAssignment

SmallStmt = Union[cst.Import, cst.ImportFrom]
Alias = cst.ImportAlias


@dataclass(frozen=True)
class Request:
    """One finding to fix: the import binding at (line, column) should import `replacement`."""

    rule: str
    line: int
    column: int
    replacement: str
    safe: bool
    message: str = ""


@dataclass(frozen=True)
class FileFix:
    new: bytes | None  # None: nothing to write (nothing applicable, or refused)
    applied: tuple[Request, ...] = ()
    unsafe_skipped: tuple[Request, ...] = ()
    error: str | None = None  # why the file is left untouched
    # Findings on an import another finding already rewrites (SSOT201 wins over SSOT202).
    superseded: tuple[Request, ...] = ()


class CannotFix(Exception):
    """The file cannot be rewritten safely; the message says why, for a person."""


# ---------------------------------------------------------------- node helpers


def dotted_expr(path: str) -> cst.Name | cst.Attribute:
    parts = path.split(".")
    node: cst.Name | cst.Attribute = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def dotted_text(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_text(node.value)
        return f"{head}.{node.attr.value}" if head is not None else None
    return None


def _comments(node: cst.CSTNode) -> list[str]:
    found: list[str] = []

    class _Collect(cst.CSTVisitor):
        def visit_Comment(self, comment: cst.Comment) -> None:
            found.append(comment.value)

    node.visit(_Collect())
    return found


def _own_comment(alias: Alias) -> bool:
    ws = alias.comma.whitespace_after if isinstance(alias.comma, cst.Comma) else None
    return isinstance(ws, cst.ParenthesizedWhitespace) and (
        ws.first_line.comment is not None or any(e.comment for e in ws.empty_lines))


def rename_alias(alias: Alias, new_name: str) -> Alias:
    """Point a `from` import name at `new_name` while binding the same local name."""
    bound = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) \
        else alias.evaluated_name
    if alias.asname is not None or bound == new_name:
        return alias.with_changes(name=cst.Name(new_name))
    return alias.with_changes(name=cst.Name(new_name), asname=cst.AsName(name=cst.Name(bound)))


def reflow(stmt: cst.ImportFrom, kept: Sequence[Alias]) -> cst.ImportFrom:
    """`stmt` with only `kept` (a subsequence of its names), punctuated as the original:
    the new last name takes over the original last name's line ending, keeping its own
    comment."""
    assert isinstance(stmt.names, Sequence) and kept
    names = list(kept)
    last_orig = stmt.names[-1]
    new_last = names[-1]
    if new_last is last_orig:
        return stmt.with_changes(names=names)
    # Comments before `)` belong to the original last name, which is not in this copy
    # (with a trailing comma libcst keeps them on that name's comma anyway).
    rpar_ws = stmt.rpar.whitespace_before if stmt.rpar else None
    if isinstance(rpar_ws, cst.ParenthesizedWhitespace) and _comments(rpar_ws):
        assert stmt.rpar is not None
        stmt = stmt.with_changes(rpar=stmt.rpar.with_changes(whitespace_before=rpar_ws.with_changes(
            first_line=cst.TrailingWhitespace(), empty_lines=_blank_lines(rpar_ws.empty_lines))))
    comma = new_last.comma
    if stmt.lpar is None or not isinstance(comma, cst.Comma):
        names[-1] = new_last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return stmt.with_changes(names=names)
    own = comma.whitespace_after
    ws: cst.BaseParenthesizableWhitespace
    if isinstance(last_orig.comma, cst.Comma):  # trailing-comma layout
        closing = last_orig.comma.whitespace_after
        if isinstance(own, cst.ParenthesizedWhitespace) and isinstance(
                closing, cst.ParenthesizedWhitespace):
            ws = closing.with_changes(first_line=own.first_line, empty_lines=own.empty_lines)
        elif isinstance(closing, cst.ParenthesizedWhitespace):
            ws = closing.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
        else:
            ws = closing
        names[-1] = new_last.with_changes(comma=comma.with_changes(whitespace_after=ws))
        return stmt.with_changes(names=names)
    rpar = stmt.rpar
    assert rpar is not None
    closing_ws = rpar.whitespace_before
    if _own_comment(new_last) and isinstance(own, cst.ParenthesizedWhitespace) and isinstance(
            closing_ws, cst.ParenthesizedWhitespace):
        # Keep the comma so the comment stays on its line; the break before `)` moves here.
        ws = own.with_changes(indent=closing_ws.indent, last_line=closing_ws.last_line)
        names[-1] = new_last.with_changes(comma=comma.with_changes(whitespace_after=ws))
        return stmt.with_changes(
            names=names, rpar=rpar.with_changes(whitespace_before=cst.SimpleWhitespace("")))
    if _own_comment(new_last):
        raise CannotFix("a comment inside the import could not be kept in place")
    names[-1] = new_last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return stmt.with_changes(names=names)


def append_names(target: cst.ImportFrom, extra: Sequence[Alias]) -> cst.ImportFrom | None:
    """`target` with `extra` names appended in its own layout, or None when that would
    lose a comment."""
    if not isinstance(target.names, Sequence) or not extra:
        return None
    names = list(target.names)
    present = {(a.evaluated_name, a.evaluated_alias) for a in names}
    duplicates = [a for a in extra if (a.evaluated_name, a.evaluated_alias) in present]
    if any(_comments(a) for a in duplicates):
        return None  # dropping the duplicate would drop its comment
    extra = [a for a in extra if (a.evaluated_name, a.evaluated_alias) not in present]
    if not extra:
        return target  # every moved name is imported there already
    last = names[-1]
    lpar_ws = target.lpar.whitespace_after if target.lpar else None
    if not isinstance(lpar_ws, cst.ParenthesizedWhitespace):  # one line: `A, B`
        if any(_own_comment(a) for a in extra):
            return None
        sep = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        tail = last.comma if target.lpar is not None else cst.MaybeSentinel.DEFAULT
        names[-1] = last.with_changes(comma=sep)
        moved = [a.with_changes(comma=sep) for a in extra[:-1]]
        moved.append(extra[-1].with_changes(comma=tail))
        return target.with_changes(names=names + moved)
    assert target.rpar is not None
    if _comments(target.rpar):
        return None

    def line_break(alias: Alias) -> cst.ParenthesizedWhitespace:
        own = alias.comma.whitespace_after if isinstance(alias.comma, cst.Comma) else None
        first = own.first_line if isinstance(own, cst.ParenthesizedWhitespace) else \
            cst.TrailingWhitespace()
        empty = own.empty_lines if isinstance(own, cst.ParenthesizedWhitespace) else ()
        return cst.ParenthesizedWhitespace(first_line=first, empty_lines=empty,
                                           indent=lpar_ws.indent, last_line=lpar_ws.last_line)

    if isinstance(last.comma, cst.Comma):  # trailing-comma layout: keep it
        closing = last.comma.whitespace_after
        names[-1] = last.with_changes(
            comma=last.comma.with_changes(whitespace_after=line_break(last)))
        moved = [a.with_changes(comma=cst.Comma(whitespace_after=line_break(a)))
                 for a in extra[:-1]]
        final = extra[-1]
        final_ws = closing
        own = final.comma.whitespace_after if isinstance(final.comma, cst.Comma) else None
        if isinstance(closing, cst.ParenthesizedWhitespace):
            # The closing line break carried the old last name's comment; that stays with it.
            if isinstance(own, cst.ParenthesizedWhitespace):
                final_ws = closing.with_changes(first_line=own.first_line,
                                                empty_lines=own.empty_lines)
            else:
                final_ws = closing.with_changes(first_line=cst.TrailingWhitespace(),
                                                empty_lines=())
        moved.append(final.with_changes(comma=cst.Comma(whitespace_after=final_ws)))
        return target.with_changes(names=names + moved)
    if _own_comment(extra[-1]):
        return None
    names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=line_break(last)))
    moved = [a.with_changes(comma=cst.Comma(whitespace_after=line_break(a))) for a in extra[:-1]]
    moved.append(extra[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT))
    return target.with_changes(names=names + moved)


# ---------------------------------------------------------------------- planning


@dataclass
class _Plan:
    """What happens to the file, keyed by original statement nodes."""

    outputs: dict[cst.CSTNode, list[cst.BaseSmallStatement]] = field(default_factory=dict)
    attribute_renames: dict[cst.CSTNode, cst.BaseExpression] = field(default_factory=dict)


# (original small statement, the statement it currently becomes that takes the names,
# that statement with the names added)
_Merge = tuple[cst.CSTNode, cst.ImportFrom, cst.ImportFrom]


def _all_comments(*statements: Sequence[cst.CSTNode]) -> list[str]:
    return sorted(c for group in statements for s in group for c in _comments(s))


class _Rewriter(cst.CSTTransformer):
    def __init__(self, plan: _Plan) -> None:
        super().__init__()
        self.plan = plan

    def on_visit(self, node: cst.CSTNode) -> bool:
        if not self.plan.attribute_renames and not isinstance(node, _CONTAINERS):
            return False
        return super().on_visit(node)

    # Import statements are replaced whole, from their original nodes; their own dotted
    # names must not be caught by the attribute renames.
    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def leave_Attribute(self, original: cst.Attribute,
                        updated: cst.Attribute) -> cst.BaseExpression:
        return self._renamed(original, updated)

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        return self._renamed(original, updated)

    def _renamed(self, original: cst.CSTNode, updated: cst.BaseExpression) -> cst.BaseExpression:
        new = self.plan.attribute_renames.get(original)
        if new is None:
            return updated
        return new.with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def _body(self, original: Sequence[cst.BaseSmallStatement],
              updated: Sequence[cst.BaseSmallStatement]) -> list[cst.BaseSmallStatement] | None:
        if not any(s in self.plan.outputs for s in original):
            return None
        body: list[cst.BaseSmallStatement] = []
        for orig, upd in zip(original, updated):
            body.extend(self.plan.outputs.get(orig, [upd]))
        for i, stmt in enumerate(body[:-1]):
            if not isinstance(stmt.semicolon, cst.Semicolon):
                body[i] = stmt.with_changes(semicolon=cst.Semicolon(
                    whitespace_before=cst.SimpleWhitespace(""),
                    whitespace_after=cst.SimpleWhitespace(" ")))
        return body

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine,
                                  updated: cst.SimpleStatementLine
                                  ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        if len(original.body) == 1 and original.body[0] in self.plan.outputs:
            out = self.plan.outputs[original.body[0]]
            if not out:
                return cst.RemovalSentinel.REMOVE
            first = updated.with_changes(body=[out[0]])
            rest = [cst.SimpleStatementLine(
                body=[s.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)]) for s in out[1:]]
            return cst.FlattenSentinel([first, *rest]) if rest else first
        body = self._body(original.body, updated.body)
        return updated if body is None else updated.with_changes(body=body)

    def leave_SimpleStatementSuite(self, original: cst.SimpleStatementSuite,
                                   updated: cst.SimpleStatementSuite) -> cst.SimpleStatementSuite:
        body = self._body(original.body, updated.body)
        return updated if body is None else updated.with_changes(body=body)


# Nodes that can hold statements; everything else is an expression the import map and
# (without attribute renames) the rewriter never need to enter. Skipping them is what
# keeps a fix of a large file far cheaper than libcst's whole-tree metadata.
_CONTAINERS: tuple[type, ...] = tuple(t for t in (
    cst.Module, cst.IndentedBlock, cst.SimpleStatementLine, cst.SimpleStatementSuite, cst.If,
    cst.Else, cst.For, cst.While, cst.Try, getattr(cst, "TryStar", None), cst.ExceptHandler,
    getattr(cst, "ExceptStarHandler", None), cst.Finally, cst.With, cst.FunctionDef,
    cst.ClassDef, getattr(cst, "Match", None), getattr(cst, "MatchCase", None), cst.Import,
    cst.ImportFrom) if t is not None)


class _ImportMap(cst.CSTVisitor):
    """Import names in document order, and the parents of the nodes a rewrite touches."""

    def __init__(self) -> None:
        super().__init__()
        self.aliases: list[cst.CSTNode] = []
        self.statements: list[SmallStmt] = []
        self.parent: dict[cst.CSTNode, cst.CSTNode] = {}
        self._stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.ImportAlias, cst.ImportStar)):
            self.aliases.append(node)
            self.parent[node] = self._stack[-1]
            return False
        if not isinstance(node, _CONTAINERS):
            return False
        if self._stack:
            self.parent[node] = self._stack[-1]
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            self.statements.append(node)
        self._stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if self._stack and self._stack[-1] is original_node:
            self._stack.pop()


def _ast_alias_positions(data: bytes) -> list[tuple[int, int]] | None:
    """(line, character column) of every import name, in document order, as the
    extractor records them; None when the host `ast` cannot parse the file."""
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    found: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.extend((a.lineno, a.col_offset) for a in node.names)
    if not found:
        return []
    lines = data.splitlines()
    out = []
    for line, col in sorted(found):
        raw = lines[line - 1] if line - 1 < len(lines) else b""
        if line == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        # ast columns count UTF-8 bytes of the decoded line; facts count characters.
        out.append((line, col if raw.isascii() else
                    len(raw.decode("utf-8", "replace").encode("utf-8")[:col]
                        .decode("utf-8", "ignore"))))
    return out


class _Planner:
    def __init__(self, module: cst.Module, data: bytes, apply_unsafe: bool) -> None:
        self.module = module
        self.data = data
        self.apply_unsafe = apply_unsafe
        self.plan = _Plan()
        self.map = _ImportMap()
        module.visit(self.map)
        self.order = {s: i for i, s in enumerate(self.map.statements)}
        self._wrapper: MetadataWrapper | None = None
        self._scopes: set[Scope] | None = None

    @property
    def wrapper(self) -> MetadataWrapper:
        if self._wrapper is None:
            self._wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        return self._wrapper

    # -- lookup
    def targets(self) -> dict[tuple[int, int], cst.CSTNode]:
        positions = _ast_alias_positions(self.data) if self.module.encoding.lower().replace(
            "_", "-") in ("utf-8", "utf8", "utf-8-sig") else None
        if positions is not None and len(positions) == len(self.map.aliases):
            return dict(zip(positions, self.map.aliases))
        # The host `ast` cannot read it (newer syntax, another encoding): ask libcst.
        out: dict[tuple[int, int], cst.CSTNode] = {}
        for node, pos in self.wrapper.resolve(PositionProvider).items():
            if isinstance(node, (cst.ImportAlias, cst.ImportStar)):
                out[(pos.start.line, pos.start.column)] = node
        return out

    def statement_of(self, node: cst.CSTNode) -> SmallStmt:
        parent = self.map.parent[node]
        assert isinstance(parent, (cst.Import, cst.ImportFrom))
        return parent

    def scopes(self) -> set[Scope]:
        if self._scopes is None:
            self._scopes = {s for s in self.wrapper.resolve(ScopeProvider).values()
                            if s is not None}
        return self._scopes

    def current(self, stmt: cst.CSTNode) -> list[cst.BaseSmallStatement]:
        if stmt in self.plan.outputs:
            return self.plan.outputs[stmt]
        return [stmt] if isinstance(stmt, cst.BaseSmallStatement) else []

    # -- plain `import` statements
    def plan_import(self, stmt: cst.Import, chosen: dict[cst.CSTNode, Request]) -> None:
        names = []
        for alias in stmt.names:
            req = chosen.get(alias)
            if req is None:
                names.append(alias)
                continue
            names.append(alias.with_changes(name=dotted_expr(req.replacement)))
            if alias.asname is None:
                self.rename_uses(stmt, dotted_text(alias.name) or "", req.replacement)
        self.plan.outputs[stmt] = [stmt.with_changes(names=names)]

    def rename_uses(self, stmt: cst.Import, old: str, new: str) -> None:
        """`import a.b` -> `import x.y`: rewrite the `a.b` references this import binds."""
        old_head, new_head = old.split(".")[0], new.split(".")[0]
        prefixes = {".".join(old.split(".")[:i]) for i in range(1, old.count(".") + 1)}
        remaining_imports = self._remaining_plain_imports(stmt, old)
        for scope in self.scopes():
            for assignment in scope.assignments:
                name = assignment.name
                ours = isinstance(assignment, ImportAssignment) and assignment.node is stmt
                if ours and name == old:
                    for ref in assignment.references:
                        if not isinstance(ref.node, (cst.Name, cst.Attribute)):
                            raise CannotFix(f"`{old}` is used in a string annotation; "
                                            f"rewrite that by hand")
                        self.plan.attribute_renames[ref.node] = dotted_expr(new)
                elif ours and name in prefixes and assignment.references:
                    if not any(i == name or i.startswith(name + ".") for i in remaining_imports):
                        raise CannotFix(f"`{name}` is used on its own; after `import {old}` "
                                        f"becomes `import {new}` nothing would import it")
                elif name == old_head and not ours and not _plain_import(assignment):
                    raise CannotFix(f"`{old_head}` is also bound by {_describe(assignment)} in "
                                    f"this file, so its uses cannot all be the module")
                elif name == new_head and not _plain_import(assignment) and not ours:
                    raise CannotFix(f"`{new_head}` already names {_describe(assignment)} in this "
                                    f"file; `import {new}` would clash with it")

    def _remaining_plain_imports(self, skip: cst.Import, old: str) -> set[str]:
        found: set[str] = set()

        class _Collect(cst.CSTVisitor):
            def visit_Import(self, node: cst.Import) -> None:
                for alias in node.names:
                    text = dotted_text(alias.name)
                    if alias.asname is None and text and not (node is skip and text == old):
                        found.add(text)

        self.module.visit(_Collect())
        return found

    # -- `from` statements
    def plan_from(self, stmt: cst.ImportFrom, chosen: dict[cst.CSTNode, Request]) -> None:
        if isinstance(stmt.names, cst.ImportStar):
            star = chosen[stmt.names]
            self.plan.outputs[stmt] = [stmt.with_changes(
                module=dotted_expr(star.replacement), relative=[])]
            return
        untouched: list[Alias] = []
        groups: dict[str, list[Alias]] = {}
        plain: list[cst.Import] = []
        for alias in stmt.names:
            req = chosen.get(alias)
            if req is None:
                untouched.append(alias)
                continue
            module, _, name = req.replacement.rpartition(".")
            if module:
                groups.setdefault(module, []).append(alias)
            else:  # the new home is a top-level module: `import new as bound`
                bound = alias.evaluated_alias or alias.evaluated_name
                plain.append(cst.Import(
                    names=[cst.ImportAlias(name=cst.Name(name), asname=None if bound == name
                                           else cst.AsName(name=cst.Name(bound)))],
                    semicolon=stmt.semicolon))
        renamed = {id(a): rename_alias(a, chosen[a].replacement.rpartition(".")[2])
                   for aliases in groups.values() for a in aliases}
        merges = self._merges(stmt, groups, renamed, bool(untouched or plain)) \
            if self.apply_unsafe else {}
        out = self._from_outputs(stmt, untouched, groups, renamed, plain, merges)
        merged = self._merged(merges)
        if merges and _all_comments(out, *merged.values()) != _all_comments(
                [stmt], *(self.current(t) for t in merged)):
            # The checks above know where libcst keeps each comment; should one still go
            # missing, the names stay in a statement of their own instead.
            merges, merged = {}, {}
            out = self._from_outputs(stmt, untouched, groups, renamed, plain, merges)
        if not merges and _all_comments(out) != _all_comments([stmt]):
            # `import new as bound` has no place for a comment the names carried.
            raise CannotFix("a comment inside the import could not be kept in place")
        self.plan.outputs.update(merged)
        self.plan.outputs[stmt] = out

    @staticmethod
    def _from_outputs(stmt: cst.ImportFrom, untouched: list[Alias],
                      groups: dict[str, list[Alias]], renamed: dict[int, Alias],
                      plain: list[cst.Import], merges: dict[str, _Merge]
                      ) -> list[cst.BaseSmallStatement]:
        out: list[cst.BaseSmallStatement] = []
        if untouched:
            out.append(reflow(stmt, untouched))
        for module, aliases in groups.items():
            if module in merges:
                continue
            moved = reflow(stmt, aliases)
            assert isinstance(moved.names, Sequence)
            # reflow settled the punctuation, the rename the names: combine the two.
            names = [renamed[id(a)].with_changes(comma=r.comma)
                     for a, r in zip(aliases, moved.names)]
            moved = moved.with_changes(module=dotted_expr(module), relative=[], names=names)
            out.append(_as_copy(moved) if out else moved)
        out.extend(plain)
        return out

    def _merged(self, merges: dict[str, _Merge]
                ) -> dict[cst.CSTNode, list[cst.BaseSmallStatement]]:
        """What the merge targets' lines become."""
        new: dict[cst.CSTNode, list[cst.BaseSmallStatement]] = {}
        for target, candidate, merged in merges.values():
            current = new.get(target) or self.current(target)
            # By identity: a split can leave two statements from the same module.
            new[target] = [merged if s is candidate else s for s in current]
        return new

    def _merges(self, stmt: cst.ImportFrom, groups: dict[str, list[Alias]],
                renamed: dict[int, Alias], stays: bool) -> dict[str, _Merge]:
        """Earlier `from new import ...` statements in the same block that can take the
        moved names; empty when merging would lose something."""
        line = self.map.parent.get(stmt)
        block = self.map.parent.get(line) if isinstance(line, cst.SimpleStatementLine) else None
        if block is None or not isinstance(line, cst.SimpleStatementLine):
            return {}
        body = list(getattr(block, "body", ()))
        if line not in body:
            return {}
        carried = {id(a): _with_closing_comment(stmt, a, renamed[id(a)])
                   for aliases in groups.values() for a in aliases}
        merges: dict[str, _Merge] = {}
        for module, aliases in groups.items():
            for earlier in reversed(body[:body.index(line)]):
                if not isinstance(earlier, cst.SimpleStatementLine):
                    continue
                found = None
                for small in earlier.body:
                    for candidate in self.current(small):
                        if isinstance(candidate, cst.ImportFrom) and \
                                _module_of(candidate) == module and not candidate.relative:
                            found = (small, candidate)
                if found is None:
                    continue
                merged = append_names(found[1], [carried[id(a)] for a in aliases])
                if merged is not None:
                    merges[module] = (found[0], found[1], merged)
                break
        if merges and len(merges) == len(groups) and not stays:
            # The statement disappears: only when nothing but the moved names goes with it.
            moved_comments = sum(len(_comments(a)) for a in carried.values())
            if (len(line.body) != 1 or line.leading_lines or line.trailing_whitespace.comment
                    or len(_comments(stmt)) != moved_comments):
                return {}
        return merges

    def build(self, requests: Sequence[Request]) -> tuple[list[Request], list[Request],
                                                          list[Request]]:
        targets = self.targets()
        chosen: dict[cst.CSTNode, Request] = {}
        applied: list[Request] = []
        skipped: list[Request] = []
        superseded: list[Request] = []
        for req in requests:
            node = targets.get((req.line, req.column))
            if node is None:
                raise CannotFix(f"no import at line {req.line}, column {req.column + 1} "
                                f"(was the file edited after the check?)")
            if node in chosen:
                superseded.append(req)  # two rules asked for the same import; SSOT201 wins
                continue
            stmt = self.statement_of(node)
            needs_unsafe = not req.safe or (
                isinstance(stmt, cst.Import) and isinstance(node, cst.ImportAlias)
                and node.asname is None)
            if needs_unsafe and not self.apply_unsafe:
                skipped.append(req)
                continue
            chosen[node] = req
            applied.append(req)
        by_stmt: dict[SmallStmt, dict[cst.CSTNode, Request]] = {}
        for node, req in chosen.items():
            by_stmt.setdefault(self.statement_of(node), {})[node] = req
        for stmt in sorted(by_stmt, key=lambda s: self.order[s]):
            if isinstance(stmt, cst.Import):
                self.plan_import(stmt, by_stmt[stmt])
            else:
                self.plan_from(stmt, by_stmt[stmt])
        return applied, skipped, superseded


def _with_closing_comment(stmt: cst.ImportFrom, alias: Alias, moved: Alias) -> Alias:
    """`moved` (the merge-ready form of `alias`) holding the comments after `alias` that
    libcst keeps with `stmt`'s `)`: those of the last name without a trailing comma.
    Only on the name does a merge see them, to keep them or to refuse."""
    assert isinstance(stmt.names, Sequence)
    if alias is not stmt.names[-1] or isinstance(alias.comma, cst.Comma) or stmt.rpar is None:
        return moved
    ws = stmt.rpar.whitespace_before
    if not isinstance(ws, cst.ParenthesizedWhitespace) or not _comments(ws):
        return moved
    return moved.with_changes(comma=cst.Comma(whitespace_after=ws))


def _as_copy(stmt: cst.ImportFrom) -> cst.ImportFrom:
    """`stmt` without the comments after `(`: they speak for the original statement."""
    ws = stmt.lpar.whitespace_after if stmt.lpar else None
    if not isinstance(ws, cst.ParenthesizedWhitespace):
        return stmt
    first = ws.first_line
    if first.comment is not None:
        first = first.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
    assert stmt.lpar is not None
    return stmt.with_changes(lpar=stmt.lpar.with_changes(whitespace_after=ws.with_changes(
        first_line=first, empty_lines=_blank_lines(ws.empty_lines))))


def _blank_lines(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    return [line for line in lines if line.comment is None]


def _module_of(stmt: cst.CSTNode) -> str | None:
    if isinstance(stmt, cst.ImportFrom) and not stmt.relative:
        return dotted_text(stmt.module)
    return None


def _describe(assignment: BaseAssignment) -> str:
    node = getattr(assignment, "node", None)
    if isinstance(node, (cst.Import, cst.ImportFrom)):
        return f"another import (`{cst.Module([]).code_for_node(node).strip()}`)"
    if isinstance(node, cst.Param):
        return "a function parameter"
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        return f"a {'function' if isinstance(node, cst.FunctionDef) else 'class'} definition"
    return "an assignment"


def _plain_import(assignment: BaseAssignment) -> bool:
    """Bound by `import pkg.mod` (no alias): the same module object whichever submodule."""
    if not isinstance(assignment, ImportAssignment) or not isinstance(assignment.node, cst.Import):
        return False
    return any(a.asname is None for a in assignment.node.names)


def rewrite(data: bytes, requests: Sequence[Request], apply_unsafe: bool) -> FileFix:
    """Apply `requests` to one file's source. Never raises for a bad file."""
    try:
        module = cst.parse_module(data)
    except (cst.ParserSyntaxError, UnicodeDecodeError, SyntaxError) as exc:
        return FileFix(None, error=f"libcst cannot parse the file: {exc}")
    if module.bytes != data:
        # Its tokenizer loses a line holding only a backslash continuation: rewriting from
        # that tree would change lines nobody asked to fix, and its positions, which
        # locate the imports to fix, would be off below that line.
        return FileFix(None, error="libcst cannot reproduce the file exactly (a line holding "
                       "only a backslash continuation?), so it is left as it is")
    ordered = sorted(requests, key=lambda r: (r.line, r.column, r.rule))
    planner = _Planner(module, data, apply_unsafe)
    try:
        applied, skipped, superseded = planner.build(ordered)
        if not applied:
            return FileFix(None, (), tuple(skipped))
        new_module = module.visit(_Rewriter(planner.plan))
    except CannotFix as exc:
        return FileFix(None, (), (), error=str(exc))
    new = new_module.bytes
    return FileFix(new if new != data else None, tuple(applied), tuple(skipped),
                   superseded=tuple(superseded))
