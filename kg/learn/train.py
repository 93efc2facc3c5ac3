"""`kg train`: fit the pair scorer and the mention filter on gold annotations and the texts they
annotate.

Each training set is a folder of texts and a folder of gold files (one per text, named like it:
dev01.txt and dev01.gold.json; a file of several articles may have its gold split by page).
Every article is extracted with the rules alone, keeping all its candidate relations; the gold
labels them; features seen in fewer than `min_articles` articles are dropped (no name of one
article is learnt); the thresholds that give each relation its best F1 are chosen on
out-of-fold probabilities (folds by article); the weights are then fitted on everything. The
mention filter is fitted the same way on the mentions (kg.learn.mentions)."""
from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from kg.inputs.read import read_inputs
from kg.inputs.structure import parse
from kg.learn.boosting import fit_forest
from kg.learn.labels import GoldDoc, merged, read_gold_dir
from kg.learn.logistic import fit
from kg.learn.mentions import fit_filter
from kg.model import RELATIONS, Extraction
from kg.nlp.extract import extract_article
from kg.nlp.mentions.keep import MentionFilter, dropped, without
from kg.nlp.relations.scorer import PairScorer
from kg.nlp.script import detect_script, to_simplified

MANIFEST = "training-manifest.json"


@dataclass
class Example:
    """One article: its extraction (with candidates), script, gold, and the candidates' labels."""

    group: str  # set/file[#article]: the unit folds and leave-one-out hold out
    extraction: Extraction
    script: str
    gold: GoldDoc
    labels: list[int] = field(default_factory=list)
    source: dict = field(default_factory=dict)  # manifest row: file, chars, digest
    mention_labels: list[int] = field(default_factory=list)


def collect(name: str, texts: Path, gold: Path) -> list[Example]:
    """Extract every article of `texts` with all candidates, labelled by the gold of `gold`."""
    docs = read_gold_dir(gold)
    sources, _ = read_inputs([texts], strict=False)
    out = []
    for src in sources:
        stem = Path(src.name).name.split(".")[0]
        g = docs.get(stem) or merged(list(docs.values()))
        simplified, script = to_simplified(src.text), detect_script(src.text)
        for article in parse(src):
            ex = extract_article(article, src.text, simplified, scorer=None, keeper=None, keep_candidates=True)
            group = f"{name}/{stem}" + (f"#{article.number}" if stem not in docs else "")
            labels = [int(g.confirms(c)) for c in ex.candidates]
            named = [int(bool(g.ids_of(m.key, m.text))) for m, _ in ex.mention_features]
            out.append(Example(group, ex, script, g, labels, {"set": name, "file": src.name,
                                                              "chars": len(src.text), "sha1": src.digest}, named))
    return out


def kept_features(examples: list[Example], min_articles: int) -> set[str]:
    """Features that occur in at least `min_articles` articles."""
    df: Counter = Counter()
    for ex in examples:
        df.update({f for c in ex.extraction.candidates for f in c.named_features()})
    return {f for f, n in df.items() if n >= min_articles}


def _rows(examples: list[Example], keep: set[str]):
    rows, labels = [], []
    for ex in examples:
        for c, y in zip(ex.extraction.candidates, ex.labels):
            rows.append([f for f in c.named_features() if f in keep])
            labels.append(y)
    return rows, labels


def gold_counts(examples: list[Example]) -> Counter:
    """Required gold relations per relation over the distinct gold files of the examples."""
    seen, n = set(), Counter()
    for ex in examples:
        if id(ex.gold) not in seen:
            seen.add(id(ex.gold))
            n.update(p for _, p, _ in ex.gold.required)
    return n


VETO_GRID = (0.0, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)


def best_thresholds(scored: list[tuple[Example, list[float]]], gold: Counter, floor: float,
                    veto_ceiling: float = 0.0) -> tuple[dict[str, float], dict[str, float]]:
    """Per relation, the threshold (at least `floor`) above which the facts no rule stated are
    added, and the veto (at most `veto_ceiling`) below which the facts a rule stated are dropped,
    that together give the best F1 (facts distinct per article)."""
    facts: dict[str, dict] = {p: {} for p in RELATIONS}
    for ex, probs in scored:
        for c, y, pr in zip(ex.extraction.candidates, ex.labels, probs):
            k = (ex.group, c.subject.key, c.object.key)
            old = facts[c.predicate].get(k, (0.0, 0, False))
            facts[c.predicate][k] = (max(old[0], pr), max(old[1], y), old[2] or c.rule is not None)
    thresholds, vetoes = {}, {}
    for p, rows in facts.items():
        stated = [(pr, y) for pr, y, by_rule in rows.values() if by_rule]
        unstated = sorted(((pr, y) for pr, y, by_rule in rows.values() if not by_rule), reverse=True)
        best = (-1.0, 0.5, 0.0)
        for veto in (v for v in VETO_GRID if v <= veto_ceiling):
            kept = [y for pr, y in stated if pr >= veto]
            cut, right = len(kept), sum(kept)
            f1 = 2 * right / (cut + max(gold[p], right)) if right else 0.0
            if f1 > best[0]:
                best = (f1, 1.0, veto)
            for pr, y in unstated:
                cut, right = cut + 1, right + y
                f1 = 2 * right / (cut + max(gold[p], right)) if right else 0.0
                if f1 > best[0] + 1e-9:
                    best = (f1, pr, veto)
        thresholds[p] = round(max(floor, best[1] - 1e-6), 4)
        vetoes[p] = best[2]
    return thresholds, vetoes


@dataclass(frozen=True)
class Settings:
    """How the scorer is fitted (the defaults were chosen by five-fold figures on silver+dev)."""

    min_articles: int = 3  # a feature must occur in this many articles
    folds: int = 5  # for the out-of-fold probabilities the thresholds are chosen on
    epochs: int = 8
    rate: float = 0.2
    l2: float = 0.01
    floor: float = 0.3  # no relation is added below this probability
    veto_ceiling: float = 0.15  # no rule's relation is vetoed at a probability above this
    keep_ceiling: float = 0.3  # no mention more likely a name than this is dropped
    model: str = "trees"  # the pair scorer: boosted trees (kg.learn.boosting) or "logistic"
    rounds: int = 300  # trees
    tree_rate: float = 0.05
    leaves: int = 15
    min_leaf: int = 20  # candidates in a leaf, at least
    max_depth: int = -1  # levels of a tree, at most (-1: no bound but the leaves)


def fit_scorer(examples: list[Example], settings: Settings = Settings()) -> PairScorer:
    """Weights fitted on all examples, thresholds chosen on out-of-fold probabilities."""
    st = settings
    keep = kept_features(examples, st.min_articles)
    groups = sorted({ex.group for ex in examples})
    scored = []
    for k in range(st.folds):
        held = set(groups[k::st.folds])
        probe = _fit([ex for ex in examples if ex.group not in held], keep, st)
        scored += [(ex, probe.probabilities(ex.extraction.candidates)) for ex in examples if ex.group in held]
    thresholds, vetoes = best_thresholds(scored, gold_counts(examples), st.floor, st.veto_ceiling)
    about = {"model": MODELS[st.model] + " over candidate-pair features (kg.nlp.relations.candidates)",
             "trained": datetime.date.today().isoformat(), "articles": len(groups),
             "candidates": sum(len(ex.labels) for ex in examples),
             "positives": sum(sum(ex.labels) for ex in examples), "features": len(keep),
             "settings": asdict(st)}
    model = _fit(examples, keep, st)
    return PairScorer(model.weights, thresholds, about, vetoes, model.forest)


MODELS = {"trees": "boosted decision trees (LightGBM)", "logistic": "logistic regression"}


def _fit(examples: list[Example], keep: set[str], st: Settings) -> PairScorer:
    """A scorer of the examples' candidates, without thresholds."""
    rows, labels = _rows(examples, keep)
    if st.model == "trees":
        forest = fit_forest(rows, labels, rounds=st.rounds, rate=st.tree_rate, leaves=st.leaves,
                            min_leaf=st.min_leaf, max_depth=st.max_depth)
        return PairScorer({}, {}, forest=forest)
    return PairScorer(fit(rows, labels, epochs=st.epochs, rate=st.rate, l2=st.l2), {})


def decided(examples: list[Example], scorer: PairScorer | None,
            keeper: MentionFilter | None = None) -> list[tuple[Extraction, str]]:
    """The examples' extractions with the relations the scorer adds (None: the rules' alone),
    without the mentions the filter drops (None: all kept)."""
    out = []
    for ex in examples:
        e = ex.extraction
        relations = scorer.revise(e.relations, e.candidates) if scorer else e.relations
        x = Extraction(e.article, e.mentions, relations, e.amounts, e.dates, e.candidates, e.mention_features)
        if keeper is not None:
            x = without(x, dropped({id(m): f for m, f in e.mention_features}, keeper))
        out.append((x, ex.script))
    return out


def graph_of(items: list[tuple[Extraction, str]]):
    """The rdflib graph (ontology and entities) of extractions, as `kg eval` scores it."""
    from rdflib import Graph

    from kg.pipeline.run import resolve_all
    from kg.rdf.graph import entities_graph
    from kg.rdf.shacl import load_ontology

    g = Graph()
    g += load_ontology()
    for t in entities_graph(resolve_all(items)):
        g.add(t)
    return g


def held_out(examples: list[Example], held: list[Example], settings: Settings) -> list[tuple[Extraction, str]]:
    """Each of `held` decided by a scorer and a filter fitted on every other article (leave one
    article out)."""
    out = []
    for ex in held:
        rest = [e for e in examples if e.group != ex.group]
        inner = replace(settings, folds=3)
        out += decided([ex], fit_scorer(rest, inner), fit_filter(rest, inner))
    return out


@dataclass
class TrainingSet:
    """A named folder of texts with the folder of their gold (and, optionally, their sources)."""

    name: str
    texts: Path
    gold: Path

    def sources(self) -> dict[str, dict]:
        """Where each text was fetched from (sources.json beside the gold or the texts), by id."""
        for folder in (self.gold, self.texts):
            path = folder / "sources.json"
            if path.exists():
                rows = json.loads(path.read_text(encoding="utf-8"))
                return {r["id"]: {k: r[k] for k in ("query", "corpus", "rank", "url") if k in r} for r in rows}
        return {}


@dataclass
class Training:
    """What `kg train` returns: the scorer, its manifest, and the figures it was judged by."""

    scorer: PairScorer
    keeper: MentionFilter
    manifest: list[dict]
    figures: dict[str, dict[str, list[dict]]]  # set -> rules | scorer (leave one out) -> scores

    def write(self, folder: Path) -> list[Path]:
        """Write pair-scorer.json, mention-filter.json and training-manifest.json into `folder`
        (each atomically); returns their paths."""
        from kg.out.files import write_atomic

        paths = [folder / "pair-scorer.json", folder / "mention-filter.json", folder / MANIFEST]
        for model in (self.scorer, self.keeper):
            model.about["manifest"] = MANIFEST
        for path, data in zip(paths, (self.scorer.to_json(), self.keeper.to_json(), self.manifest)):
            write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        return paths


def train(sets: list[TrainingSet], *, leave_one_out: list[str] = (), settings: Settings = Settings(),
          progress=None) -> Training:
    """Fit the pair scorer on every article of `sets`; for each set named in `leave_one_out`,
    score it with the rules alone and with each article decided by a scorer that never saw it."""
    from kg.out.evaluate import evaluate, gold_files

    examples, manifest, by_set = [], [], {}
    for ts in sets:
        found = collect(ts.name, ts.texts, ts.gold)
        by_set[ts.name] = found
        examples += found
        where = ts.sources()
        for ex in found:
            manifest.append({**ex.source, **where.get(Path(ex.source["file"]).stem, {}), "article": ex.group})
    scorer, keeper = fit_scorer(examples, settings), fit_filter(examples, settings)
    figures = {}
    for name in leave_one_out:
        ts = next(t for t in sets if t.name == name)
        if progress:
            progress(f"leaving each article of {name} out in turn ({len(by_set[name])} fits)")
        files = gold_files(ts.gold)
        figures[name] = {"rules": evaluate(graph_of(decided(by_set[name], None)), files),
                         "scorer": evaluate(graph_of(held_out(examples, by_set[name], settings)), files)}
    return Training(scorer, keeper, sorted(manifest, key=lambda r: r["article"]), figures)
