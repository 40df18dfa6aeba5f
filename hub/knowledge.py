"""The knowledge base: how an article is written, and how articles and resolved cases are
suggested for a caller without typing.

An article (title, symptom, fault codes, vehicle models, components, steps, author, draft or
published) is written by R&D and field engineers through the API's `writeKnowledgeArticle`
mutation, appended to the ops store's event log as kind `knowledge_article` (one event per
version) and exported to the warehouse like the contact engine's write-backs. The version of
an article is its events' position in seq order (1, 2, ...), in the warehouse
(`fct_knowledge_article_versions`) and live alike, so two writers can never give one version
twice. In hub/ because the API writes and ranks with it and ingestion's contract checks the
same rules (hub.writeback's pattern).

The suggestion rule (`rank`), documented in docs/agent_desk.md: a candidate scores
FAULT_CODE for each of the caller's fault codes it names, COMPONENT for each component,
MODEL for each vehicle model, plus its text similarity (0..1) to what the caller reported;
so one fault-code match outranks any number of component matches, a component any number
of model matches, and text only breaks ties. Only published articles are candidates.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hub.text import char_ngrams
from hub.vocabulary import ARTICLE_STATUSES, COMPONENTS
from hub.writeback.events import InvalidWriteBack

KIND = "knowledge_article"
# the event log names a customer per event; an article concerns none
NO_CUSTOMER = ""
SEPARATOR = "|"  # between the codes, models and components of one article, as served
STEP_SEPARATOR = "\n"  # between steps, as served
FAULT_CODE = re.compile(r"\A\d{1,6}-\d{1,2}\Z")  # SPN-FMI, as the fault catalogue spells it
MODEL_CODE = re.compile(r"\A[0-9A-Za-z][0-9A-Za-z_-]{0,19}\Z")
AUTHOR = re.compile(r"\A[0-9A-Za-z][0-9A-Za-z_-]{0,39}\Z")  # an employee id, never a name
ARTICLE_ID = re.compile(r"\AKB[0-9A-Z]{1,30}\Z")
MAX_TITLE, MAX_SYMPTOM, MAX_STEP, MAX_STEPS, MAX_KEYS = 200, 2000, 500, 30, 20

# the weights of the suggestion rule (see the module's docstring)
FAULT_CODE_WEIGHT, COMPONENT_WEIGHT, MODEL_WEIGHT = 1_000_000.0, 1_000.0, 1.0
TEXT_WEIGHT = 0.5  # below one model match: text similarity only breaks ties


def new_article_id() -> str:
    return "KB" + uuid.uuid4().hex[:12].upper()


def _text(raw: Mapping[str, Any], name: str, limit: int, required: bool) -> str | None:
    value = raw.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidWriteBack(f"input.{name}", "is required")
        return None
    if not isinstance(value, str):
        raise InvalidWriteBack(f"input.{name}", "must be a string")
    if len(value) > limit:
        raise InvalidWriteBack(f"input.{name}", f"is longer than {limit} characters")
    return value.strip()


def _keys(raw: Mapping[str, Any], name: str, pattern: re.Pattern | None, allowed: Sequence[str] | None) -> str:
    values = raw.get(name) or []
    if not isinstance(values, list) or len(values) > MAX_KEYS:
        raise InvalidWriteBack(f"input.{name}", f"must be a list of at most {MAX_KEYS} values")
    out: list[str] = []
    for i, value in enumerate(values):
        value = value.strip() if isinstance(value, str) else value
        if not isinstance(value, str) or (pattern is not None and not pattern.match(value)):
            what = "an SPN-FMI fault code such as 3251-0" if name == "faultCodes" else "a model code such as J6P"
            raise InvalidWriteBack(f"input.{name}[{i}]", f"is not {what}", value)
        if allowed is not None and value not in allowed:
            raise InvalidWriteBack(f"input.{name}[{i}]", f"is not one of {', '.join(allowed)}", value)
        if value not in out:
            out.append(value)
    return SEPARATOR.join(out)


def _steps(raw: Mapping[str, Any]) -> str:
    steps = raw.get("steps")
    if not isinstance(steps, list) or not 1 <= len(steps) <= MAX_STEPS:
        raise InvalidWriteBack("input.steps", f"must list 1 to {MAX_STEPS} steps")
    for i, step in enumerate(steps):
        if not isinstance(step, str) or not step.strip() or len(step) > MAX_STEP or STEP_SEPARATOR in step:
            raise InvalidWriteBack(f"input.steps[{i}]", f"must be one line of 1 to {MAX_STEP} characters")
    return STEP_SEPARATOR.join(step.strip() for step in steps)


def prepare_article(raw: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The payload of one article version (snake_case, lists joined as served), or
    InvalidWriteBack naming the input field, the value and the rule broken."""
    known = {"articleId", "title", "symptom", "faultCodes", "models", "components", "steps", "author", "status"}
    for name in raw:
        if name not in known:
            raise InvalidWriteBack(f"input.{name}", "is not a field of a knowledge article")
    article_id = _text(raw, "articleId", 32, required=False)
    if article_id is not None and not ARTICLE_ID.match(article_id):
        raise InvalidWriteBack("input.articleId", "is not an article id this API returned (KB...)", article_id)
    author = _text(raw, "author", 40, required=True)
    if not AUTHOR.match(author or ""):
        raise InvalidWriteBack("input.author", "must be the author's employee id (letters, digits, - or _)")
    status = _text(raw, "status", 20, required=True)
    if status not in ARTICLE_STATUSES:
        raise InvalidWriteBack("input.status", f"is not one of {', '.join(ARTICLE_STATUSES)}", status)
    payload = {
        "article_id": article_id,
        "title": _text(raw, "title", MAX_TITLE, required=True),
        "symptom": _text(raw, "symptom", MAX_SYMPTOM, required=True),
        "fault_codes": _keys(raw, "faultCodes", FAULT_CODE, None),
        "models": _keys(raw, "models", MODEL_CODE, None),
        "components": _keys(raw, "components", None, COMPONENTS),
        "steps": _steps(raw),
        "author_id": author,
        "article_status": status,
        "written_at": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
    }
    if not (payload["fault_codes"] or payload["components"]):
        raise InvalidWriteBack("input.faultCodes", "name at least one fault code or component, so the article can "
                               "be found for a caller")
    return payload


def split(value: str | None, separator: str = SEPARATOR) -> list[str]:
    return [part for part in (value or "").split(separator) if part]


@dataclass(frozen=True)
class Caller:
    """What is known about a caller before anyone types: active fault codes, the components
    of those faults and of open orders, the vehicles' models, and what they reported."""

    fault_codes: frozenset[str]
    components: frozenset[str]
    models: frozenset[str]
    text: str = ""


def similarity(a: str, b: str) -> float:
    """Jaccard overlap of the two texts' character n-grams (hub.text), 0..1."""
    left, right = set(char_ngrams(a)), set(char_ngrams(b))
    return len(left & right) / len(left | right) if left and right else 0.0


def score(caller: Caller, fault_codes: Iterable[str], components: Iterable[str], models: Iterable[str],
          text: str) -> tuple[float, list[str]]:
    """A candidate's score under the rule and the reasons, strongest first."""
    codes = sorted(caller.fault_codes & set(fault_codes))
    parts = sorted(caller.components & set(components))
    kinds = sorted(caller.models & set(models))
    similar = similarity(caller.text, text) if caller.text else 0.0
    reasons = [f"fault code {code} is active" for code in codes]
    reasons += [f"component {part} has an active fault or open order" for part in parts]
    reasons += [f"vehicle model {model}" for model in kinds]
    if similar > 0 and reasons:
        reasons.append(f"text similarity {similar:.2f}")
    total = FAULT_CODE_WEIGHT * len(codes) + COMPONENT_WEIGHT * len(parts) + MODEL_WEIGHT * len(kinds)
    return (total + TEXT_WEIGHT * similar if total else 0.0), reasons


def rank(caller: Caller, candidates: Iterable[Mapping[str, Any]], first: int) -> list[dict[str, Any]]:
    """The best `first` candidates for the caller, each with its score and reasons; a
    candidate that matches no fault code, component or model is never suggested.
    Candidates carry faultCodes, components, models (lists) and text; ties break on id."""
    scored = []
    for candidate in candidates:
        total, reasons = score(caller, candidate["faultCodes"], candidate["components"], candidate["models"],
                               candidate.get("text") or "")
        if total > 0:
            scored.append({**candidate, "score": round(total, 4), "reasons": reasons})
    scored.sort(key=lambda c: (-c["score"], c["id"]))
    return scored[:first]
