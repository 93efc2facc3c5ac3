"""What the mention rules share: the Span they return, token lookups, and the character
classes, suffixes and part-of-speech sets they test against."""
from __future__ import annotations

import re
from dataclasses import dataclass

from kg.nlp import lexicon as L
from kg.nlp.gazetteer import DISTRICT_FORMS, trie_regex
from kg.model import Token

PUNCT = set("，,。；;：:！!？?、\n\t ")
OPEN_CLOSE = {"“": "”", "（": "）", "(": ")", "《": "》", "「": "」"}
CLOSE_OPEN = {v: k for k, v in OPEN_CLOSE.items()}
PROPER_POS = {"ns", "nr", "nrt", "nrfg", "nt", "nz", "eng", "j"}
SUFFIXES = sorted(L.SUFFIX_TYPES, key=len, reverse=True)
SUFFIX_RE = re.compile("|".join(re.escape(s) for s in SUFFIXES))
MAX_NAME = 32
PLACE_START_RE = re.compile(trie_regex(f for f in DISTRICT_FORMS if len(f) >= 2))
SUFFIX_END_RE = re.compile("(" + "|".join(re.escape(x) for x in SUFFIXES if len(x) >= 2) + ")$")


@dataclass
class Span:
    start: int
    end: int
    types: tuple[str, ...]
    rule: str
    confidence: float
    canonical: str | None = None  # set for districts: the canonical Simplified name


def tok_index(tokens: list[Token]) -> tuple[dict[int, int], dict[int, int]]:
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    return starts, ends


def token_at(tokens: list[Token], pos: int) -> int:
    for i, t in enumerate(tokens):
        if t.start <= pos < t.end:
            return i
    return len(tokens) - 1


NOMINAL_POS = {"n", "nz", "ns", "nt", "nr", "nrt", "nrfg", "ng", "eng", "j", "l", "an", "b", "s", "vn", "zg"}
GOVERNING_ENDINGS = tuple(v for v in L.GOVERNING_VERBS - L.NAME_VERBS if len(v) >= 2)
AMBIGUOUS_VERBS = {"建设", "推进", "发展", "改革", "规划", "服务", "管理", "联合", "合作"}
TIME_RE = re.compile(r"(年|月|日|今年|去年|明年|目前|近年来|当前|以来|期间|时期|上半年|下半年)$")
STOP_POS = {"p", "c", "u", "uj", "ul", "uz", "ug", "ud", "uv", "r", "t", "f", "q", "y", "e", "o", "zg", "d", "ad"}
