"""Deliveries to a real receiver on loopback: signed, retried with backoff, delivered once."""

import socket
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from interviews import services as interview_services
from webhooks import services
from webhooks.models import Delivery, DeliveryStatus, Event
from webhooks.receiver_example import InvalidWebhook, verify_webhook
from webhooks.signing import signature

from .conftest import SECRET, Receiver, make_endpoint, serve

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def submit(interview):
    return interview_services.interview_submit(
        interview=interview, recommendation="hire", summary="Clear on RAG.", allow_unscored=True
    )


def test_a_submitted_scorecard_reaches_the_receiver_signed(
    receiver, live_interview, django_capture_on_commit_callbacks
):
    make_endpoint(receiver.url, events=[Event.SCORECARD_SUBMITTED])
    with django_capture_on_commit_callbacks(execute=True):
        submit(live_interview)
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    assert got.verified and got.answered == 200
    delivery = Delivery.objects.get()
    assert got.delivery_id == str(delivery.uuid) and got.event == "scorecard.submitted"
    assert got.body["event"] == "scorecard.submitted" and got.body["id"] == str(delivery.uuid)
    data = got.body["data"]
    assert data["interview"]["id"] == live_interview.pk
    assert data["interview"]["recommendation"] == "hire"
    assert data["candidate"] == {
        "id": live_interview.candidate_id,
        "name": "Cam Candidate",
        "email": "",
    }
    assert [s["position"] for s in data["scores"]] == [1, 2, 3]
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert delivery.last_response_status == 200 and delivery.last_response_body == '{"ok": true}'
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None


def test_an_amended_scorecard_is_sent_with_its_amendment(
    receiver, live_interview, interviewer, django_capture_on_commit_callbacks
):
    submit(live_interview)
    make_endpoint(receiver.url, events=[Event.SCORECARD_AMENDED])
    with django_capture_on_commit_callbacks(execute=True):
        interview_services.interview_amend(
            interview=live_interview, user=interviewer, reason="Typo", recommendation="no_hire"
        )
    [got] = receiver.requests
    assert got.verified and got.event == "scorecard.amended"
    amendment = got.body["data"]["amendment"]
    assert amendment["reason"] == "Typo" and amendment["by"]["username"] == "ines"
    assert amendment["changes"] == [{"field": "recommendation", "old": "hire", "new": "no_hire"}]
    assert got.body["data"]["interview"]["recommendation"] == "no_hire"


def test_a_receiver_that_fails_twice_then_accepts_gets_it_once_after_backoff(
    receiver, live_interview, django_capture_on_commit_callbacks
):
    receiver.script = [500, 503]
    make_endpoint(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        submit(live_interview)
    delivery = Delivery.objects.get()
    start = delivery.created_at
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.last_response_status == 500 and delivery.last_error == "HTTP 500"
    assert delivery.last_response_body == "receiver says no"
    assert delivery.next_attempt_at == delivery.last_attempt_at + timedelta(minutes=1)

    # Not due yet: nothing is sent.
    assert services.deliveries_run_due(now=start + timedelta(seconds=50)) == 0
    assert services.deliveries_run_due(now=start + timedelta(seconds=61)) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_response_status == 503
    assert delivery.next_attempt_at == start + timedelta(seconds=61) + timedelta(minutes=2)
    assert services.deliveries_run_due(now=start + timedelta(minutes=3)) == 0
    assert services.deliveries_run_due(now=start + timedelta(minutes=3, seconds=2)) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3
    assert delivery.delivered_at == start + timedelta(minutes=3, seconds=2)
    # Later sweeps and attempts leave a delivered delivery alone.
    assert services.deliveries_run_due(now=start + timedelta(hours=5)) == 0
    assert services.delivery_attempt(delivery_id=delivery.pk) == DeliveryStatus.DELIVERED
    assert services.deliveries_sweep() == 0

    assert [r.answered for r in receiver.requests] == [500, 503, 200]
    assert {r.delivery_id for r in receiver.requests} == {str(delivery.uuid)}
    assert receiver.accepted() == [str(delivery.uuid)]
    assert all(r.verified for r in receiver.requests)
    assert [entry["status"] for entry in delivery.log] == [500, 503, 200]


def test_retries_back_off_for_a_day_then_the_delivery_fails(receiver, live_interview):
    receiver.default = 502
    make_endpoint(receiver.url)
    submit(live_interview)  # no on-commit: the first attempt is driven below like the others
    delivery = Delivery.objects.get()
    now = delivery.created_at
    while delivery.status == DeliveryStatus.PENDING:
        now = delivery.next_attempt_at
        assert services.deliveries_run_due(now=now) == 1
        delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    gaps = [
        (later - earlier).total_seconds() / 60
        for earlier, later in zip(
            [delivery.created_at] + [_at(e) for e in delivery.log],
            [_at(e) for e in delivery.log],
            strict=False,
        )
    ][1:]
    assert gaps[:7] == [1, 2, 4, 8, 16, 32, 60]
    assert set(gaps[6:]) == {60}
    assert now <= delivery.created_at + timedelta(days=1) < now + timedelta(hours=1)
    assert delivery.attempts == len(receiver.requests) == 1 + len(gaps)
    assert receiver.accepted() == []


def _at(entry):
    from datetime import datetime

    return datetime.fromisoformat(entry["at"])


def test_a_receiver_that_is_down_gets_the_delivery_when_it_is_back(
    live_interview, django_capture_on_commit_callbacks
):
    with socket.socket() as probe:  # a free loopback port, nothing listening on it yet
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    make_endpoint(f"http://127.0.0.1:{port}/hooks")
    with django_capture_on_commit_callbacks(execute=True):
        submit(live_interview)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_response_status is None
    assert delivery.last_error.startswith("ConnectionError")

    receiver = Receiver()
    server = serve(receiver, port=port)
    try:
        assert services.deliveries_run_due(now=delivery.next_attempt_at) == 1
    finally:
        server.shutdown()
        server.server_close()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    assert receiver.accepted() == [str(delivery.uuid)]


def test_a_receiver_with_another_secret_refuses_and_the_delivery_is_retried(
    receiver, live_interview, django_capture_on_commit_callbacks
):
    make_endpoint(receiver.url, secret="not-the-receiver-secret-at-all")
    with django_capture_on_commit_callbacks(execute=True):
        submit(live_interview)
    [got] = receiver.requests
    assert not got.verified and got.answered == 401
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


def test_only_active_subscribed_endpoints_get_a_delivery(
    receiver, live_interview, django_capture_on_commit_callbacks
):
    make_endpoint(receiver.url, name="Amends only", events=[Event.SCORECARD_AMENDED])
    make_endpoint(receiver.url, name="Off", active=False)
    wanted = make_endpoint(receiver.url, name="Submits", events=[Event.SCORECARD_SUBMITTED])
    with django_capture_on_commit_callbacks(execute=True):
        submit(live_interview)
    assert list(Delivery.objects.values_list("endpoint", flat=True)) == [wanted.pk]
    assert len(receiver.requests) == 1


def test_nothing_is_sent_when_the_change_rolls_back(
    receiver, live_interview, django_capture_on_commit_callbacks
):
    make_endpoint(receiver.url)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        submit(live_interview)
        assert Delivery.objects.count() == 1
        raise RuntimeError("the caller fails after submitting")
    assert callbacks == [] and Delivery.objects.count() == 0 and receiver.requests == []


def test_a_refused_submit_records_no_delivery(receiver, live_interview):
    make_endpoint(receiver.url)
    with pytest.raises(interview_services.ValidationError):
        interview_services.interview_submit(
            interview=live_interview, recommendation="maybe", summary=""
        )
    assert Delivery.objects.count() == 0


def test_emit_refuses_unknown_events_and_payloads_that_are_not_json(receiver, db):
    make_endpoint(receiver.url)
    with pytest.raises(ValueError, match="Unknown webhook event 'scorecard.lost'"):
        services.emit("scorecard.lost", {})
    with pytest.raises(ValueError, match="payload is not JSON"):
        services.emit(Event.CANDIDATE_ERASED, {"candidate": object()})
    assert Delivery.objects.count() == 0


def test_an_endpoint_deactivated_after_the_event_fails_its_pending_delivery(receiver, db):
    endpoint = make_endpoint(receiver.url)
    [delivery] = services.emit(Event.CANDIDATE_ERASED, {"candidate": {"id": 7}})
    endpoint.active = False
    endpoint.save()
    assert services.delivery_attempt(delivery_id=delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.last_error == "The endpoint was deactivated." and receiver.requests == []


def test_the_signature_is_hmac_sha256_over_timestamp_and_body():
    # Known answer, computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256
    # -hmac "s3cret"
    assert signature(secret="s3cret", timestamp=1700000000, body=b'{"a":1}') == (
        "v1=" + _hmac_hex("s3cret", b'1700000000.{"a":1}')
    )


def _hmac_hex(key: str, message: bytes) -> str:
    import hashlib
    import hmac

    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def test_the_receivers_check_refuses_replays_tampering_and_missing_headers():
    body = b'{"event":"scorecard.submitted"}'
    headers = {
        "X-InterviewKit-Timestamp": "1700000000",
        "X-InterviewKit-Signature": signature(secret=SECRET, timestamp=1700000000, body=body),
    }
    verify_webhook(SECRET, headers, body, now=1700000000 + 299)
    with pytest.raises(InvalidWebhook, match="replay"):
        verify_webhook(SECRET, headers, body, now=1700000000 + 301)
    with pytest.raises(InvalidWebhook, match="bad signature"):
        verify_webhook(SECRET, headers, body + b" ", now=1700000000)
    with pytest.raises(InvalidWebhook, match="bad signature"):
        verify_webhook("another-secret", headers, body, now=1700000000)
    with pytest.raises(InvalidWebhook, match="missing"):
        verify_webhook(SECRET, {"X-InterviewKit-Timestamp": "soon"}, body, now=1700000000)


def test_the_readme_shows_the_receivers_code_that_these_tests_run():
    source = (Path(settings.BASE_DIR) / "webhooks" / "receiver_example.py").read_text()
    code = source[source.index("import hashlib") :].strip()
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert code in readme


def test_the_sweep_command_attempts_due_deliveries_inline_without_a_worker(receiver, db):
    make_endpoint(receiver.url)
    [delivery] = services.emit(Event.CANDIDATE_ERASED, {"candidate": {"id": 3}})
    out = StringIO()
    call_command("webhooks_sweep", stdout=out)
    assert out.getvalue() == "1 due webhook deliveries enqueued.\n"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert receiver.accepted() == [str(delivery.uuid)]


def test_the_periodic_sweep_leaves_alone_what_the_queue_is_about_to_run(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    make_endpoint("https://ats.example.com/hooks")
    [fresh] = services.emit(Event.CANDIDATE_ERASED, {"candidate": {"id": 1}})
    [stale] = services.emit(Event.CANDIDATE_ERASED, {"candidate": {"id": 2}})
    Delivery.objects.filter(pk=stale.pk).update(
        next_attempt_at=stale.next_attempt_at - timedelta(minutes=3)
    )
    Delivery.objects.filter(pk=fresh.pk).update(
        next_attempt_at=fresh.next_attempt_at + timedelta(seconds=30)
    )
    assert services.deliveries_sweep(overdue_by=timedelta(minutes=2)) == 1
    assert services.deliveries_sweep() == 1  # at start: everything due now
