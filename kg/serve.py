"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the graph store (stdlib http.server).

Routes: `/sparql` (GET ?query=, POST form or application/sparql-query; without a query, the
Service Description), `/` (a query page, or the Service Description for RDF Accept headers),
`/void.ttl` (VoID), `/data.ttl` (the whole export), `/graph` (the graph view).
Results by content negotiation (or `format=`): SELECT/ASK as SPARQL JSON (default), XML, CSV,
TSV; CONSTRUCT/DESCRIBE as Turtle (default), N-Triples, JSON-LD, RDF/XML; default-graph-uri and
named-graph-uri are honoured (otherwise the union of all graphs is the default graph). Refused: SPARQL
Update (403), SERVICE and LOAD (403), bodies over `max_body` (413), malformed queries (400);
queries past the time limit or with results over `max_result` bytes get 503.

Time limit. pyoxigraph cannot interrupt a query from Python, so queries run in a small pool of
worker *processes* (`python -c` subprocesses), each with its own read-only view of the store (an
on-disk store is opened read-only, an in-memory one is copied as N-Quads). A query past the
limit gets a 503 and its worker is killed and replaced (~0.5 s), so a runaway query never keeps
burning a CPU while the other workers go on answering. Streaming results also check the
deadline while they are written (the worker then stays alive).
"""
from __future__ import annotations

import ipaddress
import json
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from .errors import QdkgError, StoreError
from .store import GraphStore
from .vocab import PREFIXES

RESULTS = {"application/sparql-results+json": "JSON", "application/sparql-results+xml": "XML",
           "text/csv": "CSV", "text/tab-separated-values": "TSV"}
GRAPHS = {"text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES", "application/ld+json": "JSON_LD",
          "application/rdf+xml": "RDF_XML"}
_ALIASES = {  # media type or format= value -> (for results, for graphs)
    "application/json": ("application/sparql-results+json", "application/ld+json"),
    "application/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "text/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "application/x-turtle": (None, "text/turtle"), "text/plain": (None, "application/n-triples"),
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"), "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None), "turtle": (None, "text/turtle"), "ttl": (None, "text/turtle"),
    "nt": (None, "application/n-triples"), "ntriples": (None, "application/n-triples"),
    "n-triples": (None, "application/n-triples"), "json-ld": (None, "application/ld+json"),
    "jsonld": (None, "application/ld+json"), "rdf": (None, "application/rdf+xml"),
    "rdfxml": (None, "application/rdf+xml"),
}
FORMATS_NS = "http://www.w3.org/ns/formats/"
_FORMAT_IRIS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]
SD_PREFIXES = {**PREFIXES, "sd": "http://www.w3.org/ns/sparql-service-description#",
               "void": "http://rdfs.org/ns/void#", "formats": FORMATS_NS}
_STARTUP_LIMIT = 120.0  # seconds a worker may take to load the store
_GRACE = 0.5  # extra seconds the server waits for a worker's own time-limit answer
_DEADLINE, _TOO_BIG = "qdkg: past the deadline", "qdkg: result too large"


# ---- the worker process ----------------------------------------------------------------------

class _Sink:
    """A write target that stops the serialisation at the deadline or past `limit` bytes."""

    def __init__(self, deadline: float, limit: int):
        self.parts, self.size, self.deadline, self.limit = [], 0, deadline, limit

    def write(self, data) -> int:
        if time.monotonic() > self.deadline:
            raise TimeoutError(_DEADLINE)
        self.size += len(data)
        if self.size > self.limit:
            raise MemoryError(_TOO_BIG)
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def _answer(store, query: str, accept: list[str], dataset: dict, timeout: float, max_result: int):
    """Run one query; return ("ok", media_type, body) or (status, message)."""
    deadline = time.monotonic() + timeout
    try:
        # default-graph-uri / named-graph-uri, when given, are the whole dataset (SPARQL Protocol 2.1.4)
        graphs = {k: [ox.NamedNode(g) for g in v] for k, v in dataset.items()} if any(dataset.values()) else {}
        res = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=not graphs, **graphs)
        triples = isinstance(res, ox.QueryTriples)
        media = _choose(accept, triples)
        if media is None:
            offered = ", ".join(GRAPHS if triples else RESULTS)
            return 406, f"cannot answer a {'CONSTRUCT/DESCRIBE' if triples else 'SELECT/ASK'} query as " \
                        f"{', '.join(accept)}: accept one of {offered}"
        sink = _Sink(deadline, max_result)
        if triples:
            ox.serialize(res, sink, format=getattr(ox.RdfFormat, GRAPHS[media]), prefixes=PREFIXES)
        else:
            res.serialize(sink, format=getattr(ox.QueryResultsFormat, RESULTS[media]))
        return "ok", media, b"".join(sink.parts)
    except SyntaxError as exc:
        from .sparql import _one_line
        return 400, f"malformed SPARQL: {_one_line(str(exc))}"
    except Exception as exc:  # noqa: BLE001 - the worker must answer, whatever happened
        if _DEADLINE in str(exc):
            return 503, None
        if _TOO_BIG in str(exc):
            return 503, f"the result is larger than {max_result / 1e6:g} MB: add a LIMIT or select fewer variables"
        return 500, "the query failed: " + " ".join(str(exc).split())[:300]


def _worker_main(fd: int) -> None:
    """Entry point of a worker process (`python -c`, see _Pool): load the store, answer queries."""
    from multiprocessing.connection import Connection

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's business
    conn = Connection(fd)
    (kind, value), max_result = conn.recv()
    try:
        if kind == "path":
            store = ox.Store.read_only(value)
        else:
            store = ox.Store()
            store.load(value, format=ox.RdfFormat.N_QUADS)
    except (OSError, ValueError, SyntaxError) as exc:
        conn.send(" ".join(str(exc).split())[:200])
        return
    conn.send("ready")
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        conn.send(_answer(store, *msg, max_result))


# the worker imports kg exactly as this process does: same sys.path, no main-script re-import
_WORKER = ("import json, sys; sys.path[:] = json.loads(sys.argv[2]); "
           "from kg.serve import _worker_main; _worker_main(int(sys.argv[1]))")


class _Pool:
    """Worker processes; a worker past the time limit is killed and replaced in the background.

    Workers are plain `python -c` subprocesses talking over a socketpair (multiprocessing's
    Connection), not multiprocessing.Process: spawn would re-import the caller's main script."""

    def __init__(self, source, size: int, timeout: float, max_result: int):
        self.source, self.timeout, self.max_result = source, timeout, max_result
        self.idle: queue.Queue = queue.Queue()
        self.procs: dict[int, subprocess.Popen] = {}
        self.lock = threading.Lock()
        self.closed, self.failure = False, None
        self.ready = threading.Event()
        for _ in range(size):
            self._replace()

    def _replace(self) -> None:
        threading.Thread(target=self._spawn, daemon=True).start()

    def _spawn(self) -> None:
        from multiprocessing.connection import Connection

        mine, theirs = socket.socketpair()
        with self.lock:
            if self.closed:
                mine.close()
                theirs.close()
                return
            proc = subprocess.Popen([sys.executable, "-c", _WORKER, str(theirs.fileno()), json.dumps(sys.path)],
                                    pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL)
            self.procs[proc.pid] = proc
        theirs.close()
        conn = Connection(mine.detach())
        try:
            conn.send((self.source, self.max_result))
            said = conn.recv() if conn.poll(_STARTUP_LIMIT) else "it took too long"
        except (EOFError, OSError):
            said = "it exited"
        if said == "ready":
            self.idle.put((proc, conn))
        else:
            self.failure = f"a query worker could not open the store ({said})"
            self._kill(proc, conn)
        self.ready.set()

    def _kill(self, proc: subprocess.Popen, conn) -> None:
        with self.lock:
            self.procs.pop(proc.pid, None)
        proc.kill()
        proc.wait(5)
        conn.close()

    def run(self, query: str, accept: list[str], dataset: dict):
        """("ok", media, body) or (status, message) where message None means the time limit."""
        deadline = time.monotonic() + self.timeout + _STARTUP_LIMIT
        while True:
            try:
                proc, conn = self.idle.get(timeout=0.25)
                break
            except queue.Empty:
                if time.monotonic() > deadline or (self.failure and not self.procs):
                    return 503, self.failure or "the server is busy: every query worker is taken; try again"
        try:
            conn.send((query, accept, dataset, self.timeout))
            if conn.poll(self.timeout + _GRACE):
                reply = conn.recv()
                self.idle.put((proc, conn))
                return reply
        except (EOFError, OSError):
            reply = (500, "the query worker died (out of memory?); try a smaller query")
        else:
            reply = (503, None)
        self._kill(proc, conn)
        if not self.closed:
            self._replace()
        return reply

    def close(self) -> None:
        with self.lock:
            self.closed = True
            procs = list(self.procs.values())
            self.procs.clear()
        for p in procs:
            p.kill()
        for p in procs:
            p.wait(5)


# ---- content negotiation and guards ----------------------------------------------------------

def parse_accept(header: str | None) -> list[str]:
    """Media types of an Accept header, most preferred first (q=0 dropped)."""
    items = []
    for i, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            items.append((-q, i, fields[0].lower()))
    return [m for _, _, m in sorted(items)]


def _choose(accept: list[str], triples: bool) -> str | None:
    offered = list(GRAPHS if triples else RESULTS)
    if not accept:
        return offered[0]
    for media in accept:
        alias = _ALIASES.get(media, (None, None))[1 if triples else 0]
        if media in offered or alias:
            return media if media in offered else alias
        if media == "*/*":
            return offered[0]
        if media.endswith("/*"):
            hit = next((o for o in offered if o.startswith(media[:-1])), None)
            if hit:
                return hit
    return None


_NOISE = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*', re.S)
_PROLOGUE = re.compile(r"^\s*(?:(?:BASE\s*<>|PREFIX\s+[\w.\-]*:\s*<>)\s*)*", re.I)
_UPDATE = re.compile(r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)


def refusal(query: str) -> str | None:
    """Why this read-only endpoint refuses the query (Update, LOAD, SERVICE), or None."""
    bare = _NOISE.sub(lambda m: "<>" if m.group(0).startswith("<") else " ", query)
    if _UPDATE.match(_PROLOGUE.sub("", bare, count=1)):
        return "SPARQL Update is not allowed: this endpoint is read-only (run kg build to change the graph)"
    if re.search(r"(?<![\w:?$])LOAD(?![\w:\-])", bare, re.I):
        return "LOAD is not allowed: this endpoint is read-only and does not fetch remote data"
    if re.search(r"(?<![\w:?$])SERVICE(?![\w:\-])", bare, re.I):
        return "SERVICE (federated query) is not allowed: this endpoint does not fetch remote data"
    return None


# ---- documents: service description, VoID, HTML page -----------------------------------------

def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(PREFIXES["xsd"] + "integer"))


def _stats(store: GraphStore) -> dict:
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
    """The VoID description of the dataset served at `base`."""
    v, d = SD_PREFIXES["void"], _n(f"{base}/void.ttl#dataset")
    t = [ox.Triple(d, _n(PREFIXES["rdf"] + "type"), _n(v + "Dataset")),
         ox.Triple(d, _n(PREFIXES["dcterms"] + "title"), ox.Literal("qdkg knowledge graph", language="en")),
         ox.Triple(d, _n(v + "sparqlEndpoint"), _n(f"{base}/sparql")),
         ox.Triple(d, _n(v + "dataDump"), _n(f"{base}/data.ttl")),
         ox.Triple(d, _n(v + "feature"), _n(FORMATS_NS + "Turtle")),
         ox.Triple(d, _n(v + "vocabulary"), _n(PREFIXES["qdo"])),
         ox.Triple(d, _n(v + "uriSpace"), ox.Literal(PREFIXES["qdr"])),
         ox.Triple(d, _n(v + "triples"), _int(stats["triples"])),
         ox.Triple(d, _n(v + "classes"), _int(stats["classes"])),
         ox.Triple(d, _n(v + "properties"), _int(stats["properties"])),
         ox.Triple(d, _n(v + "distinctSubjects"), _int(stats["subjects"]))]
    t += [ox.Triple(d, _n(v + "exampleResource"), _n(e)) for e in stats["examples"]]
    return t


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
        var td = document.createElement("td"); td.textContent = term(b[v]); r.appendChild(td);
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

_PAGE = """<!DOCTYPE html>
<html lang="zh-Hant">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>qdkg SPARQL endpoint</title>
<style>{css}</style>
</head>
<body>
<h1>qdkg SPARQL endpoint</h1>
<p>{triples} triples. Endpoint: <code>/sparql</code> &middot; <a href="/graph">graph view</a> &middot;
<a href="/void.ttl">VoID</a> &middot; <a href="/data.ttl">data (Turtle)</a></p>
<p><label>Example: <select id="kg-examples"><option value="">(choose a named query)</option></select></label></p>
<textarea id="kg-query" spellcheck="false">SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT 10</textarea>
<p><button id="kg-run" type="button">Run</button> <span id="kg-status">Ctrl+Enter runs the query.</span></p>
<div id="kg-out"></div>
<script type="application/json" id="kg-queries">{queries}</script>
<script>{js}</script>
</body>
</html>
"""


def _sha256(text: str) -> str:
    import base64
    import hashlib
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


_META_CSP = (f"default-src 'none'; script-src {_sha256(_PAGE_JS)}; style-src {_sha256(_PAGE_CSS)}; "
             "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'")
PAGE_CSP = _META_CSP + "; frame-ancestors 'none'"  # the header; a <meta> CSP cannot carry frame-ancestors


def render_page(triples: int) -> str:
    """The query page: self-contained, offline, strict CSP, every result cell set as text."""
    from .sparql import list_queries
    data = json.dumps([{"name": q.name, "description": q.description, "text": q.text} for q in list_queries()],
                      ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        data = data.replace(ch, esc)
    return _PAGE.format(csp=_META_CSP, css=_PAGE_CSS, js=_PAGE_JS, queries=data, triples=f"{triples:,}")


# ---- the HTTP server -------------------------------------------------------------------------

class _Refused(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class _Handler(BaseHTTPRequestHandler):
    server: "SparqlServer"
    protocol_version = "HTTP/1.1"
    server_version = "qdkg-sparql/0.1"

    def log_message(self, fmt: str, *args) -> None:
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} {fmt % args}\n")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        self.close_connection = True
        self._send(code, (message or self.responses.get(code, ("error",))[0]).split("\n")[0] + "\n",
                   "text/plain; charset=utf-8")

    def _send(self, status: int, body: bytes | str, ctype: str, headers: dict | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _dispatch(self, fn) -> None:
        try:
            fn()
        except _Refused as exc:
            self._send(exc.status, exc.message + "\n", "text/plain; charset=utf-8", exc.headers)
        except QdkgError as exc:
            self._send(500, exc.message + "\n", "text/plain; charset=utf-8")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_GET(self) -> None:
        self._dispatch(self._get)

    def do_POST(self) -> None:
        self._dispatch(self._post)

    def _not_allowed(self) -> None:
        self._send(405, f"{self.command} is not allowed: this endpoint is read-only (GET or POST to /sparql)\n",
                   "text/plain; charset=utf-8", {"Allow": "GET, POST"})

    do_PUT = do_DELETE = do_PATCH = _not_allowed

    # -- routes
    def _get(self) -> None:
        url = urlsplit(self.path)
        params = self._params(url.query)
        accept = parse_accept(self.headers.get("Accept"))
        if url.path == "/sparql":
            if "update" in params:
                raise _Refused(403, "SPARQL Update is not allowed: this endpoint is read-only")
            if "query" in params:
                return self._query(params, accept)
            return self._rdf(service_triples(self._base(), self.server.stats()), accept)
        if url.path in ("/", "/index.html"):
            first = next((m for m in accept if m in ("text/html", "application/xhtml+xml") or m in GRAPHS), None)
            if first in GRAPHS:
                return self._rdf(service_triples(self._base(), self.server.stats()), accept)
            return self._send(200, self.server.page(), "text/html; charset=utf-8",
                              {"Content-Security-Policy": PAGE_CSP, "Referrer-Policy": "no-referrer"})
        if url.path == "/void.ttl":
            return self._rdf(void_triples(self._base(), self.server.stats()), [])
        if url.path == "/data.ttl":
            return self._send(200, self.server.cached("data", self._export), "text/turtle; charset=utf-8")
        if url.path == "/graph":
            return self._send(200, self.server.cached("graph", self._graph_page), "text/html; charset=utf-8",
                              {"Referrer-Policy": "no-referrer"})
        raise _Refused(404, f"no page {url.path}: try /, /sparql, /void.ttl, /data.ttl or /graph")

    def _post(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            raise _Refused(404, f"no endpoint {url.path}: POST queries to /sparql")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            raise _Refused(403, "SPARQL Update is not allowed: this endpoint is read-only")
        body = self._body()
        params = self._params(url.query)
        if ctype == "application/x-www-form-urlencoded":
            for k, v in self._params(body).items():
                params.setdefault(k, []).extend(v)
        elif ctype == "application/sparql-query":
            params["query"] = params.get("query", []) + [body]
        else:
            raise _Refused(415, f"unsupported Content-Type {ctype or '(none)'}: send application/sparql-query "
                                "or application/x-www-form-urlencoded (query=...)")
        if "update" in params:
            raise _Refused(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if "query" not in params:
            raise _Refused(400, "no query: send query=... (form) or a SPARQL query body")
        self._query(params, parse_accept(self.headers.get("Accept")))

    # -- helpers
    def _params(self, text: str) -> dict[str, list[str]]:
        try:
            return parse_qs(text, keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError):
            raise _Refused(400, "the parameters are not valid UTF-8 URL-encoded text") from None

    def _body(self) -> str:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            raise _Refused(411, "chunked bodies are not supported: send a Content-Length")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.close_connection = True
            raise _Refused(411, "send a Content-Length with the POST body") from None
        if length > self.server.max_body:
            self.close_connection = True
            self._drain(length)
            raise _Refused(413, f"the request body is {length} bytes, over the {self.server.max_body}-byte "
                                "limit: send a shorter query")
        try:
            return self.rfile.read(length).decode("utf-8")
        except UnicodeDecodeError:
            raise _Refused(400, "the request body is not UTF-8 text") from None

    def _drain(self, length: int) -> None:
        """Read and drop an oversized body (briefly) so the client gets to read the 413."""
        end, left = time.monotonic() + 2.0, min(length, 64 * self.server.max_body)
        self.connection.settimeout(0.5)
        try:
            while left > 0 and time.monotonic() < end:
                chunk = self.rfile.read1(min(left, 1 << 16)) if hasattr(self.rfile, "read1") else b""
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass

    def _query(self, params: dict[str, list[str]], accept: list[str]) -> None:
        if len(params["query"]) != 1:
            raise _Refused(400, "give exactly one query parameter")
        query = params["query"][0]
        if not query.strip():
            raise _Refused(400, "the query is empty: give a SELECT, ASK, CONSTRUCT or DESCRIBE query")
        why = refusal(query)
        if why:
            raise _Refused(403, why)
        fmt = (params.get("format") or params.get("output") or [None])[0]
        if fmt:
            accept = [fmt.lower()]
        dataset = {"default_graph": params.get("default-graph-uri", []),
                   "named_graphs": params.get("named-graph-uri", [])}
        status, *rest = self.server.pool.run(query, accept, dataset)
        if status == "ok":
            media, body = rest
            return self._send(200, body, f"{media}; charset=utf-8" if media != "application/ld+json" else media)
        message = rest[0] or (f"query exceeded the {self.server.query_timeout:g} s time limit: add a LIMIT or narrow "
                              "the pattern")
        raise _Refused(status, message)

    def _rdf(self, triples: list[ox.Triple], accept: list[str]) -> None:
        media = _choose(accept, True) or "text/turtle"
        body = ox.serialize(triples, format=getattr(ox.RdfFormat, GRAPHS[media]), prefixes=SD_PREFIXES)
        self._send(200, body, media if media == "application/ld+json" else f"{media}; charset=utf-8")

    def _base(self) -> str:
        host = self.headers.get("Host") or ""
        if not re.fullmatch(r"[A-Za-z0-9.\-]+(:\d+)?|\[[0-9A-Fa-f:.]+\](:\d+)?", host):
            h, p = self.server.server_address[:2]
            host = f"[{h}]:{p}" if ":" in h else f"{h}:{p}"
        return f"http://{host}"

    def _export(self) -> bytes:
        from .serialize import export
        return export(self.server.store, "ttl")

    def _graph_page(self) -> bytes:
        from .graphview import render_html, view_data
        return render_html(view_data(self.server.store), title="qdkg graph").encode("utf-8")


class SparqlServer(ThreadingHTTPServer):
    """The endpoint; `server_close()` also stops the query workers."""

    daemon_threads = True
    request_queue_size = 128  # listen backlog; socketserver's 5 resets connections under a burst of clients

    def __init__(self, store: GraphStore, address: tuple[str, int], *, timeout: float, max_body: int,
                 max_result: int, workers: int, verbose: bool):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.store, self.query_timeout, self.max_body, self.verbose = store, timeout, max_body, verbose
        self._cache: dict[str, object] = {}
        self._cache_lock = threading.RLock()
        if store.path is not None:
            source = ("path", str(store.path))
        else:
            source = ("nquads", store._store.dump(format=ox.RdfFormat.N_QUADS))
        self.pool = _Pool(source, max(1, workers), timeout, max_result)
        self.pool.ready.wait(_STARTUP_LIMIT)
        if self.pool.failure:
            self.server_close()
            raise StoreError(f"{self.pool.failure}; is the store readable? (kg build first)")

    @property
    def url(self) -> str:
        h, p = self.server_address[:2]
        return f"http://{f'[{h}]' if ':' in h else h}:{p}/sparql"

    def cached(self, key: str, make):
        with self._cache_lock:
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    def stats(self) -> dict:
        return self.cached("stats", lambda: _stats(self.store))

    def page(self) -> str:
        return self.cached("page", lambda: render_page(self.stats()["triples"]))

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


def make_server(store: GraphStore, host: str = "127.0.0.1", port: int = 8000, timeout: float = 5.0,
                max_body: int = 1_000_000, *, max_result: int = 100_000_000, workers: int = 2,
                verbose: bool = False) -> SparqlServer:
    """A SPARQL endpoint over `store`, bound but not yet serving (call serve_forever())."""
    return SparqlServer(store, (host, port), timeout=timeout, max_body=max_body, max_result=max_result,
                        workers=workers, verbose=verbose)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve_forever(store: GraphStore, host: str = "127.0.0.1", port: int = 8000, timeout: float = 5.0,
                  **kwargs) -> None:
    """Serve until Ctrl-C, after one line saying where."""
    server = make_server(store, host, port, timeout, **kwargs)
    print(f"Serving SPARQL at {server.url} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


__all__ = ["make_server", "serve_forever", "SparqlServer", "is_loopback", "refusal", "parse_accept",
           "render_page"]
