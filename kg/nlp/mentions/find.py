"""Stage 4a: entity mentions in one sentence.

Works on the Simplified sentence and its tokens; returns spans (sentence-relative offsets, so
they index the source sentence too) with types and the rule that found them. The rules, in
order of trust: administrative names and bodies from reference data (kg.nlp.mentions.names);
《…》 titles, quoted names, coordinated lists and trigger frames (frames); suffix-headed noun
phrases with a left boundary found on tokens (suffix); spans built on other spans (derived).
`find_spans` runs them all and resolves overlaps by RULE_RANK.
"""
from __future__ import annotations

import re
from bisect import bisect_left

from kg.model import Token
from kg.nlp.mentions.derived import amount_object_spans, nested_org_spans, shared_head_spans
from kg.nlp.mentions.frames import bracket_spans, list_spans, media_spans, trigger_spans
from kg.nlp.mentions.names import body_spans, district_spans
from kg.nlp.gazetteer import DISTRICT_FORMS
from kg.nlp.mentions.spans import Span
from kg.nlp.mentions.suffix import government_spans, suffix_spans
from kg.nlp.segment import Segmenter, default_segmenter


def find_spans(s: str, tokens: list[Token], seg: Segmenter | None = None) -> list[Span]:
    """All entity spans of a Simplified sentence, overlaps resolved; `seg` (default: jieba)
    gives the word counts the rules test."""
    seg = seg or default_segmenter()
    spans = district_spans(s, tokens)
    spans += body_spans(s)
    spans += bracket_spans(s, tokens, seg)
    spans += suffix_spans(s, tokens, seg)
    spans += government_spans(s, tokens)
    spans += list_spans(s, tokens, seg)
    spans += trigger_spans(s, tokens, seg)
    spans += media_spans(s)
    spans += amount_object_spans(s)
    spans += shared_head_spans(s, spans)
    starts = [t.start for t in tokens]
    spans = [t for t in (trim_lead(tokens, starts, sp, seg) for sp in spans) if t is not None]
    kept = resolve_overlaps(s, spans)
    return sorted(kept + nested_org_spans(kept, s), key=lambda x: (x.start, x.end))


# spans whose text is exactly a known form or a written title: never trimmed
EXACT_RULES = {"gazetteer", "gazetteer-composite", "gazetteer-body", "media-source", "title-policy", "title-media",
               "title-other"}
# words that open a clause, not a name: prepositions, conjunctions, particles, dates, a few verbs
LEAD_POS = {"p", "c", "u", "uj"}
LEAD_WORDS = {"还有", "另有", "其中", "包括", "目前", "已经", "正在", "建设", "加快", "落子", "有力", "承接", "签约",
              "入驻", "落户", "引进", "打造"}
DATE_RE = re.compile(r"[一二三四上下]?(季度|半年)|(今年|去年|明年|当年)?(年初|年底|年末|年中)?|[0-9]+年")
FUNCTION_CHARS = set("及与同跟在于从向对把被由据将经")


def trim_lead(tokens: list[Token], starts: list[int], sp: Span, seg: Segmenter) -> Span | None:
    """A span without the clause words it starts with (由三一集团 -> 三一集团, 一季度西宁开发区 ->
    西宁开发区, 还有沈塘湾幼儿园 -> 沈塘湾幼儿园); None when fewer than three characters are left
    (入驻园区). A word the dictionary does not know (由三一, 及攸州) loses only its first character."""
    if sp.rule in EXACT_RULES or sp.rule.startswith("quote"):
        return sp
    start = sp.start
    for i in range(bisect_left(starts, sp.start), len(tokens)):
        t = tokens[i]
        if t.start >= sp.end - 2 or t.start > start or t.word in DISTRICT_FORMS:
            break
        if t.start < start:
            continue
        if t.word[0] in FUNCTION_CHARS and len(t.word) >= 2 and seg.frequency(t.word) == 0:
            start = t.start + 1  # 由三一, 及攸州, 据经: a clause word glued to the name's start
            break
        if t.pos in ("ns", "nt", "nz", "nr", "eng"):
            break
        if t.pos in LEAD_POS or t.word in LEAD_WORDS or t.word in FUNCTION_CHARS or DATE_RE.fullmatch(t.word):
            start = t.end
        else:
            break
    if start == sp.start:
        return sp
    if sp.end - start < 3:
        return None
    return Span(start, sp.end, sp.types, sp.rule, sp.confidence, sp.canonical)


# how far each span rule is trusted when two rules find the same extent (higher wins its name and
# its types come first); every span rule's name is here (tests/nlp/test_span_cases.py checks it)
RULE_RANK = {
    "title-policy": 9, "quote-head": 8, "quote-suffix": 8, "gazetteer-composite": 8,
    "quote-numeric": 7, "media-source": 9, "title-media": 9, "quote-list": 7, "quote-campaign-year": 7, "suffix-shared-head": 7,
    "suffix": 6, "suffix-char": 6, "gov-body": 6, "gazetteer-body": 6, "amount-object": 6,
    "quote-governed": 5, "title-other": 5, "gazetteer": 4, "list-member": 3,
    "trigger-subject": 2, "trigger-引进": 2, "trigger-与": 2, "trigger-联合": 2, "trigger-引入": 2, "trigger-携手": 2,
}


def resolve_overlaps(s: str, spans: list[Span]) -> list[Span]:
    """The spans to keep: spans of the same extent merge (types of both, the higher-ranked
    rule); then, longest first, a span is dropped when it crosses or lies inside one already
    kept. Names inside longer names are added back afterwards only by nested_org_spans."""
    spans = [sp for sp in spans if sp.end - sp.start >= 2 and s[sp.start:sp.end].strip()]
    merged: dict[tuple[int, int], Span] = {}
    for sp in spans:
        key = (sp.start, sp.end)
        if key in merged:
            old = merged[key]
            types = tuple(dict.fromkeys(old.types + sp.types)) if RULE_RANK.get(sp.rule, 0) <= RULE_RANK.get(old.rule, 0) \
                else tuple(dict.fromkeys(sp.types + old.types))
            best = old if RULE_RANK.get(old.rule, 0) >= RULE_RANK.get(sp.rule, 0) else sp
            merged[key] = Span(sp.start, sp.end, types, best.rule, max(old.confidence, sp.confidence),
                               old.canonical or sp.canonical)
        else:
            merged[key] = sp
    ordered = sorted(merged.values(), key=lambda x: (-(x.end - x.start), -RULE_RANK.get(x.rule, 0), x.start))
    kept: list[Span] = []
    for sp in ordered:
        crossing = any(sp.start < k.end and k.start < sp.end and not (k.start <= sp.start and sp.end <= k.end)
                       for k in kept)
        inside = [k for k in kept if k.start <= sp.start and sp.end <= k.end]
        if not crossing and not inside:
            kept.append(sp)
    return sorted(kept, key=lambda x: (x.start, x.end))
