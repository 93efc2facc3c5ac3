"""kg.nlp.forest: a forest read with numpy, by hand-made trees."""
import math
import random

import pytest

from kg.nlp.forest import Forest


def two_trees() -> Forest:
    # tree 0: "a" present -> +2, absent -> ("b" present -> +1, absent -> -1); tree 1: a leaf of 0.5
    return Forest(features=["a", "b"], feature=[0, -1, 1, -1, -1, -1], absent=[2, 1, 4, 3, 4, 5],
                  present=[1, 1, 3, 3, 4, 5], value=[0, 2.0, 0, 1.0, -1.0, 0.5], roots=[0, 5], depth=2)


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def test_each_row_reaches_one_leaf_per_tree():
    probs = two_trees().probabilities([["a"], ["b"], [], ["a", "b", "unknown"]])
    assert probs == pytest.approx([sigmoid(2.5), sigmoid(1.5), sigmoid(-0.5), sigmoid(2.5)])
    assert two_trees().probabilities([]) == []


def test_json_round_trip():
    f = two_trees()
    assert Forest.from_json(f.to_json()).probabilities([["b"]]) == f.probabilities([["b"]])


def test_arrays_that_disagree_are_refused():
    data = two_trees().to_json()
    data["present"] = data["present"][:-1]
    with pytest.raises(ValueError, match="do not agree"):
        Forest.from_json(data)
    data = two_trees().to_json()
    data["feature"][0] = 7
    with pytest.raises(ValueError, match="do not agree"):
        Forest.from_json(data)


def random_forest(rng: random.Random, n_features: int, n_trees: int, max_depth: int) -> Forest:
    feature, absent, present, value, roots = [], [], [], [], []

    def grow(level: int) -> int:
        k = len(feature)
        feature.append(-1), absent.append(k), present.append(k), value.append(rng.uniform(-1, 1))
        if level < max_depth and rng.random() < 0.8:
            feature[k] = rng.randrange(n_features)
            absent[k] = grow(level + 1)
            present[k] = grow(level + 1)
        return k

    for _ in range(n_trees):
        roots.append(grow(0))
    return Forest([f"f{i}" for i in range(n_features)], feature, absent, present, value, roots, max_depth)


def walked(forest: Forest, row: list[str]) -> float:
    """The reference: each tree walked node by node."""
    z = 0.0
    for k in forest.roots:
        while forest.feature[k] >= 0:
            k = forest.present[k] if forest.features[forest.feature[k]] in row else forest.absent[k]
        z += forest.value[k]
    return sigmoid(z)


def test_random_forests_agree_with_walking_each_tree():
    rng = random.Random(7)
    for _ in range(20):
        forest = random_forest(rng, n_features=12, n_trees=rng.randint(1, 30), max_depth=rng.randint(1, 6))
        rows = [[f"f{i}" for i in range(12) if rng.random() < p] for p in (0.0, 0.1, 0.3, 0.9) for _ in range(25)]
        assert forest.probabilities(rows) == pytest.approx([walked(forest, r) for r in rows], abs=1e-12)
        assert forest.probabilities_of([[forest.features.index(f) for f in r] for r in rows], chunk=7) == \
            pytest.approx([walked(forest, r) for r in rows], abs=1e-12)


def test_a_tree_of_too_many_leaves_is_refused():
    # a full tree of 7 levels, 128 leaves: inner node k has children 2k+1 and 2k+2
    inner, nodes = 127, 255
    feature = [k % 3 if k < inner else -1 for k in range(nodes)]
    children = [2 * k + 1 if k < inner else k for k in range(nodes)]
    with pytest.raises(ValueError, match="at most 64"):
        Forest(["a", "b", "c"], feature, children, [c + 1 if c > k else c for k, c in enumerate(children)],
               [0.0] * nodes, [0], 7)
