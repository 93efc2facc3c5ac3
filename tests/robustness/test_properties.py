"""Property tests: arbitrary (and CJK-heavy) text never crashes reading, document structure or
extraction, and every offset the pipeline records slices the source back to the recorded text."""
from __future__ import annotations

import hashlib
import os

from hypothesis import HealthCheck, given, settings, strategies as st

from kg.errors import InputError
from kg.nlp.extract import extract_article
from kg.model import Source
from kg.inputs.html import read_page
from kg.inputs.read import SkippableInput, decode, read_source
from kg.nlp.script import to_simplified
from kg.inputs.structure import parse, split_sentences

# PROP_EXAMPLES=3000 pytest tests/robustness/test_properties.py for a longer search
SETTINGS = settings(max_examples=int(os.environ.get("PROP_EXAMPLES", "100")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

CJK = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
              | st.sampled_from(list("，。、“”《》（）：；！？0123456789 \n")), max_size=200)
# the words the extraction rules look for, so that mentions and relations do occur
WORD_LIST = [
    "市北区", "市南區", "黄岛区", "嶗山區", "城阳", "即墨", "西海岸新区", "青岛", "青島", "有限公司", "集团", "研究院",
    "大学", "产业园", "產業園", "经济开发区", "平台", "中心", "项目", "工程", "开工", "签约", "落户", "入驻", "位于",
    "由", "负责", "运营", "建设", "合作", "协议", "总投资", "亿元", "万平方米", "注册资本", "计划", "行动", "：", ":",
    "，", "。", "“", "”", "《", "》", "\n", "青岛日报2021年12月1日第3版\n", "责任编辑：", "中国", "海尔", "启动"]
WORDS = st.sampled_from(WORD_LIST)
NEWSY = st.lists(WORDS | CJK.map(lambda s: s[:6]), max_size=40).map("".join).map(lambda s: s[:200])
ANY = st.text(max_size=200)
TEXTS = ANY | CJK | NEWSY


def source_of(text: str) -> Source:
    return Source(path="<text>", name="prop.txt", text=text, encoding="utf-8",
                  digest=hashlib.sha1(text.encode("utf-8")).hexdigest()[:12])


def check_articles(src: Source):
    articles = parse(src)
    for art in articles:
        for b in art.blocks:
            assert src.text[b.start:b.end] == b.text
        for s in art.sentences:
            assert 0 <= s.start <= s.end <= len(src.text)
            assert src.text[s.start:s.end] == s.text
            assert s.text.strip() == s.text and s.text
    return articles


@SETTINGS
@given(text=TEXTS)
def test_decode_utf8_bytes_never_crashes(text):
    try:
        decoded, enc = decode(text.encode("utf-8"), "prop.txt")
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert enc in ("utf-8", "utf-8 (html)")  # valid UTF-8 is never taken for something else
    if enc == "utf-8":
        assert decoded == (text[1:] if text.startswith("\ufeff") else text)


@SETTINGS
@given(data=st.binary(max_size=300) | TEXTS.map(lambda t: t.encode("gb18030")) | CJK.map(
    lambda t: t.encode("big5", "ignore")), errors=st.sampled_from(["strict", "replace"]))
def test_decode_any_bytes_never_crashes(data, errors):
    try:
        text, enc = decode(data, "prop.txt", errors=errors)
    except SkippableInput:
        return
    except InputError as exc:
        assert errors == "strict" and "\n" not in str(exc)
        return
    assert isinstance(text, str) and text.strip()
    assert enc.split(" ")[0] in ("utf-8", "utf-16", "utf-32", "gb18030", "big5")


@SETTINGS
@given(text=TEXTS)
def test_read_source_never_crashes(tmp_path, text):
    f = tmp_path / "prop.txt"
    f.write_bytes(text.encode("utf-8"))
    try:
        src = read_source(f)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    check_articles(src)


HTMLY = st.lists(st.sampled_from([
    "<p>", "</p>", "<br>", "<br/>", "<div>", "</div>", "<script>", "</script>", "<head>", "</head>", "<body>", "<nav>",
    "</nav>", "<pre>", "</pre>", "&nbsp;", "&amp;", "&#", "&#x4e2d;", "&lt", "<!--", "-->", "<", ">", "<h1 hidden>", "</h1>",
    "<td>", "<style>x{}</style>", "<p style='display:none'>", "\n", " ", "\u3000"]) | CJK.map(lambda s: s[:8]),
    max_size=40).map("".join)


@SETTINGS
@given(page=HTMLY)
def test_html_pages_never_crash(page):
    text, _ = read_page(page)
    for line in text.split("\n") if text else []:
        assert line and line == line.strip()
    try:
        decoded, enc = decode(page.encode("utf-8"), "page.html")
    except SkippableInput:
        return
    assert enc in ("utf-8", "utf-8 (html)")
    check_articles(source_of(decoded))


@SETTINGS
@given(text=TEXTS, start=st.integers(0, 1000))
def test_split_sentences_offsets(text, start):
    for b, e, seg in split_sentences(text, start):
        assert text[b - start:e - start] == seg
        assert seg and seg == seg.strip()


@SETTINGS
@given(text=TEXTS)
def test_parse_offsets(text):
    check_articles(source_of(text))


@SETTINGS
@given(text=CJK | NEWSY)
def test_extract_offsets(text):
    src = source_of(text)
    simplified = to_simplified(text)
    assert len(simplified) == len(text)
    for art in check_articles(src):
        ex = extract_article(art, src.text, simplified)
        for m in ex.mentions:
            assert 0 <= m.start < m.end <= len(text)
            assert src.text[m.start:m.end] == m.text, m


@SETTINGS
@given(text=ANY)
def test_extract_never_crashes_on_any_text(text):
    src = source_of(text)
    simplified = to_simplified(text)
    for art in check_articles(src):
        extract_article(art, src.text, simplified)


def relation_mentions(text: str):
    src = source_of(text)
    simplified = to_simplified(text)
    for art in check_articles(src):
        ex = extract_article(art, src.text, simplified)
        for r in ex.relations:
            yield from (r.subject, r.object)
        for a in ex.amounts:
            yield a.subject


SIMPLIFIED_CJK = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF).filter(
    lambda c: to_simplified(c) == c), max_size=6)
SIMPLIFIED_NEWSY = st.lists(st.sampled_from([w for w in WORD_LIST if to_simplified(w) == w]) | SIMPLIFIED_CJK,
                            max_size=40).map("".join).map(lambda s: s[:200])


@SETTINGS
@given(text=SIMPLIFIED_NEWSY)
def test_relation_endpoints_slice_back_simplified(text):
    for m in relation_mentions(text):
        if m.start < m.end:  # zero-width: the article's district, implied by context
            assert text[m.start:m.end] == m.text, m


# regression test (bug fixed): kg.nlp.relations.rules 'name-prefix' District mentions (locatedIn from a district prefix in a name) take text= the Simplified gazetteer form, so in Tr
def test_relation_endpoints_slice_back_traditional():
    text = "嶗山區經濟開發區由青島市嶗山區人民政府負責運營。"
    spans = [m for m in relation_mentions(text) if m.start < m.end]
    assert spans
    for m in spans:
        assert text[m.start:m.end] == m.text, m
