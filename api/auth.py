"""``Authorization: Bearer <token>``: the token's user becomes ``request.user``, so every rule
of people/rules.py is asked of them exactly as on the pages. Then the token's rate limit."""

import hmac
import re
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from .models import ApiToken, digest
from .problems import RateLimited

TOKEN_RE = re.compile(r"ik_([0-9a-f]{10})_[A-Za-z0-9_-]{20,100}")
WINDOW = 60  # seconds of one rate-limit window


def find_token(raw: str) -> ApiToken | None:
    """The usable token for this secret (one query), or None: unknown, wrong, revoked,
    expired, or of a deactivated user all look the same to the caller."""
    match = TOKEN_RE.fullmatch(raw.strip())
    if match is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=match[1]).first()
    if token is None or not hmac.compare_digest(token.digest, digest(raw.strip())):
        return None
    if token.revoked_at is not None or token.expires_at <= timezone.now():
        return None
    if not token.user.is_active:
        return None
    return token


def touch(token: ApiToken, now=None) -> None:
    """Record the last use, at most once a minute (one UPDATE then, no query otherwise)."""
    now = now or timezone.now()
    resolution = timedelta(seconds=settings.API_LAST_USED_RESOLUTION)
    if token.last_used_at is None or now - token.last_used_at >= resolution:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def check_rate(token: ApiToken) -> None:
    """At most API_RATE_PER_MINUTE requests per token and minute: a fixed window counted in
    the shared cache, so every app server counts together. One INCR with Redis; with the
    database cache, its read and write (a fixed number of queries, whatever the data)."""
    now = time.time()
    key = f"api-rate:{token.pk}:{int(now // WINDOW)}"
    try:
        count = cache.incr(key)
    except ValueError:  # the window's first request
        count = 1 if cache.add(key, 1, WINDOW * 2) else cache.incr(key)
    if count > settings.API_RATE_PER_MINUTE:
        raise RateLimited(retry_after=max(1, WINDOW - int(now) % WINDOW))


def reject_nul(request) -> None:
    """A NUL character in a JSON body (``\\u0000``) can be stored by no text column: refused
    with a 400, as RejectNulMiddleware refuses one in a form or a query string."""
    if request.method in ("POST", "PUT", "PATCH") and (
        b"\\u0000" in request.body or b"\x00" in request.body
    ):
        raise HttpError(
            400, "The request contains a NUL character (\\u0000), which no field accepts."
        )


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = find_token(token)
        if found is None:
            return None
        reject_nul(request)
        check_rate(found)
        touch(found)
        request.user = found.user
        request.api_token = found
        return found
