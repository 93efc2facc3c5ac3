"""Writing the graph from the resolution index (kg.resolve.index): everything (`write_all`, a
build), or only what a change touched (`write_changes`, ingest and remove): the graphs of the
articles whose digest changed, the entity and statement triples that appeared or went, and the
dataset description. Both leave the same quads for the same index, so an ingest's store equals
a build's. The store's quad count is kept beside the index, so no write counts the whole store."""
from __future__ import annotations

import hashlib
from bisect import bisect_left

from kg.model import Resolved
from kg.pipeline.state import FORMAT_VERSION, BuildState
from kg.rdf.dataset import DATASET, stored_description
from kg.rdf.graph import ArticleIndex, article_graph, entity_triples, stated_triple
from kg.rdf.shacl import load_ontology
from kg.rdf.store import GraphStore
from kg.rdf.vocab import QDR
from kg.resolve.index import Change, ResolutionIndex

ENTITIES = QDR["entities"]  # named graph of what holds across articles
GRAPH_FORMAT = 2  # bump when article_graph writes something else from the same inputs


def article_digest(resolved: Resolved, article, script: str, index: ArticleIndex) -> str:
    """A digest of everything an article's graph is written from: its text (by digest), file name, script,
    whether its district is an entity, the entities it mentions where, and its facts. When the
    digest is unchanged, so is the graph, and `kg ingest` / `kg remove` leave it in place."""
    parts = (GRAPH_FORMAT, FORMAT_VERSION, article.id, article.digest, article.source, script,
             bool(article.district and article.district in resolved.entities),
             sorted((k, tuple(index.mentions.get((k, article.id), ()))) for k in index.entities.get(article.id, ())),
             [(f.subject, f.predicate, f.object, f.sentence, f.rule, round(f.confidence, 2))
              for f in index.facts.get(article.id, ())])
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()


def write_all(store: GraphStore, state: BuildState, index: ResolutionIndex) -> int:
    """Replace the store's graph with the index's: the ontology, each article's graph (its text
    reloaded from the cache, one article at a time), the entities graph and the dataset
    description. Returns the store's quad count."""
    view = Resolved(articles=[], entities=index.entities, facts=[], amounts=[])
    digests = {}
    store.clear()
    store.set_ontology(load_ontology())

    def graphs():
        for art in sorted(index.articles, key=index.orders.__getitem__):
            aix, script = _article_index(index, [art]), index.scripts[art]
            digests[art] = article_digest(view, index.articles[art], script, aix)
            yield str(QDR[art]), article_graph(view, state.cache.get(art)[0].article, script, aix)
        yield str(ENTITIES), [t for e in index.entities.values() for t in entity_triples(e)] + [
            stated_triple(t) for t in index.stated]

    store.write_graphs(graphs())
    return _finish(store, state, index, digests, store.count_quads())


def write_changes(store: GraphStore, state: BuildState, index: ResolutionIndex, change: Change, quads: int) -> int:
    """Write what `change` touched into a store that holds the graph of the index before it
    (`quads` quads without its dataset description). Returns the store's quad count."""
    digests = state.graph_digests()
    for art in change.removed:
        iri = str(QDR[art])
        quads -= store.graph_size(iri)
        store.remove_graph(iri)
        digests.pop(art, None)
    view = Resolved(articles=[], entities=index.entities, facts=[], amounts=[])
    aix = _article_index(index, change.articles)
    for art in sorted(change.articles):
        article, script = index.articles[art], index.scripts[art]
        digest = article_digest(view, article, script, aix)
        if digests.get(art) == digest:
            continue
        iri = str(QDR[art])
        triples = article_graph(view, state.cache.get(art)[0].article, script, aix)
        quads += len(triples) - store.graph_size(iri)
        store.replace_graph(iri, triples)
        digests[art] = digest
    gone, new = set(), set()
    for before, after in change.entities.values():
        old = set(entity_triples(before)) if before is not None else set()
        now = set(entity_triples(after)) if after is not None else set()
        gone |= old - now
        new |= now - old
    gone |= {stated_triple(t) for t in change.unstated}
    new |= {stated_triple(t) for t in change.stated}
    store.update_graph(str(ENTITIES), gone, new)
    return _finish(store, state, index, digests, quads + len(new) - len(gone))


def _article_index(index: ResolutionIndex, articles) -> ArticleIndex:
    """What ArticleIndex.of the whole resolution holds for these articles."""
    aix = ArticleIndex()
    for art in articles:
        aix.facts[art], aix.amounts[art], aix.dates[art] = index.facts_of(art), index.amounts_of(art), index.dates_of(art)
        for k in {index.key(pk) for pk in index.names[art]}:
            mentions = index.entities[k].mentions  # sorted by (article, sentence)
            i = bisect_left(mentions, (art, -1))
            sents = []
            while i < len(mentions) and mentions[i][0] == art:
                sents.append(mentions[i][1])
                i += 1
            if sents:
                aix.entities[art].add(k)
                aix.mentions[(k, art)] = sents
    return aix


def _finish(store: GraphStore, state: BuildState, index: ResolutionIndex, digests: dict, quads: int) -> int:
    """The dataset description, the digests and the index; the quad count with the description."""
    description = stored_description(entities=len(index.entities), documents=len(index.articles),
                                     sources=list({a.source for a in index.articles.values()}), triples_before=quads)
    store.replace_graph(str(DATASET), description)
    state.set_graph_digests(digests)
    state.save_index(index, quads)
    store.flush()
    return quads + len(description)
