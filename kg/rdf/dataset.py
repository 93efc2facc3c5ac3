"""The dataset's own description, in one place: the VoID / DCAT graph a build stores (title,
sources, date, licence, counts) and the VoID that `kg serve` adds (endpoint, dump, statistics).
Both start from the same core statements."""
from __future__ import annotations

from datetime import date

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.rdf.vocab import PREFIXES, QDR

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
FORMATS_NS = "http://www.w3.org/ns/formats/"
DATASET = QDR["dataset"]  # named graph (and node) of the stored description
TITLE = Literal("qdkg knowledge graph", lang="en")


def _integer(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def _core(d: URIRef) -> list[tuple]:
    return [(d, RDF.type, VOID.Dataset), (d, DCTERMS.title, TITLE)]


def stored_description(*, entities: int, documents: int, sources: list[str], triples_before: int) -> list[tuple]:
    """The description a build stores in the DATASET graph; `triples_before` counts the
    store's quads without it (the void:triples value then includes the description itself)."""
    d = DATASET
    out = _core(d)
    out.insert(1, (d, RDF.type, DCAT.Dataset))
    out += [(d, DCTERMS.description, Literal("Entities, relations and source sentences extracted by qdkg from "
                                             "Chinese regional-development news.", lang="en")),
            (d, DCTERMS.created, Literal(date.today().isoformat(), datatype=XSD.date)),
            (d, DCTERMS.rights, Literal("Facts extracted by qdkg, each linked to its source sentence; the source "
                                        "articles remain under their publishers' copyright.", lang="en")),
            (d, VOID.vocabulary, URIRef(PREFIXES["qdo"])),
            (d, VOID.entities, _integer(entities)),
            (d, VOID.documents, _integer(documents))]
    out += [(d, DCTERMS.source, Literal(name)) for name in sorted(sources)]
    out.append((d, VOID.triples, _integer(triples_before + len(out) + 1)))
    return out


def served_description(base: str, stats: dict) -> list[tuple]:
    """The VoID of the dataset served at `base` (see kg.serve.docs.store_stats for `stats`)."""
    d = URIRef(f"{base}/void.ttl#dataset")
    out = _core(d) + [
        (d, VOID.sparqlEndpoint, URIRef(f"{base}/sparql")),
        (d, VOID.dataDump, URIRef(f"{base}/data.ttl")),
        (d, VOID.feature, URIRef(FORMATS_NS + "Turtle")),
        (d, VOID.vocabulary, URIRef(PREFIXES["qdo"])),
        (d, VOID.uriSpace, Literal(PREFIXES["qdr"])),
        (d, VOID.triples, _integer(stats["triples"])),
        (d, VOID.classes, _integer(stats["classes"])),
        (d, VOID.properties, _integer(stats["properties"])),
        (d, VOID.distinctSubjects, _integer(stats["subjects"]))]
    return out + [(d, VOID.exampleResource, URIRef(e)) for e in stats["examples"]]
