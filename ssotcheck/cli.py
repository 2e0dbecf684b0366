"""Command line: parse arguments, run the pipeline, pick a renderer, set the exit code.

Exit codes: 0 pass, 1 findings or gate failed, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence, TextIO

from ssotcheck import __version__

if TYPE_CHECKING:
    from ssotcheck.config import Config
    from ssotcheck.history import History, Point
    from ssotcheck.answer_store import Outcome
    from ssotcheck.index.project import ProjectIndex
    from ssotcheck.pipeline import Analysed, RunOptions, RunResult

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
Single-source-of-truth compliance checker for Python monorepos.

ssotcheck finds concepts defined in more than one place (split enums, event schemas,
duplicated classes), imports of legacy paths, banned APIs, import cycles and test
classes that bypass your base test classes, and scores each area of the code 0-100%.
"""

EPILOG = """\
examples:
  ssotcheck report                      summary report for the project around the current directory
  ssotcheck report --findings           ... followed by every finding
  ssotcheck check --output-format concise   one line per finding (full, concise, grouped)
  ssotcheck report examples/            ... for another project (its pyproject.toml is used)
  ssotcheck check --fail-under 95       CI gate: exit 1 on findings or a score below 95
  ssotcheck check $(git diff --name-only --cached)   only report on the staged files
  ssotcheck report --format html -o ssot.html         self-contained HTML report
  ssotcheck fix --diff                  preview rewrites of legacy imports
  ssotcheck explain SSOT101             what a rule means and how to fix it
  ssotcheck graph --format dot | dot -Tsvg > imports.svg

configuration lives in [tool.ssotcheck] of pyproject.toml (or ssotcheck.toml);
`ssotcheck init` writes a starting point. Exit codes: 0 pass, 1 findings, 2 usage error.
"""


class UsageError(Exception):
    pass


# ---------------------------------------------------------------- argument parsing


def _common(p: argparse.ArgumentParser, formats: Sequence[str] | None = None) -> None:
    g = p.add_argument_group("common options")
    if formats:
        g.add_argument("--format", "-f", choices=formats, default=formats[0],
                       help=f"output format (default: {formats[0]})")
    g.add_argument("--output", "-o", metavar="FILE", help="write the output to FILE (atomically)")
    g.add_argument("--config", metavar="FILE",
                   help="configuration file (default: nearest ssotcheck.toml or pyproject.toml "
                        "with [tool.ssotcheck])")
    g.add_argument("--select", metavar="RULES",
                   help="comma-separated rule ids or prefixes to run, e.g. SSOT1,SSOT201")
    g.add_argument("--ignore", metavar="RULES", help="comma-separated rule ids or prefixes to skip")
    g.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                   help="worker processes for parsing (default: CPU count)")
    g.add_argument("--no-cache", action="store_true", help="neither read nor write the facts cache")
    g.add_argument("--cache-dir", metavar="DIR",
                   help="cache location (default: .ssotcheck_cache; env SSOTCHECK_CACHE_DIR)")
    g.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour output (default: auto; NO_COLOR is honoured)")
    g.add_argument("-q", "--quiet", action="store_true", help="print only findings and errors")
    g.add_argument("-v", "--verbose", action="count", default=0,
                   help="print the root, the configuration file, timings and cache "
                        "statistics to stderr")


def _concept_rows(value: str) -> int | None:
    if value == "all":
        return None
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"expected a number or `all`, got {value!r}")
    return n


def _layout_options(p: argparse.ArgumentParser) -> None:
    from ssotcheck.report import FORMATS, TEXT_LAYOUTS

    g = p.add_argument_group("finding output")
    g.add_argument("--output-format", metavar="FORMAT",
                   choices=TEXT_LAYOUTS + tuple(f for f in FORMATS if f != "text"),
                   help="how text findings are laid out: full (default; with related "
                        "locations and fixes), concise (one line each: path:line:col: RULE "
                        "message) or grouped (by file); a machine format name (json, sarif, "
                        "...) works as --format does")
    related = g.add_mutually_exclusive_group()
    related.add_argument("--show-related", dest="show_related", action="store_true",
                         default=None, help="print related locations (default except concise)")
    related.add_argument("--no-related", dest="show_related", action="store_false",
                         help="leave related locations out")


def build_parser() -> argparse.ArgumentParser:
    from ssotcheck.report import FORMATS, REGISTER_ROWS

    parser = argparse.ArgumentParser(
        prog="ssotcheck", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"ssotcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def cmd(name: str, help_: str, desc: str = "") -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_, description=desc or help_,
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    p = cmd("check", "gate: report findings, exit 1 if any (or the score is below fail-under)",
            "Run every enabled rule. Findings are reported for PATHS only (default: the whole\n"
            "project), but the whole project is indexed so cross-module rules stay correct.\n"
            "Exit 1 when a counted (error or warning) finding remains after inline\n"
            "suppressions and the baseline, or the score is below --fail-under.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to report on")
    p.add_argument("--fail-under", type=float, metavar="SCORE",
                   help="fail when the overall score is below SCORE (overrides config)")
    p.add_argument("--no-baseline", action="store_true",
                   help="ignore the baseline file (default: use it when it exists)")
    p.add_argument("--strict-baseline", action="store_true",
                   help="also fail when baseline entries no longer occur (config: "
                        "baseline-strict = true), so the committed baseline keeps shrinking")
    p.add_argument("--statistics", action="store_true",
                   help="print the number of findings per rule (like ruff), not the findings")
    p.add_argument("--diff-base", metavar="REF",
                   help="new-code gate: fail only on findings that REF (a branch, tag or "
                        "commit) does not have; REF is read from git objects")
    _layout_options(p)
    _common(p, ("text",) + tuple(f for f in FORMATS if f != "text"))

    p = cmd("report", "summary report: scores per area, rules, split-concept register, worst "
                      "files and folders (findings with --findings)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="project directory or files in it")
    p.add_argument("--no-baseline", action="store_true",
                   help="ignore the baseline file (default: use it when it exists)")
    p.add_argument("--record", action="store_true",
                   help="append the scores to .ssotcheck-history.jsonl for `ssotcheck trend` "
                        "(for projects outside git)")
    p.add_argument("--trend", type=int, metavar="N",
                   help="with --format html: embed a chart of the last N commits")
    p.add_argument("--findings", action="store_true",
                   help="text: list every finding after the summary (`check` lists them too)")
    p.add_argument("--concepts", metavar="N|all", type=_concept_rows, default=REGISTER_ROWS,
                   help=f"text: split-concept register rows to show (default: {REGISTER_ROWS})")
    _layout_options(p)
    _common(p, ("text",) + tuple(f for f in FORMATS if f != "text"))

    p = cmd("fix", "rewrite legacy imports to their canonical path (libcst codemod)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to fix")
    p.add_argument("--diff", action="store_true", help="print a unified diff; write nothing")
    p.add_argument("--unsafe-fixes", action="store_true",
                   help="also apply fixes marked unsafe (they re-order statements or change uses)")
    _common(p)

    p = cmd("baseline", "record today's findings so `check` fails only on new ones",
            "Without a baseline file, record every current finding. Over an existing one,\n"
            "only shrink it (the ratchet): entries whose finding is gone are dropped, new\n"
            "findings are not added unless --add-new is given; --reset re-records everything.\n"
            "`check` and `report` use the file automatically when it exists.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="project directory")
    p.add_argument("--file", metavar="FILE",
                   help="baseline file (default: `baseline` from config, else "
                        ".ssotcheck-baseline.json)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--add-new", action="store_true",
                      help="also add findings that are not in the baseline yet")
    mode.add_argument("--reset", action="store_true",
                      help="re-record the baseline from today's findings (also replaces an "
                           "unreadable file)")
    _common(p)

    p = cmd("suppressions", "list every inline suppression and baseline entry, for audit",
            "One place to audit accepted exceptions: every inline suppression comment\n"
            "(rules, reason, expiry, age from git blame, whether it is still used) and every\n"
            "baseline entry (rule, path, count, when it was added).")
    p.add_argument("paths", nargs="*", metavar="PATH", help="project directory or files in it")
    _common(p, ("text", "json"))

    p = cmd("graph", "export the first-party import graph")
    p.add_argument("paths", nargs="*", metavar="PATH", help="project directory")
    _common(p, ("json", "dot", "graphml"))

    p = cmd("explain", "print a rule's documentation (or list all rules)")
    p.add_argument("rule", nargs="?", help="rule id or name, e.g. SSOT101 or split-enum")

    p = cmd("init", "analyse the project and write a proposed ssotcheck.toml",
            "Reads the code (nothing is imported or run) and writes ssotcheck.toml with the\n"
            "evidence for each proposal in comments: areas from the layout, a canonical home\n"
            "for each split concept, base test classes, legacy-shim candidates, a banned-api\n"
            "example. Never overwrites an existing configuration without --force.")
    p.add_argument("path", nargs="?", default=".", help="project directory (default: .)")
    p.add_argument("--force", action="store_true", help="overwrite an existing configuration")
    p.add_argument("--stdout", action="store_true", help="print the proposal; write nothing")
    p.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                   help="worker processes for parsing (default: CPU count)")

    p = cmd("trend", "scores per commit, computed from git history (no checkout)",
            "Analyse past commits straight from git objects (the working tree, index and\n"
            "HEAD are left alone), each under the configuration as of that commit.\n"
            "Outside git, shows the points `report --record` appended.")
    p.add_argument("args", nargs="*", metavar="[REVISIONS] [PATH]",
                   help="a revision range such as v1.0..HEAD (default: first-parent history "
                        "of HEAD), and the project directory")
    p.add_argument("--commits", "-n", type=int, metavar="N",
                   help="at most N points (default: 20 unless a range or --since is given)")
    p.add_argument("--since", metavar="DATE", help="only commits after DATE (as git log --since)")
    p.add_argument("--every", type=int, default=1, metavar="N", help="sample every N-th commit")
    p.add_argument("--recorded", action="store_true",
                   help="show the points `report --record` appended instead")
    _common(p, ("text", "json", "markdown", "html", "csv"))

    p = cmd("diff", "what changed between two states: new and fixed findings, scores",
            "Compare BASE with HEAD (default: the working tree): findings new and fixed\n"
            "(matched without line numbers, so moved code is neither), concepts newly\n"
            "split or merged, score movement per area. Commits are read from git objects.")
    p.add_argument("base", metavar="BASE", help="base revision")
    p.add_argument("head", nargs="?", metavar="HEAD", help="head revision (default: working tree)")
    p.add_argument("--path", metavar="DIR", help="project directory (default: .)")
    _common(p, ("text", "markdown", "json"))

    p = cmd("cache", "manage the facts cache")
    p.add_argument("action", choices=("clear", "dir"), help="clear: delete it; dir: print its path")
    p.add_argument("paths", nargs="*", metavar="PATH", help="project directory")
    p.add_argument("--config", metavar="FILE", help="configuration file")
    p.add_argument("--cache-dir", metavar="DIR", help="cache location")
    return parser


# ------------------------------------------------------------------------ helpers


def want_color(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


def _split(v: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in v.split(",") if x.strip()) if v else ()


def load_config(args: argparse.Namespace) -> tuple[Config, tuple[str, ...]]:
    """Config plus report scope (paths relative to the project root).

    Without --config the root is the folder of the nearest configuration file above the
    first path (or the current directory). With --config FILE the file supplies settings
    only: the root is the one directory given on the command line, else the current
    directory, and relative globs in FILE are read from there."""
    from dataclasses import replace

    from ssotcheck import config as cfgmod

    paths = [Path(p) for p in getattr(args, "paths", []) or []]
    for p in paths:
        if not p.exists() and not p.is_symlink():
            raise UsageError(f"path does not exist: {p}")
    anchor = paths[0] if paths else Path.cwd()
    anchor = anchor if anchor.is_dir() else anchor.parent
    cfg_path = Path(args.config) if getattr(args, "config", None) else None
    if cfg_path is None:
        found = cfgmod.find_config_file(anchor.resolve())
        if found is None:
            root = anchor.resolve() if paths else Path.cwd().resolve()
            config = cfgmod.from_mapping({}, root)
        else:
            config = cfgmod.load(found, anchor)
    else:
        root = paths[0] if len(paths) == 1 and paths[0].is_dir() else Path.cwd()
        config = cfgmod.load(cfg_path, anchor, root=root)
    if getattr(args, "verbose", 0):
        print(f"ssotcheck: root {config.root}; config "
              + (str(config.config_path) if config.config_path else "none (defaults)"),
              file=sys.stderr)
    overrides: dict[str, Any] = {}
    if getattr(args, "select", None):
        overrides["select"] = cfgmod._check_prefixes("--select", list(_split(args.select)))
    if getattr(args, "ignore", None):
        overrides["ignore"] = cfgmod._check_prefixes("--ignore", list(_split(args.ignore)))
    if getattr(args, "fail_under", None) is not None:
        if not 0 <= args.fail_under <= 100:
            raise UsageError("--fail-under must be between 0 and 100")
        overrides["fail_under"] = args.fail_under
    if overrides:
        config = replace(config, **overrides)
    scope: list[str] = []
    for p in paths:
        try:
            rel = Path(os.path.abspath(p)).relative_to(config.root)
        except ValueError:
            raise UsageError(f"{p} is outside the project root {config.root}") from None
        rel_s = rel.as_posix()
        if rel_s == ".":
            return config, ()
        scope.append(rel_s)
    return config, tuple(sorted(set(scope)))


# ----------------------------------------------------------------------- commands


def _output_choice(args: argparse.Namespace) -> tuple[str, str]:
    """(format, text layout) from --format and --output-format."""
    from ssotcheck.report import TEXT_LAYOUTS

    chosen = getattr(args, "output_format", None)
    if chosen is None or chosen in TEXT_LAYOUTS:
        return args.format, chosen or "full"
    if args.format not in ("text", chosen):
        raise UsageError(f"--format {args.format} and --output-format {chosen} disagree")
    return chosen, "full"


def _nothing_analysed(args: argparse.Namespace, config: Config, result: RunResult,
                      messages: list[str]) -> int | None:
    """A run whose scope holds no Python file must not look like a clean 100%. When only
    files were named and none is Python (a pre-commit hook on non-Python files), there is
    nothing to do: exit 0 with a note. Otherwise the run pointed at the wrong place: 2."""
    if result.scope:
        return None
    paths = [Path(p) for p in getattr(args, "paths", []) or []]
    excluded = result.stats.files_excluded
    note = f" ({excluded} excluded by `exclude`)" if excluded else ""
    if paths and not any(p.is_dir() for p in paths):
        if not args.quiet:
            messages.append(f"ssotcheck: no Python files among the {len(paths)} given path"
                            f"{'s' if len(paths) != 1 else ''}{note}; nothing to check")
        return EXIT_OK
    where = ", ".join(str(p) for p in paths) if paths else str(config.root)
    messages.append(f"ssotcheck: error: no Python files found under {where}{note}")
    return EXIT_USAGE


def cmd_check(args: argparse.Namespace, full: bool) -> int:
    from dataclasses import replace

    from ssotcheck.answer_store import AnswerStore
    from ssotcheck.pipeline import cache_directory
    from ssotcheck.runner import finish_run, print_stats, run_analysis, write_output

    config, scope = load_config(args)
    fmt, layout = _output_choice(args)
    known = None
    base_commit = None
    if getattr(args, "diff_base", None):
        from ssotcheck.history import base_counts

        base_commit, known = base_counts(_history(args, config), args.diff_base, config)
    trend = None
    if getattr(args, "trend", None) is not None:
        if fmt != "html":
            raise UsageError("--trend needs --format html")
        trend = trend_points(args, config, None, args.trend)
    options, analysed = run_analysis(args, config, scope, use_baseline=not args.no_baseline,
                                     known=known)
    color = want_color(args.color, sys.stdout) and not args.output
    # --diff-base, --trend and --record read or write more than the answer's key says.
    key = None
    if known is None and trend is None and not getattr(args, "record", False):
        key = _answer_key(args, config, options, analysed, full, fmt, layout, color)
    store = AnswerStore(cache_directory(config, options)) if key else None
    outcome = store.lookup(key) if store is not None and key else None
    result = None
    if outcome is not None:
        print_stats(args, config, analysed.stats, answer="reused")
    else:
        result = finish_run(args, config, options, analysed)
        if base_commit is not None:
            result = replace(result, diff_base=base_commit.oid)
        outcome = _check_outcome(args, config, result, full, fmt, layout, color, trend)
        if store is not None and key and result.scope:
            store.save(key, outcome)
    for line in outcome.before:
        print(line, file=sys.stderr)
    if outcome.text is not None:
        write_output(outcome.text, args.output)
    for line in outcome.after:
        print(line, file=sys.stderr)
    if getattr(args, "record", False) and result is not None and outcome.code != EXIT_USAGE:
        from ssotcheck.trend import record

        record(config, result)
    return outcome.code


def _answer_key(args: argparse.Namespace, config: Config, options: RunOptions,
                analysed: Analysed, full: bool, fmt: str, layout: str, color: bool
                ) -> str | None:
    """Everything `_check_outcome` reads besides the checks' results (see
    `ssotcheck.answer_store`), or None when the results have no key."""
    from ssotcheck.answer_store import answer_key, file_digest

    results = analysed.checked.key
    if results is None:
        return None
    st = analysed.stats
    baseline = config.baseline_path() if options.use_baseline else None
    return answer_key(results, {
        "command": "report" if full else "check",
        "root": str(config.root),
        "config": str(config.config_path),
        "scope": options.paths,
        "paths": tuple(getattr(args, "paths", None) or ()),
        "today": options.today.isoformat() if options.today else None,
        "baseline": (str(baseline), file_digest(baseline)) if baseline else None,
        "strict": bool(getattr(args, "strict_baseline", False)),
        "format": (fmt, layout, color, bool(getattr(args, "statistics", False)),
                   bool(args.quiet), bool(args.verbose), getattr(args, "findings", False),
                   getattr(args, "concepts", None), args.show_related),
        "files": (st.files_discovered, st.files_analyzed, st.files_failed, st.files_excluded),
        "width": os.environ.get("COLUMNS"),
    })


def _project_dir_warnings(index: ProjectIndex, config: Config) -> list[str]:
    """Project directories left in module names because two would name a module alike:
    their absolute imports do not resolve, so say so and how to fix it."""
    if config.src != (".",):
        return []
    from ssotcheck.checks._concepts import names_list
    from ssotcheck.index.modules import project_dir_clashes

    by_owners: dict[tuple[str, ...], list[str]] = {}
    for top, owners in project_dir_clashes(index.paths, frozenset(index.roots)):
        by_owners.setdefault(owners, []).append(f"`{top}`")
    out = []
    for owners, tops in sorted(by_owners.items()):
        dirs = " and ".join(f"{o}/" if o else "the project root" for o in owners)
        out.append(f"warning: {dirs} would each hold a module named {names_list(tops)}, so "
                   f"their modules keep the directory in their names and their absolute "
                   f"imports do not resolve; list the roots to name modules from in `src`")
    return out


def _check_outcome(args: argparse.Namespace, config: Config, result: RunResult, full: bool,
                   fmt: str, layout: str, color: bool, trend: Any) -> Outcome:
    """What `check`/`report` print for `result`, and their exit code."""
    from ssotcheck.answer_store import Outcome
    from ssotcheck.report import RenderOptions, render

    before: list[str] = []
    after: list[str] = []
    empty = _nothing_analysed(args, config, result, before)
    if empty is not None:
        return Outcome(None, tuple(before), (), empty)
    if full and args.verbose:
        from ssotcheck.areas import captured_tests

        for captured in captured_tests(result.index.paths, config):
            before.append(f"warning: {captured.message()}")
        before.extend(_project_dir_warnings(result.index, config))
    options = RenderOptions(findings=getattr(args, "findings", False),
                            concepts=getattr(args, "concepts", RenderOptions.concepts),
                            layout=layout, show_related=args.show_related)
    if getattr(args, "statistics", False):
        from ssotcheck.report.statistics import render as statistics

        text = statistics(result, fmt)
    elif fmt == "text" and args.quiet:
        from ssotcheck.report.text_format import findings_only

        text = findings_only(result, color=color, options=options)
    elif trend is not None:
        from ssotcheck.report import html_format
        from ssotcheck.report.trend_format import section

        text = html_format.render(result, sections=(section(trend),), options=options)
    else:
        text = render(result, fmt, color=color, full=full, options=options)
    stale = sum(e.count for e in result.baseline_stale)
    strict = bool(getattr(args, "strict_baseline", False) or config.baseline_strict)
    if stale and not full and (strict or not args.quiet):
        them = "it" if stale == 1 else "them"
        after.append(f"ssotcheck: {stale} baselined finding{'s' if stale != 1 else ''} no "
                     f"longer occur{'s' if stale == 1 else ''}; run `ssotcheck baseline` to "
                     f"drop {them} from {result.baseline_file}"
                     + (" (--strict-baseline: failing)" if strict else ""))
    code = EXIT_OK
    if not full:
        fails = any(f.counts for f in result.findings) or (strict and stale > 0)
        fu = config.fail_under
        if fu is not None and result.scores.overall < fu:
            after.append(f"ssotcheck: score {result.scores.overall:.1f}% is below fail-under "
                         f"{fu:.1f}%")
            fails = True
        code = EXIT_FINDINGS if fails else EXIT_OK
    return Outcome(text, tuple(before), tuple(after), code)


def cmd_graph(args: argparse.Namespace) -> int:
    from ssotcheck.report.graph_export import export
    from ssotcheck.runner import run_pipeline, write_output

    config, scope = load_config(args)
    result = run_pipeline(args, config, ())
    write_output(export(result.index, args.format), args.output)
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from ssotcheck import catalogue

    if not args.rule:
        for r in catalogue.rules().values():
            print(f"{r.id}  {r.name:<22} {r.severity.value:<8} {r.summary}")
        return EXIT_OK
    rule = catalogue.find(args.rule)
    if rule is None:
        import difflib

        names = [r.id for r in catalogue.rules().values()] + [
            r.name for r in catalogue.rules().values()]
        hint = difflib.get_close_matches(args.rule, names, n=1)
        raise UsageError(f"unknown rule `{args.rule}`" + (f"; did you mean `{hint[0]}`?" if hint
                                                          else "; run `ssotcheck explain` for the list"))
    if want_color("auto", sys.stdout):
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(rule.markdown()))
    else:
        sys.stdout.write(rule.markdown())
    return EXIT_OK


def cmd_baseline(args: argparse.Namespace) -> int:
    from ssotcheck.gates import baseline
    from ssotcheck.pipeline import judged_by_run
    from ssotcheck.runner import run_pipeline, today

    config, scope = load_config(args)
    target = Path(args.file) if args.file else config.baseline_path()
    old = None
    if not args.reset:
        old = baseline.load(target)  # an unreadable file stops here, untouched
    result = run_pipeline(args, config, scope, use_baseline=False)
    mode = "reset" if args.reset or old is None else ("add-new" if args.add_new else "shrink")
    rec = baseline.record(result.findings, old, mode, today().isoformat(),
                          lambda e: judged_by_run(e, config, scope))
    baseline.write(rec.baseline, target)
    if not args.quiet:
        n = rec.baseline.total()
        if mode == "reset":
            print(f"wrote {n} finding{'s' if n != 1 else ''} to {target}")
        else:
            print(f"{target}: {rec.removed} fixed finding{'s' if rec.removed != 1 else ''} "
                  f"removed, {rec.added} added; {n} remain{'s' if n == 1 else ''}")
        if rec.not_added:
            print(f"{rec.not_added} new finding{'s are' if rec.not_added != 1 else ' is'} not "
                  f"in the baseline (the ratchet only shrinks it): fix "
                  f"{'them' if rec.not_added != 1 else 'it'}, or run `ssotcheck baseline "
                  f"--add-new`")
    return EXIT_OK


def cmd_suppressions(args: argparse.Namespace) -> int:
    from ssotcheck.report.suppressions_format import audit, render
    from ssotcheck.runner import run_pipeline, today, write_output

    config, scope = load_config(args)
    result = run_pipeline(args, config, scope, use_baseline=True)
    write_output(render(audit(result, today()), args.format), args.output)
    return EXIT_OK


def cmd_cache(args: argparse.Namespace) -> int:
    from ssotcheck.index import cache
    from ssotcheck.pipeline import RunOptions, cache_directory

    args.select = args.ignore = None
    config, _ = load_config(args)
    directory = cache_directory(config, RunOptions(
        cache_dir=Path(args.cache_dir) if args.cache_dir else None))
    assert directory is not None
    if args.action == "dir":
        print(directory)
    elif cache.clear(directory):
        print(f"removed {directory}")
    else:
        print(f"no cache at {directory}")
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from ssotcheck.init_config import InitError, write_config

    try:
        text, summary = write_config(Path(args.path), force=args.force, jobs=args.jobs,
                                     stdout=args.stdout)
    except InitError as exc:
        raise UsageError(str(exc)) from None
    if args.stdout:
        from ssotcheck.runner import write_output

        write_output(text, None)
    else:
        print(summary)
    return EXIT_OK


def cmd_fix(args: argparse.Namespace) -> int:
    from ssotcheck.fix import run_fix

    config, scope = load_config(args)
    return run_fix(args, config, scope)


def _history(args: argparse.Namespace, config: Config) -> History:
    from ssotcheck.history import History
    from ssotcheck.runner import run_options

    fixed = config if getattr(args, "config", None) else None
    overrides = {k: getattr(config, k) for k in ("select", "ignore")
                 if getattr(args, k, None)}  # given on the command line: every revision
    return History(config.root, run_options(args, use_baseline=False), os.environ, fixed,
                   overrides)


def _trend_args(args: argparse.Namespace) -> tuple[str | None, list[str]]:
    """Split TREND's positionals: an existing path is the project, anything else a range."""
    revisions = [a for a in args.args if not Path(a).exists()]
    paths = [a for a in args.args if Path(a).exists()]
    if len(revisions) > 1:
        raise UsageError(f"one revision range at most, got {' '.join(revisions)}")
    return (revisions[0] if revisions else None), paths


def trend_points(args: argparse.Namespace, config: Config, revisions: str | None,
                 count: int | None) -> list[Point]:
    from ssotcheck.history import trend

    every = getattr(args, "every", 1)
    if every < 1 or (count is not None and count < 1):
        raise UsageError("--commits, --every and --trend must be at least 1")
    if count is None and revisions is None and not getattr(args, "since", None):
        count = 20
    return trend(_history(args, config), revisions, count, getattr(args, "since", None), every)


def cmd_trend(args: argparse.Namespace) -> int:
    from ssotcheck.errors import GitError
    from ssotcheck.index.git_revision import Repository
    from ssotcheck.report.trend_format import render as render_trend
    from ssotcheck.runner import write_output
    from ssotcheck.trend import HISTORY, show

    revisions, paths = _trend_args(args)
    args.paths = paths
    config, _ = load_config(args)
    if args.recorded:
        write_output(show(config), args.output)
        return EXIT_OK
    try:
        Repository(config.root, os.environ)
    except GitError:
        if revisions is None and (config.root / HISTORY).exists():
            write_output(show(config), args.output)  # outside git: the recorded points
            return EXIT_OK
        raise
    points = trend_points(args, config, revisions, args.commits)
    write_output(render_trend(points, args.format), args.output)
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from ssotcheck.history import diff_states
    from ssotcheck.report.diff_format import render as render_diff
    from ssotcheck.runner import write_output

    args.paths = [args.path] if args.path else []
    config, _ = load_config(args)
    d = diff_states(_history(args, config), args.base, args.head, config)
    write_output(render_diff(d, args.format), args.output)
    return EXIT_OK




COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": lambda a: cmd_check(a, full=False),
    "report": lambda a: cmd_check(a, full=True),
    "graph": cmd_graph,
    "explain": cmd_explain,
    "baseline": cmd_baseline,
    "cache": cmd_cache,
    "init": cmd_init,
    "fix": cmd_fix,
    "trend": cmd_trend,
    "suppressions": cmd_suppressions,
    "diff": cmd_diff,
}


def main(argv: Sequence[str] | None = None) -> int:
    from ssotcheck.config import ConfigError
    from ssotcheck.errors import BaselineError, GitError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except (ConfigError, UsageError, BaselineError, GitError) as exc:
        print(f"ssotcheck: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ssotcheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug in ssotcheck, not a user error
        print(f"ssotcheck: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if getattr(args, "verbose", 0) or os.environ.get("SSOTCHECK_DEBUG"):
            traceback.print_exc()
        else:
            print("run again with -v for the traceback, and please report it", file=sys.stderr)
        return EXIT_USAGE


def console() -> None:
    """The `ssotcheck` command (and `python -m ssotcheck`): `main`, then a hard exit.

    A run holds ~10^6 objects (facts, findings) that the interpreter would free one by
    one at exit: 0.4-0.7 s of a 2 s incremental run on a 10,700-file project, for memory
    the OS takes back anyway. Everything is written by then (files atomically, the
    streams are flushed here), so nothing is lost by skipping it, as mypy does too.
    Library callers use `main`, which returns normally.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    os._exit(code)


if __name__ == "__main__":
    console()
