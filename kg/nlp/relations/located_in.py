"""locatedIn: where a project, park, platform or firm is, from a district at the start of its
name or from the district article that names it as built, opened or landed."""
from __future__ import annotations

import re
from functools import lru_cache

from kg.model import Mention, RelationMention
from kg.nlp.gazetteer import DISTRICT_FORMS, DIVISIONS, STREET_CHARS, canonical_district, level_of
from kg.nlp.relations.registry import relation_rule
from kg.nlp.script import normalise
from kg.nlp.relations.view import HOSTED, SentenceView

BROAD_PLACES = {"青岛市", "山东省", "中国", "北京市", "上海市"}
# the places whose name at the start of a name locates the thing: county-level units (a province's
# or a city's name at the start, 江苏大学, 广东商会, 烟台华泰医疗, says where it comes from)
LOCAL_PREFIXES = frozenset(f for f, full in DISTRICT_FORMS.items() if full not in BROAD_PLACES and len(f) >= 2
                           and level_of(full) not in ("province", "prefecture"))
ANY_PLACE = frozenset(f for f, full in DISTRICT_FORMS.items() if full not in BROAD_PLACES and len(f) >= 2)
_LONGEST = max(map(len, ANY_PLACE))


def _prefixes(key: str, room: int, among=LOCAL_PREFIXES):
    """The place forms (of `among`) `key` starts with, longest first, leaving `room` characters."""
    for n in range(min(_LONGEST, len(key) - room), 1, -1):
        if key[:n] in among:
            yield key[:n]


@lru_cache(maxsize=1024)
def _around(district: str) -> frozenset[str]:
    """The article's district and the units above it (市南区, 青岛市, 山东省)."""
    out, name = {district}, district
    while name in DIVISIONS and DIVISIONS[name].parent:
        name = DIVISIONS[name].parent
        out.add(name)
    return frozenset(out)


FOREIGN_START = re.compile(r"^(国家|全国|全省|中国|中央|国际|省|上海|北京|深圳|广州|天津|重庆|德国|美国|日本|韩国)")
LANDING = ("落地", "落户", "入驻", "进驻", "引进", "引入", "集聚", "聚集", "签约", "开业", "开工", "投产", "建成",
           "揭牌", "成立", "组建", "设立", "吸引", "招引", "注册", "挂牌")


def _prefix_at(key: str) -> str | None:
    """The local district form a name starts with (not a street named after it: 黄岛路…)."""
    return next((f for f in _prefixes(key, 2) if key[len(f)] not in STREET_CHARS), None)


def _text_span(text: str, key_start: int, key_end: int) -> tuple[int, int]:
    """Where key characters [key_start, key_end) stand in the written name, which may hold
    quotes and brackets the key drops (《即墨改革》… has the key 即墨改革…)."""
    kept = [i for i, c in enumerate(text) if normalise(c)]
    if key_end > len(kept):
        return key_start, key_end
    return kept[key_start], kept[key_end - 1] + 1


def _district(m: Mention, offset: int, form: str, sentence: int) -> Mention:
    """The district a name starts with, `offset` key characters in, as a mention of its own."""
    a, b = _text_span(m.text, offset, offset + len(form))
    return Mention(text=m.text[a:b], key=canonical_district(form), start=m.start + a, end=m.start + b,
                   types=("District",), sentence=sentence, rule="name-prefix", confidence=0.9)


@relation_rule(10, ("locatedIn-name-prefix", "locatedIn", 0.85))
def name_prefix(v: SentenceView) -> list[RelationMention]:
    """即墨经济开发区 -> 即墨区; 莱西莱阳一体化发展先行区 lies in both."""
    out: list[RelationMention] = []
    for m in v.entities:
        if not v.types(m) & HOSTED:
            continue
        form = _prefix_at(m.key)
        if form is None:
            continue
        v.add(out, m, "locatedIn-name-prefix", _district(m, 0, form, v.index))
        second = _prefix_at(m.key[len(form):])
        if second:
            v.add(out, m, "locatedIn-name-prefix", _district(m, len(form), second, v.index))
    return out


def _elsewhere(key: str, district: str) -> bool:
    """A name that places the thing outside the article's district (国家…, 上海…, 另一区…)."""
    if FOREIGN_START.match(key) and "青岛" not in key:
        return True
    home = _around(district)
    return any(key[len(f):len(f) + 1] not in STREET_CHARS
               for f in _prefixes(key, 0, ANY_PLACE) if canonical_district(f) not in home)


@relation_rule(30, ("locatedIn-article-context", "locatedIn", 0.45))
def article_context(v: SentenceView) -> list[RelationMention]:
    """What a district article names as built, opened, landed or hosted is in that district,
    unless its name places it elsewhere or it is a body: 市南区…项目落地."""
    out: list[RelationMention] = []
    ctx, subject, s = v.ctx, v.subject, v.text
    if ctx.district is None or (subject is not None and "District" in v.types(subject)
                                and subject.key != ctx.district.key):
        return out
    for m in v.entities:
        t = v.types(m)
        if "Initiative" in t or _elsewhere(m.key, ctx.district.key):
            continue
        ca, cb = v.clause(v.pos(m))
        after = s[v.end(m):cb]
        before = s[max(ca, v.pos(m) - 2):v.pos(m)]
        org_ok = "Organization" in t and any(w in after for w in LANDING) and not re.search("[与同和]$", before) \
            and "GovernmentBody" not in m.types and not re.search("联合|携手|与|会同", s[ca:v.pos(m)])
        if (t & {"Project", "Park"}) or org_ok or "School" in m.types:
            v.add(out, m, "locatedIn-article-context", ctx.district)
    return out
