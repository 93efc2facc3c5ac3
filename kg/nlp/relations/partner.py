"""partner: 与X(、Y)签约/合作/共建, 联合X(、Y)…, X与Y合作; the unnamed left side is the
sentence's subject. What the partners build together is led by them too (ledBy-partner)."""
from __future__ import annotations

import re

from kg.model import Mention, RelationMention
from kg.nlp import lexicon as L
from kg.nlp.relations.registry import relation_rule
from kg.nlp.relations.view import LEADABLE, SentenceView

PARTNER_CONJ_RE = re.compile(r"(会同|联合|携手|与|(?<![会共一相])同(?![时步比样期等一类]))")
PARTIES = {"Organization", "District"}
_BARE = ("与", "同", "会同")  # conjunctions that need a partner cue after them


def _reach(v: SentenceView, mt: re.Match) -> tuple[int, int] | None:
    """(clause index, where the partner list ends) after the conjunction, or None when the
    clause has no partner cue (与…签约/合作/共建…)."""
    ci = v.clause_no(mt.start())
    cb = v.clauses[ci][1]
    if ci + 1 < len(v.clauses) and mt.group() in _BARE:
        cb = v.clauses[min(ci + 1, len(v.clauses) - 1)][1]  # 与A、B等机构建立密切合作 may cross a comma
    tail = v.text[mt.end():cb]
    cue = min((tail.find(c) for c in L.PARTNER_CUES + ("建立", "签订", "在") if tail.find(c) > 0), default=-1)
    if mt.group() in _BARE and not any(c in tail for c in L.PARTNER_CUES + ("签订", "协作", "联动")):
        return None
    lead_at = min((tail.find(w) for w in L.LEAD_VERBS if tail.find(w) > 0), default=len(tail))
    return ci, mt.end() + min(cue if cue > 0 else len(tail), lead_at, len(tail))


def _left_side(v: SentenceView, mt: re.Match) -> tuple[bool, Mention | None]:
    """(usable, party) before the conjunction: a name ending right there, or the sentence's
    subject (which may be unknown) when nothing name-like stands before it; not usable when an
    unrecognised name stands there (do not guess)."""
    ca, _ = v.clause(mt.start())
    left = [m for m in v.mentions if ca <= v.pos(m) and v.end(m) >= mt.start() - 1
            and v.pos(m) < mt.start() and v.types(m) & PARTIES]
    if left:
        return True, left[-1]
    head = v.text[ca:mt.start()]
    if not re.search(r"[\u4e00-\u9fff]", head) or any(head.endswith(w) for w in L.GOVERNING_VERBS) \
            or head.endswith(("层面", "已经", "还", "并", "同时")):
        return True, v.subject or v.ctx.district
    return False, None


@relation_rule(80, ("partner", "partner", 0.6), ("ledBy-partner", "ledBy", 0.55))
def partners(v: SentenceView) -> list[RelationMention]:
    """与/同/会同/联合/携手 + the parties named before a partner cue."""
    out: list[RelationMention] = []
    previous = None  # the left side of the sentence's last frame: 管委会与A签署…，并与B签署…
    for mt in PARTNER_CONJ_RE.finditer(v.text):
        if any(v.pos(m) < mt.start() < v.end(m) for m in v.mentions):
            continue  # inside a name: 海滨工商联合会
        reach = _reach(v, mt)
        if reach is None:
            continue
        ci, limit = reach
        named = [m for m in v.mentions if mt.end() <= v.pos(m) < limit and v.types(m) & PARTIES]
        if not named:
            continue
        usable, left = _left_side(v, mt)
        if previous is not None and v.text[v.clauses[ci][0]:mt.start()] in ("并", "还", "同时", "并且", ""):
            usable, left = True, previous
        if not usable:
            continue
        previous = left
        for pm in named:
            v.add(out, left, "partner", pm, trigger=mt.group())
        after = [m for m in v.entities if limit <= v.pos(m) <= v.clauses[ci][1] and m not in named]
        if after and v.types(after[0]) & LEADABLE and any(w in v.text[limit:v.pos(after[0])] for w in L.LEAD_VERBS):
            for pm in named:
                v.add(out, after[0], "ledBy-partner", pm)
    return out
