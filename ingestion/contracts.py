"""Source contracts: what each upstream export must look like.

One contract per exported entity: the file it arrives in, its columns and types,
its natural key, which fields are required and which values are allowed. The
simulator writes to these contracts; ingestion validates against them and loads
each entity into the warehouse table `raw.<source>__<entity>`.

Raw tables hold the typed contract columns, the normalised identifier columns
(see `Field.normalise`) and four lineage columns: `_file`, `_line`, `_batch_id`,
`_ingested_at`. Timestamps are stored as UTC (TIMESTAMP); naive source timestamps
are read in the contract's `timezone`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from hub.calendar import TIMEZONE
from hub import knowledge, stewardship
from hub import vocabulary as vocab
from hub.writeback import vocabulary as wb
from hub.writeback.events import SPECS as WRITEBACK_RULES
from hub.writeback.events import WHEN as WRITEBACK_WHEN

FieldType = Literal["string", "int", "float", "decimal", "date", "timestamp", "bool"]
Normaliser = Literal["phone", "email", "vin", "id_card"]
# The timestamp forms a contract may declare (validate.*_TIMESTAMP_FORMATS hold their formats):
#   local  YYYY-MM-DD HH:MM:SS (T or / also; optional .ffffff), read in the contract's timezone
#   utc    the same with a Z suffix (ISO 8601 UTC)
#   offset the same with an explicit +HH:MM or +HHMM offset
# Anything else (epoch numbers, dates alone, minutes without seconds) is quarantined.
TimestampForm = Literal["local", "utc", "offset"]
# What a valid row whose natural key is already loaded with other values becomes:
#   version  loaded as a new version beside the earlier one (lineage: _file, _line, _batch_id);
#            staging keeps the latest
#   conflict quarantined, rule key_conflict, naming the file and line holding the loaded version
KeyChangePolicy = Literal["version", "conflict"]

LINEAGE_COLUMNS = ("_file", "_line", "_batch_id", "_ingested_at")


@dataclass(frozen=True)
class Field:
    """One exported column and the rules it must follow.

    normalise adds derived columns beside the raw one:
      phone   -> <name>_e164, <name>_kind (mobile|landline|service|international)
      email   -> <name>_normalised
      vin     -> the column itself holds the normalised VIN (the raw form is noise)
      id_card -> <name> is replaced by id_card_hash (HMAC); the number is never stored
    A value the normaliser rejects quarantines the row when the field is required
    or part of the key, and leaves the normalised column NULL otherwise.
    """

    name: str
    type: FieldType = "string"
    required: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    normalise: Normaliser | None = None
    pii: bool = False
    description: str = ""


@dataclass(frozen=True)
class Contract:
    """The contract of one exported entity of one source system."""

    source: Literal["crm", "acd", "ticketing", "telematics", "sales", "ops"]
    entity: str
    file_pattern: str  # glob inside landing/<source>/
    format: Literal["csv", "jsonl"]
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    timezone: str | None = TIMEZONE  # naive timestamps are local time of this zone
    description: str = ""
    timestamp_forms: tuple[TimestampForm, ...] = ("local", "utc", "offset")
    # The files' encoding as the source declares it (a BOM still wins: it cannot lie about
    # UTF-16); None: detected per file (files.detect_encoding). Lines that do not decode in
    # the declared encoding are quarantined (rule encoding), never re-decoded another way.
    encoding: str | None = None
    on_key_change: KeyChangePolicy = "conflict"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def raw_table(self) -> str:
        return f"raw.{self.source}__{self.entity}"

    @property
    def name(self) -> str:
        return f"{self.source}__{self.entity}"

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")


def _f(name: str, type: FieldType = "string", **kw) -> Field:  # noqa: A002 - mirrors the contract vocabulary
    return Field(name=name, type=type, **kw)


# the allowed values are the hub's one vocabulary (hub.vocabulary); QUEUES is also the simulator's
QUEUES = vocab.QUEUES

CONTRACTS: tuple[Contract, ...] = (
    # ---------------------------------------------------------------- CRM
    Contract(
        source="crm",
        entity="customers",
        file_pattern="customers_*.csv",
        format="csv",
        description="Customer master records, full export first then daily changes. "
        "One person may have several records (duplicates with typos).",
        key=("customer_id", "updated_at"),
        fields=(
            _f("customer_id", required=True, max_length=32, description="CRM customer id"),
            _f("customer_type", required=True, allowed=vocab.CUSTOMER_TYPES),
            _f("name", required=True, pii=True, max_length=100, description="person or company name"),
            _f("gender", allowed=vocab.GENDERS),
            _f("birth_date", "date", pii=True),
            _f("id_card_no", normalise="id_card", pii=True, description="resident id card (persons)"),
            _f("company_reg_no", max_length=32, description="unified social credit code (fleets)"),
            _f("province", max_length=20),
            _f("city", max_length=40),
            _f("address", pii=True, max_length=200),
            _f("postcode", max_length=12, description="postal code as exported (CN: 6 digits); optional"),
            _f("segment", allowed=vocab.SEGMENTS),
            _f("registered_at", "timestamp", description="optional: some CRMs do not export it"),
            _f("updated_at", "timestamp", required=True),
        ),
    ),
    Contract(
        source="crm",
        entity="phones",
        file_pattern="phones_*.csv",
        format="csv",
        description="Phone numbers recorded on customers, in whatever format agents typed.",
        key=("customer_id", "phone", "updated_at"),
        fields=(
            _f("customer_id", required=True, max_length=32),
            _f("phone", required=True, normalise="phone", pii=True, max_length=40),
            _f("phone_label", allowed=vocab.PHONE_LABELS),
            _f("is_primary", "bool"),
            _f("updated_at", "timestamp", required=True),
        ),
    ),
    Contract(
        source="crm",
        entity="emails",
        file_pattern="emails_*.csv",
        format="csv",
        key=("customer_id", "email", "updated_at"),
        fields=(
            _f("customer_id", required=True, max_length=32),
            _f("email", required=True, normalise="email", pii=True, max_length=120),
            _f("updated_at", "timestamp", required=True),
        ),
    ),
    Contract(
        source="crm",
        entity="vehicles",
        on_key_change="version",  # a corrected vehicle master row replaces the old one
        file_pattern="vehicles_*.csv",
        format="csv",
        description="Vehicle master: one row per VIN as built.",
        key=("vin",),
        fields=(
            _f("vin", required=True, normalise="vin"),
            _f("model_code", required=True, max_length=20),
            _f("model_name", max_length=60),
            _f("build_batch", required=True, max_length=20),
            _f("build_date", "date", required=True),
            _f("engine_type", allowed=vocab.ENGINE_TYPES),
            _f("route_type", allowed=vocab.ROUTE_TYPES),
        ),
    ),
    Contract(
        source="crm",
        entity="ownerships",
        file_pattern="ownerships_*.csv",
        format="csv",
        description="Who owned which vehicle when; owned_to empty while owned.",
        key=("vin", "customer_id", "owned_from", "updated_at"),  # a sale sets owned_to: a new version
        fields=(
            _f("vin", required=True, normalise="vin"),
            _f("customer_id", required=True, max_length=32),
            _f("owned_from", "date", required=True),
            _f("owned_to", "date"),
            _f("dealer_code", max_length=20),
            _f("updated_at", "timestamp", required=True),
        ),
    ),
    Contract(
        source="crm",
        entity="purchases",
        on_key_change="version",  # a corrected purchase (amount, coverage) replaces the old one
        file_pattern="purchases_*.csv",
        format="csv",
        description="Vehicle and product purchases; coverage for products that run for a period.",
        key=("purchase_id",),
        fields=(
            _f("purchase_id", required=True, max_length=32),
            _f("customer_id", required=True, max_length=32),
            _f("vin", normalise="vin"),
            _f("product", required=True, allowed=vocab.PURCHASE_PRODUCTS),
            _f("amount_cny", "decimal", required=True, minimum=0, maximum=10_000_000),
            _f("purchased_at", "timestamp", required=True),
            _f("coverage_months", "int", minimum=0, maximum=120),
            _f("channel", allowed=vocab.PURCHASE_CHANNELS),
        ),
    ),
    Contract(
        source="crm",
        entity="consents",
        file_pattern="consents_*.csv",
        format="csv",
        description="Consent events by channel and purpose (PIPL); the latest per pair wins.",
        key=("customer_id", "channel", "purpose", "recorded_at"),
        fields=(
            _f("customer_id", required=True, max_length=32),
            _f("channel", required=True, allowed=vocab.CONSENT_CHANNELS),
            _f("purpose", required=True, allowed=vocab.CONSENT_PURPOSES),
            _f("consent_status", required=True, allowed=vocab.CONSENT_STATUSES),
            _f("recorded_at", "timestamp", required=True),
            _f("consent_source", allowed=vocab.CONSENT_SOURCES),
        ),
    ),
    # ---------------------------------------------------------------- ACD / CTI
    Contract(
        source="acd",
        entity="call_legs",
        on_key_change="version",  # the ACD re-exports a leg it corrected (clock skew, disposition)
        file_pattern="call_legs_*.csv",
        format="csv",
        description="One row per call leg; a transferred call has legs 1..n with the same call_id.",
        key=("call_id", "leg_no"),
        fields=(
            _f("call_id", required=True, max_length=40),
            _f("leg_no", "int", required=True, minimum=1, maximum=20),
            _f("direction", required=True, allowed=vocab.DIRECTIONS),
            _f("ani", normalise="phone", pii=True, max_length=40, description="caller number"),
            _f("dnis", max_length=40, description="dialled number"),
            _f("ivr_path", max_length=100),
            _f("queue", allowed=QUEUES),
            _f("started_at", "timestamp", required=True, description="call reached the ACD"),
            _f("enqueued_at", "timestamp"),
            _f("answered_at", "timestamp"),
            _f("ended_at", "timestamp", required=True),
            _f("agent_id", max_length=20),
            _f("talk_seconds", "int", minimum=0, maximum=36_000),
            _f("hold_seconds", "int", minimum=0, maximum=36_000),
            _f("wrapup_seconds", "int", minimum=0, maximum=36_000),
            _f(
                "disposition",
                required=True,
                allowed=vocab.CALL_DISPOSITIONS,
            ),
            _f("transfer_to_queue", allowed=QUEUES),
            _f("acd_node", max_length=20, description="ACD server that recorded the leg"),
        ),
    ),
    Contract(
        source="acd",
        entity="surveys",
        on_key_change="version",  # a re-scored survey replaces the old score
        file_pattern="surveys_*.csv",
        format="csv",
        description="Post-call IVR survey, 1-5.",
        key=("call_id",),
        fields=(
            _f("call_id", required=True, max_length=40),
            _f("agent_id", max_length=20),
            _f("score", "int", required=True, minimum=1, maximum=5),
            _f("surveyed_at", "timestamp", required=True),
        ),
    ),
    Contract(
        source="acd",
        entity="agents",
        file_pattern="agents_*.csv",
        format="csv",
        description="Agent roster (no names: the hub does not need them).",
        key=("agent_id", "updated_at"),
        fields=(
            _f("agent_id", required=True, max_length=20),
            _f("team", max_length=40),
            _f("primary_queue", required=True, allowed=QUEUES),
            _f("skills", max_length=200, description="queues the agent can take, ';'-separated"),
            _f("site", max_length=40),
            _f("hired_on", "date"),
            _f("left_on", "date"),
            _f("updated_at", "timestamp", required=True),
        ),
    ),
    # ---------------------------------------------------------------- ticketing
    Contract(
        source="ticketing",
        entity="work_orders",
        file_pattern="work_orders_*.csv",
        format="csv",
        description="Work order headers as of updated_at; stage history is in transitions.",
        key=("work_order_id", "updated_at"),
        fields=(
            _f("work_order_id", required=True, max_length=32),
            _f("created_at", "timestamp", required=True),
            _f("updated_at", "timestamp", required=True),
            _f("customer_id", max_length=32, description="CRM id when the agent found the customer"),
            _f("contact_phone", normalise="phone", pii=True, max_length=40),
            _f("vin", normalise="vin"),
            _f("call_id", max_length=40, description="call that raised it"),
            _f("category", required=True, allowed=vocab.WORK_ORDER_CATEGORIES),
            _f("priority", required=True, allowed=vocab.PRIORITIES),
            _f("component", allowed=vocab.COMPONENTS),
            _f("fault_code", max_length=20, description="SPN-FMI, e.g. 110-0"),
            _f("fault_description", max_length=2000, description="free text, Chinese"),
            _f("region_office", max_length=40),
            _f("sla_hours", "int", minimum=1, maximum=720),
            _f("status", required=True, allowed=vocab.WORK_ORDER_STAGES),
        ),
    ),
    Contract(
        source="ticketing",
        entity="transitions",
        on_key_change="version",  # a corrected stage change replaces the old one
        file_pattern="transitions_*.csv",
        format="csv",
        description="Every stage change of a work order, in order of seq.",
        key=("work_order_id", "seq"),
        fields=(
            _f("work_order_id", required=True, max_length=32),
            _f("seq", "int", required=True, minimum=1, maximum=1000),
            _f("stage", required=True, allowed=vocab.WORK_ORDER_STAGES),
            _f("stage_at", "timestamp", required=True),
            _f("engineer_id", max_length=20),
            _f("region_office", max_length=40),
            _f("parts", max_length=400, description="part_no x qty, ';'-separated"),
            _f("warehouse", max_length=40),
            _f("resolution", max_length=2000, description="what fixed it (resolved stage), Chinese"),
            _f("callback_score", "int", minimum=1, maximum=5, description="satisfaction at callback"),
        ),
    ),
    Contract(
        source="ticketing",
        entity="roster",
        on_key_change="version",  # a corrected shift (same engineer and start) replaces the old one
        file_pattern="roster_*.csv",
        format="csv",
        description="The dispatch system's roster: one row per field engineer and shift (on-duty period), "
        "with the engineer's region office and skills; a day's file holds the shifts starting that day.",
        key=("engineer_id", "on_duty_from"),
        fields=(
            _f("engineer_id", required=True, max_length=20, description="as named on work-order transitions"),
            _f("region_office", required=True, max_length=40),
            _f("skills", required=True, max_length=200, description="components the engineer repairs, ';'-separated"),
            _f("on_duty_from", "timestamp", required=True),
            _f("on_duty_to", "timestamp", required=True, description="end of the shift (after on_duty_from)"),
            _f("updated_at", "timestamp", required=True, description="when the roster was published"),
        ),
    ),
    # ---------------------------------------------------------------- telematics
    Contract(
        source="telematics",
        entity="readings",
        file_pattern="readings_*.csv",
        format="csv",
        timezone=None,
        encoding="utf-8",
        description="Periodic readings per vehicle; reading_ts is epoch milliseconds UTC.",
        key=("vin", "reading_ts"),
        fields=(
            _f("vin", required=True, normalise="vin"),
            _f("reading_ts", "int", required=True, minimum=1_500_000_000_000, maximum=2_000_000_000_000),
            _f("lat", "float", minimum=3, maximum=54),
            _f("lon", "float", minimum=73, maximum=136),
            _f("speed_kmh", "float", minimum=0, maximum=200),
            _f("fuel_rate_lph", "float", minimum=0, maximum=200),
            _f("odometer_km", "float", required=True, minimum=0, maximum=5_000_000),
            _f("engine_hours", "float", minimum=0, maximum=200_000),
        ),
    ),
    Contract(
        source="telematics",
        entity="events",
        file_pattern="events_*.jsonl",
        format="jsonl",
        timezone="UTC",
        timestamp_forms=("utc",),  # the telematics platform writes ISO 8601 with Z only
        encoding="utf-8",
        description="Fault codes (J1939 SPN/FMI) raised and cleared, driving events; ISO 8601 UTC.",
        key=("event_id",),
        fields=(
            _f("event_id", required=True, max_length=40),
            _f("vin", required=True, normalise="vin"),
            _f("event_at", "timestamp", required=True),
            _f("event_type", required=True, allowed=vocab.TELEMATICS_EVENT_TYPES),
            _f("spn", "int", minimum=0, maximum=524_287),
            _f("fmi", "int", minimum=0, maximum=31),
            _f("value", "float", description="speed for over_speed, load t for overload, g for braking"),
            _f("lat", "float", minimum=3, maximum=54),
            _f("lon", "float", minimum=73, maximum=136),
        ),
    ),
    # ---------------------------------------------------------------- sales leads (docs/marketing.md)
    Contract(
        source="sales",
        entity="leads",
        file_pattern="leads_*.csv",
        format="csv",
        description="Sales leads from the web form, dealer events, trade shows, referrals and the hotline, "
        "as typed: the same person more than once, phones in any format or unusable, existing customers among them.",
        key=("lead_id",),
        fields=(
            _f("lead_id", required=True, max_length=32, description="the lead system's id"),
            _f("lead_source", required=True, allowed=vocab.LEAD_SOURCES),
            _f("name", required=True, pii=True, max_length=100, description="as the person gave it"),
            # not required: a lead with an unusable number still loads (normalised columns NULL)
            _f("phone", normalise="phone", pii=True, max_length=40),
            _f("email", normalise="email", pii=True, max_length=120),
            _f("province", max_length=20),
            _f("city", max_length=40),
            _f("interest", required=True, allowed=vocab.LEAD_INTERESTS),
            _f("fleet_size", "int", minimum=0, maximum=10_000, description="vehicles the lead says it runs"),
            _f("consent_to_contact", "bool", required=True, description="the lead agreed to be called back"),
            _f("created_at", "timestamp", required=True),
        ),
    ),
)

SOURCES = ("crm", "acd", "ticketing", "telematics", "sales")

# ---------------------------------------------------------------- ops (contact-engine write-backs)
# Not an upstream export: ingestion.ops_export writes the ops store's event log into
# landing/ops/ as JSONL, one file per entity and seq range, checked by these contracts like
# any export: their fields derive from the write-back rules the API validated with.
OPS_SOURCE = "ops"
_OPS_EVENT = (
    _f("seq", "int", required=True, minimum=1, description="position in the ops event log"),
    _f("event_id", required=True, max_length=32),
    _f("customer_id", required=True, max_length=64, description="unified customer id (not a CRM id)"),
    _f("recorded_at", "timestamp", required=True),
)
_RULE_TYPES: dict[str, FieldType] = {"string": "string", "int": "int", "datetime": "timestamp", "vin": "string",
                                     "parts": "string", "qa_scores": "string"}


def _from_rules(kind: str, skip: tuple[str, ...] = ("customer_id",), only: tuple[str, ...] | None = None,
                rename: dict[str, str] | None = None, optional: tuple[str, ...] = ()) -> tuple[Field, ...]:
    """An ops entity's fields derived from the write-back rules the API validated the
    mutation with (hub.writeback.events.SPECS, WRITEBACK_RULES here): the same columns, types, allowed values,
    lengths and ranges, checked again when the export is ingested. The event's time is
    required (the API fills it in when the caller does not); `optional` relaxes fields one
    entity shares with another kind that lacks them; VINs are normalised, not masked."""
    out = []
    for rule in WRITEBACK_RULES[kind]:
        if rule.column in skip or (only is not None and rule.column not in only):
            continue
        name = (rename or {}).get(rule.column, rule.column)
        required = (rule.required or rule.derived or WRITEBACK_WHEN.get(kind) == rule.column) and name not in optional
        out.append(Field(name=name, type=_RULE_TYPES[rule.kind], required=required, allowed=rule.allowed,
                         minimum=rule.minimum, maximum=rule.maximum, max_length=rule.max_length,
                         normalise="vin" if rule.kind == "vin" else None, pii=rule.personal and rule.kind != "vin"))
    return tuple(out)


_WORK_ORDER_KEYS = ("work_order_id", "stage", "stage_at")
OPS_CONTRACTS: tuple[Contract, ...] = (
    Contract(
        source="ops", entity="contacts", file_pattern="contacts_*.jsonl", format="jsonl", timezone="UTC",
        encoding="utf-8",  # the hub writes these files itself (ingestion.ops_export)
        description="Calls and chats written back by the contact engine (recordContact).",
        key=("event_id",),
        fields=(*_OPS_EVENT, *_from_rules(wb.CONTACT)),
    ),
    Contract(
        source="ops", entity="work_order_changes", file_pattern="work_order_changes_*.jsonl", format="jsonl",
        timezone="UTC", encoding="utf-8",
        description="Work orders opened (openWorkOrder) and their stage changes (advanceWorkOrder).",
        key=("event_id",),
        fields=(
            *_OPS_EVENT,
            _f("change_type", required=True, allowed=("opened", "advanced")),
            # an opened order's row carries its id and stage 'created' too (ingestion.ops_export.row)
            *_from_rules(wb.WORK_ORDER_ADVANCED, only=_WORK_ORDER_KEYS),
            *_from_rules(wb.WORK_ORDER_OPENED, optional=("category", "priority")),
            *_from_rules(wb.WORK_ORDER_ADVANCED, skip=(*_WORK_ORDER_KEYS, "region_office")),
        ),
    ),
    Contract(
        source="ops", entity="surveys", file_pattern="surveys_*.jsonl", format="jsonl", timezone="UTC",
        encoding="utf-8",  # the hub writes these files itself (ingestion.ops_export)
        description="CSAT of a contact and callback satisfaction of a work order (recordSurvey).",
        key=("event_id",),
        fields=(*_OPS_EVENT, *_from_rules(wb.SURVEY)),
    ),
    Contract(
        source="ops", entity="offer_responses", file_pattern="offer_responses_*.jsonl", format="jsonl",
        timezone="UTC", encoding="utf-8",
        description="Answers to cross-sell offers (recordOfferResponse).",
        key=("event_id",),
        fields=(*_OPS_EVENT, *_from_rules(wb.OFFER_RESPONSE)),
    ),
    Contract(
        source="ops", entity="qa_reviews", file_pattern="qa_reviews_*.jsonl", format="jsonl",
        timezone="UTC", encoding="utf-8",  # the hub writes these files itself (ingestion.ops_export)
        description="Supervisors' QA reviews of sampled calls, scored per criterion (recordQaReview).",
        key=("event_id",),
        fields=(*_OPS_EVENT, *_from_rules(wb.QA_REVIEW)),
    ),
    Contract(
        source="ops", entity="consents", file_pattern="consents_*.jsonl", format="jsonl", timezone="UTC",
        encoding="utf-8",  # the hub writes these files itself (ingestion.ops_export)
        description="Consents granted or withdrawn through the contact engine (setConsent).",
        key=("event_id",),
        fields=(*_OPS_EVENT,
                *_from_rules(wb.CONSENT, rename={"status": "consent_status", "source": "consent_source"})),
    ),
)
# Knowledge articles (writeKnowledgeArticle, hub.knowledge): one row per version, about no
# customer; the limits are the ones the API checked (hub.knowledge), checked again here.
_K = knowledge
OPS_CONTRACTS += (
    Contract(
        source="ops", entity="knowledge_articles", file_pattern="knowledge_articles_*.jsonl", format="jsonl",
        timezone="UTC", encoding="utf-8",  # the hub writes these files itself (ingestion.ops_export)
        description="Knowledge-base article versions written by R&D and engineers (writeKnowledgeArticle).",
        key=("event_id",),
        fields=(
            _f("seq", "int", required=True, minimum=1, description="position in the ops event log"),
            _f("event_id", required=True, max_length=32),
            _f("recorded_at", "timestamp", required=True),
            _f("article_id", required=True, max_length=32),
            _f("title", required=True, max_length=_K.MAX_TITLE),
            _f("symptom", required=True, max_length=_K.MAX_SYMPTOM),
            _f("fault_codes", max_length=_K.MAX_KEYS * 10, description="SPN-FMI codes, '|' between"),
            _f("models", max_length=_K.MAX_KEYS * 21, description="vehicle model codes, '|' between"),
            _f("components", max_length=_K.MAX_KEYS * 15, description="components, '|' between"),
            _f("steps", required=True, max_length=_K.MAX_STEPS * (_K.MAX_STEP + 1), description="one per line"),
            _f("author_id", required=True, max_length=40, description="the author's employee id"),
            _f("article_status", required=True, allowed=vocab.ARTICLE_STATUSES),
            _f("written_at", "timestamp", required=True),
        ),
    ),
)
# Sales' progress on handed-over leads (recordLeadStatus): about a lead, not a customer.
OPS_CONTRACTS += (
    Contract(
        source="ops", entity="lead_statuses", file_pattern="lead_statuses_*.jsonl", format="jsonl",
        timezone="UTC", encoding="utf-8",  # the hub writes these files itself (ingestion.ops_export)
        description="Status changes of sales leads written back by sales (recordLeadStatus).",
        key=("event_id",),
        fields=(
            _f("seq", "int", required=True, minimum=1, description="position in the ops event log"),
            _f("event_id", required=True, max_length=32),
            _f("recorded_at", "timestamp", required=True),
            *_from_rules(wb.LEAD_STATUS),
        ),
    ),
)
# Identity overrides (hub identity override, setIdentityOverride; hub.stewardship): one row
# per add or remove, about CRM records, not a customer; the API's limits checked again here.
OPS_CONTRACTS += (
    Contract(
        source="ops", entity="identity_overrides", file_pattern="identity_overrides_*.jsonl", format="jsonl",
        timezone="UTC", encoding="utf-8",  # the hub writes these files itself (ingestion.ops_export)
        description="Data stewards' never-link and always-link overrides of the identity graph.",
        key=("event_id",),
        fields=(
            _f("seq", "int", required=True, minimum=1, description="position in the ops event log"),
            _f("event_id", required=True, max_length=32),
            _f("recorded_at", "timestamp", required=True),
            _f("override_id", required=True, max_length=16),
            _f("override_action", required=True, allowed=vocab.OVERRIDE_ACTIONS),
            _f("link_rule", required=True, allowed=vocab.LINK_RULES),
            _f("left_crm_customer_id", required=True, max_length=64),
            _f("right_crm_customer_id", required=True, max_length=64),
            _f("reason", required=True, max_length=stewardship.MAX_REASON),
            _f("author_id", required=True, max_length=40, description="the steward's employee id"),
            _f("written_at", "timestamp", required=True),
        ),
    ),
)
ALL_CONTRACTS = (*CONTRACTS, *OPS_CONTRACTS)


def contracts_for(source: str) -> tuple[Contract, ...]:
    """The contracts of one source system, in load order."""
    if source == OPS_SOURCE:
        return OPS_CONTRACTS
    if source not in SOURCES:
        raise KeyError(f"unknown source {source!r}; known: {', '.join(SOURCES)}, {OPS_SOURCE}")
    return tuple(c for c in CONTRACTS if c.source == source)


def contract(name: str) -> Contract:
    """A contract by its name, `<source>__<entity>`."""
    for c in ALL_CONTRACTS:
        if c.name == name:
            return c
    raise KeyError(f"unknown contract {name!r}")
