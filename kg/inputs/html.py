"""Text of a saved HTML page: script, style, navigation and footer dropped, block elements as
line breaks, hidden elements skipped (stdlib html.parser)."""
from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser


HTML_START = re.compile(r"\ufeff?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
                         re.I | re.S)
_HTML_START_BYTES = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
                               re.I | re.S)

# content never shown as article text
_DROP = {"script", "style", "noscript", "head", "title", "template", "svg", "math", "iframe", "object",
         "canvas", "select", "button", "textarea"}
# page furniture around the article (dropped unless that leaves no text at all)
_BOILERPLATE = {"nav", "aside", "footer", "form", "menu"}
_BLOCKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "ul", "ol", "dl", "dt", "dd",
           "table", "thead", "tbody", "tfoot", "caption", "section", "article", "header", "main", "blockquote",
           "pre", "hr", "figure", "figcaption", "address", "center", "fieldset", "legend", "details", "summary",
           "body", "html", "footer", "nav", "aside", "form", "menu"}
_CELLS = {"td", "th"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
         "wbr", "keygen"}
_HEAD_CONTENT = {"title", "meta", "link", "style", "script", "noscript", "base", "template"}
_SPACE = re.compile(r"[ \t\r\n\f\xa0]+")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
# a line break in the HTML source between two CJK characters is no space (CSS Text 3)
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\xa0]*\n[ \t\r\n\f\xa0]*(?=[{_CJK}])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def looks_like_html(data: bytes) -> bool:
    head = data[3:1027] if data.startswith(codecs.BOM_UTF8) else data[:1024]
    return _HTML_START_BYTES.match(head) is not None


class _TextExtractor(HTMLParser):
    def __init__(self, drop: set[str]):
        super().__init__(convert_charrefs=True)
        self.drop = drop
        self.parts: list[str] = []
        self.skip_tag: str | None = None
        self.skip_depth = 0
        self.pre = 0

    def _hidden(self, attrs) -> bool:
        for k, v in attrs:
            if k == "hidden" or (k == "aria-hidden" and v == "true") or (k == "style" and v
                                                                        and _HIDDEN_STYLE.search(v)):
                return True
        return False

    def handle_starttag(self, tag, attrs):
        if self.skip_tag is not None:
            if self.skip_tag == "head" and tag not in _HEAD_CONTENT and tag != "head":
                self.skip_tag = None  # <body>, or body content, ends an unclosed <head>
            elif tag == self.skip_tag:
                self.skip_depth += 1
                return
            else:
                return
        if tag not in _VOID and (tag in self.drop or self._hidden(attrs)):
            self.skip_tag, self.skip_depth = tag, 1
            if tag in _BLOCKS:
                self.parts.append("\n")
            return
        if tag == "pre":
            self.pre += 1
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in _CELLS:
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        if self.skip_tag is None and tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip_tag = None
                    if tag in _BLOCKS:
                        self.parts.append("\n")
            return
        if tag == "pre" and self.pre:
            self.pre -= 1
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.skip_tag is not None or not data:
            return
        if self.pre:
            self.parts.append(data.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " "))
        else:
            self.parts.append(_SPACE.sub(" ", _CJK_BREAK.sub("", data)))

    def text(self) -> str:
        lines = (line.strip() for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)


def html_to_text(html: str) -> str:
    """The visible text of an HTML page: no head, scripts, styles or page navigation; one line
    per paragraph, heading, list item, table row or <br>; entities unescaped."""
    for drop in (_DROP | _BOILERPLATE, _DROP):
        parser = _TextExtractor(drop)
        parser.feed(html)
        parser.close()
        text = parser.text()
        if text.strip():
            return text
    return text


# ---- reading ----------------------------------------------------------------------------
