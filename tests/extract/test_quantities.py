"""Reported figures: value, unit, approx; years, dates, ordinals and titles are not figures."""

from __future__ import annotations

import pytest

from kg.extract.quantities import find_quantities


def figures(text):
    return [(q.value, q.unit, q.approx) for q in find_quantities(text)]


@pytest.mark.parametrize("text, expected", [
    ("发放各类法治宣传资料4.6万余份。", [(46000, "份", True)]),
    ("制作宣传栏、版报、横幅共百余幅。", [(100, "幅", True)]),
    ("调处纠纷涉及金额1495.85万元。", [(14958500, "元", False)]),
    ("出庭应诉率100%。", [(100, "%", False)]),
    ("法律咨询139人次;法制宣传41次", [(139, "人次", False), (41, "次", False)]),
    ("检查企业344家(次),出动执法人员2532人次", [(344, "家（次）", False), (2532, "人次", False)]),
    ("投入约150万元对河道进行清淤", [(1500000, "元", True)]),
    ("组织普法考试一次,", [(1, "次", False)]),
    ("不少于8次法制教育", [(8, "次", True)]),
    ("近1000人参与了学习", [(1000, "人", True)]),
    ("建成工作站,279个村(社区)实现全覆盖", [(279, "个", False)]),
    ("受理案件1,326件", [(1326, "件", False)]),
    ("在辖区内三个派出所分别设立调解室", [(3, "个", False)]),
    ("抽选四家单位主要负责人现场述法", [(4, "家", False)]),
])
def test_figures(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize("text", [
    "二〇二〇年十二月十四日", "2020年共评选", "5月份邀请法官", "第三部分", "利用“3.15”消费者权益保护日",
    "《镇江市人民政府2024年立法计划》", "推行一村一法律顾问,落实“两个联席会议”制度", "千家万户",
    "3个月内完成", "1、推进法治政府建设", "学习市委六届七次、八次全会精神", "实现“最多跑一次”改革",
])
def test_not_figures(text):
    assert figures(text) == []


def test_counted_and_offsets():
    text = "今年以来,发放各类法治宣传资料4.6万余份,线上组建反诈微信群83个。"
    quantities = find_quantities(text)
    assert [q.counted for q in quantities] == ["发放各类法治宣传资料", "线上组建反诈微信群"]
    assert [q.counted for q in find_quantities("(一)市委召开全面依法治市委员会会议3次。")] == ["市委召开全面依法治市委员会会议"]
    for q in quantities:
        assert text[q.start:q.end] == q.text
