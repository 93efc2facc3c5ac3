"""Stage 4b: relations and amounts between the mentions of one sentence.

Each rule looks at the Simplified sentence, its clauses and the ordered mentions, plus the
article's district (the implied subject of subjectless sentences, as this genre writes them)
and the last park named in the paragraph (for 园区 / 该园区 / 基地 referring back)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from . import lexicon as L
from .gazetteer import DISTRICT_FORMS, canonical_district

from .model import AmountMention, DateMention, Mention, RelationMention

CLAUSE_RE = re.compile(r"[，,；;：:]")
PARTNER_CONJ_RE = re.compile(r"(会同|联合|携手|与|(?<![会共一相])同(?![时步比样期等一类]))")
SETTLE_RE = re.compile(r"(签约落户|落户|入驻|进驻|入园|落地|加入)")
PARK_COREF_RE = re.compile(r"(该园区|园区内|园区|该基地|基地内|产业园内|该产业园)")
AMOUNT_RE = re.compile(
    r"(?P<kind>总投资|投资总额|计划投资|总投资额|注册资本|注册资金|占地面积|占地|建筑面积|总建筑面积|面积|投资)"
    r"(?:约|达|近|超过|超|逾|为|共)?(?P<num>\d+(?:\.\d+)?)(?P<unit>亿|万|千)?(?P<cur>元|美元|平方米|亩|平方公里)")
BROAD_PLACES = {"青岛市", "山东省", "中国", "北京市", "上海市"}
LOCAL_PREFIXES = sorted((f for f, full in DISTRICT_FORMS.items() if full not in BROAD_PLACES and len(f) >= 2),
                        key=len, reverse=True)
FOREIGN_START = re.compile(r"^(国家|全国|全省|中国|中央|国际|省|上海|北京|深圳|广州|天津|重庆|德国|美国|日本|韩国)")
LANDING = ("落地", "落户", "入驻", "进驻", "引进", "引入", "集聚", "聚集", "签约", "开业", "开工", "投产", "建成",
           "揭牌", "成立", "组建", "设立", "吸引", "招引", "注册", "挂牌")
STREET_CHARS = "路街道巷湾港口岸山河湖村镇里桥"
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
    last_project: Mention | None = None
    last_company: Mention | None = None
    paragraph: int = -1


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
    entities = [m for m in mentions if "District" not in types[id(m)]]

    # subject of the sentence: a district or organisation named before the first verb of clause 1
    subject = None
    first_clause_end = clauses[0][1]
    for m in mentions:
        if pos[id(m)] == 0 and types[id(m)] & {"District", "Organization"}:
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
                if key.startswith(form) and len(key) - len(form) >= 2 and "District" not in types[id(m)] \
                        and key[len(form)] not in STREET_CHARS:
                    d = Mention(text=m.text[:len(form)], key=canonical_district(form), start=m.start,
                                end=m.start + len(form),
                                types=("District",), sentence=sent_index, rule="name-prefix", confidence=0.9)
                    _rel(out, m, "locatedIn", d, sent_index, "locatedIn-name-prefix", 0.85)
                    rest = key[len(form):]
                    second = next((f for f in LOCAL_PREFIXES if rest.startswith(f) and len(rest) - len(f) >= 2
                                   and rest[len(f)] not in STREET_CHARS), None)
                    if second:  # 莱西莱阳一体化发展先行区 lies in both
                        d2 = Mention(text=m.text[len(form):len(form) + len(second)], key=canonical_district(second),
                                     start=m.start + len(form),
                                     end=m.start + len(form) + len(second), types=("District",),
                                     sentence=sent_index, rule="name-prefix", confidence=0.9)
                        _rel(out, m, "locatedIn", d2, sent_index, "locatedIn-name-prefix", 0.85)
                    break

    # 2. governing verbs: the implied subject leads / hosts what it builds, launches, issues
    for m in entities:
        t = types[id(m)]
        p = pos[id(m)]
        ci = _clause_of(clauses, p)
        ca, cb = clauses[ci]
        before = s[ca:p]
        after = s[pos[id(m)] + (m.end - m.start):cb]
        # the nearest governing verb before the mention, in its clause
        lead = max(((before.rfind(v), v) for v in L.LEAD_VERBS if v in before), default=(-1, None))[1]
        built = next((v for v in L.BUILD_VERBS if after.startswith(v) or after[:6].find(v) >= 0), None)
        local_subject = None
        for other in mentions:
            if other is not m and ca <= pos[id(other)] < p and types[id(other)] & {"Organization"} \
                    and "District" not in types[id(other)] and lead and s.find(lead, pos[id(other)]) > pos[id(other)]:
                local_subject = other
        fits = lead is not None and ((t & {"Initiative"} and lead in L.POLICY_VERBS) or
                                     (t & {"Project", "Park", "Platform"} and lead in L.BUILD_LEAD_VERBS))
        if fits and t & LEADABLE:
            leader = local_subject or implied
            if leader is not None:
                _rel(out, m, "ledBy", leader, sent_index, f"ledBy-verb-{lead}", 0.6 if local_subject else 0.55)
        if (lead or built) and t & HOSTED and implied_is_district and local_subject is None:
            _rel(out, m, "locatedIn", implied, sent_index, f"locatedIn-article-{lead or built}", 0.5)

    # 2b. locatedIn by article context: what a district article names as built, opened, landed or
    # hosted is in that district, unless its name places it elsewhere (国家…, 上海…) or it is a body
    other_district_subject = subject is not None and "District" in core(subject.types) and \
        ctx.district is not None and subject.key != ctx.district.key
    if ctx.district is not None and not other_district_subject:
        for m in entities:
            t = types[id(m)]
            if "Initiative" in t or (FOREIGN_START.match(m.key) and "青岛" not in m.key):
                continue
            if any(m.key.startswith(f) and m.key[len(f):len(f) + 1] not in STREET_CHARS
                   for f in LOCAL_PREFIXES if canonical_district(f) != ctx.district.key):
                continue
            ca, cb = clauses[_clause_of(clauses, pos[id(m)])]
            after = s[pos[id(m)] + (m.end - m.start):cb]
            before = s[max(ca, pos[id(m)] - 2):pos[id(m)]]
            org_ok = "Organization" in t and any(v in after for v in LANDING) and not re.search("[与同和]$", before) \
                and "GovernmentBody" not in m.types and not re.search("联合|携手|与|会同", s[ca:pos[id(m)]])
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

    # 3. joinedPark: X落户/入驻/进驻P; P…X等N个项目落地; P…入驻X
    parks = [m for m in entities if "Park" in types[id(m)]]
    coref = PARK_COREF_RE.search(s)
    if not parks and coref and ctx.last_park is not None:
        parks = [ctx.last_park]
        pos[id(ctx.last_park)] = coref.start()
    for mt in SETTLE_RE.finditer(s):
        t0, t1 = mt.start(), mt.end()
        ca, cb = clauses[_clause_of(clauses, t0)]
        members = [m for m in entities if types[id(m)] & MEMBER and "Park" not in types[id(m)]
                   and not any(pk.key in m.key or m.key in pk.key for pk in parks)]
        direct = [pk for pk in parks if 0 <= pos[id(pk)] - t1 <= 3]
        zai = [pk for pk in parks if 0 <= t0 - (pos[id(pk)] + (pk.end - pk.start)) <= 1
               and s[max(0, pos[id(pk)] - 1):pos[id(pk)]] == "在"]
        if zai:  # X在P落地
            for m in members:
                if ca <= pos[id(m)] < pos[id(zai[0])]:
                    _rel(out, m, "joinedPark", zai[0], sent_index, "joinedPark-zai", 0.65)
            continue
        earlier = [pk for pk in parks if pos[id(pk)] < t0 and not any(pos[id(x)] > pos[id(pk)] and x in direct
                                                                      for x in parks)]
        if direct:  # X落户P
            for m in members:
                if ca <= pos[id(m)] < t0:
                    _rel(out, m, "joinedPark", direct[0], sent_index, "joinedPark-settle", 0.7)
        elif earlier:  # P…, X等N个项目落地 / P…入驻X
            park = earlier[-1]
            for m in members:
                p = pos[id(m)]
                if (ca <= p < t0 or t1 <= p <= t1 + 3) and p > pos[id(park)]:
                    _rel(out, m, "joinedPark", park, sent_index, "joinedPark-settle-back", 0.55)

    # 3b. P集聚了/吸引/引进X、Y等: a park as the subject that draws firms in
    for pk in parks:
        p0 = pos[id(pk)] + (pk.end - pk.start)
        mt = re.match(r"(先后|已|已经|累计|共)?(集聚|聚集|吸引|引进|引入|招引)(了)?", s[p0:])
        if mt and pk in entities:
            ca, cb = clauses[_clause_of(clauses, p0)]
            for m in entities:
                if p0 + mt.end() <= pos[id(m)] <= cb and types[id(m)] & MEMBER and "Park" not in types[id(m)]:
                    _rel(out, m, "joinedPark", pk, sent_index, "joinedPark-draws", 0.6)

    # 4. partner: 与X(、Y)签约/合作/共建; 联合X(、Y)…; X与Y合作
    for mt in PARTNER_CONJ_RE.finditer(s):
        ci = _clause_of(clauses, mt.start())
        ca, cb = clauses[ci]
        if ci + 1 < len(clauses) and mt.group() in ("与", "同", "会同"):
            cb = clauses[min(ci + 1, len(clauses) - 1)][1]  # 与A、B等机构建立密切合作 may cross a comma
        tail = s[mt.end():cb]
        cue = min((tail.find(c) for c in L.PARTNER_CUES + ("建立", "签订", "在") if tail.find(c) > 0), default=-1)
        if mt.group() in ("与", "同", "会同") and not any(c in tail for c in L.PARTNER_CUES + ("签订", "协作", "联动")):
            continue
        lead_at = min((tail.find(v) for v in L.LEAD_VERBS if tail.find(v) > 0), default=len(tail))
        limit = mt.end() + min(x for x in (cue if cue > 0 else len(tail), lead_at, len(tail)))
        partners = [m for m in mentions if mt.end() <= pos[id(m)] < limit and types[id(m)] & {"Organization", "District"}]
        if not partners:
            continue
        head = s[ca:mt.start()]
        left_m = [m for m in mentions if ca <= pos[id(m)] and pos[id(m)] + (m.end - m.start) >= mt.start() - 1
                  and pos[id(m)] < mt.start() and types[id(m)] & {"Organization", "District"}]
        if left_m:
            left = left_m[-1]
        elif not re.search(r"[\u4e00-\u9fff]", head) or any(head.endswith(v) for v in L.GOVERNING_VERBS) \
                or head.endswith(("层面", "已经", "还", "并", "同时")):
            left = subject or ctx.district
        else:
            continue  # an unrecognised name stands before 与: do not guess
        for pm in partners:
            _rel(out, left, "partner", pm, sent_index, f"partner-{mt.group()}", 0.6)
        # what they build together is led by the partners too: 与A、B等合力打造C (same clause)
        after = [m for m in entities if pos[id(m)] >= limit and pos[id(m)] <= clauses[ci][1] and m not in partners]
        if after and types[id(after[0])] & LEADABLE and any(v in s[limit:pos[id(after[0])]] for v in L.LEAD_VERBS):
            for pm in partners:
                _rel(out, after[0], "ledBy", pm, sent_index, "ledBy-partner", 0.55)

    # 5. operatedBy: 由X运营 / X负责运营
    for mt in re.finditer(r"由([^，,。；]{2,30}?)(负责)?(运营|运维|管理运营)", s):
        ops = [m for m in mentions if mt.start(1) <= pos[id(m)] < mt.end(1) and "Organization" in types[id(m)]]
        targets = [m for m in entities if pos[id(m)] < mt.start() and types[id(m)] & HOSTED]
        for o in ops:
            if targets:
                _rel(out, targets[-1], "operatedBy", o, sent_index, "operatedBy-you", 0.6)

    # 6. partOf: 以X为核心区的Y / Y下设的X
    for mt in re.finditer(r"以([^，,。；]{2,40}?)(为|定)(核心区|核心|主体|龙头|载体|目标|功能|支撑)", s):
        inner = [m for m in entities if mt.start(1) <= pos[id(m)] < mt.end(1)]
        outer = [m for m in entities if pos[id(m)] > mt.end() and types[id(m)] & {"Park", "Project", "Initiative"}]
        outer = outer or [m for m in entities if pos[id(m)] < mt.start() and "Park" in types[id(m)]][-1:]
        for x in inner:
            if outer and x is not outer[0]:
                _rel(out, x, "partOf", outer[0], sent_index, "partOf-core", 0.55)
    for mt in re.finditer(r"下设的?", s):
        before = [m for m in entities if pos[id(m)] < mt.start()]
        after = [m for m in entities if pos[id(m)] >= mt.end()]
        if before and after:
            _rel(out, after[0], "partOf", before[-1], sent_index, "partOf-xiashe", 0.6)

    # 6b. 将X纳入Y
    for mt in re.finditer(r"将([^，,。；]{2,40}?)纳入", s):
        inner = [m for m in entities if mt.start(1) <= pos[id(m)] < mt.end(1)]
        outer = [m for m in entities if pos[id(m)] >= mt.end() and pos[id(m)] - mt.end() <= 3]
        for x in inner[:1]:
            for y in outer[:1]:
                _rel(out, x, "partOf", y, sent_index, "partOf-naru", 0.6)
    # 6c. NAME(A、B、C)HEAD: the parts of an enumerated name
    for m in entities:
        text = s[pos[id(m)]:pos[id(m)] + (m.end - m.start)]
        par = re.search(r"[（(]([^（）()]+、[^（）()]+)[）)]", text)
        if par:
            for o in mentions:
                if o is not m and pos[id(m)] + par.start(1) <= pos[id(o)] < pos[id(m)] + par.end(1):
                    _rel(out, o, "partOf", m, sent_index, "partOf-enumerated", 0.6)
    # 6d. a sub-plan named after another initiative's quoted core: 功能区“标准地”出让试点实施方案 → “标准地”改革
    for m in entities:
        for o in entities:
            if o is m or "Initiative" not in types[id(o)]:
                continue
            core_name = re.search(r"“([^”]{2,8})”", o.text)
            if core_name and core_name.group(1) in m.text and o.key not in m.key and m.key not in o.key \
                    and types[id(m)] & {"Initiative", "Project"}:
                _rel(out, m, "partOf", o, sent_index, "partOf-quoted-core", 0.5)

    # remember the last park, project and firm for coreference
    for m in entities:
        if "Park" in types[id(m)]:
            ctx.last_park = m
        elif "Project" in types[id(m)]:
            ctx.last_project = m
        if "Company" in m.types:
            ctx.last_company = m
    return out


AREA_RE = re.compile(r"(?:在|约|共)?(?P<num>\d+(?:\.\d+)?)(?P<unit>万)?(?P<cur>平方米|平方公里)(?:内|的|范围内)")
UNITS = {"亿": Decimal(100000000), "万": Decimal(10000), "千": Decimal(1000), None: Decimal(1)}


def _amounts_in(s: str):
    """(match, property, value) for every amount the sentence states."""
    taken = []
    for mt in AMOUNT_RE.finditer(s):
        kind, cur = mt.group("kind"), mt.group("cur")
        if cur in ("美元", "亩") or cur == "平方公里" and "面积" not in kind:
            continue
        value = Decimal(mt.group("num")) * UNITS[mt.group("unit")] * (1000000 if cur == "平方公里" else 1)
        prop = ("registeredCapitalCNY" if kind.startswith("注册") else
                "areaM2" if "面积" in kind or kind == "占地" else "totalInvestmentCNY")
        taken.append((mt.start(), mt.end()))
        yield mt, prop, value, kind
    for mt in AREA_RE.finditer(s):
        if any(a <= mt.start() < b for a, b in taken):
            continue
        value = Decimal(mt.group("num")) * UNITS[mt.group("unit")] * (1000000 if mt.group("cur") == "平方公里" else 1)
        yield mt, "areaM2", value, "面积"


def sentence_amounts(s: str, mentions: list[Mention], sent_start: int, sent_index: int,
                     ctx: Context | None = None) -> list[AmountMention]:
    """总投资X亿元 / 注册资本X万元 / 建筑面积X万平方米 / 在X平方公里内, attached to the named project,
    park or firm: the one right after 的, else the nearest before in the clause (or the clause before),
    else the last one named in the paragraph (该园区…, 平台公司注册资金…)."""
    out: list[AmountMention] = []
    pos = {id(m): m.start - sent_start for m in mentions}
    clauses = _clauses(s)
    for mt, prop, value, kind in _amounts_in(s):
        wanted = {"Organization"} if prop == "registeredCapitalCNY" else {"Project", "Park"}
        cand = [m for m in mentions if core(m.types) & wanted]
        after = s[mt.end():]
        if re.match(r"^(元)?的?(\d+|[一二三四五六七八九十百千两几多]+)(余|多)?(个|家|项|座|批|类)", after):
            continue  # 总投资1436亿元的177个重大项目: the amount of a count of unnamed things
        follow = None
        if after.startswith("的") or mt.group().endswith("的"):
            end = mt.end() if mt.group().endswith("的") else mt.end() + 1
            follow = next((m for m in mentions if 0 <= pos[id(m)] - end <= 3 and "District" not in core(m.types)),
                          None)
        if follow is None:
            ci = _clause_of(clauses, mt.start())
            same = [m for m in cand if _clause_of(clauses, pos[id(m)]) in (ci, ci - 1) and pos[id(m)] < mt.start()]
            follow = same[-1] if same else None
        if follow is None:
            ci = _clause_of(clauses, mt.start())
            nxt = clauses[min(ci + 1, len(clauses) - 1)][1]
            follow = next((m for m in cand if mt.end() <= pos[id(m)] <= min(nxt, mt.end() + 20)), None)
        if follow is None and ctx is not None:
            follow = ctx.last_company if prop == "registeredCapitalCNY" else (ctx.last_park or ctx.last_project)
        if follow is not None:
            out.append(AmountMention(subject=follow, predicate=prop, value=value, sentence=sent_index,
                                     text=mt.group(), rule=f"amount-{kind}"))
    return out


DATE_RE = re.compile(r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
EVENT_VERBS = {
    "openedOn": ("开园", "开业", "开馆", "开街", "投用", "投入使用", "揭牌", "挂牌", "亮相", "启用", "开放"),
    "signedOn": ("签约", "签署", "签订"),
    "launchedOn": ("启动", "开工", "成立", "发布", "举办", "召开", "开通", "上线", "开幕"),
}


def _resolve_date(mt: re.Match, before: str, article_date: str | None) -> str | None:
    """ISO date of '7月18日' in an article dated `article_date`: its year unless the text says
    去年/明年, or the day would fall more than a week after the article (then the year before)."""
    month, day = int(mt.group("m")), int(mt.group("d"))
    if mt.group("y"):
        year = int(mt.group("y"))
    elif article_date:
        ref = date.fromisoformat(article_date)
        year = ref.year - 1 if before.endswith("去年") else ref.year + 1 if before.endswith("明年") else ref.year
        try:
            if not before.endswith(("去年", "明年", "今年")) and date(year, month, day) > ref + timedelta(days=7):
                year -= 1
        except ValueError:
            return None
    else:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def sentence_dates(s: str, mentions: list[Mention], sent_start: int, sent_index: int,
                   article_date: str | None) -> list[DateMention]:
    """Dates of openings, signings and launches, attached to the entity the event verb is about
    (the nearest mention in the date's clause)."""
    out: list[DateMention] = []
    pos = {id(m): m.start - sent_start for m in mentions}
    clauses = _clauses(s)
    for mt in DATE_RE.finditer(s):
        ci = _clause_of(clauses, mt.start())
        # the event may sit in the date's clause or the next one (去年12月10日,…中心揭牌)
        span_end = clauses[min(ci + 1, len(clauses) - 1)][1] if mt.end() >= clauses[ci][1] - 1 else clauses[ci][1]
        region = s[mt.end():span_end]
        found = [(region.find(v), prop, v) for prop, verbs in EVENT_VERBS.items() for v in verbs if v in region]
        if not found:
            continue
        at, prop, verb = min(found)
        verb_pos = mt.end() + at
        cands = [m for m in mentions if mt.end() <= pos[id(m)] < span_end and "District" not in core(m.types)]
        if not cands:
            continue
        subject = min(cands, key=lambda m: abs(pos[id(m)] + (m.end - m.start) - verb_pos))
        iso = _resolve_date(mt, s[max(0, mt.start() - 2):mt.start()], article_date)
        if iso:
            out.append(DateMention(subject=subject, predicate=prop, value=iso, sentence=sent_index,
                                   text=mt.group() + "…" + verb, rule=f"date-{verb}"))
    return out
