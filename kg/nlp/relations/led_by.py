"""ledBy: who leads an initiative, project, park or platform: the subject of a governing verb
(出台/实施/推出 for initiatives, 打造/建设/搭建/设立 for projects), a body right before quoted
initiatives, a firm at the start of the name. The governing verb also places what a district
builds in that district (locatedIn-article)."""
from __future__ import annotations

import re

from kg.model import Mention, RelationMention
from kg.nlp import lexicon as L
from kg.nlp.relations.registry import relation_rule
from kg.nlp.relations.view import HOSTED, LEADABLE, SentenceView


def _nearest_lead_verb(before: str) -> str | None:
    """The governing verb closest before a mention in its clause."""
    return max(((before.rfind(w), w) for w in L.LEAD_VERBS if w in before), default=(-1, None))[1]


def _local_subject(v: SentenceView, m: Mention, ca: int, lead: str | None) -> Mention | None:
    """An organisation in the clause before `m` and before its governing verb: 某集团投资建设X."""
    found = None
    for other in v.mentions:
        p = v.pos(other)
        if other is not m and ca <= p < v.pos(m) and v.types(other) & {"Organization"} \
                and "District" not in v.types(other) and lead and v.bare.find(lead, p) > p:
            found = other
    return found


@relation_rule(20, ("ledBy-verb", "ledBy", 0.55), ("locatedIn-article", "locatedIn", 0.5))
def governing_verb(v: SentenceView) -> list[RelationMention]:
    """区里打造X / 实施X: the implied subject leads what it builds or launches, and hosts it."""
    out: list[RelationMention] = []
    for m in v.entities:
        t, p = v.types(m), v.pos(m)
        ca, cb = v.clause(p)
        lead = _nearest_lead_verb(v.bare[ca:p])
        after = v.bare[v.end(m):cb]
        built = next((w for w in L.BUILD_VERBS if after.startswith(w) or after[:6].find(w) >= 0), None)
        local = _local_subject(v, m, ca, lead)
        fits = lead is not None and ((t & {"Initiative"} and lead in L.POLICY_VERBS) or
                                     (t & {"Project", "Park", "Platform"} and lead in L.BUILD_LEAD_VERBS))
        if fits and t & LEADABLE and (local or v.implied) is not None:
            v.add(out, m, "ledBy-verb", local or v.implied, trigger=lead, confidence=0.6 if local else None)
        if (lead or built) and t & HOSTED and v.implied_is_district and local is None:
            v.add(out, m, "locatedIn-article", v.implied, trigger=lead or built)
    return out


@relation_rule(40, ("ledBy-attribution", "ledBy", 0.6))
def attribution(v: SentenceView) -> list[RelationMention]:
    """A body right before quoted initiatives leads them: 市委“项目落地年”“十大改革突破行动”."""
    out: list[RelationMention] = []
    for i, m in enumerate(v.mentions):
        if "GovernmentBody" not in m.types and "District" not in v.types(m):
            continue
        end = m.end
        for nxt in v.mentions[i + 1:]:
            gap = v.text[end - v.start:nxt.start - v.start]
            if gap.strip("“”《》 ") or "Initiative" not in v.types(nxt):
                break
            v.add(out, nxt, "ledBy-attribution", m)
            end = nxt.end
    return out


@relation_rule(50, ("ledBy-name-prefix", "ledBy", 0.7))
def firm_in_name(v: SentenceView) -> list[RelationMention]:
    """A firm named at the start of a park or project's name builds it: 言鼎集团莱西医疗产业园."""
    out: list[RelationMention] = []
    for m, o in v.pairs(v.entities, v.mentions):
        if o.start == m.start and o.end < m.end and "Organization" in v.types(o) and v.types(m) & LEADABLE:
            v.add(out, m, "ledBy-name-prefix", o)
    return out


INVESTS_RE = re.compile(r"^(?:[、和与及]|联合|共同|独资|全资|合资|出资)*(?:投资建设|投资兴建|投资打造|开发建设|建设运营|投资|投建|"
                        r"签约|打造|开发|兴建)(?:约?\d+(?:\.\d+)?[亿万]?元)?的")
BUILT_BY_RE = re.compile(r"由(?P<who>[^，,。；;]{2,60}?)(?:联合|共同)?(?:投资建设|投资兴建|开发建设|投资|建设|打造|投建)")


def _investors(v: SentenceView, end: int) -> list[Mention]:
    """The organisations of a list that ends at sentence position `end` (A、B联合投资…)."""
    found: list[Mention] = []
    for m in sorted(v.mentions, key=lambda x: -v.pos(x)):
        gap = v.text[v.end(m):end if not found else v.pos(found[-1])]
        if v.end(m) <= end and "Organization" in v.types(m) and "District" not in v.types(m) \
                and not gap.strip("、和与及 "):
            found.append(m)
        elif v.end(m) <= end:
            break
    return found


@relation_rule(55, ("ledBy-investor", "ledBy", 0.6), ("partner-co-investor", "partner", 0.55))
def investor(v: SentenceView) -> list[RelationMention]:
    """X投资建设的Y / X签约的Y项目 / A、B联合投资30亿元的Y / Y由X投资建设: the investor leads it;
    investors named together are partners."""
    out: list[RelationMention] = []
    for m in v.mentions:
        mt = INVESTS_RE.match(v.text[v.end(m):])
        if not mt or "Organization" not in v.types(m):
            continue
        start = v.end(m) + mt.end()
        target = next((y for y in v.within(start, start + 3) if v.types(y) & LEADABLE), None)
        investors = _investors(v, v.end(m))
        for x in investors:
            v.add(out, target, "ledBy-investor", x)
        for a, b in zip(investors, investors[1:]):
            v.add(out, a, "partner-co-investor", b)
    for mt in BUILT_BY_RE.finditer(v.text):
        who = [x for x in v.within(mt.start("who"), mt.end("who"), v.mentions)  # (a name may run past the verb)
               if "Organization" in v.types(x) and "District" not in v.types(x)]
        before = [y for y in v.within(0, mt.start()) if v.types(y) & LEADABLE]
        head = v.text[:mt.start()]
        opener = next((y for y in before if v.pos(y) == 0), None)
        target = opener if head.endswith("是") and opener else before[-1] if before else \
            v.ctx.focus_park if head.endswith(("该园区", "园区")) else v.ctx.last_project if head.endswith("项目") else None
        for x in who:
            v.add(out, target, "ledBy-investor", x)
    return out
