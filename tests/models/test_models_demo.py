"""The models in the built demo, through the public interfaces: the Dagster build wrote their
outputs and runs, `hub models evaluate` prints held-out metrics, the profile carries them,
and a marketer's list and its CSV never hold a customer without consent."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import httpx
import pytest

from api.keys import create_key
from api.ops import ops_engine
from hub.settings import get_settings
from tests.api.conftest import serving
from tests.conftest import run_hub

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("built_demo_models")]

LIST = """query($after: String) {
  crossSellList(product: "parts", channel: "sms", first: 100, after: $after) {
    edges { node { customerId score reasons } }
    pageInfo { hasNextPage endCursor }
  }
}"""
ELIGIBLE = """
    select customer_id from marts.fct_consents
    where consent_channel = 'sms' and consent_purpose = 'marketing' and is_granted
    except
    select customer_id from marts.fct_consents where consent_purpose = 'personalised_marketing' and not is_granted
"""


def test_build_ran_every_model_and_published_its_output(built_demo):
    with duckdb.connect(str(built_demo / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select model, published, metrics from models.model_runs").fetchall()
        runs = {row[0]: row[1:] for row in rows}
        # identity matching (Splink) records its runs beside the scoring models
        assert set(runs) == {"churn", "lifecycle", "value", "cross_sell", "identity_matching"}
        assert all(published for published, _ in runs.values())
        assert json.loads(runs["cross_sell"][1])["mean_auc"] >= 0.6
        customers = con.execute("select count(*) from marts.dim_customers where not is_unknown_member").fetchall()[0][0]
        scores = con.execute(
            "select count(*), count(lifecycle_stage), count(churn_risk), count(expected_value_12m_cny), "
            "count(next_best_offer) from marts.fct_customer_scores"
        ).fetchall()[0]
    assert scores[0] == scores[1] == scores[2] == scores[3] == customers
    assert scores[4] > 0.9 * customers


def test_evaluate_prints_held_out_metrics(built_demo):
    out = run_hub("models", "evaluate", "--no-record", data_dir=built_demo).stdout  # built_demo is read only
    assert "in-data backtest" in out
    for needle in ("churn within 30 days: AUC", "cross-sell parts within 90 days: AUC", "cross-sell mean lift at 10%",
                   "value: 12-month after-sales purchase days, Spearman", "churn ceiling lift_top_decile_30d: model",
                   "cross_sell ceiling mean_lift_10_90d: model"):
        assert needle in out, out
    assert "ceilings kept" not in out


@pytest.mark.scale
def test_evaluate_keeps_each_ceiling_next_to_its_run(demo_copy):
    """The held-out lift, the truth signal's lift on the same customers and their ratio, by run id."""
    out = run_hub("models", "evaluate", data_dir=demo_copy).stdout
    assert "ceilings kept with their runs in models.model_ceilings: 7" in out, out
    con = duckdb.connect(str(demo_copy / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("""
            select c.model, c.metric, c.model_lift, c.ceiling_lift, c.ratio
            from models.model_ceilings c
            join models.model_runs r on r.run_id = c.run_id and r.model = c.model
            order by c.model, c.metric""").fetchall()
    finally:
        con.close()
    assert [r[0] for r in rows] == ["churn"] + ["cross_sell"] * 6
    for _model, metric, model_lift, ceiling_lift, ratio in rows:
        assert ceiling_lift > 1.0, metric  # the truth's own signal ranks the outcome
        assert ratio == pytest.approx(model_lift / ceiling_lift)
        assert f"model {model_lift:.2f}, true signal {ceiling_lift:.2f}, ratio {ratio:.2f}" in out


def test_lists_and_csv_never_hold_a_customer_without_consent(demo_copy):
    settings = get_settings()
    key = create_key(ops_engine(settings.ops_url), "marketer", "test marketer")
    agent = create_key(ops_engine(settings.ops_url), "agent", "test agent")
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        eligible = {row[0] for row in con.execute(ELIGIBLE).fetchall()}
        candidates = {row[0] for row in con.execute(
            "select customer_id from marts.fct_cross_sell_propensities where product = 'parts' and not is_held"
        ).fetchall()}
    assert candidates - eligible, "the demo should hold candidates the consent rule removes"

    with serving(settings) as url, httpx.Client(base_url=url, timeout=30) as client:
        listed, scores, after = [], [], None
        while True:
            body = client.post("/graphql", json={"query": LIST, "variables": {"after": after}},
                               headers={"Authorization": f"Bearer {key}"}).json()
            page = body["data"]["crossSellList"]
            listed += [edge["node"]["customerId"] for edge in page["edges"]]
            scores += [edge["node"]["score"] for edge in page["edges"]]
            assert all(edge["node"]["reasons"] for edge in page["edges"])
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        response = client.get("/export/cross-sell.csv", params={"product": "parts", "channel": "sms"},
                              headers={"Authorization": f"Bearer {key}"})
        http_csv = [row["customer_id"] for row in csv.DictReader(io.StringIO(response.text))]
        profile = client.post(
            "/graphql", headers={"Authorization": f"Bearer {agent}"},
            json={"query": f'{{ customer(id: "{listed[0]}") {{ lifecycle {{ stage churnRisk churnReasons {{ reason }} '
                           'valueCny nextBestOffer } } }'},
        ).json()["data"]["customer"]["lifecycle"]
    cli_csv = [row["customer_id"] for row in csv.DictReader(io.StringIO(
        run_hub("marketing", "export", "--product", "parts", "--channel", "sms", data_dir=demo_copy).stdout))]

    assert listed and len(listed) == len(set(listed)) and set(listed) <= eligible & candidates
    assert set(candidates & eligible) == set(listed)  # nobody eligible is left out either
    assert scores == sorted(scores, reverse=True)
    assert http_csv == listed and cli_csv == listed
    assert profile["stage"] in {"new", "active", "at_risk", "lapsed", "won_back"}
    assert profile["churnRisk"] is not None and profile["valueCny"] is not None and profile["nextBestOffer"]


def test_withdrawn_consent_leaves_the_list_at_the_next_publish(demo_copy):
    """A withdrawal that reaches the marts (a CRM consent event) is honoured by the next publish."""
    first = next(csv.DictReader(io.StringIO(
        run_hub("marketing", "export", "--product", "parts", "--channel", "sms", data_dir=demo_copy).stdout)))
    customer = first["customer_id"]
    with duckdb.connect(str(demo_copy / "warehouse.duckdb")) as con:
        con.execute(
            "update marts.fct_consents set consent_status = 'withdrawn', is_granted = false "
            "where customer_id = ? and consent_channel = 'sms' and consent_purpose = 'marketing'", [customer])
    run_hub("publish", data_dir=demo_copy)
    after = run_hub("marketing", "export", "--product", "parts", "--channel", "sms", data_dir=demo_copy).stdout
    assert customer not in {row["customer_id"] for row in csv.DictReader(io.StringIO(after))}
    assert after.count("\n") > 1  # the others are still listed
