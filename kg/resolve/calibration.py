"""How sure each relation rule is. The priors registered with the rules
(kg.nlp.relations.registry) decide which
rule a fact is credited to (kg.resolve.entities keeps the most confident per fact and sentence); the
confidence then recorded is the rule's precision measured on the seed gold (`kg eval --gold
tests/data/seed-gold --by-rule`, 2026-12-02, with the shipped models), shrunk towards its prior by PRIOR_WEIGHT
pseudo-relations, so a rule seen on three relations does not claim 1.0 or 0.33. A rule the
gold never measured keeps its prior. The relations the pair scorer adds (`pair-scorer`,
kg.nlp.relations.scorer) keep its probability: the scorer is calibrated by its training.

The seed is the set the rules were developed on: expect lower precision on unseen articles.
Re-measure after changing a rule, and on your own gold to calibrate for your articles."""
from __future__ import annotations

from functools import lru_cache

from kg.nlp.relations.registry import rule_family

PRIOR_WEIGHT = 4
# rule family -> (relations the gold holds, relations the rule produced), lenient matching
MEASURED: dict[str, tuple[int, int]] = {
    "ledBy-verb": (66, 122),
    "locatedIn-article-context": (65, 98),
    "locatedIn-article": (45, 95),
    "partner": (19, 26),
    "locatedIn-name-prefix": (13, 18),
    "ledBy-attribution": (2, 5),
    "partOf-core": (5, 5),
    "joinedPark-settle-back": (2, 4),
    "partOf-quoted-core": (1, 3),
    "joinedPark-settle": (1, 2),
    "joinedPark-topic": (0, 2),
    "ledBy-name-prefix": (1, 2),
    "partOf-name-prefix": (1, 1),
    "partOf-subparks": (0, 1),
}


@lru_cache(maxsize=65536)
def calibrated(rule: str, prior: float) -> float:
    """The confidence of a relation found by `rule`, whose own estimate is `prior`."""
    hits, total = MEASURED.get(rule_family(rule), (0, 0))
    return round((hits + PRIOR_WEIGHT * prior) / (total + PRIOR_WEIGHT), 2)
