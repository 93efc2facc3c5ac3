"""The documents `kg serve` answers besides query results: the SPARQL Service Description,
VoID statistics and the offline query page (inline script and style pinned by a strict CSP)."""
from __future__ import annotations

import json

import pyoxigraph as ox

from kg.out.pages import csp_hash, head, safe_in_script
from kg.rdf.dataset import FORMATS_NS, served_description
from kg.rdf.store import GraphStore, to_ox
from kg.rdf.vocab import PREFIXES, QDR_IRI

_FORMAT_IRIS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]
SD_PREFIXES = {**PREFIXES, "sd": "http://www.w3.org/ns/sparql-service-description#",
               "void": "http://rdfs.org/ns/void#", "formats": FORMATS_NS}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(PREFIXES["xsd"] + "integer"))


def store_stats(store: GraphStore) -> dict:
    count = lambda q: int(store.select(q)[1][0][0])  # noqa: E731
    examples = []
    for cls in ("District", "Park", "Organization", "Project"):
        rows = store.select(f"SELECT ?e WHERE {{ ?e a qdo:{cls} }} ORDER BY ?e LIMIT 1")[1]
        examples += [str(r[0]) for r in rows]
    return {"triples": store.count_triples(),
            "classes": count("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"),
            "properties": count("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"),
            "subjects": count("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
            "examples": examples}


def void_triples(base: str, stats: dict) -> list[ox.Triple]:
    """The VoID description of the dataset served at `base` (kg.rdf.dataset)."""
    return [ox.Triple(to_ox(a), to_ox(b), to_ox(c)) for a, b, c in served_description(base, stats)]


def service_triples(base: str, stats: dict) -> list[ox.Triple]:
    """The SPARQL Service Description, with the VoID of the default dataset."""
    sd, rdf_type = SD_PREFIXES["sd"], _n(PREFIXES["rdf"] + "type")
    s, d, g = _n(f"{base}/sparql#service"), _n(f"{base}/void.ttl#dataset"), _n(f"{base}/void.ttl#default-graph")
    t = [ox.Triple(s, rdf_type, _n(sd + "Service")),
         ox.Triple(s, _n(sd + "endpoint"), _n(f"{base}/sparql")),
         ox.Triple(s, _n(sd + "supportedLanguage"), _n(sd + "SPARQL11Query")),
         ox.Triple(s, _n(sd + "feature"), _n(sd + "UnionDefaultGraph")),
         ox.Triple(s, _n(sd + "defaultDataset"), d),
         ox.Triple(d, rdf_type, _n(sd + "Dataset")),
         ox.Triple(d, _n(sd + "defaultGraph"), g),
         ox.Triple(g, rdf_type, _n(sd + "Graph")),
         ox.Triple(g, _n(SD_PREFIXES["void"] + "triples"), _int(stats["triples"]))]
    t += [ox.Triple(s, _n(sd + "resultFormat"), _n(FORMATS_NS + f)) for f in _FORMAT_IRIS]
    return t + void_triples(base, stats)


_PAGE_JS = r"""(function () {
  "use strict";
  var Q = JSON.parse(document.getElementById("kg-queries").textContent);
  var RES = JSON.parse(document.getElementById("kg-resource-ns").textContent);  // the published namespace
  var box = document.getElementById("kg-query"), sel = document.getElementById("kg-examples");
  var out = document.getElementById("kg-out"), status = document.getElementById("kg-status");
  Q.forEach(function (q, i) {
    var o = document.createElement("option");
    o.value = String(i); o.textContent = q.name + " \u2014 " + q.description; sel.appendChild(o);
  });
  sel.addEventListener("change", function () { if (sel.value !== "") { box.value = Q[+sel.value].text; } });
  function term(t) {
    if (!t) { return ""; }
    if (t.type === "literal" && t["xml:lang"]) { return t.value + " @" + t["xml:lang"]; }
    return t.value;
  }
  function table(res) {
    if (typeof res.boolean === "boolean") { out.textContent = String(res.boolean); return 1; }
    var vars = res.head.vars, rows = res.results.bindings, tbl = document.createElement("table");
    var tr = document.createElement("tr");
    vars.forEach(function (v) { var th = document.createElement("th"); th.textContent = v; tr.appendChild(th); });
    tbl.appendChild(tr);
    rows.forEach(function (b) {
      var r = document.createElement("tr");
      vars.forEach(function (v) {
        var td = document.createElement("td"), t = b[v];
        if (t && t.type === "uri" && t.value.indexOf(RES) === 0) {  // a qdkg entity: link to its page
          var a = document.createElement("a");
          a.href = "/resource/" + t.value.slice(RES.length); a.textContent = t.value; td.appendChild(a);
        } else { td.textContent = term(t); }
        r.appendChild(td);
      });
      tbl.appendChild(r);
    });
    out.replaceChildren(tbl);
    return rows.length;
  }
  function run() {
    status.textContent = "Running\u2026"; out.replaceChildren();
    var t0 = Date.now();
    fetch("/sparql", {method: "POST", body: new URLSearchParams({query: box.value}),
                      headers: {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}})
      .then(function (r) { return r.text().then(function (t) { return [r, t]; }); })
      .then(function (x) {
        var r = x[0], t = x[1], s = (Date.now() - t0) + " ms";
        if (!r.ok) { status.textContent = "Error " + r.status + ": " + t; return; }
        if ((r.headers.get("Content-Type") || "").indexOf("json") >= 0) {
          status.textContent = table(JSON.parse(t)) + " result(s), " + s;
        } else {
          var pre = document.createElement("pre"); pre.textContent = t; out.replaceChildren(pre);
          status.textContent = s;
        }
      })
      .catch(function (e) { status.textContent = "Error: " + e; });
  }
  document.getElementById("kg-run").addEventListener("click", run);
  box.addEventListener("keydown", function (e) { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { run(); } });
})();"""

_PAGE_CSS = """body { font-family: "WenQuanYi Zen Hei", "Noto Sans CJK TC", sans-serif; margin: 1em 2em; }
textarea { width: 100%; height: 14em; font-family: monospace; } select { max-width: 100%; }
table { border-collapse: collapse; margin-top: 1em; } td, th { border: 1px solid #ccc; padding: 2px 6px;
text-align: left; vertical-align: top; } th { background: #f3f3f3; } pre { white-space: pre-wrap; }
#kg-status { margin-left: 1em; color: #555; }"""

_PAGE = """{head}<style>{css}</style>
</head>
<body>
<h1>qdkg SPARQL endpoint</h1>
<p>{triples} triples. Endpoint: <code>/sparql</code> &middot; <a href="/graph">graph view</a> &middot;
<a href="/.well-known/void">VoID</a> &middot; <a href="/data.ttl">data (Turtle)</a></p>
<p><label>Example: <select id="kg-examples"><option value="">(choose a named query)</option></select></label></p>
<textarea id="kg-query" spellcheck="false">SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT 10</textarea>
<p><button id="kg-run" type="button">Run</button> <span id="kg-status">Ctrl+Enter runs the query.</span></p>
<div id="kg-out"></div>
<script type="application/json" id="kg-queries">{queries}</script>
<script type="application/json" id="kg-resource-ns">{resource_ns}</script>
<script type="application/ld+json">{dataset}</script>
<script>{js}</script>
</body>
</html>
"""


_META_CSP = (f"default-src 'none'; script-src {csp_hash(_PAGE_JS)}; style-src {csp_hash(_PAGE_CSS)}; "
             "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'")
PAGE_CSP = _META_CSP + "; frame-ancestors 'none'"  # the header; a <meta> CSP cannot carry frame-ancestors


def render_page(triples: int) -> str:
    """The query page: self-contained, offline, strict CSP, every result cell set as text (a
    qdkg entity's IRI as a link to its /resource page), the dataset described for crawlers."""
    from kg.serve.resource import dataset_jsonld
    from kg.rdf.sparql import list_queries
    data = json.dumps([{"name": q.name, "description": q.description, "text": q.text} for q in list_queries()],
                      ensure_ascii=False)
    return _PAGE.format(head=head("qdkg SPARQL endpoint", _META_CSP), css=_PAGE_CSS, js=_PAGE_JS,
                        queries=safe_in_script(data), triples=f"{triples:,}", dataset=dataset_jsonld(),
                        resource_ns=json.dumps(QDR_IRI))


# ---- the YASGUI query editor ----------------------------------------------------------------

# YASGUI (@zazuko/yasgui, MIT) is vendored in kg/serve/vendor by scripts/vendor_yasgui.py and
# served from the package: no request leaves the page. This script makes one tab per named
# query, predeclares the store's prefixes in new tabs, and turns qdkg entity IRIs in results
# into links to their /resource pages.
_YASGUI_JS = r"""(function () {
  "use strict";
  var Q = JSON.parse(document.getElementById("kg-queries").textContent);
  var P = JSON.parse(document.getElementById("kg-prefixes").textContent);
  var RES = JSON.parse(document.getElementById("kg-resource-ns").textContent);  // the published namespace
  var head = Object.keys(P).map(function (p) { return "PREFIX " + p + ": <" + P[p] + ">"; }).join("\n");
  Yasgui.defaults.yasqe.value = head + "\n\nSELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10";
  var y = new Yasgui(document.getElementById("kg-yasgui"), {
    requestConfig: { endpoint: "/sparql", method: "POST" }, copyEndpointOnNewTab: false, persistenceId: null,
    endpointCatalogueOptions: { getData: function () { return []; } }
  });
  Q.forEach(function (q) { y.addTab(false, { name: q.name, yasqe: { value: q.text } }); });
  new MutationObserver(function () {
    document.querySelectorAll("#kg-yasgui .yasr a[href^='" + RES + "']").forEach(function (a) {
      a.setAttribute("href", "/resource/" + a.getAttribute("href").slice(RES.length));
      a.removeAttribute("target");
    });
  }).observe(document.getElementById("kg-yasgui"), { childList: true, subtree: true });
  window.kgYasgui = y;
})();"""

_YASGUI_PAGE = """{head}<link rel="stylesheet" href="/yasgui.min.css">
</head>
<body>
<p>qdkg SPARQL endpoint, {triples} triples: <code>/sparql</code> &middot; <a href="/graph">graph view</a> &middot;
<a href="/.well-known/void">VoID</a> &middot; <a href="/data.ttl">data (Turtle)</a> &middot;
<a href="/simple">simple page</a></p>
<div id="kg-yasgui"></div>
<script type="application/json" id="kg-queries">{queries}</script>
<script type="application/json" id="kg-resource-ns">{resource_ns}</script>
<script type="application/json" id="kg-prefixes">{prefixes}</script>
<script type="application/ld+json">{dataset}</script>
<script src="/yasgui.min.js"></script>
<script>{js}</script>
</body>
</html>
"""
_YASGUI_META_CSP = (f"default-src 'none'; script-src 'self' {csp_hash(_YASGUI_JS)}; style-src 'self'; "
                    "connect-src 'self'; img-src 'self' data:; font-src 'self' data:; base-uri 'none'; "
                    "form-action 'none'")
YASGUI_CSP = _YASGUI_META_CSP + "; frame-ancestors 'none'"
VENDORED = {"/yasgui.min.js": ("yasgui.min.js", "text/javascript; charset=utf-8"),
            "/yasgui.min.css": ("yasgui.min.css", "text/css; charset=utf-8")}


def vendored(path: str) -> tuple[bytes, str] | None:
    """A vendored file of the query editor (its bytes and media type), by its URL path."""
    from importlib import resources

    if path not in VENDORED:
        return None
    name, media = VENDORED[path]
    return resources.files("kg.serve").joinpath("vendor", name).read_bytes(), media


def render_yasgui_page(triples: int) -> str:
    """The query page users know: YASGUI with the named queries as tabs, offline, strict CSP."""
    from kg.rdf.sparql import list_queries
    from kg.serve.resource import dataset_jsonld

    data = json.dumps([{"name": q.name, "text": q.text} for q in list_queries()], ensure_ascii=False)
    return _YASGUI_PAGE.format(head=head("qdkg SPARQL", _YASGUI_META_CSP), js=_YASGUI_JS, triples=f"{triples:,}",
                               queries=safe_in_script(data), prefixes=safe_in_script(json.dumps(PREFIXES)),
                               dataset=dataset_jsonld(), resource_ns=json.dumps(QDR_IRI))
