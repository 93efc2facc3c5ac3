"""Messy input folders: files that are not articles are skipped with a one-line reason (or
refused with strict=True), saved HTML pages are reduced to their text, and many or large
files are read one at a time in bounded memory."""
from __future__ import annotations

import codecs
import tracemalloc
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.inputs.html import read_page
from kg.inputs.read import Skipped, decode, find_inputs, read_inputs, read_source
from kg.inputs.structure import parse

DATA = Path(__file__).parent / "data"
ARTICLE = ("青岛日报2021年12月1日第3版\n市北：打造国际航运贸易金融创新中心\n"
           "近年来，市北区全面贯彻落实新发展理念，推动高质量发展。\n")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256))


def messy_folder(root: Path) -> Path:
    folder = root / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(" \r\n\t\n".encode() + "\u3000\u3000\n".encode("utf-8"))
    (folder / "photo.txt").write_bytes(PNG)  # mis-named downloads
    (folder / "scan.txt").write_bytes(PDF)
    (folder / "bundle.htm").write_bytes(ZIP)
    (folder / "image.png").write_bytes(PNG)  # not an article suffix: never looked at
    return folder


def test_messy_folder_skips_non_articles_with_reasons(tmp_path):
    folder = messy_folder(tmp_path)
    sources, skipped = read_inputs([folder])
    assert [s.name for s in sources] == ["good.txt"]
    assert sources[0].text == ARTICLE and sources[0].encoding == "utf-8"
    assert all(isinstance(s, Skipped) for s in skipped)
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert set(reasons) == {"empty.txt", "blank.txt", "photo.txt", "scan.txt", "bundle.htm"}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.txt"] == "only white space"
    assert "PNG" in reasons["photo.txt"] and "PDF" in reasons["scan.txt"] and "zip" in reasons["bundle.htm"]
    for s in skipped:
        assert s.reason and "\n" not in s.reason and "\n" not in str(s)
        assert str(s) == f"{s.path}: {s.reason}"


def test_messy_folder_strict_raises_one_line(tmp_path):
    folder = messy_folder(tmp_path)
    with pytest.raises(InputError) as info:
        read_inputs([folder], strict=True)
    msg = str(info.value)
    assert "\n" not in msg and info.value.exit_code == 2
    assert str(folder / "blank.txt") in msg  # the first skip in sorted order
    assert "--strict" in msg


def test_nothing_readable(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"")
    (folder / "b.txt").write_bytes(PDF)
    with pytest.raises(InputError) as info:
        read_inputs([folder])
    msg = str(info.value)
    assert msg.startswith(f"no readable articles in {folder}")
    assert "a.txt: empty file" in msg and "\n" not in msg


def test_undecodable_text_is_an_error_not_a_skip(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    head, tail = ARTICLE[:30].encode("gb18030"), ARTICLE[30:].encode("gb18030")
    (folder / "bad.txt").write_bytes(head + b"\xff" + tail)
    with pytest.raises(InputError, match=rf"bad\.txt is not valid gb18030 \(undecodable byte at offset {len(head)}\)"):
        read_inputs([folder])
    sources, skipped = read_inputs([folder], errors="replace")
    assert [s.name for s in sources] == ["bad.txt", "good.txt"] and skipped == []
    assert sources[0].text.count("\ufffd") == 1


def test_explicit_encoding_passed_through(tmp_path):
    f = tmp_path / "b5.txt"
    f.write_bytes("市南區全面貫徹落實。".encode("big5"))
    [src], _ = read_inputs([f], encoding="big5")
    assert (src.text, src.encoding) == ("市南區全面貫徹落實。", "big5")
    with pytest.raises(InputError, match="unknown encoding 'nope'"):
        read_inputs([f], encoding="nope")


def test_missing_path_is_still_an_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_inputs([tmp_path / "nope"])


# ---- HTML ---------------------------------------------------------------------------------

HEADLINE = "市北：打造国际航运贸易金融创新中心"
PARAGRAPHS = [
    "近年来，市北区全面贯彻落实新发展理念，把改革作为推动高质量发展的关键一招，紧紧围绕制约区域发展的堵点、难点强力攻坚。",
    "今年以来，市北区累计引进重点项目86个，总投资超过500亿元；青岛国际航运中心、中国（山东）自由贸易试验区青岛片区合作园区相继落地。",
    "市北区与中国远洋海运集团有限公司签署战略合作协议，共建“航运&贸易”数字化服务平台。",
    "下一步，市北区将持续优化营商环境，推动新旧动能转换，努力建设现代化国际大都市中心城区。",
]


def test_saved_page_text():
    src = read_source(DATA / "saved-page.html")
    assert src.encoding == "utf-8 (html)"
    lines = src.text.split("\n")
    assert lines[0] == HEADLINE
    for p in PARAGRAPHS:
        assert p in lines
    for junk in ("脚本", "样式表", "_hmt", "font-family", "青岛新闻网", "首页", "版权所有", "相关新闻",
                 "当前位置", "&nbsp;", "&amp;", "\xa0", "<", ">"):
        assert junk not in src.text, junk
    assert "航运&贸易" in src.text  # &amp; unescaped
    assert "责任编辑：王 磊" in lines  # &nbsp; became a space


def test_saved_page_offsets_slice_back():
    src = read_source(DATA / "saved-page.html")
    [art] = parse(src)
    assert art.title == HEADLINE and art.district == "市北区"
    assert art.sentences[0].kind == "headline" and art.sentences[0].text == HEADLINE
    texts = [s.text for s in art.sentences]
    assert "今年以来，市北区累计引进重点项目86个，总投资超过500亿元；" in texts
    for s in art.sentences:
        assert src.text[s.start:s.end] == s.text
    for b in art.blocks:
        assert src.text[b.start:b.end] == b.text


def test_folder_takes_html_pages(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.html").write_bytes((DATA / "saved-page.html").read_bytes())
    (tmp_path / "c.HTM").write_text("<p>市南区召开大会。</p>", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text(ARTICLE, encoding="utf-8")
    assert [p.name for p in find_inputs([tmp_path])] == ["a.txt", "b.html", "c.HTM"]
    sources, skipped = read_inputs([tmp_path])
    assert [s.encoding for s in sources] == ["utf-8", "utf-8 (html)", "utf-8 (html)"]
    assert sources[2].text == "市南区召开大会。" and skipped == []


def test_html_sniffed_in_txt_file_and_utf16(tmp_path):
    page = "<!doctype html>\n<html><body><h1>标题</h1><p>第一段。</p><p>第二段。</p></body></html>"
    f = tmp_path / "page.txt"
    f.write_text(page, encoding="utf-8")
    assert (read_source(f).text, read_source(f).encoding) == ("标题\n第一段。\n第二段。", "utf-8 (html)")
    assert decode(codecs.BOM_UTF16_LE + page.encode("utf-16-le"), "p.txt") == ("标题\n第一段。\n第二段。",
                                                                             "utf-16 (html)")


def test_html_page_without_text_is_skipped(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.html").write_text("<html><head><title>x</title><script>var a;</script></head><body></body></html>",
                                     encoding="utf-8")
    sources, skipped = read_inputs([tmp_path])
    assert [s.name for s in sources] == ["a.txt"]
    assert [(Path(s.path).name, s.reason) for s in skipped] == [("b.html", "HTML page without text")]


@pytest.mark.parametrize("html,text", [
    ("<p>第一行<br>第二行<br/>第三行</p>", "第一行\n第二行\n第三行"),
    ("<table><tr><th>项目</th><th>投资</th></tr><tr><td>一期</td><td>5亿元</td></tr></table>", "项目 投资\n一期 5亿元"),
    ("<p>市北区全面\n    贯彻落实</p><p>A\nB</p>", "市北区全面贯彻落实\nA B"),  # CJK line wrap is no space
    ("<p>&lt;tag&gt; &#20013;&#x6587; &quot;q&quot; &copy;</p>", "<tag> 中文 \"q\" ©"),
    ("<div>可见<span style='display: none'>隐藏</span><div hidden>也隐藏<div>嵌套</div></div>尾</div>", "可见尾"),
    ("<html><head><title>T</title><p>没有 body 的正文</p>", "T\n没有 body 的正文"),  # unclosed <head>
    ("<nav>只有导航，没有关闭", "只有导航，没有关闭"),  # boilerplate is dropped only when something else is left
    ("<script>if (a < b) { x = '</p>'; }</script><p>正文</p>", "正文"),
    ("<!-- 注释 --><p>正文<!-- 注释 --></p>", "正文"),
    ("<?xml version='1.0' encoding='utf-8'?><html><body><p>正文。</p></body></html>", "正文。"),
    ("<!-- 只有注释 -->", ""),
])
def test_html_to_text(html, text):
    assert read_page(html)[0] == text


# ---- many and large files -------------------------------------------------------------------

def test_10k_small_files(tmp_path):
    root = tmp_path / "many"
    for d in range(10):
        sub = root / f"d{d}"
        sub.mkdir(parents=True)
        for i in range(1000):
            (sub / f"{i:04d}.txt").write_bytes(f"市北区第{d}{i:04d}号项目开工。".encode("utf-8"))
    (root / "d0" / "0000.txt").write_bytes(b"")
    sources, skipped = read_inputs([root])
    assert len(sources) == 9999 and [Path(s.path).name for s in skipped] == ["0000.txt"]
    assert sources[0].name == "0001.txt" and sources[-1].text == "市北区第90999号项目开工。"


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
def test_10mb_single_line_file_bounded_memory(tmp_path, codec):
    unit = "市北区全面贯彻落实新发展理念,推动高质量发展,总投资500亿元;"
    size = 10_000_000
    reps = size // len(unit.encode(codec)) + 1
    text = unit * reps
    data = text.encode(codec)
    f = tmp_path / "big.txt"
    f.write_bytes(data)
    del data
    tracemalloc.start()
    try:
        src = read_source(f)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert src.encoding == codec and len(src.text) == len(text) and src.text == text
    assert peak < 5 * f.stat().st_size, f"peak {peak / f.stat().st_size:.1f}x the file size"
