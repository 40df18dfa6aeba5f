"""A client that queries a live API continuously, for tests that change the store under it.

Every response is kept: a failure is any non-200 status, transport error, GraphQL error or
missing answer, so a test can assert that there were none while a publish (or a failing
build) happened.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx


@dataclass
class Load:
    url: str
    key: str
    query: str
    variables: dict | None = None
    # seconds between requests: keeps a build running beside it on the shared cores
    pause: float = 0.0
    # what counts as an answer: by default a non-null data.customer
    answered: Callable[[dict], bool] = lambda data: data.get("customer") is not None
    answers: list[dict] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="load-client", daemon=True)

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self.key}"}
        payload = {"query": self.query, "variables": self.variables}
        with httpx.Client(base_url=self.url, headers=headers, timeout=10) as client:
            while not self._stop.is_set():
                try:
                    response = client.post("/graphql", json=payload)
                    body = response.json()
                except (httpx.HTTPError, ValueError) as error:
                    self.failures.append(f"{type(error).__name__}: {error}")
                    continue
                if response.status_code != 200 or "errors" in body or not self.answered(body.get("data") or {}):
                    self.failures.append(f"{response.status_code}: {response.text[:500]}")
                else:
                    self.answers.append(body["data"])
                if self.pause:
                    self._stop.wait(self.pause)

    def wait_for(self, count: int, timeout: float = 30) -> None:
        """Block until `count` more answers arrived (the client is really running)."""
        target = len(self.answers) + count
        waited = threading.Event()
        for _ in range(int(timeout / 0.01)):
            if len(self.answers) >= target or not self._thread.is_alive():
                return
            waited.wait(0.01)

    def __enter__(self) -> Load:
        self._thread.start()
        self.wait_for(5)
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
