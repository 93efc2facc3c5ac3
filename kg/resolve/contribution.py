"""What one article gives resolution (kg.resolve.index folds these): what its mentions say
about each name, the short forms it links to fuller names, and its raw facts. A contribution
is a function of the article's extraction alone, so it can be added and taken out again.

Names before resolution are pre-keys: (mention key, written as a district). A pre-key's entity
is its canonical district (districts) or the longest fuller name an article links it to
(`aliases`, the longest over all articles; the earliest article wins a tie)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from kg.model import Article, Extraction, Mention, core_type
from kg.nlp.gazetteer import canonical_district

PreKey = tuple  # (key, is_district)
INVESTED = ("totalInvestmentCNY", "areaM2")  # what makes an entity a project at least
WEAK_RULES = ("list-member", "trigger-", "quote-governed", "title-other")  # add a type only if nothing stronger did


@dataclass
class Note:
    """What articles say about one pre-key, summed so that an article's part can be taken out again."""

    surface: dict = field(default_factory=dict)  # form as written -> times
    scripts: dict = field(default_factory=dict)  # script of the article -> times
    votes: dict = field(default_factory=dict)  # (type, best vote in an article) -> articles
    mentions: dict = field(default_factory=dict)  # article -> sentences that name it
    implied: dict = field(default_factory=dict)  # article -> sentences of facts about it
    invested: int = 0  # investment or area amounts about it

    def add(self, other: "Note", sign: int = 1) -> None:
        for mine, theirs in ((self.surface, other.surface), (self.scripts, other.scripts), (self.votes, other.votes)):
            for k, v in theirs.items():
                n = mine.get(k, 0) + sign * v
                if n > 0:
                    mine[k] = n
                else:
                    mine.pop(k, None)
        for mine, theirs in ((self.mentions, other.mentions), (self.implied, other.implied)):
            for art, sentences in theirs.items():
                if sign < 0:  # an article's part comes out whole: one contribution per article
                    mine.pop(art, None)
                else:  # sorted tuples: far cheaper to keep and to save than sets
                    mine[art] = tuple(sorted(set(mine[art]) | set(sentences))) if art in mine else sentences
        self.invested += sign * other.invested

    def __bool__(self) -> bool:
        return bool(self.surface)

    def sentences(self) -> list:
        """(article, sentence) where it is named, else where facts about it are, in order."""
        where = self.mentions or self.implied
        return [(art, s) for art in sorted(where) for s in where[art]]


@dataclass
class Contribution:
    """One article's part in resolution (a function of its extraction alone)."""

    article: Article  # slim: no text
    order: tuple  # (source, number, id): the build's article order
    script: str
    aliases: dict  # short key -> the fuller key this article links it to
    notes: dict  # pre-key -> Note
    facts: list  # (subject pre-key, predicate, object pre-key, sentence, rule, confidence)
    amounts: list  # (subject pre-key, predicate, value, sentence, text, rule, confidence)
    dates: list
    sentences: int = 0  # the article's sentence count (its text is not kept)


def prekey(m: Mention) -> PreKey:
    return (m.key, "District" in m.types)


def contribute(ex: Extraction, script: str) -> Contribution:
    """What article `ex` (written in `script`) gives resolution."""
    art = ex.article.id
    notes: dict[PreKey, Note] = {}
    best: dict[PreKey, dict] = {}  # pre-key -> type -> best vote in this article

    def note(m: Mention, counted: bool) -> PreKey:
        pk = (m.key, "District" in m.types)
        n = notes.get(pk)
        if n is None:
            n = notes[pk] = Note()
            best[pk] = {}
        n.surface[m.text] = n.surface.get(m.text, 0) + 1
        v = m.confidence * (0.5 if m.rule.startswith(WEAK_RULES) else 1.0)
        votes = best[pk]
        for t in m.types:
            if v > votes.get(t, -1.0):
                votes[t] = v
        if counted and m.sentence >= 0:
            n.mentions.setdefault(art, set()).add(m.sentence)
        return pk

    facts, amounts, dates = [], [], []
    for m in ex.mentions:
        note(m, True)
    for r in ex.relations:
        s, o = note(r.subject, r.subject.rule == "name-prefix"), note(r.object, r.object.rule == "name-prefix")
        notes[s].implied.setdefault(art, set()).add(r.sentence)
        notes[o].implied.setdefault(art, set()).add(r.sentence)
        facts.append((s, r.predicate, o, r.sentence, r.rule, r.confidence))
    for a in ex.amounts:
        s = note(a.subject, False)
        notes[s].implied.setdefault(art, set()).add(a.sentence)
        notes[s].invested += a.predicate in INVESTED
        amounts.append((s, a.predicate, a.value, a.sentence, a.text, a.rule, a.confidence))
    for d in ex.dates:
        s = note(d.subject, False)
        notes[s].implied.setdefault(art, set()).add(d.sentence)
        dates.append((s, d.predicate, d.value, d.sentence, d.text, d.rule, d.confidence))
    for pk, n in notes.items():
        n.mentions = {a: tuple(sorted(ss)) for a, ss in n.mentions.items()}
        n.implied = {a: tuple(sorted(ss)) for a, ss in n.implied.items()}
        n.scripts = {script: sum(n.surface.values())}
        n.votes = {(t, v): 1 for t, v in best[pk].items()}
    article = replace(ex.article, blocks=[], sentences=[])
    return Contribution(article, (article.source, article.number, article.id), script, article_aliases(ex.mentions),
                        notes, facts, amounts, dates, len(ex.article.sentences))


def article_aliases(mentions: list[Mention]) -> dict[str, str]:
    """Short key -> full key within one article: a short name (4+ characters, not a district)
    that ends a longer name of the same core type, the extra part being a place prefix
    (青岛/市南区/山东…) or 省/市/区/国家/中国. The longest full name wins, the first one on a tie."""
    keys = {m.key: m for m in mentions}
    alias: dict[str, str] = {}
    for full, mf in keys.items():
        for cut in range(1, len(full) - 3):
            short, prefix = full[cut:], full[:cut]
            ms = keys.get(short)
            if ms is None or canonical_district(short):
                continue
            if not (canonical_district(prefix) or prefix in ("省", "市", "区", "国家", "中国")):
                continue
            if {core_type(t) for t in ms.types} & {core_type(t) for t in mf.types}:
                if short not in alias or len(full) > len(alias[short]):
                    alias[short] = full
    return alias
