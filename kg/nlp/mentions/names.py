"""Span rules from reference data: administrative units of the gazetteer (districts, counties,
cities, provinces; a city followed by one of its districts) and well-known bodies."""
from __future__ import annotations

import re

from kg.nlp import lexicon as L
from kg.nlp.gazetteer import DISTRICT_FORMS, NATIONAL_BODIES, STREET_CHARS, canonical_district
from kg.nlp.mentions.spans import COMPOSITE_DISTRICT_RE, DISTRICT_RE, Span


def district_spans(s: str) -> list[Span]:
    out = []
    for m in COMPOSITE_DISTRICT_RE.finditer(s):
        if m.group(2)[:-1] in ("主城", "老城", "城", "市", "新城", "中心城", "市辖", "城市") or \
                any(m.group(2).endswith(x) for x, t in L.SUFFIX_TYPES.items() if "Park" in t):
            continue  # 青岛高新区 is a zone, not a county
        out.append(Span(m.start(), m.end(), ("District",), "gazetteer-composite", 0.9, canonical=m.group()))
    for m in DISTRICT_RE.finditer(s):
        form = m.group()
        nxt = s[m.end():m.end() + 1]
        if nxt and nxt in STREET_CHARS and DISTRICT_FORMS[form] != form:
            continue  # 黄岛路, 青岛湾: a street or place named after the district
        out.append(Span(m.start(), m.end(), ("District",), "gazetteer", 0.95, canonical=canonical_district(form)))
    return out


NATIONAL_RE = re.compile("|".join(sorted((re.escape(x) for x in NATIONAL_BODIES), key=len, reverse=True)))


def body_spans(s: str) -> list[Span]:
    """Well-known national and provincial bodies (国务院, 工信部, 省委, 央视 ...)."""
    return [Span(m.start(), m.end(), ("GovernmentBody",), "gazetteer-body", 0.85) for m in NATIONAL_RE.finditer(s)
            if not (m.group() in ("省委", "市委", "区委", "县委") and s[m.end():m.end() + 1] in "书记常委")]
