"""partOf and operatedBy: the parts of a park, project or initiative (以X为核心区的Y, Y下设的X,
将X纳入Y, NAME(A、B、C), a sub-plan named after an initiative's quoted core) and who runs a
park or platform (由X运营)."""
from __future__ import annotations

import re

from kg.model import RelationMention
from kg.nlp.relations.registry import relation_rule
from kg.nlp.relations.view import HOSTED, SentenceView

OPERATED_RE = re.compile(r"由([^，,。；]{2,30}?)(负责)?(运营|运维|管理运营)")
CORE_RE = re.compile(r"以([^，,。；]{2,40}?)(为|定)(核心区|核心|主体|龙头|载体|目标|功能|支撑)")
XIASHE_RE = re.compile(r"下设的?")
NARU_RE = re.compile(r"将([^，,。；]{2,40}?)纳入")
ENUMERATED_RE = re.compile(r"[（(]([^（）()]+、[^（）()]+)[）)]")
QUOTED_CORE_RE = re.compile(r"“([^”]{2,8})”")


@relation_rule(90, ("operatedBy-you", "operatedBy", 0.6))
def operated_by(v: SentenceView) -> list[RelationMention]:
    """由X运营 / 由X负责运营: X runs the park, platform or project named before."""
    out: list[RelationMention] = []
    for mt in OPERATED_RE.finditer(v.text):
        ops = [m for m in v.within(mt.start(1), mt.end(1), v.mentions) if "Organization" in v.types(m)]
        targets = [m for m in v.entities if v.pos(m) < mt.start() and v.types(m) & HOSTED]
        for o in ops:
            if targets:
                v.add(out, targets[-1], "operatedBy-you", o)
    return out


@relation_rule(100, ("partOf-core", "partOf", 0.55))
def core_area(v: SentenceView) -> list[RelationMention]:
    """以X为核心区的Y: X is part of Y (or of the park named before)."""
    out: list[RelationMention] = []
    for mt in CORE_RE.finditer(v.text):
        inner = v.within(mt.start(1), mt.end(1))
        outer = [m for m in v.within(mt.end() + 1, len(v.text)) if v.types(m) & {"Park", "Project", "Initiative"}]
        outer = outer or [m for m in v.entities if v.pos(m) < mt.start() and "Park" in v.types(m)][-1:]
        for x in inner:
            if outer and x is not outer[0]:
                v.add(out, x, "partOf-core", outer[0])
    return out


@relation_rule(110, ("partOf-xiashe", "partOf", 0.6))
def set_up_under(v: SentenceView) -> list[RelationMention]:
    """Y下设的X: X is part of Y."""
    out: list[RelationMention] = []
    for mt in XIASHE_RE.finditer(v.text):
        before = [m for m in v.entities if v.pos(m) < mt.start()]
        after = [m for m in v.entities if v.pos(m) >= mt.end()]
        if before and after:
            v.add(out, after[0], "partOf-xiashe", before[-1])
    return out


@relation_rule(120, ("partOf-naru", "partOf", 0.6))
def brought_into(v: SentenceView) -> list[RelationMention]:
    """将X纳入Y: X becomes part of Y."""
    out: list[RelationMention] = []
    for mt in NARU_RE.finditer(v.text):
        inner, outer = v.within(mt.start(1), mt.end(1)), v.within(mt.end(), mt.end() + 4)
        if inner and outer:
            v.add(out, inner[0], "partOf-naru", outer[0])
    return out


@relation_rule(130, ("partOf-enumerated", "partOf", 0.6))
def enumerated_parts(v: SentenceView) -> list[RelationMention]:
    """NAME(A、B、C)HEAD: A, B and C are parts of the enumerated name."""
    out: list[RelationMention] = []
    for m in v.entities:
        par = ENUMERATED_RE.search(v.text[v.pos(m):v.end(m)])
        if not par:
            continue
        for o in v.within(v.pos(m) + par.start(1), v.pos(m) + par.end(1), v.mentions):
            if o is not m:
                v.add(out, o, "partOf-enumerated", m)
    return out


@relation_rule(140, ("partOf-quoted-core", "partOf", 0.5))
def quoted_core(v: SentenceView) -> list[RelationMention]:
    """A sub-plan named after another initiative's quoted core: 功能区“标准地”出让试点实施方案 → “标准地”改革."""
    out: list[RelationMention] = []
    for m, o in v.pairs(v.entities, v.entities):
        core_name = QUOTED_CORE_RE.search(o.text) if "Initiative" in v.types(o) else None
        if core_name and core_name.group(1) in m.text and o.key not in m.key and m.key not in o.key \
                and v.types(m) & {"Initiative", "Project"}:
            v.add(out, m, "partOf-quoted-core", o)
    return out


PART_NOUN_RE = re.compile(r"^的?(?:核心区|核心区域|核心版块|核心板块|先行区|先行启动区|启动区|主阵地|主体区|重要组成部分|组成部分|"
                          r"重要板块|片区|分园|园中园|重要承载区)")


@relation_rule(145, ("partOf-role", "partOf", 0.55))
def part_role(v: SentenceView) -> list[RelationMention]:
    """X作为/是P的核心区、先行区、组成部分…: X is part of P (the sentence's subject when X is not named)."""
    out: list[RelationMention] = []
    for p in v.entities:
        if not v.types(p) & {"Park", "Project", "Initiative"} or not PART_NOUN_RE.match(v.text[v.end(p):]):
            continue
        before = v.text[:v.pos(p)]
        cue = max(before.rfind("作为"), before.rfind("是"), before.rfind("为"))
        if cue < 0:
            continue
        parts = [x for x in v.within(0, cue) if v.types(x) & {"Park", "Project", "Initiative"} and x is not p]
        part = parts[-1] if parts else (v.ctx.focus_park if cue == 0 else None)
        v.add(out, part, "partOf-role", p)
    return out


SUBPARKS_RE = re.compile(r"(规划建设了?|建设了|规划了|布局了|设立了|设有|形成了?|包括|包含|拥有|下辖|辖|分为|划分为|涵盖|"
                         r"即)[:：]?")


@relation_rule(150, ("partOf-subparks", "partOf", 0.55))
def sub_parks(v: SentenceView) -> list[RelationMention]:
    """A zone and the parks it holds: Y建设了A、B、C园 / Y规划了A、B等片区 / “一区两园”，即A和B —
    each park named after the verb is part of Y (the sentence's opening park, else the park the
    paragraph or article is about)."""
    out: list[RelationMention] = []
    opener = next((m for m in v.entities if v.pos(m) == 0 and "Park" in v.types(m)), None)
    zone = opener or v.ctx.focus_park or v.ctx.topic_park
    if zone is None:
        return out
    for mt in SUBPARKS_RE.finditer(v.bare):
        _, cb = v.clause(mt.start())
        if opener is None and v.within(0, mt.start(), v.mentions):
            continue  # another name leads the sentence: it, not the zone, holds what follows
        for m in v.within(mt.end(), cb + 1):
            if "Park" in v.types(m) and "Project" not in v.types(m) and m.key != zone.key \
                    and zone.key not in m.key:
                v.add(out, m, "partOf-subparks", zone)
    return out
