"""The mention filter: a logistic regression (kg.nlp.linear) over a mention's own features that
drops what the span rules found but is no name: generic facilities (专业化产业园区), counts of
things (10个…企业项目), descriptions with a real head. It runs after relations are decided, so a
dropped mention takes its relations and amounts with it; administrative units are never dropped.

Features: the span rule, the types, the last one and two characters of the name, its length and
token count, the first token's tag, whether a token inside is a proper noun, digits, Latin
letters, quotes, whether the whole name is a dictionary word, the verbs and function words inside
it (no noun: names are nouns), the plain words around it (kg.nlp.relations.candidates._plain),
a count right before it.
Weights in kg/nlp/data/mention-filter.json; QDKG_MENTION_FILTER=FILE|none as QDKG_PAIR_SCORER."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from kg.model import Extraction, Mention, Token
from kg.nlp.linear import LinearModel, Shipped
from kg.nlp.relations.candidates import WORD_TAGS, _bucket, _plain
from kg.nlp.segment import Segmenter

PROPER_TAGS = ("ns", "nr", "nz", "nt", "eng", "j")
COUNT_BEFORE_RE = re.compile(r"(\d+|[一二三四五六七八九十百千两几多]+)(余|多)?(个|家|项|座|批|类)$")


class MentionFilter(LinearModel):
    """Weights of the group `mention` and its threshold."""

    def keeps(self, features: list[str]) -> bool:
        return self.score("mention", features) >= self.thresholds.get("mention", 0.0)


SHIPPED = Shipped(MentionFilter, "mention-filter.json", "QDKG_MENTION_FILTER")


def default_filter() -> MentionFilter | None:
    """The filter of QDKG_MENTION_FILTER (a weights file, or `none`), else the shipped one."""
    return SHIPPED.get()


def sentence_features(mentions: list[Mention], s: str, sent_start: int, tokens: list[Token],
                      seg: Segmenter) -> dict[int, list[str]]:
    """The features of each mention (by id) of the Simplified sentence `s` but its districts."""
    starts, ends = [t.start for t in tokens], [t.end for t in tokens]
    return {id(m): mention_features(m, s, sent_start, tokens, seg, starts, ends)
            for m in mentions if "District" not in m.types}


def mention_features(m: Mention, s: str, sent_start: int, tokens: list[Token], seg: Segmenter,
                     starts: list[int], ends: list[int]) -> list[str]:
    """The features of one mention of the Simplified sentence `s` (its tokens, their starts and ends)."""
    a, b = m.start - sent_start, m.end - sent_start
    key = m.key
    inside = tokens[bisect_left(starts, a):bisect_right(ends, b)]
    f = ["rule:" + re.sub(r"-[\u4e00-\u9fff]+$", "", m.rule), *("type:" + t for t in m.types),
         "h1:" + key[-1:], "h2:" + key[-2:], "len:" + _bucket(len(key), (2, 3, 4, 6, 8, 12, 16)),
         "ntok:" + _bucket(len(inside), (1, 2, 3, 5))]
    if inside:
        f.append("p0:" + inside[0].pos)
    for name, test in (("propn", any(t.pos.startswith(PROPER_TAGS) for t in inside)),
                       ("digit", bool(re.search(r"\d", key))), ("latin", bool(re.search(r"[a-z]", key))),
                       ("quoted", bool(re.search(r"[“《「]", m.text))), ("dictword", seg.frequency(key) > 0),
                       ("after-count", bool(COUNT_BEFORE_RE.search(s[max(0, a - 6):a])))):
        if test:
            f.append(name)
    f += ["in:" + t.word for t in inside if t.pos[:1] in WORD_TAGS and len(t.word) <= 4]
    i, j = bisect_right(ends, a) - 1, bisect_left(starts, b)
    if i >= 0 and _plain(tokens[i].word, tokens[i].pos):
        f.append("L:" + tokens[i].word)
    if j < len(tokens) and _plain(tokens[j].word, tokens[j].pos):
        f.append("R:" + tokens[j].word)
    return f


def dropped(features: dict[int, list[str]], keeper: MentionFilter) -> set[int]:
    """The ids of the mentions (by id, with their features) the filter does not keep."""
    return {k for k, f in features.items() if not keeper.keeps(f)}


def without(ex: Extraction, drop: set[int]) -> Extraction:
    """The extraction without the mentions of `drop` and what was said of them."""
    if not drop:
        return ex

    def gone(m: Mention) -> bool:
        return id(m) in drop

    return Extraction(ex.article, [m for m in ex.mentions if not gone(m)],
                      [r for r in ex.relations if not gone(r.subject) and not gone(r.object)],
                      [a for a in ex.amounts if not gone(a.subject)], [d for d in ex.dates if not gone(d.subject)],
                      ex.candidates, ex.mention_features)
