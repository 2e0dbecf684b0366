"""`python benchmarks/dangling_cost.py TREE`: Cold cost of SSOT205 at 10k files: facts from a warm facts cache, then a fresh index
per repetition (every memo empty), CPU time of this process (the machine is shared)."""
import gc, sys, time
from pathlib import Path
from ssotcheck import config as cfgmod
from ssotcheck.pipeline import run, RunOptions
from ssotcheck.index.project import ProjectIndex
from ssotcheck.checks import dangling_imports, families
root = Path(sys.argv[1]).resolve()
found = cfgmod.find_config_file(root)
cfg = cfgmod.load(found, root) if found else cfgmod.from_mapping({}, root)
r = run(cfg, RunOptions(jobs=2, use_cache=True, cache_dir=Path("/tmp/d15/cache10k")))
facts = list(r.index.files.values())
ext = r.index.extension_paths
print("files", len(facts), "SSOT205 findings", sum(f.rule == "SSOT205" for f in r.findings))
clock = time.process_time
def fresh():
    return ProjectIndex(root, facts, cfg.src, ext)
gc.disable()
best = {}
others = [f for f in families() if f is not dangling_imports and any(cfg.rule_enabled(x) for x in f.RULES)]
for rep in range(5):
    ix = fresh()
    t = clock(); dangling_imports.check(ix, cfg); a = clock() - t
    ix = fresh()
    t = clock()
    for fam in others:
        fam.check(ix, cfg)
    o = clock() - t
    t = clock(); dangling_imports.check(ix, cfg); b = clock() - t
    ix = fresh(); t = clock(); ix.edges; e = clock() - t
    ix = fresh(); ix.dangling = lambda i, f: None; t = clock(); ix.edges; e0 = clock() - t
    for k, v in (("rule alone, cold index", a), ("other families", o),
                 ("rule after the other families", b), ("index.edges", e),
                 ("index.edges without the dangling test", e0)):
        best[k] = min(best.get(k, 9e9), v)
for k, v in best.items():
    print(f"{k}: {v:.3f} s")
