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
        n = len(self.feature)
        self._feature = np.array([f if f >= 0 else leaf for f in self.feature], dtype=np.intp)
        # children[2k] is where node k sends a row without its feature, children[2k + 1] one with it
        children = np.empty(2 * n, dtype=np.intp)
        for k in range(n):
            children[2 * k], children[2 * k + 1] = (self.absent[k], self.present[k]) if self.feature[k] >= 0 else (k, k)
        self._children = children
        self._value = np.array(self.value, dtype=np.float64)
        # the trees, deepest first, and how many of them are still deeper than each level
        depth = [self._tree_depth(r) for r in self.roots]
        order = sorted(range(len(self.roots)), key=lambda t: -depth[t])
        self._roots = np.array([self.roots[t] for t in order], dtype=np.intp)
        self._deeper = [sum(1 for t in order if depth[t] > level) for level in range(self.depth)]

    def _tree_depth(self, node: int) -> int:
        if self.feature[node] < 0:
            return 0
        return 1 + max(self._tree_depth(self.absent[node]), self._tree_depth(self.present[node]))

    def probabilities(self, rows: list[list[str]]) -> list[float]:
        """P(yes) of each row of features (names the forest does not know are ignored)."""
        index = self._index
        return self.probabilities_of([[index[f] for f in names if f in index] for names in rows])

    def probabilities_of(self, rows: list[list[int]], chunk: int = 512) -> list[float]:
        """P(yes) of each row given as the indices (into `features`) of the features it has
        (`chunk` rows at a time: the arrays of a few hundred rows stay in the cache)."""
        out: list[float] = []
        for at in range(0, len(rows), chunk):
            out += self._chunk(rows[at:at + chunk])
        return out

    def _chunk(self, rows: list[list[int]]) -> list[float]:
        width = len(self.features) + 1
        x = np.zeros(len(rows) * width, dtype=np.int8)
        x[[r * width + c for r, cols in enumerate(rows) for c in cols]] = 1
        state = np.tile(self._roots, (len(rows), 1))
        base = (np.arange(len(rows), dtype=np.intp) * width)[:, None]
        feature, children = self._feature, self._children
        for k in self._deeper:  # only the trees deeper than this level still move
            s = state[:, :k]
            state[:, :k] = children[2 * s + x[base + feature[s]]]
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
