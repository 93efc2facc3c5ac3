"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the graph store (stdlib http.server).

Routes: `/sparql` (GET ?query=, POST form or application/sparql-query; without a query, the
Service Description), `/` (the YASGUI query editor, or the Service Description for RDF Accept headers),
`/simple` (a plain query page), `/resource/<id>` (an entity, kg.serve.resource), `/void.ttl` and `/.well-known/void` (VoID),
`/data.ttl` (the whole export), `/graph` (the graph view).
Results by content negotiation (or `format=`): SELECT/ASK as SPARQL JSON (default), XML, CSV,
TSV; CONSTRUCT/DESCRIBE as Turtle (default), N-Triples, JSON-LD, RDF/XML; default-graph-uri and
named-graph-uri are honoured (otherwise the union of all graphs is the default graph). Refused: SPARQL
Update (403), SERVICE and LOAD (403), bodies over `max_body` (413), malformed queries (400);
queries past the time limit or with results over `max_result` bytes get 503.

Time limit. pyoxigraph cannot interrupt a query from Python, so queries run in a small pool of
worker *processes* (kg.serve.workers), each with its own read-only view of the store. A query
past the limit gets a 503 and its worker is killed and replaced (~0.5 s), so a runaway query
never keeps burning a CPU while the other workers go on answering. Streaming results also check
the deadline while they are written (the worker then stays alive). The Service Description,
VoID and the query page are built in kg.serve.docs.
"""
from __future__ import annotations

import ipaddress
import re
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.errors import QdkgError
from kg.rdf.iris import IriMap
from kg.rdf.sparql import refusal
from kg.rdf.store import GraphStore
from kg.rdf.vocab import QDR_IRI
from kg.serve.live import LiveStore
from kg.serve.resource import RESOURCE_CSP, SLUG, describe_query, render_resource
from kg.serve.docs import (PAGE_CSP, SD_PREFIXES, VENDORED, YASGUI_CSP, render_page, render_yasgui_page,
                           service_triples, vendored, void_triples)
from kg.serve.workers import GRAPHS, Pool, choose_format, parse_accept

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

    def _send(self, status: int, body: bytes | str, ctype: str, headers: dict | None = None,
              verbatim: bool = False) -> None:
        """Answer; every document but a vendored file gets the deployment's resource IRIs (--base-iri)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        if not verbatim:
            data = self.server.iris.to_public(data)
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
            with self.server.using() as self.gen:  # the whole request answers from one generation
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
            return self._rdf(service_triples(self._base(), self.gen.stats()), accept)
        if url.path in ("/", "/index.html"):
            first = next((m for m in accept if m in ("text/html", "application/xhtml+xml") or m in GRAPHS), None)
            if first in GRAPHS:
                return self._rdf(service_triples(self._base(), self.gen.stats()), accept)
            return self._send(200, self.gen.cached("yasgui", lambda: render_yasgui_page(self.gen.stats()["triples"])),
                              "text/html; charset=utf-8",
                              {"Content-Security-Policy": YASGUI_CSP, "Referrer-Policy": "no-referrer"})
        if url.path == "/simple":
            return self._send(200, self.gen.page(), "text/html; charset=utf-8",
                              {"Content-Security-Policy": PAGE_CSP, "Referrer-Policy": "no-referrer"})
        if url.path in VENDORED:
            body, media = vendored(url.path)
            return self._send(200, body, media, {"Cache-Control": "max-age=86400"}, verbatim=True)
        if url.path in ("/void.ttl", "/.well-known/void"):
            return self._rdf(void_triples(self._base(), self.gen.stats()), [] if url.path == "/void.ttl" else accept)
        if url.path.startswith("/resource/"):
            return self._resource(url.path[len("/resource/"):], params, accept)
        if url.path == "/data.ttl":
            return self._send(200, self.gen.cached("data", self._export), "text/turtle; charset=utf-8")
        if url.path == "/graph":
            return self._send(200, self.gen.cached("graph", self._graph_page), "text/html; charset=utf-8",
                              {"Referrer-Policy": "no-referrer"})
        raise _Refused(404, f"no page {url.path}: try /, /sparql, /resource/ID, /void.ttl, /data.ttl, /graph or /simple")

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
        iris = self.server.iris
        dataset = {"default_graph": [iris.stored(g) for g in params.get("default-graph-uri", [])],
                   "named_graphs": [iris.stored(g) for g in params.get("named-graph-uri", [])]}
        status, *rest = self.gen.pool.run(iris.query_to_store(query), accept, dataset)
        if status == "ok":
            media, body = rest
            return self._send(200, body, f"{media}; charset=utf-8" if media != "application/ld+json" else media)
        message = rest[0] or (f"query exceeded the {self.server.query_timeout:g} s time limit: add a LIMIT or narrow "
                              "the pattern")
        raise _Refused(status, message)

    def _resource(self, slug: str, params: dict[str, list[str]], accept: list[str]) -> None:
        """The description of one entity (kg.serve.resource): HTML for browsers, else RDF."""
        if not SLUG.fullmatch(slug):
            raise _Refused(404, "no such resource: an id is letters, digits and - _ . ~ %")
        iri = QDR_IRI + slug
        fmt = (params.get("format") or [None])[0]
        wants = [fmt.lower()] if fmt else accept
        first = next((m for m in wants if m in ("text/html", "application/xhtml+xml", "html") or
                      choose_format([m], True)), "text/html")
        as_html = first in ("text/html", "application/xhtml+xml", "html")
        status, *rest = self.gen.pool.run(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?q <{iri}> }} }}",
                                          ["application/sparql-results+json"], {})
        if status == "ok" and b"true" not in rest[1]:
            raise _Refused(404, f"no entity {iri} in this graph: see /sparql, or the graph view at /graph")
        status, *rest = self.gen.pool.run(describe_query(iri), ["application/n-triples"] if as_html else wants, {})
        if status != "ok":
            raise _Refused(status, rest[0] or f"describing {iri} took longer than the time limit")
        media, body = rest
        if as_html:
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
            return self._send(200, render_resource(iri, triples), "text/html; charset=utf-8",
                              {"Content-Security-Policy": RESOURCE_CSP + "; frame-ancestors 'none'",
                               "Referrer-Policy": "no-referrer", "Vary": "Accept"})
        self._send(200, body, f"{media}; charset=utf-8" if media != "application/ld+json" else media, {"Vary": "Accept"})

    def _rdf(self, triples: list[ox.Triple], accept: list[str]) -> None:
        media = choose_format(accept, True) or "text/turtle"
        body = ox.serialize(triples, format=getattr(ox.RdfFormat, GRAPHS[media]), prefixes=SD_PREFIXES)
        self._send(200, body, media if media == "application/ld+json" else f"{media}; charset=utf-8")

    def _base(self) -> str:
        host = self.headers.get("Host") or ""
        if not re.fullmatch(r"[A-Za-z0-9.\-]+(:\d+)?|\[[0-9A-Fa-f:.]+\](:\d+)?", host):
            h, p = self.server.server_address[:2]
            host = f"[{h}]:{p}" if ":" in h else f"{h}:{p}"
        return f"http://{host}"

    def _export(self) -> bytes:
        from kg.rdf.formats import export
        return export(self.gen.store, "ttl")

    def _graph_page(self) -> bytes:
        from kg.out.graphview import view_data
        from kg.out.viewpage import render_html
        return render_html(view_data(self.gen.store), title="qdkg graph", resource_links=True).encode("utf-8")


class SparqlServer(ThreadingHTTPServer):
    """The endpoint; `server_close()` also stops the query workers. It answers from the store's
    current generation, followed live (kg.serve.live)."""

    daemon_threads = True
    request_queue_size = 128  # listen backlog; socketserver's 5 resets connections under a burst of clients

    def __init__(self, store: GraphStore, address: tuple[str, int], *, timeout: float, max_body: int,
                 max_result: int, workers: int, verbose: bool, iris: IriMap | None = None):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.query_timeout, self.max_body, self.verbose = timeout, max_body, verbose
        self.iris = iris or IriMap()
        try:
            self.live = LiveStore(store, workers=workers, timeout=timeout, max_result=max_result, verbose=verbose)
        except BaseException:
            super().server_close()
            raise

    @property
    def pool(self) -> Pool:
        return self.live.pool

    def using(self):
        """The current generation, held for the length of one request (kg.serve.live)."""
        return self.live.using()

    @property
    def url(self) -> str:
        h, p = self.server_address[:2]
        return f"http://{f'[{h}]' if ':' in h else h}:{p}/sparql"

    def server_close(self) -> None:
        super().server_close()
        self.live.close()


def make_server(store: GraphStore, host: str = "127.0.0.1", port: int = 8000, timeout: float = 5.0,
                max_body: int = 1_000_000, *, max_result: int = 100_000_000, workers: int = 2,
                verbose: bool = False, base_iri: str | None = None) -> SparqlServer:
    """A SPARQL endpoint over `store`, bound but not yet serving (call serve_forever()).
    `base_iri` is the address the graph is published at: resource IRIs are then handed out
    under it (kg.rdf.iris), and answered at its /resource/<id>."""
    iris = IriMap(base_iri)  # checked before anything starts
    return SparqlServer(store, (host, port), timeout=timeout, max_body=max_body, max_result=max_result,
                        workers=workers, verbose=verbose, iris=iris)


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
