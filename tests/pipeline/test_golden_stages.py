"""Golden tests of the stages after kg.inputs.structure (which has its own): extraction, resolution
and the RDF graph, each pinned on the seed. A change that moves any of them fails here with
the first difference; when the change is intended, regenerate with QDKG_REGEN_GOLDEN=1 and
review the diff of tests/data/golden/ like code.

The graph golden is compared with rdflib.compare.isomorphic (as morph-kgc does), without the
dataset description, whose dcterms:created is the build date."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import graph_diff, isomorphic

from kg.rdf.graph import ArticleIndex, article_graph, entities_graph
from kg.pipeline.run import extract_source, resolve_all
from kg.inputs.read import read_source

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_860cbca26c24b5e4.txt"
GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
REGEN = os.environ.get("QDKG_REGEN_GOLDEN") == "1"


def _dump_lines(rows: list) -> str:
    """A JSON list with one row per line, so a regeneration diffs line by line."""
    return "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n"


def _check(name: str, rows: list) -> None:
    path = GOLDEN / name
    if REGEN:
        path.write_text(_dump_lines(rows), encoding="utf-8")
    assert path.is_file(), f"missing {path}: run with QDKG_REGEN_GOLDEN=1 once"
    expected = json.loads(path.read_text(encoding="utf-8"))
    got = json.loads(_dump_lines(rows))
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g == e, f"{name}, row {i}: got {g}, golden {e}"
    assert len(got) == len(expected), f"{name}: {len(got)} rows, golden has {len(expected)}"


@pytest.fixture(scope="module")
def extracted():
    return extract_source(read_source(SEED))


@pytest.fixture(scope="module")
def resolved(extracted):
    return resolve_all(extracted)


def test_golden_extraction(extracted):
    rows = []
    for ex, script in extracted:
        a = ex.article.id
        rows += [["mention", a, m.sentence, m.start, m.end, m.text, m.key, list(m.types), m.rule, m.confidence]
                 for m in ex.mentions]
        rows += [["relation", a, r.sentence, r.subject.key, r.predicate, r.object.key, r.rule, r.confidence]
                 for r in ex.relations]
        rows += [["amount", a, x.sentence, x.subject.key, x.predicate, str(x.value), x.text, x.rule]
                 for x in ex.amounts]
        rows += [["date", a, x.sentence, x.subject.key, x.predicate, x.value, x.text, x.rule] for x in ex.dates]
    _check("extract-seed.json", rows)


def test_golden_resolution(resolved):
    rows = [["entity", e.key, e.label, e.label_hans, e.label_hant, sorted(e.types), sorted(e.alt_labels),
             e.label_en, e.label_pinyin, len(e.mentions)] for e in sorted(resolved.entities.values(),
                                                                          key=lambda e: e.key)]
    rows += [["fact", f.subject, f.predicate, f.object, f.article, f.sentence, f.rule] for f in resolved.facts]
    rows += [["amount", x.subject, x.predicate, str(x.value), x.article, x.sentence] for x in resolved.amounts]
    rows += [["date", x.subject, x.predicate, x.value, x.article, x.sentence] for x in resolved.dates]
    _check("resolve-seed.json", rows)


def test_golden_graph(extracted, resolved):
    index = ArticleIndex.of(resolved)
    scripts = {ex.article.id: sc for ex, sc in extracted}
    ds = Dataset()
    for ex, _ in extracted:
        g = ds.graph(f"https://w3id.org/qdkg/resource/{ex.article.id}")
        for t in article_graph(resolved, ex.article, scripts[ex.article.id], index):
            g.add(t)
    entities = ds.graph("https://w3id.org/qdkg/resource/entities")
    for t in entities_graph(resolved):
        entities.add(t)
    path = GOLDEN / "graph-seed.nq"
    lines = sorted(set(ds.serialize(format="nquads", encoding="utf-8").decode("utf-8").splitlines()) - {""})
    nquads = "\n".join(lines) + "\n"  # sorted lines: a regeneration diffs line by line
    if REGEN:
        path.write_text(nquads, encoding="utf-8")
    assert path.is_file(), f"missing {path}: run with QDKG_REGEN_GOLDEN=1 once"
    golden = Dataset().parse(path, format="nquads")
    ds = Dataset().parse(data=nquads, format="nquads")  # both sides through N-Quads: 3.1E8 and 310000000 alike
    names = sorted(str(g.identifier) for g in ds.graphs() if len(g))
    assert names == sorted(str(g.identifier) for g in golden.graphs() if len(g))
    for name in names:
        got, want = Graph(), Graph()
        for t in ds.graph(name):
            got.add(t)
        for t in golden.graph(name):
            want.add(t)
        if not isomorphic(got, want):
            _, only_got, only_want = graph_diff(got, want)
            first = sorted(only_got)[:3], sorted(only_want)[:3]
            pytest.fail(f"graph {name}: {len(only_got)} triples not in the golden, {len(only_want)} missing; "
                        f"first of each: {first}")
