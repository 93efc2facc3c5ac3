"""Boosted decision trees over sparse binary features (lists of strings), grown by LightGBM and
kept as a kg.nlp.forest.Forest, which reads them with numpy alone. LightGBM is needed only to
train (`pip install 'qdkg[train]'`). Deterministic: the same rows and settings give the same trees."""
from __future__ import annotations

from kg.errors import InputError
from kg.nlp.forest import Forest


def require_lightgbm():
    """The lightgbm module, or one InputError saying how to install it."""
    try:
        import lightgbm
    except ImportError:
        raise InputError("training the pair scorer's trees needs LightGBM: pip install 'qdkg[train]' "
                         "(or train the logistic model with --model logistic)") from None
    return lightgbm


def fit_forest(rows: list[list[str]], labels: list[int], *, rounds: int = 300, rate: float = 0.05,
               leaves: int = 15, min_leaf: int = 20, max_depth: int = -1, seed: int = 1) -> Forest:
    """Trees for P(label=1 | features), as a Forest."""
    lgb = require_lightgbm()
    import numpy as np
    import scipy.sparse as sp

    names = sorted({f for r in rows for f in r})
    index = {f: i for i, f in enumerate(names)}
    cells = [(r, index[f]) for r, fs in enumerate(rows) for f in set(fs)]
    x = sp.csr_matrix((np.ones(len(cells), dtype=np.float32), ([r for r, _ in cells], [c for _, c in cells])),
                      shape=(len(rows), len(names)))
    params = {"objective": "binary", "learning_rate": rate, "num_leaves": leaves, "min_data_in_leaf": min_leaf,
              "max_depth": max_depth,
              "feature_fraction": 0.5, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
              "seed": seed, "deterministic": True, "force_row_wise": True, "num_threads": 1, "verbose": -1}
    booster = lgb.train(params, lgb.Dataset(x, np.array(labels, dtype=np.float64), feature_name="auto"), rounds)
    return forest_of(booster.dump_model(), names)


def forest_of(dump: dict, names: list[str]) -> Forest:
    """The Forest of a LightGBM model dump whose column k is the feature `names[k]` (0 or 1)."""
    used: dict[int, int] = {}  # column -> index into the forest's own feature list
    feature, absent, present, value, roots = [], [], [], [], []
    depth = 0

    def add(node: dict, level: int) -> int:
        nonlocal depth
        k = len(feature)
        feature.append(-1)
        absent.append(k)
        present.append(k)
        value.append(0.0)
        if "leaf_value" in node or "split_feature" not in node:
            value[k] = float(node.get("leaf_value", 0.0))
            depth = max(depth, level)
            return k
        if node["decision_type"] != "<=" or not 0.0 <= float(node["threshold"]) < 1.0:
            raise ValueError(f"unexpected split {node['decision_type']} {node['threshold']}")
        feature[k] = used.setdefault(node["split_feature"], len(used))
        # 0 <= threshold: a row without the feature goes left, one with it right
        absent[k] = add(node["left_child"], level + 1)
        present[k] = add(node["right_child"], level + 1)
        return k

    for tree in dump["tree_info"]:
        roots.append(add(tree["tree_structure"], 0))
    features = [names[c] for c, _ in sorted(used.items(), key=lambda kv: kv[1])]
    return Forest(features, feature, absent, present, value, roots, depth)
