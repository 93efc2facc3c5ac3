"""The pair scorer: a logistic regression over the features of candidate relations
(kg.nlp.relations.candidates) that adds the relations the rules miss. What a rule states stays;
of the candidates no rule stated, those the scorer believes at least as much as its threshold
for the relation are added, named `pair-scorer`, at its probability.

Its weights are a small JSON file in the package (kg/nlp/data/pair-scorer.json), made by
`kg train` (kg.learn) from gold annotations and their texts (kg.nlp.linear); the file names the
articles it learnt from. `default_scorer()` loads it once: the file named by the environment variable
QDKG_PAIR_SCORER if set (`none`: the rules alone), else the shipped one; `set_default_scorer`
replaces it, as jieba lets you replace its default Tokenizer."""
from __future__ import annotations

from kg.model import RelationMention
from kg.nlp.linear import LinearModel, Shipped
from kg.nlp.relations.candidates import Candidate

RULE_NAME = "pair-scorer"


class PairScorer(LinearModel):
    """Weights per feature of each relation, a decision threshold per relation, and what it was
    trained on."""

    def probability(self, c: Candidate) -> float:
        """P(the sentence states c), from the weights of its relation's features."""
        return self.score(c.predicate, c.features, c.own)

    def decide(self, candidates: list[Candidate]) -> list[RelationMention]:
        """The candidates no rule stated that it believes, each at its probability (one per
        fact: the district named in the sentence and the article's district are one end)."""
        best: dict[tuple[str, str, str], RelationMention] = {}
        for c in candidates:
            if c.rule is None:
                p = self.probability(c)
                k = (c.subject.key, c.predicate, c.object.key)
                if p >= self.thresholds.get(c.predicate, 1.0) and (k not in best or p > best[k].confidence):
                    best[k] = RelationMention(c.subject, c.predicate, c.object, c.sentence, RULE_NAME, round(p, 3))
        return list(best.values())


SHIPPED = Shipped(PairScorer, "pair-scorer.json", "QDKG_PAIR_SCORER")
WEIGHTS_FILE = SHIPPED.file


def default_scorer() -> PairScorer | None:
    """The scorer of QDKG_PAIR_SCORER (a weights file, or `none`), else the shipped one."""
    return SHIPPED.get()


def set_default_scorer(scorer: PairScorer | None) -> None:
    """Replace the scorer extraction uses by default (None: the rules alone decide)."""
    SHIPPED.set(scorer)
