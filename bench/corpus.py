"""A synthetic archive for the benchmarks, made from the seed file.

The seed holds four newspaper pages, each opening with an edition line such as
`青島日報2021年12月1日特1版`. Article i of the corpus is page i % 4 with its edition date moved
i // 4 days later, so dates differ while districts, parks and firms recur as they would in a
real archive. Half of the articles are converted to Simplified Chinese (OpenCC, via
`kg.nlp.script.to_simplified`) so both scripts go through the pipeline; which half alternates
from day to day, so every page appears in both scripts. One article per UTF-8 `.txt` file.
The output depends only on `n` and the seed text.
"""
from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kg.nlp.script import to_simplified  # noqa: E402
from kg.inputs.structure import EDITION_RE  # noqa: E402

SEED = ROOT / "seeds" / "000_860cbca26c24b5e4.txt"


def split_pages(text: str) -> list[tuple[str, str]]:
    """(edition line, body) of each page, in order; text before the first edition line is dropped."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, ln in enumerate(lines) if EDITION_RE.match(ln.strip())]
    if not starts:
        raise ValueError("the seed has no edition lines (e.g. 青島日報2021年12月1日特1版)")
    pages = []
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        pages.append((lines[s].strip(), "".join(lines[s + 1:end])))
    return pages


def shift_edition(line: str, days: int) -> str:
    """The edition line with its date moved `days` later (paper name and page kept)."""
    m = EDITION_RE.match(line)
    if m is None:
        raise ValueError(f"not an edition line: {line!r}")
    d = _dt.date(int(m["y"]), int(m["m"]), int(m["d"])) + _dt.timedelta(days=days)
    tail = m.end("d") + 1  # past the 日 after the day
    return line[:m.start("y")] + f"{d.year}年{d.month}月{d.day}日" + line[tail:]


def article_text(pages: list[tuple[str, str]], i: int) -> str:
    """Text of article i (see the module docstring)."""
    edition, body = pages[i % len(pages)]
    day = i // len(pages)
    text = shift_edition(edition, day) + "\n" + body.rstrip("\n") + "\n"
    if (i + day) % 2 == 1:
        text = to_simplified(text)
    return text


def make_corpus(n: int, out_dir: Path, seed_file: Path = SEED) -> list[Path]:
    """Write n article files into out_dir (created if needed); return their paths, in order."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = split_pages(Path(seed_file).read_text(encoding="utf-8-sig"))
    width = max(5, len(str(max(n - 1, 0))))
    paths = []
    for i in range(n):
        p = out_dir / f"{i:0{width}d}.txt"
        p.write_text(article_text(pages, i), encoding="utf-8")
        paths.append(p)
    return paths


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Write an n-article benchmark corpus made from the seed.")
    ap.add_argument("n", type=int)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed-file", type=Path, default=SEED)
    a = ap.parse_args()
    print(f"wrote {len(make_corpus(a.n, a.out_dir, a.seed_file))} files to {a.out_dir}")
