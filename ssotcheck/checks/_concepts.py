"""What the duplicate rules (SSOT101-103) share: where a concept's copies live, which copy is
canonical (declared in `[tool.ssotcheck.canonical]`, else the most imported one) and how to
say so, how copies group into concepts (by name first, each copy compared with the
group's canonical copy only, never through a chain of look-alikes), services, confidence,
and the register entry for the report.
"""

from __future__ import annotations

import fnmatch
import functools
import re
import weakref
from collections import Counter
from dataclasses import dataclass
from itertools import compress
from typing import Callable, Collection, Iterable, Mapping

from ssotcheck.areas import AreaMap
from ssotcheck.config import CONFIDENCE_LEVELS, Config
from ssotcheck.globs import compile_globs, matches
from ssotcheck.checks._kinds import EventSchema
from ssotcheck.index.project import IN_TRY, MODULE_LEVEL, STDLIB_TOPS, ClassRef, ProjectIndex
from ssotcheck.index.statements import deprecates
from ssotcheck.model import Concept, FileFacts, Finding, ImportFact, Location

# ------------------------------------------------------------------------- options

# Code under these directories is somebody else's copy of a library: it is legitimately
# duplicated and is never a home of the project's own concepts.
# `extern` and `externals` are the scientific projects' name for it (astropy's
# `extern/ply/`, scikit-learn's `externals/`).
VENDORED_DIRS = frozenset({
    "_vendor", "vendor", "vendored", "_vendored", "third_party", "thirdparty", "site-packages",
    "extern", "externals",
    # pyomo's `tpl/` ("Third-party libraries"): `tpl/ply/` is PLY as released
    "tpl",
})
DECLARED = "declared in [tool.ssotcheck.canonical]"
# A finding lists at most this many other definitions; the register lists them all.
MAX_RELATED = 10
# One-word class names too common to name one concept: two `Config` or `Handler` classes
# are the same concept only when their members say so. Any other name (`Router`,
# `AlertSeverity`, `EngineFactory`) is *distinctive*: same name, same concept candidate.
GENERIC_NAMES = frozenset("""
    a b c d x y z foo bar baz qux spam eggs thing things obj object item items
    abstract action actions adapter app application arg args argument arguments attribute
    attributes author backend base block book builder cache callback case child choice
    choices client collection color colors column command common component config
    configuration connection const constants container context controller cursor custom
    data default definition descriptor dict document driver dummy element engine entity
    entry enum error event exception extension factory fake field fields filter flags form
    formatter frame generic group handler helper helpers hook info inner interface item
    iterator job key keys kind level lexer library list loader manager map message meta
    migration mixin mock mode model models module name names node obj option options outer
    page panel param params parameters parent parser person plugin point property protocol
    proxy query record renderer request resource response result results root row runner
    schema screen serializer server service session set settings shape simple spec state
    status storage stub tag task template test tests thing token type types user util utils
    value values version view visitor warning widget window worker wrapper
    account address article blog category comment company customer department employee
    engineer invoice keyword manager note order post product
""".split())
# Directories of standalone scripts: each module is a world of its own that nobody imports.
SCRIPT_DIRS = frozenset({"examples", "example", "scripts", "script", "demo", "demos", "docs",
                         "doc", "samples", "sample", "benchmarks", "bench", "tutorial",
                         "tutorials", "docs_src", "doc_src", "snippets", "cookbook"})
# Packages of test doubles (buildbot's `test/fake/`, a library's public `testing/` package
# such as falcon's, whose `helpers.py` simulates a websocket): a fake mirrors the
# production class's API on purpose, so that tests can swap it in; its copy is the
# double's design.
# An emulator stands in for a backend as a fake does (opik's `message_processing/emulation/`
# keeps its own span models, mirroring the server's, for local evaluation).
FAKE_DIRS = frozenset({"fake", "fakes", "mock", "mocks", "testing", "emulation", "emulator",
                       "emulators"})
# Packages of code kept only for old imports (transformers' `models/deprecated/`,
# pydantic's `deprecated/`): a copy there is a stub of the live class.
DEPRECATED_DIRS = frozenset({"deprecated", "_deprecated"})
# First words that make a compound name generic again (`BaseHandler`, `MyModel`).
GENERIC_PREFIXES = frozenset({"base", "abstract", "default", "simple", "custom", "dummy", "fake",
                              "mock", "my", "test", "some", "other", "stub", "generic"})
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def is_vendored(path: str) -> bool:
    return any(part in VENDORED_DIRS for part in path.split("/")[:-1])


DirSet = Callable[[ProjectIndex], frozenset[str]]


def _per_index(compute: DirSet) -> DirSet:
    """`compute` memoised per index: the directory sets below each take one pass over
    every file, and are asked once per definition."""
    memo: "weakref.WeakKeyDictionary[ProjectIndex, frozenset[str]]" = \
        weakref.WeakKeyDictionary()

    @functools.wraps(compute)
    def memoised(index: ProjectIndex) -> frozenset[str]:
        found = memo.get(index)
        if found is None:
            found = memo[index] = compute(index)
        return found

    return memoised


def _below_any(path: str, dirs: frozenset[str]) -> bool:
    """`path` lies in one of `dirs` (slash-separated directory paths), at any depth."""
    if not dirs:
        return False
    parts = path.split("/")
    return any("/".join(parts[:k]) in dirs for k in range(1, len(parts)))


# A package directory holding this many packages that each import themselves by their own
# top-level name is a site directory of installed code (see `installed_dirs`).
MIN_INSTALLED_PACKAGES = 2
# Names of a directory `pip install --target` fills: with installed packages in it, all of
# it is installed code (kolibri's `dist/six.py` beside `dist/django/`). Elsewhere only the
# installed packages are (awscli's `botocore/` and `s3transfer/` beside its own code).
INSTALL_DIRS = frozenset({"dist", "lib", "libs", "deps", "packages", "site", "pylib"})


@_per_index
def installed_dirs(index: ProjectIndex) -> frozenset[str]:
    """Directories of installed third-party code inside a package that is also a
    `sys.path` entry: kolibri's `kolibri/dist/` (it has an `__init__.py`) holds Django,
    urllib3, pyasn1, six... installed by `pip install --target`, and the code in
    `kolibri/dist/django/` imports `django.db`, not `kolibri.dist.django.db`; awscli v2's
    `awscli/botocore/` imports `botocore.exceptions`. A package most of whose modules
    import it by a top-level name that is no first-party module, each such import found
    in the copy there (the module exists, the imported names are defined in it), runs
    from another `sys.path` entry: somebody else's code, as under `vendor/`. Such
    packages count only where MIN_INSTALLED_PACKAGES of them sit side by side (one may be
    the project's own path hack), and the whole directory counts when it is named as an
    install directory (INSTALL_DIRS)."""
    files = index.files

    def resolves(site: str, imp: ImportFact) -> bool:
        """The import is of the copy under `site`: `django.db` is `site/django/db`, and
        `from django.db import models` finds `models` in it. A library that only shares
        the package's name (homeassistant's `components/canary/` importing the `canary`
        library's `const.LOCATION_MODE_AWAY`) names what the copy does not define."""
        base = site + "/" + imp.module.replace(".", "/")
        target = files.get(base + ".py") or files.get(base + "/__init__.py")
        if imp.name is None:
            return "." in imp.module and target is not None
        sub = f"{base}/{imp.name}"
        return sub + ".py" in files or sub + "/__init__.py" in files or (
            target is not None and imp.name in target.defined_names())

    # (site, package) -> [modules of the package, those importing it by its own name]
    tally: dict[tuple[str, str], list[int]] = {}
    for path, facts in files.items():
        parts = path.split("/")[:-1]
        by_top: dict[str, list[ImportFact]] = {}
        for imp in facts.imports:
            if not imp.level and imp.module:
                by_top.setdefault(imp.module.partition(".")[0], []).append(imp)
        for k in range(1, len(parts)):
            site, top = "/".join(parts[:k]), parts[k]
            if site + "/__init__.py" not in files:
                continue
            counts = tally.setdefault((site, top), [0, 0])
            counts[0] += 1
            if top in by_top and not index.is_first_party(top) and any(
                    resolves(site, imp) for imp in by_top[top]):
                counts[1] += 1
    installed: dict[str, list[str]] = {}
    for (site, top), (modules, selfish) in tally.items():
        if modules >= 2 and 2 * selfish >= modules:
            installed.setdefault(site, []).append(top)
    out: set[str] = set()
    for site, tops in installed.items():
        if len(tops) < MIN_INSTALLED_PACKAGES:
            continue
        out.update(f"{site}/{top}" for top in tops)
        if site.rpartition("/")[2] in INSTALL_DIRS:
            out.add(site)
    return frozenset(out)


def vendored(path: str, index: ProjectIndex) -> bool:
    """Somebody else's code: under a vendoring directory (VENDORED_DIRS) or a site
    directory inside the project (`installed_dirs`)."""
    return is_vendored(path) or _below_any(path, installed_dirs(index))


def left_out(path: str, index: ProjectIndex) -> bool:
    """Code the concept rules neither judge nor take as a concept's home: vendored copies
    (`vendored`), files a generator wrote (`FileFacts.generated`, `generated_dirs`, or a
    directory named for generated code, GENERATED_DIR_NAMES) and
    migration scripts (`is_migration`): their copies are fixed in the upstream project or the
    generator, or are history, and "import the canonical one" is no advice there."""
    if vendored(path, index):
        return True
    facts = index.files.get(path)
    if facts is not None and (facts.generated or is_migration(facts)):
        return True
    if any(part in GENERATED_DIR_NAMES for part in path.split("/")[:-1]):
        return True
    if _below_any(path, migration_envs(index)):
        return True
    return path.rpartition("/")[0] in generated_dirs(index)


@_per_index
def migration_envs(index: ProjectIndex) -> frozenset[str]:
    """Alembic environments: a directory holding `env.py` and a `versions/` directory of
    migrations (`is_migration`). Everything below one is migration history, the models a
    revision snapshots included (cloudkitty's `alembic/models/<revision>_*.py`, which
    its `versions/<revision>_*.py` imports as that revision's frozen `HashMapBase`)."""
    return frozenset(
        env for path, facts in index.files.items()
        if (parts := path.rsplit("/", 2))[1:2] == ["versions"] and is_migration(facts)
        and (env := parts[0]) + "/env.py" in index.files)


def is_migration(facts: FileFacts) -> bool:
    """A schema-migration script: Alembic's (a `revision`, a top-level `upgrade` and a
    `downgrade` function or a `down_revision`), or Django's (in a `migrations` package, a top-level
    `Migration` class on a `...Migration` base: `migrations.Migration`, sentry's
    `CheckedMigration`). It snapshots the models as they were at its revision on purpose,
    since a migration must not import today's models: its `Slice` and `Dashboard`, a data
    migration's `NotificationSettingTypes`, are frozen history, not copies to import
    instead."""
    functions = {fn.name for fn in facts.functions}
    # OpenStack's Alembic scripts drop `downgrade`; `down_revision` still says Alembic.
    if "revision" in facts.constants and "upgrade" in functions and (
            "downgrade" in functions or "down_revision" in facts.constants):
        return True
    return "migrations" in facts.path.split("/")[:-1] and any(
        c.name == "Migration" and not c.nested
        and any(b.rpartition(".")[2].endswith("Migration") for b in c.bases)
        for c in facts.classes)


# Directories named for generated code (arize-phoenix's GraphQL client in
# `graphql/__generated__/`, whose files carry no header).
GENERATED_DIR_NAMES = frozenset({"__generated__", "_generated", "generated"})
# A directory of files without a generator header counts as generated when every file of
# its parent directory carries one, and there are at least this many of them.
MIN_GENERATED_PARENT_FILES = 10


@_per_index
def generated_dirs(index: ProjectIndex) -> frozenset[str]:
    """Directories the generator owns although their files carry no header: openai's
    `types/beta/realtime/` (71 files, no header) inside `types/beta/` (380 files, every one
    `# File generated from our OpenAPI spec`). A generator owns its output tree; a
    hand-written package beside generated code has a parent that is not all generated
    (openai's `lib/` next to `_client.py`). One level only: the parent must be generated by
    its own headers."""
    counts: dict[str, list[int]] = {}
    for path, facts in index.files.items():
        tally = counts.setdefault(path.rpartition("/")[0], [0, 0])
        tally[0] += facts.generated
        tally[1] += 1
    return frozenset(
        d for d, (generated, _) in counts.items() if d and not generated
        and (parent := counts.get(d.rpartition("/")[0])) is not None
        and parent[1] >= MIN_GENERATED_PARENT_FILES and parent[0] == parent[1])


def generated_events(schemas: Iterable[EventSchema], index: ProjectIndex) -> frozenset[str]:
    """Events a generated file defines a schema of: the generator's wire format (an SDK's
    API events). SSOT102 leaves such an event out altogether, schemas and payloads: with
    the generated schemas gone, a hand-written payload would be judged against whatever
    hand-written class happens to share the tag (a subclass adding a field, a legacy
    namespace's model), and the real contract is the spec, which ssotcheck does not read."""
    return frozenset(s.event for s in schemas
                     if not vendored(s.ref.path, index) and left_out(s.ref.path, index))


def is_fallback(ref: ClassRef, index: ProjectIndex) -> bool:
    """A class its module also imports under the same name: the `try: from native import X /
    except ImportError: class X` pattern, where the class is the fallback, not a copy."""
    return not ref.fact.nested and index.binds_at_module_level(ref.module, ref.fact.name)


def is_test_area(area: str) -> bool:
    return "test" in area.lower()


def only_throwaway(homes: list["Home"]) -> bool:
    """Every copy lives in test code, a standalone script or an example (`Home.throwaway`):
    a local fixture (`Article` in each Django test app) or a documentation example that
    re-declares its model, not a production concept split in two."""
    return bool(homes) and all(h.throwaway for h in homes)


def is_test_class(name: str, config: Config) -> bool:
    """A class pytest would collect (`python_classes`: prefixes or globs)."""
    for pattern in config.python_classes:
        if any(ch in pattern for ch in "*?["):
            if fnmatch.fnmatchcase(name, pattern):
                return True
        elif name.startswith(pattern):
            return True
    return False


def name_words(name: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(name)]


def is_distinctive(name: str) -> bool:
    """A name that identifies a concept by itself: not a common single word, not `BaseX`."""
    words = name_words(name)
    if not words or any(part.startswith("_") for part in name.split(".")):
        return False  # a private class is its module's own business
    if len(words) == 1:
        # A plural of a common word is as common (`Commands`: kfp's `diagnose_me/gcp.py`
        # and `kubernetes_cluster.py` each list their own).
        word = words[0]
        return word not in GENERIC_NAMES and len(word) > 3 and not (
            word.endswith("s") and word[:-1] in GENERIC_NAMES)
    return words[0] not in GENERIC_PREFIXES


def is_deprecated(ref: ClassRef) -> bool:
    """Marked deprecated: in its docstring or by its constructor's decorator
    (`ClassFact.deprecated`), by a deprecating decorator (`@deprecated`, `@deprecated_class`:
    `statements.deprecates`, the constructor's test too), in its class statement by a
    `deprecated=` class keyword or a metaclass named for deprecation (an enum kept for old
    imports whose members each warn: `class ConfigSource(StrEnum,
    metaclass=EnumWithDeprecatedMembers, deprecated={...})`), or by living in a package of
    deprecated code (DEPRECATED_DIRS)."""
    return ref.fact.deprecated or any(deprecates(d) for d in ref.fact.decorators) or any(
        key == "deprecated" or key == "metaclass" and "deprecat" in value.lower()
        for key, value in ref.fact.keywords) or any(
        part in DEPRECATED_DIRS for part in ref.path.split("/")[:-1])


def declared_copy(ref: ClassRef, other: ClassRef) -> Apart | None:
    """One of the two declares itself a copy of the other (`ClassFact.copied_from`: a
    `# Copied from pkg.mod.Name` comment above the class): the project keeps it on purpose,
    one module per model, and a copy checker keeps it identical, so "import it from there"
    is no advice. The `shown, not counted` text, or None."""
    for copy, source in ((ref, other), (other, ref)):
        if copy.fact.copied_from and copy.fact.copied_from == source.qualified:
            return Apart(f"shown, not counted: {copy.module} declares its copy "
                         f"(`# Copied from {source.qualified}`): a copy kept on purpose and "
                         f"in sync with its source by the project's copy check",
                         "declared copy")
    return None


def declared_convention(ref: ClassRef, config: Config) -> bool:
    """Matches `duplicates.conventions`: `Name` or `path-glob:Name` (the name may be a glob)."""
    for entry in config.conventions:
        glob, _, name = entry.rpartition(":")
        if fnmatch.fnmatchcase(ref.fact.name, name) and (not glob or matches(ref.path, [glob])):
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


# Fields typed otherwise listed one by one, at most; the rest are counted.
MAX_TYPE_DIFFS = 3


def retyped_text(mine: Mapping[str, str | None], theirs: Mapping[str, str | None],
                 where: str) -> list[str]:
    """`types `input` as `dict`, `str | None` in X` for each field both copies declare
    with a known type (`MemberFact.type`) that differs: litellm's two request schemas with
    the same field names, `input: Optional[str]` in one and `input: dict` in the other. A
    field either copy types loosely (`Any`, a call) is not compared."""
    pairs = sorted((name, here, theirs[name]) for name, here in mine.items()
                   if here and theirs.get(name) and here != theirs[name])
    parts = [f"types `{name}` as `{here}`, `{there}` in {where}"
             for name, here, there in pairs[:MAX_TYPE_DIFFS]]
    if len(pairs) > MAX_TYPE_DIFFS:
        parts.append(f"{plural(len(pairs) - MAX_TYPE_DIFFS, 'more field')} typed otherwise")
    return parts


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
    # A standalone script: its module runs as one (`FileFacts.script_entry`) and no module
    # imports it, like a module under SCRIPT_DIRS.
    script: bool = False

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.qualname}"

    def location(self, message: str = "") -> Location:
        return Location(self.path, self.line, self.column, message=message)

    @property
    def in_tests(self) -> bool:
        return is_test_area(self.area)

    @property
    def throwaway(self) -> bool:
        """Test code, or a standalone script or example: code nobody builds on."""
        return self.in_tests or self.script or any(
            p in SCRIPT_DIRS for p in self.path.split("/")[:-1])


def home_of(ref: ClassRef, index: ProjectIndex, area_of: AreaMap) -> Home:
    """Symbol fan-in counts the concept itself: module-level fan-in alone would credit a big
    `utils` module with every import of anything in it. A nested class is imported with
    the class that holds it (`from oaut import VARENUM` ... `VARENUM.enumItems`)."""
    fan_in = index.module_fan_in(ref.module)
    facts = index.files.get(ref.path)
    return Home(ref.module, ref.fact.qualname, ref.fact.name, ref.path, ref.fact.span.line,
                ref.fact.span.column, area_of(ref.path),
                index.symbol_fan_in(ref.module, ref.fact.qualname.partition(".")[0]), fan_in,
                fan_in == 0 and facts is not None and facts.script_entry)


def exercises(index: ProjectIndex, test: Home, production: Home) -> bool:
    """The test module imports from the production copy's package: it tests that code, so
    its own copy of a class or enum is a stand-in that drifts. A standalone tool or script
    that imports none of it (ansible-test's own `Display`), or a test of other code that
    builds its own example (pyomo's `common/tests/test_enums.py` declares a `ProblemSense`
    to exercise the `ExtendedEnumType` metaclass, and `common` cannot import `opt`), keeps
    its own definitions on purpose."""
    facts = index.files.get(test.path)
    package = index.package_of(production.module) or production.module
    for imp in facts.imports if facts is not None else ():
        target, _ = index.import_target(test.module, imp)
        if target == package or target.startswith(package + "."):
            return True
    return False


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


# Module names that say "the definitions live here": with no import to tell copies apart,
# `eleven_labs/models.py` is the home and `eleven_labs/text2speech.py` the copy.
DEFINITION_MODULES = frozenset({"models", "model", "types", "enums", "enum", "constants",
                                "consts", "schemas", "schema", "definitions", "typing",
                                "typedefs", "type_defs", "datatypes"})


def definitions_module(module: str) -> bool:
    return module.rpartition(".")[2].lstrip("_") in DEFINITION_MODULES


ImportsFrom = Callable[[str, str], bool]


def _upstream(best: Home, peers: list[Home], imports_from: ImportsFrom) -> tuple[Home, Home]:
    """(copy, importer): following one-way imports from `best` to the copies its module
    imports from, the copy where they end (the best-ranked when several), and the copy whose
    module imports from it; (best, best) when best's module imports from no other copy's.
    airflow's `providers_manager` imports from the shared `_shared/providers_discovery/`,
    so the shared library, however less imported, is the home: advice the other way round
    would close an import cycle."""
    importer, current, seen = best, best, {best.module}
    while True:
        nxt = next((h for h in peers if h.module not in seen
                    and imports_from(current.module, h.module)
                    and not imports_from(h.module, current.module)), None)
        if nxt is None:
            return current, importer
        importer, current = current, nxt
        seen.add(nxt.module)


def choose_canonical(homes: list[Home], declared: str | None,
                     imports_from: ImportsFrom | None = None) -> Canonical:
    """The declared home when configured; else production code before tests (tests should
    import production, not the other way round), then the most imported copy, then a
    definitions module (`models`, `types`, `enums`...), then the module imported by most
    modules, then the shallower module. With `imports_from`, a copy whose module the
    chosen one's imports from (one way) is upstream and takes its place (`_upstream`)."""
    if declared is not None:
        for h in sorted(homes, key=lambda h: h.qualified):
            if declared in (h.module, h.qualified):
                return Canonical(h, h.module, DECLARED, True)
        return Canonical(None, declared, f"{DECLARED}, but no copy is defined there", True)
    ranked = sorted(homes, key=lambda h: (is_test_area(h.area), -h.importers,
                                          not definitions_module(h.module), -h.module_fan_in,
                                          h.module.count("."), h.module, h.qualname))
    best, rest = ranked[0], ranked[1:]
    peers = [h for h in rest if is_test_area(h.area) == is_test_area(best.area)]
    if imports_from is not None and peers:
        upstream, importer = _upstream(best, peers, imports_from)
        if upstream is not best:
            why = f"{importer.module} imports from it: the upstream copy"
            if not is_test_area(upstream.area) and len(peers) < len(rest):
                why += "; it is the production copy"
            return Canonical(upstream, upstream.module, why, False)
    named = definitions_module(best.module) and any(
        not definitions_module(h.module) and h.importers == best.importers for h in peers)
    if named:
        why = (f"imported by {plural(best.importers, 'module')}" if best.importers
               else "no copy is imported by name")
        why += f"; it is the `{best.module.rpartition('.')[2]}` module, where definitions live"
    elif best.importers:
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
    `details` (qualified name -> text) adds what each one holds, e.g. its fields. At most
    MAX_RELATED, the canonical copy first: an 84-way concept must not repeat 83 entries in
    each of its 84 findings (`more_note` says how many were left to the register)."""
    out = []
    ordered = sorted(homes, key=lambda h: (not canonical.is_home(h), h.path, h.line))
    for h in ordered:
        if h.qualified == this.qualified:
            continue
        what = f"{label} `{h.name}` in {h.module}"
        if canonical.is_home(h):
            what += " (canonical)"
        if details and details.get(h.qualified):
            what += f": {details[h.qualified]}"
        out.append(h.location(what))
    return out[:MAX_RELATED]


def more_note(homes: list[Home]) -> str:
    """`; related: 10 shown and 73 more in the split-concept register` when capped."""
    others = len(homes) - 1
    if others <= MAX_RELATED:
        return ""
    return (f"; related: {MAX_RELATED} shown and {others - MAX_RELATED} more in the "
            f"split-concept register")


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


def names_in_two_modules(refs: Iterable[ClassRef]) -> dict[str, list[ClassRef]]:
    """Class name -> its definitions, in index order, for the names two or more modules
    define: a name one module holds can never be a duplicate, whatever its classes are."""
    refs = tuple(refs)
    names = [ref.fact.name for ref in refs]
    repeated = {name for name, n in Counter(names).items() if n > 1}
    by_name: dict[str, list[ClassRef]] = {}
    for ref in compress(refs, [name in repeated for name in names]):
        by_name.setdefault(ref.fact.name, []).append(ref)
    return {name: defs for name, defs in by_name.items() if len({r.module for r in defs}) > 1}


def anchored_groups(homes: list[Home], declared: str | None,
                    same: Callable[[Home, Home], bool], imports_from: ImportsFrom | None = None
                    ) -> list[tuple[Canonical, list[Home]]]:
    """Concepts among same-name copies without chaining: the best copy left (declared, else
    as `choose_canonical` ranks them, `imports_from` included) anchors a group of the
    copies `same` as it; the rest start the next group. A copy like both A and C no longer
    glues A and C together."""
    rest = one_per_module(homes)
    out: list[tuple[Canonical, list[Home]]] = []
    while rest:
        canonical = choose_canonical(rest, declared, imports_from)
        anchor = canonical.home
        if anchor is None:  # a declared home without a copy: every copy is one concept
            out.append((canonical, rest))
            break
        group = [anchor] + [h for h in rest if h is not anchor and h.module != anchor.module
                            and same(anchor, h)]
        taken = {h.qualified for h in group}
        rest = [h for h in rest if h.qualified not in taken]
        # A copy alone keeps what was said of it among the rest, whose copies may yet join
        # its concept (a drifted one it is upstream of); a group is told of itself only.
        out.append((canonical if len(group) == 1 else
                    choose_canonical(group, declared, imports_from), group))
        declared = None  # only the first group can hold the declared home
    return out


# Files that make a top-level directory a deployable of its own (its own setup, a Django
# project, a WSGI/ASGI app, a runnable package).
DEPLOYABLE_MARKERS = frozenset({"setup.py", "manage.py", "wsgi.py", "asgi.py", "__main__.py"})


def detected_services(paths: Iterable[str]) -> tuple[str, ...]:
    """`services` when not configured: top-level directories holding a deployable marker
    directly (`auth_service/manage.py`), when there are at least two of them; one is just
    the project itself."""
    tops = sorted({p.partition("/")[0] for p in paths
                   if p.count("/") == 1 and p.rpartition("/")[2] in DEPLOYABLE_MARKERS})
    return tuple(f"{t}/**" for t in tops) if len(tops) >= 2 else ()


class Services:
    """Which service (`services` glob) a file belongs to; "" for code outside every service
    (shared libraries, which every service may import)."""

    def __init__(self, config: Config, index: ProjectIndex) -> None:
        globs = config.services if config.services is not None else detected_services(
            index.files)
        self._globs = [(g, compile_globs([g])) for g in globs]
        self._memo: dict[str, str] = {}

    def __bool__(self) -> bool:
        return bool(self._globs)

    def __call__(self, path: str) -> str:
        found = self._memo.get(path)
        if found is None:
            found = next((g for g, rx in self._globs if rx is not None and rx.match(path)), "")
            self._memo[path] = found
        return found

    def reference(self, home: Home, homes: list[Home], canonical: Canonical
                  ) -> tuple[Home | None, bool]:
        """The copy `home` is compared with, and whether `home` is another service's own
        copy of the concept (reported at info: services deliberately share no code). A
        concept declared canonical holds across services."""
        mine = self(home.path) if self._globs else ""
        theirs = self(canonical.home.path) if canonical.home is not None else ""
        if canonical.declared or not mine or not theirs or mine == theirs:
            return canonical.home, False
        local = choose_canonical([h for h in homes if self(h.path) == mine], None).home
        if local is None or local.qualified == home.qualified:
            return canonical.home, True
        return local, False


def cross_service(services: Services, path: str, canonical: Canonical) -> str:
    """`; it is in service A, which shares no code with service B` when `path` is in another
    service than the canonical home (and the concept is not declared canonical), else ""."""
    if not services or canonical.declared or canonical.home is None:
        return ""
    mine, theirs = services(path), services(canonical.home.path)
    if not mine or not theirs or mine == theirs:
        return ""
    return (f"; it is in service {service_name(mine)}, which shares no code with service "
            f"{service_name(theirs)}")


def service_name(glob: str) -> str:
    """`auth_service/**` -> `auth_service`: the glob's literal leading part, for messages."""
    parts = []
    for part in glob.split("/"):
        if any(ch in part for ch in "*?["):
            break
        parts.append(part)
    return "/".join(parts) or glob


@dataclass(frozen=True, slots=True)
class Confidence:
    level: str  # "high" | "medium" | "low"
    reasons: tuple[str, ...]


def confident(findings: list[Finding], config: Config) -> list[Finding]:
    """Drop findings below `duplicates.min-confidence`."""
    floor = CONFIDENCE_LEVELS.index(config.min_confidence)
    return [f for f in findings
            if f.confidence is None or CONFIDENCE_LEVELS.index(f.confidence) >= floor]


# ---------------------------------------------------------------------- relations

# A word of a module path (`zep` in `retrievers/zep.py`, `takeoff` in
# `llms/titan_takeoff.py`) names one integration or feature when few of the project's
# modules hold it: two modules sharing such a word are parts of one thing. Rare means in
# at most this many modules, or this share of them in a big project.
RARE_WORD_MODULES = 12
RARE_WORD_SHARE = 0.005
MIN_WORD_LEN = 3
# Two sibling packages holding this many modules at the same relative paths are parallel
# layers (`core_api/datamodels/hitl.py` and `execution_api/datamodels/hitl.py`, a legacy
# package mirroring the new one): a shared module name there is the layout, not a copy.
MIN_LAYER_MODULES = 3
# A package with at least this many sub-packages, this many of which (and at least half)
# hold a module of one name, is a plugin host (`components/*/config_flow.py`,
# `integrations/*/client.py`): each sub-package is a plugin of its own.
MIN_PLUGIN_PACKAGES = 5
# Path components under which sibling packages and modules are interchangeable
# implementations of one interface, picked by configuration (`search/backends/database/
# mysql` and `.../postgres`, `db/backends/*`, `sqlalchemy/dialects/*`; strawberry's
# `subscriptions/protocols/graphql_ws/` and `.../graphql_transport_ws/`, one set of message
# types per websocket sub-protocol; manticore's `platforms/linux.py` and `decree.py`, one
# emulated operating system each; kombu's `transport/*`).
BACKEND_DIRS = frozenset({"backends", "backend", "drivers", "dialects", "engines"})
# Names that also group whole subsystems (os-ken's `services/protocols/bgp/`): they hold
# alternatives only where two modules part right below them.
ALTERNATIVES_DIRS = frozenset({"protocols", "platforms", "transports", "transport"})
# Stores and services a module is named for when it is one backend of an interface
# (apache-beam's `ingestion/mysql_common.py` beside `postgres_common.py`, each with its
# own `ColumnSpec`): two such modules that differ only in that word are two backends even
# when neither imports the store's client library (both speak JDBC).
BACKEND_WORDS = frozenset("""
    mysql mariadb postgres postgresql pg sqlite sqlite3 oracle mssql sqlserver db2 duckdb
    clickhouse snowflake redshift bigquery spanner bigtable alloydb cloudsql trino presto
    hive spark mongo mongodb cassandra couchdb couchbase dynamodb firestore datastore
    redis memcache memcached elasticsearch opensearch solr kafka rabbitmq pubsub sqs sns
    kinesis nats zookeeper etcd consul s3 gcs azure qdrant milvus pinecone chroma weaviate
    pgvector
""".split())
# Two sibling packages whose modules are (nearly) the same set, at least
# MIN_LAYER_MODULES of them, are twins: one implementation per variant (sphinx's
# `domains/c/` and `domains/cpp/`, each with `_ast`, `_ids`, `_parser`, `_symbol`).
TWIN_SHARE = 0.8
# A version word in a module or package name (`v1_transformation`, `rerank_v2`, `v2`), or a
# pre-release channel of an API (`types/beta/` beside `types/`, `_beta_types` beside
# `_types`): the beta API is its own version, whose types evolve apart from the stable one's.
# A word and its number (`dynesty3`, `rfc1902`, `http2`): the number says which version.
NUMBERED_WORD = re.compile(r"(?<=[a-z]{3})\d+$")
VERSION_WORD = re.compile(r"v\d+|alpha|beta|preview")
# Words that mark a module as an earlier state of its namesake kept beside it on purpose:
# mlflow's `dbmodels/initial_models.py` (the schema the database is created from before the
# migrations run) beside `dbmodels/models.py`, salt's `yamlloader_old.py` beside
# `yamlloader.py`. Only in a module name, next to a module of the same name without it
# (`Relations.versions`): a package named `legacy/` is not one (its copies are the drifted
# copies the rules exist for).
SNAPSHOT_WORDS = frozenset({"old", "initial", "orig", "original", "prev", "previous"})
# Words naming the platform or the concurrency model one implementation is for: modules
# or packages that differ only by one keep the same classes by design (twisted's
# `_posixstdio` / `_win32stdio`, sentry-sdk's `grpc/server.py` / `grpc/aio/server.py`,
# `sync/client.py` / `asyncio/client.py`). The long ones also count at the start or end of
# a word (`posixstdio`); the short ones only as a word of their own (`nt`, `aio`).
VARIANT_WORDS = frozenset({"posix", "win32", "win", "windows", "nt", "unix", "linux",
                           "darwin", "macos", "osx", "cygwin", "aio", "async", "asyncio",
                           # Windows toolchains: pygame's `buildconfig/config_msys2.py`
                           # beside `config_win.py`
                           "msys", "msys2", "mingw", "mingw32", "mingw64",
                           "sync", "trio",
                           # the array framework one implementation is for: transformers'
                           # `modeling_tf_tapas.py` beside `modeling_tapas.py`, each file
                           # self-contained by the project's one-file-per-framework policy
                           "tf", "flax", "jax",
                           # the hardware one implementation is for: vllm's
                           # `models/beam/amd/dflash2.py` beside `models/beam/nvidia/
                           # dflash2.py`, each vendor's kernels and model code kept apart
                           "amd", "nvidia", "cuda", "rocm", "hip", "xpu", "tpu", "hpu",
                           "npu", "gpu", "cpu", "mps", "neuron",
                           # a C-accelerated module and its pure-Python twin: aiohttp's
                           # `_websocket/reader_c.py` (the Cython source) and `reader_py.py`
                           "c", "py", "cython"})
# Variant words that mark a variant only in a module's name, not as a package (`c/` and
# `cpp/` are two languages' packages, not an accelerated and a pure-Python variant).
MODULE_NAME_VARIANTS = frozenset({"c", "py", "cython"})
VARIANT_AFFIXES = ("asyncio", "windows", "darwin", "cygwin", "posix", "win32", "linux",
                   "macos", "unix")
# `sync` also names data synchronisation (`app/sync/`, `data_sync.py`): it marks a variant
# only against an async word on the other side.
ASYNC_WORDS = frozenset({"aio", "async", "asyncio", "trio"})
# What a message says when `Relations.evidence` found nothing (the finding is then info).
INDEPENDENT = ("shown, not counted: the two modules look independent (neither imports the "
               "other, and no package or rare path word links them)")


# How `Relations.evidence` says that only a rare path word ties two modules.
PATH_WORD_EVIDENCE = "both module paths name"


@dataclass(frozen=True, slots=True)
class Apart:
    """Why copies in two modules are each module's own by design: the `shown, not counted`
    text for a message and the confidence reason."""

    note: str
    reason: str


def _version_word(word: str, module: bool) -> bool:
    """A word of a path component that says which version of its namesake it is (`v1`,
    `beta`, a number: the `5` of `parse3_5`; in a module's own name also `old`,
    `initial`: SNAPSHOT_WORDS)."""
    return bool(VERSION_WORD.fullmatch(word)) or word.isdigit() or (
        module and word in SNAPSHOT_WORDS)


# Shorter words say too little to be a library's name in another spelling.
MIN_LIBRARY_SPELLING = 4


def _abbreviates(word: str, name: str) -> bool:
    """`thrding` for `threading`, `evtlet` for `eventlet`: the same first letter, and every
    letter of `word` in `name` in order."""
    if not word or word[0] != name[0]:
        return False
    rest = iter(name)
    return all(ch in rest for ch in word)


def _library_named(component: str, imported: frozenset[str]) -> str | None:
    """The library among `imported` (a module's external top-level imports) that a path
    component, or its leading word, names: the library itself (`trio`, `httptools_impl`),
    one name inside the other (alibi-detect's `pytorch/` for `torch`, `keops/` for
    `pykeops`) or an abbreviation of it (`thrding.py` for `threading`). None when none
    does."""
    for word in dict.fromkeys((component, component.partition("_")[0])):
        word = word.lower()
        if word in imported:
            return word
        if len(word) < MIN_LIBRARY_SPELLING:
            continue
        for lib in sorted(imported):
            low = lib.lower()
            if len(low) >= MIN_LIBRARY_SPELLING and (
                    word in low or low in word or _abbreviates(word, low)):
                return lib
    return None


def path_words(module: str) -> frozenset[str]:
    """The leading word of each component of a module's path: what a component is about
    (`pebblo` in `pebblo_retrieval`, `titan` in `titan_takeoff`), not its kind (the
    `gateway` of `mlflow_ai_gateway` and `javelin_ai_gateway`, two vendors)."""
    out = set()
    for part in module.lower().split("."):
        word = part.lstrip("_").partition("_")[0]
        if len(word) >= MIN_WORD_LEN and not word.isdigit():
            out.add(word)
    return frozenset(out)


def _without_variant_words(name: str) -> tuple[list[str], set[str]]:
    """The words of a module name (split at `_`) with the variant words dropped, and the
    variant words dropped (a long one also at the start or end of a word)."""
    kept: list[str] = []
    dropped: set[str] = set()
    for word in name.lower().split("_"):
        if word in VARIANT_WORDS:
            dropped.add(word)
            continue
        for affix in VARIANT_AFFIXES:
            if len(word) > len(affix) and (word.startswith(affix) or word.endswith(affix)):
                word = word[len(affix):] if word.startswith(affix) else word[:-len(affix)]
                dropped.add(affix)
                break
        if word:
            kept.append(word)
    return kept, dropped


def _parting(a: str, b: str) -> tuple[list[str], list[str], int]:
    """The components of dotted names `a` and `b`, and how many leading ones they share:
    where their paths part."""
    pa, pb = a.split("."), b.split(".")
    n = 0
    while n < min(len(pa), len(pb)) and pa[n] == pb[n]:
        n += 1
    return pa, pb, n


def _one_component_at(pa: list[str], pb: list[str]) -> int | None:
    """Where component lists of equal length differ, when they differ in exactly one."""
    if len(pa) != len(pb):
        return None
    diff = [i for i, (x, y) in enumerate(zip(pa, pb)) if x != y]
    return diff[0] if len(diff) == 1 else None


def _sub_package(module: str, plugin: str) -> str | None:
    """The package right below `plugin` that holds `module`, when `module` is deeper than
    a module of the plugin itself."""
    rest = module[len(plugin) + 1:].split(".")
    return f"{plugin}.{rest[0]}" if len(rest) >= 2 else None


def one_component_apart(a: str, b: str) -> tuple[str, str] | None:
    """The one component in which dotted names `a` and `b` of equal length differ, or None
    when they differ in none or in several."""
    pa, pb = a.split("."), b.split(".")
    i = _one_component_at(pa, pb)
    return None if i is None else (pa[i], pb[i])


@dataclass(frozen=True)
class ImportPairs:
    """Which module imports which: `direct` holds (importer, imported) for every import;
    `through` holds (importer, defining module) for names imported from a module that
    re-exports them: `from airflow._shared.providers_discovery import X`, where that
    package's `__init__` imports `X` from its `.providers_discovery` module. Only the names
    imported count: python-miio's `from miio import Device` does not make the Philips lamp
    module import every device module `miio/__init__.py` imports. `loads` holds the pairs
    of either kind whose import runs when the importer is loaded (at module level, not
    under TYPE_CHECKING): what the importer needs first."""

    direct: frozenset[tuple[str, str]]
    through: frozenset[tuple[str, str]]
    loads: frozenset[tuple[str, str]]

    def imports_from(self, importer: str, imported: str) -> bool:
        """`importer` needs `imported` loaded first, so `imported` is upstream of it. An
        import inside a function or under TYPE_CHECKING is often there to break a cycle
        the other way (tendenci's `memberships.models` reaches `chapters.models`, the app
        copied from it, only inside methods): no evidence of which comes first."""
        return (importer, imported) in self.loads


_IMPORT_PAIRS: "weakref.WeakKeyDictionary[ProjectIndex, ImportPairs]" = \
    weakref.WeakKeyDictionary()


def import_pairs(index: ProjectIndex) -> ImportPairs:
    """The index's `ImportPairs`, made once per index: every concept rule asks it."""
    found = _IMPORT_PAIRS.get(index)
    if found is None:
        direct: set[tuple[str, str]] = set()
        through: set[tuple[str, str]] = set()
        loads: set[tuple[str, str]] = set()
        for e in index.edges:
            direct.add((e.importer, e.imported))
            eager = e.kind in (MODULE_LEVEL, IN_TRY)
            if eager:
                loads.add((e.importer, e.imported))
            name = e.fact.name
            if name is None or name == "*":
                continue
            target = index.resolve_symbol(e.imported, name)
            if target is not None and target[0] != e.imported and target[0] in index.modules:
                through.add((e.importer, target[0]))
                if eager:
                    loads.add((e.importer, target[0]))
        found = _IMPORT_PAIRS[index] = ImportPairs(frozenset(direct), frozenset(through),
                                                   frozenset(loads))
    return found


class Relations:
    """Evidence that two modules belong together, so that a same-name definition in both
    may be one concept that drifted (or a confusing homonym) rather than two independent
    modules' own names: one imports the other, they sit in one small package, or their
    paths share a rare word. Memoised per run."""

    def __init__(self, index: ProjectIndex) -> None:
        self._index = index
        modules = tuple(index.modules)
        self._modules = frozenset(modules)
        counts: Counter[str] = Counter()
        packages: Counter[str] = Counter()
        for module in modules:
            counts.update(path_words(module))
            packages[module.rpartition(".")[0]] += 1
        self._words = counts
        self._packages = packages
        self._limit = max(RARE_WORD_MODULES, int(RARE_WORD_SHARE * len(modules)))
        self._layer_memo: dict[tuple[str, str], bool] = {}
        self._tops: frozenset[str] | None = None
        self._deep: dict[str, frozenset[str]] | None = None
        self._hosts: dict[str, tuple[frozenset[str], str]] | None = None
        self._children: dict[str, frozenset[str]] | None = None
        self._plugin_pairs: frozenset[tuple[str, str]] | None = None
        self._under: dict[tuple[str, str], bool] = {}
        self._libraries: frozenset[str] | None = None

    def _imports(self) -> frozenset[tuple[str, str]]:
        return import_pairs(self._index).direct

    def module_of(self, path: str) -> str | None:
        return self._index.module_of.get(path)

    def imports_from(self, importer: str, imported: str) -> bool:
        """`importer` needs `imported` loaded first (`ImportPairs.imports_from`): one way
        only, unlike `imports`."""
        return import_pairs(self._index).imports_from(importer, imported)

    def _reexported(self) -> frozenset[tuple[str, str]]:
        return import_pairs(self._index).through

    def imports(self, a: str, b: str) -> bool:
        """One module imports the other, directly or through the package that re-exports
        what it imports (`_reexported`)."""
        pairs, through = self._imports(), self._reexported()
        return any((x, y) in pairs or (x, y) in through for x, y in ((a, b), (b, a)))

    def layers(self, a: str, b: str) -> str | None:
        """`a` and `b` sit below two different packages (heads) that mirror each other:
        at least MIN_LAYER_MODULES modules at the same relative sub-paths of two or more
        components. prefect's `prefect.client` and `prefect.server` (`schemas/sorting.py`,
        `schemas/actions.py`... in both: the client ships without the server), `prefect` and
        `prefect.server` (`events/schemas/automations.py`), airflow's `core_api` and
        `execution_api` (`datamodels/hitl.py`), slack's legacy `slack` and `slack_sdk`
        (`web/base_client.py`). When one head holds the other, only the same sub-path
        counts. The heads, for a message, or None. Mirrored single modules
        are not enough: langchain's `llms/zep.py` and `chat_models/zep.py` are one vendor's
        modules in two categories, not two layers."""
        pa, pb = a.split("."), b.split(".")
        for i in range(len(pa) - 1, 0, -1):
            for j in range(len(pb) - 1, 0, -1):
                heads = (".".join(pa[:i]), ".".join(pb[:j]))
                if heads[0] == heads[1]:
                    continue
                nested = heads[0].startswith(heads[1] + ".") or heads[1].startswith(
                    heads[0] + ".")
                if nested and pa[i:] != pb[j:]:
                    # `prefect` and `prefect.server` mirror `events/...` only at the same
                    # sub-path; litellm's `types/` mirroring `llms/` says nothing about
                    # `types/guardrails.py` against `types/proxy/.../javelin.py`.
                    continue
                if self._mirrored(*heads):
                    return f"parallel packages {heads[0]} and {heads[1]}"
        return None

    def _below(self) -> dict[str, frozenset[str]]:
        """Package -> the relative paths of its modules two or more components deep, for
        every package prefix at once (a module of depth d gives d - 2 entries)."""
        if self._deep is None:
            deep: dict[str, set[str]] = {}
            for module in self._modules:
                parts = module.split(".")
                for i in range(1, len(parts) - 1):
                    deep.setdefault(".".join(parts[:i]), set()).add(".".join(parts[i:]))
            self._deep = {k: frozenset(v) for k, v in deep.items()}
        return self._deep

    def _mirrored(self, left: str, right: str) -> bool:
        key = (left, right) if left < right else (right, left)
        found = self._layer_memo.get(key)
        if found is None:
            below = self._below()
            a, b = below.get(left, frozenset()), below.get(right, frozenset())
            found = self._layer_memo[key] = len(a & b) >= MIN_LAYER_MODULES
        return found

    def apart(self, a: str, b: str) -> Apart | None:
        """Copies in `a` and `b` are each module's own by design: a test double and what it
        stands in for (`fake`), a second implementation
        of a package inside it (`inner_implementation`), or, when neither module imports
        the other, parallel packages that mirror each other (`layers`), versions, twins,
        two plugins of one plugin host (`plugins`), interchangeable backends
        (`backend_dirs`) or platform and concurrency variants (`variants`). None
        otherwise."""
        # Before the import test: a fake imports what it stands in for.
        fake = self.fake(a, b)
        if fake is not None:
            return Apart(f"shown, not counted: {fake}", "test double")
        # Before the import test: a second implementation inside the package builds on
        # the package's other modules (iocpreactor's `tcp` imports `internet.tcp`'s helpers).
        inner = self.inner_implementation(a, b)
        if inner is not None:
            # A version package (`pydantic/v1/`) is the better-known kind of it.
            version = self.version_package(a, b)
            if version is not None:
                return Apart(f"shown, not counted: {version}", "versions of one API")
            return Apart(f"shown, not counted: {inner}", "parallel packages")
        if self.imports(a, b):
            return None
        kinds: tuple[tuple[Callable[[str, str], str | None], str], ...] = (
            (self._layers_note, "parallel packages"),
            (self.version_package, "versions of one API"),
            (self.twins, "twin packages"),
            (self.plugins, "independent plugins"),
            (self.backend_dirs, "interchangeable backends"),
            (self.variants, "platform or concurrency variants"))
        for explain, reason in kinds:
            note = explain(a, b)
            if note is not None:
                return Apart(f"shown, not counted: {note}", reason)
        return None

    @staticmethod
    def fake(a: str, b: str) -> str | None:
        """One of `a` and `b` is in a package of test doubles (FAKE_DIRS: buildbot's
        `buildbot/test/fake/httpclientservice.py` beside `buildbot/util/
        httpclientservice.py`) and the other is not: the fake mirrors the real class so that
        tests can swap it in. The explanation, or None."""
        fa, fb = (any(p in FAKE_DIRS for p in m.split(".")[:-1]) for m in (a, b))
        if fa == fb:
            return None
        fake, real = (a, b) if fa else (b, a)
        return (f"{fake} is in a package of test doubles: it mirrors {real}'s class on "
                f"purpose, so that tests can swap it in")

    def kept_apart_despite_import(self, a: str, b: str) -> Apart | None:
        """`a` and `b` sit in mirrored packages (`layers`) or are two backends under one
        backends directory (`backend_dirs`), whether or not one imports the other: Fabric's
        `fabric/strategies/ddp.py` and the Trainer's `pytorch/strategies/ddp.py` (which
        imports helpers from it), matplotlib's `backends/backend_pgf.py` (which imports
        `backend_pdf`'s helpers). SSOT103 asks it for copies that are not identical: each
        layer's or backend's own class of the name. The explanation, or None."""
        note = self._layers_note(a, b)
        reason = "parallel packages"
        if note is None:
            note, reason = self.backend_dirs(a, b), "interchangeable backends"
        if note is None:
            return None
        return Apart(f"shown, not counted: {note}; the two share helpers, and each keeps its "
                     f"own class of the name with its own members", reason)

    def _layers_note(self, a: str, b: str) -> str | None:
        """`layers` as an explanation for a message."""
        where = self.layers(a, b)
        if where is None:
            return None
        return (f"{a} and {b} sit in {where}, which mirror each other and keep their own "
                f"copies (a client and a server, a versioned API, a legacy package)")

    def inner_implementation(self, a: str, b: str) -> str | None:
        """`a` is `pkg.m` and `b` is `pkg.sub.m` (or the other way round), and `pkg.sub`
        holds its own modules of at least MIN_LAYER_MODULES of `pkg`'s module names, half
        of its modules or more: a second implementation of the package inside it (twisted's
        `internet/iocpreactor/` with its own `tcp`, `udp`, `abstract`, `interfaces` and
        `reactor` beside `internet/`'s), which mirrors the package as a legacy package or a
        client mirrors a server. The same deeper down: `pkg.x.m` and `pkg.sub.x.n`, where
        `pkg.sub` mirrors `pkg`'s packages (pyscf's `pbc/`, the periodic-boundary version
        of the molecular code, with its own `adc`, `cc`, `scf`, `x2c`... whose modules are
        named for k-points: `adc/radc_ea.py` beside `pbc/adc/kadc_rhf_ea.py`), at any
        depth below the mirrored package (`pkg.sub.x.v2.m`). A small
        `pkg.sub` counts when every module in it is one of `pkg`'s (pyscf's `qmmm/pbc/`
        with `itrf` and `mm_mole`). The explanation, or None."""
        short, long = (a, b) if a.count(".") < b.count(".") else (b, a)
        ps, pl, n = _parting(short, long)
        # Below the mirrored package the second implementation may nest deeper (tacker's
        # `sol_refactored/objects/v2/fields.py` beside `objects/fields.py`).
        if len(pl) < len(ps) + 1 or n < 1 or n >= len(ps) or pl[n + 1] != ps[n]:
            return None
        outer, inner = ".".join(ps[:n]), ".".join(pl[:n + 1])
        mine = self._children_of(inner)
        # The sub-package itself is no module of the package it mirrors (anthropic's
        # `sessions/threads/` holds `events` and `threads`: a resource of sessions).
        theirs = self._children_of(outer) - {pl[n]}
        shared = mine & theirs
        if (len(shared) < MIN_LAYER_MODULES or 2 * len(shared) < len(mine)) and not (
                len(mine) >= 2 and mine <= theirs):
            return None
        return (f"{inner} holds its own {', '.join(sorted(shared)[:4])}"
                f"{' ...' if len(shared) > 4 else ''} beside {outer}'s: a second "
                f"implementation of the package, which keeps its own classes")

    @staticmethod
    def variants(a: str, b: str) -> str | None:
        """`a` and `b` are one module for two platforms or concurrency models: where their
        paths part, one goes into a package named for one (`grpc.aio.server` beside
        `grpc.server`), or they differ in one component that is the same name once the
        variant words (VARIANT_WORDS) are dropped (`_posixstdio` and `_win32stdio`,
        `sync_client` and `async_client`). The explanation, or None."""
        pa, pb, n = _parting(a, b)

        def variant_package(parts: list[str]) -> bool:
            """Where the paths part, `parts` goes into a package named for a variant."""
            word = parts[n].lower().strip("_") if n < len(parts) - 1 else ""
            return word in VARIANT_WORDS and word not in MODULE_NAME_VARIANTS

        for parts, other in ((pa, pb), (pb, pa)):
            word = parts[n].lower().strip("_") if n < len(parts) - 1 else ""
            if word == "sync" and not (n < len(other) and other[n].lower().strip("_")
                                       in ASYNC_WORDS):
                continue
            if variant_package(parts):
                package = ".".join(parts[:n + 1])
                held = (f"{package} and {'.'.join(other[:n + 1])} each hold one"
                        if variant_package(other) else f"{package} holds one")
                return (f"{a} and {b} are variants of one module for two platforms or "
                        f"concurrency models ({held} variant): each keeps its own classes")
        apart = one_component_apart(a, b)
        if apart is None:
            return None
        x, y = apart
        kept_x, dropped_x = _without_variant_words(x)
        kept_y, dropped_y = _without_variant_words(y)
        if kept_x != kept_y or not (dropped_x or dropped_y) or (
                dropped_x | dropped_y <= {"sync"}):
            return None
        return (f"{a} and {b} are variants of one module for two platforms or concurrency "
                f"models (`{x}` and `{y}`): each keeps its own classes")

    @staticmethod
    def version_package(a: str, b: str) -> str | None:
        """Where the paths of `a` and `b` part, one goes into a version package (`v1`,
        `v2`): pydantic's `pydantic/v1/`, the whole 1.x API kept beside 2.x
        (`v1/types.py` against `types.py`, `v1/utils.py` against `_internal/_utils.py`),
        an `api/v1/` beside `api/v2/` or `api/common/`. Each version keeps its own
        classes. The explanation, or None."""
        pa, pb, n = _parting(a, b)
        for parts in (pa, pb):
            if n < len(parts) - 1 and VERSION_WORD.fullmatch(parts[n]):
                package = ".".join(parts[:n + 1])
                return (f"{a} and {b} belong to different versions of one API ({package} "
                        f"is a version package): each version keeps its own classes")
        return None

    def _children_of(self, package: str) -> frozenset[str]:
        """The names of a package's direct modules and sub-packages."""
        if self._children is None:
            children: dict[str, set[str]] = {}
            for module in self._modules:
                parts = module.split(".")
                for i in range(1, len(parts)):
                    children.setdefault(".".join(parts[:i]), set()).add(parts[i])
            self._children = {k: frozenset(v) for k, v in children.items()}
        return self._children.get(package, frozenset())

    def twins(self, a: str, b: str) -> str | None:
        """`a` and `b` sit at one sub-path of two sibling packages that hold (nearly) the
        same modules: at least MIN_LAYER_MODULES, and TWIN_SHARE of all the two hold.
        sphinx's `domains/c/` and `domains/cpp/` (`_ast`, `_ids`, `_parser`, `_symbol`
        each): one implementation per variant, a language, a protocol, whose classes
        mirror each other's by design; also when one holds only modules the other has
        too. Two categories that merely share some vendors' module names (langchain's
        `llms/` and `chat_models/`) are no twins. The explanation, or None."""
        pa, pb = a.split("."), b.split(".")
        i = _one_component_at(pa, pb)
        if i is None or i == len(pa) - 1:
            return None
        left, right = ".".join(pa[:i + 1]), ".".join(pb[:i + 1])
        mine, theirs = self._children_of(left), self._children_of(right)
        shared = mine & theirs
        # Or one holds only modules the other has too: opik's `migrate/prompts/` (executor,
        # planner, resolver, version_replay) "mirrors" `migrate/datasets/`, which has more.
        if len(shared) < MIN_LAYER_MODULES or (
                len(shared) < TWIN_SHARE * len(mine | theirs) and shared not in (mine, theirs)):
            return None
        return (f"{a} and {b} sit in twin packages {left} and {right}, which hold the same "
                f"modules ({names_list(shared, 4)}): one implementation per variant, each "
                f"keeping its own classes")

    def _plugin_hosts(self) -> dict[str, tuple[frozenset[str], str]]:
        """Plugin host package -> (its sub-packages, the module name most of them hold):
        a package with MIN_PLUGIN_PACKAGES sub-packages or more, at least that many of
        which, and at least half, hold a module of one name (`__init__` aside). Home
        Assistant's `components` (`*/const.py`, `*/config_flow.py` in most of a thousand
        integrations), a framework's `contrib` apps (`*/apps.py`, `*/models.py`), an SDK's
        `integrations`. Memoised."""
        if self._hosts is None:
            children: dict[str, set[str]] = {}
            held: dict[str, Counter[str]] = {}
            for module in self._modules:
                parts = module.split(".")
                for i in range(1, len(parts) - 1):
                    children.setdefault(".".join(parts[:i]), set()).add(parts[i])
                if len(parts) >= 3:
                    host = ".".join(parts[:-2])
                    held.setdefault(host, Counter())[parts[-1]] += 1
            hosts = {}
            for host, subs in children.items():
                counts = held.get(host)
                if len(subs) < MIN_PLUGIN_PACKAGES or not counts:
                    continue
                name, n = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                if n >= max(MIN_PLUGIN_PACKAGES, len(subs) / 2):
                    hosts[host] = (frozenset(subs), name)
            self._hosts = hosts
        return self._hosts

    def _plugin_of(self, module: str) -> tuple[str, str] | None:
        """(host, plugin package) of the innermost plugin host whose sub-package `module`
        is in (or is); a module directly in the host (`homeassistant/core.py` beside
        `components/`) is in no plugin."""
        hosts = self._plugin_hosts()
        parts = module.split(".")
        for i in range(len(parts) - 1, 0, -1):
            host = ".".join(parts[:i])
            if host in hosts and parts[i] in hosts[host][0]:
                return host, ".".join(parts[:i + 1])
        return None

    def _imports_under(self, x: str, y: str) -> bool:
        """A module in package `x` imports one in package `y`, or the other way round."""
        key = (x, y) if x < y else (y, x)
        found = self._under.get(key)
        if found is None:
            px, py = x + ".", y + "."
            found = self._under[key] = any(
                (i.startswith(px) and j.startswith(py)) or (i.startswith(py) and j.startswith(px))
                for i, j in self._imports())
        return found

    def _plugins_importing(self) -> frozenset[tuple[str, str]]:
        """(plugin, plugin) pairs, both ways, where a module of one imports the other."""
        if self._plugin_pairs is None:
            pairs = set()
            for importer, imported in self._imports():
                x, y = self._plugin_of(importer), self._plugin_of(imported)
                if x is None or y is None or x[1] == y[1]:
                    continue
                pairs.update({(x[1], y[1]), (y[1], x[1])})
            self._plugin_pairs = frozenset(pairs)
        return self._plugin_pairs

    def plugins(self, a: str, b: str) -> str | None:
        """`a` and `b` are in two plugins of one plugin host (`_plugin_hosts`), and no
        module of either plugin imports the other plugin: independent plugins, each
        keeping its own code as services do (two integrations' `PriceType`, two entity
        platforms' `State`). A plugin that imports the other (a bridge on top of the
        integration it extends) is one body of code again, unless both modules sit in
        sub-packages of their plugins that do not import each other. The explanation, or
        None."""
        x, y = self._plugin_of(a), self._plugin_of(b)
        if x is None or y is None or x[0] != y[0] or x[1] == y[1]:
            return None
        if (x[1], y[1]) in self._plugins_importing():
            # Both modules in a sub-package of their plugin: those two decide (pipecat's
            # `services/azure/voice_live/` and `services/openai/realtime/`, each vendor's
            # realtime API, while Azure's chat service builds on OpenAI's).
            sub_a, sub_b = _sub_package(a, x[1]), _sub_package(b, y[1])
            if sub_a is None or sub_b is None or self._imports_under(sub_a, sub_b):
                return None
            independent = f"neither {sub_a} nor {sub_b} imports the other"
        else:
            independent = "neither plugin imports the other"
        subs, name = self._plugin_hosts()[x[0]]
        return (f"{a} and {b} are in {x[1]} and {y[1]}, two plugins of {x[0]} ({len(subs)} "
                f"sibling packages, most with a `{name}` module), and {independent}: "
                f"independent plugins keep their own code")

    @staticmethod
    def backend_dirs(a: str, b: str) -> str | None:
        """`a` and `b` share their path down to a backends directory (BACKEND_DIRS) and
        part below it: two implementations of one interface, chosen by configuration
        (`search/backends/database/mysql/query.py` and `.../sqlite/query.py`), at any
        depth; or they part right below a directory of alternatives (ALTERNATIVES_DIRS:
        `protocols/graphql_ws/` and `protocols/graphql_transport_ws/`). The explanation,
        or None."""
        pa, pb, common = _parting(a, b)
        common = min(common, len(pa) - 1, len(pb) - 1)  # the modules themselves aside
        where = [i for i in range(common) if pa[i] in BACKEND_DIRS
                 or i == common - 1 and pa[i] in ALTERNATIVES_DIRS]
        if not where:
            return None
        head = ".".join(pa[:where[-1] + 1])
        return (f"{a} and {b} are interchangeable backends under {head}: one interface, "
                f"implementations chosen by configuration")

    def backends(self, a: str, b: str) -> str | None:
        """`a` and `b` differ in one path component, and each of them imports the library
        its own component names (`hypercorn.asyncio.lifespan` imports `asyncio`,
        `hypercorn.trio.lifespan` imports `trio`; `_library_named`), or the components (or
        their leading words) name two stores or services (BACKEND_WORDS: `mysql_common`,
        `postgres_common`): one interface implemented twice. The explanation for a
        message, or None."""
        apart = one_component_apart(a, b)
        if apart is None:
            return None
        x, y = apart
        lib_x = _library_named(x, self._external_tops(a))
        lib_y = _library_named(y, self._external_tops(b))
        if lib_x is not None and lib_y is not None and lib_x != lib_y:
            return (f"{a} and {b} are backends on `{lib_x}` and `{lib_y}`, each importing its "
                    f"library: one interface, two implementations")
        # Under a backends directory `backend_dirs` says more (where they are chosen).
        if x not in BACKEND_WORDS or y not in BACKEND_WORDS:
            x, y = x.partition("_")[0], y.partition("_")[0]
        if x != y and x.lower() in BACKEND_WORDS and y.lower() in BACKEND_WORDS \
                and self.backend_dirs(a, b) is None:
            return (f"{a} and {b} are backends for `{x}` and `{y}`: one interface, two "
                    f"implementations")
        return None

    def library_packages(self, a: str, b: str) -> str | None:
        """`a` and `b` differ in one path component, and each names a third-party library
        the project imports somewhere (`_project_libraries`), though these modules need not
        (autogen-ext's `models/openai/config/` and `models/anthropic/config/`, whose
        clients beside them import the libraries): each library's own adapter. Weaker
        evidence than `backends`, so SSOT103 asks it only of drifted copies. The
        explanation for a message, or None."""
        apart = one_component_apart(a, b)
        used = self._project_libraries()
        if apart is None or not {p.lower() for p in apart} <= used:
            return None
        x, y = apart
        return (f"{a} and {b} are adapters for `{x}` and `{y}`, two libraries the project "
                f"uses: each keeps what its library's API needs")

    @staticmethod
    def versions(a: str, b: str) -> str | None:
        """`a` and `b` differ in one path component, which is the same name once a version
        word is dropped from it, and at least one of them carries one: litellm's
        `cohere/embed/transformation.py` and the legacy `v1_transformation.py` beside it,
        `rerank/` and `rerank_v2/`, `api/v1/` and `api/v2/`, a numbered word
        (NUMBERED_WORD: bilby's `dynesty3_utils.py` for dynesty 3 beside `dynesty_utils.py`,
        pysnmp's `rfc1155.py` and `rfc1902.py`, one SMI each); a module name also with a
        snapshot word (SNAPSHOT_WORDS: `initial_models.py` beside `models.py`,
        `yamlloader_old.py` beside `yamlloader.py`). Each version keeps its own classes. The
        explanation for a message, or None."""
        apart = one_component_apart(a, b)
        if apart is None:
            return None
        x, y = apart
        # Snapshot words (`old`, `initial`) only in the module's own name.
        module = a.rpartition(".")[2] == x
        words_x, words_y = x.lower().split("_"), y.lower().split("_")
        kept_x = [NUMBERED_WORD.sub("", w) for w in words_x if not _version_word(w, module)]
        kept_y = [NUMBERED_WORD.sub("", w) for w in words_y if not _version_word(w, module)]
        if kept_x != kept_y or (kept_x == words_x and kept_y == words_y):
            return None
        return (f"{a} and {b} are versions of one module (`{x}` and `{y}`): each API "
                f"version keeps its own classes")

    def _external_tops(self, module: str) -> frozenset[str]:
        facts = self._index.facts_for_module(module)
        if facts is None:
            return frozenset()
        return frozenset(imp.module.partition(".")[0] for imp in facts.imports
                         if not imp.level and imp.module
                         and not self._index.is_first_party(imp.module.partition(".")[0])
                         and imp.module.partition(".")[0] not in self._first_party_tops)

    def adapter_for(self, module: str) -> str | None:
        """The third-party library `module` is named for, when some module of the project
        imports it (livekit's `llm/_provider_format/openai.py`, strands'
        `models/anthropic.py`): the module adapts the project to that library's API. Not a
        store or a transport (BACKEND_WORDS: a `kafka.py` sends the project's own
        messages)."""
        name = module.rpartition(".")[2].lstrip("_").lower()
        return name if name in self._project_libraries() and name not in BACKEND_WORDS \
            else None

    def _project_libraries(self) -> frozenset[str]:
        """The third-party top-level names some module of the project imports; not the
        standard library's (an `email.py` or `json.py` is named for what it handles)."""
        if self._libraries is None:
            self._libraries = frozenset().union(
                *(self._external_tops(m) for m in sorted(self._modules))) - STDLIB_TOPS
        return self._libraries

    @property
    def _first_party_tops(self) -> frozenset[str]:
        if self._tops is None:
            self._tops = frozenset(m.partition(".")[0] for m in self._modules)
        return self._tops

    def evidence(self, a: str, b: str, any_package: bool = False) -> str | None:
        """Why modules `a` and `b` are related, for a message and confidence reasons, or
        None when nothing says they are (independent integrations, API layers). One
        package counts when it is small, or at any size when `any_package` (for copies
        whose members already say they are one class: two views of one big `views`
        package sharing a copied mixin)."""
        if self.imports(a, b):
            return "one module imports the other"
        if self.apart(a, b) is not None:
            return None  # the shared names are the layout (layers, plugins, backends)
        package = a.rpartition(".")[0]
        if package == b.rpartition(".")[0] and (
                any_package or self._packages[package] <= self._limit):
            return "both are in package " + (package or "(top level)")
        shared = sorted(w for w in path_words(a) & path_words(b) if self._words[w] <= self._limit)
        if shared:
            return f"{PATH_WORD_EVIDENCE} `{shared[0]}`"
        return None
