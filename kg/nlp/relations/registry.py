"""The relation rules: each is a small function over a SentenceView, registered with the rule
names it records (the `qdo:extractedBy` value without its trigger word), the relation each
makes and its prior confidence. `kg eval --by-rule`, kg.resolve.calibration and the graph's
`qdo:extractedBy` values all read this one registry.

    @relation_rule(40, ("joinedPark-draws", "joinedPark", 0.6))
    def park_draws(v: SentenceView) -> list[RelationMention]: ...

The number is the rule's place in the run order: where two rules state the same fact, the
more confident one is kept, the earlier one on a tie."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class RuleInfo:
    """One named rule: what it makes, how sure it is before measurement, which function."""

    name: str
    relation: str
    prior: float
    function: str
    order: int
    doc: str


RULES: dict[str, RuleInfo] = {}
_RUN: list[tuple[int, Callable]] = []


def relation_rule(order: int, *makes: tuple[str, str, float]):
    """Register a rule function that records the rule names `makes` (name, relation, prior)."""
    def register(fn: Callable) -> Callable:
        doc = (fn.__doc__ or "").strip().split("\n")[0]
        for name, relation, prior in makes:
            if name in RULES:
                raise ValueError(f"relation rule {name!r} is registered twice")
            RULES[name] = RuleInfo(name, relation, prior, fn.__name__, order, doc)
        _RUN.append((order, fn))
        _RUN.sort(key=lambda x: x[0])
        return fn
    return register


def run_order() -> list[Callable]:
    """The rule functions registered so far, in run order."""
    return [fn for _, fn in _RUN]


def all_rules() -> dict[str, RuleInfo]:
    """Every rule name of the rule modules (importing kg.nlp.relations.rules registers them)."""
    from kg.nlp.relations import rules  # noqa: F401

    return RULES


def rule_family(rule: str) -> str:
    """The registered rule a recorded rule name belongs to: ledBy-verb-打造 -> ledBy-verb
    (the longest registered name it starts with; else the name without a trailing Chinese word)."""
    names = all_rules()
    best = max((n for n in names if rule == n or rule.startswith(n + "-")), key=len, default=None)
    return best or re.sub(r"-[\u4e00-\u9fff]+$", "", rule)
