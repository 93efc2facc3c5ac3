"""One registry of every format qdkg writes: whole-graph exports (Turtle, N-Triples, JSON-LD,
RDF/XML, TriG), the entity network for Gephi (GraphML, GEXF), SPARQL results of `kg serve`
(JSON, XML, CSV, TSV) and the row formats of `kg query` (table, csv, tsv, json). Each has a
name, a media type, a file extension and a writer, loaded on use; `kg export`, `kg query`,
`kg serve` and the library read their choices from here."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Callable, Iterable

from kg.errors import OutputError


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    kind: str  # "graph" (export of the store), "network" (Gephi), "results" (SPARQL results), "rows" (kg query)
    writer: str = ""  # "module:function", imported on first use
    oxigraph: str = ""  # the pyoxigraph RdfFormat / QueryResultsFormat member, where one serialises it
    union: bool = True  # graph formats: the union of all graphs (False: quads with graph names)
    exported: bool = True  # offered by `kg export`

    def load(self) -> Callable:
        module, _, function = self.writer.partition(":")
        return getattr(import_module(module), function)


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    FORMATS[fmt.name] = fmt
    return fmt


for _f in (
    Format("ttl", "text/turtle", ".ttl", "graph", "kg.rdf.formats:rdf_parts", "TURTLE"),
    Format("nt", "application/n-triples", ".nt", "graph", "kg.rdf.formats:rdf_parts", "N_TRIPLES"),
    Format("jsonld", "application/ld+json", ".jsonld", "graph", "kg.rdf.formats:rdf_parts", "JSON_LD"),
    Format("rdfxml", "application/rdf+xml", ".rdf", "graph", "kg.rdf.formats:rdf_parts", "RDF_XML", exported=False),
    Format("trig", "application/trig", ".trig", "graph", "kg.rdf.formats:rdf_parts", "TRIG", union=False),
    Format("graphml", "application/graphml+xml", ".graphml", "network", "kg.out.gephi:network_parts"),
    Format("gexf", "application/gexf+xml", ".gexf", "network", "kg.out.gephi:network_parts"),
    Format("srj", "application/sparql-results+json", ".srj", "results", oxigraph="JSON"),
    Format("srx", "application/sparql-results+xml", ".srx", "results", oxigraph="XML"),
    Format("csv-results", "text/csv", ".csv", "results", oxigraph="CSV"),
    Format("tsv-results", "text/tab-separated-values", ".tsv", "results", oxigraph="TSV"),
    Format("table", "text/plain", ".txt", "rows", "kg.rdf.sparql:table_text"),
    Format("csv", "text/csv", ".csv", "rows", "kg.rdf.sparql:csv_text"),
    Format("tsv", "text/tab-separated-values", ".tsv", "rows", "kg.rdf.sparql:tsv_text"),
    Format("json", "application/json", ".json", "rows", "kg.rdf.sparql:json_text"),
):
    register(_f)


def names(*kinds: str, exported_only: bool = False) -> list[str]:
    """The names of the registered formats of these kinds, in registration order."""
    return [f.name for f in FORMATS.values() if f.kind in kinds and (f.exported or not exported_only)]


def get(name: str, *kinds: str) -> Format:
    """The format called `name` among `kinds`, or an OutputError listing the choices."""
    fmt = FORMATS.get(name)
    if fmt is None or fmt.kind not in kinds:
        raise OutputError(f"unknown format {name!r}: choose one of {', '.join(names(*kinds, exported_only=True))}")
    return fmt


def by_media(kind: str) -> dict[str, Format]:
    """Media type -> format of one kind (for content negotiation), in registration order."""
    out: dict[str, Format] = {}
    for f in FORMATS.values():
        if f.kind == kind and (kind != "graph" or f.union):
            out.setdefault(f.media_type, f)
    return out


def rdf_parts(store, fmt: Format) -> Iterable[bytes]:
    """The store's graph in an RDF format, in pieces (the union of all graphs, or with names)."""
    import pyoxigraph as ox

    return store.dump_parts(getattr(ox.RdfFormat, fmt.oxigraph), union=fmt.union)


PROFILES = ("schema",)
# what `--profile schema` adds: the schema.org and ORG types and properties an RDFS reasoner
# would infer from the ontology's alignment (ontology/qdkg.ttl), written into the data
_SCHEMA_PROFILE = """
CONSTRUCT { ?s a ?super . ?s ?q ?o }
WHERE {
  { ?s a ?c . FILTER(STRSTARTS(STR(?c), STR(qdo:))) ?c rdfs:subClassOf+ ?super . }
  UNION
  { ?p rdfs:subPropertyOf ?q . FILTER(STRSTARTS(STR(?p), STR(qdo:))) ?s ?p ?o . }
  FILTER(STRSTARTS(STR(?super), STR(schema:)) || STRSTARTS(STR(?super), STR(org:))
         || STRSTARTS(STR(?q), STR(schema:)) || STRSTARTS(STR(?q), STR(org:)))
}"""


def export_parts(store, name: str = "ttl", profile: str | None = None) -> Iterable[bytes]:
    """The export in pieces, for writing a large graph without holding it all in memory.
    `profile` "schema" adds the schema.org / ORG types for consumers without a reasoner
    (Turtle and N-Triples only)."""
    fmt = get(name, "graph", "network")
    if profile is None:
        return fmt.load()(store, fmt)
    if profile not in PROFILES:
        raise OutputError(f"unknown profile {profile!r}: choose {', '.join(PROFILES)}")
    if name not in ("ttl", "nt"):
        raise OutputError(f"--profile {profile} works with --format ttl or nt, not {name}")
    return _with_profile(store, fmt)


def _with_profile(store, fmt: Format) -> Iterable[bytes]:
    import pyoxigraph as ox

    from kg.rdf.vocab import PREFIXES

    yield from fmt.load()(store, fmt)
    triples = sorted(store._store.query(_SCHEMA_PROFILE, prefixes=PREFIXES, use_default_graph_as_union=True),
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    part = ox.serialize(triples, format=getattr(ox.RdfFormat, fmt.oxigraph), prefixes=PREFIXES)
    yield b"".join(line for line in part.splitlines(keepends=True) if not line.startswith(b"@prefix "))


def export(store, name: str = "ttl", profile: str | None = None) -> bytes:
    """The whole graph in format `name` (see names('graph', 'network'))."""
    return b"".join(export_parts(store, name, profile))
