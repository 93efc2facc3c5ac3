"""Stage 3: segmentation. The POS tagger runs on the OpenCC-Simplified text (it is both
faster and better there); tokens carry offsets into the source, which has the same length.

The tagger is jieba-rs (`rjieba`: jieba's dictionary and tag set, about 30 times faster than
jieba.posseg here); where rjieba is not installed, jieba.posseg itself. Word counts come from
jieba's dictionary file either way.

A `Segmenter` is passed to the rules that read tokens and word counts, so a test can give
them a fake and a user can swap the tagger; `default_segmenter()` is the shared one,
initialised once per process (quietly, no downloads), as jieba's own default Tokenizer."""
from __future__ import annotations

import logging
import threading
from collections import namedtuple
from pathlib import Path

from kg.model import Token

Pair = namedtuple("Pair", "word flag")


class RustTagger:
    """jieba-rs through `rjieba`, shaped like jieba.posseg's tokenizer (`cut`, `tokenizer.FREQ`)."""

    def __init__(self):
        import rjieba

        self._tag = rjieba.tag
        self._freq: dict[str, int] | None = None

    def cut(self, text: str):
        return [Pair(w, f) for w, f in self._tag(text)]

    @property
    def tokenizer(self):
        return self

    @property
    def FREQ(self) -> dict[str, int]:
        if self._freq is None:
            self._freq = _dictionary_counts()
        return self._freq


def _dictionary_counts() -> dict[str, int]:
    """jieba's dictionary (word count tag per line) as word -> count."""
    import jieba

    text = (Path(jieba.__file__).parent / "dict.txt").read_text(encoding="utf-8")
    parts = text.split()
    try:  # the shipped file: three fields on every line (twice as fast as reading line by line)
        if len(parts) % 3 == 0:
            return dict(zip(parts[0::3], map(int, parts[1::3])))
    except ValueError:
        pass
    counts = {}
    for line in text.splitlines():
        fields = line.split(" ", 2)
        if len(fields) >= 2:
            counts[fields[0]] = int(fields[1])
    return counts


def _default_tagger():
    try:
        return RustTagger()
    except ImportError:
        import jieba
        from jieba import posseg

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        return posseg.dt


class Segmenter:
    """POS-tagged tokens of Simplified text and the dictionary's word counts. `tagger` is a
    RustTagger, a jieba.posseg POSTokenizer, or anything with the same `cut` and
    `tokenizer.FREQ`."""

    def __init__(self, tagger=None):
        self._tagger = tagger
        self._lock = threading.Lock()

    @property
    def tagger(self):
        with self._lock:
            if self._tagger is None:
                self._tagger = _default_tagger()
        return self._tagger

    def tokens(self, simplified: str, offset: int = 0) -> list[Token]:
        """POS-tagged tokens of a Simplified sentence, offsets shifted by `offset`."""
        out: list[Token] = []
        pos = 0
        for pair in self.tagger.cut(simplified):
            w = pair.word
            out.append(Token(word=w, pos=pair.flag, start=offset + pos, end=offset + pos + len(w)))
            pos += len(w)
        return out

    def words(self, text: str) -> list[str]:
        return [p.word for p in self.tagger.cut(text)]

    def frequency(self, word: str) -> int:
        """The dictionary count of a word (0 when unknown): a cheap 'is this a common word' test."""
        tokenizer = getattr(self.tagger, "tokenizer", None)
        return tokenizer.FREQ.get(word, 0) if tokenizer is not None else 0


_default = Segmenter()


def default_segmenter() -> Segmenter:
    """The process-wide segmenter."""
    return _default
