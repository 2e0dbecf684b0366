"""Scores over git history (`trend`) and what changed between two states (`diff`).

Each past commit goes through the pipeline with git as its discover + read stage
(`pipeline.run_revision`), under the configuration as of that commit; the working tree
goes through the ordinary run. The values here are plain summaries: a point keeps no
index or facts, so fifty points cost the memory of one run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

from ssotcheck.config import Config
from ssotcheck.gates import new_code
from ssotcheck.index.git_revision import (Commit, Repository, RevisionCaches, config_at,
                                          discover_revision)
from ssotcheck.model import AreaScore, Concept, Finding
from ssotcheck.pipeline import RunOptions, RunResult, caches_for, run, run_revision

WORKING_TREE = "working tree"


@dataclass(frozen=True)
class Point:
    """One state of the project: a commit (or the working tree) and its scores."""

    commit: str  # full id; "" for the working tree
    date: str
    subject: str
    score: float | None = None  # None: the point could not be analysed (see `error`)
    files: int = 0
    files_with_violations: int = 0
    violations: int = 0
    areas: tuple[AreaScore, ...] = ()
    rules: tuple[tuple[str, int], ...] = ()  # (rule, findings), by rule id
    concepts: tuple[tuple[str, str, int], ...] = ()  # split concepts (kind, name, homes)
    error: str | None = None

    @property
    def label(self) -> str:
        return self.commit[:10] if self.commit else WORKING_TREE


def summarize(commit: Commit | None, result: RunResult) -> Point:
    s = result.scores
    rules = Counter(f.rule for f in result.findings)
    return Point(
        commit=commit.oid if commit else "", date=commit.date if commit else "",
        subject=commit.subject if commit else WORKING_TREE,
        score=s.overall, files=s.files, files_with_violations=s.files_with_violations,
        violations=s.violations, areas=s.areas, rules=tuple(sorted(rules.items())),
        concepts=tuple(sorted((c.kind, c.name, c.spread) for c in result.concepts)),
    )


class History:
    """Analyses revisions of one repository, sharing caches between them."""

    def __init__(self, root: Path, options: RunOptions, environ: Mapping[str, str],
                 fixed: Config | None = None, overrides: Mapping[str, Any] | None = None
                 ) -> None:
        self.root = root
        self.overrides = dict(overrides or {})  # --select / --ignore, for every revision
        self.repo = Repository(root, environ)
        self.options = options
        self.fixed = fixed  # --config: one configuration for every revision
        self._caches: dict[tuple[Path | None, str], RevisionCaches] = {}

    def analyse(self, commit: Commit, config: Config | None = None
                ) -> tuple[RunResult | None, str | None]:
        """The commit's result under its own configuration (or `config`); or why not."""
        if config is None:
            rc = config_at(self.repo, commit.oid, self.root, self.fixed)
            if rc.config is None:
                return None, rc.error
            config = replace(rc.config, **self.overrides) if self.overrides else rc.config
        revision, _ = discover_revision(self.repo, commit, config.exclude)
        return run_revision(config, self.repo, revision,
                            caches_for(config, self.options, self._caches), self.options), None

    def point(self, commit: Commit) -> Point:
        result, error = self.analyse(commit)
        if result is None:
            return Point(commit.oid, commit.date, commit.subject, error=error)
        return summarize(commit, result)

    def save(self) -> None:
        for c in self._caches.values():
            c.save()


def trend(history: History, revisions: str | None, count: int | None, since: str | None,
          every: int) -> list[Point]:
    commits = history.repo.history(revisions, count, since, every)
    points = [history.point(c) for c in commits]
    history.save()
    return points


# ------------------------------------------------------------------------- diff

@dataclass(frozen=True)
class ConceptChange:
    kind: str
    name: str
    before: int  # homes at the base (0: not split there)
    after: int


@dataclass(frozen=True)
class Diff:
    base: Point
    head: Point
    new: tuple[Finding, ...]
    fixed: tuple[Finding, ...]
    concepts: tuple[ConceptChange, ...]  # newly split (before 0), merged (after 0), or spread moved
    renames: tuple[tuple[str, str], ...] = ()  # (base path, head path)

    @property
    def split(self) -> tuple[ConceptChange, ...]:
        return tuple(c for c in self.concepts if c.before == 0)

    @property
    def merged(self) -> tuple[ConceptChange, ...]:
        return tuple(c for c in self.concepts if c.after == 0)


def renames_between(base: RunResult, head: RunResult) -> dict[str, new_code.Rename]:
    """Files that moved with their content unchanged (base path -> head path): a renamed
    package keeps its findings. Identical files (copies of one enum, empty `__init__`s)
    moved together are paired by file name; a pairing that stays ambiguous is left out."""
    base_files = {p: f.content_hash for p, f in base.index.files.items()}
    head_files = {p: f.content_hash for p, f in head.index.files.items()}
    gone: dict[str, list[str]] = {}
    for p, h in base_files.items():
        if p not in head_files and h:
            gone.setdefault(h, []).append(p)
    came: dict[str, list[str]] = {}
    for p, h in head_files.items():
        if p not in base_files and h:
            came.setdefault(h, []).append(p)
    out: dict[str, new_code.Rename] = {}
    for h, olds in gone.items():
        news = came.get(h, [])
        if len(olds) == 1 and len(news) == 1:
            pairs = [(olds[0], news[0])]
        else:
            pairs = []
            for old in olds:
                same = [n for n in news if n.rpartition("/")[2] == old.rpartition("/")[2]]
                if len(same) == 1 and sum(o.rpartition("/")[2] == old.rpartition("/")[2]
                                          for o in olds) == 1:
                    pairs.append((old, same[0]))
        for old, new in pairs:
            out[old] = new_code.Rename(new, base.index.module_of.get(old, ""),
                                       head.index.module_of.get(new, ""))
    return out


def concept_changes(base: tuple[Concept, ...], head: tuple[Concept, ...]
                    ) -> tuple[ConceptChange, ...]:
    before = {(c.kind, c.name): c.spread for c in base}
    after = {(c.kind, c.name): c.spread for c in head}
    return tuple(ConceptChange(k, n, before.get((k, n), 0), after.get((k, n), 0))
                 for k, n in sorted(set(before) | set(after))
                 if before.get((k, n), 0) != after.get((k, n), 0))


def diff(base_commit: Commit, base: RunResult, head_commit: Commit | None, head: RunResult
         ) -> Diff:
    renames = renames_between(base, head)
    new, fixed = new_code.compare(base.findings, head.findings, renames)
    return Diff(summarize(base_commit, base), summarize(head_commit, head), tuple(new),
                tuple(fixed), concept_changes(base.concepts, head.concepts),
                tuple(sorted((old, r.path) for old, r in renames.items())))


def diff_states(history: History, base_ref: str, head_ref: str | None,
                working: Config) -> Diff:
    """`diff BASE [HEAD]`: each commit under its own configuration; the working tree
    (HEAD omitted) under the current one."""
    from ssotcheck.errors import GitError

    repo = history.repo
    base_commit = repo.commit(repo.resolve(base_ref))
    head_commit = repo.commit(repo.resolve(head_ref)) if head_ref else None
    base, error = history.analyse(base_commit)
    if base is None:
        raise GitError(f"cannot analyse {base_ref}: {error}")
    if head_commit is None:
        head = run(working, history.options)
    else:
        got, error = history.analyse(head_commit)
        if got is None:
            raise GitError(f"cannot analyse {head_ref}: {error}")
        head = got
    history.save()
    return diff(base_commit, base, head_commit, head)


def base_counts(history: History, ref: str, config: Config) -> tuple[Commit, Counter[str]]:
    """`check --diff-base REF`: the identities of REF's findings under the current
    configuration (the gate asks what is new under today's rules, not what changed in
    the rules), over the whole project."""
    repo = history.repo
    commit = repo.commit(repo.resolve(ref))
    result, _ = history.analyse(commit, config)
    assert result is not None
    history.save()
    return commit, new_code.counts(result.findings)
