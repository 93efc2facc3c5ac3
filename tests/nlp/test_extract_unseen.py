"""Extraction on invented articles of the genre, never seen while writing the rules' word
lists, in both scripts: the same entities, types and relations must come out of each."""
from __future__ import annotations

import pytest

from kg.model import core_type
from kg.pipeline.run import extract_paths
from kg.nlp.script import to_traditional

LAOSHAN = """青岛日报2022年9月1日第5版
崂山：打造科技创新高地
今年以来，崂山区引进华为、海尔卡奥斯等12家企业入驻青岛人工智能产业园。7月18日，青岛人工智能产业园正式开园。崂山区出台《崂山区促进数字经济发展若干政策》，实施“科创崂山”行动计划，搭建“智慧崂山”城市运行管理平台。
总投资50亿元的青岛东方影都产业园项目加快建设，重点项目加快推进。崂山区与中国海洋大学签署战略合作协议。
"""

CHENGYANG = """青岛日报2022年3月1日第6版
城阳：以改革激活发展动能
近年来，城阳区深化“放管服”改革，推行“一窗受理”机制。去年11月20日，青岛海洋装备研究院揭牌。
青岛高新区集聚了歌尔、海信等30余家重点企业。总投资12亿元的歌尔智能传感器项目在青岛高新区落地。城阳区联合青岛港集团、中车四方等企业打造轨道交通产业示范区。
2月8日，城阳区举办首届“城阳国际人才节”。该区还搭建了企业服务平台，重点项目加快建设。
"""

JIAOZHOU = """青岛日报2022年5月10日第3版
胶州：上合示范区建设跑出加速度
今年以来，胶州市坚持以中国—上海合作组织地方经贸合作示范区建设为统领，全力推进“双招双引”，全市新签约过亿元项目56个，总投资达620亿元。
在上合示范区，中铁联合物流、新加坡丰树等12家企业签约落户，总投资80亿元的上合国际枢纽港项目正式开工。胶州市与青岛大学共建上合经贸学院，联合山东港口集团打造“齐鲁号”欧亚班列集结中心。
3月28日，上合示范区“一站式”企业服务中心正式启用，为企业提供注册登记、税务办理等服务。胶州市出台《关于加快推进上合示范区高质量发展的若干措施》，设立规模10亿元的上合产业发展基金。
"""

CASES = {
    "laoshan": (LAOSHAN, {
        "entities": {"崂山区": "District", "华为": "Organization", "海尔卡奥斯": "Organization",
                     "青岛人工智能产业园": "Park", "崂山区促进数字经济发展若干政策": "Initiative",
                     "“科创崂山”行动计划": "Initiative", "“智慧崂山”城市运行管理平台": "Platform",
                     "青岛东方影都产业园项目": "Project", "中国海洋大学": "Organization"},
        "relations": {("华为", "joinedPark", "青岛人工智能产业园"), ("海尔卡奥斯", "joinedPark", "青岛人工智能产业园"),
                      ("青岛人工智能产业园", "locatedIn", "崂山区"),
                      ("崂山区促进数字经济发展若干政策", "ledBy", "崂山区"), ("“科创崂山”行动计划", "ledBy", "崂山区"),
                      ("“智慧崂山”城市运行管理平台", "ledBy", "崂山区"), ("青岛东方影都产业园项目", "locatedIn", "崂山区"),
                      ("崂山区", "partner", "中国海洋大学")},
        "amounts": {("青岛东方影都产业园项目", "totalInvestmentCNY", 5_000_000_000)},
        "dates": {("青岛人工智能产业园", "openedOn", "2022-07-18")},
        "not_entities": {"重点项目"},
    }),
    "chengyang": (CHENGYANG, {
        "entities": {"城阳区": "District", "“放管服”改革": "Initiative", "“一窗受理”机制": "Initiative",
                     "青岛海洋装备研究院": "Organization", "青岛高新区": "Park", "歌尔": "Organization",
                     "海信": "Organization", "歌尔智能传感器项目": "Project", "青岛港集团": "Organization",
                     "中车四方": "Organization", "轨道交通产业示范区": "Park", "城阳国际人才节": "Initiative"},
        "relations": {("“一窗受理”机制", "ledBy", "城阳区"), ("歌尔", "joinedPark", "青岛高新区"),
                      ("海信", "joinedPark", "青岛高新区"), ("歌尔智能传感器项目", "joinedPark", "青岛高新区"),
                      ("城阳区", "partner", "青岛港集团"), ("城阳区", "partner", "中车四方"),
                      ("轨道交通产业示范区", "ledBy", "青岛港集团"), ("城阳国际人才节", "ledBy", "城阳区")},
        "amounts": {("歌尔智能传感器项目", "totalInvestmentCNY", 1_200_000_000)},
        "dates": {("青岛海洋装备研究院", "openedOn", "2021-11-20"), ("城阳国际人才节", "launchedOn", "2022-02-08")},
        "not_entities": {"企业服务平台", "重点项目", "重点企业"},
    }),
    "jiaozhou": (JIAOZHOU, {
        "entities": {"胶州市": "District", "上合示范区": "Park", "中铁联合物流": "Organization",
                     "新加坡丰树": "Organization", "上合国际枢纽港项目": "Project", "青岛大学": "Organization",
                     "山东港口集团": "Organization", "“齐鲁号”欧亚班列集结中心": "Project",
                     "关于加快推进上合示范区高质量发展的若干措施": "Initiative", "上合产业发展基金": "Organization"},
        "relations": {("中铁联合物流", "joinedPark", "上合示范区"), ("新加坡丰树", "joinedPark", "上合示范区"),
                      ("胶州市", "partner", "青岛大学"), ("胶州市", "partner", "山东港口集团"),
                      ("关于加快推进上合示范区高质量发展的若干措施", "ledBy", "胶州市"),
                      ("上合国际枢纽港项目", "joinedPark", "上合示范区")},  # 在上合示范区，…项目正式开工
        "amounts": {("上合国际枢纽港项目", "totalInvestmentCNY", 8_000_000_000)},
        "dates": {("上合示范区“一站式”企业服务中心", "openedOn", "2022-03-28")},
        "not_entities": {"重点片区", "过亿元项目"},
    }),
}


def _extract(tmp_path, text: str):
    f = tmp_path / "article.txt"
    f.write_text(text, encoding="utf-8")
    _, res, _ = extract_paths([f])
    name = {k: e.label_hans for k, e in res.entities.items()}
    entities = {e.label_hans: {core_type(t) for t in e.types} for e in res.entities.values()}
    relations = set()
    for f_ in res.facts:
        s, o = name[f_.subject], name[f_.object]
        relations.add((s, f_.predicate, o))
        if f_.predicate == "partner":
            relations.add((o, f_.predicate, s))
    amounts = {(name[a.subject], a.predicate, int(a.value)) for a in res.amounts}
    dates = {(name[d.subject], d.predicate, d.value) for d in res.dates}
    return entities, relations, amounts, dates


@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_unseen_article(tmp_path, case, script):
    text, expected = CASES[case]
    if script == "zh-Hant":
        text = to_traditional(text)
    entities, relations, amounts, dates = _extract(tmp_path, text)
    for name, typ in expected["entities"].items():
        assert name in entities, f"missing entity {name}"
        assert typ in entities[name], f"{name} typed {entities[name]}, expected {typ}"
    assert not (expected["not_entities"] & set(entities)), "generic phrases must not be entities"
    missing = expected["relations"] - relations
    assert not missing, f"missing relations {missing}"
    assert expected["amounts"] <= amounts
    assert expected["dates"] <= dates


def test_both_scripts_agree_exactly(tmp_path):
    for text, _ in CASES.values():
        assert _extract(tmp_path, text) == _extract(tmp_path, to_traditional(text))


@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
def test_abbreviation_links_short_and_full_names(tmp_path, script):
    text = ("青岛日报2022年6月1日第2版\n市北：深化开放合作\n"
            "市北区与中国国际贸易促进委员会（以下简称“中国贸促会”）签署合作协议。"
            "此后，中国贸促会在市北区设立商事法律服务中心。\n")
    if script == "zh-Hant":
        text = to_traditional(text)
    f = tmp_path / "a.txt"
    f.write_text(text, encoding="utf-8")
    _, res, _ = extract_paths([f])
    [council] = [e for e in res.entities.values() if e.label_hans == "中国国际贸易促进委员会"]
    assert "中国贸促会" in {to_simplified_form(x) for x in council.alt_labels}
    assert not [e for e in res.entities.values() if e.label_hans == "中国贸促会"]
    names = {k: e.label_hans for k, e in res.entities.items()}
    assert ("市北区", "partner", "中国国际贸易促进委员会") in {
        (names[f.subject], f.predicate, names[f.object]) for f in res.facts} | {
        (names[f.object], f.predicate, names[f.subject]) for f in res.facts}


def to_simplified_form(text: str) -> str:
    from kg.nlp.script import to_simplified

    return to_simplified(text)
