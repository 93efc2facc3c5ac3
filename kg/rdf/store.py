"""Where the graph lives between commands: an embedded, persistent Oxigraph store.

Each article's triples sit in a named graph (the article's IRI), the ontology in its own
graph; queries see the union of all graphs as their default graph. `kg build`, `kg ingest` and
`kg remove` write a new generation of the store with the bulk loader and make it current in one
rename (`staged`, kg.rdf.layout): the store is always the old graph or the new one. An
in-memory or plain on-disk store writes each graph in one transaction. `kg query`, `kg view`,
`kg export` open the current generation read-only and hold it until they close.
"""
from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import QueryError, StoreError
from kg.rdf.layout import MARKER as _MARKER, lease_current
from kg.rdf.vocab import ONTOLOGY_GRAPH, PREFIXES

DEFAULT_STORE = Path(".qdkg") / "store"
STORE_ENV = "QDKG_STORE"
# quads per bulk load. Measured on 2 M quads: 13.8 s at a peak of 132 MiB; in batches of 1,800 (one
# article each) 28.8 s; in one batch 16.4 s but 1.4 GiB.
BULK_BATCH = 50_000


def default_store_path() -> Path:
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


# ---- term conversion (rdflib <-> pyoxigraph) -------------------------------------------

def to_ox(term: Node):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r}")


def _once(terms: dict, term: Node):
    """to_ox(term), remembered in `terms`."""
    t = terms[term] = to_ox(term)
    return t


def from_ox(term) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value if term.datatype else None
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            dt = None
        return Literal(term.value, datatype=URIRef(dt) if dt else None)
    raise TypeError(f"unexpected term {term!r}")


def mark(folder: Path) -> None:
    """Write the file that tells a qdkg store folder from any other folder."""
    (folder / _MARKER).write_text("qdkg graph store (Oxigraph)\n", encoding="utf-8")


def is_store(folder: Path) -> bool:
    return (folder / _MARKER).exists()


def check_target(path: Path) -> None:
    """A store may be written at `path` if it is new, empty, or already a qdkg store."""
    if path.exists() and (not path.is_dir() or (any(path.iterdir()) and not (path / _MARKER).exists())):
        raise StoreError(f"{path} exists and is not a qdkg store: choose an empty or new folder with --store")


class GraphStore:
    """A qdkg graph: on disk when `path` is given, in memory otherwise."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False, bulk: bool = False):
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self.bulk = bulk and self.path is not None  # bulk loads write files directly: less memory
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not (self.path / _MARKER).exists():
                    raise StoreError(
                        f"no qdkg graph at {self.path}: run `kg build` first "
                        f"(or point --store / {STORE_ENV} at an existing store)")
                self._store = ox.Store.read_only(str(self.path))
            else:
                check_target(self.path)
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
                mark(self.path)
        except OSError as exc:
            raise StoreError(f"cannot open the graph store at {self.path}: {exc.strerror or exc}; "
                             "is another kg command writing to it? Wait for it or use --store") from None

    @classmethod
    def open_existing(cls, path: str | Path | None = None) -> "GraphStore":
        """The current generation of the store at `path`, read-only, held until close()."""
        root = Path(path if path is not None else default_store_path())
        if not (root / _MARKER).exists():
            raise StoreError(f"no qdkg graph at {root}: run `kg build` first "
                             f"(or point --store / {STORE_ENV} at an existing store)")
        lease = lease_current(root)
        try:
            store = cls(lease.folder, read_only=True)
        except BaseException:
            lease.release()
            raise
        store.root, store._lease = root, lease
        return store

    root: Path | None = None  # the store folder a user names (path is its current generation)
    _lease = None

    def close(self) -> None:
        """Release the database (its files, lock and lease)."""
        self._store = None
        gc.collect()
        if self._lease is not None:
            self._lease.release()
            self._lease = None

    def backup(self, target: Path) -> None:
        """A consistent copy of this on-disk store's database at `target`, marked as a qdkg store."""
        if not self.read_only:
            self._store.flush()
        self._store.backup(str(target))
        mark(target)

    # ---- writing ----------------------------------------------------------------------
    def replace_graph(self, graph_iri: str, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        """Replace one named graph with these triples, in one transaction."""
        g = ox.NamedNode(graph_iri)
        quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in triples]
        if self._store.contains_named_graph(g):
            self._store.remove_graph(g)
        self._store.bulk_extend(quads) if self.bulk else self._store.extend(quads)

    def write_graphs(self, graphs: Iterable[tuple[str, Iterable[tuple[Node, Node, Node]]]]) -> None:
        """Add named graphs the store does not hold yet. A bulk store loads them in batches of
        about BULK_BATCH quads (one bulk load per article took twice as long, see BULK_BATCH);
        otherwise each graph is one transaction."""
        batch: list = []
        terms: dict = {}  # IRIs and literals recur (predicates, entities, sentences): convert each once
        for graph_iri, triples in graphs:
            g = ox.NamedNode(graph_iri)
            conv = terms.get
            quads = [ox.Quad(conv(s) or _once(terms, s), conv(p) or _once(terms, p), conv(o) or _once(terms, o), g)
                     for s, p, o in triples]
            if not self.bulk:
                self._store.extend(quads)
                continue
            batch += quads
            if len(batch) >= BULK_BATCH:
                self._store.bulk_extend(batch)
                batch = []
                terms.clear()
        if batch:
            self._store.bulk_extend(batch)

    def set_ontology(self, graph: Graph) -> None:
        """Store the ontology, its blank nodes (OWL lists) renamed canonically so that every
        build stores, and exports, exactly the same bytes."""
        from rdflib.compare import to_canonical_graph

        self.replace_graph(str(ONTOLOGY_GRAPH), to_canonical_graph(graph))

    def remove_graph(self, graph_iri: str) -> None:
        self._store.remove_graph(ox.NamedNode(graph_iri))

    rewritten = False  # cleared and written again in this session (then worth compacting)

    def clear(self) -> None:
        """Empty the store, to be written again whole: on disk with bulk loads, as a build does
        (the generation swap keeps the write atomic; re-resolving a 4,000-article store wrote it
        in transactions for 19 min, against under 4 min for the build's bulk loads)."""
        self._store.clear()
        self.rewritten = True
        self.bulk = self.path is not None

    def update_graph(self, graph_iri: str, remove: Iterable[tuple[Node, Node, Node]],
                     add: Iterable[tuple[Node, Node, Node]]) -> None:
        """Take these triples out of one named graph and put those in (the generation swap makes
        the whole write atomic, kg.pipeline.state.staged)."""
        g = ox.NamedNode(graph_iri)
        gone = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in remove]
        new = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in add]
        for q in gone:
            self._store.remove(q)
        if new:
            self._store.extend(new)

    def graph_size(self, graph_iri: str) -> int:
        """The number of triples in one named graph."""
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri)))

    def flush(self) -> None:
        if self.path is not None:
            self._store.flush()

    def optimize(self) -> None:
        """Flush and compact the files a bulk load wrote: halves export time (0.5 s at 400
        articles: export 8.3 s -> 4.7 s)."""
        if self.path is not None:
            self._store.flush()
            self._store.optimize()

    # ---- reading ----------------------------------------------------------------------
    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self._store)

    def count_triples(self) -> int:
        """Distinct triples across all graphs (what an export contains)."""
        res = self.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
        return int(res[1][0][0])

    def count_quads(self) -> int:
        """Statements over all graphs. A store written by qdkg never has a triple in two graphs,
        so this equals count_triples() there, without a DISTINCT over millions of triples."""
        return len(self._store)

    def raw_quads(self) -> Iterator["ox.Quad"]:
        """Every quad as pyoxigraph terms (no rdflib conversion: for pushing a large store)."""
        return iter(self._store)

    def nquads(self) -> bytes:
        """Every quad with its graph name, as N-Quads (to copy an in-memory store elsewhere)."""
        return self._store.dump(format=ox.RdfFormat.N_QUADS)

    def _run(self, sparql: str):
        try:
            return self._store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {exc}") from None
        except OSError as exc:
            raise QueryError(f"the query failed: {exc}") from None

    def select(self, sparql: str) -> tuple[list[str], list[list[Node | None]]]:
        """Run a SELECT (or ASK) query; return variable names and rows of rdflib terms."""
        res = self._run(sparql)
        if isinstance(res, ox.QueryBoolean):
            return ["ask"], [[Literal(bool(res))]]
        if isinstance(res, ox.QueryTriples):
            raise QueryError("this is a CONSTRUCT/DESCRIBE query: use `kg query` with a SELECT or ASK query, "
                             "or `kg export` for whole-graph output")
        names = [v.value for v in res.variables]
        return names, [[from_ox(sol[n]) for n in names] for sol in res]

    def select_values(self, sparql: str) -> list[list[str | None]]:
        """Rows of a SELECT query as the terms' lexical values (IRIs, literal texts), None where
        unbound: no rdflib terms made, for internal queries over many rows."""
        res = self._run(sparql)
        names = [v.value for v in res.variables]
        return [[None if (t := sol[n]) is None else t.value for n in names] for sol in res]

    def construct(self, sparql: str) -> Graph:
        res = self._run(sparql)
        if not isinstance(res, ox.QueryTriples):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        g = Graph()
        for t in res:
            g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        return g

    def objects(self, subject: str, predicate: str) -> Iterator[str]:
        """The lexical values of (subject, predicate, ?o) in any graph: an index lookup."""
        for q in self._store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, None):
            yield q.object.value

    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        for q in self._store:
            gn = q.graph_name
            yield (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object),
                   None if isinstance(gn, ox.DefaultGraph) else from_ox(gn))

    def to_rdflib(self) -> Graph:
        """The union of all graphs as an rdflib Graph (for library users, pySHACL, tests)."""
        g = Graph()
        for prefix, iri in PREFIXES.items():
            g.bind(prefix, iri)
        for s, p, o, _ in self.quads():
            g.add((s, p, o))
        return g

    def dump(self, fmt: "ox.RdfFormat", *, union: bool = True) -> bytes:
        """The whole serialisation as bytes (see dump_parts)."""
        return b"".join(self.dump_parts(fmt, union=union))

    def dump_parts(self, fmt: "ox.RdfFormat", *, union: bool = True) -> Iterator[bytes]:
        """Serialise the store piece by piece: the triples of all graphs, or quads with names.

        Graph by graph in name order, each sorted by its N-Triples lines (subject, predicate,
        object; the store writes and parses them, Python sorts bytes: sorting the terms in Python
        took three quarters of the export's time, 7.4 of 9.9 s for 400 articles): the same graph
        always gives the same bytes, in memory or on disk (the ontology's blank nodes are
        canonical since set_ontology), memory stays bounded by the largest graph, and no triple
        is repeated (no triple is in two graphs)."""
        if not union:
            yield self._store.dump(format=fmt, prefixes=PREFIXES)
            return
        if fmt not in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
            triples = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
            yield ox.serialize(triples, format=fmt, prefixes=PREFIXES)
            return
        graphs = [ox.DefaultGraph()] + sorted((g for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)),
                                             key=lambda g: g.value)
        first = True
        for g in graphs:
            lines = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g).splitlines(keepends=True)
            if not lines:  # an empty graph
                continue
            lines.sort()  # N-Triples lines in byte order: subject, predicate, object
            if fmt == ox.RdfFormat.N_TRIPLES:
                part = b"".join(lines)
            else:
                part = ox.serialize(ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES), format=fmt,
                                    prefixes=PREFIXES)
            if not first and fmt == ox.RdfFormat.TURTLE:  # one set of @prefix lines, at the top, is enough
                part = b"".join(line for line in part.splitlines(keepends=True) if not line.startswith(b"@prefix "))
            first = False
            yield part
