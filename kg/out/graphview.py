"""The interactive HTML graph view (`kg view`): entities as nodes, core relations as edges.

`view_data` reads the store with SPARQL and applies the filters; `render_html` builds one
self-contained page (vis-network inlined from the pyvis package, no CDN, a strict CSP);
`write_view` writes it atomically.
"""
from __future__ import annotations

import difflib
import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import networkx as nx

from kg.errors import QueryError
from kg.out.pages import csp_hash, head, safe_in_script
from kg.model import CORE_TYPES, RELATIONS, SUBCLASS_OF, core_type
from kg.rdf.store import GraphStore
from kg.rdf.vocab import NIF, QDO, QDO_IRI

MENTIONED_IN, ANCHOR_OF = str(QDO.mentionedIn), str(NIF.anchorOf)

COLORS = {"District": "#e15759", "Initiative": "#f28e2b", "Project": "#edc948",
          "Organization": "#4e79a7", "Platform": "#b07aa1", "Park": "#59a14f"}
_CLASSES = " ".join(f"qdo:{c}" for c in (*CORE_TYPES, *sorted(SUBCLASS_OF)))
_RELS = " ".join(f"qdo:{r}" for r in RELATIONS)
_NARROW = "narrow the view with --focus NAME (and --hops N), --district NAME or --type CLASS"


@dataclass(frozen=True)
class ViewNode:
    """One entity as drawn: labels, most specific class, core class, sources, degree."""

    iri: str
    cls: str
    core: str
    label_hant: str
    label_hans: str
    label_en: str | None = None
    sentences: tuple[str, ...] = ()
    degree: int = 0
    names: tuple[str, ...] = ()  # every label and altLabel, for matching

    @property
    def label(self) -> str:
        return self.label_hant or self.label_hans


@dataclass(frozen=True)
class ViewEdge:
    source: str
    target: str
    relation: str


@dataclass
class ViewData:
    """What the page shows, plus what the filters matched and the cap left out."""

    nodes: list[ViewNode]
    edges: list[ViewEdge]
    total: int = 0  # nodes matching the filters, before max_nodes
    omitted: dict[str, int] = field(default_factory=dict)  # core class -> nodes left out
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def note(self) -> str:
        """One line saying what was left out and how to narrow the view ('' if nothing)."""
        if not self.omitted:
            return ""
        parts = ", ".join(f"{n} {c}" for c, n in sorted(self.omitted.items()))
        return (f"Showing the {len(self.nodes)} best-connected of {self.total} entities; "
                f"left out: {parts}. To see them, {_NARROW}.")


# ---- reading the store -------------------------------------------------------------------

def _entities(store: GraphStore) -> tuple[dict[str, ViewNode], list[tuple[str, str, str]]]:
    """Every typed entity (labels, classes, degree; no sentences yet) and the edges."""
    classes: dict[str, set[str]] = {}
    for e, c in store.select(f"SELECT DISTINCT ?e ?c WHERE {{ VALUES ?c {{ {_CLASSES} }} ?e a ?c }}")[1]:
        classes.setdefault(str(e), set()).add(str(c)[len(QDO_IRI):])
    labels: dict[str, dict[str, list[str]]] = {e: {} for e in classes}
    names: dict[str, set[str]] = {e: set() for e in classes}
    q = (f"SELECT DISTINCT ?e ?p ?l WHERE {{ VALUES ?c {{ {_CLASSES} }} ?e a ?c . "
         "VALUES ?p { rdfs:label skos:altLabel } ?e ?p ?l FILTER(isLiteral(?l)) }")
    for e, p, lit in store.select(q)[1]:
        names[str(e)].add(str(lit))
        if str(p).endswith("#label"):
            labels[str(e)].setdefault((lit.language or "").lower(), []).append(str(lit))
    edges = _edges(store, classes)
    degree = Counter(x for s, _, o in edges for x in (s, o))
    out = {}
    for e, cs in classes.items():
        specific = sorted(cs - set(CORE_TYPES)) or sorted(cs)
        lab = {k: sorted(v) for k, v in labels[e].items()}
        anyl = sorted(x for v in lab.values() for x in v) or [e.rsplit("/", 1)[-1]]
        hant, hans = (lab.get("zh-hant") or [""])[0], (lab.get("zh-hans") or [""])[0]
        out[e] = ViewNode(e, specific[0], core_type(specific[0]), hant or hans or anyl[0],
                          hans or hant or anyl[0], (lab.get("en") or [None])[0], (),
                          degree[e], tuple(sorted(names[e])))
    return out, edges


def _sentence_order(iri: str) -> tuple[str, int]:
    """Sentence IRIs are ARTICLE-sINDEX: article order, then text order."""
    article, _, index = iri.rpartition("-s")
    return (article, int(index)) if index.isdigit() else (iri, 0)


def _with_sentences(store: GraphStore, nodes: list[ViewNode], look: int = 30) -> list[ViewNode]:
    """The nodes with up to three distinct source sentences each, from the first `look` in
    article and text order. Asked only for the nodes drawn, by index lookups: an entity named
    in thousands of sentences costs a sort of their IRIs, not a read of their texts."""
    out = []
    for n in nodes:
        texts: list[str] = []
        for sentence in sorted(set(store.objects(n.iri, MENTIONED_IN)), key=_sentence_order)[:look]:
            text = next(iter(store.objects(sentence, ANCHOR_OF)), None)
            if text is not None and text not in texts:
                texts.append(text)
                if len(texts) == 3:
                    break
        out.append(replace(n, sentences=tuple(texts)))
    return out


def _edges(store: GraphStore, entities) -> list[tuple[str, str, str]]:
    rows = store.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {_RELS} }} ?s ?p ?o }}")[1]
    return sorted({(str(s), str(p)[len(QDO_IRI):], str(o)) for s, p, o in rows
                   if str(s) in entities and str(o) in entities and s != o})


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s).casefold()


def _unknown(kind: str, name: str, choices, fix: str) -> QueryError:
    """An unknown name, with the close ones (or some known ones) suggested, Chinese names first."""
    choices = sorted(set(choices), key=lambda c: (not re.search(r"[\u4e00-\u9fff]", c), c))
    close = difflib.get_close_matches(name, choices, n=5, cutoff=0.3)
    close = [c for _, c in sorted(enumerate(close), key=lambda ic: (not re.search(r"[\u4e00-\u9fff]", ic[1]), ic[0]))]
    hint = f"close names: {', '.join(close)}" if close else f"known names include: {', '.join(choices[:8])}"
    return QueryError(f'unknown {kind} "{name}"; {hint}; {fix}')


def _find_district(ents: dict[str, ViewNode], name: str) -> str:
    strip = lambda s: re.sub(r"[區区市]$", "", _norm(s))  # noqa: E731
    districts = [n for n in ents.values() if n.core == "District"]
    hits = sorted(n.iri for n in districts if strip(name) in {strip(x) for x in n.names})
    if not hits:
        raise _unknown("district", name, [x for n in districts for x in n.names],
                       "pass one of them to --district (either script, 區/区 optional)")
    return hits[0]


def _find_focus(ents: dict[str, ViewNode], name: str) -> list[str]:
    key = _norm(name)
    hits = sorted(n.iri for n in ents.values() if key in {_norm(x) for x in n.names})
    hits = hits or sorted(n.iri for n in ents.values() if key and any(key in _norm(x) for x in n.names))
    if not hits:
        raise _unknown("entity", name, [x for n in ents.values() for x in n.names],
                       "pass a label in either script, or part of one, to --focus")
    return hits


def view_data(store: GraphStore, *, district: str | None = None, type: str | None = None,
              focus: str | None = None, hops: int = 1, max_nodes: int = 800) -> ViewData:
    """Entities and core relations of the store, filtered and capped at `max_nodes`."""
    if hops < 0 or max_nodes < 1:
        raise QueryError("--hops must be 0 or more and --max-nodes 1 or more")
    ents, all_edges = _entities(store)
    g = nx.MultiDiGraph()
    g.add_nodes_from(sorted(ents))
    for s, r, o in all_edges:
        g.add_edge(s, o, key=r)
    keep, pinned, filters = set(ents), set(), {}
    if district:
        d = _find_district(ents, district)
        rows = store.select("SELECT DISTINCT ?e WHERE { { ?e qdo:locatedIn ?d } UNION { ?e qdo:mentionedIn ?s . "
                            f"?s dcterms:isPartOf ?a . ?a qdo:aboutDistrict ?d }} VALUES ?d {{ <{d}> }} }}")[1]
        keep &= {d} | {str(r[0]) for r in rows}
        pinned.add(d)
        filters["district"] = ents[d].label
    if type:
        core = {c.casefold(): c for c in CORE_TYPES}.get(type.strip().casefold())
        if core is None:
            raise _unknown("type", type, CORE_TYPES, f"use one of {', '.join(CORE_TYPES)} with --type")
        sub = g.subgraph(keep).to_undirected(as_view=True)
        seeds = {n for n in keep if ents[n].core == core}
        keep = seeds | {m for n in seeds for m in sub.neighbors(n)}
        filters["type"] = core
    if focus:
        centres = [c for c in _find_focus(ents, focus) if c in keep]
        if not centres:
            raise QueryError(f'"{focus}" is outside the current --district/--type filter; drop one of them')
        sub = g.subgraph(keep).to_undirected()
        keep = set().union(*(nx.ego_graph(sub, c, radius=hops).nodes for c in centres))
        pinned.update(centres)
        filters.update(focus=", ".join(ents[c].label for c in centres), hops=str(hops))
    ranked = sorted(keep, key=lambda n: (n not in pinned, -ents[n].degree, n))
    shown = set(ranked[:max_nodes])
    omitted = dict(Counter(ents[n].core for n in ranked[max_nodes:]))
    edges = [ViewEdge(s, o, r) for s, o, r in sorted(g.subgraph(shown).edges(keys=True))]
    return ViewData(_with_sentences(store, [ents[n] for n in sorted(shown)]), edges, len(keep), omitted, filters)


# ---- the page ----------------------------------------------------------------------------

_JS = r"""(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("kg-data").textContent);
  var nodes = new vis.DataSet(D.nodes), edges = new vis.DataSet(D.edges), shown = null;
  var nodeView = new vis.DataView(nodes, {filter: function (n) { return !shown || shown.has(n.id); }});
  var edgeView = new vis.DataView(edges, {filter: function (e) {
    return !shown || (shown.has(e.from) && shown.has(e.to)); }});
  var network = new vis.Network(document.getElementById("kg-network"),
                                {nodes: nodeView, edges: edgeView}, D.options);
  var kg = window.kgView = {network: network, nodes: nodes, edges: edges, nodeView: nodeView,
                            edgeView: edgeView, ready: !D.options.physics.enabled};
  network.once("stabilizationIterationsDone", function () { network.setOptions({physics: false}); kg.ready = true; });
  var box = document.getElementById("kg-search"), nb = document.getElementById("kg-neighbours");
  var status = document.getElementById("kg-status");
  function update() {
    var q = box.value.trim().toLowerCase();
    shown = null;
    if (q) {
      shown = new Set(nodes.getIds({filter: function (n) { return n.search.indexOf(q) >= 0; }}));
      if (nb.checked) {
        var hit = new Set(shown);
        edges.forEach(function (e) { if (hit.has(e.from)) shown.add(e.to); if (hit.has(e.to)) shown.add(e.from); });
      }
    }
    nodeView.refresh(); edgeView.refresh();
    status.textContent = nodeView.length + " / " + nodes.length + " nodes";
  }
  box.addEventListener("input", update); nb.addEventListener("change", update);
  update();
})();"""

_PAGE = """{head}<style>{vis_css}</style>
<style>
html, body {{ height: 100%; margin: 0; font-family: "WenQuanYi Zen Hei", "Noto Sans CJK TC", sans-serif; }}
body {{ display: flex; flex-direction: column; }} #kg-network {{ flex: 1; min-height: 300px; }}
header {{ padding: 6px 12px; border-bottom: 1px solid #ddd; }} h1 {{ font-size: 18px; margin: 2px 0 6px; }}
#kg-search {{ width: 22em; padding: 3px; }} #kg-note {{ margin: 4px 0 0; color: #8a4b00; }}
.kg-legend span {{ margin-right: 12px; white-space: nowrap; }}
.kg-legend i {{ display: inline-block; width: 11px; height: 11px; border-radius: 50%; margin-right: 4px; }}
div.vis-tooltip {{ white-space: pre-wrap; max-width: 480px; font-family: inherit; }}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
<div><input id="kg-search" type="search" placeholder="Filter by name (either script)" autocomplete="off">
<label><input id="kg-neighbours" type="checkbox"> with neighbours</label>
<span id="kg-status"></span></div>
<div class="kg-legend">{legend}</div>
{note}
</header>
<div id="kg-network"></div>
<script type="application/json" id="kg-data">{data}</script>
<script>{vis_js}</script>
<script>{app_js}</script>
</body>
</html>
"""


def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS as shipped inside the pyvis package (no network)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.I).replace("<!--", "<\\!--")
    css = re.sub(r"/\*# sourceMappingURL=\S+ \*/", "", (lib / "vis-network.css").read_text(encoding="utf-8"))
    return js, re.sub(r"</(style)", r"<\\/\1", css, flags=re.I)


def _layout(data: ViewData) -> dict[str, tuple[int, int]]:
    """Fixed-seed spring layout of the connected nodes, rounded; unconnected nodes go on a grid
    below it (they need no force computation). Needs numpy; {} without it (the browser lays out)."""
    g = nx.Graph()
    g.add_nodes_from(n.iri for n in data.nodes)
    g.add_edges_from((e.source, e.target) for e in data.edges)
    linked = [n for n in g if g.degree(n) > 0]
    alone = sorted(n for n in g if g.degree(n) == 0)
    scale = max(300.0, 45.0 * len(linked) ** 0.5)
    pos: dict = {}
    if linked:
        try:
            pos = nx.spring_layout(g.subgraph(linked), seed=7, scale=scale, iterations=40)
        except ImportError:
            return {}
    out = {n: (round(float(x)), round(float(y))) for n, (x, y) in pos.items()}
    cols = max(1, int(len(alone) ** 0.5 * 1.6))
    for i, n in enumerate(alone):
        out[n] = (round(-scale + (i % cols) * 2 * scale / cols), round(scale + 80 + (i // cols) * 60))
    return out


def _tooltip(n: ViewNode) -> str:
    """Plain text: vis-network 9 puts a string title in with innerText, so nothing is parsed."""
    lines = [n.label_hant if n.label_hant == n.label_hans else f"{n.label_hant} / {n.label_hans}"]
    if n.label_en:
        lines.append(n.label_en)
    lines.append(n.cls if n.cls == n.core else f"{n.cls} ({n.core})")
    lines += [f"• {s}" for s in n.sentences]
    return "\n".join(lines)


def _json(obj) -> str:
    """Compact, sorted JSON safe inside a <script> element."""
    return safe_in_script(json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def render_html(data: ViewData, *, title: str) -> str:
    """One self-contained, offline HTML page; same data gives the same bytes."""
    from pyvis.network import Network

    pos = _layout(data)
    net = Network(height="100%", width="100%", directed=True)
    net.toggle_physics(not pos)
    net.nodes = [dict(id=n.iri, label=n.label, title=_tooltip(n), group=n.core, value=n.degree + 1,
                      search="\n".join(x.lower() for x in (n.label_hant, n.label_hans, *n.names)),
                      **({"x": pos[n.iri][0], "y": pos[n.iri][1]} if pos else {}))
                 for n in data.nodes]
    net.edges = [{"id": f"e{i}", "from": e.source, "to": e.target, "label": e.relation}
                 for i, e in enumerate(data.edges)]
    options = json.loads(net.options.to_json())
    options["physics"]["stabilization"].update(iterations=150, updateInterval=25)
    options["edges"].update(arrows="to", color={"color": "#999"}, font={"size": 9, "align": "middle"},
                            smooth={"enabled": len(net.edges) <= 500, "type": "continuous"})
    options["nodes"] = {"shape": "dot", "scaling": {"min": 8, "max": 30}, "font": {"size": 13}}
    options["groups"] = {c: {"color": col} for c, col in COLORS.items()}
    options["interaction"].update(hover=True, tooltipDelay=150)
    options["layout"] = {"randomSeed": 7, "improvedLayout": len(net.nodes) <= 100}
    vis_js, vis_css = _vis_assets()
    counts = Counter(n.core for n in data.nodes)
    legend = "".join(f'<span><i style="background:{col}"></i>{c} ({counts.get(c, 0)})</span>'
                     for c, col in COLORS.items())
    csp = f"default-src 'none'; script-src {csp_hash(vis_js)} {csp_hash(_JS)}; style-src 'unsafe-inline'; img-src data:"
    note = f'<p id="kg-note">{html.escape(data.note)}</p>' if data.note else ""
    return _PAGE.format(head=head(title, csp), title=html.escape(title), vis_css=vis_css, legend=legend, note=note,
                        data=_json({"nodes": net.nodes, "edges": net.edges, "options": options}),
                        vis_js=vis_js, app_js=_JS)


def write_view(data: ViewData, path: str | Path, *, title: str, create_folder: bool = False) -> Path:
    """Render and write the page atomically (temp file in the same folder, then rename)."""
    from kg.out.files import write_atomic

    return write_atomic(Path(path), render_html(data, title=title), create_folder=create_folder)
