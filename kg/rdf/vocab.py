"""RDF vocabularies. `QDO` is a closed DefinedNamespace: a mistyped term raises at import
or call time instead of minting a wrong IRI. Every term here is declared in ontology/qdkg.ttl
(tests/test_vocab.py checks both ways)."""
from rdflib import Namespace, URIRef
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
}
