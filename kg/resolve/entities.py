"""Stage 5: resolution. Mentions become entities, one per real thing: same normalised
Simplified name (so Traditional and Simplified articles meet), known district short forms,
short forms that an article links to a fuller name (青岛科学仪器产业园 … 科学仪器产业园), and
"(以下简称X)" abbreviations. Relations and amounts are re-pointed at entity keys.

This module says what an entity and a kept fact are; kg.resolve.contribution and
kg.resolve.index fold the articles into them."""
from __future__ import annotations

from collections import Counter

from kg.nlp.gazetteer import canonical_district, division_code, english_district
from kg.model import SIGNATURES, Entity, Extraction, Fact, Resolved, core_type
from kg.resolve.labels import english_label, pinyin_label
from kg.nlp.script import to_simplified, to_traditional


def resolve(extractions: list[Extraction], script_of: dict[str, str], min_confidence: float = 0.0) -> Resolved:
    """Merge mentions of all articles into entities and facts. `script_of` maps an article id to
    'zh-Hant' or 'zh-Hans' (the script its labels are written in). The work is a fold over the
    articles (kg.resolve.index), the same one `kg ingest` and `kg remove` update."""
    from kg.resolve.contribution import contribute
    from kg.resolve.index import fold_all

    return fold_all([contribute(ex, script_of.get(ex.article.id, "zh-Hans")) for ex in extractions],
                    min_confidence).resolved()


def _types(key: str, votes: dict[str, float], invested: bool) -> set[str]:
    """The types within 0.2 of the best vote; a known district is only a district; what has a
    total investment or an area is a project at least."""
    top = max(votes.values())
    types = {t for t, v in votes.items() if v >= top - 0.2}
    if "District" in types:
        types = {"District"} if canonical_district(key) else types
    if invested and not {core_type(t) for t in types} & {"Project", "Park"}:
        types.add("Project")
    return types


def _entity(k: str, forms: Counter, types: set[str], script: str, mentions: list) -> Entity:
    """An entity with its labels in both scripts, pinyin and English, and its other forms."""
    full_forms = [f for f in forms if to_simplified(f).replace("“", "").replace("”", "") and len(f) >= len(k) - 2]
    label = _label(k, forms, script)
    hans = k if canonical_district(k) else to_simplified(label)
    hant = to_traditional(hans) if script == "zh-Hans" or canonical_district(k) else label
    alts = {f for f in forms if f not in (label, hans, hant)} | ({f for f in full_forms} - {label, hans, hant})
    e = Entity(key=k, label=label, label_hans=hans, label_hant=hant, types=types, alt_labels=alts, mentions=mentions)
    e.label_en = english_district(hans) if "District" in types else english_label(hans, types)
    e.label_pinyin = pinyin_label(hans)
    e.code = division_code(hans) if "District" in types else None
    return e


def fits(f: Fact, entities: dict[str, Entity]) -> bool:
    """Keep a fact only if its subject and object types fit the relation's domain and range."""
    dom, rng = SIGNATURES[f.predicate]
    s = {core_type(t) for t in entities[f.subject].types}
    o = {core_type(t) for t in entities[f.object].types}
    return bool(s & dom) and bool(o & rng)


def _label(key: str, forms: Counter, script: str) -> str:
    if canonical_district(key):
        return to_traditional(key) if script == "zh-Hant" else key
    best = max(forms, key=lambda f: (len(f.strip("“”")), forms[f], f))
    return best.strip() if not (best.startswith("“") and best.endswith("”")) else best[1:-1]


def dedupe_facts(facts: list[Fact]) -> list[Fact]:
    """One fact per (s, p, o, sentence); the most confident rule wins. partner is symmetric."""
    best: dict[tuple, Fact] = {}
    for f in facts:
        s, o = (f.subject, f.object)
        if f.predicate == "partner" and s > o:
            s, o = o, s
        k = (s, f.predicate, o, f.article, f.sentence)
        if k not in best or f.confidence > best[k].confidence:
            best[k] = Fact(s, f.predicate, o, f.article, f.sentence, f.rule, f.confidence)
    return sorted(best.values(), key=lambda f: (f.article, f.sentence, f.subject, f.predicate, f.object))


def make_entity(k: str, forms: Counter, votes: dict[str, float], invested: bool, script: str,
                mentions: list) -> Entity:
    """The entity of key `k` from what the articles say about it (kg.resolve.index)."""
    return _entity(k, forms, _types(k, votes, invested), script, mentions)

