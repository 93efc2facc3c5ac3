"""Span rules from reference data: administrative units of the gazetteer (districts, counties,
cities, provinces; a city followed by one of its districts) and well-known bodies."""
from __future__ import annotations

import re

from kg.model import Token
from kg.nlp.gazetteer import (DISTRICT_FORMS, DISTRICT_RE, HAND_FORMS, NATIONAL_BODIES, STREET_CHARS,
                              canonical_district, counties_after_cities, level_of)
from kg.nlp.mentions.spans import Span, tok_index


def district_spans(s: str, tokens: list[Token]) -> list[Span]:
    """Administrative units. A form from the national table must stand on token boundaries
    (康乐 inside 健康乐园 is no county); the hand-made tables' forms are taken anywhere."""
    starts, ends = tok_index(tokens)
    out = []
    for a, b, county, city in counties_after_cities(s):  # 上海黄浦区, 无锡锡山: the county, after its city
        if city in HAND_FORMS or a in starts:
            out.append(Span(a, b, ("District",), "gazetteer-composite", 0.9, canonical=county))
    for m in DISTRICT_RE.finditer(s):
        form = m.group()
        nxt = s[m.end():m.end() + 1]
        if nxt and nxt in STREET_CHARS and DISTRICT_FORMS[form] != form:
            continue  # 黄岛路, 青岛湾: a street or place named after the district
        if form not in HAND_FORMS and not (m.start() in starts and m.end() in ends):
            continue
        out.append(Span(m.start(), m.end(), ("District",), "gazetteer", 0.95, canonical=canonical_district(form)))
    return out


def named_counties(text: str) -> set[str]:
    """The counties a text names in full (锡山区) or right after their city (无锡锡山)."""
    found = {a[2] for a in counties_after_cities(text)}
    found |= {canonical_district(m.group()) for m in DISTRICT_RE.finditer(text)}
    return {n for n in found if level_of(n) == "county"}


def county_short_spans(s: str, tokens: list[Token], shorts: dict[str, str], taken: list[tuple[int, int]]) -> list[Span]:
    """The bare short forms (锡山) of counties the article names (county_short_forms), on token
    boundaries and outside the spans `taken`: in 筑梦新锡山 or 为锡山产业…, the county."""
    starts, ends = tok_index(tokens)
    out = []
    for form, county in shorts.items():
        for m in re.finditer(re.escape(form), s):
            a, b = m.span()
            if a in starts and b in ends and not any(x < b and a < y for x, y in taken):
                out.append(Span(a, b, ("District",), "gazetteer-short", 0.85, canonical=county))
    return out


NATIONAL_RE = re.compile("|".join(sorted((re.escape(x) for x in NATIONAL_BODIES), key=len, reverse=True)))


def body_spans(s: str) -> list[Span]:
    """Well-known national and provincial bodies (国务院, 工信部, 省委, 央视 ...)."""
    return [Span(m.start(), m.end(), ("GovernmentBody",), "gazetteer-body", 0.85) for m in NATIONAL_RE.finditer(s)
            if not (m.group() in ("省委", "市委", "区委", "县委") and s[m.end():m.end() + 1] in "书记常委")]
