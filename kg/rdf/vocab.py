"""RDF vocabularies. `QDO` is a closed DefinedNamespace: a mistyped term raises at import
or call time instead of minting a wrong IRI. Every term here is declared in ontology/qdkg.ttl
(tests/rdf/test_ontology.py checks both ways)."""
import re
from typing import Iterable

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

QDO_IRI = "https://w3id.org/qdkg/ontology#"
QDR_IRI = "https://w3id.org/qdkg/resource/"
ONTOLOGY_GRAPH = URIRef("https://w3id.org/qdkg/ontology")


class QDO(DefinedNamespace):
    """The qdkg ontology."""

    _NS = Namespace(QDO_IRI)
    _fail = True

    # core classes
    District: URIRef
    Initiative: URIRef
    Project: URIRef
    Organization: URIRef
    Platform: URIRef
    Park: URIRef
    # subclasses
    Company: URIRef
    GovernmentBody: URIRef
    ResearchInstitute: URIRef
    University: URIRef
    School: URIRef
    Association: URIRef
    Fund: URIRef
    Media: URIRef
    Policy: URIRef
    Event: URIRef
    Building: URIRef
    # provenance classes
    Article: URIRef
    Sentence: URIRef
    # core relations
    locatedIn: URIRef
    joinedPark: URIRef
    ledBy: URIRef
    partner: URIRef
    partOf: URIRef
    operatedBy: URIRef
    # amounts
    totalInvestmentCNY: URIRef
    registeredCapitalCNY: URIRef
    areaM2: URIRef
    # event dates
    openedOn: URIRef
    signedOn: URIRef
    launchedOn: URIRef
    # provenance and metadata
    mentionedIn: URIRef
    extractedBy: URIRef
    confidence: URIRef
    aboutDistrict: URIRef
    edition: URIRef
    page: URIRef
    articleNumber: URIRef
    sentenceKind: URIRef
    sourceDigest: URIRef


QDR = Namespace(QDR_IRI)
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
PROV = Namespace("http://www.w3.org/ns/prov#")

PREFIXES = {
    "qdo": QDO_IRI,
    "qdr": QDR_IRI,
    "nif": str(NIF),
    "prov": str(PROV),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
}


LABEL_LANGUAGES = ("zh-hant", "zh-hans", "en")  # the preferred label's language, in order
_LOCAL_NAME = re.compile(r"^[\w][\w\-.]*(?<!\.)$|^$")


def preferred_label(labels: Iterable) -> Literal | None:
    """The label to show: zh-Hant, then zh-Hans, en, then any; the first by text among equals."""
    def rank(lit: Literal):
        lang = (lit.language or "").lower()
        return (LABEL_LANGUAGES.index(lang) if lang in LABEL_LANGUAGES else len(LABEL_LANGUAGES), str(lit))

    return min((x for x in labels if isinstance(x, Literal)), key=rank, default=None)


def compact_iri(iri: str, prefixes: dict[str, str] = PREFIXES) -> str:
    """`qdo:Park` for a known namespace (the longest that matches), else `<iri>`."""
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is not None:
        local = iri[len(best):]
        if _LOCAL_NAME.match(local):
            prefix = next(p for p, ns in prefixes.items() if ns == best)
            return f"{prefix}:{local}"
    return f"<{iri}>"
