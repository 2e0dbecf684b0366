"""Benchmark `trend` and `check --diff-base` on a generated history (issues 16 and 12).

    python benchmarks/history.py                      # 10k files, 50 commits
    python benchmarks/history.py --files 1000 --commits 20 --json

The generated tree (benchmarks/run.py's, reused from --out) is copied into a repository
with --commits commits: the generated tree, then commits that each edit ~1% of the files
(a function appended), and last a commit that edits 20 files, so HEAD~1 is "20 files
away" from the working tree. Every scenario runs the real CLI as a subprocess, `--jobs`
workers, cache in --out:

- cold:             `check` with an empty cache (the yardstick: goal trend <= 2x this)
- trend cold:       `trend --commits N` with an empty cache
- trend warm facts: `trend --commits N` after `check` filled the facts cache, no revision store
- trend stored:     `trend --commits N` again (every point answered from the revision store)
- diff-base 1st:    `check --diff-base HEAD~1`, working tree warm, revision store empty
- diff-base 2nd:    the same again (REF answered from the store; goal <= 3 s)

The machine's load average is printed next to every figure: wall times on a shared
machine are only comparable within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import ensure_tree, measure  # noqa: E402

GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
       "-c", "commit.gpgsign=false"]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def make_history(tree: Path, repo: Path, commits: int, seed: int) -> None:
    if (repo / ".git").is_dir() and (repo / ".bench-history").is_file() and \
            (repo / ".bench-history").read_text() == f"{commits} {seed}\n":
        return
    if repo.exists():
        shutil.rmtree(repo)
    shutil.copytree(tree, repo, ignore=shutil.ignore_patterns(".git", ".ssotcheck_cache"))
    env = {**os.environ, "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z"}
    subprocess.run(GIT + ["init", "-q"], cwd=repo, check=True)
    (repo / ".gitignore").write_text(".bench-history\n", encoding="utf-8")
    subprocess.run(GIT + ["add", "-A"], cwd=repo, check=True)
    subprocess.run(GIT + ["commit", "-qm", "generated tree"], cwd=repo, check=True, env=env)
    files = sorted(p for p in subprocess.run(
        ["git", "ls-files", "-z", "--", "*.py"], cwd=repo, capture_output=True, check=True
    ).stdout.decode().split("\0") if p and not p.endswith("__init__.py")
        and "planted" not in p)
    rng = random.Random(seed)
    for i in range(1, commits):
        n = 20 if i == commits - 1 else max(1, len(files) // 100)
        for rel in rng.sample(files, n):
            with open(repo / rel, "a", encoding="utf-8") as fh:
                fh.write(f"\n\ndef _bench_history_{i}():\n    return {i}\n")
        subprocess.run(GIT + ["add", "-A"], cwd=repo, check=True)
        day = {**env, "GIT_COMMITTER_DATE": f"2026-01-01T{i // 60:02d}:{i % 60:02d}:00Z"}
        subprocess.run(GIT + ["commit", "-qm", f"edit {n} files ({i})"], cwd=repo, check=True,
                       env=day)
    (repo / ".bench-history").write_text(f"{commits} {seed}\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--files", type=int, default=10_000)
    p.add_argument("--commits", type=int, default=50)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--out", type=Path, default=Path("bench-out"))
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    out = args.out.resolve()
    tree = ensure_tree(out, args.files, args.seed, False)
    repo = out / f"history-{args.files}-c{args.commits}-s{args.seed}"
    make_history(tree, repo, args.commits, args.seed)
    cache = out / f"history-cache-{args.files}"
    env = {**os.environ, "SSOTCHECK_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    env.pop("CI", None)
    cli = [sys.executable, "-m", "ssotcheck"]
    jobs = ["--jobs", str(args.jobs)]
    trend = cli + ["trend", "--commits", str(args.commits), "--format", "json", *jobs]
    rows: list[dict] = []

    def run(name: str, cmd: list[str], ok: tuple[int, ...] = (0, 1)) -> dict:
        before = load()
        m = measure(cmd, repo, env)
        if m.returncode not in ok:
            raise SystemExit(f"{name}: exit {m.returncode}\n{m.stderr[-2000:]}")
        row = {"scenario": name, "wall": round(m.wall, 2), "cpu": round(m.cpu, 2),
               "peak_rss_mb": m.peak_rss // 2**20, "load_before": before, "load_after": load()}
        rows.append(row)
        print(f"{name:<18} {m.wall:8.2f} s  cpu {m.cpu:8.2f} s  rss {row['peak_rss_mb']:5d} MB"
              f"  load {before} -> {row['load_after']}", file=sys.stderr, flush=True)
        return row

    def drop_store() -> None:
        for f in cache.glob("*/revision*.pickle"):
            f.unlink()

    shutil.rmtree(cache, ignore_errors=True)
    cold = run("cold", cli + ["check", "--format", "json", *jobs])
    shutil.rmtree(cache, ignore_errors=True)
    trend_cold = run("trend cold", trend)
    shutil.rmtree(cache, ignore_errors=True)
    run("cold (again)", cli + ["check", "--format", "json", *jobs])
    drop_store()
    run("trend warm facts", trend)
    run("trend stored", trend)
    drop_store()
    run("check warm", cli + ["check", "--format", "json", *jobs])
    run("diff-base 1st", cli + ["check", "--diff-base", "HEAD~1", "--format", "json", *jobs])
    run("diff-base 2nd", cli + ["check", "--diff-base", "HEAD~1", "--format", "json", *jobs])
    verdict = {"trend cold / cold": round(trend_cold["wall"] / cold["wall"], 2)}
    if args.json:
        print(json.dumps({"files": args.files, "commits": args.commits, "rows": rows,
                          "verdict": verdict}, indent=2))
    else:
        print(f"\n| scenario | wall | CPU | peak RSS | load before -> after |\n|---|---:|---:|---:|---|")
        for r in rows:
            print(f"| {r['scenario']} | {r['wall']:.2f} s | {r['cpu']:.2f} s | "
                  f"{r['peak_rss_mb']} MB | {r['load_before']} -> {r['load_after']} |")
        print(f"\ntrend cold / cold: {verdict['trend cold / cold']}x (goal <= 2x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
