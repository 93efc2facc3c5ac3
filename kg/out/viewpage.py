"""The page of the graph view: one self-contained, offline HTML file (vis-network inlined from
the pyvis package, no CDN, a strict CSP) with a layout precomputed by networkx, filters, a
search box, a side panel with every relation's sentences, and a Chinese/English switch for
the page's own words. `render_html` builds it; `write_view` writes it atomically.

Districts are context, not hubs: by default they colour the nodes of their district and their
locatedIn / ledBy / partner edges are hidden behind a toggle; nodes left without a visible edge
are hidden and counted."""
from __future__ import annotations

import html
import json
import math
import re
import unicodedata
from collections import Counter
from pathlib import Path

import networkx as nx

from kg.model import CORE_TYPES, RELATIONS
from kg.out.graphview import ViewData, ViewNode
from kg.nlp.script import detect_script, to_simplified
from kg.out.pages import csp_hash, head, safe_in_script
from kg.rdf.vocab import QDR_IRI

CLASS_COLOURS = {"District": "#e15759", "Initiative": "#f28e2b", "Project": "#edc948",
                 "Organization": "#4e79a7", "Platform": "#b07aa1", "Park": "#59a14f"}
RELATION_COLOURS = {"joinedPark": "#2ca02c", "partner": "#1f77b4", "partOf": "#9467bd", "operatedBy": "#8c564b",
                    "ledBy": "#ff7f0e", "locatedIn": "#b0b0b0"}
GAP = 110  # pixels between the laid-out parts, room for their labels
DISTRICT_PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
                    "#9c755f", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
RELATION_WORDS = {
    "zh-Hant": {"locatedIn": "位於", "joinedPark": "入駐園區", "ledBy": "牽頭/主導", "partner": "合作",
                "partOf": "隸屬於", "operatedBy": "運營方"},
    "en": {"locatedIn": "located in", "joinedPark": "joined park", "ledBy": "led by", "partner": "partner",
           "partOf": "part of", "operatedBy": "operated by"},
}
CLASS_WORDS = {
    "zh-Hant": {"District": "行政區", "Initiative": "舉措", "Project": "項目", "Organization": "機構",
                "Platform": "平台", "Park": "園區"},
    "en": {c: c for c in CORE_TYPES},
}
WORDS = {
    "zh-Hant": {"relationsFilter": "關係", "classesFilter": "類別", "districtsFilter": "行政區", "minConfidence": "最低置信度",
                "districtLinks": "顯示與行政區的連線", "showIsolates": "顯示未連接的節點", "colourBy": "顏色",
                "byDistrict": "按行政區", "byClass": "按類別", "nodes": "節點", "edges": "連線",
                "isolatesHidden": "另有 {n} 個未連接的節點已隱藏", "searchHint": "搜尋名稱（繁、簡、拼音、英文）",
                "found": "找到 {n} 個", "notFound": "沒有找到", "hant": "繁體", "hans": "簡體", "pinyin": "拼音",
                "english": "英文", "class": "類別", "district": "行政區", "relations": "關係", "rule": "規則",
                "confidence": "置信度", "mentions": "提及的句子", "totalInvestmentCNY": "總投資（元）",
                "registeredCapitalCNY": "註冊資本（元）", "areaM2": "面積（平方米）", "openedOn": "開業/開園",
                "signedOn": "簽約", "launchedOn": "啟動", "entityPage": "實體頁面與來源"},
    "en": {"relationsFilter": "Relations", "classesFilter": "Classes", "districtsFilter": "Districts",
           "minConfidence": "Minimum confidence", "districtLinks": "Show links to districts",
           "showIsolates": "Show unconnected nodes", "colourBy": "Colour", "byDistrict": "by district",
           "byClass": "by class", "nodes": "nodes", "edges": "edges",
           "isolatesHidden": "{n} unconnected nodes are hidden", "searchHint": "Find a name (either script, pinyin, English)",
           "found": "{n} found", "notFound": "not found", "hant": "Traditional", "hans": "Simplified",
           "pinyin": "Pinyin", "english": "English", "class": "Class", "district": "District",
           "relations": "Relations", "rule": "rule", "confidence": "confidence", "mentions": "Sentences naming it",
           "totalInvestmentCNY": "Total investment (CNY)", "registeredCapitalCNY": "Registered capital (CNY)",
           "areaM2": "Area (m²)", "openedOn": "Opened", "signedOn": "Signed", "launchedOn": "Launched",
           "entityPage": "Entity page and sources"},
}
for _words in (RELATION_WORDS, CLASS_WORDS, WORDS):  # the Simplified interface is the Traditional one converted
    _words["zh-Hans"] = {k: to_simplified(v) for k, v in _words["zh-Hant"].items()}
APP_JS = (Path(__file__).with_name("viewpage.js")).read_text(encoding="utf-8")

_PAGE = """{head}<style>{vis_css}</style>
<style>
html, body {{ height: 100%; margin: 0; font-family: "WenQuanYi Zen Hei", "Noto Sans CJK TC", sans-serif; font-size: 13px; }}
body {{ display: grid; grid-template-columns: 230px 1fr; grid-template-rows: auto 1fr; height: 100%; }}
header {{ grid-column: 1 / 3; padding: 6px 12px; border-bottom: 1px solid #ddd; display: flex; gap: 12px;
  align-items: center; flex-wrap: wrap; }}
h1 {{ font-size: 17px; margin: 0; }} #kg-search {{ width: 22em; padding: 3px; }}
#kg-note, #kg-isolates-note {{ color: #8a4b00; }}
aside#kg-filters {{ overflow-y: auto; padding: 6px 10px; border-right: 1px solid #ddd; }}
aside#kg-filters h3 {{ font-size: 13px; margin: 10px 0 4px; }} aside#kg-filters label {{ display: block; }}
i {{ display: inline-block; width: 11px; height: 11px; border-radius: 50%; margin: 0 4px; vertical-align: -1px; }}
#kg-network {{ min-width: 0; min-height: 300px; }}
#kg-panel {{ position: fixed; right: 0; top: 48px; bottom: 0; width: 360px; overflow-y: auto; padding: 8px 12px;
  border-left: 1px solid #ddd; background: rgba(255, 255, 255, 0.96); box-shadow: -2px 0 6px rgba(0, 0, 0, 0.08); }}
#kg-panel h2 {{ font-size: 16px; margin: 4px 24px 6px 0; }} #kg-panel dl {{ display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; }}
#kg-panel dt {{ color: #666; }} #kg-panel dd {{ margin: 0; }} .kg-close {{ position: absolute; right: 8px; top: 6px; }}
.kg-relations {{ padding-left: 0; list-style: none; }} .kg-relations li {{ margin-bottom: 8px; }}
.kg-sentence {{ margin: 2px 0; background: #f7f7f7; padding: 3px 5px; }} .kg-src {{ color: #777; font-size: 11px; }}
mark {{ background: #fde68a; }}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
<input id="kg-search" type="search" autocomplete="off"> <span id="kg-found"></span>
<span id="kg-status"></span> <span id="kg-isolates-note"></span>
<button id="kg-lang" type="button">English</button>
{note}
</header>
<aside id="kg-filters">
<h3 data-w="relationsFilter"></h3><div id="kg-relations-filter"></div>
<label><input id="kg-district-links" type="checkbox"> <span data-w="districtLinks"></span></label>
<h3 data-w="classesFilter"></h3><div id="kg-classes-filter"></div>
<h3 data-w="districtsFilter"></h3><div id="kg-districts-filter"></div>
<h3 data-w="minConfidence"></h3>
<input id="kg-conf" type="range" min="0" max="100" step="5" value="0"> <span id="kg-conf-value">0.00</span>
<h3 data-w="colourBy"></h3>
<select id="kg-colour"><option value="district" data-w="byDistrict"></option><option value="class" data-w="byClass"></option></select>
<label><input id="kg-isolates" type="checkbox"> <span id="kg-isolates-label"></span></label>
</aside>
<div id="kg-network"></div>
<div id="kg-panel" hidden></div>
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


def _district_link(cores: dict[str, str]):
    """Whether an edge ties an entity to a district (hidden by default)."""
    return lambda e: e.relation == "locatedIn" or "District" in (cores.get(e.source), cores.get(e.target))


def layout(data: ViewData) -> dict[str, tuple[int, int]]:
    """Fixed positions, rounded: each connected part of the entity–entity graph laid out on its
    own (a tree radially around its best-connected node, anything else by a fixed-seed spring
    layout) and the parts packed in rows, biggest first, so groups stay apart;
    unconnected nodes on a grid below; each district at the middle of its entities. Needs numpy;
    {} without it (the browser lays out)."""
    cores = {n.iri: n.core for n in data.nodes}
    linkish = _district_link(cores)
    g = nx.Graph()
    g.add_nodes_from(n.iri for n in data.nodes if n.core != "District")
    g.add_edges_from((e.source, e.target) for e in data.edges if not linkish(e))
    parts = sorted((sorted(c) for c in nx.connected_components(g) if len(c) > 1), key=lambda c: (-len(c), c[0]))
    out: dict[str, tuple[int, int]] = {}
    radius = {id(c): 55.0 * len(c) ** 0.5 + 30 for c in parts}
    # rows about as wide as a screen is wider than high
    width = max(600.0, (1.6 * sum((2 * r + GAP) ** 2 for r in radius.values())) ** 0.5)
    x0 = y0 = row_h = 0.0
    for part in parts:
        r = radius[id(part)]
        sub = _induced(g, part)
        if nx.is_tree(sub):  # most parts are stars and chains: a radial tree spreads them evenly
            pos = _radial(sub, r)
        else:
            pos = _spring_with_rings(sub, r)
            if pos is None:
                return {}
        if x0 + 2 * r > width and x0 > 0:
            x0, y0, row_h = 0.0, y0 + row_h + GAP, 0.0
        for n, (x, y) in pos.items():
            out[n] = (round(x0 + r + float(x)), round(y0 + r + float(y)))
        x0, row_h = x0 + 2 * r + GAP, max(row_h, 2 * r)
    alone = sorted(n for n in g if n not in out)
    cols = max(1, int(width // 90))
    base = y0 + row_h + 120
    for i, n in enumerate(alone):
        out[n] = (round((i % cols) * 90), round(base + (i // cols) * 50))
    members: dict[str, list[tuple[int, int]]] = {}
    for n in data.nodes:
        if n.district and n.iri in out:
            members.setdefault(n.district, []).append(out[n.iri])
    for k, n in enumerate(d for d in data.nodes if d.core == "District"):
        pts = members.get(n.iri) or [(round(width + 150), round(k * 80))]
        out[n.iri] = (round(sum(p[0] for p in pts) / len(pts)), round(sum(p[1] for p in pts) / len(pts)) - 30)
    return out


def _induced(g: nx.Graph, nodes) -> nx.Graph:
    """The subgraph of `nodes`, its nodes and edges in sorted order: a networkx subgraph view
    iterates a small node set in the set's own order, which changes with Python's string hashing
    from one run to the next, and the spring layout with it."""
    sub = nx.Graph()
    sub.add_nodes_from(sorted(nodes))
    sub.add_edges_from(sorted(tuple(sorted(e)) for e in g.subgraph(nodes).edges()))
    return sub


def _spring_with_rings(g: nx.Graph, r: float) -> dict[str, tuple[float, float]] | None:
    """The nodes with more than one link by a fixed-seed spring layout; each node's leaves (nodes
    with one link) on a ring around it, wide enough for their labels. None without numpy."""
    core = [n for n in g if g.degree(n) > 1]
    try:
        pos = {n: (float(x), float(y)) for n, (x, y) in
               nx.spring_layout(_induced(g, core), seed=7, scale=r, iterations=100, k=3 / len(core) ** 0.5).items()}
    except ImportError:
        return None
    for n in sorted(core):
        leaves = sorted(m for m in g.neighbors(n) if g.degree(m) == 1)
        ring = max(60.0, 14.0 * len(leaves))
        for k, m in enumerate(leaves):
            a = 2 * math.pi * k / len(leaves)
            pos[m] = (pos[n][0] + ring * math.cos(a), pos[n][1] + ring * math.sin(a))
    return pos


def _radial(tree: nx.Graph, r: float) -> dict[str, tuple[float, float]]:
    """A tree laid out in rings around its best-connected node, each subtree in a wedge as wide
    as its share of the leaves, the outermost ring at distance `r`."""
    root = min(tree, key=lambda n: (-tree.degree(n), n))
    children = {n: sorted(c) for n, c in nx.bfs_successors(tree, root)}
    leaves: dict[str, int] = {}

    def count(n: str) -> int:
        leaves[n] = sum(count(c) for c in children.get(n, [])) or 1
        return leaves[n]

    count(root)
    depth = max(nx.shortest_path_length(tree, root).values()) or 1
    pos = {root: (0.0, 0.0)}
    stack = [(root, 0.0, 2 * math.pi, 0)]
    while stack:
        n, a0, a1, d = stack.pop()
        a = a0
        for c in children.get(n, []):
            w = (a1 - a0) * leaves[c] / leaves[n]
            mid = a + w / 2
            pos[c] = (r * (d + 1) / depth * math.cos(mid), r * (d + 1) / depth * math.sin(mid))
            stack.append((c, a, a + w, d + 1))
            a += w
    return pos


def _plain(s: str) -> str:
    """Lower case without tone marks: Bīnhǎi -> binhai."""
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c)).lower()


def _search_text(n: ViewNode) -> str:
    forms = [n.label_hant, n.label_hans, *n.names, n.label_en or "", n.label_pinyin or ""]
    return "\n".join(dict.fromkeys(x for f in forms if f for x in (f.lower(), _plain(f), _plain(f).replace(" ", ""))))


def _script(data: ViewData) -> str:
    """The script most of the drawn sentences are written in (zh-Hant or zh-Hans)."""
    texts = [s for n in data.nodes for s in n.sentences][:200] + [x.sentence for e in data.edges for x in e.evidence][:200]
    votes = Counter(detect_script(t) for t in texts if t)
    return "zh-Hant" if votes["zh-Hant"] > votes["zh-Hans"] else "zh-Hans"


def page_data(data: ViewData, focus: str | None = None, resource_links: bool = False) -> dict:
    """What the page's script reads: nodes, edges, options and the words of both languages."""
    pos = layout(data)
    cores = {n.iri: n.core for n in data.nodes}
    linkish = _district_link(cores)
    labels = {**{n.iri: n.label for n in data.nodes if n.core == "District"}, **data.districts}
    members = Counter(n.district for n in data.nodes if n.district)
    districts = sorted(labels, key=lambda d: (-members[d], d))
    palette = {d: DISTRICT_PALETTE[k % len(DISTRICT_PALETTE)] for k, d in enumerate(districts)}
    nodes = [{"id": n.iri, "l": n.label, "hant": n.label_hant, "hans": n.label_hans, "py": n.label_pinyin,
              "en": n.label_en, "cls": n.cls, "core": n.core, "d": n.district, "deg": n.degree,
              "s": list(n.sentences), "f": [list(f) for f in n.facts], "q": _search_text(n),
              "names": list(n.names), **({"x": pos[n.iri][0], "y": pos[n.iri][1]} if n.iri in pos else {})}
             for n in data.nodes]
    edges = [{"id": f"e{i}", "from": e.source, "to": e.target, "r": e.relation, "c": round(e.confidence, 3),
              "dl": linkish(e), "ev": [{"t": x.sentence, "a": x.article, "d": x.date, "r": x.rule,
                                        "c": round(x.confidence, 3)} for x in e.evidence]}
             for i, e in enumerate(data.edges)]
    zh = _script(data)
    options = {"physics": {"enabled": not pos}, "layout": {"randomSeed": 7, "improvedLayout": False},
               "nodes": {"shape": "dot", "scaling": {"min": 6, "max": 28,
                                                     "label": {"enabled": True, "min": 12, "max": 34, "drawThreshold": 8}},
                         "font": {"size": 13, "face": "WenQuanYi Zen Hei, sans-serif"}},
               "edges": {"smooth": False, "selectionWidth": 2, "arrows": {"to": {"scaleFactor": 0.5}}},
               "interaction": {"hover": True, "tooltipDelay": 200, "hideEdgesOnDrag": len(edges) > 3000}}
    meta = {"relations": list(RELATIONS), "classes": list(CORE_TYPES), "relationColours": RELATION_COLOURS,
            "classColours": CLASS_COLOURS, "districtColours": palette,
            "districts": [{"id": d, "label": labels[d]} for d in districts],
            "relationCounts": dict(Counter(e.relation for e in data.edges)),
            "words": {"zh": WORDS[zh], "en": WORDS["en"]}, "relationWords": {"zh": RELATION_WORDS[zh], "en": RELATION_WORDS["en"]},
            "classWords": {"zh": CLASS_WORDS[zh], "en": CLASS_WORDS["en"]}, "lang": "zh", "zhScript": zh,
            "focus": focus, "resourceLinks": QDR_IRI if resource_links else False}
    return {"nodes": nodes, "edges": edges, "options": options, "meta": meta}


def _json(obj) -> str:
    """Compact, sorted JSON safe inside a <script> element."""
    return safe_in_script(json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def render_html(data: ViewData, *, title: str, resource_links: bool = False) -> str:
    """One self-contained, offline HTML page; same data gives the same bytes. `resource_links`
    (the page as `kg serve` serves it) links each entity's panel to its /resource page."""
    vis_js, vis_css = _vis_assets()
    csp = (f"default-src 'none'; script-src {csp_hash(vis_js)} {csp_hash(APP_JS)}; style-src 'unsafe-inline'; "
           "img-src data:")
    note = f'<span id="kg-note">{html.escape(data.note)}</span>' if data.note else ""
    focus = next((n.iri for n in data.nodes if data.filters.get("focus") and n.label in data.filters["focus"].split(", ")),
                 None)
    return _PAGE.format(head=head(title, csp), title=html.escape(title), vis_css=vis_css, note=note,
                        data=_json(page_data(data, focus, resource_links)), vis_js=vis_js, app_js=APP_JS)


def write_view(data: ViewData, path: str | Path, *, title: str, create_folder: bool = False) -> Path:
    """Render and write the page atomically (temp file in the same folder, then rename)."""
    from kg.out.files import write_atomic

    return write_atomic(Path(path), render_html(data, title=title), create_folder=create_folder)
