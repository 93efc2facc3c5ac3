"""Rules that find names by their frame rather than their suffix: 《…》 titles and quoted
names, coordinated lists ("A、B等N家企业"), and trigger verbs (引进X, X落户, 与X合作)."""
from __future__ import annotations

import re

from kg.nlp import lexicon as L
from kg.nlp.gazetteer import DISTRICT_FORMS
from kg.model import Token
from kg.nlp.segment import Segmenter
from kg.nlp.mentions.suffix import is_generic, suffix_types
from kg.nlp.mentions.spans import PROPER_POS, PUNCT, SUFFIXES, Span

MEDIA_END = r"(?:新闻网|网|日报|晚报|商报|时报|特区报|科技报|报社|报|电视台|广播电视台|通讯社|新闻社|客户端)"


def bracket_spans(s: str, tokens: list[Token], seg: Segmenter) -> list[Span]:
    """《…》 titles and quoted names."""
    out: list[Span] = []
    for m in re.finditer(r"《([^《》]{2,40})》", s):
        inner = m.group(1)
        if inner.endswith(L.POLICY_WORDS) or re.search(r"\d+条", inner):
            out.append(Span(m.start(1), m.end(1), ("Policy",), "title-policy", 0.9))
        elif re.fullmatch(r"[\u4e00-\u9fff]{1,10}?" + MEDIA_END, inner):
            out.append(Span(m.start(1), m.end(1), ("Media",), "title-media", 0.8))  # 《青岛日报》
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
            out.append(Span(a, b + len(head), suffix_types(inner + head, head) if head in L.SUFFIX_TYPES
                            else ("Initiative",), "quote-head", 0.8))
            continue
        parts = _split_list(inner, m.start(1)) if "、" in inner else []
        part_suffixes = [next((x for x in SUFFIXES if s[a:b].endswith(x) and b - a > len(x) + 1), None)
                         for a, b in parts]
        if parts and all(part_suffixes):
            for (part_a, part_b), suffix in zip(parts, part_suffixes):
                out.append(Span(part_a, part_b, suffix_types(s[part_a:part_b], suffix), "quote-list", 0.75))
            continue
        suffix = next((x for x in SUFFIXES if inner.endswith(x) and len(inner) > len(x) + 1), None)
        if suffix:
            out.append(Span(m.start(1), m.end(1), suffix_types(inner, suffix), "quote-suffix", 0.85))
        elif re.search(r"[^一二三四五六七八九十]年$", inner) and len(inner) >= 4:
            out.append(Span(m.start(1), m.end(1), ("Initiative",), "quote-campaign-year", 0.75))
        elif numeric and 3 <= len(inner) <= 16 and not _common_phrase(inner, tokens, m.start(1), seg):
            out.append(Span(m.start(1), m.end(1), ("Initiative",), "quote-numeric", 0.75))
        elif governed and 2 <= len(inner) <= 12:
            out.append(Span(m.start(1), m.end(1), ("Initiative",), "quote-governed", 0.6))
    return out


def _common_phrase(inner: str, tokens: list[Token], start: int, seg: Segmenter) -> bool:
    """A quoted idiom or common word (“一网打尽”, “一站式”) is rhetoric, not a name."""
    inside = [t for t in tokens if start <= t.start and t.end <= start + len(inner)]
    return len(inside) == 1 and (inside[0].pos in ("i", "l") or seg.frequency(inner) > 50)


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


LIST_RE = re.compile(r"(?:等|在内的)(?P<n>\d+|[一二三四五六七八九十百两几多]+)?(?:余|多)?(?P<cl>家|个|项|座|只|场|所|批)?"
                     r"(?:(?P<mid>[\u4e00-\u9fff]{0,8}?)(?P<head>" + "|".join(sorted(L.LIST_HEADS, key=len, reverse=True))
                     + r"|[\u4e00-\u9fff](?=[，,。；;、]|$)))?")
COUNT_RE = re.compile(r"\d+(?:余|多)?[家个项所批座]")
GENERIC_LIST_HEADS = {"部门", "机构", "单位", "载体", "工作", "措施", "政策"}


def name_like(piece_tokens: list[Token], seg: Segmenter, strict: bool = False) -> bool:
    """A bare name (no type suffix): not made only of common words. 华为, 思路迪医药, 上海航运 pass;
    财政, 自然资源, 新能源 do not."""
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
        if seg.frequency(t.word) < (200 if strict else 1500):
            return True
    return False


def list_spans(s: str, tokens: list[Token], seg: Segmenter) -> list[Span]:
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
            if not (2 <= len(piece) <= 20) or re.search(r"[，,。的“”]", piece) or COUNT_RE.search(piece):
                continue  # (帮助500余家两市: a count of unnamed things is no member's name)
            toks = [t for t in tokens if a <= t.start and t.end <= b]
            if len(piece) > 3 and any((t.word in L.GOVERNING_VERBS and t.word not in L.NAME_VERBS) or
                                      (t.pos == "v" and seg.frequency(t.word) >= 50 and t.word not in L.NAME_VERBS)
                                      for t in toks[1:]):
                continue  # a clause, not a name: 企业诉求办理, 总部落户RCEP试验基地 (星澜, 云启 are names)
            suffix = next((x for x in SUFFIXES if piece.endswith(x) and len(piece) > len(x)), None)
            if suffix:
                if not is_generic(piece, toks, suffix, seg):
                    members.append((a, b, suffix_types(piece, suffix)))
            elif name_like(toks, seg, strict=generic_head or typ is None):
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


def trigger_spans(s: str, tokens: list[Token], seg: Segmenter) -> list[Span]:
    """Bare names in trigger frames: 引进X / 与X合作 / 联合X, and a clause-initial X in 'X与Y合作'."""
    out: list[Span] = []
    for i, t in enumerate(tokens):
        if t.word in ("引进", "引入", "与", "联合", "携手") and i + 1 < len(tokens):
            j = i + 1
            while j < len(tokens) and tokens[j].pos in PROPER_POS | {"n", "nz", "vn"} \
                    and tokens[j].word not in L.GOVERNING_VERBS:
                j += 1
            run = tokens[i + 1:j]
            if run and 2 <= tokens[j - 1].end - run[0].start <= 12 and name_like(run, seg, strict=True) \
                    and (j >= len(tokens) or tokens[j].word in PUNCT or tokens[j].word in L.PARTNER_CUES
                         or tokens[j].word in ("等", "在", "合作", "签约", "共建", "开展")):
                out.append(Span(run[0].start, tokens[j - 1].end, ("Organization",), f"trigger-{t.word}", 0.5))
        if t.word in ("引进", "引入"):
            out.extend(_introduced_list(s, tokens, t.end, seg, t.word))
        if t.word in ("与", "和", "同") and i > 0:
            k = i - 1
            while k >= 0 and tokens[k].pos in PROPER_POS | {"n", "nz"} and tokens[k].word not in PUNCT:
                k -= 1
            run = tokens[k + 1:i]
            clause_initial = k < 0 or tokens[k].word in PUNCT
            rest = s[t.end:t.end + 30]
            if run and clause_initial and name_like(run, seg, strict=True) and any(c in rest for c in L.PARTNER_CUES) \
                    and not any(x.word in L.GOVERNING_VERBS for x in run) \
                    and 2 <= tokens[i - 1].end - run[0].start <= 10:
                out.append(Span(run[0].start, tokens[i - 1].end, ("Organization",), "trigger-subject", 0.5))
    return out


LIST_END_RE = re.compile(r"[，,。；;：:（(]|等")  # where a list after a verb ends


def _introduced_list(s: str, tokens: list[Token], at: int, seg: Segmenter, verb: str) -> list[Span]:
    """The members of a list right after 引进/引入 that ends with its clause: 引进了A、B、C，…
    (a list closed by 等 is list_spans'). Every member must look like a name, or none is taken."""
    a = at + 1 if s.startswith("了", at) else at
    end = LIST_END_RE.search(s, a)
    chunk = s[a:end.start() if end else len(s)]
    if "、" not in chunk or (end and end.group() == "等"):
        return []
    out, pos = [], a
    for piece in chunk.split("、"):
        toks = [t for t in tokens if pos <= t.start and t.end <= pos + len(piece)]
        if not (2 <= len(piece) <= 12) or re.search(r"[的“”\d]", piece) or not name_like(toks, seg, strict=True) \
                or any(t.word in L.GOVERNING_VERBS for t in toks):
            return []
        out.append(Span(pos, pos + len(piece), ("Organization",), f"trigger-{verb}", 0.5))
        pos += len(piece) + 1
    return out


SOURCE_RE = re.compile(r"(?:来源|稿源|出处)\s*[:：]\s*(?P<name>[\u4e00-\u9fffA-Za-z]{2,10}?" + MEDIA_END + r")(?![\u4e00-\u9fff])"
                       r"|^(?P<dateline>[\u4e00-\u9fff]{1,8}?" + MEDIA_END + r")(?=\d{1,2}月\d{1,2}日(?:讯|电))")


def media_spans(s: str) -> list[Span]:
    """The outlet of a news text: 来源：东海新闻网, a dateline (东海网12月8日讯, 滨江新闻网3月7日电);
    a title (《海滨日报》) is bracket_spans'."""
    out = []
    for m in SOURCE_RE.finditer(s):
        group = next(g for g in ("name", "dateline") if m.group(g))
        if m.group(group) not in ("本报", "本网", "本台"):
            out.append(Span(m.start(group), m.end(group), ("Media",), "media-source", 0.8))
    return out
