"""Writes about people: the audit trail, roles, accounts."""

import secrets
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import AuditEvent, Verb
from .roles import ROLE_GROUPS, STAFF_ROLES, Role, group_names


def _name(user) -> str:
    return user.get_username() if user is not None else "(system)"


def audit_record(
    *,
    actor,
    verb: str,
    target,
    candidate=None,
    candidate_id: int | None = None,
    summary: str = "",
    target_label: str | None = None,
) -> AuditEvent:
    """Append one row to the audit trail (one INSERT)."""
    event = audit_event(
        actor=actor,
        verb=verb,
        target=target,
        candidate=candidate,
        candidate_id=candidate_id,
        summary=summary,
        target_label=target_label,
    )
    event.save(force_insert=True)
    return event


def audit_event(
    *,
    actor,
    verb: str,
    target,
    candidate=None,
    candidate_id: int | None = None,
    summary: str = "",
    target_label: str | None = None,
) -> AuditEvent:
    """The audit trail's row for an action, not yet written: ``audit_record`` writes it, and
    a hot write folds it into its own statement (``interviews.services.item_score``)."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        actor=actor,
        actor_name=_name(actor),
        verb=verb,
        target_type=target._meta.model_name,
        target_id=target.pk,
        target_label=(str(target) if target_label is None else target_label)[:300],
        candidate_id=candidate.pk if candidate is not None else candidate_id,
        summary=summary,
    )


def _admin_count() -> int:
    User = get_user_model()
    return User.objects.filter(is_active=True).filter(groups__name=Role.ADMIN).distinct().count()


@transaction.atomic
def user_set_roles(*, user, roles: Iterable[str], actor) -> bool:
    """Give ``user`` exactly these roles (group names). Curators and admins get staff status
    (they reach the admin); nobody removes the last active admin. True if anything changed."""
    wanted = set(roles)
    if unknown := wanted - ROLE_GROUPS:
        raise ValidationError(f"Unknown role(s): {', '.join(sorted(unknown))}.")
    current = set(user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True))
    if current == wanted:
        return False
    losing_admin = Role.ADMIN in current and Role.ADMIN not in wanted and user.is_active
    if losing_admin and _admin_count() <= 1:
        raise ValidationError(
            "This is the last admin: give someone else the admin role first.",
            code="last_admin",
        )
    groups = {g.name: g for g in Group.objects.filter(name__in=ROLE_GROUPS)}
    user.groups.remove(*[groups[n] for n in current - wanted])
    user.groups.add(*[groups[n] for n in wanted - current])
    staff = bool(wanted & STAFF_ROLES) or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    if hasattr(user, "_group_names_cache"):
        del user._group_names_cache
    labels = dict(Role.choices)
    before = ", ".join(labels[r] for r in Role.values if r in current) or "no role"
    after = ", ".join(labels[r] for r in Role.values if r in wanted) or "no role"
    audit_record(
        actor=actor,
        verb=Verb.ROLE_CHANGE,
        target=user,
        target_label=user.get_username(),
        summary=f"{before} → {after}",
    )
    return True


@transaction.atomic
def user_create(
    *, username: str, email: str, roles: Iterable[str], actor, first_name="", last_name=""
):
    """A new account with these roles; the person sets their password from an e-mailed link."""
    User = get_user_model()
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "Someone already has this username."})
    user = User(username=username, email=email.strip(), first_name=first_name, last_name=last_name)
    # A random password nobody knows: the person chooses theirs from the e-mailed link
    # (Django's reset only mails accounts with a usable password).
    user.set_password(secrets.token_urlsafe(32))
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, verb=Verb.CREATE, target=user, target_label=username)
    user_set_roles(user=user, roles=roles, actor=actor)
    return user


@transaction.atomic
def user_deactivate(*, user, actor) -> None:
    """No more logins; their interviews and audit rows stay. Not yourself, not the last admin."""
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own account.", code="self")
    if not user.is_active:
        raise ValidationError("This account is already deactivated.", code="inactive")
    if Role.ADMIN in group_names(user) and _admin_count() <= 1:
        raise ValidationError(
            "This is the last admin: give someone else the admin role first.", code="last_admin"
        )
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, verb=Verb.DEACTIVATE, target=user, target_label=user.get_username())
