"""What qdkg's self-contained HTML pages share (the graph view, the endpoint's query page): the
head with its Content-Security-Policy, CSP hashes of inline scripts and styles, and JSON that
is safe inside a <script> element."""
from __future__ import annotations

import base64
import hashlib
import html


def csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline script or style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def safe_in_script(json_text: str) -> str:
    """JSON text that cannot close or confuse the <script> element it is written into."""
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        json_text = json_text.replace(ch, esc)
    return json_text


def head(title: str, csp: str) -> str:
    """The page's opening up to its <title>: language, charset, CSP, viewport, no favicon request."""
    return ('<!DOCTYPE html>\n<html lang="zh-Hant">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n<link rel="icon" href="data:,">\n'
            f"<title>{html.escape(title)}</title>\n")
