"""Kernel of the customer-service data hub: settings, stores, identifiers, CLI.

hub/ imports nothing of the project's other packages; they import it.
"""

from hub.identifiers import (
    PhoneNumber,
    hash_id_card,
    normalize_email,
    normalize_phone,
    normalize_vin,
)
from hub.settings import Settings, get_settings

__all__ = [
    "PhoneNumber",
    "Settings",
    "get_settings",
    "hash_id_card",
    "normalize_email",
    "normalize_phone",
    "normalize_vin",
]
