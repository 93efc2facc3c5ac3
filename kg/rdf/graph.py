"""Stage 6: the RDF graph. The only pipeline stage that knows rdflib: it turns resolved
entities, facts and amounts into triples, one named graph per article (see docs/graph-shape.md)."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.model import Article, Entity, Resolved
from kg.resolve.index import stated_by
from kg.resolve.labels import slug
from kg.rdf.vocab import NIF, PROV, QDO, QDR_IRI

Triple = tuple


@lru_cache(maxsize=200_000)
def entity_iri(key: str) -> URIRef:
    return URIRef(QDR_IRI + slug(key))


def article_iri(article: Article) -> URIRef:
    return URIRef(QDR_IRI + article.id)


def sentence_iri(article_id: str, index: int) -> URIRef:
    return URIRef(f"{QDR_IRI}{article_id}-s{index}")  # (not QDR[…]: Namespace lookups cost a third of this)


def article_triples(article: Article, script: str, district_known: bool = True) -> Iterator[Triple]:
    a = article_iri(article)
    yield a, RDF.type, QDO.Article
    yield a, DCTERMS.title, Literal(article.title, lang=script)
    yield a, DCTERMS.source, Literal(article.source)
    yield a, QDO.articleNumber, Literal(article.number, datatype=XSD.integer)
    yield a, QDO.sourceDigest, Literal(article.digest)
    if article.date:
        yield a, DCTERMS.date, Literal(article.date, datatype=XSD.date)
    if article.url:
        yield a, DCTERMS.source, URIRef(article.url)
    for prop, value in ((DCTERMS.creator, article.author), (DCTERMS.publisher, article.publisher),
                        (DCTERMS.identifier, article.identifier), (QDO.edition, article.edition),
                        (QDO.page, article.page)):
        if value:
            yield a, prop, Literal(value)
    if article.district and district_known:
        yield a, QDO.aboutDistrict, entity_iri(article.district)
    for s in article.sentences:
        si = sentence_iri(article.id, s.index)
        yield si, RDF.type, QDO.Sentence
        yield si, NIF.anchorOf, Literal(s.text)
        yield si, NIF.beginIndex, Literal(s.start, datatype=XSD.integer)
        yield si, NIF.endIndex, Literal(s.end, datatype=XSD.integer)
        yield si, DCTERMS.isPartOf, a
        yield si, QDO.sentenceKind, Literal(s.kind)


def form_script(text: str) -> str:
    """zh-Hans when converting to Traditional changes the text and to Simplified does not."""
    from kg.nlp.script import to_simplified, to_traditional

    if to_simplified(text) == text and to_traditional(text) != text:
        return "zh-Hans"
    return "zh-Hant" if to_simplified(text) != text else "zh"


def entity_triples(e: Entity) -> Iterator[Triple]:
    """Types and labels of an entity (stated once for the whole graph)."""
    iri = entity_iri(e.key)
    for t in sorted(e.types):
        yield iri, RDF.type, QDO[t]
    yield iri, RDFS.label, Literal(e.label_hant, lang="zh-Hant")
    yield iri, RDFS.label, Literal(e.label_hans, lang="zh-Hans")
    if e.label_en:
        yield iri, RDFS.label, Literal(e.label_en, lang="en")
    if e.label_pinyin:
        yield iri, RDFS.label, Literal(e.label_pinyin, lang="zh-Latn-pinyin")
    for alt in sorted(e.alt_labels):
        yield iri, SKOS.altLabel, Literal(alt, lang=form_script(alt))
    if e.code:
        yield iri, DCTERMS.identifier, Literal(e.code)


def statement_iri(*parts) -> URIRef:
    h = hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]
    return URIRef(f"{QDR_IRI}st-{h}")


@dataclass
class ArticleIndex:
    """What belongs to each article, computed once for a whole build (no per-article scans)."""

    facts: dict = field(default_factory=lambda: defaultdict(list))
    amounts: dict = field(default_factory=lambda: defaultdict(list))
    dates: dict = field(default_factory=lambda: defaultdict(list))
    entities: dict = field(default_factory=lambda: defaultdict(set))  # article -> entity keys mentioned
    mentions: dict = field(default_factory=lambda: defaultdict(list))  # (key, article) -> sentence indexes

    @classmethod
    def of(cls, resolved: Resolved) -> "ArticleIndex":
        ix = cls()
        for f in resolved.facts:
            ix.facts[f.article].append(f)
        for a in resolved.amounts:
            ix.amounts[a.article].append(a)
        for d in resolved.dates:
            ix.dates[d.article].append(d)
        for k, e in resolved.entities.items():
            for art, sent in e.mentions:
                ix.entities[art].add(k)
                ix.mentions[(k, art)].append(sent)
        return ix


def article_graph(resolved: Resolved, article: Article, script: str, index: ArticleIndex | None = None) -> list[Triple]:
    """The triples only this article states: the article and its sentences, which entities each
    sentence mentions, and the rdf:Statement (with its source sentence) of every fact it gives."""
    ix = index or ArticleIndex.of(resolved)
    known = article.district in resolved.entities if article.district else False
    triples: set[Triple] = set(article_triples(article, script, known))
    for k in ix.entities.get(article.id, ()):
        for sent in ix.mentions.get((k, article.id), ()):
            triples.add((entity_iri(k), QDO.mentionedIn, sentence_iri(article.id, sent)))
    for f in ix.facts.get(article.id, ()):
        s, o, p = entity_iri(f.subject), entity_iri(f.object), QDO[f.predicate]
        st = statement_iri(f.subject, f.predicate, f.object, f.article, f.sentence)
        triples |= {
            (st, RDF.type, RDF.Statement), (st, RDF.subject, s), (st, RDF.predicate, p), (st, RDF.object, o),
            (st, PROV.wasDerivedFrom, sentence_iri(f.article, f.sentence)),
            (st, QDO.extractedBy, Literal(f.rule)),
            (st, QDO.confidence, Literal(Decimal(str(round(f.confidence, 2))), datatype=XSD.decimal)),
        }
    return list(triples)  # in no order: the store and the exports sort


def _order(t: Triple) -> tuple[str, str, str]:
    """Sort key of a triple: plain string comparisons (rdflib's term ordering is slow)."""
    return str(t[0]), str(t[1]), str(t[2])


def entities_graph(resolved: Resolved) -> list[Triple]:
    """What holds across articles, stated once: every entity's types and labels, the relations
    between entities, amounts and event dates. Kept in its own named graph, so no triple is
    repeated in the union of the store's graphs however many articles state it."""
    triples: set[Triple] = set()
    for e in resolved.entities.values():
        triples |= set(entity_triples(e))
    triples |= {stated_triple(t) for t in stated_by(resolved.facts, resolved.amounts, resolved.dates)}
    return sorted(triples, key=_order)


def stated_triple(statement: tuple) -> Triple:
    """The triple of a statement of kg.resolve.index.stated_by: a relation, an amount or a date."""
    kind, s, p, o = statement
    if kind == "rel":
        return entity_iri(s), QDO[p], entity_iri(o)
    return entity_iri(s), QDO[p], Literal(o, datatype=XSD.decimal if kind == "amount" else XSD.date)
