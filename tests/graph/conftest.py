"""Fixtures for the graph tests: small hand-built extractions from real report text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from graph_helpers import extraction  # noqa: E402

from kg.extract.measures import extract_measures  # noqa: E402
from kg.extract.relations import extract_relations  # noqa: E402
from kg.graph.build import report_graph  # noqa: E402

#: Base IRI of the graphs built in these tests.
BASE = "http://ex.org/"

#: Opening of a real report (月浦镇 2020), trimmed: two numbered measures, a plan.
YUEPU = """月浦镇2020年法治政府建设工作报告

1、 推进法治政府建设的主要举措和成效
（一）多管齐下全面推动普法工作
1、开展送民法典进乡村活动。镇司法所特携手月浦法庭，依托“法律明白人”培养工程等项目，推动民法典学习宣传进乡村活动。在月浦镇茂盛村开展了乡村“民法典”系列宣讲活动。今年以来，发放各类法治宣传资料4.6万余份。2、设置镇属中小学法治副校长。9月份邀请月浦法庭法官杨猛为我镇全体专职调解员授课。
2、 推进法治政府建设存在的不足和原因
全镇法治阵地建设仍有待加强。法治阵地建设形式单一。
4、 2021年推进法治政府建设的主要安排
（一）加强法制教育宣传，加强普法教育。
定期举办法治讲座，普及法律知识。
"""

YUEPU_ENTITIES = [
    ("DIVISION", "月浦镇", "310113104000", "月浦镇"),
    ("ORG", "镇司法所", "月浦镇司法所", "月浦镇司法所"),
    ("ORG", "月浦法庭", "月浦法庭", "月浦法庭"),
    ("ORG", "月浦法庭", "月浦法庭", "月浦法庭", 1),
    ("PROGRAMME", "法律明白人"),
    ("LAW", "民法典"),
    ("VILLAGE", "茂盛村"),
    ("PERSON", "杨猛"),
]
YUEPU_QUANTITIES = [("4.6万余份", 46000, "份", "法治宣传资料", True)]


@pytest.fixture
def yuepu():
    return extraction(YUEPU, "yuepu.txt", YUEPU_ENTITIES, YUEPU_QUANTITIES)


@pytest.fixture
def built(yuepu):
    """The yuepu report's named graph (IRI, Graph), with measures and relations, under BASE."""
    yuepu.relations = extract_relations(yuepu)
    yuepu.measures = extract_measures(yuepu)
    return report_graph(yuepu, base=BASE)
