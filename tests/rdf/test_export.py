"""kg.rdf.formats (formerly kg.export): the seed graph exported as Turtle, N-Triples, JSON-LD and
TriG parses back to the same graph, holds ontology and data, is deterministic; write_atomic
never leaves a half-written or temporary file."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from kg.errors import OutputError
from kg.pipeline.run import build
from kg.out.files import write_atomic
from kg.rdf.formats import export
from kg.rdf.store import GraphStore
from kg.rdf.vocab import ONTOLOGY_GRAPH, QDO, QDR_IRI

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
ARTICLES = [f"{QDR_IRI}art-23d41c965c43-{n}" for n in (1, 2, 3, 4)]


@pytest.fixture(scope="module")
def store(seed_store) -> GraphStore:
    return seed_store


@pytest.fixture(scope="module")
def ttl(store) -> bytes:
    return export(store, "ttl")


@pytest.fixture(scope="module")
def graph(ttl) -> Graph:
    return Graph().parse(data=ttl, format="turtle")


# ---- Turtle ---------------------------------------------------------------------------------

def test_turtle_round_trips_through_rdflib(store, graph):
    ref = store.to_rdflib()
    assert len(graph) == len(ref) == store.count_triples()
    assert len(graph) > 10000
    assert isomorphic(graph, ref)


def test_turtle_parses_with_pyoxigraph_to_same_count(store, ttl, graph):
    triples = list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))
    assert len(triples) == len(graph) == store.count_triples()


def test_turtle_declares_prefixes(ttl):
    head = ttl.decode("utf-8")
    for prefix in ("qdo", "qdr", "rdfs", "owl", "xsd", "nif", "dcterms"):
        assert re.search(rf"^@prefix {prefix}: <", head, re.M), prefix


def lang_labels(g: Graph, s) -> dict[str, str]:
    return {str(o.language).lower(): str(o) for o in g.objects(s, RDFS.label) if isinstance(o, Literal)}


def test_export_contains_the_ontology(graph):
    assert (URIRef(str(ONTOLOGY_GRAPH)), RDF.type, OWL.Ontology) in graph
    assert (QDO.Park, RDF.type, OWL.Class) in graph
    assert lang_labels(graph, QDO.Park) == {"zh-hant": "園區", "zh-hans": "园区", "en": "park"}
    for cls in ("District", "Initiative", "Project", "Organization", "Platform", "Park"):
        assert (QDO[cls], RDF.type, OWL.Class) in graph
        assert {"zh-hant", "zh-hans", "en"} <= set(lang_labels(graph, QDO[cls])), cls
    assert (QDO.Company, RDFS.subClassOf, QDO.Organization) in graph


def test_export_contains_the_data(graph):
    articles = sorted(str(a) for a in graph.subjects(RDF.type, QDO.Article))
    assert articles == ARTICLES
    a1 = URIRef(ARTICLES[0])
    assert str(graph.value(a1, URIRef("http://purl.org/dc/terms/title"))) == "市南:打造青島建設現代化國際大都市的樣板區"
    assert str(graph.value(a1, QDO.page)) == "特1"
    assert len(set(graph.subjects(RDF.type, QDO.Sentence))) == 517
    districts = {str(o).lower(): s for s in graph.subjects(RDF.type, QDO.District)
                 for o in graph.objects(s, RDFS.label)}
    assert "市南区" in districts and "市南區" in districts
    assert graph.value(a1, QDO.aboutDistrict) == districts["市南区"]
    assert len(set(graph.subjects(RDF.type, QDO.Park))) >= 1
    assert len(set(graph.subjects(RDF.type, RDF.Statement))) >= 1


def test_entity_iri_local_names_are_lowercase_ascii(graph):
    iris = {t for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith(QDR_IRI)}
    assert len(iris) > 500
    bad = sorted(str(i) for i in iris if not re.fullmatch(r"[a-z0-9-]+", str(i)[len(QDR_IRI):]))
    assert bad == []
    entities = {s for s in graph.subjects(RDFS.label, None) if str(s).startswith(QDR_IRI)}
    assert entities and all(re.fullmatch(r"[a-z0-9]+-[0-9a-f]{8}", str(e)[len(QDR_IRI):]) for e in entities)


# ---- other formats ------------------------------------------------------------------------------

def test_ntriples_parses_back(store, graph):
    nt = export(store, "nt")
    g = Graph().parse(data=nt, format="nt")
    assert len(g) == len(graph)
    assert isomorphic(g, graph)
    assert len(list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))) == len(graph)


def test_jsonld_parses_back(store, graph):
    data = export(store, "jsonld")
    json.loads(data)  # plain JSON first
    g = Graph().parse(data=data, format="json-ld")
    assert len(g) == len(graph)
    assert isomorphic(g, graph)


DATASET_GRAPH = "https://w3id.org/qdkg/resource/dataset"
ENTITIES_GRAPH = "https://w3id.org/qdkg/resource/entities"


def test_trig_has_one_graph_per_article_plus_ontology(store, graph):
    """One named graph per article, plus the ontology and the dataset description."""
    trig = export(store, "trig")
    quads = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
    names = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert names == set(ARTICLES) | {str(ONTOLOGY_GRAPH), DATASET_GRAPH, ENTITIES_GRAPH}
    assert not any(isinstance(q.graph_name, ox.DefaultGraph) for q in quads)
    assert len(quads) == len(store)
    # with rdflib too; its union equals the Turtle export
    ds = Dataset()
    ds.parse(data=trig, format="trig")
    named = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert named == set(ARTICLES) | {str(ONTOLOGY_GRAPH), DATASET_GRAPH, ENTITIES_GRAPH}
    union = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    assert isomorphic(union, graph)
    # the ontology graph holds the class declarations, article graphs hold the data
    onto = ds.graph(URIRef(str(ONTOLOGY_GRAPH)))
    assert (QDO.Park, RDF.type, OWL.Class) in onto
    art = ds.graph(URIRef(ARTICLES[0]))
    assert (URIRef(ARTICLES[0]), RDF.type, QDO.Article) in art
    assert (QDO.Park, RDF.type, OWL.Class) not in art


def test_unknown_format():
    with pytest.raises(OutputError, match=r"unknown format 'xml': choose one of ttl, nt, jsonld, trig, graphml, gexf"):
        export(GraphStore(), "xml")


# ---- determinism ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def second_ttl() -> bytes:
    st = GraphStore()
    build([SEEDS], st)
    return export(st, "ttl")


def test_building_twice_gives_the_same_graph(graph, second_ttl):
    assert isomorphic(graph, Graph().parse(data=second_ttl, format="turtle"))


def test_building_twice_gives_same_ground_triples(ttl, second_ttl):
    """Apart from blank-node labels, two builds give the same triples."""
    a, b = Graph().parse(data=ttl, format="turtle"), Graph().parse(data=second_ttl, format="turtle")
    ground = lambda g: {t for t in g if not any(type(x).__name__ == "BNode" for x in t)}  # noqa: E731
    assert ground(a) == ground(b)
    assert len(ground(a)) > 10000


# regression test (bug fixed): Turtle export is not byte-identical across builds. (1) the ontology's anonymou
def test_building_twice_gives_byte_identical_turtle(ttl, second_ttl):
    assert ttl == second_ttl


# ---- write_atomic ---------------------------------------------------------------------------------

def test_write_atomic_writes_and_replaces(tmp_path):
    target = tmp_path / "out" / "qdkg.ttl"
    assert write_atomic(target, "第一版\n", create_folder=True) == target
    assert target.read_text(encoding="utf-8") == "第一版\n"
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["qdkg.ttl"]


def test_write_atomic_failure_keeps_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "qdkg.ttl"
    target.write_bytes(b"old content")
    os.chmod(folder, 0o500)
    try:
        if os.access(folder, os.W_OK):
            # running as root: permissions do not stop us, so simulate a full disk at the rename
            def no_space(src, dst):
                raise OSError(28, "No space left on device")
            monkeypatch.setattr(os, "replace", no_space)
            expected = f"cannot write {target}: No space left on device; free some space or choose another path"
        else:
            expected = f"cannot write {target}: permission denied in {folder}; choose another path"
        with pytest.raises(OutputError) as info:
            write_atomic(target, b"new content that must not appear")
        msg = str(info.value)
        assert msg == expected
        assert "\n" not in msg and info.value.exit_code == 4
        assert target.read_bytes() == b"old content"
        assert sorted(p.name for p in folder.iterdir()) == ["qdkg.ttl"]
    finally:
        os.chmod(folder, 0o700)


def test_write_atomic_write_error_removes_temp(tmp_path, monkeypatch):
    target = tmp_path / "qdkg.ttl"
    target.write_bytes(b"old")

    def broken_fsync(fd):
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OutputError, match=r"^cannot write .*qdkg\.ttl: Input/output error;"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["qdkg.ttl"]


def test_write_atomic_into_a_file_as_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        write_atomic(blocker / "qdkg.ttl", b"data")
    assert str(info.value) == (f"cannot write {blocker / 'qdkg.ttl'}: {blocker} is a file, not a folder; "
                               "create it or choose another path")


# regression test (bug fixed): `kg export -o /no/such/dir/x.ttl` said "free some space or choose
# another path" (or, as root, made the folders); it says the folder does not exist
def test_write_atomic_into_a_missing_folder_says_so(tmp_path):
    target = tmp_path / "no" / "such" / "x.ttl"
    with pytest.raises(OutputError) as info:
        write_atomic(target, b"data")
    assert str(info.value) == (f"cannot write {target}: the folder {target.parent} does not exist; "
                               "create it or choose another path")
    assert not (tmp_path / "no").exists()


def test_turtle_export_describes_itself(ttl):
    """VoID/DCAT description of the export: title, source, created, rights, and a true triple count."""
    g = Graph().parse(data=ttl, format="turtle")
    void = "http://rdfs.org/ns/void#"
    ds = URIRef("https://w3id.org/qdkg/resource/dataset")
    assert (ds, RDF.type, URIRef(void + "Dataset")) in g
    assert int(g.value(ds, URIRef(void + "triples"))) == len(g)
    assert str(g.value(ds, URIRef("http://purl.org/dc/terms/source"))) == "000_860cbca26c24b5e4.txt"
    for p in ("title", "created", "rights"):
        assert g.value(ds, URIRef("http://purl.org/dc/terms/" + p)) is not None


def test_no_triple_is_stated_in_two_graphs(store):
    """The store's layout invariant: the union of graphs has no repeats (what keeps joins fast
    and lets count_quads stand for count_triples)."""
    assert store.count_quads() == store.count_triples()
