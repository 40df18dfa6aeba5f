"""Normalisation of the identifiers that link records to one customer.

Each function takes a value as an upstream system exported it and returns the
canonical form, or None when the value is not a usable identifier. They are the
authority: faster paths elsewhere (SQL in ingestion) must agree with them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import PhoneNumberType
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

PhoneKind = Literal["mobile", "landline", "service", "international"]

_TYPE_TO_KIND: dict[int, PhoneKind] = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "landline",
    PhoneNumberType.TOLL_FREE: "service",
    PhoneNumberType.SHARED_COST: "service",
    PhoneNumberType.PREMIUM_RATE: "service",
    PhoneNumberType.UAN: "service",
    PhoneNumberType.VOIP: "landline",
}

_JUNK_DIGITS = re.compile(r"^(\d)\1+$")  # 00000000, 1111111...
_NON_DIAL = re.compile(r"[^\d+]")


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A phone number in E.164 with what kind of line it is.

    kind "service" covers 400/800 numbers: they belong to companies, never to one
    customer, so identity resolution never links through them.
    """

    e164: str
    kind: PhoneKind

    @property
    def masked(self) -> str:
        """National digits with the middle hidden: 138****8000."""
        digits = self.e164[3:] if self.e164.startswith("+86") else self.e164.lstrip("+")
        if len(digits) <= 7:
            return digits[:2] + "*" * (len(digits) - 2)
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


# the longest text parsed as a phone number: "+86 (010) 6552-9988 ext. 1234" and its like
# are far shorter; anything longer is junk, and never becomes a key of the parse cache
MAX_PHONE_CHARS = 64


def normalize_phone(raw: str | None, region: str = "CN") -> PhoneNumber | None:
    """Parse a phone number in any format a Chinese contact center sees.

    +86 138 0013 8000, 0086-13800138000, 138-0013-8000, (010) 6552 9988,
    010-65529988 ext. 12, 400-820-8820 and foreign numbers with + or 00.
    Returns None for junk (all one digit, too short, longer than MAX_PHONE_CHARS) and
    invalid numbers.
    """
    if raw is None:
        return None
    text = str(raw).strip()
    if len(text) > MAX_PHONE_CHARS:
        return None
    return _parse_phone(text, region)


@lru_cache(maxsize=65536)
def _parse_phone(text: str, region: str) -> PhoneNumber | None:
    if not text:
        return None
    digits = _NON_DIAL.sub("", text.split("ext")[0].split("转")[0].split("#")[0])
    bare = digits.lstrip("+")
    if len(bare) < 5 or _JUNK_DIGITS.match(bare):
        return None
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if number.country_code != 86:
        return PhoneNumber(e164, "international")
    kind = _TYPE_TO_KIND.get(phonenumbers.number_type(number), "landline")
    return PhoneNumber(e164, kind)


def normalize_email(raw: str | None) -> str | None:
    """Lower-cased, syntax-checked address; None when it is not an address.

    Deliverability is not checked (no network); placeholder addresses are junk.
    """
    if raw is None or not str(raw).strip():
        return None
    try:
        result = validate_email(str(raw).strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    email = result.normalized.lower()
    local, _, domain = email.partition("@")
    if local in {"none", "null", "unknown", "noemail", "na", "test"} or domain in {"example.com", "test.com"}:
        return None
    return email


_VIN_STRIP = re.compile(r"[\s\-_.]")
_VIN_CHARS = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
# ISO 3779 / GB 16735 check digit: letters transliterate to numbers, positions weigh.
_VIN_VALUE = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9))),
    **dict(zip("JKLMN", range(1, 6))),
    "P": 7, "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10))),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_digit(vin: str) -> str:
    """The check digit (position 9) that a 17-character VIN must carry."""
    total = sum(_VIN_VALUE[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def normalize_vin(raw: str | None) -> str | None:
    """Upper-cased 17-character VIN whose check digit (position 9) is right.

    China's GB 16735 uses the ISO 3779 check digit, so a VIN that fails it has a
    typo and must not link records.
    """
    if raw is None:
        return None
    vin = _VIN_STRIP.sub("", str(raw)).upper()
    if not _VIN_CHARS.match(vin) or _JUNK_DIGITS.match(vin):
        return None
    if vin[8] != vin_check_digit(vin):
        return None
    return vin


def hash_id_card(raw: str | None, key: str) -> str | None:
    """HMAC-SHA256 of a valid resident id-card number; the number is never kept.

    Returns None for numbers that fail the GB 11643 checksum.
    """
    if raw is None or not str(raw).strip():
        return None
    try:
        number = ric.validate(str(raw).strip())
    except ValidationError:
        return None
    return hmac.new(key.encode(), number.upper().encode(), hashlib.sha256).hexdigest()
