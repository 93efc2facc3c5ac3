"""kg eval: its own scorer, checked by hand on a tiny case and against the shared scorer."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from kg.errors import InputError
from kg.out.evaluate import evaluate, load_gold, norm, same_name

ROOT = Path(__file__).resolve().parents[2]
SHARED_SCORER = ROOT.parent / "shared" / "eval" / "score.py"
GOLD = sorted((ROOT / "tests" / "data" / "seed-gold").glob("*.json"))

TINY_TTL = """
@prefix qdo: <https://w3id.org/qdkg/ontology#> . @prefix qdr: <https://w3id.org/qdkg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
qdo:Company rdfs:subClassOf qdo:Organization .
qdr:d a qdo:District ; rdfs:label "市南區"@zh-Hant .
qdr:p a qdo:Park ; rdfs:label "青島科學儀器產業園"@zh-Hant ; qdo:totalInvestmentCNY "6800000000"^^xsd:decimal .
qdr:c a qdo:Company ; rdfs:label "华为公司"@zh-Hans .
qdr:x a qdo:Project ; rdfs:label "不在金标里"@zh-Hans .
qdr:c qdo:joinedPark qdr:p . qdr:p qdo:locatedIn qdr:d . qdr:c qdo:partner qdr:d .
"""
TINY_GOLD = {
    "doc": "tiny", "script": "zh-Hans",
    "entities": [
        {"id": "e1", "name": "市南区", "aliases": [], "types": ["District"], "optional": False},
        {"id": "e2", "name": "科学仪器产业园", "aliases": [], "types": ["Park"], "optional": False},
        {"id": "e3", "name": "华为", "aliases": [], "types": ["Project"], "optional": False},
        {"id": "e4", "name": "海天中心", "aliases": [], "types": ["Project"], "optional": False},
    ],
    "relations": [
        {"s": "e3", "p": "joinedPark", "o": "e2", "optional": False},
        {"s": "e2", "p": "locatedIn", "o": "e1", "optional": False},
        {"s": "e4", "p": "locatedIn", "o": "e1", "optional": False},
    ],
    "amounts": [{"s": "e2", "p": "totalInvestmentCNY", "value": 6800000000}],
}


def test_normalisation_and_lenient_match():
    assert norm("“青島科學儀器產業園”") == "青岛科学仪器产业园"
    assert norm("City Moves音樂現場") == "citymoves音乐现场"
    assert same_name("科学仪器产业园", "青岛科学仪器产业园", lenient=True)  # 7/9 >= 0.6
    assert not same_name("科学仪器产业园", "青岛科学仪器产业园", lenient=False)
    assert not same_name("华为", "华为公司很长的名字", lenient=True)


def test_tiny_case_by_hand(tmp_path):
    gold = tmp_path / "tiny.json"
    gold.write_text(json.dumps(TINY_GOLD, ensure_ascii=False), encoding="utf-8")
    g = Graph().parse(data=TINY_TTL, format="turtle")
    strict, lenient = evaluate(g, [gold])
    # strict: only 市南 matches exactly (after t2s); lenient adds the park (7/9) and 华为 (2/4 < 0.6: no)
    assert strict["entity"]["r"] == pytest.approx(1 / 4) and strict["entity"]["p"] == pytest.approx(1 / 4)
    assert lenient["entity"]["r"] == pytest.approx(2 / 4) and lenient["entity"]["p"] == pytest.approx(2 / 4)
    # relations: locatedIn park->district is the only one whose ends both match
    assert lenient["relation"]["r"] == pytest.approx(1 / 3)
    assert lenient["graph_relations"] == 3 and lenient["relation"]["p"] == pytest.approx(1 / 3)
    assert lenient["amounts"] == {"found": 1, "gold": 1}
    assert strict["amounts"] == {"found": 0, "gold": 1}


def test_bad_gold_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read gold file"):
        load_gold([bad])


@pytest.mark.skipif(not SHARED_SCORER.is_file(), reason="the shared scorer is not beside this checkout")
def test_same_figures_as_the_shared_scorer(tmp_path):
    from kg.pipeline.run import build
    from kg.rdf.formats import export
    from kg.rdf.store import GraphStore

    st = GraphStore()
    build([ROOT / "seeds"], st)
    ttl = tmp_path / "g.ttl"
    ttl.write_bytes(export(st, "ttl"))
    theirs = json.loads(subprocess.run([sys.executable, str(SHARED_SCORER), str(ttl), *map(str, GOLD), "--json"],
                                       capture_output=True, text=True, check=True).stdout)
    ours = evaluate(Graph().parse(ttl), GOLD)
    per_relation = [r.pop("per_relation") for r in ours]  # ours only: the scorer prints totals
    assert ours == theirs
    for totals, per in zip(ours, per_relation):  # per relation, the gold adds up to the total
        assert sum(x["gold"] for x in per.values()) == totals["gold_relations"]


STATEMENTS_TTL = TINY_TTL + """
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
qdr:st1 a rdf:Statement ; rdf:subject qdr:c ; rdf:predicate qdo:joinedPark ; rdf:object qdr:p ;
    qdo:extractedBy "joinedPark-settle" .
qdr:st2 a rdf:Statement ; rdf:subject qdr:p ; rdf:predicate qdo:locatedIn ; rdf:object qdr:d ;
    qdo:extractedBy "locatedIn-article-建设" .
qdr:st3 a rdf:Statement ; rdf:subject qdr:x ; rdf:predicate qdo:locatedIn ; rdf:object qdr:d ;
    qdo:extractedBy "locatedIn-article-打造" .
"""


def test_precision_by_rule_by_hand(tmp_path):
    from kg.out.evaluate import format_rules, precision_by_rule

    gold = tmp_path / "tiny.json"
    gold.write_text(json.dumps(TINY_GOLD, ensure_ascii=False), encoding="utf-8")
    rows = precision_by_rule(Graph().parse(data=STATEMENTS_TTL, format="turtle"), [gold])
    # lenient: 华为公司 does not match 华为 (2/4 < 0.6), so the joinedPark is not in the gold;
    # the two locatedIn-article-* statements are one family, one of its two relations is right
    assert rows == [{"rule": "locatedIn-article", "relations": 2, "in_gold": 1, "precision": 0.5},
                    {"rule": "joinedPark-settle", "relations": 1, "in_gold": 0, "precision": 0.0}]
    assert format_rules(rows).splitlines() == [
        "rule               relations  in gold  precision",
        "locatedIn-article          2        1       0.50",
        "joinedPark-settle          1        0       0.00"]


def test_calibration_table_names_rules_the_seed_produces_and_shrinks_to_the_prior(seed_store):
    from kg.nlp.relations.registry import all_rules
    from kg.resolve.calibration import MEASURED, PRIOR_WEIGHT, calibrated
    from kg.out.evaluate import precision_by_rule

    measured = {r["rule"]: (r["in_gold"], r["relations"]) for r in precision_by_rule(seed_store.to_rdflib(), GOLD)}
    assert measured.pop("pair-scorer")  # the scorer's relations carry its own probability, not a rule's precision
    assert measured == MEASURED  # re-measure (kg eval --by-rule) when a rule changes
    assert set(MEASURED) <= set(all_rules())  # the calibration names registered rules only
    assert MEASURED["partOf-core"] == (5, 5)  # right five times in five: shrunk, not 1.0
    assert calibrated("partOf-core", 0.6) == round((5 + PRIOR_WEIGHT * 0.6) / (5 + PRIOR_WEIGHT), 2) == 0.82
    hits, total = MEASURED["ledBy-verb"]
    assert calibrated("ledBy-verb-打造", 0.55) == round((hits + PRIOR_WEIGHT * 0.55) / (total + PRIOR_WEIGHT), 2)
    assert calibrated("a-rule-never-measured", 0.55) == 0.55
    assert calibrated("pair-scorer", 0.734) == 0.73
