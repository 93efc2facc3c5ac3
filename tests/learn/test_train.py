"""`kg train` on invented articles: it writes weights and a manifest, scores a held-out set
both ways, and bad input is one line and exit code 2 with nothing written."""
import json

import pytest
from click.testing import CliRunner

from kg.cli.app import cli
from kg.nlp.mentions.keep import MentionFilter
from kg.nlp.relations.scorer import PairScorer

# invented articles of the genre, one in Traditional script, with their gold
ARTICLES = {
    "a1": ("青岛海洋数字产业园加快建设\n华峰科技公司、云帆智能公司等企业入驻青岛海洋数字产业园。",
           [("华峰科技公司", "Organization"), ("云帆智能公司", "Organization"), ("青岛海洋数字产业园", "Park")],
           [(0, "joinedPark", 2), (1, "joinedPark", 2)]),
    "a2": ("烟台新材料产业园项目签约\n蓝石新材料公司与金桥投资集团签约，双方共建烟台新材料产业园。",
           [("蓝石新材料公司", "Organization"), ("金桥投资集团", "Organization"), ("烟台新材料产业园", "Park")],
           [(0, "partner", 1), (2, "ledBy", 0)]),
    "a3": ("濰坊智慧物流園開園\n遠航物流公司、星輝電子公司入駐濰坊智慧物流園。",
           [("遠航物流公司", "Organization"), ("星輝電子公司", "Organization"), ("濰坊智慧物流園", "Park")],
           [(0, "joinedPark", 2), (1, "joinedPark", 2)]),
    "a4": ("威海海洋生物产业园再添新成员\n海川生物公司、明德医药公司等企业入驻威海海洋生物产业园。",
           [("海川生物公司", "Organization"), ("明德医药公司", "Organization"), ("威海海洋生物产业园", "Park")],
           [(0, "joinedPark", 2), (1, "joinedPark", 2)]),
}


@pytest.fixture
def training(tmp_path):
    texts, gold = tmp_path / "texts", tmp_path / "gold"
    texts.mkdir()
    gold.mkdir()
    for name, (text, ents, rels) in ARTICLES.items():
        (texts / f"{name}.txt").write_text(text, encoding="utf-8")
        doc = {"doc": name, "entities": [{"id": f"e{i}", "name": n, "types": [t]} for i, (n, t) in enumerate(ents)],
               "relations": [{"s": f"e{s}", "p": p, "o": f"e{o}"} for s, p, o in rels]}
        (gold / f"{name}.gold.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return tmp_path, texts, gold


def test_train_writes_weights_and_manifest(training):
    root, texts, gold = training
    out = root / "out"
    out.mkdir()
    res = CliRunner().invoke(cli, ["train", "--set", "toy", str(texts), str(gold), "-o", str(out),
                                   "--leave-one-out", "toy"])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("Trained on 4 articles: pair scorer ")
    assert "== toy: rules alone\n[strict] entities:" in res.stdout
    assert "== toy: rules + scorer + filter, leave one article out\n" in res.stdout
    assert sorted(p.name for p in out.iterdir()) == ["mention-filter.json", "pair-scorer.json", "training-manifest.json"]
    scorer = PairScorer.load(out / "pair-scorer.json")
    assert scorer.about["articles"] == 4 and scorer.about["positives"] >= 6
    keeper = MentionFilter.load(out / "mention-filter.json")
    assert keeper.about["mentions"] >= 12 and 0 <= keeper.thresholds["mention"] <= 0.3
    manifest = json.loads((out / "training-manifest.json").read_text(encoding="utf-8"))
    assert [m["file"] for m in manifest] == ["a1.txt", "a2.txt", "a3.txt", "a4.txt"]
    assert all("text" not in m for m in manifest)
    assert scorer.forest is not None and scorer.about["model"].startswith("boosted decision trees")


def test_train_a_logistic_scorer(training):
    root, texts, gold = training
    res = CliRunner().invoke(cli, ["train", "--set", "toy", str(texts), str(gold), "-o", str(root),
                                   "--model", "logistic"])
    assert res.exit_code == 0, res.output
    scorer = PairScorer.load(root / "pair-scorer.json")
    assert scorer.forest is None and scorer.about["model"].startswith("logistic regression")
    assert scorer.weights.get("joinedPark|rule:joinedPark-settle", 0) > 0


def test_train_trees_without_lightgbm_is_one_line(training, monkeypatch):
    import sys

    root, texts, gold = training
    monkeypatch.setitem(sys.modules, "lightgbm", None)  # import lightgbm now raises ImportError
    res = CliRunner().invoke(cli, ["train", "--set", "toy", str(texts), str(gold), "-o", str(root)])
    assert res.exit_code == 2
    assert res.output == ("Error: training the pair scorer's trees needs LightGBM: pip install 'qdkg[train]' "
                          "(or train the logistic model with --model logistic)\n")
    assert not (root / "pair-scorer.json").exists()


def test_train_on_a_folder_without_gold_writes_nothing(training):
    root, texts, _ = training
    empty = root / "empty"
    empty.mkdir()
    res = CliRunner().invoke(cli, ["train", "--set", "toy", str(texts), str(empty), "-o", str(root)])
    assert res.exit_code == 2
    assert res.output == f"Error: no gold files (*.json) in {empty}; pass the folder that holds them\n"
    assert not (root / "pair-scorer.json").exists()


def test_leave_one_out_of_an_unknown_set(training):
    _, texts, gold = training
    res = CliRunner().invoke(cli, ["train", "--set", "toy", str(texts), str(gold), "--leave-one-out", "dev"])
    assert res.exit_code == 2
    assert res.output == "Error: --leave-one-out dev: no --set of that name; use one of toy\n"


def test_thresholds_and_vetoes_give_the_best_f1():
    """Two rule-stated joinedPark facts, the wrong one believed little, and an unstated right one
    believed much: the veto drops the wrong one, the threshold adds the right one."""
    from collections import Counter
    from types import SimpleNamespace as NS

    from kg.learn.train import best_thresholds

    def cand(s, o, rule):
        return NS(subject=NS(key=s), object=NS(key=o), predicate="joinedPark", rule=rule)

    ex = NS(group="a", labels=[1, 0, 1], extraction=NS(candidates=[cand("甲", "园", "joinedPark-settle"),
                                                                   cand("乙", "园", "joinedPark-topic"),
                                                                   cand("丙", "园", None)]))
    thresholds, vetoes = best_thresholds([(ex, [0.9, 0.05, 0.8])], Counter(joinedPark=2), floor=0.3,
                                         veto_ceiling=0.4)
    assert 0.05 < vetoes["joinedPark"] <= 0.4 and 0.3 <= thresholds["joinedPark"] <= 0.8
    assert best_thresholds([(ex, [0.9, 0.05, 0.8])], Counter(joinedPark=2), 0.3, 0.0)[1]["joinedPark"] == 0.0
