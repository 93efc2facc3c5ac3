"""Latin-script labels derived honestly: Hanyu Pinyin of the name (@zh-Latn-pinyin), and an
English label (@en) only where the head of the name has a standard translation, e.g.
青岛科学仪器产业园 -> 'Qingdao Kexue Yiqi Industrial Park'. Nothing is machine-translated."""
from __future__ import annotations

import hashlib
import re

from pypinyin import lazy_pinyin

from kg.nlp.gazetteer import canonical_district, english_district

SUFFIX_EN = {
    "产业园区": "Industrial Park", "产业园": "Industrial Park", "科技园": "Science Park", "工业园": "Industrial Park",
    "软件园": "Software Park", "经济开发区": "Economic Development Zone", "开发区": "Development Zone",
    "高新区": "High-tech Zone", "试验区": "Pilot Zone", "示范区": "Demonstration Zone", "自贸区": "Free Trade Zone",
    "保税区": "Bonded Zone", "集聚区": "Cluster", "孵化器": "Incubator", "加速器": "Accelerator",
    "试验基地": "Experimental Base", "基地": "Base", "港区": "Port Area", "小镇": "Town",
    "有限公司": "Co., Ltd.", "公司": "Company", "集团": "Group", "控股": "Holdings", "银行": "Bank",
    "大学": "University", "学院": "College", "小学": "Primary School", "中学": "Middle School",
    "研究院": "Research Institute", "研究所": "Research Institute", "实验室": "Laboratory",
    "协会": "Association", "商会": "Chamber of Commerce", "联盟": "Alliance", "委员会": "Committee",
    "海关": "Customs", "基金": "Fund", "交易所": "Exchange", "日报": "Daily", "医院": "Hospital",
    "中心": "Center", "大厦": "Tower", "广场": "Plaza", "博物馆": "Museum", "论坛": "Forum",
    "博览会": "Expo", "艺术节": "Arts Festival", "音乐会": "Concert", "项目": "Project", "平台": "Platform",
    "数据库": "Database", "系统": "System", "行动计划": "Action Plan", "专项行动": "Special Campaign",
    "行动": "Campaign", "计划": "Plan", "工程": "Program", "改革": "Reform", "机制": "Mechanism",
    "政策": "Policy", "实施方案": "Implementation Plan", "方案": "Plan", "规划": "Plan", "意见": "Opinions",
    "办法": "Measures", "战略": "Strategy",
}
_SUFFIXES = sorted(SUFFIX_EN, key=len, reverse=True)
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _words(text: str) -> list[str]:
    from kg.nlp.segment import default_segmenter

    return default_segmenter().words(text)


def pinyin_label(hans: str) -> str | None:
    """Pinyin of a Simplified name, one capitalised word per jieba word; None if no Han characters."""
    if not _HAN.search(hans):
        return None
    parts = []
    for w in _words(hans):
        if _HAN.search(w):
            parts.append("".join(lazy_pinyin(w)).capitalize())
        elif w.strip("“”《》（）() "):
            parts.append(w.strip("“”《》"))
    return " ".join(p for p in parts if p) or None


def english_label(hans: str, types: set[str]) -> str | None:
    """English label from a translated head noun and a pinyin/English place prefix."""
    suffix = next((s for s in _SUFFIXES if hans.endswith(s) and len(hans) > len(s)), None)
    if suffix is None:
        return None
    stem = hans[: -len(suffix)].strip("“”《》 ")
    if not stem:
        return None
    place = next((stem[:n] for n in (4, 3, 2) if canonical_district(stem[:n])), None)
    words = []
    if place:
        full = canonical_district(place)
        words.append(english_district(full).rsplit(" ", 1)[0] if english_district(full) else place)
        stem = stem[len(place):]
    if stem:
        words.append(pinyin_label(stem) or stem)
    words.append(SUFFIX_EN[suffix])
    return " ".join(w for w in words if w)


def slug(key: str) -> str:
    """IRI local name for an entity key: ASCII pinyin initials of words plus a hash (stable,
    no characters that would need escaping in Turtle or SPARQL)."""
    latin = "".join(lazy_pinyin(key[:16]))
    latin = re.sub(r"[^a-z0-9]+", "", latin.lower())[:24] or "e"
    return f"{latin}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:8]}"
