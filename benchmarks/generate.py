"""Generate a synthetic Python monorepo with planted ssotcheck violations and a manifest.

    python benchmarks/generate.py --files 10000 --out bench-out/tree-10000 [--seed 0]

The tree is deterministic for a given (files, seed): several top-level packages with nested
subpackages, a test framework package, tests, test helpers and scripts; imports follow
layers (sharedlib < corepkg < datapkg < svcpkg < testkit < scripts/tests) with a few fan-in
hubs, so the only import cycles are the planted ones. Module sizes have a long tail (most
50-400 lines, a few over 3,000). `manifest.json` lists every finding ssotcheck must report
(see benchmarks/planted.py for the fixed cases; more are sprinkled in proportion to the tree
size) and the decoys it must not.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import planted  # noqa: E402
from planted import Mark  # noqa: E402

GENERATOR_VERSION = 3  # 3: payloads in tests are sent (the issue-14 shapes)
MIN_FILES = 100
MAX_FILES = 100_000

# ----------------------------------------------------------------------------- vocabulary

NOUNS = (
    "account", "order", "invoice", "ledger", "customer", "tenant", "report", "metric", "quota",
    "shipment", "catalog", "product", "price", "coupon", "refund", "cart", "wallet", "token",
    "profile", "audit", "policy", "rule", "alert", "channel", "route", "region", "cluster",
    "node", "queue", "batch", "job", "schedule", "window", "snapshot", "backup", "archive",
    "index", "search", "query", "cursor", "page", "feed", "stream", "topic", "partition",
    "segment", "cohort", "survey", "ticket", "incident", "release", "feature", "flag", "plan",
    "budget", "forecast", "vendor", "contract", "warehouse", "inventory", "parcel", "carrier",
    "address", "geo", "locale", "currency", "tax", "fee", "discount", "loyalty", "reward",
    "campaign", "lead", "contact", "document", "template", "asset", "image", "thumbnail",
    "transcript", "summary", "prompt", "model", "embedding", "vector", "dataset", "sample",
    "label", "annotation", "review", "comment", "thread", "mention", "digest", "webhook",
)
ADJECTIVES = (
    "active", "pending", "shared", "global", "local", "remote", "cached", "signed", "stale",
    "primary", "secondary", "daily", "hourly", "nightly", "partial", "bulk", "single", "legacy2",
    "async", "sync", "public", "private", "internal", "external", "draft", "final", "archived",
    "billing", "core", "edge", "fast", "safe", "raw", "clean", "scored", "ranked", "merged",
)
ADJECTIVES = tuple(a for a in ADJECTIVES if a.isalpha())
CLASS_KINDS = (
    "Service", "Repository", "Client", "Builder", "Adapter", "Resolver", "Policy", "Store",
    "Tracker", "Loader", "Validator", "Formatter", "Planner", "Scheduler", "Coordinator",
    "Gateway", "Mapper", "Factory", "Processor", "Collector", "Exporter", "Importer", "Monitor",
    "Dispatcher", "Aggregator", "Calculator", "Renderer", "Parser", "Serializer", "Controller",
)
DATA_KINDS = ("Record", "Info", "Spec", "Snapshot", "Summary", "Entry", "Options", "Result",
              "Stats", "Window", "Limits", "Key", "Ref", "Draft", "Bundle", "Row")
MODEL_KINDS = ("Request", "Response", "Create", "Update", "View", "Out", "In", "Detail")
ENUM_KINDS = ("Status", "Kind", "Mode", "Level", "Phase", "Category", "Tier", "Reason", "Source")
VERBS = ("get", "load", "build", "compute", "resolve", "validate", "render", "sync", "merge",
         "apply", "collect", "export", "import", "refresh", "normalise", "score", "rank",
         "split", "flush", "prune", "estimate", "schedule", "dispatch", "parse", "format")
ENUM_MEMBERS = (
    "NEW", "OPEN", "CLOSED", "ACTIVE", "INACTIVE", "PAUSED", "QUEUED", "RUNNING", "DONE",
    "FAILED", "SKIPPED", "RETRYING", "EXPIRED", "BLOCKED", "DRAFT", "PUBLISHED", "ARCHIVED",
    "DELETED", "LOW", "MEDIUM", "HIGH", "URGENT", "MANUAL", "AUTOMATIC", "INBOUND", "OUTBOUND",
    "INTERNAL", "EXTERNAL", "DAILY", "WEEKLY", "MONTHLY", "YEARLY", "TRIAL", "BASIC", "PRO",
    "ENTERPRISE", "EMAIL", "SMS", "PUSH", "WEBHOOK", "CSV", "JSON", "PARQUET", "XML", "GOLD",
    "SILVER", "BRONZE", "PLATINUM", "NORTH", "SOUTH", "EAST", "WEST", "PRIMARY", "REPLICA",
    "READ", "WRITE", "ADMIN", "OWNER", "VIEWER", "EDITOR", "GUEST", "SYSTEM", "UNKNOWN",
)
EVENT_VERBS = ("created", "updated", "deleted", "shipped", "paid", "refunded", "opened",
               "closed", "assigned", "escalated", "expired", "renewed", "approved", "rejected")
STDLIB = ("logging", "json", "time", "math", "re", "itertools", "functools", "collections",
          "datetime", "uuid", "hashlib", "decimal", "pathlib", "random", "statistics", "heapq")
LOCALS = ("value", "result", "items", "payload", "record", "total", "count", "name", "options",
          "entry", "data", "key", "batch", "row", "limit", "offset", "cursor", "score", "weight")
KEYS = ("id", "name", "count", "total", "status", "created_at", "owner", "region", "score",
        "items", "limit", "offset", "version", "tags", "source", "target")

LEGACY_SPELLINGS = (
    # (import line, bound name) -- every one is a legacy import per the generated config
    ("import corepkg.websocket.manager", None),
    ("from corepkg.websocket.manager import WebSocketManager as LegacyManager", None),
    ("from corepkg.agents.execution_context import ExecutionStatus as LegacyExecutionStatus", None),
    ("from datapkg.legacy_store import tables as legacy_tables", None),
)

# ------------------------------------------------------------------------------- helpers


def camel(*words: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words)


_SUFFIX_RE = re.compile(r"(event|payload|schema|message|msg|model|dto)$")


def concept_key(name: str) -> str:
    """What a lenient rule might consider the same concept: case, `_` and suffixes ignored."""
    return _SUFFIX_RE.sub("", name.lower().replace("_", ""))


class Names:
    """Unique class/enum names (also unique after normalisation), so filler never collides."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = {concept_key(n) for n in planted.RESERVED_CLASS_NAMES}
        self.used.add("heartbeat")
        self.enum_sets: set[frozenset[str]] = set()

    def _unique(self, make) -> str:
        for _ in range(200):
            name = make(False)
            if concept_key(name) not in self.used:
                self.used.add(concept_key(name))
                return name
        while True:
            name = make(True)
            if concept_key(name) not in self.used:
                self.used.add(concept_key(name))
                return name

    def cls(self, kinds: tuple[str, ...]) -> str:
        r = self.rng

        def make(long: bool) -> str:
            words = [r.choice(ADJECTIVES), r.choice(NOUNS)] + ([r.choice(NOUNS)] if long else [])
            if r.random() < 0.4:
                words = words[1:] + [r.choice(NOUNS)]
            return camel(*words) + r.choice(kinds)

        return self._unique(make)

    def enum_members(self, name: str) -> list[str]:
        r = self.rng
        for _ in range(100):
            members = sorted(r.sample(ENUM_MEMBERS, r.randint(3, 7)))
            if frozenset(members) not in self.enum_sets:
                break
        else:  # vocabulary exhausted: a member derived from the (unique) name keeps sets unique
            members = sorted(r.sample(ENUM_MEMBERS, 4)) + [re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()]
        self.enum_sets.add(frozenset(members))
        return members


def lognormal_lines(rng: random.Random, median: float, sigma: float = 1.0,
                    lo: int = 12, hi: int = 9000) -> int:
    return int(min(hi, max(lo, median * math.exp(rng.gauss(0.0, sigma)))))


# ------------------------------------------------------------------------- body pool

class BodyPool:
    """Pre-rendered function bodies: parsing cost is realistic, generation stays fast."""

    def __init__(self, rng: random.Random, size: int = 1500) -> None:
        self.rng = rng
        self.by_indent: dict[int, list[list[str]]] = {
            ind: [self._body(ind) for _ in range(size)] for ind in (4, 8)
        }

    def pick(self, indent: int) -> list[str]:
        return self.rng.choice(self.by_indent[indent])

    def _simple(self, ind: str) -> str:
        r = self.rng
        v, w, a = r.choice(LOCALS), r.choice(LOCALS), r.choice(LOCALS)
        k1, k2 = r.sample(KEYS, 2)
        n = r.randint(0, 500)
        f = f"{r.choice(VERBS)}_{r.choice(NOUNS)}"
        s = f"{r.choice(VERBS)} {r.choice(NOUNS)}"
        t = r.randrange(14)
        if t == 0:
            line = f"{v} = {f}({w}, limit={n})"
        elif t == 1:
            line = f"{v} = [item for item in {a} if item is not None]"
        elif t == 2:
            line = f'{v} = {{"{k1}": {w}, "{k2}": len({a})}}'
        elif t == 3:
            line = f'logger.debug("{s} %s", {v})'
        elif t == 4:
            line = f'{v} = f"{{{w}}}-{s.replace(" ", "-")}-{n}"'
        elif t == 5:
            line = f"{v} += {n}"
        elif t == 6:
            line = f'{v} = {w}.get("{k1}", {n})'
        elif t == 7:
            line = f"{v} = sorted({a}, key=lambda item: item[{n % 4}])"
        elif t == 8:
            line = f"{v} = max({w}, {n}) if {a} else min({w}, {n // 2})"
        elif t == 9:
            line = f"{v} = {{key: val for key, val in {w}.items() if val}}"
        elif t == 10:
            line = f'self_check = isinstance({v}, (int, float)) and {v} > {n}'
        elif t == 11:
            line = f"{v} = {w}[{n % 7}:{n % 7 + 3}]"
        elif t == 12:
            line = f'{v} = "{s}".split() + [str({w}), repr({a})]'
        else:
            line = f"{v} = ({w} or 0) * {n} / max(1, len({a}))"
        return ind + line

    def _body(self, indent: int) -> list[str]:
        r = self.rng
        ind = " " * indent
        out: list[str] = []
        if r.random() < 0.4:
            out.append(f'{ind}"""{r.choice(VERBS).capitalize()} the {r.choice(NOUNS)} '
                       f'for the {r.choice(NOUNS)}."""')
        target = r.randint(3, 34)
        while len(out) < target:
            t = r.random()
            if t < 0.55:
                out.append(self._simple(ind))
            elif t < 0.70:
                out.append(f"{ind}if {r.choice(LOCALS)} is None:")
                for _ in range(r.randint(1, 3)):
                    out.append(self._simple(ind + "    "))
                if r.random() < 0.4:
                    out.append(f"{ind}else:")
                    out.append(self._simple(ind + "    "))
            elif t < 0.82:
                out.append(f"{ind}for item in {r.choice(LOCALS)}:")
                for _ in range(r.randint(1, 3)):
                    out.append(self._simple(ind + "    "))
            elif t < 0.90:
                out.append(f"{ind}try:")
                out.append(self._simple(ind + "    "))
                out.append(f"{ind}except (KeyError, ValueError) as exc:")
                out.append(f'{ind}    logger.warning("skipping: %s", exc)')
            else:
                out.append(f"{ind}with contextlib.suppress(Exception):")
                out.append(self._simple(ind + "    "))
        out.append(f"{ind}return {r.choice(LOCALS)}")
        return out


# ------------------------------------------------------------------------ tree layout

LAYERS = ("sharedlib", "corepkg", "datapkg", "svcpkg")
LAYER_SHARE = {"sharedlib": 0.10, "corepkg": 0.34, "datapkg": 0.24, "svcpkg": 0.32}


@dataclass
class Module:
    path: str
    module: str
    layer: int  # 0..3 production, 4 testkit, 5 scripts, 6 tests
    kind: str  # prod | events | testkit | script | test | helper | conftest | init
    size: int = 0
    exports: list[str] = field(default_factory=list)
    hub: bool = False


def module_of(path: str) -> str:
    mod = path[:-3].replace("/", ".")
    return mod[: -len(".__init__")] if mod.endswith(".__init__") else mod


class Layout:
    """Decides every path first (so imports can only point at earlier modules)."""

    def __init__(self, rng: random.Random, files: int, planted_paths: list[str]) -> None:
        self.rng = rng
        self.existing: set[str] = set(planted_paths)
        self.dirs: dict[str, list[str]] = {}
        for p in sorted(planted_paths):
            parts = p.split("/")
            for i in range(1, len(parts)):
                d = "/".join(parts[:i])
                self.dirs.setdefault(parts[0], [])
                if d not in self.dirs[parts[0]] and (d + "/__init__.py") in self.existing:
                    self.dirs[parts[0]].append(d)
        self.modules: list[Module] = []
        self.budget = files - len(planted_paths)

    def _new_name(self, directory: str, prefix: str = "") -> str:
        r = self.rng
        for attempt in range(1000):
            words = [r.choice(NOUNS), r.choice(NOUNS) if attempt < 50 or r.random() < 0.5
                     else r.choice(ADJECTIVES)]
            if r.random() < 0.35:
                words = [r.choice(ADJECTIVES)] + words[:1]
            base = prefix + "_".join(words)
            if attempt > 200:
                base += f"_{attempt}"
            if base in planted.RESERVED_MODULE_NAMES:
                continue
            path = f"{directory}/{base}.py"
            if path not in self.existing and f"{directory}/{base}/__init__.py" not in self.existing:
                return base
        raise RuntimeError("could not find a free module name")

    def _add(self, path: str, kind: str, layer: int) -> Module:
        self.existing.add(path)
        m = Module(path, module_of(path), layer, kind)
        self.modules.append(m)
        self.budget -= 1
        return m

    def _package_dir(self, top: str, new_dir_prob: float) -> str:
        r = self.rng
        dirs = self.dirs[top]
        if self.budget > 1 and (r.random() < new_dir_prob or not dirs):
            parent = r.choice([d for d in dirs if d.count("/") < 3] or [top])
            name = self._new_name(parent)
            d = f"{parent}/{name}"
            self._add(f"{d}/__init__.py", "init", LAYERS.index(top) if top in LAYERS else 4)
            dirs.append(d)
            return d
        return r.choice(dirs)

    def plan(self) -> None:
        r = self.rng
        total = self.budget
        if total <= 0:
            return
        n_prod = int(total * 0.58)
        n_testkit = max(0, int(total * 0.03))
        n_scripts = max(0, int(total * 0.02))
        n_events = max(1, total // 1500) if total >= 20 else 0
        # the rest are tests
        for k in range(n_events):
            self._add(f"corepkg/events/catalog_{k:03d}.py", "events", 1)
        for top in LAYERS:
            quota = int(n_prod * LAYER_SHARE[top])
            start = self.budget
            while start - self.budget < quota and self.budget > 0:
                d = self._package_dir(top, 0.12)
                self._add(f"{d}/{self._new_name(d)}.py", "prod", LAYERS.index(top))
        for _ in range(n_testkit):
            if self.budget <= 0:
                break
            d = self._package_dir("testkit", 0.2)
            self._add(f"{d}/{self._new_name(d)}.py", "testkit", 4)
        for _ in range(n_scripts):
            if self.budget <= 0:
                break
            self._add(f"scripts/{self._new_name('scripts')}.py", "script", 5)
        prod = [m for m in self.modules if m.kind == "prod"]
        test_dirs: list[str] = ["tests"]
        while self.budget > 0:
            t = r.random()
            if t < 0.04:
                d = r.choice(test_dirs)
                path = f"{d}/conftest.py"
                if path in self.existing:
                    path = f"tests/helpers/{self._new_name('tests/helpers', 'helper_')}.py"
                    self._add(path, "helper", 6)
                else:
                    self._add(path, "conftest", 6)
                continue
            if t < 0.10:
                self._add(f"tests/helpers/{self._new_name('tests/helpers', 'helper_')}.py",
                          "helper", 6)
                continue
            target = r.choice(prod) if prod else None
            if target is not None:
                d = "tests/" + target.path.rsplit("/", 1)[0]
            else:
                d = "tests/misc"
            if d not in test_dirs:
                test_dirs.append(d)
            base = target.path.rsplit("/", 1)[1][:-3] if target else "misc"
            path = f"{d}/test_{base}.py"
            if path in self.existing:
                path = f"{d}/{self._new_name(d, 'test_')}.py"
            self._add(path, "test", 6)


# ------------------------------------------------------------------------ generation

REEXPORT_SPELLING = "from testkit.ssot import SSotAsyncTestCase"
TEST_BASES = (
    # (import lines, base expression) -- all reach the SSOT base
    (("from testkit.ssot.base import SSotBaseTestCase",), "SSotBaseTestCase"),
    (("from testkit.ssot.base import SSotBaseTestCase as BaseCase",), "BaseCase"),
    (("from testkit.ssot import SSotAsyncTestCase",), "SSotAsyncTestCase"),
    (("from testkit.ssot import base as ssot_base",), "ssot_base.SSotBaseTestCase"),
    (("import testkit.ssot.base as tb",), "tb.SSotBaseTestCase"),
    (("import testkit.ssot.base",), "testkit.ssot.base.SSotBaseTestCase"),
    (("from testkit.helpers.db import DatabaseTestCase",), "DatabaseTestCase"),
    (("from testkit.helpers.agents import AgentTestCase",), "AgentTestCase"),
    (("from testkit.helpers.mixins import FixtureMixin",
      "from testkit.helpers.db import DatabaseTestCase"), "FixtureMixin, DatabaseTestCase"),
)


class Generator:
    def __init__(self, files: int, seed: int, non_canonical: bool = False) -> None:
        if not MIN_FILES <= files <= MAX_FILES:
            raise ValueError(f"--files must be between {MIN_FILES} and {MAX_FILES}")
        self.files = files
        self.seed = seed
        self.non_canonical = non_canonical
        self.enabled = planted.enabled(non_canonical)
        self.rng = random.Random(seed)
        self.names = Names(self.rng)
        self.pool = BodyPool(random.Random(seed + 1))
        self.out: dict[str, str | bytes] = {}
        self.marks: list[Mark] = []
        self.events: list[tuple[str, str, tuple[str, ...]]] = []  # (event, class, keys)
        self.exports: dict[str, list[str]] = {}  # module -> importable names
        self.hubs: list[str] = []

    # ------------------------------------------------------------------ planted
    def add_planted(self) -> list[str]:
        for path, r in planted.rendered().items():
            self.out[path] = r.text + ("" if r.text.endswith("\n") else "\n")
            self.marks.extend(r.marks)
        for path, (data, marks) in planted.binary_files().items():
            self.out[path] = data
            self.marks.extend(marks)
        for mod, names in planted.SAFE_EXPORTS.items():
            self.exports[mod] = list(names)
        return sorted(self.out)

    # ------------------------------------------------------------------- filler
    def generate(self) -> None:
        planted_paths = self.add_planted()
        if len(planted_paths) > self.files:
            raise ValueError(f"--files must be at least {len(planted_paths)}")
        layout = Layout(self.rng, self.files, planted_paths)
        layout.plan()
        mods = layout.modules
        r = self.rng
        for m in mods:
            median = {"test": 200, "helper": 120, "conftest": 60, "script": 150}.get(m.kind, 270)
            m.size = lognormal_lines(r, median)
        # A few fan-in hubs per production layer: most modules import at least one.
        prod = [m for m in mods if m.kind == "prod"]
        for m in prod:
            m.hub = r.random() < 0.015
        available: list[Module] = []  # generated production modules, in rank order
        for m in mods:
            if m.kind == "init":
                self.out[m.path] = f'"""{camel(*m.module.rsplit(".", 1)[-1].split("_"))} package."""\n'
            elif m.kind == "events":
                self.out[m.path] = self.events_module(m)
            elif m.kind in ("prod", "testkit", "script"):
                self.out[m.path] = self.prod_module(m, available)
                if m.kind == "prod":
                    available.append(m)
            elif m.kind == "test":
                self.out[m.path] = self.test_module(m, available)
            elif m.kind == "helper":
                self.out[m.path] = self.helper_module(m, available)
            elif m.kind == "conftest":
                self.out[m.path] = self.conftest_module(m)
        assert len(self.out) == self.files, (len(self.out), self.files)

    def _import_lines(self, m: Module, available: list[Module], k: int) -> list[str]:
        """First-party imports of earlier modules, hubs preferred, sometimes relative."""
        r = self.rng
        lines: list[str] = []
        safe = [mod for mod, layer in planted.SAFE_LAYER.items() if layer <= m.layer]
        hubs = [a for a in available if a.hub and a.layer <= m.layer]
        chosen: list[str] = []
        for _ in range(k):
            t = r.random()
            if t < 0.25 and safe:
                target = r.choice(safe)
            elif t < 0.55 and hubs:
                target = r.choice(hubs).module
            elif available:
                # recent modules are more likely: neighbours import each other
                idx = len(available) - 1 - min(len(available) - 1, int(r.expovariate(1 / 40)))
                cand = available[idx]
                if cand.layer > m.layer:
                    continue
                target = cand.module
            else:
                continue
            if target in chosen or target == m.module or not self.exports.get(target):
                continue
            chosen.append(target)
        for target in chosen:
            names = self.exports[target]
            picked = sorted(set(r.sample(names, min(len(names), r.randint(1, 3)))))
            own_pkg = m.module.rsplit(".", 1)[0]
            tgt_pkg, _, tgt_base = target.rpartition(".")
            if tgt_pkg == own_pkg and r.random() < 0.5:
                lines.append(f"from .{tgt_base} import {', '.join(picked)}")
            elif r.random() < 0.1:
                lines.append(f"from {tgt_pkg} import {tgt_base}" if tgt_pkg
                             else f"import {tgt_base}")
            elif len(picked) > 2 and r.random() < 0.5:
                lines.append(f"from {target} import (")
                lines.extend(f"    {n}," for n in picked)
                lines.append(")")
            else:
                lines.append(f"from {target} import {', '.join(picked)}")
        return lines

    def _header(self, m: Module, available: list[Module], doc: str) -> list[str]:
        r = self.rng
        lines = [f'"""{doc}"""', "", "from __future__ import annotations", ""]
        std = sorted(set(r.sample(STDLIB, r.randint(2, 5))) | {"logging", "contextlib"})
        lines += [f"import {s}" for s in std]
        lines += ["from dataclasses import dataclass, field",
                  "from enum import Enum", "from typing import Any, Optional", ""]
        k = 0 if not available and m.layer == 0 else min(14, 1 + int(r.expovariate(1 / 4)))
        imports = self._import_lines(m, available, k)
        if imports:
            lines += imports + [""]
        lines += ["logger = logging.getLogger(__name__)", ""]
        for _ in range(r.randint(0, 4)):
            lines.append(f"{r.choice(ADJECTIVES).upper()}_{r.choice(NOUNS).upper()}_"
                         f"{r.choice(('LIMIT', 'TIMEOUT', 'SIZE', 'RETRIES'))} = {r.randint(1, 900)}")
        lines.append("")
        return lines

    def _function(self, lines: list[str], exports: list[str]) -> None:
        r = self.rng
        name = f"{r.choice(VERBS)}_{r.choice(NOUNS)}" + (f"_{r.choice(NOUNS)}" if r.random() < 0.5 else "")
        params = ", ".join(sorted(set(r.sample(LOCALS, r.randint(1, 4)))))
        lines += ["", "", f"def {name}({params}) -> Any:"] + self.pool.pick(4)
        exports.append(name)

    def _class(self, lines: list[str], exports: list[str]) -> None:
        r = self.rng
        t = r.random()
        if t < 0.55:
            name = self.names.cls(CLASS_KINDS)
            lines += ["", "", f"class {name}:",
                      f'    """{r.choice(VERBS).capitalize()}s {r.choice(NOUNS)} data."""', ""]
            attrs = sorted(set(r.sample(LOCALS, r.randint(1, 5))))
            lines.append(f"    def __init__(self, {', '.join(attrs)}) -> None:")
            lines += [f"        self.{a} = {a}" for a in attrs]
            for _ in range(r.randint(1, 6)):
                meth = f"{r.choice(VERBS)}_{r.choice(NOUNS)}"
                lines += ["", f"    def {meth}(self, {r.choice(LOCALS)}: Any = None) -> Any:"]
                lines += self.pool.pick(8)
        elif t < 0.72:
            name = self.names.cls(DATA_KINDS)
            lines += ["", "", "@dataclass", f"class {name}:"]
            fields = sorted(set(r.sample(LOCALS, r.randint(2, 7))))
            for i, f in enumerate(fields):
                ann = r.choice(("int", "str", "float", "bool", "list[str]", "dict[str, Any]"))
                default = "" if i < len(fields) // 2 else (
                    " = field(default_factory=list)" if ann.startswith("list") else
                    " = field(default_factory=dict)" if ann.startswith("dict") else " = None")
                lines.append(f"    {f}: {ann}{default}")
        elif t < 0.84:
            name = self.names.cls(ENUM_KINDS)
            base = r.choice(("Enum", "str, Enum"))
            lines += ["", "", f"class {name}({base}):"]
            for mem in self.names.enum_members(name):
                lines.append(f'    {mem} = "{mem.lower()}"')
        elif t < 0.93:
            name = self.names.cls(MODEL_KINDS)
            lines += ["", "", f"class {name}(BaseModel):"]
            for f in sorted(set(r.sample(LOCALS, r.randint(2, 6)))):
                lines.append(f"    {f}: {r.choice(('int', 'str', 'Optional[str]', 'float'))}")
            lines += ["", "    class Config:", "        frozen = True"]
        else:
            name = self.names.cls(DATA_KINDS)
            lines += ["", "", f"class {name}(TypedDict, total=False):"]
            for f in sorted(set(r.sample(LOCALS, r.randint(2, 6)))):
                lines.append(f"    {f}: {r.choice(('int', 'str', 'float'))}")
        exports.append(name)

    def _fill(self, m: Module, lines: list[str], exports: list[str], classes: bool = True) -> None:
        r = self.rng
        while len(lines) < m.size:
            if classes and r.random() < 0.35:
                self._class(lines, exports)
            else:
                self._function(lines, exports)

    def prod_module(self, m: Module, available: list[Module]) -> str:
        r = self.rng
        doc = f"{camel(*m.module.rsplit('.', 1)[-1].split('_'))}: {r.choice(VERBS)} " \
              f"{r.choice(NOUNS)} {r.choice(NOUNS)}s."
        lines = self._header(m, available, doc)
        lines.insert(lines.index("from typing import Any, Optional") + 1,
                     "from typing import TypedDict")
        lines.insert(lines.index("from typing import TypedDict") + 1, "from pydantic import BaseModel")
        exports: list[str] = []
        self._sprinkle_prod(m, lines)
        self._fill(m, lines, exports)
        if m.kind == "prod":
            self.exports[m.module] = exports
        return "\n".join(lines) + "\n"

    def _sprinkle_prod(self, m: Module, lines: list[str]) -> None:
        """Scaled plants and decoys in production filler (they grow with the tree)."""
        r = self.rng
        if m.kind != "prod":
            return
        t = r.random()
        if t < 0.006:
            spelling, _ = r.choice(LEGACY_SPELLINGS)
            lines.append(spelling)
            self.marks.append(Mark("SSOT201", f"sprinkled-{m.path}", m.path, len(lines)))
        elif t < 0.012:
            lines += ["", "", "def _read_setting(name: str) -> str | None:", "    import os", ""]
            lines.append("    return os.environ.get(name)")
            self.marks.append(Mark("SSOT203", f"sprinkled-{m.path}", m.path, len(lines)))
        elif t < 0.03:
            lines.append("# migrated from corepkg.websocket.manager; see corepkg.websocket.websocket_manager")
            self.marks.append(Mark("SSOT201", "comment", m.path, len(lines), decoy=True))

    def events_module(self, m: Module) -> str:
        """Production event schemas (TypedDicts with a `type` Literal) used by test payloads."""
        r = self.rng
        lines = ['"""Event catalog."""', "", "from __future__ import annotations", "",
                 "from typing import Literal, TypedDict", ""]
        exports: list[str] = []
        for _ in range(6):
            for _attempt in range(50):
                noun = r.choice(NOUNS)
                verb = r.choice(EVENT_VERBS)
                event = f"{noun}_{verb}"
                cls = camel(noun, verb)
                if concept_key(cls) not in self.names.used:
                    self.names.used.add(concept_key(cls))
                    break
            else:
                continue
            fields = sorted(set(r.sample(KEYS[:-2], r.randint(2, 5))) - {"status"})
            lines += ["", f"class {cls}(TypedDict):", f'    type: Literal["{event}"]']
            lines += [f"    {f}: str" for f in fields]
            self.events.append((event, cls, ("type", *fields)))
            exports.append(cls)
        self.exports[m.module] = exports
        return "\n".join(lines) + "\n"

    def _test_base(self) -> tuple[tuple[str, ...], str]:
        return self.rng.choice(TEST_BASES)

    def test_module(self, m: Module, available: list[Module]) -> str:
        r = self.rng
        under_test = r.choice(available) if available else None
        lines = [f'"""Tests for {under_test.module if under_test else "misc"}."""', "",
                 "from __future__ import annotations", "", "import contextlib", "import logging",
                 "from typing import Any", "", "import pytest", ""]
        imports, base = self._test_base()
        for line in imports:
            lines.append(line)
            if line == REEXPORT_SPELLING:  # the SSOT base through its re-exporting package
                self.marks.append(Mark("SSOT202", f"sprinkled-{m.path}", m.path, len(lines)))
        if under_test is not None and self.exports.get(under_test.module):
            names = sorted(set(r.sample(self.exports[under_test.module],
                                        min(3, len(self.exports[under_test.module])))))
            lines.append(f"from {under_test.module} import {', '.join(names)}")
        lines += ["", "logger = logging.getLogger(__name__)", ""]
        local_base = None
        if r.random() < 0.1:
            local_base = f"_{self.names.cls(('Case',))}"
            lines += ["", f"class {local_base}({base}):", "    def setUp(self) -> None:",
                      "        super().setUp()", "        self.calls: list[str] = []", ""]
        # scaled plants: a test class that skips the base, drifting event payloads
        t = r.random()
        plant_class = t < 0.012
        plant_payload = 0.012 <= t < 0.03 and self.events
        decoy_payload = 0.03 <= t < 0.08 and self.events
        first = True
        while len(lines) < m.size or first:
            if r.random() < 0.6 or first:
                cls = "Test" + self.names.cls(CLASS_KINDS + DATA_KINDS)
                if plant_class and first:
                    bad = r.choice(("", "unittest.TestCase"))
                    if bad:
                        lines.insert(lines.index("import pytest"), "import unittest")
                    lines += ["", f"class {cls}({bad}):" if bad else f"class {cls}:"]
                    self.marks.append(Mark("SSOT301", f"sprinkled-{m.path}", m.path, len(lines)))
                else:
                    lines += ["", f"class {cls}({local_base or base}):"]
                for _ in range(r.randint(1, 5)):
                    lines += ["", f"    def test_{r.choice(VERBS)}_{r.choice(NOUNS)}(self) -> None:"]
                    lines += self.pool.pick(8)[:-1] + ["        assert True"]
                if first and (plant_payload or decoy_payload):
                    event, _cls, keys = r.choice(self.events)
                    keys = list(keys)
                    severity = None
                    if plant_payload:
                        if len(keys) > 2 and r.random() < 0.5:
                            keys.pop(r.randrange(1, len(keys)))
                            severity = "warning"  # a missing required field
                        else:
                            keys.append("unexpected_field")
                            severity = "info"  # in tests, an extra key is info
                    body = ", ".join(f'"{k}": "{event}"' if k == "type" else f'"{k}": "x"'
                                     for k in keys)
                    lines += ["", "    def test_payload(self) -> None:",
                              f"        payload = {{{body}}}"]
                    self.marks.append(Mark("SSOT102", f"sprinkled-{m.path}", m.path, len(lines),
                                           severity=severity, decoy=not plant_payload))
                    # Sent: a dict that is only assigned and asserted is data, not a message.
                    lines.append("        self.client.send_json(payload)")
                first = False
            else:
                lines += ["", "", f"def test_{r.choice(VERBS)}_{r.choice(NOUNS)}() -> None:"]
                lines += self.pool.pick(4)[:-1] + ["    assert True"]
        return "\n".join(lines) + "\n"

    def helper_module(self, m: Module, available: list[Module]) -> str:
        r = self.rng
        lines = ['"""Test helpers."""', "", "from __future__ import annotations", "",
                 "import contextlib", "import logging", "from typing import Any", ""]
        if available:
            target = r.choice(available)
            if self.exports.get(target.module):
                lines.append(f"from {target.module} import {r.choice(self.exports[target.module])}")
        lines += ["", "logger = logging.getLogger(__name__)"]
        exports: list[str] = []
        while len(lines) < m.size:
            self._function(lines, exports)
        return "\n".join(lines) + "\n"

    def conftest_module(self, m: Module) -> str:
        r = self.rng
        lines = ['"""Fixtures."""', "", "from __future__ import annotations", "", "import pytest", ""]
        for _ in range(r.randint(1, 6)):
            name = f"{r.choice(NOUNS)}_{r.choice(NOUNS)}"
            lines += ["", "@pytest.fixture", f"def {name}() -> dict:",
                      f'    return {{"{r.choice(KEYS)}": {r.randint(0, 99)}}}']
        return "\n".join(lines) + "\n"

    # ----------------------------------------------------------------- manifest
    def manifest(self) -> dict:
        expected: dict[str, dict[str, dict]] = {rule: {} for rule in planted.RULES}
        decoys: list[dict] = []
        for mk in self.marks:
            if not self.enabled[mk.rule]:
                continue  # the rule is off in the generated config: nothing is expected
            if mk.decoy:
                decoys.append({"rule": mk.rule, "id": mk.key, "path": mk.path, "line": mk.line})
                continue
            entry = expected[mk.rule].setdefault(mk.key, {
                "id": mk.key, "severity": mk.severity, "sites": []})
            site = {"path": mk.path, "line": mk.line}
            if site not in entry["sites"]:
                entry["sites"].append(site)
            if mk.severity and not entry["severity"]:
                entry["severity"] = mk.severity
        lines = sum((v.count(b"\n") if isinstance(v, bytes) else v.count("\n"))
                    for v in self.out.values())
        size = sum(len(v) if isinstance(v, bytes) else len(v.encode()) for v in self.out.values())
        return {
            "schema": 1,
            "generator": {"version": GENERATOR_VERSION, "files": self.files, "seed": self.seed,
                          "non_canonical": self.non_canonical},
            "stats": {"python_files": len(self.out), "lines": lines, "bytes": size},
            "config": "pyproject.toml",
            "matching": ("A finding matches an expected entry when its rule is the entry's rule, "
                         "its path and line equal one of the entry's sites (line null: any "
                         "line of that file) and, when the entry names a severity, its "
                         "severity is that one. Recall = entries matched / entries; precision "
                         "= findings matching some entry / findings."),
            "rules": {
                rule: {"enabled": self.enabled[rule],
                       "expected": sorted(expected[rule].values(),
                                          key=lambda e: (e["sites"][0]["path"], e["id"]))}
                for rule in planted.RULES
            },
            "decoys": sorted(decoys, key=lambda d: (d["rule"], d["path"], d["line"] or 0)),
        }

    # -------------------------------------------------------------------- write
    def write(self, out: Path) -> dict:
        out.mkdir(parents=True, exist_ok=True)
        made: set[Path] = set()
        for rel in sorted(self.out):
            p = out / rel
            if p.parent not in made:
                p.parent.mkdir(parents=True, exist_ok=True)
                made.add(p.parent)
            data = self.out[rel]
            p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        (out / "pyproject.toml").write_text(planted.config_toml(self.non_canonical),
                                            encoding="utf-8")
        (out / ".gitignore").write_text(".ssotcheck_cache/\n__pycache__/\n", encoding="utf-8")
        manifest = self.manifest()
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        return manifest


def generate(files: int, out: Path, seed: int = 0, force: bool = False,
             non_canonical: bool = False) -> dict:
    """Write the tree and return its manifest. Refuses to overwrite a foreign directory."""
    if out.exists() and any(out.iterdir()):
        if not force:
            raise FileExistsError(f"{out} is not empty (use --force to replace a generated tree)")
        if not (out / "manifest.json").is_file():
            raise FileExistsError(f"{out} does not look like a generated tree; not deleting it")
        shutil.rmtree(out)
    gen = Generator(files, seed, non_canonical)
    gen.generate()
    return gen.write(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--files", type=int, required=True, help=f"{MIN_FILES}..{MAX_FILES}")
    p.add_argument("--out", type=Path, required=True, help="directory to create")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--force", action="store_true", help="replace an existing generated tree")
    p.add_argument("--non-canonical", action="store_true",
                   help="enable the opt-in SSOT202 in the generated config and expect its findings")
    args = p.parse_args(argv)
    try:
        manifest = generate(args.files, args.out, args.seed, args.force, args.non_canonical)
    except (ValueError, FileExistsError) as exc:
        print(f"generate: error: {exc}", file=sys.stderr)
        return 2
    n = sum(len(r["expected"]) for r in manifest["rules"].values())
    st = manifest["stats"]
    print(f"wrote {st['python_files']} files ({st['lines']:,} lines, {st['bytes'] / 1e6:.1f} MB) "
          f"to {args.out}; {n} planted findings, {len(manifest['decoys'])} decoys")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
