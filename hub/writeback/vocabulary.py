"""The contact engine's vocabulary: event kinds and the ticketing workflow.

The values each field may take are the hub's one vocabulary (hub.vocabulary), re-exported
here under the names the write-back code uses; shared by the API (which validates
mutations with it) and ingestion (whose ops contracts check the same values again when
the events reach the warehouse).
"""

from __future__ import annotations

from hub.vocabulary import (  # noqa: F401 - re-exported for the write-back code
    COMPONENTS,
    CONSENT_CHANNELS,
    CONSENT_PURPOSES,
    CONSENT_SOURCES,
    CONSENT_STATUSES,
    CONTACT_CHANNELS,
    CONTACT_DISPOSITIONS,
    DIRECTIONS,
    LEAD_STATUSES,
    OFFER_RESPONSES,
    PRIORITIES,
    PRODUCTS,
    QUEUES,
    SURVEY_TYPES,
    WORK_ORDER_CATEGORIES,
    WORK_ORDER_STAGES,
)

CONTACT = "contact"
WORK_ORDER_OPENED = "work_order_opened"
WORK_ORDER_ADVANCED = "work_order_advanced"
SURVEY = "survey"
OFFER_RESPONSE = "offer_response"
CONSENT = "consent"
QA_REVIEW = "qa_review"
LEAD_STATUS = "lead_status"  # sales' progress on a handed-over lead (recordLeadStatus), about a lead, not a customer
KINDS = (CONTACT, WORK_ORDER_OPENED, WORK_ORDER_ADVANCED, SURVEY, OFFER_RESPONSE, CONSENT, QA_REVIEW, LEAD_STATUS)

# A supervisor's QA review of a sampled call (recordQaReview, docs/contact_center.md "QA"):
# a score from 0 to QA_MAX_SCORE on each criterion reviewed; the call's QA score is the points
# scored over the points possible on the criteria scored.
QA_CRITERIA = ("greeting", "verification", "diagnosis", "resolution", "courtesy", "compliance", "closing")
QA_MAX_SCORE = 5

OPEN_STAGES = ("created", "dispatched", "accepted", "on_site", "reopened")
# Which stage may follow which: the ticketing system's workflow. A consultation may be
# resolved on the phone; a closed order gets its satisfaction callback or is reopened.
NEXT_STAGES: dict[str, tuple[str, ...]] = {  # keys: WORK_ORDER_STAGES, in order
    "created": ("dispatched", "resolved", "closed"),
    "dispatched": ("accepted", "resolved"),
    "accepted": ("on_site", "resolved"),
    "on_site": ("resolved",),
    "resolved": ("closed", "reopened"),
    "closed": ("callback", "reopened"),
    "callback": ("reopened",),
    "reopened": ("dispatched", "accepted", "resolved"),
}
