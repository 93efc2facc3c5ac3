"""kg.nlp.mentions.keep: a mention's features never hold its name; what the filter drops goes
with its relations and amounts; districts are never dropped; QDKG_MENTION_FILTER chooses."""

import pytest

from kg.inputs.structure import parse
from kg.model import Source
from kg.nlp.extract import extract_article
from kg.nlp.mentions.keep import MentionFilter
from kg.nlp.script import to_simplified, to_traditional

TEXT = "市南：测试\n华峰科技公司入驻青岛海洋数字产业园，项目总投资12亿元。\n"


def _extract(text, keeper, keep=False):
    src = Source(path="c.txt", name="c.txt", text=text, encoding="utf-8", digest="0" * 12)
    (article,) = parse(src)
    return extract_article(article, text, to_simplified(text), scorer=None, keeper=keeper, keep_candidates=keep)


@pytest.mark.parametrize("convert", [str, to_traditional])
def test_features_say_what_a_mention_is_never_its_name(convert):
    ex = _extract(convert(TEXT), None, keep=True)
    feats = {m.key: f for m, f in ex.mention_features}
    assert {"rule:suffix", "type:Park", "h2:业园", "propn"} <= set(feats["青岛海洋数字产业园"])
    assert "市南区" not in feats  # districts are never filtered
    assert not any("华峰" in f or "海洋数字" in f for fs in feats.values() for f in fs)


def test_what_is_dropped_goes_with_its_relations_and_amounts():
    kept = _extract(TEXT, None)
    assert any(r.object.key == "青岛海洋数字产业园" for r in kept.relations) and kept.amounts
    parks_out = MentionFilter({"mention": 3.0, "mention|type:Park": -9.0}, {"mention": 0.5})
    ex = _extract(TEXT, parks_out)
    assert {m.key for m in ex.mentions} == {m.key for m in kept.mentions} - {"青岛海洋数字产业园"}
    assert not any("青岛海洋数字产业园" in (r.subject.key, r.object.key) for r in ex.relations)
    assert not any(a.subject.key == "青岛海洋数字产业园" for a in ex.amounts)
