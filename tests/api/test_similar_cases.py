"""similarCases over HTTP on the publish fixture's two indexed cases."""

from __future__ import annotations

QUERY = """query($text: String!, $first: Int) {
  similarCases(text: $text, first: $first) { workOrderId score component faultCode resolution resolvedDate }
}"""


def _cases(response):
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["similarCases"]


def test_agent_gets_the_case_sharing_the_most_weight(api):
    cases = _cases(api(QUERY, role="agent", variables={"text": "客户说 尿素 故障灯亮了，车子限扭"}))
    assert [c["workOrderId"] for c in cases] == ["W3"]
    assert cases[0]["resolution"] == "更换SCR催化器" and cases[0]["resolvedDate"] == "2026-03-04"
    # the query's unit vector over the three known terms (idf 2, 2, 1.5) . the case's weights
    norm = (2**2 + 2**2 + 1.5**2) ** 0.5
    assert abs(cases[0]["score"] - (0.6 * 2 + 0.5 * 2 + 0.3 * 1.5) / norm) < 1e-9


def test_punctuation_splits_text_and_unknown_terms_match_nothing(api):
    assert [c["workOrderId"] for c in _cases(api(QUERY, role="agent", variables={"text": "刹车发软，气压低"}))] == ["W2"]
    assert _cases(api(QUERY, role="agent", variables={"text": "空调不制冷"})) == []


def test_bad_arguments_are_named(api):
    message = api(QUERY, role="agent", variables={"text": "刹车", "first": 99}).json()["errors"][0]["message"]
    assert "first" in message and "99" in message
    message = api(QUERY, role="agent", variables={"text": "，。！"}).json()["errors"][0]["message"]
    assert "text" in message


def test_marketers_do_not_see_cases(api):
    assert "errors" in api(QUERY, role="marketer", variables={"text": "尿素"}).json()
