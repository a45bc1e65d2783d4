from __future__ import annotations

import pytest

from kg.extract.normalize import canonical_law, canonical_programme, qualify_org


@pytest.mark.parametrize("title, canonical", [
    ("未成年人保护法", "中华人民共和国未成年人保护法"),
    ("中华人民共和国未成年人保护法", "中华人民共和国未成年人保护法"),
    ("《民法典》", "中华人民共和国民法典"),
    ("法治政府建设实施纲要（2021—2025年）", "法治政府建设实施纲要(2021-2025年)"),
    ("重大行政决策程序规定", "重大行政决策程序暂行条例"),
    ("惠南镇2023年落实法治建设责任制工作方案", "惠南镇2023年落实法治建设责任制工作方案"),
])
def test_canonical_law(title, canonical):
    assert canonical_law(title) == canonical


@pytest.mark.parametrize("alias", ["一村一法律顾问", "一村(社区)一法律顾问", "一村（居）一法律顾问"])
def test_programme_aliases_share_a_concept(alias):
    assert canonical_programme(alias) == "one_village_one_legal_adviser"


@pytest.mark.parametrize("org, government, parents, qualified", [
    ("镇司法所", "月浦镇", ["宝山区", "上海市"], "月浦镇司法所"),
    ("司法所", "月浦镇", ["宝山区", "上海市"], "月浦镇司法所"),
    ("区委", "月浦镇", ["宝山区", "上海市"], "宝山区委"),
    ("市委", "月浦镇", ["宝山区", "上海市"], "上海市委"),
    ("镇党委", "坡头镇人民政府", [], "坡头镇党委"),
    ("宝山区法律援助中心", "月浦镇", ["宝山区"], "宝山区法律援助中心"),
    ("国务院", "月浦镇", [], "国务院"),
    ("县委", "月浦镇", ["宝山区"], "县委"),
])
def test_qualify_org(org, government, parents, qualified):
    assert qualify_org(org, government, parents) == qualified
