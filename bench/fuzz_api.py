"""Fuzz the API over HTTP for longer than the suite does: hypothesis-drawn, schema-valid
queries (tests/api/fuzz.py) for every role, against the fixture marts served by uvicorn.

    .venv/bin/python bench/fuzz_api.py --examples 2000

Prints, per role, the requests sent, how many were answered 200 / 400 and how many were
problems (5xx, "internal error", a hang past --timeout s, personal data in an error), with
the first few problems; exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from api.keys import create_key  # noqa: E402
from api.ops import ops_engine  # noqa: E402
from api.roles import ROLES  # noqa: E402
from hub.settings import Settings  # noqa: E402
from tests.api import fuzz  # noqa: E402
from tests.api.conftest import publish_fixture, serving, unlimited  # noqa: E402


def run(examples: int, timeout: float) -> int:
    counts: dict[str, Counter] = {role: Counter() for role in ROLES}
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as data_dir:
        published = publish_fixture(Settings(data_dir=Path(data_dir) / "var"))
        keys = {role: create_key(ops_engine(published.ops_url), role, f"fuzz {role}") for role in ROLES}
        with serving(unlimited(published)) as url, httpx.Client(base_url=url, timeout=timeout) as http:

            @settings(max_examples=examples, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(data=st.data())
            def one(data):
                role = data.draw(st.sampled_from(ROLES))
                body, _ = data.draw(fuzz.request(role))
                headers = {"Authorization": f"Bearer {keys[role]}", "Content-Type": "application/json"}
                counts[role]["sent"] += 1
                try:
                    response = http.post("/graphql", content=body.encode("ascii"), headers=headers)
                except httpx.TimeoutException:
                    counts[role]["problem"] += 1
                    problems.append(f"{role}: hang past {timeout} s: {body[:300]}")
                    return
                counts[role][str(response.status_code)] += 1
                found = fuzz.problem(response.status_code, response.text, body)
                if found:
                    counts[role]["problem"] += 1
                    problems.append(f"{role}: {found}: {body[:300]} -> {response.text[:300]}")

            started = time.monotonic()
            one()
            elapsed = time.monotonic() - started
    print(f"{'role':<16}{'sent':>8}{'200':>8}{'400':>8}{'problems':>10}")
    for role, c in counts.items():
        print(f"{role:<16}{c['sent']:>8}{c['200']:>8}{c['400']:>8}{c['problem']:>10}")
    total = sum(c["sent"] for c in counts.values())
    print(f"{total:,} requests in {elapsed:.1f} s; {len(problems)} problems")
    for line in problems[:10]:
        print("  " + line)
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()
    raise SystemExit(run(args.examples, args.timeout))


if __name__ == "__main__":
    main()
