"""The pair scorer: boosted decision trees (or a logistic regression) over the features of
candidate relations (kg.nlp.relations.candidates) that adds the relations the rules miss and vetoes the ones it
disbelieves. Of the candidates no rule stated, those the scorer believes at least as much as its
threshold for the relation are added, named `pair-scorer`, at its probability; what a rule
states stays unless the scorer's probability for it is below the relation's veto (0: none).

Its weights are a small JSON file in the package (kg/nlp/data/pair-scorer.json), made by
`kg train` (kg.learn) from gold annotations and their texts (kg.nlp.linear); the file names the
articles it learnt from. `default_scorer()` loads it once: the file named by the environment variable
QDKG_PAIR_SCORER if set (`none`: the rules alone), else the shipped one; `set_default_scorer`
replaces it, as jieba lets you replace its default Tokenizer."""
from __future__ import annotations

from dataclasses import dataclass, field

from kg.model import RelationMention
from kg.nlp.forest import Forest
from kg.nlp.linear import LinearModel, Shipped
from kg.nlp.relations.candidates import SYMMETRIC, Candidate

RULE_NAME = "pair-scorer"


@dataclass
class PairScorer(LinearModel):
    """A model of each relation's candidates: boosted trees (`forest`, kg.nlp.forest) or, without
    one, a weight per feature; a decision threshold and a veto per relation; what it was trained on."""

    vetoes: dict[str, float] = field(default_factory=dict)
    forest: Forest | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        # relation -> its feature -> the forest's column (the forest keys "relation|feature")
        self._columns: dict[str, dict[str, int]] = {}
        for col, name in enumerate(self.forest.features if self.forest is not None else ()):
            p, _, f = name.partition("|")
            self._columns.setdefault(p, {})[f] = col

    def to_json(self) -> dict:
        out = {**super().to_json(), "vetoes": self.vetoes}
        if self.forest is not None:
            out["forest"] = self.forest.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict):
        forest = Forest.from_json(data["forest"]) if "forest" in data else None
        return cls(dict(data.get("weights", {}) if forest else data["weights"]), dict(data["thresholds"]),
                   dict(data.get("about", {})), dict(data.get("vetoes", {})), forest)

    def probabilities(self, cs: list[Candidate]) -> list[float]:
        """P(the sentence states c) of each candidate."""
        if self.forest is None:
            return [self.score(c.predicate, c.features, c.own) for c in cs]
        rows = []
        for c in cs:
            get = self._columns.get(c.predicate, {}).get
            row = [k for k in map(get, c.features) if k is not None]
            row += [k for k in map(get, c.own) if k is not None]
            bias = get("")
            rows.append(row if bias is None else row + [bias])
        return self.forest.probabilities_of(rows)

    def probability(self, c: Candidate) -> float:
        return self.probabilities([c])[0]

    def decide(self, candidates: list[Candidate], probs: list[float]) -> list[RelationMention]:
        """The candidates no rule stated that it believes, each at its probability (one per
        fact: the district named in the sentence and the article's district are one end)."""
        best: dict[tuple[str, str, str], RelationMention] = {}
        for c, p in zip(candidates, probs):
            if c.rule is None:
                k = (c.subject.key, c.predicate, c.object.key)
                if p >= self.thresholds.get(c.predicate, 1.0) and (k not in best or p > best[k].confidence):
                    best[k] = RelationMention(c.subject, c.predicate, c.object, c.sentence, RULE_NAME, round(p, 3))
        return list(best.values())

    def vetoed(self, candidates: list[Candidate], probs: list[float]) -> set[tuple[str, str, str, int]]:
        """The facts a rule stated that the scorer disbelieves (below the relation's veto), with
        their sentence."""
        out = set()
        for c, p in zip(candidates, probs):
            if c.rule is not None and p < self.vetoes.get(c.predicate, 0.0):
                out.add((c.subject.key, c.predicate, c.object.key, c.sentence))
                if c.predicate in SYMMETRIC:
                    out.add((c.object.key, c.predicate, c.subject.key, c.sentence))
        return out

    def revise(self, stated: list[RelationMention], candidates: list[Candidate],
               probs: list[float] | None = None) -> list[RelationMention]:
        """The rules' relations of one sentence without those vetoed, and the relations the
        scorer adds; `probs` are the candidates' probabilities if already known."""
        probs = self.probabilities(candidates) if probs is None else probs
        gone = self.vetoed(candidates, probs) if self.vetoes else set()
        kept = [r for r in stated if (r.subject.key, r.predicate, r.object.key, r.sentence) not in gone]
        return kept + self.decide(candidates, probs)


SHIPPED = Shipped(PairScorer, "pair-scorer.json", "QDKG_PAIR_SCORER")
WEIGHTS_FILE = SHIPPED.file


def default_scorer() -> PairScorer | None:
    """The scorer of QDKG_PAIR_SCORER (a weights file, or `none`), else the shipped one."""
    return SHIPPED.get()


def set_default_scorer(scorer: PairScorer | None) -> None:
    """Replace the scorer extraction uses by default (None: the rules alone decide)."""
    SHIPPED.set(scorer)
