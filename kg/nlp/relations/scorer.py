"""The pair scorer: a logistic regression over the features of candidate relations
(kg.nlp.relations.candidates) that adds the relations the rules miss. What a rule states stays;
of the candidates no rule stated, those the scorer believes at least as much as its threshold
for the relation are added, named `pair-scorer`, at its probability.

Its weights are a small JSON file in the package (kg/nlp/data/pair-scorer.json), made by
`kg train` (kg.learn) from gold annotations and their texts; the file names the articles it
learnt from. `default_scorer()` loads it once: the file named by the environment variable
QDKG_PAIR_SCORER if set (`none`: the rules alone), else the shipped one; `set_default_scorer`
replaces it, as jieba lets you replace its default Tokenizer."""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.model import RelationMention
from kg.nlp.relations.candidates import Candidate

WEIGHTS_FILE = Path(__file__).resolve().parent.parent / "data" / "pair-scorer.json"
RULE_NAME = "pair-scorer"


@dataclass
class PairScorer:
    """Weights per feature, a decision threshold per relation, and what it was trained on."""

    weights: dict[str, float]  # "relation|feature" (and "relation" for its bias) -> weight
    thresholds: dict[str, float]
    about: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_relation: dict[str, dict[str, float]] = {}
        for k, w in self.weights.items():
            p, _, f = k.partition("|")
            self._by_relation.setdefault(p, {})[f] = w

    def probability(self, c: Candidate) -> float:
        """P(the sentence states c), from the weights of its relation's features."""
        w = self._by_relation.get(c.predicate)
        if not w:
            return 0.0
        z = w.get("", 0.0) + sum(w.get(f, 0.0) for f in c.features) + sum(w.get(f, 0.0) for f in c.own)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

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

    def to_json(self) -> dict:
        return {"about": self.about, "thresholds": self.thresholds,
                "weights": {k: round(w, 4) for k, w in sorted(self.weights.items()) if abs(w) >= 1e-4}}

    @classmethod
    def from_json(cls, data: dict) -> PairScorer:
        return cls(dict(data["weights"]), dict(data["thresholds"]), dict(data.get("about", {})))

    @classmethod
    def load(cls, path: str | Path) -> PairScorer:
        """Read a weights file; a missing or malformed one is one clear InputError."""
        try:
            return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise InputError(f"cannot read pair-scorer weights {path}: {e}; "
                             "retrain with `kg train` or pass a weights file it wrote") from None


_DEFAULT: list[PairScorer | None] = []


def default_scorer() -> PairScorer | None:
    """The scorer of QDKG_PAIR_SCORER (a weights file, or `none`), else the shipped one."""
    if not _DEFAULT:
        chosen = os.environ.get("QDKG_PAIR_SCORER", "").strip()
        if chosen.lower() == "none":
            _DEFAULT.append(None)
        elif chosen:
            _DEFAULT.append(PairScorer.load(chosen))
        else:
            _DEFAULT.append(PairScorer.load(WEIGHTS_FILE) if WEIGHTS_FILE.exists() else None)
    return _DEFAULT[0]


def set_default_scorer(scorer: PairScorer | None) -> None:
    """Replace the scorer extraction uses by default (None: the rules alone decide)."""
    _DEFAULT[:] = [scorer]
