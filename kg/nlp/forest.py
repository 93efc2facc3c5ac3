"""A forest of boosted decision trees over binary string features, evaluated with numpy: the
pair scorer's model (kg.nlp.relations.scorer). `kg train` grows it with LightGBM
(kg.learn.boosting); reading it needs nothing but numpy.

Each node tests one feature: a row that has it goes to `present`, one that lacks it to
`absent`. A leaf is a node whose feature is -1; its value is added to the row's score. The
probability is the logistic of the sum of the leaves the row reaches, one per tree."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Forest:
    """Trees in flat arrays: node k tests `features[feature[k]]`; `roots` are each tree's first node."""

    features: list[str]
    feature: list[int]  # -1: a leaf
    absent: list[int]
    present: list[int]
    value: list[float]
    roots: list[int]
    depth: int  # the longest path from a root to a leaf, in tests
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._index = {f: i for i, f in enumerate(self.features)}
        leaf = len(self.features)  # a leaf "tests" a column that is always False, and stays put
        nodes = range(len(self.feature))
        self._feature = np.array([f if f >= 0 else leaf for f in self.feature], dtype=np.intp)
        self._absent = np.array([a if self.feature[k] >= 0 else k for k, a in zip(nodes, self.absent)], dtype=np.intp)
        self._present = np.array([p if self.feature[k] >= 0 else k for k, p in zip(nodes, self.present)],
                                 dtype=np.intp)
        self._value = np.array(self.value, dtype=np.float64)
        self._roots = np.array(self.roots, dtype=np.intp)

    def probabilities(self, rows: list[list[str]]) -> list[float]:
        """P(yes) of each row of features (names the forest does not know are ignored)."""
        if not rows:
            return []
        x = np.zeros((len(rows), len(self.features) + 1), dtype=bool)
        for r, names in enumerate(rows):
            cols = [self._index[f] for f in names if f in self._index]
            x[r, cols] = True
        state = np.broadcast_to(self._roots, (len(rows), len(self._roots))).copy()
        at = np.arange(len(rows))[:, None]
        for _ in range(self.depth):
            state = np.where(x[at, self._feature[state]], self._present[state], self._absent[state])
        z = np.clip(self._value[state].sum(axis=1), -30.0, 30.0)
        return (1.0 / (1.0 + np.exp(-z))).tolist()

    def to_json(self) -> dict:
        return {"features": self.features, "feature": self.feature, "absent": self.absent,
                "present": self.present, "value": [round(v, 6) for v in self.value], "roots": self.roots,
                "depth": self.depth}

    @classmethod
    def from_json(cls, data: dict) -> Forest:
        f = cls(list(data["features"]), list(data["feature"]), list(data["absent"]), list(data["present"]),
                [float(v) for v in data["value"]], list(data["roots"]), int(data["depth"]))
        n = len(f.feature)
        if not (len(f.absent) == len(f.present) == len(f.value) == n) or any(
                not -1 <= i < len(f.features) for i in f.feature) or any(
                not 0 <= k < n for k in (*f.roots, *f.absent, *f.present)):
            raise ValueError("the forest's node arrays do not agree")
        return f
