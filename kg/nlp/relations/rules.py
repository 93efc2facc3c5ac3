"""Runs the registered relation rules over one sentence (kg.nlp.relations.registry), in
their order; `decide` adds what the pair scorer (kg.nlp.relations.scorer) believes of the
sentence's other candidates; `remember` then carries the paragraph's last park, project and firm
to the next sentence."""
from __future__ import annotations

from kg.model import RelationMention
from kg.nlp.relations import joined_park, led_by, located_in, part_of, partner  # noqa: F401  (they register)
from kg.nlp.relations.candidates import Candidate, sentence_candidates
from kg.nlp.relations.registry import run_order
from kg.nlp.relations.scorer import PairScorer
from kg.nlp.relations.view import SentenceView


def sentence_relations(v: SentenceView) -> list[RelationMention]:
    """Relations the rules state in one sentence, rule by rule in run order."""
    out: list[RelationMention] = []
    for rule in run_order():
        out += rule(v)
    return out


def decide(v: SentenceView, scorer: PairScorer | None,
           keep: list[Candidate] | None = None) -> list[RelationMention]:
    """The sentence's relations: the rules' that the scorer (if any) does not veto, and the
    candidates it believes that no rule stated. Every candidate is kept in `keep` when given (for training). Then
    `remember`."""
    stated = sentence_relations(v)
    if scorer is not None or keep is not None:
        candidates = sentence_candidates(v, stated)
        if keep is not None:
            keep.extend(candidates)
        if scorer is not None:
            stated = scorer.revise(stated, candidates)
    remember(v)
    return stated


def remember(v: SentenceView) -> None:
    """The last park, project and firm named, for 该园区/该项目 in the sentences that follow, and
    the park a sentence opens with (focus)."""
    for m in v.entities:
        if "Park" in v.types(m):
            v.ctx.last_park = m
            if v.pos(m) == 0:
                v.ctx.focus_park = v.ctx.focus_park if v.ctx.focus_park and m.key in v.ctx.focus_park.key else m
        elif "Project" in v.types(m):
            v.ctx.last_project = m
        if "Company" in m.types:
            v.ctx.last_company = m
