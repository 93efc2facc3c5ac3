"""Saved news pages: the article's main text and its metadata, through trafilatura.

trafilatura (with htmldate) drops the page furniture (navigation, breadcrumbs, related-links
lists, comments, footers) and finds the title, date, author and canonical URL. Two things it
misses on Chinese pages are filled in here, from the page itself:
- dates written `2023年07月19日` in a `<meta>` tag (htmldate reads them as 2023-01-01): the
  common publication-date `<meta>` names are read first, and a date htmldate guessed is kept
  only when the page writes that day somewhere;
- authors in Chinese (trafilatura keeps Latin names only): `<meta name="author">`, else a
  `作者：` / `记者` byline.
The extracted text, headed by the title, is the article's text: every sentence offset points
into it."""
from __future__ import annotations

import codecs
import logging
import re
from datetime import date

from kg.model import SourceMeta

HTML_START = re.compile(r"\ufeff?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
                        re.I | re.S)
_HTML_START_BYTES = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
                               re.I | re.S)

# <meta> names (lower case) that carry an article's publication date or author, most specific first
DATE_META = ("article:published_time", "og:published_time", "publishdate", "pubdate", "publish_date",
             "publishtime", "published_time", "dc.date.issued", "dcterms.issued", "dc.date", "date",
             "contenttime", "firstpublishedtime", "sailthru.date", "parsely-pub-date")
AUTHOR_META = ("author", "article:author", "byline", "dc.creator", "dcterms.creator", "sailthru.author",
               "parsely-author")
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)")
_NAME = r"[\u4e00-\u9fff·](?: ?[\u4e00-\u9fff·]){1,7}"
_SHORT_NAME = r"[\u4e00-\u9fff](?: ?[\u4e00-\u9fff]){1,3}(?![\u4e00-\u9fff])"
_BYLINE = re.compile(rf"(?:作者|文)\s*[:：]\s*(?P<a>{_NAME}(?:[、，,]{_NAME})*)"
                     rf"|(?:本报|本報)?(?:记者|記者)\s*(?P<b>{_SHORT_NAME}(?:[、，]{_SHORT_NAME})*)")
_DATE_LABEL = re.compile(r"(?:发布|發布|發佈|发稿|發稿|刊发|刊登)?(?:时间|時間|日期)\s*[:：]\s*")
_OUTLET = re.compile(r"(?:来源|來源)\s*[:：]\s*(?P<o>[\u4e00-\u9fff\w]{2,20})")
# elements a browser does not show
HIDDEN = ["//*[@hidden]", "//*[@aria-hidden='true']",
          "//*[contains(translate(@style, ' ', ''), 'display:none')]",
          "//*[contains(translate(@style, ' ', ''), 'visibility:hidden')]"]
_SPACE = re.compile(r"[ \t\r\f\v\xa0\u3000]+")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
# a line break in the HTML source between two CJK characters is no space (CSS Text 3)
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n\s*(?=[{_CJK}])")


def looks_like_html(data: bytes) -> bool:
    head = data[3:1027] if data.startswith(codecs.BOM_UTF8) else data[:1024]
    return _HTML_START_BYTES.match(head) is not None


def iso_date(text: str | None) -> str | None:
    """The first whole date in `text` (2023-07-19, 2023/7/19, 2023.07.19, 2023年7月19日), as ISO."""
    m = _DATE.search(text or "")
    if not m:
        return None
    try:
        return date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
    except ValueError:
        return None


def _metas(tree) -> dict[str, str]:
    """name/property/itemprop (lower case) -> content of the page's <meta> tags, first wins."""
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if key and value and key not in found:
            found[key] = value
    return found


def _written_on_page(iso: str, html: str) -> bool:
    y, m, d = (int(x) for x in iso.split("-"))
    return any(m_["y"] == str(y) and int(m_["m"]) == m and int(m_["d"]) == d for m_ in _DATE.finditer(html)) \
        or f"{y}{m:02d}{d:02d}" in html


def _line(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _author(text: str | None) -> str | None:
    """The name(s) in a byline (`本报记者 陈立`, `作者：李 明`), or a short author field as it is."""
    if not text:
        return None
    m = _BYLINE.search(text)
    if m:
        return (m["a"] or m["b"]).replace(" ", "")
    return text if len(text) <= 40 and text is not None and "\n" not in text and len(text.split()) <= 4 \
        and not re.search(r"[。，；]", text) else None


def page_meta(tree, html: str, found) -> SourceMeta:
    """Title, date, author, canonical URL and site name of a page (see the module docstring)."""
    metas = _metas(tree)
    body = " ".join(_line(t) for t in tree.xpath("//body//text()")[:400])
    published = next((d for k in DATE_META if (d := iso_date(metas.get(k)))), None)
    if published is None:
        label = _DATE_LABEL.search(body)
        published = iso_date(body[label.end():label.end() + 20]) if label else None
    if published is None and found is not None and found.date and _written_on_page(found.date, html):
        published = found.date
    named = [_line(metas[k]) for k in AUTHOR_META if metas.get(k)] + [found.author if found else None, body]
    author = next((a for a in map(_author, named) if a), None)
    canonical = next((el.get("href") for el in tree.iter("link")
                      if "canonical" in (el.get("rel") or "").lower().split() and el.get("href")), None)
    url = canonical or metas.get("og:url") or (found.url if found else None)
    title = found.title if found and found.title else None
    if not title:
        heads = tree.xpath("//h1//text()") or tree.xpath("//title//text()")
        title = _line(" ".join(heads)) or None
    outlet = _OUTLET.search(body)
    publisher = (outlet["o"] if outlet else None) or metas.get("og:site_name") or (found.sitename if found else None)
    return SourceMeta(title=title, date=published, author=author or None,
                      url=url if url and re.match(r"https?://\S+$", url) else None, publisher=publisher or None)


def read_page(html: str) -> tuple[str, SourceMeta]:
    """The main text of a news page (one line per paragraph) and its metadata."""
    import lxml.html
    import trafilatura

    html = _CJK_BREAK.sub("", html)
    try:
        tree = lxml.html.fromstring(re.sub(r"^\ufeff?\s*<\?xml[^>]*>", "", html))
    except (ValueError, lxml.etree.ParserError):  # e.g. only a comment: no element at all
        return "", SourceMeta()
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs, we report
    page = html if re.search(r"<body[\s>]", html, re.I) else f"<html><body>{html}</body></html>"
    # favouring precision keeps paragraphs apart and drops more furniture, but on short pages it
    # can drop text: it is taken unless it keeps under 60 % of what the default keeps
    precise, default = (trafilatura.bare_extraction(page, with_metadata=True, include_comments=False,
                                                    include_tables=True, favor_precision=p, prune_xpath=HIDDEN,
                                                    date_extraction_params={"original_date": True,
                                                                            "extensive_search": True})
                        for p in (True, False))
    size = [len(d.text) if d is not None and d.text else 0 for d in (precise, default)]
    found = precise if size[0] and size[0] >= 0.6 * size[1] else default if size[1] else precise or default
    text = found.text if found is not None and found.text else trafilatura.html2txt(page)
    links = {_line(t) for a in tree.iter("a") if (t := a.text_content()) and _line(t)}
    lines = [line for line in map(_text_line, (text or "").split("\n")) if line and not _only_links(line, links)]
    meta = page_meta(tree, html, found)
    if lines and meta.title and meta.title not in lines[0]:
        lines.insert(0, meta.title)  # the headline, where the extraction kept only the body
    return "\n".join(lines), meta


def _only_links(line: str, links: set[str]) -> bool:
    """A line made of two or more link texts and nothing else: a menu row."""
    parts = [p for p in re.split(r"\s*[|｜·]\s*|\s+", line) if p]
    return len(parts) >= 2 and all(p in links for p in parts)


def _text_line(line: str) -> str:
    """One line of trafilatura's text: a table row (`| a | b |`) as its cells, spaces tidied."""
    if line.startswith("|") and line.rstrip().endswith("|"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        line = "" if all(set(c) <= set("-: ") for c in cells) else " ".join(c for c in cells if c)
    return _line(line)
