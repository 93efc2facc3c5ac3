"""The suffix rule: a name ends in a type suffix (…产业园, …有限公司, …研究院, …中心) and its
left edge is found on jieba tokens, walking left over the modifiers a name may hold and
stopping at verbs, function words, times and generic words."""
from __future__ import annotations

import re

from kg.nlp import lexicon as L
from kg.nlp.gazetteer import DISTRICT_FORMS
from kg.model import Token
from kg.nlp.segment import Segmenter
from kg.nlp.mentions.spans import (AMBIGUOUS_VERBS, CLOSE_OPEN, GOVERNING_ENDINGS, MAX_NAME, NOMINAL_POS, OPEN_CLOSE, PLACE_START_RE,
                    PROPER_POS, PUNCT, STOP_POS, SUFFIX_END_RE, SUFFIX_RE, TIME_RE, Span, tok_index, token_at)

# one-character ends of place names that jieba may tag as measure words (q)
TOPONYM_ENDS = set("口头湾庄屯堡寨岗坡台")
CAPACITY_WORDS = ("年产", "年产能", "年处理", "年加工")  # a capacity inside a project's name


def _walk_left(s: str, tokens: list[Token], first: int, seg: Segmenter) -> int:
    """Index of the first token of a name whose head starts at token `first`.

    Walks left over nominal tokens; stops at punctuation, function words, adverbs, counts and
    verbs, except verbs that often sit inside names (NAME_VERBS) when a noun precedes them
    (招商|促进|中心, 试验基地|建设|推进中心). Balanced brackets and quotes are taken whole."""
    i = first - 1
    while i >= 0:
        nxt = _step_left(s, tokens, i, first, seg)
        if nxt is None:
            break
        i = nxt
    return i + 1


def _step_left(s: str, tokens: list[Token], i: int, first: int, seg: Segmenter) -> int | None:
    """One step of _walk_left at token `i`: the next token index to look at, or None to stop
    (the name starts after `i`)."""
    t = tokens[i]
    w = t.word
    if tokens[first].start - t.start > MAX_NAME:
        return None
    if w in CLOSE_OPEN:
        open_ch = CLOSE_OPEN[w]
        j = i - 1
        while j >= 0 and tokens[j].word != open_ch and tokens[j].word not in PUNCT:
            j -= 1
        if j < 0 or tokens[j].word != open_ch or i - j > 12:
            return None
        return j - 1
    if w in PUNCT or w in OPEN_CLOSE or w in ("会同", "携手") or (len(w) >= 2 and w.endswith("至")):
        return None  # 会同莱阳经济开发区, 东延至…: a partner conjunction or a "to" ends the walk
    if len(w) > 2 and w.endswith(GOVERNING_ENDINGS) and w not in L.NAME_VERBS:
        return None  # 全面落实: a word ending in a governing verb
    nxt_in = tokens[i + 1] if i + 1 < first + 1 else None
    if i < first - 1 and SUFFIX_END_RE.search(w) and nxt_in is not None and nxt_in.pos in ("ns", "nz", "nt", "eng") \
            and nxt_in.word not in L.GENERIC_WORDS:
        return None  # …平台|中国—上合组织…: a finished name, then a new proper name starts
    if w in DISTRICT_FORMS:
        return i - 1
    prev = tokens[i - 1] if i > 0 else None
    if w in L.NAME_VERBS:
        prev_ok = prev is not None and prev.word not in L.GOVERNING_VERBS and prev.word not in PUNCT and (
            prev.pos in NOMINAL_POS or prev.word in L.NAME_VERBS or unknown_word(prev, seg))
        if prev_ok and w in AMBIGUOUS_VERBS and (prev.word in DISTRICT_FORMS or prev.pos in ("ns", "nr", "nt")
                                                 or SUFFIX_END_RE.search(prev.word)):
            prev_ok = False  # 青岛建设…, 开发区建设…: the verb governs what follows
        if prev_ok or (t.pos in NOMINAL_POS and w not in L.GOVERNING_VERBS):
            return i - 1
        return None
    if w in L.GOVERNING_VERBS:
        return None
    return _step_by_pos(tokens, i, first, seg)


def _step_by_pos(tokens: list[Token], i: int, first: int, seg: Segmenter) -> int | None:
    """The rest of a step of _walk_left, decided by the token's part of speech."""
    t, w = tokens[i], tokens[i].word
    prev = tokens[i - 1] if i > 0 else None
    if w == "中" and (prev is None or prev.word in PUNCT) and tokens[i + 1].pos in NOMINAL_POS:
        return i - 1  # 中船…, 中铁…: a clause-initial 中 before a noun is China's, not "in"
    if t.pos == "t" and len(w) >= 2 and not TIME_RE.search(w):
        return i - 1  # 青年, 少年: jieba tags some nouns as time words
    if unknown_word(t, seg) and len(w) >= 2:
        return i - 1  # a word the dictionary does not know (found by the HMM) is name material
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if t.pos == "v" and len(w) == 2 and prev is not None and nxt is not None and prev.pos in NOMINAL_POS \
            and prev.word not in DISTRICT_FORMS and prev.pos not in ("nr", "nt") and prev.word not in L.GOVERNING_VERBS \
            and nxt.pos in NOMINAL_POS and not SUFFIX_END_RE.search(prev.word):
        return i - 1  # noun-verb-noun compound inside a name: 城市|运行|管理平台
    if t.pos.startswith("v") and t.pos not in NOMINAL_POS and prev is not None and prev.word in DISTRICT_FORMS:
        return i - 1  # 青岛|认知|人工智能研究院: a place then a word jieba calls a verb
    if t.pos in ("m", "eng", "q") and any(x.word in CAPACITY_WORDS for x in tokens[max(0, i - 2):i]):
        return i - 1
    if t.pos == "q" and w in TOPONYM_ENDS and prev is not None and prev.pos == "ns":
        return i - 1  # 石桥|口融合创新区: a place name ending in 口/头/湾…, which jieba calls a measure word
    if t.pos == "m":
        if _numeric_name_part(tokens, i):
            return i - 1
        return None
    if t.pos == "a" and len(w) > 1 and not (i + 1 <= first and tokens[i + 1].pos in NOMINAL_POS
                                             and prev is not None and (prev.pos in NOMINAL_POS or prev.pos == "m")):
        return None
    if t.pos in STOP_POS or (t.pos.startswith("v") and t.pos not in NOMINAL_POS):
        return None
    if t.pos == "x" and (w not in "—-·+&" or (prev is not None and prev.word == w)):
        return None  # a doubled dash (——) introduces an apposition, not part of a name
    return i - 1


def _joined_name(s: str, tokens: list[Token], a: int, seg: Segmenter, suffix: str) -> int:
    """The first token of a name whose head covers two things joined by a conjunction before
    token `a`: a project named A产业基地及研发中心项目 (项目 covers both halves unless the first is
    a project itself), or two products after one capacity phrase (A电子年产30万套传感器与储能设备
    生产基地, A精工年产50条生产线及800台机床项目), where 与/及/和 join products, not names."""
    j = a - 1
    while j >= 0 and a - j <= 3 and (tokens[j].pos in ("m", "q") or tokens[j].word.isdigit()):
        j -= 1  # the second product's own count (800台)
    if j < 1 or tokens[j].word not in ("与", "及", "和"):
        return a
    b = _walk_left(s, tokens, j, seg)
    if b >= j:
        return a
    if any(t.word in CAPACITY_WORDS for t in tokens[b:j]):
        return b
    joined_project = suffix == "项目" and j == a - 1 and tokens[j].word == "及"
    return b if joined_project and not s[tokens[b].start:tokens[j].start].endswith("项目") else a


def unknown_word(t: Token, seg: Segmenter) -> bool:
    """A Han word the dictionary does not know (found by the HMM): name material."""
    return bool(re.fullmatch(r"[\u4e00-\u9fff]{2,}", t.word)) and seg.frequency(t.word) == 0


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
    if any(t.word in CAPACITY_WORDS for t in tokens[max(0, i - 2):i]):
        return True  # 海澜生物年产20吨原料药项目: a capacity inside a project's name
    if re.fullmatch(r"[A-Za-z0-9\-+]+", w) and i > 0 and tokens[i - 1].pos not in {"m", "x", "q"}:
        return tokens[i - 1].word not in PUNCT
    return False


def _trim_generic_left(s: str, tokens: list[Token], a: int, b: int) -> int:
    """Drop leading tokens that are generic words or numerals+classifiers (16家, 首个)."""
    while a < b - 1 and (tokens[a].word in L.GOVERNING_VERBS or tokens[a].word in ("首个", "首家", "首批")):
        a += 1
    return a


def _has_marker(name: str, modifier_tokens: list[Token], seg: Segmenter) -> bool:
    """A name marker: quotes or brackets, digits or Latin letters, a numeral series (七大, 十大),
    a place at the start, or a proper-noun token."""
    name = re.sub(r"^(\d+|[一二三四五六七八九十两几多]+)(余|多)?(项|个|家|批|条|类|大类|种|所)", "", name)
    if re.search(r"[“”《》（）()A-Za-z0-9]", name) or re.match(r"^[一二三四五六七八九十两双]+大", name):
        return True
    if PLACE_START_RE.match(name) or name[:1] in "省市区县":
        return True
    return any((t.pos in PROPER_POS and t.word not in L.GENERIC_WORDS) or unknown_word(t, seg) for t in modifier_tokens)


NAME_POS = PROPER_POS - {"nz"}  # the tags of names, but nz: jieba calls 开放型 nz (and 中石化 j)


def _descriptive(t: Token) -> bool:
    """A descriptive word made with 型 or 化 (开放型, 科技型, 专业化): it says what kind, not which."""
    return t.word in ("型", "化") or (len(t.word) >= 3 and t.word[-1] in "型化" and t.pos not in NAME_POS)


ORG_BODY_SUFFIXES = {"中心", "领导小组", "办公室", "委员会", "工作专班", "专班", "服务中心"}


def is_generic(name: str, modifier_tokens: list[Token], suffix: str, seg: Segmenter) -> bool:
    """True when the modifier carries no name: 重点项目, 服务平台, 工作机制, 电商产业园."""
    inner = [t for t in modifier_tokens if t.word not in "“”（）()—-·"]
    words = [t.word for t in inner]
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
    if all(t.word in L.GENERIC_WORDS or _descriptive(t) for t in inner):
        return True
    marked = _has_marker(name, modifier_tokens, seg)
    if name.endswith(L.STRONG_INITIATIVE_SUFFIXES) and len(text) >= 4:
        return False
    if suffix in L.MARKER_SUFFIXES:
        return not marked
    if suffix in L.BROAD_SUFFIXES and len(text) <= 3:
        return not marked
    return False


PLANNED_RE = re.compile(r"(面积|用地|建设|总投资|占地|范围|区域|布局|人口|建筑|约?\d)")  # (规划3000亩: an area)


def suffix_spans(s: str, tokens: list[Token], seg: Segmenter) -> list[Span]:
    """Noun phrases ending in a type-bearing suffix, with the left boundary from tokens."""
    starts, ends = tok_index(tokens)
    out: list[Span] = []
    for m in SUFFIX_RE.finditer(s):
        end = m.end()
        if end not in ends:
            continue
        suffix = m.group()  # the longest suffix starting here (SUFFIX_RE tries longer ones first)
        first = token_at(tokens, m.start())  # the head's token, which may start before the suffix (国际博览|中心)
        a = _walk_left(s, tokens, first, seg)
        a = _joined_name(s, tokens, a, seg, suffix)
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
        if suffix == "规划" and PLANNED_RE.match(s, end):
            continue  # 园区规划面积…, 规划建设…: 规划 modifies what follows, it heads no name
        if is_generic(s[start:stop], modifier, suffix, seg):
            continue
        types = suffix_types(s[start:stop], suffix)
        out.append(Span(start, stop, types, "suffix", 0.75))
    # single-character government suffixes inside one token: 商务部, 教育厅, 税务局
    for i, t in enumerate(tokens):
        prev = tokens[i - 1].word if i else ""
        if len(t.word) >= 3 and t.word[-1] in L.ORG_CHAR_SUFFIX and t.word not in L.NOT_ORG_WORDS \
                and (t.pos == "nt" or prev in ("省", "市", "区", "县", "国家") or prev in DISTRICT_FORMS):
            a = t.start - len(prev) if prev in ("省", "市", "区", "县", "国家") or prev in DISTRICT_FORMS else t.start
            out.append(Span(a, t.end, (L.ORG_CHAR_SUFFIX[t.word[-1]],), "suffix-char", 0.7))

    return out


def suffix_types(name: str, suffix: str) -> tuple[str, ...]:
    types = L.SUFFIX_TYPES[suffix]
    if suffix == "中心":
        if re.search(r"(服务|研究|促进|管理|转移|交流|指挥|数据|企业|创新|审批|调解|发展|推进|孵化)", name):
            return ("Organization", "Platform") if "服务" in name or "转移" in name else ("Organization", "Project")
        return ("Project", "Organization")
    if suffix == "工程" and re.search(r"(提升|赋能|攻坚|惠民|民生|培育|计划)", name):
        return ("Initiative",)
    return types


def government_spans(s: str, tokens: list[Token]) -> list[Span]:
    """A body whose one-character head (局, 厅, 部…: ORG_CHAR_SUFFIX) is a token of its own, named
    from a place: 烟台市|工业|和|信息化|局, 威海市|商务|局 (和/与 join the nouns of its remit)."""
    out: list[Span] = []
    for i, t in enumerate(tokens):
        if t.word not in L.ORG_CHAR_SUFFIX or i < 2:
            continue
        j = i - 1
        while j > 0 and (tokens[j].pos in NOMINAL_POS or tokens[j].word in ("和", "与", "及")) \
                and tokens[j].word not in DISTRICT_FORMS and tokens[j].word not in PUNCT:
            j -= 1
        if tokens[j].word in DISTRICT_FORMS and j < i - 1 and tokens[j + 1].word not in ("和", "与", "及") \
                and tokens[i - 1].word not in ("和", "与", "及"):
            out.append(Span(tokens[j].start, t.end, (L.ORG_CHAR_SUFFIX[t.word],), "gov-body", 0.75))
    return out
