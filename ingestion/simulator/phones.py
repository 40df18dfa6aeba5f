"""True phone numbers and the many ways people type them.

A number is kept as its national significant number (NSN) plus its kind; every
format below normalises back to the same E.164 through hub.identifiers, which a
test checks on every generated number.
"""

from __future__ import annotations

import numpy as np

from ingestion.simulator import places

MOBILE, LANDLINE, SERVICE = 0, 1, 2
MOBILE_PREFIXES = np.array(
    [130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
     166, 177, 180, 181, 182, 183, 185, 186, 187, 188, 189, 198, 199]
)
# Areas whose local numbers have 7 digits (the rest have 8), per the numbering plan.
SEVEN_DIGIT_AREAS = frozenset({"351", "471", "592", "771", "931", "991"})
JUNK_VALUES = ("00000000", "unknown", "0", "1111111", "无", "000-0000-0000", "NA")
HOTLINES = ("4006012345", "4008208820", "8008301234")  # the maker's and big dealers' service lines


def mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    prefix = MOBILE_PREFIXES[rng.integers(0, len(MOBILE_PREFIXES), n)]
    rest = rng.integers(0, 100_000_000, n)
    return np.array([f"{p}{r:08d}" for p, r in zip(prefix, rest, strict=True)], dtype=object)


def landlines(rng: np.random.Generator, city: np.ndarray) -> np.ndarray:
    """NSNs of fixed lines in each city: area code (no trunk 0) then the local number."""
    areas = np.array([c.area_code for c in places.CITIES], dtype=object)[city]
    local = rng.integers(20_000_000, 89_999_999, len(city))
    return np.array(
        [a + (str(n)[:7] if a in SEVEN_DIGIT_AREAS else str(n)) for a, n in zip(areas, local, strict=True)],
        dtype=object,
    )


def _area_length(nsn: str) -> int:
    return 2 if nsn[0] in "12" else 3


def format_number(nsn: str, kind: int, style: int) -> str:
    """One way a person or a CTI system writes this number; style is any int."""
    if kind == MOBILE:
        s = style % 6
        if s == 0:
            return nsn
        if s == 1:
            return f"+86 {nsn[:3]} {nsn[3:7]} {nsn[7:]}"
        if s == 2:
            return f"0086-{nsn}"
        if s == 3:
            return f"{nsn[:3]}-{nsn[3:7]}-{nsn[7:]}"
        if s == 4:
            return f"+86{nsn}"
        return f"{nsn[:3]} {nsn[3:7]} {nsn[7:]}"
    if kind == LANDLINE:
        k = _area_length(nsn)
        area, local = nsn[:k], nsn[k:]
        s = style % 5
        if s == 0:
            return f"0{area}-{local}"
        if s == 1:
            return f"(0{area}) {local[:-4]} {local[-4:]}"
        if s == 2:
            return f"0{area}{local}"
        if s == 3:
            return f"0{area}-{local} 转 {100 + style % 800}"
        return f"+86 {area} {local}"
    s = style % 3
    if s == 0:
        return f"{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}"
    if s == 1:
        return nsn
    return f"{nsn[:3]} {nsn[3:7]} {nsn[7:]}"


def format_many(nsn: np.ndarray, kind: np.ndarray, style: np.ndarray) -> np.ndarray:
    return np.array([format_number(a, int(b), int(c)) for a, b, c in zip(nsn, kind, style, strict=True)], dtype=object)


def e164(nsn: str) -> str:
    return "+86" + nsn
