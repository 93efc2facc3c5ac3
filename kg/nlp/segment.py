"""Stage 3: segmentation. jieba's POS tagger runs on the OpenCC-Simplified text (it is both
faster and better there); tokens carry offsets into the source, which has the same length."""
from __future__ import annotations

import logging
import threading

from kg.model import Token

_lock = threading.Lock()
_tagger = None


def tagger():
    """The jieba POS tokenizer, initialised once per process (quietly, no downloads)."""
    global _tagger
    with _lock:
        if _tagger is None:
            import jieba
            import jieba.posseg as posseg

            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _tagger = posseg.dt
    return _tagger


def tokens(simplified: str, offset: int = 0) -> list[Token]:
    """POS-tagged tokens of a Simplified sentence, offsets shifted by `offset`."""
    out: list[Token] = []
    pos = 0
    for pair in tagger().cut(simplified):
        w, flag = pair.word, pair.flag
        out.append(Token(word=w, pos=flag, start=offset + pos, end=offset + pos + len(w)))
        pos += len(w)
    return out


def word_frequency(word: str) -> int:
    """jieba's dictionary count of a word (0 when unknown): a cheap 'is this a common word' test."""
    return tagger().tokenizer.FREQ.get(word, 0) if hasattr(tagger(), "tokenizer") else 0
