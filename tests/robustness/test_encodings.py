"""Encodings of real-world Chinese news files: GB18030/GBK and Big5 are detected (not only
UTF-8), BOMs are honoured, damaged bytes give a one-line error with the byte offset (or are
replaced on request), and an explicit encoding always wins."""
from __future__ import annotations

import codecs

import pytest

from kg.errors import InputError
from kg.inputs.read import decode, read_source
from kg.inputs.structure import parse

SIMPLIFIED = (
    "青岛日报2021年12月1日第3版\n"
    "市北：打造国际航运贸易金融创新中心\n"
    "近年来，市北区全面贯彻落实新发展理念，把改革作为推动高质量发展的关键一招，"
    "紧紧围绕制约区域经济社会发展的堵点、难点强力攻坚。\n"
    "今年以来，市北区累计引进重点项目86个，总投资超过500亿元，青岛国际航运中心相继落地。\n"
    "市北区与中国远洋海运集团有限公司签署战略合作协议，共建数字化服务平台。\n")
TRADITIONAL = (
    "青島日報2021年12月1日特1版\n"
    "市南：打造青島建設現代化國際大都市的樣板區\n"
    "近年來，市南區全面貫徹落實習近平總書記對青島工作的重要指示要求，把改革作為推進市南再次創業、"
    "重鑄輝煌的關鍵一招，緊緊圍繞制約區域經濟社會發展的堵點、難點強力攻堅。\n"
    "用改革的「衝擊鑽」破瓶頸，用創新的「動力源」謀發展，全面實施七大提升工程、八大突破行動。\n"
    "市南區與青島港國際股份有限公司簽署戰略合作協議，共建國際航運服務平台。\n")

# (label, text, codec used to write the file, encoding read_source must report)
CASES = [
    ("simplified-gb18030", SIMPLIFIED, "gb18030", "gb18030"),
    ("simplified-gbk", SIMPLIFIED, "gbk", "gb18030"),  # GB18030 is a superset of GBK
    ("simplified-gb2312", SIMPLIFIED, "gb2312", "gb18030"),
    ("traditional-big5", TRADITIONAL, "big5", "big5"),
    ("traditional-gb18030", TRADITIONAL, "gb18030", "gb18030"),
    ("traditional-gbk", TRADITIONAL, "gbk", "gb18030"),
    ("simplified-utf8", SIMPLIFIED, "utf-8", "utf-8"),
    ("traditional-utf8", TRADITIONAL, "utf-8", "utf-8"),
    ("simplified-utf8-bom", SIMPLIFIED, "utf-8-sig", "utf-8"),
    ("traditional-utf8-bom", TRADITIONAL, "utf-8-sig", "utf-8"),
    ("simplified-utf16-bom", SIMPLIFIED, "utf-16", "utf-16"),
    ("traditional-utf16le-bom", TRADITIONAL, "utf-16-le+bom", "utf-16"),
    ("traditional-utf16be-bom", TRADITIONAL, "utf-16-be+bom", "utf-16"),
    ("simplified-utf32-bom", SIMPLIFIED, "utf-32", "utf-32"),
]


def encode(text: str, codec: str) -> bytes:
    if codec == "utf-16-le+bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if codec == "utf-16-be+bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(codec)  # strict: the fixture must be representable


def one_line_error(fn, *args, **kw) -> str:
    with pytest.raises(InputError) as info:
        fn(*args, **kw)
    msg = str(info.value)
    assert "\n" not in msg, msg
    assert info.value.exit_code == 2
    return msg


@pytest.mark.parametrize("label,text,codec,reported", CASES, ids=[c[0] for c in CASES])
def test_detected_and_decoded(tmp_path, label, text, codec, reported):
    data = encode(text, codec)
    assert decode(data, f"{label}.txt") == (text, reported)
    f = tmp_path / f"{label}.txt"
    f.write_bytes(data)
    src = read_source(f)
    assert (src.text, src.encoding) == (text, reported)
    assert not src.text.startswith("\ufeff")
    # the digest is that of the decoded text, whatever the bytes on disk
    plain = tmp_path / "plain.txt"
    plain.write_bytes(text.encode("utf-8"))
    assert src.digest == read_source(plain).digest


@pytest.mark.parametrize("text,codec", [(SIMPLIFIED, "gb18030"), (TRADITIONAL, "big5")], ids=["gb18030", "big5"])
def test_detected_file_parses_like_utf8(tmp_path, text, codec):
    f = tmp_path / "legacy.txt"
    f.write_bytes(text.encode(codec))
    [art] = parse(read_source(f))
    u = tmp_path / "utf8.txt"
    u.write_text(text, encoding="utf-8")
    [ref] = parse(read_source(u))
    assert (art.edition, art.date, art.district) == (ref.edition, ref.date, ref.district)
    assert art.edition in ("青岛日报", "青島日報") and art.date == "2021-12-01"
    assert [(s.start, s.end, s.text) for s in art.sentences] == [(s.start, s.end, s.text) for s in ref.sentences]


@pytest.mark.parametrize("text,codec", [(SIMPLIFIED, "gb18030"), (TRADITIONAL, "big5")], ids=["gb18030", "big5"])
def test_single_paragraph_detected(text, codec):
    para = text.splitlines()[2]
    assert decode(para.encode(codec), "p.txt") == (para, codec)


# ---- damaged bytes -----------------------------------------------------------------------

def damaged(text: str, codec: str, at_char: int) -> tuple[bytes, int]:
    """`text` encoded, with a 0xFF byte (invalid in every candidate) inserted before character
    `at_char`; returns the bytes and the byte offset of the bad byte."""
    head, tail = text[:at_char].encode(codec), text[at_char:].encode(codec)
    return head + b"\xff" + tail, len(head)


@pytest.mark.parametrize("text,codec", [
    (SIMPLIFIED, "gb18030"), (TRADITIONAL, "big5"), (TRADITIONAL, "gb18030"), (SIMPLIFIED, "utf-8")],
    ids=["gb18030", "big5", "traditional-gb18030", "utf-8"])
@pytest.mark.parametrize("at_char", [60, 150])
def test_undecodable_byte_names_file_offset_and_fixes(tmp_path, text, codec, at_char):
    data, offset = damaged(text, codec, at_char)
    f = tmp_path / "news.txt"
    f.write_bytes(data)
    msg = one_line_error(read_source, f)
    assert str(f) in msg
    assert f"offset {offset}" in msg
    assert f"not valid {codec}" in msg  # the encoding the rest of the file is in
    assert "--encoding" in msg and "--errors replace" in msg


@pytest.mark.parametrize("text,codec", [
    (SIMPLIFIED, "gb18030"), (TRADITIONAL, "big5"), (SIMPLIFIED, "utf-8")], ids=["gb18030", "big5", "utf-8"])
def test_errors_replace_decodes_damaged_file(tmp_path, text, codec):
    data, _ = damaged(text, codec, 60)
    f = tmp_path / "news.txt"
    f.write_bytes(data)
    src = read_source(f, errors="replace")
    assert src.encoding == codec
    assert src.text.count("\ufffd") == 1
    assert src.text.replace("\ufffd", "") == text
    [art] = parse(src)
    assert all(src.text[s.start:s.end] == s.text for s in art.sentences)


def test_errors_replace_on_clean_file_changes_nothing():
    data = SIMPLIFIED.encode("gb18030")
    assert decode(data, "a.txt", errors="replace") == decode(data, "a.txt") == (SIMPLIFIED, "gb18030")


def test_unknown_errors_mode():
    msg = one_line_error(decode, SIMPLIFIED.encode(), "a.txt", errors="ignore")
    assert "'ignore'" in msg and "replace" in msg


def test_bytes_no_candidate_fits():
    # valid in none of UTF-8, GB18030, Big5
    data = "市北区".encode("utf-8") + b"\xff\xfe\xfd" * 5 + "发展".encode("utf-8")
    msg = one_line_error(decode, data, "junk.txt")
    assert msg.startswith("junk.txt is not valid utf-8 (undecodable byte at offset 9)")
    text, enc = decode(data, "junk.txt", errors="replace")
    assert enc == "utf-8" and text.startswith("市北区") and text.endswith("发展")


@pytest.mark.parametrize("data", [
    "Café naïve résumé, déjà vu.".encode("latin-1"),
    "Привет, мир! Это тест.".encode("koi8-r"),
    "こんにちは、世界。テストです。".encode("shift_jis"),
], ids=["latin-1", "koi8-r", "shift-jis"])
def test_detection_never_guesses_exotic_codecs(data):
    try:
        _, enc = decode(data, "x.txt")
    except InputError as exc:
        msg = str(exc)
        assert "not valid utf-8" in msg or "not valid gb18030" in msg or "not valid big5" in msg, msg
        return
    assert enc in ("gb18030", "big5")


# ---- explicit encoding -------------------------------------------------------------------

def test_explicit_encoding_overrides_detection():
    data = TRADITIONAL.encode("big5")
    assert decode(data, "a.txt") == (TRADITIONAL, "big5")
    # Big5 bytes are also valid GB18030 (as nonsense): an explicit encoding is obeyed, not second-guessed
    text, enc = decode(data, "a.txt", encoding="gb18030")
    assert enc == "gb18030" and text == data.decode("gb18030") and text != TRADITIONAL


def test_explicit_encoding_applies_to_valid_utf8_too():
    data = SIMPLIFIED.encode("utf-8")
    text, enc = decode(data, "a.txt", encoding="latin-1")
    assert (text, enc) == (data.decode("latin-1"), "latin-1")


def test_explicit_encoding_that_does_not_fit(tmp_path):
    f = tmp_path / "gb.txt"
    f.write_bytes(SIMPLIFIED.encode("gb18030"))
    msg = one_line_error(read_source, f, encoding="utf-8")
    assert msg.startswith(f"{f} is not valid utf-8 (undecodable byte at offset 0)")
    assert "--encoding" in msg and "--errors replace" in msg
    src = read_source(f, encoding="utf-8", errors="replace")
    assert src.encoding == "utf-8" and "\ufffd" in src.text


def test_explicit_encoding_big5(tmp_path):
    f = tmp_path / "b5.txt"
    f.write_bytes(TRADITIONAL.encode("big5"))
    src = read_source(f, encoding="big5")
    assert (src.text, src.encoding) == (TRADITIONAL, "big5")


def test_unknown_explicit_encoding():
    msg = one_line_error(decode, SIMPLIFIED.encode(), "a.txt", encoding="gb-nope")
    assert "'gb-nope'" in msg


def test_html_page_in_gb2312_by_meta_charset():
    page = ('<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            '<title>标题</title></head><body><h1>市北：打造国际航运贸易金融创新中心</h1>'
            '<p>市北区全面贯彻落实新发展理念。</p></body></html>')
    text, enc = decode(page.encode("gb2312"), "page.html")
    assert enc == "gb18030 (html)"
    assert text == "市北：打造国际航运贸易金融创新中心\n市北区全面贯彻落实新发展理念。"
