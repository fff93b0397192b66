"""A receiver's check of an Interview Kit webhook (standard library only; the README shows it).

Pass the raw request body (bytes, before any JSON parsing) and the request's headers.
"""

import hashlib
import hmac
import time

TOLERANCE_SECONDS = 300  # refuse deliveries signed longer ago than this: replays


class InvalidWebhook(Exception):
    pass


def verify_webhook(secret: str, headers, body: bytes, now: float | None = None) -> None:
    """Raise InvalidWebhook unless the body was signed with our secret, recently."""
    try:
        timestamp = int(headers["X-InterviewKit-Timestamp"])
        signature = headers["X-InterviewKit-Signature"]
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidWebhook("missing or malformed signature headers") from error
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise InvalidWebhook("timestamp too old or in the future: a replay?")
    message = f"{timestamp}.".encode() + body
    expected = "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise InvalidWebhook("bad signature")
    # Then: skip the event if X-InterviewKit-Delivery was already processed (retries resend it).
