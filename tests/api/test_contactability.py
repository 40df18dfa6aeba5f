"""The consent rule once: the mart fct_contactability, hub.contactability (write-backs since
the build) and the marketer's list query give the same answer."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from api.marketing import export_rows
from api.store import ServingStore
from hub import contactability
from hub.vocabulary import CONSENT_CHANNELS, CONSENT_PURPOSES

# the rows of the dbt unit test contactability_marketing_needs_no_personalised_opt_out
ROWS = [
    ("A", "sms", "marketing", True, False), ("A", "app", "personalised_marketing", False, False),
    ("A", "sms", "service", True, True), ("B", "sms", "marketing", True, True),
    ("B", "email", "marketing", False, False), ("C", "sms", "personalised_marketing", True, True),
]


def consents_of(rows) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for customer, channel, purpose, granted, *_ in rows:
        out.setdefault(customer, []).append({"channel": channel, "purpose": purpose, "isGranted": granted})
    return out


def test_the_predicate_decides_the_dbt_unit_test_rows_alike() -> None:
    consents = consents_of(ROWS)
    for customer, channel, purpose, _granted, eligible in ROWS:
        assert contactability.is_eligible(consents[customer], channel, purpose) is eligible, (customer, channel, purpose)
    assert not contactability.is_eligible(consents["B"], "phone", "marketing")  # no consent on record
    assert contactability.has_marketing_consent(consents["A"]) and not contactability.has_marketing_consent(consents["C"])


@pytest.mark.slow
def test_mart_predicate_and_list_query_agree_on_the_demo(built_demo: Path) -> None:
    warehouse = duckdb.connect(str(built_demo / "warehouse.duckdb"), read_only=True)
    try:
        mart = warehouse.execute("select customer_id, consent_channel, consent_purpose, is_granted, is_eligible "
                                 "from marts.fct_contactability").fetchall()
    finally:
        warehouse.close()
    consents = consents_of(mart)
    assert len(consents) > 1000
    for customer, channel, purpose, _granted, eligible in mart:
        assert contactability.is_eligible(consents[customer], channel, purpose) is eligible
    eligible = {(c, ch) for c, ch, p, _g, e in mart if p == contactability.MARKETING and e}
    opted_out = {c for c, _ch, p, g, _e in mart if p == contactability.PERSONALISED_MARKETING and not g}
    assert opted_out and {c for c, _ch in eligible} and not opted_out & {c for c, _ch in eligible}
    assert {p for _c, _ch, p, _g, _e in mart} <= set(CONSENT_PURPOSES)

    store = ServingStore(f"sqlite:///{built_demo / 'serving.db'}")
    try:
        with store.connect() as con:
            for channel in ("sms", "wechat"):
                assert channel in CONSENT_CHANNELS
                listed = {row["customerId"] for row in export_rows(con, "maintenance_package", channel)}
                candidates = {r["customer_id"] for r in con.rows(
                    "select customer_id from cross_sell where product = 'maintenance_package' and not is_held", {})}
                assert listed and listed == {c for c in candidates if (c, channel) in eligible}, channel
    finally:
        store.close()
