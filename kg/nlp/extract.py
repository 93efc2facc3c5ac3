"""Stage 4: extraction for one article: segment each sentence, find mentions, relations and
amounts. Input and output are plain dataclasses (kg.model); no RDF here."""
from __future__ import annotations

import re

from kg.nlp.mentions.find import find_spans
from kg.model import Article, Extraction, Mention
from kg.nlp.relations.amounts import sentence_amounts
from kg.nlp.relations.dates import sentence_dates
from kg.nlp.relations.rules import sentence_relations
from kg.nlp.relations.view import Context, SentenceView
from kg.nlp.script import normalise
from kg.nlp.segment import Segmenter, default_segmenter

# 中国国际贸易促进委员会（以下简称“贸促会”）: the short form names the same thing in this article
ABBREVIATION_RE = re.compile(r"[（(](?:以下|下)?简称[为：:]?“?(?P<short>[^”“）)，,。]{2,12})”?[）)]")
SKIP_KINDS = {"byline"}


def extract_article(article: Article, source_text: str, simplified_text: str,
                    seg: Segmenter | None = None) -> Extraction:
    """Everything the rules find in one article. `simplified_text` is the whole source in
    Simplified script, same length as `source_text`; `seg` (default: jieba) segments it."""
    seg = seg or default_segmenter()
    result = Extraction(article=article)
    ctx = Context()
    if article.district:
        ctx.district = Mention(text=article.district, key=article.district, start=article.start,
                               end=article.start, types=("District",), sentence=-1, rule="article-district",
                               confidence=0.6)
    aliases: dict[str, str] = {}  # short key -> full key, from (以下简称…) in this article
    for sent in article.sentences:
        if sent.kind in SKIP_KINDS:
            continue
        s = simplified_text[sent.start:sent.end]
        toks = seg.tokens(s)
        mentions = []
        spans = find_spans(s, toks, seg)
        for sp in spans:
            simp = s[sp.start:sp.end]
            key = sp.canonical or normalise(simp)
            if len(key) < 2:
                continue
            mentions.append(Mention(text=source_text[sent.start + sp.start:sent.start + sp.end], key=key,
                                    start=sent.start + sp.start, end=sent.start + sp.end, types=sp.types,
                                    sentence=sent.index, rule=sp.rule, confidence=sp.confidence))
        for mt in ABBREVIATION_RE.finditer(s):
            full = next((m for m in mentions if m.end - sent.start == mt.start()), None)
            if full is None:
                continue
            a, b = mt.start("short"), mt.end("short")
            aliases[normalise(s[a:b])] = full.key
            mentions = [m for m in mentions if not (sent.start + a <= m.start and m.end <= sent.start + b)]
            mentions.append(Mention(text=source_text[sent.start + a:sent.start + b], key=full.key,
                                    start=sent.start + a, end=sent.start + b, types=full.types, sentence=sent.index,
                                    rule="abbreviation", confidence=full.confidence))
        for m in mentions:
            if m.key in aliases:
                m.key = aliases[m.key]
        if sent.paragraph != ctx.paragraph:
            ctx.paragraph, ctx.last_park, ctx.last_project, ctx.last_company = sent.paragraph, None, None, None
        result.mentions.extend(mentions)
        if sent.kind in ("paragraph", "caption", "heading", "headline"):
            result.relations.extend(sentence_relations(SentenceView(s, mentions, sent.start, sent.index, ctx, toks)))
            result.amounts.extend(sentence_amounts(s, mentions, sent.start, sent.index, ctx))
            result.dates.extend(sentence_dates(s, mentions, sent.start, sent.index, article.date))
    return result
