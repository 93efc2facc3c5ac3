"""kg.serve.server: the SPARQL endpoint over the seed graph, driven by real clients (SPARQLWrapper,
requests): named queries, result formats, refusals, limits, service description, VoID, page."""
from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, SPARQLWrapper, XML

from kg.pipeline.run import build
from kg.serve.server import make_server, parse_accept, refusal
from kg.rdf.sparql import list_queries, run_query
from kg.rdf.store import GraphStore

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RUNAWAY_SILENT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # no row until the end


@pytest.fixture(scope="module")
def store(seed_store) -> GraphStore:
    return seed_store


def _serve(store, timeout, **kwargs):
    srv = make_server(store, "127.0.0.1", 0, timeout=timeout, **kwargs)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)
    assert not srv.pool.procs, "query workers left running"


@pytest.fixture(scope="module")
def server(store):
    """A generous time limit: the named `entity` query takes seconds on the seed graph."""
    yield from _serve(store, 60)


@pytest.fixture(scope="module")
def strict(store):
    """The time-limit tests' server: 1 s, and a result cap the streaming runaway cannot reach first."""
    yield from _serve(store, 1, max_result=2_000_000_000)


@pytest.fixture(scope="module")
def url(server) -> str:
    return server.url


def root(url: str) -> str:
    return url.rsplit("/", 1)[0]


_LOCAL: dict[str, tuple] = {}


def canon(value: str) -> str:
    """A cell with GROUP_CONCAT's parts in sorted order: two stores may concatenate in different
    orders (SPARQL leaves it undefined)."""
    for sep in ("、", ", "):
        if sep in value:
            return sep.join(sorted(value.split(sep)))
    return value


def local_rows(store, text) -> tuple[list[str], set[tuple[str, ...]]]:
    """Columns and value tuples of a query run on the store directly (cached: `entity` is slow)."""
    if text not in _LOCAL:
        res = run_query(store, text)
        _LOCAL[text] = res.columns, {tuple(canon("" if v is None else str(v)) for v in row) for row in res.rows}
    return _LOCAL[text]


def wrapper(url: str, fmt, method=None, request_method=None) -> SPARQLWrapper:
    sw = SPARQLWrapper(url)
    sw.setReturnFormat(fmt)
    if method:
        sw.setMethod(method)
    if request_method:
        sw.setRequestMethod(request_method)
    return sw


def one_line_error(resp: requests.Response, status: int, *words: str) -> str:
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("text/plain")
    text = resp.text
    assert text.endswith("\n") and "\n" not in text[:-1], text
    for w in words:
        assert w.lower() in text.lower(), text
    return text


# ---- named queries through SPARQLWrapper --------------------------------------------------

@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_named_query_json_get(store, url, name):
    text = next(q.text for q in list_queries() if q.name == name)
    columns, expected = local_rows(store, text)
    sw = wrapper(url, JSON)
    sw.setQuery(text)
    res = sw.query().convert()
    assert res["head"]["vars"] == columns
    got = {tuple(canon(b.get(c, {}).get("value", "")) for c in columns) for b in res["results"]["bindings"]}
    assert got == expected
    assert expected, f"{name} has no rows on the seeds: the comparison would be empty"


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_named_query_xml_post_form(store, url, name):
    text = next(q.text for q in list_queries() if q.name == name)
    columns, expected = local_rows(store, text)
    sw = wrapper(url, XML, method=POST)
    sw.setQuery(text)
    doc = sw.query().convert()  # xml.dom.minidom Document
    got = set()
    for result in doc.getElementsByTagName("result"):
        cells = {b.getAttribute("name"): "".join(n.data for v in b.childNodes if v.nodeType == v.ELEMENT_NODE
                                                 for n in v.childNodes if n.nodeType == n.TEXT_NODE)
                 for b in result.getElementsByTagName("binding")}
        got.add(tuple(canon(cells.get(c, "")) for c in columns))
    assert got == expected


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_named_query_csv_post_direct(store, url, name):
    text = next(q.text for q in list_queries() if q.name == name)
    columns, expected = local_rows(store, text)
    sw = wrapper(url, CSV, method=POST, request_method=POSTDIRECTLY)
    sw.setQuery(text)
    rows = list(csv.reader(io.StringIO(sw.query().convert().decode("utf-8"))))
    assert rows[0] == columns
    assert {tuple(map(canon, r)) for r in rows[1:]} == expected


def test_ask_and_tsv(url):
    sw = wrapper(url, JSON)
    sw.setQuery("ASK { ?s a qdo:District }")  # the store's prefixes are predeclared
    assert sw.query().convert()["boolean"] is True
    r = requests.get(url, params={"query": "SELECT ?d WHERE { ?d a qdo:District } ORDER BY ?d LIMIT 3"},
                     headers={"Accept": "text/tab-separated-values"})
    assert r.headers["Content-Type"].startswith("text/tab-separated-values")
    assert r.text.splitlines()[0] == "?d" and len(r.text.splitlines()) == 4


def test_unacceptable_format_is_406(url):
    r = requests.get(url, params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "image/png"})
    one_line_error(r, 406, "application/sparql-results+json")


# ---- CONSTRUCT / DESCRIBE ---------------------------------------------------------------------

CONSTRUCT = "CONSTRUCT { ?p ?k ?v } WHERE { ?p a qdo:Park ; ?k ?v }"


@pytest.mark.parametrize("accept,rdflib_format", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                                  ("application/ld+json", "json-ld")])
def test_construct_formats(store, url, accept, rdflib_format):
    expected = store.construct(CONSTRUCT)
    r = requests.post(url, data=CONSTRUCT.encode("utf-8"), headers={"Content-Type": "application/sparql-query",
                                                                    "Accept": accept})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(accept)
    g = Graph().parse(data=r.content, format=rdflib_format)
    assert len(g) == len(expected) > 0
    assert set(g) == set(expected)


def test_construct_default_is_turtle_and_describe_works(url):
    r = requests.get(url, params={"query": CONSTRUCT})
    assert r.headers["Content-Type"].startswith("text/turtle")
    r = requests.get(url, params={"query": "DESCRIBE ?d WHERE { ?d a qdo:District } LIMIT 1"},
                     headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and len(Graph().parse(data=r.text, format="nt")) > 0


# ---- refusals ---------------------------------------------------------------------------------

INSERT = "INSERT DATA { <http://example.org/a> <http://example.org/b> 'c' }"


def test_update_is_refused_every_way(store, url):
    before = len(store)
    one_line_error(requests.get(url, params={"update": INSERT}), 403, "update")
    one_line_error(requests.post(url, data={"update": INSERT}), 403, "update")
    one_line_error(requests.post(url, data=INSERT, headers={"Content-Type": "application/sparql-update"}),
                   403, "update")
    one_line_error(requests.get(url, params={"query": INSERT}), 403, "update")
    one_line_error(requests.post(url, data={"query": "PREFIX ex: <http://example.org/> # note\n"
                                                     "DELETE WHERE { ?s ?p ?o }"}), 403, "update")
    assert len(store) == before


def test_load_and_service_are_refused(url):
    one_line_error(requests.get(url, params={"query": "LOAD <http://127.0.0.1:9/x.ttl>"}), 403, "not allowed")
    one_line_error(requests.get(url, params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> "
                                                      "{ ?s ?p ?o } }"}), 403, "SERVICE")
    one_line_error(requests.get(url, params={"query": "select * where { service silent <http://127.0.0.1:9/> "
                                                      "{ ?s ?p ?o } }"}), 403, "SERVICE")


def test_guard_ignores_keywords_in_strings_iris_and_variables():
    assert refusal('SELECT ?service WHERE { ?s rdfs:label "SERVICE LOAD INSERT" }') is None
    assert refusal("SELECT * WHERE { <http://x/SERVICE> ?p ?load } # SERVICE in a comment") is None
    assert refusal("ASK { ?s ex:service ?o }") is None
    assert refusal("PREFIX a: <http://x/> INSERT DATA { a:b a:c a:d }") is not None


def test_oversized_body_is_413(url):
    r = requests.post(url, data=b"#" * 10_000_000, headers={"Content-Type": "application/sparql-query"})
    one_line_error(r, 413, "limit")
    r = requests.post(url, data={"query": "x" * 10_000_000})
    one_line_error(r, 413)


def test_malformed_query_is_400(url):
    text = one_line_error(requests.get(url, params={"query": "SELEKT ?x WHERE { ?x ?y }"}), 400, "malformed")
    assert "1:" in text  # says where
    one_line_error(requests.post(url, data={"other": "x"}), 400, "no query")
    one_line_error(requests.post(url, data="ASK {}", headers={"Content-Type": "text/plain"}), 415)
    one_line_error(requests.put(url, data="x"), 405)


# ---- time limit -------------------------------------------------------------------------------

def test_runaway_query_hits_the_limit_and_others_are_served(strict):
    server, url = strict, strict.url
    for text in (RUNAWAY, RUNAWAY_SILENT):  # the first streams rows, the second never yields one
        holder = {}

        def runaway():
            t0 = time.monotonic()
            holder["resp"] = requests.get(url, params={"query": text}, timeout=30)
            holder["took"] = time.monotonic() - t0

        t = threading.Thread(target=runaway)
        t.start()
        time.sleep(0.2)
        t0 = time.monotonic()
        r = requests.get(url, params={"query": "ASK { ?s a qdo:Park }"}, timeout=10)
        assert r.status_code == 200 and r.json()["boolean"] is True
        assert time.monotonic() - t0 < 0.5, "a runaway query held up another request"
        t.join(30)
        one_line_error(holder["resp"], 503, "exceeded the 1 s time limit")
        assert holder["took"] < 3
        t0 = time.monotonic()
        r = requests.get(url, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a qdo:District }"}, timeout=10)
        assert r.status_code == 200 and time.monotonic() - t0 < 0.5
    deadline = time.monotonic() + 20  # a killed worker is replaced
    while server.pool.idle.qsize() < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.pool.idle.qsize() == 2 and len(server.pool.procs) == 2


def test_result_size_limit(store):
    srv = make_server(store, "127.0.0.1", 0, timeout=10, max_result=100_000, workers=1)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        r = requests.get(srv.url, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        one_line_error(r, 503, "larger than 0.1 MB", "LIMIT")
        r = requests.get(srv.url, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
        assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 5
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def test_dataset_parameters(store, url):
    onto = "https://w3id.org/qdkg/ontology"
    expected = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{onto}> {{ ?s ?p ?o }} }}")[1][0][0]
    r = requests.get(url, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": onto})
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == int(expected) > 0
    r = requests.get(url, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                  "named-graph-uri": onto})
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == int(expected)


# ---- service description, VoID, dump ----------------------------------------------------------

def test_service_description(store, url):
    for resp in (requests.get(url), requests.get(root(url) + "/", headers={"Accept": "text/turtle"})):
        assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/turtle")
        g = Graph().parse(data=resp.text, format="turtle")
        service = g.value(predicate=SD.endpoint, object=URIRef(url))
        assert service is not None and (service, URIRef(str(SD) + "supportedLanguage"), SD.SPARQL11Query) in g
        formats = {str(o) for o in g.objects(service, SD.resultFormat)}
        assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats and len(formats) >= 7
        dataset = g.value(service, SD.defaultDataset)
        assert int(g.value(dataset, VOID.triples)) == store.count_triples()
        assert int(g.value(g.value(dataset, SD.defaultGraph), VOID.triples)) == store.count_triples()


def test_void_and_data_dump(store, url):
    r = requests.get(root(url) + "/void.ttl")
    assert r.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    ds = g.value(predicate=URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), object=VOID.Dataset)
    triples = int(g.value(ds, VOID.triples))
    assert triples == store.count_triples()
    assert int(g.value(ds, VOID.classes)) == int(store.select("SELECT (COUNT(DISTINCT ?c) AS ?n) "
                                                              "WHERE { ?s a ?c }")[1][0][0])
    examples = list(g.objects(ds, VOID.exampleResource))
    assert examples and all(store.select(f"ASK {{ <{e}> ?p ?o }}")[1][0][0] == Literal(True) for e in examples)
    dump = g.value(ds, VOID.dataDump)
    assert str(dump) == root(url) + "/data.ttl"
    data = Graph().parse(data=requests.get(str(dump)).content, format="turtle")
    assert len(data) == triples


# ---- pages ------------------------------------------------------------------------------------

class _Links(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.urls, self.scripts, self._in, self.script_text = [], [], None, []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.urls += [a[k] for k in ("src", "href", "action") if a.get(k) is not None]
        if tag == "script":
            self._in = a
            self.script_text.append([a, ""])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None

    def handle_data(self, data):
        if self._in is not None:
            self.script_text[-1][1] += data


def test_yasgui_page_is_self_contained(url):
    r = requests.get(root(url) + "/", headers={"Accept": "text/html,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    page = _Links(r.text)
    for u in page.urls:
        assert (u.startswith("/") and not u.startswith("//")) or u.startswith("data:"), u
    assert {"/yasgui.min.js", "/yasgui.min.css", "/graph"} <= set(page.urls)
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self' 'sha256-" in csp and "unsafe" not in csp
    code = [t for a, t in page.script_text if "type" not in a and "src" not in a]
    digest = base64.b64encode(hashlib.sha256(code[0].encode()).digest()).decode()
    assert len(code) == 1 and f"'sha256-{digest}'" in csp
    for path, media in (("/yasgui.min.js", "text/javascript"), ("/yasgui.min.css", "text/css")):
        r = requests.get(root(url) + path)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(media) and len(r.content) > 10_000


def test_query_page_is_self_contained(url):
    r = requests.get(root(url) + "/simple", headers={"Accept": "text/html,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    page = _Links(r.text)
    assert page.urls, "expected the /graph link at least"
    for u in page.urls:
        assert (u.startswith("/") and not u.startswith("//")) or u.startswith("data:"), u
    assert "/graph" in page.urls
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp and "unsafe-inline" not in csp
    code = [t for a, t in page.script_text if "type" not in a]
    assert len(code) == 1 and "src" not in page.script_text[0][0]
    digest = base64.b64encode(hashlib.sha256(code[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    data = next(t for a, t in page.script_text if a.get("type") == "application/json")
    assert [q["name"] for q in json.loads(data)] == [q.name for q in list_queries()]
    assert "</script" not in data.lower()


def test_graph_page(url):
    r = requests.get(root(url) + "/graph")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert 'id="kg-network"' in r.text and "http://" not in re.sub(r'"https?://w3id\.org[^"]*"', "", r.text[:2000])
    one_line_error(requests.get(root(url) + "/nope"), 404, "/sparql")


def test_parse_accept_orders_by_quality():
    assert parse_accept("text/csv;q=0.5, application/sparql-results+json, */*;q=0.1") == [
        "application/sparql-results+json", "text/csv", "*/*"]
    assert parse_accept("text/turtle;q=0") == [] and parse_accept(None) == []


# ---- the command ------------------------------------------------------------------------------

def test_cli_serve_refuses_remote_hosts():
    from click.testing import CliRunner
    from kg.cli.app import cli
    from kg.cli.serve_cmds import serve

    group = type(cli)(cli.name, callback=cli.callback, params=cli.params, commands={"serve": serve})
    res = CliRunner().invoke(group, ["serve", "--host", "0.0.0.0"])
    assert res.exit_code == 2 and "--allow-remote" in res.output


def test_cli_serve_on_disk_store(tmp_path):
    """`kg serve` on a built store: one line with the URL, answers, stops on Ctrl-C, no worker left."""
    build([SEEDS], GraphStore(tmp_path / "store"))
    code = ("import sys; from kg.cli.app import cli; from kg.cli.serve_cmds import serve; cli.add_command(serve); "
            "cli(sys.argv[1:], prog_name='kg')")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", code, "--store", str(tmp_path / "store"), "serve", "--port", "0",
                             "--timeout", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        m = re.fullmatch(r"Serving SPARQL at (http://127\.0\.0\.1:\d+/sparql) \(Ctrl-C to stop\)\n", line)
        assert m, line + proc.stderr.read() if proc.poll() is not None else line
        r = requests.get(m.group(1), params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a qdo:District }"},
                         headers={"Accept": "text/csv"}, timeout=10)
        assert r.status_code == 200 and int(r.text.split()[1]) > 0
        workers = [int(x) for x in subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                                   text=True).stdout.split()]
        assert len(workers) == 2
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, err
    assert err == "", "requests should be logged only with --verbose"
    assert not [w for w in workers if _alive(w)], "query workers outlived the server"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in state


# ---- the page in a real browser ---------------------------------------------------------------

@pytest.mark.browser
def test_query_page_runs_a_named_query_in_chromium(store, url, tmp_path):
    """Pick an example, Run: the table has the local rows, a hostile-looking cell stays text, the
    CSP lets the page work, and nothing but this server is contacted."""
    import shutil
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright (Python package) is not installed: pip install playwright")
    chromium = os.environ.get("QDKG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(chromium, os.X_OK):
        pytest.skip(f"no Chromium at {chromium}: apt-get install -y chromium fonts-wqy-zenhei")
    base, seen, errors = root(url), [], []
    with sync_playwright() as pw:
        try:
            ctx = pw.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=chromium,
                                                        headless=True, args=["--no-sandbox", "--disable-gpu"])
        except Exception as exc:
            pytest.skip(f"Chromium at {chromium} did not start under Playwright: {exc}")
        try:
            page = ctx.pages[0] if ctx.pages else ctx.new_page()
            ctx.route("**/*", lambda r: (seen.append(r.request.url),
                                         r.continue_() if r.request.url.startswith(base + "/") else r.abort()))
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(base + "/simple")
            names = [q.name for q in list_queries()]
            page.select_option("#kg-examples", str(names.index("firms-in-parks")))
            page.click("#kg-run")
            page.wait_for_selector("#kg-out table", timeout=15_000)
            cells = page.eval_on_selector_all("#kg-out tr", "rs => rs.map(r => [...r.cells].map(c => c.textContent))")
            box = page.input_value("#kg-query")
            page.fill("#kg-query", "SELECT ?x WHERE { BIND('<b id=\"pwn\">x</b>' AS ?x) }")
            page.click("#kg-run")
            page.wait_for_selector("#kg-out td", timeout=15_000)
            hostile = page.text_content("#kg-out td")
            injected = page.query_selector("#pwn")
        finally:
            ctx.close()
    columns, expected = local_rows(store, next(q.text for q in list_queries() if q.name == "firms-in-parks"))
    assert box.startswith("# Organisations")
    assert cells[0] == columns and {tuple(map(canon, r)) for r in cells[1:]} == expected
    assert hostile == '<b id="pwn">x</b>' and injected is None
    assert not errors, errors
    assert all(u.startswith(base + "/") for u in seen), seen


# regression test (bug fixed): an unexpected error in the query's child process reached the user
# as a traceback wrapped in a RuntimeError; it is one line now
def test_crash_in_the_query_child_is_one_line():
    from kg.errors import QueryError
    from kg.serve.timeouts import call_with_timeout

    def crash():
        raise OSError("failed to lookup address information:\n Name or service not known")
    with pytest.raises(QueryError) as err:
        call_with_timeout(crash, 10)
    assert str(err.value) == "the query failed: OSError: failed to lookup address information: Name or service not known"
