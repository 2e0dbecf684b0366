"""A command's run of the pipeline: the progress bar on a terminal, the `-v` statistics,
and writing the rendered text. Shared by the CLI's commands and `fix`, so neither has to
import the other.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from ssotcheck import __version__
from ssotcheck.atomic import atomic_write
from ssotcheck.config import Config, ConfigError
from ssotcheck.model import RunStats
from ssotcheck.pipeline import Analysed, Hooks, RunOptions, RunResult, analyse, gate_and_score


def write_output(text: str, output: str | None) -> None:
    if not output:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    atomic_write(Path(output), text.encode("utf-8"))


def today() -> dt.date:
    """The date suppression expiries and baseline ages are judged against.
    `SSOTCHECK_TODAY=YYYY-MM-DD` pins it (reproducible CI runs; "what expires next month?")."""
    pinned = os.environ.get("SSOTCHECK_TODAY")
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            raise ConfigError(f"SSOTCHECK_TODAY={pinned!r} is not a YYYY-MM-DD date") from None
    return dt.date.today()


def run_options(args: argparse.Namespace, **kw: Any) -> RunOptions:
    """RunOptions from the common command-line options, plus `kw`."""
    return RunOptions(jobs=args.jobs, use_cache=not args.no_cache,
                      cache_dir=Path(args.cache_dir) if args.cache_dir else None, **kw)


def run_pipeline(args: argparse.Namespace, config: Config, scope: tuple[str, ...], *,
                 use_baseline: bool = True, known: Counter[str] | None = None) -> RunResult:
    """`known`: the --diff-base revision's findings (see `RunOptions.known`)."""
    options, analysed = run_analysis(args, config, scope, use_baseline=use_baseline,
                                     known=known)
    return finish_run(args, config, options, analysed)


def run_analysis(args: argparse.Namespace, config: Config, scope: tuple[str, ...], *,
                 use_baseline: bool = True, known: Counter[str] | None = None
                 ) -> tuple[RunOptions, Analysed]:
    """The pipeline up to the checks stage (with the progress bar); `finish_run` gates
    and scores it. Apart, so a command can answer from the answer store in between."""
    hooks, finish = _progress_hooks(args)
    options = run_options(args, paths=scope, use_baseline=use_baseline, hooks=hooks,
                          known=known, today=today())
    # The pipeline turns the cyclic GC off while it runs and back on when it returns; the
    # first allocation after that would then scan the run's ~10^6 objects (0.2-0.3 s of a
    # cold run on real code), so a command keeps it off until `finish_run` has frozen
    # them. (A command answered from the answer store prints and exits with it off.)
    gc.disable()
    try:
        analysed = analyse(config, options)
    finally:
        finish()
    return options, analysed


def finish_run(args: argparse.Namespace, config: Config, options: RunOptions,
               analysed: Analysed) -> RunResult:
    result = gate_and_score(config, options, analysed)
    # Rendering allocates little; without this, each collection it triggers would walk
    # the run's million long-lived facts again.
    gc.freeze()
    gc.enable()
    print_stats(args, config, result.stats)
    return result


def print_stats(args: argparse.Namespace, config: Config, st: RunStats,
                answer: str | None = None) -> None:
    """The `-v` statistics on standard error."""
    if not args.verbose:
        return
    err = sys.stderr
    print(f"ssotcheck {__version__}: root {config.root}", file=err)
    print(f"files: discovered {st.files_discovered}, excluded {st.files_excluded}, "
          f"analysed {st.files_analyzed}, failed {st.files_failed}", file=err)
    print(f"parsed: {st.files_parsed} files (cache hits: {st.cache_hits})", file=err)
    rerun = f" (re-ran: {', '.join(st.families_rerun)})" if st.families_rerun else ""
    print(f"checks: {st.checks}{rerun}", file=err)
    if answer is not None:
        print(f"answer: {answer}", file=err)
    timing = ", ".join(f"{k} {v:.3f}s" for k, v in st.seconds.items())
    print(f"timings: {timing}", file=err)


def _progress_hooks(args: argparse.Namespace) -> tuple[Hooks, Callable[[], None]]:
    if args.quiet or not sys.stderr.isatty() or os.environ.get("CI"):
        return Hooks(), lambda: None
    state: dict[str, Any] = {}

    def start(n: int) -> None:
        if n < 300:  # a few hundred files parse in well under a second: no bar
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        console = Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))
        prog = Progress("parsing", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, transient=True)
        prog.start()
        state["p"] = prog
        state["t"] = prog.add_task("parse", total=n)

    def advance(k: int) -> None:
        if "p" in state:
            state["p"].advance(state["t"], k)

    def finish() -> None:
        if "p" in state:
            state["p"].stop()

    return Hooks(on_parse_start=start, on_parsed=advance), finish
