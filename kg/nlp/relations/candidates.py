"""Candidate relations of one sentence, for the pair scorer (kg.nlp.relations.scorer): every
ordered pair of its mentions, and of a mention with the article's context (its district, the
park it is about, the park the paragraph opened with), whose types a core relation admits;
each with the features the scorer weighs and the rule, if any, that stated it.

Features are plain strings: the types of the two ends, their order, the characters and clauses
between them, the function words and verbs between and around them, cue classes, the mentions
between, whether both stand in one list, where a context end comes from, which candidate of its
subject is nearest, the rule that fired, and (article_features) how often the article offers
and states the pair. The scorer weighs each per relation. No feature
holds a mention's own name: words are features only when tagged as verbs, function words or
short common nouns (`_plain`)."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from kg.model import SIGNATURES, Mention, RelationMention
from kg.nlp import lexicon as L
from kg.nlp.relations.registry import rule_family
from kg.nlp.relations.view import SentenceView

SYMMETRIC = {"partner"}
# the words that may be features: verbs, prepositions, conjunctions, localisers, adverbs,
# particles, pronouns, adjectives, and common nouns of one or two characters; never a name,
# an abbreviation or a number (no firm's name may be learnt)
WORD_TAGS = tuple("vpcfdura")
LIST_GLUE = set("、和及与,， ")
# cue classes: a cue word of each between two mentions is a feature of its own
TRIGGERS = {
    "settle": ("落户", "入驻", "进驻", "入园", "落地", "落子", "签约落户", "加入", "引进", "引入", "招引", "吸引", "集聚",
               "聚集", "汇聚", "汇集", "入选"),
    "lead": tuple(L.LEAD_VERBS) + ("投资", "投资建设", "主办", "牵头", "运营", "负责", "成立"),
    "partner": tuple(L.PARTNER_CUES) + ("与", "同", "和"),
    "place": ("位于", "坐落", "地处", "选址", "在", "于"),
    "part": ("之一", "包括", "包含", "其中", "下设", "组成"),
}


@dataclass(slots=True)
class Candidate:
    """One possible relation of one sentence: its features (shared by the relations of one
    pair), those of this relation only, and the rule that stated it if any."""

    subject: Mention
    predicate: str
    object: Mention
    sentence: int
    features: list[str]
    own: list[str] = field(default_factory=list)
    rule: str | None = None
    prior: float = 0.0

    def named_features(self) -> list[str]:
        """Every feature with its relation: what the weights file keys."""
        p = self.predicate
        return [p] + [f"{p}|{f}" for f in self.features] + [f"{p}|{f}" for f in self.own]


def _bucket(n: int, edges=(0, 2, 5, 10, 20, 40)) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return "more"


def _plain(word: str, pos: str) -> bool:
    """A word that may be a feature (WORD_TAGS, or a common noun of at most two characters)."""
    return len(word) <= 4 and (pos[:1] in WORD_TAGS or (pos == "n" and len(word) <= 2))


class _Sentence:
    """What every pair of one sentence reads: token and mention positions, for bisection."""

    def __init__(self, v: SentenceView):
        self.v = v
        toks = v.tokens
        self.starts = [t.start for t in toks]
        self.ends = [t.end for t in toks]
        self.words = [t.word if _plain(t.word, t.pos) else None for t in toks]
        self.where = sorted(v.pos(m) for m in v.mentions)
        self.inside = {id(m) for m in v.mentions}

    def words_between(self, a: int, b: int) -> list[str]:
        out = []
        for i in range(bisect_left(self.starts, a), len(self.starts)):
            if self.ends[i] > b:
                break
            if self.words[i]:
                out.append(self.words[i])
        return out

    def word_before(self, pos: int) -> str | None:
        i = bisect_right(self.ends, pos) - 1
        return self.words[i] if i >= 0 else None

    def word_from(self, pos: int) -> str | None:
        i = bisect_left(self.starts, pos)
        return self.words[i] if i < len(self.starts) else None

    def mentions_between(self, a: int, b: int) -> int:
        return bisect_left(self.where, b) - bisect_left(self.where, a)


def _pair_features(sn: _Sentence, s: Mention, o: Mention) -> list[str]:
    """Features of two mentions of the sentence, by where they stand."""
    v = sn.v
    ps, po = v.pos(s), v.pos(o)
    left, right = (s, o) if ps <= po else (o, s)
    a, b = v.end(left), v.pos(right)
    gap = v.text[a:b]
    order = "so" if ps <= po else "os"
    f = ["order:" + order, "gap:" + _bucket(max(0, b - a)),
         "clauses:" + _bucket(abs(v.clause_no(ps) - v.clause_no(po)), (0, 1, 2)),
         "between:" + _bucket(sn.mentions_between(a, b), (0, 1, 2))]
    if gap and set(gap) <= LIST_GLUE or (not gap and b >= a):
        f.append("listed" if gap else "adjacent")
    if b - a <= 30:
        words = sn.words_between(a, b)
        f += ["w:" + w for w in words] + [f"w{order}:{w}" for w in words]
    f += [f"trig-{order}:{name}" for name, cues in TRIGGERS.items() if any(c in gap for c in cues)]
    for name, word in (("L", sn.word_before(v.pos(left))), ("R", sn.word_from(v.end(right))),
                       ("in1", sn.word_from(a) if b > a else None), ("in2", sn.word_before(b) if b > a else None)):
        if word:
            f.append(f"{name}:{word}")
    if b > a:
        wanted = v.types(o) if ps <= po else v.types(s)
        if any(v.types(m) & wanted for m in v.mentions if a <= v.pos(m) < b):
            f.append("nearer-same-type")
    if ps == 0 or s is v.subject:
        f.append("s-opens")
    return f


def _end_features(v: SentenceView, s: Mention, o: Mention, roles: dict[int, str]) -> list[str]:
    """Features of the two ends themselves: types, mention rules, context roles, names inside names."""
    f = [f"t:{ts}>{to}" for ts in s.types for to in o.types]
    f += ["sr:" + s.rule.split("-")[0], "or:" + o.rule.split("-")[0], "kind:" + v.kind]
    if id(s) in roles or id(o) in roles:
        f.append("ctx:" + ("s-" + roles[id(s)] if id(s) in roles else "o-" + roles[id(o)]))
    if o.key in s.key:
        f.append("o-in-s")
    elif s.key in o.key:
        f.append("s-in-o")
    f += ["suffix-o:" + o.key[-1:], "suffix-s:" + s.key[-1:]]
    return f


def _context(v: SentenceView, inside: set[int]) -> list[tuple[str, Mention]]:
    """The context mentions a sentence's mentions may pair with, each with its role."""
    ctx, seen, out = v.ctx, set(), []
    for role, m in (("district", ctx.district), ("topic", ctx.topic_park), ("focus", ctx.focus_park),
                    ("lastpark", ctx.last_park), ("implied", v.implied)):
        if m is not None and id(m) not in seen and id(m) not in inside:
            seen.add(id(m))
            out.append((role, m))
    return out


@lru_cache(maxsize=4096)
def _relations_for(ts: frozenset, to: frozenset) -> tuple[str, ...]:
    """The core relations whose domain and range admit these core types."""
    return tuple(p for p, (dom, rng) in SIGNATURES.items() if ts & dom and to & rng)


@lru_cache(maxsize=1024)
def _family(rule: str) -> str:
    return rule_family(rule)


def sentence_candidates(v: SentenceView, stated: list[RelationMention]) -> list[Candidate]:
    """The candidate relations of one sentence; `stated` are the rules' relations of it."""
    by_rule: dict[tuple[str, str, str], RelationMention] = {}
    for r in stated:
        k = (r.subject.key, r.predicate, r.object.key)
        if k not in by_rule or r.confidence > by_rule[k].confidence:
            by_rule[k] = r
    sn = _Sentence(v)
    context = _context(v, sn.inside)
    roles = {id(m): role for role, m in context}
    n_parks = sum(1 for m in v.entities if "Park" in v.types(m))
    common = [f"parks:{_bucket(n_parks, (0, 1, 2))}"]
    out: list[Candidate] = []
    seen = set()
    ends = [(m, False) for m in v.mentions] + [(m, True) for _, m in context]
    for s, s_ctx in ends:
        for o, o_ctx in ends:
            if s is o or s.key == o.key or (s_ctx and o_ctx):
                continue
            relations = _relations_for(frozenset(v.types(s)), frozenset(v.types(o)))
            if not relations or s.key.endswith(o.key) or o.key.endswith(s.key):
                continue  # (a name and its short form, 青岛国际邮轮港区 and 邮轮港区, are one thing)
            shared = prefix = None
            for p in relations:
                if p in SYMMETRIC and (s_ctx or (not o_ctx and v.pos(s) > v.pos(o))):
                    continue
                if shared is None:
                    shared, prefix = _shared(v, sn, s, o, roles, common, s_ctx or o_ctx), _ends(v, s, o)
                seen.add((s.key, p, o.key))
                out.append(_candidate(v, s, p, o, shared, by_rule, prefix))
    for k, r in by_rule.items():  # stated with an end from elsewhere (the paragraph's last project…)
        if k not in seen and (r.object.key, r.predicate, r.subject.key) not in seen:
            roles.setdefault(id(r.subject) if id(r.subject) not in sn.inside else id(r.object), "other")
            out.append(_candidate(v, r.subject, r.predicate, r.object,
                                  _shared(v, sn, r.subject, r.object, roles, common, True), by_rule,
                                  _ends(v, r.subject, r.object)))
    _rank(sn, out)
    return out


def article_features(candidates: list[Candidate]) -> None:
    """Add to each of an article's candidates what the whole article says of it: in how many
    sentences the same pair is a candidate and is stated by a rule, and how many candidates of
    the relation its subject and its object have."""
    pairs, stated, subjects, objects = Counter(), Counter(), Counter(), Counter()
    keys = [(c.subject.key, c.predicate, c.object.key) for c in candidates]
    for c, k in zip(candidates, keys):
        pairs[k] += 1
        stated[k] += c.rule is not None
        subjects[k[:2]] += 1
        objects[k[2], k[1]] += 1
    for c, k in zip(candidates, keys):
        c.own += [_art_label("art-pair", pairs[k]), _art_label("art-stated", stated[k]),
                  _art_label("art-subj", subjects[k[:2]]), _art_label("art-obj", objects[k[2], k[1]])]


ART_EDGES = {"art-pair": (1, 2, 3, 5), "art-stated": (0, 1, 2), "art-subj": (1, 3, 10), "art-obj": (1, 3, 10, 30)}


@lru_cache(maxsize=256)
def _art_label(name: str, n: int) -> str:
    """"art-pair:2" and the like, made once."""
    return f"{name}:{_bucket(n, ART_EDGES[name])}"


def _ends(v, s, o) -> str:
    """The pair's core types, the prefix of its conjoined features."""
    return "C:" + "/".join(sorted(v.types(s))) + ">" + "/".join(sorted(v.types(o)))


def _shared(v, sn, s, o, roles, common, from_context: bool) -> list[str]:
    """The features of a pair that every relation of it shares; the pair's features also
    conjoined with its core types."""
    pair = common + ([] if from_context else _pair_features(sn, s, o))
    ends = _ends(v, s, o)
    return _end_features(v, s, o, roles) + pair + [ends + "&" + x for x in pair]


def _candidate(v, s, p, o, shared, by_rule, prefix: str) -> Candidate:
    rule = by_rule.get((s.key, p, o.key)) or (by_rule.get((o.key, p, s.key)) if p in SYMMETRIC else None)
    family = _family(rule.rule) if rule else "none"
    return Candidate(s, p, o, v.index, shared, ["rule:" + family, prefix + "&rule:" + family],
                     rule.rule if rule else None, rule.confidence if rule else 0.0)


def _rank(sn: _Sentence, out: list[Candidate]) -> None:
    """Of the candidates of one relation sharing a subject (an object), the nearest is rank 0."""
    v = sn.v
    for end in ("s", "o"):
        groups: dict[tuple, list[Candidate]] = {}
        for c in out:
            groups.setdefault((c.predicate, id(c.subject if end == "s" else c.object)), []).append(c)
        for cs in groups.values():
            anchor = v.pos(cs[0].subject if end == "s" else cs[0].object)
            inside = [c for c in cs if id(c.object if end == "s" else c.subject) in sn.inside]
            inside.sort(key=lambda c: abs(v.pos(c.object if end == "s" else c.subject) - anchor))
            for k, c in enumerate(inside):
                c.own.append(f"rank-{end}:{min(k, 2)}")
            if len(cs) == 1:
                cs[0].own.append(f"only-{end}")
