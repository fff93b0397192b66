"""The audit trail: who read or changed what, when. Append-only from the app."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Verb(models.TextChoices):
    READ = "read", "read"
    EXPORT = "export", "exported"
    CREATE = "create", "created"
    SCORE = "score", "scored"
    SUBMIT = "submit", "submitted"
    AMEND = "amend", "amended"
    UNLOCK = "unlock", "unlocked the others' scores of"
    OPEN_LOOP = "open_loop", "opened a loop for"
    ASSIGN = "assign", "assigned"
    HAND_BACK = "hand_back", "handed back"
    CLOSE_LOOP = "close_loop", "closed the loop of"
    ROLE_CHANGE = "role_change", "changed the roles of"
    DEACTIVATE = "deactivate", "deactivated"
    ARCHIVE = "archive", "archived"
    UNARCHIVE = "unarchive", "brought back"
    MERGE = "merge", "merged a duplicate into"
    ERASE = "erase", "erased"
    UPDATE = "update", "updated"
    REVOKE = "revoke", "revoked"
    ADD_CO_SCORER = "add_co_scorer", "added a co-scorer to"
    REMOVE_CO_SCORER = "remove_co_scorer", "removed a co-scorer from"
    DECIDE = "decide", "recorded the decision on"


class AuditQuerySet(models.QuerySet):
    def for_admin(self):
        return self.select_related("actor", "candidate")

    def trail_of(self, candidate):
        return (
            self.filter(candidate=candidate).select_related("actor").order_by("-created_at", "-id")
        )

    def erase_text(self) -> int:
        """Blank the free text (names, titles) of these rows, keeping who/what/when: the one
        change the app makes to audit rows, for erasing a candidate's personal data."""
        return self.update(summary="", target_label="")


class AuditEvent(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor_name = models.CharField(max_length=150, help_text="Kept if the account is deleted")
    verb = models.CharField(max_length=20, choices=Verb)
    target_type = models.CharField(max_length=40)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    candidate = models.ForeignKey(
        "interviews.Candidate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(verb__in=Verb.values), name="auditevent_verb_valid"),
            models.CheckConstraint(
                condition=~Q(target_type=""), name="auditevent_target_type_not_empty"
            ),
        ]
        indexes = [
            models.Index(fields=["candidate", "-created_at"], name="auditevent_candidate_time"),
            models.Index(fields=["actor", "-created_at"], name="auditevent_actor_time"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.verb} {self.target_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Audit events are append-only: they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only: they cannot be deleted.")

    @property
    def sentence(self) -> str:
        what = self.target_label or f"{self.target_type} #{self.target_id}"
        return f"{self.actor_name} {self.get_verb_display()} {what}"
