"""Rule layer: real-report phrasing in, typed mentions out (ANNOTATION.md boundaries)."""

from __future__ import annotations

import pytest

from kg.nlp.matchers import MatchContext, PhraseIndex, to_simplified


def found(rules, text, context=None):
    return {(h.type, h.text) for h in rules.find(text, context)}


@pytest.mark.parametrize("text, expected", [
    # LAW: 《》 titles by suffix, national short names, year ranges kept
    ("为群众进行《妇女权益保障法》、《禁毒法》宣传", {("LAW", "妇女权益保障法"), ("LAW", "禁毒法")}),
    ("深入学习民法典和宪法", {("LAW", "民法典"), ("LAW", "宪法")}),
    ("贯彻《法治政府建设实施纲要(2021-2025年)》", {("LAW", "法治政府建设实施纲要(2021-2025年)")}),
    ("落实法治政府建设实施纲要(2021-2025年)要求", {("LAW", "法治政府建设实施纲要(2021-2025年)")}),
    ("根据“八五”普法规划的要求", {("LAW", "“八五”普法规划")}),
    ("制定《关于做好社会矛盾纠纷排查调处工作的通知》", {("LAW", "关于做好社会矛盾纠纷排查调处工作的通知")}),
    # ORG: level + modifiers + head, named firms/schools
    ("镇司法所特携手派出所调解工作室", {("ORG", "镇司法所"), ("ORG", "派出所调解工作室")}),
    ("成立依法治镇工作领导小组", {("ORG", "依法治镇工作领导小组")}),
    ("落实党委理论学习中心组学法制度", {("ORG", "党委理论学习中心组")}),
    ("邀请山东金罡律师事务所金辉主任作讲座", {("ORG", "山东金罡律师事务所"), ("PERSON", "金辉")}),
    ("在区委、区政府的正确领导下", {("ORG", "区委"), ("ORG", "区政府")}),
    ("县住建局、镇财政所、区交警大队联合执法", {("ORG", "县住建局"), ("ORG", "镇财政所"), ("ORG", "区交警大队")}),
    ("镇平安法治办公室牵头", {("ORG", "镇平安法治办公室")}),
    # a word straddling the head's end: 队伍, 所有, 会议 are not part of a name
    ("加强综合行政执法队伍建设、提升执法水平", set()),
    ("镇司法所所有人员参加培训", {("ORG", "镇司法所")}),
    ("召开镇党委会议研究部署", {("ORG", "镇党委")}),
    # 我镇 is "our town": not part of a name, except for organs only a level names
    ("我镇人民调解委员会机制健全,我镇政府高度重视", {("ORG", "人民调解委员会"), ("ORG", "镇政府")}),
    ("成立“法治建设”工作领导小组", {("ORG", "法治建设”工作领导小组")}),
    # PERSON: title + name, name + title
    ("9月份邀请月浦法庭法官杨猛为调解员授课", {("PERSON", "杨猛")}),
    ("聘请林继凯律师担任法治副校长", {("PERSON", "林继凯"), ("PROGRAMME", "法治副校长")}),
    ("调整以黄忠武书记为组长、李胜镇长为副组长", {("PERSON", "黄忠武"), ("PERSON", "李胜")}),
    # PROGRAMME: lexicon aliases, quoted names, formulas
    ("推行一村(社区)一法律顾问制度", {("PROGRAMME", "一村(社区)一法律顾问")}),
    ("坚持“谁执法谁普法”,推广“枫桥经验”", {("PROGRAMME", "谁执法谁普法"), ("PROGRAMME", "枫桥经验")}),
    ("持续组织“寻找调解之星”活动", {("PROGRAMME", "寻找调解之星")}),
    ("落实“三资”管理制度", {("PROGRAMME", "“三资”管理制度")}),
    ("石板沙村荣获2020年中国美丽休闲乡村", {("PROGRAMME", "中国美丽休闲乡村")}),
    ("8所学校入选首批江苏省依法治校示范校,全市", {("PROGRAMME", "江苏省依法治校示范校")}),
    # OBSERVANCE: quoted dates with their names, lexicon days
    ("利用“3.15”消费者权益保护日、国家宪法日", {("OBSERVANCE", "“3.15”消费者权益保护日"),
                                             ("OBSERVANCE", "国家宪法日")}),
    ("围绕“12·4”开展宣传", {("OBSERVANCE", "“12·4”")}),
    # GROUP
    ("为农民工、外来务工人员和青少年提供法律服务", {("GROUP", "农民工"), ("GROUP", "外来务工人员"),
                                                  ("GROUP", "青少年")}),
])
def test_finds(rules_without_gazetteer, text, expected):
    assert expected <= found(rules_without_gazetteer, text)


@pytest.mark.parametrize("text, not_expected", [
    ("开展法治宣传教育活动,依法行政", {"法治宣传教育", "依法行政"}),
    ("组织律师事务所、基层法律服务所等参与", {"律师事务所"}),
    ("深入学习习近平法治思想", {"习近平"}),
    ("镇党委、政府中心工作", {"政府中心"}),
    ("贯彻宪法精神,维护“保护伞”打击", {"宪法精神", "保护伞"}),
    ("面向广大群众和干部开展普法", {"群众", "干部"}),
    ("镇综治办专职副主任", {"专职"}),
    ("法律顾问律师为5人", {"顾问"}),
    ("加强法治建设工作局面", {"工作局"}),
    ("镇长高度重视,主任向群众讲解政策", {"高度", "向群众"}),
    ("统筹推进新城区建设", {"新城区"}),
    ("实现“最多跑一次”,营造“公开为常态、不公开为例外”氛围", {"公开为常态、不公开为例外"}),
])
def test_does_not_find(rules_without_gazetteer, text, not_expected):
    assert not ({t for _, t in found(rules_without_gazetteer, text)} & not_expected)


def test_leader_named_with_title_is_a_person(rules_without_gazetteer):
    assert ("PERSON", "习近平") in found(rules_without_gazetteer, "贯彻落实习近平总书记重要讲话精神")


@pytest.mark.parametrize("text, expected, context", [
    ("月浦镇2020年法治政府建设工作报告。惠南镇与月浦镇", {"月浦镇", "惠南镇"}, None),
    ("月浦镇2020年报告。镇司法所携手月浦法庭", {"月浦镇", "月浦"}, None),
    ("重庆市江津区四屏镇人民政府", {"重庆市", "江津区", "四屏镇"}, None),
    ("海滨街2020年法治政府建设情况报告", {"海滨街"}, MatchContext(government="海滨街")),
])
def test_divisions_and_short_forms(rules, text, expected, context):
    assert expected <= {t for ty, t in found(rules, text, context) if ty == "DIVISION"}


def test_org_keeps_its_division(rules):
    got = found(rules, "邀请宝山区法律援助中心沈昕、法官授课")
    assert {("ORG", "宝山区法律援助中心"), ("DIVISION", "宝山区"), ("PERSON", "沈昕")} <= got


def test_township_must_fit_the_report(rules):
    # 联合镇 exists in the gazetteer, but not under 市中区/枣庄市 this report names
    got = found(rules, "山东省枣庄市市中区齐村镇:督查办联合镇各部门开展检查")
    assert ("DIVISION", "齐村镇") in got and ("DIVISION", "联合镇") not in got


def test_villages_of_the_township(rules):
    got = found(rules, "上海市宝山区月浦镇:在月浦镇茂盛村、长春村开展宣讲")
    assert {("VILLAGE", "茂盛村"), ("VILLAGE", "长春村")} <= got


def test_traditional_text_keeps_offsets(rules_without_gazetteer):
    text = "鎮黨委書記王豐為組長"
    assert to_simplified(text) == "镇党委书记王丰为组长"
    hits = rules_without_gazetteer.find(text)
    assert any(h.type == "PERSON" and h.text == "王豐" and text[h.start:h.end] == "王豐" for h in hits)


def test_offsets_point_at_the_text(rules):
    text = "月浦镇2020年法治政府建设工作报告\n镇司法所依据《民法典》开展“法律明白人”培养。"
    for hit in rules.find(text):
        assert text[hit.start:hit.end] == hit.text


def test_phrase_index_longest_and_all():
    index = PhraseIndex([("法律", 1), ("法律援助", 2), ("法律援助中心", 3)])
    assert index.longest_at("设立法律援助中心", 2) == ("法律援助中心", 3)
    assert [p for p, _ in index.all_at("法律援助中心", 0)] == ["法律援助中心", "法律援助", "法律"]


def test_phrase_index_candidates_cover_every_phrase_start():
    import random

    rng = random.Random(3)
    alphabet = "法律援助中心司所镇"
    phrases = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(40)}
    index = PhraseIndex((p, p) for p in phrases)
    for _ in range(200):
        text = "".join(rng.choice(alphabet + "，") for _ in range(rng.randint(0, 30)))
        starts = set(index.candidates(text))
        for pos in range(len(text)):
            longest = max((p for p in phrases if text.startswith(p, pos)), key=len, default=None)
            assert index.longest_at(text, pos) == ((longest, longest) if longest else None)
            assert [p for p, _ in index.all_at(text, pos)] == sorted(
                (p for p in phrases if text.startswith(p, pos)), key=len, reverse=True)
            if longest:
                assert pos in starts
        assert list(index.scan(text)) == [(pos, pos + len(p), p) for pos in range(len(text))
                                          if (p := max((q for q in phrases if text.startswith(q, pos)),
                                                       key=len, default=None))]
    assert PhraseIndex([]).candidates("法律") == [] and list(PhraseIndex([]).scan("法律")) == []
