"""The hub's one vocabulary: every closed list of values a field may take.

Products, channels, purposes, stages, categories, priorities, statuses, dispositions...
are declared here once and read by everything else:

- ingestion contracts (`allowed=`) and the write-back validation (hub.writeback.events),
  so the ops contracts and the mutations check the same words;
- dbt: `transforms/seeds/vocabulary.csv` is written from DOMAINS (`hub vocabulary write`;
  a test fails when the seed and this module differ) and the generic test
  `in_vocabulary(domain)` checks columns against the seed;
- the SDL docstrings that list values (a test compares them with DOMAINS) and the API's
  argument checks (api.marketing);
- Superset's datasets and the models' feature lists.

The lists are the upstream systems' own words (CRM, ACD, ticketing, telematics) and the
contact engine's. Adding a value here and regenerating the seed is the whole change.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

# ---------------------------------------------------------------- products and customers
# what the cross-sell lists, offers and models are about
PRODUCTS = ("extended_warranty", "maintenance_package", "telematics_subscription", "financing", "parts")
# what a CRM purchase may be: a vehicle or one of the products
PURCHASE_PRODUCTS = ("vehicle", *PRODUCTS)
PURCHASE_CHANNELS = ("dealer", "call_center", "app", "online", "field_sales")
CUSTOMER_TYPES = ("person", "fleet")
GENDERS = ("M", "F", "U")
SEGMENTS = ("retail", "small_fleet", "large_fleet", "vip")
PHONE_LABELS = ("mobile", "home", "work", "switchboard", "other")
ENGINE_TYPES = ("diesel", "gas", "electric", "hybrid")
ROUTE_TYPES = ("urban", "regional", "long_haul", "construction")
# where a customer is in their lifecycle (models/lifecycle/rules.py decides it)
LIFECYCLE_STAGES = ("new", "active", "at_risk", "lapsed", "won_back")

# ---------------------------------------------------------------- consent (PIPL)
CONSENT_CHANNELS = ("sms", "phone", "email", "wechat", "app")
CONSENT_PURPOSES = ("service", "marketing", "personalised_marketing", "data_sharing")
CONSENT_STATUSES = ("granted", "withdrawn")
CONSENT_SOURCES = ("contract", "app", "call_center", "web", "dealer")

# ---------------------------------------------------------------- contact centre
QUEUES = ("sales", "service", "repair", "rescue", "complaints", "fleet", "vip")
DIRECTIONS = ("inbound", "outbound")
# how the ACD ended a call leg
CALL_DISPOSITIONS = ("answered", "abandoned", "transferred", "ivr_only", "callback_requested", "no_answer")
# how the contact engine reports a call or chat it handled
CONTACT_CHANNELS = ("call", "chat")
CONTACT_DISPOSITIONS = (
    "resolved", "follow_up", "work_order_opened", "transferred", "callback_requested", "abandoned", "no_answer",
)
SURVEY_TYPES = ("csat", "callback")
OFFER_RESPONSES = ("accepted", "declined", "not_now")

# ---------------------------------------------------------------- pushed alerts (hub.notify)
# a field alert's severity, least first (models.field_alerts.detection.severity decides it)
ALERT_SEVERITIES = ("low", "medium", "high")
# what a subscriber is told about, and how (docs/notify.md)
NOTIFY_TOPICS = ("field_alert", "kpi_breach")
NOTIFY_CHANNELS = ("webhook", "email")
# a scorecard's scope (fct_scorecards.scope_level)
SCORECARD_SCOPES = ("agent", "team", "site")

# ---------------------------------------------------------------- work orders and vehicles
WORK_ORDER_CATEGORIES = ("consultation", "complaint", "repair", "rescue")
PRIORITIES = ("P1", "P2", "P3", "P4")
# the ticketing workflow's stages, in workflow order (hub.writeback.vocabulary.NEXT_STAGES
# says which may follow which)
WORK_ORDER_STAGES = ("created", "dispatched", "accepted", "on_site", "resolved", "closed", "callback", "reopened")
COMPONENTS = (
    "engine", "fuel_system", "aftertreatment", "transmission", "brakes",
    "electrical", "cooling", "turbocharger", "axle", "cab",
)
TELEMATICS_EVENT_TYPES = ("fault_raised", "fault_cleared", "harsh_braking", "over_speed", "overload")

# ---------------------------------------------------------------- knowledge base (hub.knowledge)
# only published articles are suggested; a draft is seen by its writers
ARTICLE_STATUSES = ("draft", "published")

# ---------------------------------------------------------------- sales leads (docs/marketing.md "Sales leads")
# where the leads export says a lead came from, what it asked about, and the hand-over's states
LEAD_SOURCES = ("website", "dealer_event", "trade_show", "referral", "hotline")
LEAD_INTERESTS = ("new_vehicle", *PRODUCTS)
LEAD_STATUSES = ("contacted", "qualified", "won", "lost")  # what sales writes back (recordLeadStatus)
LEAD_STATES = ("new", *LEAD_STATUSES)  # a lead's state on the hand-over list: new until sales writes one
# ---------------------------------------------------------------- identity stewardship (hub.stewardship)
# never_link: the two CRM records are never one customer, whatever the evidence;
# always_link: they are one customer (an edge of the identity graph)
LINK_RULES = ("never_link", "always_link")
OVERRIDE_ACTIONS = ("add", "remove")  # an override is put in force or taken out of it

# domain name (as the seed and the dbt test `in_vocabulary` spell it) -> its values
DOMAINS: dict[str, tuple[str, ...]] = {
    "product": PRODUCTS,
    "purchase_product": PURCHASE_PRODUCTS,
    "purchase_channel": PURCHASE_CHANNELS,
    "customer_type": CUSTOMER_TYPES,
    "gender": GENDERS,
    "segment": SEGMENTS,
    "phone_label": PHONE_LABELS,
    "engine_type": ENGINE_TYPES,
    "route_type": ROUTE_TYPES,
    "lifecycle_stage": LIFECYCLE_STAGES,
    "consent_channel": CONSENT_CHANNELS,
    "consent_purpose": CONSENT_PURPOSES,
    "consent_status": CONSENT_STATUSES,
    "consent_source": CONSENT_SOURCES,
    "queue": QUEUES,
    "direction": DIRECTIONS,
    "call_disposition": CALL_DISPOSITIONS,
    "contact_channel": CONTACT_CHANNELS,
    "contact_disposition": CONTACT_DISPOSITIONS,
    "survey_type": SURVEY_TYPES,
    "offer_response": OFFER_RESPONSES,
    "work_order_category": WORK_ORDER_CATEGORIES,
    "work_order_priority": PRIORITIES,
    "work_order_stage": WORK_ORDER_STAGES,
    "component": COMPONENTS,
    "telematics_event_type": TELEMATICS_EVENT_TYPES,
    "article_status": ARTICLE_STATUSES,
    "lead_source": LEAD_SOURCES,
    "lead_interest": LEAD_INTERESTS,
    "lead_status": LEAD_STATUSES,
    "lead_state": LEAD_STATES,
    "link_rule": LINK_RULES,
    "override_action": OVERRIDE_ACTIONS,
}

SEED_PATH = Path(__file__).resolve().parent.parent / "transforms" / "seeds" / "vocabulary.csv"
SEED_COLUMNS = ("domain", "value", "position")


def values(domain: str) -> tuple[str, ...]:
    """The values of one domain; KeyError naming the known domains otherwise."""
    try:
        return DOMAINS[domain]
    except KeyError:
        raise KeyError(f"unknown vocabulary domain {domain!r}; known: {', '.join(DOMAINS)}") from None


def seed_text() -> str:
    """The dbt seed transforms/seeds/vocabulary.csv: one row per domain and value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SEED_COLUMNS)
    for domain, domain_values in DOMAINS.items():
        for position, value in enumerate(domain_values, start=1):
            writer.writerow((domain, value, position))
    return out.getvalue()


def write_seed(path: Path = SEED_PATH) -> Path:
    """Write the seed from DOMAINS (run after changing a list here)."""
    path.write_text(seed_text(), encoding="utf-8")
    return path
