"""The analyst's queries (RFM, cohorts, delivery by state, seller and category scorecards, NPS,
installments, geolocation, purchase heatmap, freight loss zone), each equal to an independent
pandas computation (``tests/analyses.py``) on ``sample --orders 20000``: with its default
parameters and with others, including values that select nothing and an injection attempt,
which stays a plain string value.
"""

from __future__ import annotations

import pytest

import analyses
from olistctl.sql.named import get_query, list_queries

# (query, parameters) — the defaults first, then values a user would give.
CASES = [
    ("delivery_by_state", {}),
    ("delivery_by_state", {"state": "SP", "since": "2018-01-01"}),
    ("delivery_by_state", {"state": "R_"}),  # RJ, RN, RO, RR, RS
    ("delivery_by_state", {"state": "SP' OR '1'='1"}),  # a string value: no state has it
    ("cohort_retention", {}),
    ("cohort_retention", {"since": "2017-06-15", "max_months": "3"}),
    ("rfm_segments", {}),
    ("rfm_segments", {"before": "2018-01-01"}),
    ("seller_scorecard", {}),
    ("seller_scorecard", {"min_orders": "100"}),
    ("seller_scorecard", {"min_orders": 1}),  # a Python value, as the API gives it
    ("nps", {}),
    ("nps", {"since": "2018-06-01"}),
    ("nps", {"since": "2030-01-01"}),  # no review: only the overall row, with no shares
    ("category_scorecard", {}),
    ("category_scorecard", {"min_orders": "200"}),
    ("installments_vs_value", {}),
    ("installments_vs_value", {"payment_type": "voucher"}),
    ("geolocation_by_zip", {}),
    ("geolocation_by_zip", {"prefix": "01%"}),
    ("purchase_heatmap", {}),
    ("purchase_heatmap", {"since": "2017-11-24", "before": "2017-11-25"}),  # Black Friday
    ("freight_loss_zone", {}),
    ("freight_loss_zone", {"category": "furniture%"}),
]


def _id(case) -> str:
    name, params = case
    given = ",".join(f"{key}={value}" for key, value in params.items())
    return f"{name}[{given}]" if given else name


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_each_analysis_equals_pandas(olist, run_named, case):
    name, params = case
    frames = olist[1]
    # The pandas side takes the values typed (dates, integers), as the binding parses them.
    bound = {p.name: p.value for p in get_query(name).bind(params)}
    expected = analyses.ANALYSES[name](frames, **{key: bound[key] for key in params})
    assert run_named(name, **params) == expected


def test_every_analysis_is_checked_with_its_defaults_and_other_values():
    parameterised = {q.name for q in list_queries() if q.params}
    assert set(analyses.ANALYSES) <= {q.name for q in list_queries()}
    for name in analyses.ANALYSES:
        given = [params for case_name, params in CASES if case_name == name]
        assert {} in given, name
        if name in parameterised:
            # every parameter is given another value in some case
            assert {k for params in given for k in params} == {
                p.name for p in get_query(name).params
            }, name


def test_the_answers_have_rows_to_compare(olist, run_named):
    """The checks above compare real answers, not empty ones (the sample has every case)."""
    assert len(run_named("delivery_by_state")) >= 20
    assert run_named("delivery_by_state", state="SP' OR '1'='1") == []
    assert [row[0] for row in run_named("delivery_by_state", state="SP")] == ["SP"]
    retention = run_named("cohort_retention")
    assert any(offset > 0 for _, offset, *_ in retention)  # people came back
    assert {row[0] for row in run_named("rfm_segments")} >= {"champions", "new", "lost"}
    assert len(run_named("seller_scorecard")) >= 50
    assert run_named("nps", since="2030-01-01") == [("all", 0, 0, 0, 0, None, None, None)]
    heatmap = run_named("purchase_heatmap")
    assert [row[1] for row in heatmap] == list(analyses.WEEKDAYS)
    geolocation = run_named("geolocation_by_zip")
    assert sum(row[2] for row in geolocation) > 0  # points outside Brazil were dropped
    bands = [row[0] for row in run_named("freight_loss_zone")]
    assert bands == list(analyses.FREIGHT_BANDS)


def test_people_are_customer_unique_ids_not_customer_ids(olist, run_named):
    """RFM counts people: repeat buyers exist only because customer_id is one per order."""
    frames = olist[1]
    customers = frames["customers"]
    assert customers.customer_id.nunique() > customers.customer_unique_id.nunique()
    segments = run_named("rfm_segments", before="2030-01-01")
    delivered = frames["orders"][frames["orders"].order_status == "delivered"]
    people = delivered.merge(customers, on="customer_id").customer_unique_id.nunique()
    assert sum(row[1] for row in segments) == people
    assert sum(row[1] for row in segments if row[0] in ("champions", "loyal", "at risk")) > 0
