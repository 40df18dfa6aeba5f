"""The consent rule, once in Python: may the hub contact a customer on a channel for a purpose?

The warehouse holds the same rule once, in the mart fct_contactability (built from
fct_consents); this predicate applies it to the consents as they stand now (the served
build with the contact engine's write-backs since folded on top, hub.writeback.fold), so
a withdrawal takes effect before the next build. Both read the consent in force per
channel and purpose; a test checks they agree on the demo.

- no consent on record, or a withdrawn one: not eligible;
- marketing also needs no opt-out of personalised marketing on any channel (PIPL art. 24:
  the hub's lists are ranked by a model of the person, which is personalised marketing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

MARKETING = "marketing"
# service notices (a field alert, a declared outage: docs/marketing.md "Service notices") ask
# the `service` purpose, not marketing: a marketing withdrawal or a personalised-marketing
# opt-out does not stop them, a withdrawn (or missing) service consent on the channel does
SERVICE = "service"
PERSONALISED_MARKETING = "personalised_marketing"


def is_granted(consents: Iterable[Mapping], channel: str, purpose: str) -> bool:
    """The consent in force for (channel, purpose) is granted."""
    return any(c["channel"] == channel and c["purpose"] == purpose and c["isGranted"] for c in consents)


def has_personalised_marketing_opt_out(consents: Iterable[Mapping]) -> bool:
    return any(c["purpose"] == PERSONALISED_MARKETING and not c["isGranted"] for c in consents)


def is_eligible(consents: Iterable[Mapping], channel: str, purpose: str) -> bool:
    """May the hub contact the customer on channel for purpose (fct_contactability.is_eligible)."""
    consents = list(consents)
    if not is_granted(consents, channel, purpose):
        return False
    return purpose != MARKETING or not has_personalised_marketing_opt_out(consents)


def has_marketing_consent(consents: Iterable[Mapping]) -> bool:
    """Some channel's consent for marketing is granted (customer_profile.has_marketing_consent)."""
    return any(c["purpose"] == MARKETING and c["isGranted"] for c in consents)


def may_call_back(consents: Iterable[Mapping], channel: str = "phone") -> bool:
    """May sales call back a lead left by this customer (docs/marketing.md "Sales leads")?
    The lead asked to be called (its own consent); the customer's explicit no since wins:
    marketing on the channel withdrawn, or an opt-out of personalised marketing. No consent on
    record leaves the lead's own."""
    consents = list(consents)
    withdrawn = any(c["channel"] == channel and c["purpose"] == MARKETING and not c["isGranted"] for c in consents)
    return not withdrawn and not has_personalised_marketing_opt_out(consents)
