"""Every GraphQL field of the profile types maps to a column of the serving store.

A served field is declared in the serving model's contract (transforms/models/serving/)
and in the SDL; the service layer's SQL (api.profiles) names the column for the field. This
test ties the three: each SDL field of Customer, Lifecycle and their list types is either
a column that SQL returns from the published store, or has its own resolver. A field added
to the SDL without a served column, or a column renamed in a contract, fails here.
"""

from __future__ import annotations

import sqlalchemy as sa
from graphql import GraphQLObjectType, get_named_type

from api import profiles
from api.graph import schema
from api.resolvers import RESOLVERS


# lists loaded per owner but served on each vehicle: list -> (type, field)
VEHICLE_LISTS = {"vehicleFaults": ("Vehicle", "activeFaults"), "vehicleFieldAlerts": ("Vehicle", "openFieldAlerts")}


def _columns(settings, sql: str, params: dict) -> set[str]:
    engine = sa.create_engine(f"sqlite:///{settings.data_dir / 'serving.db'}")
    try:
        with engine.connect() as con:
            return set(con.exec_driver_sql(sql, params).keys())
    finally:
        engine.dispose()


def _unserved(graphql_type: GraphQLObjectType, columns: set[str]) -> list[str]:
    return sorted(
        f"{graphql_type.name}.{name}" for name in graphql_type.fields
        if name not in columns and (graphql_type.name, name) not in RESOLVERS
    )


def test_every_profile_field_is_a_served_column_or_has_a_resolver(published):
    built = schema()
    customer_columns = _columns(published, profiles._FIND["id"], {"key": "CU1"})
    missing = _unserved(built.get_type("Customer"), customer_columns)
    # Lifecycle is read from the customer's own row
    missing += _unserved(built.get_type("Lifecycle"), customer_columns)
    checked = {"Customer", "Lifecycle"}
    for list_field in profiles._LISTS:
        owner, field = VEHICLE_LISTS.get(list_field) or (
            next(name for name in ("Customer", "Lifecycle") if list_field in built.get_type(name).fields), list_field
        )
        element = get_named_type(built.get_type(owner).fields[field].type)
        columns = _columns(published, profiles._list_sql(list_field, 1), {"id0": "CU1"})
        missing += _unserved(element, columns)
        checked.add(element.name)
    history = _columns(published, profiles._SERVICE_HISTORY.format(after=""), {"customer_id": "CU1", "limit": 1})
    missing += _unserved(built.get_type("ServiceRecord"), history)
    checked.add("ServiceRecord")
    assert not missing, f"SDL fields with no served column and no resolver: {missing}"
    # the check covered every list of the profile, not a subset
    assert {"Phone", "Vehicle", "ChurnReason", "ActiveFault", "VehicleFieldAlert"} <= checked and len(checked) >= 12


def test_a_field_without_a_column_is_reported(published):
    """The check can fail: a type with one field that no SQL returns is named."""
    fake = GraphQLObjectType("Vehicle", {"vin": schema().get_type("Vehicle").fields["vin"],
                                         "colour": schema().get_type("Vehicle").fields["vin"]})
    assert _unserved(fake, {"vin"}) == ["Vehicle.colour"]
