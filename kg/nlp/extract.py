"""Stage 4: extraction for one article: segment each sentence, find mentions, relations and
amounts. Input and output are plain dataclasses (kg.model); no RDF here."""
from __future__ import annotations

import re

from kg.model import Article, Extraction, Mention
from kg.nlp.gazetteer import county_short_forms
from kg.nlp.mentions.find import find_spans
from kg.nlp.mentions.names import county_short_spans, named_counties
from kg.nlp.mentions.keep import (
    MentionFilter,
    default_filter,
    dropped,
    sentence_features,
    without,
)
from kg.nlp.relations.amounts import sentence_amounts
from kg.nlp.relations.dates import sentence_dates
from kg.nlp.relations.candidates import article_features
from kg.nlp.relations.rules import decide, propose
from kg.nlp.relations.scorer import PairScorer, default_scorer
from kg.nlp.relations.view import Context, SentenceView
from kg.nlp.script import normalise
from kg.nlp.segment import Segmenter, default_segmenter

# 中国国际贸易促进委员会（以下简称“贸促会”）: the short form names the same thing in this article
ABBREVIATION_RE = re.compile(r"[（(](?:以下|下)?简称[为：:]?“?(?P<short>[^”“）)，,。]{2,12})”?[）)]")
SKIP_KINDS = {"byline"}
DEFAULT = object()


def extract_article(article: Article, source_text: str, simplified_text: str,
                    seg: Segmenter | None = None, *, scorer: PairScorer | None | object = DEFAULT,
                    keeper: MentionFilter | None | object = DEFAULT, keep_candidates: bool = False) -> Extraction:
    """Everything found in one article. `simplified_text` is the whole source in Simplified
    script, same length as `source_text`; `seg` (default: jieba-rs) segments it; `scorer`
    (default: the shipped pair scorer; None: the rules alone) decides the relations; `keeper`
    (default: the shipped mention filter; None: keep all) drops what is no name, with what was
    said of it. Mentions first, sentence by sentence; then relations, with the article's
    context. `keep_candidates` keeps every candidate relation in `Extraction.candidates` and
    every mention's features in `Extraction.mention_features` (for training)."""
    seg = seg or default_segmenter()
    scorer = default_scorer() if scorer is DEFAULT else scorer
    keeper = default_filter() if keeper is DEFAULT else keeper
    result = Extraction(article=article)
    aliases: dict[str, str] = {}  # short key -> full key, from (以下简称…) in this article
    features: dict[int, list[str]] = {}  # id(mention) -> its features, for the mention filter
    read = []
    for sent in article.sentences:
        if sent.kind in SKIP_KINDS:
            continue
        s = simplified_text[sent.start:sent.end]
        toks = seg.tokens(s)
        mentions = _mentions(sent, s, toks, source_text, seg, aliases)
        if keeper is not None or keep_candidates:
            features.update(sentence_features(mentions, s, sent.start, toks, seg))
        read.append((sent, s, toks, mentions))
    _add_county_short_forms(article, simplified_text, source_text, read)
    result.mentions = [m for *_, mentions in read for m in mentions]
    ctx = Context(district=_district(article), topic_park=topic_park(read))
    proposed = []
    for sent, s, toks, mentions in read:
        if sent.paragraph != ctx.paragraph:  # (the focus park outlives the paragraph: 该园区… two on)
            ctx.paragraph, ctx.last_park, ctx.last_project, ctx.last_company = sent.paragraph, None, None, None
        if sent.kind in ("paragraph", "caption", "heading", "headline"):
            view = SentenceView(s, mentions, sent.start, sent.index, ctx, toks, sent.kind)
            proposed.append(propose(view, scorer is not None or keep_candidates))
            result.amounts.extend(sentence_amounts(s, mentions, sent.start, sent.index, ctx))
            result.dates.extend(sentence_dates(s, mentions, sent.start, sent.index, article.date))
    candidates = [c for _, cs in proposed for c in cs]
    article_features(candidates)
    result.relations = decide(proposed, scorer)
    if keep_candidates:
        result.candidates = candidates
        result.mention_features = [(m, features[id(m)]) for m in result.mentions if id(m) in features]
    return without(result, dropped(features, keeper)) if keeper is not None else result


def _add_county_short_forms(article: Article, simplified_text: str, source_text: str, read) -> None:
    """Once an article names a county (锡山区, 无锡锡山), its bare short form (锡山) is that county
    wherever it stands alone in the article."""
    named = named_counties(simplified_text[article.start:article.end]) | ({article.district} - {None})
    shorts = county_short_forms(named)
    if not shorts:
        return
    for sent, s, toks, mentions in read:
        taken = [(m.start - sent.start, m.end - sent.start) for m in mentions]
        for sp in county_short_spans(s, toks, shorts, taken):
            mentions.append(Mention(text=source_text[sent.start + sp.start:sent.start + sp.end], key=sp.canonical,
                                    start=sent.start + sp.start, end=sent.start + sp.end, types=sp.types,
                                    sentence=sent.index, rule=sp.rule, confidence=sp.confidence))
        mentions.sort(key=lambda m: (m.start, -m.end))


def _district(article: Article) -> Mention | None:
    """A mention standing for the district the article is about (the implied subject)."""
    if not article.district:
        return None
    return Mention(text=article.district, key=article.district, start=article.start, end=article.start,
                   types=("District",), sentence=-1, rule="article-district", confidence=0.6)


def _mentions(sent, s: str, toks, source_text: str, seg: Segmenter, aliases: dict[str, str]) -> list[Mention]:
    """The mentions of one sentence, with (以下简称X) abbreviations recorded in `aliases` and
    applied."""
    mentions = []
    for sp in find_spans(s, toks, seg):
        key = sp.canonical or normalise(s[sp.start:sp.end])
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
    return mentions


def topic_park(read) -> Mention | None:
    """The park an article is about: one its headline names, or its opening names and then
    names again (the most often, the first on a tie)."""
    counts: dict[str, int] = {}
    first: dict[str, Mention] = {}
    opening, headline = set(), set()
    for k, (sent, _, _, mentions) in enumerate(read):
        for m in mentions:
            if "Park" in m.types:
                counts[m.key] = counts.get(m.key, 0) + 1
                first.setdefault(m.key, m)
                if sent.kind in ("headline", "heading") or k <= 2:
                    opening.add(m.key)
                if sent.kind == "headline" or k == 0:
                    headline.add(m.key)
    pool = [k for k in opening if counts[k] >= 2 or k in headline]
    return first[min(pool, key=lambda k: (-counts[k], first[k].start))] if pool else None
