"""Fitting the mention filter (kg.nlp.mentions.keep): a mention is right when its name matches a
gold entity of its article (lenient names, any type); the threshold is the one whose entities
(distinct names per article) give the best F1 on out-of-fold probabilities, at most `ceiling`."""
from __future__ import annotations

from collections import Counter

from kg.learn.logistic import fit
from kg.nlp.mentions.keep import MentionFilter

GROUP = "mention"


def named(features: list[str]) -> list[str]:
    return [GROUP] + [f"{GROUP}|{f}" for f in features]


def _rows(examples, keep: set[str]):
    rows, labels = [], []
    for ex in examples:
        for (_, f), y in zip(ex.extraction.mention_features, ex.mention_labels):
            rows.append([x for x in named(f) if x in keep])
            labels.append(y)
    return rows, labels


def _threshold(scored, ceiling: float) -> float:
    """The cut with the best F1 over each article's distinct names (the best mention of each)."""
    names: dict[tuple, tuple[float, int]] = {}
    for ex, probs in scored:
        for ((m, _), y), p in zip(zip(ex.extraction.mention_features, ex.mention_labels), probs):
            old = names.get((ex.group, m.key), (0.0, 0))
            names[(ex.group, m.key)] = (max(old[0], p), max(old[1], y))
    right_total = sum(y for _, y in names.values())
    rows = sorted(names.values())
    best, cut = (0.0, 0.0), 0.0
    kept, right = len(rows), right_total
    for p, y in rows:  # dropping everything at or below p, lowest first
        f1 = 2 * right / (kept + right_total) if right else 0.0
        if f1 > best[0]:
            best = (f1, cut)
        kept, right, cut = kept - 1, right - y, p + 1e-6
    return round(min(ceiling, best[1]), 4)


def fit_filter(examples, settings) -> MentionFilter:
    """Weights fitted on all examples' mentions, the threshold chosen on out-of-fold ones."""
    st = settings
    df: Counter = Counter()
    for ex in examples:
        df.update({x for _, f in ex.extraction.mention_features for x in named(f)})
    keep = {f for f, n in df.items() if n >= st.min_articles}
    groups = sorted({ex.group for ex in examples})
    scored = []
    for k in range(st.folds):
        held = set(groups[k::st.folds])
        rows, labels = _rows([ex for ex in examples if ex.group not in held], keep)
        probe = MentionFilter(fit(rows, labels, epochs=st.epochs, rate=st.rate, l2=st.l2), {})
        scored += [(ex, [probe.score(GROUP, f) for _, f in ex.extraction.mention_features])
                   for ex in examples if ex.group in held]
    rows, labels = _rows(examples, keep)
    about = {"model": "logistic regression over a mention's own features (kg.nlp.mentions.keep)",
             "articles": len(groups), "mentions": len(rows), "right": sum(labels), "features": len(keep)}
    return MentionFilter(fit(rows, labels, epochs=st.epochs, rate=st.rate, l2=st.l2),
                         {GROUP: _threshold(scored, st.keep_ceiling)}, about)
