"""kg.inputs.read (stage 1): decoding bytes into text with one-line, actionable errors, and expanding
input paths into a sorted, duplicate-free list of article files."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.inputs.read import decode, find_inputs, read_source
from kg.inputs.structure import parse

TEXT = "青岛日报2021年12月1日特1版\n市北:打造新高地\n市北区全面贯彻落实，推动发展。"
TEXT_HANT = "青島日報2021年12月1日特1版\n市北:打造新高地\n市北區全面貫徹落實，推動發展。"


def error_of(data: bytes, name: str = "art.txt", **kw) -> str:
    with pytest.raises(InputError) as info:
        decode(data, name, **kw)
    msg = str(info.value)
    assert "\n" not in msg, f"message must be one line: {msg!r}"
    assert info.value.exit_code == 2
    return msg


# ---- decode: the encodings we accept -----------------------------------------------------

def test_decode_plain_utf8():
    assert decode(TEXT.encode("utf-8"), "a.txt") == (TEXT, "utf-8")


def test_decode_utf8_bom_is_dropped_and_reported_as_utf8():
    text, enc = decode(codecs.BOM_UTF8 + TEXT_HANT.encode("utf-8"), "a.txt")
    assert text == TEXT_HANT
    assert not text.startswith("\ufeff")
    assert enc == "utf-8"


def test_utf8_bom_file_offsets_count_from_first_character_after_bom(tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes(codecs.BOM_UTF8 + TEXT_HANT.encode("utf-8"))
    src = read_source(f)
    assert src.text == TEXT_HANT and src.encoding == "utf-8"
    [art] = parse(src)
    # the edition line is recognised (a BOM in front of it would hide it)
    assert (art.edition, art.page, art.date) == ("青島日報", "特1", "2021-12-01")
    first = art.sentences[0]
    assert (first.start, first.end, first.text) == (18, 26, "市北:打造新高地")
    assert src.text[first.start:first.end] == first.text
    # same offsets as the BOM-less file
    plain = tmp_path / "plain.txt"
    plain.write_bytes(TEXT_HANT.encode("utf-8"))
    [art2] = parse(read_source(plain))
    assert [(s.start, s.end) for s in art2.sentences] == [(s.start, s.end) for s in art.sentences]


# regression test (bug fixed): decode(data, name, encoding='utf-8') keeps a UTF-8 BOM as U+FEFF at offset 0 (
def test_explicit_utf8_encoding_still_drops_the_bom():
    text, enc = decode(codecs.BOM_UTF8 + TEXT_HANT.encode("utf-8"), "a.txt", encoding="utf-8")
    assert text == TEXT_HANT
    assert enc == "utf-8"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    text, enc = decode(bom + TEXT_HANT.encode(codec), "a.txt")
    assert text == TEXT_HANT
    assert enc == "utf-16"


def test_read_source_utf16_file_has_digest_of_decoded_text(tmp_path):
    f8, f16 = tmp_path / "a8.txt", tmp_path / "a16.txt"
    f8.write_bytes(TEXT.encode("utf-8"))
    f16.write_bytes(TEXT.encode("utf-16"))
    s8, s16 = read_source(f8), read_source(f16)
    assert s16.text == s8.text == TEXT
    assert s16.digest == s8.digest and len(s8.digest) == 12
    assert (s16.name, s16.path, s16.encoding) == ("a16.txt", str(f16), "utf-16")


# regression test (bug fixed): decode() runs the NUL-byte binary check before looking at an explicit encoding
def test_explicit_utf16le_without_bom_decodes():
    assert decode(TEXT.encode("utf-16-le"), "a.txt", encoding="utf-16-le") == (TEXT, "utf-16-le")


# ---- decode: wrong encoding ------------------------------------------------------------

def test_gb18030_bytes_name_file_offset_and_fix():
    data = b"ABC\n" + b"\xff" + TEXT.encode("gb18030")  # undecodable in every candidate encoding at offset 4
    msg = error_of(data, "/in/news.txt")
    assert "/in/news.txt" in msg
    assert "offset 4" in msg
    assert "utf-8" in msg.lower()
    assert "--encoding" in msg and "gb18030" in msg


def test_gb18030_file_decodes_with_encoding_gb18030(tmp_path):
    f = tmp_path / "gb.txt"
    f.write_bytes(TEXT.encode("gb18030"))
    assert read_source(f).encoding == "gb18030"  # detected
    src = read_source(f, encoding="gb18030")
    assert src.text == TEXT
    assert src.encoding == "gb18030"
    [art] = parse(src)
    assert (art.district, art.edition, art.page) == ("市北区", "青岛日报", "特1")


def test_unknown_encoding_name():
    msg = error_of(TEXT.encode(), encoding="no-such-codec")
    assert "'no-such-codec'" in msg and "gb18030" in msg


# ---- decode: empty, blank and binary files --------------------------------------------

def test_empty_file():
    msg = error_of(b"", "empty.txt")
    assert msg == "empty.txt is empty: give a file with article text"


def test_whitespace_only_ascii():
    msg = error_of(b" \r\n\t \n", "blank.txt")
    assert msg.startswith("blank.txt is empty")


@pytest.mark.parametrize("data", ["\u3000\u3000\n".encode("utf-8"), " \n".encode("utf-16")],
                         ids=["ideographic-space", "utf16-space"])
def test_whitespace_only_after_decoding(data):
    msg = error_of(data, "blank.txt")
    assert msg == "blank.txt has only white space: give a file with article text"


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    "市南区\x00\x00\x00打造".encode("utf-8"),
    b"PK\x03\x04\x14\x00",
], ids=["png", "pdf", "nul-bytes", "zip"])
def test_binary_is_rejected_with_one_line(data):
    msg = error_of(data, "pic.txt")
    assert msg == "pic.txt is a binary file, not text: give a UTF-8 .txt article"


def test_read_source_binary_file_names_path(tmp_path):
    f = tmp_path / "scan.txt"
    f.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(InputError, match="scan.txt is a binary file"):
        read_source(f)


def test_read_source_unreadable_path(tmp_path):
    with pytest.raises(InputError) as info:
        read_source(tmp_path / "gone.txt")
    assert str(info.value).startswith(f"cannot read {tmp_path / 'gone.txt'}:")
    assert "\n" not in str(info.value)


# ---- find_inputs ------------------------------------------------------------------------

def make_tree(root: Path) -> None:
    for rel in ("b.txt", "a/z.txt", "a/c/y.TXT", "a/notes.md", "a/img.png", "d/x.txt"):
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("市南区。", encoding="utf-8")


def test_folder_expands_to_sorted_txt_files_recursively(tmp_path):
    make_tree(tmp_path)
    got = find_inputs([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in got] == ["a/c/y.TXT", "a/z.txt", "b.txt", "d/x.txt"]


def test_folder_given_as_string(tmp_path):
    make_tree(tmp_path)
    assert find_inputs([str(tmp_path / "d")]) == [tmp_path / "d" / "x.txt"]


def test_named_file_is_taken_whatever_its_suffix(tmp_path):
    make_tree(tmp_path)
    assert find_inputs([tmp_path / "a" / "notes.md"]) == [tmp_path / "a" / "notes.md"]


def test_missing_path(tmp_path):
    (tmp_path / "b.txt").write_text("市南区。", encoding="utf-8")
    missing = tmp_path / "nope"
    with pytest.raises(InputError) as info:
        find_inputs([tmp_path / "b.txt", missing])
    msg = str(info.value)
    assert msg.startswith(f"{missing} does not exist")
    assert "\n" not in msg and info.value.exit_code == 2


def test_folder_without_txt(tmp_path):
    (tmp_path / "only.md").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    with pytest.raises(InputError) as info:
        find_inputs([tmp_path])
    msg = str(info.value)
    assert msg.startswith(f"{tmp_path} holds no .txt articles")
    assert "\n" not in msg


def test_duplicates_removed_keeping_first_occurrence(tmp_path):
    make_tree(tmp_path)
    b, z = tmp_path / "b.txt", tmp_path / "a" / "z.txt"
    # the same file named directly, via its folder, and through a relative '..' detour
    detour = tmp_path / "a" / ".." / "b.txt"
    got = find_inputs([b, tmp_path / "a", tmp_path, detour, z])
    rel = [p.resolve().relative_to(tmp_path.resolve()).as_posix() for p in got]
    assert rel == ["b.txt", "a/c/y.TXT", "a/z.txt", "d/x.txt"]
    assert got[0] == b  # the path as first given


def test_seeds_folder():
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    assert [p.name for p in find_inputs([seeds])] == ["000_860cbca26c24b5e4.txt"]
