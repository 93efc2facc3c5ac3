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
from .gazetteer import DISTRICT_FORMS, NATIONAL_BODIES, canonical_district
from .model import Token

PUNCT = set("，,。；;：:！!？?、\n\t ")
OPEN_CLOSE = {"“": "”", "（": "）", "(": ")", "《": "》", "「": "」"}
CLOSE_OPEN = {v: k for k, v in OPEN_CLOSE.items()}
PROPER_POS = {"ns", "nr", "nrt", "nrfg", "nt", "nz", "eng", "j"}
SUFFIXES = sorted(L.SUFFIX_TYPES, key=len, reverse=True)
SUFFIX_RE = re.compile("|".join(re.escape(s) for s in SUFFIXES))
MAX_NAME = 32
PLACE_START_RE = re.compile("|".join(sorted((re.escape(f) for f in DISTRICT_FORMS if len(f) >= 2), key=len,
                                           reverse=True)))
SUFFIX_END_RE = re.compile("(" + "|".join(re.escape(x) for x in SUFFIXES if len(x) >= 2) + ")$")
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


NOMINAL_POS = {"n", "nz", "ns", "nt", "nr", "nrt", "nrfg", "ng", "eng", "j", "l", "an", "b", "s", "vn", "zg"}
GOVERNING_ENDINGS = tuple(v for v in L.GOVERNING_VERBS - L.NAME_VERBS if len(v) >= 2)
AMBIGUOUS_VERBS = {"建设", "推进", "发展", "改革", "规划", "服务", "管理", "联合", "合作"}
TIME_RE = re.compile(r"(年|月|日|今年|去年|明年|目前|近年来|当前|以来|期间|时期|上半年|下半年)$")
STOP_POS = {"p", "c", "u", "uj", "ul", "uz", "ug", "ud", "uv", "r", "t", "f", "q", "y", "e", "o", "zg", "d", "ad"}


def _walk_left(s: str, tokens: list[Token], first: int) -> int:
    """Index of the first token of a name whose head starts at token `first`.

    Walks left over nominal tokens; stops at punctuation, function words, adverbs, counts and
    verbs, except verbs that often sit inside names (NAME_VERBS) when a noun precedes them
    (招商|促进|中心, 试验基地|建设|推进中心). Balanced brackets and quotes are taken whole."""
    i = first - 1
    while i >= 0:
        t = tokens[i]
        w = t.word
        if tokens[first].start - t.start > MAX_NAME:
            break
        if w in CLOSE_OPEN:
            open_ch = CLOSE_OPEN[w]
            j = i - 1
            while j >= 0 and tokens[j].word != open_ch and tokens[j].word not in PUNCT:
                j -= 1
            if j < 0 or tokens[j].word != open_ch or i - j > 12:
                break
            i = j - 1
            continue
        if w in PUNCT or w in OPEN_CLOSE:
            break
        if len(w) > 2 and w.endswith(GOVERNING_ENDINGS) and w not in L.NAME_VERBS:
            break  # 全面落实: a word ending in a governing verb
        nxt_in = tokens[i + 1] if i + 1 < first + 1 else None
        if i < first - 1 and SUFFIX_END_RE.search(w) and nxt_in is not None and nxt_in.pos in ("ns", "nz", "nt", "eng") \
                and nxt_in.word not in L.GENERIC_WORDS:
            break  # …平台|中国—上合组织…: a finished name, then a new proper name starts
        if w in DISTRICT_FORMS:
            i -= 1
            continue
        prev = tokens[i - 1] if i > 0 else None
        if w in L.NAME_VERBS:
            prev_ok = prev is not None and prev.word not in L.GOVERNING_VERBS and prev.word not in PUNCT and (
                prev.pos in NOMINAL_POS or prev.word in L.NAME_VERBS or _unknown_word(prev))
            if prev_ok and w in AMBIGUOUS_VERBS and (prev.word in DISTRICT_FORMS or prev.pos in ("ns", "nr", "nt")
                                                     or SUFFIX_END_RE.search(prev.word)):
                prev_ok = False  # 青岛建设…, 开发区建设…: the verb governs what follows
            if prev_ok or (t.pos in NOMINAL_POS and w not in L.GOVERNING_VERBS):
                i -= 1
                continue
            break
        if w in L.GOVERNING_VERBS:
            break
        if t.pos == "t" and len(w) >= 2 and not TIME_RE.search(w):
            i -= 1  # 青年, 少年: jieba tags some nouns as time words
            continue
        if _unknown_word(t) and len(w) >= 2:
            i -= 1  # a word the dictionary does not know (found by the HMM) is name material
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if t.pos == "v" and len(w) == 2 and prev is not None and nxt is not None and prev.pos in NOMINAL_POS \
                and prev.word not in DISTRICT_FORMS and prev.pos not in ("nr", "nt") and prev.word not in L.GOVERNING_VERBS \
                and nxt.pos in NOMINAL_POS and not SUFFIX_END_RE.search(prev.word):
            i -= 1  # noun-verb-noun compound inside a name: 城市|运行|管理平台
            continue
        if t.pos.startswith("v") and t.pos not in NOMINAL_POS and prev is not None and prev.word in DISTRICT_FORMS:
            i -= 1  # 青岛|认知|人工智能研究院: a place then a word jieba calls a verb
            continue
        if t.pos == "m":
            if _numeric_name_part(tokens, i):
                i -= 1
                continue
            break
        if t.pos == "a" and len(w) > 1 and not (i + 1 <= first and tokens[i + 1].pos in NOMINAL_POS
                                                 and prev is not None and (prev.pos in NOMINAL_POS or prev.pos == "m")):
            break
        if t.pos in STOP_POS or (t.pos.startswith("v") and t.pos not in NOMINAL_POS):
            break
        if t.pos == "x" and (w not in "—-·+&" or (prev is not None and prev.word == w)):
            break  # a doubled dash (——) introduces an apposition, not part of a name
        i -= 1
    return i + 1


def _unknown_word(t: Token) -> bool:
    from .segment import word_frequency

    return bool(re.fullmatch(r"[\u4e00-\u9fff]{2,}", t.word)) and word_frequency(t.word) == 0


def _numeric_name_part(tokens: list[Token], i: int) -> bool:
    """Numbers inside names: 七大/十大 (initiatives), 5号, 二期, 1898, 72-74号."""
    w = tokens[i].word
    nxt = tokens[i + 1].word if i + 1 < len(tokens) else ""
    if re.fullmatch(r"[一二三四五六七八九十百两]+大", w):
        return True
    if re.fullmatch(r"[一二三四五六七八九十]+路", w) and i > 0 and tokens[i - 1].pos in NOMINAL_POS:
        return True  # 莱芜一路小学
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


def _has_marker(name: str, modifier_tokens: list[Token]) -> bool:
    """A name marker: quotes or brackets, digits or Latin letters, a numeral series (七大, 十大),
    a place at the start, or a proper-noun token."""
    name = re.sub(r"^(\d+|[一二三四五六七八九十两几多]+)(余|多)?(项|个|家|批|条|类|大类|种|所)", "", name)
    if re.search(r"[“”《》（）()A-Za-z0-9]", name) or re.match(r"^[一二三四五六七八九十两双]+大", name):
        return True
    if PLACE_START_RE.match(name) or name[:1] in "省市区县":
        return True
    return any((t.pos in PROPER_POS and t.word not in L.GENERIC_WORDS) or _unknown_word(t) for t in modifier_tokens)


ORG_BODY_SUFFIXES = {"中心", "领导小组", "办公室", "委员会", "工作专班", "专班", "服务中心"}


def _is_generic(name: str, modifier_tokens: list[Token], suffix: str) -> bool:
    """True when the modifier carries no name: 重点项目, 服务平台, 工作机制, 电商产业园."""
    words = [t.word for t in modifier_tokens if t.word not in "“”（）()—-·"]
    if not words:
        return True
    text = "".join(words)
    if re.match(r"^(国家|全国|全省)", name) and len(text) >= 6:
        return False  # 国家重点研发计划, 全国海洋科普教育基地
    if suffix in ORG_BODY_SUFFIXES and re.match(r"^[省市区县]", name) and len(text) >= 4 \
            and not re.match(r"^[省市区县]级", name):
        return False  # 区企业服务中心, 区招商委办公室
    if re.match(r"^(中国|全国|国家|中华)", name) and set(L.SUFFIX_TYPES.get(suffix, ())) & {
            "Association", "GovernmentBody", "Company", "University", "ResearchInstitute"}:
        return False  # 中国国际商会, 全国总工会: national bodies
    if all(w in L.GENERIC_WORDS for w in words):
        return True
    marked = _has_marker(name, modifier_tokens)
    if name.endswith(L.STRONG_INITIATIVE_SUFFIXES) and len(text) >= 4:
        return False
    if suffix in L.MARKER_SUFFIXES:
        return not marked
    if suffix in L.BROAD_SUFFIXES and len(text) <= 3:
        return not marked
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
        latin = re.match(r"^[A-Za-z][A-Za-z0-9]*(?![A-Za-z0-9])", rest)
        if latin and stop == end:
            stop = end + latin.end()
        modifier = [t for t in tokens if start <= t.start and t.end <= m.start()]
        if tokens[first].start < m.start():
            # the head token is longer than the suffix (科学仪器|产业园 → 产业园 inside 科学仪器产业园?)
            modifier = modifier + [Token(word=s[tokens[first].start:m.start()], pos=tokens[first].pos,
                                         start=tokens[first].start, end=m.start())]
        if start >= m.start() and tokens[first].start == m.start():
            continue  # bare suffix
        if _is_generic(s[start:stop], modifier, suffix):
            continue
        types = _suffix_types(s[start:stop], suffix)
        out.append(Span(start, stop, types, "suffix", 0.75))
    # single-character government suffixes inside one token: 商务部, 教育厅, 税务局
    for i, t in enumerate(tokens):
        prev = tokens[i - 1].word if i else ""
        if len(t.word) >= 3 and t.word[-1] in L.ORG_CHAR_SUFFIX and t.word not in L.NOT_ORG_WORDS \
                and (t.pos == "nt" or prev in ("省", "市", "区", "县", "国家") or prev in DISTRICT_FORMS):
            a = t.start - len(prev) if prev in ("省", "市", "区", "县", "国家") or prev in DISTRICT_FORMS else t.start
            out.append(Span(a, t.end, (L.ORG_CHAR_SUFFIX[t.word[-1]],), "suffix-char", 0.7))

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
        if m.group(2)[:-1] in ("主城", "老城", "城", "市", "新城", "中心城", "市辖", "城市") or \
                any(m.group(2).endswith(x) for x, t in L.SUFFIX_TYPES.items() if "Park" in t):
            continue  # 青岛高新区 is a zone, not a county
        out.append(Span(m.start(), m.end(), ("District",), "gazetteer-composite", 0.9, canonical=m.group()))
    for m in DISTRICT_RE.finditer(s):
        form = m.group()
        nxt = s[m.end():m.end() + 1]
        if nxt and nxt in "路街道巷湾港口岸山河湖村镇里桥" and DISTRICT_FORMS[form] != form:
            continue  # 黄岛路, 青岛湾: a street or place named after the district
        out.append(Span(m.start(), m.end(), ("District",), "gazetteer", 0.95, canonical=canonical_district(form)))
    return out


NATIONAL_RE = re.compile("|".join(sorted((re.escape(x) for x in NATIONAL_BODIES), key=len, reverse=True)))


def body_spans(s: str) -> list[Span]:
    """Well-known national and provincial bodies (国务院, 工信部, 省委, 央视 ...)."""
    return [Span(m.start(), m.end(), ("GovernmentBody",), "gazetteer-body", 0.85) for m in NATIONAL_RE.finditer(s)
            if not (m.group() in ("省委", "市委", "区委", "县委") and s[m.end():m.end() + 1] in "书记常委")]


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
        before = re.sub(r"(了|首届|首个|第[一二三四五六七八九十\d]+届)$", "", s[max(0, a - 8):a])
        governed = any(before.endswith(v) for v in L.LEAD_VERBS + ("坚持", "实行", "开展", "推进", "落实"))
        numeric = inner[0] in L.NUMERAL_CHARS and (sum(c in L.NUMERAL_CHARS for c in inner) >= 2 or len(inner) >= 4
                                                   or re.search(r"\d", inner) or inner[0] != "一") \
            and not re.fullmatch(r"[一二三四五六七八九十]{2,3}", inner) or "+" in inner
        if head:
            # the quoted name plus its head noun: “标准地”改革, “五个一”调度
            out.append(Span(a, b + len(head), _suffix_types(inner + head, head) if head in L.SUFFIX_TYPES
                            else ("Initiative",), "quote-head", 0.8))
            continue
        parts = _split_list(inner, m.start(1)) if "、" in inner else []
        part_suffixes = [next((x for x in SUFFIXES if s[a:b].endswith(x) and b - a > len(x) + 1), None)
                         for a, b in parts]
        if parts and all(part_suffixes):
            for (part_a, part_b), suffix in zip(parts, part_suffixes):
                out.append(Span(part_a, part_b, _suffix_types(s[part_a:part_b], suffix), "quote-list", 0.75))
            continue
        suffix = next((x for x in SUFFIXES if inner.endswith(x) and len(inner) > len(x) + 1), None)
        if suffix:
            out.append(Span(m.start(1), m.end(1), _suffix_types(inner, suffix), "quote-suffix", 0.85))
        elif re.search(r"[^一二三四五六七八九十]年$", inner) and len(inner) >= 4:
            out.append(Span(m.start(1), m.end(1), ("Initiative",), "quote-campaign-year", 0.75))
        elif numeric and 3 <= len(inner) <= 16 and not _common_phrase(inner, tokens, m.start(1)):
            out.append(Span(m.start(1), m.end(1), ("Initiative",), "quote-numeric", 0.75))
        elif governed and 2 <= len(inner) <= 12:
            out.append(Span(m.start(1), m.end(1), ("Initiative",), "quote-governed", 0.6))
    return out


def _common_phrase(inner: str, tokens: list[Token], start: int) -> bool:
    """A quoted idiom or common word (“一网打尽”, “一站式”) is rhetoric, not a name."""
    from .segment import word_frequency

    inside = [t for t in tokens if start <= t.start and t.end <= start + len(inner)]
    return len(inside) == 1 and (inside[0].pos in ("i", "l") or word_frequency(inner) > 50)


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


LIST_RE = re.compile(r"等(?P<n>\d+|[一二三四五六七八九十百两几多]+)?(?:余|多)?(?P<cl>家|个|项|座|只|场|所|批)?"
                     r"(?:(?P<mid>[\u4e00-\u9fff]{0,8}?)(?P<head>" + "|".join(sorted(L.LIST_HEADS, key=len, reverse=True))
                     + r"|[\u4e00-\u9fff](?=[，,。；;、]|$)))?")
GENERIC_LIST_HEADS = {"部门", "机构", "单位", "载体", "工作", "措施", "政策"}


def name_like(piece_tokens: list[Token], strict: bool = False) -> bool:
    """A bare name (no type suffix): not made only of common words. 华为, 思路迪医药, 上海航运 pass;
    财政, 自然资源, 新能源 do not."""
    from .segment import word_frequency

    words = [t for t in piece_tokens if t.word.strip("“”")]
    if not words:
        return False
    if any(t.word in DISTRICT_FORMS for t in words) and len(words) == 1:
        return False
    for t in words:
        if t.word in L.GENERIC_WORDS:
            continue
        if t.pos in PROPER_POS and t.word not in DISTRICT_FORMS or re.search(r"[A-Za-z0-9]", t.word):
            return True
        if word_frequency(t.word) < (200 if strict else 1500):
            return True
    return False


def list_spans(s: str, tokens: list[Token], known: list[Span]) -> list[Span]:
    """Members of coordinated lists closed by 等(+N+classifier)+head: 'A、B等16家企业'."""
    out: list[Span] = []
    for m in LIST_RE.finditer(s):
        classifier, head = m.group("cl"), m.group("head")
        if classifier == L.ORG_CLASSIFIER:
            typ = "Organization"
        elif head in L.LIST_HEADS:
            typ = L.LIST_HEADS[head]
        else:
            typ = None  # no head: members are typed by a sibling that has a type suffix
        first_piece = s[max(s.rfind(c, 0, m.start()) for c in "，,；;：:。") + 1:m.start()].split("、")[0]
        if typ is None and re.search(r"(与|联合|携手|会同)", first_piece):
            typ = "Organization"  # 与A、B等合力…: the partners of a partner frame are organisations
        generic_head = head in GENERIC_LIST_HEADS
        if classifier == L.ORG_CLASSIFIER and typ == "Project":
            typ = "Organization"
        clause_start = max(s.rfind(c, 0, m.start()) for c in "，,；;：:。") + 1
        chunk = s[clause_start:m.start()]
        if "、" not in chunk and "“" not in chunk:
            # one member: 'AMB陶瓷芯片等8个项目' names it only when it carries Latin letters or digits
            a = _strip_governor(s, tokens, clause_start, m.start())
            single = s[a:m.start()]
            if typ and m.group("n") and 3 <= len(single) <= 12 and re.match(r"^[A-Za-z]", single) \
                    and not re.search(r"[，,。的]", single):
                out.append(Span(a, m.start(), (typ,), "list-member", 0.55))
            continue
        pos = clause_start
        offs = []
        for piece in re.split(r"(、|和|及|与)", chunk):
            if piece not in ("、", "和", "及", "与"):
                offs.append((pos, pos + len(piece)))
            pos += len(piece)
        members = []
        for k, (a, b) in enumerate(offs):
            if k == 0:
                a = _strip_governor(s, tokens, a, b)
            if b - a >= 2 and s[a] == "“" and s[b - 1] == "”":
                a, b = a + 1, b - 1
            piece = s[a:b]
            if not (2 <= len(piece) <= 20) or re.search(r"[，,。的“”]", piece):
                continue
            toks = [t for t in tokens if a <= t.start and t.end <= b]
            if any((t.word in L.GOVERNING_VERBS and t.word not in L.NAME_VERBS) or
                   (t.pos == "v" and not _unknown_word(t) and t.word not in L.NAME_VERBS) for t in toks[1:]):
                continue  # a clause, not a name: 企业诉求办理, 总部落户RCEP试验基地
            suffix = next((x for x in SUFFIXES if piece.endswith(x) and len(piece) > len(x)), None)
            if suffix:
                if not _is_generic(piece, toks, suffix):
                    members.append((a, b, _suffix_types(piece, suffix)))
            elif name_like(toks, strict=generic_head or typ is None):
                members.append((a, b, None))
        sibling = next((t for _, _, t in members if t), None)
        if typ is None and (sibling is None or len(members) < 2):
            continue
        for a, b, types in members:
            out.append(Span(a, b, types or ((typ,) if typ else sibling), "list-member", 0.6))
    return out


def _strip_governor(s: str, tokens: list[Token], a: int, b: int) -> int:
    """Start of the first list member: after the last governing verb, preposition or particle
    before it (青岛高新区集聚了|歌尔、海信等), but not after a verb that sits inside names
    (中铁联合物流)."""
    best = a
    for i, t in enumerate(tokens):
        after_place = i > 0 and (tokens[i - 1].word in DISTRICT_FORMS or tokens[i - 1].pos in ("ns", "nr", "nt"))
        if a <= t.start and t.end < b - 1 and (
                (t.word in L.GOVERNING_VERBS and (t.word not in L.NAME_VERBS or after_place))
                or t.pos in {"p", "c", "r", "ul", "uj", "u", "d"} or t.word in PUNCT
                or (t.pos == "v" and t.start == a)):
            best = t.end
    return best


def trigger_spans(s: str, tokens: list[Token]) -> list[Span]:
    """Bare names in trigger frames: 引进X / 与X合作 / 联合X, and a clause-initial X in 'X与Y合作'."""
    out: list[Span] = []
    for i, t in enumerate(tokens):
        if t.word in ("引进", "引入", "与", "联合", "携手") and i + 1 < len(tokens):
            j = i + 1
            while j < len(tokens) and tokens[j].pos in PROPER_POS | {"n", "nz", "vn"} \
                    and tokens[j].word not in L.GOVERNING_VERBS:
                j += 1
            run = tokens[i + 1:j]
            if run and 2 <= tokens[j - 1].end - run[0].start <= 12 and name_like(run, strict=True) \
                    and (j >= len(tokens) or tokens[j].word in PUNCT or tokens[j].word in L.PARTNER_CUES
                         or tokens[j].word in ("等", "在", "合作", "签约", "共建", "开展")):
                out.append(Span(run[0].start, tokens[j - 1].end, ("Organization",), f"trigger-{t.word}", 0.5))
        if t.word in ("与", "和", "同") and i > 0:
            k = i - 1
            while k >= 0 and tokens[k].pos in PROPER_POS | {"n", "nz"} and tokens[k].word not in PUNCT:
                k -= 1
            run = tokens[k + 1:i]
            clause_initial = k < 0 or tokens[k].word in PUNCT
            rest = s[t.end:t.end + 30]
            if run and clause_initial and name_like(run, strict=True) and any(c in rest for c in L.PARTNER_CUES) \
                    and not any(x.word in L.GOVERNING_VERBS for x in run) \
                    and 2 <= tokens[i - 1].end - run[0].start <= 10:
                out.append(Span(run[0].start, tokens[i - 1].end, ("Organization",), "trigger-subject", 0.5))
    return out


ORG_PREFIX_RE = re.compile(r"^(.{2,12}?(集团|有限公司|股份公司|公司|控股))(?=.{3,})")


def nested_org_spans(spans: list[Span], s: str) -> list[Span]:
    """A firm named at the start of a park or project name: 言鼎集团|莱西医疗产业园."""
    out = []
    for sp in spans:
        if sp.rule == "suffix" and set(sp.types) & {"Park", "Project"}:
            m = ORG_PREFIX_RE.match(s[sp.start:sp.end])
            if m:
                out.append(Span(sp.start, sp.start + m.end(1), ("Company",), "nested-org", 0.7))
    return out


AMOUNT_OBJECT_RE = re.compile(
    r"(总投资|投资|建筑面积|总建筑面积|占地面积|占地)[约达近超逾为]?[\d.]+[亿万千]?(元|平方米|平方公里|亩)的"
    r"(?P<np>[^，,。；、的\d]{2,18}?(项目|工程|中心|园区|产业园|基地|大厦|综合体|集聚区))")


def amount_object_spans(s: str) -> list[Span]:
    """'总投资X亿元的Y项目': the thing after an amount and 的 is a named project or park."""
    out = []
    for m in AMOUNT_OBJECT_RE.finditer(s):
        np, suffix = m.group("np"), m.group(4)
        if re.match(r"^(\d|[一二三四五六七八九十百千两几多]+[个家项座批])", np):
            continue
        out.append(Span(m.start("np"), m.end("np"), _suffix_types(np, suffix), "amount-object", 0.65))
    return out


DIRECTION_ITEM = re.compile(r"(东部|西部|南部|北部|中部|东|西|南|北|一期|二期|三期)")


def shared_head_spans(s: str, spans: list[Span]) -> list[Span]:
    """'北部、东部、南部园区提升工程': direction items sharing one head make one name."""
    out = []
    for sp in spans:
        if sp.rule != "suffix" or sp.start < 2 or s[sp.start - 1] != "、":
            continue
        first_word = DIRECTION_ITEM.match(s, sp.start)
        if not first_word:
            continue
        a = sp.start - 1
        while a > 0 and s[a] == "、":
            item = DIRECTION_ITEM.search(s[max(0, a - 2):a])
            if not item or not s[max(0, a - 2):a].endswith(item.group()):
                break
            a = a - len(item.group()) - 1
        start = a + 1
        if start < sp.start - 1:
            out.append(Span(start, sp.end, sp.types, "suffix-shared-head", sp.confidence))
    return out


def find_spans(s: str, tokens: list[Token]) -> list[Span]:
    """All entity spans of a Simplified sentence, overlaps resolved."""
    spans = district_spans(s)
    spans += body_spans(s)
    spans += bracket_spans(s, tokens)
    spans += suffix_spans(s, tokens)
    spans += list_spans(s, tokens, spans)
    spans += trigger_spans(s, tokens)
    spans += amount_object_spans(s)
    spans += shared_head_spans(s, spans)
    kept = resolve_overlaps(s, spans)
    return sorted(kept + nested_org_spans(kept, s), key=lambda x: (x.start, x.end))


_RULE_RANK = {"title-policy": 9, "quote-head": 8, "quote-suffix": 8, "gazetteer-composite": 8, "suffix": 6,
              "suffix-char": 6, "pos-nt": 5, "quote-numeric": 7, "quote-list": 7, "quote-campaign-year": 7, "quote-governed": 5, "title-other": 5,
              "gazetteer": 4, "gazetteer-body": 6, "amount-object": 6, "suffix-shared-head": 7, "trigger-subject": 2, "list-member": 3, "trigger-引进": 2, "trigger-与": 2, "trigger-联合": 2,
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
        if inside:
            continue
        kept.append(sp)
    return sorted(kept, key=lambda x: (x.start, x.end))
