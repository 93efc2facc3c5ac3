"""Case tests of the span rules (kg.nlp.mentions): for each rule an invented sentence, in
Simplified and in its Traditional conversion, and the exact mentions that rule must give
(written as in the source, keyed in Simplified, typed). The rules that only build on other
spans are tested on their own functions. Every rule of RULE_RANK needs a case here."""
from __future__ import annotations

import pytest

from kg.inputs.structure import parse
from kg.model import Source
from kg.nlp.extract import extract_article
from kg.nlp.mentions.derived import amount_object_spans, shared_head_spans
from kg.nlp.mentions.find import RULE_RANK
from kg.nlp.mentions.spans import Span
from kg.nlp.script import to_simplified, to_traditional

CASES = {
    "gazetteer-composite": ("上海黄浦区代表团来到崂山区考察。", {("黄浦区", ("District",))}),
    "gazetteer": ("上海黄浦区代表团来到崂山区考察。", {("崂山区", ("District",))}),
    # a county's bare short form, once the article names the county (here after its city)
    "gazetteer-short": ("成都大邑签约12个项目，为大邑发展注入动能。", {("大邑县", ("District",))}),
    "gazetteer-body": ("国务院和工信部支持省委部署。", {("国务院", ("GovernmentBody",)), ("工信部", ("GovernmentBody",)),
                                                 ("省委", ("GovernmentBody",))}),
    "title-policy": ("市南区出台《关于支持海洋经济发展的若干措施》。", {("关于支持海洋经济发展的若干措施", ("Policy",))}),
    "title-other": ("市南区发布《海洋经济发展报告》。", {("海洋经济发展报告", ("Project", "Initiative"))}),
    "quote-head": ("推进“标准地”改革。", {("标准地改革", ("Initiative",))}),
    "quote-list": ("建成“青岛海洋数字产业园、青岛科技产业园”。", {("青岛海洋数字产业园", ("Park",)), ("青岛科技产业园", ("Park",))}),
    "quote-suffix": ("建设“青岛海洋数字产业园”。", {("青岛海洋数字产业园", ("Park",))}),
    "quote-campaign-year": ("深入开展“项目落地年”，推动发展。", {("项目落地年", ("Initiative",))}),
    "quote-numeric": ("全面推行“一店一策”。", {("一店一策", ("Initiative",))}),
    "quote-governed": ("实施“蓝色引擎”，推进转型。", {("蓝色引擎", ("Initiative",))}),
    "suffix": ("青岛海洋数字产业园由青岛国信集团运营。", {("青岛海洋数字产业园", ("Park",)), ("青岛国信集团", ("Company",))}),
    "gov-body": ("烟台市工业和信息化局牵头推进。", {("烟台市工业和信息化局", ("GovernmentBody",))}),
    "suffix-char": ("市南区商务局牵头推进。", {("市南区商务局", ("GovernmentBody",))}),
    "list-member": ("海尔、海信、歌尔等16家企业参加。", {("海尔", ("Organization",)), ("海信", ("Organization",)),
                                                ("歌尔", ("Organization",))}),
    "trigger-引进": ("引进华为、小米等。", {("华为", ("Organization",))}),
    "trigger-引入": ("引入云启网络合作。", {("云启网络", ("Organization",))}),
    "trigger-与": ("与华为技术合作。", {("华为技术", ("Organization",))}),
    "trigger-携手": ("携手星澜科技共建平台。", {("星澜科技", ("Organization",))}),
    "trigger-联合": ("联合歌尔开展研究。", {("歌尔", ("Organization",))}),
    "trigger-subject": ("华为与市南区签约合作。", {("华为", ("Organization",))}),
    "nested-org": ("青岛言鼎集团医疗产业园开工。", {("青岛言鼎集团", ("Company",))}),
    "media-source": ("东海网12月8日讯 园区开工。", {("东海网", ("Media",))}),
    "title-media": ("在《青岛晚报》开辟专栏。", {("青岛晚报", ("Media",))}),
    "abbreviation": ("中国国际贸易促进委员会（以下简称“贸促会”）与市南区合作。",
                     {("中国国际贸易促进委员会", ("GovernmentBody",))}),
}


@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
def test_a_county_short_form_alone_is_no_county(script):
    """大邑 is a county only in an article that names 大邑县 (or 成都大邑): elsewhere it is a word."""
    sentence = "为大邑发展注入动能。"
    assert mentions_of(sentence if script == "zh-Hans" else to_traditional(sentence), "gazetteer-short") == set()


def test_a_county_after_its_city_by_short_form():
    assert mentions_of("无锡锡山代表团来到崂山区考察。", "gazetteer-composite") == {("锡山区", ("District",))}
    assert mentions_of("南京锡山代表团来到崂山区考察。", "gazetteer-composite") == set()  # not Nanjing's


def mentions_of(sentence: str, rule: str) -> set[tuple[str, tuple[str, ...]]]:
    """What the span rule `rule` finds in the sentence (before the mention filter judges it)."""
    text = f"市南：测试\n{sentence}\n"
    src = Source(path="case.txt", name="case.txt", text=text, encoding="utf-8", digest="0" * 12)
    (article,) = parse(src)
    ex = extract_article(article, text, to_simplified(text), keeper=None)
    return {(m.key, m.types) for m in ex.mentions if m.rule == rule and m.sentence > 0}


@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("rule", sorted(CASES))
def test_span_case(rule, script):
    sentence, expected = CASES[rule]
    assert mentions_of(to_traditional(sentence) if script == "zh-Hant" else sentence, rule) == expected


# regression: 投资52亿的 (no 元) names the project after it too; 21.8万平方米的 kept working
@pytest.mark.parametrize("s", ["总投资50亿元的蓝谷数字港项目开工", "建筑面积3万平方米的海洋科技园区投用",
                               "投资52亿的甲醇制烯烃项目开工", "总建筑面积21.8万平方米的启动区地下空间项目开工"])
def test_amount_object(s):
    (sp,) = amount_object_spans(s)
    assert (s[sp.start:sp.end], sp.rule) == (s[s.index("的") + 1:-2], "amount-object")


def test_shared_head():
    s = "北部、东部、南部园区提升工程启动"
    head = Span(s.index("南部"), s.index("启动"), ("Initiative",), "suffix", 0.75)
    (sp,) = shared_head_spans(s, [head])
    assert (s[sp.start:sp.end], sp.types, sp.rule) == ("北部、东部、南部园区提升工程", ("Initiative",), "suffix-shared-head")


def test_every_span_rule_has_a_case():
    tested = set(CASES) | {"amount-object", "suffix-shared-head"}
    assert set(RULE_RANK) <= tested
    assert tested - {"abbreviation", "nested-org", "gazetteer-short"} <= set(RULE_RANK)  # never ranked: added after


def names_in(sentence: str) -> set[str]:
    """Every mention's name (keyed in Simplified) in a one-sentence article about 市南."""
    return {n for rule in RULE_RANK for n, _ in mentions_of(sentence, rule)}


# regression test (bug fixed): the clause words before a name were kept in it (由三一集团,
# 一季度西宁开发区, 还有沈塘湾幼儿园) and made nodes no one would search for
@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("sentence, name", [("由三一集团投资建设智能工厂。", "三一集团"),
                                            ("一季度西宁开发区签约项目12个。", "西宁开发区"),
                                            ("同期开工的还有沈塘湾幼儿园。", "沈塘湾幼儿园"),
                                            ("以岭药业集团落户高新区。", "以岭药业集团")])
def test_clause_words_are_not_part_of_a_name(sentence, name, script):
    if script == "zh-Hant":
        sentence = to_traditional(sentence)
    assert name in names_in(sentence)
    assert not any(n.endswith(name) and n != name for n in names_in(sentence))


# regression test (bug fixed): a list closed by 在内的 (包括A、B在内的多家企业) named no one
@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
def test_list_closed_by_zainei(script):
    s = "园区吸引了包括星澜科技、云启生物在内的多家企业入驻。"
    found = mentions_of(to_traditional(s) if script == "zh-Hant" else s, "list-member")
    assert {k for k, _ in found} == {"星澜科技", "云启生物"}


# regression test (bug fixed): parks named for an industry (…生物医药园, …汽车城) and the areas a
# zone is planned in (…金融区, …先行启动区) were not found
@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("name", ["青岛国际生物医药园", "莱西新能源汽车城", "青岛海港金融区", "莱西先行启动区"])
def test_industry_park_suffixes(name, script):
    s = f"{name}今年新签约项目12个。"
    found = mentions_of(to_traditional(s) if script == "zh-Hant" else s, "suffix")
    assert (name, ("Park",)) in found


# regression test (bug fixed): two-character counties (攸县, 温县) were left out of the gazetteer,
# and a district named for a minority was not found by its everyday name (管城回族区 -> 管城区)
@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("name, canonical", [("攸县", "攸县"), ("温县", "温县"), ("管城区", "管城回族区")])
def test_short_county_names(name, canonical, script):
    s = f"{name}今年新签约项目12个。"
    found = mentions_of(to_traditional(s) if script == "zh-Hant" else s, "gazetteer")
    assert found == {(canonical, ("District",))}


# regression test (bug fixed): a place name ending in a character jieba tags as a measure word
# (石桥|口) cut the name after it (融合创新区 alone, then nothing)
@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("name", ["青岛石桥口融合创新区", "烟台河口高新区"])
def test_place_name_ending_like_a_measure_word(name, script):
    s = f"{name}集聚了一批企业。"
    found = mentions_of(to_traditional(s) if script == "zh-Hant" else s, "suffix")
    assert name in {k for k, _ in found}


# regression test (bug fixed): a kind of park (开放型园区, 专业化产业园区) was taken for a name;
# an abbreviation ending in 化 (中石化) still names one
@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
def test_descriptive_words_make_no_name(script):
    s = "该区打造开放型园区和专业化产业园区，中石化研究院参与建设。"
    found = {k for k, _ in mentions_of(to_traditional(s) if script == "zh-Hant" else s, "suffix")}
    assert found == {"中石化研究院"}


# regression test (bug fixed): a count before a list (帮助500余家企业及…) became a member's name
@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
def test_a_count_is_no_list_member(script):
    s = "可帮助500余家两市企业及周边贸易企业入驻星澜、云启等电商平台。"
    found = {k for k, _ in mentions_of(to_traditional(s) if script == "zh-Hant" else s, "list-member")}
    assert not any("500" in k for k in found)


# regression test (bug fixed): a project naming two products after one capacity (年产A与B基地,
# 年产A及800台B项目) was cut at the conjunction into two names, neither of them the project
@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
def test_capacity_names_keep_their_conjunction(script):
    s = "华远电子年产30万套智能传感器与储能设备生产基地、明德精工年产50条自动化生产线及800台数控机床项目同步开工。"
    found = {k for k, _ in mentions_of(to_traditional(s) if script == "zh-Hant" else s, "suffix")}
    assert found == {"华远电子年产30万套智能传感器与储能设备生产基地", "明德精工年产50条自动化生产线及800台数控机床项目"}


# regression test (bug fixed): a university at the start of a park's name, and the firm before a
# project's capacity (A电子年产…项目), were no names of their own, so no one led those projects
@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("sentence, found", [
    ("江南大学智能科技园落地新都区。", {("江南大学", ("University",))}),
    ("华远电子年产30万套智能传感器项目开工。", {("华远电子", ("Company",))}),
    ("郫都区年产30万套智能传感器项目开工。", set())])
def test_nested_firms_of_parks_and_projects(sentence, found, script):
    assert mentions_of(to_traditional(sentence) if script == "zh-Hant" else sentence, "nested-org") == found


# regression test (bug fixed): a list right after 引进(了) with no 等 to close it named only its
# first member, or none after 了; a list of common words names no one
@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("sentence, found", [
    ("园区重点引进了星澜理财、云启人寿、江河证券，集聚效应显现。", {"星澜理财", "云启人寿", "江河证券"}),
    ("引进人才、资金、技术，推动发展。", set())])
def test_the_list_after_yinjin(sentence, found, script):
    got = mentions_of(to_traditional(sentence) if script == "zh-Hant" else sentence, "trigger-引进")
    assert {k for k, _ in got} == found
