"""SSOT203 banned-api: a banned module, attribute or call used outside its allowed files.

There are two kinds of use site, and each is reported once:

- an import that brings the banned thing itself into the file
  (`from os import environ`, `import pickle` when `pickle` is banned, and star imports
  of a banned module or one below it, `from cgi import *`). Later uses of the name it
  binds are not reported again: the import is the place to fix.
- an expression whose dotted chain resolves to a banned name through an import that is
  not itself banned (`import os as _os` ... `_os.environ.get("X")`). The extractor
  records only the longest chain at each site, so `os.environ.get(...)` is one use; it
  is reported against the most specific banned entry it falls under.

The most specific entry also decides whether a file is allowed, so
`"os.environ.get"` can be banned in a file that `"os.environ"` allows.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable

from ssotcheck.catalogue import make_finding
from ssotcheck.checks.legacy_imports import (
    Verdicts,
    binding_target,
    imported_path,
    sorted_imports,
    spelling,
)
from ssotcheck.config import BannedApi, Config
from ssotcheck.globs import matches
from ssotcheck.index.project import ProjectIndex
from ssotcheck.model import (
    CheckResult,
    FileFacts,
    Finding,
    ImportFact,
    Location,
    NameUse,
    Span,
)

RULES = ("SSOT203",)
# What this family reads of each file, and whether a file's findings depend on that
# file alone (see ssotcheck.incremental).
READS = frozenset({"imports", "defined", "uses", "error"})
LOCAL = True

MAX_GLOBS_IN_MESSAGE = 3


def most_specific(path: str, banned: tuple[BannedApi, ...] | dict[str, BannedApi]
                  ) -> BannedApi | None:
    """The entry for the longest banned name that is `path` or a dotted prefix of it."""
    lookup = banned if isinstance(banned, dict) else {b.name: b for b in banned}
    prefix = path
    while prefix:
        entry = lookup.get(prefix)
        if entry is not None:
            return entry
        prefix = prefix.rpartition(".")[0]
    return None


def _allowed_text(entry: BannedApi) -> str:
    if not entry.allow:
        return "banned everywhere"
    shown = ", ".join(entry.allow[:MAX_GLOBS_IN_MESSAGE])
    more = len(entry.allow) - MAX_GLOBS_IN_MESSAGE
    return f"allowed only in {shown}" + (f" and {more} more" if more > 0 else "")


def _advice(entry: BannedApi) -> str:
    parts = []
    if entry.use:
        parts.append(f"use `{entry.use}` instead")
    if entry.message:
        parts.append(entry.message.strip())
    return ("; " + "; ".join(parts)) if parts else ""


def _location(path: str, span: Span) -> Location:
    return Location(path, span.line, span.column, span.end_line, span.end_column)


def _file_findings(index: ProjectIndex, banned: dict[str, BannedApi], path: str,
                   facts: FileFacts) -> list[Finding]:
    module = index.module_of.get(path)
    out: list[Finding] = []
    # bound name -> what it refers to, for every import that is not a use site itself
    plain: dict[str, list[str]] = {}
    banned_bindings: set[str] = set()
    for imp in sorted_imports(facts.imports):
        target = imported_path(index, module, imp)
        entry = most_specific(target, banned) if target else None
        if imp.name == "*":
            # `from cgi import *` / `from cgi.foo import *` with `cgi` banned: the module
            # itself is what the statement brings in. A star import of a module that only
            # holds a banned name (`from typing import *` for `typing.TypedDict`) binds
            # far more than that name and is left alone, as ruff's TID251 does.
            if entry is not None and target is not None and not matches(path, entry.allow):
                out.append(_import_finding(path, imp, target, entry, "star-imports",
                                           f"*:{target}"))
            continue
        if entry is not None and target is not None:
            banned_bindings.add(imp.bound_name)
            if not matches(path, entry.allow):
                out.append(_import_finding(path, imp, target, entry, "imports",
                                           imp.bound_name))
            continue
        bound = binding_target(index, module, imp)
        if bound is not None:
            plain.setdefault(imp.bound_name, []).append(bound)
    local = facts.defined_names()
    for use in facts.name_uses:
        finding = _use_finding(path, use, plain, banned_bindings, local, banned)
        if finding is not None:
            out.append(finding)
    return out


def _import_finding(path: str, imp: ImportFact, target: str, entry: BannedApi, verb: str,
                    what: str) -> Finding:
    return make_finding(
        "SSOT203",
        f"`{spelling(imp)}` {verb} `{target}`: `{entry.name}` is "
        f"{_allowed_text(entry)}{_advice(entry)}",
        _location(path, imp.span), key=f"{entry.name}:import:{what}",
    )


def _use_finding(path: str, use: NameUse, plain: dict[str, list[str]],
                 banned_bindings: set[str], local: frozenset[str],
                 banned: dict[str, BannedApi]) -> Finding | None:
    head, _, rest = use.chain.partition(".")
    if head in banned_bindings:
        return None  # reported at the import that bound it
    if head in plain:
        candidates = [f"{target}.{rest}" if rest else target for target in plain[head]]
    elif hasattr(builtins, head) and head not in local:
        candidates = [use.chain]  # a banned builtin such as `eval` or `open`
    else:
        return None  # a local name, attribute of `self`, ...: not the banned module
    for full in candidates:
        entry = most_specific(full, banned)
        if entry is None:
            continue
        if matches(path, entry.allow):
            return None
        what = "call to" if use.is_call else "use of"
        shown = f"`{use.chain}`" + (f" (`{full}`)" if full != use.chain else "")
        return make_finding(
            "SSOT203",
            f"{what} {shown}: `{entry.name}` is {_allowed_text(entry)}{_advice(entry)}",
            _location(path, use.span), key=f"{entry.name}:{use.chain}",
        )
    return None


def _may_find(facts: FileFacts, may_be_banned: Verdicts) -> bool:
    """Cheap pre-filter: without a recorded name use, a file can only break the rule with
    an import, and only an import of a module that may name a banned path. Relative
    imports are left to the full check (their base needs resolving)."""
    if facts.name_uses:
        return True
    return any(imp.level or may_be_banned[imp.module] for imp in facts.imports)


def _starts_like_banned(banned: dict[str, BannedApi]) -> Callable[[str], bool]:
    """Whether an absolute import of `module` may name a banned path: every dotted prefix
    of the path it names (`module` or `module.name`) has `module`'s first component."""
    heads = frozenset(name.partition(".")[0] for name in banned)

    def decide(module: str) -> bool:
        # An empty module (never produced for an absolute import) is left to the full check.
        return not module or module.partition(".")[0] in heads
    return decide


def check(index: ProjectIndex, config: Config) -> CheckResult:
    if not config.banned_api:
        return CheckResult()
    findings: list[Finding] = []
    banned = {b.name: b for b in config.banned_api}
    may_be_banned = Verdicts(_starts_like_banned(banned))
    for path, facts in index.files.items():
        if facts.error is None and _may_find(facts, may_be_banned):
            findings.extend(_file_findings(index, banned, path, facts))
    return CheckResult(tuple(sorted(findings, key=Finding.sort_key)))
