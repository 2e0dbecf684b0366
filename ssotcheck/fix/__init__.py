"""`ssotcheck fix`: rewrite the imports that SSOT201, SSOT205 (and, when enabled, SSOT202)
report.

The list of what to fix comes from the pipeline's findings, so `fix` touches exactly
what `check` reports (inline suppressions are honoured; the baseline is not, because
fixing a baselined import is what the baseline is waiting for). For each file the
codemod (`ssotcheck.fix.imports`) produces new bytes, then every rewritten file is
re-extracted and the import rules re-run on the updated index: a file whose rewrite does not
parse or still carries a finding it claimed to fix is left untouched and listed.
Only then are files written, each atomically, so an interrupted run leaves every file
either as it was or fully fixed.

Exit code: 0 when every fixable finding was fixed (or is in the printed diff), 1 when
some remain: unsafe fixes without --unsafe-fixes, or files that could not be fixed.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ssotcheck.config import Config
from ssotcheck.atomic import atomic_write
from ssotcheck.fix import dangling
from ssotcheck.fix.imports import FileFix, Request, rewrite
from ssotcheck.model import Finding, Severity

if TYPE_CHECKING:
    from ssotcheck.index.project import ProjectIndex

FIXABLE_RULES = ("SSOT201", "SSOT202", dangling.RULE)
UNUSED_SUPPRESSION = "SSOT900"  # fixed by ssotcheck.fix.suppressions
EXIT_OK, EXIT_REMAINING = 0, 1

_ARG_DEFAULTS = {"diff": False, "unsafe_fixes": False, "quiet": False, "verbose": 0, "jobs": 0,
                 "no_cache": False, "cache_dir": None, "output": None}


@dataclass(frozen=True)
class FileOutcome:
    path: str
    old: bytes
    new: bytes | None
    findings: tuple[Finding, ...]
    applied: tuple[Request, ...] = ()
    unsafe_skipped: tuple[Request, ...] = ()
    error: str | None = None
    superseded: tuple[Request, ...] = ()
    deferred: int = 0  # superseded findings a re-check still reports


def run_fix(args: argparse.Namespace, config: Config, scope: tuple[str, ...]) -> int:
    args = argparse.Namespace(**{**_ARG_DEFAULTS, **vars(args)})
    out: TextIO = sys.stderr if args.diff else sys.stdout
    rules = tuple(r for r in FIXABLE_RULES if config.rule_enabled(r))
    unused = config.rule_enabled(UNUSED_SUPPRESSION)
    if not rules and not unused:
        print("ssotcheck fix: nothing to do; SSOT201, SSOT202, SSOT205 and SSOT900 are not "
              "enabled",
              file=out)
        return EXIT_OK
    status = _fix_imports(args, config, scope, rules, out) if rules else EXIT_OK
    if unused:
        status = max(status, _fix_unused_suppressions(args, config, scope, out))
    return status


def _fix_unused_suppressions(args: argparse.Namespace, config: Config,
                             scope: tuple[str, ...], out: TextIO) -> int:
    """Remove what SSOT900 reports. It needs every rule's findings to know a suppression
    is unused, so this is a run of the whole configuration (after any import rewrites)."""
    from ssotcheck.runner import run_pipeline, write_output
    from ssotcheck.fix.suppressions import plan

    result = run_pipeline(args, config, scope, use_baseline=False)
    by_path: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.rule == UNUSED_SUPPRESSION and f.fix is not None:
            by_path.setdefault(f.path, []).append(f)
    if not by_path:
        return EXIT_OK
    digests = {p: result.index.files[p].content_hash for p in by_path}
    edits = [plan(lambda p: (config.root / p).read_bytes(), p, digests[p], fs)
             for p, fs in sorted(by_path.items())]
    if args.diff:
        write_output("".join(_diff(FileOutcome(e.path, e.old, e.new, ()))
                             for e in edits if e.new is not None), args.output)
    fixed = 0
    for e in edits:
        if e.error is not None:
            print(f"{e.path}: unused suppressions left as they are: {e.error}", file=out)
            continue
        if e.new is None:
            continue
        if not args.diff:
            done = _write(config.root, FileOutcome(e.path, e.old, e.new, ()))
            if done.error is not None:
                print(f"{e.path}: unused suppressions left as they are: {done.error}", file=out)
                continue
            if not args.quiet:
                print(f"fixed {e.path} ({_plural(e.fixed, 'unused suppression')})", file=out)
        fixed += e.fixed
    total = sum(len(fs) for fs in by_path.values())
    if not args.quiet or fixed < total:
        verb = "would remove" if args.diff else "removed"
        print(f"ssotcheck fix: {verb} {fixed} of {_plural(total, 'unused suppression')}",
              file=out)
    return EXIT_OK if fixed == total else EXIT_REMAINING


def _fix_imports(args: argparse.Namespace, config: Config, scope: tuple[str, ...],
                 rules: tuple[str, ...], out: TextIO) -> int:
    from ssotcheck.runner import run_pipeline

    result = run_pipeline(args, replace(config, select=rules, ignore=()), scope,
                          use_baseline=False)
    findings = [f for f in result.findings if f.rule in rules]
    fixable = [f for f in findings if f.fix is not None and f.fix.replacement]
    unfixable = [f for f in findings if f.fix is None or not f.fix.replacement]
    # Shims are reported as info; the rest are uses through a module (`pkg.models.Old`),
    # which need a hand edit: there is no import at their location to rewrite.
    # Guarded fallbacks are info and probes (a try whose handler only records, fails or
    # logs) warnings: both are left as they are, on purpose.
    shims = sum(1 for f in unfixable if f.severity is Severity.INFO)
    homeless = dangling.homeless(unfixable)  # listed, not counted as uses to edit
    probes = sum(1 for f in unfixable if f.rule == "SSOT201" and f.severity is Severity.WARNING)
    by_hand = len(unfixable) - shims - probes - len(homeless)
    by_path: dict[str, list[Finding]] = {}
    for f in fixable:
        by_path.setdefault(f.path, []).append(f)
    # A symlinked file is discovered under both names; rewrite it once.
    primary: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for p in sorted(by_path):
        real = os.path.realpath(config.root / p)
        aliases[p] = primary.setdefault(real, p)
    work = [(p, tuple(by_path[p]), result.index.files[p].content_hash)
            for p in sorted(by_path) if aliases[p] == p]
    outcomes = _plan_all(config.root, work, args.unsafe_fixes, args.jobs)
    outcomes = _verify(result.index, config, rules, outcomes)
    if args.diff:
        from ssotcheck.runner import write_output

        write_output("".join(_diff(o) for o in outcomes if o.new is not None), args.output)
    else:
        outcomes = [_write(config.root, o) for o in outcomes]
    done = {o.path: o for o in outcomes}
    for p in sorted(by_path):
        if aliases[p] != p:
            first = done[aliases[p]]
            outcomes.append(replace(first, path=p, new=None, findings=tuple(by_path[p])))
    outcomes.sort(key=lambda o: o.path)
    dangling.report_homeless(homeless, out)
    remaining = _report(outcomes, (shims, probes), by_hand, args, out, aliases)
    return EXIT_REMAINING if remaining else EXIT_OK


# Below this many files a process pool costs more than it saves.
PARALLEL_MIN_FILES = 8


def _plan_all(root: Path, work: list[tuple[str, tuple[Finding, ...], str]], unsafe: bool,
              jobs: int) -> list[FileOutcome]:
    """Plan every file's rewrite, in parallel when it pays: libcst parsing and code
    generation dominate a large fix. Nothing is written here."""
    jobs = min(jobs or os.cpu_count() or 1, len(work))
    if jobs <= 1 or len(work) < PARALLEL_MIN_FILES:
        return [_plan_file(root, p, f, d, unsafe) for p, f, d in work]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    def pool(n: int) -> ProcessPoolExecutor:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        return ProcessPoolExecutor(max_workers=n, mp_context=ctx)

    results: list[FileOutcome | None] = []
    with pool(jobs) as executor:
        futures = [executor.submit(_plan_file, root, p, f, d, unsafe) for p, f, d in work]
        for fut in futures:
            try:
                results.append(fut.result())
            except BrokenProcessPool:
                results.append(None)
    # A worker died (libcst's native parser can crash on pathological input): redo those
    # files one per pool, so the culprit is named and the others are still fixed.
    out: list[FileOutcome] = []
    for (path, findings, digest), got in zip(work, results):
        if got is None:
            try:
                with pool(1) as single:
                    got = single.submit(_plan_file, root, path, findings, digest, unsafe).result()
            except BrokenProcessPool:
                got = FileOutcome(path, b"", None, findings,
                                  error="the libcst parser crashed on this file")
        out.append(got)
    return out


def _plan_file(root: Path, path: str, findings: tuple[Finding, ...] | list[Finding],
               digest: str, unsafe: bool) -> FileOutcome:
    from ssotcheck.index.source import content_hash

    try:
        old = (root / path).read_bytes()
    except OSError as exc:
        return FileOutcome(path, b"", None, tuple(findings), error=f"cannot read: {exc}")
    if content_hash(old) != digest:
        return FileOutcome(path, old, None, tuple(findings),
                           error="the file changed after it was analysed; run fix again")
    requests = [Request(f.rule, f.location.line, f.location.column, f.fix.replacement or "",
                        f.fix.safe, f.message) for f in findings if f.fix is not None]
    result: FileFix = rewrite(old, requests, unsafe)
    return FileOutcome(path, old, result.new, tuple(findings), result.applied,
                       result.unsafe_skipped, result.error, result.superseded)


def _verify(index: ProjectIndex, config: Config, rules: tuple[str, ...],
            outcomes: list[FileOutcome]) -> list[FileOutcome]:
    """Re-run the import rules on the rewritten files; refuse any rewrite that does not
    parse or leaves behind a finding it claimed to fix."""
    changed = {o.path: o for o in outcomes if o.new is not None}
    if not changed:
        return outcomes
    from ssotcheck.checks import dangling_imports, legacy_imports, reexports
    from ssotcheck.index.extract import extract
    from ssotcheck.index.options import ExtractOptions
    from ssotcheck.index.project import ProjectIndex

    options = ExtractOptions(discriminators=())
    problems: dict[str, str] = {}
    new_facts = {}
    for path, o in changed.items():
        assert o.new is not None
        facts = extract(path, o.new, options)
        if facts.error is not None:
            problems[path] = f"the rewritten file would not parse ({facts.error.message})"
        else:
            new_facts[path] = facts
    new_index = ProjectIndex(index.root, [new_facts.get(p, f) for p, f in index.files.items()],
                             config.src, index.extension_paths)
    families = [m for m, r in ((legacy_imports, "SSOT201"), (reexports, "SSOT202"),
                               (dangling_imports, dangling.RULE)) if r in rules]

    def counts(ix: ProjectIndex) -> Counter[str]:
        c: Counter[str] = Counter()
        for family in families:
            for f in family.check(ix, config).findings:
                if f.fix is not None and f.path in new_facts:
                    c[f.path] += 1
        return c

    before, after = counts(index), counts(new_index)
    deferred: dict[str, int] = {}
    for path in new_facts:
        expected = before[path] - len(changed[path].applied)
        if after[path] > expected:
            problems[path] = (f"a re-check of the rewritten file still reports "
                              f"{after[path] - expected} of the imports it was meant to fix")
        else:
            # A superseded finding may point at the rewritten import's new path too.
            deferred[path] = max(0, after[path] - (expected - len(changed[path].superseded)))
    return [replace(o, new=None, applied=(), superseded=(), error=problems[o.path])
            if o.path in problems else replace(o, deferred=deferred.get(o.path, 0))
            for o in outcomes]


def _diff(o: FileOutcome) -> str:
    assert o.new is not None
    old_text = _decode(o.old)
    new_text = _decode(o.new)
    lines = difflib.unified_diff(old_text.splitlines(keepends=True),
                                 new_text.splitlines(keepends=True),
                                 fromfile=f"a/{o.path}", tofile=f"b/{o.path}")
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)
    return text


def _decode(data: bytes) -> str:
    from ssotcheck.index.source import decode_source

    text, _ = decode_source(data)
    return text if text is not None else data.decode("utf-8", "replace")


def _write(root: Path, o: FileOutcome) -> FileOutcome:
    if o.new is None:
        return o
    target = root / o.path
    try:
        if target.read_bytes() != o.old:
            return replace(o, new=None, applied=(), superseded=(),
                           error="the file changed while fix was running; run fix again")
        atomic_write(target, o.new)
    except OSError as exc:
        return replace(o, new=None, applied=(), superseded=(), error=f"cannot write: {exc}")
    return o


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _report(outcomes: list[FileOutcome], guarded: tuple[int, int], by_hand: int,
            args: argparse.Namespace, out: TextIO, aliases: dict[str, str]) -> int:
    """Print what happened; return how many fixable findings remain unfixed. `guarded` is
    (fallback shims, probes) left as they are."""
    shims, probes = guarded
    verb = "would fix" if args.diff else "fixed"
    total = sum(len(o.findings) for o in outcomes)
    applied = sum(len(o.applied) + len(o.superseded) - o.deferred for o in outcomes)
    unsafe = sum(len(o.unsafe_skipped) for o in outcomes)
    failed = [o for o in outcomes if o.error is not None]
    for o in outcomes:
        if o.applied and not args.quiet and not args.diff:
            via = f" (same file as {aliases[o.path]})" if aliases.get(o.path, o.path) != o.path \
                else ""
            print(f"fixed {o.path} ({_plural(len(o.applied), 'import')}){via}", file=out)
        for req in o.unsafe_skipped:
            finding = next((f for f in o.findings if f.location.line == req.line
                            and f.location.column == req.column and f.rule == req.rule), None)
            what = finding.fix.description if finding and finding.fix else req.replacement
            print(f"{o.path}:{req.line}:{req.column + 1}: {req.rule} not fixed, the fix is "
                  f"unsafe (use --unsafe-fixes): {what}", file=out)
        if o.deferred:
            points = "points" if o.deferred == 1 else "point"
            print(f"{o.path}: {_plural(o.deferred, 'finding')} {points} at an import another fix "
                  f"just rewrote; run fix again", file=out)
        if o.error is not None:
            lines = ", ".join(str(f.line) for f in o.findings)
            print(f"{o.path}: left untouched ({_plural(len(o.findings), 'finding')} on line "
                  f"{lines}): {o.error}", file=out)
    remaining = total - applied
    if not args.quiet or remaining:
        if total == 0:
            summary = "nothing to fix"
        else:
            files = sum(1 for o in outcomes if o.applied)
            summary = f"{verb} {applied} of {_plural(total, 'fixable finding')} in " \
                      f"{_plural(files, 'file')}"
            if unsafe:
                summary += f"; {unsafe} {'needs' if unsafe == 1 else 'need'} --unsafe-fixes"
            if failed:
                summary += f"; {_plural(len(failed), 'file')} left untouched"
        if shims:
            summary += (f"; {_plural(shims, 'import')} in try/except ImportError shims "
                        f"left as is")
        if probes:
            summary += f"; {_plural(probes, 'probe import')} left as is"
        if by_hand:
            summary += (f"; {_plural(by_hand, 'use')} of a legacy path through a module "
                        f"to edit by hand")
        print(f"ssotcheck fix: {summary}", file=out)
    return remaining
