"""Stage 4b: relations and amounts between the mentions of one sentence.

Each rule looks at the Simplified sentence, its clauses and the ordered mentions, plus the
article's district (the implied subject of subjectless sentences, as this genre writes them)
and the last park named in the paragraph (for 园区 / 该园区 / 基地 referring back)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from . import lexicon as L
from .gazetteer import DISTRICT_FORMS, canonical_district
from .model import AmountMention, Mention, RelationMention

CLAUSE_RE = re.compile(r"[，,；;：:]")
PARK_COREF_RE = re.compile(r"(该园区|园区内|园区|该基地|基地内|产业园内|该产业园)")
AMOUNT_RE = re.compile(
    r"(?P<kind>总投资|投资总额|计划投资|总投资额|注册资本|注册资金|占地面积|占地|建筑面积|总建筑面积|面积)"
    r"(?:约|达|近|超过|超|逾|为|共)?(?P<num>\d+(?:\.\d+)?)(?P<unit>亿|万|千)?(?P<cur>元|美元|平方米|亩|平方公里)")
BROAD_PLACES = {"青岛市", "山东省", "中国", "北京市", "上海市"}
LOCAL_PREFIXES = sorted((f for f, full in DISTRICT_FORMS.items() if full not in BROAD_PLACES and len(f) >= 2),
                        key=len, reverse=True)
FOREIGN_START = re.compile(r"^(国家|全国|全省|中国|中央|国际|省|上海|北京|深圳|广州|天津|重庆|德国|美国|日本|韩国)")
LANDING = ("落地", "落户", "入驻", "进驻", "引进", "引入", "集聚", "聚集", "签约", "开业", "开工", "投产", "建成",
           "揭牌", "成立", "组建", "设立", "吸引", "招引")
HOSTED = {"Project", "Park", "Platform"}
LEADABLE = {"Initiative", "Project", "Park", "Platform"}
MEMBER = {"Organization", "Project"}


def core(types) -> set[str]:
    from .model import core_type
    return {core_type(t) for t in types}


@dataclass
class Context:
    """Article-level state carried from sentence to sentence."""

    district: Mention | None = None  # a mention standing for the article's district
    last_park: Mention | None = None
    paragraph: int = -1
    notes: list = field(default_factory=list)


def _clauses(s: str) -> list[tuple[int, int]]:
    bounds, prev = [], 0
    for m in CLAUSE_RE.finditer(s):
        bounds.append((prev, m.start()))
        prev = m.end()
    bounds.append((prev, len(s)))
    return bounds


def _clause_of(clauses, pos: int) -> int:
    for i, (a, b) in enumerate(clauses):
        if a <= pos <= b:
            return i
    return len(clauses) - 1


def _rel(out, s_m, p, o_m, sent, rule, conf):
    if s_m is None or o_m is None or s_m.key == o_m.key:
        return
    out.append(RelationMention(subject=s_m, predicate=p, object=o_m, sentence=sent, rule=rule, confidence=conf))


def sentence_relations(s: str, mentions: list[Mention], sent_start: int, sent_index: int,
                       ctx: Context) -> list[RelationMention]:
    """Relations stated in one sentence. `s` is the Simplified sentence; mention offsets are
    absolute, `sent_start` converts them to sentence positions."""
    out: list[RelationMention] = []
    clauses = _clauses(s)
    pos = {id(m): m.start - sent_start for m in mentions}
    types = {id(m): core(m.types) for m in mentions}
    districts = [m for m in mentions if "District" in types[id(m)]]
    entities = [m for m in mentions if "District" not in types[id(m)]]

    # subject of the sentence: a district or organisation named before the first verb of clause 1
    subject = None
    first_clause_end = clauses[0][1]
    for m in mentions:
        if pos[id(m)] <= 2 and types[id(m)] & {"District", "Organization"}:
            subject = m
            break
    if subject is None and s[:first_clause_end].startswith(("该区", "全区", "我区", "该市", "全市")):
        subject = ctx.district
    implied = subject if subject is not None else ctx.district
    implied_is_district = implied is not None and "District" in core(implied.types)

    # 1. locatedIn from a local district prefix in the name (即墨经济开发区 -> 即墨区)
    for m in entities:
        if types[id(m)] & (HOSTED | {"Organization"}):
            key = m.key
            for form in LOCAL_PREFIXES:
                if key.startswith(form) and len(key) - len(form) >= 2 and "District" not in types[id(m)]:
                    d = Mention(text=form, key=canonical_district(form), start=m.start, end=m.start + len(form),
                                types=("District",), sentence=sent_index, rule="name-prefix", confidence=0.9)
                    _rel(out, m, "locatedIn", d, sent_index, "locatedIn-name-prefix", 0.85)
                    break

    # 2. governing verbs: the implied subject leads / hosts what it builds, launches, issues
    for m in entities:
        t = types[id(m)]
        p = pos[id(m)]
        ci = _clause_of(clauses, p)
        ca, cb = clauses[ci]
        before = s[ca:p]
        after = s[pos[id(m)] + (m.end - m.start):cb]
        lead = next((v for v in L.LEAD_VERBS if v in before), None)
        built = next((v for v in L.BUILD_VERBS if after.startswith(v) or after[:6].find(v) >= 0), None)
        local_subject = None
        for other in mentions:
            if other is not m and ca <= pos[id(other)] < p and types[id(other)] & {"Organization"} \
                    and "District" not in types[id(other)] and lead and s.find(lead, pos[id(other)]) > pos[id(other)]:
                local_subject = other
        if lead and t & LEADABLE:
            leader = local_subject or implied
            if leader is not None:
                _rel(out, m, "ledBy", leader, sent_index, f"ledBy-verb-{lead}", 0.6 if local_subject else 0.55)
        if (lead or built) and t & HOSTED and implied_is_district and local_subject is None:
            _rel(out, m, "locatedIn", implied, sent_index, f"locatedIn-article-{lead or built}", 0.5)

    # 2b. locatedIn by article context: what a district article names as built, opened, landed or
    # hosted is in that district, unless its name places it elsewhere (国家…, 上海…) or it is a body
    if ctx.district is not None and implied_is_district and implied is ctx.district:
        for m in entities:
            t = types[id(m)]
            if "Initiative" in t or (FOREIGN_START.match(m.key) and "青岛" not in m.key):
                continue
            if any(m.key.startswith(f) for f in LOCAL_PREFIXES if canonical_district(f) != ctx.district.key):
                continue
            ca, cb = clauses[_clause_of(clauses, pos[id(m)])]
            landing = any(v in s[ca:cb] for v in LANDING)
            org_ok = "Organization" in t and landing and not (set(m.types) & {"GovernmentBody", "University",
                                                                             "ResearchInstitute", "Association"})
            if (t & {"Project", "Park"}) or org_ok or "School" in m.types:
                _rel(out, m, "locatedIn", ctx.district, sent_index, "locatedIn-article-context", 0.45)

    # 2c. attribution: a body right before quoted initiatives (市委“项目落地年”“十大改革突破行动”)
    for i, m in enumerate(mentions):
        if "GovernmentBody" in m.types or "District" in types[id(m)]:
            end = m.end
            for nxt in mentions[i + 1:]:
                gap = s[end - sent_start:nxt.start - sent_start]
                if gap.strip("“”《》 ") or "Initiative" not in types[id(nxt)]:
                    break
                _rel(out, nxt, "ledBy", m, sent_index, "ledBy-attribution", 0.6)
                end = nxt.end

    # 2d. a firm named at the start of a park or project's name builds it (言鼎集团莱西医疗产业园)
    for m in entities:
        for o in mentions:
            if o is not m and o.start == m.start and o.end < m.end and "Organization" in types[id(o)] \
                    and types[id(m)] & LEADABLE:
                _rel(out, m, "ledBy", o, sent_index, "ledBy-name-prefix", 0.7)

    # 3. joinedPark: a member and a park around a settle/introduce trigger
    trig = [mt for mt in re.finditer("|".join(L.JOIN_TRIGGERS), s)]
    if trig:
        parks = [m for m in entities if "Park" in types[id(m)]]
        if not parks and PARK_COREF_RE.search(s) and ctx.last_park is not None:
            parks = [ctx.last_park]
            pos[id(ctx.last_park)] = PARK_COREF_RE.search(s).start()
        for m in entities:
            t = types[id(m)]
            if not (t & MEMBER) or "Park" in t and not (t & {"Organization"}):
                continue
            if not parks:
                break
            p = pos[id(m)]
            near = min((pk for pk in parks if pk is not m and pk.key not in m.key),
                       key=lambda pk: abs(pos[id(pk)] - p), default=None)
            if near is None:
                continue
            lo, hi = sorted((p, pos[id(near)]))
            tri_between = any(lo - 6 <= mt.start() <= hi + 12 + (m.end - m.start) for mt in trig)
            if tri_between:
                _rel(out, m, "joinedPark", near, sent_index, "joinedPark-trigger", 0.6)

    # 4. partner: 与X签约 / 联合X / X与Y共建
    for mt in re.finditer(r"(与|同|联合|携手|和)", s):
        tail = s[mt.end():]
        cue_at = min((tail.find(c) for c in L.PARTNER_CUES if tail.find(c) >= 0), default=-1)
        if mt.group() in ("与", "同", "和") and (cue_at < 0 or cue_at > 30):
            continue
        span_end = mt.end() + (cue_at if cue_at >= 0 else 30)
        partners = [m for m in mentions if mt.end() <= pos[id(m)] < span_end
                    and types[id(m)] & {"Organization", "District"}]
        left = subject or ctx.district
        if mt.group() in ("与", "同", "和"):
            prev = [m for m in mentions if pos[id(m)] < mt.start() and types[id(m)] & {"Organization", "District"}
                    and _clause_of(clauses, pos[id(m)]) == _clause_of(clauses, mt.start())]
            if prev:
                left = prev[-1]
        for pm in partners:
            _rel(out, left, "partner", pm, sent_index, f"partner-{mt.group()}", 0.55)
            # what they build together is led by the partner too: 与A、B等合力打造C (same clause)
            ci = _clause_of(clauses, pos[id(pm)])
            ca, cb = clauses[ci]
            after = [m for m in entities if pos[id(pm)] < pos[id(m)] <= cb and m not in partners]
            if after and types[id(after[0])] & LEADABLE and \
                    any(v in s[pos[id(partners[-1])]:pos[id(after[0])]] for v in L.LEAD_VERBS):
                _rel(out, after[0], "ledBy", pm, sent_index, "ledBy-partner", 0.5)

    # 5. operatedBy: 由X运营 / X负责运营
    for mt in re.finditer(r"由([^，,。；]{2,30}?)(负责)?(运营|运维|管理运营)", s):
        ops = [m for m in mentions if mt.start(1) <= pos[id(m)] < mt.end(1) and "Organization" in types[id(m)]]
        targets = [m for m in entities if pos[id(m)] < mt.start() and types[id(m)] & HOSTED]
        for o in ops:
            if targets:
                _rel(out, targets[-1], "operatedBy", o, sent_index, "operatedBy-you", 0.6)

    # 6. partOf: 以X为核心区的Y / Y下设的X
    for mt in re.finditer(r"以([^，,。；]{2,30}?)为(核心区|核心|主体|龙头|载体)", s):
        inner = [m for m in entities if mt.start(1) <= pos[id(m)] < mt.end(1)]
        outer = [m for m in entities if pos[id(m)] > mt.end() and types[id(m)] & {"Park", "Project", "Initiative"}]
        if inner and outer:
            _rel(out, inner[0], "partOf", outer[0], sent_index, "partOf-core", 0.55)
    for mt in re.finditer(r"下设的?", s):
        before = [m for m in entities if pos[id(m)] < mt.start()]
        after = [m for m in entities if pos[id(m)] >= mt.end()]
        if before and after:
            _rel(out, after[0], "partOf", before[-1], sent_index, "partOf-xiashe", 0.6)

    # remember the last park for coreference
    for m in entities:
        if "Park" in types[id(m)]:
            ctx.last_park = m
    return out


def sentence_amounts(s: str, mentions: list[Mention], sent_start: int, sent_index: int) -> list[AmountMention]:
    """总投资X亿元 / 注册资本X万元 / 建筑面积X万平方米, attached to the named project or park."""
    out: list[AmountMention] = []
    pos = {id(m): m.start - sent_start for m in mentions}
    clauses = _clauses(s)
    for mt in AMOUNT_RE.finditer(s):
        kind, cur = mt.group("kind"), mt.group("cur")
        if cur == "美元" or cur in ("亩", "平方公里") and "面积" not in kind:
            continue
        value = Decimal(mt.group("num")) * {"亿": Decimal(100000000), "万": Decimal(10000), "千": Decimal(1000),
                                            None: Decimal(1)}[mt.group("unit")]
        if cur == "平方公里":
            value *= 1000000
        if cur == "亩":
            continue
        prop = ("registeredCapitalCNY" if kind.startswith("注册") else
                "areaM2" if "面积" in kind or kind == "占地" else "totalInvestmentCNY")
        cand = [m for m in mentions if core(m.types) & ({"Project", "Park"} if prop != "registeredCapitalCNY"
                                                            else {"Organization"})]
        # 总投资X亿元的Y: Y follows right after 的
        after = s[mt.end():]
        follow = None
        if after.startswith("的") or after.startswith("元的"):
            follow = next((m for m in cand if 0 <= pos[id(m)] - mt.end() <= 14), None)
        if follow is None:
            ci = _clause_of(clauses, mt.start())
            same = [m for m in cand if _clause_of(clauses, pos[id(m)]) in (ci, ci - 1) and pos[id(m)] < mt.start()]
            follow = same[-1] if same else None
        if follow is None:
            follow = next((m for m in cand if 0 <= pos[id(m)] - mt.end() <= 20), None)
        if follow is not None:
            out.append(AmountMention(subject=follow, predicate=prop, value=value, sentence=sent_index,
                                     text=mt.group(), rule=f"amount-{kind}"))
    return out
