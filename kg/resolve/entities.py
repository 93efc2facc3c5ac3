"""Stage 5: resolution. Mentions become entities, one per real thing: same normalised
Simplified name (so Traditional and Simplified articles meet), known district short forms,
short forms that an article links to a fuller name (青岛科学仪器产业园 … 科学仪器产业园), and
"(以下简称X)" abbreviations. Relations and amounts are re-pointed at entity keys."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from kg.resolve.calibration import calibrated
from kg.nlp.gazetteer import canonical_district, division_code, english_district
from kg.model import SIGNATURES, AmountFact, DateFact, Entity, Extraction, Fact, Mention, Resolved, core_type
from kg.resolve.labels import english_label, pinyin_label
from kg.nlp.script import to_simplified, to_traditional

# weak rules only add a type when nothing stronger typed the entity
WEAK_RULES = ("list-member", "trigger-", "quote-governed", "title-other")


def _alias_map(extractions: list[Extraction]) -> dict[str, str]:
    """Short key -> full key, within each article: a short name that ends a longer name of the
    same core type whose extra part is a place prefix (青岛/市南区/山东…) or a modifier that the
    article also uses."""
    alias: dict[str, str] = {}
    for ex in extractions:
        keys = {m.key: m for m in ex.mentions}
        for short, ms in keys.items():
            if canonical_district(short):
                continue
            for full, mf in keys.items():
                if full == short or not full.endswith(short) or len(short) < 4:
                    continue
                prefix = full[: len(full) - len(short)]
                if not (canonical_district(prefix) or prefix in ("省", "市", "区", "国家", "中国")):
                    continue
                if {core_type(t) for t in ms.types} & {core_type(t) for t in mf.types}:
                    if short not in alias or len(full) > len(alias[short]):
                        alias[short] = full
    # chains: a -> b -> c
    for k in list(alias):
        seen = {k}
        while alias[k] in alias and alias[k] not in seen:
            seen.add(alias[k])
            alias[k] = alias[alias[k]]
    return alias


def _key(m: Mention, alias: dict[str, str]) -> str:
    if "District" in m.types:
        return canonical_district(m.key) or m.key
    return alias.get(m.key, m.key)


def resolve(extractions: list[Extraction], script_of: dict[str, str]) -> Resolved:
    """Merge mentions of all articles into entities and facts. `script_of` maps an article id to
    'zh-Hant' or 'zh-Hans' (the script its labels are written in)."""
    alias = _alias_map(extractions)
    surface: dict[str, Counter] = defaultdict(Counter)
    type_votes: dict[str, dict[str, float]] = defaultdict(dict)
    strong: dict[str, bool] = defaultdict(bool)
    mentions_of: dict[str, set] = defaultdict(set)
    implied_in: dict[str, set] = defaultdict(set)  # sentences that imply an entity not named there
    scripts: dict[str, Counter] = defaultdict(Counter)

    def note(m: Mention, art: str, count_mention: bool = True) -> str:
        k = _key(m, alias)
        weak = m.rule.startswith(WEAK_RULES)
        surface[k][m.text] += 1
        scripts[k][script_of.get(art, "zh-Hans")] += 1
        for t in m.types:
            type_votes[k][t] = max(type_votes[k].get(t, 0.0), m.confidence * (0.5 if weak else 1.0))
        strong[k] |= not weak
        if count_mention and m.sentence >= 0:
            mentions_of[k].add((art, m.sentence))
        return k

    def implied(k: str, art: str, sentence: int) -> None:
        implied_in[k].add((art, sentence))

    facts: list[Fact] = []
    amounts: list[AmountFact] = []
    dates: list[DateFact] = []
    for ex in extractions:
        art = ex.article.id
        for m in ex.mentions:
            note(m, art)
        for r in ex.relations:
            s = note(r.subject, art, r.subject.rule == "name-prefix")
            o = note(r.object, art, r.object.rule == "name-prefix")
            implied(s, art, r.sentence)
            implied(o, art, r.sentence)
            if s != o:
                facts.append(Fact(s, r.predicate, o, art, r.sentence, r.rule, r.confidence))
        for a in ex.amounts:
            s = note(a.subject, art, False)
            implied(s, art, a.sentence)
            amounts.append(AmountFact(s, a.predicate, a.value, art, a.sentence, a.text, a.rule, a.confidence))
        for d in ex.dates:
            s = note(d.subject, art, False)
            implied(s, art, d.sentence)
            dates.append(DateFact(s, d.predicate, d.value, art, d.sentence, d.text, d.rule, d.confidence))

    invested = {a.subject for a in amounts if a.predicate in ("totalInvestmentCNY", "areaM2")}
    entities: dict[str, Entity] = {}
    for k, forms in surface.items():
        script = max(scripts[k].items(), key=lambda kv: (kv[1], kv[0]))[0]
        entities[k] = _entity(k, forms, _types(k, type_votes[k], k in invested), script,
                              sorted(mentions_of[k] or implied_in[k]))
    # keys of aliases are kept as alternative labels of the full entity
    for short, full in alias.items():
        if full in entities and short not in entities:
            entities[full].alt_labels.add(short)
    facts = [replace(f, confidence=calibrated(f.rule, f.confidence))  # the rules' priors chose; report measured
             for f in _dedupe_facts([f for f in facts if _fits(f, entities)])]
    return Resolved(articles=[ex.article for ex in extractions], entities=entities, facts=facts, amounts=amounts,
                    dates=dates)


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


def _fits(f: Fact, entities: dict[str, Entity]) -> bool:
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


def _dedupe_facts(facts: list[Fact]) -> list[Fact]:
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
