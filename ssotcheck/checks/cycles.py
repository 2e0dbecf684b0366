"""SSOT204 import-cycle: one finding per strongly connected component of first-party
modules (two or more modules), showing a shortest cycle through it.

Which imports count is configurable: imports under `if TYPE_CHECKING:` never run,
imports inside functions run late and imports under `if __name__ == "__main__":` run only
when the module is executed as a script, so by default none of them closes a cycle.
Main-guard imports follow `cycles-include-function-imports`: like function imports they
are real dependencies that the module does not need in order to finish loading, and a
project that wants such deferred dependencies in its cycles wants both kinds.

The finding sits on the import that starts the shown cycle (rotated to begin at its
alphabetically first module); every import of the cycle is a related location. Its key
is the component's first module, so the finding keeps its identity in a baseline while
modules join or leave the tangle.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from ssotcheck.catalogue import make_finding
from ssotcheck.config import Config
from ssotcheck.index.project import (
    IN_FUNCTION,
    IN_MAIN_GUARD,
    IN_TRY,
    MODULE_LEVEL,
    TYPE_CHECKING_KIND,
    ImportEdge,
    ProjectIndex,
)
from ssotcheck.model import CheckResult, Finding, Location

RULES = ("SSOT204",)
# What this family reads of each file, and whether a file's findings depend on that
# file alone (see ssotcheck.incremental).
# "defined" and "all_names" too: an import of a name nothing provides is a `dangling`
# edge, which closes no cycle (SSOT205).
READS = frozenset({"imports", "defined", "all_names", "error"})
LOCAL = False

MAX_MODULES_IN_MESSAGE = 8
# Searching every start node is O(V * (V + E)); beyond this many modules in one
# component the search starts only from this many (alphabetically first) modules.
MAX_SEARCH_STARTS = 400


def edge_kinds(config: Config) -> frozenset[str]:
    # Never DANGLING: an import of a missing module raises ImportError, so what it names
    # cannot be half-initialised by it (SSOT205 reports it instead).
    kinds = {MODULE_LEVEL, IN_TRY}
    if config.cycles_include_type_checking:
        kinds.add(TYPE_CHECKING_KIND)
    if config.cycles_include_function_imports:
        # Deferred imports, whether to call time or to script runs (see the docstring).
        kinds.update((IN_FUNCTION, IN_MAIN_GUARD))
    return frozenset(kinds)


def _shortest_cycle_from(start: str, succ: dict[str, list[str]]) -> list[str] | None:
    """Breadth-first search back to `start`; neighbours are sorted, so ties resolve the
    same way on every run."""
    parent: dict[str, str] = {}
    queue: deque[str] = deque([start])
    seen = {start}
    while queue:
        node = queue.popleft()
        for nxt in succ[node]:
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return list(reversed(path))
            if nxt not in seen:
                seen.add(nxt)
                parent[nxt] = node
                queue.append(nxt)
    return None


def _rotate(cycle: list[str]) -> tuple[str, ...]:
    i = cycle.index(min(cycle))
    return tuple(cycle[i:] + cycle[:i])


def shortest_cycle(members: set[str], succ: dict[str, list[str]]) -> tuple[str, ...]:
    """A shortest cycle in a strongly connected component, as modules in import order."""
    best: tuple[str, ...] | None = None
    for a in sorted(members):  # a 2-cycle cannot be beaten, and is cheap to look for
        for b in succ[a]:
            if a < b and a in succ[b]:
                return (a, b)
    for start in sorted(members)[:MAX_SEARCH_STARTS]:
        found = _shortest_cycle_from(start, succ)
        if found is None:
            continue
        cand = _rotate(found)
        if best is None or (len(cand), cand) < (len(best), best):
            best = cand
    assert best is not None, "a strongly connected component of 2+ nodes has a cycle"
    return best


def _successors(index: ProjectIndex, kinds: frozenset[str]) -> dict[str, set[str]]:
    """Import graph as adjacency sets (parallel imports of one module collapse to one edge).
    Plain dicts instead of `index.graph()`: importing and filling networkx costs more than
    the whole cycle search."""
    succ: dict[str, set[str]] = {}
    for e in index.edges:
        if e.kind in kinds:
            targets = succ.get(e.importer)
            if targets is None:
                succ[e.importer] = {e.imported}
            else:
                targets.add(e.imported)
    return succ


def strongly_connected_components(succ: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm with an explicit stack (a long import chain must not hit the
    recursion limit). Component order is unspecified; callers sort what they report."""
    order: dict[str, int] = {}  # discovery number
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    empty: set[str] = set()
    work: list[tuple[str, Iterator[str]]] = []  # the call stack: node, children left

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        on_stack.add(node)
        work.append((node, iter(succ.get(node, empty))))

    for root in succ:
        if root in order:
            continue
        visit(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in order:
                    visit(child)
                    break
                if child in on_stack and order[child] < low[node]:
                    low[node] = order[child]
            else:  # every child done: close `node`
                work.pop()
                if work:
                    parent = work[-1][0]
                    if low[node] < low[parent]:
                        low[parent] = low[node]
                if low[node] == order[node]:
                    component: set[str] = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def _first_edges(index: ProjectIndex, kinds: frozenset[str], pairs: set[tuple[str, str]]
                 ) -> dict[tuple[str, str], ImportEdge]:
    """For each (importer, imported) pair, its earliest import by position; on a tie the
    first in `index.edges`. Only the pairs of shown cycles are needed."""
    first: dict[tuple[str, str], ImportEdge] = {}
    for e in index.edges:
        if e.kind not in kinds:
            continue
        pair = (e.importer, e.imported)
        if pair not in pairs:
            continue
        best = first.get(pair)
        if best is None or ((e.fact.span.line, e.fact.span.column)
                            < (best.fact.span.line, best.fact.span.column)):
            first[pair] = e
    return first


def check(index: ProjectIndex, config: Config) -> CheckResult:
    kinds = edge_kinds(config)
    graph = _successors(index, kinds)
    shown: list[tuple[set[str], tuple[str, ...]]] = []
    for members in strongly_connected_components(graph):
        if len(members) < 2:
            continue
        succ = {n: sorted(m for m in graph.get(n, ()) if m in members) for n in members}
        shown.append((members, shortest_cycle(members, succ)))
    pairs = {pair for _, cycle in shown for pair in zip(cycle, cycle[1:] + cycle[:1])}
    first_edge = _first_edges(index, kinds, pairs)
    findings = [_finding(index, members, cycle, first_edge) for members, cycle in shown]
    return CheckResult(tuple(sorted(findings, key=Finding.sort_key)))


def _finding(index: ProjectIndex, members: set[str], cycle: tuple[str, ...],
             first_edge: dict[tuple[str, str], ImportEdge]) -> Finding:
    locations: list[Location] = []
    for a, b in zip(cycle, cycle[1:] + cycle[:1]):
        edge = first_edge[(a, b)]
        span = edge.fact.stmt_span
        locations.append(Location(index.modules[a].path, span.line, span.column, span.end_line,
                                  span.end_column, message=f"`{a}` imports `{b}`"))
    shown = " -> ".join(f"`{m}`" for m in (*cycle, cycle[0]))
    message = f"import cycle: {shown}"
    if len(members) > len(cycle):
        names = sorted(members)
        listed = ", ".join(f"`{m}`" for m in names[:MAX_MODULES_IN_MESSAGE])
        more = len(names) - MAX_MODULES_IN_MESSAGE
        message += (f" (shortest of the cycles among {len(names)} mutually dependent modules: "
                    f"{listed}{f' and {more} more' if more > 0 else ''})")
    head = locations[0]
    return make_finding(
        "SSOT204", message,
        Location(head.path, head.line, head.column, head.end_line, head.end_column),
        related=locations, key=f"scc:{min(members)}",
    )
