"""Stage 3: segmentation. jieba's POS tagger runs on the OpenCC-Simplified text (it is both
faster and better there); tokens carry offsets into the source, which has the same length.

A `Segmenter` is passed to the rules that read tokens and word counts, so a test can give
them a fake and a user can swap the tagger; `default_segmenter()` is the shared jieba one,
initialised once per process (quietly, no downloads), as jieba's own default Tokenizer."""
from __future__ import annotations

import logging
import threading

from kg.model import Token


class Segmenter:
    """POS-tagged tokens of Simplified text and the dictionary's word counts. `tagger` is a
    jieba.posseg POSTokenizer (or anything with the same `cut` and `tokenizer.FREQ`)."""

    def __init__(self, tagger=None):
        self._tagger = tagger
        self._lock = threading.Lock()

    @property
    def tagger(self):
        with self._lock:
            if self._tagger is None:
                import jieba
                import jieba.posseg as posseg

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                self._tagger = posseg.dt
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
    """The process-wide jieba segmenter."""
    return _default
