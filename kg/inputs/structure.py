"""Stage 2: document structure. A decoded file becomes articles made of blocks (headline,
section heading, photo caption, paragraph, byline) and sentences, each with character
offsets into the decoded source text."""
from __future__ import annotations

import re

from kg.model import Article, Block, Sentence, Source
from kg.nlp.script import to_simplified
from kg.nlp.gazetteer import (DISTRICT_RE, QINGDAO_LOCAL, STREET_CHARS, canonical_district,
                              counties_after_cities, level_of)

# "青島日報2021年12月1日特1版" / "青岛日报 2021年12月1日 第3版"
EDITION_RE = re.compile(
    r"^\s*(?P<paper>[^\d\s]{2,12}?)\s*(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日\s*"
    r"(?:第\s*)?(?P<page>[^\s\d]{0,2}\d{1,3}|[A-Z]\d{1,2})\s*版\s*$")
DATE_RE = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
BYLINE_RE = re.compile(r"^\s*(責任編輯|责任编辑|編輯|编辑|記者|记者|通訊員|通讯员|來源|来源|本報記者|本报记者)\s*[:：]")
SENTENCE_END = "。！？!?；;"
CLOSERS = "”’」』）)》"
HEADING_MAX = 60
CAPTION_MAX = 40


def _lines(text: str):
    """Yield (start, end, stripped line) for each non-blank line, offsets excluding white space."""
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            yield pos + lead, pos + lead + len(stripped), stripped
        pos += len(raw)


def _classify(line: str) -> str:
    if EDITION_RE.match(line):
        return "edition"
    if BYLINE_RE.match(line):
        return "byline"
    ends = line.rstrip(CLOSERS)[-1:] if line.rstrip(CLOSERS) else ""
    if len(line) <= HEADING_MAX and ends not in SENTENCE_END and ends not in ",，:：、":
        return "heading"
    if len(line) <= CAPTION_MAX and ends == "。" and line.count("。") == 1 and "," not in line and "，" not in line:
        return "caption"
    return "paragraph"


def split_sentences(text: str, start: int) -> list[tuple[int, int, str]]:
    """Split a paragraph into sentences at 。！？； (closing quotes stay with their sentence)."""
    out, i, n, begin = [], 0, len(text), 0
    while i < n:
        if text[i] in SENTENCE_END:
            j = i + 1
            while j < n and text[j] in CLOSERS:
                j += 1
            out.append((begin, j))
            begin = i = j
            continue
        i += 1
    if begin < n:
        out.append((begin, n))
    result = []
    for b, e in out:
        seg = text[b:e]
        lead = len(seg) - len(seg.lstrip())
        seg = seg.strip()
        if seg:
            result.append((start + b + lead, start + b + lead + len(seg), seg))
    return result


def _first_sentence(text: str, limit: int = 60) -> str:
    """The first sentence of a paragraph, as a title for an article without a headline."""
    parts = split_sentences(text, 0)
    first = parts[0][2] if parts else text
    return first if len(first) <= limit else first[:limit] + "…"


def _district_of(title_lines: list[str], first_text: str) -> str | None:
    """The district an article is about: 'X:' in the headline, else the commonest local district."""
    for line in title_lines:
        m = re.match(r"^\s*([^\s:：]{2,6})\s*[:：]", to_simplified(line))
        if m and canonical_district(m.group(1)):
            return canonical_district(m.group(1))
    counts: dict[str, int] = {}
    sample = to_simplified(" ".join(title_lines) + " " + first_text)
    for form in sorted({f for f in _forms()}, key=len, reverse=True):
        c = sample.count(form)
        if c:
            name = canonical_district(form)
            counts[name] = counts.get(name, 0) + c
            sample = sample.replace(form, " ")
    local = {k: v for k, v in counts.items() if k in QINGDAO_LOCAL}
    if local:
        return max(sorted(local), key=lambda k: local[k])
    return _national_place(sample)


def _national_place(sample: str) -> str | None:
    """The county (else the prefecture-level city) of China an article's headline and opening
    name most often: 江宁区 in 江宁区举行…, 锡山区 in 无锡锡山…, 长沙市 in a 新华社长沙…电 dateline."""
    counts: dict[str, list[int]] = {}
    for a, b, county, _ in list(counties_after_cities(sample)):  # 无锡锡山: the county, not the city
        counts.setdefault(county, []).append(a)
        sample = sample[:a] + " " * (b - a) + sample[b:]
    for m in DISTRICT_RE.finditer(sample):
        name = canonical_district(m.group())
        if name and level_of(name) in ("county", "prefecture") and sample[m.end():m.end() + 1] not in STREET_CHARS:
            counts.setdefault(name, []).append(m.start())
    for level in ("county", "prefecture"):
        pool = {k: v for k, v in counts.items() if level_of(k) == level}
        if pool:
            return min(pool, key=lambda k: (-len(pool[k]), pool[k][0]))
    return None


def _forms():
    from kg.nlp.gazetteer import QINGDAO_DISTRICTS
    for full, shorts in QINGDAO_DISTRICTS.items():
        yield full
        yield from shorts


def parse(source: Source) -> list[Article]:
    """Split a source into articles. An edition line ('…2021年12月1日特1版') starts a new
    article; a file without one is a single article."""
    groups: list[tuple[re.Match | None, list[tuple[int, int, str, str]]]] = []
    current: list = []
    edition = None
    for s, e, line in _lines(source.text):
        kind = _classify(line)
        if kind == "edition":
            if current:
                groups.append((edition, current))
            edition, current = EDITION_RE.match(line), []
            continue
        current.append((s, e, line, kind))
    if current:
        groups.append((edition, current))
    return [_article(source, i + 1, m, lines) for i, (m, lines) in enumerate(groups)]


def _article(source: Source, number: int, edition: re.Match | None, lines) -> Article:
    blocks: list[Block] = []
    headline_done = False
    for s, e, line, kind in lines:
        if kind == "heading" and not headline_done:
            kind = "headline"
        elif kind != "heading":
            headline_done = True
        blocks.append(Block(kind=kind, start=s, end=e, text=line))
    if not any(b.kind == "paragraph" for b in blocks):
        # a short text of one-sentence lines has no photo captions: its lines are paragraphs
        for b in blocks:
            if b.kind == "caption":
                b.kind = "paragraph"
    headlines = [b.text for b in blocks if b.kind == "headline"]
    paragraphs = [b.text for b in blocks if b.kind == "paragraph"]
    meta = source.meta
    title = meta.title or next((h for h in headlines if re.search(r"^[^:：]{2,6}[:：]", h)), None)
    if title is None:
        title = max(headlines, key=len) if headlines else (_first_sentence(paragraphs[0]) if paragraphs
                                                           else source.name)
    date, page, paper = meta.date, None, None
    if edition:
        date = f"{int(edition['y']):04d}-{int(edition['m']):02d}-{int(edition['d']):02d}"
        page, paper = edition["page"], edition["paper"]
    sentences: list[Sentence] = []
    for bi, b in enumerate(blocks):
        if b.kind == "byline":
            continue
        if b.kind == "paragraph":
            parts = split_sentences(b.text, b.start)
        else:
            parts = [(b.start, b.end, b.text)]
        for s, e, text in parts:
            sentences.append(Sentence(index=len(sentences), start=s, end=e, text=text,
                                      kind=b.kind, paragraph=bi))
    start = blocks[0].start if blocks else 0
    end = blocks[-1].end if blocks else 0
    return Article(
        id=f"art-{source.digest}-{number}", source=source.name, digest=source.digest, number=number,
        title=title, date=date, edition=paper, page=page,
        district=_district_of(headlines, paragraphs[0] if paragraphs else ""),
        start=start, end=end, blocks=blocks, sentences=sentences, author=meta.author, url=meta.url,
        publisher=meta.publisher, identifier=meta.identifier)
