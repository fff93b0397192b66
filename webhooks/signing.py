"""How a delivery is signed: HMAC-SHA256 over "{timestamp}.{body}" with the endpoint's secret.

``receiver_example.py`` beside this file is the receiving side, as the README shows it.
"""

import hashlib
import hmac

SIGNATURE_VERSION = "v1"


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The X-InterviewKit-Signature header's value: ``v1=<hex digest>``."""
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def signed_headers(*, secret: str, timestamp: int, body: bytes, event: str, delivery_id: str):
    return {
        "Content-Type": "application/json",
        "User-Agent": "InterviewKit-Webhooks/1",
        "X-InterviewKit-Event": event,
        "X-InterviewKit-Delivery": delivery_id,
        "X-InterviewKit-Timestamp": str(timestamp),
        "X-InterviewKit-Signature": signature(secret=secret, timestamp=timestamp, body=body),
    }
