"""kg.learn.labels: a candidate is right when the gold relates the entities its ends name."""
import json

import pytest

from kg.errors import InputError
from kg.learn.labels import read_gold_dir
from kg.model import Mention
from kg.nlp.relations.candidates import Candidate

GOLD = {"doc": "case01", "entities": [
    {"id": "e1", "name": "華峰科技公司", "aliases": ["華峰科技"], "types": ["Organization"]},
    {"id": "e2", "name": "青島海洋數字產業園", "types": ["Park"]},
    {"id": "e3", "name": "海尔集团", "types": ["Organization"]}],
    "relations": [{"s": "e1", "p": "joinedPark", "o": "e2"}, {"s": "e3", "p": "partner", "o": "e1", "optional": True}]}


def _m(key, types):
    return Mention(text=key, key=key, start=0, end=len(key), types=types, sentence=0, rule="t")


@pytest.fixture
def doc(tmp_path):
    (tmp_path / "case01.gold.json").write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    return read_gold_dir(tmp_path)["case01"]


def test_labels_follow_the_gold_across_scripts_and_short_forms(doc):
    firm, park = _m("华峰科技", ("Company",)), _m("青岛海洋数字产业园", ("Park",))
    assert doc.confirms(Candidate(firm, "joinedPark", park, 0, []))
    assert not doc.confirms(Candidate(park, "joinedPark", firm, 0, []))
    assert not doc.confirms(Candidate(firm, "ledBy", park, 0, []))


def test_partner_is_either_way_round_and_optional_counts_as_right_not_required(doc):
    a, b = _m("华峰科技公司", ("Company",)), _m("海尔集团", ("Company",))
    assert doc.confirms(Candidate(a, "partner", b, 0, []))
    (firm,), (park,) = doc.ids_of("華峰科技公司"), doc.ids_of("青島海洋數字產業園")
    assert doc.required == {(firm, "joinedPark", park)}


def test_a_folder_without_gold_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match="no gold files"):
        read_gold_dir(tmp_path)
