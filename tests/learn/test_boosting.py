"""kg.learn.boosting: LightGBM's trees, read back by kg.nlp.forest, give LightGBM's own
probabilities, and the same rows give the same trees."""
import random

import lightgbm as lgb  # the train extra, in the test extra
import numpy as np

from kg.learn.boosting import fit_forest, forest_of


def rows_and_labels(n=600, seed=3):
    rnd = random.Random(seed)
    rows, labels = [], []
    for _ in range(n):
        row = [f"f{k}" for k in range(12) if rnd.random() < 0.3]
        rows.append(row)
        labels.append(int(("f1" in row and "f2" not in row) or ("f5" in row and rnd.random() < 0.8)))
    return rows, labels


def test_the_forest_predicts_what_lightgbm_predicts():
    import scipy.sparse as sp

    rows, labels = rows_and_labels()
    names = sorted({f for r in rows for f in r})
    cells = [(i, names.index(f)) for i, r in enumerate(rows) for f in r]
    x = sp.csr_matrix((np.ones(len(cells)), ([i for i, _ in cells], [j for _, j in cells])),
                      shape=(len(rows), len(names)))
    booster = lgb.train({"objective": "binary", "num_leaves": 7, "min_data_in_leaf": 5, "verbose": -1,
                         "num_threads": 1, "deterministic": True}, lgb.Dataset(x, np.array(labels, float)), 40)
    forest = forest_of(booster.dump_model(), names)
    assert np.abs(np.array(forest.probabilities(rows)) - booster.predict(x)).max() < 1e-9


def test_fit_learns_the_rule_and_is_deterministic():
    rows, labels = rows_and_labels()
    forest = fit_forest(rows, labels, rounds=60, min_leaf=5)
    p_yes, p_no = forest.probabilities([["f1"], ["f1", "f2"]])
    assert p_yes > 0.7 > 0.3 > p_no
    assert fit_forest(rows, labels, rounds=60, min_leaf=5).to_json() == forest.to_json()
