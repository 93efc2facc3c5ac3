"""Saved news pages of several layouts (tests/data/html, invented pages): the article's text
only, and the page's title, date, author and URL."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.cli.app import cli
from kg.inputs.html import iso_date, read_page
from kg.inputs.read import read_source
from kg.inputs.structure import parse
from kg.rdf.store import GraphStore
from kg.rdf.vocab import NIF, QDO

PAGES = Path(__file__).resolve().parents[1] / "data" / "html"

# page -> (title, date, author, url, publisher, a sentence of the article, boilerplate of the page)
EXPECTED = {
    "portal": ("临港新区：智能制造产业园迎来首批企业", "2023-07-19", "周文",
               "https://news.donghai.example.cn/2023/0719/c1234.html", "东海日报",
               "7月18日，临港新区智能制造产业园正式开园，首批12家企业集中签约入驻园区。",
               ["网站首页", "客户端下载", "当前位置", "相关新闻", "滨江区召开", "热点排行", "高温天气", "版权所有",
                "ICP", "分享到", "微博", "区县新闻"]),
    "newspaper": ("南岸经济开发区引进新能源电池项目", "2022-03-05", "陈立",
                  "https://www.nananwb.example.com/news/2022-03-05/88231.html", "南岸晚报",
                  "3月4日，南岸经济开发区与华锂新能源科技股份有限公司签约，总投资45亿元的动力电池项目落户开发区。",
                  ["网友评论", "南岸老王", "希望多招工", "写下你的评论", "猜你喜欢", "春季招聘会", "Copyright",
                   "举报电话", "体育", "本报记者"]),
    "traditional": ("北灣科技園擴建二期 引進半導體企業", "2021-12-01", "林志明", None, None,
                    "北灣科技園二期工程11月30日動工，規劃面積120公頃，預計引進半導體封裝測試企業30家。",
                    ["首頁", "政治", "產業動態", "熱門新聞", "颱風", "標籤", "版權所有", "隱私權"]),
    "blog-layout": ("西江市举行重点项目集中签约仪式", "2020-06-18", None, None, "西江市发展和改革委员会",
                    "6月17日，西江市举行2020年第二季度重点项目集中签约仪式，共签约项目18个，总投资128亿元。",
                    ["西江政务网", "办事服务", "您现在的位置", "打印本页", "关闭窗口", "相关链接", "市统计局",
                     "主办单位", "ICP", "浏览次数"]),
}


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_page_gives_article_text_and_metadata(page):
    title, date, author, url, publisher, sentence, junk = EXPECTED[page]
    src = read_source(PAGES / f"{page}.html")
    assert (src.meta.title, src.meta.date, src.meta.author, src.meta.url, src.meta.publisher) == (
        title, date, author, url, publisher)
    assert sentence in src.text.split("\n")
    for j in junk:
        assert j not in src.text, j
    [article] = parse(src)
    assert (article.title, article.date, article.author, article.url) == (title, date, author, url)
    for s in article.sentences:
        assert src.text[s.start:s.end] == s.text


@pytest.mark.parametrize("text,iso", [
    ("2023-07-19 08:30", "2023-07-19"), ("2023/7/9", "2023-07-09"), ("2021年12月01日", "2021-12-01"),
    ("2022.03.05", "2022-03-05"), ("2022-02-30", None), ("12月1日", None), ("", None), (None, None)])
def test_iso_date(text, iso):
    assert iso_date(text) == iso


def test_date_htmldate_guessed_is_kept_only_when_the_page_writes_it():
    body = "<p>" + "市北区全面贯彻落实新发展理念，把改革作为推动高质量发展的关键一招。" * 3 + "</p>"
    # htmldate reads 2023年07月19日 in an unknown <meta> as 2023-01-01; the page never says that day
    page = f'<html><head><meta name="releasedate" content="2023年07月19日"></head><body>{body}</body></html>'
    assert read_page(page)[1].date is None
    page = f'<html><head><meta name="pubdate" content="2023年07月19日"></head><body>{body}</body></html>'
    assert read_page(page)[1].date == "2023-07-19"


def test_kg_build_of_a_boilerplate_heavy_page(tmp_path):
    """The issue's check: no sentence of the graph holds navigation, related-links or footer
    text; the article carries the page's date, title, author and URL; its event dates take the
    page's year."""
    title, date, author, url, publisher, _, junk = EXPECTED["portal"]
    store = tmp_path / "store"
    res = CliRunner().invoke(cli, ["--store", str(store), "build", str(PAGES / "portal.html"),
                                   "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("Read 1 file(s): 1 articles, ")
    g = GraphStore.open_existing(store).to_rdflib()
    sentences = [str(t) for s in g.subjects(DCTERMS.isPartOf, None) for t in g.objects(s, NIF.anchorOf)]
    assert len(sentences) >= 5
    for s in sentences:
        for j in junk:
            assert j not in s, (j, s)
    [article] = g.subjects(RDF.type, QDO.Article)
    assert Literal("portal.html") in set(g.objects(article, DCTERMS.source))
    assert set(g.objects(article, DCTERMS.title)) == {Literal(title, lang="zh-Hans")}
    assert set(g.objects(article, DCTERMS.date)) == {Literal(date, datatype=XSD.date)}
    assert set(g.objects(article, DCTERMS.creator)) == {Literal(author)}
    assert set(g.objects(article, DCTERMS.publisher)) == {Literal(publisher)}
    assert URIRef(url) in set(g.objects(article, DCTERMS.source))
    assert Literal("2023-07-18", datatype=XSD.date) in set(g.objects(None, QDO.openedOn))
