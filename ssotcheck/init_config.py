"""`ssotcheck init`: read the project and propose a configuration, with the evidence.

Nothing is imported or run: the proposal comes from one ordinary run of the pipeline
(the facts cache makes the `check` after it cheap) plus a text scan of module heads for
deprecation notes. What it writes:

- areas from the layout: `tests` (pytest conventions and test-infrastructure folders)
  first, then one area per top-level package;
- `[canonical]`: for every split concept, the home the tool would suggest anyway (the
  production copy most imported by name), now declared, with the count in a comment;
- `[tests] base-classes`: the project class under a test-infrastructure folder that the
  most test classes inherit, with the count (others as comments);
- `[legacy-imports]`, commented: modules that look like legacy shims (a deprecation
  warning, a "deprecated"/"compatibility" docstring, a pure re-export of one module);
- `[banned-api."os.environ"]`, commented, when an environment-wrapper module exists.

Active proposals change no finding `check` reported before (declaring the suggested
canonical home keeps the same copies reported); the base test class enables SSOT301.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from ssotcheck.config import DEFAULT_AREAS, Config, find_config_file, from_mapping
from ssotcheck.index.project import ProjectIndex
from ssotcheck.model import FileFacts

TARGET = "ssotcheck.toml"
# Folder names that hold shared test code rather than tests.
_TEST_INFRA = re.compile(r"(^|/)(test_?framework|testing|test_?utils|test_?support|"
                         r"test_?helpers|testlib|tests?/(helpers|support|utils|base|fixtures))(/|$)",
                         re.IGNORECASE)
_SHIM_WORDS = re.compile(r"\b(deprecated|deprecation|backwards?[- ]compat\w*|compatibility "
                         r"(shim|layer|module|alias\w*)|kept for compatibility|legacy alias\w*)\b",
                         re.IGNORECASE)
_ENV_MODULE = re.compile(r"(^|_)(env|environ|environment|isolated_environment)(_|$)")
MAX_LISTED = 40  # proposals of one kind written out; the rest are counted


class InitError(Exception):
    pass


@dataclass
class Proposal:
    src: str
    areas: list[tuple[str, list[str], str]] = field(default_factory=list)  # name, globs, why
    canonical: list[tuple[str, str, str]] = field(default_factory=list)  # concept, module, why
    more_canonical: int = 0
    base_classes: list[tuple[str, int, str]] = field(default_factory=list)  # class, n, path
    shims: list[tuple[str, str, str]] = field(default_factory=list)  # old, new or "", why
    more_shims: int = 0
    env_module: tuple[str, str, str] | None = None  # path, module, function to use
    captured: list[str] = field(default_factory=list)  # area globs that swallow test files


def existing_config(root: Path) -> Path | None:
    """A configuration `check` would already use, in `root` itself."""
    found = find_config_file(root)
    if found is not None and found.parent == root:
        return found
    return None


def _layout(root: Path, paths: list[str],
            defaults: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_AREAS,
            ) -> tuple[str, list[tuple[str, list[str], str]]]:
    src = "src" if (root / "src").is_dir() and any(p.startswith("src/") for p in paths) else "."
    prefix = "src/" if src == "src" else ""
    counts: Counter[str] = Counter()
    infra: Counter[str] = Counter()
    for p in paths:
        m = _TEST_INFRA.search(p)
        if m:
            infra[p[:m.end(2)]] += 1
        rest = p[len(prefix):] if p.startswith(prefix) else p
        if "/" in rest:
            counts[prefix + rest.split("/", 1)[0]] += 1
    # The zero-config tests area, with any test tree it detected (`t/**`).
    tests_globs = list(dict(defaults).get("tests", dict(DEFAULT_AREAS)["tests"]))
    covered = [t[:-3] for t in tests_globs if t.endswith("/**") and "*" not in t[:-3]]
    infra_dirs = sorted(d for d in infra
                        if not any(d == c or d.startswith(c + "/") for c in covered)
                        and "/tests/" not in f"/{d}/")
    tests_globs += [f"{d}/**" for d in infra_dirs]
    why = "pytest conventions" + (f", plus test-infrastructure folders ({', '.join(infra_dirs)})"
                                  if infra_dirs else "")
    areas: list[tuple[str, list[str], str]] = [("tests", tests_globs, why)]
    names: set[str] = {"tests"}
    for d, n in sorted(counts.items()):
        top = d.rsplit("/", 1)[-1]
        if top in ("tests", "test") or d in infra_dirs or d in covered or not (
                root / d / "__init__.py").is_file():
            continue
        name = top if top not in names else d.replace("/", "-")
        names.add(name)
        areas.append((name, [f"{d}/**"], f"package, {n} Python files"))
    return src, areas


def _base_classes(index: ProjectIndex, config: Config) -> list[tuple[str, int, str]]:
    """Project classes in test-infrastructure folders, by how many test classes inherit them."""
    from ssotcheck.areas import pytest_class
    from ssotcheck.globs import pytest_module

    def test_files(path: str) -> bool:
        return pytest_module(path, config.python_files)

    counts: Counter[str] = Counter()
    where: dict[str, str] = {}
    for ref in index.iter_classes():
        if ref.fact.nested or not test_files(ref.path) or not pytest_class(
                ref.fact.name, config.python_classes):
            continue
        found, _ = index.ancestors(ref.qualified)
        for q in found:
            base = index.classes.get(q)
            if base is None or test_files(base.path):
                continue
            if _TEST_INFRA.search(base.path) or "conftest" in base.path:
                counts[q] += 1
                where[q] = base.path
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(q, n, where[q]) for q, n in ranked if n >= 2][:5]


def _module_head(root: Path, path: str) -> str:
    try:
        with open(root / path, "rb") as fh:
            return fh.read(4096).decode("utf-8", "replace")
    except OSError:
        return ""


def _shims(root: Path, index: ProjectIndex, files: dict[str, FileFacts]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    imported: set[tuple[str, str]] = set()  # (module, name) some module imports by name
    for path, facts in files.items():
        importer = index.module_of.get(path, "")
        for i in facts.imports:
            if i.name is not None and importer:
                imported.add((index.absolute_module(importer, i), i.name))
    for path in sorted(files):
        facts = files[path]
        if facts.error is not None:
            continue
        module = index.module_of.get(path, "")
        if not module or module.endswith("__main__"):
            continue
        why = ""
        target = ""
        first_party = [i for i in facts.imports if i.name is not None and i.name != "*"
                       and not i.in_function]
        defined = set(facts.defined_names()) - {"__all__"}
        # A package's __init__ re-exporting its submodules is the usual public face, not a shim.
        if first_party and not defined and not facts.classes and not facts.functions \
                and not path.endswith("__init__.py"):
            sources = {index.absolute_module(module, i) for i in first_party}
            sources = {s for s in sources if index.is_first_party(s) and s != module}
            exported = set(facts.all_names or ()) | {
                i.bound_name for i in first_party if (module, i.bound_name) in imported}
            if len(sources) == 1 and len(first_party) == len(facts.imports) and exported:
                target = sources.pop()
                why = (f"defines nothing, only re-exports {', '.join(sorted(exported)[:3])} "
                       f"from {target}")
        if not why:
            head = _module_head(root, path)
            if "DeprecationWarning" in head or "PendingDeprecationWarning" in head:
                why = "raises a DeprecationWarning"
            else:
                doc = _docstring(head)
                m = _SHIM_WORDS.search(doc) if doc else None
                if m:
                    why = f'docstring says "{m.group(0)}"'
        if why:
            out.append((module, target, why))
    return out


def _docstring(head: str) -> str:
    try:
        tree = ast.parse(head)
    except (SyntaxError, ValueError):
        m = re.match(r'\s*(?:#.*\n\s*)*[rRuU]?("""|\'\'\')(.*?)(\1|$)', head, re.DOTALL)
        return m.group(2) if m else ""
    return ast.get_docstring(tree) or ""


def _env_module(root: Path, index: ProjectIndex, files: dict[str, FileFacts]) -> tuple[str, str, str] | None:
    for path in sorted(files, key=lambda p: (p.count("/"), p)):
        stem = path.rsplit("/", 1)[-1][:-3]
        if not _ENV_MODULE.search(stem) or "test" in path.lower():
            continue
        try:
            text = (root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "os.environ" not in text and "getenv" not in text:
            continue
        facts = files[path]
        funcs = [f.name for f in facts.functions]
        use = next((f for f in ("get_env", "getenv", "get", "env") if f in funcs),
                   funcs[0] if funcs else "")
        return path, index.module_of.get(path, ""), use
    return None


def propose(root: Path, jobs: int = 0) -> Proposal:
    from ssotcheck.areas import captured_tests
    from ssotcheck.pipeline import RunOptions, run

    from ssotcheck.index.discover import discover

    base = from_mapping({}, root)
    paths = sorted(discover(root, base.exclude, ()).files)
    if not paths:
        raise InitError(f"{root}: no Python files found; nothing to propose")
    src, areas = _layout(root, paths, base.areas)
    # Proposals are judged with the proposed areas: which copy is production decides the
    # suggested canonical home, and the written file must lead to the same choice.
    config = replace(base, src=(src,), areas=tuple((n, tuple(g)) for n, g, _ in areas))
    result = run(config, RunOptions(jobs=jobs, use_baseline=False))
    index = result.index
    files = index.files
    prop = Proposal(src=src, areas=areas)
    for c in result.concepts:
        if c.canonical is None:
            continue
        homes = sorted({h.path for h in c.homes})
        why = (f"{c.kind} in {len(homes)} files ({', '.join(homes[:4])}"
               f"{', ...' if len(homes) > 4 else ''}); {c.canonical_reason}")
        prop.canonical.append((c.name, c.canonical, why))
    prop.canonical.sort(key=lambda t: t[0])
    if len(prop.canonical) > MAX_LISTED:
        prop.more_canonical = len(prop.canonical) - MAX_LISTED
        prop.canonical = prop.canonical[:MAX_LISTED]
    prop.base_classes = _base_classes(index, config)
    shims = _shims(root, index, files)
    prop.shims, prop.more_shims = shims[:MAX_LISTED], max(0, len(shims) - MAX_LISTED)
    prop.env_module = _env_module(root, index, files)
    prop.captured = [c.message() for c in captured_tests(paths, config)]
    return prop


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _comment(text: str) -> str:
    return " ".join(text.split())


def render(p: Proposal) -> str:
    out = [
        "# ssotcheck configuration proposed by `ssotcheck init` from the code itself.",
        "# Every key is documented in docs/configuration.md; comments give the evidence.",
        "# Next: `ssotcheck baseline` to accept today's findings, then `ssotcheck check` in CI.",
        "",
        f"src = [{_q(p.src)}]",
        'exclude = ["**/migrations/**", "build/**", "dist/**"]',
        "# fail-under = 95.0",
        '# baseline = ".ssotcheck-baseline.json"   # the default; used whenever it exists',
        "# baseline-strict = true                  # fail when baselined findings are fixed",
        "# require-reason = true                   # inline suppressions need reason=\"...\"",
        "",
        "[areas]                                   # first match wins; unmatched -> \"other\"",
    ]
    for name, globs, why in p.areas:
        out.append(f"# {_comment(why)}")
        out.append(f"{_q(name)} = [{', '.join(_q(g) for g in globs)}]")
    for warning in p.captured:
        out.append(f"# warning: {_comment(warning)}")
    out += ["", "[canonical]                               # concept -> its single home"]
    if p.canonical:
        for concept, module, why in p.canonical:
            out.append(f"# {_comment(why)}")
            out.append(f"{_q(concept)} = {_q(module)}")
        if p.more_canonical:
            out.append(f"# ... and {p.more_canonical} more split concepts: see `ssotcheck report`")
    else:
        out.append("# no concept is defined in more than one module today")
    out += ["", "[tests]"]
    if p.base_classes:
        best, n, path = p.base_classes[0]
        out.append(f"# {best} ({path}) is inherited by {n} test classes")
        for q, m, path2 in p.base_classes[1:]:
            out.append(f"# also a candidate: {q} ({path2}), inherited by {m}")
        out.append(f"base-classes = [{_q(best)}]")
    else:
        out.append("# no project class under a test-infrastructure folder is a common base")
        out.append('# base-classes = ["mypkg.testing.BaseTestCase"]')
    out += ["", "[legacy-imports]                          # old path -> canonical path"]
    if p.shims:
        out.append("# Modules that look like legacy shims; uncomment the ones that are, and")
        out.append("# name the new home where it is not known:")
        for old, new, why in p.shims:
            out.append(f"# {_q(old)} = {_q(new or 'NEW.HOME')}   # {_comment(why)}")
        if p.more_shims:
            out.append(f"# ... and {p.more_shims} more")
    else:
        out.append('# "mypkg.websocket.manager" = "mypkg.websocket.websocket_manager"')
    out += ["", "[events]", 'discriminators = ["type", "event_type"]', ""]
    if p.env_module:
        path, module, use = p.env_module
        out.append(f"# {path} wraps the environment: keep os.environ behind it")
        out.append('# [banned-api."os.environ"]')
        out.append(f"# use = {_q(f'{module}.{use}' if module and use else module or path)}")
        out.append(f"# allow = [{_q(path)}]")
    else:
        out.append('# [banned-api."os.environ"]')
        out.append('# use = "mypkg.config.get_env"')
        out.append('# allow = ["mypkg/config.py"]')
    return "\n".join(out) + "\n"


def write_config(root: Path, force: bool = False, jobs: int = 0,
                 stdout: bool = False) -> tuple[str, str]:
    """(the proposal, a one-line summary). Writes `root/ssotcheck.toml` unless `stdout`."""
    root = root.resolve()
    if not root.is_dir():
        raise InitError(f"{root} is not a directory")
    existing = existing_config(root)
    if existing is not None and not force and not stdout:
        raise InitError(f"{existing} already configures ssotcheck; not overwritten (use "
                        f"--force to replace it, or --stdout to see the proposal)")
    p = propose(root, jobs)
    text = render(p)
    if stdout:
        return text, ""
    target = root / TARGET
    from ssotcheck.atomic import atomic_write

    atomic_write(target, text.encode("utf-8"))
    summary = (f"wrote {target}: {len(p.areas)} areas, {len(p.canonical)} canonical homes, "
               f"{len(p.base_classes[:1])} base test class, {len(p.shims)} legacy-shim "
               f"candidates (commented)")
    if existing is not None and existing.name == "pyproject.toml":
        summary += f"; it takes precedence over [tool.ssotcheck] in {existing.name}"
    return text, summary
