"""Erase one person from every layer the hub writes, and prove it.

Order: the person's identifiers are gathered from the warehouse and the serving store; they
are tombstoned (digests) with a random pseudonym for each customer id; then the serving
store (at once), the write-back log, raw tables, quarantine and landing files, every derived
warehouse table (targeted updates: a rebuild from the erased raw gives the same), other
files the hub wrote (reports, logs) and Superset's metadata are edited; the receipt (stores
checked, rows changed; no identifier) is kept with the erasure and appended to the audit
chain. `verify` scans every store and file for the tombstoned identifiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa

from hub import audit
from hub.identifiers import hash_id_card
from hub.privacy import Identifiers, Tombstone
from hub.privacy.live import erase_serving, erase_writebacks, serving_engine, serving_identifiers
from hub.privacy.scan import _ID_CARD, _PHONE, Finding, Scanner, phone_e164
from hub.privacy.tombstone import new_erasure_id
from hub.settings import Settings
from hub.writeback.store import log_engine
from ingestion import erasure as raw_erasure
from ingestion.warehouse import connect, quote

# columns of derived tables that describe a person: emptied in the rows that name them
PERSONAL_COLUMNS = frozenset({"customer_name", "name", "birth_date", "address", "search_text", "primary_phone_masked",
                              "phone_masked", "phones_masked", "phone", "email", "ani", "contact_phone", "notes",
                              "description", "resolution", "lead_name", "person_key", "note"})
# of a table's rows about one of the person's leads (lead_id): emptied besides the above
LEAD_CONTACT_COLUMNS = frozenset({"phone_e164", "email_normalised"})
ERASED = "[erased]"
REGISTRY = "intermediate.int_customer_id_registry"


class UnknownCustomer(LookupError):
    pass


@dataclass
class Stores:
    settings: Settings

    def ops(self) -> sa.Engine:
        engine = log_engine(self.settings.ops_url, writer=False)
        audit.create(engine)
        return engine

    def serving(self) -> sa.Engine | None:
        url = self.settings.serving_url
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
            return None
        return serving_engine(url)

    def superset(self) -> sa.Engine | None:
        path = self.settings.data_dir / "superset" / "superset.db"
        return sa.create_engine(f"sqlite:///{path}") if path.exists() else None


def warehouse_identifiers(con: duckdb.DuckDBPyConnection, customer_id: str) -> tuple[Identifiers, set[str]]:
    """The person's identifiers as the warehouse knows them, and their names (to empty in
    files that mention them). Phones and e-mails another CRM record outside the person also
    carries are not theirs alone and stay."""
    ids = Identifiers(customer_ids={customer_id})
    ids.customer_ids |= _values(con, "select alias_id from marts.customer_aliases where customer_id = ?", [customer_id])
    wanted = sorted(ids.customer_ids)
    ids.crm_customer_ids = _values(con, "select crm_customer_id from intermediate.int_customer_id_registry "
                                        "where customer_id in (select unnest(?::varchar[]))", [wanted])
    crm = sorted(ids.crm_customer_ids)
    for attr, table, column in (("phones", "raw.crm__phones", "phone_e164"),
                                ("emails", "raw.crm__emails", "email_normalised")):
        setattr(ids, attr, _values(con, f"""
            select {column} from {table} where customer_id in (select unnest(?::varchar[])) and {column} is not null
            except select {column} from {table} where customer_id not in (select unnest(?::varchar[]))""", [crm, crm]))
    ids.id_cards = _values(con, "select id_card_hash from raw.crm__customers where customer_id in "
                                "(select unnest(?::varchar[])) and id_card_hash is not null", [crm])
    names = _values(con, "select name from raw.crm__customers where customer_id in (select unnest(?::varchar[])) "
                         "and name is not null", [crm])
    _matched_leads(con, ids, crm)
    return ids, names


def _matched_leads(con: duckdb.DuckDBPyConnection, ids: Identifiers, crm: list[str]) -> None:
    """The sales leads the warehouse matched to the person. A matched lead's own number and
    e-mail become theirs too, unless another customer's CRM record has it."""
    wanted = sorted(ids.customer_ids)
    ids.lead_ids |= _values(con, "select lead_id from marts.fct_leads where customer_id in "
                                 "(select unnest(?::varchar[]))", [wanted])
    for attr, column, table, crm_column in (("phones", "phone_e164", "raw.crm__phones", "phone_e164"),
                                            ("emails", "email_normalised", "raw.crm__emails", "email_normalised")):
        own = _values(con, f"select {column} from marts.fct_leads where customer_id in "
                           f"(select unnest(?::varchar[])) and {column} is not null", [wanted])
        if own:
            own -= _values(con, f"select {crm_column} from {table} where customer_id not in "
                                f"(select unnest(?::varchar[]))", [crm])
        getattr(ids, attr).update(own)


def lead_names(con: duckdb.DuckDBPyConnection, ids: Identifiers) -> set[str]:
    """Adds any lead on a phone or e-mail of the person to their leads (call it once every
    store's identifiers are in); returns the names their leads gave."""
    ids.lead_ids |= _values(con, "select lead_id from raw.sales__leads where phone_e164 in "
                                 "(select unnest(?::varchar[])) or email_normalised in (select unnest(?::varchar[]))",
                            [sorted(ids.phones), sorted(ids.emails)])
    return _values(con, "select name from raw.sales__leads where lead_id in (select unnest(?::varchar[])) "
                        "and name is not null", [sorted(ids.lead_ids)])


def _values(con, sql: str, params: list) -> set[str]:
    try:
        return {v for (v,) in con.execute(sql, params).fetchall() if v is not None}
    except duckdb.CatalogException:
        return set()  # not built yet


def _find_customer(con: duckdb.DuckDBPyConnection, tombstone: Tombstone, customer_digest: str) -> str | None:
    """The unified id whose digest a pending erasure recorded."""
    try:
        values = con.execute("select distinct customer_id from intermediate.int_customer_id_registry").fetchall()
    except duckdb.CatalogException:
        return None  # nothing built yet
    for (value,) in values:
        if tombstone.digest(value) == customer_digest:
            return value
    return None


def erase(settings: Settings, customer_id: str, reason: str, requested_by: str = "cli",
          role: str | None = "privacy", erasure_id: str | None = None) -> dict[str, Any]:
    """Erase the person behind a unified customer id from every layer; returns the receipt."""
    stores = Stores(settings)
    ops = stores.ops()
    tombstone = Tombstone(ops, settings)
    serving = stores.serving()
    con = connect(settings)
    try:
        ids, names = warehouse_identifiers(con, customer_id)
        if serving is not None:
            live = serving_identifiers(serving, customer_id)
            for kind, values in live.by_kind().items():
                ids.by_kind()[kind].update(values)
            ids.lead_ids |= live.lead_ids
        names |= lead_names(con, ids)
        if len(ids.crm_customer_ids) == 0 and not tombstone.erasures_of(customer_id):
            raise UnknownCustomer(f"no customer {customer_id!r} in the warehouse or the serving store")
        earlier = [e for e in tombstone.erasures_of(customer_id) if e["status"] == "pending"]
        if erasure_id is None and earlier:
            erasure_id = earlier[0]["erasure_id"]  # one that stopped half-way: finish it
        if erasure_id is None:
            erasure_id = new_erasure_id()
            tombstone.record(erasure_id, customer_id, requested_by, reason, "pending")
        pseudonyms = tombstone.add(erasure_id, ids)
        changed: dict[str, int] = {}
        if serving is not None:
            changed |= erase_serving(serving, ids)
        changed["ops.writeback_events"] = erase_writebacks(ops, ids, pseudonyms)
        changed |= raw_erasure.erase(con, settings, ids, pseudonyms)
        changed |= _erase_derived(con, ids, pseudonyms)
    finally:
        con.close()
    changed |= _erase_files(settings, ids, pseudonyms, names)
    superset = stores.superset()
    if superset is not None:
        changed["superset metadata"] = _delete_naming_rows(superset, ids)
    receipt = {
        "erasure_id": erasure_id,
        "reason": reason,
        "identifiers": {kind: len(values) for kind, values in ids.by_kind().items()},
        "stores_checked": sorted({k.split(".")[0] if "." in k else k for k in changed}),
        "rows_changed": {k: v for k, v in sorted(changed.items()) if v},
        "tables_checked": len(changed),
        "kept": "the audit chain keeps the unified id of this erasure; aggregates keep the person's calls, "
                "work orders and purchases under a pseudonym",
    }
    tombstone.finish(erasure_id, receipt)
    audit.append(ops, audit.chain_key(settings), [audit.Entry(
        "erasure", requested_by, role, customer_id,
        {"erasure_id": erasure_id, "rows_changed": sum(changed.values())})])
    return receipt


def erase_pending(settings: Settings) -> list[dict[str, Any]]:
    """Complete the erasures the API recorded (serving and ops done, warehouse and files next)."""
    receipts: list[dict[str, Any]] = []
    url = settings.ops_url
    if not settings.warehouse_path.exists() or (
            url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists()):
        return receipts
    probe = sa.create_engine(url)
    try:
        requested = sa.inspect(probe).has_table("erasures")
    finally:
        probe.dispose()
    if not requested:
        return receipts
    tombstone = Tombstone(Stores(settings).ops(), settings)
    for request in tombstone.pending():
        con = connect(settings)
        try:
            customer_id = _find_customer(con, tombstone, request["customer_digest"])
        finally:
            con.close()
        if customer_id is None:
            continue  # not in this warehouse (yet): stays pending
        receipts.append(erase(settings, customer_id, request["reason"], request["requested_by"],
                              erasure_id=request["erasure_id"]))
    return receipts


# ---------------------------------------------------------------- derived warehouse tables
def _erase_derived(con: duckdb.DuckDBPyConnection, ids: Identifiers, pseudonyms: dict[str, str]) -> dict[str, int]:
    """Every table outside raw: rows naming the person lose their personal columns, and each
    identifier becomes its pseudonym (customer ids) or NULL (contact details)."""
    values = sorted(ids.all())
    if not values:
        return {}
    con.execute("create or replace temp table _erased as select unnest(?::varchar[]) as value, "
                "unnest(?::varchar[]) as pseudonym", [values, [pseudonyms.get(v) for v in values]])
    columns: dict[tuple[str, str], list[tuple[str, str, bool]]] = {}
    for schema, table, column, data_type, nullable in con.execute(
            "select c.table_schema, c.table_name, c.column_name, c.data_type, c.is_nullable = 'YES' "
            "from information_schema.columns c join information_schema.tables t "
            "using (table_catalog, table_schema, table_name) "
            "where t.table_type = 'BASE TABLE' and c.table_schema not in ('raw') and c.table_schema not like 'pg_%' "
            "order by c.table_schema, c.table_name, c.ordinal_position").fetchall():
        columns.setdefault((schema, table), []).append((column, data_type, nullable))
    counts = {}
    con.execute("begin transaction")
    try:
        for (schema, table), cols in columns.items():
            strings = [c for c, t, _ in cols if t == "VARCHAR"]
            if not strings:
                continue
            name = f"{quote(schema)}.{quote(table)}"
            match = " or ".join(f"{quote(c)} in (select value from _erased)" for c in strings)
            _erase_inside(con, name, strings, pseudonyms)
            n = con.execute(f"select count(*) from {name} where {match}").fetchone()[0]
            counts[f"warehouse.{schema}.{table}"] = n
            if not n:
                continue
            personal = [(c, nullable) for c, _, nullable in cols if c in PERSONAL_COLUMNS]
            if personal:
                sets = ", ".join(f"{quote(c)} = null" if nullable else f"{quote(c)} = '{ERASED}'"
                                 for c, nullable in personal if c in strings or nullable)
                if sets:
                    con.execute(f"update {name} set {sets} where {match}")
            for c, _, nullable in cols:
                if c not in strings:
                    continue
                fallback = "null" if nullable else f"'{ERASED}'"
                con.execute(f"update {name} t set {quote(c)} = coalesce(e.pseudonym, {fallback}) from _erased e "
                            f"where t.{quote(c)} = e.value")
        counts |= _erase_leads(con, columns, ids)
        _retire_ids(con, ids, pseudonyms)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    con.execute("drop table _erased")
    return counts


def _erase_leads(con: duckdb.DuckDBPyConnection, columns: dict[tuple[str, str], list[tuple[str, str, bool]]],
                 ids: Identifiers) -> dict[str, int]:
    """Rows about one of the person's leads (fct_leads, int_leads_matched, ...) lose the
    lead's name, number and e-mail, whether or not they name the person otherwise."""
    counts: dict[str, int] = {}
    if not ids.lead_ids:
        return counts
    for (schema, table), cols in columns.items():
        if "lead_id" not in {c for c, _, _ in cols}:
            continue
        sets = ", ".join(f"{quote(c)} = null" if nullable else f"{quote(c)} = '{ERASED}'"
                         for c, data_type, nullable in cols
                         if c in PERSONAL_COLUMNS | LEAD_CONTACT_COLUMNS and (data_type == "VARCHAR" or nullable))
        if not sets:
            continue
        name = f"{quote(schema)}.{quote(table)}"
        where = "lead_id in (select unnest(?::varchar[]))"
        n = con.execute(f"select count(*) from {name} where {where}", [sorted(ids.lead_ids)]).fetchone()[0]
        if n:
            con.execute(f"update {name} set {sets} where {where}", [sorted(ids.lead_ids)])
        counts[f"warehouse.{schema}.{table} (leads)"] = n
    return counts


def _retire_ids(con: duckdb.DuckDBPyConnection, ids: Identifiers, pseudonyms: dict[str, str]) -> None:
    """The identity registry is the one warehouse state a rebuild keeps: the person's rows
    stay (their sequence numbers are never issued again) but anchor no record any more, so
    the pseudonymised records that remain get a new id and the old one is retired."""
    retired = [pseudonyms[c] for c in ids.customer_ids if c in pseudonyms]
    if not retired or not con.execute(
            "select count(*) from information_schema.tables where table_schema = 'intermediate' "
            "and table_name = 'int_customer_id_registry'").fetchone()[0]:
        return
    # the records keep their pseudonyms (they are still loaded); the id's anchor is none of them
    con.execute(f"""update {REGISTRY} set
        anchor_crm_customer_id = 'ERASED-' || customer_id,
        previous_customer_id = null
        where customer_id in (select unnest(?::varchar[]))""", [retired])


def _erase_inside(con: duckdb.DuckDBPyConnection, name: str, strings: list[str], pseudonyms: dict[str, str]) -> None:
    """Customer ids inside composite values (a match pair "C1|C2"): each replaced by its pseudonym."""
    if not pseudonyms:
        return
    ids = sorted(pseudonyms)
    pattern = "(^|[^0-9A-Za-z])(" + "|".join(re.escape(v) for v in ids) + ")([^0-9A-Za-z]|$)"
    for c in strings:
        expr = quote(c)
        for value in ids:
            expr = (f"regexp_replace({expr}, '(^|[^0-9A-Za-z]){re.escape(value)}([^0-9A-Za-z]|$)', "
                    f"'\\1{pseudonyms[value]}\\2', 'g')")
        con.execute(f"update {name} set {quote(c)} = {expr} where regexp_matches({quote(c)}, ?) "
                    f"and {quote(c)} not in (select value from _erased)", [pattern])


# ---------------------------------------------------------------- files outside landing, Superset
def _erase_files(settings: Settings, ids: Identifiers, pseudonyms: dict[str, str], names: set[str]) -> dict[str, int]:
    """Reports, exports and logs: each line naming the person has their identifiers replaced
    (customer ids by pseudonyms, contact details and names by [erased])."""
    key = settings.id_hash_key.get_secret_value()
    scanner = Scanner(settings, {}, b"")
    changed = 0
    checked = 0
    for path in scanner.files():
        if path.is_relative_to(settings.landing_dir) or path.suffix in (".db", ".sqlite") or "dagster" in path.parts:
            continue
        checked += 1
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        lines = text.splitlines(keepends=True)
        edited = [_scrub_line(line, ids, pseudonyms, names, key) for line in lines]
        n = sum(a != b for a, b in zip(lines, edited, strict=True))
        if n:
            path.write_text("".join(edited), encoding="utf-8")
            changed += n
    return {"files (reports, logs)": changed}


def _scrub_line(line: str, ids: Identifiers, pseudonyms: dict[str, str], names: set[str], key: str) -> str:
    new = line
    for value in sorted(ids.customer_ids | ids.crm_customer_ids, key=len, reverse=True):
        if value in new:
            new = re.sub(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])", pseudonyms.get(value, ERASED), new)
    for email in ids.emails:
        new = re.sub(re.escape(email), ERASED, new, flags=re.IGNORECASE)
    new = _PHONE.sub(lambda m: ERASED if phone_e164(m.group(0)) in ids.phones else m.group(0), new)
    new = _ID_CARD.sub(lambda m: ERASED if hash_id_card(m.group(0), key) in ids.id_cards else m.group(0), new)
    if new != line:
        for name in sorted(names, key=len, reverse=True):
            new = new.replace(name, ERASED)
    return new


def _delete_naming_rows(engine: sa.Engine, ids: Identifiers) -> int:
    """Superset's metadata store: delete rows (SQL Lab queries, logs) whose text names the person."""
    wanted = sorted(ids.all())
    deleted = 0
    inspector = sa.inspect(engine)
    with engine.begin() as con:
        for table in inspector.get_table_names():
            for column in inspector.get_columns(table):
                if isinstance(column["type"], sa.String):
                    col = sa.column(column["name"])
                    for value in wanted:
                        deleted += con.execute(sa.table(table, col).delete().where(col.contains(value))).rowcount
    return deleted


# ---------------------------------------------------------------- verify
def verify(settings: Settings, customer_id: str) -> tuple[list[Finding], list[str]]:
    """Scan every store and file for the identifiers of the erasure(s) of this customer."""
    stores = Stores(settings)
    ops = stores.ops()
    tombstone = Tombstone(ops, settings)
    requests = tombstone.erasures_of(customer_id)
    if not requests:
        raise UnknownCustomer(f"no erasure of customer {customer_id!r} is recorded")
    digests = {}
    for request in requests:
        digests |= {d: kind for d, (kind, _) in tombstone.entries(request["erasure_id"]).items()}
    scanner = Scanner(settings, digests, tombstone.key)
    findings, scanned = scanner.scan_all(stores.serving(), ops)
    superset = stores.superset()
    if superset is not None:
        findings += scanner.scan_sql("superset", superset)
        scanned.append("superset")
    return findings, scanned
