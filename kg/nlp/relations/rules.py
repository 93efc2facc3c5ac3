"""Runs the registered relation rules over one sentence (kg.nlp.relations.registry), in
their order (`propose`), with the sentence's candidate relations; `remember` then carries the
paragraph's last park, project and firm to the next sentence. Once the article is read, `decide`
keeps what the pair scorer (kg.nlp.relations.scorer) does not veto and adds what it believes of
the other candidates."""
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


def propose(v: SentenceView, with_candidates: bool) -> tuple[list[RelationMention], list[Candidate]]:
    """What the rules state in one sentence and, if asked, its candidate relations; then
    `remember`."""
    stated = sentence_relations(v)
    candidates = sentence_candidates(v, stated) if with_candidates else []
    remember(v)
    return stated, candidates


def decide(proposed: list[tuple[list[RelationMention], list[Candidate]]],
           scorer: PairScorer | None) -> list[RelationMention]:
    """An article's relations from what `propose` gave for each of its sentences: the rules'
    that the scorer (if any) does not veto, and the candidates it believes that no rule stated
    (the candidates hold the whole article's features by now: article_features)."""
    if scorer is None:
        return [r for stated, _ in proposed for r in stated]
    every = [c for _, candidates in proposed for c in candidates]
    probs = scorer.probabilities(every)
    out, at = [], 0
    for stated, candidates in proposed:
        out += scorer.revise(stated, candidates, probs[at:at + len(candidates)])
        at += len(candidates)
    return out


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
