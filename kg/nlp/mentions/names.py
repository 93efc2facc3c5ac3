"""Span rules from reference data: administrative units of the gazetteer (districts, counties,
cities, provinces; a city followed by one of its districts) and well-known bodies."""
from __future__ import annotations

import re

from kg.model import Token
from kg.nlp.gazetteer import (DISTRICT_FORMS, DISTRICT_RE, DIVISIONS, HAND_FORMS, NATIONAL_BODIES, STREET_CHARS,
                              canonical_district)
from kg.nlp.mentions.spans import CITY_COUNTY_RE, Span, tok_index


def district_spans(s: str, tokens: list[Token]) -> list[Span]:
    """Administrative units. A form from the national table must stand on token boundaries
    (康乐 inside 健康乐园 is no county); the hand-made tables' forms are taken anywhere."""
    starts, ends = tok_index(tokens)
    out = []
    for m in CITY_COUNTY_RE.finditer(s):  # 上海黄浦区, 南京市江宁区: the county, named after its city
        city, county = canonical_district(m.group(1)), DIVISIONS.get(m.group(2))
        if county is not None and city in (county.parent, DIVISIONS.get(county.parent, county).parent) \
                and (m.group(1) in HAND_FORMS or m.start() in starts):
            out.append(Span(m.start(), m.end(), ("District",), "gazetteer-composite", 0.9, canonical=m.group(2)))
    for m in DISTRICT_RE.finditer(s):
        form = m.group()
        nxt = s[m.end():m.end() + 1]
        if nxt and nxt in STREET_CHARS and DISTRICT_FORMS[form] != form:
            continue  # 黄岛路, 青岛湾: a street or place named after the district
        if form not in HAND_FORMS and not (m.start() in starts and m.end() in ends):
            continue
        out.append(Span(m.start(), m.end(), ("District",), "gazetteer", 0.95, canonical=canonical_district(form)))
    return out


NATIONAL_RE = re.compile("|".join(sorted((re.escape(x) for x in NATIONAL_BODIES), key=len, reverse=True)))


def body_spans(s: str) -> list[Span]:
    """Well-known national and provincial bodies (国务院, 工信部, 省委, 央视 ...)."""
    return [Span(m.start(), m.end(), ("GovernmentBody",), "gazetteer-body", 0.85) for m in NATIONAL_RE.finditer(s)
            if not (m.group() in ("省委", "市委", "区委", "县委") and s[m.end():m.end() + 1] in "书记常委")]
