"""Webhook endpoints that admins register, and one delivery row per event and endpoint.

The ``Delivery`` row is the source of truth: the queue only says "try this one now". A worker
that dies, a task that is lost, a receiver that is down: the row stays pending with its next
attempt time, and the sweep (``webhooks.services.deliveries_sweep``) enqueues it again.
"""

import secrets
import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Event(models.TextChoices):
    SCORECARD_SUBMITTED = "scorecard.submitted", "Scorecard submitted"
    SCORECARD_AMENDED = "scorecard.amended", "Scorecard amended"
    LOOP_DECISION_RECORDED = "loop.decision_recorded", "Loop decision recorded"
    CANDIDATE_ERASED = "candidate.erased", "Candidate erased"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class EndpointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def subscribed_to(self, event: str) -> list["Endpoint"]:
        """Active endpoints that asked for this event (a few rows: filtered in Python, since
        SQLite has no JSON containment lookup)."""
        return [endpoint for endpoint in self.active() if event in endpoint.events]


class Endpoint(models.Model):
    name = models.CharField(max_length=100, help_text="Who receives: e.g. the ATS")
    url = models.URLField("URL", max_length=500, help_text="Receives a signed POST per event")
    secret = models.CharField(
        max_length=200,
        default=new_secret,
        help_text="Shared with the receiver, which checks each delivery's signature with it",
    )
    events = models.JSONField(default=list, help_text="The events this endpoint receives")
    active = models.BooleanField(default=True, help_text="Inactive endpoints receive nothing")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="webhook_endpoint_name_not_empty"),
            models.CheckConstraint(condition=~Q(url=""), name="webhook_endpoint_url_not_empty"),
            models.CheckConstraint(
                condition=~Q(secret=""), name="webhook_endpoint_secret_not_empty"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        events = self.events if isinstance(self.events, list) else None
        if not events or any(event not in Event.values for event in events):
            raise ValidationError({"events": "Choose one or more of the known events."})
        if len(self.secret) < 16:
            raise ValidationError({"secret": "Use a secret of at least 16 characters."})

    def event_labels(self) -> str:
        labels = dict(Event.choices)
        return ", ".join(labels.get(event, event) for event in self.events)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class DeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=DeliveryStatus.PENDING)

    def due(self, now: datetime):
        """Pending deliveries whose next attempt time has come, oldest first."""
        return self.pending().filter(next_attempt_at__lte=now).order_by("next_attempt_at", "id")

    def for_admin(self):
        return self.select_related("endpoint")


class Delivery(models.Model):
    """One event for one endpoint: its payload, every attempt's outcome, and the next attempt."""

    uuid = models.UUIDField(
        "delivery id", default=uuid.uuid4, unique=True, editable=False,
        help_text="Sent as X-InterviewKit-Delivery: the same on every retry (receivers dedupe)",
    )  # fmt: skip
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event)
    payload = models.JSONField(help_text="The event's data, sent as the body's 'data'")
    status = models.CharField(max_length=10, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next attempt is due (pending only)"
    )
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response_body = models.TextField(
        blank=True, help_text="The first characters of the receiver's last answer"
    )
    last_error = models.TextField(blank=True, help_text="Why the last attempt failed")
    log = models.JSONField(
        default=list, help_text='Every attempt: [{"at": ..., "status": ..., "error": ...}]'
    )
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(event__in=Event.values), name="webhook_delivery_event_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status=DeliveryStatus.DELIVERED) & Q(delivered_at__isnull=False))
                | (~Q(status=DeliveryStatus.DELIVERED) & Q(delivered_at__isnull=True)),
                name="webhook_delivery_delivered_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.PENDING) | Q(next_attempt_at__isnull=False),
                name="webhook_delivery_pending_has_next_attempt",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self):
        return f"{self.get_event_display()} to {self.endpoint} ({self.get_status_display()})"
