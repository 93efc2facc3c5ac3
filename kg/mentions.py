"""Stage 4a: entity mentions in one sentence.

Works on the Simplified sentence and its jieba tokens; returns spans (sentence-relative
offsets, so they index the source sentence too) with types and the rule that found them.
Rules, in order of trust: administrative names from the gazetteer; 《…》 titles; quoted names
with a head noun or a governing verb; suffix-headed noun phrases with a left boundary found
on tokens; coordinated lists ("A、B等N家企业"); trigger frames (引进X, X落户, 与X合作).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon as L
from .gazetteer import DISTRICT_FORMS, canonical_district
from .model import Token

PUNCT = set("，,。；;：:！!？?、\n\t ")
OPEN_CLOSE = {"“": "”", "（": "）", "(": ")", "《": "》", "「": "」"}
CLOSE_OPEN = {v: k for k, v in OPEN_CLOSE.items()}
PROPER_POS = {"ns", "nr", "nrt", "nrfg", "nt", "nz", "eng", "j"}
SUFFIXES = sorted(L.SUFFIX_TYPES, key=len, reverse=True)
SUFFIX_RE = re.compile("|".join(re.escape(s) for s in SUFFIXES))
MAX_NAME = 32
DISTRICT_RE = re.compile("|".join(sorted((re.escape(f) for f in DISTRICT_FORMS), key=len, reverse=True)))
# a city followed by one of its districts / counties: 上海黄浦区, 烟台莱阳市
COMPOSITE_DISTRICT_RE = re.compile(r"(北京|上海|天津|重庆|广州|深圳|济南|青岛|烟台|潍坊|威海)([\u4e00-\u9fff]{2,3}[区县])")


@dataclass
class Span:
    start: int
    end: int
    types: tuple[str, ...]
    rule: str
    confidence: float
    canonical: str | None = None  # set for districts: the canonical Simplified name


def _tok_index(tokens: list[Token]) -> tuple[dict[int, int], dict[int, int]]:
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    return starts, ends


def _token_at(tokens: list[Token], pos: int) -> int:
    for i, t in enumerate(tokens):
        if t.start <= pos < t.end:
            return i
    return len(tokens) - 1


def _walk_left(s: str, tokens: list[Token], first: int) -> int:
    """Index of the first token of a name whose last modifier token is `first`-1."""
    i = first - 1
    depth_stack: list[str] = []
    while i >= 0:
        t = tokens[i]
        w = t.word
        if depth_stack:
            if w == depth_stack[-1]:
                depth_stack.pop()
            i -= 1
            continue
        if w in CLOSE_OPEN:
            # include a balanced bracket or quote group: （青岛）, “双招双引”
            open_ch = CLOSE_OPEN[w]
            j = i - 1
            while j >= 0 and tokens[j].word != open_ch and tokens[j].word not in PUNCT:
                j -= 1
            if j < 0 or tokens[j].word != open_ch or i - j > 12:
                break
            i = j - 1
            continue
        if w in PUNCT or w in L.GOVERNING_VERBS or w in OPEN_CLOSE:
            break
        if t.pos in {"p", "c", "u", "uj", "ul", "uz", "ug", "ud", "r", "t", "f", "q", "y", "e", "o", "zg"}:
            break
        if t.pos == "m" and not _numeric_name_part(tokens, i):
            break
        if t.pos in {"d", "ad"} and len(w) == 1:
            break
        if tokens[first].start - t.start > MAX_NAME:
            break
        if t.pos == "x" and w not in "—-·+&":
            break
        i -= 1
    return i + 1


def _numeric_name_part(tokens: list[Token], i: int) -> bool:
    """Numbers inside names: 七大/十大 (initiatives), 5号, 二期, 1898, 72-74号."""
    w = tokens[i].word
    nxt = tokens[i + 1].word if i + 1 < len(tokens) else ""
    if re.fullmatch(r"[一二三四五六七八九十百两]+大", w):
        return True
    if nxt in ("号", "期", "号院", "号楼") or w.endswith(("号", "期")):
        return True
    if re.fullmatch(r"[A-Za-z0-9\-+]+", w) and i > 0 and tokens[i - 1].pos not in {"m", "x", "q"}:
        return tokens[i - 1].word not in PUNCT
    return False


def _trim_generic_left(s: str, tokens: list[Token], a: int, b: int) -> int:
    """Drop leading tokens that are generic words or numerals+classifiers (16家, 首个)."""
    while a < b - 1 and (tokens[a].word in L.GOVERNING_VERBS or tokens[a].word in ("首个", "首家", "首批")):
        a += 1
    return a


def _is_generic(modifier_tokens: list[Token], suffix: str) -> bool:
    words = [t.word for t in modifier_tokens if t.word not in "“”（）()—-·"]
    if not words:
        return True
    text = "".join(words)
    if all(w in L.GENERIC_WORDS for w in words):
        return True
    proper = any(t.pos in PROPER_POS or re.search(r"[A-Za-z0-9]", t.word) for t in modifier_tokens)
    if suffix in L.BROAD_SUFFIXES and len(text) <= 2 and not proper:
        return True
    return False


def suffix_spans(s: str, tokens: list[Token]) -> list[Span]:
    """Noun phrases ending in a type-bearing suffix, with the left boundary from tokens."""
    starts, ends = _tok_index(tokens)
    out: list[Span] = []
    for m in SUFFIX_RE.finditer(s):
        end = m.end()
        if end not in ends:
            continue
        # a longer suffix ending here wins (产业园区 over 园区)
        suffix = m.group()
        first = _token_at(tokens, m.start())
        if tokens[first].start < m.start():
            # suffix starts inside a token: the token is part of the head (国际博览|中心)
            pass
        a = _walk_left(s, tokens, first)
        # the suffix token itself may be a longer word ending in the suffix
        a = _trim_generic_left(s, tokens, a, first + 1)
        start = tokens[a].start if a <= first else tokens[first].start
        # right extension: a short bracketed qualifier right after the head, e.g. 中心(B型)
        stop = end
        rest = s[end:]
        q = re.match(r"^[（(][^（）()，,。]{1,8}[）)]", rest)
        if q and not re.match(r"^[（(](以下简称|简称)", rest):
            stop = end + q.end()
        modifier = [t for t in tokens if start <= t.start and t.end <= m.start()]
        if start >= m.start() and tokens[first].start == m.start():
            continue  # bare suffix
        if start < m.start() and _is_generic(modifier or [tokens[first]], suffix) and tokens[first].start == m.start():
            continue
        if tokens[first].start < m.start() and not modifier:
            # head word longer than the suffix (科学仪器|产业园 is fine; 内部 is not a name)
            head = tokens[first].word
            if len(head) - len(suffix) < 2 and suffix in L.BROAD_SUFFIXES:
                continue
        types = _suffix_types(s[start:stop], suffix)
        out.append(Span(start, stop, types, "suffix", 0.75))
    # single-character government suffixes inside one token: 商务部, 教育厅, 税务局
    for t in tokens:
        if len(t.word) >= 3 and t.word[-1] in L.ORG_CHAR_SUFFIX and t.word not in L.NOT_ORG_WORDS \
                and t.pos in {"n", "nt", "nz", "j"}:
            out.append(Span(t.start, t.end, (L.ORG_CHAR_SUFFIX[t.word[-1]],), "suffix-char", 0.7))
        elif t.pos == "nt" and len(t.word) >= 3:
            out.append(Span(t.start, t.end, ("Organization",), "pos-nt", 0.7))
    return out


def _suffix_types(name: str, suffix: str) -> tuple[str, ...]:
    types = L.SUFFIX_TYPES[suffix]
    if suffix == "中心":
        if re.search(r"(服务|研究|促进|管理|转移|交流|指挥|数据|企业|创新|审批|调解|发展|推进|孵化)", name):
            return ("Organization", "Platform") if "服务" in name or "转移" in name else ("Organization", "Project")
        return ("Project", "Organization")
    if suffix == "工程" and re.search(r"(提升|赋能|攻坚|惠民|民生|培育|计划)", name):
        return ("Initiative",)
    return types


def district_spans(s: str) -> list[Span]:
    out = []
    for m in COMPOSITE_DISTRICT_RE.finditer(s):
        out.append(Span(m.start(), m.end(), ("District",), "gazetteer-composite", 0.9, canonical=m.group()))
    for m in DISTRICT_RE.finditer(s):
        form = m.group()
        # "市南" inside "城市南部" or "青岛" inside "青岛市" handled by longest-match regex; skip
        # short forms glued to a following CJK name char that makes another word (e.g. 平度假)
        out.append(Span(m.start(), m.end(), ("District",), "gazetteer", 0.95, canonical=canonical_district(form)))
    return out


def bracket_spans(s: str, tokens: list[Token]) -> list[Span]:
    """《…》 titles and quoted names."""
    out: list[Span] = []
    for m in re.finditer(r"《([^《》]{2,40})》", s):
        inner = m.group(1)
        if inner.endswith(L.POLICY_WORDS) or re.search(r"\d+条", inner):
            out.append(Span(m.start(1), m.end(1), ("Policy",), "title-policy", 0.9))
        else:
            out.append(Span(m.start(1), m.end(1), ("Project", "Initiative"), "title-other", 0.5))
    for m in re.finditer(r"“([^“”]{1,24})”", s):
        inner, a, b = m.group(1), m.start(), m.end()
        after = s[b:]
        head = next((h for h in L.QUOTE_HEADS if after.startswith(h)), None)
        before = s[max(0, a - 4):a]
        governed = any(before.endswith(v) for v in L.LEAD_VERBS + ("坚持", "实行", "开展", "推进", "落实"))
        numeric = inner[0] in L.NUMERAL_CHARS or "+" in inner
        if head:
            # the quoted name plus its head noun: “标准地”改革, “五个一”调度
            out.append(Span(a, b + len(head), _suffix_types(inner + head, head) if head in L.SUFFIX_TYPES
                            else ("Initiative",), "quote-head", 0.8))
            out.append(Span(m.start(1), m.end(1), ("Initiative",), "quote-inner", 0.5))
            continue
        suffix = next((x for x in SUFFIXES if inner.endswith(x) and len(inner) > len(x) + 1), None)
        if suffix:
            out.append(Span(m.start(1), m.end(1), _suffix_types(inner, suffix), "quote-suffix", 0.85))
        elif numeric and len(inner) <= 12:
            for part_a, part_b in _split_list(inner, m.start(1)):
                out.append(Span(part_a, part_b, ("Initiative",), "quote-numeric", 0.75))
        elif governed and 2 <= len(inner) <= 12:
            out.append(Span(m.start(1), m.end(1), ("Initiative",), "quote-governed", 0.6))
    return out


def _split_list(inner: str, offset: int) -> list[tuple[int, int]]:
    """“A、B” names two things; a single name is returned whole."""
    if "、" not in inner:
        return [(offset, offset + len(inner))]
    parts, pos = [], 0
    for piece in inner.split("、"):
        if len(piece) >= 2:
            parts.append((offset + pos, offset + pos + len(piece)))
        pos += len(piece) + 1
    return parts


def list_spans(s: str, tokens: list[Token], known: list[Span]) -> list[Span]:
    """Members of coordinated lists closed by 等(+N+classifier)+head: 'A、B等16家企业'."""
    out: list[Span] = []
    for m in re.finditer(r"等(\d+|[一二三四五六七八九十百两几多]+)?(余)?(家|个|项|座|只|场|所)?([\u4e00-\u9fff]{0,6}?)"
                         r"(企业|公司|总部|机构|集团|单位|高校|院校|银行|部门|智库|基金|项目|楼宇|工程|活动|场馆|门店|"
                         r"品牌|店|民宿|景区|平台|园区|基地|载体|政策|措施|演出|节会|赛事|论坛)", s):
        classifier, head = m.group(3), m.group(5)
        typ = L.LIST_HEADS.get(head, "Organization")
        if classifier == L.ORG_CLASSIFIER and typ in ("Project",):
            typ = "Organization"
        # the list runs back from 等 to the start of the clause
        clause_start = max(s.rfind(c, 0, m.start()) for c in "，,；;：:。") + 1
        chunk = s[clause_start:m.start()]
        if "、" not in chunk and "“" not in chunk:
            continue
        pos = clause_start
        pieces = re.split(r"(、|和|及|与)", chunk)
        offs = []
        for piece in pieces:
            if piece in ("、", "和", "及", "与"):
                pos += len(piece)
                continue
            offs.append((pos, pos + len(piece)))
            pos += len(piece)
        for k, (a, b) in enumerate(offs):
            if k == 0:
                a = _strip_governor(s, tokens, a, b)
            piece = s[a:b].strip("“”")
            if not (2 <= len(piece) <= 20) or re.search(r"[，,。的]", piece):
                continue
            if s[a] == "“" and s[b - 1] == "”":
                a, b = a + 1, b - 1
            out.append(Span(a, b, (typ,), "list-member", 0.6))
    return out


def _strip_governor(s: str, tokens: list[Token], a: int, b: int) -> int:
    """Start of the first list member after a governing verb or preposition in its chunk."""
    best = a
    for t in tokens:
        if a <= t.start and t.end <= b and (t.word in L.GOVERNING_VERBS or t.pos in {"p", "v", "d"}):
            if t.end < b - 1:
                best = t.end
    return best


def trigger_spans(s: str, tokens: list[Token]) -> list[Span]:
    """Bare names in trigger frames: 引进X / X落户 / 与X合作 (X a noun run with a proper noun)."""
    out: list[Span] = []
    for i, t in enumerate(tokens):
        if t.word in ("引进", "引入", "与", "联合", "携手") and i + 1 < len(tokens):
            j = i + 1
            while j < len(tokens) and tokens[j].pos in PROPER_POS | {"n", "nz"} and tokens[j].word not in L.GOVERNING_VERBS:
                j += 1
            run = tokens[i + 1:j]
            if run and any(x.pos in PROPER_POS for x in run) and 2 <= tokens[j - 1].end - run[0].start <= 12:
                out.append(Span(run[0].start, tokens[j - 1].end, ("Organization",), f"trigger-{t.word}", 0.5))
    return out


def find_spans(s: str, tokens: list[Token]) -> list[Span]:
    """All entity spans of a Simplified sentence, overlaps resolved."""
    spans = district_spans(s)
    spans += bracket_spans(s, tokens)
    spans += suffix_spans(s, tokens)
    spans += list_spans(s, tokens, spans)
    spans += trigger_spans(s, tokens)
    return resolve_overlaps(s, spans)


_RULE_RANK = {"title-policy": 9, "quote-head": 8, "quote-suffix": 8, "gazetteer-composite": 8, "suffix": 6,
              "suffix-char": 6, "pos-nt": 5, "quote-numeric": 7, "quote-governed": 5, "title-other": 5,
              "gazetteer": 4, "list-member": 3, "trigger-引进": 2, "trigger-与": 2, "trigger-联合": 2,
              "trigger-引入": 2, "trigger-携手": 2, "quote-inner": 1}


def resolve_overlaps(s: str, spans: list[Span]) -> list[Span]:
    """Keep non-crossing spans: nested spans survive (a name inside a longer name is kept only
    when it was found by a name rule of its own, not as a bare district inside a name)."""
    spans = [sp for sp in spans if sp.end - sp.start >= 2 and s[sp.start:sp.end].strip()]
    merged: dict[tuple[int, int], Span] = {}
    for sp in spans:
        key = (sp.start, sp.end)
        if key in merged:
            old = merged[key]
            types = tuple(dict.fromkeys(old.types + sp.types)) if _RULE_RANK.get(sp.rule, 0) <= _RULE_RANK.get(old.rule, 0) \
                else tuple(dict.fromkeys(sp.types + old.types))
            best = old if _RULE_RANK.get(old.rule, 0) >= _RULE_RANK.get(sp.rule, 0) else sp
            merged[key] = Span(sp.start, sp.end, types, best.rule, max(old.confidence, sp.confidence),
                               old.canonical or sp.canonical)
        else:
            merged[key] = sp
    ordered = sorted(merged.values(), key=lambda x: (-(x.end - x.start), -_RULE_RANK.get(x.rule, 0), x.start))
    kept: list[Span] = []
    for sp in ordered:
        crossing = any(sp.start < k.end and k.start < sp.end and not (k.start <= sp.start and sp.end <= k.end)
                       for k in kept)
        inside = [k for k in kept if k.start <= sp.start and sp.end <= k.end]
        if crossing:
            continue
        if inside and (sp.rule in ("gazetteer", "list-member") or sp.rule.startswith("trigger")):
            continue
        if inside and sp.rule == "suffix" and not any(k.rule.startswith(("quote", "title")) for k in inside):
            continue
        kept.append(sp)
    return sorted(kept, key=lambda x: (x.start, x.end))
