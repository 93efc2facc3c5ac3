"""Article dumps (JSON Lines, CSV): one article per good record, bad lines reported with their
line number, repeated ids resolved to the later record, ids replaced on re-ingest."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.cli.app import cli
from kg.errors import InputError
from kg.inputs.read import read_inputs
from kg.rdf.store import GraphStore
from kg.rdf.vocab import QDO

# invented records
PARK = {"id": "n1", "title": "临港新区产业园开园", "date": "2023-07-19", "url": "https://e.example.cn/n1.html",
        "source": "东海日报", "text": "7月18日，临港新区智能制造产业园正式开园，东海精工机械有限公司等12家企业签约入驻。"}
DEAL = {"id": "n2", "title": "南岸开发区签约", "date": "2022-03-05T10:00:00+08:00",
        "text": "3月4日，南岸經濟開發區與華鋰新能源科技股份有限公司簽約，總投資45億元的動力電池項目落戶開發區。"}
PARK2 = {**PARK, "title": "临港新区产业园开园（更新）",
         "text": "7月18日，临港新区智能制造产业园正式开园，东海精工机械有限公司等15家企业签约入驻。"}
NEW = {"id": "n5", "title": "西江市重点项目签约", "date": "2020-06-18",
       "text": "6月17日，西江市举行重点项目集中签约仪式，西江农业发展集团有限公司投资建设西江绿色食品产业园。"}


def jsonl(path: Path, lines: list) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
                    encoding="utf-8")
    return path


@pytest.fixture
def news(tmp_path):
    return jsonl(tmp_path / "news.jsonl", [PARK, "{not json", DEAL, "", {"id": "n3", "text": ""},
                                           {"id": "n4", "date": "去年", "text": "市北区召开大会。"}, "[1, 2]",
                                           {"title": "无文本"}, {"id": "n6", "text": 42}, PARK2])


def test_jsonl_good_bad_and_repeated_lines(news):
    sources, skipped = read_inputs([news])
    assert [(s.name, s.meta.title, s.meta.date, s.meta.url, s.meta.publisher) for s in sources] == [
        ("n2", "南岸开发区签约", "2022-03-05", None, None),
        ("n1", "临港新区产业园开园（更新）", "2023-07-19", "https://e.example.cn/n1.html", "东海日报")]
    assert [str(s) for s in skipped] == [
        f"{news} line 1: id 'n1' again on line 10; the later record is kept",
        f"{news} line 2: not JSON: Expecting property name enclosed in double quotes",
        f"{news} line 5: no `text`",
        f"{news} line 6: `date` '去年' is not an ISO date (YYYY-MM-DD)",
        f"{news} line 7: not a JSON object",
        f"{news} line 8: no `text`",
        f"{news} line 9: `text` is not a string"]


def test_strict_stops_at_the_first_bad_line(news):
    with pytest.raises(InputError, match=r"news\.jsonl line 1 is not an article \(id 'n1' again on line 10"):
        read_inputs([news], strict=True)


def test_records_without_id_are_named_by_line(tmp_path):
    f = jsonl(tmp_path / "a.ndjson", [{"text": "市南区召开大会。"}, {"text": "市北区召开大会。"}])
    sources, _ = read_inputs([f])
    assert [s.name for s in sources] == ["a.ndjson:1", "a.ndjson:2"]


def test_csv_with_quoted_newlines_and_bad_rows(tmp_path):
    f = tmp_path / "news.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ID", "title", "text", "date", "extra"])
        w.writerow(["c1", "两段", "市南区召开大会。\n会议部署了明年的工作。", "2021-12-01", "x"])
        w.writerow(["c2", "", "", "2021-12-01", ""])
        w.writerow(["c3", "坏日期", "市北区召开大会。", "12/01/2021", ""])
        w.writerow(["c4", "好", "即墨区召开大会。", "", ""])
    sources, skipped = read_inputs([f])
    assert [(s.name, s.text, s.meta.date) for s in sources] == [
        ("c1", "市南区召开大会。\n会议部署了明年的工作。", "2021-12-01"), ("c4", "即墨区召开大会。", None)]
    assert [str(s) for s in skipped] == [f"{f} line 4: no `text`",
                                         f"{f} line 5: `date` '12/01/2021' is not an ISO date (YYYY-MM-DD)"]


def test_csv_without_text_column(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("id,body\n1,市南区召开大会。\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.csv has no `text` column"):
        read_inputs([f])


def test_html_in_a_record_is_reduced_to_its_text(tmp_path):
    page = ("<!DOCTYPE html><html><head><title>标题</title></head><body><nav><a href='/'>首页</a> <a href='/n'>新闻</a>"
            "</nav><p>市南区召开大会，部署明年的工作。</p><footer>版权所有</footer></body></html>")
    sources, _ = read_inputs([jsonl(tmp_path / "p.jsonl", [{"id": "h1", "text": page}])])
    assert sources[0].encoding == "utf-8 (html)" and "版权所有" not in sources[0].text
    assert "市南区召开大会，部署明年的工作。" in sources[0].text


def run(store, *args):
    return CliRunner().invoke(cli, ["--store", str(store), *args])


def test_kg_build_news_jsonl_makes_one_article_per_line(tmp_path, news):
    res = run(tmp_path / "store", "build", str(news), "--out", str(tmp_path / "out"))
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0] == "Read 1 file(s): 2 articles, 92 characters (utf-8)."
    assert res.stderr.splitlines()[1] == f"Skipped {news} line 2: not JSON: Expecting property name enclosed in " \
                                         "double quotes"
    g = GraphStore.open_existing(tmp_path / "store").to_rdflib()
    articles = {str(next(g.objects(a, DCTERMS.identifier))): a for a in g.subjects(RDF.type, QDO.Article)}
    assert sorted(articles) == ["n1", "n2"]
    a1, a2 = articles["n1"], articles["n2"]
    assert set(g.objects(a1, DCTERMS.title)) == {Literal("临港新区产业园开园（更新）", lang="zh-Hans")}
    assert set(g.objects(a1, DCTERMS.date)) == {Literal("2023-07-19", datatype=XSD.date)}
    assert URIRef("https://e.example.cn/n1.html") in set(g.objects(a1, DCTERMS.source))
    assert set(g.objects(a1, DCTERMS.publisher)) == {Literal("东海日报")}
    assert set(g.objects(a2, DCTERMS.title)) == {Literal("南岸开发区签约", lang="zh-Hant")}
    assert Literal("2023-07-18", datatype=XSD.date) in set(g.objects(None, QDO.openedOn))


def test_kg_build_strict_exits_2_with_one_line(tmp_path, news):
    res = run(tmp_path / "store", "build", str(news), "--strict", "--out", str(tmp_path / "out"))
    assert res.exit_code == 2
    assert res.stderr == (f"Error: {news} line 1 is not an article (id 'n1' again on line 10; the later record is "
                          "kept): fix or remove it, or leave out --strict to skip it\n")
    assert not (tmp_path / "store").exists() and not (tmp_path / "out" / "qdkg.ttl").exists()


def test_reingesting_an_id_replaces_that_article(tmp_path):
    first = jsonl(tmp_path / "day1.jsonl", [PARK, DEAL])
    second = jsonl(tmp_path / "day2.jsonl", [PARK2, NEW])
    store, out = tmp_path / "store", tmp_path / "out"
    assert run(store, "build", str(first), "--out", str(out)).exit_code == 0
    res = run(store, "ingest", str(second), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("Ingested 1 file(s): 2 articles, ")
    res = run(store, "articles", "--format", "csv")
    assert [line.split(",")[1] for line in res.stdout.splitlines()[1:]] == ["n1", "n2", "n5"]
    fresh = jsonl(tmp_path / "all.jsonl", [PARK2, DEAL, NEW])
    assert run(tmp_path / "fresh", "build", str(fresh), "--out", str(tmp_path / "fresh-out")).exit_code == 0
    exported = [run(s, "export", "--format", "nt").stdout_bytes for s in (store, tmp_path / "fresh")]
    assert exported[0] == exported[1]
