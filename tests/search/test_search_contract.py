"""The search contract, kept to the letter on a release with the text real documents carry.

Text copied from PDFs and web pages has spaces inside words (``合作备 忘录``, ``1610 项``) and
invisible characters (zero-width spaces, soft hyphens, a byte-order mark); science and economy
write letters and digits together (``PM2.5``, ``5G``). Each case is searched through the API
and checked against the evaluation oracle's own scan of the database, which for these plain
queries shares nothing with the engine but the normalisation.
"""

from __future__ import annotations

import pytest

from documents.services import import_release
from quality.evaluation import Oracle
from search.core.request import build_request

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = """测试市签订营商环境合作备忘录
测试市与邻市签署《营商环境合作备 忘录》，推动政务服务“跨市通办”。
全市梳理政务服务事项1610 项，其中即办件353项。
营商\u200b环境持续优化，市场主体满意度达到95%；PM2.5平均浓度下降，5G基站新建200个。
企业开办实现“一网通\u00ad办”，\ufeff办理时限压缩至1个工作日。
"""

CASES = [
    ("备忘录", True),
    ('"合作备 忘录"', True),
    ("1610项", True),
    ("营商环境", True),
    ("一网通办", True),
    ("2.5", True),
    ("PM2.5", True),
    ("G", True),  # 5G: letters after digits are a unit of their own
    ("53项", False),  # 353项: a digit run matches whole
    ("M2", False),  # PM2.5: pm is one run of letters
    ("营商\u200b环境", True),  # an invisible character in the query hides nothing either
]


@pytest.fixture
def release():
    result = import_release(TEXT.encode("utf-8"), filename="contract.txt", publish=True)
    assert result.release is not None, result.message
    return result.release


@pytest.mark.parametrize(("query", "found"), CASES)
def test_the_contract_holds_through_the_api_and_the_oracle(client, release, query, found):
    params = {"q": query, "release": str(release.pk)}
    response = client.get("/api/search", params)
    assert response.status_code == 200, response.content
    sections = {hit["section_id"] for hit in response.json()["results"]}
    request, _paging = build_request({k: [v] for k, v in params.items()})
    oracle = Oracle().relevant(request)
    assert sections == set(oracle), (query, sections, oracle)
    assert bool(sections) is found, query


def test_marks_cover_whole_matches_across_the_removed_characters(client, release):
    answer = client.get("/api/search", {"q": "备忘录", "release": str(release.pk)}).json()
    snippets = " ".join(hit["snippet"] for hit in answer["results"])
    assert "<mark>备 忘录</mark>" in snippets
