"""A forest of boosted decision trees over binary string features, evaluated with numpy: the
pair scorer's model (kg.nlp.relations.scorer). `kg train` grows it with LightGBM
(kg.learn.boosting); reading it needs nothing but numpy.

Each node tests one feature: a row that has it goes to `present`, one that lacks it to
`absent`. A leaf is a node whose feature is -1; its value is added to the row's score. The
probability is the logistic of the sum of the leaves the row reaches, one per tree.

Rows are read the QuickScorer way (Lucchese et al., SIGIR 2015), which suits rows that have few
of the forest's features: number each tree's leaves left to right, `absent` before `present`; a
node whose feature the row has rules out the leaves of its `absent` side (a bit mask per node),
and the row reaches the leftmost leaf no such node rules out. A row with none of a tree's
features reaches its leftmost leaf, so only the nodes of the features a row has are visited."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MAX_LEAVES = 64  # a tree's leaves are the bits of one 64-bit mask
ALL = np.uint64(0xFFFF_FFFF_FFFF_FFFF)


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
        n = len(self.feature)
        if not (len(self.absent) == len(self.present) == len(self.value) == n) or any(
                not -1 <= i < len(self.features) for i in self.feature) or any(
                not 0 <= k < n for k in self.roots) or any(
                not k < c < n for k, f in enumerate(self.feature) if f >= 0 for c in (self.absent[k], self.present[k])):
            raise ValueError("the forest's node arrays do not agree")
        self._index = {f: i for i, f in enumerate(self.features)}
        trees, masks, leaves = {}, {}, np.zeros((len(self.roots), MAX_LEAVES))
        for t, root in enumerate(self.roots):
            values = []
            self._number(root, t, values, trees, masks)
            if len(values) > MAX_LEAVES:
                raise ValueError(f"a tree has {len(values)} leaves; at most {MAX_LEAVES} can be read")
            leaves[t, :len(values)] = values
        by_feature = [[] for _ in self.features]
        for k in sorted(trees):
            by_feature[self.feature[k]].append(k)
        # the nodes that test feature c are _nodes[_first[c]:_first[c + 1]]
        self._first = np.zeros(len(self.features) + 1, dtype=np.intp)
        self._first[1:] = np.cumsum([len(nodes) for nodes in by_feature])
        nodes = [k for ks in by_feature for k in ks]
        self._tree = np.array([trees[k] for k in nodes], dtype=np.intp)
        self._mask = np.array([masks[k] for k in nodes], dtype=np.uint64)
        self._leaves = leaves
        self._bias = float(leaves[:, 0].sum())  # every tree's leftmost leaf: a row with no feature

    def _number(self, node: int, tree: int, values: list[float], trees: dict, masks: dict) -> range:
        """Number the leaves under `node` left to right (into `values`); record each inner node's
        tree and the mask of the leaves it leaves possible when its feature is present."""
        if self.feature[node] < 0:
            values.append(self.value[node])
            return range(len(values) - 1, len(values))
        left = self._number(self.absent[node], tree, values, trees, masks)
        right = self._number(self.present[node], tree, values, trees, masks)
        trees[node] = tree
        masks[node] = (1 << MAX_LEAVES) - 1 - sum(1 << i for i in left)
        return range(left.start, right.stop)

    def probabilities(self, rows: list[list[str]]) -> list[float]:
        """P(yes) of each row of features (names the forest does not know are ignored)."""
        index = self._index
        return self.probabilities_of([[index[f] for f in names if f in index] for names in rows])

    def probabilities_of(self, rows: list[list[int]], chunk: int = 4096) -> list[float]:
        """P(yes) of each row given as the indices (into `features`) of the features it has
        (`chunk` rows at a time, so that a row-by-tree mask array stays small)."""
        out: list[float] = []
        for at in range(0, len(rows), chunk):
            out += self._chunk(rows[at:at + chunk])
        return out

    def _chunk(self, rows: list[list[int]]) -> list[float]:
        n, trees = len(rows), len(self.roots)
        if not trees:
            return [0.5] * n
        lens = np.fromiter(map(len, rows), dtype=np.intp, count=n)
        cols = np.fromiter((c for r in rows for c in r), dtype=np.intp, count=int(lens.sum()))
        row = np.repeat(np.arange(n, dtype=np.intp), lens)
        hits = self._first[cols + 1] - self._first[cols]  # the nodes testing each feature present
        used = hits > 0
        cols, hits, row = cols[used], hits[used], row[used]
        # every (row, node) of a feature the row has: node positions _first[col] + 0, 1, …
        node = np.arange(int(hits.sum()), dtype=np.intp) + np.repeat(self._first[cols] - np.cumsum(hits) + hits, hits)
        cell = np.repeat(row * trees, hits) + self._tree[node]  # (row, tree), flattened
        possible = np.full(n * trees, ALL, dtype=np.uint64)
        np.bitwise_and.at(possible, cell, self._mask[node])
        touched = np.zeros(n * trees, dtype=bool)
        touched[cell] = True
        cell = np.flatnonzero(touched)
        left = possible[cell]
        leaf = np.log2((left & (~left + np.uint64(1))).astype(np.float64)).astype(np.intp)  # lowest bit set
        tree = cell % trees
        z = self._bias + np.bincount(cell // trees, weights=self._leaves[tree, leaf] - self._leaves[tree, 0],
                                     minlength=n)
        return (1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))).tolist()

    def to_json(self) -> dict:
        return {"features": self.features, "feature": self.feature, "absent": self.absent,
                "present": self.present, "value": [round(v, 6) for v in self.value], "roots": self.roots,
                "depth": self.depth}

    @classmethod
    def from_json(cls, data: dict) -> Forest:
        return cls(list(data["features"]), list(data["feature"]), list(data["absent"]), list(data["present"]),
                   [float(v) for v in data["value"]], list(data["roots"]), int(data["depth"]))
