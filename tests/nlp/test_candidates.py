"""kg.nlp.relations.candidates and scorer: every pair the types admit is a candidate, its
features say what stands between, never a name; the scorer adds only what no rule stated, and
vetoes a rule's relation only below the relation's veto."""
import json

import pytest

from kg.errors import InputError
from kg.inputs.structure import parse
from kg.model import Source
from kg.nlp.extract import extract_article
from kg.nlp.relations import scorer as S
from kg.nlp.relations.scorer import PairScorer
from kg.nlp.script import to_simplified, to_traditional

TEXT = "市南：测试\n华峰科技公司入驻青岛海洋数字产业园。\n"


def _extract(text, scorer=None, keep=True):
    src = Source(path="c.txt", name="c.txt", text=text, encoding="utf-8", digest="0" * 12)
    (article,) = parse(src)
    return extract_article(article, text, to_simplified(text), scorer=scorer, keep_candidates=keep)


@pytest.mark.parametrize("convert", [str, to_traditional])
def test_candidates_of_a_sentence(convert):
    ex = _extract(convert(TEXT))
    got = {(c.subject.key, c.predicate, c.object.key): c for c in ex.candidates}
    c = got[("华峰科技公司", "joinedPark", "青岛海洋数字产业园")]
    assert {"joinedPark|order:so", "joinedPark|w:入驻", "joinedPark|trig-so:settle", "joinedPark|rank-s:0",
            "joinedPark|rule:joinedPark-settle"} <= set(c.named_features())
    assert ("青岛海洋数字产业园", "locatedIn", "市南区") in got  # with the article's district
    for f in (f for c in ex.candidates for f in c.named_features()):
        assert "华峰" not in f and "海洋数字" not in f


def test_no_candidates_kept_unless_asked():
    assert _extract(TEXT, keep=False).candidates == []


def test_scorer_adds_only_what_no_rule_stated():
    rules_only = {(r.subject.key, r.predicate, r.object.key) for r in _extract(TEXT).relations}
    eager = PairScorer({"joinedPark": 5.0, "partner": 5.0}, {"joinedPark": 0.5, "partner": 0.5})
    ex = _extract(TEXT, scorer=eager)
    added = [r for r in ex.relations if r.rule == "pair-scorer"]
    assert {(r.subject.key, r.predicate, r.object.key) for r in ex.relations} >= rules_only
    assert all(r.predicate in ("joinedPark", "partner") and r.confidence > 0.99 for r in added)
    assert not any((r.subject.key, r.predicate, r.object.key) in rules_only for r in added)


def test_scorer_vetoes_what_it_disbelieves():
    doubter = PairScorer({"joinedPark": -9.0}, {}, vetoes={"joinedPark": 0.5})
    rules_only = {(r.subject.key, r.predicate, r.object.key) for r in _extract(TEXT).relations}
    got = {(r.subject.key, r.predicate, r.object.key) for r in _extract(TEXT, scorer=doubter).relations}
    assert ("华峰科技公司", "joinedPark", "青岛海洋数字产业园") in rules_only
    assert got == {k for k in rules_only if k[1] != "joinedPark"}
    without_veto = PairScorer({"joinedPark": -9.0}, {})
    assert {(r.subject.key, r.predicate, r.object.key) for r in _extract(TEXT, scorer=without_veto).relations} \
        == rules_only


def test_unknown_relations_are_never_added():
    ex = _extract(TEXT, scorer=PairScorer({"ledBy": 9.0}, {}))
    assert not [r for r in ex.relations if r.rule == "pair-scorer"]


def test_a_broken_weights_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "w.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read model weights .*retrain with `kg train`"):
        PairScorer.load(bad)


def test_shipped_scorer_names_what_it_learnt_from():
    shipped = json.loads(S.WEIGHTS_FILE.read_text(encoding="utf-8"))
    manifest = json.loads((S.WEIGHTS_FILE.parent / shipped["about"]["manifest"]).read_text(encoding="utf-8"))
    assert len(manifest) == shipped["about"]["articles"]
    assert set(shipped["thresholds"]) == {"locatedIn", "joinedPark", "ledBy", "partner", "partOf", "operatedBy"}
    assert all(a["file"] and a["chars"] > 0 and len(a["sha1"]) == 12 for a in manifest)


def test_article_features_count_the_pair_across_sentences():
    """A pair offered in two sentences, stated by a rule in one, says so in each candidate."""
    from kg.model import Mention
    from kg.nlp.relations.candidates import Candidate, article_features

    firm = Mention("华峰公司", "华峰公司", 0, 4, ("Company",), 0, "suffix", 0.9)
    park = Mention("海洋产业园", "海洋产业园", 5, 10, ("Park",), 0, "suffix", 0.9)
    other = Mention("云帆公司", "云帆公司", 20, 24, ("Company",), 1, "suffix", 0.9)
    cs = [Candidate(firm, "joinedPark", park, 0, [], rule="joinedPark-settle"),
          Candidate(firm, "joinedPark", park, 1, []), Candidate(other, "joinedPark", park, 1, [])]
    article_features(cs)
    assert cs[0].own == cs[1].own == ["art-pair:2", "art-stated:1", "art-subj:3", "art-obj:3"]
    assert cs[2].own == ["art-pair:1", "art-stated:0", "art-subj:1", "art-obj:3"]
