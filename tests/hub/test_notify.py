"""Pushed alerts through `hub notify` (docs/notify.md) on the fixture marts' served store:
a local webhook receiver and a local SMTP server (tests/hub/receivers.py; both real
sockets, nothing mocked), retries with backoff, the delivery log, once per subscription."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from typer.testing import CliRunner

from hub.cli import app
from hub.settings import Settings, get_settings
from tests.api.conftest import publish_fixture
from tests.conftest import free_port
from tests.hub.receivers import smtp_server, webhook

ALERT = "FA-J6P-aftertreatment-ALL-20260320"  # tests/publish/marts.py: high, new


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Settings:
    return publish_fixture(Settings(data_dir=tmp_path_factory.mktemp("notify") / "var"))


@pytest.fixture
def hub(published, monkeypatch, tmp_path):
    """`hub <args>` on a fresh ops store beside the published serving store."""
    monkeypatch.setenv("HUB_DATA_DIR", str(published.data_dir))
    monkeypatch.setenv("HUB_OPS_URL", f"sqlite:///{tmp_path / 'ops.db'}")
    monkeypatch.setenv("HUB_NOTIFY_BACKOFF_SECONDS", "0.01")
    monkeypatch.setenv("HUB_NOTIFY_ATTEMPTS_PER_RUN", "3")
    monkeypatch.setenv("HUB_NOTIFY_MAX_ATTEMPTS", "4")

    def run(*args: str, code: int = 0) -> str:
        get_settings.cache_clear()
        result = CliRunner().invoke(app, ["notify", *args])
        assert result.exit_code == code, result.output
        return result.output

    yield run
    get_settings.cache_clear()


def test_webhook_and_email_are_delivered_after_retries_logged_and_only_once(hub, monkeypatch):
    with webhook(plan=[500, 503]) as hook, smtp_server(plan=[451]) as mailbox:
        monkeypatch.setenv("HUB_NOTIFY_SMTP_PORT", str(mailbox.port))
        rnd = hub("subscribe", "--subscriber", "rnd-powertrain", "--topic", "field_alert", "--channel", "webhook",
                  "--address", hook.url, "--model", "J6P", "--min-severity", "high").strip()
        lead = hub("subscribe", "--subscriber", "E0042", "--topic", "kpi_breach", "--channel", "email",
                   "--address", "li.lei@example.com", "--scope", "team").strip()
        hub("subscribe", "--subscriber", "rnd-axles", "--topic", "field_alert", "--channel", "webhook",
            "--address", hook.url, "--model", "J7")
        assert hub("deliver") == "queued 2, delivered 2, retrying 0, failed 0 (5 attempts)\n"

        assert [r["status"] for r in hook.received] == [500, 503, 200]
        keys = {r["headers"]["Idempotency-Key"] for r in hook.received}
        assert len(keys) == 1 and keys == {hook.received[0]["body"]["deliveryId"]}
        body = hook.received[-1]["body"]
        assert (body["topic"], body["alert"]["alert_id"], body["alert"]["severity"]) == ("field_alert", ALERT, "high")
        assert body["subject"].startswith("[cs-hub] high field alert: J6P aftertreatment (new)")
        assert "CU1" not in str(hook.received)
        [(sender, to, message)] = mailbox.messages
        assert (sender, to) == ("cs-hub@localhost", ["li.lei@example.com"])
        # the latest complete week: the data ends on Tuesday 2026-03-31, so the week of 03-30 runs on
        assert " ".join(message["Subject"].split()) == (
            "[cs-hub] answered_service_level of team service-1 missed its target in the week of 2026-03-23: "
            "0.7 against 0.8")
        assert '"scope_id": "service-1"' in message.get_payload() and "2026-03-30" not in message.get_payload()

        log = hub("log", "--attempts")
        assert log.count(" delivered attempts=") == 2 and "li.lei" not in log
        rnd_line = next(line for line in log.splitlines() if f" {rnd} " in line)
        assert "attempts=3" in rnd_line and rnd_line.endswith(f"field_alert|{ALERT}")
        assert "attempt 1 " in log and " error HTTP 500" in log and " error HTTP 503" in log and " error SMTP 451" in log
        assert f"{lead} delivered attempts=2" in log

        # the next run (a rebuild serves the same alert and breach): nothing is sent again
        assert hub("deliver") == "queued 0, delivered 0, retrying 0, failed 0 (0 attempts)\n"
        assert len(hook.received) == 3 and len(mailbox.messages) == 1
        listed = hub("list")
        assert "l***@example.com" in listed and "li.lei" not in listed and "model_code=J6P min_severity=high" in listed


def test_an_unreachable_receiver_is_retried_on_later_runs_then_failed_and_a_refusal_at_once(hub):
    dead = f"http://127.0.0.1:{free_port()}/hook"
    hub("subscribe", "--subscriber", "rnd", "--topic", "field_alert", "--channel", "webhook", "--address", dead)
    assert hub("deliver") == "queued 1, delivered 0, retrying 1, failed 0 (3 attempts)\n"
    # the next attempt waits for the backoff after the third: 0.01 s x 2^3, on a later run
    retrying = hub("log", "--attempts")
    due = datetime.fromisoformat(retrying.split(" next=")[1].split()[0])
    third = datetime.fromisoformat(retrying.splitlines()[-1].split()[2])
    assert "retrying attempts=3" in retrying and due - third == timedelta(milliseconds=80)
    time.sleep(0.2)
    assert hub("deliver") == "queued 0, delivered 0, retrying 0, failed 1 (1 attempts)\n"
    failed = hub("log", "--status", "failed", "--attempts")
    assert "failed attempts=4" in failed and failed.count(" error ConnectError") == 4
    with webhook(plan=[404]) as hook:
        hub("subscribe", "--subscriber", "rnd2", "--topic", "field_alert", "--channel", "webhook",
            "--address", hook.url)
        assert hub("deliver") == "queued 1, delivered 0, retrying 0, failed 1 (1 attempts)\n"
        assert len(hook.received) == 1 and "error=HTTP 404" in hub("log", "--status", "failed")


@pytest.mark.parametrize(("args", "message"), [
    (["--topic", "weather", "--channel", "email", "--address", "a@b.cn"],
     "refused: topic='weather': must be one of field_alert, kpi_breach"),
    (["--topic", "field_alert", "--channel", "email", "--address", "not-an-address"],
     "refused: address='not-an-address': must be an e-mail address"),
    (["--topic", "field_alert", "--channel", "webhook", "--address", "ftp://x/y"],
     "refused: address='ftp://x/y': must be an http(s) URL"),
    (["--topic", "field_alert", "--channel", "webhook", "--address", "http://h/x", "--min-severity", "dire"],
     "refused: min_severity='dire': must be one of low, medium, high"),
    (["--topic", "kpi_breach", "--channel", "webhook", "--address", "http://h/x", "--component", "brakes"],
     "refused: component='brakes': is not a filter of topic kpi_breach"),
    (["--topic", "kpi_breach", "--channel", "webhook", "--address", "http://h/x", "--kpi", "smiles"],
     "refused: kpi='smiles': must be one of answered_service_level"),
])
def test_a_bad_subscription_is_refused_naming_field_value_and_rule(hub, args, message):
    output = hub("subscribe", "--subscriber", "E1", *args, code=2)
    assert output.startswith(message)
    assert hub("list") == ""
