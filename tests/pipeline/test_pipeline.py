"""Pipeline: build, ingest, remove, --jobs and script independence."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from kg.model import RELATIONS
from kg.pipeline.run import build, ingest, list_articles, remove
from kg.nlp.script import to_simplified
from kg.rdf.formats import export
from kg.rdf.store import GraphStore
from kg.rdf.vocab import QDO_IRI

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_860cbca26c24b5e4.txt"


@pytest.fixture(scope="module")
def halves(tmp_path_factory):
    """The seed split into two files of two pages each (A: 特1-特2, B: 特3-特4)."""
    text = SEED.read_text(encoding="utf-8")
    cut = text.index("青島日報2021年12月1日特3版")
    d = tmp_path_factory.mktemp("halves")
    (d / "a.txt").write_text(text[:cut], encoding="utf-8")
    (d / "b.txt").write_text(text[cut:], encoding="utf-8")
    return d / "a.txt", d / "b.txt"


@pytest.fixture(scope="module")
def both(halves):
    st = GraphStore()
    build(list(halves), st)
    return export(st, "ttl")


def test_ingest_after_build_equals_one_build(halves, both, tmp_path):
    st = GraphStore(tmp_path / "s")
    build([halves[0]], st)
    report = ingest([halves[1]], st)
    assert report.added == 2 and report.articles == 4
    assert export(st, "ttl") == both


def test_reingest_changes_nothing(halves, both):
    st = GraphStore()
    build(list(halves), st)
    before = st.count_triples()
    ingest([halves[1]], st)
    assert st.count_triples() == before
    assert export(st, "ttl") == both


def test_ingest_and_remove_rewrite_only_the_article_graphs_that_changed(halves, both, tmp_path, monkeypatch):
    import kg.pipeline.write as pipeline

    written: list[str] = []
    original = pipeline.article_graph

    def spy(resolved, article, script, index=None):
        written.append(article.source)
        return original(resolved, article, script, index)

    monkeypatch.setattr(pipeline, "article_graph", spy)
    st = GraphStore(tmp_path / "s")
    build([halves[0]], st)
    assert written == ["a.txt", "a.txt"]
    written.clear()
    ingest([halves[1]], st)
    assert sorted(written) == ["b.txt", "b.txt"]  # a.txt's graphs did not change: left in place
    assert export(st, "ttl") == both
    written.clear()
    ingest([halves[1]], st)  # the same file again: nothing to write
    assert written == [] and export(st, "ttl") == both
    remove(st, ["b.txt"])
    assert written == []


def test_remove_equals_build_of_the_rest(halves, tmp_path):
    st = GraphStore(tmp_path / "s")
    build(list(halves), st)
    removed = remove(st, ["b.txt"])
    assert len(removed) == 2
    only_a = GraphStore()
    build([halves[0]], only_a)
    assert export(st, "ttl") == export(only_a, "ttl")
    assert [a["source"] for a in list_articles(st)] == ["a.txt", "a.txt"]


def test_edited_file_replaces_its_articles(halves, tmp_path):
    st = GraphStore()
    build(list(halves), st)
    edited = tmp_path / "b.txt"
    edited.write_text(halves[1].read_text(encoding="utf-8").split("青島日報2021年12月1日特4版")[0],
                      encoding="utf-8")
    ingest([edited], st)
    assert sorted(a["source"] for a in list_articles(st)) == ["a.txt", "a.txt", "b.txt"]


def test_jobs_give_identical_output(halves, both):
    st = GraphStore()
    build(list(halves), st, jobs=2)
    assert export(st, "ttl") == both


def _facts(st: GraphStore):
    g = st.to_rdflib()
    ents = {s for s, _, c in g.triples((None, RDF.type, None)) if str(c).startswith(QDO_IRI)
            and str(c)[len(QDO_IRI):] not in ("Article", "Sentence")}
    rels = {(s, p, o) for p in (URIRef(QDO_IRI + r) for r in RELATIONS) for s, _, o in g.triples((None, p, None))}
    return ents, rels


def test_simplified_article_gives_the_same_entities_and_relations(tmp_path):
    hans = tmp_path / "hans.txt"
    hans.write_text(to_simplified(SEED.read_text(encoding="utf-8")), encoding="utf-8")
    a, b = GraphStore(), GraphStore()
    build([SEED], a)
    build([hans], b)
    ents_a, rels_a = _facts(a)
    ents_b, rels_b = _facts(b)
    assert len(ents_a) > 400
    assert ents_a == ents_b
    assert rels_a == rels_b


def test_remove_unknown_article(halves):
    st = GraphStore()
    build([halves[0]], st)
    from kg.errors import InputError
    with pytest.raises(InputError, match="kg articles"):
        remove(st, ["nope.txt"])


# regression test (bug fixed): the contract lets a Park join or be part of a Park (a sub-park of a
# zone), but the graph dropped every such fact
def test_a_park_inside_a_zone_is_part_of_it(tmp_path):
    article = tmp_path / "zone.txt"
    article.write_text("武汉开发区招商提速\n武汉开发区智慧生态产业园今年开园。\n", encoding="utf-8")
    st = GraphStore()
    build([article], st)
    g = st.to_rdflib()
    labels = {str(o): s for s, o in g.subject_objects(URIRef("http://www.w3.org/2000/01/rdf-schema#label"))}
    part, zone = labels["武汉开发区智慧生态产业园"], labels["武汉开发区"]
    assert (part, URIRef(QDO_IRI + "partOf"), zone) in g
