"""kg.learn.logistic: the fit separates what the features separate, the same way each time."""
from kg.learn.logistic import fit
from kg.model import Mention
from kg.nlp.relations.candidates import Candidate
from kg.nlp.relations.scorer import PairScorer

M = Mention(text="甲", key="甲", start=0, end=1, types=("Company",), sentence=0, rule="t")


def _p(scorer, *features):
    return scorer.probability(Candidate(M, "partner", M, 0, list(features)))


def test_fit_learns_a_separating_feature():
    rows = [["partner", "partner|cue"], ["partner", "partner|cue", "partner|x"], ["partner"],
            ["partner", "partner|x"]] * 20
    labels = [1, 1, 0, 0] * 20
    sc = PairScorer(fit(rows, labels, epochs=10), {})
    assert _p(sc, "cue") > 0.8 and _p(sc) < 0.2
    assert _p(PairScorer(sc.weights, {}), "x") == _p(sc, "x", "never-seen")


def test_fit_is_deterministic():
    rows, labels = [["a", "a|b"], ["a|b"], ["a"]] * 5, [1, 0, 1] * 5
    assert fit(rows, labels, seed=3) == fit(rows, labels, seed=3)
