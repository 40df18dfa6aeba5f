"""Identifier normalisation: every format a contact center sees maps to one canonical form."""

from __future__ import annotations

import pytest

from hub.identifiers import (
    PhoneNumber,
    hash_id_card,
    normalize_email,
    normalize_phone,
    normalize_vin,
    vin_check_digit,
)

MOBILE = "+8613800138000"


@pytest.mark.parametrize(
    "raw",
    ["+86 138 0013 8000", "0086-13800138000", "138-0013-8000", "13800138000", "86 13800138000", " (138) 0013 8000 "],
)
def test_mobile_formats_normalise_to_one_e164(raw: str) -> None:
    assert normalize_phone(raw) == PhoneNumber(MOBILE, "mobile")


@pytest.mark.parametrize(
    ("raw", "e164", "kind"),
    [
        ("(010) 6552 9988", "+861065529988", "landline"),
        ("010-65529988 ext. 12", "+861065529988", "landline"),
        ("0755-88886666 转 123", "+8675588886666", "landline"),
        ("400-820-8820", "+864008208820", "service"),
        ("800-820-8820", "+868008208820", "service"),
        ("+1 650 253 0000", "+16502530000", "international"),
        ("001-650-253-0000", "+16502530000", "international"),
    ],
)
def test_landlines_service_and_foreign_numbers(raw: str, e164: str, kind: str) -> None:
    assert normalize_phone(raw) == PhoneNumber(e164, kind)


@pytest.mark.parametrize("raw", [None, "", "   ", "00000000", "11111111111", "unknown", "95588", "123"])
def test_junk_phones_are_not_identifiers(raw: str | None) -> None:
    assert normalize_phone(raw) is None


def test_masking_keeps_only_prefix_and_last_four() -> None:
    assert normalize_phone("138-0013-8000").masked == "138****8000"
    assert normalize_phone("(010) 6552 9988").masked == "106***9988"


def test_vin_check_digit_is_enforced() -> None:
    vin = "1M8GDM9AXKP042788"  # the textbook example: check digit X
    assert vin_check_digit(vin) == "X"
    assert normalize_vin(" 1m8gdm9a-xkp042788 ") == vin
    assert normalize_vin("1M8GDM9A1KP042788") is None  # one typo at the check digit
    assert normalize_vin("1M8GDM9AXKP04278") is None  # 16 characters
    assert normalize_vin("1M8GDM9AXKPO42788") is None  # letter O is never used
    assert normalize_vin("00000000000000000") is None


def test_email_normalisation() -> None:
    assert normalize_email(" Zhang.San@QQ.com ") == "zhang.san@qq.com"
    assert normalize_email("not-an-address") is None
    assert normalize_email("unknown@example.com") is None


def test_id_card_is_hashed_and_checked() -> None:
    valid = "11010519491231002X"
    digest = hash_id_card(valid, "key-1")
    assert digest is not None and len(digest) == 64 and valid not in digest
    assert hash_id_card(valid.lower(), "key-1") == digest
    assert hash_id_card(valid, "key-2") != digest  # keyed: not reversible by a table of all ids
    assert hash_id_card("110105194912310021", "key-1") is None  # checksum fails
