"""`ssotcheck graph`: the first-party import graph as JSON, DOT or GraphML."""

from __future__ import annotations

import io
import json

from ssotcheck.index.project import DANGLING, ProjectIndex


def _edges(index: ProjectIndex) -> list[dict]:
    merged: dict[tuple[str, str], dict] = {}
    for e in index.edges:
        d = merged.setdefault((e.importer, e.imported),
                              {"importer": e.importer, "imported": e.imported, "lines": set(),
                               "kinds": set()})
        d["lines"].add(e.line)
        d["kinds"].add(e.kind)
    return [
        {**d, "lines": sorted(d["lines"]), "kinds": sorted(d["kinds"])}
        for _, d in sorted(merged.items())
    ]


def _dot_id(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def export(index: ProjectIndex, fmt: str) -> str:
    edges = _edges(index)
    modules = sorted(index.modules)
    if fmt == "json":
        return json.dumps({"modules": modules, "edges": edges}, indent=2) + "\n"
    if fmt == "dot":
        out = ["digraph imports {", "  rankdir=LR;", "  node [shape=box, fontsize=10];"]
        out += [f"  {_dot_id(m)};" for m in modules]
        for e in edges:
            if e["kinds"] == [DANGLING]:  # raises ImportError at run time (SSOT205)
                style = " [style=dotted, color=red]"
            else:
                style = "" if "module" in e["kinds"] else " [style=dashed]"
            out.append(f"  {_dot_id(e['importer'])} -> {_dot_id(e['imported'])}{style};")
        out.append("}")
        return "\n".join(out) + "\n"
    if fmt == "graphml":
        import networkx as nx

        g: "nx.DiGraph[str]" = nx.DiGraph()
        g.add_nodes_from(modules)
        for e in edges:
            g.add_edge(e["importer"], e["imported"], lines=",".join(map(str, e["lines"])),
                       kinds=",".join(e["kinds"]))
        buf = io.BytesIO()
        nx.write_graphml(g, buf)
        return buf.getvalue().decode("utf-8")
    raise ValueError(f"unknown graph format {fmt!r}")
