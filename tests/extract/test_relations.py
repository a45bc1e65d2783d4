"""Relations from kinds of sentences (real report text, hand-marked mentions)."""

from __future__ import annotations

import pytest

from kg.extract.relations import extract_relations, sentence_template
from kg.ingest import load_text
from kg.records import Extraction, Mention


def relations_of(text: str, entities: list[tuple[str, str]]):
    doc = load_text(text, name="t.txt")
    mentions, pos = [], {}
    for kind, surface in entities:
        start = doc.text.index(surface, pos.get(surface, 0))
        pos[surface] = start + 1
        mentions.append(Mention(kind, surface, start, start + len(surface), surface, surface))
    mentions.sort(key=lambda m: m.start)
    x = Extraction(doc, entities=mentions)
    names = [m.text for m in mentions]
    return {(names[r.subject], r.predicate, names[r.object], r.qualifier) for r in extract_relations(x)}


@pytest.mark.parametrize("text, entities, expected", [
    # X携手Y
    ("镇司法所特携手月浦法庭，依托“法律明白人”培养工程等项目推动民法典学习宣传进乡村活动。",
     [("ORG", "镇司法所"), ("ORG", "月浦法庭")],
     {("镇司法所", "collaboratesWith", "月浦法庭", "")}),
    # X与Y共同…
    ("司法所与派出所共同开展矛盾纠纷排查化解工作。",
     [("ORG", "司法所"), ("ORG", "派出所")],
     {("司法所", "collaboratesWith", "派出所", "")}),
    # 联合 a list of organisations: the clause's actor collaborates with each
    ("镇妇联联合司法所、派出所开展反家庭暴力法宣传活动。",
     [("ORG", "镇妇联"), ("ORG", "司法所"), ("ORG", "派出所")],
     {("镇妇联", "collaboratesWith", "司法所", ""), ("镇妇联", "collaboratesWith", "派出所", "")}),
    # 与Y建立联动机制 with the actor earlier in the clause
    ("镇综治中心积极与区检察院建立联动机制，定期会商重大案件。",
     [("ORG", "镇综治中心"), ("ORG", "区检察院")],
     {("镇综治中心", "collaboratesWith", "区检察院", "")}),
    # an organisation's officer: holdsRole with the title as qualifier
    ("9月份邀请月浦法庭法官杨猛为我镇全体专职调解员授课及业务辅导。",
     [("ORG", "月浦法庭"), ("PERSON", "杨猛")],
     {("杨猛", "holdsRole", "月浦法庭", "法官")}),
    ("5月份邀请宝山区法律援助中心沈昕授课。",
     [("ORG", "宝山区法律援助中心"), ("DIVISION", "宝山区"), ("PERSON", "沈昕")],
     {("沈昕", "holdsRole", "宝山区法律援助中心", ""), ("宝山区法律援助中心", "locatedIn", "宝山区", "")}),
    # PERSON担任ORG的ROLE
    ("金辉律师担任坡头爱周中学的法治副校长，定期开展法治讲座。",
     [("PERSON", "金辉"), ("ORG", "坡头爱周中学")],
     {("金辉", "holdsRole", "坡头爱周中学", "法治副校长")}),
    # a unit's named station: X“Y” (Y set up by X)
    ("主要包括“一站两室一阵地”，即：区总工会“职工维权工作站”、 区检察院“服务中小企业联络室”和商贸法治宣传阵地。",
     [("ORG", "区总工会"), ("ORG", "职工维权工作站"), ("ORG", "区检察院"), ("ORG", "服务中小企业联络室")],
     {("职工维权工作站", "subOrganizationOf", "区总工会", ""),
      ("服务中小企业联络室", "subOrganizationOf", "区检察院", "")}),
    # a role with no organisation named: the object is the person (the graph uses the government)
    ("7、设置镇属中小学法治副校长。聘请林继凯律师担任镇属学校法治副校(园)长。",
     [("PERSON", "林继凯")],
     {("林继凯", "holdsRole", "林继凯", "法治副校(园)长")}),
    # 下设 directly names the sub-organisation; an office housed *in* a centre is not one
    ("依法治镇工作领导小组下设办公室在镇综治信访维稳中心，负责日常事务。",
     [("ORG", "依法治镇工作领导小组"), ("ORG", "镇综治信访维稳中心")],
     set()),
    # no relation: two organisations listed, nobody acts together
    ("在区委、区政府的正确领导下开展工作。",
     [("ORG", "区委"), ("ORG", "区政府")],
     set()),
    # 联合 with no organisation opening the clause: the implicit actor (我镇) is no mention
    ("三是结合镇委、镇政府中心工作联合坡头司法所做好普法宣传活动。",
     [("ORG", "镇委"), ("ORG", "镇政府"), ("ORG", "坡头司法所")],
     set()),
    # the same organisation named twice yields one relation
    ("镇妇联联合坡头司法所开展宣传，镇妇联联合坡头司法所开展讲座。",
     [("ORG", "镇妇联"), ("ORG", "坡头司法所"), ("ORG", "镇妇联"), ("ORG", "坡头司法所")],
     {("镇妇联", "collaboratesWith", "坡头司法所", "")}),
    # no relation across a sentence boundary
    ("镇司法所开展普法活动。联合社区开展宣传。",
     [("ORG", "镇司法所")],
     set()),
])
def test_relations_table(text, entities, expected):
    assert relations_of(text, entities) == expected


def test_template_replaces_entities_with_tokens():
    doc = load_text("镇司法所特携手月浦法庭开展活动。", name="t")
    x = Extraction(doc, entities=[Mention("ORG", "镇司法所", 0, 4, "a"), Mention("ORG", "月浦法庭", 7, 11, "b")])
    template, starts, ends = sentence_template(x, 0, len(doc.text))
    assert template == "⟦O0⟧特携手⟦O1⟧开展活动。"
    assert starts[template.index("⟦O1⟧")] == 7 and ends[template.index("⟦O1⟧") + 3] == 11


def test_relation_spans_cover_the_evidence():
    text = "镇司法所特携手月浦法庭开展活动。"
    doc = load_text(text, name="t")
    x = Extraction(doc, entities=[Mention("ORG", "镇司法所", 0, 4, "a"), Mention("ORG", "月浦法庭", 7, 11, "b")])
    (rel,) = extract_relations(x)
    assert doc.text[rel.start:rel.end] == "镇司法所特携手月浦法庭"
