"""One vocabulary (hub/vocabulary.py): the dbt seed, the contracts, the write-back rules and
the SDL docstrings all say the same values, and a change in one place fails here."""

from __future__ import annotations

import re

from graphql import GraphQLInputObjectType, GraphQLNonNull, build_schema
from typer.testing import CliRunner

from api.graph import sdl
from hub import vocabulary
from hub.cli import app
from hub.writeback import vocabulary as wb
from hub.writeback.events import SPECS
from ingestion.contracts import ALL_CONTRACTS, OPS_CONTRACTS

# the mutation each write-back kind arrives by (api/resolvers/writeback.py)
MUTATIONS = {wb.CONTACT: "recordContact", wb.WORK_ORDER_OPENED: "openWorkOrder",
             wb.WORK_ORDER_ADVANCED: "advanceWorkOrder", wb.SURVEY: "recordSurvey",
             wb.OFFER_RESPONSE: "recordOfferResponse", wb.CONSENT: "setConsent",
             wb.QA_REVIEW: "recordQaReview", wb.LEAD_STATUS: "recordLeadStatus"}
DOMAIN_LISTS = {values: domain for domain, values in vocabulary.DOMAINS.items()}


def listed(description: str | None) -> list[str]:
    """The values a docstring lists: 'a, b or c (note): more' -> [a, b, c]."""
    head = re.sub(r"\([^)]*\)", "", (description or "").split(":")[0])
    return [item.strip(" .") for item in re.split(r",| or ", head) if item.strip(" .")]


def test_seed_is_written_from_the_module() -> None:
    assert vocabulary.SEED_PATH.read_text(encoding="utf-8") == vocabulary.seed_text(), (
        "transforms/seeds/vocabulary.csv differs from hub/vocabulary.py: run `hub vocabulary --write-seed`")
    lines = vocabulary.seed_text().splitlines()
    assert len(lines) == 1 + sum(len(values) for values in vocabulary.DOMAINS.values())


def test_every_closed_list_of_contracts_and_writebacks_is_a_vocabulary_domain() -> None:
    allowed = [(c.name, f.name, f.allowed) for c in ALL_CONTRACTS for f in c.fields if f.allowed]
    allowed += [(kind, r.name, r.allowed) for kind, rules in SPECS.items() for r in rules if r.allowed]
    strays = [(where, name, values) for where, name, values in allowed
              if values not in DOMAIN_LISTS and values != ("opened", "advanced")]
    assert not strays, f"closed lists not in hub.vocabulary: {strays}"
    assert len(allowed) > 40


def test_ops_contracts_check_what_the_writeback_rules_checked() -> None:
    ops = {c.entity: {f.name: f for f in c.fields} for c in OPS_CONTRACTS}
    entity = {wb.CONTACT: "contacts", wb.WORK_ORDER_OPENED: "work_order_changes",
              wb.WORK_ORDER_ADVANCED: "work_order_changes", wb.SURVEY: "surveys",
              wb.OFFER_RESPONSE: "offer_responses", wb.CONSENT: "consents", wb.QA_REVIEW: "qa_reviews",
              wb.LEAD_STATUS: "lead_statuses"}
    renamed = {wb.CONSENT: {"status": "consent_status", "source": "consent_source"}}
    for kind, rules in SPECS.items():
        for rule in rules:
            field = ops[entity[kind]][renamed.get(kind, {}).get(rule.column, rule.column)]
            assert (field.allowed, field.max_length, field.minimum, field.maximum) == (
                rule.allowed, rule.max_length, rule.minimum, rule.maximum), (kind, rule.name)


def test_workflow_stages_are_the_vocabulary_stages() -> None:
    assert tuple(wb.NEXT_STAGES) == vocabulary.WORK_ORDER_STAGES
    assert set(wb.OPEN_STAGES) < set(vocabulary.WORK_ORDER_STAGES)
    assert {s for nexts in wb.NEXT_STAGES.values() for s in nexts} <= set(vocabulary.WORK_ORDER_STAGES)


def test_sdl_docstrings_list_exactly_the_vocabulary() -> None:
    schema = build_schema(sdl())
    mutations = schema.mutation_type.fields
    checked = 0
    for kind, rules in SPECS.items():
        input_type = mutations[MUTATIONS[kind]].args["input"].type
        input_type = input_type.of_type if isinstance(input_type, GraphQLNonNull) else input_type
        assert isinstance(input_type, GraphQLInputObjectType)
        for rule in rules:
            if not rule.allowed:
                continue
            expected = list(rule.allowed)
            if kind == wb.WORK_ORDER_ADVANCED and rule.name == "stage":  # a stage some stage may move to
                reachable = {s for nexts in wb.NEXT_STAGES.values() for s in nexts}
                expected = [s for s in rule.allowed if s in reachable]
            description = input_type.fields[rule.name].description
            assert listed(description) == expected, f"{input_type.name}.{rule.name}: {description!r}"
            checked += 1
    assert listed(schema.get_type("Lifecycle").fields["stage"].description) == list(vocabulary.LIFECYCLE_STAGES)
    cross_sell = schema.query_type.fields["crossSellList"].args
    assert listed(cross_sell["product"].description) == list(vocabulary.PRODUCTS)
    assert listed(cross_sell["channel"].description) == list(vocabulary.CONSENT_CHANNELS)
    assert checked >= 15


def test_cli_lists_and_writes_the_vocabulary(tmp_path, monkeypatch) -> None:
    result = CliRunner().invoke(app, ["vocabulary"])
    assert result.exit_code == 0, result.output
    assert "consent_purpose: service, marketing, personalised_marketing, data_sharing" in result.output.splitlines()
    target = tmp_path / "vocabulary.csv"
    monkeypatch.setattr(vocabulary, "SEED_PATH", target)
    monkeypatch.setattr(vocabulary.write_seed, "__defaults__", (target,))
    result = CliRunner().invoke(app, ["vocabulary", "--write-seed"])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == vocabulary.seed_text()


def test_the_suppressing_offer_response_is_a_vocabulary_value():
    from hub import offers
    from hub.vocabulary import OFFER_RESPONSES

    assert offers.DECLINED in OFFER_RESPONSES
