"""Stage 4a: entity mentions in one sentence.

Works on the Simplified sentence and its jieba tokens; returns spans (sentence-relative
offsets, so they index the source sentence too) with types and the rule that found them.
Rules, in order of trust: administrative names from the gazetteer; 《…》 titles; quoted names
with a head noun or a governing verb; suffix-headed noun phrases with a left boundary found
on tokens; coordinated lists ("A、B等N家企业"); trigger frames (引进X, X落户, 与X合作).
The suffix rule lives in kg.nlp.mentions.suffix, the frame rules (brackets, lists, triggers) in
kg.nlp.mentions.frames, what they share in kg.nlp.mentions.spans; this module runs them all and resolves overlaps.
"""
from __future__ import annotations

import re

from kg.nlp import lexicon as L
from kg.nlp.gazetteer import DISTRICT_FORMS, NATIONAL_BODIES, canonical_district
from kg.model import Token
from kg.nlp.mentions.frames import bracket_spans, list_spans, trigger_spans
from kg.nlp.mentions.suffix import suffix_spans, suffix_types
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
        if nxt and nxt in "路街道巷湾港口岸山河湖村镇里桥" and DISTRICT_FORMS[form] != form:
            continue  # 黄岛路, 青岛湾: a street or place named after the district
        out.append(Span(m.start(), m.end(), ("District",), "gazetteer", 0.95, canonical=canonical_district(form)))
    return out


NATIONAL_RE = re.compile("|".join(sorted((re.escape(x) for x in NATIONAL_BODIES), key=len, reverse=True)))


def body_spans(s: str) -> list[Span]:
    """Well-known national and provincial bodies (国务院, 工信部, 省委, 央视 ...)."""
    return [Span(m.start(), m.end(), ("GovernmentBody",), "gazetteer-body", 0.85) for m in NATIONAL_RE.finditer(s)
            if not (m.group() in ("省委", "市委", "区委", "县委") and s[m.end():m.end() + 1] in "书记常委")]



ORG_PREFIX_RE = re.compile(r"^(.{2,12}?(集团|有限公司|股份公司|公司|控股))(?=.{3,})")


def nested_org_spans(spans: list[Span], s: str) -> list[Span]:
    """A firm named at the start of a park or project name: 言鼎集团|莱西医疗产业园."""
    out = []
    for sp in spans:
        if sp.rule == "suffix" and set(sp.types) & {"Park", "Project"}:
            m = ORG_PREFIX_RE.match(s[sp.start:sp.end])
            if m:
                out.append(Span(sp.start, sp.start + m.end(1), ("Company",), "nested-org", 0.7))
    return out


AMOUNT_OBJECT_RE = re.compile(
    r"(总投资|投资|建筑面积|总建筑面积|占地面积|占地)[约达近超逾为]?[\d.]+[亿万千]?(元|平方米|平方公里|亩)的"
    r"(?P<np>[^，,。；、的\d]{2,18}?(项目|工程|中心|园区|产业园|基地|大厦|综合体|集聚区))")


def amount_object_spans(s: str) -> list[Span]:
    """'总投资X亿元的Y项目': the thing after an amount and 的 is a named project or park."""
    out = []
    for m in AMOUNT_OBJECT_RE.finditer(s):
        np, suffix = m.group("np"), m.group(4)
        if re.match(r"^(\d|[一二三四五六七八九十百千两几多]+[个家项座批])", np):
            continue
        out.append(Span(m.start("np"), m.end("np"), suffix_types(np, suffix), "amount-object", 0.65))
    return out


DIRECTION_ITEM = re.compile(r"(东部|西部|南部|北部|中部|东|西|南|北|一期|二期|三期)")


def shared_head_spans(s: str, spans: list[Span]) -> list[Span]:
    """'北部、东部、南部园区提升工程': direction items sharing one head make one name."""
    out = []
    for sp in spans:
        if sp.rule != "suffix" or sp.start < 2 or s[sp.start - 1] != "、":
            continue
        first_word = DIRECTION_ITEM.match(s, sp.start)
        if not first_word:
            continue
        a = sp.start - 1
        while a > 0 and s[a] == "、":
            item = DIRECTION_ITEM.search(s[max(0, a - 2):a])
            if not item or not s[max(0, a - 2):a].endswith(item.group()):
                break
            a = a - len(item.group()) - 1
        start = a + 1
        if start < sp.start - 1:
            out.append(Span(start, sp.end, sp.types, "suffix-shared-head", sp.confidence))
    return out


def find_spans(s: str, tokens: list[Token]) -> list[Span]:
    """All entity spans of a Simplified sentence, overlaps resolved."""
    spans = district_spans(s)
    spans += body_spans(s)
    spans += bracket_spans(s, tokens)
    spans += suffix_spans(s, tokens)
    spans += list_spans(s, tokens, spans)
    spans += trigger_spans(s, tokens)
    spans += amount_object_spans(s)
    spans += shared_head_spans(s, spans)
    kept = resolve_overlaps(s, spans)
    return sorted(kept + nested_org_spans(kept, s), key=lambda x: (x.start, x.end))


_RULE_RANK = {"title-policy": 9, "quote-head": 8, "quote-suffix": 8, "gazetteer-composite": 8, "suffix": 6,
              "suffix-char": 6, "pos-nt": 5, "quote-numeric": 7, "quote-list": 7, "quote-campaign-year": 7, "quote-governed": 5, "title-other": 5,
              "gazetteer": 4, "gazetteer-body": 6, "amount-object": 6, "suffix-shared-head": 7, "trigger-subject": 2, "list-member": 3, "trigger-引进": 2, "trigger-与": 2, "trigger-联合": 2,
              "trigger-引入": 2, "trigger-携手": 2, "quote-inner": 1}


def resolve_overlaps(s: str, spans: list[Span]) -> list[Span]:
    """Keep non-crossing spans: nested spans survive (a name inside a longer name is kept only
    when it was found by a name rule of its own, not as a bare district inside a name)."""
    spans = [sp for sp in spans if sp.end - sp.start >= 2 and s[sp.start:sp.end].strip()]
    merged: dict[tuple[int, int], Span] = {}
    for sp in spans:
        key = (sp.start, sp.end)
        if key in merged:
            old = merged[key]
            types = tuple(dict.fromkeys(old.types + sp.types)) if _RULE_RANK.get(sp.rule, 0) <= _RULE_RANK.get(old.rule, 0) \
                else tuple(dict.fromkeys(sp.types + old.types))
            best = old if _RULE_RANK.get(old.rule, 0) >= _RULE_RANK.get(sp.rule, 0) else sp
            merged[key] = Span(sp.start, sp.end, types, best.rule, max(old.confidence, sp.confidence),
                               old.canonical or sp.canonical)
        else:
            merged[key] = sp
    ordered = sorted(merged.values(), key=lambda x: (-(x.end - x.start), -_RULE_RANK.get(x.rule, 0), x.start))
    kept: list[Span] = []
    for sp in ordered:
        crossing = any(sp.start < k.end and k.start < sp.end and not (k.start <= sp.start and sp.end <= k.end)
                       for k in kept)
        inside = [k for k in kept if k.start <= sp.start and sp.end <= k.end]
        if crossing:
            continue
        if inside:
            continue
        kept.append(sp)
    return sorted(kept, key=lambda x: (x.start, x.end))
