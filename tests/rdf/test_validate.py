"""kg/validate.py with ontology/shapes.ttl: the hand-written graph in tests/data/validate conforms;
each variant that breaks one rule gives exactly the expected result with a readable message."""
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib import namespace as ns

import kg.rdf.shacl as kv
from kg.errors import ShapesError, ValidationError
from kg.rdf.shacl import ValidationReport, Violation, load_ontology, load_shapes, validate
from kg.rdf.vocab import NIF, PROV, QDO, QDR

DATA = Path(__file__).resolve().parents[1] / "data" / "validate" / "conforming.ttl"
DISTRICT = QDR["shinan-0a1b2c3d"]
COMPANY = QDR["jingwei-1a2b3c4d"]
PARK = QDR["instrument-park-2a3b4c5d"]
PLATFORM = QDR["eldercare-cloud-4a5b6c7d"]
SENTENCE = QDR["art-860cbca26c24-1-s0"]
DEC = ns.XSD.decimal


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture
def data() -> Graph:
    return Graph().parse(DATA, format="turtle")


def check(data, ontology, shapes) -> ValidationReport:
    return validate(data, ontology=ontology, shapes=shapes)


def only(report: ValidationReport) -> Violation:
    assert len(report.violations) == 1, report.text()
    return report.violations[0]


def test_conforming_graph(data, ontology, shapes):
    report = check(data, ontology, shapes)
    assert report.conforms, report.text()
    assert report.violations == []
    assert report.text() == "0 violation(s), 0 warning(s), 0 info(s): the graph conforms."


def test_defaults_load_packaged_files(data):
    assert validate(data).conforms


def test_missing_chinese_label(data, ontology, shapes):
    data.remove((PARK, RDFS.label, None))
    data.add((PARK, RDFS.label, Literal("Scientific Instrument Park", lang="en")))
    report = check(data, ontology, shapes)
    v = only(report)
    assert not report.conforms
    assert (v.focus, v.path, v.severity, v.shape) == (
        "qdr:instrument-park-2a3b4c5d", "rdfs:label", "Violation", "qdsh:ParkShape")
    assert v.message == "Park has no rdfs:label tagged @zh-Hant or @zh-Hans."
    # no Chinese label: the report names the node by its English label
    assert report.text().splitlines()[0] == (
        "Violation: Scientific Instrument Park (qdr:instrument-park-2a3b4c5d) rdfs:label: "
        "Park has no rdfs:label tagged @zh-Hant or @zh-Hans.")


def test_unlabelled_focus_is_shown_by_iri(data, ontology, shapes):
    data.remove((PARK, RDFS.label, None))
    report = check(data, ontology, shapes)
    assert only(report).path == "rdfs:label"
    assert report.text().splitlines() == [
        "Violation: qdr:instrument-park-2a3b4c5d rdfs:label: Park has no rdfs:label tagged @zh-Hant or @zh-Hans.",
        "1 violation(s), 0 warning(s), 0 info(s): the graph does not conform.",
    ]


def test_relation_with_wrong_range_class(data, ontology, shapes):
    data.add((PLATFORM, QDO.locatedIn, PARK))
    v = only(check(data, ontology, shapes))
    assert (v.focus, v.path, v.value) == ("qdr:eldercare-cloud-4a5b6c7d", "qdo:locatedIn",
                                          "qdr:instrument-park-2a3b4c5d")
    assert v.message == "The object of qdo:locatedIn is not a District."


def test_relation_with_wrong_domain_class(data, ontology, shapes):
    data.add((DISTRICT, QDO.joinedPark, PARK))
    v = only(check(data, ontology, shapes))
    assert (v.focus, v.shape) == ("qdr:shinan-0a1b2c3d", "qdsh:JoinedParkShape")
    assert v.message == "The subject of qdo:joinedPark is not an Organization, Project or Park."


def test_partner_object_must_be_organization_or_district(data, ontology, shapes):
    data.add((COMPANY, QDO.partner, PLATFORM))
    v = only(check(data, ontology, shapes))
    assert v.focus == "qdr:eldercare-cloud-4a5b6c7d"
    assert v.message == "A subject or object of qdo:partner is not an Organization or District."


def test_confidence_above_one(data, ontology, shapes):
    st = QDR["st-000000000001"]
    data.set((st, QDO.confidence, Literal("1.5", datatype=DEC)))
    v = only(check(data, ontology, shapes))
    assert (v.focus, v.path, v.value) == ("qdr:st-000000000001", "qdo:confidence", '"1.5"^^xsd:decimal')
    assert v.message == "qdo:confidence is not an xsd:decimal between 0 and 1 inclusive."


def test_statement_without_sentence(data, ontology, shapes):
    data.remove((QDR["st-000000000003"], PROV.wasDerivedFrom, None))
    v = only(check(data, ontology, shapes))
    assert (v.focus, v.path, v.value) == ("qdr:st-000000000003", "prov:wasDerivedFrom", "")
    assert v.message == "Statement has no prov:wasDerivedFrom sentence."


def test_negative_amount(data, ontology, shapes):
    data.set((PARK, QDO.totalInvestmentCNY, Literal("-5", datatype=DEC)))
    data.set((QDR["st-000000000006"], RDF.object, Literal("-5", datatype=DEC)))
    v = only(check(data, ontology, shapes))
    assert (v.path, v.value) == ("qdo:totalInvestmentCNY", '"-5"^^xsd:decimal')


def test_sentence_offsets(data, ontology, shapes):
    data.set((SENTENCE, NIF.beginIndex, Literal("200", datatype=ns.XSD.integer)))
    v = only(check(data, ontology, shapes))
    assert (v.focus, v.path) == ("qdr:art-860cbca26c24-1-s0", "nif:beginIndex")
    assert "greater than" in v.message


def test_statement_of_unasserted_triple_is_a_warning(data, ontology, shapes):
    data.remove((PLATFORM, QDO.operatedBy, COMPANY))
    report = check(data, ontology, shapes)
    v = only(report)
    assert report.conforms
    assert (v.severity, v.focus) == ("Warning", "qdr:st-000000000005")
    assert report.text().splitlines() == [
        "Warning: qdr:st-000000000005: Statement describes a triple that is not asserted in the graph.",
        "0 violation(s), 1 warning(s), 0 info(s): the graph conforms.",
    ]


def test_subclass_instance_is_checked_by_organization_shape(data, ontology, shapes):
    data.remove((COMPANY, QDO.mentionedIn, None))
    v = only(check(data, ontology, shapes))
    assert (v.focus, v.path, v.shape) == ("qdr:jingwei-1a2b3c4d", "qdo:mentionedIn", "qdsh:OrganizationShape")
    assert v.message == "Organization is not linked by qdo:mentionedIn to any sentence."
    assert check(data, ontology, shapes).text().startswith("Violation: 中石化經緯 (qdr:jingwei-1a2b3c4d)")
    # without the ontology's rdfs:subClassOf axiom the Company is not an Organization
    bare = check(data, Graph(), shapes)
    assert not any(x.shape == "qdsh:OrganizationShape" for x in bare.violations)


def test_results_are_sorted_and_raise(data, ontology, shapes):
    data.remove((PARK, RDFS.label, None))
    data.remove((COMPANY, QDO.mentionedIn, None))
    report = check(data, ontology, shapes)
    assert [v.focus for v in report.violations] == ["qdr:instrument-park-2a3b4c5d", "qdr:jingwei-1a2b3c4d"]
    assert report.violations == sorted(report.violations)
    with pytest.raises(ValidationError) as err:
        report.raise_if_invalid()
    assert err.value.exit_code == 6 and "2 violation(s)" in str(err.value)
    check(Graph().parse(DATA, format="turtle"), ontology, shapes).raise_if_invalid()


def test_dataset_is_validated_as_union(data, ontology, shapes):
    ds = Dataset()
    entities = ds.graph(URIRef("urn:test:entities"))
    rest = ds.graph(URIRef("urn:test:rest"))
    for s, p, o in data:
        (entities if p in (RDFS.label, QDO.mentionedIn) else rest).add((s, p, o))
    assert validate(ds, ontology=ontology, shapes=shapes).conforms


# regression test (bug fixed): broken shapes were reported as "does not conform" (exit 6); they
# are "could not run" (ShapesError, exit 7), as pySHACL tells the two apart
def test_broken_shapes_are_a_shapes_error_not_a_violation(data, ontology):
    bad = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetNode <urn:x> ; sh:property [ sh:minCount 1 ] .""", format="turtle")
    with pytest.raises(ShapesError, match="could not run|shapes are broken") as info:
        validate(data, ontology=ontology, shapes=bad)
    assert info.value.exit_code == 7 and "\n" not in info.value.message


def test_shapes_with_a_wrong_value_are_a_shapes_error(data, ontology):
    bad = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix qdo: <https://w3id.org/qdkg/ontology#> .
        <urn:s> a sh:NodeShape ; sh:targetClass qdo:Park ;
            sh:property [ sh:path qdo:locatedIn ; sh:minCount "many" ] .""", format="turtle")
    with pytest.raises(ShapesError, match=r'the SHACL shapes are broken: sh:minCount = "many"'):
        validate(data, ontology=ontology, shapes=bad)


def test_resource_lookup_falls_back_to_source_tree(monkeypatch):
    def missing(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(kv.importlib.resources, "files", missing)
    folder = kv.ontology_dir()
    assert folder == Path(kv.__file__).resolve().parents[2] / "ontology"
    if not (Path(kv.__file__).resolve().parents[2] / "pyproject.toml").is_file():
        pytest.skip("kg is installed outside the source tree: the fallback folder does not exist there")
    assert (folder / "qdkg.ttl").is_file() and (folder / "shapes.ttl").is_file()


def test_resource_lookup_prefers_installed_package(monkeypatch, tmp_path):
    (tmp_path / "qdkg.ttl").write_text("<urn:a> <urn:b> <urn:c> .", encoding="utf-8")
    monkeypatch.setattr(kv.importlib.resources, "files", lambda name: tmp_path)
    assert kv.ontology_dir() == tmp_path
    assert len(load_ontology()) == 1


def test_shapes_parse_with_pyoxigraph(shapes):
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load((kv.ontology_dir() / "shapes.ttl").read_bytes(), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(shapes) > 100


def test_inputs_are_not_modified(data, ontology, shapes):
    sizes = len(data), len(ontology), len(shapes)
    check(data, ontology, shapes)
    assert (len(data), len(ontology), len(shapes)) == sizes
