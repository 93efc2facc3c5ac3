"""Span rules that build on other spans or on amounts: a firm at the start of a park's name,
the named thing after an amount (总投资X亿元的Y项目), direction items sharing one head."""
from __future__ import annotations

import re

from kg.nlp.gazetteer import DISTRICT_FORMS
from kg.nlp.mentions.spans import Span
from kg.nlp.mentions.suffix import CAPACITY_WORDS, suffix_types


ORG_PREFIX_RE = re.compile(r"^(.{2,12}?(集团|有限公司|股份公司|公司|控股|大学))(?=.{3,})")
CAPACITY_PREFIX_RE = re.compile(r"^([^\d年]{2,12}?)(?=" + "|".join(CAPACITY_WORDS) + r")")


def nested_org_spans(spans: list[Span], s: str) -> list[Span]:
    """A firm named at the start of a park or project name: 言鼎集团|莱西医疗产业园, 江南大学|科技园,
    and whoever comes before a project's capacity: 华远电子|年产30万套传感器项目."""
    out = []
    for sp in spans:
        if sp.rule == "suffix" and set(sp.types) & {"Park", "Project", "Platform"}:
            name = s[sp.start:sp.end]
            m = ORG_PREFIX_RE.match(name)
            if m:
                types = ("University",) if m.group(2) == "大学" else ("Company",)
                out.append(Span(sp.start, sp.start + m.end(1), types, "nested-org", 0.7))
                continue
            m = CAPACITY_PREFIX_RE.match(name)
            if m and m.group(1) not in DISTRICT_FORMS:
                out.append(Span(sp.start, sp.start + m.end(1), ("Company",), "nested-org", 0.7))
    return out


AMOUNT_OBJECT_RE = re.compile(
    r"(总投资|投资|建筑面积|总建筑面积|占地面积|占地)[约达近超逾为]?[\d.]+(?:[亿万千](?:元|美元|平方米|平方公里|亩|公顷)?|元|平方米|平方公里|亩|公顷)的"
    r"(?P<np>[^，,。；、的\d]{2,18}?(?P<head>项目|工程|中心|园区|产业园|基地|大厦|综合体|集聚区|小镇))")


def amount_object_spans(s: str) -> list[Span]:
    """'总投资X亿元的Y项目': the thing after an amount and 的 is a named project or park."""
    out = []
    for m in AMOUNT_OBJECT_RE.finditer(s):
        np, suffix = m.group("np"), m.group("head")
        if re.match(r"^(\d|[一二三四五六七八九十百千两几多]+[个家项座批])", np):
            continue
        out.append(Span(m.start("np"), m.end("np"), suffix_types(np, suffix), "amount-object", 0.65))
    return out


DIRECTION_ITEM = re.compile(r"(东部|西部|南部|北部|中部|东|西|南|北|一期|二期|三期)")


def shared_head_spans(s: str, spans: list[Span]) -> list[Span]:
    """'北部、东部、南部园区提升工程': direction items sharing one head make one name."""
    out = []
    for sp in spans:
        if sp.rule != "suffix" or sp.start < 2 or s[sp.start - 1] != "、":
            continue
        first_word = DIRECTION_ITEM.match(s, sp.start)
        if not first_word:
            continue
        a = sp.start - 1
        while a > 0 and s[a] == "、":
            item = DIRECTION_ITEM.search(s[max(0, a - 2):a])
            if not item or not s[max(0, a - 2):a].endswith(item.group()):
                break
            a = a - len(item.group()) - 1
        start = a + 1
        if start < sp.start - 1:
            out.append(Span(start, sp.end, sp.types, "suffix-shared-head", sp.confidence))
    return out
