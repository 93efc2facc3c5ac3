"""`kg push`: copy the graph (data + ontology, the union of all graphs) into a remote triple store
with the SPARQL 1.1 Graph Store HTTP Protocol.

The first batch replaces the target graph (PUT `?graph=<iri>`, or `?default`), further batches
add to it (POST). Bodies are N-Triples; a server that answers 415 to N-Triples gets Turtle.
Triples with blank nodes (the ontology's OWL lists) all go into the first batch, since a blank
node means a fresh node in every request. Connection errors and 5xx answers are retried with
exponential backoff; a refusal (4xx) is an OutputError saying what to fix.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import pyoxigraph as ox
import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

from kg.errors import OutputError
from kg.rdf.store import GraphStore
from kg.rdf.vocab import PREFIXES

NT, TTL = "application/n-triples", "text/turtle"
_ENDPOINTS = ("the Graph Store endpoint is e.g. http://HOST:3030/DATASET/data (Fuseki), "
              "http://HOST:7878/store (Oxigraph server), http://HOST:8890/sparql-graph-crud-auth (Virtuoso)")
_NOT_RETRIED = {501, 505}


@dataclass
class PushReport:
    """What a push did: triples sent, batches, HTTP requests (retries included), time taken."""

    endpoint: str
    graph: str | None
    triples: int = 0
    batches: int = 0
    requests: int = 0
    statuses: list[int] = field(default_factory=list)
    content_type: str = NT
    seconds: float = 0.0


def batches(store: GraphStore, size: int) -> list[list[ox.Triple]]:
    """The distinct triples of the union graph in batches of about `size`; the first batch holds
    every triple with a blank node (it may be larger than `size`)."""
    seen: set[ox.Triple] = set()
    with_bnodes, plain = [], []
    for q in store.raw_quads():
        t = ox.Triple(q.subject, q.predicate, q.object)
        if t in seen:
            continue
        seen.add(t)
        (with_bnodes if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
         else plain).append(t)
    plain.sort(key=str)
    size = max(1, size)
    first = with_bnodes + plain[:max(0, size - len(with_bnodes))]
    rest = plain[len(first) - len(with_bnodes):]
    out = [first] if first else []
    return out + [rest[i:i + size] for i in range(0, len(rest), size)]


def _body(triples: list[ox.Triple], content_type: str) -> bytes:
    fmt = ox.RdfFormat.N_TRIPLES if content_type == NT else ox.RdfFormat.TURTLE
    return ox.serialize(triples, format=fmt, **({"prefixes": PREFIXES} if content_type == TTL else {}))


def _refusal(resp: requests.Response, endpoint: str, auth) -> OutputError:
    code = resp.status_code
    said = " ".join((resp.text or "").split())[:160]
    head = f"{endpoint} refused the push ({code} {resp.reason or ''}".rstrip() + ")"
    if code in (401, 403):
        fix = ("wrong user or password? (Virtuoso needs --digest)" if auth
               else "give --user and --password (add --digest for Virtuoso)")
    elif code in (404, 405, 501):
        fix = f"is this the Graph Store endpoint, not the query endpoint? {_ENDPOINTS}"
    elif code == 413:
        fix = "the batch is too large: push with a smaller --batch"
    elif code == 415:
        fix = "the server accepts neither N-Triples nor Turtle"
    else:
        fix = f"the server said: {said}" if said else f"check the URL; {_ENDPOINTS}"
    return OutputError(f"{head}: {fix}")


def push(store: GraphStore, endpoint: str, graph: str | None = None, *, batch_triples: int = 50_000,
         retries: int = 3, auth: tuple[str, str] | None = None, digest: bool = False, timeout: float = 60,
         backoff: float = 0.5) -> PushReport:
    """Replace `graph` (default: the default graph) at the Graph Store `endpoint` with the store's
    triples; return a PushReport. Raises OutputError when the server refuses or stays unreachable."""
    t0 = time.perf_counter()
    report = PushReport(endpoint, graph)
    session = requests.Session()
    if auth:
        session.auth = HTTPDigestAuth(*auth) if digest else HTTPBasicAuth(*auth)
    target = {"graph": graph} if graph else {"default": ""}
    groups = batches(store, batch_triples)
    try:
        for i, triples in enumerate(groups):
            method = "PUT" if i == 0 else "POST"
            resp = _send(session, method, endpoint, target, triples, report, retries, timeout, backoff)
            if resp.status_code == 415 and report.content_type == NT:
                report.content_type = TTL
                resp = _send(session, method, endpoint, target, triples, report, retries, timeout, backoff)
            if resp.status_code >= 400:
                raise _refusal(resp, endpoint, auth)
            report.triples += len(triples)
            report.batches += 1
    finally:
        session.close()
    report.seconds = time.perf_counter() - t0
    return report


def _send(session, method, endpoint, target, triples, report, retries, timeout, backoff) -> requests.Response:
    """One batch, retried on connection errors and 5xx (except 501/505)."""
    body = _body(triples, report.content_type)
    headers = {"Content-Type": f"{report.content_type}; charset=utf-8"}
    # "?default" must go out as a bare key: requests would write "default=".
    url = endpoint + ("&" if "?" in endpoint else "?") + ("default" if "default" in target else "")
    params = None if "default" in target else target
    problem = ""
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        report.requests += 1
        try:
            resp = session.request(method, url if params is None else endpoint, params=params, data=body,
                                   headers=headers, timeout=timeout)
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema):
            raise OutputError(f"{endpoint} is not a usable URL: give http://HOST:PORT/PATH; {_ENDPOINTS}") from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            problem = f"cannot reach it ({type(exc).__name__})"
            continue
        report.statuses.append(resp.status_code)
        if resp.status_code < 500 or resp.status_code in _NOT_RETRIED:
            return resp
        problem = f"{resp.status_code} {resp.reason or ''}".strip()
    raise OutputError(f"pushing to {endpoint} failed after {retries + 1} attempts: {problem}; "
                      "is the server running and the URL right? Try again later")
