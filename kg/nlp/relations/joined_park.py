"""joinedPark: which firms and projects joined which parks: X落户/入驻/进驻P, X在P落地,
P…X等N个项目落地, P集聚了X, X位于P, a zone at the start of a name, and in an article about a
park or zone the members of sentences that name none. 该园区/园区 refer back to the park a
sentence last opened with, in a zone's article 该区/开发区 to the zone."""
from __future__ import annotations

import re

from kg.model import Mention, RelationMention
from kg.nlp.mentions.spans import PLACE_START_RE
from kg.nlp.relations.registry import relation_rule
from kg.nlp.relations.view import MEMBER, SentenceView

SETTLE_RE = re.compile(r"(签约落户|落户|入驻|进驻|入园|落地|加入|落子|挂牌)")
PARK_COREF_RE = re.compile(r"(该园区|园区内|园区|该基地|基地内|产业园内|该产业园)")
ZONE_COREF_RE = re.compile(r"(该区|开发区|高新区|经开区|新区|自贸片区|片区|合作区)(?![\u4e00-\u9fff]{0,2}(?:管委|政府))")
TOPIC_VERBS_RE = re.compile(r"(引进|引入|招引|落户|落地|入驻|进驻|签约|集中签约|开工|集中开工|投产|开业|集聚|聚集|汇聚|落子)")
LOCATED_RE = re.compile(r"(位于|坐落于|落户于|地处|选址于?|建于)")
ZONE_END_RE = re.compile(r"(经济技术开发区|高新技术产业开发区|经济开发区|开发区|高新区|经开区|新区|自贸片区|新片区|"
                         r"综合保税区|保税区|合作区|示范区|产业园区|产业园|工业园区|工业园|科技园|园区)")
DRAWS_RE = re.compile(r"(先后|已|已经|累计|共|已先后|成功)?(集聚|聚集|汇聚|汇集|吸引|引进建设|引进|引入|招引|培育出|孵化出|"
                      r"拥有|签约|签下)(了)?")


def _parks(v: SentenceView) -> tuple[list[Mention], dict[int, int], dict[int, int]]:
    """The parks the sentence speaks of and where each stands: those it names, else the park
    referred back to: by 该园区/园区…, in a zone's article by 该区/开发区/高新区…, or by the start
    of its name (落户滨海 in an article on 滨海新港合作区). Returns the parks, where each starts and
    where each ends in the sentence."""
    parks = [m for m in v.entities if "Park" in v.types(m) and not _listed_project(v, m)]
    where, ends = {id(pk): v.pos(pk) for pk in parks}, {id(pk): v.end(pk) for pk in parks}
    if parks:
        return parks, where, ends
    referent = v.ctx.focus_park or v.ctx.topic_park or v.ctx.last_park
    coref = PARK_COREF_RE.search(v.text)
    topic = v.ctx.topic_park
    if coref is None and topic is not None and ZONE_END_RE.search(topic.key[-6:]):
        referent, coref = topic, ZONE_COREF_RE.search(v.text) or _name_start(v.text, topic.key)
    if coref and referent is not None:
        parks = [referent]
        where[id(referent)], ends[id(referent)] = coref.start(), coref.end()
    return parks, where, ends


def _listed_project(v: SentenceView, m: Mention) -> bool:
    """A base that is also a project, listed with others (A、B基地、C等项目): a member, not a host."""
    return "Project" in v.types(m) and "、" in (v.text[v.end(m):v.end(m) + 1] + v.text[v.pos(m) - 1:v.pos(m)])


def _name_start(text: str, key: str):
    """Where the first two to four characters of a park's name stand alone after a settling verb."""
    for n in (4, 3, 2):
        mt = re.search(r"(?<=落户|落地|入驻|进驻)(?:于|在)?" + re.escape(key[:n]), text)
        if mt and len(key) > n + 1:
            return mt
    return None


@relation_rule(60, ("joinedPark-zai", "joinedPark", 0.65), ("joinedPark-settle", "joinedPark", 0.7),
               ("joinedPark-settle-back", "joinedPark", 0.55))
def settles(v: SentenceView) -> list[RelationMention]:
    """A settling verb (落户, 入驻, 落地…) between members and a park: X落户P, X在P落地, P…X等项目落地."""
    out: list[RelationMention] = []
    parks, where, ends = _parks(v)
    members = [m for m in v.entities if v.types(m) & MEMBER and ("Park" not in v.types(m) or _listed_project(v, m))
               and not any(pk.key in m.key or m.key in pk.key for pk in parks)]
    for mt in SETTLE_RE.finditer(v.text):
        t0, t1 = mt.start(), mt.end()
        ca, cb = v.clause(t0)
        direct = [pk for pk in parks if 0 <= where[id(pk)] - t1 <= 3]
        zai = [pk for pk in parks if 0 <= t0 - ends[id(pk)] <= 1
               and v.text[max(0, where[id(pk)] - 1):where[id(pk)]] == "在"]
        if zai:  # X在P落地 / 将在P落地X
            for m in members:
                if ca <= v.pos(m) < where[id(zai[0])] or t1 <= v.pos(m) <= v.clause(t1)[1]:
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
                if (ca <= p < t0 or t1 <= p <= cb) and p > where[id(park)]:
                    v.add(out, m, "joinedPark-settle-back", park)
    return out


OPENING_RE = re.compile(r"^(?:在|于)$")


@relation_rule(65, ("joinedPark-opening", "joinedPark", 0.6))
def opening_park(v: SentenceView) -> list[RelationMention]:
    """在P，A、B等企业签约落户，C项目开工: a sentence opening with 在 and a park sets the scene for
    each clause after it; the members before a settling or starting verb there join P."""
    out: list[RelationMention] = []
    park = next((m for m in v.entities if "Park" in v.types(m) and OPENING_RE.match(v.text[:v.pos(m)])), None)
    if park is None or v.text[v.end(park):v.end(park) + 1] not in "，,":
        return out
    for mt in TOPIC_VERBS_RE.finditer(v.bare, v.end(park)):
        ca, _ = v.clause(mt.start())
        for m in v.within(ca, mt.start()):
            if v.types(m) & MEMBER and "Park" not in v.types(m) and "GovernmentBody" not in m.types:
                v.add(out, m, "joinedPark-opening", park)
    return out


@relation_rule(70, ("joinedPark-draws", "joinedPark", 0.6))
def park_draws(v: SentenceView) -> list[RelationMention]:
    """A park as the subject that draws firms in: P集聚了/吸引/引进X、Y等 (园区引进…: the park
    referred back to)."""
    out: list[RelationMention] = []
    parks, _, ends = _parks(v)
    for pk in parks:
        p0 = ends[id(pk)]
        mt = DRAWS_RE.match(v.text[p0:])
        if not mt:
            continue
        _, cb = v.clause(p0)
        for m in v.entities:
            if p0 + mt.end() <= v.pos(m) <= cb and v.types(m) & MEMBER and "Park" not in v.types(m):
                v.add(out, m, "joinedPark-draws", pk)
    return out


@relation_rule(75, ("joinedPark-topic", "joinedPark", 0.5))
def topic_park(v: SentenceView) -> list[RelationMention]:
    """A sentence with no park, in an article about one: 引进X、Y等 / X等项目落户 / 集中签约X —
    the members join the article's topic park (the park its headline or a sentence opened with)."""
    out: list[RelationMention] = []
    park = v.ctx.topic_park
    if park is None or any("Park" in v.types(m) and not _listed_project(v, m) for m in v.entities) \
            or PARK_COREF_RE.search(v.text):
        return out
    for mt in TOPIC_VERBS_RE.finditer(v.text):
        ca, cb = v.clause(mt.start())
        if any(v.types(m) & {"District", "Organization"} and "Park" not in v.types(m)
               for m in v.within(ca, mt.start(), v.mentions) if v.pos(m) == ca and m.key != park.key
               and not (v.types(m) & {"Project"})):
            continue  # another body is the subject: it, not the park, brings them in
        for m in v.within(ca, _list_end(v, cb) + 1):
            if v.types(m) & MEMBER and ("Park" not in v.types(m) or _listed_project(v, m)) \
                    and park.key not in m.key and "GovernmentBody" not in m.types:
                v.add(out, m, "joinedPark-topic", park)
    return out


def _list_end(v: SentenceView, cb: int) -> int:
    """The end of the clause at `cb`, or of the clauses after it that list what it speaks of
    (…集中开工的重大项目有11个，包括A、B、C)."""
    opens = re.search(r"(包括|分别是|分别为|如下|有)\s*$", v.text[:cb]) and v.text[cb:cb + 1] in ":："
    for a, b in v.clauses:
        if a > cb and (opens or re.match(r"(包括|其中|分别是|分别为|涵盖|涉及|即)", v.text[a:])):
            cb = b
        elif a > cb:
            break
    return cb


def _zone_prefix(key: str) -> int:
    """Length of a development zone's name at the start of a longer name (威海高新区|某项目), or 0."""
    mt = ZONE_END_RE.search(key[:20])
    if not mt or len(key) - mt.end() < 4 or not PLACE_START_RE.match(key):
        return 0
    return mt.end()


@relation_rule(76, ("joinedPark-name-prefix", "joinedPark", 0.6), ("partOf-name-prefix", "partOf", 0.6))
def zone_in_name(v: SentenceView) -> list[RelationMention]:
    """A project or firm named after the zone it is in joins it (威海高新区台湾永塑打印机配套项目);
    a park named so is part of it (武汉开发区智慧生态城)."""
    out: list[RelationMention] = []
    for m in v.entities:
        if not v.types(m) & (MEMBER | {"Park"}):
            continue
        n = _zone_prefix(m.key)
        if n:
            zone = next((p for p in v.entities if p.key == m.key[:n]), None) or Mention(
                text=m.text[:n], key=m.key[:n], start=m.start, end=m.start + n, types=("Park",), sentence=v.index,
                rule="zone-prefix", confidence=0.7)
            v.add(out, m, "partOf-name-prefix" if "Park" in v.types(m) else "joinedPark-name-prefix", zone)
    return out


@relation_rule(77, ("joinedPark-located", "joinedPark", 0.6))
def located_in_park(v: SentenceView) -> list[RelationMention]:
    """X位于/坐落于/落户于P, P a park: X is in P (该项目位于P: the project named last)."""
    out: list[RelationMention] = []
    for mt in LOCATED_RE.finditer(v.text):
        park = next((m for m in v.within(mt.end(), mt.end() + 2) if "Park" in v.types(m)), None)
        if park is None:
            continue
        ca, _ = v.clause(mt.start())
        before = [m for m in v.within(ca, mt.start()) if v.types(m) & (MEMBER | {"Park"}) and m is not park]
        subject = before[-1] if before else (v.ctx.last_project if v.text[ca:mt.start()].endswith(("该项目", "项目"))
                                             else None)
        v.add(out, subject, "joinedPark-located", park)
    return out
