"""Resolution as a fold over articles, so that `kg ingest` and `kg remove` cost O(article):
the index sums every article's contribution (kg.resolve.contribution) per name, and `refresh()`
finalises only the entities and the articles' facts that a change touches. A build is the same
fold over every article, so an index brought up to date by any sequence of ingests and removes
equals a fresh build's (tests/pipeline/test_incremental.py checks random sequences).

What another article's change can reach: an entity whose names it shares (its labels, types,
mentions), and the facts of every article naming that entity when its types, its existence or
the choice between named and implied mentions change, or when a short form starts or stops
standing for a fuller name (an alias). Those articles are re-resolved from their cached
extraction; `Change.reresolved` counts them for the summary."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Callable

from kg.model import AmountFact, DateFact, Entity, Fact, Resolved
from kg.nlp.gazetteer import canonical_district
from kg.resolve.calibration import calibrated
from kg.resolve.contribution import Contribution, Note, PreKey
from kg.resolve.tables import PER_ARTICLE, ArticleTable, Records

VERSION = 3  # bump when what the index keeps changes


@dataclass
class Change:
    """What one refresh changed: entities (key -> (before, after), None when absent), the articles
    whose facts were re-made (added ones included) and those removed."""

    entities: dict = field(default_factory=dict)
    articles: set = field(default_factory=set)
    removed: set = field(default_factory=set)
    reresolved: int = 0  # articles re-made that were neither added nor removed
    quads: int = 0  # the store's quad count once written (kg.pipeline.write)
    stated: set = field(default_factory=set)  # statements that appeared (see ResolutionIndex.stated)
    unstated: set = field(default_factory=set)  # statements no article makes any more


class ResolutionIndex:
    """Every article's contribution, summed; the entities and facts they resolve to."""

    def __init__(self, min_confidence: float = 0.0):
        self.version = VERSION
        self.min_confidence = min_confidence
        self.articles: dict = {}  # id -> slim Article
        self.orders: dict = {}  # id -> (source, number, id)
        self.scripts: dict = {}  # id -> zh-Hans / zh-Hant
        self.sentences: dict = {}  # id -> sentence count
        self.names = ArticleTable("names")  # id -> the pre-keys it names (kg.resolve.tables: PER_ARTICLE)
        self.notes: dict[PreKey, Note] = {}
        self.articles_of: dict[PreKey, set] = defaultdict(set)  # pre-key -> articles naming it
        self.district_keys: dict[str, set] = defaultdict(set)  # entity key -> its district pre-keys
        self.by_district: dict[str, set] = defaultdict(set)  # entity key -> articles about that district
        self.alias_votes: dict[str, dict] = defaultdict(dict)  # short -> {article: full}
        self.alias: dict[str, str] = {}  # short -> full, chains followed
        self.entities: dict[str, Entity] = {}
        self.facts = ArticleTable("facts")  # id -> its facts, as tuples
        self.amounts = ArticleTable("amounts")
        self.dates = ArticleTable("dates")
        self.stated: Counter = Counter()  # statements across articles (stated_by) -> articles making them
        self._pending: dict[str, Contribution] = {}
        self._was: dict = {}  # statement -> its count before this round of changes
        self._gone: set = set()
        self._dirty: set = set()  # pre-keys

    # -- changes
    def add(self, c: Contribution) -> None:
        art = c.article.id
        if art in self.articles:
            raise ValueError(f"article {art} is already in the index: remove it first")
        self.articles[art], self.orders[art], self.scripts[art] = c.article, c.order, c.script
        self.sentences[art] = c.sentences
        self.names[art] = tuple(c.notes)
        if c.article.district:
            self.by_district[_district_entity(c.article.district)].add(art)
        self._fold(c, 1)
        self._pending[art] = c
        self._gone.discard(art)

    def pending(self, art: str) -> Contribution | None:
        """The contribution of an article added since the last refresh."""
        return self._pending.get(art)

    def remove(self, c: Contribution) -> None:
        art = c.article.id
        self._state(art, -1)
        self._fold(c, -1)
        if c.article.district:
            self.by_district[_district_entity(c.article.district)].discard(art)
        for table in (self.articles, self.orders, self.scripts, self.sentences, self.names, self.facts, self.amounts,
                      self.dates, self._pending):
            table.pop(art, None)
        self._gone.add(art)

    def _fold(self, c: Contribution, sign: int) -> None:
        art = c.article.id
        for pk, n in c.notes.items():
            mine = self.notes.setdefault(pk, Note())
            mine.add(n, sign)
            if sign > 0:
                self.articles_of[pk].add(art)
                if pk[1]:
                    self.district_keys[_district_entity(pk[0])].add(pk)
            else:
                self.articles_of[pk].discard(art)
                if not mine:
                    del self.notes[pk]
            self._dirty.add(pk)
        for short, full in c.aliases.items():
            if sign > 0:
                self.alias_votes[short][art] = full
            else:
                self.alias_votes[short].pop(art, None)

    # -- resolution
    def key(self, pk: PreKey, alias: dict | None = None) -> str:
        """The entity a pre-key names."""
        k, is_district = pk
        if is_district:
            return _district_entity(k)
        return (self.alias if alias is None else alias).get(k, k)

    def refresh(self, load: Callable[[str], Contribution] | None = None) -> Change:
        """Finalise what the adds and removes since the last refresh touched. `load(article_id)`
        gives the contribution of an article already in the index (from its cached extraction)."""
        change = Change(removed=set(self._gone))
        old_alias = self.alias
        self.alias = self._aliases()
        moved = {s for s in set(old_alias) | set(self.alias) if old_alias.get(s) != self.alias.get(s)}
        inverse, old_inverse = _inverse(self.alias), _inverse(old_alias)
        dirty = set()
        for pk in self._dirty | {(s, False) for s in moved}:
            dirty |= {self.key(pk, old_alias), self.key(pk)}
        for k in list(dirty):  # a fuller name's alternative labels are its short forms that are no entity
            dirty |= {a[k] for a in (old_alias, self.alias) if k in a}
        reach = set()  # articles whose facts or mentions another article's change may move
        for k in dirty:
            before, after = self.entities.get(k), self._entity(k, self.alias, inverse)
            if before == after:
                continue
            change.entities[k] = (before, after)
            if after is None:
                del self.entities[k]
            else:
                self.entities[k] = after
            if before is None or after is None or before.types != after.types:
                for pk in self._prekeys(k, self.alias, inverse) | self._prekeys(k, old_alias, old_inverse):
                    reach |= self.articles_of.get(pk, set())
                reach |= self.by_district.get(k, set())
            else:  # where it is mentioned, in other articles too (named or implied mentions)
                reach |= {a for a, _ in set(before.mentions) ^ set(after.mentions)}
        for s in moved:
            reach |= self.articles_of.get((s, False), set())
        redo = (set(self._pending) | reach) - self._gone
        for art in sorted(redo, key=self.orders.__getitem__):
            c = self._pending.get(art) or load(art)
            self._state(art, -1)
            self._resolve_article(c)
            self._state(art, 1)
        change.articles = redo
        change.stated = {t for t, was in self._was.items() if not was and t in self.stated}
        change.unstated = {t for t, was in self._was.items() if was and t not in self.stated}
        self._was.clear()
        change.reresolved = len(redo - set(self._pending))
        self._pending.clear()
        self._gone.clear()
        self._dirty.clear()
        return change

    def _aliases(self) -> dict[str, str]:
        """Each short form's fullest name over all articles (the earliest article on a tie), chains followed."""
        direct = {}
        for short, votes in self.alias_votes.items():
            if votes:
                art = min(votes, key=lambda a: (-len(votes[a]), self.orders[a]))
                direct[short] = votes[art]
        alias = {}
        for short, full in direct.items():
            while full in direct:  # each step is longer, so chains end
                full = direct[full]
            alias[short] = full
        return alias

    def _prekeys(self, k: str, alias: dict, inverse: dict) -> set:
        """The pre-keys that name entity `k` under an alias map and its inverse."""
        own = {(k, False)} if alias.get(k, k) == k else set()
        return set(self.district_keys.get(k, ())) | own | {(s, False) for s in inverse.get(k, ())}

    def _entity(self, k: str, alias: dict, inverse: dict) -> Entity | None:
        from kg.resolve.entities import make_entity

        total = Note()
        for pk in self._prekeys(k, alias, inverse):
            if pk in self.notes:
                total.add(self.notes[pk])
        if not total:
            return None
        votes: dict[str, float] = {}
        for t, v in total.votes:
            votes[t] = max(votes.get(t, 0.0), v)
        script = max(total.scripts.items(), key=lambda kv: (kv[1], kv[0]))[0]
        e = make_entity(k, total.surface, votes, total.invested > 0, script, total.sentences())
        e.alt_labels |= {s for s in inverse.get(k, ()) if not any(pk in self.notes for pk in self.district_keys.get(s, ()))}
        return e

    def _resolve_article(self, c: Contribution) -> None:
        from kg.resolve.entities import dedupe_facts, fits

        art, floor, key = c.article.id, self.min_confidence, self.key
        facts = [Fact(s, p, o, art, sent, rule, conf) for s, p, o, sent, rule, conf in
                 ((key(s), p, key(o), sent, rule, conf) for s, p, o, sent, rule, conf in c.facts) if s != o]
        facts = [replace(f, confidence=calibrated(f.rule, f.confidence))
                 for f in dedupe_facts([f for f in facts if fits(f, self.entities)])]
        # kept as plain tuples (without the article): a quarter of the size, and fast to save and load
        self.facts[art] = [(f.subject, f.predicate, f.object, f.sentence, f.rule, f.confidence)
                           for f in facts if f.confidence >= floor]
        self.amounts[art] = [(key(s), p, v, sent, text, rule, conf) for s, p, v, sent, text, rule, conf in c.amounts
                             if conf >= floor]
        self.dates[art] = [(key(s), p, v, sent, text, rule, conf) for s, p, v, sent, text, rule, conf in c.dates
                           if conf >= floor]

    def facts_of(self, art: str) -> list[Fact]:
        return [Fact(s, p, o, art, sent, rule, conf) for s, p, o, sent, rule, conf in self.facts.get(art, ())]

    def amounts_of(self, art: str) -> list[AmountFact]:
        return [AmountFact(s, p, v, art, *rest) for s, p, v, *rest in self.amounts.get(art, ())]

    def dates_of(self, art: str) -> list[DateFact]:
        return [DateFact(s, p, v, art, *rest) for s, p, v, *rest in self.dates.get(art, ())]

    def _state(self, art: str, sign: int) -> None:
        """Count (sign 1) or take back (-1) the statements of an article's facts."""
        for t in stated_by(self.facts_of(art), self.amounts_of(art), self.dates_of(art)):
            self._was.setdefault(t, self.stated[t])
            self.stated[t] += sign
            if self.stated[t] <= 0:
                del self.stated[t]

    def resolved(self) -> Resolved:
        """The whole resolution, in the build's order (articles by source, number, id; facts by article id)."""
        order = sorted(self.articles, key=self.orders.__getitem__)
        return Resolved(articles=[self.articles[a] for a in order], entities=self.entities,
                        facts=[f for a in sorted(self.facts) for f in self.facts_of(a)],
                        amounts=[x for a in order for x in self.amounts_of(a)],
                        dates=[x for a in order for x in self.dates_of(a)])

    # -- the per-article records (kg.resolve.tables), saved apart from the rest (kg.pipeline.state)
    def attach(self, records: Records) -> None:
        """Read the per-article tables from saved records, an article at a time."""
        for name in PER_ARTICLE:
            getattr(self, name).attach(records)

    def reads_records(self) -> bool:
        """Whether the per-article tables come from saved records (an index loaded from a store)."""
        return self.names.attached

    def changed_records(self) -> dict[str, dict | None]:
        """The records set or removed since the last save: article -> {table: value}, None when removed."""
        arts = set().union(*(getattr(self, name).changed for name in PER_ARTICLE))
        return {art: {name: getattr(self, name)[art] for name in PER_ARTICLE} if art in self.names else None
                for art in sorted(arts)}

    def records_saved(self, records: Records) -> None:
        """The changed records are saved: read them from `records` from now on."""
        for name in PER_ARTICLE:
            getattr(self, name).saved(records)

    def keep_records_inline(self) -> None:
        """Keep every record in the index itself (a store in memory has no folder for them)."""
        for name in PER_ARTICLE:
            getattr(self, name).load_all()

    def __getstate__(self):
        if self._pending or self._gone or self._dirty or self._was:
            raise ValueError("refresh() the index before saving it")
        return self.__dict__


def stated_by(facts, amounts, dates):
    """The statements that hold across articles, as plain tuples: ("rel", s, p, o),
    ("amount", s, p, decimal text) and ("date", s, p, value) (kg.rdf.graph turns them into triples)."""
    for f in facts:
        yield ("rel", f.subject, f.predicate, f.object)
    for a in amounts:
        yield ("amount", a.subject, a.predicate, a.value.normalize().__format__("f"))
    for d in dates:
        yield ("date", d.subject, d.predicate, d.value)


def _inverse(alias: dict) -> dict:
    """Full name -> its short forms."""
    inverse = defaultdict(set)
    for short, full in alias.items():
        inverse[full].add(short)
    return inverse


def _district_entity(key: str) -> str:
    return canonical_district(key) or key


def fold_all(contributions, min_confidence: float = 0.0) -> ResolutionIndex:
    """A fresh index of these contributions, refreshed."""
    ix = ResolutionIndex(min_confidence)
    for c in contributions:
        ix.add(c)
    ix.refresh()
    return ix


__all__ = ["ResolutionIndex", "Change", "fold_all"]
