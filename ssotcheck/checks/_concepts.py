"""What the duplicate rules (SSOT101-103) share: where a concept's copies live, which copy is
canonical (declared in `[tool.ssotcheck.canonical]`, else the most imported one) and how to
say so, and the register entry for the report.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Collection

from ssotcheck.areas import AreaMap
from ssotcheck.config import Config
from ssotcheck.index.project import ClassRef, ProjectIndex
from ssotcheck.model import Concept, Location

# ------------------------------------------------------------------------- options

# Code under these directories is somebody else's copy of a library: it is legitimately
# duplicated and is never a home of the project's own concepts.
VENDORED_DIRS = frozenset({
    "_vendor", "vendor", "vendored", "_vendored", "third_party", "thirdparty", "site-packages",
})
DECLARED = "declared in [tool.ssotcheck.canonical]"


def is_vendored(path: str) -> bool:
    return any(part in VENDORED_DIRS for part in path.split("/")[:-1])


def is_fallback(ref: ClassRef, index: ProjectIndex) -> bool:
    """A class its module also imports under the same name: the `try: from native import X /
    except ImportError: class X` pattern, where the class is the fallback, not a copy."""
    return not ref.fact.nested and index.binds_at_module_level(ref.module, ref.fact.name)


def is_test_area(area: str) -> bool:
    return "test" in area.lower()


def only_in_tests(homes: list["Home"]) -> bool:
    """Every copy lives in test code: a local fixture (`Article` in each Django test app),
    not a production concept split in two."""
    return bool(homes) and all(is_test_area(h.area) for h in homes)


def is_test_class(name: str, config: Config) -> bool:
    """A class pytest would collect (`python_classes`: prefixes or globs)."""
    for pattern in config.python_classes:
        if any(ch in pattern for ch in "*?["):
            if fnmatch.fnmatchcase(name, pattern):
                return True
        elif name.startswith(pattern):
            return True
    return False


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def names_list(names: Collection[str], limit: int = 6) -> str:
    """`A, B and C`; long lists end with `and N more` so a message stays one readable line."""
    items = sorted(names)
    if len(items) > limit:
        items = items[:limit] + [f"{len(names) - limit} more"]
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


class UnionFind:
    """Groups of keys joined pairwise; groups come out sorted, so output is deterministic."""

    def __init__(self, keys: list[str]) -> None:
        self.parent = {k: k for k in keys}

    def find(self, k: str) -> str:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for k in sorted(self.parent):
            out.setdefault(self.find(k), []).append(k)
        return [sorted(v) for _, v in sorted(out.items())]


# --------------------------------------------------------------------------- homes


@dataclass(frozen=True, slots=True)
class Home:
    """One place a concept is defined."""

    module: str
    qualname: str
    name: str
    path: str
    line: int
    column: int
    area: str
    importers: int  # modules importing this very definition
    module_fan_in: int

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.qualname}"

    def location(self, message: str = "") -> Location:
        return Location(self.path, self.line, self.column, message=message)


def home_of(ref: ClassRef, index: ProjectIndex, area_of: AreaMap) -> Home:
    """Symbol fan-in counts the concept itself: module-level fan-in alone would credit a big
    `utils` module with every import of anything in it."""
    return Home(ref.module, ref.fact.qualname, ref.fact.name, ref.path, ref.fact.span.line,
                ref.fact.span.column, area_of(ref.path),
                index.symbol_fan_in(ref.module, ref.fact.qualname),
                index.module_fan_in(ref.module))


@dataclass(frozen=True, slots=True)
class Canonical:
    home: Home | None  # None when the declared home defines no copy
    module: str
    reason: str
    declared: bool

    def describe(self) -> str:
        """`canonical: pkg.mod, declared in ...` or `suggested canonical: pkg.mod, imported by
        3 modules, ...`: the label says whether a person decided or the tool guessed."""
        label = "canonical" if self.declared else "suggested canonical"
        return f"{label}: {self.module}, {self.reason}"

    def is_home(self, home: Home) -> bool:
        return self.home is not None and home.qualified == self.home.qualified


def declared_home(config: Config, keys: set[str]) -> str | None:
    """The `[tool.ssotcheck.canonical]` value for the first matching concept key."""
    table = config.canonical_map()
    for key in sorted(keys):
        if key in table:
            return table[key]
    return None


def choose_canonical(homes: list[Home], declared: str | None) -> Canonical:
    """The declared home when configured; else production code before tests (tests should
    import production, not the other way round), then the most imported copy, then the
    module imported by most modules, then the shallower module."""
    if declared is not None:
        for h in sorted(homes, key=lambda h: h.qualified):
            if declared in (h.module, h.qualified):
                return Canonical(h, h.module, DECLARED, True)
        return Canonical(None, declared, f"{DECLARED}, but no copy is defined there", True)
    ranked = sorted(homes, key=lambda h: (is_test_area(h.area), -h.importers, -h.module_fan_in,
                                          h.module.count("."), h.module, h.qualname))
    best, rest = ranked[0], ranked[1:]
    peers = [h for h in rest if is_test_area(h.area) == is_test_area(best.area)]
    if best.importers:
        why = f"imported by {plural(best.importers, 'module')}"
        tied = [h for h in peers if h.importers == best.importers]
        if tied:
            why += f", as many as the copy in {tied[0].module}"
        elif peers:
            why += ", the most of any copy"
    else:
        why = "no copy is imported by name"
    busier = [h for h in rest if h.importers > best.importers]
    if busier and not is_test_area(best.area):
        why += (f"; the test copy in {busier[0].module} is imported more, but production code "
                f"is the better home")
    elif not busier and not is_test_area(best.area) and len(peers) < len(rest):
        why += "; it is the production copy"
    return Canonical(best, best.module, why, False)


def concept_entry(name: str, kind: str, homes: list[Home], canonical: Canonical,
                  extra: list[Location] | None = None) -> Concept:
    """Register entry: every home, the canonical one marked so the report can show it."""
    locations = [h.location("canonical" if canonical.is_home(h) else "") for h in homes]
    locations += extra or []
    return Concept(
        name=name, kind=kind,
        homes=tuple(sorted(set(locations), key=Location.sort_key)),
        canonical=canonical.module, canonical_reason=canonical.reason,
    )


def related_locations(homes: list[Home], this: Home, canonical: Canonical, label: str,
                      details: dict[str, str] | None = None) -> list[Location]:
    """The other definitions, each saying what it is so `related:` lines read on their own;
    `details` (qualified name -> text) adds what each one holds, e.g. its fields."""
    out = []
    for h in homes:
        if h.qualified == this.qualified:
            continue
        what = f"{label} `{h.name}` in {h.module}"
        if canonical.is_home(h):
            what += " (canonical)"
        if details and details.get(h.qualified):
            what += f": {details[h.qualified]}"
        out.append(h.location(what))
    return out


def by_module_count(homes: list[Home]) -> int:
    return len({h.module for h in homes})


def one_per_module(homes: list[Home]) -> list[Home]:
    """The first definition per module and name: `if PY2: class X ... else: class X ...` is
    one home with alternative bodies, not two copies."""
    seen: set[tuple[str, str]] = set()
    out = []
    for h in sorted(homes, key=lambda h: (h.module, h.name, h.line)):
        if (h.module, h.name) not in seen:
            seen.add((h.module, h.name))
            out.append(h)
    return out
