"""joinedPark: which firms and projects joined which parks: X落户/入驻/进驻P, X在P落地,
P…X等N个项目落地, P集聚了X; 该园区/园区 refer back to the last park of the paragraph."""
from __future__ import annotations

import re

from kg.model import Mention, RelationMention
from kg.nlp.relations.registry import relation_rule
from kg.nlp.relations.view import MEMBER, SentenceView

SETTLE_RE = re.compile(r"(签约落户|落户|入驻|进驻|入园|落地|加入)")
PARK_COREF_RE = re.compile(r"(该园区|园区内|园区|该基地|基地内|产业园内|该产业园)")
DRAWS_RE = re.compile(r"(先后|已|已经|累计|共)?(集聚|聚集|吸引|引进|引入|招引)(了)?")


def _parks(v: SentenceView) -> tuple[list[Mention], dict[int, int]]:
    """The parks the sentence speaks of and where each stands: those it names, else the last
    park of the paragraph where 该园区/园区… refers back to it."""
    parks = [m for m in v.entities if "Park" in v.types(m)]
    where = {id(pk): v.pos(pk) for pk in parks}
    coref = PARK_COREF_RE.search(v.text)
    if not parks and coref and v.ctx.last_park is not None:
        parks = [v.ctx.last_park]
        where[id(v.ctx.last_park)] = coref.start()
    return parks, where


@relation_rule(60, ("joinedPark-zai", "joinedPark", 0.65), ("joinedPark-settle", "joinedPark", 0.7),
               ("joinedPark-settle-back", "joinedPark", 0.55))
def settles(v: SentenceView) -> list[RelationMention]:
    """A settling verb (落户, 入驻, 落地…) between members and a park: X落户P, X在P落地, P…X等项目落地."""
    out: list[RelationMention] = []
    parks, where = _parks(v)
    members = [m for m in v.entities if v.types(m) & MEMBER and "Park" not in v.types(m)
               and not any(pk.key in m.key or m.key in pk.key for pk in parks)]
    for mt in SETTLE_RE.finditer(v.text):
        t0, t1 = mt.start(), mt.end()
        ca, _ = v.clause(t0)
        direct = [pk for pk in parks if 0 <= where[id(pk)] - t1 <= 3]
        zai = [pk for pk in parks if 0 <= t0 - (where[id(pk)] + (pk.end - pk.start)) <= 1
               and v.text[max(0, where[id(pk)] - 1):where[id(pk)]] == "在"]
        if zai:
            for m in members:
                if ca <= v.pos(m) < where[id(zai[0])]:
                    v.add(out, m, "joinedPark-zai", zai[0])
            continue
        earlier = [pk for pk in parks if where[id(pk)] < t0 and not any(where[id(x)] > where[id(pk)] and x in direct
                                                                        for x in parks)]
        if direct:
            for m in members:
                if ca <= v.pos(m) < t0:
                    v.add(out, m, "joinedPark-settle", direct[0])
        elif earlier:
            park = earlier[-1]
            for m in members:
                p = v.pos(m)
                if (ca <= p < t0 or t1 <= p <= t1 + 3) and p > where[id(park)]:
                    v.add(out, m, "joinedPark-settle-back", park)
    return out


@relation_rule(70, ("joinedPark-draws", "joinedPark", 0.6))
def park_draws(v: SentenceView) -> list[RelationMention]:
    """A park as the subject that draws firms in: P集聚了/吸引/引进X、Y等."""
    out: list[RelationMention] = []
    for pk in (m for m in v.entities if "Park" in v.types(m)):
        p0 = v.end(pk)
        mt = DRAWS_RE.match(v.text[p0:])
        if not mt:
            continue
        _, cb = v.clause(p0)
        for m in v.entities:
            if p0 + mt.end() <= v.pos(m) <= cb and v.types(m) & MEMBER and "Park" not in v.types(m):
                v.add(out, m, "joinedPark-draws", pk)
    return out
