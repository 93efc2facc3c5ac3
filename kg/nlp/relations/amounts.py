"""Amounts: 总投资X亿元, 注册资本X万元, 建筑面积X万平方米, 在X平方公里内, attached to the named
project, park or firm they are stated of."""
from __future__ import annotations

import re
from decimal import Decimal

from kg.model import AmountMention, Mention
from kg.nlp.relations.view import Context, clause_index, clauses_of, core

AMOUNT_RE = re.compile(
    r"(?P<kind>总投资额|总投资|投资总额|投资金额|计划投资|投资额|注册资本|注册资金|总占地面积|占地面积|占地|总建筑面积|建筑面积|"
    r"规划用地面积|规划用地|用地面积|用地|建设面积|规划面积|面积|总规划|投资)"
    r"(?:约为|约|达到|达|近|超过|超|逾|为|共|高达)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[一二两三四五六七八九]?[十百千](?=[亿万]))"
    r"(?P<unit>亿|万|千)?(?P<cur>元|美元|平方米|平米|㎡|亩|公顷|平方公里|平方千米)?")
# 百亿元, 两百亿元, 十亿元: a round number in words before 亿 or 万
WORD_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
WORD_TENS = {"十": 10, "百": 100, "千": 1000}
# square metres per unit of area (GUIDELINES: 亩 = 666.67 m², 公顷 = 10,000 m², 平方公里 = 1,000,000 m²)
AREA_UNITS = {"平方米": Decimal(1), "平米": Decimal(1), "㎡": Decimal(1), "亩": Decimal("666.67"),
              "公顷": Decimal(10000), "平方公里": Decimal(1000000), "平方千米": Decimal(1000000)}
AREA_KINDS = ("占地", "用地", "规划用地", "总规划")  # (总规划3000亩: an area; 总规划 with money is no amount)
AREA_RE = re.compile(r"(?:在|约|共)?(?P<num>\d+(?:\.\d+)?)(?P<unit>万)?(?P<cur>平方米|平方公里|平方千米)(?:内|的|范围内)")
# 投资150亿元打造的Y项目, 投资6亿元建设Y项目: Y is what the amount is of
BUILT_THE_RE = re.compile(r"(?:元)?(?:人民币)?(?:打造|建设|兴建|新建|建成|建造|实施|规划建设|投资建设)的?")
UNITS = {"亿": Decimal(100000000), "万": Decimal(10000), "千": Decimal(1000), None: Decimal(1)}


def _number(text: str) -> Decimal:
    """12.5 -> 12.5; 百 -> 100, 两百 -> 200, 十 -> 10."""
    if text[-1] in WORD_TENS:
        return Decimal(WORD_DIGITS.get(text[:-1], 1) * WORD_TENS[text[-1]])
    return Decimal(text.replace(",", ""))  # 202,835


def _amounts_in(s: str):
    """(match, property, value) for every amount the sentence states."""
    taken = []
    for mt in AMOUNT_RE.finditer(s):
        kind, cur = mt.group("kind"), mt.group("cur")
        area = "面积" in kind or kind in AREA_KINDS
        if cur is None:  # 投资52亿的…: yuan understood; an area needs its unit
            if area or mt.group("unit") not in ("亿", "万"):
                continue
            cur = "元"
        if cur == "美元" or (cur in AREA_UNITS) != area:
            continue  # dollars; an area unit after 投资, or money after 面积
        value = _number(mt.group("num")) * UNITS[mt.group("unit")] * AREA_UNITS.get(cur, Decimal(1))
        prop = "registeredCapitalCNY" if kind.startswith("注册") else "areaM2" if area else "totalInvestmentCNY"
        taken.append((mt.start(), mt.end()))
        yield mt, prop, value, kind
    for mt in AREA_RE.finditer(s):
        if any(a <= mt.start() < b for a, b in taken):
            continue
        value = Decimal(mt.group("num")) * UNITS[mt.group("unit")] * AREA_UNITS[mt.group("cur")]
        yield mt, "areaM2", value, "面积"


PLACE_BEFORE_RE = re.compile(r"(位于|坐落于|坐落在|地处|选址|落户|入驻|在)$")


def _stated_of(s: str, cand: list[Mention], pos: dict, clauses, at: int, ctx: Context | None) -> Mention | None:
    """Whose amount the one at sentence position `at` is, from the names before it: the nearest in
    its clause; else the sentence's subject (a name opening it, or the project or park 该项目/该园区
    refers to); else the nearest in the clause before. A name right after 位于/在 is where the
    subject is, not the subject (X项目位于Y园区，总投资…)."""
    ci = clause_index(clauses, at)
    before = [m for m in cand if pos[id(m)] < at and not PLACE_BEFORE_RE.search(s[max(0, pos[id(m)] - 3):pos[id(m)]])]
    same = [m for m in before if clause_index(clauses, pos[id(m)]) == ci]
    if same:
        return same[-1]
    opener = next((m for m in cand if pos[id(m)] == 0), None)
    if opener is None and ctx is not None and s.startswith(("该项目", "项目")):
        opener = ctx.last_project
    elif opener is None and ctx is not None and s.startswith(("该园区", "园区")):
        opener = ctx.last_park
    if opener is not None:
        return opener
    prev = [m for m in before if clause_index(clauses, pos[id(m)]) == ci - 1]
    return prev[-1] if prev else None


def sentence_amounts(s: str, mentions: list[Mention], sent_start: int, sent_index: int,
                     ctx: Context | None = None) -> list[AmountMention]:
    """总投资X亿元 / 注册资本X万元 / 建筑面积X万平方米 / 在X平方公里内, attached to the named project,
    park or firm: the one right after 的, else the nearest before in the clause (or the clause before),
    else the subject of the sentence's previous amount, else the last one named in the paragraph
    (该园区…, 平台公司注册资金…)."""
    out: list[AmountMention] = []
    pos = {id(m): m.start - sent_start for m in mentions}
    clauses = clauses_of(s)
    for mt, prop, value, kind in _amounts_in(s):
        wanted = {"Organization"} if prop == "registeredCapitalCNY" else {"Project", "Park"}
        cand = [m for m in mentions if core(m.types) & wanted]
        after = s[mt.end():]
        if re.match(r"^(元)?的?(\d+|[一二三四五六七八九十百千两几多]+)(余|多)?(个|家|项|座|批|类)", after):
            continue  # 总投资1436亿元的177个重大项目: the amount of a count of unnamed things
        follow = None
        built = BUILT_THE_RE.match(after)  # 投资150亿元打造(的)Y项目: the Y after the verb
        if built and not built.group().endswith("的") and prop != "totalInvestmentCNY":
            built = None  # (在34.2平方公里内打造以Y为核心…: not Y's area)
        if built or after.startswith("的") or mt.group().endswith("的"):
            end = mt.end() + (built.end() if built else 0 if mt.group().endswith("的") else 1)
            near = [m for m in mentions if 0 <= pos[id(m)] - end <= 3 and "District" not in core(m.types)]
            # the nearest, and of names starting there the whole one (安安年产…项目, not 安安)
            follow = min(near, key=lambda m: (pos[id(m)], m.start - m.end), default=None)
        if follow is None:
            follow = _stated_of(s, cand, pos, clauses, mt.start(), ctx)
        if follow is None and out and out[-1].sentence == sent_index and prop != "registeredCapitalCNY":
            follow = out[-1].subject  # X总投资…，占地…，建筑面积…: the amounts of one subject in a row
        if follow is None:
            ci = clause_index(clauses, mt.start())
            nxt = clauses[min(ci + 1, len(clauses) - 1)][1]
            follow = next((m for m in cand if mt.end() <= pos[id(m)] <= min(nxt, mt.end() + 20)), None)
        if follow is None and ctx is not None:
            named_project = s[max(0, mt.start() - 3):mt.start()].endswith("项目")  # 项目总投资…: the project
            follow = ctx.last_company if prop == "registeredCapitalCNY" else (
                ctx.last_project or ctx.last_park if named_project else ctx.last_park or ctx.last_project)
        if follow is not None:
            out.append(AmountMention(subject=follow, predicate=prop, value=value, sentence=sent_index,
                                     text=mt.group(), rule=f"amount-{kind}"))
    return out
