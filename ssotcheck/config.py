"""Load and validate `[tool.ssotcheck]` (pyproject.toml) or `ssotcheck.toml`.

Every problem becomes a `ConfigError` that names the key; the CLI turns it into exit 2.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from ssotcheck.globs import GlobError, compile_globs, pytest_module
from ssotcheck.index.options import ExtractOptions

DEFAULT_AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tests", ("tests/**", "test/**", "**/tests/**", "**/test_*.py", "**/*_test.py", "**/conftest.py")),
    ("production", ("**",)),
)
DEFAULT_DISCRIMINATORS = ("type", "event_type")
DEFAULT_ENVELOPES = ("payload", "data")
CONFIDENCE_LEVELS = ("low", "medium", "high")
DEFAULT_BASELINE = ".ssotcheck-baseline.json"
Reader = Callable[[str], "str | None"]  # file name beside the configuration -> its text


class ConfigError(Exception):
    """A user error in configuration. The message names the offending key."""


@dataclass(frozen=True)
class BannedApi:
    name: str  # dotted: "os.environ", "os.getenv", "requests.get"
    use: str = ""  # what to use instead
    allow: tuple[str, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class Config:
    root: Path = field(default_factory=lambda: Path(".").resolve())
    config_path: Path | None = None
    src: tuple[str, ...] = (".",)
    exclude: tuple[str, ...] = ()
    fail_under: float | None = None
    baseline: str | None = None  # None: DEFAULT_BASELINE, used when it exists
    baseline_strict: bool = False  # `check` fails on stale baseline entries
    require_reason: bool = False  # an inline suppression needs reason="..." to suppress
    select: tuple[str, ...] = ("SSOT",)
    ignore: tuple[str, ...] = ()
    areas: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_AREAS
    canonical: tuple[tuple[str, str], ...] = ()
    legacy_imports: tuple[tuple[str, str], ...] = ()
    discriminators: tuple[str, ...] = DEFAULT_DISCRIMINATORS
    test_base_classes: tuple[str, ...] = ()
    test_allow: tuple[str, ...] = ()
    # N test classes failing through one intermediate base -> one error on the base (0: off)
    test_root_cause_threshold: int = 5
    banned_api: tuple[BannedApi, ...] = ()
    non_canonical_imports: bool = False  # SSOT202 is opt-in
    class_similarity: float = 0.5
    # Duplicate rules: class-name conventions that are never copies (`Name` or
    # `path-glob:Name`), the least confidence a finding needs, and the deployables inside
    # which single-source-of-truth applies (globs; one service per glob).
    conventions: tuple[str, ...] = ()
    min_confidence: str = "low"
    services: tuple[str, ...] | None = None  # None: detect top-level deployables
    envelopes: tuple[str, ...] = DEFAULT_ENVELOPES
    cycles_include_type_checking: bool = False
    cycles_include_function_imports: bool = False
    legacy_probes: bool = True  # report SSOT201 probe imports (as warnings)
    # pytest collection settings (read from pytest's own config files when present)
    python_files: tuple[str, ...] = ("test_*.py", "*_test.py")
    python_classes: tuple[str, ...] = ("Test",)

    def rule_enabled(self, rule: str) -> bool:
        selected = any(rule.startswith(p) for p in self.select)
        ignored = any(rule.startswith(p) for p in self.ignore)
        if rule == "SSOT202" and not self.non_canonical_imports and not any(
            p == "SSOT202" for p in self.select
        ):
            return False
        return selected and not ignored

    def extract_options(self) -> ExtractOptions:
        """What extraction records for this configuration (`extraction_key` hashes it)."""
        return ExtractOptions(
            discriminators=self.discriminators,
            banned=tuple(sorted(b.name for b in self.banned_api)),
            legacy=tuple(sorted(old for old, _ in self.legacy_imports)),
        )

    def extraction_key(self) -> str:
        """Hash of the settings that change what the extractor records (part of the cache key)."""
        settings: dict[str, list[str]] = {
            "d": sorted(self.discriminators), "b": sorted(b.name for b in self.banned_api)}
        if self.legacy_imports:  # name uses that may reach a legacy path (SSOT201)
            settings["l"] = sorted(old for old, _ in self.legacy_imports)
        payload = json.dumps(settings, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def baseline_path(self) -> Path:
        """Where the baseline lives: the configured `baseline`, else the default name."""
        return self.root / (self.baseline or DEFAULT_BASELINE)

    def canonical_map(self) -> dict[str, str]:
        return dict(self.canonical)


# ----------------------------------------------------------------- schema & checks

def _str(v: Any) -> bool:
    return isinstance(v, str)


def _str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _bool(v: Any) -> bool:
    return isinstance(v, bool)


def _count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _table(v: Any) -> bool:
    return isinstance(v, dict)


_TOP: dict[str, tuple[Callable[[Any], bool], str]] = {
    "src": (_str_list, "a list of strings"),
    "exclude": (_str_list, "a list of glob strings"),
    "fail-under": (_number, "a number between 0 and 100"),
    "baseline": (_str, "a path string"),
    "baseline-strict": (_bool, "true or false"),
    "require-reason": (_bool, "true or false"),
    "select": (_str_list, "a list of rule-id prefixes"),
    "ignore": (_str_list, "a list of rule-id prefixes"),
    "areas": (_table, "a table of area = [globs]"),
    "canonical": (_table, "a table of concept = \"module\""),
    "legacy-imports": (_table, "a table of \"old.path\" = \"new.path\""),
    "events": (_table, "a table"),
    "tests": (_table, "a table"),
    "banned-api": (_table, "a table of tables"),
    "duplicates": (_table, "a table"),
    "imports": (_table, "a table"),
    "services": (_str_list, "a list of glob strings, one per service"),
}
_EVENTS = {
    "discriminators": (_str_list, "a list of strings"),
    "envelopes": (_str_list, "a list of strings"),
}
_TESTS = {
    "base-classes": (_str_list, "a list of fully qualified class names"),
    "allow": (_str_list, "a list of glob strings"),
    "root-cause-threshold": (_count, "a whole number >= 0 (0 turns grouping off)"),
}
_DUPLICATES = {
    "class-similarity": (_number, "a number between 0 and 1"),
    "conventions": (_str_list, "a list of `ClassName` or `path-glob:ClassName` strings"),
    "min-confidence": (_str, "one of \"low\", \"medium\", \"high\""),
}
_IMPORTS = {
    "non-canonical": (_bool, "true or false"),
    "cycles-include-type-checking": (_bool, "true or false"),
    "cycles-include-function-imports": (_bool, "true or false"),
    "legacy-probes": (_bool, "true or false"),
}
_BANNED = {
    "use": (_str, "a string"),
    "allow": (_str_list, "a list of glob strings"),
    "message": (_str, "a string"),
}

KNOWN_RULE_IDS = (
    "SSOT000", "SSOT101", "SSOT102", "SSOT103", "SSOT201", "SSOT202", "SSOT203", "SSOT204",
    "SSOT205", "SSOT301", "SSOT900",
)


def _check_table(table: dict[str, Any], schema: Mapping[str, tuple[Callable[[Any], bool], str]],
                 prefix: str) -> None:
    for key in sorted(table):
        if key not in schema:
            hint = difflib.get_close_matches(key, list(schema), n=1)
            suggestion = f" Did you mean `{prefix}{hint[0]}`?" if hint else ""
            valid = ", ".join(sorted(schema))
            raise ConfigError(f"unknown key `{prefix}{key}`.{suggestion} Valid keys: {valid}.")
        ok, expected = schema[key]
        if not ok(table[key]):
            raise ConfigError(
                f"`{prefix}{key}` must be {expected}, got {type(table[key]).__name__}: "
                f"{table[key]!r}"
            )


def _check_globs(key: str, globs: list[str]) -> tuple[str, ...]:
    try:
        compile_globs(globs)
    except GlobError as exc:
        raise ConfigError(f"`{key}` has a bad glob: {exc}") from None
    return tuple(globs)


def _check_prefixes(key: str, prefixes: list[str]) -> tuple[str, ...]:
    for p in prefixes:
        if not p.startswith("SSOT") or not any(r.startswith(p) for r in KNOWN_RULE_IDS):
            hint = difflib.get_close_matches(p, KNOWN_RULE_IDS, n=1)
            suggestion = f" Did you mean `{hint[0]}`?" if hint else ""
            raise ConfigError(f"`{key}` names no known rule: `{p}`.{suggestion}")
    return tuple(prefixes)


def _check_convention(entry: str) -> str:
    """`ClassName` or `path-glob:ClassName`; the class name may itself be a glob (`*Config`)."""
    glob, _, name = entry.rpartition(":")
    if not name or not name.replace("*", "a").replace("?", "a").isidentifier():
        raise ConfigError(f"`duplicates.conventions`: `{entry}` is not `ClassName` or "
                          "`path-glob:ClassName`")
    if glob:
        _check_globs("duplicates.conventions", [glob])
    return entry


def _dotted(key: str, value: str) -> None:
    parts = value.split(".")
    if not value or not all(p.isidentifier() for p in parts):
        raise ConfigError(f"`{key}`: `{value}` is not a dotted Python path")


def from_mapping(data: dict[str, Any], root: Path, config_path: Path | None = None,
                 read: Reader | None = None) -> Config:
    """`read` returns the text of a file beside the configuration (None when absent) for
    pytest's settings; default: the file system under `root` (a past revision passes its
    git objects instead)."""
    """Validate a `[tool.ssotcheck]` table and build a Config."""
    _check_table(data, _TOP, "")
    kw: dict[str, Any] = {"root": root, "config_path": config_path}
    if "src" in data:
        kw["src"] = tuple(data["src"]) or (".",)
    if "exclude" in data:
        kw["exclude"] = _check_globs("exclude", data["exclude"])
    if "fail-under" in data:
        fu = float(data["fail-under"])
        if not 0 <= fu <= 100:
            raise ConfigError(f"`fail-under` must be between 0 and 100, got {fu}")
        kw["fail_under"] = fu
    if "baseline" in data:
        if not data["baseline"].strip():
            raise ConfigError("`baseline` must be a file path, got an empty string")
        kw["baseline"] = data["baseline"]
    if "baseline-strict" in data:
        kw["baseline_strict"] = data["baseline-strict"]
    if "require-reason" in data:
        kw["require_reason"] = data["require-reason"]
    if "select" in data:
        kw["select"] = _check_prefixes("select", data["select"])
    if "ignore" in data:
        kw["ignore"] = _check_prefixes("ignore", data["ignore"])
    if "areas" in data:
        areas = []
        for name in data["areas"]:  # order matters: first match wins
            globs = data["areas"][name]
            if not _str_list(globs):
                raise ConfigError(f"`areas.{name}` must be a list of glob strings")
            areas.append((name, _check_globs(f"areas.{name}", globs)))
        kw["areas"] = tuple(areas)
    if "canonical" in data:
        items = []
        for concept, module in sorted(data["canonical"].items()):
            if not _str(module):
                raise ConfigError(f"`canonical.{concept}` must be a module path string")
            _dotted(f"canonical.{concept}", module)
            items.append((concept, module))
        kw["canonical"] = tuple(items)
    if "legacy-imports" in data:
        items = []
        for old, new in sorted(data["legacy-imports"].items()):
            if not _str(new):
                raise ConfigError(f"`legacy-imports.\"{old}\"` must be a dotted path string")
            _dotted(f"legacy-imports.\"{old}\"", old)
            _dotted(f"legacy-imports.\"{old}\"", new)
            items.append((old, new))
        kw["legacy_imports"] = tuple(items)
    if "events" in data:
        _check_table(data["events"], _EVENTS, "events.")
        if "discriminators" in data["events"]:
            kw["discriminators"] = tuple(data["events"]["discriminators"])
        if "envelopes" in data["events"]:
            kw["envelopes"] = tuple(data["events"]["envelopes"])
    if "tests" in data:
        _check_table(data["tests"], _TESTS, "tests.")
        for b in data["tests"].get("base-classes", []):
            _dotted("tests.base-classes", b)
        kw["test_base_classes"] = tuple(data["tests"].get("base-classes", ()))
        kw["test_allow"] = _check_globs("tests.allow", data["tests"].get("allow", []))
        if "root-cause-threshold" in data["tests"]:
            kw["test_root_cause_threshold"] = data["tests"]["root-cause-threshold"]
    if "duplicates" in data:
        _check_table(data["duplicates"], _DUPLICATES, "duplicates.")
        if "class-similarity" in data["duplicates"]:
            sim = float(data["duplicates"]["class-similarity"])
            if not 0 < sim <= 1:
                raise ConfigError("`duplicates.class-similarity` must be in (0, 1]")
            kw["class_similarity"] = sim
        dup = data["duplicates"]
        if "conventions" in dup:
            kw["conventions"] = tuple(_check_convention(c) for c in dup["conventions"])
        if "min-confidence" in dup:
            if dup["min-confidence"] not in CONFIDENCE_LEVELS:
                raise ConfigError("`duplicates.min-confidence` must be one of \"low\", "
                                  f"\"medium\", \"high\", got {dup['min-confidence']!r}")
            kw["min_confidence"] = dup["min-confidence"]
    if "services" in data:
        kw["services"] = _check_globs("services", data["services"])
    if "imports" in data:
        _check_table(data["imports"], _IMPORTS, "imports.")
        imp = data["imports"]
        kw["non_canonical_imports"] = imp.get("non-canonical", False)
        kw["cycles_include_type_checking"] = imp.get("cycles-include-type-checking", False)
        kw["cycles_include_function_imports"] = imp.get("cycles-include-function-imports", False)
        kw["legacy_probes"] = imp.get("legacy-probes", True)
    if "banned-api" in data:
        banned = []
        for name, spec in sorted(data["banned-api"].items()):
            key = f"banned-api.\"{name}\""
            if not _table(spec):
                raise ConfigError(f"`{key}` must be a table with `use`, `allow`, `message`")
            _dotted(key, name)
            _check_table(spec, _BANNED, f"{key}.")
            banned.append(BannedApi(
                name=name, use=spec.get("use", ""),
                allow=_check_globs(f"{key}.allow", spec.get("allow", [])),
                message=spec.get("message", ""),
            ))
        kw["banned_api"] = tuple(banned)
    kw.update(_pytest_settings(read or _file_reader(root)))
    if "areas" not in data:
        found = detected_test_dirs(_test_dir_candidates(root), kw.get(
            "python_files", Config.python_files))
        if found:
            tests, *rest = DEFAULT_AREAS
            kw["areas"] = ((tests[0], tests[1] + tuple(f"{d}/**" for d in found)), *rest)
    return Config(**kw)


# A top-level folder is test code when pytest's files are at least this share of its
# Python files (and a conftest.py says pytest runs there).
MIN_TEST_DIR_SHARE = 0.5


def detected_test_dirs(paths: Iterable[str], python_files: tuple[str, ...]) -> tuple[str, ...]:
    """Top-level folders that are a test tree under another name than `tests`/`test`
    (celery's `t/`, with `t/unit`, `t/integration`, `t/smoke`): a `conftest.py` in the
    folder or one level below it (not in a `tests` folder, which the defaults cover), and
    pytest's test files (`python_files`, conftest.py) at least MIN_TEST_DIR_SHARE of its
    Python files. Then the folder's helpers (`t/smoke/operations/*.py`) are test code too.
    Pure: posix paths relative to the root in, sorted folder names out."""
    total: dict[str, int] = {}
    tests: dict[str, int] = {}
    conftest: set[str] = set()
    covered = {g[:-3] for g in dict(DEFAULT_AREAS)["tests"] if g.endswith("/**")}
    for path in paths:
        top, _, rest = path.partition("/")
        if not rest or top in covered or not path.endswith(".py"):
            continue
        name = rest.rpartition("/")[2]
        total[top] = total.get(top, 0) + 1
        if name == "conftest.py" or pytest_module(path, python_files):
            tests[top] = tests.get(top, 0) + 1
        if name == "conftest.py" and rest.count("/") <= 1 and rest.partition("/")[0] not in (
                "tests", "test"):
            conftest.add(top)
    return tuple(sorted(d for d in conftest
                        if tests.get(d, 0) >= MIN_TEST_DIR_SHARE * total[d]))


def _test_dir_candidates(root: Path) -> list[str]:
    """The Python files of the top-level folders that hold a conftest.py in themselves
    or one level below (only those are walked: most projects have none)."""
    out: list[str] = []
    try:
        tops = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return out
    for top in tops:
        if not any(top.glob("conftest.py")) and not any(top.glob("*/conftest.py")):
            continue
        out.extend(p.relative_to(root).as_posix() for p in sorted(top.rglob("*.py")))
    return out


def _file_reader(root: Path) -> Reader:
    def read(name: str) -> str | None:
        p = root / name
        if not p.is_file():
            return None
        return p.read_text(encoding="utf-8")
    return read


def _pytest_settings(read: Reader) -> dict[str, Any]:
    """Read `python_files` / `python_classes` the way pytest would, first file found wins."""
    import configparser

    out: dict[str, Any] = {}

    def split(v: Any) -> tuple[str, ...]:
        if isinstance(v, list):
            return tuple(str(x) for x in v)
        return tuple(str(v).split())

    for name in ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"):
        try:
            text = read(name)
            if text is None:
                continue
            if name == "pyproject.toml":
                data = tomllib.loads(text)
                section = data.get("tool", {}).get("pytest", {}).get("ini_options")
                if section is None:
                    continue
            else:
                cp = configparser.ConfigParser(interpolation=None)
                cp.read_string(text, source=name)
                sect = "tool:pytest" if name == "setup.cfg" else "pytest"
                if not cp.has_section(sect):
                    if name == "pytest.ini":
                        break  # pytest uses a pytest.ini even when it has no [pytest] section
                    continue
                section = dict(cp.items(sect))
        except (OSError, ValueError, configparser.Error):  # UnicodeDecodeError is a ValueError
            continue
        if "python_files" in section:
            out["python_files"] = split(section["python_files"])
        if "python_classes" in section:
            out["python_classes"] = split(section["python_classes"])
        break
    return out


def find_config_file(start: Path) -> Path | None:
    """The nearest ssotcheck.toml, or pyproject.toml with a [tool.ssotcheck] table."""
    for d in (start, *start.parents):
        cand = d / "ssotcheck.toml"
        if cand.is_file():
            return cand
        cand = d / "pyproject.toml"
        if cand.is_file():
            try:
                text = cand.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                # A broken pyproject.toml that is meant for us must not be skipped silently
                # (the run would fall back to defaults and look clean); `load` reports it.
                if "[tool.ssotcheck" in text:
                    return cand
                continue
            if "ssotcheck" in data.get("tool", {}):
                return cand
    return None


def load(path: Path | None, root_hint: Path, root: Path | None = None) -> Config:
    """Load configuration from `path`, or discover it upwards from `root_hint`.

    The project root is the configuration file's folder unless `root` is given: with
    `--config FILE` the file supplies settings only, and the root is what the command
    line names (or the current directory), as in ruff. Relative paths and globs in the
    file (`src`, `exclude`, `areas`, `allow`, `baseline`) are read from the root."""
    if path is None:
        path = find_config_file(root_hint.resolve())
        if path is None:
            return from_mapping({}, root_hint.resolve())
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    table = parse_table(text, str(path), path.name == "pyproject.toml")
    return from_mapping(table, (root or path.parent).resolve(), path.resolve())


def parse_table(text: str, where: str, pyproject: bool) -> dict[str, Any]:
    """The `[tool.ssotcheck]` table of a configuration file's text; `where` names the
    file in messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: invalid TOML: {exc}") from None
    if pyproject:
        table = data.get("tool", {}).get("ssotcheck", {})
    else:
        table = data.get("tool", {}).get("ssotcheck", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [tool.ssotcheck] must be a table")
    return table
