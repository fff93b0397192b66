"""Creating and revoking API tokens (by their user in the app, or by an admin)."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Verb
from people.services import audit_record

from .models import PREFIX_LENGTH, TOKEN_PREFIX, ApiToken, digest

MAX_DAYS = 366
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token: shown once, never stored


def _new_secret() -> tuple[str, str]:
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return prefix, f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def token_create(*, user, name: str, days: int = DEFAULT_DAYS, actor) -> NewToken:
    """A new token for ``user`` valid ``days`` days (1..366); the secret is in the result only."""
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = "Give the token a name (what it is for)."
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = f"A token lasts from 1 to {MAX_DAYS} days."
    if not user.is_active:
        errors["user"] = "This account is deactivated."
    if errors:
        raise ValidationError(errors)
    prefix, secret = _new_secret()
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name,
        prefix=prefix,
        digest=digest(secret),
        created_at=now,
        created_by=actor,
        expires_at=now + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        verb=Verb.CREATE,
        target=token,
        summary=f"API token for {user.get_username()}, expires {token.expires_at:%Y-%m-%d}",
    )
    return NewToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke a token now (revoking a revoked token changes nothing)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, verb=Verb.REVOKE, target=token)
    return token
