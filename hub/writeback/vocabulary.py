"""The contact engine's vocabulary: event kinds and the values each field may take.

Shared by the API (which validates mutations with it) and ingestion (whose ops contracts
check the same values again when the events reach the warehouse). The lists of channels,
purposes, stages, products and queues are the upstream systems' own (ingestion contracts
use the same words).
"""

from __future__ import annotations

CONTACT = "contact"
WORK_ORDER_OPENED = "work_order_opened"
WORK_ORDER_ADVANCED = "work_order_advanced"
SURVEY = "survey"
OFFER_RESPONSE = "offer_response"
CONSENT = "consent"
KINDS = (CONTACT, WORK_ORDER_OPENED, WORK_ORDER_ADVANCED, SURVEY, OFFER_RESPONSE, CONSENT)

CONTACT_CHANNELS = ("call", "chat")
DIRECTIONS = ("inbound", "outbound")
CONTACT_DISPOSITIONS = (
    "resolved",
    "follow_up",
    "work_order_opened",
    "transferred",
    "callback_requested",
    "abandoned",
    "no_answer",
)
QUEUES = ("sales", "service", "repair", "rescue", "complaints", "fleet", "vip")
WORK_ORDER_CATEGORIES = ("consultation", "complaint", "repair", "rescue")
PRIORITIES = ("P1", "P2", "P3", "P4")
COMPONENTS = (
    "engine", "fuel_system", "aftertreatment", "transmission", "brakes",
    "electrical", "cooling", "turbocharger", "axle", "cab",
)
OPEN_STAGES = ("created", "dispatched", "accepted", "on_site", "reopened")
# Which stage may follow which: the ticketing system's workflow. A consultation may be
# resolved on the phone; a closed order gets its satisfaction callback or is reopened.
NEXT_STAGES: dict[str, tuple[str, ...]] = {
    "created": ("dispatched", "resolved", "closed"),
    "dispatched": ("accepted", "resolved"),
    "accepted": ("on_site", "resolved"),
    "on_site": ("resolved",),
    "resolved": ("closed", "reopened"),
    "closed": ("callback", "reopened"),
    "callback": ("reopened",),
    "reopened": ("dispatched", "accepted", "resolved"),
}
SURVEY_TYPES = ("csat", "callback")
PRODUCTS = (
    "extended_warranty", "maintenance_package", "telematics_subscription", "financing", "parts",
)
OFFER_RESPONSES = ("accepted", "declined", "not_now")
CONSENT_CHANNELS = ("sms", "phone", "email", "wechat", "app")
CONSENT_PURPOSES = ("service", "marketing", "personalised_marketing", "data_sharing")
CONSENT_STATUSES = ("granted", "withdrawn")
CONSENT_SOURCES = ("contract", "app", "call_center", "web", "dealer")
