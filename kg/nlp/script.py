"""Traditional <-> Simplified conversion (OpenCC), loaded once, offset-preserving.

The extractor works on Simplified text and maps spans back to the source by offset, so the
conversion must keep every character at its position. OpenCC's t2s is one character to one
character on almost all text; where a phrase rule changes the length, that stretch is
converted character by character instead (checked, never assumed).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc


@lru_cache(maxsize=None)
def _converter(config: str) -> "opencc.OpenCC":
    return opencc.OpenCC(config)


def _aligned(text: str, config: str) -> str:
    cc = _converter(config)
    out = cc.convert(text)
    if len(out) == len(text):
        return out
    pieces = []
    for line in text.splitlines(keepends=True):
        conv = cc.convert(line)
        if len(conv) != len(line):
            conv = "".join(c2 if len(c2 := cc.convert(ch)) == 1 else ch for ch in line)
        pieces.append(conv)
    return "".join(pieces)


def to_simplified(text: str) -> str:
    """Simplified text of the same length as `text`."""
    return _aligned(text, "t2s")


def to_traditional(text: str) -> str:
    """Traditional text of the same length as `text`."""
    return _aligned(text, "s2t")


def detect_script(text: str) -> str:
    """'zh-Hant' if converting to Simplified changes the text noticeably, else 'zh-Hans'."""
    sample = text[:5000]
    changed = sum(1 for a, b in zip(sample, to_simplified(sample)) if a != b)
    back = sum(1 for a, b in zip(sample, to_traditional(sample)) if a != b)
    return "zh-Hant" if changed > back else "zh-Hans"


# what a name's resolution key drops: white space, quotes, brackets, punctuation
NAME_NOISE = re.compile(r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】·・,，、.。:：;；!！?？]")


def normalise(name: str) -> str:
    """Resolution key of a (Simplified) name: NFKC, no quotes/brackets/spaces, Latin lower-cased."""
    return NAME_NOISE.sub("", unicodedata.normalize("NFKC", name)).lower()
