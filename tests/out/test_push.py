"""kg.out.push: the Graph Store Protocol client against a local fake server (batches, PUT then POST,
retries, refusals) and, when `virtuoso-t` is installed, against a real Virtuoso."""
from __future__ import annotations

import base64
import re
import shutil
import socket
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import click
import pytest
import requests
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from kg.errors import OutputError
from kg.out.push import push
from kg.rdf.store import GraphStore

ROOT = Path(__file__).resolve().parents[2]
EX = "http://example.org/"
GRAPH = "http://example.org/graph/qdkg"


def small_graph() -> Graph:
    """25 plain triples, a Chinese literal and a three-triple OWL list (blank nodes)."""
    g = Graph()
    for i in range(24):
        g.add((URIRef(f"{EX}s{i:02d}"), URIRef(EX + "p"), Literal(i)))
    g.add((URIRef(EX + "park"), RDFS.label, Literal("海天中心", lang="zh-Hant")))
    b1, b2 = BNode(), BNode()
    g.add((URIRef(EX + "C"), OWL.unionOf, b1))
    g.add((b1, RDF.first, URIRef(EX + "A")))
    g.add((b1, RDF.rest, b2))
    g.add((b2, RDF.first, URIRef(EX + "B")))
    g.add((b2, RDF.rest, RDF.nil))
    return g


@pytest.fixture(scope="module")
def store() -> GraphStore:
    gs = GraphStore()
    g = small_graph()
    gs.replace_graph(EX + "a1", g)
    plain = sorted(t for t in g if not any(isinstance(x, BNode) for x in t))
    gs.replace_graph(EX + "a2", plain[:10])  # overlapping graphs: each triple goes once
    return gs


class FakeGraphStore(ThreadingHTTPServer):
    """Records every request; answers from `script` (a list of statuses, then 201/204)."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests, self.script, self.user = [], [], None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/ds/data"


class _Handler(BaseHTTPRequestHandler):
    server: FakeGraphStore
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        srv = self.server
        if srv.user and self.headers.get("Authorization") != "Basic " + base64.b64encode(srv.user.encode()).decode():
            status = 401
        else:
            srv.requests.append({"method": self.command, "query": urlsplit(self.path).query,
                                 "type": self.headers.get("Content-Type"), "body": body})
            status = srv.script.pop(0) if srv.script else (201 if self.command == "PUT" else 204)
        if status == 415 and not self.headers.get("Content-Type", "").startswith("application/n-triples"):
            status = 201 if self.command == "PUT" else 204
        msg = b"" if status < 400 else f"fake says {status}\n".encode()
        self.send_response(status)
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="fake"')
        self.send_header("Content-Length", str(len(msg)))
        self.end_headers()
        self.wfile.write(msg)

    do_PUT = do_POST = _answer


@pytest.fixture()
def fake():
    srv = FakeGraphStore()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def received(requests_: list[dict]) -> Graph:
    g = Graph()
    for r in requests_:
        g.parse(data=r["body"], format="nt" if r["type"].startswith("application/n-triples") else "turtle")
    return g


def test_batches_put_then_post(store, fake):
    report = push(store, fake.url, GRAPH, batch_triples=10, backoff=0)
    methods = [r["method"] for r in fake.requests]
    assert methods == ["PUT", "POST", "POST"]
    assert all(parse_qs(r["query"]) == {"graph": [GRAPH]} for r in fake.requests)
    assert all(r["type"] == "application/n-triples; charset=utf-8" for r in fake.requests)
    assert report.triples == store.count_triples() == 30 and report.batches == 3 and report.requests == 3
    assert isomorphic(received(fake.requests), store.to_rdflib())
    first = Graph().parse(data=fake.requests[0]["body"], format="nt")
    assert sum(1 for t in first if any(isinstance(x, BNode) for x in t)) == 5  # the whole list, together
    assert "海天中心".encode() in b"".join(r["body"] for r in fake.requests)


def test_default_graph_and_one_batch(store, fake):
    push(store, fake.url, batch_triples=1000)
    assert [(r["method"], r["query"]) for r in fake.requests] == [("PUT", "default")]


def test_retries_on_503_then_succeeds(store, fake):
    fake.script = [503, 503]
    report = push(store, fake.url, GRAPH, batch_triples=100, retries=3, backoff=0.01)
    assert report.requests == 3 and report.statuses == [503, 503, 201] and report.batches == 1
    fake.script = [503] * 5
    with pytest.raises(OutputError, match=r"failed after 3 attempts: 503"):
        push(store, fake.url, GRAPH, retries=2, backoff=0.01)


def test_unreachable_endpoint(store):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(OutputError, match="cannot reach it"):
        push(store, f"http://127.0.0.1:{port}/store", GRAPH, retries=1, backoff=0.01)
    with pytest.raises(OutputError, match="not a usable URL"):
        push(store, "localhost:7878/store", GRAPH)


@pytest.mark.parametrize("status,hint", [(401, "--user and --password"), (403, "--user"),
                                         (404, "Graph Store endpoint"), (413, "--batch")])
def test_refusals_say_how_to_fix(store, fake, status, hint):
    fake.script = [status]
    with pytest.raises(OutputError) as info:
        push(store, fake.url, GRAPH, backoff=0)
    msg = str(info.value)
    assert "\n" not in msg and str(status) in msg and fake.url in msg and hint in msg
    assert len(fake.requests) == 1, "a refusal is not retried"


def test_404_hint_names_the_usual_endpoints(store, fake):
    fake.script = [404]
    with pytest.raises(OutputError, match=r"/ds/data.*/store.*/sparql-graph-crud-auth"):
        push(store, fake.url, GRAPH)


def test_basic_auth(store, fake):
    fake.user = "admin:s3cret"
    with pytest.raises(OutputError, match="wrong user or password"):
        push(store, fake.url, GRAPH, auth=("admin", "wrong"))
    assert push(store, fake.url, GRAPH, auth=("admin", "s3cret")).batches == 1


def test_falls_back_to_turtle_on_415(store, fake):
    fake.script = [415]
    report = push(store, fake.url, GRAPH, batch_triples=20)
    assert report.content_type == "text/turtle"
    assert [r["type"].split(";")[0] for r in fake.requests] == ["application/n-triples", "text/turtle",
                                                                "text/turtle"]
    assert isomorphic(received(fake.requests[1:]), store.to_rdflib())


def test_cli_push(tmp_path, fake):
    from kg.cli.app import cli
    from kg.cli.serve_cmds import push as push_cmd

    disk = GraphStore(tmp_path / "store")
    disk.replace_graph(EX + "a1", small_graph())
    disk.flush()
    del disk
    group = click.Group(cli.name, callback=cli.callback, params=cli.params, commands={"push": push_cmd})
    runner = CliRunner()
    res = runner.invoke(group, ["--store", str(tmp_path / "store"), "push", "--endpoint", fake.url,
                                "--graph", GRAPH, "--batch", "20"])
    assert res.exit_code == 0, res.output
    assert res.output.startswith(f"Pushed 30 triples to {GRAPH} at {fake.url} in 2 batch(es)")
    fake.script = [404]
    res = runner.invoke(group, ["--store", str(tmp_path / "store"), "push", "--endpoint", fake.url])
    assert res.exit_code == 4 and res.output.count("\n") == 1 and "Graph Store endpoint" in res.output


# ---- real Virtuoso ----------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A throwaway Virtuoso (own database folder, loopback ports); stopped at the end."""
    exe = shutil.which("virtuoso-t")
    if exe is None:
        pytest.skip("virtuoso-t is not on PATH: apt-get install -y virtuoso-opensource to run this test")
    folder = tmp_path_factory.mktemp("virtuoso")
    sql, http = _free_port(), _free_port()
    (folder / "virtuoso.ini").write_text(f"""[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {folder}
""", encoding="utf-8")
    log = open(folder / "stdout.log", "wb")
    proc = subprocess.Popen([exe, "-c", "virtuoso.ini", "+foreground"], cwd=folder, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail("virtuoso-t exited: " + (folder / "stdout.log").read_text(errors="replace")[-500:])
            try:
                if requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("Virtuoso did not come online within 60 s")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


def _virtuoso_select(base: str, query: str) -> list[dict]:
    r = requests.get(base + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"},
                     timeout=30)
    assert r.ok, r.text
    return r.json()["results"]["bindings"]


def test_push_to_virtuoso(virtuoso):
    from kg.pipeline.run import build
    from kg.rdf.sparql import resolve_query, run_query

    seeds = GraphStore()
    build([ROOT / "seeds"], seeds)
    graph = f"https://w3id.org/qdkg/test/{uuid.uuid4().hex}"
    report = push(seeds, virtuoso + "/sparql-graph-crud-auth", graph, auth=("dba", "dba"), digest=True,
                  batch_triples=4000)
    assert report.batches >= 3 and report.triples == seeds.count_triples()
    n = _virtuoso_select(virtuoso, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
    assert int(n[0]["n"]["value"]) == seeds.count_triples()

    query = resolve_query("firms-in-parks")
    local = {(str(r[0]), str(r[1])) for r in run_query(seeds, query).rows}
    assert local

    def remote(text: str) -> set[tuple[str, str]]:
        rows = _virtuoso_select(virtuoso, re.sub(r"\bWHERE\b", f"FROM <{graph}> WHERE", text, count=1))
        return {(b["firm"]["value"], b["park"]["value"]) for b in rows}

    # Virtuoso 7.2 drops rows of `a/rdfs:subClassOf*` joined with other patterns (its issues #127,
    # #704): the query as written finds a subset there; with the (one-level) subclass closure spelled
    # out it must find exactly the local pairs, Chinese labels intact.
    assert remote(query) <= local
    subclasses = ", ".join(f"<{r[0]}>" for r in seeds.select(
        "SELECT ?c WHERE { ?c rdfs:subClassOf* qdo:Organization }")[1])
    spelled = query.replace("?f a/rdfs:subClassOf* qdo:Organization .",
                            f"?f a ?fc . FILTER(?fc IN ({subclasses}))")
    assert spelled != query
    assert remote(spelled) == local

    again = push(seeds, virtuoso + "/sparql-graph-crud-auth", graph, auth=("dba", "dba"), digest=True)
    assert again.batches == 1  # PUT replaces: the count does not double
    n = _virtuoso_select(virtuoso, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
    assert int(n[0]["n"]["value"]) == seeds.count_triples()
    with pytest.raises(OutputError, match="401.*Virtuoso needs --digest"):
        push(seeds, virtuoso + "/sparql-graph-crud-auth", graph, auth=("dba", "dba"))
