"""kg.nlp.forest: a forest read with numpy, by hand-made trees."""
import math

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
