"""kg.inputs.structure (stage 2): articles, blocks and sentences with character offsets into the
decoded source. A golden file pins the parser's output on the seed; small synthetic inputs
pin each rule (edition lines, titles, districts, sentence splitting, bylines, block kinds)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kg.model import Source
from kg.inputs.read import read_source
from kg.inputs.structure import parse, split_sentences

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_860cbca26c24b5e4.txt"
GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden" / "structure-seed.json"
REGEN_ENV = "QDKG_REGEN_GOLDEN"


def src(text: str, name: str = "t.txt") -> Source:
    return Source(path=name, name=name, text=text, encoding="utf-8", digest="0123456789ab")


def check_offsets(source: Source, articles) -> int:
    """Every sentence and block slices the source text back to its text; returns the count."""
    n = 0
    for a in articles:
        for b in a.blocks:
            assert source.text[b.start:b.end] == b.text, b
        for i, s in enumerate(a.sentences):
            assert s.index == i
            assert source.text[s.start:s.end] == s.text, s
            assert s.text and s.text == s.text.strip()
            blk = a.blocks[s.paragraph]
            assert blk.start <= s.start < s.end <= blk.end and blk.kind == s.kind
            n += 1
    return n


# ---- golden ------------------------------------------------------------------------------

def golden_of(source: Source) -> dict:
    """The parser output on one source, as JSON-ready data."""
    return {
        "source": source.name,
        "digest": source.digest,
        "articles": [{
            "id": a.id,
            "title": a.title,
            "date": a.date,
            "edition": a.edition,
            "page": a.page,
            "district": a.district,
            "start": a.start,
            "end": a.end,
            "blocks": [{"kind": b.kind, "start": b.start, "end": b.end} for b in a.blocks],
            "sentence_count": len(a.sentences),
            "sentences": [[s.start, s.end, s.kind] for s in a.sentences],
        } for a in parse(source)],
    }


def write_golden() -> None:
    """Regenerate the golden file from the current parser (QDKG_REGEN_GOLDEN=1 only).
    One line per block and per sentence keeps diffs of a regeneration readable."""
    data = golden_of(read_source(SEED))
    dump = lambda x: json.dumps(x, ensure_ascii=False)  # noqa: E731
    arts = []
    for a in data["articles"]:
        head = ",\n".join(f"   {dump(k)}: {dump(v)}" for k, v in a.items() if k not in ("blocks", "sentences"))
        blocks = ",\n".join(f"    {dump(b)}" for b in a["blocks"])
        sents = ",\n".join(f"    {dump(x)}" for x in a["sentences"])
        arts.append(f"  {{\n{head},\n   \"blocks\": [\n{blocks}\n   ],\n   \"sentences\": [\n{sents}\n   ]\n  }}")
    text = (f"{{\n \"source\": {dump(data['source'])},\n \"digest\": {dump(data['digest'])},\n"
            f" \"articles\": [\n" + ",\n".join(arts) + "\n ]\n}\n")
    assert json.loads(text) == data
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def seed() -> Source:
    return read_source(SEED)


def test_golden_structure_of_seed(seed):
    if os.environ.get(REGEN_ENV) == "1":
        write_golden()
    assert GOLDEN.is_file(), f"missing {GOLDEN}: run with {REGEN_ENV}=1 once"
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = golden_of(seed)
    assert got["digest"] == expected["digest"] == "23d41c965c43"
    assert len(got["articles"]) == len(expected["articles"]) == 4
    for g, e in zip(got["articles"], expected["articles"]):
        for key in ("id", "title", "date", "edition", "page", "district", "start", "end", "sentence_count"):
            assert g[key] == e[key], (e["id"], key)
        assert g["blocks"] == e["blocks"], e["id"]
        assert g["sentences"] == e["sentences"], e["id"]
    assert got == expected


def test_golden_file_content_is_plausible():
    """Guards the golden file itself against a bad regeneration."""
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))
    arts = data["articles"]
    assert [a["page"] for a in arts] == ["特1", "特2", "特3", "特4"]
    assert [a["district"] for a in arts] == ["市南区", "市北区", "即墨区", "莱西市"]
    assert {a["date"] for a in arts} == {"2021-12-01"} and {a["edition"] for a in arts} == {"青島日報"}
    assert [a["sentence_count"] for a in arts] == [len(a["sentences"]) for a in arts] == [112, 131, 130, 144]
    assert arts[0]["title"] == "市南:打造青島建設現代化國際大都市的樣板區"
    assert arts[-1]["blocks"][-1]["kind"] == "byline"


def test_seed_sentence_offsets_slice_back(seed):
    articles = parse(seed)
    assert check_offsets(seed, articles) == 517
    # articles are disjoint and in order
    spans = [(a.start, a.end) for a in articles]
    assert spans == sorted(spans)
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:]))


def test_seed_article_metadata(seed):
    a1, a2, a3, a4 = parse(seed)
    assert (a1.id, a1.number, a1.source) == ("art-23d41c965c43-1", 1, "000_860cbca26c24b5e4.txt")
    assert a2.title == "市北:打造RCEP經貿合作創新實踐樣板"
    assert a3.title == "即墨:用改革“沖擊鉆”開創高質量發展新格局"
    assert [b.kind for b in a1.blocks[:3]] == ["headline", "headline", "paragraph"]
    assert a4.blocks[0].kind == "paragraph"  # page 4 opens without a headline


# ---- offsets on synthetic inputs --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "青岛日报2021年12月1日特1版\r\n市北:打造新高地\r\n\r\n市北区全面贯彻落实，推动发展。全区经济稳中向好！\r\n",
    "\n\n\u3000\u3000市南区全面贯彻落实，推动发展。  全区经济稳中向好？\n  \t副标题在这里\n",
    "標題\n他說:“改革是關鍵。”大家都同意;會議結束。\n最後一句沒有句號",
    "青島日報2021年12月1日特1版\n青島日報2021年12月1日特2版\n市北:打造新高地\n",
], ids=["crlf", "indent-fullwidth", "quotes-ascii-semicolon", "empty-first-edition"])
def test_synthetic_offsets_slice_back(text):
    s = src(text)
    articles = parse(s)
    assert check_offsets(s, articles) > 0


def test_indented_paragraph_offsets():
    text = "\n\u3000\u3000市南区全面贯彻落实，推动发展。  全区经济稳中向好？\n"
    [a] = parse(src(text))
    assert [(x.start, x.end, x.text) for x in a.sentences] == [
        (3, 18, "市南区全面贯彻落实，推动发展。"), (20, 29, "全区经济稳中向好？")]


# ---- a plain article -----------------------------------------------------------------------

def test_plain_article_title_from_heading():
    text = "青岛西海岸新区打造新高地\n今年以来，西海岸新区加快发展，成效明显。全区经济稳中向好。\n"
    [a] = parse(src(text, "plain.txt"))
    assert (a.id, a.number, a.source) == ("art-0123456789ab-1", 1, "plain.txt")
    assert a.title == "青岛西海岸新区打造新高地"
    assert (a.date, a.edition, a.page) == (None, None, None)
    assert a.district == "黄岛区"
    assert [b.kind for b in a.blocks] == ["headline", "paragraph"]
    assert (a.start, a.end) == (0, len(text) - 1)


def test_plain_article_without_heading_is_one_article():
    text = "今年以来，市南区加快发展，成效明显。全区经济稳中向好。\n第二段话在这里，内容很长很长。\n"
    articles = parse(src(text))
    assert len(articles) == 1
    [a] = articles
    assert a.title.startswith("今年以来，市南区加快发展，成效明显。")
    assert a.district == "市南区"
    assert [s.kind for s in a.sentences] == ["paragraph"] * 3


# regression test (bug fixed): structure._article takes the title of a headline-less article from paragraphs[
def test_plain_article_without_heading_title_is_first_sentence():
    text = "今年以来，市南区加快发展，成效明显。全区经济稳中向好，各项工作全面起势。\n"
    [a] = parse(src(text))
    assert a.title.rstrip("。") == "今年以来，市南区加快发展，成效明显"


def test_file_name_is_title_when_nothing_else():
    [a] = parse(src("责任编辑:刘聪聪\n", "only-byline.txt"))
    assert a.title == "only-byline.txt" and a.sentences == []


# ---- districts ----------------------------------------------------------------------------

@pytest.mark.parametrize("headline, district", [
    ("市北:打造RCEP经贸合作创新实践样板", "市北区"),
    ("市北：打造新高地", "市北区"),
    ("市北區:打造新高地", "市北区"),
    ("李滄:加快建設新城區", "李沧区"),
    ("西海岸新区:向海图强", "黄岛区"),
    ("萊西:改革風正揚帆", "莱西市"),
])
def test_district_from_headline_prefix(headline, district):
    # the body names another district more often: the headline prefix wins
    text = f"{headline}\n市南区、市南区和市南区都在加快发展，成效明显。\n"
    [a] = parse(src(text))
    assert a.title == headline
    assert a.district == district


def test_district_from_commonest_local_name_when_no_prefix():
    text = "加快发展 成效明显\n即墨区与城阳区合作，即墨区牵头推进，北京市参与。\n"
    [a] = parse(src(text))
    assert a.district == "即墨区"


def test_no_local_district():
    [a] = parse(src("北京发展新篇章\n北京市加快发展，上海市紧随其后。\n"))
    assert a.district is None


@pytest.mark.parametrize("text", ["筑梦新未来\n11月16日，2021无锡锡山金秋招商会举行，无锡各界参加。\n",
                                  "築夢新未來\n11月16日，2021無錫錫山金秋招商會舉行，無錫各界參加。\n"])
def test_district_named_by_its_city_and_short_form(text):
    [a] = parse(src(text))
    assert a.district == "锡山区"  # a county of 无锡市, named 无锡锡山: the county, not the city


def test_unknown_prefix_is_not_a_district():
    [a] = parse(src("新华社:城阳区加快发展\n城阳区全面推进改革，成效明显。\n"))
    assert a.title == "新华社:城阳区加快发展"
    assert a.district == "城阳区"  # falls back to the counted name


# ---- edition lines ----------------------------------------------------------------------------

@pytest.mark.parametrize("line, edition, date, page", [
    ("青島日報2021年12月1日特1版", "青島日報", "2021-12-01", "特1"),
    ("青岛日报 2021年12月1日 第3版", "青岛日报", "2021-12-01", "3"),
    ("大眾日報2022年3月5日A2版", "大眾日報", "2022-03-05", "A2"),
    ("  大众日报 2022年3月15日 A12 版  ", "大众日报", "2022-03-15", "A12"),
    ("人民日报2020年1月31日第 20 版", "人民日报", "2020-01-31", "20"),
])
def test_edition_line_variants(line, edition, date, page):
    text = f"{line}\n市北:打造新高地\n市北区全面贯彻落实，推动发展。\n"
    [a] = parse(src(text))
    assert (a.edition, a.date, a.page) == (edition, date, page)
    assert a.title == "市北:打造新高地"
    assert all(b.kind != "edition" for b in a.blocks)
    assert a.start == text.index("市北:")


def test_edition_lines_split_articles():
    text = ("青岛日报 2021年12月1日 第3版\n市北:打造新高地\n市北区全面贯彻落实，推动发展。\n"
            "大眾日報2022年3月5日A2版\n即墨:開創新格局\n即墨區加快發展，成效明顯。\n")
    a, b = parse(src(text))
    assert (a.id, a.page, a.district, len(a.sentences)) == ("art-0123456789ab-1", "3", "市北区", 2)
    assert (b.id, b.page, b.district, len(b.sentences)) == ("art-0123456789ab-2", "A2", "即墨区", 2)
    assert a.end < b.start


@pytest.mark.parametrize("line", [
    "2021年12月1日第3版",  # no paper name
    "青岛日报2021年12月1日",  # no page
    "青岛日报2021年12月1日第3版刊发了市北区的报道。",
])
def test_not_edition_lines(line):
    [a] = parse(src(f"{line}\n市北区全面贯彻落实，推动发展。\n"))
    assert a.date is None and a.page is None and a.edition is None
    assert a.sentences[0].text.startswith(line[:6])


# ---- sentence splitting ---------------------------------------------------------------------

def test_split_at_each_sentence_end():
    text = "第一句。第二句！第三句？第四句；第五句"
    got = split_sentences(text, 10)
    assert [t for _, _, t in got] == ["第一句。", "第二句！", "第三句？", "第四句；", "第五句"]
    assert [(s, e) for s, e, _ in got] == [(10, 14), (14, 18), (18, 22), (22, 26), (26, 29)]


def test_closing_quotes_stay_with_their_sentence():
    text = "他说：“改革是关键。”大家同意。《规划》提出“建设样板区！”」）然后结束。"
    got = [t for _, _, t in split_sentences(text, 0)]
    assert got == ["他说：“改革是关键。”", "大家同意。", "《规划》提出“建设样板区！”」）", "然后结束。"]


def test_commas_and_colons_do_not_split():
    got = split_sentences("市南区,市北区，李沧区:崂山区、城阳区。", 0)
    assert [t for _, _, t in got] == ["市南区,市北区，李沧区:崂山区、城阳区。"]


def test_whitespace_between_sentences_is_not_part_of_them():
    got = split_sentences("甲。 \u3000乙。  ", 5)
    assert got == [(5, 7, "甲。"), (9, 11, "乙。")]


# ---- bylines ----------------------------------------------------------------------------------

@pytest.mark.parametrize("byline", ["責任編輯:劉聰聰", "责任编辑：刘聪聪", "記者 : 王剛", "通讯员：李明", "本報記者:張三"])
def test_byline_makes_a_block_but_no_sentence(byline):
    text = f"市北:打造新高地\n市北区全面贯彻落实，推动发展。\n{byline}\n"
    [a] = parse(src(text))
    assert [b.kind for b in a.blocks] == ["headline", "paragraph", "byline"]
    assert [s.kind for s in a.sentences] == ["headline", "paragraph"]
    assert all(byline not in s.text for s in a.sentences)
    assert a.end == len(text) - 1  # the article still spans its byline


# ---- block kinds: headline vs heading vs caption ----------------------------------------------

HANT_PAGE = """青島日報2021年12月1日特2版
順勢乘勢聚勢 先行先試先改
市北:打造RCEP經貿合作創新實踐樣板
市北區堅持改革創新,推動經濟高質量發展。全區經濟運行穩中向好。
青島國際郵輪港區。
效率優先,“搶”出RCEP試驗基地新速度
今年以來,市北區加快建設試驗基地,成效明顯。
一、構建數字化黨建引領體系,推動“九龍治水”向“全面協同”轉變
市北區構建數字化黨建引領體系,提升治理效能。
責任編輯:劉聰聰
"""

HANS_PAGE = """青岛日报2021年12月1日特2版
顺势乘势聚势 先行先试先改
市北：打造RCEP经贸合作创新实践样板
市北区坚持改革创新，推动经济高质量发展。全区经济运行稳中向好。
青岛国际邮轮港区。
效率优先，“抢”出RCEP试验基地新速度
今年以来，市北区加快建设试验基地，成效明显。
一、构建数字化党建引领体系，推动“九龙治水”向“全面协同”转变
市北区构建数字化党建引领体系，提升治理效能。
责任编辑：刘聪聪
"""

EXPECTED_BLOCKS = ["headline", "headline", "paragraph", "caption", "heading", "paragraph", "heading",
                   "paragraph", "byline"]
EXPECTED_SENTENCES = ["headline", "headline", "paragraph", "paragraph", "caption", "heading", "paragraph",
                      "heading", "paragraph"]


@pytest.mark.parametrize("text, title", [
    (HANT_PAGE, "市北:打造RCEP經貿合作創新實踐樣板"),
    (HANS_PAGE, "市北：打造RCEP经贸合作创新实践样板"),
], ids=["zh-Hant", "zh-Hans"])
def test_block_kinds(text, title):
    s = src(text)
    [a] = parse(s)
    assert [b.kind for b in a.blocks] == EXPECTED_BLOCKS
    assert [x.kind for x in a.sentences] == EXPECTED_SENTENCES
    assert [x.paragraph for x in a.sentences] == [0, 1, 2, 2, 3, 4, 5, 6, 7]
    assert a.title == title
    assert (a.district, a.page, a.date) == ("市北区", "特2", "2021-12-01")
    check_offsets(s, [a])


def test_caption_needs_one_short_sentence_without_comma():
    text = ("標題\n第一段話,內容很長。\n"
            "郵輪港區。\n"                 # caption
            "郵輪港區,夜景。\n"             # comma: paragraph
            "郵輪港區。夜景。\n"            # two sentences: paragraph
            + "很" * 40 + "長。\n")         # over 40 characters: paragraph
    [a] = parse(src(text))
    assert [b.kind for b in a.blocks] == ["headline", "paragraph", "caption", "paragraph", "paragraph",
                                          "paragraph"]


def test_heading_is_short_and_unpunctuated():
    text = ("主標題\n第一段話,內容。\n"
            "小標題\n"                      # heading
            "小標題:\n"                     # ends with a colon: paragraph
            "小標題、\n"                    # ends with 、: paragraph
            + "字" * 61 + "\n")             # over 60 characters: paragraph
    [a] = parse(src(text))
    assert [b.kind for b in a.blocks] == ["headline", "paragraph", "heading", "paragraph", "paragraph",
                                          "paragraph"]
