"""A logistic regression over sparse binary features (lists of strings), fitted by AdaGrad with
L2 regularisation. Small and deterministic: the same data and seed give the same weights."""
from __future__ import annotations

import math
import random


def fit(rows: list[list[str]], labels: list[int], *, epochs: int = 25, rate: float = 0.3,
        l2: float = 1e-4, seed: int = 0) -> dict[str, float]:
    """Weights for P(label=1 | features) = sigmoid(sum of their weights)."""
    w: dict[str, float] = {}
    g2: dict[str, float] = {}
    order = list(range(len(rows)))
    rnd = random.Random(seed)
    for _ in range(epochs):
        rnd.shuffle(order)
        for i in order:
            feats = rows[i]
            z = max(-30.0, min(30.0, sum(w.get(f, 0.0) for f in feats)))
            err = 1.0 / (1.0 + math.exp(-z)) - labels[i]
            for f in feats:
                wf = w.get(f, 0.0)
                grad = err + l2 * wf
                g2[f] = g2.get(f, 0.0) + grad * grad
                w[f] = wf - rate * grad / math.sqrt(g2[f] + 1e-8)
    return w
