"""Record, attempt, retry and sweep webhook deliveries.

``emit`` is what the rest of the app calls, inside its own transaction: it writes one
``Delivery`` per subscribed endpoint, and only once that transaction commits asks the queue to
attempt them. An attempt signs and POSTs the body; a 2xx marks the delivery delivered (once: the
row is locked while it is attempted, and a delivered row is never attempted again); anything else
schedules the next attempt with exponential backoff (1 minute, doubling, at most an hour apart)
until a day has passed since the event, and then marks it failed.
"""

import json
import logging
import time
from datetime import datetime, timedelta
from functools import partial

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import Delivery, DeliveryStatus, Endpoint, Event
from .signing import signed_headers

logger = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY_DELAY = timedelta(hours=1)
RETRY_FOR = timedelta(days=1)
RESPONSE_EXCERPT = 1000  # characters of the receiver's answer kept on the delivery
SWEEP_LIMIT = 500


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4 ... minutes, capped at 1 hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY_DELAY)


def _enqueue(delivery_id: int, *, run_after: datetime | None = None) -> None:
    """Ask the queue to attempt a delivery (now, or at ``run_after`` where the backend defers).

    The immediate backend (SQLite, no worker) runs it here and now, and cannot defer: its retries
    are left to the sweep (``manage.py webhooks_sweep``).
    """
    from .tasks import delivery_attempt_task

    job = delivery_attempt_task
    if run_after is not None:
        if not job.get_backend().supports_defer:
            return
        job = job.using(run_after=run_after)
    job.enqueue(delivery_id)


@transaction.atomic
def emit(event: str, payload: dict) -> list[Delivery]:
    """Record a delivery of ``event`` for every active endpoint subscribed to it.

    Call it inside the transaction that makes the change: nothing is sent if it rolls back, and
    the queue hears of the deliveries only after it commits. A payload that is not JSON is a
    ValueError (and, raised in the caller's transaction, rolls the change back).
    """
    if event not in Event.values:
        raise ValueError(f"Unknown webhook event {event!r}; known: {', '.join(Event.values)}")
    try:
        data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    except (TypeError, ValueError) as error:
        raise ValueError(f"The {event} payload is not JSON: {error}") from error
    endpoints = Endpoint.objects.subscribed_to(event)
    if not endpoints:
        return []
    now = timezone.now()
    deliveries = Delivery.objects.bulk_create(
        Delivery(endpoint=endpoint, event=event, payload=data, created_at=now, next_attempt_at=now)
        for endpoint in endpoints
    )
    for delivery in deliveries:
        transaction.on_commit(partial(_enqueue, delivery.pk), robust=True)
    return deliveries


def delivery_body(delivery: Delivery) -> bytes:
    """The exact bytes sent (and signed): the same on every attempt."""
    envelope = {
        "id": str(delivery.uuid),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode()


def _post(delivery: Delivery, body: bytes) -> tuple[int | None, str, str]:
    """POST the signed body: (status code or None, the answer's first characters, error)."""
    headers = signed_headers(
        secret=delivery.endpoint.secret,
        timestamp=int(time.time()),
        body=body,
        event=delivery.event,
        delivery_id=str(delivery.uuid),
    )
    try:
        with requests.post(
            delivery.endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,
        ) as response:
            raw = response.raw.read(RESPONSE_EXCERPT * 4, decode_content=True) or b""
            excerpt = raw.decode(response.encoding or "utf-8", "replace")[:RESPONSE_EXCERPT]
            error = "" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
            return response.status_code, excerpt, error
    except requests.RequestException as exc:
        return None, "", f"{type(exc).__name__}: {exc}"[:RESPONSE_EXCERPT]


def delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> str:
    """Attempt one delivery if it is pending and due; return its status afterwards.

    The row stays locked (``SELECT ... FOR UPDATE SKIP LOCKED``) while the receiver answers, so two
    workers never send the same delivery at once; the second one finds it locked and leaves it.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "locked or gone"
        now = now or timezone.now()
        if delivery.status != DeliveryStatus.PENDING:
            return delivery.status
        if delivery.next_attempt_at > now:
            return "not due"
        if not delivery.endpoint.active:
            status, excerpt, error = None, "", "The endpoint was deactivated."
            delivery.status = DeliveryStatus.FAILED
        else:
            status, excerpt, error = _post(delivery, delivery_body(delivery))
            delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.last_response_status = status
        delivery.last_response_body = excerpt
        delivery.last_error = error
        delivery.log = [*delivery.log, {"at": now.isoformat(), "status": status, "error": error}]
        if delivery.status == DeliveryStatus.FAILED:
            delivery.next_attempt_at = None
        elif not error:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        else:
            next_attempt = now + retry_delay(delivery.attempts)
            if next_attempt > delivery.created_at + RETRY_FOR:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = next_attempt
                transaction.on_commit(
                    lambda: _enqueue(delivery.pk, run_after=next_attempt), robust=True
                )
        delivery.save()
    if error:
        logger.warning("Webhook delivery %s to %s: %s", delivery.uuid, delivery.endpoint, error)
    return delivery.status


def deliveries_run_due(*, now: datetime | None = None) -> int:
    """Attempt every due delivery here and now (no queue); how many were attempted."""
    now = now or timezone.now()
    ids = list(Delivery.objects.due(now).values_list("pk", flat=True)[:SWEEP_LIMIT])
    for pk in ids:
        delivery_attempt(delivery_id=pk, now=now)
    return len(ids)


def deliveries_sweep(*, overdue_by: timedelta = timedelta(0)) -> int:
    """Enqueue again every pending delivery due for longer than ``overdue_by``.

    What the queue lost (a worker killed mid-attempt, a crash between commit and enqueue) is
    found here: the worker sweeps when it starts and then every minute. Enqueueing one twice is
    harmless: an attempt of a delivered, locked or not-yet-due delivery does nothing.
    """
    ids = list(
        Delivery.objects.due(timezone.now() - overdue_by).values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    for pk in ids:
        _enqueue(pk)
    return len(ids)


@transaction.atomic(savepoint=False)  # inside the erasure's transaction: no savepoint of its own
def deliveries_forget_candidate(*, candidate_id: int) -> int:
    """For an erased candidate: drop their data from every delivery about them, and cancel the
    pending ones (the candidate.erased event itself carries the id alone). How many changed:
    two statements, however many deliveries."""
    about = Delivery.objects.filter(payload__candidate__id=candidate_id).exclude(
        event=Event.CANDIDATE_ERASED
    )
    forgotten = {"candidate": {"id": candidate_id}, "erased": True}
    done = about.exclude(status=DeliveryStatus.PENDING).update(payload=forgotten)
    cancelled = about.filter(status=DeliveryStatus.PENDING).update(
        payload=forgotten,
        status=DeliveryStatus.FAILED,
        next_attempt_at=None,
        last_error="Cancelled: the candidate was erased.",
    )
    return done + cancelled
