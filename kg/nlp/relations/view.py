"""What a relation rule sees of one sentence: its Simplified text and clauses, its mentions with
sentence positions and core types, the subject the genre implies, and the article's context
(its district, the park, project and firm named last in the paragraph)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.model import Mention, RelationMention, Token, core_type
from kg.nlp.relations.registry import RULES

CLAUSE_RE = re.compile(r"[，,；;：:]")
HOSTED = {"Project", "Park", "Platform"}
LEADABLE = {"Initiative", "Project", "Park", "Platform"}
MEMBER = {"Organization", "Project"}


def core(types) -> set[str]:
    """The core classes of a mention's types."""
    return {core_type(t) for t in types}


@dataclass
class Context:
    """Article-level state carried from sentence to sentence."""

    district: Mention | None = None  # a mention standing for the article's district
    last_park: Mention | None = None
    focus_park: Mention | None = None  # the last park a sentence opened with: what 该园区 refers to
    topic_park: Mention | None = None  # the park the article is about (named in its headline or opening)
    last_project: Mention | None = None
    last_company: Mention | None = None
    paragraph: int = -1


def clauses_of(s: str) -> list[tuple[int, int]]:
    """(start, end) of each clause, split at commas, semicolons and colons."""
    bounds, prev = [], 0
    for m in CLAUSE_RE.finditer(s):
        bounds.append((prev, m.start()))
        prev = m.end()
    bounds.append((prev, len(s)))
    return bounds


def clause_index(clauses: list[tuple[int, int]], pos: int) -> int:
    for i, (a, b) in enumerate(clauses):
        if a <= pos <= b:
            return i
    return len(clauses) - 1


@dataclass
class SentenceView:
    """One sentence as the rules read it. `text` is Simplified; mention offsets are absolute
    and `start` converts them to sentence positions (`pos`)."""

    text: str
    mentions: list[Mention]
    start: int
    index: int
    ctx: Context = field(default_factory=Context)
    tokens: list[Token] = field(default_factory=list)
    kind: str = "paragraph"  # headline | heading | caption | paragraph

    def __post_init__(self) -> None:
        self.clauses = clauses_of(self.text)
        self.bare = self._masked()
        self._pos = {id(m): m.start - self.start for m in self.mentions}
        self._types = {id(m): core(m.types) for m in self.mentions}
        self.entities = [m for m in self.mentions if "District" not in self._types[id(m)]]
        self.subject = self._subject()
        topic = self.ctx.topic_park
        zone = topic if topic is not None and "Organization" in core(topic.types) else None
        # a zone's article is about the zone: it, before its city, is who builds and launches
        self.implied = self.subject if self.subject is not None else zone or self.ctx.district
        self.implied_is_district = self.implied is not None and "District" in core(self.implied.types)

    def _masked(self) -> str:
        """The sentence with every mention's characters replaced by □, so that a verb inside a
        name (开发 in 经济开发区, 建设 in 建设项目) is not read as the sentence's verb."""
        chars = list(self.text)
        for m in self.mentions:
            a = max(0, m.start - self.start)
            chars[a:m.end - self.start] = "□" * len(chars[a:m.end - self.start])
        return "".join(chars)

    def _subject(self) -> Mention | None:
        """A district or organisation opening the sentence, or the article's district for
        该区/全区/我区/该市/全市."""
        for m in self.mentions:
            if self._pos[id(m)] == 0 and self._types[id(m)] & {"District", "Organization"}:
                return m
        if self.text[:self.clauses[0][1]].startswith(("该区", "全区", "我区", "该市", "全市")):
            return self.ctx.district
        return None

    def pos(self, m: Mention) -> int:
        """Where a mention starts in the sentence."""
        return self._pos[id(m)] if id(m) in self._pos else m.start - self.start

    def end(self, m: Mention) -> int:
        return self.pos(m) + (m.end - m.start)

    def types(self, m: Mention) -> set[str]:
        return self._types[id(m)] if id(m) in self._types else core(m.types)

    def within(self, start: int, end: int, among: list[Mention] | None = None) -> list[Mention]:
        """The mentions (or those of `among`) that start in [start, end) of the sentence."""
        return [m for m in (self.entities if among is None else among) if start <= self.pos(m) < end]

    def pairs(self, first: list[Mention], second: list[Mention]):
        """(m, o) for m of `first` and every other mention o of `second`."""
        return ((m, o) for m in first for o in second if o is not m)

    def clause(self, pos: int) -> tuple[int, int]:
        """(start, end) of the clause holding sentence position `pos`."""
        return self.clauses[clause_index(self.clauses, pos)]

    def clause_no(self, pos: int) -> int:
        return clause_index(self.clauses, pos)

    def add(self, out: list[RelationMention], subject: Mention | None, rule: str, obj: Mention | None, *,
            trigger: str | None = None, confidence: float | None = None) -> None:
        """Record `subject rule.relation obj` (nothing when either is missing or they are the
        same thing), named `rule-trigger`, at the rule's prior unless `confidence` is given."""
        if subject is None or obj is None or subject.key == obj.key:
            return
        info = RULES[rule]
        out.append(RelationMention(subject=subject, predicate=info.relation, object=obj, sentence=self.index,
                                   rule=f"{rule}-{trigger}" if trigger else rule,
                                   confidence=info.prior if confidence is None else confidence))
