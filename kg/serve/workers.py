"""The query workers of `kg serve`, and the content negotiation their answers follow.

pyoxigraph cannot interrupt a query from Python, so queries run in a small pool of worker
*processes* (`python -c` subprocesses), each with its own read-only view of the store (an
on-disk store is opened read-only, an in-memory one is copied as N-Quads). A query past the
time limit is answered 503 and its worker killed and replaced."""
from __future__ import annotations

import json
import queue
import signal
import socket
import subprocess
import sys
import threading
import time

import pyoxigraph as ox

from kg.errors import one_line
from kg.rdf import formats
from kg.rdf.vocab import PREFIXES

# media type -> pyoxigraph format name, from the one format registry
RESULTS = {media: f.oxigraph for media, f in formats.by_media("results").items()}
GRAPHS = {media: f.oxigraph for media, f in formats.by_media("graph").items()}
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
STARTUP_LIMIT = 120.0  # seconds a worker may take to load the store
_GRACE = 0.5  # extra seconds the server waits for a worker's own time-limit answer
_DEADLINE, _TOO_BIG = "qdkg: past the deadline", "qdkg: result too large"

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


def choose_format(accept: list[str], triples: bool) -> str | None:
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
        media = choose_format(accept, triples)
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
        from kg.rdf.sparql import _one_line
        return 400, f"malformed SPARQL: {_one_line(str(exc))}"
    except Exception as exc:  # noqa: BLE001 - the worker must answer, whatever happened
        if _DEADLINE in str(exc):
            return 503, None
        if _TOO_BIG in str(exc):
            return 503, f"the result is larger than {max_result / 1e6:g} MB: add a LIMIT or select fewer variables"
        return 500, "the query failed: " + one_line(exc)


def _worker_main(fd: int) -> None:
    """Entry point of a worker process (`python -c`, see Pool): load the store, answer queries."""
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
        conn.send(one_line(exc, 200))
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
           "from kg.serve.workers import _worker_main; _worker_main(int(sys.argv[1]))")


class Pool:
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
            said = conn.recv() if conn.poll(STARTUP_LIMIT) else "it took too long"
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
        deadline = time.monotonic() + self.timeout + STARTUP_LIMIT
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
