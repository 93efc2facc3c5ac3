"""Stage 4: extraction for one article: segment each sentence, find mentions, relations and
amounts. Input and output are plain dataclasses (kg.model); no RDF here."""
from __future__ import annotations

import re
import unicodedata

from .mentions import find_spans
from .model import Article, Extraction, Mention
from .relations import Context, sentence_amounts, sentence_dates, sentence_relations
from .segment import tokens

_STRIP = re.compile(r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】·・,，、.。:：;；!！?？]")
SKIP_KINDS = {"byline"}


def normalise(name: str) -> str:
    """Resolution key of a (Simplified) name: NFKC, no quotes/brackets/spaces, Latin lower-cased."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", name)).lower()


def extract_article(article: Article, source_text: str, simplified_text: str) -> Extraction:
    """Everything the rules find in one article. `simplified_text` is the whole source in
    Simplified script, same length as `source_text`."""
    result = Extraction(article=article)
    ctx = Context()
    if article.district:
        ctx.district = Mention(text=article.district, key=article.district, start=article.start,
                               end=article.start, types=("District",), sentence=-1, rule="article-district",
                               confidence=0.6)
    for sent in article.sentences:
        if sent.kind in SKIP_KINDS:
            continue
        s = simplified_text[sent.start:sent.end]
        toks = tokens(s)
        mentions = []
        for sp in find_spans(s, toks):
            simp = s[sp.start:sp.end]
            key = sp.canonical or normalise(simp)
            if len(key) < 2:
                continue
            mentions.append(Mention(text=source_text[sent.start + sp.start:sent.start + sp.end], key=key,
                                    start=sent.start + sp.start, end=sent.start + sp.end, types=sp.types,
                                    sentence=sent.index, rule=sp.rule, confidence=sp.confidence))
        if sent.paragraph != ctx.paragraph:
            ctx.paragraph, ctx.last_park, ctx.last_project, ctx.last_company = sent.paragraph, None, None, None
        result.mentions.extend(mentions)
        if sent.kind in ("paragraph", "caption", "heading", "headline"):
            result.relations.extend(sentence_relations(s, mentions, sent.start, sent.index, ctx))
            result.amounts.extend(sentence_amounts(s, mentions, sent.start, sent.index, ctx))
            result.dates.extend(sentence_dates(s, mentions, sent.start, sent.index, article.date))
    return result
