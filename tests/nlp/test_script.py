"""kg.nlp.script: OpenCC Traditional <-> Simplified conversion that keeps every character at its
offset (the extractor maps Simplified spans back to the source by position), and script
detection."""
from __future__ import annotations

from pathlib import Path

import pytest

import kg.nlp.script as script
from kg.inputs.read import read_source
from kg.nlp.script import detect_script, to_simplified, to_traditional

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_860cbca26c24b5e4.txt"

HANT = "市南區全面貫徹落實習近平總書記對青島工作的重要指示要求,把改革作為推進市南再次創業、重鑄輝煌的關鍵一招。"
HANS = "市南区全面贯彻落实习近平总书记对青岛工作的重要指示要求,把改革作为推进市南再次创业、重铸辉煌的关键一招。"


@pytest.fixture(scope="module")
def seed_text() -> str:
    return read_source(SEED).text


def test_seed_to_simplified_keeps_length_and_lines(seed_text):
    simp = to_simplified(seed_text)
    assert len(simp) == len(seed_text) == 31456
    assert simp.count("\n") == seed_text.count("\n")
    # line breaks at exactly the same offsets
    assert [i for i, c in enumerate(simp) if c == "\n"] == [i for i, c in enumerate(seed_text) if c == "\n"]
    assert simp.startswith("\n青岛日报2021年12月1日特1版\n")
    assert "市南:打造青岛建设现代化国际大都市的样板区" in simp
    assert simp != seed_text


def test_seed_round_trip_keeps_length(seed_text):
    back = to_traditional(to_simplified(seed_text))
    assert len(back) == len(seed_text)
    assert back.startswith("\n青島日報2021年12月1日特1版\n")


def test_spans_map_back_by_offset(seed_text):
    simp = to_simplified(seed_text)
    i = simp.index("市南区")
    assert seed_text[i:i + 3] == "市南區"
    j = simp.index("冲击钻")
    assert seed_text[j:j + 3] == "沖擊鉆"


@pytest.mark.parametrize("hans, hant", [
    ("头发", "頭髮"),  # phrase: 发 -> 髮, not the single-character default 發
    ("理发店", "理髮店"),
    ("干燥", "乾燥"),
    ("我干了一杯", "我幹了一杯"),
    ("联系", "聯繫"),
    ("只有一只", "只有一隻"),
    ("后来", "後來"),
    ("皇后", "皇后"),
    ("面条", "麪條"),
])
def test_to_traditional_phrases(hans, hant):
    out = to_traditional(hans)
    assert out == hant
    assert len(out) == len(hans)


@pytest.mark.parametrize("hant, hans", [
    ("乾隆", "乾隆"),  # phrase keeps 乾 where 乾燥 -> 干燥
    ("乾燥", "干燥"),
    ("瞭解", "了解"),
    ("頭髮", "头发"),
    ("計畫", "计划"),
    ("於是", "于是"),
    ("週末", "周末"),
    ("沖擊鉆", "冲击钻"),
])
def test_to_simplified_phrases(hant, hans):
    out = to_simplified(hant)
    assert out == hans
    assert len(out) == len(hant)


def test_mixed_text_keeps_length():
    text = "乾隆年間,頭髮理髮店\r\n2021年12月1日 RCEP 𠮷野家 豈\u3000市南區。\n"
    for conv in (to_simplified, to_traditional):
        out = conv(text)
        assert len(out) == len(text)
        assert out.endswith("\n") and "\r\n" in out and "RCEP" in out and "𠮷" in out


def test_empty_string():
    assert to_simplified("") == "" and to_traditional("") == ""


class _Expanding:
    """A stand-in converter whose phrase rule changes length: 'AB' -> 'XYZ' (as OpenCC could),
    single characters A -> a, B -> b."""

    def convert(self, text: str) -> str:
        return text.replace("AB", "XYZ").replace("A", "a").replace("B", "b")


def test_length_changing_phrase_falls_back_to_characters_on_that_line_only(monkeypatch):
    monkeypatch.setattr(script, "_converter", lambda config: _Expanding())
    text = "A1\nxxAByy\nBA\n"
    out = script.to_simplified(text)
    assert len(out) == len(text)
    # line 2 is converted character by character; the other lines keep the whole-line result
    assert out == "a1\nxxabyy\nba\n"


def test_multi_character_single_char_output_is_left_unconverted(monkeypatch):
    class Wide:
        def convert(self, text: str) -> str:
            return text.replace("W", "VV")

    monkeypatch.setattr(script, "_converter", lambda config: Wide())
    assert script.to_traditional("aWb\nW") == "aWb\nW"


# ---- detect_script ----------------------------------------------------------------------

def test_detect_seed_is_traditional(seed_text):
    assert detect_script(seed_text) == "zh-Hant"


def test_detect_simplified_seed(seed_text):
    assert detect_script(to_simplified(seed_text)) == "zh-Hans"


@pytest.mark.parametrize("text, expected", [
    (HANT, "zh-Hant"),
    (HANS, "zh-Hans"),
    ("青島日報", "zh-Hant"),
    ("青岛日报", "zh-Hans"),
    ("RCEP 2021 hello", "zh-Hans"),  # nothing to convert: default
    ("", "zh-Hans"),
])
def test_detect_script_samples(text, expected):
    assert detect_script(text) == expected


def test_detect_script_looks_at_the_beginning():
    # 5000 Simplified characters first decide it, whatever follows
    assert detect_script("发展" * 2500 + HANT * 100) == "zh-Hans"
    assert detect_script(HANT * 60) == "zh-Hant"
